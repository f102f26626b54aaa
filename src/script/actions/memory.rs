//! Memory: a region to map and write (`alloc`, `touch`), a locked page (`lock`), and the course
//! notes' list that every process has its own copy of (`append`, `show`).

use super::{
    Act, Args, Call, Effects, Facts, NoPython, Outcome, Performed, Python, Stage, Writes, failed,
};
use crate::kernel::sys;
use crate::script::limits;
use crate::script::problem::ParseProblem;
use serde::{Deserialize, Serialize};
use std::io;

/// `alloc SIZE`: map a private anonymous region of 1 to 1024 MiB and write every page.
/// (`--size` sets `mib` of every `alloc`: [`super::Action::override_alloc_size`].)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alloc {
    pub mib: u64,
}

impl Act for Alloc {
    const VERB: &str = "alloc";
    const USAGE: &str = "alloc SIZE";
    const EXAMPLE: &str = "parent alloc 16MiB";
    const RESULTS: &[&str] = &["allocated"];
    const FACTS: Facts = Facts {
        gives_region: true,
        ..Facts::PLAIN
    };
    const FUZZ: &[&str] = &["16MiB", "0MiB", "99999MiB", "16"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        let [size] = a.words else {
            return Err(ParseProblem::AllocSyntax {
                role: a.actor_name.to_string(),
                usage: a.usage,
            });
        };
        match size.strip_suffix("MiB").and_then(|n| n.parse::<u64>().ok()) {
            Some(mib) if (1..=limits::MAX_ALLOC_MIB).contains(&mib) => Ok(Alloc { mib }),
            _ => Err(ParseProblem::AllocSize {
                found: size.to_string(),
                max: limits::MAX_ALLOC_MIB,
            }),
        }
    }

    fn effects(&self) -> Effects {
        Effects {
            writes: Writes::Mib(self.mib),
            ..Effects::NONE
        }
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        match sys::Region::map((self.mib as usize) << 20) {
            Ok(region) => {
                let pages = region.touch_pages(1);
                let bytes = region.len();
                let addr = region.addr();
                *stage.region() = Some(region);
                Performed::Outcome(Outcome::Allocated { bytes, pages, addr })
            }
            Err(e) => failed(Call::Mmap, e),
        }
    }

    fn python(&self, _: bool) -> Python {
        Python::line(format!(
            "m = mmap.mmap(-1, {} << 20, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS); m[::mmap.PAGESIZE] = b\"\\1\" * (len(m) // mmap.PAGESIZE)",
            self.mib
        ))
    }
}

/// `touch`: write one byte in every page of the region, counting the minor faults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Touch;

impl Act for Touch {
    const VERB: &str = "touch";
    const USAGE: &str = "touch";
    const EXAMPLE: &str = "parent alloc 1MiB\nparent touch";
    const RESULTS: &[&str] = &["touched"];
    const FACTS: Facts = Facts {
        needs_region: true,
        ..Facts::PLAIN
    };

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        a.none(Touch)
    }

    fn effects(&self) -> Effects {
        Effects {
            writes: Writes::Region,
            ..Effects::NONE
        }
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        match stage.region() {
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
        }
    }

    fn python(&self, _: bool) -> Python {
        Python::line("m[::mmap.PAGESIZE] = b\"\\2\" * (len(m) // mmap.PAGESIZE)")
    }
}

/// Minor faults so far, from this process's own /proc/self/stat.
fn own_minflt() -> Option<u64> {
    let bytes = std::fs::read("/proc/self/stat").ok()?;
    crate::kernel::proc::parse_stat(&bytes)
        .ok()
        .map(|s| s.minflt)
}

/// `lock`: mlock() one page (the `L` STAT flag). Needs privilege or RLIMIT_MEMLOCK room.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lock;

impl Act for Lock {
    const VERB: &str = "lock";
    const USAGE: &str = "lock";
    const EXAMPLE: &str = "parent lock";
    const RESULTS: &[&str] = &["locked"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        a.none(Lock)
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        match sys::lock_one_page() {
            Ok(region) => {
                let bytes = region.len();
                stage.keep(Box::new(region));
                Performed::Outcome(Outcome::Locked { bytes })
            }
            Err(e) => failed(Call::Mlock, e),
        }
    }

    fn python(&self, _: bool) -> Python {
        Python::None(NoPython::NotInStdlib("mlock()"))
    }
}

/// `append N`: append N to this process's own copy of the list, `L = [11, 22]` at start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Append {
    pub value: i64,
}

impl Act for Append {
    const VERB: &str = "append";
    const USAGE: &str = "append NUMBER";
    const EXAMPLE: &str = "parent append 33";
    const RESULTS: &[&str] = &["list"];
    const FUZZ: &[&str] = &["33", "x"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        match a.words {
            [v] => match v.parse::<i64>() {
                Ok(value) => Ok(Append { value }),
                Err(_) => Err(ParseProblem::AppendNumber {
                    found: v.to_string(),
                }),
            },
            _ => Err(a.expected()),
        }
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        stage.list().push(self.value);
        Performed::Outcome(Outcome::List {
            values: stage.list().clone(),
        })
    }

    fn python(&self, _: bool) -> Python {
        Python::line(format!("L.append({})", self.value))
    }
}

/// `show`: report this process's list, read from its own memory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Show;

impl Act for Show {
    const VERB: &str = "show";
    const USAGE: &str = "show";
    const EXAMPLE: &str = "parent show";
    const RESULTS: &[&str] = &["list"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        a.none(Show)
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        Performed::Outcome(Outcome::List {
            values: stage.list().clone(),
        })
    }

    fn python(&self, _: bool) -> Python {
        Python::line("print(L)")
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{act, refused};
    use super::*;
    use crate::script::actions::Action;

    #[test]
    fn alloc_takes_a_size_in_mib_and_gives_a_region_that_touch_needs() {
        let alloc = act("runner fork p\np alloc 16MiB\n");
        assert_eq!(alloc, Action::Alloc(Alloc { mib: 16 }));
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
        let mut alloc = Action::Alloc(Alloc { mib: 16 });
        alloc.override_alloc_size(64);
        assert_eq!(alloc, Action::Alloc(Alloc { mib: 64 }));
        let mut show = Action::Show(Show);
        show.override_alloc_size(64);
        assert_eq!(show, Action::Show(Show));
    }

    #[test]
    fn append_takes_a_whole_number_and_show_nothing() {
        assert_eq!(
            act("runner fork p\np append -3\n"),
            Action::Append(Append { value: -3 })
        );
        assert!(refused("runner fork p\np append x\n").contains("whole number to append"));
        assert!(refused("runner fork p\np show all\n").contains("expected `p show`"));
        assert!(
            refused("runner fork p\ntry p lock &\n").contains("`&` is for an action that blocks")
        );
    }
}
