//! Sessions, terminals, priority and namespaces: `setsid`, `pty`, `nice`, `renice` and
//! `unshare`.

use super::{
    Act, Args, Call, Effects, Facts, Outcome, Performed, Purpose, Python, Rule, Stage, TargetRules,
    failed,
};
use crate::kernel::sys;
use crate::script::names::RoleId;
use crate::script::problem::ParseProblem;
use nix::unistd;
use serde::{Deserialize, Serialize};

/// `setsid`: setsid(): a new session and process group led by this process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Setsid;

impl Act for Setsid {
    const VERB: &str = "setsid";
    const USAGE: &str = "setsid";
    const EXAMPLE: &str = "parent setsid";
    const RESULTS: &[&str] = &["new_session"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        a.none(Setsid)
    }

    fn perform(&self, _: i32, _: &mut dyn Stage) -> Performed {
        match unistd::setsid() {
            Ok(sid) => Performed::Outcome(Outcome::NewSession { sid: sid.as_raw() }),
            Err(e) => failed(Call::Setsid, e),
        }
    }

    fn python(&self, _: bool) -> Python {
        Python::line("os.setsid()")
    }
}

/// `pty`: open a pseudo-terminal, setsid() and make it the controlling terminal (`s`, `+`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pty;

impl Act for Pty {
    const VERB: &str = "pty";
    const USAGE: &str = "pty";
    const EXAMPLE: &str = "parent pty";
    const RESULTS: &[&str] = &["terminal"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        a.none(Pty)
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        match sys::become_pty_session_leader() {
            Ok((master, slave, sid)) => {
                stage.keep(Box::new((master, slave)));
                Performed::Outcome(Outcome::Terminal { sid })
            }
            Err(e) => failed(Call::Pty, e),
        }
    }

    fn python(&self, _: bool) -> Python {
        Python::line(
            "master, slave = os.openpty(); os.setsid(); fcntl.ioctl(slave, termios.TIOCSCTTY, 0)",
        )
    }
}

/// `unshare pid`: unshare(CLONE_NEWPID): the process's next child is the first process of a
/// new PID namespace, its PID 1 there. Without the privilege to do that (CAP_SYS_ADMIN), as
/// `unshare -Urpf` does: a new user namespace too, in which the process has it. Use `try`:
/// where user namespaces are closed to normal users, both are refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unshare;

impl Act for Unshare {
    const VERB: &str = "unshare";
    const USAGE: &str = "unshare pid";
    const EXAMPLE: &str = "parent unshare pid";
    const RESULTS: &[&str] = &["unshared"];
    const FACTS: Facts = Facts {
        // A limit of 0 user namespaces (user.max_user_namespaces) is how some systems close
        // them: ENOSPC, and a `try` takes it as the refusal it is.
        refusals: &[libc::EPERM, libc::EACCES, libc::ENOSPC],
        ..Facts::PLAIN
    };
    const FUZZ: &[&str] = &["pid", "net"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        match a.words {
            ["pid"] => Ok(Unshare),
            _ => Err(a.expected()),
        }
    }

    fn effects(&self) -> Effects {
        Effects {
            new_pid_namespace: true,
            ..Effects::NONE
        }
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        match sys::unshare_pid() {
            Ok(user) => {
                stage.unshared_pid();
                Performed::Outcome(Outcome::Unshared { user })
            }
            Err(e) => failed(Call::Unshare, e),
        }
    }

    fn python(&self, _: bool) -> Python {
        // os.unshare() is Python 3.12's.
        Python::Code(vec![
            "os.unshare(os.CLONE_NEWPID)".into(),
            "os.unshare(os.CLONE_NEWUSER | os.CLONE_NEWPID)".into(),
        ])
    }
}

/// `nice N`: change the nice value by N (-20 to 19) with setpriority(); negative needs privilege.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Nice {
    pub delta: i32,
}

impl Act for Nice {
    const VERB: &str = "nice";
    const USAGE: &str = "nice N";
    const EXAMPLE: &str = "parent nice 5";
    const RESULTS: &[&str] = &["niced"];
    const FUZZ: &[&str] = &["-5", "20"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        match a.words {
            [n] => match n.parse::<i32>() {
                Ok(delta) if (-20..=19).contains(&delta) => Ok(Nice { delta }),
                _ => Err(ParseProblem::NiceRange {
                    found: n.to_string(),
                }),
            },
            _ => Err(a.expected()),
        }
    }

    fn perform(&self, _: i32, _: &mut dyn Stage) -> Performed {
        match sys::nice(self.delta) {
            Ok(nice) => Performed::Outcome(Outcome::Niced { nice }),
            Err(e) => failed(Call::Setpriority, e),
        }
    }

    fn python(&self, _: bool) -> Python {
        Python::line(format!("os.nice({})", self.delta))
    }
}

/// `renice ROLE N`: setpriority(PRIO_PROCESS, pid, N), the nice value of another process
/// set to N (-20 to 19), as `renice N -p PID` does. The kernel's rule (kernel/sys.c,
/// set_one_prio): the caller's effective user id must be the target's real or effective
/// one (else EPERM), and a value below the target's current one needs CAP_SYS_NICE or a
/// RLIMIT_NICE of the target's that allows it (else EACCES). Use `try` for a lowering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Renice {
    pub target: RoleId,
    pub nice: i32,
}

impl Act for Renice {
    const VERB: &str = "renice";
    const USAGE: &str = "renice ROLE N";
    const EXAMPLE: &str = "parent renice child 5";
    const RESULTS: &[&str] = &["reniced"];
    const FACTS: Facts = Facts {
        target: TargetRules {
            alive_to: Some(Purpose::Renice),
            not_self: None,
            not_runner: Some(Rule::ReniceNotRunner),
        },
        // A `try` of it changes the target's nice value, not the actor's.
        try_changes_target: true,
        ..Facts::PLAIN
    };
    const FUZZ: &[&str] = &["-5", "20", "x"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        match a.words {
            [target, n] => {
                let target = a.role(target)?;
                match n.parse::<i32>() {
                    Ok(nice) if (-20..=19).contains(&nice) => Ok(Renice { target, nice }),
                    _ => Err(ParseProblem::NiceRange {
                        found: n.to_string(),
                    }),
                }
            }
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
        match sys::renice(target_pid, self.nice) {
            Ok(now) => Performed::Outcome(Outcome::Reniced {
                pid: target_pid,
                asked: self.nice,
                nice: now,
            }),
            Err(e) => failed(Call::Setpriority, e),
        }
    }

    fn python(&self, _: bool) -> Python {
        Python::line(format!(
            "os.setpriority(os.PRIO_PROCESS, pid, {})",
            self.nice
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{act, refused};
    use super::*;
    use crate::script::actions::Action;

    #[test]
    fn nice_takes_a_change_from_minus_20_to_19() {
        assert_eq!(
            act("runner fork p\ntry p nice -20\n"),
            Action::Nice(Nice { delta: -20 })
        );
        assert!(refused("runner fork p\np nice 20\n").contains("from -20 to 19, found `20`"));
        assert!(refused("runner fork p\np nice\n").contains("expected `p nice N`"));
    }

    #[test]
    fn renice_names_another_role_and_a_value_from_minus_20_to_19() {
        assert_eq!(
            act("runner fork p\nrunner fork q\ntry p renice q -20\n"),
            Action::Renice(Renice {
                target: 2,
                nice: -20
            })
        );
        // A process may renice itself (setpriority of its own PID).
        assert_eq!(
            act("runner fork p\np renice p 5\n"),
            Action::Renice(Renice { target: 1, nice: 5 })
        );
        assert!(
            refused("runner fork p\nrunner fork q\np renice q 20\n")
                .contains("from -20 to 19, found `20`")
        );
        assert!(refused("runner fork p\np renice 5\n").contains("expected `p renice ROLE N`"));
        assert!(refused("runner fork p\np renice runner 5\n").contains("runner"));
        assert!(refused("runner fork p\nrunner fork q\nq exit\np renice q 5\n").contains("q"));
    }

    #[test]
    fn a_try_of_renice_changes_the_targets_observations_not_the_actors() {
        let a = act("runner fork p\nrunner fork q\ntry p renice q 0\n");
        assert_eq!(a.changes_privileged_role(1), 2);
    }

    #[test]
    fn setsid_and_pty_take_no_arguments_and_are_not_for_the_runner() {
        assert_eq!(act("runner fork p\np setsid\n"), Action::Setsid(Setsid));
        assert_eq!(act("runner fork p\np pty\n"), Action::Pty(Pty));
        assert!(refused("runner fork p\np pty now\n").contains("expected `p pty`"));
        assert!(refused("runner setsid\n").contains("the runner can only"));
    }
}
