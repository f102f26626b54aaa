//! Faults: signals at random moments, a runner killed mid-demo, fork refused by a process
//! limit, PID namespaces, /proc missing. Each check runs the built binary and then proves that
//! nothing procdemo created is left, alive or zombie.
//!
//! This is a test binary of its own because it makes itself a child subreaper: when the front
//! end is SIGKILLed, its runner and actors are reparented here (as they would be to any
//! reaping init), and this process reaps them. A process that is SIGKILLed cannot run code, so
//! reaping what it left is always the job of its ancestors; on a machine whose PID 1 never
//! reaps, a subreaper above procdemo is what keeps the zombies away. Its tests are serialised
//! (one lock), since reaping any child would otherwise steal another test's.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

mod common;
use common::leftovers;

const BIN: &str = env!("CARGO_BIN_EXE_procdemo");
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    let guard = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: PR_SET_CHILD_SUBREAPER takes an integer and no pointers.
    let ret = unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
    assert_eq!(ret, 0, "prctl(PR_SET_CHILD_SUBREAPER)");
    guard
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// A small deterministic sequence of "random" moments, so a failure can be replayed.
struct Moments(u64);
impl Moments {
    fn next_us(&mut self, max_us: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % max_us
    }
}

fn tagged(tag: &str) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env("PROCDEMO_TEST_TAG", tag)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn ppid(pid: i32) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat[stat.rfind(')')? + 2..].split(' ').nth(1)?.parse().ok()
}

/// Reap whatever was reparented to this test process, waiting until the tagged processes are
/// all gone (they exit within milliseconds once their runner is gone) or 5 s pass.
fn reap_and_check(tag: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        loop {
            let mut status = 0;
            // SAFETY: status is a valid int to write to.
            let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
            if pid <= 0 {
                break;
            }
        }
        let left = leftovers(tag);
        if left.is_empty() {
            return;
        }
        assert!(Instant::now() < deadline, "left behind after 5 s: {left:?}");
        std::thread::yield_now();
    }
}

/// A script file in a directory of this test process's own, removed with the guard.
fn script(name: &str, text: &str) -> common::TempFile {
    common::temp_file("procdemo-faults", name, text)
}

#[test]
fn ctrl_c_sigterm_and_sigkill_at_random_moments_leave_nothing_behind() {
    let _serial = serial();
    let trials: usize = std::env::var("PROCDEMO_SIGNAL_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let mut moments = Moments(0x9e3779b97f4a7c15);
    // Aim the signals inside the time `procdemo all` takes on this machine.
    let start = Instant::now();
    let warm_up = tagged("faults-warm-up")
        .args(["all"])
        .output()
        .expect("run all");
    assert!(warm_up.status.success());
    let span_us = start.elapsed().as_micros() as u64;
    let mut interrupted = 0;
    for trial in 0..trials {
        let (sig, code) = [
            (libc::SIGINT, 130),
            (libc::SIGTERM, 143),
            (libc::SIGKILL, -1),
            (libc::SIGQUIT, 131),
        ][trial % 4];
        let tag = format!("faults-{}-{trial}", std::process::id());
        let child = tagged(&tag)
            .args(["all", "--color", "never"])
            .spawn()
            .expect("spawn");
        // Not synchronisation: the point is a moment chosen at random within the run.
        std::thread::sleep(Duration::from_micros(moments.next_us(span_us)));
        // SAFETY: kill takes a pid and a signal number.
        unsafe { libc::kill(child.id() as i32, sig) };
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        use std::os::unix::process::ExitStatusExt;
        match (out.status.code(), out.status.signal()) {
            (Some(0), _) => {} // It had already finished: the signal came too late.
            (Some(c), _) if c == code => {
                interrupted += 1;
                let name = match sig {
                    libc::SIGINT => "SIGINT",
                    libc::SIGTERM => "SIGTERM",
                    _ => "SIGQUIT",
                };
                assert!(
                    stderr.contains(&format!("interrupted by {name}")),
                    "trial {trial}: {stderr}"
                );
            }
            (None, Some(9)) if sig == libc::SIGKILL => interrupted += 1,
            // Before main() could block it, the default action ends the process; nothing
            // had been created yet (the check below proves it).
            (None, Some(s)) if s == sig => {}
            other => panic!("trial {trial}: signal {sig} gave {other:?}; stderr: {stderr}"),
        }
        reap_and_check(&tag);
    }
    assert!(
        interrupted >= trials / 3,
        "only {interrupted} of {trials} trials caught procdemo mid-run"
    );
}

#[test]
fn a_runner_killed_mid_demo_is_reported_and_everything_it_left_is_reaped() {
    let _serial = serial();
    let tag = format!("faults-runner-{}", std::process::id());
    let path = script(
        "stuck.demo",
        "runner fork p\np fork c\nc fork g\nawait g Z within 10s\n",
    );
    let child = tagged(&tag)
        .args(["run", path.to_str().unwrap(), "--color", "never"])
        .spawn()
        .expect("spawn");
    let front = child.id() as i32;
    // Wait (polling /proc, with a deadline) until the runner and its three actors exist.
    let deadline = Instant::now() + Duration::from_secs(5);
    let runner = loop {
        let procs = leftovers(&tag);
        if procs.len() == 5 {
            let runner = procs
                .iter()
                .filter_map(|p| p.split(':').next()?.parse::<i32>().ok())
                .find(|&pid| ppid(pid) == Some(front));
            if let Some(r) = runner {
                break r;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the runner never showed up: {procs:?}"
        );
        std::thread::yield_now();
    };
    // SAFETY: kill takes a pid and a signal number.
    unsafe { libc::kill(runner, libc::SIGKILL) };
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("was killed by SIGKILL"), "{stderr}");
    assert!(
        stderr.contains("the front end killed and reaped the 3 process(es) it left"),
        "{stderr}"
    );
    reap_and_check(&tag);
}

#[test]
fn a_stopped_actor_dies_with_a_sigkilled_front_end() {
    let _serial = serial();
    let tag = format!("faults-stopped-{}", std::process::id());
    let path = script(
        "stopped.demo",
        "runner fork p\nrunner kill p STOP\nawait p T\nawait p Z within 10s\n",
    );
    let mut child = tagged(&tag)
        .args(["run", path.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    // Wait (polling /proc, with a deadline) until the actor is stopped: it can no longer see
    // its command pipe close, so only its death signal can end it.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !leftovers(&tag).iter().any(|p| p.contains("state T")) {
        assert!(
            Instant::now() < deadline,
            "the actor never stopped: {:?}",
            leftovers(&tag)
        );
        std::thread::yield_now();
    }
    // SAFETY: kill takes a pid and a signal number.
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    let _ = child.wait();
    reap_and_check(&tag);
}

/// Start `script` tagged `tag`, wait (polling /proc, with a deadline) until `ready` holds for
/// the tagged processes, SIGKILL the front end, and prove everything it started is gone.
fn sigkill_front_end_when(tag: &str, script_text: &str, ready: impl Fn(&[String]) -> bool) {
    let path = script(&format!("{tag}.demo"), script_text);
    let mut child = tagged(tag)
        .args(["run", path.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !ready(&leftovers(tag)) {
        assert!(
            Instant::now() < deadline,
            "the scenario never got ready: {:?}",
            leftovers(tag)
        );
        std::thread::yield_now();
    }
    // SAFETY: kill takes a pid and a signal number.
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    let _ = child.wait();
    reap_and_check(tag);
}

/// The tagged process named `comm` (actors take their role's name): its state letter and
/// the kernel function it sleeps in.
fn role_state(procs: &[String], comm: &str) -> Option<(char, String)> {
    let line = procs.iter().find(|p| {
        p.split(": ")
            .nth(1)
            .is_some_and(|rest| rest.starts_with(&format!("{comm},")))
    })?;
    let pid: i32 = line.split(':').next()?.parse().ok()?;
    let state = line.split(", state ").nth(1)?.chars().next()?;
    let wchan = std::fs::read_to_string(format!("/proc/{pid}/wchan")).unwrap_or_default();
    Some((state, wchan))
}

#[test]
fn deeper_actors_blocked_in_wait_peek_or_vfork_die_with_a_sigkilled_front_end() {
    let _serial = serial();
    // b blocks in waitpid (S) for c, stopped (T); then the same with a peek, and with b in
    // the uninterruptible wait of a vfork (D). None of them reads its command pipe, and b's
    // and c's parents are actors, not the runner.
    for (name, blocking) in [
        ("waitpid", "b waitpid c &"),
        ("peek", "b peek c &"),
        ("vfork", ""),
    ] {
        let tag = format!("faults-deep-{name}-{}", std::process::id());
        let text = if name == "vfork" {
            "runner fork a\na fork b\nb vfork c &\nrunner kill c STOP\nawait c T\nawait b D\nawait c Z within 10s\n".to_string()
        } else {
            format!(
                "runner fork a\na fork b\nb fork c\nrunner kill c STOP\nawait c T\n{blocking}\nawait c Z within 10s\n"
            )
        };
        // Ready when c is stopped and b is inside the call that blocks: wait4/waitid sleep in
        // do_wait, a vfork parent in D.
        sigkill_front_end_when(&tag, &text, |procs| {
            let c_stopped = role_state(procs, "c").is_some_and(|(s, _)| s == 'T');
            let b_blocked = role_state(procs, "b").is_some_and(|(s, wchan)| {
                if name == "vfork" {
                    s == 'D'
                } else {
                    s == 'S' && wchan == "do_wait"
                }
            });
            c_stopped && b_blocked
        });
    }
}

/// Copy the binary where any user can run it (the build tree may be private).
fn public_binary() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("procdemo-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let bin = dir.join("procdemo");
    std::fs::copy(BIN, &bin).expect("copy binary");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    bin
}

#[test]
fn fork_refused_by_the_process_limit_names_the_limit_and_leaves_nothing() {
    let _serial = serial();
    let tag = format!("faults-nproc-{}", std::process::id());
    let bin = public_binary();
    // A chain of 16 forks: far more than the limit leaves room for, whatever the user's
    // other threads do meanwhile (the test harness's own come and go).
    let mut chain = String::from("runner fork p0\n");
    for i in 1..16 {
        chain.push_str(&format!("p{} fork p{i}\n", i - 1));
    }
    let path = script("deep.demo", &chain);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        path.parent().unwrap(),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    // RLIMIT_NPROC counts every thread the user already has; root is exempt, so as root run
    // as nobody. Room for the front end, the runner and an actor or two.
    let uid = if is_root() { 65534 } else { current_uid() };
    let limit = threads_of(uid) + 3;
    let mut cmd = Command::new("prlimit");
    cmd.arg(format!("--nproc={limit}"));
    if is_root() {
        cmd.args([
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
        ]);
    }
    cmd.arg(&bin)
        .args(["run", path.to_str().unwrap(), "--color", "never"]);
    let out = cmd
        .env("PROCDEMO_TEST_TAG", &tag)
        .stdin(Stdio::null())
        .output()
        .expect("prlimit");
    let stdout = String::from_utf8_lossy(&out.stdout);
    reap_and_check(&tag);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("could not create a process: fork failed with EAGAIN"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("RLIMIT_NPROC (`ulimit -u`, here {limit})")),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(bin.parent().unwrap());
}

fn current_uid() -> u32 {
    // SAFETY: getuid has no preconditions.
    unsafe { libc::getuid() }
}

/// How many threads (what RLIMIT_NPROC counts) the user has now.
fn threads_of(uid: u32) -> usize {
    let mut n = 0;
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(status) = std::fs::read_to_string(entry.path().join("status")) else {
            continue;
        };
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().to_string())
        };
        let real_uid = field("Uid:").and_then(|u| u.split_whitespace().next()?.parse::<u32>().ok());
        if real_uid == Some(uid) {
            n += field("Threads:")
                .and_then(|t| t.parse::<usize>().ok())
                .unwrap_or(1);
        }
    }
    n
}

#[test]
fn in_a_pid_namespace_orphans_are_adopted_by_the_reaper_really_seen() {
    let _serial = serial();
    if !is_root() {
        // Unprivileged, unshare --pid needs a user namespace as well; check it refuses cleanly.
        let out = Command::new("unshare")
            .args(["--pid", "--fork", "--mount-proc", "true"])
            .output()
            .expect("unshare");
        assert!(
            !out.status.success(),
            "unshare --pid worked without privilege; run this test as root to cover it"
        );
        return;
    }
    for (demo, step, role) in [
        ("orphan", "await child reparented", "child"),
        ("double-fork", "await grandchild reparented", "grandchild"),
    ] {
        let tag = format!("faults-pidns-{demo}-{}", std::process::id());
        let out = Command::new("unshare")
            .args(["--pid", "--fork", "--mount-proc", BIN, demo, "--json"])
            .env("PROCDEMO_TEST_TAG", &tag)
            .stdin(Stdio::null())
            .output()
            .expect("unshare");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{demo}: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: serde_json::Value = serde_json::from_str(stdout.trim()).expect("json");
        let runner = doc["runner_pid"].as_i64().unwrap();
        // In a new PID namespace the front end is PID 1 and the runner its first child.
        assert!(
            runner < 10,
            "{demo}: runner pid {runner} is not a PID inside the new namespace"
        );
        let adopted = doc["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["step"] == step)
            .expect("step");
        let seen = &adopted["observations"][0];
        assert_eq!(
            (seen["role"].as_str(), seen["parent"].as_i64()),
            (Some(role), Some(runner)),
            "{demo}"
        );
        assert_eq!(
            seen["parent_role"], "runner",
            "{demo}: the reaper really seen"
        );
        reap_and_check(&tag);
    }
}

#[test]
fn without_proc_procdemo_says_so_and_runs_nothing() {
    let _serial = serial();
    if !is_root() {
        return; // Hiding /proc needs a mount namespace; covered when the suite runs as root.
    }
    let out = Command::new("unshare")
        .args([
            "--mount",
            "sh",
            "-c",
            &format!("mount -t tmpfs none /proc && exec {BIN} zombie"),
        ])
        .stdin(Stdio::null())
        .output()
        .expect("unshare");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot read /proc/self/stat") && stderr.contains("procfs must be mounted"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn where_user_namespaces_are_refused_pid1_says_so_ends_and_passes() {
    let _serial = serial();
    if !is_root() {
        return; // The refusal is made with a chroot, which needs root; run as root to cover it.
    }
    // The kernel refuses a new user namespace to a process in a chroot (EPERM), and a normal
    // user, without CAP_SYS_ADMIN, needs one for a PID namespace: the two refusals procdemo's
    // `unshare pid` meets where user namespaces are closed. The chroot is a bind mount of /
    // in a mount namespace of its own, so everything procdemo needs is there.
    let tag = format!("faults-userns-{}", std::process::id());
    let bin = public_binary();
    let root = std::env::temp_dir().join(format!("procdemo-chroot-{}", std::process::id()));
    std::fs::create_dir_all(&root).expect("dir");
    let inner = format!(
        "mount --make-rprivate / && mount --rbind / {root} && exec chroot {root} \
         setpriv --reuid=65534 --regid=65534 --clear-groups {bin} pid1 --color never",
        root = root.display(),
        bin = bin.display()
    );
    let out = Command::new("unshare")
        .args(["--mount", "sh", "-c", &inner])
        .env("PROCDEMO_TEST_TAG", &tag)
        .stdin(Stdio::null())
        .output()
        .expect("unshare");
    reap_and_check(&tag);
    let _ = std::fs::remove_dir(&root);
    let _ = std::fs::remove_dir_all(bin.parent().unwrap());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let flat = stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("unshare failed: EPERM"), "{stdout}");
    assert!(
        flat.contains(
            "was refused, and the rest of this demo needs it: the demo ends here, and passes"
        ),
        "{stdout}"
    );
    assert!(
        !flat.contains("outer fork init"),
        "nothing after the end: {stdout}"
    );
}

#[test]
fn with_proc_mounted_hidepid_a_normal_user_still_sees_its_own_processes() {
    let _serial = serial();
    if !is_root() {
        return; // Mounting needs privilege; covered when the suite runs as root.
    }
    let bin = public_binary();
    let out = Command::new("unshare")
        .args([
            "--mount",
            "sh",
            "-c",
            &format!(
                "mount -t proc -o hidepid=invisible proc /proc && exec setpriv --reuid=65534 --regid=65534 --clear-groups {} zombie --stable --color never",
                bin.display()
            ),
        ])
        .stdin(Stdio::null())
        .output()
        .expect("unshare");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("ok: every awaited state was observed"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(bin.parent().unwrap());
}

#[test]
fn every_signal_that_would_end_the_front_end_is_handled_cleaned_up_and_named() {
    let _serial = serial();
    let path = script("held.demo", "runner fork p\nawait p Z within 10s\n");
    let rtmin = libc::SIGRTMIN();
    for (sig, name) in [
        (libc::SIGALRM, "SIGALRM".to_string()),
        (libc::SIGTRAP, "SIGTRAP".to_string()),
        (libc::SIGXCPU, "SIGXCPU".to_string()),
        (libc::SIGPWR, "SIGPWR".to_string()),
        (libc::SIGSYS, "SIGSYS".to_string()),
        (rtmin + 3, "SIGRTMIN+3".to_string()),
        (libc::SIGRTMAX(), "SIGRTMAX".to_string()),
    ] {
        let tag = format!("faults-sig{sig}-{}", std::process::id());
        let child = tagged(&tag)
            .args(["run", path.to_str().unwrap(), "--color", "never"])
            .spawn()
            .expect("spawn");
        // Wait (polling /proc, with a deadline) until the front end, its runner and the actor
        // exist: the signal then comes mid-run.
        let deadline = Instant::now() + Duration::from_secs(5);
        while leftovers(&tag).len() < 3 {
            assert!(
                Instant::now() < deadline,
                "{name}: the run never started: {:?}",
                leftovers(&tag)
            );
            std::thread::yield_now();
        }
        // SAFETY: kill takes a pid and a signal number.
        unsafe { libc::kill(child.id() as i32, sig) };
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(128 + sig), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("interrupted by {name}: every process")),
            "{name}: {stderr}"
        );
        reap_and_check(&tag);
    }
}

/// The processes whose parent is this test process: right after a front end died, its runner
/// (which may not have named itself yet).
fn children_of_this_process() -> Vec<i32> {
    let me = std::process::id() as i32;
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|&pid| ppid(pid) == Some(me))
        .collect()
}

/// After the front end `front` was SIGKILLed (and waited for): reap what comes to this test
/// process (the outer reaper) until the run's tagged processes are gone (5 s at most), and
/// return every process of the run but the front end and its runner that came here. The runner must kill and reap
/// all of them before it dies: a process left to an outer reaper that never waits (PID 1 on
/// this machine) is a zombie for good.
fn reached_the_outer_reaper(tag: &str, front: i32) -> Vec<String> {
    let me = std::process::id() as i32;
    // The front end's children came here at its death: its runner, nothing else.
    let runners = children_of_this_process();
    let ours = |pid: i32, _comm: &str| pid != front && !runners.contains(&pid);
    let mut reached = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        for line in leftovers(tag) {
            let pid: i32 = line.split(':').next().unwrap().parse().unwrap();
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            if ppid(pid) == Some(me) && ours(pid, comm.trim()) && !reached.contains(&line) {
                reached.push(line);
            }
        }
        loop {
            // Peek first (WNOWAIT), so that a process that came here and died is named.
            // SAFETY: an all-zero siginfo_t is a valid value for waitid to fill in.
            let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
            // SAFETY: waitid writes into `info`, which outlives the call.
            let r = unsafe {
                libc::waitid(
                    libc::P_ALL,
                    0,
                    &mut info,
                    libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
                )
            };
            // SAFETY: si_pid is valid for the SIGCHLD info waitid filled in.
            let pid = unsafe { info.si_pid() };
            if r != 0 || pid == 0 {
                break;
            }
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            if ours(pid, comm.trim()) {
                reached.push(format!("{pid}: {} (a zombie)", comm.trim()));
            }
            // SAFETY: a null status pointer is allowed.
            unsafe { libc::waitpid(pid, std::ptr::null_mut(), 0) };
        }
        let left = leftovers(tag);
        if left.is_empty() {
            return reached;
        }
        if Instant::now() >= deadline {
            reached.extend(left.into_iter().map(|l| format!("{l} (alive after 5 s)")));
            return reached;
        }
        std::thread::yield_now();
    }
}

/// A front end SIGKILLed 1 to 12 ms into a demo: a role just forked, whose hello its runner
/// had not read, sat in read() on its command pipe while the runner's death handler waited
/// for it, and reached the outer reaper 2 s later. The handler kills every child it has
/// (roles, and what their deaths hand it as a subreaper) until none is left.
#[test]
fn a_front_end_sigkilled_early_in_a_demo_leaves_no_role_to_the_outer_reaper() {
    let _serial = serial();
    let mut moments = Moments(0x2545f4914f6cdd1d);
    let mut bad = Vec::new();
    for trial in 0..40 {
        let demo = ["fork-server", "pool", "exec", "double-fork"][trial % 4];
        let tag = format!("faults-early-{}-{trial}", std::process::id());
        let mut child = tagged(&tag)
            .arg(demo)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        // Not synchronisation: a moment chosen at random within the run's first steps.
        std::thread::sleep(Duration::from_micros(1000 + moments.next_us(11_000)));
        let front = child.id() as i32;
        // SAFETY: kill takes a pid and a signal number.
        unsafe { libc::kill(front, libc::SIGKILL) };
        let _ = child.wait();
        let reached = reached_the_outer_reaper(&tag, front);
        if !reached.is_empty() {
            bad.push(format!("trial {trial} ({demo}): {reached:?}"));
        }
    }
    assert!(
        bad.is_empty(),
        "{} of 40 trials:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// A program a role exec'd starts children (one in a session of its own) and execs onward;
/// its front end is SIGKILLed. Nothing may outlive the front end, whatever a program did:
/// the program's children come to the runner when the program is killed, and the runner
/// kills them too before it dies.
#[test]
fn a_sigkilled_front_end_leaves_no_child_of_an_execd_program_alive() {
    let _serial = serial();
    let program = script(
        "kids.sh",
        "#!/bin/sh\nsleep 30 &\nsetsid sleep 32 &\nfor i in 1 2 3 4 5 6 7 8; do sleep 33 & done\nexec sleep 31\n",
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&*program, std::fs::Permissions::from_mode(0o755)).unwrap();
    let tag = format!("faults-kids-{}", std::process::id());
    let text = format!(
        "runner fork p\np exec {}\nawait p Z within 10s\n",
        program.display()
    );
    let path = script("kids.demo", &text);
    let mut child = tagged(&tag)
        .args(["run", path.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(5);
    let sleeps = |procs: &[String]| procs.iter().filter(|p| p.contains(": sleep,")).count();
    while sleeps(&leftovers(&tag)) < 11 {
        assert!(
            Instant::now() < deadline,
            "the program's children never showed up: {:?}",
            leftovers(&tag)
        );
        std::thread::yield_now();
    }
    let front = child.id() as i32;
    // SAFETY: kill takes a pid and a signal number.
    unsafe { libc::kill(front, libc::SIGKILL) };
    let _ = child.wait();
    let reached = reached_the_outer_reaper(&tag, front);
    assert!(reached.is_empty(), "{reached:?}");
}

/// Under a process limit that leaves no room for one more process, `watch` cannot start its
/// watcher, and says so in those words (not "a runner", which only demos have).
#[test]
fn watch_refused_a_process_names_the_watcher() {
    let _serial = serial();
    let tag = format!("faults-watch-nproc-{}", std::process::id());
    let bin = public_binary();
    // `ulimit -u 1`: procdemo itself is the one process allowed (root is exempt, so as root
    // run as nobody).
    let mut cmd = Command::new("prlimit");
    cmd.arg("--nproc=1");
    if is_root() {
        cmd.args([
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
        ]);
    }
    cmd.arg(&bin).args(["watch", "--", "true"]);
    let out = cmd
        .env("PROCDEMO_TEST_TAG", &tag)
        .stdin(Stdio::null())
        .output()
        .expect("prlimit");
    reap_and_check(&tag);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot start the watcher: fork failed"),
        "{stderr}"
    );
    assert!(!stderr.contains("runner"), "{stderr}");
    let _ = std::fs::remove_dir_all(bin.parent().unwrap());
}
