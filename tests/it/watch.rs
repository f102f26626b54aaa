//! `procdemo watch -- COMMAND`: small Python programs (tests/fixtures/watch/*.py) print every
//! process they make as `proc pid=P parent=Q exit=N [zombie|released|orphan|stopped|exec=true]`;
//! the watch's `--json` document must hold each with that parent, exit status and zombie
//! interval, and every process it reports must have been created, ended and reaped.
//!
//! `PROCDEMO_WATCH_RUNS=100 cargo test --locked --test it watch::nothing_is_missed` repeats
//! every fixture that many times (default 3).

use crate::util::{BIN, fresh_tag, leftovers, procdemo, python, says};
use serde_json::Value;
use std::io::BufRead;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn fixture(name: &str) -> String {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "tests",
        "fixtures",
        "watch",
        name,
    ]
    .iter()
    .collect();
    path.to_str().unwrap().to_string()
}

/// One line a fixture printed about a process it made.
#[derive(Debug)]
struct Printed {
    pid: i64,
    parent: i64,
    exit: Option<i64>,
    flags: Vec<String>,
}

fn printed(stdout: &str) -> Vec<Printed> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("proc "))
        .map(|l| {
            let mut p = Printed {
                pid: 0,
                parent: 0,
                exit: None,
                flags: Vec::new(),
            };
            for word in l.split_whitespace() {
                match word.split_once('=') {
                    Some(("pid", v)) => p.pid = v.parse().unwrap(),
                    Some(("parent", v)) => p.parent = v.parse().unwrap(),
                    Some(("exit", v)) => p.exit = Some(v.parse().unwrap()),
                    _ => p.flags.push(word.to_string()),
                }
            }
            p
        })
        .collect()
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

fn of_pid<'a>(doc: &'a Value, kind: &str, pid: i64) -> Vec<&'a Value> {
    events(doc, kind)
        .into_iter()
        .filter(|e| e["pid"] == pid)
        .collect()
}

/// Watch a fixture with --json; check what it printed against what the watch saw, and that
/// the watch itself is whole. Returns the document.
fn watch_and_check(name: &str, args: &[&str]) -> Value {
    let python = python();
    let script = fixture(name);
    let mut all = vec!["watch", "--json"];
    all.extend(args);
    all.extend(["--", python.as_str(), script.as_str()]);
    let run = procdemo(&all);
    assert_eq!(run.code, 0, "{name}: {}\n{}", run.stdout, run.stderr);
    let doc = document(&run.stderr);
    let watcher = doc["watcher"].as_i64().unwrap();
    let shown = printed(&run.stdout);
    assert!(!shown.is_empty(), "{name} printed nothing: {}", run.stdout);
    for p in &shown {
        let forks = of_pid(&doc, "fork", p.pid);
        assert_eq!(forks.len(), 1, "{name}: fork of {p:?}: {doc}");
        assert_eq!(forks[0]["parent"], p.parent, "{name}: parent of {p:?}");
        if let Some(code) = p.exit {
            let exits = of_pid(&doc, "exit", p.pid);
            assert_eq!(exits.len(), 1, "{name}: exit of {p:?}: {doc}");
            assert_eq!(
                exits[0]["status"],
                serde_json::json!({ "type": "exited", "code": code }),
                "{name}: status of {p:?}"
            );
        }
        let reaped = of_pid(&doc, "reaped", p.pid);
        assert_eq!(reaped.len(), 1, "{name}: reap of {p:?}: {doc}");
        let zombie = of_pid(&doc, "zombie", p.pid);
        let flag = |f: &str| p.flags.iter().any(|x| x == f);
        if flag("zombie") {
            // Held as a zombie until its parent reaped it: seen as Z, timed, parent reaped it.
            assert_eq!(zombie.len(), 1, "{name}: zombie {p:?}: {doc}");
            assert_eq!(zombie[0]["parent"], p.parent);
            assert_eq!(
                reaped[0]["reaper"],
                serde_json::json!({"type": "parent", "pid": p.parent})
            );
            let us = reaped[0]["zombie_us"].as_u64();
            assert!(us.is_some(), "{name}: no zombie interval for {p:?}: {doc}");
            let t_z = zombie[0]["t_us"].as_u64().unwrap();
            let t_r = reaped[0]["t_us"].as_u64().unwrap();
            assert_eq!(
                us,
                Some(t_r - t_z),
                "{name}: the interval is reap minus zombie"
            );
        }
        if flag("released") {
            assert!(zombie.is_empty(), "{name}: {p:?} reported a zombie: {doc}");
            assert_eq!(reaped[0]["reaper"], serde_json::json!({"type": "kernel"}));
        }
        if flag("orphan") {
            let orphaned = of_pid(&doc, "orphaned", p.pid);
            assert_eq!(orphaned.len(), 1, "{name}: orphan {p:?}: {doc}");
            assert_eq!(orphaned[0]["from"], p.parent);
            assert_eq!(orphaned[0]["to"], watcher, "{name}: adopted by the watcher");
            assert_eq!(
                reaped[0]["reaper"],
                serde_json::json!({"type": "subreaper"})
            );
        }
        if let Some(adopter) = p.flags.iter().find_map(|f| f.strip_prefix("adopter=")) {
            assert_eq!(adopter.parse::<i64>().unwrap(), watcher, "{name}");
        }
        if flag("exec=true") {
            let execs = of_pid(&doc, "exec", p.pid);
            assert_eq!(execs.len(), 1, "{name}: exec of {p:?}");
            assert_eq!(execs[0]["comm"], "true");
        }
        if flag("stopped") {
            let stopped = of_pid(&doc, "stopped", p.pid);
            assert_eq!(stopped.len(), 1, "{name}: stop of {p:?}: {doc}");
            assert_eq!(stopped[0]["signal"], libc::SIGSTOP);
            assert_eq!(of_pid(&doc, "continued", p.pid).len(), 1, "{name}");
        }
    }
    whole(name, &doc);
    doc
}

/// Every process the watch reports was created once, exited once and reaped once, in that
/// order; no state reported is `t` (the tracer's stop); the watch ended.
fn whole(name: &str, doc: &Value) {
    for fork in events(doc, "fork") {
        let pid = fork["pid"].as_i64().unwrap();
        let t = |kind: &str| {
            let found = of_pid(doc, kind, pid);
            assert_eq!(found.len(), 1, "{name}: {kind} of {pid}: {doc}");
            found[0]["t_us"].as_u64().unwrap()
        };
        let (born, exited, reaped) = (t("fork"), t("exit"), t("reaped"));
        assert!(born <= exited && exited <= reaped, "{name}: order of {pid}");
    }
    for state in events(doc, "state") {
        assert_ne!(state["state"], "t", "{name}: a tracing stop shown: {doc}");
    }
    assert_eq!(events(doc, "end").len(), 1, "{name}: no end: {doc}");
}

const FIXTURES: &[&str] = &[
    "zombie.py",
    "orphan.py",
    "double_fork.py",
    "sigchld_ignored.py",
    "fork_loop.py",
    "exec_true.py",
    "stop.py",
];

#[test]
fn a_zombie_is_seen_with_its_parent_exit_status_and_how_long_it_was_one() {
    watch_and_check("zombie.py", &[]);
}

#[test]
fn an_orphan_is_reparented_to_the_watcher_which_reaps_it() {
    let doc = watch_and_check("orphan.py", &[]);
    // The parent ended first: the child was alive then, and was watched to its end.
    let main = events(&doc, "main_exited");
    assert_eq!(main.len(), 1);
    assert_eq!(main[0]["alive"].as_array().unwrap().len(), 1, "{doc}");
}

#[test]
fn a_double_fork_shows_the_grandchild_orphaned_and_reaped_by_procdemo() {
    watch_and_check("double_fork.py", &[]);
}

#[test]
fn with_sigchld_ignored_a_child_is_released_at_once_and_never_a_zombie() {
    watch_and_check("sigchld_ignored.py", &[]);
}

#[test]
fn twenty_forks_in_a_loop_are_all_seen_with_their_exit_codes() {
    let doc = watch_and_check("fork_loop.py", &[]);
    assert_eq!(doc["summary"]["processes"], 21);
}

#[test]
fn a_child_that_execs_true_is_seen_running_true() {
    watch_and_check("exec_true.py", &[]);
}

#[test]
fn a_programs_own_sigstop_is_a_stop_and_a_continue_never_a_tracing_stop() {
    watch_and_check("stop.py", &[]);
}

#[test]
fn nothing_is_missed_across_many_runs() {
    let runs: usize = std::env::var("PROCDEMO_WATCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    for _ in 0..runs {
        for name in FIXTURES {
            watch_and_check(name, &[]);
        }
    }
}

#[test]
fn the_programs_exit_code_becomes_procdemos() {
    let python = python();
    let run = procdemo(&["watch", "--", &python, "-c", "import sys; sys.exit(3)"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let run = procdemo(&[
        "watch",
        "--",
        &python,
        "-c",
        "import os, signal; os.kill(os.getpid(), signal.SIGTERM)",
    ]);
    assert_eq!(run.code, 128 + libc::SIGTERM, "{}", run.stderr);
    assert!(says(&run.stderr, "killed by SIGTERM"), "{}", run.stderr);
}

#[test]
fn a_command_that_does_not_exist_is_exit_127_with_a_clear_message() {
    let run = procdemo(&["watch", "--", "no-such-command-procdemo"]);
    assert_eq!(run.code, 127, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("procdemo: no-such-command-procdemo: command not found"),
        "{}",
        run.stderr
    );
    let run = procdemo(&["--lang", "zh", "watch", "--", "no-such-command-procdemo"]);
    assert_eq!(run.code, 127);
    assert!(run.stderr.contains("找不到这个命令"), "{}", run.stderr);
    // Found but not executable (no x bit: EACCES, even for root): 126, as a shell says it.
    let file = crate::util::TempScript::new("not-executable", b"echo never\n");
    let run = procdemo(&["watch", "--", file.arg()]);
    assert_eq!(run.code, 126, "{}", run.stderr);
    assert!(run.stderr.contains("cannot run it"), "{}", run.stderr);
    // One line, no report: nothing of the program ran.
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
}

#[test]
fn a_program_that_forks_without_bound_is_stopped_at_the_limit_and_nothing_is_left() {
    let python = python();
    let script = fixture("fork_bomb.py");
    let run = procdemo(&[
        "watch",
        "--json",
        "--max-procs",
        "12",
        "--",
        &python,
        &script,
    ]);
    // Its first process was killed by procdemo's SIGKILL: 128 + 9.
    assert_eq!(run.code, 137, "{}", run.stderr);
    let doc = document(&run.stderr);
    let killed = events(&doc, "killed");
    assert_eq!(killed.len(), 1, "{doc}");
    assert_eq!(killed[0]["reason"], "limit");
    assert!(
        doc["summary"]["peak_alive"].as_u64().unwrap() >= 13,
        "{doc}"
    );
    whole("fork_bomb.py", &doc);
    // The text says so.
    let run = procdemo(&["watch", "--max-procs", "5", "--", &python, &script]);
    assert_eq!(run.code, 137);
    assert!(
        says(
            &run.stderr,
            "Stopped at the limit of 5 processes alive at once"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn kill_rest_kills_what_outlives_the_first_process() {
    let python = python();
    let script = fixture("forever.py");
    let run = procdemo(&["watch", "--json", "--kill-rest", "--", &python, &script]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = document(&run.stderr);
    let child = printed(&run.stdout)[0].pid;
    let main = events(&doc, "main_exited");
    assert_eq!(main[0]["alive"], serde_json::json!([child]), "{doc}");
    let killed = events(&doc, "killed");
    assert_eq!(killed[0]["reason"], "survivors");
    assert_eq!(killed[0]["pids"], serde_json::json!([child]));
    let exit = of_pid(&doc, "exit", child);
    assert_eq!(
        exit[0]["status"],
        serde_json::json!({"type": "killed", "signal": libc::SIGKILL})
    );
    whole("forever.py", &doc);
}

#[test]
fn ctrl_c_kills_and_reaps_the_whole_family_and_exits_130() {
    let python = python();
    let script = fixture("forever.py");
    let tag = fresh_tag();
    crate::common::become_subreaper();
    let mut child = Command::new(BIN)
        .args(["watch", "--json-events", "--", &python, &script, "wait"])
        .env("PROCDEMO_TEST_TAG", &tag)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Read the events until the program's child exists (then both are running).
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut forks = 0;
    let mut text = String::new();
    while forks < 2 {
        let mut line = String::new();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "{text}");
        if line.contains("\"type\":\"fork\"") {
            forks += 1;
        }
        text.push_str(&line);
    }
    // SAFETY: kill takes a pid and a signal number.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "no exit");
        std::thread::yield_now();
    };
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut stderr, &mut rest);
    assert_eq!(status.code(), Some(130), "{text}{rest}");
    assert!(rest.contains("\"interrupted\":2"), "{rest}");
    assert!(rest.contains("interrupted by SIGINT"), "{rest}");
    assert_eq!(leftovers(&tag), Vec::<String>::new());
}

#[test]
fn text_output_is_one_line_per_event_within_80_columns_in_english_and_chinese() {
    let python = python();
    let script = fixture("zombie.py");
    for (lang, words) in [("en", "is a zombie (Z)"), ("zh", "成为僵尸进程（Z）")] {
        let run = crate::util::procdemo_with(
            &["--lang", lang, "watch", "--", &python, &script],
            &[("COLUMNS", "80")],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(says(&run.stderr, words), "{}", run.stderr);
        for line in run.stderr.lines() {
            // East Asian wide characters take two columns; box-drawing ones (└─) one.
            let wide = |c: u32| {
                [
                    0x1100..=0x115F,
                    0x2E80..=0xA4CF,
                    0xAC00..=0xD7A3,
                    0xF900..=0xFAFF,
                    0xFE30..=0xFE4F,
                    0xFF00..=0xFF60,
                    0xFFE0..=0xFFE6,
                ]
                .iter()
                .any(|r| r.contains(&c))
            };
            let w: usize = line
                .chars()
                .map(|c| if wide(c as u32) { 2 } else { 1 })
                .sum();
            assert!(w <= 80, "{lang}: {w} columns: {line}");
        }
        // The program's own output is untouched, on standard output.
        assert!(run.stdout.starts_with("proc pid="), "{}", run.stdout);
        assert!(!run.stdout.contains("procdemo"), "{}", run.stdout);
    }
}

#[test]
fn the_report_goes_to_a_file_with_o() {
    let python = python();
    let dir = crate::util::TempScript::new("unused", b"");
    let report = dir.path.with_file_name("report.txt");
    let run = procdemo(&[
        "watch",
        "-o",
        report.to_str().unwrap(),
        "--",
        &python,
        &fixture("exec_true.py"),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(says(&text, "execs `true`"), "{text}");
    assert!(says(&text, "Summary"), "{text}");
}

#[test]
fn options_of_demo_runs_are_refused_by_watch() {
    for opt in [&["--explain"][..], &["--stable"], &["--step"]] {
        let mut args = vec!["watch"];
        args.extend(opt);
        args.extend(["--", "true"]);
        let run = procdemo(&args);
        assert_eq!(run.code, 2, "{opt:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("does not apply to procdemo watch"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn under_an_outer_tracer_watch_says_it_cannot_trace() {
    if Command::new("strace").arg("-V").output().is_err() {
        eprintln!("skipped: strace is not installed");
        return;
    }
    let run = crate::util::run_under(
        &["strace", "-f", "-o", "/dev/null"],
        &["watch", "--", "true"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        says(&run.stderr, "procdemo itself is traced"),
        "{}",
        run.stderr
    );
}

#[test]
fn html_writes_one_self_contained_page_with_every_process() {
    let python = python();
    let dir = crate::util::TempScript::new("unused", b"");
    let page = dir.path.with_file_name("watch.html");
    let run = procdemo(&[
        "watch",
        "--json",
        "--html",
        page.to_str().unwrap(),
        "--",
        &python,
        &fixture("double_fork.py"),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "{html}"
    );
    for p in printed(&run.stdout) {
        assert!(
            html.contains(&p.pid.to_string()),
            "{} not in the page",
            p.pid
        );
    }
    for heading in ["<h3>Summary</h3>", "<h3>Timeline</h3>", "is an orphan"] {
        assert!(html.contains(heading), "{heading} not in the page");
    }
    // The tree and the timeline are preformatted lines: real newlines, not escaped ones (a
    // headless browser showed each block as one cut-off line before).
    for block in html.split("<pre class=\"output wide\">").skip(1) {
        let block = &block[..block.find("</pre>").unwrap()];
        assert!(block.lines().count() > 2, "{block}");
        assert!(!block.contains("\\n"), "{block}");
    }
    assert_eq!(html.matches("<pre class=\"output wide\">").count(), 2);
    // A page that cannot be written is said before anything runs.
    let run = procdemo(&["watch", "--html", "/nonexistent/dir/x.html", "--", "true"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}
