//! Memory: a region to map and write (`alloc`, `touch`), a locked page (`lock`), and the course
//! notes' list that every process has its own copy of (`append`, `show`).

use super::{
    Action, Call, Def, Effects, Facts, NoPython, Outcome, Performed, Python, Writes, failed,
    not_mine,
};
use crate::kernel::sys;
use crate::script::{ParseProblem, limits};
use std::io;

/// `alloc SIZE`: map a private anonymous region of 1 to 1024 MiB and write every page.
pub static ALLOC: Def = Def {
    verb: "alloc",
    usage: "alloc SIZE",
    syntax: |a| {
        let [size] = a.words else {
            return Err(ParseProblem::AllocSyntax {
                role: a.actor_name.to_string(),
                usage: a.usage,
            });
        };
        match size.strip_suffix("MiB").and_then(|n| n.parse::<u64>().ok()) {
            Some(mib) if (1..=limits::MAX_ALLOC_MIB).contains(&mib) => Ok(Action::Alloc { mib }),
            _ => Err(ParseProblem::AllocSize {
                found: size.to_string(),
                max: limits::MAX_ALLOC_MIB,
            }),
        }
    },
    facts: Facts {
        gives_region: true,
        ..Facts::PLAIN
    },
    effects: |a| match a {
        Action::Alloc { mib } => Effects {
            writes: Writes::Mib(*mib),
            ..Effects::NONE
        },
        other => not_mine(other),
    },
    perform: |a, _, stage| {
        let mib = match a {
            Action::Alloc { mib } => *mib,
            other => not_mine(other),
        };
        match sys::Region::map((mib as usize) << 20) {
            Ok(region) => {
                let pages = region.touch_pages(1);
                let bytes = region.len();
                let addr = region.addr();
                *stage.region() = Some(region);
                Performed::Outcome(Outcome::Allocated { bytes, pages, addr })
            }
            Err(e) => failed(Call::Mmap, e),
        }
    },
    fuzz: &["16MiB", "0MiB", "99999MiB", "16"],
    python: |a, _| match a {
        Action::Alloc { mib } => Python::line(format!(
            "m = mmap.mmap(-1, {mib} << 20, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS); m[::mmap.PAGESIZE] = b\"\\1\" * (len(m) // mmap.PAGESIZE)"
        )),
        other => not_mine(other),
    },
};

/// `--size`: every `alloc` maps `mib` MiB instead.
pub(super) fn override_size(action: &mut Action, mib: u64) {
    if let Action::Alloc { mib: m } = action {
        *m = mib;
    }
}

/// `touch`: write one byte in every page of the region, counting the minor faults.
pub static TOUCH: Def = Def {
    verb: "touch",
    usage: "touch",
    syntax: |a| a.none(Action::TouchAll),
    facts: Facts {
        needs_region: true,
        ..Facts::PLAIN
    },
    effects: |_| Effects {
        writes: Writes::Region,
        ..Effects::NONE
    },
    perform: |_, _, stage| match stage.region() {
        Some(region) => {
            let minflt_before = own_minflt();
            let pages = region.touch_pages(2);
            Performed::Outcome(match (minflt_before, own_minflt()) {
                (Some(minflt_before), Some(minflt_after)) => Outcome::Touched {
                    pages,
                    minflt_before,
                    minflt_after,
                },
                // Never report a fault count that was not read.
                _ => Outcome::failed(Call::ReadOwnStat, io::Error::last_os_error()),
            })
        }
        None => Performed::Outcome(Outcome::Failed {
            call: Call::Mmap,
            errno: libc::EINVAL,
        }),
    },
    fuzz: &[],
    python: |_, _| Python::line("m[::mmap.PAGESIZE] = b\"\\2\" * (len(m) // mmap.PAGESIZE)"),
};

/// Minor faults so far, from this process's own /proc/self/stat.
fn own_minflt() -> Option<u64> {
    let bytes = std::fs::read("/proc/self/stat").ok()?;
    crate::kernel::proc::parse_stat(&bytes)
        .ok()
        .map(|s| s.minflt)
}

/// `lock`: mlock() one page (the `L` STAT flag). Needs privilege or RLIMIT_MEMLOCK room.
pub static LOCK: Def = Def {
    verb: "lock",
    usage: "lock",
    syntax: |a| a.none(Action::Lock),
    facts: Facts::PLAIN,
    effects: |_| Effects::NONE,
    perform: |_, _, stage| match sys::lock_one_page() {
        Ok(region) => {
            let bytes = region.len();
            stage.keep(Box::new(region));
            Performed::Outcome(Outcome::Locked { bytes })
        }
        Err(e) => failed(Call::Mlock, e),
    },
    fuzz: &[],
    python: |_, _| Python::None(NoPython::NotInStdlib("mlock()")),
};

/// `append N`: append N to this process's own copy of the list, `L = [11, 22]` at start.
pub static APPEND: Def = Def {
    verb: "append",
    usage: "append NUMBER",
    syntax: |a| match a.words {
        [v] => match v.parse::<i64>() {
            Ok(value) => Ok(Action::Append { value }),
            Err(_) => Err(ParseProblem::AppendNumber {
                found: v.to_string(),
            }),
        },
        _ => Err(a.expected()),
    },
    facts: Facts::PLAIN,
    effects: |_| Effects::NONE,
    perform: |a, _, stage| {
        if let Action::Append { value } = a {
            stage.list().push(*value);
        }
        Performed::Outcome(Outcome::List {
            values: stage.list().clone(),
        })
    },
    fuzz: &["33", "x"],
    python: |a, _| match a {
        Action::Append { value } => Python::line(format!("L.append({value})")),
        other => not_mine(other),
    },
};

/// `show`: report this process's list, read from its own memory.
pub static SHOW: Def = Def {
    verb: "show",
    usage: "show",
    syntax: |a| a.none(Action::Show),
    facts: Facts::PLAIN,
    effects: |_| Effects::NONE,
    perform: |_, _, stage| {
        Performed::Outcome(Outcome::List {
            values: stage.list().clone(),
        })
    },
    fuzz: &[],
    python: |_, _| Python::line("print(L)"),
};

#[cfg(test)]
mod tests {
    use super::super::testing::{act, refused};
    use super::*;

    #[test]
    fn alloc_takes_a_size_in_mib_and_gives_a_region_that_touch_needs() {
        let alloc = act("runner fork p\np alloc 16MiB\n");
        assert_eq!(alloc, Action::Alloc { mib: 16 });
        assert!(alloc.gives_region());
        assert_eq!(alloc.mib_written(None), 16);
        let touch = act("runner fork p\np alloc 2MiB\np touch\n");
        assert_eq!(touch.mib_written(Some(3 << 20)), 3);
        assert!(refused("runner fork p\np alloc 0MiB\n").contains("from 1MiB to 1024MiB"));
        assert!(refused("runner fork p\np alloc\n").contains("`p alloc SIZE` with SIZE in MiB"));
        assert!(refused("runner fork p\np touch\n").contains("no region to touch"));
    }

    #[test]
    fn size_overrides_every_alloc_and_nothing_else() {
        let mut alloc = Action::Alloc { mib: 16 };
        alloc.override_alloc_size(64);
        assert_eq!(alloc, Action::Alloc { mib: 64 });
        let mut show = Action::Show;
        show.override_alloc_size(64);
        assert_eq!(show, Action::Show);
    }

    #[test]
    fn append_takes_a_whole_number_and_show_nothing() {
        assert_eq!(
            act("runner fork p\np append -3\n"),
            Action::Append { value: -3 }
        );
        assert!(refused("runner fork p\np append x\n").contains("whole number to append"));
        assert!(refused("runner fork p\np show all\n").contains("expected `p show`"));
        assert!(
            refused("runner fork p\ntry p lock &\n").contains("`&` is for an action that blocks")
        );
    }
}
