//! The only module with `unsafe` code: process creation, `_exit`, `prctl`, pidfds, signal
//! dispositions, ptrace, vfork-style clone, mlock and pseudo-terminals.
//!
//! Everything here is a thin wrapper that turns a raw call into an `io::Result`. The callers
//! guarantee the one precondition that matters for `fork`: the calling process has a single
//! thread (the runner is started fresh for each demo and never spawns threads; an actor that
//! started a thread is refused `fork` by the script checker).
#![allow(unsafe_code)]

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

/// Turn a `-1` return into the errno that came with it.
fn check(ret: libc::c_long) -> io::Result<libc::c_long> {
    if ret == -1 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

pub enum Forked {
    /// In the parent: the new child's PID.
    Parent(i32),
    Child,
}

/// Number of threads in this process, read from /proc/self/stat.
fn thread_count() -> Option<i64> {
    let bytes = std::fs::read("/proc/self/stat").ok()?;
    crate::observe::parse_stat(&bytes).ok().map(|s| s.threads)
}

/// fork(). The caller must be single-threaded; this is checked in debug builds.
pub fn fork() -> io::Result<Forked> {
    debug_assert_eq!(
        thread_count(),
        Some(1),
        "fork() from a multi-threaded process"
    );
    // SAFETY: the calling process is single-threaded (runner or actor, see the module doc), so
    // the child is an exact copy with no lock held by another thread; it may run normal Rust.
    match unsafe { libc::fork() } {
        -1 => Err(io::Error::last_os_error()),
        0 => Ok(Forked::Child),
        pid => Ok(Forked::Parent(pid)),
    }
}

/// clone(CLONE_VFORK | SIGCHLD) without CLONE_VM: the child gets its own copy of memory, as
/// with fork(), but the parent is suspended in an uninterruptible (killable) sleep, state D,
/// until the child exits or execs. This is the part of vfork() that shows in /proc. (A real
/// vfork() shares the parent's memory, and then the child may do almost nothing but exec;
/// without CLONE_VM the child can be an ordinary actor.)
pub fn vfork_like() -> io::Result<Forked> {
    debug_assert_eq!(
        thread_count(),
        Some(1),
        "clone() from a multi-threaded process"
    );
    // SAFETY: without CLONE_VM the child has a private copy of the address space and a copy
    // of the stack this call returns on, exactly as after fork(), and the caller is
    // single-threaded, so no lock is held by another thread. The child then runs the actor's
    // normal Rust code. What a raw clone skips compared with glibc's fork() is harmless here:
    // the atfork handlers only reset locks other threads could hold (there are none), and the
    // child's thread descriptor still records the parent's TID, which only matters to
    // owner-checked pthread mutexes and to raise(), neither of which an actor uses (getpid()
    // is a real system call in glibc >= 2.25).
    let ret = unsafe {
        libc::syscall(
            libc::SYS_clone,
            (libc::CLONE_VFORK | libc::SIGCHLD) as libc::c_ulong,
            0usize,
            0usize,
            0usize,
            0usize,
        )
    };
    match check(ret)? {
        0 => Ok(Forked::Child),
        pid => Ok(Forked::Parent(pid as i32)),
    }
}

/// _exit(code): end the process at once, without running destructors or flushing stdio (an
/// actor must never flush a copy of its parent's buffers).
pub fn exit_now(code: i32) -> ! {
    // SAFETY: _exit is always safe to call; it does not return.
    unsafe { libc::_exit(code) }
}

fn prctl(option: libc::c_int, arg: libc::c_ulong) -> io::Result<()> {
    // SAFETY: the prctl options used here take one integer argument and no pointers.
    check(unsafe { libc::prctl(option, arg, 0, 0, 0) } as libc::c_long).map(drop)
}

/// Become a child subreaper: orphaned descendants are reparented to this process.
pub fn set_child_subreaper() -> io::Result<()> {
    prctl(libc::PR_SET_CHILD_SUBREAPER, 1)
}

/// Ask the kernel to send `signal` to this process when its parent dies.
pub fn set_parent_death_signal(signal: i32) -> io::Result<()> {
    prctl(libc::PR_SET_PDEATHSIG, signal as libc::c_ulong)
}

/// A file descriptor that becomes readable when the process `pid` exits.
pub fn pidfd_open(pid: i32) -> io::Result<OwnedFd> {
    // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor we then own.
    let fd = check(unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) })?;
    // SAFETY: the kernel just returned this descriptor; nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// Give this process (and so every process it forks) the signal state of a fresh process:
/// nothing blocked, and the default action for every signal a script can send or change.
///
/// The runner inherits its front end's mask, in which SIGINT, SIGTERM and SIGHUP are blocked
/// (the front end reads them from a signalfd), and whatever its own caller ignored (a shell
/// starting a background job ignores SIGINT and SIGQUIT; a parent may ignore SIGCHLD).
/// Actors would inherit all of it, and `kill child TERM` would then do nothing. SIGPIPE is
/// left as Rust's runtime set it (ignored): an actor writing to a pipe nobody reads gets
/// EPIPE and exits on its own.
pub fn reset_signals() -> io::Result<()> {
    for sig in [
        libc::SIGHUP,
        libc::SIGINT,
        libc::SIGQUIT,
        libc::SIGUSR1,
        libc::SIGUSR2,
        libc::SIGTERM,
        libc::SIGCHLD,
        libc::SIGCONT,
    ] {
        // SAFETY: SIG_DFL installs no handler, so no code of ours can run on a signal.
        if unsafe { libc::signal(sig, libc::SIG_DFL) } == libc::SIG_ERR {
            return Err(io::Error::last_os_error());
        }
    }
    // SAFETY: an empty set is initialised by sigemptyset before sigprocmask reads it.
    unsafe {
        let mut empty: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut empty);
        check(libc::sigprocmask(libc::SIG_SETMASK, &empty, std::ptr::null_mut()) as libc::c_long)?;
    }
    Ok(())
}

/// Ignore SIGTTOU, so that the runner, which runs in a process group of its own (in the
/// background of a terminal), may still print its output when the terminal has `stty tostop`.
pub fn ignore_sigttou() {
    // SAFETY: SIG_IGN installs no handler, so no code of ours can run on a signal.
    unsafe { libc::signal(libc::SIGTTOU, libc::SIG_IGN) };
}

/// Set SIGCHLD's disposition: default, ignored, or a no-op handler with SA_NOCLDWAIT.
pub fn set_sigchld(ignore: bool, nocldwait: bool) -> io::Result<()> {
    extern "C" fn on_sigchld(_: libc::c_int) {}
    // SAFETY: an all-zero sigaction is a valid value to fill in.
    let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
    sa.sa_sigaction = if nocldwait {
        on_sigchld as *const () as libc::sighandler_t
    } else if ignore {
        libc::SIG_IGN
    } else {
        libc::SIG_DFL
    };
    sa.sa_flags = libc::SA_RESTART | if nocldwait { libc::SA_NOCLDWAIT } else { 0 };
    // SAFETY: `sa` is fully initialised; the handler is async-signal-safe (it does nothing).
    check(unsafe { libc::sigaction(libc::SIGCHLD, &sa, std::ptr::null_mut()) } as libc::c_long)
        .map(drop)
}

/// waitid(P_PID, pid, WEXITED | WNOWAIT [| WNOHANG]): the child's status, left unreaped.
/// Returns (si_code, si_status), or None when WNOHANG found nothing yet.
pub fn waitid_nowait(pid: i32, nohang: bool) -> io::Result<Option<(i32, i32)>> {
    // SAFETY: siginfo_t is plain data; all-zero is valid and tells "nothing" after WNOHANG.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    let flags = libc::WEXITED | libc::WNOWAIT | if nohang { libc::WNOHANG } else { 0 };
    // SAFETY: `info` is a valid, writable siginfo_t.
    check(
        unsafe { libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, flags) } as libc::c_long,
    )?;
    // SAFETY: after a successful waitid the kernel filled si_pid and si_status (or left zeros).
    let (got, status) = unsafe { (info.si_pid(), info.si_status()) };
    if got == 0 {
        Ok(None)
    } else {
        Ok(Some((info.si_code, status)))
    }
}

/// PTRACE_SEIZE then PTRACE_INTERRUPT: the tracee stops (state t) without being signalled.
pub fn ptrace_seize_and_interrupt(pid: i32) -> io::Result<()> {
    // SAFETY: these ptrace requests take no pointers (addr and data are 0).
    unsafe {
        check(libc::ptrace(libc::PTRACE_SEIZE, pid, 0usize, 0usize))?;
        check(libc::ptrace(libc::PTRACE_INTERRUPT, pid, 0usize, 0usize))?;
    }
    Ok(())
}

/// PTRACE_DETACH: let the tracee run again.
pub fn ptrace_detach(pid: i32) -> io::Result<()> {
    // SAFETY: PTRACE_DETACH with data 0 takes no pointers.
    check(unsafe { libc::ptrace(libc::PTRACE_DETACH, pid, 0usize, 0usize) }).map(drop)
}

/// An anonymous private mapping that lives as long as the process (actors never unmap it).
pub struct Region {
    ptr: *mut u8,
    len: usize,
}

impl Region {
    /// Map `len` bytes of private anonymous memory made of ordinary pages.
    ///
    /// MADV_NOHUGEPAGE keeps transparent huge pages out, whatever the system's THP setting, so
    /// copy-on-write happens page by page (one minor fault per page written, as the course notes
    /// describe) and /proc/PID/smaps accounts each page on its own. It also marks the mapping
    /// with a flag ordinary mappings lack, so the kernel does not merge it with a neighbouring
    /// heap or stack mapping, and its entry in smaps is exactly this region.
    pub fn map(len: usize) -> io::Result<Region> {
        // SAFETY: an anonymous private mapping of `len` bytes at an address of the kernel's choice.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: the range is the mapping just made; the advice changes no memory contents.
        // Failing (a kernel built without THP says EINVAL) leaves ordinary pages anyway.
        unsafe { libc::madvise(ptr, len, libc::MADV_NOHUGEPAGE) };
        Ok(Region {
            ptr: ptr.cast(),
            len,
        })
    }

    /// The region's start address, as /proc/PID/smaps shows it (the same in a forked child).
    pub fn addr(&self) -> u64 {
        self.ptr as u64
    }

    /// Write `value` to the first byte of every page; returns the number of pages written.
    pub fn touch_pages(&self, value: u8) -> usize {
        let page = page_size();
        let mut pages = 0;
        for offset in (0..self.len).step_by(page) {
            // SAFETY: offset < len and the mapping is readable and writable for len bytes.
            // A volatile write so the store (and its page fault) really happens.
            unsafe { self.ptr.add(offset).write_volatile(value) };
            pages += 1;
        }
        pages
    }

    pub fn len(&self) -> usize {
        self.len
    }
}

pub fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    unsafe { libc::sysconf(libc::_SC_PAGESIZE) as usize }
}

/// mlock() one freshly mapped page; returns the mapping so it stays locked.
pub fn lock_one_page() -> io::Result<Region> {
    let region = Region::map(page_size())?;
    region.touch_pages(1);
    // SAFETY: the range is one page inside a mapping we own.
    check(unsafe { libc::mlock(region.ptr.cast(), region.len) } as libc::c_long)?;
    Ok(region)
}

/// Open a pseudo-terminal pair, make a new session and take the terminal as its controlling
/// terminal, so this process leads the session and is its foreground process group.
/// Returns the two descriptors, which the caller keeps open, and the new session's id.
pub fn become_pty_session_leader() -> io::Result<(OwnedFd, OwnedFd, i32)> {
    let mut master: RawFd = -1;
    let mut slave: RawFd = -1;
    // SAFETY: openpty writes two descriptors; the name, termios and winsize pointers may be null.
    check(unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    } as libc::c_long)?;
    // SAFETY: openpty succeeded, so both descriptors are new and ours.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    // SAFETY: setsid takes no arguments.
    let sid = check(unsafe { libc::setsid() } as libc::c_long)? as i32;
    // SAFETY: TIOCSCTTY takes an integer argument (0: do not steal).
    check(unsafe { libc::ioctl(slave.as_raw_fd(), libc::TIOCSCTTY, 0) } as libc::c_long)?;
    Ok((master, slave, sid))
}

/// waitpid(pid, &status, WNOHANG?) with the raw status number. `Ok(None)`: WNOHANG and no
/// child has changed state yet.
pub fn waitpid(pid: i32, nohang: bool) -> io::Result<Option<(i32, i32)>> {
    let mut status = 0;
    let flags = if nohang { libc::WNOHANG } else { 0 };
    // SAFETY: `status` is a valid, writable int.
    let got = check(unsafe { libc::waitpid(pid, &mut status, flags) } as libc::c_long)?;
    Ok((got != 0).then_some((got as i32, status)))
}

/// Change this process's nice value by `delta`; returns the new value.
pub fn nice(delta: i32) -> io::Result<i32> {
    // SAFETY: getpriority/setpriority on our own process take no pointers. getpriority cannot
    // fail for PRIO_PROCESS 0, so its return is the current nice value.
    let current = unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
    let wanted = (current + delta).clamp(-20, 19);
    // SAFETY: as above: an integer request about this process.
    check(unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, wanted) } as libc::c_long)?;
    // Report what the kernel now holds, not what was asked for.
    // SAFETY: as above.
    Ok(unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) })
}

/// Name this process (PR_SET_NAME: its `comm`, as `ps` and `pstree` show it; the kernel keeps
/// the first 15 bytes).
pub fn set_name(name: &str) -> io::Result<()> {
    let name = std::ffi::CString::new(name).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: PR_SET_NAME reads a NUL-terminated string from the pointer, which lives until
    // the call returns.
    check(unsafe { libc::prctl(libc::PR_SET_NAME, name.as_ptr() as libc::c_ulong, 0, 0, 0) } as libc::c_long)
        .map(drop)
}

/// Make /dev/null this process's standard input (the runner: no process of a demo reads the
/// terminal, which stays the front end's). Best effort.
pub fn stdin_from_dev_null() {
    if let Ok(null) = std::fs::File::open("/dev/null") {
        // SAFETY: dup2 between two descriptors this process owns.
        unsafe { libc::dup2(null.as_raw_fd(), 0) };
    }
}
