//! The only module with `unsafe` code: process creation, `_exit`, pidfds, signal
//! dispositions, waits with the raw status, vfork-style clone, memory mappings, the
//! controlling terminal and the nice value.
//!
//! Everything here turns a system call into an `io::Result`. Where nix has a safe wrapper
//! (prctl, ptrace, setsid, openpty, sigprocmask) it is used; nix's unsafe wrappers (fork,
//! sigaction, signal, mmap, madvise, mlock) are used in an `unsafe` block that says why the
//! call is sound. Raw libc remains where nix has nothing (`_exit`, `pidfd_open`, clone without
//! a new stack, TIOCSCTTY, get/setpriority, sysconf without its `feature` feature) or where its
//! types would lose what procdemo prints: `waitpid`'s raw status number, and `waitid`'s raw
//! `si_code` and `si_status` (nix turns them into a `WaitStatus`, which fails on a real-time
//! signal).
//!
//! The precondition that matters for `fork` is the caller's to keep: the calling process has a
//! single thread (the runner is started fresh for each demo and never spawns threads; an actor
//! that started a thread is refused `fork` by the script checker). That is why [`fork`] and
//! [`vfork_like`] are `unsafe fn`s, as nix's `unistd::fork` is.
#![allow(unsafe_code)]

use nix::sys::mman::{self, MapFlags, MmapAdvise, ProtFlags};
use nix::sys::signal::{self, SigHandler, SigSet, SigmaskHow, Signal};
use nix::sys::{prctl, ptrace};
use nix::unistd::{self, Pid};
use std::ffi::{CString, c_void};
use std::io;
use std::num::NonZeroUsize;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicI32, AtomicU32, AtomicUsize, Ordering};

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
    /// In the child: what the call returned there (0), which the child reports itself.
    Child { returned: i32 },
}

/// Number of threads in this process, read from /proc/self/stat.
fn thread_count() -> Option<i64> {
    let bytes = std::fs::read("/proc/self/stat").ok()?;
    crate::kernel::proc::parse_stat(&bytes)
        .ok()
        .map(|s| s.threads)
}

/// fork(). The single-thread precondition is checked in debug builds.
///
/// # Safety
///
/// The calling process must be single-threaded, as the runner and every actor are (see the
/// module doc). Then the child is an exact copy in which no lock is held by another thread,
/// and it may run normal Rust. In a multi-threaded process the child could only call
/// async-signal-safe functions (no allocation, no `println!`) until it execs or exits, which
/// procdemo's actors never restrict themselves to.
pub unsafe fn fork() -> io::Result<Forked> {
    debug_assert_eq!(
        thread_count(),
        Some(1),
        "fork() from a multi-threaded process"
    );
    // SAFETY: the caller guarantees this process is single-threaded (this function's contract).
    // libc's fork() rather than nix's: nix keeps the child's return value to itself.
    match check(unsafe { libc::fork() } as libc::c_long)? {
        0 => Ok(Forked::Child { returned: 0 }),
        pid => Ok(Forked::Parent(pid as i32)),
    }
}

/// clone(CLONE_VFORK | SIGCHLD) without CLONE_VM: the child gets its own copy of memory, as
/// with fork(), but the parent is suspended in an uninterruptible (killable) sleep, state D,
/// until the child exits or execs. This is the part of vfork() that shows in /proc. (A real
/// vfork() shares the parent's memory, and then the child may do almost nothing but exec;
/// without CLONE_VM the child can be an ordinary actor.)
///
/// # Safety
///
/// As for [`fork`]: the calling process must be single-threaded, so that the child, a copy
/// with no lock held by another thread, may run normal Rust.
pub unsafe fn vfork_like() -> io::Result<Forked> {
    debug_assert_eq!(
        thread_count(),
        Some(1),
        "clone() from a multi-threaded process"
    );
    // SAFETY: without CLONE_VM the child has a private copy of the address space and a copy
    // of the stack this call returns on, exactly as after fork(), and the caller guarantees
    // the process is single-threaded, so no lock is held by another thread. The child then
    // runs the actor's normal Rust code. What a raw clone skips compared with glibc's fork()
    // is harmless here: the atfork handlers only reset locks other threads could hold (there
    // are none), and the child's thread descriptor still records the parent's TID, which only
    // matters to owner-checked pthread mutexes and to raise(), neither of which an actor uses
    // (getpid() is a real system call in glibc >= 2.25). nix's clone() would run the child on
    // a new stack in a callback instead, which an actor that returns into its loop cannot use.
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
        0 => Ok(Forked::Child { returned: 0 }),
        pid => Ok(Forked::Parent(pid as i32)),
    }
}

/// _exit(code): end the process at once, without running destructors or flushing stdio (an
/// actor must never flush a copy of its parent's buffers).
pub fn exit_now(code: i32) -> ! {
    // SAFETY: _exit is always safe to call; it does not return.
    unsafe { libc::_exit(code) }
}

/// Become a child subreaper: orphaned descendants are reparented to this process.
pub fn set_child_subreaper() -> io::Result<()> {
    Ok(prctl::set_child_subreaper(true)?)
}

/// Ask the kernel to send `signal` to this process when its parent dies.
pub fn set_parent_death_signal(signal: i32) -> io::Result<()> {
    Ok(prctl::set_pdeathsig(Signal::try_from(signal)?)?)
}

/// The processes the runner's death must take with it: a pidfd for each role's process, in
/// lock-free slots a signal handler may read. A pidfd names one process for good, so a PID
/// that was reaped and handed to a stranger is never signalled.
static GUARDED: [AtomicI32; 32] = [const { AtomicI32::new(-1) }; 32];

/// The signal the runner asks for when its parent, the front end, dies.
pub fn front_end_death_signal() -> libc::c_int {
    libc::SIGRTMIN() + 7
}

/// Runs in the runner when its front end died (SIGKILL, a crash): SIGKILL every guarded
/// process, whatever it is doing (asleep in wait(), stopped, in the uninterruptible wait of
/// a vfork parent, in another session), then every child it has, again and again until none
/// is left, then the runner's whole process group and itself. It depends on no step being
/// over: a role just forked, whose hello the runner has not read (so not guarded yet), is a
/// child of the runner or becomes one when its killed parent dies (the runner is the
/// subreaper), and a program's children, however they left its process group or session,
/// come to the runner the same way. Only async-signal-safe calls: atomic loads, system
/// calls (pidfd_send_signal, open, getdents64, read, kill, waitpid, alarm) on stack buffers,
/// _exit.
extern "C" fn on_front_end_death(_: libc::c_int) {
    for slot in &GUARDED {
        let fd = slot.load(Ordering::Relaxed);
        if fd >= 0 {
            // SAFETY: a raw system call with a descriptor, a signal number and a null info.
            unsafe {
                libc::syscall(
                    libc::SYS_pidfd_send_signal,
                    fd,
                    libc::SIGKILL,
                    std::ptr::null::<libc::siginfo_t>(),
                    0,
                )
            };
        }
    }
    // Reap what died, before dying: nobody else may (the front end is gone, and the PID 1
    // its orphans would go to may never wait). An alarm bounds it all (SIGALRM's default
    // action ends the runner), should a child not die (an uninterruptible sleep).
    // SAFETY: alarm, getpid, waitpid are async-signal-safe; a null status pointer is allowed.
    unsafe {
        libc::alarm(5);
        let me = libc::getpid();
        loop {
            kill_children_raw(me, libc::SIGKILL);
            let r = libc::waitpid(-1, std::ptr::null_mut(), 0);
            if r < 0 {
                if *libc::__errno_location() == libc::EINTR {
                    continue;
                }
                break;
            }
            while libc::waitpid(-1, std::ptr::null_mut(), libc::WNOHANG) > 0 {}
        }
    }
    // SAFETY: kill(0, ...) signals this process's group, the runner's own; _exit ends it.
    unsafe {
        libc::kill(0, libc::SIGKILL);
        libc::_exit(137);
    }
}

/// Send `signal` to every live process whose parent is `parent`, found by scanning /proc with
/// system calls on stack buffers only (no allocation, no lock): safe in a signal handler.
/// Returns how many were signalled. A zombie is skipped (only a wait ends it).
pub fn kill_children_raw(parent: i32, signal: i32) -> usize {
    let mut sent = 0;
    for_each_process_raw(|pid, ppid, state| {
        if ppid == parent && state != b'Z' && state != b'X' {
            // SAFETY: kill with a PID and a signal number.
            if unsafe { libc::kill(pid, signal) } == 0 {
                sent += 1;
            }
        }
    });
    sent
}

/// Call `f(pid, ppid, state)` for every process in /proc, reading each /proc/PID/stat into a
/// stack buffer: no allocation, so a signal handler may use it. A process that ends while
/// it is read is skipped.
pub fn for_each_process_raw(mut f: impl FnMut(i32, i32, u8)) {
    // SAFETY: open of a NUL-terminated path; the descriptor is closed below.
    let dir = unsafe {
        libc::open(
            c"/proc".as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
        )
    };
    if dir < 0 {
        return;
    }
    let mut buf = [0u8; 4096];
    loop {
        // SAFETY: getdents64 writes at most buf.len() bytes into buf.
        let n = unsafe { libc::syscall(libc::SYS_getdents64, dir, buf.as_mut_ptr(), buf.len()) };
        if n <= 0 {
            break;
        }
        let mut at = 0usize;
        while at + 19 < n as usize {
            // struct linux_dirent64: u64 ino, i64 off, u16 reclen, u8 type, name (NUL-ended).
            let reclen = u16::from_ne_bytes([buf[at + 16], buf[at + 17]]) as usize;
            if reclen == 0 {
                break;
            }
            let name = &buf[at + 19..(at + reclen).min(n as usize)];
            let name = &name[..name.iter().position(|&b| b == 0).unwrap_or(name.len())];
            if let Some(pid) = parse_pid(name)
                && let Some((ppid, state)) = read_stat_raw(pid)
            {
                f(pid, ppid, state);
            }
            at += reclen;
        }
    }
    // SAFETY: closing the descriptor opened above.
    unsafe { libc::close(dir) };
}

/// Every live process that descends from `root` (its children, theirs, and so on), from one
/// scan of /proc, leaving out the processes in `spare` and what descends from them. Zombies
/// are listed apart: they are dead, and only a wait ends them.
pub fn family_of(root: i32, spare: &[i32]) -> (Vec<i32>, Vec<i32>) {
    let mut table: Vec<(i32, i32, u8)> = Vec::new();
    for_each_process_raw(|pid, ppid, state| table.push((pid, ppid, state)));
    table.sort_unstable_by_key(|&(_, ppid, _)| ppid);
    let (mut live, mut dead) = (Vec::new(), Vec::new());
    let mut frontier = vec![root];
    while let Some(parent) = frontier.pop() {
        let from = table.partition_point(|&(_, ppid, _)| ppid < parent);
        for &(pid, ppid, state) in &table[from..] {
            if ppid != parent {
                break;
            }
            if pid == root || spare.contains(&pid) {
                continue;
            }
            if state == b'Z' || state == b'X' {
                dead.push(pid);
            } else {
                live.push(pid);
            }
            frontier.push(pid);
        }
    }
    (live, dead)
}

/// Stop (SIGSTOP), then kill (SIGKILL), every live process that descends from this process
/// but `spare`: stopped first, a family cannot grow while it is being killed (a fork bomb's
/// processes fork again the moment their parent dies). Returns the live processes signalled
/// and the zombies found, from one scan of /proc.
pub fn stop_and_kill_family(spare: &[i32]) -> (Vec<i32>, Vec<i32>) {
    let (live, dead) = family_of(unistd::getpid().as_raw(), spare);
    for signal in [libc::SIGSTOP, libc::SIGKILL] {
        for &pid in &live {
            // SAFETY: kill with a PID and a signal number.
            unsafe { libc::kill(pid, signal) };
        }
    }
    (live, dead)
}

fn parse_pid(name: &[u8]) -> Option<i32> {
    if name.is_empty() || name.len() > 9 || !name.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(name.iter().fold(0i32, |n, d| n * 10 + i32::from(d - b'0')))
}

/// A process's parent and state letter from /proc/PID/stat, read into a stack buffer.
fn read_stat_raw(pid: i32) -> Option<(i32, u8)> {
    let mut path = *b"/proc/0000000000/stat\0";
    let mut digits = [0u8; 10];
    let mut len = 0;
    let mut n = pid;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for i in 0..len {
        path[6 + i] = digits[len - 1 - i];
    }
    path[6 + len..6 + len + 6].copy_from_slice(b"/stat\0");
    // SAFETY: `path` is NUL-terminated; the descriptor is closed below.
    let fd = unsafe { libc::open(path.as_ptr().cast(), libc::O_RDONLY | libc::O_CLOEXEC) };
    if fd < 0 {
        return None;
    }
    let mut buf = [0u8; 512];
    // SAFETY: read at most buf.len() bytes into buf.
    let got = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
    // SAFETY: closing the descriptor opened above.
    unsafe { libc::close(fd) };
    if got <= 0 {
        return None;
    }
    let text = &buf[..got as usize];
    // After the last ')': " S PPID ..." (the command name may hold anything).
    let close = text.iter().rposition(|&b| b == b')')?;
    let rest = text.get(close + 2..)?;
    let state = *rest.first()?;
    let ppid = rest.get(2..)?;
    let end = ppid.iter().position(|&b| b == b' ').unwrap_or(ppid.len());
    Some((parse_pid(&ppid[..end])?, state))
}

/// Make the front end's death end this runner and every process it guards (see [`guard`]):
/// a handler for a real-time signal that no script can send, and that signal as the parent
/// death signal. Before the handler, a runner dying with its front end left its deeper actors
/// behind when they were blocked in wait() or a vfork, which a pipe closing never wakes.
pub fn die_with_parent_and_take_guarded() -> io::Result<()> {
    let sig = front_end_death_signal();
    // SAFETY: an all-zero sigaction is a valid value to fill in.
    let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
    sa.sa_sigaction = on_front_end_death as *const () as libc::sighandler_t;
    sa.sa_flags = libc::SA_RESTART;
    // SAFETY: `sa` is fully set; the handler makes only async-signal-safe calls.
    check(unsafe { libc::sigaction(sig, &sa, std::ptr::null_mut()) } as libc::c_long)?;
    // SAFETY: PR_SET_PDEATHSIG takes a signal number and no pointers.
    check(
        unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, sig as libc::c_ulong, 0, 0, 0) }
            as libc::c_long,
    )
    .map(drop)
}

/// Take `pidfd`'s process down with the runner if the front end dies. Returns false when
/// every slot is taken (more processes than a script may create).
pub fn guard(pidfd: &OwnedFd) -> bool {
    let fd = pidfd.as_raw_fd();
    GUARDED.iter().any(|slot| {
        slot.compare_exchange(-1, fd, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    })
}

/// `kill(pid, signal)` through a pidfd: ESRCH when that process is gone, even if its PID now
/// names another.
pub fn pidfd_send_signal(pidfd: &OwnedFd, signal: i32) -> io::Result<()> {
    // SAFETY: a raw system call with a descriptor we own, a signal number and a null info.
    check(unsafe {
        libc::syscall(
            libc::SYS_pidfd_send_signal,
            pidfd.as_raw_fd(),
            signal,
            std::ptr::null::<libc::siginfo_t>(),
            0,
        )
    })
    .map(drop)
}

/// Name this process `name` (PR_SET_NAME), as `ps`, `pstree` and /proc/PID/stat show it. The
/// kernel keeps the first 15 bytes; procdemo's names are ASCII role names. (PR_SET_NAME names
/// the calling thread; in a single-threaded process that is the process.)
pub fn set_name(name: &str) -> io::Result<()> {
    let name = CString::new(name).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("process name {name:?} contains a NUL byte"),
        )
    })?;
    Ok(prctl::set_name(&name)?)
}

/// A file descriptor that becomes readable when the process `pid` exits. (nix 0.31 has no
/// pidfd_open.)
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
        Signal::SIGHUP,
        Signal::SIGINT,
        Signal::SIGQUIT,
        Signal::SIGUSR1,
        Signal::SIGUSR2,
        Signal::SIGTERM,
        Signal::SIGCHLD,
        Signal::SIGCONT,
    ] {
        // SAFETY: SIG_DFL installs no handler, so no code of ours can run on a signal.
        unsafe { signal::signal(sig, SigHandler::SigDfl) }?;
    }
    unignore_all();
    signal::sigprocmask(SigmaskHow::SIG_SETMASK, Some(&SigSet::empty()), None)?;
    Ok(())
}

/// `struct sigaction` as the kernel's rt_sigaction() takes it (x86-64 and arm64 alike: both
/// have `sa_restorer`), not the C library's larger one.
#[repr(C)]
struct KernelSigaction {
    handler: libc::sighandler_t,
    flags: libc::c_ulong,
    restorer: usize,
    mask: u64,
}

/// Every signal this process ignores (SIG_IGN) but SIGPIPE back to SIG_DFL, as in a fresh
/// process. What procdemo's caller ignored is inherited across exec: a shell's background job
/// ignores SIGINT and SIGQUIT, and glibc's posix_spawn() (Rust's `Command` uses it) hands its
/// child signals 32 and 33, the C library's own, ignored. glibc's sigaction() refuses those
/// two, so this is the raw system call. (SIGPIPE stays as Rust's runtime set it; actors reset
/// it themselves.)
fn unignore_all() {
    let size = std::mem::size_of::<u64>();
    for sig in 1..=64 {
        if matches!(sig, libc::SIGKILL | libc::SIGSTOP | libc::SIGPIPE) {
            continue;
        }
        let mut old = KernelSigaction {
            handler: 0,
            flags: 0,
            restorer: 0,
            mask: 0,
        };
        // SAFETY: rt_sigaction with no new action only fills `old`, a valid struct of the
        // kernel's layout, with the 8-byte signal set the kernel expects.
        let got = unsafe {
            libc::syscall(
                libc::SYS_rt_sigaction,
                sig,
                std::ptr::null::<KernelSigaction>(),
                &mut old,
                size,
            )
        };
        if got == 0 && old.handler == libc::SIG_IGN {
            let default = KernelSigaction {
                handler: libc::SIG_DFL,
                flags: 0,
                restorer: 0,
                mask: 0,
            };
            // SAFETY: SIG_DFL installs no handler, so no code runs on the signal; the struct
            // has the kernel's layout.
            unsafe {
                libc::syscall(
                    libc::SYS_rt_sigaction,
                    sig,
                    &default,
                    std::ptr::null_mut::<KernelSigaction>(),
                    size,
                )
            };
        }
    }
}

/// waitid(P_PID, pid, WEXITED | WNOWAIT [| WNOHANG]): the child's status, left unreaped.
/// Returns (si_code, si_status), or None when WNOHANG found nothing yet. Raw libc: nix's
/// waitid decodes both into a `WaitStatus`, and procdemo prints them as the kernel gave them.
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
    let pid = Pid::from_raw(pid);
    ptrace::seize(pid, ptrace::Options::empty())?;
    ptrace::interrupt(pid)?;
    Ok(())
}

/// PTRACE_DETACH: let the tracee run again.
pub fn ptrace_detach(pid: i32) -> io::Result<()> {
    Ok(ptrace::detach(Pid::from_raw(pid), None)?)
}

/// An anonymous private mapping that lives as long as the process (actors never unmap it).
pub struct Region {
    ptr: NonNull<c_void>,
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
        // A zero length is what the kernel would refuse with EINVAL.
        let size =
            NonZeroUsize::new(len).ok_or_else(|| io::Error::from_raw_os_error(libc::EINVAL))?;
        // SAFETY: a new anonymous private mapping at an address of the kernel's choice cannot
        // overlap any memory Rust knows about.
        let ptr = unsafe {
            mman::mmap_anonymous(
                None,
                size,
                ProtFlags::PROT_READ | ProtFlags::PROT_WRITE,
                MapFlags::MAP_PRIVATE,
            )
        }?;
        // SAFETY: the range is the mapping just made; the advice changes no memory contents.
        // Failing (a kernel built without THP says EINVAL) leaves ordinary pages anyway.
        let _ = unsafe { mman::madvise(ptr, len, MmapAdvise::MADV_NOHUGEPAGE) };
        Ok(Region { ptr, len })
    }

    /// The region's start address, as /proc/PID/smaps shows it (the same in a forked child).
    pub fn addr(&self) -> u64 {
        self.ptr.as_ptr() as u64
    }

    /// Write `value` to the first byte of every page; returns the number of pages written.
    pub fn touch_pages(&self, value: u8) -> usize {
        let page = page_size();
        let base = self.ptr.cast::<u8>();
        let mut pages = 0;
        for offset in (0..self.len).step_by(page) {
            // SAFETY: offset < len and the mapping is readable and writable for len bytes.
            // A volatile write so the store (and its page fault) really happens.
            unsafe { base.add(offset).write_volatile(value) };
            pages += 1;
        }
        pages
    }

    pub fn len(&self) -> usize {
        self.len
    }
}

/// One word per role in memory the runner and every actor share: the runner adds one to a
/// role's word before it writes that role a command, so a busy loop (`cpu-loop`) learns that
/// its next command has come by reading memory, with no system call. Under a tracer (`strace
/// -f`) every system call is two tracing stops, each of which gives the CPU away, so a loop
/// that asked the kernel now and then ran at the tracer's pace, not the scheduler's. The
/// mapping is MAP_SHARED and made before the first fork, so every actor (and its forks) sees
/// the runner's writes; it lives as long as the process, and an exec drops it.
#[derive(Clone, Copy)]
pub struct Doorbells {
    words: &'static [AtomicU32],
}

impl Doorbells {
    /// Map one word for each of `n` roles, all zero.
    pub fn map(n: usize) -> io::Result<Doorbells> {
        let bytes = n.max(1) * std::mem::size_of::<AtomicU32>();
        let size = NonZeroUsize::new(bytes.next_multiple_of(page_size()))
            .ok_or_else(|| io::Error::from_raw_os_error(libc::EINVAL))?;
        // SAFETY: a new anonymous shared mapping at an address of the kernel's choice cannot
        // overlap any memory Rust knows about.
        let ptr = unsafe {
            mman::mmap_anonymous(
                None,
                size,
                ProtFlags::PROT_READ | ProtFlags::PROT_WRITE,
                MapFlags::MAP_SHARED,
            )
        }?;
        // SAFETY: the mapping is at least `n` words long, page-aligned, zero-filled and never
        // unmapped (it lives until exit or exec), so a `'static` slice of it is valid. An
        // AtomicU32 has the size and alignment of a u32, zero is a valid value, and every
        // access goes through the atomics, so writes from other processes are no data race.
        let words = unsafe { std::slice::from_raw_parts(ptr.as_ptr().cast::<AtomicU32>(), n) };
        Ok(Doorbells { words })
    }

    /// A command for `role` is on its way.
    pub fn ring(&self, role: usize) {
        if let Some(w) = self.words.get(role) {
            w.fetch_add(1, Ordering::Release);
        }
    }

    /// How many commands `role` has been sent so far (modulo 2^32).
    pub fn rung(&self, role: usize) -> u32 {
        self.words
            .get(role)
            .map_or(0, |w| w.load(Ordering::Acquire))
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
    // SAFETY: the range is one page inside a mapping we own; locking changes no contents.
    unsafe { mman::mlock(region.ptr, region.len) }?;
    Ok(region)
}

/// Open a pseudo-terminal pair, make a new session and take the terminal as its controlling
/// terminal, so this process leads the session and is its foreground process group.
/// Returns the two descriptors, which the caller keeps open, and the new session's id.
pub fn become_pty_session_leader() -> io::Result<(OwnedFd, OwnedFd, i32)> {
    let pty = nix::pty::openpty(None, None)?;
    let sid = unistd::setsid()?.as_raw();
    // SAFETY: TIOCSCTTY takes an integer argument (0: do not steal), no pointer.
    check(unsafe { libc::ioctl(pty.slave.as_raw_fd(), libc::TIOCSCTTY, 0) } as libc::c_long)?;
    Ok((pty.master, pty.slave, sid))
}

/// waitpid(pid, &status, WNOHANG?) with the raw status number (nix's `WaitStatus` does not
/// give it back). `Ok(None)`: WNOHANG and no child has changed state yet.
pub fn waitpid(pid: i32, nohang: bool) -> io::Result<Option<(i32, i32)>> {
    let mut status = 0;
    let flags = if nohang { libc::WNOHANG } else { 0 };
    // SAFETY: `status` is a valid, writable int.
    let got = check(unsafe { libc::waitpid(pid, &mut status, flags) } as libc::c_long)?;
    Ok((got != 0).then_some((got as i32, status)))
}

/// Change this process's nice value by `delta`; returns the new value. (nix 0.31 has no
/// getpriority/setpriority.)
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

/// Set the nice value of process `pid` to `value`, as the renice command does:
/// setpriority(PRIO_PROCESS, pid, value). Returns the value getpriority() then reads.
pub fn renice(pid: i32, value: i32) -> io::Result<i32> {
    let who = libc::id_t::try_from(pid).map_err(|_| io::Error::from_raw_os_error(libc::ESRCH))?;
    // SAFETY: integer requests about another process; no pointers.
    check(unsafe { libc::setpriority(libc::PRIO_PROCESS, who, value) } as libc::c_long)?;
    // getpriority() may return -1 as a value: errno tells a failure apart.
    nix::errno::Errno::clear();
    // SAFETY: as above.
    let now = unsafe { libc::getpriority(libc::PRIO_PROCESS, who) };
    if now == -1 && nix::errno::Errno::last_raw() != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(now)
}

/// Clock ticks per second, the unit of utime and stime in /proc/PID/stat (sysconf).
pub fn clock_ticks_per_second() -> u32 {
    // SAFETY: sysconf takes a constant and no pointers.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    u32::try_from(ticks).unwrap_or(100)
}

/// Set this process's nice value to `value` (not by a difference, as [`nice`] does).
pub fn set_nice(value: i32) -> io::Result<()> {
    // SAFETY: an integer request about this process; no pointers.
    check(unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, value) } as libc::c_long).map(drop)
}

/// Make /dev/null this process's standard input (the runner: no process of a demo reads the
/// terminal, which stays the front end's). Best effort.
pub fn stdin_from_dev_null() {
    if let Ok(null) = std::fs::File::open("/dev/null") {
        // SAFETY: dup2 between two descriptors this process owns; the old 0 is replaced.
        unsafe { libc::dup2(null.as_raw_fd(), 0) };
    }
}

// ---- signal handlers that keep a record --------------------------------------------------

/// What this process's handlers did, recorded by the handlers themselves in lock-free slots
/// (the only memory a handler may touch safely): how many times each signal's handler ran,
/// and every waitpid() call a SIGCHLD handler made. A fork copies the record; an exec drops it.
static HANDLER_RUNS: [AtomicU32; 65] = [const { AtomicU32::new(0) }; 65];
/// The SIGCHLD handlers' waitpid() calls: the return value, the status and errno, in order.
const MAX_WAITS: usize = 64;
static WAIT_RET: [AtomicI32; MAX_WAITS] = [const { AtomicI32::new(0) }; MAX_WAITS];
static WAIT_STATUS: [AtomicI32; MAX_WAITS] = [const { AtomicI32::new(0) }; MAX_WAITS];
static WAIT_ERRNO: [AtomicI32; MAX_WAITS] = [const { AtomicI32::new(0) }; MAX_WAITS];
static WAITS: AtomicUsize = AtomicUsize::new(0);

/// One waitpid() call made by a SIGCHLD handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandlerWait {
    /// What it returned: a PID, 0 (children left, none ended) or -1.
    pub ret: i32,
    pub status: i32,
    /// errno when it returned -1.
    pub errno: i32,
}

/// The handlers' record so far: (signal, runs) for every signal whose handler ran, and the
/// SIGCHLD handlers' waitpid() calls.
pub fn handler_record() -> (Vec<(i32, u32)>, Vec<HandlerWait>) {
    let runs = (1..65)
        .filter_map(|sig| {
            let n = HANDLER_RUNS[sig].load(Ordering::Relaxed);
            (n > 0).then_some((sig as i32, n))
        })
        .collect();
    let n = WAITS.load(Ordering::Relaxed).min(MAX_WAITS);
    let waits = (0..n)
        .map(|i| HandlerWait {
            ret: WAIT_RET[i].load(Ordering::Relaxed),
            status: WAIT_STATUS[i].load(Ordering::Relaxed),
            errno: WAIT_ERRNO[i].load(Ordering::Relaxed),
        })
        .collect();
    (runs, waits)
}

/// The calling thread's errno (a handler must leave it as it found it).
fn errno_slot() -> *mut libc::c_int {
    // SAFETY: __errno_location always returns the calling thread's errno.
    unsafe { libc::__errno_location() }
}

/// Count one run of the handler for `sig`.
fn count_run(sig: libc::c_int) {
    if let Some(slot) = usize::try_from(sig).ok().and_then(|s| HANDLER_RUNS.get(s)) {
        slot.fetch_add(1, Ordering::Relaxed);
    }
}

/// waitpid(-1, &status, WNOHANG), recorded; returns what it returned.
fn handler_waitpid() -> i32 {
    let mut status = 0;
    // SAFETY: waitpid is async-signal-safe; `status` is a valid, writable int.
    let ret = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
    // SAFETY: reading errno.
    let errno = if ret < 0 { unsafe { *errno_slot() } } else { 0 };
    let i = WAITS.fetch_add(1, Ordering::Relaxed);
    if i < MAX_WAITS {
        WAIT_RET[i].store(ret, Ordering::Relaxed);
        WAIT_STATUS[i].store(status, Ordering::Relaxed);
        WAIT_ERRNO[i].store(errno, Ordering::Relaxed);
    }
    ret
}

/// A handler that only counts (`signal SIG catch`).
extern "C" fn on_signal_count(sig: libc::c_int) {
    count_run(sig);
}

/// The common mistake of a SIGCHLD handler (not the course's code: its notes only set SIGCHLD to
/// SIG_IGN): one waitpid(-1, WNOHANG) per signal. Only async-signal-safe calls; errno is saved
/// and restored.
extern "C" fn on_sigchld_reap_one(sig: libc::c_int) {
    // SAFETY: errno_slot points at this thread's errno.
    let saved = unsafe { *errno_slot() };
    count_run(sig);
    handler_waitpid();
    // SAFETY: as above.
    unsafe { *errno_slot() = saved };
}

/// The right SIGCHLD handler: waitpid(-1, WNOHANG) until it returns 0 (no other child has
/// ended) or -1 (no children left).
extern "C" fn on_sigchld_reap_all(sig: libc::c_int) {
    // SAFETY: errno_slot points at this thread's errno.
    let saved = unsafe { *errno_slot() };
    count_run(sig);
    while handler_waitpid() > 0 {}
    // SAFETY: as above.
    unsafe { *errno_slot() = saved };
}

/// What a `signal` or `sigchld` action installs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    Default,
    Ignore,
    /// A handler that counts its runs.
    Count,
    /// SIGCHLD: a counting handler with SA_NOCLDWAIT.
    NoCldWait,
    /// SIGCHLD: a handler that calls waitpid(-1, WNOHANG) once.
    ReapOne,
    /// SIGCHLD: a handler that calls waitpid(-1, WNOHANG) until it returns 0 or -1.
    ReapAll,
}

/// sigaction(signal, ...): install a disposition. Every handler is installed with SA_RESTART
/// (an actor's read of its next command goes on after a handler ran).
pub fn set_disposition(signal: i32, disposition: Disposition) -> io::Result<()> {
    let handler = match disposition {
        Disposition::Default => libc::SIG_DFL,
        Disposition::Ignore => libc::SIG_IGN,
        Disposition::Count | Disposition::NoCldWait => {
            on_signal_count as *const () as libc::sighandler_t
        }
        Disposition::ReapOne => on_sigchld_reap_one as *const () as libc::sighandler_t,
        Disposition::ReapAll => on_sigchld_reap_all as *const () as libc::sighandler_t,
    };
    // SAFETY: an all-zero sigaction is a valid value to fill in.
    let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
    sa.sa_sigaction = handler;
    sa.sa_flags = libc::SA_RESTART
        | if disposition == Disposition::NoCldWait {
            libc::SA_NOCLDWAIT
        } else {
            0
        };
    // SAFETY: `sa` is fully set; every handler above makes only async-signal-safe calls.
    check(unsafe { libc::sigaction(signal, &sa, std::ptr::null_mut()) } as libc::c_long).map(drop)
}

/// sigprocmask(SIG_BLOCK or SIG_UNBLOCK, signals); returns the mask the kernel then holds.
/// A signal pending and unblocked here is delivered before this returns: its handler runs.
pub fn sigprocmask(block: bool, signals: &[i32]) -> io::Result<u64> {
    let mut set = SigSet::empty();
    for &s in signals {
        set.add(Signal::try_from(s)?);
    }
    let how = if block {
        SigmaskHow::SIG_BLOCK
    } else {
        SigmaskHow::SIG_UNBLOCK
    };
    signal::sigprocmask(how, Some(&set), None)?;
    let mut now = SigSet::empty();
    signal::sigprocmask(SigmaskHow::SIG_BLOCK, None, Some(&mut now))?;
    Ok((1..65)
        .filter(|&s| Signal::try_from(s).is_ok_and(|sig| now.contains(sig)))
        .fold(0u64, |mask, s| mask | 1u64 << (s - 1)))
}

// ---- namespaces ---------------------------------------------------------------------------

/// unshare(CLONE_NEWPID); if that is refused for want of CAP_SYS_ADMIN (EPERM), as `unshare
/// -Urpf` does it, unshare(CLONE_NEWUSER | CLONE_NEWPID). Returns whether the user namespace
/// was needed. (The process must be single-threaded for CLONE_NEWUSER: actors are.)
pub fn unshare_pid() -> io::Result<bool> {
    use nix::sched::{CloneFlags, unshare};
    match unshare(CloneFlags::CLONE_NEWPID) {
        Ok(()) => Ok(false),
        Err(nix::Error::EPERM) => {
            unshare(CloneFlags::CLONE_NEWUSER | CloneFlags::CLONE_NEWPID)?;
            Ok(true)
        }
        Err(e) => Err(e.into()),
    }
}

// ---- descriptors and exec ----------------------------------------------------------------

/// open(path, O_RDONLY [| O_CLOEXEC]).
pub fn open_read_only(path: &str, cloexec: bool) -> io::Result<OwnedFd> {
    use nix::fcntl::{OFlag, open};
    use nix::sys::stat::Mode;
    let flags = OFlag::O_RDONLY
        | if cloexec {
            OFlag::O_CLOEXEC
        } else {
            OFlag::empty()
        };
    Ok(open(path, flags, Mode::empty())?)
}

/// Set or clear FD_CLOEXEC on a descriptor.
pub fn set_cloexec(fd: RawFd, on: bool) -> io::Result<()> {
    use nix::fcntl::{FcntlArg, FdFlag, fcntl};
    // SAFETY: the caller names a descriptor this process holds open for as long as the call.
    let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
    let flags = if on {
        FdFlag::FD_CLOEXEC
    } else {
        FdFlag::empty()
    };
    fcntl(fd, FcntlArg::F_SETFD(flags))?;
    Ok(())
}

/// flock(fd, op): LOCK_EX (which sleeps while another open file description of the same file
/// holds the lock) or LOCK_UN. nix's `Flock` unlocks when dropped, which a forked copy of an
/// actor must never do to its parent's lock; this is the bare call.
pub fn flock(fd: &impl AsRawFd, exclusive: bool) -> io::Result<()> {
    let op = if exclusive {
        libc::LOCK_EX
    } else {
        libc::LOCK_UN
    };
    // SAFETY: flock() on a descriptor the caller owns; it touches no memory of ours.
    check(unsafe { libc::flock(fd.as_raw_fd(), op) } as libc::c_long).map(|_| ())
}

/// memfd_create(name, MFD_CLOEXEC): an anonymous file in memory that no directory names, so
/// nothing is left behind however the process ends: it goes with its last descriptor.
pub fn memfd_cloexec(name: &str) -> io::Result<OwnedFd> {
    let name = CString::new(name).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: a valid C string; the kernel returns a new descriptor we own.
    let fd =
        check(unsafe { libc::memfd_create(name.as_ptr(), libc::MFD_CLOEXEC) } as libc::c_long)?;
    // SAFETY: the kernel just returned this descriptor; nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// memfd_create(name, 0): an anonymous file whose descriptor an exec keeps.
pub fn memfd(name: &str) -> io::Result<OwnedFd> {
    let name = CString::new(name).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: a valid C string and no flags; the kernel returns a new descriptor we own.
    let fd = check(unsafe { libc::memfd_create(name.as_ptr(), 0) } as libc::c_long)?;
    // SAFETY: the kernel just returned this descriptor; nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// execve(path, argv, environ): returns only the error of a call that failed.
pub fn execve(path: &str, argv: &[String]) -> io::Error {
    let argv: Vec<std::ffi::OsString> = argv.iter().map(std::ffi::OsString::from).collect();
    execve_os(std::ffi::OsStr::new(path), &argv)
}

/// execvp(name, [name, args...]) as the C library's does it: a name with a `/` is a path;
/// otherwise each directory of PATH is tried in turn (`/bin:/usr/bin` without PATH), going
/// on past one where it is not found. Returns only the error: EACCES if some candidate was
/// refused, else the last one's.
pub fn execvp(name: &str, args: &[String]) -> io::Error {
    let argv: Vec<String> = std::iter::once(name.to_string())
        .chain(args.iter().cloned())
        .collect();
    if name.contains('/') {
        return execve(name, &argv);
    }
    let path = std::env::var("PATH").unwrap_or_else(|_| "/bin:/usr/bin".into());
    let mut refused = None;
    let mut last = io::Error::from_raw_os_error(libc::ENOENT);
    for dir in path.split(':') {
        let dir = if dir.is_empty() { "." } else { dir };
        let e = execve(&format!("{dir}/{name}"), &argv);
        match e.raw_os_error() {
            Some(libc::EACCES) => refused = Some(e),
            Some(libc::ENOENT | libc::ENOTDIR | libc::ESTALE | libc::ENODEV | libc::ETIMEDOUT) => {
                last = e
            }
            _ => return e,
        }
    }
    refused.unwrap_or(last)
}

/// Close every descriptor of this process from 3 up but those in `keep`: what its caller
/// left open (a shell's, a test harness's) is not procdemo's, and the processes of a demo,
/// forked from this one, should hold only what the demo gave them.
pub fn close_others(keep: &[RawFd]) {
    let Ok(dir) = std::fs::read_dir("/proc/self/fd") else {
        return;
    };
    let open: Vec<RawFd> = dir
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    for fd in open {
        if fd > 2 && !keep.contains(&fd) {
            // SAFETY: the descriptor is not owned by any Rust value of this freshly forked
            // process that is used afterwards (the runner keeps only `keep`); one that was the
            // directory listing, already closed, gives EBADF, which is ignored.
            unsafe { libc::close(fd) };
        }
    }
}

/// Take ownership of a descriptor number this process was handed (across an exec).
pub fn take_fd(fd: RawFd) -> OwnedFd {
    // SAFETY: the caller names a descriptor that was handed to this process to own, and that
    // nothing else in it owns.
    unsafe { OwnedFd::from_raw_fd(fd) }
}

/// Make `fd` this process's standard output and standard error (dup2 clears close-on-exec on
/// the copies).
pub fn output_to(fd: &OwnedFd) -> io::Result<()> {
    for target in [1, 2] {
        // SAFETY: dup2 between a descriptor we own and a standard one, which it replaces.
        check(unsafe { libc::dup2(fd.as_raw_fd(), target) } as libc::c_long)?;
    }
    Ok(())
}

// ---- the C library's stdio buffer and exit() ---------------------------------------------

unsafe extern "C" {
    /// glibc's standard output stream.
    static mut stdout: *mut libc::FILE;
    /// glibc (stdio_ext.h): bytes waiting in a stream's output buffer.
    fn __fpending(stream: *mut libc::FILE) -> libc::size_t;
}

/// The C library's stdout stream.
fn c_stdout() -> *mut libc::FILE {
    // SAFETY: glibc initialises `stdout` before main and never changes it; reading the
    // pointer's value is all this does.
    unsafe { std::ptr::addr_of!(stdout).read() }
}

/// printf("%s\n", text) into the C library's stdout buffer, as a program's printf() does. The
/// runner and actors print nothing else, so the buffer holds only what scripts put there.
/// stdout is a pipe, so the stream is fully buffered: nothing is written until the buffer
/// fills, fflush() or exit(). Returns the bytes added and the bytes now waiting.
pub fn c_print(text: &str) -> io::Result<(usize, usize)> {
    let line = CString::new(format!("{text}\n"))
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    let out = c_stdout();
    // SAFETY: `out` is glibc's stdout; `line` is a valid C string.
    if unsafe { libc::fputs(line.as_ptr(), out) } < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: as above.
    let pending = unsafe { __fpending(out) };
    Ok((line.as_bytes().len(), pending))
}

/// Bytes waiting in the C library's stdout buffer.
pub fn c_pending() -> usize {
    // SAFETY: glibc's stdout stream.
    unsafe { __fpending(c_stdout()) }
}

/// fflush(stdout); returns the bytes it wrote.
pub fn c_flush() -> io::Result<usize> {
    let pending = c_pending();
    // SAFETY: glibc's stdout stream.
    if unsafe { libc::fflush(c_stdout()) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(pending)
}

/// The line an atexit handler adds to the stdio buffer (where it lands tells who ran it).
pub const ATEXIT_LINE: &str = "atexit handler ran";

extern "C" fn on_exit_print() {
    if let Ok(line) = CString::new(format!("{ATEXIT_LINE}\n")) {
        // SAFETY: glibc's stdout stream and a valid C string; exit() runs this before it
        // flushes the streams.
        unsafe { libc::fputs(line.as_ptr(), c_stdout()) };
    }
}

/// atexit(handler): exit() (not _exit()) will run it; it prints [`ATEXIT_LINE`] into the
/// stdio buffer. A child forked afterwards has it too (it is in the copied memory).
pub fn c_atexit() -> io::Result<()> {
    // SAFETY: registers a function with the C ABI that takes no arguments.
    if unsafe { libc::atexit(on_exit_print) } != 0 {
        return Err(io::Error::from_raw_os_error(libc::ENOMEM));
    }
    Ok(())
}

/// exit(code), the C library's: run the atexit handlers, flush and close the stdio streams,
/// then _exit. (Not Rust's `std::process::exit`, which flushes Rust's own stdout too.)
pub fn c_exit(code: i32) -> ! {
    // SAFETY: exit() does not return; the process is single-threaded.
    unsafe { libc::exit(code) }
}

/// pipe2(O_CLOEXEC), as Python's os.pipe() makes a pipe: (read end, write end).
pub fn pipe_cloexec() -> io::Result<(OwnedFd, OwnedFd)> {
    Ok(nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)?)
}

/// A pipe's capacity in bytes: fcntl(F_GETPIPE_SZ).
pub fn pipe_capacity(fd: &OwnedFd) -> io::Result<usize> {
    use nix::fcntl::{FcntlArg, fcntl};
    Ok(fcntl(fd, FcntlArg::F_GETPIPE_SZ)? as usize)
}

/// socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0): a TCP socket, closed by an exec.
pub fn tcp_socket() -> io::Result<OwnedFd> {
    // SAFETY: socket() takes no pointers; a new descriptor is ours alone.
    let fd = check(
        unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) }
            as libc::c_long,
    )?;
    // SAFETY: the descriptor was just returned to us and is owned by nothing else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// bind() a socket to 127.0.0.1, port 0: the kernel chooses a free port on loopback (no
/// SO_REUSEADDR: a port the kernel chose is one nothing else holds).
pub fn bind_loopback_any_port(socket: &OwnedFd) -> io::Result<()> {
    let addr = libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: 0,
        sin_addr: libc::in_addr {
            s_addr: u32::from(std::net::Ipv4Addr::LOCALHOST).to_be(),
        },
        sin_zero: [0; 8],
    };
    // SAFETY: `addr` is a valid sockaddr_in that outlives the call, and its size is given.
    let ret = unsafe {
        libc::bind(
            socket.as_raw_fd(),
            (&addr as *const libc::sockaddr_in).cast(),
            std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
        )
    };
    check(ret as libc::c_long).map(drop)
}

/// listen(socket, backlog).
pub fn listen(socket: &OwnedFd, backlog: i32) -> io::Result<()> {
    // SAFETY: listen() takes no pointers.
    check(unsafe { libc::listen(socket.as_raw_fd(), backlog) } as libc::c_long).map(drop)
}

// ---- procdemo watch: the watcher's tracing calls -------------------------------------------

/// PTRACE_SEIZE with these options (`libc::PTRACE_O_*` bits): the process is traced from now
/// on, without being stopped. EPERM when another tracer already has it (procdemo run under
/// `strace -f`, which follows every new process first).
pub fn ptrace_seize(pid: i32, options: libc::c_int) -> io::Result<()> {
    // SAFETY: PTRACE_SEIZE takes a PID and the options as its data argument; no pointers.
    check(unsafe {
        libc::ptrace(
            libc::PTRACE_SEIZE,
            pid,
            std::ptr::null_mut::<c_void>(),
            options as libc::c_long as *mut c_void,
        )
    })
    .map(drop)
}

/// PTRACE_CONT, delivering `signal` (0: none). Raw: nix's `Signal` cannot name a real-time
/// signal, which a tracer must pass on like any other.
pub fn ptrace_cont(pid: i32, signal: i32) -> io::Result<()> {
    // SAFETY: PTRACE_CONT takes a PID and a signal number as its data argument; no pointers.
    check(unsafe {
        libc::ptrace(
            libc::PTRACE_CONT,
            pid,
            std::ptr::null_mut::<c_void>(),
            signal as libc::c_long as *mut c_void,
        )
    })
    .map(drop)
}

/// PTRACE_LISTEN: leave a seized tracee in its group-stop (as the program's SIGSTOP asked)
/// while the tracer goes on; a SIGCONT then ends the stop, and the tracer is told. (nix 0.31
/// has no wrapper for it.)
pub fn ptrace_listen(pid: i32) -> io::Result<()> {
    // SAFETY: PTRACE_LISTEN takes a PID only.
    check(unsafe {
        libc::ptrace(
            libc::PTRACE_LISTEN,
            pid,
            std::ptr::null_mut::<c_void>(),
            std::ptr::null_mut::<c_void>(),
        )
    })
    .map(drop)
}

/// PTRACE_GETEVENTMSG: the new PID at a fork event, the exit status at an exit event, the
/// former thread ID at an exec event.
pub fn ptrace_event_msg(pid: i32) -> io::Result<u64> {
    Ok(ptrace::getevent(Pid::from_raw(pid))? as u64)
}

/// waitpid(-1, &status, __WALL [| WNOHANG]): any child or tracee (threads too), with the raw
/// status. `Ok(None)`: WNOHANG and nothing has changed.
pub fn wait_any(nohang: bool) -> io::Result<Option<(i32, i32)>> {
    let mut status = 0;
    let flags = libc::__WALL | if nohang { libc::WNOHANG } else { 0 };
    // SAFETY: `status` is a valid, writable int.
    let got = check(unsafe { libc::waitpid(-1, &mut status, flags) } as libc::c_long)?;
    Ok((got != 0).then_some((got as i32, status)))
}

/// PTRACE_GETSIGINFO at a signal-delivery stop: (si_signo, si_code, si_pid). si_pid is read
/// only where the kernel fills it (kill(), tgkill(), sigqueue(), SIGCHLD); 0 otherwise.
pub fn ptrace_siginfo(pid: i32) -> io::Result<(i32, i32, i32)> {
    let info = ptrace::getsiginfo(Pid::from_raw(pid))?;
    let has_pid = info.si_code <= 0 || info.si_signo == libc::SIGCHLD;
    // SAFETY: si_pid reads the union's kill/sigchld member, which the kernel fills for a
    // user-sent signal (si_code <= 0: SI_USER, SI_TKILL, SI_QUEUE) and for SIGCHLD.
    let sender = if has_pid && info.si_code != libc::SI_KERNEL {
        unsafe { info.si_pid() }
    } else {
        0
    };
    Ok((info.si_signo, info.si_code, sender))
}

/// execve(path, argv, environ) with arguments of any bytes (a command's arguments need not be
/// UTF-8): returns only the error of a call that failed.
pub fn execve_os(path: &std::ffi::OsStr, argv: &[std::ffi::OsString]) -> io::Error {
    use std::os::unix::ffi::OsStrExt;
    let Ok(path) = CString::new(path.as_bytes()) else {
        return io::Error::from_raw_os_error(libc::EINVAL);
    };
    let Ok(args) = argv
        .iter()
        .map(|a| CString::new(a.as_bytes()))
        .collect::<Result<Vec<_>, _>>()
    else {
        return io::Error::from_raw_os_error(libc::EINVAL);
    };
    let mut ptrs: Vec<*const libc::c_char> = args.iter().map(|a| a.as_ptr()).collect();
    ptrs.push(std::ptr::null());
    unsafe extern "C" {
        static environ: *const *const libc::c_char;
    }
    // SAFETY: `path` and every argument are valid C strings that outlive the call, the
    // vector is null-terminated, and `environ` is the C library's environment. On success
    // the call does not return.
    unsafe { libc::execve(path.as_ptr(), ptrs.as_ptr(), environ) };
    io::Error::last_os_error()
}

/// PR_SET_PDEATHSIG with any signal number (nix's `Signal` cannot name a real-time one).
pub fn set_parent_death_signal_raw(signal: i32) -> io::Result<()> {
    // SAFETY: PR_SET_PDEATHSIG takes a signal number and no pointers.
    check(
        unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, signal as libc::c_ulong, 0, 0, 0) }
            as libc::c_long,
    )
    .map(drop)
}

/// What a program started by procdemo must begin with: nothing blocked, and SIGPIPE's
/// default action (Rust's runtime ignores it, and an ignored signal survives exec). Other
/// dispositions are left as procdemo's caller set them, as any program it starts would have.
pub fn program_signals() -> io::Result<()> {
    // SAFETY: SIG_DFL installs no handler, so no code of ours can run on a signal.
    unsafe { signal::signal(Signal::SIGPIPE, SigHandler::SigDfl) }?;
    signal::sigprocmask(SigmaskHow::SIG_SETMASK, Some(&SigSet::empty()), None)?;
    Ok(())
}

/// Block `signals` and return a non-blocking, close-on-exec signalfd for them (raw: nix's
/// `SigSet` cannot hold a real-time signal). Read it with [`read_signalfd`].
pub fn signalfd(signals: &[i32]) -> io::Result<OwnedFd> {
    // SAFETY: sigset_t is plain data; sigemptyset initialises it before any other use.
    let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` is a valid sigset_t; sigaddset only sets bits in it.
    unsafe {
        libc::sigemptyset(&mut set);
        for &s in signals {
            check(libc::sigaddset(&mut set, s) as libc::c_long)?;
        }
    }
    // SAFETY: a valid set; no old mask asked for.
    check(
        unsafe { libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) } as libc::c_long,
    )?;
    // SAFETY: a new descriptor (-1) for a valid set; the kernel returns a descriptor we own.
    let fd = check(
        unsafe { libc::signalfd(-1, &set, libc::SFD_CLOEXEC | libc::SFD_NONBLOCK) } as libc::c_long,
    )?;
    // SAFETY: the kernel just returned this descriptor; nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// The signals a signalfd holds now (none: an empty list).
pub fn read_signalfd(fd: &OwnedFd) -> Vec<i32> {
    // Every pending signal in one read (a standard signal is pending at most once, so a few
    // records hold them all): one system call where a read a signal took two.
    const ONE: usize = std::mem::size_of::<libc::signalfd_siginfo>();
    let mut buf = [0u8; ONE * 8];
    match unistd::read(fd, &mut buf) {
        Ok(n) => buf[..n - n % ONE]
            .chunks_exact(ONE)
            .map(|r| u32::from_ne_bytes([r[0], r[1], r[2], r[3]]) as i32)
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Run `f` in a thread of its own (PR_SET_NAME names the calling thread, and the test
    /// harness's threads are not ours to rename) and return that thread's name from /proc.
    fn name_after(f: impl FnOnce() -> io::Result<()> + Send + 'static) -> io::Result<String> {
        std::thread::spawn(move || {
            f()?;
            Ok(std::fs::read_to_string("/proc/thread-self/comm")?
                .trim_end()
                .to_string())
        })
        .join()
        .expect("the naming thread panicked")
    }

    #[test]
    fn set_name_shows_in_proc_as_the_role_name() {
        assert_eq!(name_after(|| set_name("grandchild")).unwrap(), "grandchild");
    }

    #[test]
    fn a_name_longer_than_15_bytes_is_cut_by_the_kernel() {
        assert_eq!(
            name_after(|| set_name("great-grandchild-2")).unwrap(),
            "great-grandchil"
        );
    }

    #[test]
    fn a_name_with_a_nul_byte_is_refused() {
        let e = set_name("par\0ent").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    }
}

/// What to print when memory runs out: set once by the front end in the run's language
/// (`on_out_of_memory`), English until then. A pointer and a length in atomics, so the
/// allocator may read them without a lock.
static NO_MEMORY_TEXT: std::sync::atomic::AtomicPtr<u8> =
    std::sync::atomic::AtomicPtr::new(NO_MEMORY_DEFAULT.as_ptr().cast_mut());
static NO_MEMORY_LEN: AtomicUsize = AtomicUsize::new(NO_MEMORY_DEFAULT.len());
const NO_MEMORY_DEFAULT: &str =
    "procdemo: out of memory: an allocation failed (is a limit such as `ulimit -v` set?)\n";

/// Print `text` (a whole line, newline included) if an allocation ever fails.
pub fn on_out_of_memory(text: &'static str) {
    NO_MEMORY_LEN.store(0, Ordering::Relaxed);
    NO_MEMORY_TEXT.store(text.as_ptr().cast_mut(), Ordering::Relaxed);
    NO_MEMORY_LEN.store(text.len(), Ordering::Relaxed);
}

/// The exit code when memory runs out: 1, as for anything else the system refused.
pub const EXIT_NO_MEMORY: i32 = 1;

/// The system allocator, except that a failed allocation ends the process at once with
/// [`EXIT_NO_MEMORY`] and a line saying why, instead of Rust's "memory allocation of N bytes
/// failed" and an abort (SIGABRT, exit 134: no documented code). std's hook for this
/// (`set_alloc_error_hook`) is unstable. Whatever the process started dies with it as with
/// any exit (a runner's death handler, actors' parent-death signals). procdemo never asks
/// for memory it can do without (no `try_reserve`), so every failed allocation is fatal.
pub struct ExitOnNoMemory;

fn no_memory() -> ! {
    let len = NO_MEMORY_LEN.load(Ordering::Relaxed);
    let text = NO_MEMORY_TEXT.load(Ordering::Relaxed);
    // SAFETY: the pointer and length are those of a `&'static str` (the length is stored
    // last, and 0 while the pair changes); write() and _exit() allocate nothing.
    unsafe {
        libc::write(2, text.cast(), len);
        libc::_exit(EXIT_NO_MEMORY)
    }
}

// SAFETY: every method hands the call to the system allocator unchanged; only a null result
// (which the caller would treat as fatal) is turned into an exit.
unsafe impl std::alloc::GlobalAlloc for ExitOnNoMemory {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: the caller's contract is the system allocator's.
        let p = unsafe { std::alloc::System.alloc(layout) };
        if p.is_null() {
            no_memory();
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { std::alloc::System.alloc_zeroed(layout) };
        if p.is_null() {
            no_memory();
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: `ptr` came from this allocator, i.e. from the system allocator.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new: usize) -> *mut u8 {
        // SAFETY: as for `dealloc` and `alloc`.
        let p = unsafe { std::alloc::System.realloc(ptr, layout, new) };
        if p.is_null() {
            no_memory();
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: ExitOnNoMemory = ExitOnNoMemory;

/// What a file named as an output is, before anything is written to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    /// Nothing there yet, or a regular file.
    File,
    /// A symbolic link: writing through it would truncate whatever it points to.
    Symlink,
    /// A character device (/dev/null, /dev/full): a stream may be written to it, never a
    /// page renamed over it.
    CharDevice,
    /// A FIFO, a device or a socket: opening it may block (a FIFO with no reader), and a
    /// page cannot be replaced in it.
    Special,
}

/// What `path` is (not following a symbolic link).
pub fn output_kind(path: &std::path::Path) -> OutputKind {
    match std::fs::symlink_metadata(path) {
        Err(_) => OutputKind::File,
        Ok(m) if m.file_type().is_symlink() => OutputKind::Symlink,
        Ok(m) if m.file_type().is_file() => OutputKind::File,
        Ok(m) if std::os::unix::fs::FileTypeExt::is_char_device(&m.file_type()) => {
            OutputKind::CharDevice
        }
        Ok(_) => OutputKind::Special,
    }
}

/// Whether two paths name the same file: the same device and inode when both exist
/// (following links, so a hard link or a symlink to the script counts), else the same
/// absolute path.
pub fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => (x.dev(), x.ino()) == (y.dev(), y.ino()),
        _ => match (std::path::absolute(a), std::path::absolute(b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => a == b,
        },
    }
}

/// Write `bytes` as the whole of `path`: into a new file in the same directory, then renamed
/// over `path`, so a reader never sees half of it, a failed write leaves the old file as it
/// was, and a symbolic link at `path` is replaced rather than followed. An existing file's
/// permissions are kept.
pub fn write_replacing(path: &std::path::Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::from_raw_os_error(libc::EISDIR))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".procdemo-{}.tmp", std::process::id()));
    let temp = dir.join(temp_name);
    let mode = std::fs::metadata(path)
        .ok()
        .filter(|m| m.file_type().is_file())
        .map_or(0o666, |m| m.permissions().mode() & 0o7777);
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&temp)?;
        file.write_all(bytes)?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// Open `path` to write a report as it comes: created or truncated, never through a symbolic
/// link (O_NOFOLLOW) and never blocking in open() (O_NONBLOCK, cleared once open).
pub fn create_report(path: &std::path::Path) -> io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)?;
    nix::fcntl::fcntl(
        &file,
        nix::fcntl::FcntlArg::F_SETFL(nix::fcntl::OFlag::empty()),
    )?;
    Ok(file)
}
