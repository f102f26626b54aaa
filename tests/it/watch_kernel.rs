//! `procdemo watch` against small C programs written for these tests (compiled here with `cc`
//! into a temporary directory): lifetimes, signals and exec failures as the kernel reports
//! them. Each program prints what it saw itself (its own waitpid statuses, its handler's
//! count) and the watch's `--json` document must say the same.
//!
//! `PROCDEMO_WATCH_RUNS=N` repeats the racy ones N times (default 3).

use crate::util::{BIN, TempScript, fresh_tag, leftovers, procdemo, python, says};
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

/// A C program compiled into its own temporary directory (removed with it).
struct Program {
    dir: TempScript,
    pub exe: PathBuf,
}

impl Program {
    fn new(name: &str, source: &str) -> Program {
        let dir = TempScript::new(&format!("{name}.c"), source.as_bytes());
        let exe = dir.path.with_file_name(name);
        let out = Command::new("cc")
            .args(["-O1", "-Wall", "-o"])
            .arg(&exe)
            .arg(&dir.path)
            .arg("-lpthread")
            .output()
            .expect("cc must be installed for the watch tests (Debian package gcc)");
        assert!(
            out.status.success(),
            "cc {name}.c failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Program { dir, exe }
    }

    fn path(&self) -> &str {
        self.exe.to_str().unwrap()
    }

    fn dir(&self) -> &str {
        self.dir.path.parent().unwrap().to_str().unwrap()
    }
}

fn runs() -> usize {
    std::env::var("PROCDEMO_WATCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
}

/// The JSON document `--json` writes on stderr (its last line).
fn document(stderr: &str) -> Value {
    let line = stderr
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .unwrap_or_else(|| panic!("no JSON document on stderr:\n{stderr}"));
    serde_json::from_str(line).expect("one JSON document")
}

fn events<'a>(doc: &'a Value, kind: &str) -> Vec<&'a Value> {
    doc["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["type"] == kind)
        .collect()
}

/// `key=value` words of the lines of `stdout` that begin with `tag `.
fn said(stdout: &str, tag: &str) -> Vec<std::collections::HashMap<String, String>> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix(&format!("{tag} ")))
        .map(|l| {
            l.split_whitespace()
                .filter_map(|w| w.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn num(map: &std::collections::HashMap<String, String>, key: &str) -> i64 {
    map[key].parse().unwrap()
}

/// Helpers every C program here uses: wait (with a deadline, never a sleep) until a process's
/// /proc state letter is one of `states`.
const COMMON: &str = r#"
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char state_of(pid_t pid) {
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *close = strrchr(buf, ')');
    return close && close[1] == ' ' ? close[2] : 0;
}

static void await_state(pid_t pid, const char *states) {
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        char s = state_of(pid);
        if (s && strchr(states, s)) return;
        clock_gettime(CLOCK_MONOTONIC, &t);
        if (t.tv_sec - t0.tv_sec > 10) { fprintf(stderr, "timeout on %d\n", (int)pid); exit(99); }
    }
}
"#;

#[test]
fn a_child_reaped_by_a_waiting_parent_is_never_listed_as_a_zombie_leak() {
    // Each round: child B exits while its parent is busy (a zombie that waits for its
    // parent); child A exits only once its parent is blocked in waitpid(A) (reaped at once).
    let prog = Program::new(
        "waiting_parent",
        &format!(
            "{COMMON}{}",
            r#"
int main(int argc, char **argv) {
    int rounds = atoi(argv[1]);
    pid_t me = getpid();
    for (int i = 0; i < rounds; i++) {
        pid_t b = fork();
        if (b == 0) _exit(2);
        await_state(b, "Z");
        pid_t a = fork();
        if (a == 0) { await_state(me, "S"); _exit(1); }
        int st;
        waitpid(a, &st, 0);
        waitpid(b, &st, 0);
        printf("round a=%d b=%d\n", (int)a, (int)b);
    }
    return 0;
}
"#
        ),
    );
    for _ in 0..runs() {
        let run = procdemo(&["watch", "--json", "--", prog.path(), "100"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let doc = document(&run.stderr);
        let rounds = said(&run.stdout, "round");
        assert_eq!(rounds.len(), 100, "{}", run.stdout);
        let listed: Vec<i64> = doc["summary"]["zombies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|z| z["pid"].as_i64().unwrap())
            .collect();
        for r in &rounds {
            let (a, b) = (num(r, "a"), num(r, "b"));
            assert!(
                !listed.contains(&a),
                "{a}, reaped by a parent already waiting, is listed as a zombie: {}",
                doc["summary"]
            );
            assert!(
                listed.contains(&b),
                "{b} waited as a zombie: {}",
                doc["summary"]
            );
        }
        // The text says why the two differ.
        let text = procdemo(&["watch", "--", prog.path(), "3"]);
        assert_eq!(text.code, 0, "{}", text.stderr);
        assert!(
            says(&text.stderr, "That is the normal case, not a leak."),
            "{}",
            text.stderr
        );
        assert!(
            says(&text.stderr, "Zombies that waited for their parent:"),
            "{}",
            text.stderr
        );
    }
}

#[test]
fn a_process_whose_exit_was_reported_is_never_still_alive() {
    // The parent forks and exits at once: its child's exit may come first or not, but if it
    // was reported before the parent's end, it is not "alive" then.
    let prog = Program::new(
        "quick_parent",
        &format!(
            "{COMMON}{}",
            r#"
int main(void) {
    if (fork() == 0) _exit(0);
    return 0;
}
"#
        ),
    );
    for _ in 0..runs() * 5 {
        let run = procdemo(&["watch", "--json", "--", prog.path()]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let doc = document(&run.stderr);
        let all = doc["events"].as_array().unwrap();
        let main_at = all.iter().position(|e| e["type"] == "main_exited").unwrap();
        for pid in all[main_at]["alive"].as_array().unwrap() {
            assert!(
                !all[..main_at]
                    .iter()
                    .any(|e| e["type"] == "exit" && e["pid"] == *pid),
                "{pid} exited before, yet is alive at the main exit: {all:?}"
            );
        }
        // The first process is named by what it runs, never by procdemo's watcher.
        assert_eq!(events(&doc, "fork")[0]["comm"], "quick_parent");
    }
}

#[test]
fn a_core_dump_is_said_as_the_kernel_reported_it() {
    let prog = Program::new(
        "dumps_core",
        &format!(
            "{COMMON}{}",
            r#"
int main(int argc, char **argv) {
    struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
    setrlimit(RLIMIT_CORE, &unlimited);
    if (chdir(argv[1]) != 0) return 3;
    pid_t c = fork();
    if (c == 0) abort();
    int st;
    waitpid(c, &st, 0);
    printf("child pid=%d status=%d core=%d\n", (int)c, st, WCOREDUMP(st) ? 1 : 0);
    return 0;
}
"#
        ),
    );
    let run = procdemo(&["watch", "--json", "--", prog.path(), prog.dir()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let child = &said(&run.stdout, "child")[0];
    let doc = document(&run.stderr);
    let pid = num(child, "pid");
    let exit = events(&doc, "exit")
        .into_iter()
        .find(|e| e["pid"] == pid)
        .unwrap()
        .clone();
    assert_eq!(exit["status"]["signal"], libc::SIGABRT, "{exit}");
    let pattern = std::fs::read_to_string("/proc/sys/kernel/core_pattern").unwrap_or_default();
    if num(child, "core") == 0 {
        eprintln!(
            "skipped: no core could be dumped here (core_pattern {:?}, status {})",
            pattern.trim(),
            child["status"]
        );
        assert_eq!(exit["core_dumped"], false);
        return;
    }
    assert_eq!(num(child, "status"), 0x86);
    assert_eq!(exit["core_dumped"], true, "{exit}");
    let text = procdemo(&["watch", "--", prog.path(), prog.dir()]);
    assert!(
        says(&text.stderr, "exits: killed by SIGABRT (core dumped)"),
        "{}",
        text.stderr
    );
}

/// A file of `text` with these permission bits, in its own temporary directory.
fn file(name: &str, text: &str, mode: u32) -> TempScript {
    use std::os::unix::fs::PermissionsExt;
    let f = TempScript::new(name, text.as_bytes());
    std::fs::set_permissions(&f.path, std::fs::Permissions::from_mode(mode)).unwrap();
    f
}

#[test]
fn exec_failures_are_a_shells_one_line_and_exit_code() {
    // Not found anywhere (and the empty name): 127, one line, no report.
    for name in ["no-such-command-procdemo", ""] {
        let run = procdemo(&["watch", "--", name]);
        assert_eq!(run.code, 127, "{name:?}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{name:?}: {}", run.stderr);
        assert!(says(&run.stderr, "command not found"), "{}", run.stderr);
    }
    // A script whose #! interpreter does not exist: the file was found, its interpreter was
    // not; 127 as bash 5.2 and dash say it ("required file not found"; bash before 5.2 said
    // "bad interpreter" and 126).
    let script = file("bad-interp", "#!/nonexistent/interp\necho never\n", 0o755);
    let run = procdemo(&["watch", "--", script.arg()]);
    assert_eq!(run.code, 127, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        says(
            &run.stderr,
            "its interpreter /nonexistent/interp was not found"
        ),
        "{}",
        run.stderr
    );
    // An executable text file without #!: run by /bin/sh, as execvp and a shell do.
    let script = file("no-shebang", "echo ran \"$1\"\nexit 7\n", 0o755);
    let run = procdemo(&["watch", "--json", "--", script.arg(), "with arg"]);
    assert_eq!(run.code, 7, "{}", run.stderr);
    assert_eq!(run.stdout, "ran with arg\n");
    let doc = document(&run.stderr);
    assert_eq!(events(&doc, "exec")[0]["argv"][0], "/bin/sh");
}

#[test]
fn an_argument_that_is_not_utf8_is_passed_through_as_it_is() {
    use std::os::unix::ffi::OsStrExt;
    let tag = fresh_tag();
    let out = Command::new(BIN)
        .args([
            "watch",
            "--",
            "/bin/sh",
            "-c",
            "printf %s \"$1\" | od -An -tx1",
            "sh",
        ])
        .arg(std::ffi::OsStr::from_bytes(b"a\xffb"))
        .env("PROCDEMO_TEST_TAG", &tag)
        .output()
        .unwrap();
    assert!(leftovers(&tag).is_empty());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "61 ff 62");
}

fn signals_to(doc: &Value, pid: i64, signal: i32) -> Vec<&Value> {
    events(doc, "signal")
        .into_iter()
        .filter(|e| e["pid"] == pid && e["signal"] == signal)
        .collect()
}

#[test]
fn sigchld_is_coalesced_and_each_delivery_is_the_kernels() {
    // Three children exit while their parent blocks SIGCHLD; then it unblocks: a standard
    // signal is pending once, so its handler runs once. The handler counts its runs.
    let prog = Program::new(
        "coalesced",
        &format!(
            "{COMMON}{}",
            r#"
static volatile sig_atomic_t runs;
static void on_chld(int sig) { (void)sig; runs++; }
int main(void) {
    struct sigaction sa = { 0 };
    sa.sa_handler = on_chld;
    sigaction(SIGCHLD, &sa, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    pid_t kids[3];
    for (int i = 0; i < 3; i++) {
        kids[i] = fork();
        if (kids[i] == 0) _exit(i);
    }
    /* Until the kernel has told this parent of each death (the child can be waited for, and
       its SIGCHLD sent): WNOWAIT leaves it a zombie. (/proc's Z comes earlier under a
       tracer, which is told first.) */
    for (int i = 0; i < 3; i++) {
        for (;;) {
            siginfo_t info;
            memset(&info, 0, sizeof info);
            if (waitid(P_PID, kids[i], &info, WEXITED | WNOWAIT | WNOHANG) == 0 && info.si_pid == kids[i])
                break;
        }
    }
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    for (int i = 0; i < 3; i++) waitpid(kids[i], NULL, 0);
    printf("parent pid=%d runs=%d\n", (int)getpid(), (int)runs);
    return 0;
}
"#
        ),
    );
    for _ in 0..runs() {
        let run = procdemo(&["watch", "--json", "--", prog.path()]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let me = &said(&run.stdout, "parent")[0];
        let doc = document(&run.stderr);
        let got = signals_to(&doc, num(me, "pid"), libc::SIGCHLD);
        assert_eq!(got.len() as i64, num(me, "runs"), "{got:?}");
        assert!((1..=2).contains(&got.len()), "{got:?}");
        for s in &got {
            assert_eq!(s["code"], libc::CLD_EXITED, "{s}");
            assert_eq!(s["action"], "handled", "{s}");
        }
    }
    let text = procdemo(&["watch", "--", prog.path()]);
    assert!(
        says(
            &text.stderr,
            "receives SIGCHLD from the kernel (CLD_EXITED: its child"
        ),
        "{}",
        text.stderr
    );
    let hidden = procdemo(&["watch", "--no-signals", "--", prog.path()]);
    assert!(!hidden.stderr.contains("receives"), "{}", hidden.stderr);
}

#[test]
fn sigkill_to_a_zombie_does_nothing() {
    let prog = Program::new(
        "kill_zombie",
        &format!(
            "{COMMON}{}",
            r#"
int main(void) {
    pid_t c = fork();
    if (c == 0) _exit(5);
    await_state(c, "Z");
    kill(c, SIGKILL);
    char after = state_of(c);
    int st;
    waitpid(c, &st, 0);
    printf("child pid=%d state=%c exit=%d\n", (int)c, after, WEXITSTATUS(st));
    return 0;
}
"#
        ),
    );
    let run = procdemo(&["watch", "--json", "--", prog.path()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let child = &said(&run.stdout, "child")[0];
    assert_eq!(child["state"], "Z");
    let pid = num(child, "pid");
    let doc = document(&run.stderr);
    assert!(
        events(&doc, "signal").iter().all(|e| e["pid"] != pid),
        "a zombie is delivered nothing: {}",
        doc["events"]
    );
    let exit = events(&doc, "exit")
        .into_iter()
        .find(|e| e["pid"] == pid)
        .unwrap()
        .clone();
    assert_eq!(exit["status"]["code"], 5, "{exit}");
    // It waited as a zombie (its parent polled /proc for Z, then called wait()), so the
    // summary lists it among the zombies, with its parent as its reaper, even when the parent
    // reaped it before the watcher read its death; never among those reaped at once.
    let summary = &doc["summary"];
    let in_list = |k: &str| {
        summary[k]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .find(|z| z["pid"] == pid)
    };
    let row = in_list("zombies").unwrap_or_else(|| {
        panic!(
            "not among the zombies: {summary}; its events: {:?}",
            doc["events"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["pid"] == pid)
                .collect::<Vec<_>>()
        )
    });
    assert_eq!(row["reaper"]["type"], "parent", "{row}");
    assert!(row["zombie_us"].as_u64().is_some(), "{row}");
    assert!(in_list("reaped_at_once").is_none(), "{summary}");
}

#[test]
fn a_daemon_childs_sigterm_is_from_its_parent_at_exit() {
    let python = python();
    let script = [
        env!("CARGO_MANIFEST_DIR"),
        "tests/fixtures/watch/daemon_child.py",
    ]
    .join("/");
    let run = procdemo(&["watch", "--json", "--", &python, &script]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let daemon = &said(&run.stdout, "daemon")[0];
    let (pid, parent) = (num(daemon, "pid"), num(daemon, "parent"));
    let doc = document(&run.stderr);
    let term = signals_to(&doc, pid, libc::SIGTERM);
    assert_eq!(term.len(), 1, "{}", doc["events"]);
    assert_eq!(term[0]["sender"], parent, "{}", term[0]);
    assert_eq!(term[0]["code"], libc::SI_USER, "{}", term[0]);
    // A sender of the family is named by the report, as it was then.
    let sender = doc["processes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["pid"] == parent)
        .unwrap();
    assert_eq!(sender["comm"], "python3", "{sender}");
    let text = procdemo(&["watch", "--", &python, &script]);
    assert!(
        says(&text.stderr, "receives SIGTERM from")
            && says(&text.stderr, "(python3), by kill(): it is killed"),
        "{}",
        text.stderr
    );
    assert_eq!(term[0]["action"], "killed", "{}", term[0]);
    let exit = events(&doc, "exit")
        .into_iter()
        .find(|e| e["pid"] == pid)
        .unwrap()
        .clone();
    assert_eq!(exit["status"]["signal"], libc::SIGTERM, "{exit}");
}

#[test]
fn a_threads_end_is_not_its_processs() {
    // The main thread calls pthread_exit; another thread forks a child and ends the process
    // with _exit(6). The process exited 6, once, after its fork.
    let prog = Program::new(
        "thread_exit",
        &format!(
            "{COMMON}{}",
            r#"
static void *worker(void *arg) {
    (void)arg;
    await_state(getpid(), "Z");  /* the leader shows Z once it has ended */
    pid_t c = fork();
    if (c == 0) _exit(0);
    waitpid(c, NULL, 0);
    printf("child pid=%d\n", (int)c);
    fflush(stdout);
    _exit(6);
}
int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_exit(NULL);
}
"#
        ),
    );
    let run = procdemo(&["watch", "--json", "--", prog.path()]);
    assert_eq!(run.code, 6, "{}", run.stderr);
    let doc = document(&run.stderr);
    let root = events(&doc, "fork")[0]["pid"].as_i64().unwrap();
    let exits: Vec<&Value> = events(&doc, "exit")
        .into_iter()
        .filter(|e| e["pid"] == root)
        .collect();
    assert_eq!(exits.len(), 1, "{exits:?}");
    assert_eq!(exits[0]["status"]["code"], 6, "{}", exits[0]);
    let child = num(&said(&run.stdout, "child")[0], "pid");
    let all = doc["events"].as_array().unwrap();
    let forked = all
        .iter()
        .position(|e| e["type"] == "fork" && e["pid"] == child)
        .unwrap();
    let exited = all
        .iter()
        .position(|e| e["type"] == "exit" && e["pid"] == root)
        .unwrap();
    assert!(
        forked < exited,
        "the process forked before it exited: {all:?}"
    );
    let node = doc["processes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["pid"] == root)
        .unwrap();
    assert_eq!(node["status"]["code"], 6, "{node}");
}

#[test]
fn clone_parent_names_the_real_parent_and_pr_set_name_the_new_name() {
    let prog = Program::new(
        "clone_parent",
        &format!(
            "{COMMON}{}",
            r#"
#include <sched.h>
static char stack[64 * 1024];
static int child(void *arg) { (void)arg; return 0; }
int main(void) {
    pid_t mid = fork();
    if (mid == 0) {
        pid_t c = clone(child, stack + sizeof stack, CLONE_PARENT | SIGCHLD, NULL);
        printf("sibling pid=%d parent=%d creator=%d\n", (int)c, (int)getppid(), (int)getpid());
        fflush(stdout);
        prctl(PR_SET_NAME, "mydaemon");
        _exit(0);
    }
    int st;
    while (wait(&st) > 0) {}
    return 0;
}
"#
        ),
    );
    let run = procdemo(&["watch", "--json", "--", prog.path()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s = &said(&run.stdout, "sibling")[0];
    let doc = document(&run.stderr);
    let fork = events(&doc, "fork")
        .into_iter()
        .find(|e| e["pid"] == num(s, "pid"))
        .unwrap()
        .clone();
    assert_eq!(fork["parent"], num(s, "parent"), "{fork}");
    assert!(
        doc["summary"]["orphans"].as_array().unwrap().is_empty(),
        "not an orphan: {}",
        doc["summary"]
    );
    let renamed = events(&doc, "renamed");
    assert!(
        renamed
            .iter()
            .any(|e| e["pid"] == num(s, "creator") && e["comm"] == "mydaemon"),
        "{renamed:?}"
    );
}

const FORK_LOOP: &str = r#"
int main(int argc, char **argv) {
    int n = atoi(argv[1]);
    for (int i = 0; i < n; i++) {
        pid_t c = fork();
        if (c == 0) _exit(i % 128);
        waitpid(c, NULL, 0);
    }
    return 0;
}
"#;

#[test]
fn a_thousand_similar_children_are_one_line_of_the_tree_and_one_lane_but_all_in_json() {
    let prog = Program::new("forks", &format!("{COMMON}{FORK_LOOP}"));
    let run = procdemo(&["watch", "--", prog.path(), "1000"]);
    assert_eq!(run.code, 0);
    let tree: Vec<&str> = run
        .stderr
        .lines()
        .skip_while(|l| !l.starts_with("Processes, by"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(tree.len() <= 8, "{}", tree.join("\n"));
    assert!(
        says(&tree.join(" "), "998 children of") && says(&tree.join(" "), "exited 0–127"),
        "{}",
        tree.join("\n")
    );
    let lanes = run
        .stderr
        .lines()
        .skip_while(|l| l != &"Timeline")
        .filter(|l| l.contains(" forks "))
        .count();
    assert!(lanes <= 5, "{}", run.stderr);
    // The live lines too: the first 20 children's lines, one line that says the rest are
    // folded, and a count at the end; not the five lines a child each.
    let lines = run.stderr.lines().count();
    assert!(lines < 400, "{lines} lines: {}", run.stderr);
    assert!(
        says(&run.stderr, "has created 20 children: from here on"),
        "{}",
        run.stderr
    );
    let created = |text: &str| {
        text.lines()
            .filter(|l| l.contains(") created ") && l.contains(" with fork()"))
            .count()
    };
    assert_eq!(created(&run.stderr), 20, "{}", run.stderr);
    assert!(
        says(&run.stderr, "routine lines about 980 children were folded"),
        "{}",
        run.stderr
    );
    // --all shows each; the JSON always has each.
    let all = procdemo(&["watch", "--all", "--", prog.path(), "30"]);
    assert!(!says(&all.stderr, "children of"), "{}", all.stderr);
    assert_eq!(created(&all.stderr), 30, "{}", all.stderr);
    assert!(!says(&all.stderr, "folded"), "{}", all.stderr);
    let doc = document(&procdemo(&["watch", "--json", "--", prog.path(), "1000"]).stderr);
    assert_eq!(doc["processes"].as_array().unwrap().len(), 1001);
}

/// Of `n` fork()s, how many times the child got to run first (a shared counter per fork: who
/// increments it first), as the program prints it.
const WHO_FIRST: &str = r#"
#include <sys/mman.h>
int main(int argc, char **argv) {
    int n = atoi(argv[1]);
    int *slot = mmap(NULL, sizeof(int) * n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int *child = mmap(NULL, sizeof(int) * n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < n; i++) {
        pid_t c = fork();
        if (c == 0) {
            if (__sync_fetch_and_add(&slot[i], 1) == 0) child[i] = 1;
            _exit(0);
        }
        __sync_fetch_and_add(&slot[i], 1);
        waitpid(c, NULL, 0);
    }
    int first = 0;
    for (int i = 0; i < n; i++) first += child[i];
    printf("first child=%d of=%d\n", first, n);
    return 0;
}
"#;

#[test]
fn who_runs_first_after_fork_is_within_ten_points_of_strace() {
    let prog = Program::new("who_first", &format!("{COMMON}{WHO_FIRST}"));
    let count = |stdout: &str| num(&said(stdout, "first")[0], "child");
    let strace = Command::new("strace")
        .args(["-f", "-qq", "-o", "/dev/null", prog.path(), "1000"])
        .output();
    let Ok(strace) = strace else {
        eprintln!("skipped: strace is not installed (Debian package strace)");
        return;
    };
    if !strace.status.success() {
        eprintln!(
            "skipped: strace -f cannot trace here: {}",
            String::from_utf8_lossy(&strace.stderr)
        );
        return;
    }
    // Three paired rounds (the machine's load moves each count a lot): the medians.
    let mut strace_counts = vec![count(&String::from_utf8_lossy(&strace.stdout))];
    let mut watch_counts = Vec::new();
    let mut native_counts = Vec::new();
    for round in 0..3 {
        let run = procdemo(&["watch", "-o", "/dev/null", "--", prog.path(), "1000"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        watch_counts.push(count(&run.stdout));
        let native = Command::new(prog.path()).arg("1000").output().unwrap();
        native_counts.push(count(&String::from_utf8_lossy(&native.stdout)));
        if round < 2 {
            let again = Command::new("strace")
                .args(["-f", "-qq", "-o", "/dev/null", prog.path(), "1000"])
                .output()
                .unwrap();
            strace_counts.push(count(&String::from_utf8_lossy(&again.stdout)));
        }
    }
    let median = |mut v: Vec<i64>| {
        v.sort_unstable();
        v[v.len() / 2]
    };
    let (under_watch, under_strace, native) = (
        median(watch_counts),
        median(strace_counts),
        median(native_counts),
    );
    // Within 10 points of strace -f, or nearer than strace -f to the program's own answer
    // (on a loaded machine strace's own proportion moves by more than 10 points).
    assert!(
        (under_watch - under_strace).abs() <= 100
            || (under_watch - native).abs() <= (under_strace - native).abs(),
        "child first: {under_watch} of 1000 under watch, {under_strace} under strace -f, {native} alone"
    );
}

#[test]
fn a_wrapper_script_is_one_line_and_its_helpers_are_folded_unless_all() {
    let python = python();
    // A version manager's shim in small: it runs a helper, then execs the interpreter.
    let shim = file(
        "shim",
        &format!("#!/bin/sh\nkernel=$(uname)\nexec {python} \"$@\"\n"),
        0o755,
    );
    let script = [env!("CARGO_MANIFEST_DIR"), "tests/fixtures/watch/zombie.py"].join("/");
    let run = procdemo(&["watch", "--", shim.arg(), &script]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let tree: String = run
        .stderr
        .lines()
        .skip_while(|l| !l.starts_with("Processes, by"))
        .take_while(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(says(&tree, "through 1 wrapper: shim"), "{tree}");
    assert!(says(&tree, "run by the wrappers (shim)"), "{tree}");
    assert!(!tree.contains("(uname)"), "{tree}");
    assert!(
        says(
            &run.stderr,
            "Before the program started, its wrappers (shim) ran"
        ),
        "{}",
        run.stderr
    );
    // The program's own children are all there.
    assert_eq!(tree.matches("exit code 7").count(), 1, "{tree}");
    assert_eq!(tree.matches("exit code 8").count(), 1, "{tree}");
    let all = procdemo(&["watch", "--all", "--", shim.arg(), &script]);
    assert!(all.stderr.contains("(uname)"), "{}", all.stderr);
    assert!(!says(&all.stderr, "run by the wrappers"), "{}", all.stderr);
}

#[test]
fn a_report_that_cannot_be_written_is_named_and_exit_1() {
    for form in [&[][..], &["--json"][..], &["--json-events"][..]] {
        let mut args = vec!["watch"];
        args.extend_from_slice(form);
        args.extend_from_slice(&["-o", "/dev/full", "--", "/bin/sh", "-c", "exit 4"]);
        let run = procdemo(&args);
        assert_eq!(run.code, 1, "{form:?}: {}", run.stderr);
        assert!(
            says(&run.stderr, "cannot write the output: ENOSPC"),
            "{form:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn the_page_draws_the_family_on_a_time_axis_in_headless_chromium() {
    let python = python();
    let dir = TempScript::new("unused", b"");
    let page = dir.path.with_file_name("watch.html");
    let script = [env!("CARGO_MANIFEST_DIR"), "tests/fixtures/watch/zombie.py"].join("/");
    let run = procdemo(&[
        "watch",
        "--html",
        page.to_str().unwrap(),
        "-o",
        "/dev/null",
        "--",
        &python,
        &script,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(&page).unwrap();
    let svg = &html[html.find("<svg").expect("an svg picture")..html.find("</svg>").unwrap()];
    // A lane per process, a red zombie span, marks for fork, exec, exit, signal and reap,
    // arrows from parent to child.
    let lanes = svg.matches("<text x=\"8\"").count();
    assert_eq!(lanes, 3, "{svg}");
    for needle in [
        "fill=\"#c62828\"",
        "<title>fork</title>",
        "<title>exec python3</title>",
        "<title>exit</title>",
        "<title>signal SIGCHLD</title>",
        "<title>reaped</title>",
        "marker-end=\"url(#arrow)\"",
    ] {
        assert!(svg.contains(needle), "{needle} not in {svg}");
    }
    let _one = crate::page::BROWSER
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let Some(browser) = crate::page::chromium() else {
        eprintln!("skipped: chromium is not installed (apt-get install chromium)");
        return;
    };
    let shot = dir.path.with_file_name("watch.png");
    let profile = dir.path.with_file_name("profile");
    let status = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-crash-reporter",
            "--disable-breakpad",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1280,800")
        .arg(format!("file://{}", page.display()))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("run chromium");
    crate::page::reap_browser_leftovers();
    assert!(status.success(), "chromium: {status}");
    // The picture is at the top of the page: its colours are in the first screen.
    let n = crate::page::colours(&shot);
    assert!(n > 10, "the screenshot has {n} colours: blank?");
}

#[test]
fn an_exec_by_a_thread_that_is_not_the_leader_is_not_the_processs_exit() {
    // A second thread execs; the kernel ends the leader thread (its exit stop) and gives the
    // exec'ing thread the process's PID. The process exited once: with the new program's 9.
    let prog = Program::new(
        "thread_exec",
        &format!(
            "{COMMON}{}",
            r#"
static void *worker(void *arg) {
    (void)arg;
    char *argv[] = { "sh", "-c", "exit 9", NULL };
    execv("/bin/sh", argv);
    _exit(98);
}
int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    return 97;
}
"#
        ),
    );
    let run = procdemo(&["watch", "--json", "--", prog.path()]);
    assert_eq!(run.code, 9, "{}", run.stderr);
    let doc = document(&run.stderr);
    let root = events(&doc, "fork")[0]["pid"].as_i64().unwrap();
    let exits: Vec<&Value> = events(&doc, "exit")
        .into_iter()
        .filter(|e| e["pid"] == root)
        .collect();
    assert_eq!(exits.len(), 1, "{exits:?}");
    assert_eq!(exits[0]["status"]["code"], 9, "{}", exits[0]);
    let execs: Vec<&Value> = events(&doc, "exec")
        .into_iter()
        .filter(|e| e["pid"] == root)
        .collect();
    assert_eq!(execs.last().unwrap()["argv"][0], "sh", "{execs:?}");
}

#[test]
fn a_vfork_parent_is_read_in_d_before_its_child_execs_and_not_after() {
    let prog = Program::new(
        "vforks",
        &format!(
            "{COMMON}{}",
            r#"
int main(void) {
    pid_t c = vfork();
    if (c == 0) { execl("/bin/true", "true", (char *)0); _exit(127); }
    int st;
    waitpid(c, &st, 0);
    printf("vforked pid=%d parent=%d\n", (int)c, (int)getpid());
    return 0;
}
"#
        ),
    );
    let mut seen_d = 0;
    for _ in 0..runs().max(5) {
        let run = procdemo(&["watch", "--json", "--", prog.path()]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let s = &said(&run.stdout, "vforked")[0];
        let (child, parent) = (num(s, "pid"), num(s, "parent"));
        let doc = document(&run.stderr);
        let all = doc["events"].as_array().unwrap();
        let at = |kind: &str, pid: i64| {
            all.iter()
                .position(|e| e["type"] == kind && e["pid"] == pid)
                .unwrap_or_else(|| panic!("no {kind} of {pid}: {all:?}"))
        };
        let (forked, execd) = (at("fork", child), at("exec", child));
        assert_eq!(all[forked]["call"], "vfork", "{}", all[forked]);
        // Before the child's exec the parent waits in D (the killable wait for the vfork to
        // be done). The exec wakes it before its event reaches the watcher (the child's old
        // memory is let go during the exec), so an S may come before that event: not asserted.
        seen_d += all[forked..execd]
            .iter()
            .filter(|e| e["type"] == "state" && e["pid"] == parent && e["state"] == "D")
            .count();
        // And D only then: once the child has exec'd, the parent is woken.
        let d_later = all[execd..]
            .iter()
            .any(|e| e["type"] == "state" && e["pid"] == parent && e["state"] == "D");
        assert!(!d_later, "{all:?}");
    }
    assert!(seen_d > 0, "the vfork parent's D was never read");
}
