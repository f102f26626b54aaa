//! The observer: what the kernel says about a process, read from /proc.
//!
//! Reading is separate from parsing: the readers fetch a file's bytes with one `read`, and the
//! parsers (procfs-core's typed readers: [`Stat`], [`Status`], [`SmapsRollup`], [`MemoryMaps`])
//! take text, so they are tested on literal /proc text. The hot path, /proc/PID/stat polled
//! thousands of times per demo, is one `std::fs::read` and one parse, never
//! `procfs::process::Process::new`, which opens the process's directory first. The STAT column
//! is derived exactly as procps `ps` does (state letter, then `<` `N` `L` `s` `l` `+`), and a
//! test holds it against the real `ps -o stat=`.

use super::Memory;
use procfs::process::{MemoryMap, MemoryMaps, SmapsRollup, Stat, Status};
use procfs::{FromBufRead, FromRead, ProcError};
use std::io;

/// One reading of /proc/PID/stat.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub pid: i32,
    pub comm: String,
    pub state: char,
    pub ppid: i32,
    pub pgrp: i32,
    pub session: i32,
    pub tpgid: i32,
    pub nice: i64,
    pub threads: i64,
    pub minflt: u64,
    /// CPU time spent in user mode, in clock ticks (sysconf(_SC_CLK_TCK) per second).
    pub utime: u64,
    /// CPU time spent in the kernel on the process's behalf, in clock ticks.
    pub stime: u64,
    pub starttime: u64,
    /// The exit status a zombie holds for its parent, in wait() form (readable by its owner).
    pub exit_code: Option<i32>,
    /// Ignored and caught signals 1 to 31 (bit N-1 for signal N): stat's obsolete
    /// `sigignore`/`sigcatch` fields, which leave out the real-time signals (status has all).
    pub sig_ignored_std: u64,
    pub sig_caught_std: u64,
}

/// A parse failure of procfs-core as an `io::Error` (the file was read but not understood).
fn not_understood(e: ProcError) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e.to_string())
}

/// Parse the text of /proc/PID/stat. The command name is read up to the LAST ')', since it may
/// itself contain ')' and spaces.
pub fn parse_stat(text: &[u8]) -> io::Result<Sample> {
    let s = Stat::from_read(text).map_err(not_understood)?;
    Ok(Sample {
        pid: s.pid,
        comm: s.comm,
        state: s.state,
        ppid: s.ppid,
        pgrp: s.pgrp,
        session: s.session,
        tpgid: s.tpgid,
        nice: s.nice,
        threads: s.num_threads,
        minflt: s.minflt,
        utime: s.utime,
        stime: s.stime,
        starttime: s.starttime,
        exit_code: s.exit_code,
        sig_ignored_std: s.sigignore,
        sig_caught_std: s.sigcatch,
    })
}

/// The ps-style STAT of a process: its state letter followed by procps's flags, in procps's
/// order: `<` nice < 0, `N` nice > 0, `L` pages locked, `s` session leader, `l` more than one
/// thread, `+` in the foreground process group of its terminal.
pub fn stat_flags(s: &Sample, locked_kb: u64) -> String {
    let mut out = String::with_capacity(7);
    out.push(s.state);
    if s.nice < 0 {
        out.push('<');
    }
    if s.nice > 0 {
        out.push('N');
    }
    if locked_kb > 0 {
        out.push('L');
    }
    if s.session == s.pid {
        out.push('s');
    }
    if s.threads > 1 {
        out.push('l');
    }
    if s.pgrp == s.tpgid {
        out.push('+');
    }
    out
}

/// Values from /proc/PID/status that stat does not carry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatusExtras {
    /// VmLck in kB (absent for zombies: 0).
    pub locked_kb: u64,
    /// TracerPid: the PID of the process tracing this one (strace, gdb, a `trace` step), 0 if
    /// none.
    pub tracer_pid: i32,
    /// NSpid: the PID in each PID namespace the process is in, outermost first (empty when the
    /// kernel does not say).
    pub ns_pids: Vec<i32>,
    /// The SigPnd mask: signals pending for this thread.
    pub sig_pending: u64,
    /// The ShdPnd mask: signals pending for the whole process.
    pub shd_pending: u64,
    /// The SigBlk mask: blocked signals.
    pub sig_blocked: u64,
    /// The SigIgn mask.
    pub sig_ignored: u64,
    /// The SigCgt mask (signals with a handler).
    pub sig_caught: u64,
}

/// Parse the text of /proc/PID/status.
pub fn parse_status(text: &str) -> io::Result<StatusExtras> {
    let s = Status::from_buf_read(text.as_bytes()).map_err(not_understood)?;
    Ok(StatusExtras {
        locked_kb: s.vmlck.unwrap_or(0),
        tracer_pid: s.tracerpid,
        ns_pids: s.nspid.unwrap_or_default(),
        sig_pending: s.sigpnd,
        shd_pending: s.shdpnd,
        sig_blocked: s.sigblk,
        sig_ignored: s.sigign,
        sig_caught: s.sigcgt,
    })
}

/// The figures of one mapping's entry (procfs-core gives them in bytes; /proc shows kB).
fn figures(map: &MemoryMap) -> Memory {
    let kb = |key: &str| map.extension.map.get(key).map_or(0, |bytes| bytes / 1024);
    Memory {
        rss_kb: kb("Rss"),
        pss_kb: kb("Pss"),
        shared_dirty_kb: kb("Shared_Dirty"),
        private_dirty_kb: kb("Private_Dirty"),
    }
}

/// Parse the text of /proc/PID/smaps_rollup: one `[rollup]` entry summing every mapping (an
/// empty file, as a kernel thread has, sums nothing).
pub fn parse_smaps_rollup(text: &str) -> io::Result<Memory> {
    let rollup = SmapsRollup::from_buf_read(text.as_bytes()).map_err(not_understood)?;
    Ok(rollup
        .memory_map_rollup
        .iter()
        .next()
        .map(figures)
        .unwrap_or_default())
}

/// From the text of /proc/PID/smaps: the whole process's figures (the sum over every
/// mapping's entry, which is what smaps_rollup adds up, but for Pss, which rollup rounds once
/// and the entries each), and the figures of the one mapping that starts at `addr`, if there is
/// one.
pub fn parse_smaps(text: &str, addr: u64) -> io::Result<(Memory, Option<Memory>)> {
    let maps = MemoryMaps::from_buf_read(text.as_bytes()).map_err(not_understood)?;
    let mut whole = Memory::default();
    let mut region = None;
    for map in maps.iter() {
        let m = figures(map);
        whole.rss_kb += m.rss_kb;
        whole.pss_kb += m.pss_kb;
        whole.shared_dirty_kb += m.shared_dirty_kb;
        whole.private_dirty_kb += m.private_dirty_kb;
        if map.address.0 == addr {
            region = Some(m);
        }
    }
    Ok((whole, region))
}

/// True when an I/O error means the process is not there (any more).
fn is_gone(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::NotFound || e.raw_os_error() == Some(libc::ESRCH)
}

/// Read a /proc file of `pid`; `Ok(None)` when the process is gone.
///
/// The runner polls /proc/PID/stat thousands of times in a row, so the read is lean: no
/// `statx` to size a buffer first (/proc files have no size), and for a file that the kernel
/// writes as one record (stat: one line), a single read that returns the whole line.
fn read_proc(pid: i32, file: &str) -> io::Result<Option<Vec<u8>>> {
    match read_lean(&format!("/proc/{pid}/{file}"), file == "stat") {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if is_gone(&e) => Ok(None),
        Err(e) => Err(io::Error::new(
            e.kind(),
            format!("reading /proc/{pid}/{file}: {e}"),
        )),
    }
}

/// The /proc files of the processes a tracer follows (`stat`, `schedstat`, `syscall`), kept
/// open and read again from offset 0 (pread): one system call a read, where a path costs three
/// (open, read, close) — a loop of forks reads its parent's files several times a fork. An
/// open /proc/PID file belongs to that very process: once it has been reaped a read fails
/// (ESRCH), even if its PID has been given to another, so a kept file never reads another
/// process. At most [`Kept::MAX`] files are kept (the descriptor limit); beyond that, a file is
/// opened for each read, as before.
#[derive(Default)]
pub struct Kept {
    files: std::collections::HashMap<i32, Vec<(&'static str, std::fs::File)>>,
    count: usize,
}

impl Kept {
    pub const MAX: usize = 512;

    /// The whole file `/proc/PID/FILE`; None when the process is gone (or the file unreadable).
    pub fn read(&mut self, pid: i32, file: &'static str) -> Option<Vec<u8>> {
        if let Some(f) = self
            .files
            .get(&pid)
            .and_then(|v| v.iter().find(|(name, _)| *name == file))
        {
            return match read_from_start(&f.1, true) {
                Ok(bytes) => Some(bytes),
                Err(_) => {
                    self.forget(pid);
                    None
                }
            };
        }
        let f = std::fs::File::open(format!("/proc/{pid}/{file}")).ok()?;
        let bytes = read_from_start(&f, true).ok()?;
        if self.count < Self::MAX {
            self.files.entry(pid).or_default().push((file, f));
            self.count += 1;
        }
        Some(bytes)
    }

    /// `/proc/PID/stat`, parsed.
    pub fn sample(&mut self, pid: i32) -> Option<Sample> {
        parse_stat(&self.read(pid, "stat")?).ok()
    }

    /// A one-line file (`schedstat`, `syscall`) as text.
    pub fn line(&mut self, pid: i32, file: &'static str) -> Option<String> {
        self.read(pid, file)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    }

    /// Close the files of a process that is gone.
    pub fn forget(&mut self, pid: i32) {
        if let Some(v) = self.files.remove(&pid) {
            self.count -= v.len();
        }
    }
}

/// A /proc file read from its start (pread: a kept file is read again the same way; a
/// seq_file makes it anew for a read at 0). `one_line`: see [`read_lean`].
fn read_from_start(f: &std::fs::File, one_line: bool) -> io::Result<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    let mut out = Vec::with_capacity(if one_line { 512 } else { 4096 });
    // A stat line is a few hundred bytes: a small buffer is quicker to set up each time.
    let mut small = [0u8; 1024];
    let mut big;
    let chunk: &mut [u8] = if one_line {
        &mut small
    } else {
        big = [0u8; 4096];
        &mut big
    };
    loop {
        let n = match f.read_at(chunk, out.len() as u64) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        out.extend_from_slice(&chunk[..n]);
        if n == 0 || (one_line && n < chunk.len() && out.ends_with(b"\n")) {
            return Ok(out);
        }
    }
}

/// Read a one-line /proc file (`schedstat`, `syscall`, `comm`; a task's under
/// `/proc/PID/task/TID/`) the lean way: one read, no sizing. None when the process is gone or
/// the file cannot be read.
pub fn read_line_file(path: &str) -> Option<String> {
    read_lean(path, true)
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// [`read_line_file`] of `/proc/PID/FILE`.
pub fn read_small(pid: i32, file: &str) -> Option<String> {
    read_line_file(&format!("/proc/{pid}/{file}"))
}

/// Read a /proc file without sizing it first. `one_line`: the kernel writes the whole file in
/// one go (a seq_file with a single record), so a read that returned less than asked, ending
/// in a newline, returned all of it.
fn read_lean(path: &str, one_line: bool) -> io::Result<Vec<u8>> {
    read_from_start(&std::fs::File::open(path)?, one_line)
}

/// Read /proc/PID/stat. `Ok(None)` when the process is gone (reaped, or never existed).
pub fn sample(pid: i32) -> io::Result<Option<Sample>> {
    match read_proc(pid, "stat")? {
        Some(bytes) => parse_stat(&bytes).map(Some),
        None => Ok(None),
    }
}

/// Parse a /proc file of `pid` that was read; a failure names the file.
fn parse_proc<T>(
    pid: i32,
    file: &str,
    bytes: &[u8],
    parse: impl FnOnce(&str) -> io::Result<T>,
) -> io::Result<T> {
    parse(&String::from_utf8_lossy(bytes))
        .map_err(|e| io::Error::new(e.kind(), format!("parsing /proc/{pid}/{file}: {e}")))
}

/// Read /proc/PID/status. `Ok(None)` when the process is gone.
pub fn status(pid: i32) -> io::Result<Option<StatusExtras>> {
    read_proc(pid, "status")?
        .map(|b| parse_proc(pid, "status", &b, parse_status))
        .transpose()
}

/// The four lines of /proc/PID/status that every observation needs.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Brief {
    pub locked_kb: u64,
    pub tracer_pid: i32,
    pub sig_ignored: u64,
    pub sig_caught: u64,
    /// The last PID of NSpid, when it has more than one (a PID namespace below /proc's).
    pub ns_pid: Option<i32>,
}

/// Read the lines of status every observation needs: VmLck (the `L` flag), TracerPid, SigIgn
/// and SigCgt. An observation is made at almost every step, and procfs's full `Status` parse
/// (a map of every line) costs about ten times what reading the file does; so this scans
/// for the four keys only. A unit test holds it to procfs's answer on the same text.
/// `Ok(None)` when the process is gone.
pub fn brief(pid: i32) -> io::Result<Option<Brief>> {
    read_proc(pid, "status")?
        .map(|b| parse_proc(pid, "status", &b, parse_brief))
        .transpose()
}

/// Scan status text for the four [`Brief`] lines; one missing (VmLck for a zombie or a kernel
/// thread) reads as 0, as procfs gives it.
pub fn parse_brief(text: &str) -> io::Result<Brief> {
    let mut brief = Brief::default();
    let mut seen_sig = false;
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        let bad = || io::Error::new(io::ErrorKind::InvalidData, format!("{key}: {value:?}"));
        match key {
            "VmLck" => {
                brief.locked_kb = value
                    .trim_end_matches("kB")
                    .trim()
                    .parse()
                    .map_err(|_| bad())?
            }
            "TracerPid" => brief.tracer_pid = value.parse().map_err(|_| bad())?,
            "NSpid" => {
                let pids: Vec<&str> = value.split_whitespace().collect();
                if pids.len() > 1 {
                    brief.ns_pid = pids.last().and_then(|p| p.parse().ok());
                }
            }
            "SigIgn" => brief.sig_ignored = u64::from_str_radix(value, 16).map_err(|_| bad())?,
            "SigCgt" => {
                brief.sig_caught = u64::from_str_radix(value, 16).map_err(|_| bad())?;
                seen_sig = true;
            }
            _ => {}
        }
    }
    if seen_sig {
        Ok(brief)
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "no SigCgt line: not a status file",
        ))
    }
}

/// /proc/PID/schedstat: nanoseconds on a CPU (the scheduler's se.sum_exec_runtime, brought up
/// to date at every tick and every switch), nanoseconds waiting on a run queue, and the
/// number of times it was given a CPU. A kernel that keeps no such figures
/// (no CONFIG_SCHED_INFO, or sched_info off) writes `0 0 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedstat {
    pub on_cpu_ns: u64,
    pub waiting_ns: u64,
    pub slices: u64,
}

impl Schedstat {
    /// All zeros: what a kernel that keeps no such figures writes (a process that has run at
    /// all has been given a CPU once).
    pub fn is_empty(&self) -> bool {
        self.slices == 0 && self.on_cpu_ns == 0 && self.waiting_ns == 0
    }
}

/// Parse the text of /proc/PID/schedstat.
pub fn parse_schedstat(text: &str) -> io::Result<Schedstat> {
    let numbers: Vec<u64> = text
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, format!("{text:?}")))?;
    match numbers[..] {
        [on_cpu_ns, waiting_ns, slices] => Ok(Schedstat {
            on_cpu_ns,
            waiting_ns,
            slices,
        }),
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("not three numbers: {text:?}"),
        )),
    }
}

/// Read /proc/PID/schedstat. `Ok(None)` when the process is gone.
pub fn schedstat(pid: i32) -> io::Result<Option<Schedstat>> {
    read_proc(pid, "schedstat")?
        .map(|b| parse_proc(pid, "schedstat", &b, parse_schedstat))
        .transpose()
}

/// The `Cpus_allowed_list` line of status text: the CPUs the process may run on, as the
/// kernel lists them (`1`, `0-3`).
pub fn parse_cpus_allowed(text: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
        .map(|v| v.trim().to_string())
}

/// Read the CPUs process `pid` may run on (0 for this process). `Ok(None)` when it is gone.
pub fn cpus_allowed(pid: i32) -> io::Result<Option<String>> {
    let bytes = if pid == 0 {
        Some(std::fs::read("/proc/self/status")?)
    } else {
        read_proc(pid, "status")?
    };
    Ok(bytes.map(|b| parse_cpus_allowed(&String::from_utf8_lossy(&b)).unwrap_or_default()))
}

/// Whether /proc/locks lists a blocked flock() request (`->`) of this PID: the kernel's own
/// account of a process waiting for a lock another holds.
pub fn flock_blocked(pid: i32) -> bool {
    std::fs::read("/proc/locks")
        .is_ok_and(|b| blocked_flocks(&String::from_utf8_lossy(&b)).contains(&pid))
}

/// The PIDs of the blocked flock() requests in /proc/locks's text. A line is
/// `1: -> FLOCK  ADVISORY  WRITE 472 00:01:316 0 EOF` for a request waiting behind the
/// lock on line 1 (fs/locks.c, lock_get_status()).
pub fn blocked_flocks(text: &str) -> Vec<i32> {
    text.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace().skip(1);
            (words.next()? == "->" && words.next()? == "FLOCK").then_some(())?;
            // ADVISORY, then WRITE or READ, then the PID.
            words.nth(2)?.parse().ok()
        })
        .collect()
}

/// The kernel function a sleeping process waits in (/proc/PID/wchan), if the kernel tells.
pub fn wchan(pid: i32) -> Option<String> {
    wchan_name(&read_proc(pid, "wchan").ok()??)
}

/// The function a wchan file names (None: "0" or empty, not sleeping in the kernel).
fn wchan_name(bytes: &[u8]) -> Option<String> {
    let name = String::from_utf8_lossy(bytes).trim().to_string();
    (!name.is_empty() && name != "0").then_some(name)
}

/// The whole process's figures, from /proc/PID/smaps_rollup. `Ok(None)` when the process is
/// gone (or a zombie, whose smaps_rollup is missing).
pub fn memory(pid: i32) -> io::Result<Option<Memory>> {
    read_proc(pid, "smaps_rollup")?
        .map(|b| parse_proc(pid, "smaps_rollup", &b, parse_smaps_rollup))
        .transpose()
}

/// The whole process's figures and those of the mapping at `addr`, from one read of
/// /proc/PID/smaps (each read walks the process's page tables, which for a large region costs
/// more than anything else a step does: one walk, not two). `Ok(None)` when the process is
/// gone (or a zombie, whose smaps is empty); the region is None when nothing is mapped there.
pub fn memory_and_region(pid: i32, addr: u64) -> io::Result<Option<(Memory, Option<Memory>)>> {
    match read_proc(pid, "smaps")? {
        Some(b) if !b.is_empty() => {
            parse_proc(pid, "smaps", &b, |text| parse_smaps(text, addr)).map(Some)
        }
        _ => Ok(None),
    }
}

/// This process's NSpid, as /proc (mounted in the runner's PID namespace) gives it: its PID
/// there first, then in each namespace below (empty if it cannot be read).
pub fn own_ns_pids() -> Vec<i32> {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|t| parse_status(&t).ok())
        .map(|s| s.ns_pids)
        .unwrap_or_default()
}

/// /proc/PID/exe: the file the process runs (None when the kernel will not say: a zombie has
/// none, and another user's process is not ours to read).
pub fn exe(pid: i32) -> Option<String> {
    std::fs::read_link(format!("/proc/{pid}/exe"))
        .ok()
        .map(|p| p.to_string_lossy().into_owned())
}

/// /proc/PID/cmdline, split at its NUL bytes (None when gone; a zombie's is empty).
pub fn cmdline(pid: i32) -> Option<Vec<String>> {
    let bytes = read_proc(pid, "cmdline").ok()??;
    Some(parse_cmdline(&bytes))
}

/// The arguments of a cmdline file: NUL-terminated strings.
pub fn parse_cmdline(bytes: &[u8]) -> Vec<String> {
    let bytes = bytes.strip_suffix(&[0]).unwrap_or(bytes);
    if bytes.is_empty() {
        return Vec::new();
    }
    bytes
        .split(|&b| b == 0)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect()
}

/// O_CLOEXEC in the octal `flags:` of /proc/PID/fdinfo/N.
const O_CLOEXEC_FLAG: u64 = 0o2000000;

/// The close-on-exec flag from the text of /proc/PID/fdinfo/N.
pub fn parse_fdinfo_cloexec(text: &str) -> Option<bool> {
    let flags = text.lines().find_map(|l| l.strip_prefix("flags:"))?.trim();
    Some(u64::from_str_radix(flags, 8).ok()? & O_CLOEXEC_FLAG != 0)
}

/// Every open descriptor of a process: its number, what /proc/PID/fd/N links to, and whether
/// it is close-on-exec. `Ok(None)` when the process is gone or a zombie (which has none).
pub fn fds(pid: i32) -> io::Result<Option<Vec<(i32, String, bool)>>> {
    Ok(fd_entries(pid)?.map(|entries| {
        entries
            .into_iter()
            .map(|(fd, target, info)| (fd, target, parse_fdinfo_cloexec(&info).unwrap_or(false)))
            .collect()
    }))
}

/// Every open descriptor of a process, in order: its number, what /proc/PID/fd/N links to, and
/// the text of /proc/PID/fdinfo/N. `Ok(None)` when the process is gone or a zombie.
fn fd_entries(pid: i32) -> io::Result<Option<Vec<(i32, String, String)>>> {
    let dir = match std::fs::read_dir(format!("/proc/{pid}/fd")) {
        Ok(d) => d,
        Err(e) if is_gone(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut out = Vec::new();
    for entry in dir {
        let Some(fd) = entry?
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        // A descriptor closed since the directory was read is simply not listed.
        let Ok(target) = std::fs::read_link(format!("/proc/{pid}/fd/{fd}")) else {
            continue;
        };
        let Some(info) = read_proc(pid, &format!("fdinfo/{fd}")).ok().flatten() else {
            continue;
        };
        out.push((
            fd,
            target.to_string_lossy().into_owned(),
            String::from_utf8_lossy(&info).into_owned(),
        ));
    }
    out.sort_by_key(|(fd, _, _)| *fd);
    Ok(Some(out))
}

/// The inode of a pipe, from what /proc/PID/fd/N links to (`pipe:[12345]`).
pub fn pipe_inode(target: &str) -> Option<u64> {
    target
        .strip_prefix("pipe:[")?
        .strip_suffix(']')?
        .parse()
        .ok()
}

/// How many processes and threads the whole system has now (the number after the `/` in
/// /proc/loadavg): one cheap read that tells when a family may have grown.
pub fn threads_total() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    parse_threads_total(&text)
}

pub fn parse_threads_total(text: &str) -> Option<u64> {
    text.split_whitespace()
        .nth(3)?
        .split_once('/')?
        .1
        .parse()
        .ok()
}

/// Whether process `pid`'s descriptor `fd` is the pipe `inode` (/proc/PID/fd/FD). False once
/// it is closed, as a close-on-exec descriptor is by a successful execve(), however many
/// programs the new one execs in turn (and for a zombie, which holds none).
pub fn holds_pipe(pid: i32, fd: i32, inode: u64) -> bool {
    std::fs::read_link(format!("/proc/{pid}/fd/{fd}"))
        .is_ok_and(|t| pipe_inode(&t.to_string_lossy()) == Some(inode))
}

/// Whether a mapping starts at `addr` in /proc/PID/maps (None when it cannot be read).
pub fn mapped(pid: i32, addr: u64) -> Option<bool> {
    let bytes = read_proc(pid, "maps").ok()??;
    let start = format!("{addr:x}-");
    Some(
        String::from_utf8_lossy(&bytes)
            .lines()
            .any(|l| l.starts_with(&start)),
    )
}

/// Check that /proc is mounted and readable: an error with the errno, or InvalidData when
/// /proc/self/stat is not what procfs writes.
pub fn check_proc() -> io::Result<()> {
    let bytes = std::fs::read("/proc/self/stat")?;
    parse_stat(&bytes).map(drop)
}

/// PIDs of every process whose parent is `ppid` (a scan of /proc).
pub fn children_of(ppid: i32) -> Vec<i32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|&pid| matches!(sample(pid), Ok(Some(s)) if s.ppid == ppid))
        .collect()
}

/// The threads of a process (/proc/PID/task), its leader first; empty when it is gone.
pub fn threads_of(pid: i32) -> Vec<i32> {
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    let mut tids: Vec<i32> = dir
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .collect();
    tids.sort_unstable_by_key(|&t| (t != pid, t));
    tids
}

/// The kernel function a thread sleeps in (/proc/PID/task/TID/wchan), if the kernel tells.
pub fn thread_wchan(pid: i32, tid: i32) -> Option<String> {
    wchan_name(&read_proc(pid, &format!("task/{tid}/wchan")).ok()??)
}

/// The system call a thread is blocked in and its arguments (/proc/PID/task/TID/syscall):
/// None when it runs, is in no system call, or the file cannot be read.
pub fn blocked_call(pid: i32, tid: i32) -> Option<(i64, Vec<u64>)> {
    let text = read_line_file(&format!("/proc/{pid}/task/{tid}/syscall"))?;
    parse_syscall(&text)
}

/// The text of a syscall file: the call's number, then its six arguments in hex, then the
/// stack and instruction pointers ("running", or -1 for a thread in no call: None).
pub fn parse_syscall(text: &str) -> Option<(i64, Vec<u64>)> {
    let mut words = text.split_whitespace();
    let nr: i64 = words.next()?.parse().ok()?;
    if nr < 0 {
        return None;
    }
    let args = words
        .take(6)
        .map(|w| u64::from_str_radix(w.trim_start_matches("0x"), 16).ok())
        .collect::<Option<Vec<u64>>>()?;
    Some((nr, args))
}

/// The access mode (O_RDONLY, O_WRONLY, O_RDWR) in the octal `flags:` of an fdinfo text.
pub fn parse_fdinfo_access(text: &str) -> Option<i32> {
    let flags = text.lines().find_map(|l| l.strip_prefix("flags:"))?.trim();
    Some((u64::from_str_radix(flags, 8).ok()? & libc::O_ACCMODE as u64) as i32)
}

/// Every pipe descriptor of a process: its number, the pipe's inode and whether it may write
/// (opened O_WRONLY or O_RDWR). Empty when the process is gone or a zombie.
pub fn pipe_fds(pid: i32) -> Vec<(i32, u64, bool)> {
    let entries = fd_entries(pid).ok().flatten().unwrap_or_default();
    entries
        .into_iter()
        .filter_map(|(fd, target, info)| {
            let inode = pipe_inode(&target)?;
            let mode = parse_fdinfo_access(&info)?;
            Some((fd, inode, mode != libc::O_RDONLY))
        })
        .collect()
}

#[cfg(test)]
mod schedstat_tests {
    use super::*;

    #[test]
    fn schedstat_is_three_numbers_and_all_zeros_means_none_kept() {
        let s = parse_schedstat("900319262 101127445 46\n").unwrap();
        assert_eq!(s.on_cpu_ns, 900_319_262);
        assert_eq!((s.waiting_ns, s.slices), (101_127_445, 46));
        assert!(!s.is_empty());
        assert!(parse_schedstat("0 0 0\n").unwrap().is_empty());
        // A process given a CPU once, whose time is not yet brought up to date, is not empty.
        assert!(!parse_schedstat("0 0 1\n").unwrap().is_empty());
        assert!(parse_schedstat("1 2\n").is_err());
        assert!(parse_schedstat("a b c\n").is_err());
    }

    #[test]
    fn the_systems_thread_count_is_the_fourth_field_of_loadavg_after_its_slash() {
        assert_eq!(
            parse_threads_total("0.52 0.58 0.59 3/467 12345\n"),
            Some(467)
        );
        assert_eq!(parse_threads_total("0.52 0.58\n"), None);
    }

    #[test]
    fn cpus_allowed_list_is_read_from_status_text() {
        let text = "Name:\tloop0\nCpus_allowed:\t2\nCpus_allowed_list:\t1\nMems_allowed:\t1\n";
        assert_eq!(parse_cpus_allowed(text).as_deref(), Some("1"));
        assert_eq!(parse_cpus_allowed("Name:\tx\n"), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_locks_names_the_pids_of_blocked_flock_requests_only() {
        let text = "1: FLOCK  ADVISORY  WRITE 2749 00:01:316 0 EOF\n\
                    1: -> FLOCK  ADVISORY  WRITE 2804 00:01:316 0 EOF\n\
                    2: POSIX  ADVISORY  WRITE 77 fe:00:5 0 EOF\n\
                    2: -> POSIX  ADVISORY  WRITE 78 fe:00:5 0 EOF\n";
        assert_eq!(blocked_flocks(text), [2804]);
        assert!(blocked_flocks("").is_empty());
    }

    /// A zombie whose command name holds a `)` and a space; it ran 5 ticks in user mode and 3
    /// in the kernel, and holds exit(7) for its parent.
    const ZOMBIE_STAT: &[u8] = b"4243 (weird) name) Z 4242 4241 4241 0 -1 4227148 113 0 0 0 5 3 0 0 20 0 1 0 123456 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 1792\n";

    #[test]
    fn a_zombies_stat_is_parsed_after_the_last_parenthesis() {
        let s = parse_stat(ZOMBIE_STAT).unwrap();
        assert_eq!(s.comm, "weird) name");
        assert_eq!(
            (s.pid, s.state, s.ppid, s.pgrp, s.session, s.tpgid),
            (4243, 'Z', 4242, 4241, 4241, -1)
        );
        assert_eq!((s.minflt, s.utime, s.stime), (113, 5, 3));
        assert_eq!((s.nice, s.threads), (0, 1));
        assert_eq!(s.exit_code, Some(1792), "exit(7) is held as 7 << 8");
        assert_eq!(s.starttime, 123456);
    }

    #[test]
    fn stat_text_that_is_not_a_stat_line_is_an_error() {
        let e = parse_stat(b"no parenthesis here").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
    }

    fn sample(state: char, nice: i64, session: i32, threads: i64, pgrp: i32, tpgid: i32) -> Sample {
        Sample {
            pid: 100,
            comm: "x".into(),
            state,
            ppid: 1,
            pgrp,
            session,
            tpgid,
            nice,
            threads,
            minflt: 0,
            utime: 0,
            stime: 0,
            starttime: 0,
            exit_code: None,
            sig_ignored_std: 0,
            sig_caught_std: 0,
        }
    }

    #[test]
    fn stat_flags_follow_procps_order() {
        assert_eq!(stat_flags(&sample('S', 0, 1, 1, 50, -1), 0), "S");
        assert_eq!(stat_flags(&sample('R', 5, 100, 1, 100, -1), 0), "RNs");
        assert_eq!(stat_flags(&sample('S', -5, 100, 2, 100, 100), 4), "S<Lsl+");
        assert_eq!(stat_flags(&sample('Z', 0, 7, 1, 7, 7), 0), "Z+");
        assert_eq!(stat_flags(&sample('T', 0, 1, 3, 2, 3), 0), "Tl");
    }

    /// The mask bit of a signal in /proc/PID/status.
    fn bit(signal: i32) -> u64 {
        1 << (signal - 1)
    }

    /// A process traced by PID 4100 (state t), seen from the initial PID namespace with a
    /// child namespace below it, with one page locked and signals pending, blocked, ignored
    /// and caught.
    const TRACED_STATUS: &str = "\
Name:\tchild
Umask:\t0022
State:\tt (tracing stop)
Tgid:\t4243
Ngid:\t0
Pid:\t4243
PPid:\t4242
TracerPid:\t4100
Uid:\t1000\t1000\t1000\t1000
Gid:\t1000\t1000\t1000\t1000
FDSize:\t64
Groups:\t 
NStgid:\t4243\t7
NSpid:\t4243\t7
NSpgid:\t4241\t1
NSsid:\t4241\t1
Kthread:\t0
VmPeak:\t    3060 kB
VmSize:\t    3060 kB
VmLck:\t       4 kB
VmPin:\t       0 kB
VmHWM:\t    1776 kB
VmRSS:\t    1776 kB
RssAnon:\t     112 kB
RssFile:\t    1664 kB
RssShmem:\t       0 kB
VmData:\t     360 kB
VmStk:\t     132 kB
VmExe:\t      20 kB
VmLib:\t    1528 kB
VmPTE:\t      48 kB
VmSwap:\t       0 kB
HugetlbPages:\t       0 kB
CoreDumping:\t0
THP_enabled:\t1
untag_mask:\t0xffffffffffffffff
Threads:\t1
SigQ:\t2/96365
SigPnd:\t0000000000000200
ShdPnd:\t0000000000004000
SigBlk:\t0000000000000002
SigIgn:\t0000000000010000
SigCgt:\t0000000000000400
CapInh:\t0000000000000000
CapPrm:\t0000000000000000
CapEff:\t0000000000000000
CapBnd:\t000001ffffffffff
CapAmb:\t0000000000000000
NoNewPrivs:\t0
Seccomp:\t0
Seccomp_filters:\t0
Speculation_Store_Bypass:\tvulnerable
SpeculationIndirectBranch:\talways enabled
Cpus_allowed:\t3
Cpus_allowed_list:\t0-1
Mems_allowed:\t00000000,00000001
Mems_allowed_list:\t0
voluntary_ctxt_switches:\t3
nonvoluntary_ctxt_switches:\t0
";

    #[test]
    fn status_gives_the_tracer_the_namespace_pids_the_signal_masks_and_locked_memory() {
        let st = parse_status(TRACED_STATUS).unwrap();
        assert_eq!(st.tracer_pid, 4100);
        assert_eq!(st.ns_pids, [4243, 7], "outermost namespace first");
        assert_eq!(st.sig_pending, bit(libc::SIGUSR1));
        assert_eq!(st.shd_pending, bit(libc::SIGTERM));
        assert_eq!(st.sig_blocked, bit(libc::SIGINT));
        assert_eq!(st.sig_ignored, bit(libc::SIGCHLD));
        assert_eq!(st.sig_caught, bit(libc::SIGSEGV));
        assert_eq!(st.locked_kb, 4);
    }

    /// A zombie's status, as this kernel shows it: no Vm* lines and no Umask.
    const ZOMBIE_STATUS: &str = "\
Name:\tbash
State:\tZ (zombie)
Tgid:\t17357
Ngid:\t0
Pid:\t17357
PPid:\t17355
TracerPid:\t0
Uid:\t0\t0\t0\t0
Gid:\t0\t0\t0\t0
FDSize:\t0
Groups:\t 
NStgid:\t17357
NSpid:\t17357
NSpgid:\t17353
NSsid:\t8175
Kthread:\t0
Threads:\t1
SigQ:\t0/96365
SigPnd:\t0000000000000000
ShdPnd:\t0000000000000000
SigBlk:\t0000000000000000
SigIgn:\t0000000000000006
SigCgt:\t0000000000010000
CapInh:\t0000000000000000
CapPrm:\t000001fffeffffff
CapEff:\t000001fffeffffff
CapBnd:\t000001fffeffffff
CapAmb:\t0000000000000000
NoNewPrivs:\t0
Seccomp:\t0
Seccomp_filters:\t0
Speculation_Store_Bypass:\tvulnerable
SpeculationIndirectBranch:\talways enabled
Cpus_allowed:\t3
Cpus_allowed_list:\t0-1
Mems_allowed:\t00000000,00000001
Mems_allowed_list:\t0
voluntary_ctxt_switches:\t1
nonvoluntary_ctxt_switches:\t0
";

    #[test]
    fn a_zombies_status_without_vmlck_reads_as_nothing_locked_and_untraced() {
        let st = parse_status(ZOMBIE_STATUS).unwrap();
        assert_eq!(st.locked_kb, 0);
        assert_eq!(st.tracer_pid, 0);
        assert_eq!(st.ns_pids, [17357]);
        assert_eq!(st.sig_ignored, bit(libc::SIGINT) | bit(libc::SIGQUIT));
    }

    #[test]
    fn the_brief_scan_of_status_agrees_with_procfs() {
        let live = std::fs::read_to_string("/proc/self/status").unwrap();
        for text in [TRACED_STATUS, ZOMBIE_STATUS, live.as_str()] {
            let full = parse_status(text).unwrap();
            let brief = parse_brief(text).unwrap();
            assert_eq!(
                (
                    brief.locked_kb,
                    brief.tracer_pid,
                    brief.sig_ignored,
                    brief.sig_caught
                ),
                (
                    full.locked_kb,
                    full.tracer_pid,
                    full.sig_ignored,
                    full.sig_caught
                ),
                "{text}"
            );
        }
        assert!(parse_brief("Name:\tx\nVmLck:\t       4 kB\n").is_err());
    }

    #[test]
    fn status_text_without_its_required_lines_is_an_error_not_zeros() {
        let e = parse_status("Name:\tx\nVmLck:\t       4 kB\n").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn smaps_rollup_figures_are_read_in_kb() {
        let m = parse_smaps_rollup(
            "\
55d0a0a0a000-7ffc1234c000 ---p 00000000 00:00 0                          [rollup]
Rss:               16512 kB
Pss:                8320 kB
Pss_Dirty:          8256 kB
Pss_Anon:           8256 kB
Pss_File:             64 kB
Pss_Shmem:             0 kB
Shared_Clean:          0 kB
Shared_Dirty:      16384 kB
Private_Clean:         0 kB
Private_Dirty:       128 kB
Referenced:        16512 kB
Anonymous:         16512 kB
KSM:                   0 kB
LazyFree:              0 kB
AnonHugePages:         0 kB
ShmemPmdMapped:        0 kB
FilePmdMapped:         0 kB
Shared_Hugetlb:        0 kB
Private_Hugetlb:       0 kB
Swap:                  0 kB
SwapPss:               0 kB
Locked:                0 kB
",
        )
        .unwrap();
        assert_eq!(
            m,
            Memory {
                rss_kb: 16512,
                pss_kb: 8320,
                shared_dirty_kb: 16384,
                private_dirty_kb: 128
            }
        );
    }

    #[test]
    fn an_empty_smaps_rollup_sums_to_nothing() {
        assert_eq!(parse_smaps_rollup("").unwrap(), Memory::default());
    }

    /// Two mappings: a 16 MiB region shared copy-on-write with a parent (its header line ends
    /// in a space, as the kernel writes it for an anonymous mapping), then the heap.
    const SMAPS: &str = "\
7f0000000000-7f0001000000 rw-p 00000000 00:00 0 
Size:              16384 kB
KernelPageSize:        4 kB
MMUPageSize:           4 kB
Rss:               16384 kB
Pss:                8192 kB
Pss_Dirty:          8192 kB
Shared_Clean:          0 kB
Shared_Dirty:      16384 kB
Private_Clean:         0 kB
Private_Dirty:         0 kB
Referenced:        16384 kB
Anonymous:         16384 kB
AnonHugePages:         0 kB
Swap:                  0 kB
Locked:                0 kB
THPeligible:           0
VmFlags: rd wr mr mw me ac nh 
7f0001000000-7f0001021000 rw-p 00000000 00:00 0                          [heap]
Size:                132 kB
KernelPageSize:        4 kB
MMUPageSize:           4 kB
Rss:                  12 kB
Pss:                  12 kB
Pss_Dirty:            12 kB
Shared_Clean:          0 kB
Shared_Dirty:          0 kB
Private_Clean:         0 kB
Private_Dirty:        12 kB
Referenced:           12 kB
Anonymous:            12 kB
AnonHugePages:         0 kB
Swap:                  0 kB
Locked:                0 kB
THPeligible:           0
VmFlags: rd wr mr mw me ac 
";

    #[test]
    fn one_mapping_is_read_from_smaps_by_its_start_address() {
        assert_eq!(
            parse_smaps(SMAPS, 0x7f00_0000_0000).unwrap().1,
            Some(Memory {
                rss_kb: 16384,
                pss_kb: 8192,
                shared_dirty_kb: 16384,
                private_dirty_kb: 0
            })
        );
    }

    #[test]
    fn the_whole_process_is_the_sum_of_every_mapping_in_smaps() {
        assert_eq!(
            parse_smaps(SMAPS, 0x1234).unwrap().0,
            Memory {
                rss_kb: 16396,
                pss_kb: 8204,
                shared_dirty_kb: 16384,
                private_dirty_kb: 12
            }
        );
    }

    #[test]
    fn the_last_mapping_in_smaps_ends_at_the_end_of_the_file() {
        assert_eq!(
            parse_smaps(SMAPS, 0x7f00_0100_0000).unwrap().1,
            Some(Memory {
                rss_kb: 12,
                pss_kb: 12,
                shared_dirty_kb: 0,
                private_dirty_kb: 12
            })
        );
    }

    #[test]
    fn an_address_where_no_mapping_starts_finds_nothing() {
        assert_eq!(parse_smaps(SMAPS, 0x1234).unwrap().1, None);
        assert_eq!(
            parse_smaps(SMAPS, 0x7f00_0000_1000).unwrap().1,
            None,
            "inside a mapping is not its start"
        );
    }

    #[test]
    fn a_blocked_call_and_a_pipe_ends_access_mode_are_read_from_their_proc_text() {
        let read =
            "0 0x3 0x7f43fefb3fe0 0x1 0x7f43fef6f720 0x0 0x0 0x7fffb4a51f78 0x7f43ff5162ad\n";
        assert_eq!(
            parse_syscall(read),
            Some((0, vec![3, 0x7f43fefb3fe0, 1, 0x7f43fef6f720, 0, 0]))
        );
        assert_eq!(parse_syscall("running\n"), None);
        assert_eq!(parse_syscall("-1 0x7ffc 0x7f00\n"), None);
        assert_eq!(
            parse_fdinfo_access("pos:\t0\nflags:\t02000001\nmnt_id:\t15\n"),
            Some(libc::O_WRONLY)
        );
        assert_eq!(
            parse_fdinfo_access("pos:\t0\nflags:\t02000000\n"),
            Some(libc::O_RDONLY)
        );
        assert_eq!(parse_fdinfo_access("flags:\t0100002\n"), Some(libc::O_RDWR));
        assert_eq!(parse_fdinfo_access("pos:\t0\n"), None);
    }
}
