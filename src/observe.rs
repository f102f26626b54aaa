//! The observer: what the kernel says about a process, read from /proc.
//!
//! Parsing is separate from reading so it can be tested on literal text. The STAT column is
//! derived exactly as procps `ps` does (state letter, then `<` `N` `L` `s` `l` `+`), and a test
//! holds it against the real `ps -o stat=`.

use procfs::FromRead;
use procfs::process::Stat;
use serde::Serialize;
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
    pub starttime: u64,
    /// The exit status a zombie holds for its parent, in wait() form (readable by its owner).
    pub exit_code: Option<i32>,
}

/// Parse the text of /proc/PID/stat. The command name is read up to the LAST ')', since it may
/// itself contain ')' and spaces.
pub fn parse_stat(text: &[u8]) -> io::Result<Sample> {
    let s = Stat::from_read(text)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
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
        starttime: s.starttime,
        exit_code: s.exit_code,
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

/// A few words on what a state letter means.
pub fn state_meaning(state: char) -> &'static str {
    match state {
        'R' => "running or runnable",
        'S' => "sleeping, interruptible",
        'D' => "sleeping, uninterruptible",
        'T' => "stopped by a signal",
        't' => "stopped by a tracer",
        'Z' => "zombie: exited, not yet waited for",
        'X' => "dead, being removed",
        'I' => "idle kernel thread",
        'P' => "parked",
        _ => "unknown state",
    }
}

/// Values from /proc/PID/status that stat does not carry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatusExtras {
    /// VmLck in kB (absent for zombies: 0).
    pub locked_kb: u64,
    /// The SigIgn mask.
    pub sig_ignored: u64,
    /// The SigCgt mask (signals with a handler).
    pub sig_caught: u64,
}

pub fn parse_status(text: &str) -> StatusExtras {
    let mut out = StatusExtras::default();
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key {
            "VmLck" => out.locked_kb = value.trim_end_matches(" kB").trim().parse().unwrap_or(0),
            "SigIgn" => out.sig_ignored = u64::from_str_radix(value, 16).unwrap_or(0),
            "SigCgt" => out.sig_caught = u64::from_str_radix(value, 16).unwrap_or(0),
            _ => {}
        }
    }
    out
}

/// Memory figures from /proc/PID/smaps_rollup (or one mapping's entry in smaps), in kB.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Memory {
    pub rss_kb: u64,
    /// Proportional set size: each page divided by the number of processes mapping it.
    pub pss_kb: u64,
    pub shared_dirty_kb: u64,
    pub private_dirty_kb: u64,
}

pub fn parse_smaps_rollup(text: &str) -> Memory {
    let mut out = Memory::default();
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let kb = || {
            value
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .unwrap_or(0)
        };
        match key {
            "Rss" => out.rss_kb = kb(),
            "Pss" => out.pss_kb = kb(),
            "Shared_Dirty" => out.shared_dirty_kb = kb(),
            "Private_Dirty" => out.private_dirty_kb = kb(),
            _ => {}
        }
    }
    out
}

/// The figures of the one mapping in /proc/PID/smaps that starts at `addr`, if there is one.
/// A mapping's entry opens with a line `START-END perms offset dev inode [path]` (hex
/// addresses) and ends where the next such line begins.
pub fn parse_smaps_entry(text: &str, addr: u64) -> Option<Memory> {
    let mut lines = text.lines();
    let start = |line: &str| {
        let (range, _) = line.split_once(' ')?;
        let (from, _) = range.split_once('-')?;
        u64::from_str_radix(from, 16).ok()
    };
    lines.find(|l| start(l) == Some(addr))?;
    let entry: Vec<&str> = lines.take_while(|l| start(l).is_none()).collect();
    Some(parse_smaps_rollup(&entry.join("\n")))
}

/// True when an I/O error means the process is not there (any more).
fn is_gone(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::NotFound || e.raw_os_error() == Some(libc::ESRCH)
}

/// Read a /proc file of `pid`; `Ok(None)` when the process is gone.
fn read_proc(pid: i32, file: &str) -> io::Result<Option<Vec<u8>>> {
    match std::fs::read(format!("/proc/{pid}/{file}")) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if is_gone(&e) => Ok(None),
        Err(e) => Err(io::Error::new(
            e.kind(),
            format!("reading /proc/{pid}/{file}: {e}"),
        )),
    }
}

/// Read /proc/PID/stat. `Ok(None)` when the process is gone (reaped, or never existed).
pub fn sample(pid: i32) -> io::Result<Option<Sample>> {
    match read_proc(pid, "stat")? {
        Some(bytes) => parse_stat(&bytes).map(Some),
        None => Ok(None),
    }
}

pub fn status(pid: i32) -> io::Result<Option<StatusExtras>> {
    Ok(read_proc(pid, "status")?.map(|b| parse_status(&String::from_utf8_lossy(&b))))
}

/// The kernel function a sleeping process waits in (/proc/PID/wchan), if the kernel tells.
pub fn wchan(pid: i32) -> Option<String> {
    let bytes = read_proc(pid, "wchan").ok()??;
    let name = String::from_utf8_lossy(&bytes).trim().to_string();
    (!name.is_empty() && name != "0").then_some(name)
}

pub fn memory(pid: i32) -> io::Result<Option<Memory>> {
    Ok(read_proc(pid, "smaps_rollup")?.map(|b| parse_smaps_rollup(&String::from_utf8_lossy(&b))))
}

/// The figures of the mapping at `addr`: `Ok(None)` when the process is gone (or a zombie),
/// `Ok(Some(None))` when it has no mapping there.
pub fn region_memory(pid: i32, addr: u64) -> io::Result<Option<Option<Memory>>> {
    Ok(read_proc(pid, "smaps")?.and_then(|b| {
        // A zombie's smaps is empty rather than missing.
        (!b.is_empty()).then(|| parse_smaps_entry(&String::from_utf8_lossy(&b), addr))
    }))
}

/// Check that /proc is mounted and readable, with an error a student can act on.
pub fn check_proc() -> Result<(), String> {
    match std::fs::read("/proc/self/stat") {
        Ok(bytes) if parse_stat(&bytes).is_ok() => Ok(()),
        Ok(_) => Err("/proc/self/stat could not be understood: is /proc a real procfs?".into()),
        Err(e) => Err(format!(
            "cannot read /proc/self/stat ({e}): procdemo reads every state from /proc, so procfs must be mounted (mount -t proc proc /proc)"
        )),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    const ZOMBIE: &[u8] = b"4243 (weird) name) Z 4242 4241 4241 0 -1 4227148 113 0 0 0 0 0 0 0 20 0 1 0 123456 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 1792\n";

    #[test]
    fn stat_is_parsed_after_the_last_parenthesis() {
        let s = parse_stat(ZOMBIE).unwrap();
        assert_eq!(s.comm, "weird) name");
        assert_eq!(
            (s.pid, s.state, s.ppid, s.pgrp, s.session, s.tpgid),
            (4243, 'Z', 4242, 4241, 4241, -1)
        );
        assert_eq!(s.exit_code, Some(1792), "exit(7) is held as 7 << 8");
        assert_eq!(s.starttime, 123456);
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
            starttime: 0,
            exit_code: None,
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

    #[test]
    fn status_and_smaps_rollup_figures_are_read() {
        let st = parse_status(
            "Name:\tx\nVmLck:\t       4 kB\nSigIgn:\t0000000000010000\nSigCgt:\t0000000000000002\n",
        );
        assert_eq!(st.locked_kb, 4);
        assert_eq!(st.sig_ignored, 1 << (libc::SIGCHLD - 1));
        assert_eq!(st.sig_caught, 2);
        let m = parse_smaps_rollup(
            "55d0-7ff [rollup]\nRss:               16512 kB\nShared_Dirty:      16384 kB\nPrivate_Dirty:       128 kB\n",
        );
        assert_eq!(
            m,
            Memory {
                rss_kb: 16512,
                pss_kb: 0,
                shared_dirty_kb: 16384,
                private_dirty_kb: 128
            }
        );
    }

    const SMAPS: &str = "\
7f0000000000-7f0001000000 rw-p 00000000 00:00 0 
Size:              16384 kB
Rss:               16384 kB
Pss:                8192 kB
Shared_Dirty:      16384 kB
Private_Dirty:         0 kB
VmFlags: rd wr mr mw me ac nh 
7f0001000000-7f0001021000 rw-p 00000000 00:00 0                          [heap]
Size:                132 kB
Rss:                  12 kB
Pss:                  12 kB
Shared_Dirty:          0 kB
Private_Dirty:        12 kB
VmFlags: rd wr mr mw me ac 
";

    #[test]
    fn one_mapping_is_read_from_smaps_by_its_start_address() {
        assert_eq!(
            parse_smaps_entry(SMAPS, 0x7f00_0000_0000),
            Some(Memory {
                rss_kb: 16384,
                pss_kb: 8192,
                shared_dirty_kb: 16384,
                private_dirty_kb: 0
            })
        );
        assert_eq!(
            parse_smaps_entry(SMAPS, 0x7f00_0100_0000).map(|m| m.rss_kb),
            Some(12),
            "the last entry ends at the end of the file"
        );
        assert_eq!(parse_smaps_entry(SMAPS, 0x1234), None);
    }
}
