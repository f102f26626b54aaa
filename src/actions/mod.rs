//! What a role can do: the actions of the `.demo` language, and what each returned.
//!
//! An [`Action`] is parsed from a script line; an actor performs it and reports an
//! [`Outcome`]: exactly what the system call returned, or the errno it failed with. Both are
//! data: the words for them live in `render/`.

mod compat;
pub use compat::RunnerAction;

use crate::script::RoleId;
use serde::{Deserialize, Serialize};

/// Who a wait is for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum WaitTarget {
    Role(RoleId),
    /// Any child, like `wait()` / `waitpid(-1, ...)`.
    Any,
}

/// What SIGCHLD should do, for the `sigchld` action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SigchldMode {
    /// SIG_DFL: exited children stay zombies until waited for.
    #[serde(rename = "SIG_DFL")]
    Default,
    /// SIG_IGN: the kernel reaps exited children at once.
    #[serde(rename = "SIG_IGN")]
    Ignore,
    /// A handler installed with SA_NOCLDWAIT: reaped at once, and the handler still runs.
    #[serde(rename = "SA_NOCLDWAIT")]
    NoCldWait,
}

/// Something a role does. The runner may only `fork`, `waitpid ROLE` and `kill`.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// fork(); the new process takes the named role.
    Fork { child: RoleId },
    /// _exit(code).
    Exit { code: i32 },
    /// waitpid(pid of target or -1, WNOHANG if nohang). With `until_reaped` (`nohang loop`),
    /// WNOHANG is polled in a busy loop until a child is reaped, counting the zero returns.
    Wait {
        target: WaitTarget,
        nohang: bool,
        until_reaped: bool,
    },
    /// waitid(P_PID, WEXITED|WNOWAIT): read the status without reaping.
    Peek { target: RoleId },
    /// Sleep in read() until the next command.
    Block,
    /// kill(pid of target, signal).
    Kill { target: RoleId, signal: i32 },
    /// Set SIGCHLD's disposition.
    Sigchld(SigchldMode),
    /// setsid(): a new session and process group led by this process.
    Setsid,
    /// nice(n): change this process's nice value by n.
    Nice { delta: i32 },
    /// Run a busy loop (state R) until the next command.
    Spin,
    /// Start a second thread that sleeps until the process ends.
    Thread,
    /// mlock() one page.
    Lock,
    /// Open a pseudo-terminal, become its session leader and foreground process group.
    Pty,
    /// ptrace(PTRACE_SEIZE) then PTRACE_INTERRUPT: the target stops in state t.
    Trace { target: RoleId },
    /// PTRACE_DETACH: the target runs again.
    Untrace { target: RoleId },
    /// clone(CLONE_VFORK): this process waits (state D) until the new child exits.
    Vfork { child: RoleId },
    /// Map and write a private anonymous region of `mib` MiB.
    Alloc { mib: u64 },
    /// Write one byte in every page of the region (copy-on-write faults, if shared).
    TouchAll,
    /// Append a number to this process's list (the course notes' `L.append(...)`).
    Append { value: i64 },
    /// Report this process's list, read from its own memory.
    Show,
}

impl Action {
    /// The role a new process created by this action will take.
    pub fn creates(&self) -> Option<RoleId> {
        match self {
            Action::Fork { child } | Action::Vfork { child } => Some(*child),
            _ => None,
        }
    }

    /// The other role this action names (whose PID the runner sends with the command).
    pub fn target(&self) -> Option<RoleId> {
        match self {
            Action::Wait {
                target: WaitTarget::Role(r),
                ..
            }
            | Action::Peek { target: r }
            | Action::Kill { target: r, .. }
            | Action::Trace { target: r }
            | Action::Untrace { target: r } => Some(*r),
            _ => None,
        }
    }

    /// Actions that keep the process running (state R) until they end, so `observe` must not
    /// wait for it to settle into a sleep.
    pub fn runs_busy_loop(&self) -> bool {
        matches!(
            self,
            Action::Spin
                | Action::Wait {
                    until_reaped: true,
                    ..
                }
        )
    }
}

/// A system call (or the short sequence of them one action makes), by the name the kernel's
/// documentation gives it: an identifier, the same in every language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum Call {
    Fork,
    CloneVfork,
    Wait,
    Waitpid,
    Waitid,
    Kill,
    Sigaction,
    Setsid,
    Setpriority,
    PthreadCreate,
    Mlock,
    Pty,
    Ptrace,
    PtraceDetach,
    Mmap,
    ReadOwnStat,
    Pipe,
    Fcntl,
    PrctlDeathSignal,
    PrctlSubreaper,
    Sigprocmask,
    PidfdOpen,
    Write,
    Read,
}

impl Call {
    pub const ALL: &[Call] = &[
        Call::Fork,
        Call::CloneVfork,
        Call::Wait,
        Call::Waitpid,
        Call::Waitid,
        Call::Kill,
        Call::Sigaction,
        Call::Setsid,
        Call::Setpriority,
        Call::PthreadCreate,
        Call::Mlock,
        Call::Pty,
        Call::Ptrace,
        Call::PtraceDetach,
        Call::Mmap,
        Call::ReadOwnStat,
        Call::Pipe,
        Call::Fcntl,
        Call::PrctlDeathSignal,
        Call::PrctlSubreaper,
        Call::Sigprocmask,
        Call::PidfdOpen,
        Call::Write,
        Call::Read,
    ];

    /// The call as C code writes it, e.g. `clone(CLONE_VFORK)`.
    pub fn name(self) -> &'static str {
        match self {
            Call::Fork => "fork",
            Call::CloneVfork => "clone(CLONE_VFORK)",
            Call::Wait => "wait",
            Call::Waitpid => "waitpid",
            Call::Waitid => "waitid",
            Call::Kill => "kill",
            Call::Sigaction => "sigaction",
            Call::Setsid => "setsid",
            Call::Setpriority => "setpriority",
            Call::PthreadCreate => "pthread_create",
            Call::Mlock => "mlock",
            Call::Pty => "openpty/setsid/TIOCSCTTY",
            Call::Ptrace => "ptrace",
            Call::PtraceDetach => "ptrace(PTRACE_DETACH)",
            Call::Mmap => "mmap",
            Call::ReadOwnStat => "read(/proc/self/stat)",
            Call::Pipe => "pipe2",
            Call::Fcntl => "fcntl",
            Call::PrctlDeathSignal => "prctl(PR_SET_PDEATHSIG)",
            Call::PrctlSubreaper => "prctl(PR_SET_CHILD_SUBREAPER)",
            Call::Sigprocmask => "sigprocmask",
            Call::PidfdOpen => "pidfd_open",
            Call::Write => "write",
            Call::Read => "read",
        }
    }
}

impl From<Call> for &'static str {
    fn from(c: Call) -> &'static str {
        c.name()
    }
}

impl TryFrom<String> for Call {
    type Error = String;
    fn try_from(s: String) -> Result<Call, String> {
        Call::ALL
            .iter()
            .copied()
            .find(|c| c.name() == s)
            .ok_or_else(|| format!("not a known call: {s:?}"))
    }
}

/// What an action did, as the kernel answered it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// fork() returned this PID to the parent.
    Forked { pid: i32 },
    /// clone(CLONE_VFORK) returned this PID to the parent, once the child had exited.
    Vforked { pid: i32 },
    /// About to call _exit(code).
    Exiting { code: i32 },
    /// wait/waitpid returned this PID and raw status.
    Reaped { pid: i32, status: i32 },
    /// waitpid(..., WNOHANG) returned 0 this many times in a row while the child ran.
    NotYet { polls: u32 },
    /// waitpid(..., WNOHANG) in a loop: it returned 0 `zeros` times, then this PID and status.
    PolledThenReaped { zeros: u64, pid: i32, status: i32 },
    /// waitid(WNOWAIT) read this status (si_code, si_status) and left the child a zombie.
    Peeked { pid: i32, code: i32, status: i32 },
    /// The call failed with this errno.
    Failed { call: Call, errno: i32 },
    /// Sleeping in read() until the next command.
    Blocking,
    /// In a busy loop until the next command.
    Spinning,
    /// kill() returned 0: the signal was sent.
    Signalled { pid: i32, signal: i32 },
    /// SIGCHLD's disposition is set.
    SigchldSet { mode: SigchldMode },
    /// setsid() returned the new session id.
    NewSession { sid: i32 },
    /// The nice value is now this.
    Niced { nice: i32 },
    /// A second thread was started.
    Threaded,
    /// This many bytes are locked in memory.
    Locked { bytes: usize },
    /// A pseudo-terminal is the controlling terminal of this new session.
    Terminal { sid: i32 },
    /// ptrace attached to and interrupted the target.
    Traced { pid: i32 },
    /// ptrace detached from the target.
    Untraced { pid: i32 },
    /// A region of this many bytes was mapped at `addr` and every page written.
    Allocated {
        bytes: usize,
        pages: usize,
        addr: u64,
    },
    /// Every page of the region was written; minor faults read from /proc/self/stat around it.
    Touched {
        pages: usize,
        minflt_before: u64,
        minflt_after: u64,
    },
    /// This process's list, read from its own memory.
    List { values: Vec<i64> },
}

impl Outcome {
    /// An outcome for a failed call.
    pub fn failed(call: Call, e: impl Into<std::io::Error>) -> Outcome {
        Outcome::Failed {
            call,
            errno: e.into().raw_os_error().unwrap_or(0),
        }
    }
}
