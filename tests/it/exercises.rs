//! `procdemo check TASK -- COMMAND` and `procdemo exercises` (issue #22): for every built-in
//! task, a correct Python solution (tests/fixtures/exercises/, written for these tests) passes
//! several runs in a row, and each wrong one, built on a typical mistake, fails with the
//! property named (and a hint); a teacher's task file from docs/ passes with its solution; a
//! task file that names an unknown property is a usage error with its FILE:LINE.
//!
//! `PROCDEMO_EXERCISE_RUNS=20 cargo test --locked --test it exercises::` runs each correct
//! solution 20 times in a row, as the issue asks of a normal user (default 5: the machine
//! is shared by every test).

use crate::util::{TempScript, procdemo, python, says};
use serde_json::Value;
use std::path::PathBuf;

fn path(parts: &[&str]) -> String {
    let mut p = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    p.extend(parts);
    p.to_str().unwrap().to_string()
}

fn fixture(name: &str) -> String {
    path(&["tests", "fixtures", "exercises", name])
}

fn runs() -> usize {
    std::env::var("PROCDEMO_EXERCISE_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5)
}

/// A wrong solution and the property it must fail.
type Wrong = (&'static str, &'static str);

/// Each task, its correct solution, and its wrong ones with the property each must fail.
const TASKS: &[(&str, &str, &[Wrong])] = &[
    (
        "zombie",
        "zombie_ok.py",
        // zombie_at_once.py (a wait at once) is not here: how short its zombie is measured is
        // the tracer's latency, which a loaded machine can stretch past 200 ms (it failed so
        // once in a whole `cargo test`); the unit tests hold its verdict's words.
        &[("zombie_no_wait.py", "reaped-by")],
    ),
    ("orphan", "orphan_ok.py", &[("orphan_waits.py", "orphans")]),
    (
        "exit-codes",
        "exit_codes_ok.py",
        &[("exit_codes_one_wait.py", "reaped-by")],
    ),
    (
        "sigchld-ignore",
        "sigchld_ignore_ok.py",
        &[("sigchld_ignore_late.py", "zombies")],
    ),
    (
        "double-fork",
        "double_fork_ok.py",
        &[("double_fork_no_wait.py", "zombies-left")],
    ),
    // pool_no_join.py (os._exit without close and join) is not here yet: now and then all
    // three workers were reaped by the parent all the same (by the pool's own handler thread,
    // it seems): not a failure a test may count on.
    ("pool", "pool_ok.py", &[]),
    // pipe_eof_no_close.py never ends: it has a test of its own, with a short --timeout.
    ("pipe-eof", "pipe_eof_ok.py", &[]),
    (
        "daemon",
        "daemon_ok.py",
        &[
            ("daemon_no_setsid.py", "new-session"),
            ("daemon_setsid_in_daemon.py", "daemon-not-leader"),
        ],
    ),
    (
        "wnohang",
        "wnohang_ok.py",
        &[("wnohang_blocking.py", "blocking-reaps")],
    ),
    (
        "sigchld-handler",
        "sigchld_handler_ok.py",
        &[("sigchld_handler_one_wait.py", "zombies-left")],
    ),
    (
        "fork-server",
        "fork_server_ok.py",
        &[("fork_server_no_reap.py", "zombies-left")],
    ),
    // The same task solved another way: a SIGCHLD handler that loops with WNOHANG.
    ("fork-server", "fork_server_handler.py", &[]),
    // A busy WNOHANG poller is inside wait4() most of the time: still never blocked.
    ("wnohang", "wnohang_spin_ok.py", &[]),
];

/// `procdemo check --json TASK -- python FILE`: its exit code and document (on stderr, the
/// report's place; the program keeps stdout).
fn check_json(task: &str, program: &str) -> (i32, Value, String) {
    let py = python();
    let run = procdemo(&["check", "--json", task, "--", &py, program]);
    let line = run
        .stderr
        .lines()
        .find(|l| l.starts_with('{'))
        .unwrap_or_else(|| panic!("no JSON: {}{}", run.stdout, run.stderr));
    let doc: Value = serde_json::from_str(line).unwrap();
    (run.code, doc, run.stdout)
}

fn failed_properties(doc: &Value) -> Vec<String> {
    doc["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["holds"] == false)
        .map(|v| v["property"]["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_correct_solution_passes_runs_in_a_row() {
    for (task, ok, _) in TASKS {
        for i in 0..runs() {
            let (code, doc, out) = check_json(task, &fixture(ok));
            assert_eq!(
                (code, doc["passed"].as_bool()),
                (0, Some(true)),
                "{task} {ok}, run {i}: {doc:#}\n{out}"
            );
            assert_eq!(doc["version"], 2);
            assert_eq!(doc["type"], "check");
            assert_eq!(doc["task"], *task);
            assert_eq!(doc["program_exit_code"], 0, "{task}");
        }
    }
}

#[test]
fn every_wrong_solution_fails_with_the_property_named_and_a_hint() {
    let py = python();
    for (task, _, wrongs) in TASKS {
        for (wrong, property) in *wrongs {
            let (code, doc, _) = check_json(task, &fixture(wrong));
            assert_eq!(code, 1, "{task} {wrong}: {doc:#}");
            assert_eq!(doc["exit_code"], 1);
            let failed = failed_properties(&doc);
            assert!(
                failed.iter().any(|p| p == property),
                "{task} {wrong}: expected {property} to fail, failed: {failed:?}\n{doc:#}"
            );
            // The text says ✗, what was seen and a hint, in English and in Chinese.
            let run = procdemo(&["check", task, "--", &py, &fixture(wrong)]);
            assert_eq!(run.code, 1, "{task} {wrong}: {}", run.stderr);
            assert!(run.stderr.contains("✗ "), "{}", run.stderr);
            assert!(says(&run.stderr, "seen: "), "{}", run.stderr);
            assert!(says(&run.stderr, "hint: "), "{}", run.stderr);
            assert!(says(&run.stderr, "Not passed"), "{}", run.stderr);
            let zh = procdemo(&["check", "--lang", "zh", task, "--", &py, &fixture(wrong)]);
            assert_eq!(zh.code, 1, "{task} {wrong}: {}", zh.stderr);
            assert!(zh.stderr.contains("提示："), "{}", zh.stderr);
            assert!(zh.stderr.contains("未通过"), "{}", zh.stderr);
        }
    }
}

#[test]
fn a_wrapper_that_execs_python_is_not_the_program() {
    // As a student types it: `python3` (here perhaps pyenv's shim, which forks helpers and
    // then execs the interpreter).
    let run = procdemo(&[
        "check",
        "exit-codes",
        "--",
        "python3",
        &fixture("exit_codes_ok.py"),
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(says(&run.stderr, "Passed: 3 of 3"), "{}", run.stderr);
}

#[test]
fn the_teachers_task_from_docs_passes_with_its_solution() {
    let py = python();
    let task = path(&["docs", "two-children.task"]);
    let run = procdemo(&["check", &task, "--", &py, &fixture("two_children_ok.py")]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let wrong = procdemo(&["check", &task, "--", &py, &fixture("zombie_no_wait.py")]);
    assert_eq!(wrong.code, 1, "{}", wrong.stderr);
}

#[test]
fn a_task_file_with_an_unknown_property_is_a_usage_error_with_its_line() {
    let bad = TempScript::new(
        "my-task.task",
        b"title Mine\n# a comment\ncheck forks >= 1\ncheck zombeis = 0\n",
    );
    let run = procdemo(&["check", bad.arg(), "--", "true"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("{}:4: unknown property `zombeis`", bad.arg())),
        "{}",
        run.stderr
    );
    assert!(
        says(&run.stderr, "Did you mean `zombies`?"),
        "{}",
        run.stderr
    );
    let upper = TempScript::new("t.task", b"title T\ncheck longest-zombie <= 1s\n");
    let run = procdemo(&["check", upper.arg(), "--", "true"]);
    assert_eq!(run.code, 2);
    assert!(
        says(&run.stderr, ":2: `longest-zombie` takes only `>=`"),
        "{}",
        run.stderr
    );
    let run = procdemo(&["check", "zombi", "--", "true"]);
    assert_eq!(run.code, 2);
    assert!(
        says(&run.stderr, "Did you mean `zombie`?"),
        "{}",
        run.stderr
    );
    // No command: clap's usage error.
    assert_eq!(procdemo(&["check", "zombie"]).code, 2);
}

#[test]
fn exercises_lists_the_tasks_and_prints_one_in_full_in_english_and_chinese() {
    let list = procdemo(&["exercises"]);
    assert_eq!(list.code, 0);
    for (task, _, _) in TASKS {
        assert!(
            list.stdout.lines().any(|l| l.starts_with(task)),
            "{task}: {}",
            list.stdout
        );
    }
    assert!(
        says(
            &list.stdout,
            "procdemo check TASK -- python3 hw.py checks your program"
        ),
        "{}",
        list.stdout
    );
    let zh = procdemo(&["exercises", "--lang", "zh"]);
    assert!(zh.stdout.contains("僵尸"), "{}", zh.stdout);
    let one = procdemo(&["exercises", "sigchld-ignore"]);
    assert_eq!(one.code, 0);
    for words in [
        "signal.signal(signal.SIGCHLD, signal.SIG_IGN)",
        "What procdemo check checks:",
        "Hints:",
        "procdemo check sigchld-ignore -- python3 hw.py",
    ] {
        assert!(says(&one.stdout, words), "{words}: {}", one.stdout);
    }
    let one = procdemo(&["exercises", "--lang", "zh", "pool"]);
    assert!(says(&one.stdout, "提示："), "{}", one.stdout);
    assert!(says(&one.stdout, "multiprocessing"), "{}", one.stdout);
}

/// The deadline of the wrong solutions that never end: short, so that the suite stays fast
/// (only a wrong program meets it; a correct one ends in well under a second).
const SHORT_TIMEOUT: &str = "2";

#[test]
fn a_reader_that_keeps_its_own_write_end_is_stopped_at_the_deadline_and_told_why() {
    let py = python();
    let wrong = fixture("pipe_eof_no_close.py");
    let started = std::time::Instant::now();
    let run = procdemo(&[
        "check",
        "--json",
        "--timeout",
        SHORT_TIMEOUT,
        "pipe-eof",
        "--",
        &py,
        &wrong,
    ]);
    // Stopped at the deadline, not left running (and nothing left behind: `procdemo` checks).
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc: Value = serde_json::from_str(
        run.stderr
            .lines()
            .find(|l| l.starts_with('{'))
            .unwrap_or_else(|| panic!("no JSON: {}", run.stderr)),
    )
    .unwrap();
    let failed = failed_properties(&doc);
    assert!(failed.iter().any(|p| p == "ends-by-itself"), "{doc:#}");
    let verdict = doc["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["property"]["name"] == "ends-by-itself")
        .unwrap();
    let seen = &verdict["seen"];
    assert_eq!(seen["type"], "deadline", "{doc:#}");
    assert_eq!(seen["after_ms"], 2000, "{doc:#}");
    // The parent, asleep reading the pipe, holds its write end itself: the kernel said so.
    let stuck = seen["stuck"].as_array().unwrap();
    let reader = stuck
        .iter()
        .find(|s| !s["pipe"].is_null())
        .unwrap_or_else(|| panic!("no process reading a pipe: {doc:#}"));
    assert_eq!(reader["state"], "S", "{doc:#}");
    assert!(
        reader["wchan"].as_str().unwrap().ends_with("pipe_read"),
        "{doc:#}"
    );
    let writers: Vec<&Value> = reader["pipe"]["writers"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert!(
        writers.iter().any(|w| w["pid"] == reader["pid"]),
        "the reader holds the write end: {doc:#}"
    );
    // In words: who holds the write end, and a hint naming os.close(w), in both languages.
    let text = procdemo(&[
        "check",
        "--timeout",
        SHORT_TIMEOUT,
        "pipe-eof",
        "--",
        &py,
        &wrong,
    ]);
    assert_eq!(text.code, 1, "{}", text.stderr);
    for words in [
        "✗ the program ends by itself",
        "was still asleep reading a pipe",
        "(itself, fd",
        "os.close(w)",
        "procdemo killed it at the deadline",
    ] {
        assert!(says(&text.stderr, words), "{words}: {}", text.stderr);
    }
    let zh = procdemo(&[
        "check",
        "--lang",
        "zh",
        "--timeout",
        SHORT_TIMEOUT,
        "pipe-eof",
        "--",
        &py,
        &wrong,
    ]);
    assert_eq!(zh.code, 1, "{}", zh.stderr);
    for words in ["仍在睡眠，等着读一个管道", "os.close(w)", "提示："] {
        assert!(zh.stderr.contains(words), "{words}: {}", zh.stderr);
    }
}

#[test]
fn every_task_implies_ending_by_itself_and_the_deadline_is_an_option_of_check_only() {
    let py = python();
    // The zombie task does not state ends-by-itself: a program stopped at the deadline fails
    // it all the same, first, as line 0.
    let run = procdemo(&[
        "check",
        "--json",
        "--timeout",
        "1",
        "zombie",
        "--",
        &py,
        &fixture("pipe_eof_no_close.py"),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc: Value =
        serde_json::from_str(run.stderr.lines().find(|l| l.starts_with('{')).unwrap()).unwrap();
    let first = &doc["verdicts"][0];
    assert_eq!(first["property"]["name"], "ends-by-itself", "{doc:#}");
    assert_eq!(
        (first["line"].as_u64(), first["holds"].as_bool()),
        (Some(0), Some(false))
    );
    // A program that ends shows no such verdict where the task does not ask for it.
    let (code, doc, _) = check_json("zombie", &fixture("zombie_ok.py"));
    assert_eq!(code, 0, "{doc:#}");
    assert!(
        doc["verdicts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["property"]["name"] != "ends-by-itself")
    );
    // --timeout takes whole seconds from 1; watch has no deadline (a demo-only option there).
    assert_eq!(
        procdemo(&["check", "--timeout", "0", "zombie", "--", "true"]).code,
        2
    );
    let watch = procdemo(&["watch", "--timeout", "5", "--", "true"]);
    assert_eq!(watch.code, 2, "{}", watch.stderr);
}
#[test]
fn the_hints_of_the_wnohang_sigchld_and_server_mistakes_name_the_python_call_that_fixes_them() {
    let py = python();
    for (task, wrong, words) in [
        // A blocking os.wait() loop: the parent was in wait4 at each child's exit.
        (
            "wnohang",
            "wnohang_blocking.py",
            "poll with os.waitpid(-1, os.WNOHANG)",
        ),
        // One waitpid per SIGCHLD: the handler ran (once), two children were left.
        (
            "sigchld-handler",
            "sigchld_handler_one_wait.py",
            "in the handler, loop `pid, status = os.waitpid(-1, os.WNOHANG)` until pid is 0",
        ),
        (
            "fork-server",
            "fork_server_no_reap.py",
            "os.wait()/os.waitpid()",
        ),
    ] {
        let run = procdemo(&["check", task, "--", &py, &fixture(wrong)]);
        assert_eq!(run.code, 1, "{task} {wrong}: {}", run.stderr);
        assert!(
            says(&run.stderr, words),
            "{task} {wrong}: {words}\n{}",
            run.stderr
        );
    }
    // What the kernel showed of the coalescing: one SIGCHLD for three exits, handled.
    let (code, doc, _) = check_json("sigchld-handler", &fixture("sigchld_handler_one_wait.py"));
    assert_eq!(code, 1);
    let coalesced = doc["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["property"]["name"] == "sigchld-coalesced")
        .unwrap();
    assert_eq!(coalesced["holds"], true, "{doc:#}");
    assert_eq!(coalesced["seen"]["exited"], 3, "{doc:#}");
    assert_eq!(coalesced["seen"]["delivered"], 1, "{doc:#}");
    assert_eq!(coalesced["seen"]["handled"], 1, "{doc:#}");
    let left = doc["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["property"]["name"] == "zombies-left")
        .unwrap();
    assert_eq!(left["seen"]["count"], 2, "{doc:#}");
    assert_eq!(
        left["seen"]["sigchld_handled_by"].as_array().map(Vec::len),
        Some(1),
        "{doc:#}"
    );
}

#[test]
fn check_html_writes_the_verdicts_and_the_familys_picture_and_renders_in_headless_chromium() {
    let py = python();
    let dir = TempScript::new("unused", b"");
    let page = dir.path.with_file_name("check.html");
    let run = procdemo(&[
        "check",
        "--html",
        page.to_str().unwrap(),
        "sigchld-handler",
        "--",
        &py,
        &fixture("sigchld_handler_one_wait.py"),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // The text verdicts still go to stderr.
    assert!(says(&run.stderr, "Not passed: 2 of 4"), "{}", run.stderr);
    let html = std::fs::read_to_string(&page).unwrap();
    for needle in [
        "<h1><span class=\"prog\">procdemo</span> <span class=\"name\">check sigchld-handler</span></h1>",
        "<span class=\"v-ok\">✓</span> SIGCHLDs coalesce",
        "<span class=\"v-failed\">✗</span> zombies their parent never reaps: = 0",
        "handled SIGCHLD</p>",
        "hint: one SIGCHLD can stand for several exits",
        "<p class=\"verdict failed\"><b>Not passed: 2 of 4 properties do not hold.</b></p>",
        // The watch page's picture of the same run: a lane per process, the zombies red.
        "<svg",
        "fill=\"#c62828\"",
        "<title>signal SIGCHLD</title>",
    ] {
        assert!(html.contains(needle), "{needle} not in the page:\n{html}");
    }
    let svg = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap()];
    assert_eq!(svg.matches("<text x=\"8\"").count(), 4, "{svg}");
    // A program that passes: the page says so; in Chinese with --lang zh.
    let zh = dir.path.with_file_name("check-zh.html");
    let run = procdemo(&[
        "check",
        "--lang",
        "zh",
        "--html",
        zh.to_str().unwrap(),
        "wnohang",
        "--",
        &py,
        &fixture("wnohang_ok.py"),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html_zh = std::fs::read_to_string(&zh).unwrap();
    assert!(
        html_zh.contains("<p class=\"verdict ok\"><b>通过：3 项性质全部成立。</b></p>"),
        "{html_zh}"
    );
    let _one = crate::page::BROWSER
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let Some(browser) = crate::page::chromium() else {
        eprintln!("skipped: chromium is not installed (apt-get install chromium)");
        return;
    };
    for (file, name) in [(&page, "check.png"), (&zh, "check-zh.png")] {
        let shot = dir.path.with_file_name(name);
        let profile = dir.path.with_file_name(format!("profile-{name}"));
        let status = crate::page::headless(
            browser,
            &profile,
            &[
                format!("--screenshot={}", shot.display()),
                "--window-size=1280,1000".to_string(),
            ],
            file,
        );
        assert!(status.success(), "chromium: {status}");
        // The verdicts and the picture are in the first screen: many colours, not a blank.
        let n = crate::page::colours(&shot);
        assert!(n > 10, "{name} has {n} colours: blank?");
    }
}
