//! Signals and tracing: `kill`, `sigchld`, `trace` and `untrace`; the signals a script may name.

use super::{
    Act, Args, Call, Effects, Facts, ForRunner, HandlerRuns, NoPython, Outcome, Performed, Purpose,
    Python, Rule, RunnerAction, SigchldMode, SignalMode, Stage, TargetRules, TargetRun, WaitCall,
    failed,
};
use crate::kernel::sys;
use crate::script::names::RoleId;
use crate::script::problem::ParseProblem;
use nix::sys::signal::kill;
use nix::unistd::Pid;
use serde::{Deserialize, Serialize};

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kill {
    pub target: RoleId,
    pub signal: i32,
}

impl Act for Kill {
    const VERB: &str = "kill";
    const USAGE: &str = "kill ROLE SIGNAL";
    const EXAMPLE: &str = "parent kill child TERM";
    const RESULTS: &[&str] = &["signalled"];
    const FACTS: Facts = Facts {
        target: TargetRules {
            alive_to: Some(Purpose::Signal),
            not_self: Some(Rule::KillNotSelf),
            not_runner: Some(Rule::KillNotRunner),
        },
        may_end_target: true,
        runner: Some(ForRunner { shown_as: "kill" }),
        ..Facts::PLAIN
    };
    const FUZZ: &[&str] = &["KILL", "SIGTERM", "STOP", "CONT", "SIGBOOM"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        let [target, sig] = a.words else {
            return Err(ParseProblem::KillSyntax {
                role: a.actor_name.to_string(),
                signals: SIGNALS.iter().map(|(n, _)| *n).collect(),
            });
        };
        let target = a.role(target)?;
        let signal = signal_number(sig)?;
        Ok(Kill { target, signal })
    }

    fn effects(&self) -> Effects {
        Effects {
            target: Some(self.target),
            ends_target: ends(self.signal),
            signal: Some(self.signal),
            target_run: match self.signal {
                libc::SIGSTOP => TargetRun::Stops,
                libc::SIGCONT => TargetRun::Continues,
                _ => TargetRun::Unchanged,
            },
            ..Effects::NONE
        }
    }

    fn runner_action(&self) -> Option<RunnerAction> {
        Some(RunnerAction::Kill {
            target: self.target,
            signal: self.signal,
        })
    }

    fn perform(&self, target_pid: i32, _: &mut dyn Stage) -> Performed {
        let signal = self.signal;
        match nix::sys::signal::Signal::try_from(signal)
            .and_then(|sig| kill(Pid::from_raw(target_pid), sig))
        {
            Ok(()) => Performed::Outcome(Outcome::Signalled {
                pid: target_pid,
                signal,
            }),
            Err(e) => failed(Call::Kill, e),
        }
    }

    fn python(&self, by_runner: bool) -> Python {
        let name = python_name(self.signal);
        if by_runner {
            Python::line(format!("signal.pidfd_send_signal(pidfd, {name})"))
        } else {
            Python::line(format!("os.kill(pid, {name})"))
        }
    }
}

/// `sigchld default|ignore|nocldwait|handler once|handler loop`: sigaction(SIGCHLD, ...),
/// inherited by later children.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sigchld {
    pub mode: SigchldMode,
}

impl Act for Sigchld {
    const VERB: &str = "sigchld";
    const USAGE: &str = "sigchld default|ignore|nocldwait|handler once|handler loop";
    const EXAMPLE: &str = "parent sigchld ignore";
    const RESULTS: &[&str] = &["sigchld_set"];
    const FUZZ: &[&str] = &["ignore", "default", "nocldwait", "handler", "once", "loop"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        let mode = match a.words {
            ["default"] => SigchldMode::Default,
            ["ignore"] => SigchldMode::Ignore,
            ["nocldwait"] => SigchldMode::NoCldWait,
            ["handler", "once"] => SigchldMode::ReapOne,
            ["handler", "loop"] => SigchldMode::ReapAll,
            _ => return Err(a.expected()),
        };
        Ok(Sigchld { mode })
    }

    fn effects(&self) -> Effects {
        Effects {
            disposition: Some((
                libc::SIGCHLD,
                match self.mode {
                    SigchldMode::Default => SignalMode::Default,
                    SigchldMode::Ignore => SignalMode::Ignore,
                    _ => SignalMode::Catch,
                },
            )),
            ..Effects::NONE
        }
    }

    fn perform(&self, _: i32, _: &mut dyn Stage) -> Performed {
        let mode = self.mode;
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
    }

    fn python(&self, _: bool) -> Python {
        match self.mode {
            SigchldMode::Default => Python::line("signal.signal(signal.SIGCHLD, signal.SIG_DFL)"),
            SigchldMode::Ignore => Python::line("signal.signal(signal.SIGCHLD, signal.SIG_IGN)"),
            // signal.signal() installs a handler without SA_NOCLDWAIT, and nothing else sets it.
            SigchldMode::NoCldWait => {
                Python::None(NoPython::NotInStdlib("sigaction(SA_NOCLDWAIT)"))
            }
            // The common mistake: one os.waitpid() per signal.
            SigchldMode::ReapOne => Python::line(
                "signal.signal(signal.SIGCHLD, lambda signum, frame: os.waitpid(-1, os.WNOHANG))",
            ),
            // In Python, waitpid() with no child left raises ChildProcessError instead of -1.
            SigchldMode::ReapAll => Python::Code(vec![
                "def reap_all(signum, frame):".into(),
                "    try:".into(),
                "        while os.waitpid(-1, os.WNOHANG)[0] > 0: pass".into(),
                "    except ChildProcessError: pass".into(),
                "signal.signal(signal.SIGCHLD, reap_all)".into(),
            ]),
        }
    }
}

/// `signal SIGNAL default|ignore|catch`: sigaction(SIGNAL, SIG_DFL, SIG_IGN or a handler that
/// counts its runs). A child forked afterwards inherits it; execve() resets a caught signal
/// to SIG_DFL and keeps an ignored one ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signal {
    pub signal: i32,
    pub mode: SignalMode,
}

impl Act for Signal {
    const VERB: &str = "signal";
    const USAGE: &str = "signal SIGNAL default|ignore|catch";
    const EXAMPLE: &str = "parent signal USR1 catch";
    const RESULTS: &[&str] = &["signal_set"];
    const FUZZ: &[&str] = &[
        "USR1", "TERM", "KILL", "default", "ignore", "catch", "SIGBOOM",
    ];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
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
        Ok(Signal { signal, mode })
    }

    fn effects(&self) -> Effects {
        Effects {
            disposition: Some((self.signal, self.mode)),
            ..Effects::NONE
        }
    }

    fn perform(&self, _: i32, _: &mut dyn Stage) -> Performed {
        let Signal { signal, mode } = *self;
        let disposition = match mode {
            SignalMode::Default => sys::Disposition::Default,
            SignalMode::Ignore => sys::Disposition::Ignore,
            SignalMode::Catch => sys::Disposition::Count,
        };
        match sys::set_disposition(signal, disposition) {
            Ok(()) => Performed::Outcome(Outcome::SignalSet { signal, mode }),
            Err(e) => failed(Call::Sigaction, e),
        }
    }

    fn python(&self, _: bool) -> Python {
        let how = match self.mode {
            SignalMode::Default => "signal.SIG_DFL",
            SignalMode::Ignore => "signal.SIG_IGN",
            SignalMode::Catch => "handler",
        };
        Python::line(format!(
            "signal.signal({}, {how})",
            python_name(self.signal)
        ))
    }
}

/// `sigmask block|unblock SIGNAL...`: sigprocmask(SIG_BLOCK or SIG_UNBLOCK). A blocked signal
/// stays pending; unblocking delivers it before the call returns (its handler runs then).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sigmask {
    pub block: bool,
    pub signals: Vec<i32>,
}

impl Act for Sigmask {
    const VERB: &str = "sigmask";
    const USAGE: &str = "sigmask block|unblock SIGNAL...";
    const EXAMPLE: &str = "parent sigmask block CHLD";
    const RESULTS: &[&str] = &["masked"];
    const FUZZ: &[&str] = &["block", "unblock", "CHLD", "TERM"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
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
        Ok(Sigmask { block, signals })
    }

    fn perform(&self, _: i32, _: &mut dyn Stage) -> Performed {
        let before = handler_runs();
        match sys::sigprocmask(self.block, &self.signals) {
            Ok(blocked) => Performed::Outcome(Outcome::Masked {
                block: self.block,
                signals: self.signals.clone(),
                blocked,
                during: since(&before, &handler_runs()),
            }),
            Err(e) => failed(Call::Sigprocmask, e),
        }
    }

    fn python(&self, _: bool) -> Python {
        let set: Vec<String> = self.signals.iter().map(|s| python_name(*s)).collect();
        let how = if self.block {
            "SIG_BLOCK"
        } else {
            "SIG_UNBLOCK"
        };
        Python::line(format!(
            "signal.pthread_sigmask(signal.{how}, {{{}}})",
            set.join(", ")
        ))
    }
}

/// `handled`: report what the process's signal handlers have done: how many times each ran,
/// and the waitpid() calls of a SIGCHLD handler (`sigchld handler once|loop`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handled;

impl Act for Handled {
    const VERB: &str = "handled";
    const USAGE: &str = "handled";
    const EXAMPLE: &str = "parent handled";
    const RESULTS: &[&str] = &["handled"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        a.none(Handled)
    }

    fn perform(&self, _: i32, _: &mut dyn Stage) -> Performed {
        Performed::Outcome(Outcome::Handled(handler_runs()))
    }

    // The handler counts in memory of its own; a Python handler would count in a global.
    fn python(&self, _: bool) -> Python {
        Python::line("print(handler_runs, reaped)")
    }
}

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    pub target: RoleId,
}

impl Act for Trace {
    const VERB: &str = "trace";
    const USAGE: &str = "trace ROLE";
    const EXAMPLE: &str = "parent trace child";
    const RESULTS: &[&str] = &["traced"];
    const FACTS: Facts = Facts {
        target: TargetRules {
            alive_to: Some(Purpose::Trace),
            not_self: Some(Rule::TraceNotSelf),
            not_runner: Some(Rule::TraceNotRunner),
        },
        try_changes_target: true,
        ..Facts::PLAIN
    };

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        match a.words {
            [t] => Ok(Trace { target: a.role(t)? }),
            _ => Err(a.expected()),
        }
    }

    fn effects(&self) -> Effects {
        Effects {
            target: Some(self.target),
            target_run: TargetRun::Stops,
            ..Effects::NONE
        }
    }

    fn perform(&self, target_pid: i32, _: &mut dyn Stage) -> Performed {
        match sys::ptrace_seize_and_interrupt(target_pid) {
            Ok(()) => Performed::Outcome(Outcome::Traced { pid: target_pid }),
            Err(e) => failed(Call::Ptrace, e),
        }
    }

    fn python(&self, _: bool) -> Python {
        Python::None(NoPython::NotInStdlib("ptrace()"))
    }
}

/// `untrace ROLE`: PTRACE_DETACH: the target runs again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Untrace {
    pub target: RoleId,
}

impl Act for Untrace {
    const VERB: &str = "untrace";
    const USAGE: &str = "untrace ROLE";
    const EXAMPLE: &str = "parent untrace child";
    const RESULTS: &[&str] = &["untraced"];
    const FACTS: Facts = Facts {
        target: TargetRules {
            alive_to: Some(Purpose::Untrace),
            not_self: Some(Rule::UntraceNotSelf),
            not_runner: Some(Rule::UntraceNotRunner),
        },
        try_changes_target: true,
        ..Facts::PLAIN
    };

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        match a.words {
            [t] => Ok(Untrace { target: a.role(t)? }),
            _ => Err(a.expected()),
        }
    }

    fn effects(&self) -> Effects {
        Effects {
            target: Some(self.target),
            target_run: TargetRun::Continues,
            ..Effects::NONE
        }
    }

    fn perform(&self, target_pid: i32, _: &mut dyn Stage) -> Performed {
        match sys::ptrace_detach(target_pid) {
            Ok(()) => Performed::Outcome(Outcome::Untraced { pid: target_pid }),
            Err(e) => failed(Call::PtraceDetach, e),
        }
    }

    fn python(&self, _: bool) -> Python {
        Python::None(NoPython::NotInStdlib("ptrace()"))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{act, refused};
    use super::*;
    use crate::script::actions::Action;

    #[test]
    fn kill_takes_a_signal_with_or_without_sig_and_only_fatal_ones_end_the_target() {
        let term = act("runner fork p\np fork c\np kill c SIGTERM\n");
        assert_eq!(
            term,
            Action::Kill(Kill {
                target: 2,
                signal: libc::SIGTERM
            })
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
            Action::Sigchld(Sigchld {
                mode: SigchldMode::NoCldWait
            })
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
        assert_eq!(
            Action::from(crate::script::actions::Nice { delta: -5 }).changes_privileged_role(1),
            1
        );
        assert!(refused("runner fork p\np fork c\np untrace runner\n").contains("not the runner"));
        assert!(
            refused("runner fork p\np fork c\np untrace p\n").contains("not the tracer itself")
        );
        let untrace = act("runner fork p\np fork c\np trace c\np untrace c\n");
        assert_eq!(untrace.effects().target_run, TargetRun::Continues);
    }
}
