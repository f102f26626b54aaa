//! The front end: runs each demo in a fresh runner process and makes sure nothing outlives it.
//!
//! The front end never forks a scenario process itself. It starts its own binary as a hidden
//! `__runner` (in a process group of its own, so a Ctrl-C reaches only the front end), waits
//! for it with a pidfd and a deadline, and handles SIGINT, SIGTERM and SIGHUP through a
//! signalfd. It is a child subreaper too: if a runner dies abruptly, the runner's orphans are
//! reparented here, and the front end kills and reaps them before it goes on or exits.

use crate::cli::{Output, Source};
use crate::error::Error;
use crate::runner::kill_and_reap_children;
use crate::sys;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{SigSet, Signal};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use std::io::Write;
use std::os::fd::AsFd;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A runner gets this long beyond its script's own total deadline before it is killed.
const GRACE: Duration = Duration::from_secs(10);

/// How one demo's run ended, for the summary.
pub struct Outcome {
    pub name: String,
    pub ok: bool,
    pub wall: Duration,
    /// What went wrong outside the demo itself (crash, timeout), if anything.
    pub problem: Option<String>,
}

fn handled_signals() -> SigSet {
    let mut mask = SigSet::empty();
    // Every signal whose default action would end the front end without its clean-up.
    for sig in [
        Signal::SIGINT,
        Signal::SIGTERM,
        Signal::SIGHUP,
        Signal::SIGQUIT,
        Signal::SIGUSR1,
        Signal::SIGUSR2,
        Signal::SIGALRM,
    ] {
        mask.add(sig);
    }
    mask
}

/// Block the signals the front end handles through its signalfd. A signal that arrives
/// before any runner exists stays pending until then, and is handled like any other.
pub fn block_signals() {
    let _ = handled_signals().thread_block();
}

/// Runs runners, one at a time.
pub struct FrontEnd {
    signals: SignalFd,
    output: Output,
}

impl FrontEnd {
    pub fn new(output: Output) -> Result<FrontEnd, Error> {
        let mask = handled_signals();
        mask.thread_block()
            .map_err(|e| Error::System(format!("sigprocmask: {e}")))?;
        let signals = SignalFd::with_flags(&mask, SfdFlags::SFD_CLOEXEC | SfdFlags::SFD_NONBLOCK)
            .map_err(|e| Error::System(format!("signalfd: {e}")))?;
        sys::set_child_subreaper()
            .map_err(|e| Error::System(format!("prctl(PR_SET_CHILD_SUBREAPER): {e}")))?;
        Ok(FrontEnd { signals, output })
    }

    fn runner_command(&self, source: &Source) -> Result<Command, Error> {
        let exe = std::env::current_exe()
            .map_err(|e| Error::System(format!("cannot find procdemo's own binary: {e}")))?;
        let mut cmd = Command::new(exe);
        cmd.arg("__runner")
            .arg("--frontend")
            .arg(std::process::id().to_string());
        match source {
            Source::Builtin(name) => cmd.arg("--demo").arg(name),
            // One argument, `--file=PATH`, so a path that starts with '-' is not an option.
            Source::File(path) => {
                let mut arg = std::ffi::OsString::from("--file=");
                arg.push(path);
                cmd.arg(arg)
            }
        };
        let o = &self.output;
        cmd.arg("--color")
            .arg(if o.color { "always" } else { "never" });
        for (on, flag) in [
            (o.explain, "--explain"),
            (o.json, "--json"),
            (o.stable, "--stable"),
            (o.check_ps, "--check-ps"),
        ] {
            if on {
                cmd.arg(flag);
            }
        }
        cmd.arg("--timeout").arg(o.timeout_s.to_string());
        if let Some(size) = o.size_mib {
            cmd.arg("--size").arg(size.to_string());
        }
        cmd.process_group(0);
        Ok(cmd)
    }

    /// Run one demo in a fresh runner and wait for it, cleaning up whatever it leaves.
    pub fn run(
        &mut self,
        name: &str,
        source: &Source,
        text: Option<&str>,
    ) -> Result<Outcome, Error> {
        let start = Instant::now();
        let mut command = self.runner_command(source)?;
        command.stdin(if text.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        let mut child = command
            .spawn()
            .map_err(|e| Error::System(format!("cannot start a runner for `{name}`: {e}")))?;
        if let (Some(text), Some(mut stdin)) = (text, child.stdin.take()) {
            // If the runner is already gone, the write fails; waiting for it below says why.
            let _ = stdin.write_all(text.as_bytes());
        }
        let waited = self.wait(&mut child);
        // A runner that ended normally left nothing. After a crash its orphans were
        // reparented here: kill and reap them, and say how many there were.
        let left = kill_and_reap_children().reaped;
        let wall = start.elapsed();
        let (ok, mut problem) = match waited {
            Ok(Some(status)) => match (status.code(), status.signal()) {
                (Some(0), _) => (true, None),
                (Some(1), _) => (false, None),
                (Some(code), _) => (
                    false,
                    Some(format!(
                        "the runner for `{name}` crashed (exit code {code})"
                    )),
                ),
                (None, Some(sig)) => (
                    false,
                    Some(format!(
                        "the runner for `{name}` was killed by {}",
                        crate::script::signal_name(sig)
                    )),
                ),
                _ => (
                    false,
                    Some(format!("the runner for `{name}` ended oddly: {status}")),
                ),
            },
            Ok(None) => (
                false,
                Some(format!(
                    "the runner for `{name}` did not finish within its deadline and was killed"
                )),
            ),
            Err(sig) => return Err(Error::Interrupted(sig)),
        };
        if let Some(p) = &mut problem {
            if left > 0 {
                p.push_str(&format!(
                    "; the front end killed and reaped the {left} process(es) it left"
                ));
            }
            eprintln!("procdemo: {p}");
        }
        Ok(Outcome {
            name: name.to_string(),
            ok,
            wall,
            problem,
        })
    }

    /// Wait for the runner: its exit status, None on timeout (it is then killed), or the
    /// signal that interrupted the front end (the runner is then killed).
    fn wait(&mut self, child: &mut Child) -> Result<Option<std::process::ExitStatus>, i32> {
        let deadline = Instant::now() + Duration::from_secs(self.output.timeout_s) + GRACE;
        let pidfd = sys::pidfd_open(child.id() as i32).ok();
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return Ok(Some(status));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                let _ = child.kill();
                let _ = child.wait();
                return Ok(None);
            }
            let ms = PollTimeout::try_from(left.as_millis().min(60_000) as i32)
                .unwrap_or(PollTimeout::MAX);
            let mut fds = vec![PollFd::new(self.signals.as_fd(), PollFlags::POLLIN)];
            if let Some(fd) = &pidfd {
                fds.push(PollFd::new(fd.as_fd(), PollFlags::POLLIN));
            }
            let _ = poll(
                &mut fds,
                if pidfd.is_some() {
                    ms
                } else {
                    PollTimeout::from(1u8)
                },
            );
            if let Ok(Some(info)) = self.signals.read_signal() {
                let _ = child.kill();
                let _ = child.wait();
                kill_and_reap_children();
                return Err(info.ssi_signo as i32);
            }
        }
    }
}

/// The summary `procdemo all` ends with.
pub fn summary(outcomes: &[Outcome], output: &Output) -> String {
    use colored::Colorize;
    use std::fmt::Write;
    if output.json {
        let items: Vec<serde_json::Value> = outcomes
            .iter()
            .map(|o| serde_json::json!({"demo": o.name, "ok": o.ok, "wall_ms": o.wall.as_secs_f64() * 1000.0, "problem": o.problem}))
            .collect();
        return serde_json::json!({ "summary": items }).to_string() + "\n";
    }
    let mut out = String::from("\nsummary\n");
    let mut total = Duration::ZERO;
    for o in outcomes {
        total += o.wall;
        let verdict = if o.ok {
            "ok".green().bold()
        } else {
            "FAILED".red().bold()
        };
        let time = if output.stable {
            String::new()
        } else {
            format!("{:>8.1} ms", o.wall.as_secs_f64() * 1000.0)
        };
        writeln!(out, "  {:<16} {:<6} {time}", o.name, verdict).ok();
    }
    let passed = outcomes.iter().filter(|o| o.ok).count();
    let time = if output.stable {
        String::new()
    } else {
        format!(" in {:.1} ms", total.as_secs_f64() * 1000.0)
    };
    writeln!(out, "{passed} of {} demos passed{time}", outcomes.len()).ok();
    out
}
