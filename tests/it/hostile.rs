//! Hostile input and surroundings: a script that never ends or never comes, terminal escapes
//! in a script and its path, outputs that cannot be written, a caller that ignored SIGCHLD or
//! left a child of its own behind when it exec'd procdemo.

use crate::util::{BIN, TempScript, fresh_tag, leftovers, procdemo, procdemo_with, says};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Wait (polling, with a deadline) until `child` has exited; kill it if it has not.
fn exit_within(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("procdemo did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(2)); // Pacing a poll, not synchronising.
    }
}

/// Wait (polling /proc, with a deadline) until procdemo `pid` has a descriptor other than 0, 1
/// and 2 for which `is_it(link)` holds: it has opened its script and waits on it.
fn wait_until_reading(pid: u32, is_it: impl Fn(&str) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let found = std::fs::read_dir(format!("/proc/{pid}/fd"))
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) > Some(2))
            .filter_map(|e| std::fs::read_link(e.path()).ok())
            .any(|l| is_it(&l.to_string_lossy()));
        if found {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "procdemo never opened its script"
        );
        std::thread::yield_now();
    }
}

fn stderr_of(child: &mut Child) -> String {
    use std::io::Read;
    let mut s = String::new();
    let _ = child.stderr.take().unwrap().read_to_string(&mut s);
    s
}

#[test]
fn a_script_larger_than_1_mib_is_refused_without_reading_it_all() {
    let start = Instant::now();
    let run = procdemo(&["run", "/dev/zero"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        says(
            &run.stderr,
            "the script /dev/zero is larger than 1 MiB, the most procdemo reads"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn ctrl_c_while_a_fifo_script_waits_for_a_writer_ends_with_130() {
    let dir = TempScript::new("unused", b"");
    let fifo = dir.path.with_file_name("script.fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path and a mode.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
    let tag = fresh_tag();
    let mut child = Command::new(BIN)
        .args(["run", fifo.to_str().unwrap()])
        .env("PROCDEMO_TEST_TAG", &tag)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let shown = fifo.to_string_lossy().into_owned();
    wait_until_reading(child.id(), |l| l == shown);
    // SAFETY: kill takes a pid and a signal number.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = exit_within(&mut child, Duration::from_secs(10));
    let stderr = stderr_of(&mut child);
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted by SIGINT"), "{stderr}");
    assert_eq!(leftovers(&tag), Vec::<String>::new());
}

#[test]
fn sigterm_while_a_script_is_read_from_a_pipe_left_open_ends_with_143() {
    let tag = fresh_tag();
    let mut child = Command::new(BIN)
        .args(["run", "/dev/stdin"])
        .env("PROCDEMO_TEST_TAG", &tag)
        .stdin(Stdio::piped()) // Held open, never written: the script never ends.
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdin = std::fs::read_link(format!("/proc/{}/fd/0", child.id())).expect("fd 0");
    wait_until_reading(child.id(), |l| l == stdin.to_string_lossy());
    // SAFETY: kill takes a pid and a signal number.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = exit_within(&mut child, Duration::from_secs(10));
    let stderr = stderr_of(&mut child);
    assert_eq!(status.code(), Some(143), "{stderr}");
    assert!(stderr.contains("interrupted by SIGTERM"), "{stderr}");
    assert_eq!(leftovers(&tag), Vec::<String>::new());
}

#[test]
fn a_byte_order_mark_at_the_start_of_a_script_is_dropped() {
    let script = TempScript::new(
        "bom.demo",
        b"\xef\xbb\xbftitle with a BOM\nrunner fork p\np exit 0\nawait p Z\n",
    );
    let run = procdemo(&["run", script.arg(), "--stable", "--color", "never"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("with a BOM"), "{}", run.stdout);
}

/// The bytes a terminal would obey: ESC (and OSC 0 and 52, which set the window title and the
/// clipboard), BEL, NUL, DEL and the C1 CSI.
fn has_controls(text: &str) -> bool {
    text.chars()
        .any(|c| c != '\n' && (c.is_control() || ('\u{80}'..='\u{9f}').contains(&c)))
}

#[test]
fn control_characters_in_a_script_and_its_path_are_shown_as_escapes() {
    let script = TempScript::new(
        "e\x1b]0;pwn\x07.demo",
        b"title T\x1b]0;owned\x07 \x1b]52;c;aGk=\x07 x\x00y\xc2\x9bz\x7f\n\
          runner fork p\nsay hi \x1b[2J there\np exit 3\nawait p Z\n",
    );
    let run = procdemo(&["run", script.arg(), "--explain", "--color", "never"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(!has_controls(&run.stdout), "{:?}", run.stdout);
    for shown in [
        "T\\x1b]0;owned\\x07 \\x1b]52;c;aGk=\\x07 x\\x00y\\u{9b}z\\x7f",
        "hi \\x1b[2J there",
        "e\\x1b]0;pwn\\x07.demo",
    ] {
        assert!(run.stdout.contains(shown), "{shown} in {}", run.stdout);
    }
    // A parse error quotes the script's word, and its path.
    let bad = TempScript::new("b\x1b[2Jad.demo", b"runner fork \x1b[31mred\x07\n");
    let run = procdemo(&["run", bad.arg()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!has_controls(&run.stderr), "{:?}", run.stderr);
    assert!(
        run.stderr.contains("b\\x1b[2Jad.demo:1:") && run.stderr.contains("`\\x1b[31mred\\x07`"),
        "{}",
        run.stderr
    );
    // An unknown demo's name, and a file that cannot be read.
    let run = procdemo(&["zomb\x1b]0;x\x07"]);
    assert_eq!(run.code, 2);
    assert!(!has_controls(&run.stderr), "{:?}", run.stderr);
    let run = procdemo(&["run", "/nonexistent/\x1b[2J.demo"]);
    assert_eq!(run.code, 2);
    assert!(!has_controls(&run.stderr), "{:?}", run.stderr);
    // JSON escapes them itself, as JSON.
    let run = procdemo(&["run", script.arg(), "--json"]);
    let doc: serde_json::Value = serde_json::from_str(run.stdout.trim()).expect("json");
    assert_eq!(doc["demo"], "e\x1b]0;pwn\x07");
}

/// procdemo with standard output (or error) sent to /dev/full.
fn into_dev_full(args: &[&str], stderr_too: bool) -> (Option<i32>, String) {
    let tag = fresh_tag();
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env("PROCDEMO_TEST_TAG", &tag)
        .stdin(Stdio::null())
        .stdout(full());
    if stderr_too {
        cmd.stderr(full());
    }
    let out = cmd.output().expect("run");
    assert_eq!(leftovers(&tag), Vec::<String>::new());
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_stdout_that_cannot_be_written_is_exit_1_in_every_format() {
    for args in [
        &["zombie"][..],
        &["all"],
        &["zombie", "--json"],
        &["zombie", "--json-events"],
        &["list"],
    ] {
        let (code, stderr) = into_dev_full(args, false);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot write the output: ENOSPC (No space left on device)"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn a_stderr_that_cannot_be_written_is_no_panic() {
    let (code, _) = into_dev_full(&["nosuch"], true);
    assert_eq!(code, Some(2));
    let (code, _) = into_dev_full(&["zombie"], true);
    assert_eq!(code, Some(1));
}

#[test]
fn started_with_sigchld_ignored_it_runs_normally() {
    let Ok(python) = which("python3") else {
        eprintln!("skipped: no python3 to start procdemo with SIGCHLD ignored");
        return;
    };
    let tag = fresh_tag();
    let start = Instant::now();
    let out = Command::new(python)
        .args([
            "-c",
            "import signal, os, sys; signal.signal(signal.SIGCHLD, signal.SIG_IGN); \
             os.execv(sys.argv[1], sys.argv[1:])",
            BIN,
            "zombie",
            "--color",
            "never",
        ])
        .env("PROCDEMO_TEST_TAG", &tag)
        .stdin(Stdio::null())
        .output()
        .expect("python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("ok: every awaited state was observed"));
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(leftovers(&tag), Vec::<String>::new());
}

fn which(program: &str) -> Result<std::path::PathBuf, ()> {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
        .ok_or(())
}

/// `sleep 30 & exec procdemo ARGS`: the sleep is procdemo's child from its first instruction.
/// Returns procdemo's exit code and output, and whether the sleep was still there after it.
fn with_an_inherited_child(args: &str, env: &str) -> (Option<i32>, String, bool) {
    crate::common::become_subreaper();
    let tag = fresh_tag();
    let out = Command::new("bash")
        .args([
            "-c",
            &format!("sleep 30 >/dev/null 2>&1 & echo $!; exec {env} {BIN} {args} --color never"),
        ])
        .env("PROCDEMO_TEST_TAG", &tag)
        .stdin(Stdio::null())
        .output()
        .expect("bash");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let sleep: i32 = stdout
        .lines()
        .next()
        .unwrap()
        .parse()
        .expect("pid of sleep");
    let stat = std::fs::read_to_string(format!("/proc/{sleep}/stat")).unwrap_or_default();
    let alive = stat.contains("(sleep) S");
    // It is this test's now (a subreaper): end it, and wait for that very process.
    // SAFETY: kill and waitpid take a pid, a signal number and a valid status pointer.
    unsafe {
        libc::kill(sleep, libc::SIGKILL);
        libc::waitpid(sleep, &mut 0, 0);
    }
    let left = leftovers(&tag);
    assert!(left.is_empty(), "left behind: {left:?}\n{stdout}");
    (
        out.status.code(),
        stdout + &String::from_utf8_lossy(&out.stderr),
        alive,
    )
}

#[test]
fn a_child_inherited_across_exec_is_neither_killed_nor_waited_for() {
    let start = Instant::now();
    let (code, output, alive) = with_an_inherited_child("zombie", "");
    assert_eq!(code, Some(0), "{output}");
    assert!(alive, "procdemo killed the sleep it inherited:\n{output}");
    assert!(start.elapsed() < Duration::from_secs(10), "{output}");
    // After a crashed runner the front end kills what the runner left, and only that.
    let (code, output, alive) =
        with_an_inherited_child("zombie", "env PROCDEMO_FAULT_PANIC_AT_STEP=3");
    assert_eq!(code, Some(1), "{output}");
    assert!(alive, "procdemo killed the sleep it inherited:\n{output}");
    assert!(
        says(
            &output,
            "the front end killed and reaped the 2 process(es) it left"
        ),
        "{output}"
    );
}

#[test]
fn an_alloc_resized_by_size_says_so_on_its_step() {
    let run = procdemo_with(
        &["fork-cow", "--size", "4", "--stable", "--color", "never"],
        &[],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        says(&run.stdout, "parent alloc 16MiB (--size 4) → mapped 4 MiB"),
        "{}",
        run.stdout
    );
}

/// A program behind `exec PROGRAM` that makes far more processes than a demo (a fork bomb
/// does so without end, and RLIMIT_NPROC does not stop root): past 256 alive at once the run
/// stops every process of the family, kills it, and fails saying so, in well under the
/// await's 10 s, leaving nothing.
#[test]
fn a_program_that_makes_hundreds_of_processes_is_stopped_killed_and_named() {
    let program = TempScript::new(
        "many.sh",
        b"#!/bin/sh\nfor i in $(seq 400); do sleep 30 & done\nwait\n",
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&program.path, std::fs::Permissions::from_mode(0o755)).unwrap();
    let script = TempScript::new(
        "many.demo",
        format!(
            "runner fork kid\nkid exec {}\nawait kid Z within 10s\n",
            program.arg()
        )
        .as_bytes(),
    );
    let run = procdemo(&["run", script.arg(), "--json", "--timeout", "20"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let doc: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    // Stopped by the family limit, not left to the await's 10 s deadline.
    assert_eq!(doc["failure"]["type"], "family_limit", "{doc}");
    assert!(
        says(&run.stderr, "more than 256 processes of this run"),
        "{}",
        run.stderr
    );
}

/// Memory that runs out (`prlimit --as`): procdemo ends with exit 1 and a line saying so,
/// never Rust's "memory allocation of N bytes failed" and an abort (SIGABRT, exit 134). The
/// limits are swept, since where the first allocation fails depends on the build.
#[test]
fn out_of_memory_ends_with_exit_1_and_a_line_saying_so_never_an_abort() {
    use std::os::unix::process::ExitStatusExt;
    let tag = fresh_tag();
    let mut said = 0;
    for mb in 8..=28u64 {
        let out = Command::new("prlimit")
            .arg(format!("--as={}", mb * 1_000_000))
            .arg(BIN)
            .args(["all", "--color", "never"])
            .env("PROCDEMO_TEST_TAG", &tag)
            .stdin(Stdio::null())
            .output()
            .expect("prlimit");
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert_ne!(
            out.status.signal(),
            Some(libc::SIGABRT),
            "{mb} MB: {stderr}"
        );
        assert!(
            !stderr.contains("memory allocation of") && !stdout.contains("memory allocation of"),
            "{mb} MB: {stderr}"
        );
        if stderr.contains("procdemo: out of memory: an allocation failed") {
            assert_eq!(out.status.code(), Some(1), "{mb} MB: {stderr}");
            said += 1;
        }
    }
    assert!(said > 0, "no limit made an allocation fail");
    assert_eq!(leftovers(&tag), Vec::<String>::new());
}

/// Run procdemo with `args`, refusing to wait more than 10 s (an open() blocked on a FIFO
/// would otherwise hang the test): its exit code and standard error.
fn run_within(args: &[&str]) -> (Option<i32>, String) {
    let tag = fresh_tag();
    let mut child = Command::new(BIN)
        .args(args)
        .env("PROCDEMO_TEST_TAG", &tag)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let status = exit_within(&mut child, Duration::from_secs(10));
    let stderr = stderr_of(&mut child);
    assert_eq!(leftovers(&tag), Vec::<String>::new());
    (status.code(), stderr)
}

/// An output that is the script itself, the other output's file, a symbolic link or a FIFO
/// is refused (exit 2) before anything runs, and the file is left as it was; a page is
/// written through a new file renamed over the old one (its permissions kept).
#[test]
fn output_files_never_overwrite_an_input_the_other_output_a_links_target_or_block_on_a_fifo() {
    use std::os::unix::fs::PermissionsExt;
    let script = TempScript::new("my.demo", b"runner fork p\nobserve p\n");
    let dir = script.path.parent().unwrap().to_path_buf();
    let s = script.arg();
    // The script as its own page.
    let (code, err) = run_within(&["run", s, "--html", s]);
    assert_eq!(code, Some(2), "{err}");
    assert!(says(&err, "that file is an input of this run"), "{err}");
    assert_eq!(
        std::fs::read(&script.path).unwrap(),
        b"runner fork p\nobserve p\n"
    );
    // The same file for both of watch's outputs.
    let report = dir.join("report.txt");
    let r = report.to_str().unwrap();
    let (code, err) = run_within(&["watch", "-o", r, "--html", r, "--", "true"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(says(&err, "the other output names the same file"), "{err}");
    // A link to a file procdemo must not truncate.
    let target = dir.join("precious.txt");
    std::fs::write(&target, "keep me\n").unwrap();
    let link = dir.join("page.html");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let (code, err) = run_within(&["zombie", "--html", link.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(says(&err, "a symbolic link"), "{err}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me\n");
    // A FIFO nobody reads: refused at once, for a page and for a report.
    let fifo = dir.join("fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path and a mode.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
    let f = fifo.to_str().unwrap();
    for args in [
        vec!["zombie", "--html", f],
        vec!["watch", "-o", f, "--", "true"],
        vec!["watch", "--html", f, "--", "true"],
    ] {
        let (code, err) = run_within(&args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(says(&err, "not a regular file"), "{args:?}: {err}");
    }
    // A page over an existing file: replaced whole, its mode kept, no temporary file left.
    let page = dir.join("zombie.html");
    std::fs::write(&page, "old").unwrap();
    std::fs::set_permissions(&page, std::fs::Permissions::from_mode(0o600)).unwrap();
    let (code, err) = run_within(&["zombie", "--html", page.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        std::fs::read_to_string(&page)
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );
    let mode = std::fs::metadata(&page).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains(".procdemo-")), "{names:?}");
}
