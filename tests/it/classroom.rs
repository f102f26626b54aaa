//! Handouts: `--worksheet` (the questions before the class, nothing run) and `quiz --count`
//! (a batch of exercises and its key, the same on every machine).

use crate::util::{demo_names, demo_text, procdemo};

#[test]
fn a_worksheet_prints_every_question_of_the_demo_runs_nothing_and_gives_no_answer() {
    let run = procdemo(&["zombie", "--worksheet", "--color", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let questions: Vec<String> = demo_text("zombie")
        .lines()
        .filter_map(|l| l.strip_prefix("ask "))
        .map(|l| l.split_once(": ").map_or(l, |(_, q)| q).to_string())
        .collect();
    assert_eq!(questions.len(), 3);
    // Each question, numbered, in order (wrapped lines joined back).
    let joined = run.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut at = 0;
    for (i, q) in questions.iter().enumerate() {
        let numbered = format!("{}. {q}", i + 1);
        let found = joined[at..]
            .find(&numbered)
            .unwrap_or_else(|| panic!("{numbered:?} not in order in:\n{}", run.stdout));
        at += found + numbered.len();
    }
    // Nothing ran: no PID, no state, no verdict.
    for ran in ["runner", "ok:", "zombie: exited", "status 1792"] {
        assert!(
            !run.stdout.contains(ran),
            "{ran} in a worksheet:\n{}",
            run.stdout
        );
    }
}

#[test]
fn a_worksheet_of_all_names_every_demo_and_refuses_what_needs_a_run() {
    let run = procdemo(&["all", "--worksheet", "--lang", "zh"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for name in demo_names() {
        assert!(run.stdout.contains(&format!("{name}: ")), "{name}");
    }
    assert!(run.stdout.contains("问题"), "{}", run.stdout);
    for option in ["--json", "--answers", "--predict"] {
        let run = procdemo(&["zombie", "--worksheet", option]);
        assert_eq!(run.code, 2, "{option}: {}", run.stderr);
        assert!(run.stderr.contains(option), "{}", run.stderr);
    }
}

#[test]
fn a_quiz_batch_is_the_same_on_every_run_and_its_key_shows_each_tree() {
    let args = ["quiz", "--count", "3", "--seed", "3", "--color", "never"];
    let first = procdemo(&args);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let again = procdemo(&args);
    assert_eq!(first.stdout, again.stdout, "the same batch, the same text");
    let (exercises, key) = first
        .stdout
        .split_once("Key:")
        .unwrap_or_else(|| panic!("no key:\n{}", first.stdout));
    for seed in 3..6 {
        let exercise = exercises
            .split(&format!("Exercise {seed} ("))
            .nth(1)
            .unwrap_or_else(|| panic!("no exercise {seed}:\n{exercises}"));
        let exercise = exercise.split("Exercise ").next().unwrap();
        assert!(
            exercise.contains("exits"),
            "exercise {seed} has no exit:\n{exercise}"
        );
        assert!(key.contains(&format!("Exercise {seed}:")), "{key}");
    }
    // Each exercise's tree, drawn by roles: a runner at the top, no PID.
    assert_eq!(key.matches("runner R").count(), 3, "{key}");
    assert!(
        key.lines().filter(|l| l.contains("─ ")).all(|l| !l
            .split_whitespace()
            .any(|w| w.len() > 3 && w.parse::<u32>().is_ok())),
        "a PID in the key:\n{key}"
    );
}

/// The text of a snapshot file, without insta's header.
fn snapshot(file: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("snapshots")
        .join(file);
    let text = std::fs::read_to_string(&path).expect("a snapshot");
    text.splitn(3, "---\n")
        .nth(2)
        .expect("insta's header")
        .to_string()
}

#[test]
fn a_replay_of_every_recorded_run_is_the_live_stable_text_and_says_it_is_a_replay() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/events");
    for name in demo_names() {
        let file = dir.join(format!("{name}.events"));
        let file = file.to_str().unwrap();
        // English, as the snapshot holds it (--answers included), and Chinese.
        for (args, snap) in [
            (vec!["--answers"], format!("demo@{name}.demo.snap")),
            (vec!["--lang", "zh"], format!("demo-zh@{name}.demo.snap")),
        ] {
            let mut all = vec!["replay", file, "--stable", "--explain", "--color", "never"];
            all.extend(args);
            let run = procdemo(&all);
            assert_eq!(run.code, 0, "{name}: {}", run.stderr);
            let (notice, text) = run
                .stdout
                .split_once(&format!("procdemo {name} —"))
                .unwrap_or_else(|| panic!("{name}: {}", run.stdout));
            assert!(
                notice.starts_with("▶ "),
                "{name}: no replay notice: {notice}"
            );
            assert!(notice.contains(&name), "{notice}");
            let text = format!("procdemo {name} —{text}");
            assert_eq!(
                text.trim_end(),
                snapshot(&snap).trim_end(),
                "{name}: the replay differs from the live run's snapshot {snap}"
            );
        }
    }
}

#[test]
fn a_replay_runs_nothing_and_a_file_that_is_not_a_recording_is_a_usage_error() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/events");
    let run = procdemo(&[
        "replay",
        dir.join("orphan.events").to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // JSON only on stdout; the notice on stderr.
    let doc: serde_json::Value = serde_json::from_str(run.stdout.trim()).expect("one document");
    assert_eq!(doc["demo"], "orphan");
    assert!(run.stderr.contains("replay"), "{}", run.stderr);
    let bad =
        crate::util::TempScript::new("bad.events", b"{\"Begin\":{\"runner_pid\":1}}\nnot json\n");
    let run = procdemo(&["replay", bad.arg()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains(":1: "), "{}", run.stderr);
}
