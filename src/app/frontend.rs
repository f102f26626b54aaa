//! The front end: runs each demo in a fresh runner process, shows its events as they come,
//! and makes sure nothing outlives it.
//!
//! The front end never forks a scenario process itself. For each demo it forks one runner (a
//! copy of this single-threaded process, which already holds the checked script, so nothing is
//! exec'd or parsed again), in a process group of its own so that a Ctrl-C reaches only the
//! front end. The runner streams typed events down a pipe; the front end renders each one the
//! moment it arrives. It waits with poll() on that pipe, a pidfd of the runner, a signalfd
//! (every signal whose default action would end it, but SIGKILL, SIGSTOP and the faults
//! SIGSEGV, SIGBUS and SIGILL) and a deadline; a user's script is read with poll() on the file
//! and the signalfd too, so Ctrl-C ends a read from a FIFO or a terminal. It is a child
//! subreaper too: if a runner dies abruptly, the runner's orphans are reparented here, and the
//! front end kills and reaps them before it goes on or exits. It kills only what procdemo
//! started: a child it inherited across exec (`sleep 30 & exec procdemo zombie`) is left alone.

use crate::app::cli::{Output, Pace};
use crate::engine::error::{Error, System, Usage, os_error};
use crate::engine::model::{DemoResult, Event, Failure, Origin, RunnerProblem};
use crate::engine::runner;
use crate::kernel::proc;
use crate::kernel::sys::{self, Forked};
use crate::render;
use crate::render::sanitize::escape;
use crate::script::Script;
use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{SigSet, Signal, kill};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use nix::sys::wait::{Id, WaitPidFlag, WaitStatus, waitid, waitpid};
use nix::unistd::{self, Pid};
use std::io::Write;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::time::{Duration, Instant};

/// A runner gets this long beyond its script's own total deadline before it is killed.
const GRACE: Duration = Duration::from_secs(10);

/// The most of a script file procdemo reads: a script is a short text file (the longest
/// built-in demo is under 4 KiB); `procdemo run /dev/zero` must not fill the memory.
pub const MAX_SCRIPT_BYTES: usize = 1 << 20;

/// Every signal whose default action would end the front end without its clean-up: all of
/// them (the real-time ones included) but those that stop, continue or are ignored by default,
/// SIGKILL and SIGSTOP (which cannot be caught), SIGPIPE (Rust's runtime ignores it: a closed
/// reader is an EPIPE) and the faults a bug of its own would raise, SIGSEGV, SIGBUS and SIGILL
/// (blocked, a real fault would lose Rust's stack-overflow report). SIGTRAP and SIGFPE are
/// blocked too: a kill() of either is handled like SIGTERM, and the kernel still delivers a
/// trap it raises itself (a debugger's breakpoint, which gdb sees first), since a synchronous
/// fault unblocks its signal. SIGCONT is read there too (blocking it does not keep the kernel
/// from continuing the process): after Ctrl-Z and `fg`, a `--step` pause sets its terminal
/// mode again, which the shell changed meanwhile.
fn handled_signals() -> SigSet {
    let mut mask = SigSet::all();
    for sig in [
        Signal::SIGKILL,
        Signal::SIGSTOP,
        Signal::SIGSEGV,
        Signal::SIGBUS,
        Signal::SIGILL,
        Signal::SIGPIPE,
        Signal::SIGCHLD,
        Signal::SIGTSTP,
        Signal::SIGTTIN,
        Signal::SIGTTOU,
        Signal::SIGURG,
        Signal::SIGWINCH,
    ] {
        mask.remove(sig);
    }
    mask
}

/// Block the signals the front end handles through its signalfd. A signal that arrives
/// before any runner exists stays pending until then, and is handled like any other.
pub fn block_signals() {
    let _ = handled_signals().thread_block();
}

/// Whether this process has any child at all, in any state: one system call, no scan.
fn has_children() -> bool {
    let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOHANG | WaitPidFlag::WNOWAIT;
    loop {
        match waitid(Id::All, flags) {
            Err(nix::Error::EINTR) => {}
            Err(nix::Error::ECHILD) => return false,
            _ => return true,
        }
    }
}

/// Where the rendered text goes: standard output, flushed after every event. A reader that
/// went away (EPIPE: `procdemo all | head -1`) ends the output quietly; any other write error
/// is remembered and reported once the run has been cleaned up.
struct Sink {
    closed: bool,
    error: Option<std::io::Error>,
}

impl Sink {
    fn write(&mut self, f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) {
        if self.closed {
            return;
        }
        let mut out = std::io::stdout().lock();
        let result = f(&mut out).and_then(|()| out.flush());
        if let Err(e) = result {
            self.closed = true;
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                self.error = Some(e);
            }
        }
    }
}

/// Runs runners, one at a time.
pub struct FrontEnd {
    signals: SignalFd,
    output: Output,
    sink: Sink,
    /// The children this process already had when procdemo started: whatever ran procdemo
    /// started them and then exec'd it (`sleep 30 & exec procdemo zombie`). They are not
    /// procdemo's: never killed, never reaped, never waited for.
    inherited: Vec<i32>,
    /// The terminal the keys of `--step` come from.
    tty: Option<Tty>,
}

/// The terminal a `--step` run reads its keys from (/dev/tty, so stdin and stdout may be
/// redirected). While waiting for a key it is in non-canonical mode without echo, so one key
/// is enough; its settings are restored after each key, and when the front end ends.
struct Tty {
    file: std::fs::File,
    saved: Option<nix::sys::termios::Termios>,
}

impl Tty {
    fn open() -> std::io::Result<Tty> {
        use std::os::unix::fs::OpenOptionsExt;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOCTTY | libc::O_CLOEXEC)
            .open("/dev/tty")?;
        // Only a terminal has attributes: a file named /dev/tty would fail here.
        nix::sys::termios::tcgetattr(&file)?;
        Ok(Tty { file, saved: None })
    }

    /// One key at a time, unechoed.
    fn keys(&mut self) {
        use nix::sys::termios::{LocalFlags, SetArg, tcgetattr, tcsetattr};
        if self.saved.is_some() {
            return;
        }
        if let Ok(old) = tcgetattr(&self.file) {
            let mut raw = old.clone();
            raw.local_flags
                .remove(LocalFlags::ICANON | LocalFlags::ECHO);
            if tcsetattr(&self.file, SetArg::TCSANOW, &raw).is_ok() {
                self.saved = Some(old);
            }
        }
    }

    /// Set the one-key mode again if it is on: a shell sets its own modes while procdemo is
    /// stopped (Ctrl-Z), and `fg` does not give procdemo's back.
    fn reapply(&mut self) {
        use nix::sys::termios::{LocalFlags, SetArg, tcsetattr};
        if let Some(old) = &self.saved {
            let mut raw = old.clone();
            raw.local_flags
                .remove(LocalFlags::ICANON | LocalFlags::ECHO);
            let _ = tcsetattr(&self.file, SetArg::TCSANOW, &raw);
        }
    }

    fn restore(&mut self) {
        if let Some(old) = self.saved.take() {
            let _ =
                nix::sys::termios::tcsetattr(&self.file, nix::sys::termios::SetArg::TCSANOW, &old);
        }
    }

    /// The terminal's width in columns (where a pause is shown, whatever stdout is).
    fn columns(&self) -> Option<usize> {
        terminal_size::terminal_size_of(&self.file)
            .map(|(terminal_size::Width(w), _)| w as usize)
            .filter(|w| *w > 0)
    }

    fn say(&mut self, text: &str) {
        let _ = self.file.write_all(text.as_bytes());
    }
}

impl Drop for Tty {
    fn drop(&mut self) {
        self.restore();
        // What was typed and not read (keys pressed while the demo ran, the end of a line)
        // is procdemo's, not the shell's: it must not run as a command after procdemo ends.
        let _ = nix::sys::termios::tcflush(&self.file, nix::sys::termios::FlushArg::TCIFLUSH);
    }
}

/// A paused run's state in the front end.
struct Pause {
    /// The runner waits for a byte here before each step.
    go: OwnedFd,
    /// Paused since (a `Next` came and the byte is not sent yet).
    since: Option<Instant>,
    /// `c` was typed: run the rest without stopping.
    free: bool,
    /// The `ask` step whose answer is being typed (`--predict`).
    asking: Option<usize>,
    /// Paused at a question in a run that is not `--predict`: go on at once.
    stops_for_asks_only: bool,
    /// Rows of the terminal the pause's own lines took: erased when a key ends it.
    shown_rows: usize,
}

/// How waiting for a runner ended.
enum Waited {
    /// The event stream ended; the runner's exit status (None: it could not be read).
    Ended(Option<WaitStatus>),
    /// It outlived its deadline and was killed.
    Overran,
    /// A signal interrupted the front end; the runner was killed.
    Interrupted(i32),
    /// `q` at a pause (or the terminal went away): the runner was killed.
    Quit,
}

impl FrontEnd {
    pub fn new(output: Output) -> Result<FrontEnd, Error> {
        let mask = handled_signals();
        mask.thread_block().map_err(|e| {
            Error::System(System::Setup {
                call: "sigprocmask",
                error: os_error(e),
            })
        })?;
        let signals = SignalFd::with_flags(&mask, SfdFlags::SFD_CLOEXEC | SfdFlags::SFD_NONBLOCK)
            .map_err(|e| {
            Error::System(System::Setup {
                call: "signalfd",
                error: os_error(e),
            })
        })?;
        sys::set_child_subreaper().map_err(|e| {
            Error::System(System::Setup {
                call: "prctl(PR_SET_CHILD_SUBREAPER)",
                error: os_error(e),
            })
        })?;
        // Before the first runner: every child there is now was inherited. Usually there is
        // none, and one waitid() says so without a scan of /proc.
        let inherited = if has_children() {
            proc::children_of(unistd::getpid().as_raw())
        } else {
            Vec::new()
        };
        Ok(FrontEnd {
            signals,
            output,
            sink: Sink {
                closed: false,
                error: None,
            },
            inherited,
            tty: None,
        })
    }

    /// Print text the front end itself shows (a quiz's exercise) on standard output.
    pub fn show(&mut self, text: &str) {
        self.sink.write(|out| out.write_all(text.as_bytes()));
    }

    pub fn has_terminal(&self) -> bool {
        self.tty.is_some()
    }

    /// Open the terminal if there is one (nothing to say if not).
    pub fn try_terminal(&mut self) -> bool {
        self.tty = Tty::open().ok();
        self.tty.is_some()
    }

    /// Show `prompt` on the terminal and wait for Enter; a signal ends the wait as usual.
    pub fn wait_for_enter(&mut self, prompt: &str) -> Result<(), Error> {
        let Some(tty) = self.tty.as_mut() else {
            return Ok(());
        };
        tty.say(prompt);
        loop {
            let mut fds = [
                PollFd::new(self.signals.as_fd(), PollFlags::POLLIN),
                PollFd::new(
                    self.tty
                        .as_ref()
                        .map_or(self.signals.as_fd(), |t| t.file.as_fd()),
                    PollFlags::POLLIN,
                ),
            ];
            let _ = poll(&mut fds, PollTimeout::NONE);
            if let Some(sig) = self.signal() {
                return Err(Error::Interrupted(sig));
            }
            match self.tty.as_mut().map(read_line) {
                Some(Some(Some(_))) | None => return Ok(()),
                Some(Some(None)) => {}
                Some(None) => return Err(Error::Quit),
            }
        }
    }

    /// `--step` reads its keys from the terminal: open it now, or say there is none.
    pub fn open_terminal(&mut self) -> Result<(), Error> {
        let tty =
            Tty::open().map_err(|e| Error::Usage(Usage::NoTerminal { error: os_error(e) }))?;
        self.tty = Some(tty);
        Ok(())
    }

    /// The bytes of a user's script file: at most [`MAX_SCRIPT_BYTES`], read with poll() on
    /// the file and the signalfd, so that a signal ends a read that waits (a FIFO with no
    /// writer yet, a terminal, `/dev/stdin` left open) and nothing is lost.
    ///
    /// `procdemo run -` reads standard input the same way, through a duplicate of it: left
    /// blocking (O_NONBLOCK would change the description it shares with the shell), which
    /// is safe, as read() comes only after poll() said there is something to read.
    pub fn read_script(&mut self, source: &crate::app::cli::Source) -> Result<Vec<u8>, Error> {
        use std::io::Read;
        use std::os::unix::fs::OpenOptionsExt;
        let shown = crate::render::sanitize::escape(&shown(source)).into_owned();
        let cannot = |e: std::io::Error| {
            Error::Usage(Usage::CannotRead {
                path: shown.clone(),
                error: os_error(e),
            })
        };
        let mut file = match source {
            crate::app::cli::Source::File(path) => {
                // O_NONBLOCK: opening a FIFO does not wait for a writer (poll() does,
                // interruptibly); O_NOCTTY: a terminal named as the script never becomes the
                // controlling one.
                std::fs::OpenOptions::new()
                    .read(true)
                    .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
                    .open(path)
                    .map_err(cannot)?
            }
            _ => std::fs::File::from(
                std::io::stdin()
                    .as_fd()
                    .try_clone_to_owned()
                    .map_err(cannot)?,
            ),
        };
        let mut bytes = Vec::new();
        let mut chunk = [0u8; 16384];
        loop {
            if let Some(sig) = self.signal() {
                return Err(Error::Interrupted(sig));
            }
            let mut fds = [
                PollFd::new(self.signals.as_fd(), PollFlags::POLLIN),
                PollFd::new(file.as_fd(), PollFlags::POLLIN),
            ];
            match poll(&mut fds, PollTimeout::NONE) {
                Ok(_) => {}
                Err(nix::Error::EINTR) => continue,
                Err(e) => return Err(cannot(e.into())),
            }
            if fds[1].revents().is_none_or(|r| r.is_empty()) {
                continue; // Only a signal: read it above.
            }
            match file.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => bytes.extend_from_slice(&chunk[..n]),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::Interrupted
                    ) => {}
                Err(e) => return Err(cannot(e)),
            }
            if bytes.len() > MAX_SCRIPT_BYTES {
                return Err(Error::Usage(Usage::TooLarge {
                    path: shown,
                    max_mib: MAX_SCRIPT_BYTES >> 20,
                }));
            }
        }
        Ok(bytes)
    }

    /// A handled signal that has arrived, if any (it is consumed). SIGCONT (the shell's `fg`
    /// after Ctrl-Z) ends nothing: the terminal's mode for a pause is set again.
    pub fn signal(&mut self) -> Option<i32> {
        loop {
            match self.signals.read_signal() {
                Ok(Some(info)) if info.ssi_signo as i32 == libc::SIGCONT => {
                    if let Some(tty) = self.tty.as_mut() {
                        tty.reapply();
                    }
                }
                Ok(Some(info)) => return Some(info.ssi_signo as i32),
                _ => return None,
            }
        }
    }

    /// Kill and reap every descendant of the front end that procdemo started: a runner's
    /// orphans after a crash, or everything after a signal (the runner is killed first).
    /// Returns how many were killed or reaped. A child inherited across exec (and what
    /// descends from it) is neither killed nor waited for.
    ///
    /// Every process procdemo starts descends from a runner, and the front end is a
    /// subreaper. One scan of /proc finds the whole family; every live process of it is
    /// stopped, then killed (stopped first, a fork bomb cannot grow while it is killed); the
    /// children among them are reaped, and their orphans, reparented here, are found by the
    /// next scan. The usual case, with no child left at all, costs one waitid() and no scan.
    fn clean_up(&self) -> usize {
        let me = unistd::getpid().as_raw();
        let mut seen = std::collections::HashSet::new();
        while has_children() {
            let (live, dead) = sys::stop_and_kill_family(&self.inherited);
            if live.is_empty() && dead.is_empty() {
                break;
            }
            let mine: Vec<i32> = live
                .iter()
                .chain(&dead)
                .copied()
                .filter(|&pid| {
                    proc::sample(pid)
                        .ok()
                        .flatten()
                        .is_some_and(|s| s.ppid == me)
                })
                .collect();
            seen.extend(live.iter().chain(&dead).copied());
            if mine.is_empty() {
                // Only grandchildren, whose parents are dying: wait for one child to end.
                let _ = nix::sys::wait::waitid(
                    nix::sys::wait::Id::All,
                    nix::sys::wait::WaitPidFlag::WEXITED | nix::sys::wait::WaitPidFlag::WNOWAIT,
                );
                continue;
            }
            for pid in mine {
                while let Err(nix::Error::EINTR) = waitpid(Pid::from_raw(pid), None) {}
            }
        }
        seen.len()
    }

    /// The render style of this run's output (language, width, what to show).
    pub fn style(&self) -> render::Style {
        render::Style {
            explain: self.output.explain,
            stable: self.output.stable,
            width: render::terminal_width(),
            answers: self.output.answers,
            lang: self.output.lang,
            lang_asked: self.output.lang_asked,
            python: self.output.python,
            timeline: self.output.timeline,
            tree: self.output.tree,
            html: self.output.html,
            trees_only: self.output.trees_only,
        }
    }

    /// The outputs chosen on the command line: what goes to standard output (text, one
    /// JSON form, or the recorded events), then the page (`--html FILE`).
    fn formats(&self) -> Vec<render::Format> {
        let main = match (self.output.json, self.output.json_events) {
            _ if self.output.wire => render::Format::Wire,
            (_, true) => render::Format::JsonEvents,
            (true, false) => render::Format::Json,
            (false, false) => render::Format::Text,
        };
        let page = self.output.html.map(render::Format::Html);
        std::iter::once(main).chain(page).collect()
    }

    /// Run one demo in a fresh runner, rendering its events as they come, and clean up
    /// whatever it leaves.
    pub fn run(
        &mut self,
        name: &str,
        script: &Script,
        origin: &Origin,
    ) -> Result<DemoResult, Error> {
        let start = Instant::now();
        let (events_in, events_out) = unistd::pipe2(OFlag::O_CLOEXEC).map_err(|e| {
            Error::System(System::Pipe {
                demo: Some(escape(name).into_owned()),
                error: os_error(e),
            })
        })?;
        // Nothing buffered may be copied into the runner.
        let _ = std::io::stdout().flush();
        let options = runner::RunOptions {
            timeout: Duration::from_secs(self.output.timeout_s),
            check_ps: self.output.check_ps,
        };
        let frontend = unistd::getpid().as_raw();
        let pace = self.output.pace;
        let paced = pace != Pace::Free || self.output.predict;
        let (go_in, go_out) = if paced {
            let (r, w) = unistd::pipe2(OFlag::O_CLOEXEC).map_err(|e| {
                Error::System(System::Pipe {
                    demo: None,
                    error: os_error(e),
                })
            })?;
            (Some(r), Some(w))
        } else {
            (None, None)
        };
        // SAFETY: the front end is single-threaded (it never starts a thread), so the child
        // is a complete copy that may run normal Rust: it becomes the runner.
        #[allow(unsafe_code)]
        let forked = unsafe { sys::fork() };
        let runner = match forked {
            Ok(Forked::Child { .. }) => {
                // The runner keeps only the write end of its event pipe.
                let _ = unistd::close(events_in.as_raw_fd());
                let _ = unistd::close(self.signals.as_raw_fd());
                if let Some(w) = &go_out {
                    let _ = unistd::close(w.as_raw_fd());
                }
                if let Some(tty) = &self.tty {
                    let _ = unistd::close(tty.file.as_raw_fd());
                }
                let _ = unistd::setpgid(Pid::from_raw(0), Pid::from_raw(0));
                sys::stdin_from_dev_null();
                // A panic must end the runner here, as exit code 101, and never unwind into
                // the front end's frames that this copy of the process also holds.
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    runner::main(
                        script,
                        frontend,
                        events_out,
                        options,
                        go_in.map(|go| runner::Pacing {
                            go,
                            every_step: matches!(pace, Pace::Step | Pace::Delay(_)),
                        }),
                    )
                }));
                sys::exit_now(101)
            }
            Ok(Forked::Parent(pid)) => pid,
            Err(e) => {
                return Err(Error::System(System::Fork {
                    demo: escape(name).into_owned(),
                    error: os_error(e),
                }));
            }
        };
        drop(events_out);
        drop(go_in);
        leave_the_runner_its_cpu();
        // A runner that could not make its own group is put in one from here (a race
        // either side wins harmlessly).
        let _ = unistd::setpgid(Pid::from_raw(runner), Pid::from_raw(runner));
        let mut renderer = render::outputs(&self.formats(), script, origin, self.style());
        let mut ended: Option<bool> = None;
        let mut pause = go_out.map(|go| Pause {
            go,
            since: None,
            free: false,
            asking: None,
            stops_for_asks_only: false,
            shown_rows: 0,
        });
        let waited = self.follow(
            runner,
            events_in,
            script,
            pause.as_mut(),
            &mut |event, sink| {
                if let Event::End { ok } = event {
                    ended = Some(*ok);
                }
                sink.write(|out| renderer.event(event, out));
            },
        );
        // A runner that ended normally left nothing. After a crash its orphans were
        // reparented here: kill and reap them, and say how many there were.
        let left = self.clean_up();
        let problem = match waited {
            Waited::Interrupted(sig) => return Err(Error::Interrupted(sig)),
            Waited::Quit => return Err(Error::Quit),
            Waited::Overran => Some(RunnerProblem::Overran),
            Waited::Ended(status) => match (status, ended) {
                (_, Some(_)) => None,
                (Some(WaitStatus::Exited(_, code)), None) => Some(RunnerProblem::Crashed { code }),
                (Some(WaitStatus::Signaled(_, sig, _)), None) => {
                    Some(RunnerProblem::Killed { signal: sig as i32 })
                }
                (_, None) => Some(RunnerProblem::Garbled),
            },
        };
        // With --json the failure is inside the document; say it on stderr too.
        if self.output.json
            && let Some(message) = renderer.failure()
        {
            crate::engine::error::say(render::json_failed(
                &escape(name),
                &escape(&message),
                self.output.lang,
            ));
        }
        if let Some(problem) = &problem {
            // The stream stopped short: end the run for the renderer, and say why on stderr.
            for event in [
                Event::Failed {
                    step: None,
                    failure: Failure::Runner {
                        problem: problem.clone(),
                        left,
                    },
                },
                Event::End { ok: false },
            ] {
                self.sink.write(|out| renderer.event(&event, out));
            }
            crate::engine::error::say(escape(&render::runner_problem(
                name,
                problem,
                left,
                self.style(),
            )));
        }
        Ok(DemoResult {
            name: name.to_string(),
            ok: problem.is_none() && ended == Some(true),
            wall: start.elapsed(),
            problem: problem.map(|p| (p, left)),
        })
    }

    /// Read the runner's events as they come and hand each to `show`, until the stream ends,
    /// the deadline passes or a signal arrives; then collect the runner's exit status.
    ///
    /// In a paced run (`pause`), a `Next` event stops the stream there: the front end shows
    /// the pause on the terminal and lets the runner go on at a key (`--step`) or after the
    /// delay (`--delay`). Time paused is added to the deadline: a class may look for as long
    /// as it likes. A signal still ends everything at once, paused or not.
    fn follow(
        &mut self,
        runner: i32,
        events: OwnedFd,
        script: &Script,
        mut pause: Option<&mut Pause>,
        show: &mut dyn FnMut(&Event, &mut Sink),
    ) -> Waited {
        let mut deadline = Instant::now() + Duration::from_secs(self.output.timeout_s) + GRACE;
        let mut pids: Vec<i32> = Vec::new();
        let mut roles: Vec<(crate::script::RoleId, i32)> = Vec::new();
        // --predict: the answers typed (by `ask` step), and right / judged so far.
        let mut typed: Vec<(usize, String)> = Vec::new();
        let mut score = (0usize, 0usize);
        // The runner's exit status, once collected (the stream may still hold events).
        let mut exited: Option<Option<WaitStatus>> = None;
        let pace = self.output.pace;
        let style = self.style();
        let _ = fcntl(&events, FcntlArg::F_SETFL(OFlag::O_NONBLOCK));
        let pidfd = sys::pidfd_open(runner).ok();
        let mut buf: Vec<u8> = Vec::new();
        let mut open = true;
        let end = |how: Waited| {
            if !matches!(how, Waited::Ended(_)) {
                let _ = kill(Pid::from_raw(runner), Signal::SIGKILL);
                let _ = waitpid(Pid::from_raw(runner), None);
            }
            how
        };
        loop {
            if let Some(sig) = self.signal() {
                // The runner first (its actors die with it), then whatever it left.
                return end(Waited::Interrupted(sig));
            }
            if open {
                let mut next = None;
                let mut asked = None;
                let mut finished = false;
                let (sink, tty) = (&mut self.sink, &mut self.tty);
                open = read_events(&events, &mut buf, &mut |e: Event| {
                    let e = &e;
                    render::judge::learn(&mut roles, e);
                    match e {
                        Event::Begin { runner_pid } => pids.insert(0, *runner_pid),
                        Event::Spawned { pid, .. } => pids.push(*pid),
                        Event::Next { step } => next = Some(*step),
                        Event::Ask { step } => asked = Some(*step),
                        Event::End { .. } => finished = true,
                        _ => {}
                    }
                    show(e, sink);
                    // Each reveal right under the step that answers it (the runner sends the
                    // answer just after that step's event), before any later step's lines.
                    if let (Event::Answer { ask, value }, Some(tty)) = (e, tty.as_mut())
                        && let Some(answer) = typed.iter().find(|(s, _)| s == ask).map(|(_, a)| a)
                    {
                        let (line, verdict) = render::reveal(script, &roles, answer, value, style);
                        tty.say(&line);
                        if let Some(right) = verdict {
                            score.1 += 1;
                            score.0 += usize::from(right);
                        }
                    }
                });
                if let Some(tty) = self.tty.as_mut()
                    && finished
                    && self.output.predict
                    && !typed.is_empty()
                {
                    tty.say(&render::score(score.0, score.1, typed.len(), style));
                }
                if let (Some(step), Some(p)) = (next.or(asked), pause.as_deref_mut()) {
                    p.since = Some(Instant::now());
                    p.asking = asked.filter(|_| self.output.predict);
                    p.stops_for_asks_only = asked.is_some() && !self.output.predict;
                    match (p.asking, self.tty.as_mut()) {
                        (Some(ask), Some(tty)) => {
                            tty.say(&render::question_prompt(script, ask, style));
                        }
                        (None, Some(tty)) if asked.is_none() && pace == Pace::Step && !p.free => {
                            let style = render::Style {
                                width: tty.columns().unwrap_or(style.width),
                                ..style
                            };
                            let lines = render::pause(script, step, &pids, style);
                            p.shown_rows = render::rows(&lines, style.width);
                            tty.say(&lines);
                            tty.keys();
                        }
                        _ => {}
                    }
                }
            }
            // A pause ends at a key, after the delay, or at once after `c`; a question when
            // its answer is typed.
            if let Some(p) = pause.as_deref_mut()
                && let Some(since) = p.since
            {
                let go = if let Some(ask) = p.asking {
                    match self.tty.as_mut().map(read_line) {
                        // An empty answer is no answer: the question is asked again.
                        Some(Some(Some(line))) if line.trim().is_empty() => {
                            if let Some(tty) = self.tty.as_mut() {
                                tty.say(&render::question_prompt(script, ask, style));
                            }
                            false
                        }
                        Some(Some(Some(line))) => {
                            typed.push((ask, line));
                            true
                        }
                        Some(Some(None)) => false,
                        // The terminal is gone: end cleanly, as `q` would.
                        Some(None) => return end(Waited::Quit),
                        None => true,
                    }
                } else {
                    match pace {
                        // A question in a run paced by keys or a delay, without --predict.
                        _ if p.stops_for_asks_only => true,
                        Pace::Delay(ms) => since.elapsed() >= Duration::from_millis(ms),
                        _ if p.free => true,
                        _ => match self.tty.as_mut().map(read_key) {
                            Some(Key::Run) => true,
                            Some(Key::Rest) => {
                                p.free = true;
                                true
                            }
                            Some(Key::Quit) => return end(Waited::Quit),
                            Some(Key::None) | None => false,
                        },
                    }
                };
                if go {
                    if let Some(tty) = self.tty.as_mut() {
                        tty.restore();
                        // The pause's lines go once a key ends it: the screen keeps the
                        // steps (at 80×24, five and more of them).
                        if p.shown_rows > 0 {
                            tty.say(&format!("\x1b[{}A\r\x1b[J", p.shown_rows));
                        }
                    }
                    p.shown_rows = 0;
                    deadline += since.elapsed();
                    p.since = None;
                    p.asking = None;
                    p.stops_for_asks_only = false;
                    let _ = unistd::write(&p.go, b"g");
                }
            }
            // The runner closes the stream as it exits; until both, keep waiting. Whatever it
            // wrote before it exited is still in the pipe: it is read (above, on the next
            // turn, which the pipe's end of file wakes at once) through the same handling as
            // every other event, the last reveal and the score of --predict included.
            if exited.is_none() {
                exited = match waitpid(Pid::from_raw(runner), Some(WaitPidFlag::WNOHANG)) {
                    Ok(WaitStatus::StillAlive) => None,
                    Ok(status) => Some(Some(status)),
                    Err(_) => Some(None),
                };
            }
            if let (Some(status), false) = (exited, open) {
                return end(Waited::Ended(status));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            // While paused the deadline waits too (the pause is added to it at the key).
            let paused = pause.as_deref().is_some_and(|p| p.since.is_some());
            if left.is_zero() && !paused {
                return end(Waited::Overran);
            }
            let ms = PollTimeout::try_from(left.as_millis().min(60_000) as i32)
                .unwrap_or(PollTimeout::MAX);
            let paused_since = pause.as_deref().and_then(|p| p.since);
            let ms = match (pace, paused_since) {
                (Pace::Delay(delay), Some(since)) => PollTimeout::try_from(
                    Duration::from_millis(delay)
                        .saturating_sub(since.elapsed())
                        .as_millis()
                        .clamp(1, 60_000) as i32,
                )
                .unwrap_or(ms),
                _ => ms,
            };
            let mut fds = vec![PollFd::new(self.signals.as_fd(), PollFlags::POLLIN)];
            if open {
                fds.push(PollFd::new(events.as_fd(), PollFlags::POLLIN));
            }
            let asking = pause.as_deref().is_some_and(|p| p.asking.is_some());
            if let (true, Some(_), Some(tty)) = (
                pace == Pace::Step || asking,
                paused_since,
                self.tty.as_ref(),
            ) {
                fds.push(PollFd::new(tty.file.as_fd(), PollFlags::POLLIN));
            }
            // An exited runner's pidfd stays readable: once its status is collected, only the
            // stream's end of file is waited for.
            if let (Some(fd), None) = (&pidfd, exited) {
                fds.push(PollFd::new(fd.as_fd(), PollFlags::POLLIN));
            }
            let timeout = if pidfd.is_some() || open {
                ms
            } else {
                PollTimeout::from(1u8)
            };
            let _ = poll(&mut fds, timeout);
        }
    }

    /// The summary `procdemo all` ends with.
    /// Render a recorded run's events again (`procdemo replay`): the same outputs a run has,
    /// fed from the recording, with no process.
    pub fn replay(
        &mut self,
        name: &str,
        script: &Script,
        origin: &Origin,
        events: &[Event],
    ) -> DemoResult {
        let start = Instant::now();
        let mut renderer = render::outputs(&self.formats(), script, origin, self.style());
        let mut ended = None;
        for event in events {
            if let Event::End { ok } = event {
                ended = Some(*ok);
            }
            self.sink.write(|out| renderer.event(event, out));
        }
        DemoResult {
            name: name.to_string(),
            ok: ended == Some(true),
            wall: start.elapsed(),
            problem: None,
        }
    }

    /// Text that goes to standard output, or to standard error where standard output is
    /// JSON (a replay's notice).
    pub fn note(&mut self, text: &str) {
        if self.output.json || self.output.json_events || self.output.wire {
            crate::engine::error::say(text.trim_end());
        } else {
            self.show(text);
        }
    }

    pub fn summary(&mut self, results: &[DemoResult]) {
        let text = render::summary(results, &self.formats(), self.style());
        self.sink.write(|out| out.write_all(text.as_bytes()));
    }

    /// A write error on standard output (other than a reader that went away), if any.
    pub fn output_error(&mut self) -> Option<std::io::Error> {
        self.sink.error.take()
    }
}

/// A key typed at a `--step` pause.
enum Key {
    /// Enter: run the next step.
    Run,
    /// `c`: run the rest without pausing.
    Rest,
    /// `q`, or the terminal is gone: end the run cleanly.
    Quit,
    /// Nothing (yet), or a key that means nothing here.
    None,
}

/// A line typed on the terminal, if one is there now (the terminal is in its usual line
/// mode: the student sees and edits the answer). Some(None): nothing yet; None: the terminal
/// is gone.
fn read_line(tty: &mut Tty) -> Option<Option<String>> {
    use std::io::Read;
    let ready = |tty: &Tty| {
        let mut fds = [PollFd::new(tty.file.as_fd(), PollFlags::POLLIN)];
        matches!(poll(&mut fds, PollTimeout::ZERO), Ok(n) if n > 0)
    };
    if !ready(tty) {
        return Some(None);
    }
    // One line is one answer, however long: a terminal in canonical mode hands a line over
    // in pieces as large as the buffer, never more than one line per read(). The pieces are
    // read to the line's end; past MAX_ANSWER bytes they are discarded.
    let mut line: Vec<u8> = Vec::new();
    let mut buf = [0u8; 512];
    loop {
        match tty.file.read(&mut buf) {
            Ok(0) | Err(_) if line.is_empty() => return None,
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let piece = &buf[..n];
                let end = piece.iter().position(|&b| b == b'\n');
                let text = &piece[..end.unwrap_or(n)];
                let room = MAX_ANSWER.saturating_sub(line.len());
                line.extend_from_slice(&text[..text.len().min(room)]);
                // The rest of a line is there at once; a line ended by Ctrl-D has no newline.
                if end.is_some() || !ready(tty) {
                    break;
                }
            }
        }
    }
    Some(Some(String::from_utf8_lossy(&line).trim().to_string()))
}

/// The bytes of a typed answer kept (the rest of a longer line is read and discarded).
const MAX_ANSWER: usize = 256;

/// Read what the terminal holds now (it is polled first, so this does not wait long).
fn read_key(tty: &mut Tty) -> Key {
    use std::io::Read;
    let mut fds = [PollFd::new(tty.file.as_fd(), PollFlags::POLLIN)];
    if !matches!(poll(&mut fds, PollTimeout::ZERO), Ok(n) if n > 0) {
        return Key::None;
    }
    let mut buf = [0u8; 16];
    match tty.file.read(&mut buf) {
        // End of file or an error: the terminal was closed (SIGHUP usually says so first).
        Ok(0) | Err(_) => Key::Quit,
        Ok(n) => {
            let keys = &buf[..n];
            if keys.iter().any(|&k| k == b'q' || k == b'Q') {
                Key::Quit
            } else if keys.iter().any(|&k| k == b'c' || k == b'C') {
                Key::Rest
            } else if keys.iter().any(|&k| k == b'\n' || k == b'\r') {
                Key::Run
            } else {
                Key::None
            }
        }
    }
}

/// Read what an event pipe (a runner's or the watcher's) holds and hand every complete event
/// to `show`. Returns false at end of file (or on an error: the stream is over either way). A
/// line that does not decode ends the stream too: the front end then reports it as garbled.
fn read_events<T: serde::de::DeserializeOwned>(
    fd: &OwnedFd,
    buf: &mut Vec<u8>,
    show: &mut dyn FnMut(T),
) -> bool {
    let mut chunk = [0u8; 16384];
    let open = loop {
        match unistd::read(fd, &mut chunk) {
            Ok(0) => break false,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(nix::Error::EAGAIN) => break true,
            Err(nix::Error::EINTR) => {}
            Err(_) => break false,
        }
    };
    while let Some(end) = buf.iter().position(|&b| b == b'\n') {
        let line: Vec<u8> = buf.drain(..=end).collect();
        match serde_json::from_slice::<T>(&line) {
            Ok(event) => show(event),
            Err(_) => return false,
        }
    }
    open
}

/// Keep the front end off the CPU its runner is on. The runner pins itself and its actors to
/// the CPU it started on (see `runner::share_one_cpu`), which is the front end's; the front
/// end, woken by every event to render it, would otherwise take turns with them there. On the
/// other CPUs it renders while the run goes on. Best effort: with one CPU they share it.
fn leave_the_runner_its_cpu() {
    use nix::sched::{CpuSet, sched_getaffinity, sched_getcpu, sched_setaffinity};
    let (Ok(here), Ok(allowed)) = (sched_getcpu(), sched_getaffinity(Pid::from_raw(0))) else {
        return;
    };
    let mut others = allowed;
    if others.unset(here).is_err() {
        return;
    }
    let any_other = (0..CpuSet::count()).any(|c| others.is_set(c).unwrap_or(false));
    if any_other {
        let _ = sched_setaffinity(Pid::from_raw(0), &others);
    }
}

/// The origin of a script, for the header and the JSON document.
pub fn origin_of(source: &crate::app::cli::Source) -> Origin {
    match source {
        crate::app::cli::Source::Builtin(name) => Origin::Builtin(format!("demos/{name}.demo")),
        crate::app::cli::Source::File(path) => Origin::File(path.display().to_string()),
        crate::app::cli::Source::Stdin => Origin::File(STDIN.to_string()),
    }
}

/// How a script read from standard input (`procdemo run -`) is named: in its title, its
/// origin and its errors (`stdin:3: ...`).
pub const STDIN: &str = "stdin";

/// A user's script as messages name it: its path as given, or [`STDIN`].
pub fn shown(source: &crate::app::cli::Source) -> String {
    match source {
        crate::app::cli::Source::Builtin(name) => name.to_string(),
        crate::app::cli::Source::File(path) => path.display().to_string(),
        crate::app::cli::Source::Stdin => STDIN.to_string(),
    }
}

/// Where `procdemo watch` and `procdemo check` write their report: standard error (the program
/// keeps standard output and the terminal), or the `-o FILE`. A reader that went away ends it
/// quietly.
pub struct Report {
    out: Box<dyn Write>,
    closed: bool,
    /// The first error writing it (not EPIPE: a reader that went away is not an error).
    error: Option<std::io::Error>,
}

impl Report {
    /// The report on standard error, or in the `-o FILE`; true: on standard error.
    fn open(path: Option<&std::path::Path>) -> Result<(Report, bool), Error> {
        let out: Box<dyn Write> = match path {
            Some(path) => Box::new(sys::create_report(path).map_err(|e| {
                Error::Usage(Usage::Report {
                    path: escape(&path.display().to_string()).into_owned(),
                    error: os_error(e),
                })
            })?),
            None => Box::new(std::io::stderr()),
        };
        // Each event's text goes out whole in one write() (events are buffered whole, and
        // flushed after each batch read from the watcher): on a terminal the program shares,
        // its output then falls between procdemo's lines, never inside one (unbuffered stderr
        // would write every piece of a line apart).
        let out: Box<dyn Write> = Box::new(std::io::BufWriter::with_capacity(1 << 16, out));
        Ok((
            Report {
                out,
                closed: false,
                error: None,
            },
            path.is_none(),
        ))
    }

    fn write(&mut self, f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) {
        if self.closed {
            return;
        }
        // Rendered whole, then handed to the buffer in one piece: the buffer writes it out
        // whole (never split between two write()s).
        let mut event = Vec::new();
        let result = f(&mut event).and_then(|()| self.out.write_all(&event));
        self.failed(result);
    }

    /// Write a whole text (the check's verdicts), and flush it.
    pub fn text(&mut self, text: &str) {
        self.write(|out| out.write_all(text.as_bytes()));
        self.flush();
    }

    /// Write out what is buffered: after each batch of events read, and at the end. (The
    /// buffer only ever writes whole events, so a terminal the program shares never shows
    /// procdemo's line cut by the program's output.)
    pub fn flush(&mut self) {
        if !self.closed {
            let result = self.out.flush();
            self.failed(result);
        }
    }

    /// The report could not be written (ENOSPC on `-o /dev/full`, EIO...): the error to say.
    pub fn error(&mut self) -> Option<Error> {
        self.error
            .take()
            .map(|e| Error::System(System::Write { error: os_error(e) }))
    }

    fn failed(&mut self, result: std::io::Result<()>) {
        if let Err(e) = result {
            self.closed = true;
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                self.error = Some(e);
            }
        }
    }
}

/// How a watch ended: by a signal (procdemo killed and reaped the family), and whether the
/// watcher's stream said the family was over (`WatchEvent::End`).
pub struct WatchRun {
    pub interrupted: Option<i32>,
    pub ended: bool,
}

/// The command a watch ran, as its errors name it (argv[0], escaped).
pub fn command_name(options: &crate::watch::tracer::Options) -> String {
    escape(
        &options
            .argv
            .first()
            .map_or_else(String::new, |a| a.to_string_lossy().into_owned()),
    )
    .into_owned()
}

impl FrontEnd {
    /// `--json` was asked for.
    pub fn json(&self) -> bool {
        self.output.json
    }

    /// Open the report of a watch or a check: standard error, or the `-o FILE`.
    pub fn report(&self, path: Option<&std::path::Path>) -> Result<(Report, bool), Error> {
        Report::open(path)
    }

    /// `procdemo watch -- COMMAND`: fork the watcher (see `watch/tracer.rs`), render its events
    /// on the report as they come, and end with the summary, the tree and the timeline.
    /// Returns the program's exit code (its first process's; 128 + N for a signal N).
    ///
    /// The watcher and the program stay in procdemo's process group: the program reads the
    /// terminal as it would without procdemo, and a Ctrl-C reaches it as well as the front
    /// end, which then kills the watcher (the kernel kills every tracee with it:
    /// PTRACE_O_EXITKILL) and kills and reaps whatever was reparented here.
    pub fn watch(
        &mut self,
        options: &crate::watch::tracer::Options,
        report: Option<&std::path::Path>,
        timeline: bool,
    ) -> Result<i32, Error> {
        let (mut report, to_stderr) = Report::open(report)?;
        let mut style = self.style();
        style.timeline = timeline;
        if to_stderr {
            style.width = render::stderr_width();
        }
        let form = match (self.output.json, self.output.json_events) {
            (_, true) => render::watch::Form::JsonEvents,
            (true, false) => render::watch::Form::Json,
            (false, false) => render::watch::Form::Text,
        };
        let mut renderer = render::watch::Watch::new(form, style);
        if !options.signals {
            renderer.hide_signals();
        }
        if options.all {
            renderer.show_all();
        }
        let WatchRun { interrupted, ended } =
            self.watch_family(options, &mut |event| match event {
                Some(event) => report.write(|out| renderer.event(event, out)),
                None => report.flush(),
            })?;
        report.write(|out| renderer.finish(interrupted, out));
        report.flush();
        if let Err((path, e)) = renderer.write_page() {
            return Err(Error::Usage(Usage::Html {
                path: escape(&path.display().to_string()).into_owned(),
                error: os_error(e),
            }));
        }
        if let Some(sig) = interrupted {
            return Err(Error::Interrupted(sig));
        }
        if let Some(e) = report.error() {
            return Err(e);
        }
        let command = command_name(options);
        if let Some(problem) = renderer.problem() {
            return Err(Error::Watch {
                command,
                problem: problem.clone(),
            });
        }
        match (ended, renderer.exit_code()) {
            (true, Some(code)) => Ok(code),
            _ => Err(Error::Watch {
                command,
                problem: crate::engine::model::WatchProblem::Lost,
            }),
        }
    }

    /// Run `options`' command under the watcher, exactly as `procdemo watch` does (the one
    /// path of `watch` and `check`): fork the watcher, hand each of its events to `show` as
    /// it comes (and `None` after each batch read: a time to flush), and wait for the end of
    /// its stream and its death (or a signal: the watcher is killed, and the family with it).
    /// Whatever the watcher left is killed and reaped before this returns.
    pub fn watch_family(
        &mut self,
        options: &crate::watch::tracer::Options,
        show: &mut dyn FnMut(Option<&crate::engine::model::WatchEvent>),
    ) -> Result<WatchRun, Error> {
        let (events_in, events_out) = unistd::pipe2(OFlag::O_CLOEXEC).map_err(|e| {
            Error::System(System::Pipe {
                demo: Some("watch".into()),
                error: os_error(e),
            })
        })?;
        let _ = std::io::stdout().flush();
        let frontend = unistd::getpid().as_raw();
        // SAFETY: the front end is single-threaded (it never starts a thread), so the child
        // is a complete copy that may run normal Rust: it becomes the watcher.
        #[allow(unsafe_code)]
        let forked = unsafe { sys::fork() };
        let watcher = match forked {
            Ok(Forked::Child { .. }) => {
                let _ = unistd::close(events_in.as_raw_fd());
                let _ = unistd::close(self.signals.as_raw_fd());
                if let Some(tty) = &self.tty {
                    let _ = unistd::close(tty.file.as_raw_fd());
                }
                // A panic must end the watcher here and never unwind into the front end's
                // frames (the family dies with it: PTRACE_O_EXITKILL).
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    crate::watch::tracer::main(options, frontend, events_out)
                }));
                sys::exit_now(101)
            }
            Ok(Forked::Parent(pid)) => pid,
            Err(e) => {
                return Err(Error::System(System::ForkWatcher { error: os_error(e) }));
            }
        };
        drop(events_out);
        let _ = fcntl(&events_in, FcntlArg::F_SETFL(OFlag::O_NONBLOCK));
        let pidfd = sys::pidfd_open(watcher).ok();
        let mut buf = Vec::new();
        let mut open = true;
        let mut ended = false;
        let mut exited = false;
        let mut interrupted = None;
        loop {
            if let Some(sig) = self.signal() {
                let _ = kill(Pid::from_raw(watcher), Signal::SIGKILL);
                let _ = waitpid(Pid::from_raw(watcher), None);
                interrupted = Some(sig);
                break;
            }
            if open {
                open = read_events(
                    &events_in,
                    &mut buf,
                    &mut |event: crate::engine::model::WatchEvent| {
                        if matches!(event, crate::engine::model::WatchEvent::End { .. }) {
                            ended = true;
                        }
                        show(Some(&event));
                    },
                );
                show(None);
            }
            if !exited {
                exited = !matches!(
                    waitpid(Pid::from_raw(watcher), Some(WaitPidFlag::WNOHANG)),
                    Ok(WaitStatus::StillAlive)
                );
            }
            if exited && !open {
                break;
            }
            let mut fds = vec![PollFd::new(self.signals.as_fd(), PollFlags::POLLIN)];
            if open {
                fds.push(PollFd::new(events_in.as_fd(), PollFlags::POLLIN));
            }
            if let (Some(fd), false) = (&pidfd, exited) {
                fds.push(PollFd::new(fd.as_fd(), PollFlags::POLLIN));
            }
            let timeout = if pidfd.is_some() || open {
                PollTimeout::NONE
            } else {
                PollTimeout::from(1u8)
            };
            let _ = poll(&mut fds, timeout);
        }
        // Whatever the watcher left (after a crash, or a signal): kill and reap it.
        self.clean_up();
        Ok(WatchRun { interrupted, ended })
    }
}
