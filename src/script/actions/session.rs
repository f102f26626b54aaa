//! Sessions, terminals, priority and namespaces: `setsid`, `pty`, `nice`, `renice` and
//! `unshare`.

use super::{
    Action, Call, Def, Effects, Facts, Outcome, Performed, Purpose, Python, Rule, TargetRules,
    failed, not_mine,
};
use crate::kernel::sys;
use crate::script::ParseProblem;
use nix::unistd;

/// `setsid`: setsid(): a new session and process group led by this process.
pub static SETSID: Def = Def {
    verb: "setsid",
    usage: "setsid",
    syntax: |a| a.none(Action::Setsid),
    facts: Facts::PLAIN,
    effects: |_| Effects::NONE,
    perform: |_, _, _| match unistd::setsid() {
        Ok(sid) => Performed::Outcome(Outcome::NewSession { sid: sid.as_raw() }),
        Err(e) => failed(Call::Setsid, e),
    },
    fuzz: &[],
    python: |_, _| Python::line("os.setsid()"),
};

/// `pty`: open a pseudo-terminal, setsid() and make it the controlling terminal (`s`, `+`).
pub static PTY: Def = Def {
    verb: "pty",
    usage: "pty",
    syntax: |a| a.none(Action::Pty),
    facts: Facts::PLAIN,
    effects: |_| Effects::NONE,
    perform: |_, _, stage| match sys::become_pty_session_leader() {
        Ok((master, slave, sid)) => {
            stage.keep(Box::new((master, slave)));
            Performed::Outcome(Outcome::Terminal { sid })
        }
        Err(e) => failed(Call::Pty, e),
    },
    fuzz: &[],
    python: |_, _| {
        Python::line(
            "master, slave = os.openpty(); os.setsid(); fcntl.ioctl(slave, termios.TIOCSCTTY, 0)",
        )
    },
};

/// `unshare pid`: unshare(CLONE_NEWPID): the process's next child is the first process of a
/// new PID namespace, its PID 1 there. Without the privilege to do that (CAP_SYS_ADMIN), as
/// `unshare -Urpf` does: a new user namespace too, in which the process has it. Use `try`:
/// where user namespaces are closed to normal users, both are refused.
pub static UNSHARE: Def = Def {
    verb: "unshare",
    usage: "unshare pid",
    syntax: |a| match a.words {
        ["pid"] => Ok(Action::UnsharePid),
        _ => Err(a.expected()),
    },
    facts: Facts {
        // A limit of 0 user namespaces (user.max_user_namespaces) is how some systems close
        // them: ENOSPC, and a `try` takes it as the refusal it is.
        refusals: &[libc::EPERM, libc::EACCES, libc::ENOSPC],
        ..Facts::PLAIN
    },
    effects: |_| Effects {
        new_pid_namespace: true,
        ..Effects::NONE
    },
    perform: |_, _, stage| match sys::unshare_pid() {
        Ok(user) => {
            stage.unshared_pid();
            Performed::Outcome(Outcome::Unshared { user })
        }
        Err(e) => failed(Call::Unshare, e),
    },
    fuzz: &["pid", "net"],
    python: |_, _| {
        // os.unshare() is Python 3.12's.
        Python::Code(vec![
            "os.unshare(os.CLONE_NEWPID)".into(),
            "os.unshare(os.CLONE_NEWUSER | os.CLONE_NEWPID)".into(),
        ])
    },
};

/// `nice N`: change the nice value by N (-20 to 19) with setpriority(); negative needs privilege.
pub static NICE: Def = Def {
    verb: "nice",
    usage: "nice N",
    syntax: |a| match a.words {
        [n] => match n.parse::<i32>() {
            Ok(delta) if (-20..=19).contains(&delta) => Ok(Action::Nice { delta }),
            _ => Err(ParseProblem::NiceRange {
                found: n.to_string(),
            }),
        },
        _ => Err(a.expected()),
    },
    facts: Facts::PLAIN,
    effects: |_| Effects::NONE,
    perform: |a, _, _| {
        let delta = match a {
            Action::Nice { delta } => *delta,
            other => not_mine(other),
        };
        match sys::nice(delta) {
            Ok(nice) => Performed::Outcome(Outcome::Niced { nice }),
            Err(e) => failed(Call::Setpriority, e),
        }
    },
    fuzz: &["-5", "20"],
    python: |a, _| match a {
        Action::Nice { delta } => Python::line(format!("os.nice({delta})")),
        other => not_mine(other),
    },
};

/// `renice ROLE N`: setpriority(PRIO_PROCESS, pid, N), the nice value of another process
/// set to N (-20 to 19), as `renice N -p PID` does. The kernel's rule (kernel/sys.c,
/// set_one_prio): the caller's effective user id must be the target's real or effective
/// one (else EPERM), and a value below the target's current one needs CAP_SYS_NICE or a
/// RLIMIT_NICE of the target's that allows it (else EACCES). Use `try` for a lowering.
pub static RENICE: Def = Def {
    verb: "renice",
    usage: "renice ROLE N",
    syntax: |a| match a.words {
        [target, n] => {
            let target = a.role(target)?;
            match n.parse::<i32>() {
                Ok(nice) if (-20..=19).contains(&nice) => Ok(Action::Renice { target, nice }),
                _ => Err(ParseProblem::NiceRange {
                    found: n.to_string(),
                }),
            }
        }
        _ => Err(a.expected()),
    },
    facts: Facts {
        target: TargetRules {
            alive_to: Some(Purpose::Renice),
            not_self: None,
            not_runner: Some(Rule::ReniceNotRunner),
        },
        // A `try` of it changes the target's nice value, not the actor's.
        try_changes_target: true,
        ..Facts::PLAIN
    },
    effects: |a| match a {
        Action::Renice { target, .. } => Effects {
            target: Some(*target),
            ..Effects::NONE
        },
        other => not_mine(other),
    },
    perform: |a, target_pid, _| {
        let nice = match a {
            Action::Renice { nice, .. } => *nice,
            other => not_mine(other),
        };
        match sys::renice(target_pid, nice) {
            Ok(now) => Performed::Outcome(Outcome::Reniced {
                pid: target_pid,
                asked: nice,
                nice: now,
            }),
            Err(e) => failed(Call::Setpriority, e),
        }
    },
    fuzz: &["-5", "20", "x"],
    python: |a, _| match a {
        Action::Renice { nice, .. } => {
            Python::line(format!("os.setpriority(os.PRIO_PROCESS, pid, {nice})"))
        }
        other => not_mine(other),
    },
};

#[cfg(test)]
mod tests {
    use super::super::testing::{act, refused};
    use super::*;

    #[test]
    fn nice_takes_a_change_from_minus_20_to_19() {
        assert_eq!(
            act("runner fork p\ntry p nice -20\n"),
            Action::Nice { delta: -20 }
        );
        assert!(refused("runner fork p\np nice 20\n").contains("from -20 to 19, found `20`"));
        assert!(refused("runner fork p\np nice\n").contains("expected `p nice N`"));
    }

    #[test]
    fn renice_names_another_role_and_a_value_from_minus_20_to_19() {
        assert_eq!(
            act("runner fork p\nrunner fork q\ntry p renice q -20\n"),
            Action::Renice {
                target: 2,
                nice: -20
            }
        );
        // A process may renice itself (setpriority of its own PID).
        assert_eq!(
            act("runner fork p\np renice p 5\n"),
            Action::Renice { target: 1, nice: 5 }
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
        assert_eq!(act("runner fork p\np setsid\n"), Action::Setsid);
        assert_eq!(act("runner fork p\np pty\n"), Action::Pty);
        assert!(refused("runner fork p\np pty now\n").contains("expected `p pty`"));
        assert!(refused("runner setsid\n").contains("the runner can only"));
    }
}
