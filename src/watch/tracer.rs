//! The watcher of `procdemo watch -- COMMAND`: runs a user's program and reports, as typed
//! [`WatchEvent`]s, every process its family creates, every exec, exit, zombie, reap, orphan
//! and state change, as the kernel reports them.
//!
//! The front end forks the watcher (a single-threaded copy of itself) and reads its events
//! from a pipe, as it does a runner's. The watcher is the family's **tracer**: it forks the
//! command's first process, which waits on a pipe until the watcher has PTRACE_SEIZEd it with
//! PTRACE_O_TRACEFORK, TRACEVFORK, TRACECLONE (every new process and thread is then traced
//! from its first instruction, however short its life), TRACEEXEC, TRACEEXIT and EXITKILL
//! (if the watcher dies, the kernel kills the family). Then it execs the command; a failed
//! exec sends its errno back on a close-on-exec pipe. The watcher is also the family's
//! **child subreaper**: orphans are reparented to it, and it reaps them.
//!
//! How each fact is learnt (see ARCHITECTURE.md, "procdemo watch"):
//! - fork/vfork/clone: the parent's ptrace event stop (PTRACE_GETEVENTMSG gives the new PID);
//!   the new process's own first stop is held until its parent's event has been read, so a
//!   process never appears before its creation. A new thread (CLONE_THREAD, told by its Tgid)
//!   is counted apart.
//! - exec: PTRACE_EVENT_EXEC (comm and argv read from /proc while it is held there).
//! - exit: PTRACE_EVENT_EXIT (the status it is exiting with), then the tracer's wait reports
//!   its death: it is a zombie from then on, if /proc says `Z`. A zombie's end is its reap:
//!   a pidfd polled for POLLHUP (this kernel wakes the poller when the process is released),
//!   or the watcher's own wait for an orphan. Who reaped it: its parent then (its PPID).
//! - state: /proc/PID/stat read about every millisecond for each live process the watcher is
//!   not holding; `t` (a tracing stop, the watcher's) is never reported; a group-stop
//!   (the program's own SIGSTOP) is reported from the ptrace stop that says so, and the
//!   tracee is left stopped with PTRACE_LISTEN until a SIGCONT.
//!
//! A process whose parent is not the watcher stays a zombie after the tracer's wait, for its
//! real parent; if that parent ignores SIGCHLD the kernel releases it at that moment instead
//! (`Reaper::Kernel`: under ptrace it waited for the tracer's wait first, which is the
//! tracing's doing, not the program's, and is not reported as a zombie).
//!
//! Nothing outlives the watcher: beyond `limit` processes alive at once, at the front end's
//! death, or (with `kill_rest`) when the first process ends, it SIGKILLs every process of the
//! family and reaps until waitpid says there is nothing left.

use crate::engine::model::{
    ExitStatus, ForkKind, KillReason, Reaper, SessionOf, SignalAction, State, WatchEvent,
    WatchProblem,
};
use crate::kernel::proc;
use crate::kernel::sys::{self, Forked};
use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{Signal, kill};
use nix::unistd::{self, Pid};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ffi::{OsStr, OsString};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::time::Instant;

/// The most processes of a watched family alive at once, unless `--max-procs` says otherwise.
pub const DEFAULT_LIMIT: usize = 256;

/// The highest `--max-procs` accepts.
pub const MAX_LIMIT: usize = 4096;

/// How often live processes' states are read from /proc while nothing else happens.
pub const SAMPLE_MS: u8 = 1;

/// How long the watcher looks again for a next stop before it sleeps (µs): see `run`.
const SPIN_US: u128 = 50;

/// What to watch, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The command and its arguments, any bytes (argv[0] is looked up in PATH as execvp
    /// does).
    pub argv: Vec<OsString>,
    /// The most processes of the family alive at once (`--max-procs`).
    pub limit: usize,
    /// Kill what is still alive when the first process ends (`--kill-rest`).
    pub kill_rest: bool,
    /// Show the signals delivered (not `--no-signals`): the report's choice; the watcher
    /// reports them always.
    pub signals: bool,
    /// Fold nothing (`--all`): the report's choice.
    pub all: bool,
    /// Kill the family if it has not ended this long after its first process was created,
    /// having said what each live process was doing (`procdemo check --timeout`).
    pub deadline: Option<std::time::Duration>,
}

/// One process of the family, as the watcher knows it.
struct Proc {
    /// Its parent when it was created, then its latest known PPID.
    ppid: i32,
    /// /proc/PID/stat's start time: a PID handed to another process is not this one.
    starttime: Option<u64>,
    /// The latest state reported for it.
    state: Option<State>,
    /// Its command name as last reported (a change without an exec is a PR_SET_NAME).
    comm: String,
    /// In a group-stop the program asked for (held with PTRACE_LISTEN).
    stopped: bool,
    /// Created (its creator's event read) and its first stop not yet seen.
    fresh: bool,
    /// For its first stop: its creator's thread, how often that had been scheduled when it
    /// was resumed at the fork event, and when.
    hold: Option<(i32, Option<u64>, Instant)>,
    /// PTRACE_EVENT_EXIT was seen (the status reported).
    exiting: bool,
    /// When its exit was reported (its exit event, or its death without one).
    exit_us: Option<u64>,
    /// At its exit event its parent was blocked in a wait() its death satisfies (read while
    /// the exiting process is held, before the parent can be woken).
    parent_waiting: bool,
    /// Died (the tracer's wait said so) at this time; a zombie from then until reaped.
    died_us: Option<u64>,
    /// Whether it was seen as a zombie (`Z` in /proc) after its death.
    zombie: bool,
    /// A zombie's pidfd, polled for its reap.
    pidfd: Option<OwnedFd>,
    /// Gone from /proc: reaped.
    gone: bool,
}

/// The write end of the event pipe: events are queued and written without blocking, so a
/// slow reader never holds the family in a ptrace stop; at the end the rest is written,
/// blocking.
struct Events {
    fd: OwnedFd,
    queued: Vec<u8>,
    /// The reader is gone (EPIPE): nothing more can be said; the family is killed.
    broken: bool,
    /// The pipe was full at the last write: the watch loop waits for room too.
    full: bool,
    last_flush: Instant,
}

/// How long events may wait in the queue: the front end renders them in batches (waking it
/// for every stop of a loop of forks took CPU time from the family on a small machine), and
/// is never more than this behind.
const FLUSH_MS: u128 = 10;

impl Events {
    fn send(&mut self, event: &WatchEvent) {
        if serde_json::to_writer(&mut self.queued, event).is_ok() {
            self.queued.push(b'\n');
        }
        // Written in batches: by size here, by age in the watch loop (`flush_due`).
        if self.queued.len() >= 1 << 15 {
            self.flush();
        }
    }

    /// Flush if the queue is big or FLUSH_MS old.
    fn flush_due(&mut self) {
        if self.queued.len() >= 1 << 14 || self.last_flush.elapsed().as_millis() >= FLUSH_MS {
            self.flush();
        }
    }

    fn flush(&mut self) {
        self.last_flush = Instant::now();
        self.full = false;
        while !self.queued.is_empty() && !self.broken {
            match unistd::write(&self.fd, &self.queued) {
                Ok(n) => {
                    self.queued.drain(..n);
                }
                Err(nix::Error::EINTR) => {}
                Err(nix::Error::EAGAIN) => {
                    self.full = true;
                    break;
                }
                Err(_) => self.broken = true,
            }
        }
    }

    fn finish(&mut self) {
        let _ = fcntl(&self.fd, FcntlArg::F_SETFL(OFlag::empty()));
        self.flush();
    }
}

struct Watcher {
    me: i32,
    t0: Instant,
    root: i32,
    limit: usize,
    kill_rest: bool,
    procs: BTreeMap<i32, Proc>,
    /// Threads that are not their process's leader: TID → the process (TGID).
    threads: HashMap<i32, i32>,
    /// New tracees whose first stop came before their creator's event: held stopped.
    early: BTreeSet<i32>,
    /// New processes made by vfork() and not yet let go: their parent's wait is read first.
    vforked: BTreeSet<i32>,
    /// The family's /proc files, kept open.
    kept: proc::Kept,
    alive: usize,
    /// Why the family is being killed, once it is: every stop from then on is killed too.
    killing: Option<KillReason>,
    events: Events,
    /// When live processes' states were last read from /proc.
    last_sample: Instant,
    /// The processes not yet gone (`procs` keeps every one ever seen: walking it at each
    /// stop would make a long loop of forks quadratic).
    present: BTreeSet<i32>,
    /// The zombies whose pidfd is polled for their reap.
    polled: BTreeSet<i32>,
    /// New processes to let go once their parent has run since its fork event: (new, parent
    /// thread, the parent's count of times scheduled when it was resumed, when).
    to_release: Vec<(i32, i32, Option<u64>, Instant)>,
    /// When the family is killed if it has not ended (`Options::deadline`).
    deadline: Option<Instant>,
}

/// The watcher's body, in the process the front end forked for it. Never returns: it ends
/// with `_exit` (0; 1 when it could not set itself up, which it has said in an event).
pub fn main(options: &Options, frontend: i32, events: OwnedFd) -> ! {
    let _ = fcntl(&events, FcntlArg::F_SETFL(OFlag::O_NONBLOCK));
    let mut out = Events {
        fd: events,
        queued: Vec::new(),
        broken: false,
        full: false,
        last_flush: Instant::now(),
    };
    let code = match watch(options, frontend, &mut out) {
        Ok(()) => 0,
        Err((call, e)) => {
            out.send(&WatchEvent::Problem {
                problem: WatchProblem::Setup {
                    call: call.to_string(),
                    errno: e.raw_os_error().unwrap_or(0),
                },
            });
            1
        }
    };
    out.finish();
    sys::exit_now(code)
}

type SetupError = (&'static str, std::io::Error);

fn setup<T>(call: &'static str, r: Result<T, impl Into<std::io::Error>>) -> Result<T, SetupError> {
    r.map_err(|e| (call, e.into()))
}

fn watch(options: &Options, frontend: i32, out: &mut Events) -> Result<(), SetupError> {
    let _ = sys::set_name("procdemo-watch");
    setup("prctl(PR_SET_CHILD_SUBREAPER)", sys::set_child_subreaper())?;
    // The front end's death ends the watch: a signal read from the signalfd below, after
    // which the family is killed and reaped here (nobody else would reap it).
    let death = sys::front_end_death_signal();
    let signals = setup("signalfd", sys::signalfd(&[libc::SIGCHLD, death]))?;
    setup(
        "prctl(PR_SET_PDEATHSIG)",
        sys::set_parent_death_signal_raw(death),
    )?;
    if unistd::getppid().as_raw() != frontend {
        return Ok(()); // The front end is already gone: nothing was started.
    }
    let (go_r, go_w) = setup("pipe", sys::pipe_cloexec())?;
    let (err_r, err_w) = setup("pipe", sys::pipe_cloexec())?;
    // SAFETY: the watcher is single-threaded (forked from the single-threaded front end; it
    // starts no thread), so the child may run normal Rust until it execs.
    #[allow(unsafe_code)]
    let forked = unsafe { sys::fork() };
    let root = match setup("fork", forked)? {
        Forked::Child { .. } => start_command(&options.argv, go_r, err_w, [go_w, err_r]),
        Forked::Parent(pid) => pid,
    };
    let t0 = Instant::now();
    drop(go_r);
    drop(err_w);
    let me = unistd::getpid().as_raw();
    let mut w = Watcher {
        me,
        t0,
        root,
        limit: options.limit,
        kill_rest: options.kill_rest,
        procs: BTreeMap::new(),
        threads: HashMap::new(),
        early: BTreeSet::new(),
        vforked: BTreeSet::new(),
        kept: proc::Kept::default(),
        alive: 0,
        killing: None,
        events: Events {
            fd: out.fd.try_clone().map_err(|e| ("dup", e))?,
            queued: Vec::new(),
            broken: false,
            full: false,
            last_flush: t0,
        },
        last_sample: t0,
        present: BTreeSet::new(),
        polled: BTreeSet::new(),
        to_release: Vec::new(),
        deadline: options.deadline.map(|d| t0 + d),
    };
    let argv_text: Vec<String> = options
        .argv
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let traced = sys::ptrace_seize(
        root,
        libc::PTRACE_O_TRACEFORK
            | libc::PTRACE_O_TRACEVFORK
            | libc::PTRACE_O_TRACECLONE
            | libc::PTRACE_O_TRACEEXEC
            | libc::PTRACE_O_TRACEEXIT
            | libc::PTRACE_O_EXITKILL,
    );
    if let Err(e) = traced {
        w.events.send(&WatchEvent::Problem {
            problem: WatchProblem::Trace {
                errno: e.raw_os_error().unwrap_or(0),
                tracer: proc::brief(me).ok().flatten().map_or(0, |b| b.tracer_pid),
            },
        });
        // The child has not exec'd: it reads end of file on its pipe and exits.
        drop(go_w);
        let _ = kill(Pid::from_raw(root), Signal::SIGKILL);
        let _ = sys::waitpid(root, false);
        w.events.finish();
        return Ok(());
    }
    // Named by what it is about to run (its comm is still the watcher's until its exec).
    let about_to_run = comm_of_path(options.argv.first().map_or(OsStr::new(""), |a| a));
    w.procs
        .insert(root, Proc::new(me, starttime(root), &about_to_run));
    w.present.insert(root);
    w.alive = 1;
    let _ = unistd::write(&go_w, b"g");
    drop(go_w);
    // End of file: the exec succeeded (the pipe is close-on-exec, closed before the exec's
    // ptrace stop, where the command now waits). Else: its errno (4 bytes), whether a file of
    // that name was found (1 byte), the length of the path tried (2 bytes) and the path. (Not
    // read to its end of file: the failed process holds the pipe open in its exit stop.)
    let mut failed = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let whole = failed.len() >= 7
            && failed.len() >= 7 + usize::from(u16::from_ne_bytes([failed[5], failed[6]]));
        if whole {
            break;
        }
        match unistd::read(&err_r, &mut chunk) {
            Ok(0) => break,
            Ok(n) => failed.extend_from_slice(&chunk[..n]),
            Err(nix::Error::EINTR) => {}
            Err(_) => break,
        }
    }
    drop(err_r);
    if failed.len() >= 7 {
        let errno = i32::from_ne_bytes([failed[0], failed[1], failed[2], failed[3]]);
        let found = failed[4] != 0;
        let path = OsStr::from_bytes(failed.get(7..).unwrap_or_default());
        let interpreter = (found && errno == libc::ENOENT)
            .then(|| interpreter_of(path))
            .flatten();
        // Nothing of the program ran: no report, only the problem (the front end's one line).
        w.events.send(&WatchEvent::Problem {
            problem: WatchProblem::Exec {
                errno,
                found,
                interpreter,
            },
        });
        // procdemo's own process, not the program's: killed and reaped without a word.
        let _ = kill(Pid::from_raw(root), Signal::SIGKILL);
        loop {
            match sys::wait_any(false) {
                Ok(Some((pid, status))) if libc::WIFSTOPPED(status) => {
                    let _ = sys::ptrace_cont(pid, 0);
                }
                Ok(_) => {}
                Err(e) if e.raw_os_error() == Some(libc::EINTR) => {}
                Err(_) => break,
            }
        }
        w.events.finish();
        return Ok(());
    }
    w.events.send(&WatchEvent::Begin {
        watcher: me,
        limit: options.limit,
        argv: argv_text,
    });
    w.events.send(&WatchEvent::Fork {
        t_us: 0,
        parent: me,
        pid: root,
        kind: ForkKind::Fork,
        comm: about_to_run,
    });
    w.run(&signals, death);
    w.events.finish();
    Ok(())
}

/// In the command's process: wait until the watcher has seized it, then exec the command as
/// a shell would; a failed exec writes its errno, whether the file was found, and its path
/// on `err`, and exits 127.
fn start_command(argv: &[OsString], go: OwnedFd, err: OwnedFd, theirs: [OwnedFd; 2]) -> ! {
    drop(theirs);
    let _ = sys::program_signals();
    let mut byte = [0u8; 1];
    loop {
        match unistd::read(&go, &mut byte) {
            Ok(1) => break,
            Err(nix::Error::EINTR) => {}
            // The watcher is gone (or refused): nothing is run.
            _ => sys::exit_now(127),
        }
    }
    drop(go);
    let (e, found, path) = exec_like_a_shell(argv);
    let mut message = e
        .raw_os_error()
        .unwrap_or(libc::ENOENT)
        .to_ne_bytes()
        .to_vec();
    message.push(u8::from(found));
    // One write of less than PIPE_BUF: it arrives whole.
    let path = &path.as_bytes()[..path.len().min(3000)];
    message.extend((path.len() as u16).to_ne_bytes());
    message.extend(path);
    let _ = unistd::write(&err, &message);
    sys::exit_now(127)
}

/// Run `argv` as execvp() and a shell do: a name with a `/` is a path, otherwise each
/// directory of PATH in turn; an executable file the kernel cannot run (ENOEXEC: a script
/// without `#!`) is run by /bin/sh; a file that exists but whose `#!` interpreter does not
/// (ENOENT) ends the search, as in a shell ("bad interpreter"). Returns only when every
/// attempt failed: the error, whether a file was found, and the path it concerns.
fn exec_like_a_shell(argv: &[OsString]) -> (std::io::Error, bool, OsString) {
    let name = argv.first().cloned().unwrap_or_default();
    let enoent = || std::io::Error::from_raw_os_error(libc::ENOENT);
    if name.is_empty() {
        return (enoent(), false, name);
    }
    let candidates: Vec<OsString> = if name.as_bytes().contains(&b'/') {
        vec![name.clone()]
    } else {
        let path = std::env::var_os("PATH").unwrap_or_else(|| "/bin:/usr/bin".into());
        path.as_bytes()
            .split(|&b| b == b':')
            .map(|dir| {
                let dir: &[u8] = if dir.is_empty() { b"." } else { dir };
                let mut p = dir.to_vec();
                p.push(b'/');
                p.extend_from_slice(name.as_bytes());
                OsString::from_vec(p)
            })
            .collect()
    };
    let mut refused = None;
    let mut last = (enoent(), false, name.clone());
    for candidate in candidates {
        let e = sys::execve_os(&candidate, argv);
        let is_file = std::fs::metadata(&candidate).is_ok_and(|m| m.is_file());
        match e.raw_os_error() {
            Some(libc::ENOEXEC) => {
                // As execvp: the file is a shell script without `#!`.
                let mut sh_argv = vec![OsString::from("/bin/sh"), candidate.clone()];
                sh_argv.extend(argv.iter().skip(1).cloned());
                let e = sys::execve_os(OsStr::new("/bin/sh"), &sh_argv);
                return (e, true, candidate);
            }
            Some(libc::ENOENT) if is_file => return (e, true, candidate),
            Some(libc::EACCES) => refused = Some((e, is_file, candidate)),
            Some(libc::ENOENT | libc::ENOTDIR | libc::ESTALE | libc::ENODEV | libc::ETIMEDOUT) => {
                last = (e, false, candidate)
            }
            _ => return (e, is_file, candidate),
        }
    }
    refused.unwrap_or(last)
}

/// The interpreter a script's `#!` line names (None: no such line).
fn interpreter_of(path: &OsStr) -> Option<String> {
    use std::io::Read;
    let mut head = [0u8; 256];
    let n = std::fs::File::open(path).ok()?.read(&mut head).ok()?;
    let line = head[..n].strip_prefix(b"#!")?;
    let line = line.split(|&b| b == b'\n').next()?;
    let word = String::from_utf8_lossy(line);
    word.split_whitespace().next().map(str::to_string)
}

/// The comm a program started from `path` gets: its file name, cut to 15 bytes (TASK_COMM_LEN).
fn comm_of_path(path: &OsStr) -> String {
    let base = path
        .as_bytes()
        .rsplit(|&b| b == b'/')
        .next()
        .unwrap_or_default();
    let mut end = base.len().min(15);
    while end > 0 && std::str::from_utf8(&base[..end]).is_err() {
        end -= 1;
    }
    String::from_utf8_lossy(&base[..end]).into_owned()
}

/// Whether `parent` (a thread of it) is blocked in a wait() that `child`'s death satisfies:
/// wait4/waitpid or waitid with WEXITED, for any child, this one, or its process group
/// (/proc/PID/task/TID/syscall: the call a blocked thread is in, and its arguments).
fn waits_for(kept: &mut proc::Kept, parent: i32, child: i32, threaded: bool) -> bool {
    // A parent of one thread: its own syscall file; else each thread's.
    let files: Vec<Option<String>> = if threaded {
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{parent}/task")) else {
            return false;
        };
        tasks
            .flatten()
            .map(|t| Some(t.path().join("syscall").to_string_lossy().into_owned()))
            .collect()
    } else {
        // Its own syscall file, kept open: read at every exit of a child.
        vec![None]
    };
    let pgid = || proc::sample(child).ok().flatten().map(|s| s.pgrp);
    for file in files {
        let text = match &file {
            Some(path) => proc::read_line_file(path),
            None => kept.line(parent, "syscall"),
        };
        // None: "running", or not in a system call.
        let Some((nr, args)) = text.and_then(|t| proc::parse_syscall(&t)) else {
            continue;
        };
        let args: Vec<i64> = args.into_iter().map(|v| v as i64).collect();
        // A wait with WNOHANG never blocks: one caught in it (preempted there) is polling,
        // not waiting.
        let hit = if nr == libc::SYS_wait4 {
            let want = args[0] as i32;
            (args[2] as i32) & libc::WNOHANG == 0
                && match want {
                    -1 => true,
                    0 => pgid().is_some_and(|g| {
                        Some(g) == proc::sample(parent).ok().flatten().map(|s| s.pgrp)
                    }),
                    w if w < -1 => pgid() == Some(-w),
                    w => w == child,
                }
        } else if nr == libc::SYS_waitid {
            let (idtype, id, options) = (args[0] as u32, args[1] as i32, args[3] as i32);
            // WNOWAIT only peeks: the child stays a zombie after it returns.
            options & libc::WEXITED != 0
                && options & (libc::WNOWAIT | libc::WNOHANG) == 0
                && match idtype {
                    libc::P_ALL => true,
                    libc::P_PID => id == child,
                    libc::P_PGID => pgid() == Some(id),
                    // P_PIDFD: the descriptor's process, from its fdinfo.
                    3 => {
                        std::fs::read_to_string(format!("/proc/{parent}/fdinfo/{id}"))
                            .ok()
                            .and_then(|t| {
                                t.lines()
                                    .find_map(|l| l.strip_prefix("Pid:"))
                                    .and_then(|v| v.trim().parse::<i32>().ok())
                            })
                            == Some(child)
                    }
                    _ => false,
                }
        } else {
            false
        };
        if hit {
            return true;
        }
    }
    false
}

/// What delivering `signal` does to `pid`, by its dispositions now.
fn action_of(kept: &mut proc::Kept, pid: i32, signal: i32) -> SignalAction {
    let bit = 1u64 << (signal - 1);
    // Signals 1 to 31 from stat (generated in about two thirds of status's time, and read at
    // every SIGCHLD of a loop of forks), the real-time ones from status.
    let (caught, ignored) = if signal < 32 {
        kept.sample(pid)
            .map_or((0, 0), |s| (s.sig_caught_std, s.sig_ignored_std))
    } else {
        proc::brief(pid)
            .ok()
            .flatten()
            .map_or((0, 0), |b| (b.sig_caught, b.sig_ignored))
    };
    if caught & bit != 0 {
        return SignalAction::Handled;
    }
    if ignored & bit != 0 {
        return SignalAction::Ignored;
    }
    match signal {
        libc::SIGCHLD | libc::SIGURG | libc::SIGWINCH => SignalAction::Ignored,
        libc::SIGSTOP | libc::SIGTSTP | libc::SIGTTIN | libc::SIGTTOU => SignalAction::Stopped,
        libc::SIGCONT => SignalAction::Continued,
        _ => SignalAction::Killed,
    }
}

/// How many times a thread has been scheduled (the third field of /proc/TID/schedstat).
fn times_scheduled(kept: &mut proc::Kept, tid: i32) -> Option<u64> {
    let text = kept.line(tid, "schedstat")?;
    text.split_whitespace().nth(2)?.parse().ok()
}

fn starttime(pid: i32) -> Option<u64> {
    proc::sample(pid).ok().flatten().map(|s| s.starttime)
}

/// Tgid and PPid of a process or thread, from /proc/PID/status.
fn tgid_and_ppid(pid: i32) -> Option<(i32, i32)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().parse::<i32>().ok())
    };
    Some((field("Tgid:")?, field("PPid:")?))
}

/// Whether `pid` ignores SIGCHLD (the sigignore field of /proc/PID/stat).
fn ignores_sigchld(kept: &mut proc::Kept, pid: i32) -> bool {
    kept.sample(pid)
        .is_some_and(|s| s.sig_ignored_std & (1 << (libc::SIGCHLD - 1)) != 0)
}

impl Proc {
    fn new(ppid: i32, starttime: Option<u64>, comm: &str) -> Proc {
        Proc {
            ppid,
            starttime,
            state: None,
            comm: comm.to_string(),
            stopped: false,
            fresh: false,
            hold: None,
            exiting: false,
            exit_us: None,
            parent_waiting: false,
            died_us: None,
            zombie: false,
            pidfd: None,
            gone: false,
        }
    }

    fn live(&self) -> bool {
        self.died_us.is_none() && !self.gone
    }
}

impl Watcher {
    fn now(&self) -> u64 {
        self.t0.elapsed().as_micros() as u64
    }

    fn send(&mut self, event: WatchEvent) {
        self.events.send(&event);
        if self.events.broken && self.killing.is_none() {
            self.kill_all(KillReason::FrontEndGone);
        }
    }

    /// The process a PID or TID belongs to.
    fn process_of(&self, tid: i32) -> i32 {
        self.threads.get(&tid).copied().unwrap_or(tid)
    }

    fn run(&mut self, signals: &OwnedFd, death: i32) {
        loop {
            for signo in sys::read_signalfd(signals) {
                if signo == death && self.killing.is_none() {
                    self.kill_all(KillReason::FrontEndGone);
                }
            }
            let mut none_left = false;
            // When the looking again after a stop began (None: not looking).
            let mut spin_from: Option<Instant> = None;
            let mut stops = 0usize;
            loop {
                let got = sys::wait_any(true);
                // A stop tends to follow another within microseconds (a process let go goes
                // on to its next event): once the stops at hand are handled, look again for
                // SPIN_US, giving up the CPU in between, before going to sleep. Waking a
                // sleeping watcher (on a VM, a halted virtual CPU) took longer than a stop
                // itself; a program that makes no stops costs no looking again.
                if matches!(got, Ok(None)) && stops > 0 && self.to_release.is_empty() {
                    let from = *spin_from.get_or_insert_with(Instant::now);
                    if from.elapsed().as_micros() < SPIN_US {
                        std::thread::yield_now();
                        continue;
                    }
                }
                if matches!(got, Ok(Some(_))) {
                    stops += 1;
                    spin_from = None;
                }
                match got {
                    Ok(Some((pid, status))) => {
                        // A reap that happened before this stop is said before it: a parent
                        // that reaped its zombie child and then exited, in that order.
                        self.check_zombies(PollTimeout::ZERO, signals);
                        self.handle(pid, status)
                    }
                    Ok(None) => {
                        // New processes held at their first stop go once every stop already
                        // reported has been handled: their parent, resumed at its fork event,
                        // has had the head start it has without a tracer (as under strace -f).
                        self.release_when_parent_ran();
                        break;
                    }
                    Err(e) if e.raw_os_error() == Some(libc::EINTR) => {}
                    Err(_) => {
                        none_left = true;
                        break;
                    }
                }
            }
            self.check_zombies(PollTimeout::ZERO, signals);
            self.check_deadline();
            if none_left && self.polled.is_empty() {
                // Whatever is still marked live was never reported dead: say it is gone.
                let t_us = self.now();
                self.send(WatchEvent::End { t_us });
                return;
            }
            // States are the one thing the tracer is not told: read from /proc at most once
            // a SAMPLE_MS (not after every ptrace stop: a loop of forks would read every live
            // process's stat thousands of times a second).
            let since = self.last_sample.elapsed();
            if since.as_millis() >= u128::from(SAMPLE_MS) {
                self.sample();
                self.last_sample = Instant::now();
            }
            self.events.flush_due();
            if self.events.broken && self.killing.is_none() {
                self.kill_all(KillReason::FrontEndGone);
            }
            if self.to_release.is_empty() {
                self.check_zombies(PollTimeout::from(SAMPLE_MS), signals);
            } else {
                // A new process waits for its parent to have run: give up the CPU (the
                // parent may be waiting for this one), then look again at once.
                std::thread::yield_now();
                self.check_zombies(PollTimeout::ZERO, signals);
            }
        }
    }

    /// Wait up to `timeout` for a zombie's reap, a signal or room in the event pipe; report
    /// the zombies whose pidfd says they are gone.
    fn check_zombies(&mut self, timeout: PollTimeout, signals: &OwnedFd) {
        let zombies: Vec<i32> = self.polled.iter().copied().collect();
        if zombies.is_empty() && timeout == PollTimeout::ZERO {
            return;
        }
        let mut reaped = Vec::new();
        {
            let mut fds = vec![PollFd::new(signals.as_fd(), PollFlags::POLLIN)];
            if self.events.full && !self.events.queued.is_empty() {
                fds.push(PollFd::new(self.events.fd.as_fd(), PollFlags::POLLOUT));
            }
            let first = fds.len();
            for pid in &zombies {
                if let Some(fd) = self.procs.get(pid).and_then(|p| p.pidfd.as_ref()) {
                    // No event asked for: only POLLHUP, which comes when it is released.
                    fds.push(PollFd::new(fd.as_fd(), PollFlags::empty()));
                }
            }
            let _ = poll(&mut fds, timeout);
            for (i, pid) in zombies.iter().enumerate() {
                if fds[first + i]
                    .revents()
                    .is_some_and(|r| r.contains(PollFlags::POLLHUP))
                {
                    reaped.push(*pid);
                }
            }
        }
        for pid in reaped {
            let t_us = self.now();
            let Some(p) = self.procs.get_mut(&pid) else {
                continue;
            };
            p.pidfd = None;
            p.gone = true;
            self.present.remove(&pid);
            self.kept.forget(pid);
            self.polled.remove(&pid);
            let by = if p.ppid == self.me {
                Reaper::Subreaper
            } else {
                Reaper::Parent { pid: p.ppid }
            };
            let zombie_us = p.died_us.map(|d| t_us.saturating_sub(d));
            self.send(WatchEvent::Reaped {
                t_us,
                pid,
                by,
                zombie_us,
            });
        }
    }

    /// One wait status of a tracee or child.
    fn handle(&mut self, pid: i32, status: i32) {
        if !libc::WIFSTOPPED(status) {
            self.died(pid, status);
            return;
        }
        let sig = libc::WSTOPSIG(status);
        let event = (status >> 16) & 0xff;
        if self.killing.is_some() {
            let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
            let _ = sys::ptrace_cont(pid, 0);
            return;
        }
        match event {
            libc::PTRACE_EVENT_FORK | libc::PTRACE_EVENT_VFORK | libc::PTRACE_EVENT_CLONE => {
                if let Ok(new) = sys::ptrace_event_msg(pid) {
                    let kind = match event {
                        libc::PTRACE_EVENT_FORK => ForkKind::Fork,
                        libc::PTRACE_EVENT_VFORK => ForkKind::Vfork,
                        _ => ForkKind::Clone,
                    };
                    if kind == ForkKind::Vfork {
                        self.vforked.insert(new as i32);
                    }
                    // The parent first, then its child: the order strace -f keeps, and the
                    // scheduler's own after fork() (the parent runs on; the child waits for
                    // a CPU). Released the other way round, the child would often run first.
                    // The parent is let go before the new process is read from /proc (it is
                    // held at its first stop meanwhile): the stop lasts no longer than the
                    // kernel's report of it.
                    let ran = times_scheduled(&mut self.kept, pid);
                    let _ = sys::ptrace_cont(pid, 0);
                    self.created(self.process_of(pid), new as i32, kind);
                    let hold = (pid, ran, Instant::now());
                    if self.early.contains(&(new as i32)) {
                        self.to_release.push((new as i32, hold.0, hold.1, hold.2));
                    } else if let Some(p) = self.procs.get_mut(&(new as i32)) {
                        // Its first stop is still to come: held then, on the same terms.
                        p.hold = Some(hold);
                    }
                    return;
                }
                let _ = sys::ptrace_cont(pid, 0);
            }
            libc::PTRACE_EVENT_EXEC => {
                let former = sys::ptrace_event_msg(pid).map_or(pid, |f| f as i32);
                if former != pid {
                    // A thread exec'd: it took over the process's PID; the old TID is gone.
                    self.threads.remove(&former);
                }
                let t_us = self.now();
                let sample = proc::sample(pid).ok().flatten();
                if let Some(p) = self.procs.get_mut(&pid)
                    && let Some(s) = &sample
                {
                    p.starttime = Some(s.starttime);
                    p.comm = s.comm.clone();
                }
                self.send(WatchEvent::Exec {
                    t_us,
                    pid,
                    comm: sample.map_or_else(String::new, |s| s.comm),
                    argv: proc::cmdline(pid).unwrap_or_default(),
                });
                let _ = sys::ptrace_cont(pid, 0);
            }
            libc::PTRACE_EVENT_EXIT => {
                // A thread's end is not its process's: the leader's exit event while other
                // threads live (pthread_exit in main, or an exec by another thread) is not
                // the process's exit; its death, reported by wait when the last thread is
                // gone, is.
                let others_live = self.threads.values().any(|&process| process == pid);
                let raw = sys::ptrace_event_msg(pid);
                // Whether its parent is already in a wait() for it, read while it is held at
                // its exit stop: once let go it shows Z in /proc, and a parent that polls
                // /proc (not wait()) may see that and only then call wait().
                let waiting_at_death = self.procs.get(&pid).map(|p| {
                    let was = p.ppid;
                    let threaded = self.threads.values().any(|&process| process == was);
                    was != self.me && waits_for(&mut self.kept, was, pid, threaded)
                });
                // Then let it go on dying at once: nothing read below can change before the
                // tracer's own wait reports its death.
                let _ = sys::ptrace_cont(pid, 0);
                if !self.threads.contains_key(&pid)
                    && !others_live
                    && let Ok(raw) = raw
                    && let Some(p) = self.procs.get_mut(&pid)
                    && !p.exiting
                {
                    p.exiting = true;
                    p.parent_waiting = waiting_at_death.unwrap_or(false);
                    let was = p.ppid;
                    self.check_name(pid);
                    // Orphaned since the last look (its parent's death not yet read): say so
                    // before its exit.
                    let parent_ending = self
                        .procs
                        .get(&was)
                        .is_none_or(|parent| parent.exiting || parent.died_us.is_some());
                    if parent_ending
                        && let Some(s) = proc::sample(pid).ok().flatten()
                        && s.ppid != was
                        && s.ppid != 0
                    {
                        // Orphaned since the last look: say so before its exit.
                        self.reparented(pid, was, s.ppid);
                    }
                    let t_us = self.now();
                    if let Some(p) = self.procs.get_mut(&pid) {
                        p.exit_us = Some(t_us);
                    }
                    self.send(WatchEvent::Exit {
                        t_us,
                        pid,
                        status: ExitStatus::decode(raw as i32),
                        core_dumped: libc::WIFSIGNALED(raw as i32) && libc::WCOREDUMP(raw as i32),
                        parent_waiting: waiting_at_death.unwrap_or(false),
                    });
                }
            }
            libc::PTRACE_EVENT_STOP => {
                let known = self.procs.contains_key(&pid) || self.threads.contains_key(&pid);
                if !known {
                    // A new tracee stopped before its creator's event was read: hold it.
                    self.early.insert(pid);
                } else if matches!(
                    sig,
                    libc::SIGSTOP | libc::SIGTSTP | libc::SIGTTIN | libc::SIGTTOU
                ) {
                    // A group-stop: the program's own. It stays stopped (PTRACE_LISTEN).
                    if let Some(p) = self.procs.get_mut(&pid)
                        && !p.stopped
                    {
                        p.stopped = true;
                        p.state = Some(State::Stopped);
                        let t_us = self.now();
                        self.send(WatchEvent::Stopped {
                            t_us,
                            pid,
                            signal: sig,
                        });
                    }
                    let _ = sys::ptrace_listen(pid);
                } else {
                    // SIGTRAP: a stop ended by SIGCONT (or a new tracee's first stop).
                    if let Some(p) = self.procs.get_mut(&pid)
                        && p.stopped
                    {
                        p.stopped = false;
                        p.state = None;
                        let t_us = self.now();
                        self.send(WatchEvent::Continued { t_us, pid });
                    }
                    if let Some(p) = self.procs.get_mut(&pid)
                        && p.fresh
                    {
                        // A new process's first stop, after its creator's event: it goes at
                        // the end of this batch, as one that stopped before it does.
                        p.fresh = false;
                        self.early.insert(pid);
                        let (parent, ran, since) =
                            p.hold.take().unwrap_or((p.ppid, None, Instant::now()));
                        self.to_release.push((pid, parent, ran, since));
                    } else {
                        let _ = sys::ptrace_cont(pid, 0);
                    }
                }
            }
            _ => {
                // A signal on its way to the tracee (its signal-delivery stop): say it, then
                // pass it on unchanged.
                self.signal_delivered(pid, sig);
                let _ = sys::ptrace_cont(pid, sig);
            }
        }
    }

    /// At a ptrace stop of `pid` (held: no exec can be under way), whether its command name
    /// changed since it was last reported: a PR_SET_NAME of its main thread.
    fn check_name(&mut self, pid: i32) {
        let Some(p) = self.procs.get(&pid) else {
            return;
        };
        if p.comm.is_empty() {
            return;
        }
        let Some(now) = proc::read_small(pid, "comm") else {
            return;
        };
        let now = now.trim_end_matches('\n');
        if now != p.comm {
            let comm = now.to_string();
            if let Some(p) = self.procs.get_mut(&pid) {
                p.comm = comm.clone();
            }
            let t_us = self.now();
            self.send(WatchEvent::Renamed { t_us, pid, comm });
        }
    }

    /// A signal-delivery stop of `tid`: who sent `signal` (PTRACE_GETSIGINFO), and what it
    /// does.
    fn signal_delivered(&mut self, tid: i32, signal: i32) {
        let pid = self.process_of(tid);
        if !self.procs.contains_key(&pid) {
            return;
        }
        let (code, sender) = match sys::ptrace_siginfo(tid) {
            Ok((_, code, sender)) => (code, sender),
            Err(_) => (0, 0),
        };
        // A sender of the family is named by the report (as it was then); another is read now.
        let sender_comm = if sender > 0 && !self.procs.contains_key(&sender) {
            proc::sample(sender)
                .ok()
                .flatten()
                .map_or_else(String::new, |s| s.comm)
        } else {
            String::new()
        };
        let action = action_of(&mut self.kept, pid, signal);
        let t_us = self.now();
        self.send(WatchEvent::Signal {
            t_us,
            pid,
            signal,
            code,
            sender,
            sender_comm,
            action,
        });
    }

    /// `new` was created by `creator` (a process, not a thread ID).
    fn created(&mut self, creator: i32, new: i32, kind: ForkKind) {
        let t_us = self.now();
        let is_thread =
            kind == ForkKind::Clone && tgid_and_ppid(new).is_some_and(|(tgid, _)| tgid != new);
        if is_thread {
            self.threads.insert(new, creator);
            self.send(WatchEvent::Thread {
                t_us,
                process: creator,
                tid: new,
            });
        } else if let std::collections::btree_map::Entry::Vacant(e) = self.procs.entry(new) {
            // clone(CLONE_PARENT) (or CLONE_THREAD's sibling rule) gives the new process its
            // creator's parent: /proc says which.
            let sample = self.kept.sample(new);
            let parent = sample
                .as_ref()
                .map_or(creator, |s| if s.ppid > 0 { s.ppid } else { creator });
            let comm = sample.as_ref().map_or_else(String::new, |s| s.comm.clone());
            let mut p = Proc::new(parent, sample.map(|s| s.starttime), &comm);
            p.fresh = !self.early.contains(&new);
            e.insert(p);
            self.present.insert(new);
            self.alive += 1;
            self.send(WatchEvent::Fork {
                t_us,
                parent,
                pid: new,
                kind,
                comm,
            });
            if self.alive > self.limit && self.killing.is_none() {
                self.kill_all(KillReason::Limit);
            }
        }
    }

    /// Let the new processes go whose parent has been on a CPU since it was resumed at its
    /// fork event (/proc/TID/schedstat's count of times scheduled grew), or that have waited
    /// a millisecond: without a tracer the parent runs on after fork() while its child waits
    /// for a CPU; released at once, the child would often run first.
    fn release_when_parent_ran(&mut self) {
        let waiting = std::mem::take(&mut self.to_release);
        for (new, parent, ran, since) in waiting {
            let go = match ran {
                Some(before) => {
                    times_scheduled(&mut self.kept, parent).is_none_or(|now| now > before)
                        || since.elapsed().as_micros() >= 1000
                }
                None => true,
            };
            if go || self.killing.is_some() {
                if self.vforked.remove(&new)
                    && let Some(p) = self.procs.get(&parent)
                    && p.live()
                    && !p.stopped
                {
                    // A vfork()'s parent, let go and on a CPU since, now waits for its child
                    // to exec or exit: /proc shows that wait (D, killable) while the child is
                    // still held, so the line is read, not assumed.
                    let (ppid, start, was) = (p.ppid, p.starttime, p.state);
                    self.read_state(parent, ppid, start, was);
                }
                self.release(new);
            } else {
                self.to_release.push((new, parent, ran, since));
            }
        }
    }

    /// Let a new tracee held at its first stop run (if it stopped before its creator's event).
    fn release(&mut self, new: i32) {
        if self.early.remove(&new) {
            if self.killing.is_some() {
                let _ = kill(Pid::from_raw(new), Signal::SIGKILL);
            }
            let _ = sys::ptrace_cont(new, 0);
        }
    }

    /// The tracer's (or, for its own children, the parent's) wait reported a death.
    fn died(&mut self, pid: i32, status: i32) {
        if self.threads.remove(&pid).is_some() {
            self.kept.forget(pid);
            return;
        }
        let t_us = self.now();
        let Some(p) = self.procs.get_mut(&pid) else {
            return;
        };
        if p.gone {
            return;
        }
        if p.died_us.is_some() {
            // Reported dead before, and now reaped by this wait: an orphaned zombie came to
            // the subreaper. The program never reaped it.
            p.gone = true;
            p.pidfd = None;
            self.present.remove(&pid);
            self.kept.forget(pid);
            self.polled.remove(&pid);
            let zombie_us = p.died_us.map(|d| t_us.saturating_sub(d));
            self.send(WatchEvent::Reaped {
                t_us,
                pid,
                by: Reaper::Subreaper,
                zombie_us,
            });
            return;
        }
        let exit = ExitStatus::decode(status);
        if !p.exiting {
            // No exit event (SIGKILL ends a process without one; a leader's exit event while
            // its other threads lived was a thread's): its status is this wait's.
            p.exiting = true;
            p.exit_us = Some(t_us);
            self.send(WatchEvent::Exit {
                t_us,
                pid,
                status: exit,
                core_dumped: libc::WIFSIGNALED(status) && libc::WCOREDUMP(status),
                parent_waiting: false,
            });
        }
        self.alive = self.alive.saturating_sub(1);
        let Some(p) = self.procs.get_mut(&pid) else {
            return;
        };
        p.died_us = Some(t_us);
        let parent = p.ppid;
        // Still there as a zombie? The pidfd first, then /proc: if the PID was reaped and
        // handed to another process in between, the start time says so.
        let pidfd = sys::pidfd_open(pid).ok();
        let sample = self.kept.sample(pid);
        let was = p.starttime;
        match sample {
            Some(s) if s.state == 'Z' && (was.is_none() || was == Some(s.starttime)) => {
                p.zombie = true;
                if pidfd.is_some() {
                    self.polled.insert(pid);
                }
                p.pidfd = pidfd;
                // A PPID of 0 is a process the kernel is releasing at this very moment (its
                // parent's wait has it; /proc/PID/stat no longer names a parent): not an
                // orphan, and still its parent's.
                if s.ppid != parent && s.ppid != 0 {
                    self.reparented(pid, parent, s.ppid);
                }
                let parent = if s.ppid == 0 { parent } else { s.ppid };
                // Whether the parent was already in a wait() for it when it died (read at its
                // exit stop), not when /proc first showed Z: a parent that comes to wait()
                // later found a zombie that waited for it.
                let parent_waiting =
                    parent != self.me && self.procs.get(&pid).is_some_and(|p| p.parent_waiting);
                self.send(WatchEvent::Zombie {
                    t_us,
                    pid,
                    parent,
                    parent_waiting,
                });
            }
            _ => {
                p.gone = true;
                self.present.remove(&pid);
                self.kept.forget(pid);
                let by = if parent == self.me {
                    if pid == self.root {
                        Reaper::Watcher
                    } else {
                        Reaper::Subreaper
                    }
                } else if ignores_sigchld(&mut self.kept, parent) {
                    Reaper::Kernel
                } else {
                    Reaper::Parent { pid: parent }
                };
                // Already reaped by its parent when its death was read. If that parent was
                // not in a wait() at the exit stop, it came to wait() later: the child waited
                // as a zombie, for at most the time since its exit was reported.
                let waited = matches!(by, Reaper::Parent { .. })
                    && !self.procs.get(&pid).is_some_and(|p| p.parent_waiting);
                let exit_us = self.procs.get(&pid).and_then(|p| p.exit_us);
                let zombie_us = if waited {
                    self.send(WatchEvent::Zombie {
                        t_us,
                        pid,
                        parent,
                        parent_waiting: false,
                    });
                    Some(t_us.saturating_sub(exit_us.unwrap_or(t_us)))
                } else {
                    None
                };
                self.send(WatchEvent::Reaped {
                    t_us,
                    pid,
                    by,
                    zombie_us,
                });
            }
        }
        self.orphans_of(pid);
        if pid == self.root {
            // A process whose exit was reported is not alive, even before its death.
            let alive: Vec<i32> = self
                .present
                .iter()
                .filter(|pid| self.procs.get(pid).is_some_and(|p| p.live() && !p.exiting))
                .copied()
                .collect();
            let t_us = self.now();
            self.send(WatchEvent::MainExited {
                t_us,
                pid,
                status: exit,
                alive: alive.clone(),
            });
            self.send_sessions(&alive);
            if self.kill_rest && !alive.is_empty() && self.killing.is_none() {
                self.kill_all(KillReason::Survivors);
            }
        }
    }

    /// The children of `dead` that the kernel reparented when it died.
    fn orphans_of(&mut self, dead: i32) {
        let children: Vec<i32> = self
            .present
            .iter()
            .filter(|pid| {
                self.procs
                    .get(pid)
                    .is_some_and(|p| p.ppid == dead && !p.gone)
            })
            .copied()
            .collect();
        for pid in children {
            if let Some(s) = proc::sample(pid).ok().flatten()
                && s.ppid != dead
                && s.ppid != 0
                && self.procs.get(&pid).and_then(|p| p.starttime) == Some(s.starttime)
            {
                self.reparented(pid, dead, s.ppid);
            }
        }
    }

    fn reparented(&mut self, pid: i32, from: i32, to: i32) {
        if let Some(p) = self.procs.get_mut(&pid) {
            p.ppid = to;
        }
        let t_us = self.now();
        self.send(WatchEvent::Orphaned {
            t_us,
            pid,
            from,
            to,
        });
    }

    /// Read the state of every live process the watcher is not holding; report changes (and
    /// a parent that changed under it).
    fn sample(&mut self) {
        let live: Vec<(i32, i32, Option<u64>, Option<State>)> = self
            .present
            .iter()
            .filter_map(|pid| self.procs.get(pid).map(|p| (pid, p)))
            .filter(|(pid, p)| p.live() && !p.stopped && !p.exiting && !self.early.contains(pid))
            .map(|(&pid, p)| (pid, p.ppid, p.starttime, p.state))
            .collect();
        for (pid, ppid, start, was) in live {
            self.read_state(pid, ppid, start, was);
        }
    }

    /// Read one process's state (and parent) from /proc; say a change.
    fn read_state(&mut self, pid: i32, ppid: i32, start: Option<u64>, was: Option<State>) {
        let Some(s) = self.kept.sample(pid) else {
            return;
        };
        if start.is_some() && start != Some(s.starttime) {
            return;
        }
        if s.ppid != ppid && s.ppid != 0 {
            self.reparented(pid, ppid, s.ppid);
        }
        // `t`: held by the tracer (the watcher's stop, not the program's); Z and X: its
        // death is about to be reported by wait.
        let state = match State::from_letter(s.state) {
            Some(State::TracingStop | State::Zombie | State::Dead) | None => return,
            Some(state) => state,
        };
        if was != Some(state) {
            if let Some(p) = self.procs.get_mut(&pid) {
                p.state = Some(state);
            }
            let t_us = self.now();
            self.send(WatchEvent::State { t_us, pid, state });
        }
    }

    /// SIGKILL every process of the family; from now on every stop is killed too.
    fn kill_all(&mut self, reason: KillReason) {
        self.killing = Some(reason);
        let pids: Vec<i32> = self
            .present
            .iter()
            .filter(|pid| self.procs.get(pid).is_some_and(Proc::live))
            .copied()
            .chain(self.early.iter().copied())
            .collect();
        for &pid in &pids {
            let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
        }
        for pid in std::mem::take(&mut self.early) {
            let _ = sys::ptrace_cont(pid, 0);
        }
        let t_us = self.now();
        if !self.events.broken {
            self.events.send(&WatchEvent::Killed { t_us, reason, pids });
        }
    }
}

/// `procdemo check`'s deadline and the daemon task's sessions: read from /proc once, at the
/// moment they are asked (never at each fork or exit).
impl Watcher {
    /// Past the deadline with the family still there: say what each live process is doing,
    /// then kill them all (the usual kill path: every one reaped before the end).
    fn check_deadline(&mut self) {
        let Some(deadline) = self.deadline else {
            return;
        };
        if self.killing.is_some() || Instant::now() < deadline {
            return;
        }
        let live: Vec<i32> = self
            .present
            .iter()
            .filter(|pid| self.procs.get(pid).is_some_and(Proc::live))
            .copied()
            .collect();
        // Only zombies left, their reap on its way: the program has ended, just in time.
        if live.is_empty() {
            return;
        }
        self.deadline = None;
        let stuck = crate::watch::stuck::at_deadline(&live);
        let t_us = self.now();
        let after_ms = deadline.duration_since(self.t0).as_millis() as u64;
        self.send(WatchEvent::Deadline {
            t_us,
            after_ms,
            stuck,
        });
        if self.killing.is_none() {
            self.kill_all(KillReason::Deadline);
        }
    }

    /// The sessions of the processes alive when the first process ended (/proc/PID/stat's
    /// sixth field): whether a daemon runs in a session of its own, and leads it.
    fn send_sessions(&mut self, alive: &[i32]) {
        let sessions: Vec<SessionOf> = alive
            .iter()
            .filter_map(|&pid| {
                let s = proc::sample(pid).ok().flatten()?;
                let ours = self.procs.get(&pid).and_then(|p| p.starttime);
                (ours.is_none() || ours == Some(s.starttime)).then_some(SessionOf {
                    pid,
                    sid: s.session,
                })
            })
            .collect();
        if !sessions.is_empty() {
            let t_us = self.now();
            self.send(WatchEvent::Sessions { t_us, sessions });
        }
    }
}
