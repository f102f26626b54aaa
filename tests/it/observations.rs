//! What procdemo reports must be what the kernel said: real PIDs that fit together, exit
//! statuses as wait() decodes them, and a STAT column that agrees with ps.

use crate::util::procdemo;
use serde_json::Value;

fn json(demo: &str) -> Value {
    let run = procdemo(&[demo, "--json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    serde_json::from_str(run.stdout.trim()).expect("one JSON document")
}

fn pid_of(doc: &Value, role: &str) -> i64 {
    doc["roles"]
        .as_array()
        .and_then(|roles| roles.iter().find(|r| r[0] == role))
        .and_then(|r| r[1].as_i64())
        .unwrap_or_else(|| panic!("no pid for {role}"))
}

fn event<'a>(doc: &'a Value, step: &str) -> &'a Value {
    doc["events"]
        .as_array()
        .and_then(|e| e.iter().find(|e| e["step"] == step))
        .unwrap_or_else(|| panic!("no step {step:?}"))
}

#[test]
fn zombie_json_holds_real_pids_the_zombie_state_and_its_exit_status() {
    let doc = json("zombie");
    assert_eq!(doc["ok"], true);
    let (runner, parent, child) = (
        doc["runner_pid"].as_i64().unwrap(),
        pid_of(&doc, "parent"),
        pid_of(&doc, "child"),
    );
    assert!(runner > 1 && parent > 1 && child > 1 && parent != child && parent != runner);
    assert_eq!(event(&doc, "runner fork parent")["result"]["pid"], parent);
    assert_eq!(event(&doc, "parent fork child")["result"]["pid"], child);

    let z = &event(&doc, "await child Z")["observations"][0];
    assert_eq!(
        (z["role"].as_str(), z["pid"].as_i64(), z["ppid"].as_i64()),
        (Some("child"), Some(child), Some(parent))
    );
    assert_eq!(z["state"], "Z");
    assert_eq!(
        z["exit_status"],
        7 << 8,
        "the zombie holds exit(7) as 7 << 8"
    );

    let reaped = &event(&doc, "parent waitpid child")["result"];
    assert_eq!(
        (
            reaped["kind"].as_str(),
            reaped["pid"].as_i64(),
            reaped["status"].as_i64()
        ),
        (Some("reaped"), Some(child), Some(7 << 8))
    );
    assert_eq!(
        event(&doc, "await child gone")["observations"][0]["state"],
        "gone"
    );
}

#[test]
fn orphan_json_shows_the_child_adopted_by_the_runner_and_reaped_by_it() {
    let doc = json("orphan");
    let (runner, parent, child) = (
        doc["runner_pid"].as_i64().unwrap(),
        pid_of(&doc, "parent"),
        pid_of(&doc, "child"),
    );
    let before = event(&doc, "observe")["observations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["role"] == "child")
        .unwrap()
        .clone();
    assert_eq!(before["ppid"], parent);
    let adopted = &event(&doc, "await child reparented")["observations"][0];
    assert_eq!(
        adopted["ppid"], runner,
        "adopted by the runner, a child subreaper"
    );
    assert_eq!(adopted["parent"], "runner");
    let zombie = &event(&doc, "await child Z")["observations"][0];
    assert_eq!(
        (zombie["ppid"].as_i64(), zombie["exit_status"].as_i64()),
        (Some(runner), Some(3 << 8))
    );
    let reaped = &event(&doc, "runner waitpid child")["result"];
    assert_eq!(
        (reaped["pid"].as_i64(), reaped["status"].as_i64()),
        (Some(child), Some(3 << 8))
    );
}
