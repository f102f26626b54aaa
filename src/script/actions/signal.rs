//! Signals and tracing: `kill`, `sigchld`, `trace` and `untrace`; the signals a script may name.

use super::{
    Action, Args, Call, Def, Effects, Facts, ForRunner, HandlerRuns, NoPython, Outcome, Performed,
    Python, RunnerAction, SigchldMode, SignalMode, TargetRules, TargetRun, WaitCall, failed,
    not_mine,
};
use super::{Purpose, Rule};
use crate::kernel::sys;
use crate::script::ParseProblem;
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
    ("PIPE", libc::SIGPIPE),
];

/// A signal's number from the name a script gives it, with or without `SIG`.
fn signal_number(name: &str) -> Result<i32, ParseProblem> {
    let short = name.strip_prefix("SIG").unwrap_or(name);
    SIGNALS
        .iter()
        .find(|(n, _)| *n == short)
        .map(|(_, s)| *s)
        .ok_or_else(|| ParseProblem::SignalName {
            found: name.to_string(),
            signals: SIGNALS.iter().map(|(n, _)| *n).collect(),
        })
}

/// The Python name of a signal: `signal.SIGTERM`.
fn python_name(signal: i32) -> String {
    SIGNALS.iter().find(|(_, n)| *n == signal).map_or_else(
        || signal.to_string(),
        |(name, _)| format!("signal.SIG{name}"),
    )
}

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
        let signal = signal_number(sig)?;
        Ok(Action::Kill { target, signal })
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
            signal: Some(*signal),
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
            let name = python_name(*signal);
            if by_runner {
                Python::line(format!("signal.pidfd_send_signal(pidfd, {name})"))
            } else {
                Python::line(format!("os.kill(pid, {name})"))
            }
        }
        other => not_mine(other),
    },
};

/// `sigchld default|ignore|nocldwait|handler once|handler loop`: sigaction(SIGCHLD, ...),
/// inherited by later children.
pub static SIGCHLD: Def = Def {
    verb: "sigchld",
    usage: "sigchld default|ignore|nocldwait|handler once|handler loop",
    syntax: |a| match a.words {
        ["default"] => Ok(Action::Sigchld(SigchldMode::Default)),
        ["ignore"] => Ok(Action::Sigchld(SigchldMode::Ignore)),
        ["nocldwait"] => Ok(Action::Sigchld(SigchldMode::NoCldWait)),
        ["handler", "once"] => Ok(Action::Sigchld(SigchldMode::ReapOne)),
        ["handler", "loop"] => Ok(Action::Sigchld(SigchldMode::ReapAll)),
        _ => Err(a.expected()),
    },
    facts: Facts::PLAIN,
    effects: |a| match a {
        Action::Sigchld(mode) => Effects {
            disposition: Some((
                libc::SIGCHLD,
                match mode {
                    SigchldMode::Default => SignalMode::Default,
                    SigchldMode::Ignore => SignalMode::Ignore,
                    _ => SignalMode::Catch,
                },
            )),
            ..Effects::NONE
        },
        other => not_mine(other),
    },
    perform: |a, _, _| {
        let Action::Sigchld(mode) = *a else {
            not_mine(a)
        };
        let disposition = match mode {
            SigchldMode::Default => sys::Disposition::Default,
            SigchldMode::Ignore => sys::Disposition::Ignore,
            SigchldMode::NoCldWait => sys::Disposition::NoCldWait,
            SigchldMode::ReapOne => sys::Disposition::ReapOne,
            SigchldMode::ReapAll => sys::Disposition::ReapAll,
        };
        match sys::set_disposition(libc::SIGCHLD, disposition) {
            Ok(()) => Performed::Outcome(Outcome::SigchldSet { mode }),
            Err(e) => failed(Call::Sigaction, e),
        }
    },
    fuzz: &["ignore", "default", "nocldwait", "handler", "once", "loop"],
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
        // The common mistake: one os.waitpid() per signal.
        Action::Sigchld(SigchldMode::ReapOne) => Python::line(
            "signal.signal(signal.SIGCHLD, lambda signum, frame: os.waitpid(-1, os.WNOHANG))",
        ),
        // In Python, waitpid() with no child left raises ChildProcessError instead of -1.
        Action::Sigchld(SigchldMode::ReapAll) => Python::Code(vec![
            "def reap_all(signum, frame):".into(),
            "    try:".into(),
            "        while os.waitpid(-1, os.WNOHANG)[0] > 0: pass".into(),
            "    except ChildProcessError: pass".into(),
            "signal.signal(signal.SIGCHLD, reap_all)".into(),
        ]),
        other => not_mine(other),
    },
};

/// `signal SIGNAL default|ignore|catch`: sigaction(SIGNAL, SIG_DFL, SIG_IGN or a handler that
/// counts its runs). A child forked afterwards inherits it; execve() resets a caught signal
/// to SIG_DFL and keeps an ignored one ignored.
pub static SIGNAL: Def = Def {
    verb: "signal",
    usage: "signal SIGNAL default|ignore|catch",
    syntax: |a| {
        let [sig, mode] = a.words else {
            return Err(a.expected());
        };
        let signal = signal_number(sig)?;
        let mode = match *mode {
            "default" => SignalMode::Default,
            "ignore" => SignalMode::Ignore,
            "catch" => SignalMode::Catch,
            _ => return Err(a.expected()),
        };
        Ok(Action::Signal { signal, mode })
    },
    facts: Facts::PLAIN,
    effects: |a| match a {
        Action::Signal { signal, mode } => Effects {
            disposition: Some((*signal, *mode)),
            ..Effects::NONE
        },
        other => not_mine(other),
    },
    perform: |a, _, _| {
        let Action::Signal { signal, mode } = *a else {
            not_mine(a)
        };
        let disposition = match mode {
            SignalMode::Default => sys::Disposition::Default,
            SignalMode::Ignore => sys::Disposition::Ignore,
            SignalMode::Catch => sys::Disposition::Count,
        };
        match sys::set_disposition(signal, disposition) {
            Ok(()) => Performed::Outcome(Outcome::SignalSet { signal, mode }),
            Err(e) => failed(Call::Sigaction, e),
        }
    },
    fuzz: &[
        "USR1", "TERM", "KILL", "default", "ignore", "catch", "SIGBOOM",
    ],
    python: |a, _| match a {
        Action::Signal { signal, mode } => {
            let how = match mode {
                SignalMode::Default => "signal.SIG_DFL",
                SignalMode::Ignore => "signal.SIG_IGN",
                SignalMode::Catch => "handler",
            };
            Python::line(format!("signal.signal({}, {how})", python_name(*signal)))
        }
        other => not_mine(other),
    },
};

/// `sigmask block|unblock SIGNAL...`: sigprocmask(SIG_BLOCK or SIG_UNBLOCK). A blocked signal
/// stays pending; unblocking delivers it before the call returns (its handler runs then).
pub static SIGMASK: Def = Def {
    verb: "sigmask",
    usage: "sigmask block|unblock SIGNAL...",
    syntax: |a: &mut Args<'_>| {
        let Some((how, names)) = a.words.split_first() else {
            return Err(a.expected());
        };
        let block = match *how {
            "block" => true,
            "unblock" => false,
            _ => return Err(a.expected()),
        };
        if names.is_empty() {
            return Err(a.expected());
        }
        let signals = names
            .iter()
            .map(|n| signal_number(n))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Action::Sigmask { block, signals })
    },
    facts: Facts::PLAIN,
    effects: |_| Effects::NONE,
    perform: |a, _, _| {
        let Action::Sigmask { block, signals } = a else {
            not_mine(a)
        };
        let before = handler_runs();
        match sys::sigprocmask(*block, signals) {
            Ok(blocked) => Performed::Outcome(Outcome::Masked {
                block: *block,
                signals: signals.clone(),
                blocked,
                during: since(&before, &handler_runs()),
            }),
            Err(e) => failed(Call::Sigprocmask, e),
        }
    },
    fuzz: &["block", "unblock", "CHLD", "TERM"],
    python: |a, _| match a {
        Action::Sigmask { block, signals } => {
            let set: Vec<String> = signals.iter().map(|s| python_name(*s)).collect();
            let how = if *block { "SIG_BLOCK" } else { "SIG_UNBLOCK" };
            Python::line(format!(
                "signal.pthread_sigmask(signal.{how}, {{{}}})",
                set.join(", ")
            ))
        }
        other => not_mine(other),
    },
};

/// `handled`: report what the process's signal handlers have done: how many times each ran,
/// and the waitpid() calls of a SIGCHLD handler (`sigchld handler once|loop`).
pub static HANDLED: Def = Def {
    verb: "handled",
    usage: "handled",
    syntax: |a| a.none(Action::Handled),
    facts: Facts::PLAIN,
    effects: |_| Effects::NONE,
    perform: |_, _, _| Performed::Outcome(Outcome::Handled(handler_runs())),
    fuzz: &[],
    // The handler counts in memory of its own; a Python handler would count in a global.
    python: |_, _| Python::line("print(handler_runs, reaped)"),
};

/// What this process's handlers have recorded so far.
fn handler_runs() -> HandlerRuns {
    let (runs, waits) = sys::handler_record();
    HandlerRuns {
        runs,
        waits: waits
            .into_iter()
            .map(|w| WaitCall {
                ret: w.ret,
                status: w.status,
                errno: w.errno,
            })
            .collect(),
    }
}

/// What the handlers did between two records.
fn since(before: &HandlerRuns, after: &HandlerRuns) -> HandlerRuns {
    HandlerRuns {
        runs: after
            .runs
            .iter()
            .filter_map(|(sig, n)| {
                let was = before
                    .runs
                    .iter()
                    .find(|(s, _)| s == sig)
                    .map_or(0, |(_, n)| *n);
                (*n > was).then_some((*sig, n - was))
            })
            .collect(),
        waits: after.waits[before.waits.len().min(after.waits.len())..].to_vec(),
    }
}

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
        assert!(term.effects().ends_target);
        let stop = act("runner fork p\np fork c\np kill c STOP\n");
        assert!(!stop.effects().ends_target);
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
                .contains("not fork, vfork, exit, libc-exit, kill or exec")
        );
    }

    #[test]
    fn sigchld_takes_one_of_three_dispositions() {
        assert_eq!(
            act("runner fork p\np sigchld nocldwait\n"),
            Action::Sigchld(SigchldMode::NoCldWait)
        );
        assert!(
            refused("runner fork p\np sigchld catch\n").contains(
                "expected `p sigchld default|ignore|nocldwait|handler once|handler loop`"
            )
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
