//! Waiting for children: `wait`, `waitpid ROLE|any [nohang [loop]]` and `peek` (read an exit
//! status without reaping).

use super::{
    Action, Blocks, Call, Def, Effects, Facts, ForRunner, Outcome, Performed, Python, RunnerAction,
    Stage, WaitTarget, failed, not_mine,
};
use crate::kernel::sys;
use crate::script::{ParseProblem, RUNNER};

/// `waitpid`'s Python: `os.wait()`, `os.waitpid(pid, 0)`, with WNOHANG, or a loop of them;
/// the runner's own is a poll of the child's pidfd, then the WNOHANG call.
fn python(a: &Action, by_runner: bool) -> Python {
    let Action::Wait {
        target,
        nohang,
        until_reaped,
    } = a
    else {
        not_mine(a)
    };
    let pid = match target {
        WaitTarget::Role(_) => "pid",
        WaitTarget::Any => "-1",
    };
    let call = match (target, nohang) {
        (WaitTarget::Any, false) => "os.wait()".to_string(),
        (WaitTarget::Role(_), false) => format!("os.waitpid({pid}, 0)"),
        (_, true) => format!("os.waitpid({pid}, os.WNOHANG)"),
    };
    Python::line(match (by_runner, nohang, until_reaped) {
        (_, _, true) => {
            format!("while os.waitpid({pid}, os.WNOHANG) == (0, 0): os.sched_yield()")
        }
        (true, false, _) => {
            format!("select.select([pidfd], [], [], 2); os.waitpid({pid}, os.WNOHANG)")
        }
        (_, _, false) => call,
    })
}

/// `wait`: wait(&status) for any child. The same action as `waitpid any`.
pub static WAIT: Def = Def {
    verb: "wait",
    usage: "wait",
    syntax: |a| {
        a.none(Action::Wait {
            target: WaitTarget::Any,
            nohang: false,
            until_reaped: false,
        })
    },
    // Not for the runner, which waits for one role at a time.
    facts: Facts {
        blocks: Blocks::Maybe,
        ..Facts::PLAIN
    },
    effects: WAITPID.effects,
    perform: WAITPID.perform,
    fuzz: &[],
    python: WAITPID.python,
};

/// `waitpid ROLE|any [nohang [loop]]`: waitpid(pid or -1, &status, 0 or WNOHANG); with
/// `loop`, WNOHANG in a busy loop until a child is reaped. The runner may wait for one role.
pub static WAITPID: Def = Def {
    verb: "waitpid",
    usage: "waitpid ROLE|any [nohang [loop]]",
    syntax: |a| {
        if a.actor == RUNNER && a.words.first() == Some(&"any") {
            return Err(ParseProblem::RunnerWaitsAny);
        }
        if a.actor == RUNNER && a.words.contains(&"loop") {
            return Err(ParseProblem::RunnerLoops);
        }
        let (target, nohang, until_reaped) = match a.words {
            [t] => (*t, false, false),
            [t, "nohang"] => (*t, true, false),
            [t, "nohang", "loop"] => (*t, true, true),
            _ => return Err(a.expected()),
        };
        let target = if target == "any" {
            WaitTarget::Any
        } else {
            WaitTarget::Role(a.role(target)?)
        };
        Ok(Action::Wait {
            target,
            nohang,
            until_reaped,
        })
    },
    facts: Facts {
        blocks: Blocks::Maybe,
        runner: Some(ForRunner {
            shown_as: "waitpid ROLE",
            action: |a| match a {
                Action::Wait {
                    target: WaitTarget::Role(target),
                    nohang,
                    until_reaped: false,
                } => Some(RunnerAction::Waitpid {
                    target: *target,
                    nohang: *nohang,
                }),
                _ => None,
            },
        }),
        ..Facts::PLAIN
    },
    effects: |a| match a {
        Action::Wait {
            target,
            until_reaped,
            ..
        } => Effects {
            target: match target {
                WaitTarget::Role(r) => Some(*r),
                WaitTarget::Any => None,
            },
            busy_loop: *until_reaped,
            ..Effects::NONE
        },
        other => not_mine(other),
    },
    perform: |a, target, stage| {
        let Action::Wait {
            target: who,
            nohang,
            until_reaped,
        } = a
        else {
            not_mine(a)
        };
        let pid = match who {
            WaitTarget::Any => -1,
            WaitTarget::Role(_) => target,
        };
        Performed::Outcome(if *until_reaped {
            poll_until_reaped(pid, stage)
        } else {
            wait(pid, *nohang)
        })
    },
    fuzz: &["any", "nohang", "loop", "nohang loop"],
    python,
};

/// `peek ROLE`: waitid(P_PID, pid, WEXITED | WNOWAIT): an exited child's status, left a zombie.
pub static PEEK: Def = Def {
    verb: "peek",
    usage: "peek ROLE",
    syntax: |a| match a.words {
        [t] => Ok(Action::Peek { target: a.role(t)? }),
        _ => Err(a.expected()),
    },
    facts: Facts {
        blocks: Blocks::Maybe,
        ..Facts::PLAIN
    },
    effects: |a| match a {
        Action::Peek { target } => Effects {
            target: Some(*target),
            ..Effects::NONE
        },
        other => not_mine(other),
    },
    perform: |_, target, _| match sys::waitid_nowait(target, false) {
        Ok(Some((code, status))) => Performed::Outcome(Outcome::Peeked {
            pid: target,
            code,
            status,
        }),
        Ok(None) => Performed::Outcome(Outcome::NotYet { polls: 1 }),
        Err(e) => failed(Call::Waitid, e),
    },
    fuzz: &[],
    python: |_, _| Python::line("os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)"),
};

fn wait_call(pid: i32) -> Call {
    if pid == -1 { Call::Wait } else { Call::Waitpid }
}

fn wait(pid: i32, nohang: bool) -> Outcome {
    let mut polls = 0;
    loop {
        match sys::waitpid(pid, nohang) {
            Ok(Some((pid, status))) => return Outcome::Reaped { pid, status },
            Ok(None) => {
                polls += 1;
                return Outcome::NotYet { polls };
            }
            Err(e) if e.raw_os_error() == Some(libc::EINTR) => {}
            Err(e) => return Outcome::failed(wait_call(pid), e),
        }
    }
}

/// waitpid(pid, WNOHANG) again and again, never sleeping, until it returns a child: the
/// course notes' polling loop. Counts the zero returns. If the runner goes away meanwhile
/// (its end of the command pipe closes), it stops, so it can never spin for ever.
fn poll_until_reaped(pid: i32, stage: &mut dyn Stage) -> Outcome {
    let mut zeros: u64 = 0;
    loop {
        match sys::waitpid(pid, true) {
            Ok(Some((pid, status))) => {
                return Outcome::PolledThenReaped { zeros, pid, status };
            }
            Ok(None) => {
                zeros += 1;
                if zeros == 1 {
                    stage.under_way();
                }
                // Checking the command pipe costs a system call too; every 64 polls is
                // often enough to notice that the runner is gone. The loop stays runnable
                // (R) throughout; sched_yield there lets the runner, which shares its CPU,
                // take its turn at once rather than at the end of a time slice.
                if zeros == 1 || zeros.is_multiple_of(64) {
                    if stage.command_waiting() {
                        return Outcome::NotYet {
                            polls: zeros.min(u32::MAX as u64) as u32,
                        };
                    }
                    std::thread::yield_now();
                }
            }
            Err(e) if e.raw_os_error() == Some(libc::EINTR) => {}
            Err(e) => return Outcome::failed(wait_call(pid), e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{act, refused};
    use super::*;

    #[test]
    fn wait_is_waitpid_any() {
        let wait = act("runner fork p\np wait &\n");
        assert_eq!(wait, act("runner fork p\np waitpid any &\n"));
        assert_eq!(wait.def().verb, "waitpid");
        assert_eq!(wait.target(), None);
        assert!(refused("runner fork p\np wait c\n").contains("expected `p wait`"));
    }

    #[test]
    fn waitpid_names_a_role_and_may_poll_in_a_loop() {
        let a = act("runner fork p\np fork c\np waitpid c nohang loop &\n");
        assert_eq!(a.target(), Some(2));
        assert!(a.runs_busy_loop());
        assert_eq!(a.runner_action(), None);
        let r = act("runner fork p\nrunner waitpid p nohang\n");
        assert_eq!(
            r.runner_action(),
            Some(RunnerAction::Waitpid {
                target: 1,
                nohang: true
            })
        );
        assert!(refused("runner fork p\nrunner waitpid any\n").contains("one role at a time"));
        assert!(refused("runner fork p\nrunner wait\n").contains("the runner can only"));
        assert!(refused("runner fork p\nrunner waitpid p &\n").contains("in the background"));
    }

    #[test]
    fn peek_names_a_role_and_may_block() {
        assert_eq!(
            act("runner fork p\np fork c\np peek c &\n"),
            Action::Peek { target: 2 }
        );
        assert!(refused("runner fork p\np peek\n").contains("expected `p peek ROLE`"));
    }
}
