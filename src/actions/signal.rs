//! Signals and tracing: `kill`, `sigchld`, `trace` and `untrace`; the signals a script may name.

use super::{
    Action, Call, Def, Effects, Facts, ForRunner, NoPython, Outcome, Performed, Python,
    RunnerAction, SigchldMode, TargetRules, TargetRun, failed, not_mine,
};
use super::{Purpose, Rule};
use crate::script::ParseProblem;
use crate::sys;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

/// Signals a script may name, by their usual short names.
pub const SIGNALS: &[(&str, i32)] = &[
    ("HUP", libc::SIGHUP),
    ("INT", libc::SIGINT),
    ("QUIT", libc::SIGQUIT),
    ("KILL", libc::SIGKILL),
    ("USR1", libc::SIGUSR1),
    ("USR2", libc::SIGUSR2),
    ("TERM", libc::SIGTERM),
    ("CHLD", libc::SIGCHLD),
    ("CONT", libc::SIGCONT),
    ("STOP", libc::SIGSTOP),
];

/// Signals whose default action ends the process (the ones a script can name).
pub fn ends(signal: i32) -> bool {
    !matches!(signal, libc::SIGCHLD | libc::SIGCONT | libc::SIGSTOP)
}

/// `kill ROLE SIGNAL`: kill(pid, SIG...). Not the runner, not the actor itself.
pub static KILL: Def = Def {
    verb: "kill",
    usage: "kill ROLE SIGNAL",
    syntax: |a| {
        let [target, sig] = a.words else {
            return Err(ParseProblem::KillSyntax {
                role: a.actor_name.to_string(),
                signals: SIGNALS.iter().map(|(n, _)| *n).collect(),
            });
        };
        let target = a.role(target)?;
        let name = sig.strip_prefix("SIG").unwrap_or(sig);
        let Some((_, signal)) = SIGNALS.iter().find(|(n, _)| *n == name) else {
            return Err(ParseProblem::SignalName {
                found: sig.to_string(),
                signals: SIGNALS.iter().map(|(n, _)| *n).collect(),
            });
        };
        Ok(Action::Kill {
            target,
            signal: *signal,
        })
    },
    facts: Facts {
        target: TargetRules {
            alive_to: Some(Purpose::Signal),
            not_self: Some(Rule::KillNotSelf),
            not_runner: Some(Rule::KillNotRunner),
        },
        may_end_target: true,
        runner: Some(ForRunner {
            shown_as: "kill",
            action: |a| match a {
                Action::Kill { target, signal } => Some(RunnerAction::Kill {
                    target: *target,
                    signal: *signal,
                }),
                _ => None,
            },
        }),
        ..Facts::PLAIN
    },
    effects: |a| match a {
        Action::Kill { target, signal } => Effects {
            target: Some(*target),
            ends_target: ends(*signal),
            target_run: match *signal {
                libc::SIGSTOP => TargetRun::Stops,
                libc::SIGCONT => TargetRun::Continues,
                _ => TargetRun::Unchanged,
            },
            ..Effects::NONE
        },
        other => not_mine(other),
    },
    perform: |a, target, _| {
        let signal = match a {
            Action::Kill { signal, .. } => *signal,
            other => not_mine(other),
        };
        match Signal::try_from(signal).and_then(|sig| kill(Pid::from_raw(target), sig)) {
            Ok(()) => Performed::Outcome(Outcome::Signalled {
                pid: target,
                signal,
            }),
            Err(e) => failed(Call::Kill, e),
        }
    },
    fuzz: &["KILL", "SIGTERM", "STOP", "CONT", "SIGBOOM"],
    python: |a, by_runner| match a {
        Action::Kill { signal, .. } => {
            let name = SIGNALS.iter().find(|(_, n)| n == signal).map_or_else(
                || signal.to_string(),
                |(name, _)| format!("signal.SIG{name}"),
            );
            if by_runner {
                Python::line(format!("signal.pidfd_send_signal(pidfd, {name})"))
            } else {
                Python::line(format!("os.kill(pid, {name})"))
            }
        }
        other => not_mine(other),
    },
};

/// `sigchld default|ignore|nocldwait`: sigaction(SIGCHLD, ...), inherited by later children.
pub static SIGCHLD: Def = Def {
    verb: "sigchld",
    usage: "sigchld default|ignore|nocldwait",
    syntax: |a| match a.words {
        ["default"] => Ok(Action::Sigchld(SigchldMode::Default)),
        ["ignore"] => Ok(Action::Sigchld(SigchldMode::Ignore)),
        ["nocldwait"] => Ok(Action::Sigchld(SigchldMode::NoCldWait)),
        _ => Err(a.expected()),
    },
    facts: Facts::PLAIN,
    effects: |_| Effects::NONE,
    perform: |a, _, _| {
        let Action::Sigchld(mode) = *a else {
            not_mine(a)
        };
        let (ignore, nocldwait) = match mode {
            SigchldMode::Default => (false, false),
            SigchldMode::Ignore => (true, false),
            SigchldMode::NoCldWait => (false, true),
        };
        match sys::set_sigchld(ignore, nocldwait) {
            Ok(()) => Performed::Outcome(Outcome::SigchldSet { mode }),
            Err(e) => failed(Call::Sigaction, e),
        }
    },
    fuzz: &["ignore", "default", "nocldwait"],
    python: |a, _| match a {
        Action::Sigchld(SigchldMode::Default) => {
            Python::line("signal.signal(signal.SIGCHLD, signal.SIG_DFL)")
        }
        Action::Sigchld(SigchldMode::Ignore) => {
            Python::line("signal.signal(signal.SIGCHLD, signal.SIG_IGN)")
        }
        // signal.signal() installs a handler without SA_NOCLDWAIT, and nothing else sets it.
        Action::Sigchld(SigchldMode::NoCldWait) => {
            Python::None(NoPython::NotInStdlib("sigaction(SA_NOCLDWAIT)"))
        }
        other => not_mine(other),
    },
};

/// `trace ROLE`: ptrace(PTRACE_SEIZE) then PTRACE_INTERRUPT: the target stops in state t.
pub static TRACE: Def = Def {
    verb: "trace",
    usage: "trace ROLE",
    syntax: |a| match a.words {
        [t] => Ok(Action::Trace { target: a.role(t)? }),
        _ => Err(a.expected()),
    },
    facts: Facts {
        target: TargetRules {
            alive_to: Some(Purpose::Trace),
            not_self: Some(Rule::TraceNotSelf),
            not_runner: Some(Rule::TraceNotRunner),
        },
        try_changes_target: true,
        ..Facts::PLAIN
    },
    effects: |a| match a {
        Action::Trace { target } => Effects {
            target: Some(*target),
            target_run: TargetRun::Stops,
            ..Effects::NONE
        },
        other => not_mine(other),
    },
    perform: |_, target, _| match sys::ptrace_seize_and_interrupt(target) {
        Ok(()) => Performed::Outcome(Outcome::Traced { pid: target }),
        Err(e) => failed(Call::Ptrace, e),
    },
    fuzz: &[],
    python: |_, _| Python::None(NoPython::NotInStdlib("ptrace()")),
};

/// `untrace ROLE`: PTRACE_DETACH: the target runs again.
pub static UNTRACE: Def = Def {
    verb: "untrace",
    usage: "untrace ROLE",
    syntax: |a| match a.words {
        [t] => Ok(Action::Untrace { target: a.role(t)? }),
        _ => Err(a.expected()),
    },
    facts: Facts {
        target: TargetRules {
            alive_to: Some(Purpose::Untrace),
            not_self: Some(Rule::UntraceNotSelf),
            not_runner: Some(Rule::UntraceNotRunner),
        },
        try_changes_target: true,
        ..Facts::PLAIN
    },
    effects: |a| match a {
        Action::Untrace { target } => Effects {
            target: Some(*target),
            target_run: TargetRun::Continues,
            ..Effects::NONE
        },
        other => not_mine(other),
    },
    perform: |_, target, _| match sys::ptrace_detach(target) {
        Ok(()) => Performed::Outcome(Outcome::Untraced { pid: target }),
        Err(e) => failed(Call::PtraceDetach, e),
    },
    fuzz: &[],
    python: |_, _| Python::None(NoPython::NotInStdlib("ptrace()")),
};

#[cfg(test)]
mod tests {
    use super::super::testing::{act, refused};
    use super::*;

    #[test]
    fn kill_takes_a_signal_with_or_without_sig_and_only_fatal_ones_end_the_target() {
        let term = act("runner fork p\np fork c\np kill c SIGTERM\n");
        assert_eq!(
            term,
            Action::Kill {
                target: 2,
                signal: libc::SIGTERM
            }
        );
        assert!(term.ends_target());
        let stop = act("runner fork p\np fork c\np kill c STOP\n");
        assert!(!stop.ends_target());
        assert_eq!(stop.effects().target_run, TargetRun::Stops);
        assert_eq!(
            act("runner fork p\nrunner kill p CONT\n").runner_action(),
            Some(RunnerAction::Kill {
                target: 1,
                signal: libc::SIGCONT
            })
        );
        assert!(
            refused("runner fork p\np kill runner TERM\n").contains("may not signal the runner")
        );
        assert!(
            refused("runner fork p\nrunner fork q\ntry p kill q CONT\n")
                .contains("not fork, vfork, exit or kill")
        );
        assert_eq!(crate::render::signal_name(libc::SIGKILL), "SIGKILL");
    }

    #[test]
    fn sigchld_takes_one_of_three_dispositions() {
        assert_eq!(
            act("runner fork p\np sigchld nocldwait\n"),
            Action::Sigchld(SigchldMode::NoCldWait)
        );
        assert!(
            refused("runner fork p\np sigchld catch\n")
                .contains("expected `p sigchld default|ignore|nocldwait`")
        );
    }

    #[test]
    fn a_try_of_trace_may_change_the_tracee_and_untrace_lets_it_run() {
        let trace = act("runner fork p\np fork c\ntry p trace c\n");
        assert_eq!(trace.changes_privileged_role(1), 2);
        assert_eq!(Action::Nice { delta: -5 }.changes_privileged_role(1), 1);
        assert!(refused("runner fork p\np fork c\np untrace runner\n").contains("not the runner"));
        assert!(
            refused("runner fork p\np fork c\np untrace p\n").contains("not the tracer itself")
        );
        let untrace = act("runner fork p\np fork c\np trace c\np untrace c\n");
        assert_eq!(untrace.effects().target_run, TargetRun::Continues);
    }
}
