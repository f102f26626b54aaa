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
