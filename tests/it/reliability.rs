//! Reliability: many runs in a row, several at once, and the documented limits, each run
//! followed by the leak check in `util::procdemo`.

use crate::util::{BIN, TempScript, demo_names, leftovers, procdemo, says};
use std::process::{Command, Stdio};

/// `make soak` sets PROCDEMO_SOAK_ROUNDS=200; `make test` runs a few rounds.
#[test]
fn every_demo_passes_round_after_round_and_leaves_nothing() {
    let rounds: usize = std::env::var("PROCDEMO_SOAK_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    for round in 0..rounds {
        for name in demo_names() {
            let run = procdemo(&[&name, "--color", "never"]);
            assert_eq!(
                run.code, 0,
                "round {round}, {name}:\n{}{}",
                run.stdout, run.stderr
            );
        }
    }
}

#[test]
fn eight_concurrent_runs_of_all_pass_and_each_sees_only_its_own_processes() {
    let tag = format!("concurrent-{}", std::process::id());
    let children: Vec<_> = (0..8)
        .map(|_| {
            Command::new(BIN)
                .args(["all", "--json"])
                .env("PROCDEMO_TEST_TAG", &tag)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let mut all_pids = std::collections::HashSet::new();
    for child in children {
        let out = child.wait_with_output().expect("wait");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for line in stdout.lines() {
            let doc: serde_json::Value = serde_json::from_str(line).expect("json line");
            if doc["type"] == "summary" {
                continue;
            }
            assert_eq!(doc["ok"], true, "{line}");
            let roles = doc["roles"].as_array().expect("roles");
            let pids: Vec<i64> = roles.iter().filter_map(|r| r["pid"].as_i64()).collect();
            for obs in doc["events"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|e| e["observations"].as_array().cloned().unwrap_or_default())
            {
                let pid = obs["pid"].as_i64().unwrap();
                assert!(
                    pids.contains(&pid),
                    "an observation of pid {pid}, not one of this run's roles {pids:?}"
                );
            }
            for pid in pids {
                assert!(
                    all_pids.insert(pid),
                    "pid {pid} appears in two concurrent runs"
                );
            }
        }
    }
    let left = leftovers(&tag);
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn a_script_past_the_process_limit_is_rejected_before_it_runs() {
    let mut text = String::from("runner fork p0\n");
    for i in 1..=16 {
        text.push_str(&format!("p{} fork p{i}\n", i - 1));
    }
    let script = TempScript::new("many.demo", text.as_bytes());
    let run = procdemo(&["run", script.arg()]);
    assert_eq!(run.code, 2);
    assert!(
        says(&run.stderr, ":17: a script may create at most 16 processes"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_script_past_the_step_limit_is_rejected_before_it_runs() {
    let text = "runner fork p\n".to_string() + &"observe\n".repeat(200);
    let script = TempScript::new("long.demo", text.as_bytes());
    let run = procdemo(&["run", script.arg()]);
    assert_eq!(run.code, 2);
    assert!(
        says(&run.stderr, ":201: more than 200 steps"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_script_at_the_limits_runs() {
    let mut text = String::from("runner fork p0\n");
    for i in 1..16 {
        text.push_str(&format!("p{} fork p{i}\n", i - 1));
    }
    text.push_str(&"observe\n".repeat(200 - 16));
    let script = TempScript::new("full.demo", text.as_bytes());
    let run = procdemo(&["run", script.arg(), "--color", "never", "--stable"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        says(&run.stdout, "killed and reaped 16 processes"),
        "{}",
        run.stdout
    );
}
