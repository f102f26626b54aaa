//! The JSON contract (docs/json.md): every built-in demo's `--json` document and
//! `--json-events` lines, and a watched program's `watch --json` document and
//! `watch --json-events` lines, are valid against the JSON Schema files in schema/; and the
//! JSON is the same whatever the locale.

use crate::util::{Run, demo_names, procdemo, procdemo_with, python};
use jsonschema::{Registry, Validator};
use serde_json::{Value, json};
use std::path::PathBuf;

const BASE: &str = "https://procdemo.invalid/schema/";

fn schema(name: &str) -> Value {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "schema", name]
        .iter()
        .collect();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

/// The validators: a demo document, an event line, a watch document, a watch line.
struct Schemas {
    demo: Validator,
    event: Validator,
    watch: Validator,
    watch_line: Validator,
    check: Validator,
}

fn schemas() -> Schemas {
    let registry = Registry::new()
        .add(format!("{BASE}event.json"), schema("event.json"))
        .and_then(|r| r.add(format!("{BASE}watch.json"), schema("watch.json")))
        .and_then(|r| r.add(format!("{BASE}check.json"), schema("check.json")))
        .and_then(|r| r.prepare())
        .expect("the schemas load");
    let build = |s: &Value| {
        jsonschema::draft202012::options()
            .with_registry(&registry)
            .build(s)
            .unwrap_or_else(|e| panic!("schema does not build: {e}"))
    };
    Schemas {
        demo: build(&schema("demo.json")),
        event: build(&schema("event.json")),
        watch: build(&schema("watch.json")),
        watch_line: build(&json!({"$ref": format!("{BASE}watch.json#/$defs/message")})),
        check: build(&schema("check.json")),
    }
}

/// Fail with every error the validator finds, and the instance.
fn valid(validator: &Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}\n{instance}");
}

fn lines(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn passed(name: &str, run: &Run) {
    assert_eq!(run.code, 0, "{name}: {}{}", run.stdout, run.stderr);
}

#[test]
fn every_demos_json_document_and_json_events_lines_follow_the_schemas() {
    let s = schemas();
    let mut types = std::collections::BTreeSet::new();
    for name in demo_names() {
        let run = procdemo(&[&name, "--json", "--explain"]);
        passed(&name, &run);
        let docs = lines(&run.stdout);
        assert_eq!(docs.len(), 1, "{name}: one document");
        valid(&s.demo, &docs[0], &format!("{name} --json"));
        assert_eq!(docs[0]["version"], 2);

        let run = procdemo(&[&name, "--json-events", "--explain"]);
        passed(&name, &run);
        let events = lines(&run.stdout);
        assert!(events.len() > 3, "{name}: {}", run.stdout);
        assert_eq!(events[0]["type"], "begin", "{name}");
        assert_eq!(events[0]["version"], 2, "{name}");
        for e in &events {
            valid(&s.event, e, &format!("{name} --json-events"));
            types.insert(e["type"].as_str().unwrap_or("?").to_string());
        }
    }
    // The demos between them use most messages (a failure and a pause are tested below).
    for t in [
        "begin", "spawned", "act", "observe", "await", "measure", "share", "inspect", "output",
        "expect", "say", "ask", "answer", "cleanup", "end",
    ] {
        assert!(
            types.contains(t),
            "no demo produced a `{t}` message: {types:?}"
        );
    }
}

#[test]
fn a_failed_run_the_all_summary_and_words_asked_for_follow_the_schemas() {
    let s = schemas();
    let script = crate::util::TempScript::new(
        "late.demo",
        b"runner fork p\np fork c\nawait p Z within 50ms\n",
    );
    for form in ["--json", "--json-events"] {
        let run = procdemo(&["run", script.arg(), form, "--lang", "zh"]);
        assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
        let out = lines(&run.stdout);
        let validator = if form == "--json" { &s.demo } else { &s.event };
        for v in &out {
            valid(validator, v, &format!("failed run {form}"));
        }
        let failed = if form == "--json" {
            out[0]["failure"].clone()
        } else {
            let f = out.iter().find(|v| v["type"] == "failed").expect("failed");
            f["failure"].clone()
        };
        assert_eq!(failed["type"], "await_timeout", "{failed}");
        assert!(
            failed["text"].is_string(),
            "--lang adds the words: {failed}"
        );
    }
    let run = procdemo(&["all", "--json"]);
    passed("all", &run);
    let out = lines(&run.stdout);
    let summary = out.last().expect("a summary line");
    assert_eq!(summary["type"], "summary");
    valid(&s.event, summary, "the all summary");
    for doc in &out[..out.len() - 1] {
        valid(&s.demo, doc, "all --json");
    }
}

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
    path.to_string_lossy().into_owned()
}

#[test]
fn a_watchs_json_document_and_json_events_lines_follow_the_schema() {
    let s = schemas();
    let python = python();
    for name in [
        "zombie.py",
        "orphan.py",
        "sigchld_ignored.py",
        "exec_true.py",
    ] {
        let script = fixture(name);
        let run = procdemo(&["watch", "--json", "--", &python, &script]);
        passed(name, &run);
        let docs = lines(&run.stderr);
        let doc = docs.last().expect("a document on stderr");
        valid(&s.watch, doc, &format!("watch --json {name}"));
        assert_eq!(doc["version"], 2);
        assert_eq!(doc["type"], "watch");

        let run = procdemo(&["watch", "--json-events", "--", &python, &script]);
        passed(name, &run);
        let events = lines(&run.stderr);
        assert_eq!(events[0]["type"], "begin", "{name}");
        assert_eq!(events.last().unwrap()["type"], "summary", "{name}");
        for e in &events {
            valid(&s.watch_line, e, &format!("watch --json-events {name}"));
        }
    }
}

#[test]
fn a_checks_json_document_follows_the_schema() {
    let s = schemas();
    let python = python();
    let exercise = |name: &str| fixture(name).replace("/watch/", "/exercises/");
    let teacher: PathBuf = [env!("CARGO_MANIFEST_DIR"), "docs", "two-children.task"]
        .iter()
        .collect();
    let teacher = teacher.to_string_lossy().into_owned();
    let mut seen = std::collections::BTreeSet::new();
    for (task, program, code) in [
        ("zombie", "zombie_no_wait.py", 1),
        ("orphan", "orphan_ok.py", 0),
        ("orphan", "orphan_waits.py", 1),
        ("exit-codes", "exit_codes_ok.py", 0),
        ("sigchld-ignore", "sigchld_ignore_late.py", 1),
        (teacher.as_str(), "two_children_ok.py", 0),
        ("wnohang", "wnohang_blocking.py", 1),
        ("sigchld-handler", "sigchld_handler_one_wait.py", 1),
        ("fork-server", "fork_server_ok.py", 0),
    ] {
        let run = procdemo(&["check", "--json", task, "--", &python, &exercise(program)]);
        assert_eq!(run.code, code, "{task} {program}: {}", run.stderr);
        let docs = lines(&run.stderr);
        assert_eq!(
            docs.len(),
            1,
            "{task} {program}: one document: {}",
            run.stderr
        );
        valid(
            &s.check,
            &docs[0],
            &format!("check --json {task} {program}"),
        );
        assert_eq!(docs[0]["version"], 2);
        assert_eq!(docs[0]["type"], "check");
        for v in docs[0]["verdicts"].as_array().unwrap() {
            seen.insert(v["seen"]["type"].as_str().unwrap().to_string());
        }
    }
    for t in [
        "count",
        "longest_zombie",
        "reapers",
        "adopters",
        "statuses",
        "main_status",
        "sigchld",
    ] {
        assert!(seen.contains(t), "no check produced `{t}`: {seen:?}");
    }
    // A document of the version-1 shape (no version) is refused.
    let mut old = json!({"type": "check"});
    assert!(!s.check.is_valid(&old));
    old["version"] = json!(1);
    assert!(!s.check.is_valid(&old));
}

/// The JSON with what varies run to run masked: every number, every digit in a string (a
/// PID in a narration), and `wchan` (where a sleeper sleeps depends on when /proc was read).
fn masked(v: &Value) -> Value {
    match v {
        Value::Number(_) => json!(0),
        Value::String(s) => Value::String(
            s.chars()
                .map(|c| if c.is_ascii_digit() { '0' } else { c })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(masked).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| match k.as_str() {
                    "wchan" => (k.clone(), Value::Null),
                    _ => (k.clone(), masked(v)),
                })
                .collect(),
        ),
        Value::Bool(_) | Value::Null => v.clone(),
    }
}

fn under(lang: &str, args: &[&str]) -> Run {
    procdemo_with(args, &[("LANG", lang), ("LC_ALL", ""), ("LC_MESSAGES", "")])
}

#[test]
fn the_json_is_the_same_under_a_chinese_locale_and_the_c_locale() {
    for args in [
        &["zombie", "--json", "--explain"][..],
        &["zombie", "--json-events", "--explain"],
        &["orphan", "--json-events"],
    ] {
        let (zh, c) = (under("zh_CN.UTF-8", args), under("C", args));
        passed("zh", &zh);
        passed("C", &c);
        let (zh, c) = (lines(&zh.stdout), lines(&c.stdout));
        assert_eq!(zh.len(), c.len(), "{args:?}");
        for (z, c) in zh.iter().zip(&c) {
            assert_eq!(masked(z), masked(c), "{args:?}");
            assert!(z.get("text").is_none() && z.get("lang").is_none(), "{z}");
        }
    }
    // Under the C locale with `--lang zh`, the words are Chinese: in their own fields.
    let run = under("C", &["zombie", "--json", "--lang", "zh"]);
    passed("--lang zh", &run);
    let doc = &lines(&run.stdout)[0];
    assert_eq!(doc["lang"], "zh");
    assert!(doc["title"].as_str().unwrap().is_ascii(), "{doc}");
    assert!(!doc["text"].as_str().unwrap().is_ascii(), "{doc}");
}

#[test]
fn the_schemas_refuse_the_version_1_shape_and_a_message_of_no_known_type() {
    let s = schemas();
    for (validator, v1) in [
        (
            &s.event,
            json!({"event": "act", "line": 8, "step": "runner fork parent", "role": "runner"}),
        ),
        (
            &s.event,
            json!({"type": "act", "line": 8, "step": "runner fork parent", "role": "runner",
                   "summary": "fork() returned 101"}),
        ),
        (&s.event, json!({"type": "teleported", "pid": 1})),
        (
            &s.demo,
            json!({"demo": "zombie", "title": "t", "source": "demos/zombie.demo, built in",
                   "runner_pid": 1, "ok": true, "roles": [["runner", 1]], "events": [],
                   "cleaned_up": 0}),
        ),
        (
            &s.watch_line,
            json!({"event": "exit", "t_us": 5, "pid": 7, "status": {"Exited": 0}}),
        ),
    ] {
        assert!(!validator.is_valid(&v1), "accepted: {v1}");
    }
}

#[test]
fn a_checks_deadline_and_a_daemons_sessions_follow_the_schemas() {
    let s = schemas();
    let python = python();
    let exercise = |name: &str| fixture(name).replace("/watch/", "/exercises/");
    let mut seen = std::collections::BTreeSet::new();
    for (args, program, code) in [
        (&["daemon"][..], "daemon_ok.py", 0),
        (&["daemon"][..], "daemon_setsid_in_daemon.py", 1),
        (&["pipe-eof"][..], "pipe_eof_ok.py", 0),
        (
            &["--timeout", "1", "pipe-eof"][..],
            "pipe_eof_no_close.py",
            1,
        ),
    ] {
        let mut argv = vec!["check", "--json"];
        argv.extend(args);
        let program = exercise(program);
        argv.extend(["--", &python, &program]);
        let run = procdemo(&argv);
        assert_eq!(run.code, code, "{argv:?}: {}", run.stderr);
        let docs = lines(&run.stderr);
        assert_eq!(docs.len(), 1, "{argv:?}: {}", run.stderr);
        valid(&s.check, &docs[0], &format!("{argv:?}"));
        for v in docs[0]["verdicts"].as_array().unwrap() {
            seen.insert(v["seen"]["type"].as_str().unwrap().to_string());
        }
    }
    for t in ["ended", "deadline", "sessions"] {
        assert!(seen.contains(t), "no check produced `{t}`: {seen:?}");
    }
    // watch's own JSON carries the sessions of the processes that outlived the first.
    let run = procdemo(&[
        "watch",
        "--json-events",
        "--",
        &python,
        &exercise("daemon_ok.py"),
    ]);
    passed("daemon_ok.py", &run);
    let events = lines(&run.stderr);
    for e in &events {
        valid(&s.watch_line, e, "watch --json-events daemon_ok.py");
    }
    assert!(
        events.iter().any(|e| e["type"] == "sessions"),
        "{}",
        run.stderr
    );
}
