//! English: every word procdemo prints, from the typed model.
//!
//! Each function is an exhaustive `match` (no `_` arm over the model's enums), so a new
//! state, outcome or failure does not compile until it has its words here, and a second
//! language (`zh.rs`, implementing [`Words`]) is checked for completeness the same way.

use crate::engine::error::{System, Usage};
use crate::engine::model::{
    Check, CpuShare, Disposition, ExitStatus, Failure, Memory, Missing, Observation, Origin,
    Parent, RunnerProblem, State, Unable, Unmeasurable, Unshared, Value, Verdict,
};
use crate::render::Ctx;
use crate::render::reference::{Reference, Topic};
use crate::render::words::{
    Help, InspectLabels, MemoryHeaders, ObservationHeaders, PageWords, ShareHeaders, TimelineWords,
    Words,
};
use crate::script::actions::{Call, NoPython, Outcome, Purpose, Rule, SigchldMode};
use crate::script::{
    Cmp, Cond, Field, FieldPlace, Found, Operand, ParseProblem, StepKind, TicketProblem, field_name,
};
use std::time::Duration;

/// English.
pub struct En;

/// What --stable output shows instead of a value that depends on privilege.
const PRIVILEGE_HIDDEN: &str = "depends on privilege: not shown with --stable";

/// A size in bytes as MiB (or KiB below 1 MiB).
pub(super) fn size(bytes: usize) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{} KiB", bytes >> 10)
    }
}

/// The C library's text for an errno, without Rust's " (os error N)" suffix.
pub(super) fn strerror(errno: i32) -> String {
    let text = std::io::Error::from_raw_os_error(errno).to_string();
    text.split(" (os error").next().unwrap_or(&text).to_string()
}

/// The symbolic name of an errno, e.g. ECHILD.
pub(super) fn errno_name(errno: i32) -> String {
    format!("{:?}", nix::Error::from_raw(errno))
}

pub(super) fn cmp_sign(cmp: Cmp) -> &'static str {
    match cmp {
        Cmp::Eq => "=",
        Cmp::AtLeast => ">=",
        Cmp::AtMost => "<=",
        Cmp::More => ">",
        Cmp::Less => "<",
    }
}

/// `` kB`` for a memory figure, nothing for a fault count.
pub(super) fn unit(field: Field) -> &'static str {
    match field {
        Field::Faults | Field::Share | Field::SchedWeight => "",
        Field::Cpu => " µs",
        Field::Pid
        | Field::Ppid
        | Field::Parent
        | Field::State
        | Field::Stat
        | Field::Comm
        | Field::Result
        | Field::ExitCode
        | Field::Session
        | Field::Pgrp
        | Field::Nice
        | Field::Sigchld
        | Field::Rss
        | Field::Pss
        | Field::SharedDirty
        | Field::PrivateDirty
        | Field::Exe
        | Field::Cmdline
        | Field::Blocked
        | Field::Pending
        | Field::Ignored
        | Field::Caught
        | Field::NsPid
        | Field::Output
        | Field::Returned
        | Field::Exitcode => " kB",
    }
}

/// Output as printf's format would write it: the text in quotes, a newline as `\n`, any
/// other control character escaped.
pub(super) fn quoted(text: &str) -> String {
    let escaped = crate::render::sanitize::escape(&text.replace('\\', "\\\\").replace('\n', "\\n"))
        .into_owned();
    format!("\"{escaped}\"")
}

/// The signals named in a list, for a step's result: `{SIGCHLD, SIGTERM}`.
pub(super) fn signal_set(signals: &[i32]) -> String {
    let names: Vec<String> = signals
        .iter()
        .map(|s| crate::render::signal_name(*s))
        .collect();
    format!("{{{}}}", names.join(", "))
}

impl En {
    /// What an `expect` compared with: `16384`, `the region's size`, `` `p`'s rss ``.
    fn operand(&self, operand: &Operand, ctx: &Ctx) -> String {
        match operand {
            Operand::Number(n) => n.to_string(),
            Operand::Region => "the region's size".to_string(),
            Operand::Field(role, field) => {
                format!("`{}`'s {}", ctx.role(*role), field_name(*field))
            }
        }
    }

    /// What an observation saw, or that it could not be read.
    fn seen(&self, seen: Option<&Observation>, ctx: &Ctx) -> String {
        match seen {
            Some(o) => self.describe(o, ctx),
            None => "its state could not be read from /proc".to_string(),
        }
    }

    /// "within 2 s", or, when the script's total deadline came first, says so.
    fn deadline(&self, within: Duration, total: Option<Duration>) -> String {
        match total {
            Some(t) => format!(
                "before the script's total deadline of {} ran out",
                self.duration(t)
            ),
            None => format!("within {}", self.duration(within)),
        }
    }

    fn unable(&self, why: Unable) -> &'static str {
        match why {
            Unable::Gone => "it is gone",
            Unable::Zombie => "it has exited (state Z)",
            Unable::Stopped => "it is stopped (state T)",
            Unable::TracingStop => "it is stopped by a tracer (state t)",
        }
    }

    fn sigchld_mode(&self, mode: SigchldMode) -> &'static str {
        match mode {
            SigchldMode::Default => "SIG_DFL",
            SigchldMode::Ignore => "SIG_IGN",
            SigchldMode::NoCldWait => "handler with SA_NOCLDWAIT",
            SigchldMode::ReapOne => "a handler that calls waitpid(-1, WNOHANG) once per signal",
            SigchldMode::ReapAll => {
                "a handler that calls waitpid(-1, WNOHANG) until it returns 0 or -1"
            }
        }
    }

    /// A wait status in short: `WEXITSTATUS 1`, `WTERMSIG SIGKILL`.
    fn short_status(&self, status: i32) -> String {
        match ExitStatus::decode(status) {
            ExitStatus::Exited(code) => format!("WEXITSTATUS {code}"),
            ExitStatus::Killed(sig) => format!("WTERMSIG {}", self.signal(sig)),
            ExitStatus::Stopped(sig) => format!("WSTOPSIG {}", self.signal(sig)),
            ExitStatus::Continued => "WIFCONTINUED".into(),
        }
    }

    /// A SIGCHLD handler's waitpid() calls: `waitpid(-1, WNOHANG) returned 4533 (WEXITSTATUS
    /// 1), then 0 (children left, none ended)`.
    fn handler_waits(&self, waits: &[crate::script::actions::WaitCall], ctx: &Ctx) -> String {
        let each: Vec<String> = waits
            .iter()
            .map(|w| match w.ret {
                0 => "0 (children left, none of them ended)".to_string(),
                r if r < 0 => format!("-1 ({})", errno_name(w.errno)),
                pid => format!("{} ({})", ctx.pid(pid), self.short_status(w.status)),
            })
            .collect();
        format!("waitpid(-1, WNOHANG) returned {}", each.join(", then "))
    }

    /// What handlers did: `the SIGCHLD handler ran 1 time: waitpid(...) returned ...`.
    fn handler_runs(&self, runs: &crate::script::actions::HandlerRuns, ctx: &Ctx) -> String {
        let times = |n: u32| {
            if n == 1 {
                "1 time".to_string()
            } else {
                format!("{n} times")
            }
        };
        let ran: Vec<String> = runs
            .runs
            .iter()
            .map(|(sig, n)| format!("the {} handler ran {}", self.signal(*sig), times(*n)))
            .collect();
        let mut out = crate::script::actions::list_words(&ran, "and");
        if !runs.waits.is_empty() {
            out.push_str(": ");
            out.push_str(&self.handler_waits(&runs.waits, ctx));
        }
        out
    }

    /// A parent by name: its role, or its command name.
    fn parent(&self, parent: &Parent, ctx: &Ctx) -> String {
        match parent {
            Parent::Role(r) => ctx.role(*r).to_string(),
            Parent::Other { comm } => comm.clone(),
            Parent::Unknown => "?".to_string(),
        }
    }
}

impl En {
    /// A tracer from outside the demo: its command name and PID (PID left out with --stable).
    fn tracer(&self, t: &crate::engine::model::Tracer, stable: bool) -> String {
        match (&t.comm, stable) {
            (Some(comm), true) => comm.clone(),
            (Some(comm), false) => format!("{comm} (pid {})", t.pid),
            (None, true) => "another process".to_string(),
            (None, false) => format!("pid {}", t.pid),
        }
    }
}

impl Words for En {
    fn parse_problem(&self, p: &ParseProblem) -> String {
        parse_problem(p)
    }

    fn help(&self, h: Help) -> &'static str {
        match h {
            Help::About => "Stage real Linux process lifecycles and show what the kernel reports",
            Help::LongAbout => {
                "\
procdemo creates real processes (fork, exit, wait, signals...) and reads /proc at every step,
so you see the PID, PPID and state letter (R S D T Z...) the kernel reports, not a drawing.
Every number printed was read from the kernel during that run.

Start with `procdemo list`, then try `procdemo zombie --explain`."
            }
            Help::Examples => {
                "\
Examples:
  procdemo list                 every built-in demo, one line each
  procdemo zombie               make a zombie and watch it get reaped
  procdemo orphan --explain     orphan a child and watch a reaper adopt it, narrated
  procdemo all                  every demo, then a summary
  procdemo run my.demo          run your own script (see demos/README.md)
  procdemo zombie --json        one JSON document with the real PIDs
  procdemo zombie --html z.html a page for the projector or a handout
  procdemo show zombie          the zombie demo's script, to start your own from it
  procdemo explain wait-status  a reference table (`procdemo explain` lists them)
  procdemo watch -- python3 hw.py   every process your own program makes, as it lives

Exit codes: 0 ok, 1 a demo failed (an awaited state was not seen in time), 2 usage or
script error (nothing was run), 128+N stopped by signal N after cleaning up (130 Ctrl-C,
143 SIGTERM, 129 SIGHUP, 131 Ctrl-\\)."
            }
            Help::Commands => "Demos and commands",
            Help::Explain => "Narrate each step for a classroom, with this run's values",
            Help::Json => "Print one JSON document per demo (real PIDs)",
            Help::RecordEvents => "The engine's own events (for the render tests' fixtures)",
            Help::JsonEvents => {
                "Print JSON Lines: one event per line, each as it happens (for programs that follow a run live)"
            }
            Help::Timeline => {
                "Draw a timeline after each demo: each role's state at every step (on with --explain)"
            }
            Help::NoTimeline => "No timeline, even with --explain",
            Help::Tree => "Draw every observation as a process tree instead of a table",
            Help::Stable => "Show roles instead of PIDs and no timings: the same text every run",
            Help::CheckPs => {
                "Also ask the real `ps -o stat=` about every process observed; fail if it disagrees"
            }
            Help::Python => {
                "Show beside each action the course's Python line that makes the same system call"
            }
            Help::Step => {
                "Pause before each step: Enter runs it, c runs the rest, q quits (needs a terminal); look at the processes with ps meanwhile"
            }
            Help::Predict => {
                "Ask the demo's questions on the terminal before the step that answers them, then show what the kernel did (needs a terminal)"
            }
            Help::Answers => {
                "After each demo, its questions and the answers this run showed: a worksheet and its key"
            }
            Help::Lang => {
                "The language of the output: zh (Chinese) or en [default: from LC_ALL, LC_MESSAGES or LANG]"
            }
            Help::Timeout => {
                "Fail a demo still running after this long [default: 20, the most allowed]"
            }
            Help::Delay => {
                "Wait MS milliseconds before each step, for a projector (never used to synchronise)"
            }
            Help::Color => {
                "Colour the state letters: auto (a terminal, unless NO_COLOR is set or TERM=dumb), always, never"
            }
            Help::Size => {
                "Size of the memory region for fork-cow (any `alloc` step), in MiB [default: as the script says]"
            }
            Help::Html => {
                "Also write the run as one self-contained HTML page (a handout; `all`: every demo in one page)"
            }
            Help::Seed => {
                "Which exercise: the same seed gives the same exercise on any machine [default: from the clock, and printed]"
            }
            Help::Actions => "How many forks and exits",
            Help::Forks => "Percent of the actions that are forks (the rest are exits)",
            Help::Reverse => {
                "The other way round: show the final tree (run for real) and ask for the moves that made it"
            }
            Help::ShowScript => {
                "Print the exercise as a .demo script (edit it, run it with `procdemo run`)"
            }
            Help::List => "List the built-in demos",
            Help::Quiz => {
                "A generated fork/exit exercise: draw the final process tree, then see it run for real"
            }
            Help::Show => "Print a built-in demo's script (to start your own from it)",
            Help::ExplainCommand => {
                "Print a reference table: states, stat-flags, wait-status, orphan, sigchld"
            }
            Help::All => "Run every built-in demo in order, then print a summary",
            Help::Run => "Run a scenario script you wrote (the language: demos/README.md)",
            Help::Watch => {
                "Run a program (your own Python homework) and show every process it makes: forks, execs, exits, zombies, orphans, reaps, states"
            }
            Help::WatchCommand => "The program to run and its arguments (after --)",
            Help::MaxProcs => {
                "Stop the program (kill and reap every process of it) when more than N of its processes are alive at once [default: 256]"
            }
            Help::NoSignals => {
                "Do not show the signals delivered to the program's processes (text and page; --json keeps them)"
            }
            Help::WatchAll => {
                "Show every process: wrappers' helpers and big families of similar processes are not folded"
            }
            Help::KillRest => {
                "When the program's first process ends, kill what is still alive (default: leave it alone and watch it to its end)"
            }
            Help::WatchNotes => {
                "\
The program keeps the terminal (stdin, stdout, stderr); procdemo's report goes to standard
error, or to -o FILE. Of the options above, --json, --json-events, --html, --lang, --color
and --no-timeline apply (--tree and --timeline too: both are always drawn); the others are
for demos and are refused. At most --max-procs processes alive at once, else the whole family is
killed and reaped.

Exit code: the program's own (its first process's), 128+N if a signal N ended it (137 when
stopped at --max-procs); 127 command not found, 126 not runnable; 1 procdemo could not trace it
(e.g. under strace -f); 130 Ctrl-C (the family killed and reaped)."
            }
            Help::WatchOutput => {
                "Write procdemo's report to FILE instead of standard error (the program keeps the terminal)"
            }
        }
    }

    fn usage(&self, u: &Usage) -> String {
        match u {
            Usage::UnknownDemo {
                name,
                closest,
                demos,
            } => format!(
                "unknown demo `{name}`.{} The demos are: {}. (`procdemo list` describes them; `procdemo run FILE` runs your own script.)",
                closest
                    .map(|d| format!(" Did you mean `{d}`?"))
                    .unwrap_or_default(),
                demos.join(", ")
            ),
            Usage::UnknownTopic { name, topics } => format!(
                "unknown topic `{}`. The topics are: {}.",
                crate::render::sanitize::escape(name),
                topics.join(", ")
            ),
            Usage::NoDemo { demos } => format!(
                "expected a demo ({}) or a command (list, all, run FILE, show DEMO, explain [TOPIC]); `procdemo --help` explains them",
                demos.join(", ")
            ),
            Usage::NoCommand => "expected a demo or a command".to_string(),
            Usage::CannotRead { path, error } => {
                format!("cannot read the script {path}: {error}")
            }
            Usage::NotUtf8 { path, offset } => format!(
                "{path}: not UTF-8 text (invalid byte at offset {offset}): a script is a text file"
            ),
            Usage::TooLarge { path, max_mib } => format!(
                "the script {path} is larger than {max_mib} MiB, the most procdemo reads: a script is a short text file"
            ),
            Usage::NoTerminal { error } => format!(
                "--step and --predict wait for keys typed on a terminal, and there is none here (/dev/tty: {error}); use --delay MS to pace a run, or --answers for its questions and answers, without one"
            ),
            Usage::NotForWatch { option } => format!(
                "{option} does not apply to procdemo watch (it runs a program, not a demo script)"
            ),
            Usage::Report { path, error } => format!("-o {path}: {error}"),
            Usage::Html { path, error } => format!("--html {path}: {error}"),
            // clap's own words, as they always were.
            Usage::UnknownOption { clap, .. } | Usage::BadValue { clap, .. } => clap.clone(),
            Usage::Clap(m) => m.clone(),
        }
    }

    fn system(&self, s: &System) -> String {
        match s {
            System::Setup { call, error } => format!("{call}: {error}"),
            System::Pipe {
                demo: Some(demo),
                error,
            } => format!("cannot create a pipe for `{demo}`: {error}"),
            System::Pipe { demo: None, error } => format!("cannot create a pipe: {error}"),
            System::Fork { demo, error } => {
                format!("cannot start a runner for `{demo}`: fork failed: {error}")
            }
            System::Write { error } => format!("cannot write the output: {error}"),
            System::ProcMissing { error } => format!(
                "cannot read /proc/self/stat ({error}): procdemo reads every state from /proc, so procfs must be mounted (mount -t proc proc /proc)"
            ),
            System::ProcUnreadable { error } => format!("cannot read /proc/self/stat: {error}"),
            System::ProcNotUnderstood => {
                "/proc/self/stat could not be understood: is /proc a real procfs?".to_string()
            }
        }
    }

    fn json_failed(&self, demo: &str, message: &str) -> String {
        format!("{demo} failed: {message}")
    }

    fn demo_failed(&self) -> &'static str {
        "a demo failed (see above)"
    }

    fn interrupted(&self, signal: &str) -> String {
        format!("interrupted by {signal}: every process procdemo started was killed and reaped")
    }

    fn quit(&self) -> &'static str {
        "quit at a pause: every process procdemo started was killed and reaped"
    }

    fn lang(&self) -> crate::render::Lang {
        crate::render::Lang::En
    }

    fn state(&self, state: State) -> &'static str {
        match state {
            State::Running => "running or runnable",
            State::Sleeping => "sleeping, interruptible",
            State::DiskSleep => "sleeping, uninterruptible",
            State::Stopped => "stopped by a signal",
            State::TracingStop => "stopped by a tracer",
            State::Zombie => "zombie: exited, not yet reaped",
            State::Dead => "dead, being removed",
            State::Idle => "idle kernel thread",
            State::Parked => "parked",
            State::Gone => "gone: reaped, no longer in /proc",
        }
    }

    fn exit_status(&self, status: ExitStatus) -> String {
        match status {
            ExitStatus::Exited(code) => format!("WIFEXITED, WEXITSTATUS = {code}"),
            ExitStatus::Killed(sig) => {
                format!("WIFSIGNALED, WTERMSIG = {sig} ({})", self.signal(sig))
            }
            ExitStatus::Stopped(sig) => {
                format!("WIFSTOPPED, WSTOPSIG = {sig} ({})", self.signal(sig))
            }
            ExitStatus::Continued => "WIFCONTINUED".to_string(),
        }
    }

    fn signal(&self, signal: i32) -> String {
        crate::render::signal_name(signal)
    }

    fn errno(&self, errno: i32) -> String {
        format!("{} ({})", errno_name(errno), strerror(errno))
    }

    fn call_failed(&self, call: Call, errno: i32) -> String {
        format!("{} failed: {}", call.name(), self.errno(errno))
    }

    fn sigchld(&self, disposition: Option<Disposition>) -> &'static str {
        match disposition {
            Some(Disposition::Default) => "default",
            Some(Disposition::Ignored) => "ignored",
            Some(Disposition::Caught) => "caught",
            None => "-",
        }
    }

    fn sigchld_column(&self, disposition: Option<Disposition>) -> &'static str {
        match disposition {
            Some(Disposition::Default) => "default",
            Some(Disposition::Ignored) => "ignored (SigIgn)",
            Some(Disposition::Caught) => "handler (SigCgt)",
            None => "-",
        }
    }

    fn outcome(&self, outcome: &Outcome, ctx: &Ctx) -> String {
        let pid = |p: i32| ctx.pid(p);
        let status = |s: i32| self.exit_status(ExitStatus::decode(s));
        match outcome {
            Outcome::PipeMade {
                read_fd,
                write_fd,
                capacity,
            } => format!(
                "pipe() returned fd {read_fd} (the read end) and fd {write_fd} (the write end), both close-on-exec as Python's os.pipe() makes them; F_GETPIPE_SZ: it holds {capacity} bytes"
            ),
            Outcome::Closed { fd, end } => format!(
                "close({fd}) returned 0: this process no longer holds the {} end",
                end_word(*end)
            ),
            Outcome::ReadBytes { fd, bytes: 0, .. } => format!(
                "read({fd}) returned 0: end of file, no process holds the write end any more"
            ),
            Outcome::ReadBytes {
                fd,
                bytes,
                text: Some(text),
            } => format!("read({fd}) returned {bytes} bytes: {text:?}"),
            Outcome::ReadBytes {
                fd,
                bytes,
                text: None,
            } => format!("read({fd}) returned {bytes} bytes"),
            Outcome::Wrote { fd, bytes } => format!("write({fd}) returned {bytes}"),
            Outcome::Filled {
                fd,
                bytes,
                capacity,
            } => format!(
                "write({fd}) of {bytes} bytes, the pipe's capacity ({capacity}) and a page more, returned {bytes}: a pipe holds at most its capacity, so the call could only return once a reader had taken bytes out"
            ),
            Outcome::Worked { .. } if ctx.stable => "its loop ended: read() returned 0, end of file (which tasks it took is the scheduler's choice: not shown with --stable)".into(),
            Outcome::Worked { done } => format!(
                "took {} tasks ({}), sent each result, then read() returned 0: end of file",
                done.len(),
                done.iter()
                    .map(|(t, v)| format!("{t} → {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Outcome::Mapped { results } => {
                let each = results
                    .iter()
                    .map(|r| {
                        if ctx.stable {
                            format!("{} → {}", r.task, r.value)
                        } else {
                            format!("{} → {} from {}", r.task, r.value, pid(r.pid))
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let who = if ctx.stable {
                    " (which worker computed each is the scheduler's choice: not shown with --stable)".to_string()
                } else {
                    format!(", from {} different worker PIDs", crate::render::distinct_workers(results))
                };
                format!(
                    "wrote {} tasks one at a time, reading each result before the next task: {each}{who}",
                    results.len()
                )
            }
            Outcome::Unshared { user: false } => "unshare(CLONE_NEWPID) returned 0: its next child will be PID 1 of a new PID namespace".into(),
            Outcome::Unshared { user: true } => "unshare(CLONE_NEWPID) alone was refused (EPERM: no CAP_SYS_ADMIN), so, as `unshare -Urpf` does, unshare(CLONE_NEWUSER | CLONE_NEWPID) returned 0: a new user namespace, in which it has that privilege, and its next child will be PID 1 of a new PID namespace".into(),
            Outcome::SignalSet { signal, mode } => {
                let how = match mode {
                    crate::script::actions::SignalMode::Default => "SIG_DFL: its default action",
                    crate::script::actions::SignalMode::Ignore => "SIG_IGN: ignored",
                    crate::script::actions::SignalMode::Catch => {
                        "caught by a handler (which counts its runs)"
                    }
                };
                format!(
                    "sigaction() returned 0: {} is now {how}",
                    self.signal(*signal)
                )
            }
            Outcome::Masked {
                block,
                signals,
                blocked,
                during,
            } => {
                let how = if *block { "SIG_BLOCK" } else { "SIG_UNBLOCK" };
                let mut out = format!(
                    "sigprocmask({how}, {}) returned 0; blocked now: {}",
                    signal_set(signals),
                    self.signal_list(*blocked)
                );
                if !during.runs.is_empty() {
                    out.push_str(&format!(
                        ". Before the call returned, the pending signal was delivered: {}",
                        self.handler_runs(during, ctx)
                    ));
                } else if !*block {
                    out.push_str("; no handler ran");
                }
                out
            }
            Outcome::Handled(runs) if runs.runs.is_empty() => "no handler has run".into(),
            Outcome::Handled(runs) => format!("so far {}", self.handler_runs(runs, ctx)),
            Outcome::Printed { bytes, pending } => format!(
                "printf() put {bytes} bytes in its stdio buffer, where {pending} bytes now wait, not yet written (its stdout is a pipe: fully buffered)"
            ),
            Outcome::Flushed { bytes: 0 } => "fflush() found nothing waiting".into(),
            Outcome::Flushed { bytes } => {
                format!("fflush() wrote the {bytes} bytes that were waiting")
            }
            Outcome::AtexitSet => {
                "atexit() registered the handler: exit() will run it, _exit() will not".into()
            }
            Outcome::ExitingFlushing { code, pending } => format!(
                "exit({code}): it runs the atexit handlers, flushes its stdio buffer ({pending} bytes were waiting), then calls _exit({code})"
            ),
            Outcome::Opened { fd, cloexec: true } => {
                format!("open() returned fd {fd}, close-on-exec: an execve() will close it")
            }
            Outcome::Opened { fd, cloexec: false } => {
                format!("open() returned fd {fd}, not close-on-exec: an execve() keeps it")
            }
            Outcome::Execed { pid: p } => format!(
                "execve() did not return: procdemo's binary started afresh in the same process, and says so from PID {}",
                pid(*p)
            ),
            // Whether a program that exits at once is still there to read its exe varies: not
            // in --stable output.
            Outcome::Running { comm, exe } => match (exe, ctx.stable) {
                (Some(exe), false) => format!(
                    "execve() did not return: the process now runs {exe}, command name {comm}"
                ),
                (None, false) => format!(
                    "execve() did not return: the process's command name is now {comm} (it has already exited: no exe left to read)"
                ),
                (_, true) => {
                    format!("execve() did not return: the process's command name is now {comm}")
                }
            },
            Outcome::Forked { pid: p, in_child } => {
                let child = in_child.map_or(String::new(), |r| {
                    format!(", and in the new process it returned {r} (its own report)")
                });
                format!("fork() returned {}, the new process's PID{child}", pid(*p))
            }
            // Without CLONE_VM: the suspending half of vfork(), a child with its own memory.
            Outcome::Vforked { pid: p, in_child } => {
                let child = in_child.map_or(String::new(), |r| {
                    format!(" In the new process it had returned {r} (its own report).")
                });
                format!(
                    "clone(CLONE_VFORK) returned {}, the new process's PID, once the child had ended (no CLONE_VM: the child had its own memory).{child}",
                    pid(*p)
                )
            }
            Outcome::Exiting { code } => format!("_exit({code})"),
            Outcome::Reaped { pid: p, status: s } => {
                format!("returned {} with status {s}: {}", pid(*p), status(*s))
            }
            Outcome::NotYet { polls: 1 } => {
                "returned 0: a child exists but none has ended yet".into()
            }
            Outcome::NotYet { polls } => {
                format!("returned 0 {polls} times in a row: no child had ended yet")
            }
            Outcome::PolledThenReaped {
                zeros: 0,
                pid: p,
                status: s,
            } => format!(
                "returned {} at the first call, with status {s}: {}",
                pid(*p),
                status(*s)
            ),
            Outcome::PolledThenReaped {
                zeros,
                pid: p,
                status: s,
            } => {
                let count = if ctx.stable {
                    "again and again (how many times varies: not shown with --stable)".to_string()
                } else if *zeros == 1 {
                    "once".to_string()
                } else {
                    format!("{zeros} times")
                };
                format!(
                    "returned 0 {count} while no child had exited, then returned {} with status {s}: {}",
                    pid(*p),
                    status(*s)
                )
            }
            Outcome::Peeked {
                pid: p,
                code,
                status: s,
            } => {
                let how = match *code {
                    libc::CLD_EXITED => format!("CLD_EXITED, exit status {s}"),
                    libc::CLD_KILLED => format!("CLD_KILLED by {}", self.signal(*s)),
                    libc::CLD_DUMPED => format!("CLD_DUMPED by {}", self.signal(*s)),
                    other => format!("si_code {other}, si_status {s}"),
                };
                format!(
                    "waitid(WNOWAIT) read {} {how}, and left it unreaped",
                    pid(*p)
                )
            }
            Outcome::Failed { call, errno } => self.call_failed(*call, *errno),
            Outcome::Blocking => "sleeping in read() until told otherwise".into(),
            // Port numbers are the kernel's choice, different every run: not with --stable.
            Outcome::Listening { fd, port, backlog } => {
                let chose = if ctx.stable {
                    "a port (its number varies: not shown with --stable)".to_string()
                } else {
                    format!("port {port}")
                };
                format!(
                    "socket() returned fd {fd}; bind() to 127.0.0.1 port 0 and listen(fd {fd}, {backlog}) returned 0; getsockname() says the kernel chose {chose}"
                )
            }
            Outcome::Accepted {
                fd,
                peer_port,
                pid: p,
                in_child,
            } => {
                let from = if ctx.stable {
                    "127.0.0.1 (the client's port varies: not shown with --stable)".to_string()
                } else {
                    format!("127.0.0.1 port {peer_port}")
                };
                let child = in_child.map_or(String::new(), |r| {
                    format!(" (in the new process it returned {r}, its own report)")
                });
                format!(
                    "accept() returned fd {fd}, a connection from {from}; fork() returned {}, the new process's PID{child}, which serves it; the server closed its copy of fd {fd}",
                    pid(*p)
                )
            }
            Outcome::Connected {
                fd,
                port,
                local_port,
                closed,
            } => {
                let first = closed.map_or(String::new(), |old| {
                    format!("closed its previous connection (fd {old}); then ")
                });
                let ports = if ctx.stable {
                    "the server's port, returned 0 (port numbers vary: not shown with --stable)"
                        .to_string()
                } else {
                    format!("port {port}, returned 0; this end is port {local_port}")
                };
                format!("{first}socket() returned fd {fd}, and connect() to 127.0.0.1, {ports}")
            }
            Outcome::Sent { bytes } => format!("send() returned {bytes}: {bytes} bytes sent"),
            Outcome::Received { text } if text.is_empty() => {
                "recv() returned 0: the other end has closed the connection (end of file)".into()
            }
            Outcome::Received { text } => {
                format!("recv() returned {} bytes: {}", text.len(), quoted(text))
            }
            Outcome::Spinning => "running a busy loop".into(),
            Outcome::CpuLooping => {
                "running a busy loop that never yields the CPU of its own accord".into()
            }
            Outcome::Reniced {
                pid: p,
                asked,
                nice,
            } => format!(
                "setpriority(PRIO_PROCESS, {}, {asked}) returned 0; getpriority() now reads {nice} for it",
                pid(*p)
            ),
            Outcome::Signalled { pid: p, signal } => {
                // kill() returning 0 means sent: delivery comes later, when the target runs.
                format!(
                    "kill({}, {}) returned 0: the signal was sent",
                    pid(*p),
                    self.signal(*signal)
                )
            }
            Outcome::SigchldSet { mode } => {
                format!("SIGCHLD disposition is now {}", self.sigchld_mode(*mode))
            }
            Outcome::NewSession { sid } => format!(
                "setsid() returned {}: a new session and process group",
                pid(*sid)
            ),
            Outcome::Niced { nice } => format!("nice value is now {nice}"),
            Outcome::Threaded => "a second thread is running".into(),
            Outcome::Locked { bytes } => format!("mlock() locked {bytes} bytes"),
            Outcome::Terminal { sid } => format!(
                "a pseudo-terminal is the controlling terminal of new session {}",
                pid(*sid)
            ),
            Outcome::Traced { pid: p } => {
                format!(
                    "ptrace(PTRACE_SEIZE) and ptrace(PTRACE_INTERRUPT) on {} both succeeded",
                    pid(*p)
                )
            }
            Outcome::Untraced { pid: p } => {
                format!("ptrace(PTRACE_DETACH) from {} succeeded", pid(*p))
            }
            Outcome::Allocated { bytes, pages, .. } => {
                format!("mapped {} and wrote all {pages} pages", size(*bytes))
            }
            Outcome::Touched {
                pages,
                minflt_before,
                minflt_after,
            } => {
                let faults = minflt_after.saturating_sub(*minflt_before);
                // About one fault per page is what copy-on-write predicts; --stable output
                // says so when it holds, since the exact count varies by a few faults.
                let pages64 = *pages as u64;
                let about_one_each =
                    *pages > 0 && (pages64 * 9 / 10..=pages64 * 5 / 4).contains(&faults);
                if ctx.stable && about_one_each {
                    format!(
                        "wrote {pages} pages; its minor faults rose by about one per page written (the exact count varies: not shown with --stable)"
                    )
                } else {
                    format!(
                        "wrote {pages} pages; its minor faults went {minflt_before} -> {minflt_after}: +{faults} for {pages} pages written"
                    )
                }
            }
            Outcome::List { values } => {
                let items: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                format!("L = [{}]", items.join(", "))
            }
            Outcome::TicketFile { fd, left } => format!(
                "memfd_create() returned fd {fd}: the ticket file (a file in memory that no directory names); pwrite() wrote the count, and pread() read back {}",
                tickets_left(*left)
            ),
            // After a race the count is what the scheduler's interleaving left: not stable.
            Outcome::Counted { raced: true, .. } if ctx.stable => {
                "pread() read the count the race left (it depends on the scheduler: not shown with --stable)".into()
            }
            Outcome::Counted {
                left,
                sold,
                raced: true,
            } => format!(
                "pread() read {} after the race{} (the figure depends on where the scheduler switched between the processes)",
                tickets_left(*left),
                sales_of(sold, ctx, "recorded")
            ),
            Outcome::Counted {
                left,
                sold,
                raced: false,
            } => format!(
                "pread() read the file: {}{}",
                tickets_left(*left),
                sales_of(sold, ctx, "recorded")
            ),
            Outcome::Bought { read, wrote } => format!(
                "it had read {read}, so pwrite() wrote {wrote} back and write() appended its sale to the file: it bought a ticket"
            ),
            Outcome::SoldOut { read } => {
                format!("it had read {read}: sold out, nothing written")
            }
            Outcome::FileLocked { fd } => format!(
                "open() gave it fd {fd}, an open file description of its own, and flock(fd, LOCK_EX) returned 0: it holds the lock"
            ),
            Outcome::FileUnlocked { fd } => format!(
                "flock(fd {fd}, LOCK_UN) returned 0 and fd {fd} is closed: the lock is free"
            ),
            Outcome::Raced { steps } => format!(
                "{steps} steps done, each pread() the count then pwrite() it back one less, with no lock"
            ),
        }
    }

    fn verdict(&self, verdict: &Verdict, ctx: &Ctx) -> String {
        match verdict {
            Verdict::Permitted => String::new(),
            Verdict::Refused => {
                " (a refusal: `try` accepts it, and steps that end `if permitted` are skipped)"
                    .to_string()
            }
            Verdict::AlreadyTraced(t) => format!(
                " (not a want of privilege: the target already has a tracer, {}, and a process has one tracer at a time; steps that end `if permitted` are skipped)",
                self.tracer(t, ctx.stable)
            ),
        }
    }

    fn value(&self, value: &Value, ctx: &Ctx) -> String {
        match value {
            Value::NotObserved => "(not observed)".to_string(),
            Value::Pid(p) => ctx.pid(*p),
            Value::Number(n) => n.to_string(),
            // No fault at all is the same every run; a count varies by a few from run to run.
            Value::Varying(n) if ctx.stable && *n != 0 => {
                "(a count that varies: not shown with --stable)".to_string()
            }
            Value::Varying(n) => n.to_string(),
            Value::State(s) => s.code(),
            Value::Stat(s) | Value::Comm(s) => s.clone(),
            Value::Parent(p) => self.parent(p, ctx),
            Value::Sigchld(d) => self.sigchld(*d).to_string(),
            Value::ExitCode(status) => match status {
                ExitStatus::Exited(code) => code.to_string(),
                ExitStatus::Killed(sig) => format!("none (killed by {})", self.signal(*sig)),
                ExitStatus::Stopped(sig) => format!("none (stopped by {})", self.signal(*sig)),
                ExitStatus::Continued => "none (continued)".to_string(),
            },
            Value::Result(o) => self.outcome(o, ctx),
            Value::Exe(e) => self.exe(e, ctx.stable),
            Value::Cmdline(c) => self.cmdline(c, ctx.stable),
            Value::Signals(mask) => self.signal_list(*mask),
            Value::NsPids(pids) => self.ns_pids(pids, ctx),
            Value::Output(c) if c.bytes == 0 => "nothing".into(),
            Value::Output(c) => quoted(&c.text),
            Value::DependsOnPrivilege(_) if ctx.stable => format!("({PRIVILEGE_HIDDEN})"),
            Value::DependsOnPrivilege(v) => self.value(v, ctx),
            Value::CpuTime(_) | Value::Share { .. } if ctx.stable => {
                "(up to the scheduler: not shown with --stable)".to_string()
            }
            Value::CpuTime(ns) => crate::render::cpu_time(*ns),
            Value::Share { used, total } => crate::render::percent(*used, *total),
        }
    }

    fn cond(&self, cond: &Cond, ctx: &Ctx) -> String {
        match cond {
            Cond::State(s) => format!("in state {} ({})", s.code(), self.state(*s)),
            Cond::Gone => "gone (reaped)".into(),
            Cond::Reparented => "reparented".into(),
            Cond::ParentIs(r) => format!("a child of `{}`", ctx.role(*r)),
            Cond::Done => "done".into(),
            Cond::Flock => {
                "blocked in flock() (S; /proc/locks lists its request as waiting)".into()
            }
            Cond::Flags(f) => format!(
                "showing the STAT flag{} {f}",
                if f.chars().count() > 1 { "s" } else { "" }
            ),
        }
    }

    fn check(&self, check: &Check) -> String {
        let unit = unit(check.field);
        format!(
            "{}{unit} {} {}{unit}",
            check.actual,
            cmp_sign(check.cmp),
            check.wanted
        )
    }

    fn failure(&self, failure: &Failure, at: Option<usize>, ctx: &Ctx) -> String {
        let role = |r: usize| ctx.role(r);
        let pid_of = |r: usize| {
            ctx.pids
                .get(r)
                .copied()
                .flatten()
                .map_or_else(|| "?".to_string(), |p| ctx.pid(p))
        };
        match failure {
            Failure::TotalDeadline { timeout } => format!(
                "the script ran longer than its total deadline of {}",
                self.duration(*timeout)
            ),
            Failure::CannotAct { role: r, step, why } => format!(
                "`{}` cannot perform `{}`: {}",
                role(*r),
                ctx.step_text(*step),
                self.unable(*why)
            ),
            Failure::TooBusy {
                role: r,
                step,
                waited,
                cpu,
            } => format!(
                "the machine was too busy: after {} on `{}`, `{}` was still runnable (R: ready to run or running) but had had only {} of CPU time when the script's total deadline ran out. Nothing was wrong with the script or the kernel's answers; run it again when the machine is less loaded",
                self.duration(*waited),
                ctx.step_text(*step),
                role(*r),
                self.duration(*cpu)
            ),
            Failure::TargetGone {
                role: r,
                step,
                target,
            } => format!(
                "`{}` cannot perform `{}`: `{}` is gone (it died and was reaped outside the script's steps), and its PID may now name another process, so nothing was sent",
                role(*r),
                ctx.step_text(*step),
                role(*target)
            ),
            Failure::CommandNotSent {
                role: r,
                step,
                errno,
            } => format!(
                "could not send `{}` to `{}`: {}",
                ctx.step_text(*step),
                role(*r),
                self.call_failed(Call::Write, *errno)
            ),
            Failure::ForkRefused {
                role: r,
                call,
                errno,
                nproc_limit,
            } => {
                let mut msg = format!(
                    "`{}` could not create a process: {} failed with {}",
                    role(*r),
                    call.name(),
                    self.errno(*errno)
                );
                if *errno == libc::EAGAIN {
                    let limit = match nproc_limit {
                        Some(Some(n)) => n.to_string(),
                        Some(None) => "unlimited".to_string(),
                        None => "?".to_string(),
                    };
                    msg.push_str(&format!(
                        ". The kernel refuses new processes past the per-user limit RLIMIT_NPROC (`ulimit -u`, here {limit}) or the system's pid limits; end some processes or raise the limit"
                    ));
                }
                msg
            }
            Failure::NoHello { role: r, within } => format!(
                "the new process `{}` did not report within {}",
                role(*r),
                self.duration(*within)
            ),
            Failure::DiedDuring {
                role: r,
                step,
                seen,
            } => format!(
                "`{}` died while it performed `{}`, before it could report: {}. (A process the kernel's out-of-memory killer ends dies of SIGKILL; so does one sent `kill -9` from outside.)",
                role(*r),
                ctx.step_text(*step),
                self.seen(seen.as_ref(), ctx)
            ),
            Failure::Needed {
                role: r,
                call,
                errno,
            } => format!(
                "`{}`: {}. The steps after it count on what it would have made (a memory region, a second thread), so the demo stops here",
                role(*r),
                self.call_failed(*call, *errno)
            ),
            Failure::NoResult {
                role: r,
                step,
                within,
                seen,
                blocked,
            } => {
                // The `&` hint only fits a process that is alive and blocked; one that died
                // or was stopped meanwhile is described as it was found.
                let hint = if *blocked {
                    format!(
                        ". If the action is meant to block, end the line with `&` and add `await {} done` after the step that unblocks it",
                        role(*r)
                    )
                } else {
                    String::new()
                };
                format!(
                    "`{}` did not finish `{}` within {}; {}{hint}",
                    role(*r),
                    ctx.step_text(*step),
                    self.duration(*within),
                    self.seen(seen.as_ref(), ctx)
                )
            }
            Failure::NotStarted {
                role: r,
                step,
                within,
                seen,
            } => format!(
                "`{}` did not start `{}` within {}; {}",
                role(*r),
                ctx.step_text(*step),
                self.duration(*within),
                self.seen(seen.as_ref(), ctx)
            ),
            Failure::RunnerWaitTimeout {
                role: r,
                within,
                seen,
            } => format!(
                "the runner's waitpid for `{}` did not return within {}: the child has not exited; {}",
                role(*r),
                self.duration(*within),
                self.seen(seen.as_ref(), ctx)
            ),
            Failure::AwaitTimeout {
                role: r,
                cond,
                within,
                total,
                reads,
                seen,
            } => format!(
                "awaited `{}` to be {} {}, but after {reads} read{} of /proc it was still not: {}",
                role(*r),
                self.cond(cond, ctx),
                self.deadline(*within, *total),
                if *reads == 1 { "" } else { "s" },
                self.describe(seen, ctx)
            ),
            Failure::DoneTimeout {
                role: r,
                step,
                within,
                total,
                seen,
            } => format!(
                "awaited `{}` to finish `{}` {}, but it did not; {}",
                role(*r),
                ctx.step_text(*step),
                self.deadline(*within, *total),
                self.seen(seen.as_ref(), ctx)
            ),
            Failure::Unmeasurable { role: r, why } => match why {
                Unmeasurable::Gone => format!("cannot measure `{}`: it is gone", role(*r)),
                Unmeasurable::Zombie => format!(
                    "cannot measure `{}`: no smaps (a zombie has no memory)",
                    role(*r)
                ),
                Unmeasurable::RegionMissing { addr } => format!(
                    "cannot measure `{}`: its region at {addr:#x} is not in /proc/{}/smaps",
                    role(*r),
                    pid_of(*r)
                ),
            },
            Failure::ExpectFailed(check) => format!(
                "expected `{}`'s {} {} {} ({}{unit}), but the kernel reported {}{unit}",
                role(check.role),
                field_name(check.field),
                cmp_sign(check.cmp),
                self.operand(&check.operand, ctx),
                check.wanted,
                check.actual,
                unit = unit(check.field)
            ),
            Failure::ExpectMissing {
                role: r,
                field,
                missing,
            } => match missing {
                Missing::Figure { role: of, field: f } => format!(
                    "cannot check `{}`'s {}: its latest `measure` has no such figure (no `alloc` region, or a single measurement for `faults`)",
                    role(*of),
                    field_name(*f)
                ),
                Missing::Operand => {
                    let operand = at.and_then(|s| ctx.step(s)).and_then(|s| match &s.kind {
                        StepKind::Expect { value, .. } => Some(self.operand(value, ctx)),
                        StepKind::Act { .. }
                        | StepKind::Observe { .. }
                        | StepKind::Inspect { .. }
                        | StepKind::Output { .. }
                        | StepKind::EndUnless { .. }
                        | StepKind::Measure { .. }
                        | StepKind::Share { .. }
                        | StepKind::Await { .. }
                        | StepKind::Say { .. }
                        | StepKind::Ask { .. } => None,
                    });
                    match operand {
                        Some(what) => format!("cannot check against {what}: it was not measured"),
                        None => format!(
                            "cannot check `{}`'s {}: what it is compared with was not measured",
                            role(*r),
                            field_name(*field)
                        ),
                    }
                }
            },
            Failure::TryNotRefusal { step, call, errno } => format!(
                "`{}`: {} failed with {}, which is not a permission refusal: `try` only accepts EPERM or EACCES",
                ctx.step_text(*step),
                call.name(),
                self.errno(*errno)
            ),
            Failure::PsDisagrees {
                role: r,
                pid,
                ours,
                theirs,
            } => format!(
                "--check-ps: `{}` (pid {}) has STAT {ours} from /proc but ps -o stat= says {theirs:?}",
                role(*r),
                ctx.pid(*pid)
            ),
            Failure::PsUnavailable { errno } => match errno {
                Some(e) => format!("--check-ps: cannot run ps: {}", self.errno(*e)),
                None => "--check-ps: cannot run ps".to_string(),
            },
            Failure::ProcUnreadable {
                role: r,
                pid,
                file,
                errno,
            } => {
                let path = if file.starts_with('/') {
                    file.clone()
                } else {
                    format!("/proc/{pid}/{file}")
                };
                let why = errno.map_or_else(String::new, |e| format!(": {}", self.errno(e)));
                format!(
                    "cannot read {path} for `{}` (pid {}){why}. Is /proc mounted with hidepid, or is the process another user's?",
                    role(*r),
                    ctx.pid(*pid)
                )
            }
            Failure::NoProc { errno } => match errno {
                Some(e) => format!(
                    "cannot read /proc/self/stat ({}): procdemo reads every state from /proc, so procfs must be mounted (mount -t proc proc /proc)",
                    self.errno(*e)
                ),
                None => {
                    "/proc/self/stat could not be understood: is /proc a real procfs?".to_string()
                }
            },
            Failure::Setup { call, errno } => format!(
                "the runner could not set itself up: {}",
                self.call_failed(*call, *errno)
            ),
            Failure::GarbledReport => "a garbled report from an actor".to_string(),
            Failure::Runner { problem, left } => {
                self.runner_problem(&ctx.script.name, problem, *left)
            }
            Failure::Share { role: r, why } => match why {
                Unshared::Gone => format!("cannot read `{}`'s CPU time: it is gone", role(*r)),
                Unshared::Zombie => format!(
                    "cannot read `{}`'s CPU time: it is a zombie, it runs no more",
                    role(*r)
                ),
                Unshared::NoSchedstat => format!(
                    "cannot read `{}`'s CPU time: /proc/{}/schedstat is missing or all zeros (this kernel keeps no per-process CPU time there: CONFIG_SCHED_INFO)",
                    role(*r),
                    pid_of(*r)
                ),
                Unshared::Deadline {
                    used_ns,
                    wanted_ns,
                    waited,
                } => format!(
                    "`{}` had used {} of CPU time of the {} wanted when the script's total deadline ran out, after {}: the machine is too busy, or it was not running",
                    role(*r),
                    crate::render::cpu_time(*used_ns),
                    crate::render::cpu_time(*wanted_ns),
                    self.duration(*waited)
                ),
            },
        }
    }

    fn runner_problem(&self, name: &str, problem: &RunnerProblem, left: usize) -> String {
        let mut msg = match problem {
            RunnerProblem::Crashed { code } => {
                format!("the runner for `{name}` crashed (exit code {code})")
            }
            RunnerProblem::Killed { signal } => format!(
                "the runner for `{name}` was killed by {}",
                self.signal(*signal)
            ),
            RunnerProblem::Overran => {
                format!("the runner for `{name}` did not finish within its deadline and was killed")
            }
            RunnerProblem::Garbled => {
                format!("the runner for `{name}` sent events that could not be read")
            }
        };
        if left > 0 {
            msg.push_str(&format!(
                "; the front end killed and reaped the {left} process(es) it left"
            ));
        }
        msg
    }

    fn describe(&self, o: &Observation, ctx: &Ctx) -> String {
        let who = format!("`{}` (pid {})", ctx.role(o.role), ctx.pid(o.pid));
        if !o.state.is_alive() {
            return format!("{who} was gone");
        }
        if ctx.hidden(o) {
            return format!("{who} was last seen in a state that {PRIVILEGE_HIDDEN}");
        }
        let mut s = format!(
            "{who} was last seen in state {} ({})",
            o.state.code(),
            self.state(o.state)
        );
        // wchan is a live detail that varies from run to run: not with --stable.
        if let (Some(w), false) = (&o.wchan, ctx.stable) {
            s.push_str(&format!(", waiting in {w}"));
        }
        if let Some(status) = o.exit_status {
            s.push_str(&format!(
                ", holding status {status} ({})",
                self.exit_status(ExitStatus::decode(status))
            ));
        }
        if o.ppid.is_some() && o.parent.is_some() {
            s.push_str(&format!(", PPID {}", ctx.ppid(o)));
        }
        s
    }

    fn no_python(&self, why: NoPython) -> String {
        match why {
            NoPython::NotInStdlib(call) => format!("Python's standard library has no {call}"),
        }
    }

    fn duration(&self, d: Duration) -> String {
        if d.subsec_millis() == 0 {
            format!("{} s", d.as_secs())
        } else {
            format!("{} ms", d.as_millis())
        }
    }

    fn source(&self, origin: &Origin) -> String {
        match origin {
            Origin::Builtin(path) => format!("{path}, built in"),
            Origin::File(path) => path.clone(),
        }
    }

    fn script_line(&self, origin: &Origin, runner_pid: Option<i32>) -> String {
        match runner_pid {
            Some(pid) => format!("(script {}, runner pid {pid})", self.source(origin)),
            None => format!("(script {})", self.source(origin)),
        }
    }

    fn seen_after(&self, waited: Duration, reads: Option<u32>) -> String {
        let us = waited.as_micros();
        let time = if us < 1000 {
            format!("{us} µs")
        } else {
            format!("{:.1} ms", us as f64 / 1000.0)
        };
        let reads = match reads {
            Some(1) => ", 1 read of /proc".to_string(),
            Some(n) => format!(", {n} reads of /proc"),
            None => String::new(),
        };
        format!("seen after {time}{reads}")
    }

    fn holds(&self, check: &Check, stable: bool) -> String {
        // A fault count varies a little from run to run: --stable says only that it held.
        if stable {
            "holds".to_string()
        } else {
            format!("holds: {}", self.check(check))
        }
    }

    fn skipped(&self, try_step: &str) -> String {
        format!("skipped: `{try_step}` was refused")
    }

    fn end_unless(&self, try_step: &str, permitted: bool) -> String {
        if permitted {
            format!("`{try_step}` was permitted: the demo goes on")
        } else {
            format!(
                "`{try_step}` was refused, and the rest of this demo needs it: the demo ends here, and passes (on this system, as this user, it cannot be shown)"
            )
        }
    }

    fn outcome_hidden(&self) -> &'static str {
        "the outcome depends on privilege: not shown with --stable"
    }

    fn state_hidden(&self) -> &'static str {
        PRIVILEGE_HIDDEN
    }

    fn state_column(&self, o: &Observation, stable: bool) -> String {
        let mut s = self.state(o.state).to_string();
        // wchan is read a moment after the state and may already have changed: a live
        // detail for people, left out of stable output.
        if let (Some(w), false, true) = (&o.wchan, stable, o.state.is_alive()) {
            s.push_str(&format!(", in {w}"));
        }
        if let Some(status) = o.exit_status {
            s.push_str(&format!(
                "; holds status {status} ({})",
                self.exit_status(ExitStatus::decode(status))
            ));
        }
        // Under a tracer from outside the demo every stop shows as t, a SIGSTOP's too.
        if let (Some(t), State::TracingStop) = (&o.tracer, o.state) {
            s.push_str(&format!(
                ": {} traces it, and under a tracer every stop shows as t",
                self.tracer(t, stable)
            ));
        }
        s
    }

    fn observation_headers(&self) -> ObservationHeaders {
        ObservationHeaders {
            role: "ROLE",
            pid: "PID",
            ns_pid: "IN NS",
            ppid: "PPID",
            stat: "STAT",
            sigchld: "SIGCHLD",
            state: "STATE",
        }
    }

    fn subreaper(&self) -> &'static str {
        ", a child subreaper"
    }

    fn gone_roles(&self, roles: &[&str]) -> String {
        format!("gone (reaped, no longer in /proc): {}", roles.join(", "))
    }

    fn memory_headers(&self, _stable: bool) -> MemoryHeaders {
        MemoryHeaders {
            role: "ROLE",
            pid: "PID",
            what: "MEMORY",
            rss: "Rss",
            pss: "Pss",
            shared: "Shared",
            private: "Private",
            minflt: "minflt",
            note: "(kB; Shared and Private are smaps's Shared_Dirty and Private_Dirty)",
        }
    }

    fn share_headers(&self) -> ShareHeaders {
        ShareHeaders {
            role: "ROLE",
            pid: "PID",
            nice: "NICE",
            weight: "WEIGHT",
            by_weight: "BY WEIGHT",
            cpu: "CPU TIME",
            ticks: "TICKS",
            share: "SHARE",
            states: "STATES",
        }
    }

    fn share_result(&self, share: &CpuShare, ctx: &Ctx) -> String {
        let role = ctx.role(share.until);
        let wanted = crate::render::cpu_time(share.wanted_ns);
        let used = share
            .rows
            .iter()
            .find(|r| r.role == share.until)
            .map_or(0, |r| r.used_ns());
        if ctx.stable {
            format!(
                "the window ended once `{role}` had used {wanted} of CPU time, by the kernel's own figure"
            )
        } else {
            format!(
                "the window ended once `{role}` had used {} of CPU time ({wanted} wanted), by the kernel's own figure: after {} of wall time and {} reads of every role",
                crate::render::cpu_time(used),
                self.duration(share.wall),
                share.reads
            )
        }
    }

    fn share_notes(&self, share: &CpuShare, ctx: &Ctx) -> Vec<String> {
        let mut notes = Vec::new();
        match crate::render::one_cpu(share) {
            Some(cpu) => {
                let which = if ctx.stable {
                    "one CPU".to_string()
                } else {
                    format!("CPU {cpu}")
                };
                notes.push(format!(
                    "All of them, and the runner that read /proc, may run only on {which} (Cpus_allowed_list): at any instant at most one of them is on it, and at each read it was the runner."
                ));
            }
            None => {
                let each: Vec<String> = share
                    .rows
                    .iter()
                    .map(|r| format!("`{}` {}", ctx.role(r.role), r.cpus))
                    .collect();
                notes.push(format!(
                    "Not one CPU for all (Cpus_allowed_list: {}; the runner {}): they need not have competed for one.",
                    each.join(", "),
                    share.runner_cpus
                ));
            }
        }
        notes.push("WEIGHT: the kernel's table sched_prio_to_weight (kernel/sched/core.c) for the nice value, copied from its source, not read from this kernel; BY WEIGHT: the share those weights give to tasks that compete for one CPU.".into());
        if ctx.stable {
            notes.push("STATES: every state letter read during the window. The CPU times and shares are up to the scheduler and the machine: not shown with --stable.".into());
        } else {
            notes.push(format!(
                "CPU TIME: from /proc/PID/schedstat (ns on a CPU); TICKS: utime + stime from /proc/PID/stat, in clock ticks of {} ms, the figure ps's TIME adds up; STATES: every state letter read during the window.",
                1000 / share.ticks_per_s.max(1)
            ));
        }
        notes
    }

    fn whole_process(&self) -> &'static str {
        "whole process"
    }

    fn region(&self, bytes: usize) -> String {
        format!("{} region", size(bytes))
    }

    fn no_region(&self) -> &'static str {
        "no region (whole-process figures vary: not shown with --stable)"
    }

    fn memory_line(
        &self,
        role: &str,
        pid: &str,
        what: &str,
        m: &Memory,
        minflt: Option<u64>,
    ) -> String {
        let minflt = minflt.map_or_else(String::new, |n| format!(", minflt {n}"));
        format!(
            "{role} {pid}, {what}: Rss {} kB, Pss {} kB, Shared_Dirty {} kB, Private_Dirty {} kB{minflt}",
            m.rss_kb, m.pss_kb, m.shared_dirty_kb, m.private_dirty_kb
        )
    }

    fn other_process(&self) -> &'static str {
        "other"
    }

    fn quiz_intro(&self, seed: u64) -> String {
        format!(
            "Exercise {seed} (`procdemo quiz --seed {seed}` gives it again). The runner forks a process, a, and then:"
        )
    }

    fn quiz_move(&self, m: &crate::script::quiz::Move) -> String {
        match m {
            crate::script::quiz::Move::Fork { parent, child } => format!("{parent} forks {child}"),
            crate::script::quiz::Move::Exit { who } => format!("{who} exits (nobody waits for it)"),
        }
    }

    fn quiz_task(&self) -> String {
        "Draw the process tree at the end: every process that /proc still shows, its parent, and its state (S asleep, Z zombie). Where does a process whose parent exited end up? Then procdemo runs it for real and shows the tree /proc reports.".to_string()
    }

    fn quiz_reverse_task(&self) -> String {
        "This tree is what /proc showed after the runner forked a process, a, and then a few forks and exits (nobody waited). Which moves made it, in which order? Write them down (\"a forks b\", \"b exits\"), then press Enter to see them.".to_string()
    }

    fn quiz_moves_were(&self) -> String {
        "The moves were:".to_string()
    }

    fn quiz_go(&self) -> String {
        "Press Enter to run it for real.\n".to_string()
    }

    fn ask_prompt(&self, question: &str) -> String {
        format!("? {question}\n  your answer (then Enter): ")
    }

    fn reveal(&self, answer: &str, shown: &str, right: Option<bool>) -> String {
        match right {
            Some(true) => format!("  ✓ right: you said {answer}, and the kernel showed {shown}\n"),
            Some(false) => format!("  ✗ you said {answer}; the kernel showed {shown}\n"),
            None => {
                format!("  you said {answer}; the kernel showed {shown} (compare them yourself)\n")
            }
        }
    }

    fn score(&self, right: usize, judged: usize, asked: usize) -> String {
        let unjudged = asked - judged;
        let more = if unjudged > 0 {
            format!(" ({unjudged} more to compare yourself)")
        } else {
            String::new()
        };
        format!("score: {right} of {judged} right{more}\n")
    }

    fn worksheet(&self) -> &'static str {
        "Questions (answer them before you run the demo; --predict asks them as it goes)"
    }

    fn answer_key(&self) -> &'static str {
        "Answers, as the kernel showed them in this run"
    }

    fn pause(&self, step_text: &str, line: usize) -> String {
        format!("▸ next, line {line}: {step_text}    [Enter] run it · [c] run the rest · [q] quit")
    }

    fn look_with(&self, ps: &str, pstree: &str) -> String {
        if pstree.is_empty() {
            format!("  the processes are as shown; look from another terminal: {ps}")
        } else {
            format!("  the processes are as shown; look from another terminal: {ps}   or: {pstree}")
        }
    }

    fn reference(&self, topic: Topic) -> Reference {
        match topic {
            Topic::States => Reference {
                title: "The state letter in /proc/PID/stat (field 3) and in ps's STAT",
                headers: ("STATE", "MEANING"),
                rows: [
                    State::Running,
                    State::Sleeping,
                    State::DiskSleep,
                    State::Stopped,
                    State::TracingStop,
                    State::Zombie,
                    State::Dead,
                    State::Idle,
                    State::Parked,
                    State::Gone,
                ]
                .iter()
                .map(|s| (s.code(), self.state(*s).to_string()))
                .collect(),
                notes: vec![
                    "`procdemo states` makes R, S, D, T, t and Z on real processes; I (an idle \
                     kernel thread) and X (dead, shown only for an instant) are not made. gone \
                     is not a letter: the PID is no longer in /proc because the process was \
                     reaped."
                        .into(),
                ],
            },
            Topic::StatFlags => Reference {
                title: "What ps prints after the state letter in STAT, in this order",
                headers: ("FLAG", "MEANING (read from /proc)"),
                rows: [
                    ("<", "high priority: nice value below 0 (stat field 19)"),
                    ("N", "low priority: nice value above 0 (stat field 19)"),
                    ("L", "has pages locked into memory: VmLck above 0 kB (status)"),
                    ("s", "session leader: its session ID is its own PID (stat field 6)"),
                    ("l", "multi-threaded: more than one thread (stat field 20)"),
                    (
                        "+",
                        "in the foreground process group of its terminal: its process group is \
                         the terminal's (stat fields 5 and 8)",
                    ),
                ]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
                notes: vec![
                    "`Ss` is a sleeping session leader, `Ss+` one in its terminal's foreground, \
                     `Sl` a sleeping process with several threads. `procdemo states` makes each \
                     flag on a real process (`<` and `L` may be refused to a normal user)."
                        .into(),
                ],
            },
            Topic::WaitStatus => Reference {
                title: "How the raw status from wait() or waitpid() decodes",
                headers: ("RAW", "DECODED (by the C macros, on this machine)"),
                rows: [256, 1792, 9, 15]
                    .iter()
                    .map(|raw| {
                        (
                            raw.to_string(),
                            self.exit_status(ExitStatus::decode(*raw)),
                        )
                    })
                    .collect(),
                notes: vec![
                    "WIFEXITED(status) is true when the child called exit or _exit, and \
                     WEXITSTATUS(status) is the code, the status's second byte: exit(7) gives \
                     7 × 256 = 1792."
                        .into(),
                    "WIFSIGNALED(status) is true when a signal killed the child, and \
                     WTERMSIG(status) is that signal, the status's low 7 bits: SIGKILL gives 9, \
                     SIGTERM 15 (128 is added when it dumped core)."
                        .into(),
                    "Python's os.wait() returns the same raw number; os.waitstatus_to_exitcode() \
                     gives the code, or minus the signal."
                        .into(),
                ],
            },
            Topic::Orphan => Reference {
                title: "Who becomes a process's parent when its parent dies first",
                headers: ("ORDER", "THE NEW PARENT"),
                rows: [
                    ("1", "another live thread of the dead parent's process, if it had several"),
                    (
                        "2",
                        "else the nearest living ancestor that called \
                         prctl(PR_SET_CHILD_SUBREAPER) (procdemo's runner does; systemd --user \
                         often does)",
                    ),
                    ("3", "else the init process of the orphan's PID namespace (PID 1 on the host, a container's first process)"),
                ]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
                notes: vec![
                    "The orphan's PPID changes at once (`procdemo orphan` awaits it). An orphan \
                     that exits is a zombie of its new parent until that parent waits: a PID 1 \
                     that never waits keeps such zombies, which is why containers run a small \
                     init such as tini."
                        .into(),
                ],
            },
            Topic::Sigchld => Reference {
                title: "What the parent's SIGCHLD disposition does to a child that exits",
                headers: ("DISPOSITION", "WHAT HAPPENS"),
                rows: [
                    (
                        "default (SIG_DFL)",
                        "SIGCHLD is sent and ignored; the child is a zombie (Z) until the parent \
                         waits, and wait() returns its status",
                    ),
                    (
                        "SIG_IGN",
                        "no signal is delivered; the child never becomes a zombie (it is reaped \
                         when it exits); wait() blocks until every child has ended, then fails \
                         with ECHILD: the exit status is lost",
                    ),
                    (
                        "handler with SA_NOCLDWAIT",
                        "the handler still receives SIGCHLD; the child never becomes a zombie, \
                         and wait() fails with ECHILD as with SIG_IGN",
                    ),
                ]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
                notes: vec![
                    "SIG_IGN and SA_NOCLDWAIT are both inherited across fork; SIG_IGN also \
                     survives exec, so a program \
                     started from such a process may find its exit statuses lost \
                     (Python's subprocess.call([\"false\"]) returned 0 in one). \
                     `procdemo sigchld-ignore` shows all three side by side; /proc/PID/status \
                     shows the disposition in SigIgn and SigCgt."
                        .into(),
                ],
            },
        }
    }

    fn page(&self) -> PageWords {
        PageWords {
            lang: "en",
            footer: "Made by procdemo: every PID, state and status on this page was read from \
                     the kernel (a system call's result or /proc) during this run.",
        }
    }

    fn inspect_labels(&self) -> InspectLabels {
        InspectLabels {
            comm: "command name",
            exe: "exe",
            cmdline: "command line",
            ns_pids: "PID in each namespace",
            fds: "descriptors",
            blocked: "blocked (SigBlk)",
            shared_pending: "pending (ShdPnd)",
            pending: "pending, this thread (SigPnd)",
            ignored: "ignored (SigIgn)",
            caught: "caught (SigCgt)",
            region: "region",
        }
    }

    fn signal_list(&self, mask: u64) -> String {
        crate::render::signal_list(mask).unwrap_or_else(|| "none".into())
    }

    fn exe(&self, exe: &crate::engine::model::Exe, stable: bool) -> String {
        match (exe.procdemo, stable) {
            (true, true) => "procdemo's own binary".into(),
            (true, false) => format!("{} (procdemo's own binary)", exe.path),
            (false, _) => exe.path.clone(),
        }
    }

    fn cmdline(&self, cmdline: &crate::engine::model::Cmdline, stable: bool) -> String {
        let args = crate::render::cmdline_text(cmdline);
        match (cmdline.procdemo, stable) {
            (true, true) => "procdemo's own command line (a fork keeps it)".into(),
            (true, false) => format!("{} (procdemo's own: a fork keeps it)", args),
            (false, _) => args,
        }
    }

    fn ns_pids(&self, pids: &[i32], ctx: &Ctx) -> String {
        match pids {
            [] => "-".into(),
            [only] => ctx.pid(*only),
            [outer, inner @ ..] => {
                let inner: Vec<String> = inner.iter().map(|p| p.to_string()).collect();
                format!(
                    "{} outside, {} inside its PID namespace",
                    ctx.pid(*outer),
                    inner.join(" then ")
                )
            }
        }
    }

    fn fd(
        &self,
        fd: &crate::engine::model::OpenFd,
        role: crate::script::RoleId,
        ctx: &Ctx,
    ) -> String {
        use crate::engine::model::FdOwner;
        let cloexec = if fd.cloexec { ", close-on-exec" } else { "" };
        let target = |t: &str| {
            if ctx.stable && crate::kernel::proc::pipe_inode(t).is_some() {
                "a pipe".to_string()
            } else {
                t.to_string()
            }
        };
        match &fd.owner {
            FdOwner::Opened { step } => format!(
                "{} (opened at line {}{cloexec})",
                target(&fd.target),
                ctx.step(*step).map_or(0, |s| s.line)
            ),
            FdOwner::OutputPipe(r) if *r == role => {
                format!("a pipe: its own output, which procdemo reads{cloexec}")
            }
            FdOwner::OutputPipe(r) => format!("a pipe: `{}`'s output{cloexec}", ctx.role(*r)),
            FdOwner::CommandPipe(r) => format!("a pipe: `{}`'s commands{cloexec}", ctx.role(*r)),
            FdOwner::ReportPipe => format!("a pipe: reports to procdemo{cloexec}"),
            FdOwner::Other if cloexec.is_empty() => target(&fd.target),
            FdOwner::Other => format!("{} (close-on-exec)", target(&fd.target)),
        }
    }

    fn procdemo_pipes(&self, numbers: &str, count: usize, cloexec: bool) -> String {
        let what = if count == 1 { "pipe" } else { "pipes" };
        let flag = if cloexec { ", close-on-exec" } else { "" };
        format!("{numbers}: procdemo's own {what} (commands, reports, other roles' output){flag}")
    }

    fn fd_gone(&self, was: &str) -> String {
        format!("closed since the previous inspect (was {was})")
    }

    fn region_mapped(&self, region: &crate::engine::model::RegionMapped, stable: bool) -> String {
        let size = self.region(region.bytes);
        let at = if stable {
            String::new()
        } else {
            format!(" at {:#x}", region.addr)
        };
        if region.mapped {
            format!("{size}{at}: mapped")
        } else {
            format!("{size}{at}: no longer mapped")
        }
    }

    fn was(&self, before: &str) -> String {
        format!(" (was: {before})")
    }

    fn not_readable(&self, zombie: bool) -> &'static str {
        if zombie {
            "- (a zombie has no program, memory or descriptors left)"
        } else {
            "- (not readable)"
        }
    }

    fn output_heading(&self, captured: &crate::engine::model::Captured) -> String {
        match (captured.bytes, captured.cut) {
            (0, _) => "wrote nothing".into(),
            (1, _) => "wrote 1 byte:".into(),
            (n, false) => format!("wrote {n} bytes:"),
            (n, true) => format!(
                "wrote {n} bytes; the first {} are shown:",
                captured.text.len()
            ),
        }
    }

    fn no_final_newline(&self) -> &'static str {
        "(no newline at the end)"
    }

    fn watch_event(
        &self,
        event: &crate::engine::model::WatchEvent,
        n: &crate::render::watch::Names,
    ) -> Option<String> {
        use crate::engine::model::{ForkKind, KillReason, Reaper, WatchEvent};
        use crate::render::watch::{command_line, duration};
        let list = |pids: &[i32]| {
            pids.iter()
                .map(|&p| n.pid(p))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let parent_name = |pid: i32| {
            if pid == n.watcher {
                format!("{pid} (procdemo's watcher, the subreaper)")
            } else {
                n.pid(pid)
            }
        };
        Some(match event {
            WatchEvent::Begin {
                watcher,
                limit,
                argv,
            } => format!(
                "procdemo watches `{}`: its watcher {watcher} traces every process the program makes (ptrace, as strace -f does) and is their subreaper. Times are since the program's first process was created; each exit and death is the kernel's report to the tracer, each reap the process's pidfd closing; states are read from /proc (a `t`, procdemo's own tracing stop, is never shown as the program's). At most {limit} processes alive at once.",
                command_line(argv)
            ),
            WatchEvent::Problem { .. } => return None,
            WatchEvent::Fork {
                parent, pid, kind, ..
            } => {
                if *parent == n.watcher {
                    format!("{} started by procdemo's watcher {parent}", n.pid(*pid))
                } else {
                    let how = match kind {
                        ForkKind::Fork => "fork()",
                        ForkKind::Vfork => {
                            "vfork() (it is suspended until the child execs or exits; /proc shows it D while it waits)"
                        }
                        ForkKind::Clone => "clone() (a new process, not a thread)",
                    };
                    format!("{} created {pid} with {how}", n.pid(*parent))
                }
            }
            WatchEvent::Thread { process, tid, .. } => format!(
                "{} started thread {tid} (a thread is not a process: counted apart)",
                n.pid(*process)
            ),
            WatchEvent::Exec { pid, argv, .. } => {
                format!("{} execs `{}`", n.pid(*pid), command_line(argv))
            }
            WatchEvent::State { pid, state, .. } => format!(
                "{} is {} ({})",
                n.pid(*pid),
                state.letter().unwrap_or('-'),
                self.state(*state)
            ),
            WatchEvent::Stopped { pid, signal, .. } => format!(
                "{} stopped by {}: T (the kernel shows t while procdemo, its tracer, holds the stop)",
                n.pid(*pid),
                self.signal(*signal)
            ),
            WatchEvent::Continued { pid, .. } => {
                format!("{} continued (SIGCONT)", n.pid(*pid))
            }
            WatchEvent::Exit {
                pid,
                status,
                core_dumped,
                ..
            } => format!(
                "{} exits: {}{}",
                n.pid(*pid),
                exit_words(*status),
                if *core_dumped { " (core dumped)" } else { "" }
            ),
            WatchEvent::Zombie {
                pid,
                parent,
                parent_waiting: true,
                ..
            } => format!(
                "{} is dead; its parent {} is already waiting for it in wait(), and takes its status at once",
                n.pid(*pid),
                parent_name(*parent)
            ),
            WatchEvent::Zombie { pid, parent, .. } => format!(
                "{} is a zombie (Z) until its parent {} waits for it",
                n.pid(*pid),
                parent_name(*parent)
            ),
            WatchEvent::Signal {
                pid,
                signal,
                code,
                sender,
                sender_comm,
                action,
                ..
            } => {
                use crate::engine::model::SignalAction;
                let code_name = crate::render::watch::si_code_name(*signal, *code);
                let from = if *signal == libc::SIGCHLD && *code > 0 {
                    format!(
                        "the kernel ({}: its child {sender})",
                        code_name.unwrap_or("SIGCHLD")
                    )
                } else if *code <= 0 && *sender > 0 {
                    let name = if sender_comm.is_empty() {
                        n.pid(*sender)
                    } else {
                        format!(
                            "{sender} ({})",
                            crate::render::sanitize::escape(sender_comm)
                        )
                    };
                    format!("{name}, by {}", code_name.unwrap_or("kill()"))
                } else {
                    match code_name {
                        Some(c) => format!("the kernel ({c})"),
                        None => "the kernel".to_string(),
                    }
                };
                let what = match action {
                    SignalAction::Handled => "its handler runs",
                    SignalAction::Ignored => "ignored",
                    SignalAction::Stopped => "it stops",
                    SignalAction::Continued => "it continues",
                    SignalAction::Killed => "it is killed",
                };
                format!(
                    "{} receives {} from {from}: {what}",
                    n.pid(*pid),
                    self.signal(*signal)
                )
            }
            WatchEvent::Renamed { pid, comm, .. } => format!(
                "{pid} renamed itself {} (prctl(PR_SET_NAME), no exec)",
                crate::render::sanitize::escape(comm)
            ),
            WatchEvent::Reaped {
                pid, by, zombie_us, ..
            } => {
                let after = zombie_us.map_or_else(String::new, |us| {
                    format!(", after {} as a zombie", duration(us))
                });
                match by {
                    Reaper::Parent { pid: parent } if zombie_us.is_some() => {
                        format!(
                            "{} reaped by its parent {}{after}",
                            n.pid(*pid),
                            n.pid(*parent)
                        )
                    }
                    Reaper::Parent { pid: parent } => format!(
                        "{} reaped by its parent {} at once (gone before procdemo could read it as Z)",
                        n.pid(*pid),
                        n.pid(*parent)
                    ),
                    Reaper::Watcher => format!(
                        "{} reaped by procdemo's watcher, its parent (as a shell would)",
                        n.pid(*pid)
                    ),
                    Reaper::Subreaper => format!(
                        "{} reaped by procdemo's watcher {} as subreaper{after}: the program never waited for it",
                        n.pid(*pid),
                        n.watcher
                    ),
                    Reaper::Kernel => format!(
                        "{} released by the kernel at once: its parent ignores SIGCHLD, so it never waited as a zombie for it (under ptrace it waited only for procdemo, its tracer, to read its status)",
                        n.pid(*pid)
                    ),
                }
            }
            WatchEvent::Orphaned { pid, from, to, .. } => format!(
                "{} is an orphan: its parent {from} is gone; the kernel reparented it to {}",
                n.pid(*pid),
                parent_name(*to)
            ),
            WatchEvent::MainExited {
                pid, status, alive, ..
            } => {
                let rest = if alive.is_empty() {
                    "Nothing of the family is alive any more.".to_string()
                } else {
                    format!("Still alive: {}.", list(alive))
                };
                format!(
                    "{pid}, the program's first process, ended ({}): procdemo exits with its code. {rest}",
                    exit_words(*status)
                )
            }
            WatchEvent::Killed { reason, pids, .. } => {
                let why = match reason {
                    KillReason::Limit => "more processes alive at once than the limit (--max-procs): procdemo stops the program".to_string(),
                    KillReason::Survivors => {
                        "--kill-rest: procdemo kills what outlived the first process".to_string()
                    }
                    KillReason::FrontEndGone => "procdemo is ending: nothing may outlive it".to_string(),
                };
                format!("{why}; SIGKILL to {}", list(pids))
            }
            WatchEvent::End { .. } => "every process of the family has been reaped".to_string(),
        })
    }

    fn watch_summary(
        &self,
        s: &crate::render::watch::Summary,
        n: &crate::render::watch::Names,
    ) -> Vec<String> {
        use crate::engine::model::{KillReason, Reaper};
        use crate::render::watch::duration;
        let list = |pids: &[i32]| {
            pids.iter()
                .map(|&p| n.pid(p))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut out = vec![format!(
            "{} process{} created (the first included), {} thread{}, {} exec{}; at most {} alive at once.",
            s.processes,
            if s.processes == 1 { "" } else { "es" },
            s.threads,
            if s.threads == 1 { "" } else { "s" },
            s.execs,
            if s.execs == 1 { "" } else { "s" },
            s.peak_alive
        )];
        if s.wrapper_helpers > 0 {
            out.push(format!(
                "Before the program started, its wrappers ({}) ran {} process{}: left out below (--all shows them).",
                s.wrappers
                    .iter()
                    .map(|w| crate::render::sanitize::escape(w).into_owned())
                    .collect::<Vec<_>>()
                    .join(", "),
                s.wrapper_helpers,
                if s.wrapper_helpers == 1 { "" } else { "es" }
            ));
        }
        if !s.reaped_at_once.is_empty() {
            let pids: Vec<i32> = s.reaped_at_once.iter().map(|z| z.pid).collect();
            let shown = if pids.len() > 8 {
                format!("{}, … ({} in all)", list(&pids[..8]), pids.len())
            } else {
                list(&pids)
            };
            out.push(format!(
                "Reaped at once: {shown}: their parent was already blocked in wait() when they died, so it took their status the moment they died. That is the normal case, not a leak."
            ));
        }
        if s.zombies.is_empty() {
            out.push("Zombies that waited for their parent: none.".into());
        } else {
            let rows: Vec<String> = s
                .zombies
                .iter()
                .map(|z| {
                    let how_long = z.zombie_us.map_or("until the end".to_string(), duration);
                    let by = match z.reaper {
                        Some(Reaper::Parent { pid }) if !z.reaper_comm.is_empty() => format!(
                            "reaped by {pid} ({})",
                            crate::render::sanitize::escape(&z.reaper_comm)
                        ),
                        Some(Reaper::Parent { pid }) => format!("reaped by {}", n.pid(pid)),
                        Some(Reaper::Subreaper | Reaper::Watcher) => {
                            "reaped by procdemo".to_string()
                        }
                        Some(Reaper::Kernel) => "released by the kernel".to_string(),
                        None => "never reaped while watched".to_string(),
                    };
                    format!("{} for {how_long} ({by})", n.pid(z.pid))
                })
                .collect();
            out.push(format!(
                "Zombies that waited for their parent: {}. Each was dead while its parent was busy elsewhere, holding its PID and exit status until the parent called wait(); one whose parent never does is a leak (a long-lived parent fills the process table with them).",
                rows.join("; ")
            ));
        }
        if !s.released.is_empty() {
            out.push(format!(
                "Never zombies (their parent ignored SIGCHLD): {}.",
                list(&s.released)
            ));
        }
        if s.orphans.is_empty() {
            out.push("Orphans: none.".into());
        } else {
            let rows: Vec<String> = s
                .orphans
                .iter()
                .map(|(pid, from, to)| {
                    let to = if *to == n.watcher {
                        format!("procdemo's watcher {to}")
                    } else {
                        n.pid(*to)
                    };
                    format!("{} (parent {from} gone) → {to}", n.pid(*pid))
                })
                .collect();
            out.push(format!("Orphans: {}.", rows.join("; ")));
        }
        if !s.reaped_by_procdemo.is_empty() {
            out.push(format!(
                "The program never reaped {}: procdemo, their subreaper, did.",
                list(&s.reaped_by_procdemo)
            ));
        }
        if let (Some(pid), Some(status)) = (s.main_pid, s.main_status) {
            out.push(format!(
                "The first process {pid} ended: {}.",
                exit_words(status)
            ));
            if !s.alive_at_main_exit.is_empty() {
                let fate = if s.killed.iter().any(|(r, _)| *r == KillReason::Survivors) {
                    "killed by procdemo (--kill-rest)"
                } else {
                    "left alone and watched to their end (--kill-rest would kill them)"
                };
                out.push(format!(
                    "Alive when it ended: {}: {fate}.",
                    list(&s.alive_at_main_exit)
                ));
            }
        }
        for (reason, pids) in &s.killed {
            match reason {
                KillReason::Limit => out.push(format!(
                    "Stopped at the limit of {} processes alive at once: procdemo killed and reaped {} process{}.",
                    s.limit,
                    pids.len(),
                    if pids.len() == 1 { "" } else { "es" }
                )),
                KillReason::Survivors => {}
                KillReason::FrontEndGone => out.push(format!(
                    "procdemo killed {} process{} as it ended.",
                    pids.len(),
                    if pids.len() == 1 { "" } else { "es" }
                )),
            }
        }
        if let Some(sig) = s.interrupted {
            out.push(format!(
                "Interrupted by {}: procdemo killed and reaped the whole family.",
                self.signal(sig)
            ));
        } else if !s.complete {
            out.push("The watch ended early: the watcher stopped reporting.".into());
        }
        out
    }

    fn watch_node(
        &self,
        node: &crate::render::watch::Node,
        n: &crate::render::watch::Names,
    ) -> String {
        use crate::engine::model::Reaper;
        use crate::render::watch::{command_line, duration};
        let mut parts = vec![n.pid(node.pid)];
        if node.wrappers.is_empty() {
            for argv in &node.execs {
                parts.push(format!("exec `{}`", command_line(argv)));
            }
        } else if let Some(argv) = node.execs.last() {
            parts.push(format!(
                "exec `{}`, through {} wrapper{}: {}",
                command_line(argv),
                node.wrappers.len(),
                if node.wrappers.len() == 1 { "" } else { "s" },
                node.wrappers
                    .iter()
                    .map(|w| crate::render::sanitize::escape(w).into_owned())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        parts.push(match node.status {
            Some(status) => exit_words(status),
            None => "still alive".to_string(),
        });
        if node.core_dumped {
            parts.push("core dumped".to_string());
        }
        if let Some(us) = node.zombie_us {
            if node.parent_waiting {
                parts.push("reaped at once (its parent was waiting)".to_string());
            } else {
                parts.push(format!("zombie {}", duration(us)));
            }
        }
        if node.signals > 0 {
            parts.push(format!(
                "{} signal{}",
                node.signals,
                if node.signals == 1 { "" } else { "s" }
            ));
        }
        for (_, to) in &node.orphaned {
            parts.push(if *to == n.watcher {
                "orphan, reparented to procdemo".to_string()
            } else {
                format!("orphan, reparented to {to}")
            });
        }
        if let Some(by) = node.reaper {
            parts.push(match by {
                Reaper::Parent { pid } => format!("reaped by {pid}"),
                Reaper::Watcher => "reaped by procdemo (its parent)".to_string(),
                Reaper::Subreaper => "reaped by procdemo (subreaper)".to_string(),
                Reaper::Kernel => "released by the kernel (SIGCHLD ignored)".to_string(),
            });
        }
        parts.join(", ")
    }

    fn watch_helpers(&self, count: usize, wrappers: &[String]) -> String {
        format!(
            "{count} process{} run by the wrappers ({}) before the program started (--all shows them)",
            if count == 1 { "" } else { "es" },
            wrappers
                .iter()
                .map(|w| crate::render::sanitize::escape(w).into_owned())
                .collect::<Vec<_>>()
                .join(", ")
        )
    }

    fn watch_group(
        &self,
        g: &crate::render::watch::Group,
        n: &crate::render::watch::Names,
    ) -> String {
        let mut parts = vec![format!(
            "{} children of {} like this: {}",
            g.count,
            n.pid(g.parent),
            g.how
        )];
        if let Some((lo, hi)) = g.exit_codes {
            parts.push(if lo == hi {
                format!("exited {lo}")
            } else {
                format!("exited {lo}–{hi}")
            });
        }
        if g.killed > 0 {
            parts.push(format!("{} killed by a signal", g.killed));
        }
        if let Some((lo, hi)) = g.reap_us {
            parts.push(format!("each reaped by its parent within {lo}–{hi} µs"));
        }
        if g.zombies > 0 {
            parts.push(format!("{} waited as zombies", g.zombies));
        }
        parts.join(", ")
    }

    fn watch_problem(&self, command: &str, problem: &crate::engine::model::WatchProblem) -> String {
        use crate::engine::model::WatchProblem;
        match problem {
            WatchProblem::Exec {
                errno,
                found: true,
                interpreter,
            } if *errno == libc::ENOENT => format!(
                "{command}: cannot execute: its interpreter {} was not found (a bad #! line; execve: {})",
                interpreter.as_deref().map_or("(unnamed)".into(), crate::render::sanitize::escape),
                self.errno(*errno)
            ),
            WatchProblem::Exec { errno, .. } if *errno == libc::ENOENT => {
                format!("{command}: command not found (execvp: {})", self.errno(*errno))
            }
            WatchProblem::Exec { errno, .. } => {
                format!("{command}: cannot run it (execvp: {})", self.errno(*errno))
            }
            WatchProblem::Trace { errno, tracer } if *tracer != 0 => format!(
                "cannot trace `{command}`: procdemo itself is traced (by process {tracer}, e.g. strace -f or gdb), and that tracer already follows the new process (PTRACE_SEIZE: {}). Run procdemo watch without a tracer.",
                self.errno(*errno)
            ),
            WatchProblem::Trace { errno, .. } => format!(
                "cannot trace `{command}` (PTRACE_SEIZE: {}): is ptrace forbidden here (a container's seccomp policy, kernel.yama.ptrace_scope = 3)?",
                self.errno(*errno)
            ),
            WatchProblem::Setup { call, errno } => format!(
                "procdemo watch could not set itself up: {call} failed: {}",
                self.errno(*errno)
            ),
            WatchProblem::Lost => {
                "procdemo's watcher ended before the watch did: every process it left was killed and reaped".to_string()
            }
        }
    }

    fn watch_words(&self) -> crate::render::words::WatchWords {
        crate::render::words::WatchWords {
            summary: "Summary",
            tree: "Processes, by the process that created each",
            timeline: "Timeline",
            picture: "The family on a time axis",
            picture_keys: [
                "running (R)",
                "sleeping (S)",
                "disk wait (D)",
                "stopped (T)",
                "exiting",
                "zombie (Z)",
                "fork",
                "exec",
                "exit",
                "signal",
                "reparented",
                "reaped",
            ],
            legend: |per| {
                format!(
                    "= alive   T stopped by a signal   x its exit   . exiting   Z zombie (until reaped); one column is {per}"
                )
            },
        }
    }

    fn timeline(&self) -> TimelineWords {
        TimelineWords {
            title: "Timeline: each role's state at every step that observed or changed it",
            step: "step",
            fork: "fork",
            exit: "exit",
            exec: "exec",
            reap: "reap",
            marks: "fork: created at that step (fork or clone); exit: called _exit() or exit(); \
                    exec: called execve(); reap: its parent's wait returned it; SIG...: a signal \
                    was sent to it",
            reparented: "its PPID changed since the step before (reparented)",
        }
    }

    fn cleanup(&self, killed: usize) -> String {
        let s = if killed == 1 { "" } else { "es" };
        format!("at the end the runner killed and reaped {killed} process{s} the script left alive")
    }

    fn ok(&self) -> (&'static str, &'static str) {
        ("ok:", "every awaited state was observed")
    }

    fn failed(&self) -> &'static str {
        "FAILED:"
    }

    fn no_reason(&self) -> &'static str {
        "the run ended before it said why"
    }

    fn summary_title(&self) -> &'static str {
        "summary"
    }

    fn summary_verdict(&self, ok: bool) -> &'static str {
        if ok { "ok" } else { "FAILED" }
    }

    fn wall(&self, d: Duration) -> String {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    }

    fn passed(&self, passed: usize, total: usize, time: Option<Duration>) -> String {
        let time = time.map_or_else(String::new, |t| format!(" in {}", self.wall(t)));
        format!("{passed} of {total} demos passed{time}")
    }
}

/// `{a}, {b}` or `none`: the `{ROLE.FIELD}`s of a narration line.
fn placeholders(set: &[String]) -> String {
    if set.is_empty() {
        "none".to_string()
    } else {
        set.join(", ")
    }
}

/// What follows an "expected ..." when something else was found.
fn found(f: &Found) -> String {
    match f {
        Found::Nothing => String::new(),
        Found::Word(w) => format!("; found `{w}`"),
        Found::Field(w) => format!("; found the field `{w}`"),
        Found::NoQuestion => "; the question is missing".to_string(),
    }
}

/// A script's problem in English: the text after `FILE:LINE: `.
fn parse_problem(p: &ParseProblem) -> String {
    use ParseProblem as P;
    match p {
        P::SecondTitle => "a second `title` line: a script has one title".into(),
        P::TitleEmpty => "`title` needs the demo's one-line description after it".into(),
        P::SecondTitleZh => "a second `title.zh` line: a script has one title".into(),
        P::TitleZhEmpty => "`title.zh` needs the title in Chinese after it".into(),
        P::AskZhWithoutAsk => "`ask.zh` is the Chinese of the `ask` line just before it: expected an `ask` line (with no `ask.zh` yet) before it".into(),
        P::AskZhEmpty => "`ask.zh` needs the question in Chinese after it".into(),
        P::SayZhWithoutSay => "`say.zh` is the Chinese of the `say` line just before it: expected a `say` line (with no `say.zh` yet) before it".into(),
        P::SayZhPlaceholders { say, zh } => format!(
            "`say.zh` must have the same `{{ROLE.FIELD}}`s as its `say` line: the `say` has {}, the `say.zh` has {}",
            placeholders(say),
            placeholders(zh)
        ),
        P::TooManySteps { max } => {
            format!("more than {max} steps: a script may have at most {max} (procdemo's limit)")
        }
        P::NoSteps => "the script has no steps: expected at least `runner fork ROLE`".into(),
        P::TooMuchMemory { total, max } => format!(
            "by this step the script would write {total} MiB of memory (its `alloc` regions and every `touch` of one): a script may write at most {max} MiB (procdemo's limit, so a typo cannot exhaust a classroom machine)"
        ),
        P::KeywordAsRole { name } => format!("expected a role name, found the keyword `{name}`"),
        P::BadRoleName { name } => format!(
            "expected a role name (lower-case letters, digits, '-' or '_'), found `{name}`"
        ),
        P::NoSuchRole { name, roles } => format!(
            "role `{name}` does not exist yet: create it first, e.g. `runner fork {name}` (roles so far: {})",
            roles.join(", ")
        ),
        P::Stopped { role, line } => format!(
            "`{role}` is stopped (line {line}): a stopped process cannot act until `kill {role} CONT` (or `untrace {role}`) lets it run"
        ),
        P::Busy { role, line } => format!(
            "`{role}` is still busy with the action it started with `&` at line {line}: add `await {role} done` before giving it another action"
        ),
        P::Ended { role, line } => format!(
            "`{role}` has ended (line {line}): a process that has exited or been killed cannot act"
        ),
        P::TargetEnded {
            role,
            line,
            purpose,
        } => format!(
            "`{role}` has ended (line {line}): there is no process left to {}",
            match purpose {
                Purpose::Signal => "signal",
                Purpose::Trace => "trace",
                Purpose::Untrace => "untrace",
                Purpose::Renice => "renice",
            }
        ),
        P::RunnersRole { name } => format!("role `{name}` is the runner's own role"),
        P::RoleExists { name } => {
            format!("role `{name}` already exists: every process needs a role of its own")
        }
        P::BadNewRoleName { name } => format!(
            "expected a new role name (lower-case letter first, then letters, digits, '-' or '_', at most 16), found `{name}`"
        ),
        P::TooManyProcesses { max } => format!(
            "a script may create at most {max} processes (procdemo's limit, so a typo cannot fork-bomb a classroom machine)"
        ),
        P::IfPermittedNotFor { word } => {
            format!("`if permitted` may end an action or an `await`, not `{word}`")
        }
        P::MeasureEmpty => {
            "`measure` needs the roles to measure, e.g. `measure parent child`".into()
        }
        P::ExpectSyntax(f) => format!(
            "expected `expect ROLE FIELD OP VALUE`, FIELD one of rss, pss, shared_dirty, private_dirty, faults (from the role's latest `measure`) or cpu (from its latest `share`, against ROLE.cpu only), OP one of = >= <= > <, VALUE a number, `region` or ROLE.FIELD{}",
            found(f)
        ),
        P::ExpectNotMeasured { role } => format!(
            "`expect` checks figures from `{role}`'s latest `measure`, and there is none before this line: add `measure {role}` first"
        ),
        P::OtherNotMeasured { role } => format!(
            "`{role}` has not been measured before this line: add `measure {role}` first"
        ),
        P::TryEmpty => "expected `try ROLE ACTION`, e.g. `try child nice -5`".into(),
        P::TrySyntax => "expected `try ROLE ACTION`".into(),
        P::TryRunner => "the runner's own actions are never refused: `try` is for the processes it creates".into(),
        P::TryBackground => "a `try` step cannot run in the background (`&`)".into(),
        P::TryNotAllowed => "`try` is for actions whose refusal leaves every process as it was (nice, lock, trace, setsid...), not fork, vfork, exit, libc-exit, kill or exec".into(),
        P::IfPermittedOnly => "`if permitted` may end an action or an `await`".into(),
        P::NoTryBefore { role } => format!(
            "`if permitted` refers to the latest `try` step `{role}` took part in, but there is none before this line: add e.g. `try {role} nice -5` first"
        ),
        P::AwaitSyntax(f) => format!(
            "expected `await ROLE CONDITION [within DURATION] [if permitted]` where CONDITION is a state letter (R S D T t Z), `flag FLAGS` (of < N L s l +), `gone`, `reparented`, `parent ROLE`, `done` or `flock`{}",
            found(f)
        ),
        P::ParentNeedsRole => {
            "expected a role after `parent`, e.g. `await child parent runner`".into()
        }
        P::FlagNeedsFlags => "expected the STAT flags after `flag` (any of < N L s l +), e.g. `await child flag N`".into(),
        P::NotAFlag { flag } => format!(
            "`{flag}` is not a STAT flag: expected any of < N L s l + (the state letter itself is awaited as `await ROLE S`)"
        ),
        P::AwaitRunner => "the runner is the director: it cannot be awaited".into(),
        P::DoneIfPermitted => "`await ROLE done` cannot be `if permitted`: the action it collects always runs".into(),
        P::NothingToAwait { role } => format!(
            "`await {role} done` waits for an action started with `&`, but `{role}` has none running"
        ),
        P::DeadlineRange { found, max_s } => {
            format!("a deadline must be more than 0 and at most {max_s} s, found `{found}`")
        }
        P::BadDuration { found } => {
            format!("expected a duration such as `500ms` or `2s`, found `{found}`")
        }
        P::AskSyntax(f) => format!(
            "expected `ask ROLE.FIELD: QUESTION`, e.g. `ask child.state: What state will the child be in after it exits?`{}",
            found(f)
        ),
        P::UnknownField {
            field,
            place,
            fields,
        } => format!(
            "unknown field `{field}` in {}: expected one of {}",
            match place {
                FieldPlace::Ask => "`ask`",
                FieldPlace::Narration => "narration",
            },
            fields.join(", ")
        ),
        P::UnclosedBrace => {
            "a `{` in narration is not closed: expected `{ROLE.FIELD}`".into()
        }
        P::BadPlaceholder { inner } => {
            format!("expected `{{ROLE.FIELD}}` in narration, found `{{{inner}}}`")
        }
        P::SayEmpty => "`say` needs the narration text after it".into(),
        P::NoAction { role } => format!(
            "expected an action after `{role}`, e.g. `{role} fork child` (or a director step: observe, await, say, measure)"
        ),
        P::RunnerCannot { forms, verb } => {
            let forms: Vec<String> = forms.iter().map(|f| format!("`{f}`")).collect();
            format!(
                "the runner can only {}; `{verb}` is for the processes it creates",
                crate::script::actions::list_words(&forms, "and")
            )
        }
        P::UnknownAction { verb, verbs } => format!(
            "unknown action `{verb}`: expected one of {}",
            verbs.join(", ")
        ),
        P::NoSocket {
            role,
            verb,
            socket: crate::script::actions::Sock::Listening,
        } => format!(
            "`{role}` holds no listening socket to {verb} on: `{role} listen` first (or fork it from a process that has)"
        ),
        P::NoSocket {
            role,
            verb,
            socket: crate::script::actions::Sock::Connection,
        } => format!(
            "`{role}` holds no connection to {verb} on: `{role} connect ROLE` first, or create it with `accept`"
        ),
        P::NotListening { role, target } => format!(
            "`{role}` cannot connect to `{target}`, which holds no listening socket: `{target} listen` first"
        ),
        P::HasListener { role } => format!(
            "`{role}` already holds a listening socket (its own `listen`, or its creator's, inherited at the fork): a process listens once"
        ),
        P::NotYetAccepted { role, creator } => format!(
            "`{role}` does not exist yet: `{creator} accept {role} &` creates it only once a client connects; name it after `await {creator} done`"
        ),
        P::HasRegion { role } => format!(
            "`{role}` already has a region (its own `alloc`, or its creator's, inherited at the fork): a process maps one region; fork a new role and `alloc` in it"
        ),
        P::NoRegion { role, verb } => format!(
            "`{role}` has no region to {verb}: `alloc SIZE` first (in it, or in the process it is forked from before the fork)"
        ),
        P::Rule { rule, role } => match rule {
            Rule::VforkInBackground => format!(
                "`vfork` suspends `{role}` until the new child exits: end the line with `&`, and `await {role} done` after the child's exit"
            ),
            Rule::KillNotSelf => format!(
                "`{role}` cannot signal itself here: it would stop or die before reporting the result; let the runner or another role send it"
            ),
            Rule::KillNotRunner => "a script may not signal the runner".into(),
            Rule::TraceNotSelf => {
                "`trace` names another process of the demo to trace, not the tracer itself".into()
            }
            Rule::TraceNotRunner => {
                "`trace` names another process of the demo to trace, not the runner".into()
            }
            Rule::UntraceNotSelf => {
                "`untrace` names another process of the demo to trace, not the tracer itself"
                    .into()
            }
            Rule::UntraceNotRunner => {
                "`untrace` names another process of the demo to trace, not the runner".into()
            }
            Rule::ReniceNotRunner => {
                "`renice` names a process of the demo, not the runner (every role starts at the runner's nice value)".into()
            }
        },
        P::RunnerBackground => "the runner cannot run an action in the background (`&`)".into(),
        P::NotBlocking { blocking } => format!(
            "`&` is for an action that blocks ({}): this one returns at once",
            blocking.join(", ")
        ),
        P::IfPermittedAction => "an `if permitted` action may not create or end a process (fork, vfork, exit, kill) or run in the background: which processes exist must not depend on privilege".into(),
        P::Threaded { role } => format!(
            "`{role}` started a second thread: a multi-threaded process may not fork here (only async-signal-safe code is allowed after such a fork)"
        ),
        P::Usage { role, usage } => format!("expected `{role} {usage}`"),
        P::AllocSyntax { role, usage } => {
            format!("expected `{role} {usage}` with SIZE in MiB, e.g. `alloc 16MiB`")
        }
        P::AllocSize { found, max } => {
            format!("expected a size from 1MiB to {max}MiB, found `{found}`")
        }
        P::AppendNumber { found } => {
            format!("expected a whole number to append, found `{found}`")
        }
        P::NewRoleSyntax { role, verb } => format!(
            "expected `{role} {verb} NEW-ROLE`, naming the new process, e.g. `{role} {verb} child`"
        ),
        P::ExitCode { found } => format!("an exit code is a number from 0 to 255, found `{found}`"),
        P::NiceRange { found } => {
            format!("a nice change is a number from -20 to 19, found `{found}`")
        }
        P::KillSyntax { role, signals } => format!(
            "expected `{role} kill ROLE SIGNAL`, SIGNAL one of {}",
            signals.join(" ")
        ),
        P::SignalName { found, signals } => format!(
            "expected a signal name ({}), found `{found}`",
            signals.join(" ")
        ),
        P::RunnerWaitsAny => {
            "the runner waits for one role at a time: `runner waitpid ROLE`".into()
        }
        P::RunnerLoops => "the runner is the director and never busy-waits: `loop` is for the processes it creates".into(),
        P::PrintText { max } => format!(
            "expected the text to print after `print`: at most {max} bytes, on this line"
        ),
        P::PipeExists { name } => format!(
            "a pipe named `{name}` was made before: give each pipe a name of its own"
        ),
        P::PipeNotHeld {
            role,
            pipe,
            made: false,
            ..
        } => format!(
            "no pipe named `{pipe}` was made: make it first (`{role} pipe {pipe}`), in `{role}` or in a process `{role}` was forked from afterwards"
        ),
        P::PipeNotHeld {
            role,
            pipe,
            end,
            made: true,
        } => format!(
            "`{role}` does not hold the {} end of pipe `{pipe}`: it closed it, or was forked before the pipe was made (a process has the descriptors it made or inherited at its fork)",
            end_word(*end)
        ),
        P::SigpipeForeground { role, pipe } => format!(
            "no process holds the read end of pipe `{pipe}` any more: the kernel sends `{role}` SIGPIPE, whose default action ends it before it can report. End the step with `&` and then `await {role} Z`; or first `{role} signal PIPE ignore` (as Python does), and the write fails with EPIPE"
        ),
        P::OpenPath { found } => format!(
            "expected an absolute path after `open` (one that starts with /), found `{found}`"
        ),
        P::ExecArgs { max, max_len } => format!(
            "expected `exec self` or `exec PROGRAM [ARGS...]`, with at most {max} arguments of at most {max_len} bytes each"
        ),
        P::ExecSameName { role, program } => format!(
            "`{role}` cannot exec `{program}`: execve() names a process after its program, and `{role}` already has that name, so procdemo could not see the exec happen: give the role another name"
        ),
        P::RunsProgram { role, line } => format!(
            "`{role}` runs another program since its exec at line {line}: it obeys no more commands (it can still be observed, signalled and waited for)"
        ),
        P::InspectEmpty => "expected `inspect ROLE...`, naming the roles to inspect".into(),
        P::EndUnlessSyntax => "expected `end unless ROLE permitted`".into(),
        P::EndUnlessNoTry { role } => format!(
            "`end unless {role} permitted` refers to the latest `try` step `{role}` took part in, but there is no `try` step `{role}` took part in before this line"
        ),
        P::UnshareUnconfirmed { role, line } => format!(
            "`{role}` forks after `try {role} unshare pid` (line {line}): whether its child is in a new PID namespace would depend on privilege; add `end unless {role} permitted` before this line"
        ),
        P::NamespaceGone { role, init, line } => format!(
            "`{role}`'s children would be in the PID namespace whose PID 1, `{init}`, has ended (line {line}): the kernel refuses a fork into it"
        ),
        P::NotVisible { role, target } => format!(
            "`{role}` cannot name `{target}`: `{role}` is in a PID namespace where `{target}` has no PID (a process sees only its own namespace and those below it)"
        ),
        P::ShareSyntax(f) => format!(
            "expected `share ROLE... until ROLE DURATION` (e.g. `share fast slow until fast 200ms`){}",
            found(f)
        ),
        P::ShareUntilNotListed { role } => format!(
            "`until {role}`: `{role}` must be one of the roles the window reads, before `until`"
        ),
        P::ShareRunner => {
            "`share` reads the roles' CPU time; the runner does the reading and is not one of them"
                .into()
        }
        P::ExpectNotShared { role } => format!(
            "`expect ... cpu` needs a `share` window that read `{role}` before this line"
        ),
        P::Tickets {
            role,
            verb,
            problem,
        } => match problem {
            TicketProblem::AlreadyHas => format!(
                "`{role}` already has a ticket file (its own `tickets`, or its creator's, inherited at the fork): fork a new role for another"
            ),
            TicketProblem::NoFile => format!(
                "`{role}` has no ticket file to {verb}: `tickets NUMBER` first (in it, or in the process it is forked from, before the fork)"
            ),
            TicketProblem::NotCounted => format!(
                "`{role} buy` writes back the count it read: `{role} count` first, before every `buy`"
            ),
            TicketProblem::AlreadyLocked => format!(
                "`{role}` already holds the lock: a second `flock` would wait for itself; `{role} funlock` first"
            ),
            TicketProblem::NotLocking => format!(
                "`await {role} flock` waits for a `{role} flock &` under way, but `{role}` has none"
            ),
            TicketProblem::NotLocked => {
                format!("`{role}` holds no lock to release: `{role} flock` first")
            }
        },
        P::TicketNumber { verb, found, max } => {
            format!("`{verb}` takes a whole number from 1 to {max}, not `{found}`")
        }
    }
}

/// A pipe's end, as a word.
fn end_word(end: crate::script::actions::End) -> &'static str {
    match end {
        crate::script::actions::End::Read => "read",
        crate::script::actions::End::Write => "write",
    }
}

/// "1 ticket left", "0 tickets left".
fn tickets_left(n: i64) -> String {
    if n == 1 {
        "1 ticket left".into()
    } else {
        format!("{n} tickets left")
    }
}

/// ", 2 sales recorded: to 31450 and 31451" (nothing when there are none).
fn sales_of(sold: &[i32], ctx: &Ctx, recorded: &str) -> String {
    if sold.is_empty() {
        return String::new();
    }
    let buyers: Vec<String> = sold.iter().map(|p| ctx.pid(*p)).collect();
    let n = sold.len();
    let sales = if n == 1 { "sale" } else { "sales" };
    format!(
        ", {n} {sales} {recorded}: to {}",
        crate::script::actions::list_words(&buyers, "and")
    )
}

/// An exit status in a few words: `code 0`, `killed by SIGKILL`.
fn exit_words(status: ExitStatus) -> String {
    match status {
        ExitStatus::Exited(code) => format!("exit code {code}"),
        ExitStatus::Killed(sig) => format!("killed by {}", crate::render::signal_name(sig)),
        ExitStatus::Stopped(sig) => format!("stopped by {}", crate::render::signal_name(sig)),
        ExitStatus::Continued => "continued".to_string(),
    }
}
