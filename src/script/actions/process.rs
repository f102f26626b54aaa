//! Processes come and go: `fork`, `vfork`, `exit`, and the ways a process passes its time
//! (`block`, `spin`, `thread`).

use super::{
    Act, Args, Blocks, Call, Effects, Facts, ForRunner, NoPython, Outcome, Performed, Python, Rule,
    RunnerAction, Stage, failed,
};
use crate::kernel::sys::{self, Forked};
use crate::script::names::RoleId;
use crate::script::problem::ParseProblem;
use serde::{Deserialize, Serialize};

/// `fork NEW-ROLE`: fork(); the child becomes NEW-ROLE.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fork {
    pub child: RoleId,
}

impl Act for Fork {
    const VERB: &str = "fork";
    const USAGE: &str = "fork NEW-ROLE";
    const EXAMPLE: &str = "parent fork x";
    const RESULTS: &[&str] = &["forked"];
    const FACTS: Facts = Facts {
        creates_role: true,
        runner: Some(ForRunner { shown_as: "fork" }),
        ..Facts::PLAIN
    };

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        Ok(Fork {
            child: new_role(a)?,
        })
    }

    fn effects(&self) -> Effects {
        Effects {
            creates: Some(self.child),
            ..Effects::NONE
        }
    }

    fn runner_action(&self) -> Option<RunnerAction> {
        Some(RunnerAction::Fork { child: self.child })
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        // SAFETY: an actor is single-threaded: the checker refuses `fork` and `vfork` to a
        // role that started a thread, so the child is a complete copy that may run normal
        // Rust.
        #[allow(unsafe_code)]
        let forked = unsafe { sys::fork() };
        match forked {
            Ok(Forked::Parent(pid)) => Performed::Outcome(Outcome::Forked {
                pid,
                in_child: None,
            }),
            Ok(Forked::Child { returned }) => child(self.child, returned, stage),
            Err(e) => failed(Call::Fork, e),
        }
    }

    fn python(&self, by_runner: bool) -> Python {
        let mut lines = vec!["pid = os.fork()".to_string()];
        // A course process may also fork through multiprocessing: its "fork" start method
        // forks the caller (Linux's default up to Python 3.13; 3.14's is "forkserver", which
        // forks another process, so the start method is named).
        if !by_runner {
            lines.push("multiprocessing.get_context(\"fork\").Process(target=f).start()".into());
        }
        Python::Code(lines)
    }
}

/// `vfork NEW-ROLE &`: clone(CLONE_VFORK); the caller sleeps (state D) until the child exits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vfork {
    pub child: RoleId,
}

impl Act for Vfork {
    const VERB: &str = "vfork";
    const USAGE: &str = "vfork NEW-ROLE &";
    const EXAMPLE: &str = "parent vfork x &";
    const RESULTS: &[&str] = &["clone_vfork_own_memory"];
    const FACTS: Facts = Facts {
        blocks: Blocks::Always(Rule::VforkInBackground),
        creates_role: true,
        ..Facts::PLAIN
    };

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        Ok(Vfork {
            child: new_role(a)?,
        })
    }

    fn effects(&self) -> Effects {
        Effects {
            creates: Some(self.child),
            ..Effects::NONE
        }
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        // SAFETY: as for `fork`: this actor is single-threaded.
        #[allow(unsafe_code)]
        let forked = unsafe { sys::vfork_like() };
        match forked {
            Ok(Forked::Parent(pid)) => Performed::Outcome(Outcome::Vforked {
                pid,
                in_child: None,
            }),
            Ok(Forked::Child { returned }) => child(self.child, returned, stage),
            Err(e) => failed(Call::CloneVfork, e),
        }
    }

    fn python(&self, _: bool) -> Python {
        Python::None(NoPython::NotInStdlib("vfork()"))
    }
}

/// An exit code: none (0), or one number from 0 to 255.
fn exit_code(a: &Args<'_>) -> Result<i32, ParseProblem> {
    match a.words {
        [] => Ok(0),
        [c] => match c.parse::<i32>() {
            Ok(c) if (0..=255).contains(&c) => Ok(c),
            _ => Err(ParseProblem::ExitCode {
                found: c.to_string(),
            }),
        },
        _ => Err(a.expected()),
    }
}

/// `exit [CODE]`: _exit(CODE). The role can no longer act.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exit {
    pub code: i32,
}

impl Act for Exit {
    const VERB: &str = "exit";
    const USAGE: &str = "exit [CODE]";
    const EXAMPLE: &str = "child exit 7";
    const RESULTS: &[&str] = &["exiting"];
    const FACTS: Facts = Facts {
        ends_actor: true,
        ..Facts::PLAIN
    };
    const FUZZ: &[&str] = &["-1", "256", "7"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        Ok(Exit {
            code: exit_code(a)?,
        })
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        stage.report(Outcome::Exiting { code: self.code });
        sys::exit_now(self.code)
    }

    fn python(&self, _: bool) -> Python {
        Python::line(format!("os._exit({})", self.code))
    }
}

/// `libc-exit [CODE]`: exit(CODE), the C library's: the atexit handlers run, the stdio
/// buffers are flushed, then _exit. The role can no longer act.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LibcExit {
    pub code: i32,
}

impl Act for LibcExit {
    const VERB: &str = "libc-exit";
    const USAGE: &str = "libc-exit [CODE]";
    const EXAMPLE: &str = "parent libc-exit 3";
    const RESULTS: &[&str] = &["exiting_flushing"];
    const FACTS: Facts = Facts {
        ends_actor: true,
        ..Facts::PLAIN
    };
    const FUZZ: &[&str] = &["-1", "256", "3"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        Ok(LibcExit {
            code: exit_code(a)?,
        })
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        stage.report(Outcome::ExitingFlushing {
            code: self.code,
            pending: sys::c_pending(),
        });
        sys::c_exit(self.code)
    }

    fn python(&self, _: bool) -> Python {
        Python::line(format!("sys.exit({})", self.code))
    }
}

/// `block`: sleep in read() until the next command, as every idle process does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block;

impl Act for Block {
    const VERB: &str = "block";
    const USAGE: &str = "block";
    const EXAMPLE: &str = "parent block";
    const RESULTS: &[&str] = &["blocking"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        a.none(Block)
    }

    fn perform(&self, _: i32, _: &mut dyn Stage) -> Performed {
        Performed::Outcome(Outcome::Blocking)
    }

    fn python(&self, _: bool) -> Python {
        Python::line("os.read(fd, 8)")
    }
}

/// `spin`: a busy loop (state R) until the next command; the result comes at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spin;

impl Act for Spin {
    const VERB: &str = "spin";
    const USAGE: &str = "spin";
    const EXAMPLE: &str = "parent spin";
    const RESULTS: &[&str] = &["spinning"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        a.none(Spin)
    }

    fn effects(&self) -> Effects {
        Effects {
            busy_loop: true,
            ..Effects::NONE
        }
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        stage.report(Outcome::Spinning);
        // Always runnable (R), never asleep: sched_yield keeps it in the run queue but lets
        // the runner, which shares its CPU, take its turn at once instead of at the end of a
        // time slice.
        while !stage.command_waiting() {
            std::thread::yield_now();
        }
        Performed::Reported
    }

    fn python(&self, _: bool) -> Python {
        Python::line("while True: os.sched_yield()")
    }
}

/// `cpu-loop`: a busy loop that never gives its CPU away of its own accord (`while True:
/// pass`), until the next command. Unlike `spin`, whose every turn calls sched_yield(), it
/// leaves the choice of who runs to the scheduler alone: two of them on one CPU get the
/// shares the scheduler's weights give them (`share`). It looks for the next command once a
/// millisecond of wall time (the vDSO's clock, no system call) in memory it shares with the
/// runner (`sys::Doorbells`): no system call at all until it is told to stop. Under `strace
/// -f` every system call is two tracing stops that give the CPU away, so a loop that asked
/// the kernel ran at the tracer's pace, not the scheduler's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CpuLoop;

impl Act for CpuLoop {
    const VERB: &str = "cpu-loop";
    const USAGE: &str = "cpu-loop";
    const EXAMPLE: &str = "parent cpu-loop";
    const RESULTS: &[&str] = &["cpu_looping"];
    const FUZZ: &[&str] = &["now"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        a.none(CpuLoop)
    }

    fn effects(&self) -> Effects {
        Effects {
            busy_loop: true,
            ..Effects::NONE
        }
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        stage.report(Outcome::CpuLooping);
        let every = std::time::Duration::from_millis(1);
        let mut last = std::time::Instant::now();
        loop {
            std::hint::spin_loop();
            let now = std::time::Instant::now();
            if now.duration_since(last) >= every {
                if stage.command_waiting() {
                    break;
                }
                last = now;
            }
        }
        Performed::Reported
    }

    fn python(&self, _: bool) -> Python {
        Python::line("while True: pass")
    }
}

/// `thread`: start a second thread (the `l` STAT flag); no fork afterwards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Thread;

impl Act for Thread {
    const VERB: &str = "thread";
    const USAGE: &str = "thread";
    const EXAMPLE: &str = "parent thread";
    const RESULTS: &[&str] = &["threaded"];
    const FACTS: Facts = Facts {
        makes_threaded: true,
        ..Facts::PLAIN
    };

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        a.none(Thread)
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        let spawned = std::thread::Builder::new()
            .name("sleeper".into())
            .spawn(|| {
                loop {
                    std::thread::park();
                }
            });
        match spawned {
            Ok(handle) => {
                stage.keep(Box::new(handle));
                Performed::Outcome(Outcome::Threaded)
            }
            Err(e) => failed(Call::PthreadCreate, e),
        }
    }

    fn python(&self, _: bool) -> Python {
        Python::line("threading.Thread(target=f).start()")
    }
}

/// `getpid`: getpid(): the PID of the calling process, as that process sees it (in a PID
/// namespace, its PID there).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Getpid;

impl Act for Getpid {
    const VERB: &str = "getpid";
    const USAGE: &str = "getpid";
    const EXAMPLE: &str = "child getpid";
    const RESULTS: &[&str] = &["own_pid"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        a.none(Getpid)
    }

    fn perform(&self, _: i32, _: &mut dyn Stage) -> Performed {
        Performed::Outcome(Outcome::OwnPid {
            pid: nix::unistd::getpid().as_raw(),
        })
    }

    fn python(&self, _: bool) -> Python {
        Python::line("os.getpid()")
    }
}

/// The one word after `fork`/`vfork`: a new role, created by the actor.
fn new_role(a: &mut Args<'_>) -> Result<RoleId, ParseProblem> {
    let [child] = a.words else {
        return Err(ParseProblem::NewRoleSyntax {
            role: a.actor_name.to_string(),
            verb: a.verb,
        });
    };
    a.roles.create(child, a.actor)
}

/// In the new process of a fork: it takes its role, reporting what the call returned in it
/// (0); the command loop goes on as that role.
fn child(child: RoleId, returned: i32, stage: &mut dyn Stage) -> Performed {
    stage.become_role(child, returned);
    Performed::Reported
}

#[cfg(test)]
mod tests {
    use super::super::testing::{act, refused};
    use super::*;
    use crate::script::actions::Action;

    #[test]
    fn fork_and_vfork_name_the_new_role_and_vfork_needs_ampersand() {
        assert_eq!(
            act("runner fork p\np fork c\n"),
            Action::Fork(Fork { child: 2 })
        );
        assert_eq!(
            act("runner fork p\np vfork c &\n"),
            Action::Vfork(Vfork { child: 2 })
        );
        assert_eq!(Action::Fork(Fork { child: 2 }).creates(), Some(2));
        assert!(refused("runner fork p\np fork\n").contains("`p fork NEW-ROLE`, naming"));
        assert!(refused("runner fork p\np vfork c\n").contains("`await p done` after"));
        assert!(refused("runner fork p\np thread\np vfork c &\n").contains("second thread"));
    }

    #[test]
    fn exit_takes_a_code_from_0_to_255_and_ends_the_actor() {
        assert_eq!(
            act("runner fork p\np exit\n"),
            Action::Exit(Exit { code: 0 })
        );
        assert_eq!(
            act("runner fork p\np exit 255\n"),
            Action::Exit(Exit { code: 255 })
        );
        assert!(act("runner fork p\np exit\n").def().facts.ends_actor);
        assert!(refused("runner fork p\np exit -1\n").contains("from 0 to 255, found `-1`"));
        assert!(refused("runner fork p\np exit 1 2\n").contains("expected `p exit [CODE]`"));
        assert!(refused("runner fork p\np exit\np block\n").contains("has ended (line 2)"));
    }

    #[test]
    fn getpid_takes_no_arguments_is_not_for_the_runner_and_is_os_getpid() {
        let getpid = act("runner fork p\np getpid\n");
        assert_eq!(getpid, Action::Getpid(Getpid));
        assert_eq!(getpid.target(), None);
        assert_eq!(getpid.python(false), Python::line("os.getpid()"));
        assert!(refused("runner fork p\np getpid p\n").contains("expected `p getpid`"));
        assert!(refused("runner fork p\nrunner getpid\n").contains("the runner can only"));
        assert!(refused("runner fork p\np getpid &\n").contains("`&` is for an action"));
    }

    #[test]
    fn block_spin_and_thread_take_no_arguments() {
        assert_eq!(act("runner fork p\np block\n"), Action::Block(Block));
        assert!(act("runner fork p\np spin\n").runs_busy_loop());
        assert!(!Action::Block(Block).runs_busy_loop());
        assert!(refused("runner fork p\np spin fast\n").contains("expected `p spin`"));
        assert!(refused("runner fork p\np thread &\n").contains("`&` is for an action"));
    }
}
