//! Waiting for children: `wait`, `waitpid ROLE|any [nohang [loop]]` and `peek` (read an exit
//! status without reaping).

use super::{
    Act, Args, Blocks, Call, Effects, Facts, ForRunner, Outcome, Performed, Python, RunnerAction,
    Stage, WaitTarget, failed,
};
use crate::kernel::sys;
use crate::script::names::{RUNNER, RoleId};
use crate::script::problem::ParseProblem;
use serde::{Deserialize, Serialize};

/// `wait`: wait(&status) for any child: what `waitpid any` does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wait;

impl Wait {
    /// The same call as `waitpid any`.
    const AS_WAITPID: Waitpid = Waitpid {
        target: WaitTarget::Any,
        nohang: false,
        until_reaped: false,
    };
}

impl Act for Wait {
    const VERB: &str = "wait";
    const USAGE: &str = "wait";
    const EXAMPLE: &str = "parent wait";
    const RESULTS: &[&str] = &["reaped"];
    // Not for the runner, which waits for one role at a time.
    const FACTS: Facts = Facts {
        blocks: Blocks::Maybe,
        ..Facts::PLAIN
    };

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        a.none(Wait)
    }

    fn effects(&self) -> Effects {
        Self::AS_WAITPID.effects()
    }

    fn perform(&self, target_pid: i32, stage: &mut dyn Stage) -> Performed {
        Self::AS_WAITPID.perform(target_pid, stage)
    }

    fn python(&self, by_runner: bool) -> Python {
        Self::AS_WAITPID.python(by_runner)
    }
}

/// `waitpid ROLE|any [nohang [loop]]`: waitpid(pid or -1, &status, 0 or WNOHANG); with
/// `loop`, WNOHANG in a busy loop until a child is reaped, counting the zero returns. The
/// runner may wait for one role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Waitpid {
    pub target: WaitTarget,
    pub nohang: bool,
    pub until_reaped: bool,
}

impl Act for Waitpid {
    const VERB: &str = "waitpid";
    const USAGE: &str = "waitpid ROLE|any [nohang [loop]]";
    const EXAMPLE: &str = "parent waitpid child";
    const RESULTS: &[&str] = &["reaped", "not_yet", "polled_then_reaped"];
    const FACTS: Facts = Facts {
        blocks: Blocks::Maybe,
        runner: Some(ForRunner {
            shown_as: "waitpid ROLE",
        }),
        ..Facts::PLAIN
    };
    const FUZZ: &[&str] = &["any", "nohang", "loop", "nohang loop"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
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
        Ok(Waitpid {
            target,
            nohang,
            until_reaped,
        })
    }

    fn effects(&self) -> Effects {
        Effects {
            target: match self.target {
                WaitTarget::Role(r) => Some(r),
                WaitTarget::Any => None,
            },
            busy_loop: self.until_reaped,
            ..Effects::NONE
        }
    }

    fn runner_action(&self) -> Option<RunnerAction> {
        match self.target {
            WaitTarget::Role(target) if !self.until_reaped => Some(RunnerAction::Waitpid {
                target,
                nohang: self.nohang,
            }),
            _ => None,
        }
    }

    fn perform(&self, target_pid: i32, stage: &mut dyn Stage) -> Performed {
        let pid = match self.target {
            WaitTarget::Any => -1,
            WaitTarget::Role(_) => target_pid,
        };
        Performed::Outcome(if self.until_reaped {
            poll_until_reaped(pid, stage)
        } else {
            wait(pid, self.nohang)
        })
    }

    /// `os.wait()`, `os.waitpid(pid, 0)`, with WNOHANG, or a loop of them; the runner's own
    /// is a poll of the child's pidfd, then the WNOHANG call.
    fn python(&self, by_runner: bool) -> Python {
        let pid = match self.target {
            WaitTarget::Role(_) => "pid",
            WaitTarget::Any => "-1",
        };
        let call = match (&self.target, self.nohang) {
            (WaitTarget::Any, false) => "os.wait()".to_string(),
            (WaitTarget::Role(_), false) => format!("os.waitpid({pid}, 0)"),
            (_, true) => format!("os.waitpid({pid}, os.WNOHANG)"),
        };
        Python::line(match (by_runner, self.nohang, self.until_reaped) {
            (_, _, true) => {
                format!("while os.waitpid({pid}, os.WNOHANG) == (0, 0): os.sched_yield()")
            }
            (true, false, _) => {
                format!("select.select([pidfd], [], [], 2); os.waitpid({pid}, os.WNOHANG)")
            }
            (_, _, false) => call,
        })
    }
}

/// `peek ROLE`: waitid(P_PID, pid, WEXITED | WNOWAIT): an exited child's status, left a zombie.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Peek {
    pub target: RoleId,
}

impl Act for Peek {
    const VERB: &str = "peek";
    const USAGE: &str = "peek ROLE";
    const EXAMPLE: &str = "parent peek child";
    const RESULTS: &[&str] = &["peeked", "not_yet"];
    const FACTS: Facts = Facts {
        blocks: Blocks::Maybe,
        ..Facts::PLAIN
    };

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        match a.words {
            [t] => Ok(Peek { target: a.role(t)? }),
            _ => Err(a.expected()),
        }
    }

    fn effects(&self) -> Effects {
        Effects {
            target: Some(self.target),
            ..Effects::NONE
        }
    }

    fn perform(&self, target_pid: i32, _: &mut dyn Stage) -> Performed {
        match sys::waitid_nowait(target_pid, false) {
            Ok(Some((code, status))) => Performed::Outcome(Outcome::Peeked {
                pid: target_pid,
                code,
                status,
            }),
            Ok(None) => Performed::Outcome(Outcome::NotYet { polls: 1 }),
            Err(e) => failed(Call::Waitid, e),
        }
    }

    fn python(&self, _: bool) -> Python {
        Python::line("os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)")
    }
}

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
    use crate::script::actions::Action;

    #[test]
    fn wait_is_waitpid_any() {
        let wait = act("runner fork p\np wait &\n");
        let any = act("runner fork p\np waitpid any &\n");
        assert_eq!(wait, Action::Wait(Wait));
        assert_eq!(wait.effects(), any.effects());
        assert_eq!(wait.python(false), any.python(false));
        assert_eq!(wait.def().facts.blocks, any.def().facts.blocks);
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
            Action::Peek(Peek { target: 2 })
        );
        assert!(refused("runner fork p\np peek\n").contains("expected `p peek ROLE`"));
    }
}
