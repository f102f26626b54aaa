//! Processes come and go: `fork`, `vfork`, `exit`, and the ways a process passes its time
//! (`block`, `spin`, `thread`).

use super::Rule;
use super::{
    Action, Args, Blocks, Call, Def, Effects, Facts, ForRunner, NoPython, Outcome, Performed,
    Python, RunnerAction, Stage, failed, not_mine,
};
use crate::kernel::sys::{self, Forked};
use crate::script::{ParseProblem, RoleId};

/// `fork NEW-ROLE`: fork(); the child becomes NEW-ROLE.
pub static FORK: Def = Def {
    verb: "fork",
    usage: "fork NEW-ROLE",
    syntax: |a| {
        Ok(Action::Fork {
            child: new_role(a)?,
        })
    },
    facts: Facts {
        creates_role: true,
        runner: Some(ForRunner {
            shown_as: "fork",
            action: |a| match a {
                Action::Fork { child } => Some(RunnerAction::Fork { child: *child }),
                _ => None,
            },
        }),
        ..Facts::PLAIN
    },
    effects: |a| match a {
        Action::Fork { child } => Effects {
            creates: Some(*child),
            ..Effects::NONE
        },
        other => not_mine(other),
    },
    // SAFETY: an actor is single-threaded: the checker refuses `fork` and `vfork` to a role
    // that started a thread, so the child is a complete copy that may run normal Rust.
    #[allow(unsafe_code)]
    perform: |a, _, stage| match unsafe { sys::fork() } {
        Ok(Forked::Parent(pid)) => Performed::Outcome(Outcome::Forked {
            pid,
            in_child: None,
        }),
        Ok(Forked::Child { returned }) => child(a, returned, stage),
        Err(e) => failed(Call::Fork, e),
    },
    fuzz: &[],
    python: |_, by_runner| {
        let mut lines = vec!["pid = os.fork()".to_string()];
        // A course process may also fork through multiprocessing: its "fork" start method
        // forks the caller (Linux's default up to Python 3.13; 3.14's is "forkserver", which
        // forks another process, so the start method is named).
        if !by_runner {
            lines.push("multiprocessing.get_context(\"fork\").Process(target=f).start()".into());
        }
        Python::Code(lines)
    },
};

/// `vfork NEW-ROLE &`: clone(CLONE_VFORK); the caller sleeps (state D) until the child exits.
pub static VFORK: Def = Def {
    verb: "vfork",
    usage: "vfork NEW-ROLE &",
    syntax: |a| {
        Ok(Action::Vfork {
            child: new_role(a)?,
        })
    },
    facts: Facts {
        blocks: Blocks::Always(Rule::VforkInBackground),
        creates_role: true,
        ..Facts::PLAIN
    },
    effects: |a| match a {
        Action::Vfork { child } => Effects {
            creates: Some(*child),
            ..Effects::NONE
        },
        other => not_mine(other),
    },
    // SAFETY: as for `fork`: this actor is single-threaded.
    #[allow(unsafe_code)]
    perform: |a, _, stage| match unsafe { sys::vfork_like() } {
        Ok(Forked::Parent(pid)) => Performed::Outcome(Outcome::Vforked {
            pid,
            in_child: None,
        }),
        Ok(Forked::Child { returned }) => child(a, returned, stage),
        Err(e) => failed(Call::CloneVfork, e),
    },
    fuzz: &[],
    python: |_, _| Python::None(NoPython::NotInStdlib("vfork()")),
};

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
pub static EXIT: Def = Def {
    verb: "exit",
    usage: "exit [CODE]",
    syntax: |a| {
        Ok(Action::Exit {
            code: exit_code(a)?,
        })
    },
    facts: Facts {
        ends_actor: true,
        ..Facts::PLAIN
    },
    effects: |_| Effects::NONE,
    perform: |a, _, stage| {
        let code = match a {
            Action::Exit { code } => *code,
            other => not_mine(other),
        };
        stage.report(Outcome::Exiting { code });
        sys::exit_now(code)
    },
    fuzz: &["-1", "256", "7"],
    python: |a, _| match a {
        Action::Exit { code } => Python::line(format!("os._exit({code})")),
        other => not_mine(other),
    },
};

/// `libc-exit [CODE]`: exit(CODE), the C library's: the atexit handlers run, the stdio
/// buffers are flushed, then _exit. The role can no longer act.
pub static LIBC_EXIT: Def = Def {
    verb: "libc-exit",
    usage: "libc-exit [CODE]",
    syntax: |a| {
        Ok(Action::LibcExit {
            code: exit_code(a)?,
        })
    },
    facts: Facts {
        ends_actor: true,
        ..Facts::PLAIN
    },
    effects: |_| Effects::NONE,
    perform: |a, _, stage| {
        let code = match a {
            Action::LibcExit { code } => *code,
            other => not_mine(other),
        };
        stage.report(Outcome::ExitingFlushing {
            code,
            pending: sys::c_pending(),
        });
        sys::c_exit(code)
    },
    fuzz: &["-1", "256", "3"],
    python: |a, _| match a {
        Action::LibcExit { code } => Python::line(format!("sys.exit({code})")),
        other => not_mine(other),
    },
};

/// `block`: sleep in read() until the next command, as every idle process does.
pub static BLOCK: Def = Def {
    verb: "block",
    usage: "block",
    syntax: |a| a.none(Action::Block),
    facts: Facts::PLAIN,
    effects: |_| Effects::NONE,
    perform: |_, _, _| Performed::Outcome(Outcome::Blocking),
    fuzz: &[],
    python: |_, _| Python::line("os.read(fd, 8)"),
};

/// `spin`: a busy loop (state R) until the next command; the result comes at once.
pub static SPIN: Def = Def {
    verb: "spin",
    usage: "spin",
    syntax: |a| a.none(Action::Spin),
    facts: Facts::PLAIN,
    effects: |_| Effects {
        busy_loop: true,
        ..Effects::NONE
    },
    perform: |_, _, stage| {
        stage.report(Outcome::Spinning);
        // Always runnable (R), never asleep: sched_yield keeps it in the run queue but lets
        // the runner, which shares its CPU, take its turn at once instead of at the end of a
        // time slice.
        while !stage.command_waiting() {
            std::thread::yield_now();
        }
        Performed::Reported
    },
    fuzz: &[],
    python: |_, _| Python::line("while True: os.sched_yield()"),
};

/// `cpu-loop`: a busy loop that never gives its CPU away of its own accord (`while True:
/// pass`), until the next command. Unlike `spin`, whose every turn calls sched_yield(), it
/// leaves the choice of who runs to the scheduler alone: two of them on one CPU get the
/// shares the scheduler's weights give them (`share`). It looks for the next command (a
/// poll() that never sleeps) once a millisecond of wall time, read from the vDSO's clock,
/// which is no system call: under `strace -f` a loop that made a system call at every turn
/// would run at the tracer's pace, not the scheduler's.
pub static CPU_LOOP: Def = Def {
    verb: "cpu-loop",
    usage: "cpu-loop",
    syntax: |a| a.none(Action::CpuLoop),
    facts: Facts::PLAIN,
    effects: |_| Effects {
        busy_loop: true,
        ..Effects::NONE
    },
    perform: |_, _, stage| {
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
    },
    fuzz: &["now"],
    python: |_, _| Python::line("while True: pass"),
};

/// `thread`: start a second thread (the `l` STAT flag); no fork afterwards.
pub static THREAD: Def = Def {
    verb: "thread",
    usage: "thread",
    syntax: |a| a.none(Action::Thread),
    facts: Facts {
        makes_threaded: true,
        ..Facts::PLAIN
    },
    effects: |_| Effects::NONE,
    perform: |_, _, stage| {
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
    },
    fuzz: &[],
    python: |_, _| Python::line("threading.Thread(target=f).start()"),
};

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
fn child(a: &Action, returned: i32, stage: &mut dyn Stage) -> Performed {
    if let Some(child) = a.creates() {
        stage.become_role(child, returned);
    }
    Performed::Reported
}

#[cfg(test)]
mod tests {
    use super::super::testing::{act, refused};
    use super::*;

    #[test]
    fn fork_and_vfork_name_the_new_role_and_vfork_needs_ampersand() {
        assert_eq!(act("runner fork p\np fork c\n"), Action::Fork { child: 2 });
        assert_eq!(
            act("runner fork p\np vfork c &\n"),
            Action::Vfork { child: 2 }
        );
        assert_eq!(Action::Fork { child: 2 }.creates(), Some(2));
        assert!(refused("runner fork p\np fork\n").contains("`p fork NEW-ROLE`, naming"));
        assert!(refused("runner fork p\np vfork c\n").contains("`await p done` after"));
        assert!(refused("runner fork p\np thread\np vfork c &\n").contains("second thread"));
    }

    #[test]
    fn exit_takes_a_code_from_0_to_255_and_ends_the_actor() {
        assert_eq!(act("runner fork p\np exit\n"), Action::Exit { code: 0 });
        assert_eq!(
            act("runner fork p\np exit 255\n"),
            Action::Exit { code: 255 }
        );
        assert!(Action::Exit { code: 0 }.def().facts.ends_actor);
        assert!(refused("runner fork p\np exit -1\n").contains("from 0 to 255, found `-1`"));
        assert!(refused("runner fork p\np exit 1 2\n").contains("expected `p exit [CODE]`"));
        assert!(refused("runner fork p\np exit\np block\n").contains("has ended (line 2)"));
    }

    #[test]
    fn block_spin_and_thread_take_no_arguments() {
        assert_eq!(act("runner fork p\np block\n"), Action::Block);
        assert!(act("runner fork p\np spin\n").runs_busy_loop());
        assert!(!Action::Block.runs_busy_loop());
        assert!(refused("runner fork p\np spin fast\n").contains("expected `p spin`"));
        assert!(refused("runner fork p\np thread &\n").contains("`&` is for an action"));
    }
}
