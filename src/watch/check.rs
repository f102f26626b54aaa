//! `procdemo check TASK -- COMMAND`'s judge, pure (no I/O): a task's properties
//! (`script::task`) over the events the watcher reported about the program's family, into
//! typed verdicts (render/ says them, in every language and in JSON).
//!
//! Everything is judged from the events alone: a process's creator (`Fork`), its exit status
//! (`Exit`, `MainExited`), its zombie interval and reaper (`Zombie`, `Reaped`), its
//! reparenting (`Orphaned`), whether the program ended by itself (`Deadline`: what was still
//! alive at `--timeout`; `Killed` at the limit) and the sessions of the processes that
//! outlived the first (`Sessions`). The program's first process is the one the watcher forked; a
//! *child* is every other process of the family. A zombie *of the program* is one that waited
//! for a process of the program (not for the watcher: the first process, or an orphan the
//! watcher had adopted, as init would).
//!
//! *The program* is what the first process runs after its last exec: a wrapper that execs the
//! interpreter at the end (pyenv's `python3` shim, a bash script, forks a dozen helpers before)
//! is not the student's, so every process created before that exec is left out.

use crate::engine::model::{ExitStatus, KillReason, Reaper, SignalAction, Stuck, WatchEvent};
use crate::script::task::{Check, Counted, Property, Reaping, Task};
use std::collections::{BTreeMap, BTreeSet};

/// `procdemo check`'s deadline unless `--timeout` says otherwise: a program of the course's
/// tasks ends in well under a second; one that waits forever is stopped, never left running
/// while a teacher grades a folder.
pub const DEFAULT_TIMEOUT_S: u64 = 10;

/// The longest `--timeout` accepts.
pub const MAX_TIMEOUT_S: u64 = 3600;

/// What was seen, for a property's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// A count, and the processes counted. `sigchld_handled_by`: for `zombies-left`, the
    /// parents of those zombies that had a SIGCHLD handler run (the clue that its handler
    /// reaped one child per signal); empty otherwise.
    Count {
        count: usize,
        pids: Vec<i32>,
        sigchld_handled_by: Vec<i32>,
    },
    /// The longest zombie of the program: its PID and how long (None: there was none).
    Longest {
        pid: i32,
        us: u64,
    },
    NoZombie,
    /// The children not reaped as asked, with who reaped them (None: not reaped);
    /// `sigchld_handled_by` as for [`Seen::Count`].
    Reapers {
        wrong: Vec<(i32, Option<Reaper>)>,
        sigchld_handled_by: Vec<i32>,
    },
    /// The orphans not adopted by the watcher: (pid, new parent).
    Adopters {
        wrong: Vec<(i32, i32)>,
    },
    /// Every child's exit status, in order of PID (None: never reported).
    Statuses {
        statuses: Vec<(i32, Option<ExitStatus>)>,
    },
    /// The first process's exit status.
    MainStatus {
        status: Option<ExitStatus>,
    },
    /// The program ended by itself.
    Ended,
    /// It had not ended `after_ms` after it started: what each live process was doing then
    /// (procdemo killed them all).
    Deadline {
        after_ms: u64,
        stuck: Vec<Stuck>,
    },
    /// procdemo killed it at the limit of processes alive at once (`--max-procs`).
    AtLimit {
        limit: usize,
    },
    /// Processes and their sessions (pid, session ID), as read when the first process ended.
    Sessions {
        sessions: Vec<(i32, i32)>,
    },
    /// SIGCHLD to one process of the program (the one with the most children that exited):
    /// how many of its children exited, how many SIGCHLD were delivered to it, how many of
    /// those a handler of its ran. None: no child of the program exited.
    Sigchld {
        parent: Option<i32>,
        exited: usize,
        delivered: usize,
        handled: usize,
    },
}

/// One property judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The `check` line of the task file.
    pub line: usize,
    pub property: Property,
    pub holds: bool,
    pub seen: Seen,
}

/// What the events said about one process.
#[derive(Debug, Clone, Default)]
struct Life {
    status: Option<ExitStatus>,
    /// The parent it waited for as a zombie.
    zombie_parent: Option<i32>,
    zombie_since_us: Option<u64>,
    zombie_us: Option<u64>,
    reaper: Option<Reaper>,
    /// Its new parents, in order.
    adopted_by: Vec<i32>,
    /// The process that created it.
    creator: Option<i32>,
    /// Its parent was already blocked in a wait() for it when it exited.
    parent_waiting: bool,
    /// It exited while its creator was still its parent (the SIGCHLD of its exit went there).
    exited_in_family: bool,
    /// SIGCHLD delivered to it, and how many of those a handler ran.
    sigchld: usize,
    sigchld_handled: usize,
}

/// The family as the events told it.
struct Family {
    watcher: i32,
    main: Option<i32>,
    main_status: Option<ExitStatus>,
    alive_at_exit: Vec<i32>,
    /// Every process, the first included, by PID.
    lives: BTreeMap<i32, Life>,
    /// Processes created before the first process's last exec: a wrapper's, not the program's.
    before_exec: BTreeSet<i32>,
    /// The limit of processes alive at once (`Begin`), and whether procdemo killed at it.
    limit: usize,
    killed_at_limit: bool,
    /// The deadline came: when, and what was still alive.
    deadline: Option<(u64, Vec<Stuck>)>,
    /// Sessions read when the first process ended: PID → session ID.
    sessions: BTreeMap<i32, i32>,
}

impl Family {
    fn from(events: &[WatchEvent]) -> Family {
        let mut f = Family {
            watcher: 0,
            main: None,
            main_status: None,
            alive_at_exit: Vec::new(),
            lives: BTreeMap::new(),
            before_exec: BTreeSet::new(),
            limit: 0,
            killed_at_limit: false,
            deadline: None,
            sessions: BTreeMap::new(),
        };
        for event in events {
            if event_pid(event).is_some_and(|pid| f.before_exec.contains(&pid)) {
                continue;
            }
            match event {
                WatchEvent::Exec { pid, .. } if Some(*pid) == f.main => {
                    let main = f.main;
                    let earlier: Vec<i32> = f
                        .lives
                        .keys()
                        .copied()
                        .filter(|p| Some(*p) != main)
                        .collect();
                    for p in earlier {
                        f.lives.remove(&p);
                        f.before_exec.insert(p);
                    }
                    // The wrapper's SIGCHLDs (for its helpers) are not the program's.
                    if let Some(life) = main.and_then(|m| f.lives.get_mut(&m)) {
                        life.sigchld = 0;
                        life.sigchld_handled = 0;
                    }
                }
                WatchEvent::Begin { watcher, limit, .. } => {
                    f.watcher = *watcher;
                    f.limit = *limit;
                }
                WatchEvent::Killed {
                    reason: KillReason::Limit,
                    ..
                } => f.killed_at_limit = true,
                WatchEvent::Deadline {
                    after_ms, stuck, ..
                } => {
                    f.deadline = Some((*after_ms, stuck.clone()));
                }
                WatchEvent::Sessions { sessions, .. } => {
                    for s in sessions {
                        if !f.before_exec.contains(&s.pid) {
                            f.sessions.insert(s.pid, s.sid);
                        }
                    }
                }
                WatchEvent::Fork { parent, pid, .. } => {
                    if *parent == f.watcher && f.main.is_none() {
                        f.main = Some(*pid);
                    }
                    f.lives.entry(*pid).or_default().creator = Some(*parent);
                }
                WatchEvent::Exit {
                    pid,
                    status,
                    parent_waiting,
                    ..
                } => {
                    let life = f.lives.entry(*pid).or_default();
                    life.status = Some(*status);
                    life.parent_waiting |= *parent_waiting;
                    life.exited_in_family = life.adopted_by.is_empty();
                }
                WatchEvent::Zombie {
                    t_us,
                    pid,
                    parent,
                    parent_waiting,
                } => {
                    let life = f.lives.entry(*pid).or_default();
                    life.zombie_parent = Some(*parent);
                    life.zombie_since_us = Some(*t_us);
                    life.parent_waiting |= *parent_waiting;
                }
                WatchEvent::Signal {
                    pid,
                    signal,
                    action,
                    ..
                } if *signal == libc::SIGCHLD => {
                    let life = f.lives.entry(*pid).or_default();
                    life.sigchld += 1;
                    if *action == SignalAction::Handled {
                        life.sigchld_handled += 1;
                    }
                }
                WatchEvent::Reaped {
                    t_us,
                    pid,
                    by,
                    zombie_us,
                } => {
                    let life = f.lives.entry(*pid).or_default();
                    life.reaper = Some(*by);
                    life.zombie_us =
                        zombie_us.or(life.zombie_since_us.map(|s| t_us.saturating_sub(s)));
                }
                WatchEvent::Orphaned { pid, to, .. } => {
                    f.lives.entry(*pid).or_default().adopted_by.push(*to);
                }
                WatchEvent::MainExited {
                    pid, status, alive, ..
                } => {
                    f.main.get_or_insert(*pid);
                    f.main_status = Some(*status);
                    f.alive_at_exit = alive
                        .iter()
                        .copied()
                        .filter(|p| !f.before_exec.contains(p))
                        .collect();
                }
                _ => {}
            }
        }
        f
    }

    /// Every process but the first.
    fn children(&self) -> impl Iterator<Item = (i32, &Life)> {
        self.lives
            .iter()
            .filter(move |(pid, _)| Some(**pid) != self.main)
            .map(|(pid, life)| (*pid, life))
    }

    /// Processes that waited as zombies for a process of the program.
    fn zombies(&self) -> impl Iterator<Item = (i32, &Life)> {
        self.lives
            .iter()
            .filter(move |(_, l)| l.zombie_parent.is_some_and(|p| p != self.watcher))
            .map(|(pid, life)| (*pid, life))
    }

    fn count(&self, counted: Counted) -> Vec<i32> {
        match counted {
            Counted::Forks => self.children().map(|(p, _)| p).collect(),
            Counted::Zombies => self.zombies().map(|(p, _)| p).collect(),
            Counted::ZombiesLeft => self
                .zombies()
                .filter(|(_, l)| !matches!(l.reaper, Some(Reaper::Parent { .. })))
                .map(|(p, _)| p)
                .collect(),
            Counted::Orphans => self
                .lives
                .iter()
                .filter(|(_, l)| !l.adopted_by.is_empty())
                .map(|(p, _)| *p)
                .collect(),
            Counted::AliveAtExit => self.alive_at_exit.clone(),
            Counted::BlockingReaps => self
                .children()
                .filter(|(_, l)| {
                    l.parent_waiting && matches!(l.reaper, Some(Reaper::Parent { .. }))
                })
                .map(|(p, _)| p)
                .collect(),
        }
    }

    /// The parents of `pids` (whom they waited for as zombies, else their creators) that had
    /// a SIGCHLD handler run, in order of PID.
    fn sigchld_handlers(&self, pids: impl Iterator<Item = i32>) -> Vec<i32> {
        let parents: BTreeSet<i32> = pids
            .filter_map(|p| self.lives.get(&p))
            .filter_map(|l| l.zombie_parent.or(l.creator))
            .filter(|p| self.lives.get(p).is_some_and(|l| l.sigchld_handled > 0))
            .collect();
        parents.into_iter().collect()
    }

    /// The process of the program with the most children that exited (while still its
    /// children): (it, how many exited, SIGCHLD delivered to it, handled).
    fn sigchld(&self) -> Option<(i32, usize, usize, usize)> {
        let mut exited: BTreeMap<i32, usize> = BTreeMap::new();
        for (_, l) in self.children() {
            if let Some(creator) = l.creator
                && l.exited_in_family
                && self.lives.contains_key(&creator)
            {
                *exited.entry(creator).or_default() += 1;
            }
        }
        exited
            .into_iter()
            .map(|(p, n)| {
                let l = &self.lives[&p];
                (p, n, l.sigchld, l.sigchld_handled)
            })
            .max_by_key(|&(p, n, delivered, handled)| {
                (coalesced(n, delivered, handled), n, std::cmp::Reverse(p))
            })
    }
}

/// Fewer SIGCHLD than exits, and a handler ran for each one delivered.
fn coalesced(exited: usize, delivered: usize, handled: usize) -> bool {
    exited >= 2 && delivered >= 1 && delivered < exited && handled == delivered
}

impl Family {
    /// Whether the program ended by itself (not killed at the deadline or the limit).
    fn ended(&self) -> (bool, Seen) {
        if let Some((after_ms, stuck)) = &self.deadline {
            let seen = Seen::Deadline {
                after_ms: *after_ms,
                stuck: stuck.clone(),
            };
            return (false, seen);
        }
        if self.killed_at_limit {
            return (false, Seen::AtLimit { limit: self.limit });
        }
        (true, Seen::Ended)
    }

    /// The sessions of these processes, where read.
    fn sessions_of(&self, pids: impl Iterator<Item = i32>) -> Vec<(i32, i32)> {
        pids.filter_map(|p| self.sessions.get(&p).map(|s| (p, *s)))
            .collect()
    }
}

/// The process an event is about (None for the watch's own events and the first process's end).
fn event_pid(event: &WatchEvent) -> Option<i32> {
    match event {
        WatchEvent::Fork { pid, .. }
        | WatchEvent::Exit { pid, .. }
        | WatchEvent::Zombie { pid, .. }
        | WatchEvent::Reaped { pid, .. }
        | WatchEvent::Orphaned { pid, .. }
        | WatchEvent::Signal { pid, .. } => Some(*pid),
        _ => None,
    }
}

fn reaped_as(reaper: Option<Reaper>, asked: Reaping) -> bool {
    matches!(
        (reaper, asked),
        (Some(Reaper::Parent { .. }), Reaping::Parent)
            | (Some(Reaper::Kernel), Reaping::Kernel)
            | (
                Some(Reaper::Subreaper | Reaper::Watcher),
                Reaping::Subreaper
            )
    )
}

/// Judge every property of `task` over a watch's events, in the task's order (after an
/// implied `ends-by-itself`, when the program did not end by itself and the task does not say
/// it).
pub fn judge(task: &Task, events: &[WatchEvent]) -> Vec<Verdict> {
    let f = Family::from(events);
    // `ends-by-itself` is implied by every task: a program procdemo had to stop fails it
    // first (line 0: no line of the task file), whether the task states it or not.
    let implied = (!f.ended().0
        && !task
            .checks
            .iter()
            .any(|c| c.property == Property::EndsByItself))
    .then_some(Check {
        line: 0,
        property: Property::EndsByItself,
    });
    implied
        .iter()
        .chain(task.checks.iter())
        .map(|check| {
            let (holds, seen) = match &check.property {
                Property::Count { counted, cmp, want } => {
                    let pids = f.count(*counted);
                    let sigchld_handled_by = match counted {
                        Counted::ZombiesLeft => f.sigchld_handlers(pids.iter().copied()),
                        _ => Vec::new(),
                    };
                    (
                        cmp.holds(pids.len(), *want),
                        Seen::Count {
                            count: pids.len(),
                            pids,
                            sigchld_handled_by,
                        },
                    )
                }
                Property::LongestZombie { at_least_ms } => {
                    match f
                        .zombies()
                        .filter_map(|(p, l)| l.zombie_us.map(|us| (p, us)))
                        .max_by_key(|(_, us)| *us)
                    {
                        Some((pid, us)) => (us >= at_least_ms * 1000, Seen::Longest { pid, us }),
                        None => (false, Seen::NoZombie),
                    }
                }
                Property::ReapedBy { reaper } => {
                    let wrong: Vec<_> = f
                        .children()
                        .filter(|(_, l)| !reaped_as(l.reaper, *reaper))
                        .map(|(p, l)| (p, l.reaper))
                        .collect();
                    let sigchld_handled_by = match reaper {
                        Reaping::Parent => f.sigchld_handlers(wrong.iter().map(|(p, _)| *p)),
                        _ => Vec::new(),
                    };
                    (
                        wrong.is_empty(),
                        Seen::Reapers {
                            wrong,
                            sigchld_handled_by,
                        },
                    )
                }
                Property::AdoptedBySubreaper => {
                    let wrong: Vec<_> = f
                        .lives
                        .iter()
                        .flat_map(|(p, l)| l.adopted_by.iter().map(move |to| (*p, *to)))
                        .filter(|(_, to)| *to != f.watcher)
                        .collect();
                    (wrong.is_empty(), Seen::Adopters { wrong })
                }
                Property::ExitCodes { codes } => {
                    let statuses: Vec<_> = f.children().map(|(p, l)| (p, l.status)).collect();
                    let mut seen: Vec<Option<i32>> = statuses
                        .iter()
                        .map(|(_, s)| match s {
                            Some(ExitStatus::Exited(c)) => Some(*c),
                            _ => None,
                        })
                        .collect();
                    seen.sort_unstable();
                    let want: Vec<Option<i32>> = codes.iter().map(|c| Some(*c)).collect();
                    (seen == want, Seen::Statuses { statuses })
                }
                Property::MainExit { code } => (
                    f.main_status == Some(ExitStatus::Exited(*code)),
                    Seen::MainStatus {
                        status: f.main_status,
                    },
                ),
                Property::EndsByItself => f.ended(),
                Property::NewSession => {
                    // A session made in the program: led by one of its processes (not the
                    // first, whose session is the one it was started in).
                    let made = f
                        .sessions
                        .values()
                        .any(|sid| Some(*sid) != f.main && f.lives.contains_key(sid));
                    let sessions = f.sessions_of(f.sessions.keys().copied());
                    (made, Seen::Sessions { sessions })
                }
                Property::DaemonNotLeader => {
                    let sessions = f.sessions_of(f.alive_at_exit.iter().copied());
                    let holds =
                        !sessions.is_empty() && sessions.iter().all(|(pid, sid)| pid != sid);
                    (holds, Seen::Sessions { sessions })
                }
                Property::SigchldCoalesced => match f.sigchld() {
                    Some((parent, exited, delivered, handled)) => (
                        coalesced(exited, delivered, handled),
                        Seen::Sigchld {
                            parent: Some(parent),
                            exited,
                            delivered,
                            handled,
                        },
                    ),
                    None => (
                        false,
                        Seen::Sigchld {
                            parent: None,
                            exited: 0,
                            delivered: 0,
                            handled: 0,
                        },
                    ),
                },
            };
            Verdict {
                line: check.line,
                property: check.property.clone(),
                holds,
                seen,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::ForkKind;
    use crate::script::task;

    const W: i32 = 100;
    const MAIN: i32 = 101;

    fn begin() -> Vec<WatchEvent> {
        vec![
            WatchEvent::Begin {
                watcher: W,
                limit: 64,
                argv: vec!["python3".into(), "hw.py".into()],
            },
            fork(W, MAIN),
        ]
    }

    fn fork(parent: i32, pid: i32) -> WatchEvent {
        WatchEvent::Fork {
            t_us: 0,
            parent,
            pid,
            kind: ForkKind::Fork,
            comm: "python3".into(),
        }
    }

    fn exit(pid: i32, code: i32) -> WatchEvent {
        WatchEvent::Exit {
            t_us: 0,
            pid,
            status: ExitStatus::Exited(code),
            core_dumped: false,
            parent_waiting: false,
        }
    }

    fn zombie(pid: i32, parent: i32, t_us: u64) -> WatchEvent {
        WatchEvent::Zombie {
            t_us,
            pid,
            parent,
            parent_waiting: false,
        }
    }

    fn reaped(pid: i32, by: Reaper, zombie_us: Option<u64>) -> WatchEvent {
        WatchEvent::Reaped {
            t_us: 0,
            pid,
            by,
            zombie_us,
        }
    }

    fn main_exit(alive: Vec<i32>) -> Vec<WatchEvent> {
        vec![
            exit(MAIN, 0),
            zombie(MAIN, W, 1),
            WatchEvent::MainExited {
                t_us: 2,
                pid: MAIN,
                status: ExitStatus::Exited(0),
                alive,
            },
            reaped(MAIN, Reaper::Watcher, Some(1)),
        ]
    }

    fn task(checks: &str) -> Task {
        task::parse("t.task", "t", &format!("title T\n{checks}")).unwrap()
    }

    fn holds(checks: &str, events: &[WatchEvent]) -> Vec<bool> {
        judge(&task(checks), events)
            .iter()
            .map(|v| v.holds)
            .collect()
    }

    /// A zombie of 250 ms that its parent reaps.
    fn lasting_zombie() -> Vec<WatchEvent> {
        let mut e = begin();
        e.extend([
            fork(MAIN, 102),
            exit(102, 0),
            zombie(102, MAIN, 10),
            reaped(102, Reaper::Parent { pid: MAIN }, Some(250_000)),
        ]);
        e.extend(main_exit(vec![]));
        e
    }

    const ZOMBIE_TASK: &str =
        "check forks >= 1\ncheck longest-zombie >= 200ms\ncheck reaped-by parent\n";

    #[test]
    fn a_lasting_zombie_reaped_by_its_parent_holds() {
        assert_eq!(holds(ZOMBIE_TASK, &lasting_zombie()), [true, true, true]);
        let v = judge(&task(ZOMBIE_TASK), &lasting_zombie());
        assert_eq!(
            v[1].seen,
            Seen::Longest {
                pid: 102,
                us: 250_000
            }
        );
        assert_eq!(v[1].line, 3);
    }

    #[test]
    fn a_zombie_reaped_at_once_is_too_short_and_one_never_reaped_is_the_subreapers() {
        let mut quick = lasting_zombie();
        quick[5] = reaped(102, Reaper::Parent { pid: MAIN }, Some(40));
        assert_eq!(holds(ZOMBIE_TASK, &quick), [true, false, true]);
        // No wait at all: the zombie lasts until the first process dies, then the watcher
        // reaps it as the subreaper.
        let mut never = begin();
        never.extend([fork(MAIN, 102), exit(102, 0), zombie(102, MAIN, 10)]);
        never.extend(main_exit(vec![]));
        never.push(reaped(102, Reaper::Subreaper, Some(900_000)));
        assert_eq!(holds(ZOMBIE_TASK, &never), [true, true, false]);
        let v = judge(&task(ZOMBIE_TASK), &never);
        assert_eq!(
            v[2].seen,
            Seen::Reapers {
                wrong: vec![(102, Some(Reaper::Subreaper))],
                sigchld_handled_by: vec![]
            }
        );
        // And it was a zombie left behind.
        let v = judge(&task("check zombies-left = 0\n"), &never);
        assert_eq!(
            v[0].seen,
            Seen::Count {
                count: 1,
                pids: vec![102],
                sigchld_handled_by: vec![]
            }
        );
        // The first process's own zombie (the watcher's to reap) is not the program's.
        assert_eq!(holds("check zombies = 0\n", &begin()), [true]);
        let mut alone = begin();
        alone.extend(main_exit(vec![]));
        assert_eq!(
            holds("check zombies = 0\ncheck longest-zombie >= 1ms\n", &alone),
            [true, false]
        );
    }

    #[test]
    fn children_released_by_the_kernel_are_no_zombies() {
        let mut e = begin();
        for pid in [102, 103] {
            e.extend([
                fork(MAIN, pid),
                exit(pid, 0),
                reaped(pid, Reaper::Kernel, None),
            ]);
        }
        e.extend(main_exit(vec![]));
        let t = "check forks >= 2\ncheck zombies = 0\ncheck reaped-by kernel\n";
        assert_eq!(holds(t, &e), [true, true, true]);
        // SIG_IGN set after the first child had exited: that one was a zombie, left to the
        // subreaper when the first process ended.
        let mut late = begin();
        late.extend([fork(MAIN, 102), exit(102, 0), zombie(102, MAIN, 5)]);
        late.extend([
            fork(MAIN, 103),
            exit(103, 0),
            reaped(103, Reaper::Kernel, None),
        ]);
        late.extend(main_exit(vec![]));
        late.push(reaped(102, Reaper::Subreaper, Some(5)));
        assert_eq!(holds(t, &late), [true, false, false]);
    }

    #[test]
    fn orphans_and_their_new_parent() {
        let mut e = begin();
        e.extend([fork(MAIN, 102)]);
        e.extend(main_exit(vec![102]));
        e.extend([
            WatchEvent::Orphaned {
                t_us: 3,
                pid: 102,
                from: MAIN,
                to: W,
            },
            exit(102, 0),
            zombie(102, W, 4),
            reaped(102, Reaper::Subreaper, Some(1)),
        ]);
        let t = "check orphans >= 1\ncheck adopted-by subreaper\ncheck zombies-left = 0\n\
                 check alive-at-exit = 1\ncheck main-exit 0\n";
        assert_eq!(holds(t, &e), [true, true, true, true, true]);
        for event in &mut e {
            if let WatchEvent::Orphaned { to, .. } = event {
                *to = 1;
            }
        }
        assert_eq!(holds(t, &e), [true, false, true, true, true]);
        assert_eq!(
            judge(&task(t), &e)[1].seen,
            Seen::Adopters {
                wrong: vec![(102, 1)]
            }
        );
        assert_eq!(holds("check main-exit 1\n", &e), [false]);
    }

    #[test]
    fn a_wrappers_processes_before_the_last_exec_are_not_the_programs() {
        let mut e = begin();
        // pyenv's shim (bash) forks helpers, leaves one a zombie, then execs python3.
        e.extend([
            fork(MAIN, 150),
            exit(150, 0),
            zombie(150, MAIN, 1),
            reaped(150, Reaper::Parent { pid: MAIN }, Some(1)),
            fork(MAIN, 151),
            exit(151, 0),
            WatchEvent::Exec {
                t_us: 5,
                pid: MAIN,
                comm: "python3".into(),
                argv: vec!["python3".into()],
            },
            // Its last helper is reaped only now: still not the program's.
            zombie(151, MAIN, 6),
            reaped(151, Reaper::Subreaper, Some(1)),
            fork(MAIN, 160),
            exit(160, 0),
            reaped(160, Reaper::Kernel, None),
        ]);
        e.extend(main_exit(vec![]));
        let t = "check forks = 1\ncheck zombies = 0\ncheck reaped-by kernel\n";
        assert_eq!(holds(t, &e), [true, true, true]);
    }

    #[test]
    fn exit_codes_are_a_multiset_of_the_childrens() {
        let mut e = begin();
        for (pid, code) in [(102, 2), (103, 1), (104, 3)] {
            e.extend([
                fork(MAIN, pid),
                exit(pid, code),
                zombie(pid, MAIN, 1),
                reaped(pid, Reaper::Parent { pid: MAIN }, Some(1)),
            ]);
        }
        e.extend(main_exit(vec![]));
        let t = "check forks = 3\ncheck exit-codes 1 2 3\ncheck reaped-by parent\n";
        assert_eq!(holds(t, &e), [true, true, true]);
        assert_eq!(holds("check exit-codes 1 2\n", &e), [false]);
        assert_eq!(holds("check forks <= 2\n", &e), [false]);
        e[4] = WatchEvent::Exit {
            t_us: 0,
            pid: 102,
            status: ExitStatus::Killed(9),
            core_dumped: false,
            parent_waiting: false,
        };
        let v = judge(&task(t), &e);
        assert!(!v[1].holds);
        assert!(matches!(&v[1].seen, Seen::Statuses { statuses } if statuses.len() == 3));
    }

    fn stuck_reader(pid: i32, writers: &[i32]) -> crate::engine::model::Stuck {
        use crate::engine::model::{PipeEnd, PipeRead, State, Stuck};
        Stuck {
            pid,
            comm: "python3".into(),
            state: Some(State::Sleeping),
            wchan: Some("anon_pipe_read".into()),
            pipe: Some(PipeRead {
                fd: 3,
                inode: 77,
                writers: writers.iter().map(|&pid| PipeEnd { pid, fd: 4 }).collect(),
            }),
        }
    }

    #[test]
    fn a_program_stopped_at_the_deadline_does_not_end_by_itself_stated_or_not() {
        let mut e = begin();
        e.extend([fork(MAIN, 102), exit(102, 0), zombie(102, MAIN, 5)]);
        e.push(WatchEvent::Deadline {
            t_us: 2_000_000,
            after_ms: 2000,
            stuck: vec![stuck_reader(MAIN, &[MAIN])],
        });
        e.push(WatchEvent::Killed {
            t_us: 2_000_001,
            reason: KillReason::Deadline,
            pids: vec![MAIN],
        });
        let stated = judge(&task("check ends-by-itself\ncheck forks >= 1\n"), &e);
        assert_eq!(stated.len(), 2);
        assert_eq!((stated[0].line, stated[0].holds), (2, false));
        assert!(matches!(
            &stated[0].seen,
            Seen::Deadline { after_ms: 2000, stuck } if stuck[0].pipe.is_some()
        ));
        // Not stated: implied, first, as line 0.
        let implied = judge(&task("check forks >= 1\n"), &e);
        assert_eq!(implied.len(), 2);
        assert_eq!(implied[0].property, Property::EndsByItself);
        assert_eq!((implied[0].line, implied[0].holds), (0, false));
        // A program that ended: only where stated, and it holds.
        assert_eq!(
            judge(&task("check forks >= 1\n"), &lasting_zombie()).len(),
            1
        );
        let v = judge(&task("check ends-by-itself\n"), &lasting_zombie());
        assert_eq!((v[0].holds, &v[0].seen), (true, &Seen::Ended));
        // Killed at the limit of processes: not by itself either.
        let mut bomb = begin();
        bomb.push(WatchEvent::Killed {
            t_us: 1,
            reason: KillReason::Limit,
            pids: vec![MAIN],
        });
        let v = judge(&task("check ends-by-itself\n"), &bomb);
        assert_eq!(v[0].seen, Seen::AtLimit { limit: 64 });
    }

    /// A double fork: 102 (the first child) makes a session; 103, the daemon, outlives MAIN.
    fn daemon(session: i32) -> Vec<WatchEvent> {
        let mut e = begin();
        e.extend([
            fork(MAIN, 102),
            fork(102, 103),
            exit(102, 0),
            zombie(102, MAIN, 5),
            reaped(102, Reaper::Parent { pid: MAIN }, Some(1)),
            WatchEvent::Orphaned {
                t_us: 5,
                pid: 103,
                from: 102,
                to: W,
            },
        ]);
        e.extend(main_exit(vec![103]));
        e.insert(
            e.len() - 1,
            WatchEvent::Sessions {
                t_us: 6,
                sessions: vec![crate::engine::model::SessionOf {
                    pid: 103,
                    sid: session,
                }],
            },
        );
        e
    }

    #[test]
    fn a_daemon_runs_in_a_session_the_program_made_and_does_not_lead_it() {
        let t = "check new-session\ncheck daemon-not-leader\ncheck orphans >= 1\n\
                 check zombies-left = 0\n";
        assert_eq!(holds(t, &daemon(102)), [true, true, true, true]);
        // No setsid: the session it was started in (no process of the program's).
        assert_eq!(holds(t, &daemon(9999)), [false, true, true, true]);
        assert_eq!(
            judge(&task(t), &daemon(9999))[0].seen,
            Seen::Sessions {
                sessions: vec![(103, 9999)]
            }
        );
        // setsid in the daemon itself: a session of its own, which it leads.
        assert_eq!(holds(t, &daemon(103)), [true, false, true, true]);
        // The first process's own session (setsid there) is not one the program made.
        assert_eq!(holds("check new-session\n", &daemon(MAIN)), [false]);
        // No survivor: no daemon, so it cannot be judged a non-leader.
        let mut none = begin();
        none.extend(main_exit(vec![]));
        let v = judge(&task("check daemon-not-leader\n"), &none);
        assert_eq!(
            (v[0].holds, &v[0].seen),
            (false, &Seen::Sessions { sessions: vec![] })
        );
    }

    fn exit_waited(pid: i32, parent_waiting: bool) -> WatchEvent {
        WatchEvent::Exit {
            t_us: 0,
            pid,
            status: ExitStatus::Exited(0),
            core_dumped: false,
            parent_waiting,
        }
    }

    fn sigchld(pid: i32, sender: i32, action: SignalAction) -> WatchEvent {
        WatchEvent::Signal {
            t_us: 0,
            pid,
            signal: libc::SIGCHLD,
            code: 1,
            sender,
            sender_comm: String::new(),
            action,
        }
    }

    const WNOHANG_TASK: &str =
        "check forks = 3\ncheck reaped-by parent\ncheck blocking-reaps = 0\n";

    #[test]
    fn a_parent_blocked_in_wait_at_a_childs_exit_is_a_blocking_reap_even_with_no_zombie_seen() {
        // Polling: each child a zombie until the next poll, the parent never waiting.
        let mut polled = begin();
        for pid in [102, 103, 104] {
            polled.push(fork(MAIN, pid));
        }
        for pid in [102, 103, 104] {
            polled.extend([
                exit_waited(pid, false),
                zombie(pid, MAIN, 1),
                reaped(pid, Reaper::Parent { pid: MAIN }, Some(3_000)),
            ]);
        }
        polled.extend(main_exit(vec![]));
        assert_eq!(holds(WNOHANG_TASK, &polled), [true, true, true]);
        // os.wait(): the parent blocked in wait4 at each exit; the first reaped before /proc
        // showed it as a zombie (no Zombie event), the second seen as one.
        let mut blocking = begin();
        for pid in [102, 103, 104] {
            blocking.push(fork(MAIN, pid));
        }
        blocking.extend([
            exit_waited(102, true),
            reaped(102, Reaper::Parent { pid: MAIN }, None),
            exit_waited(103, true),
            WatchEvent::Zombie {
                t_us: 1,
                pid: 103,
                parent: MAIN,
                parent_waiting: true,
            },
            reaped(103, Reaper::Parent { pid: MAIN }, Some(40)),
            // Its parent was not yet in wait() when it exited: not a blocking reap.
            exit_waited(104, false),
            zombie(104, MAIN, 1),
            reaped(104, Reaper::Parent { pid: MAIN }, Some(900)),
        ]);
        blocking.extend(main_exit(vec![]));
        assert_eq!(holds(WNOHANG_TASK, &blocking), [true, true, false]);
        assert_eq!(
            judge(&task(WNOHANG_TASK), &blocking)[2].seen,
            Seen::Count {
                count: 2,
                pids: vec![102, 103],
                sigchld_handled_by: vec![]
            }
        );
    }

    /// Three children exit while SIGCHLD is blocked; one SIGCHLD is delivered, and handled;
    /// the handler reaps `reaps` of them, the rest are left to the subreaper.
    fn coalesced(reaps: usize) -> Vec<WatchEvent> {
        let mut e = begin();
        for pid in [102, 103, 104] {
            e.push(fork(MAIN, pid));
        }
        for pid in [102, 103, 104] {
            e.extend([exit(pid, 0), zombie(pid, MAIN, 1)]);
        }
        e.push(sigchld(MAIN, 102, SignalAction::Handled));
        for pid in [102, 103, 104].into_iter().take(reaps) {
            e.push(reaped(pid, Reaper::Parent { pid: MAIN }, Some(5)));
        }
        e.extend(main_exit(vec![]));
        for pid in [102, 103, 104].into_iter().skip(reaps) {
            e.push(WatchEvent::Orphaned {
                t_us: 3,
                pid,
                from: MAIN,
                to: W,
            });
            e.push(reaped(pid, Reaper::Subreaper, Some(9)));
        }
        e
    }

    const HANDLER_TASK: &str = "check forks = 3\ncheck reaped-by parent\ncheck zombies-left = 0\n\
                                check sigchld-coalesced\n";

    #[test]
    fn one_sigchld_for_three_exits_is_coalescing_and_a_handler_that_reaps_one_is_the_clue() {
        assert_eq!(holds(HANDLER_TASK, &coalesced(3)), [true, true, true, true]);
        let v = judge(&task(HANDLER_TASK), &coalesced(1));
        assert_eq!(
            v.iter().map(|v| v.holds).collect::<Vec<_>>(),
            [true, false, false, true]
        );
        assert_eq!(
            v[3].seen,
            Seen::Sigchld {
                parent: Some(MAIN),
                exited: 3,
                delivered: 1,
                handled: 1
            }
        );
        assert_eq!(
            v[2].seen,
            Seen::Count {
                count: 2,
                pids: vec![103, 104],
                sigchld_handled_by: vec![MAIN]
            }
        );
        assert!(matches!(&v[1].seen,
            Seen::Reapers { sigchld_handled_by, .. } if *sigchld_handled_by == [MAIN]));
        // A SIGCHLD per exit is no coalescing; one ignored is not handled.
        let mut each = coalesced(3);
        each.insert(7, sigchld(MAIN, 103, SignalAction::Handled));
        each.insert(7, sigchld(MAIN, 104, SignalAction::Handled));
        assert_eq!(holds("check sigchld-coalesced\n", &each), [false]);
        let mut ignored = coalesced(3);
        for event in &mut ignored {
            if let WatchEvent::Signal { action, .. } = event {
                *action = SignalAction::Ignored;
            }
        }
        assert_eq!(holds("check sigchld-coalesced\n", &ignored), [false]);
        assert_eq!(
            judge(&task("check sigchld-coalesced\n"), &begin())[0].seen,
            Seen::Sigchld {
                parent: None,
                exited: 0,
                delivered: 0,
                handled: 0
            }
        );
    }

    #[test]
    fn a_wrappers_sigchld_before_the_last_exec_is_not_the_programs() {
        let mut e = begin();
        e.extend([
            fork(MAIN, 150),
            exit(150, 0),
            sigchld(MAIN, 150, SignalAction::Handled),
            reaped(150, Reaper::Parent { pid: MAIN }, None),
            WatchEvent::Exec {
                t_us: 5,
                pid: MAIN,
                comm: "python3".into(),
                argv: vec!["python3".into()],
            },
            fork(MAIN, 160),
            fork(MAIN, 161),
            exit(160, 0),
            exit(161, 0),
            sigchld(MAIN, 160, SignalAction::Handled),
            reaped(160, Reaper::Parent { pid: MAIN }, None),
            reaped(161, Reaper::Parent { pid: MAIN }, None),
        ]);
        e.extend(main_exit(vec![]));
        assert_eq!(
            judge(&task("check sigchld-coalesced\n"), &e)[0].seen,
            Seen::Sigchld {
                parent: Some(MAIN),
                exited: 2,
                delivered: 1,
                handled: 1
            }
        );
    }
}
