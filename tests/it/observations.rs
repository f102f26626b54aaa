//! What procdemo reports must be what the kernel said: real PIDs that fit together, exit
//! statuses as wait() decodes them, and a STAT column that agrees with ps.

use crate::util::{TempScript, json, json_of, nth_event, pid_of, procdemo, says};
use serde_json::Value;

fn event<'a>(doc: &'a Value, step: &str) -> &'a Value {
    nth_event(doc, step, 0)
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
        (z["role"].as_str(), z["pid"].as_i64(), z["parent"].as_i64()),
        (Some("child"), Some(child), Some(parent))
    );
    assert_eq!(z["state"], "Z");
    assert_eq!(
        z["wait_status"],
        7 << 8,
        "the zombie holds exit(7) as 7 << 8"
    );

    let reaped = &event(&doc, "parent waitpid child")["result"];
    assert_eq!(
        (
            reaped["type"].as_str(),
            reaped["pid"].as_i64(),
            reaped["wait_status"].as_i64()
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
    assert_eq!(before["parent"], parent);
    let adopted = &event(&doc, "await child reparented")["observations"][0];
    assert_eq!(
        adopted["parent"], runner,
        "adopted by the runner, a child subreaper"
    );
    assert_eq!(adopted["parent_role"], "runner");
    let zombie = &event(&doc, "await child Z")["observations"][0];
    assert_eq!(
        (zombie["parent"].as_i64(), zombie["wait_status"].as_i64()),
        (Some(runner), Some(3 << 8))
    );
    let reaped = &event(&doc, "runner waitpid child")["result"];
    assert_eq!(
        (reaped["pid"].as_i64(), reaped["wait_status"].as_i64()),
        (Some(child), Some(3 << 8))
    );
}

#[test]
fn every_stat_procdemo_derives_agrees_with_the_real_ps() {
    if std::process::Command::new("ps")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("ps is not installed (procps): the cross-check cannot run here");
        return;
    }
    let mut compared = 0;
    for name in crate::util::demo_names() {
        let run = procdemo(&[&name, "--json", "--check-ps"]);
        assert_eq!(run.code, 0, "{name}: {}{}", run.stdout, run.stderr);
        let doc: Value = serde_json::from_str(run.stdout.trim()).expect("json");
        for e in doc["events"].as_array().unwrap() {
            for o in e["observations"].as_array().into_iter().flatten() {
                if let Some(ps) = o["ps_stat"].as_str() {
                    let ours = o["stat"].as_str().unwrap();
                    let same = ours == ps || (ours.starts_with('R') && ours[1..] == ps[1..]);
                    assert!(same, "{name}: {} has STAT {ours}, ps says {ps}", o["role"]);
                    compared += 1;
                }
            }
        }
    }
    assert!(
        compared > 50,
        "only {compared} observations were held against ps"
    );
}

#[test]
fn fork_cow_copies_only_on_write_about_one_fault_per_page() {
    let doc = json("fork-cow");
    let mem = |step_index: usize| -> Vec<Value> {
        let steps: Vec<&Value> = doc["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["step"] == "measure parent child")
            .collect();
        steps[step_index]["readings"].as_array().unwrap().clone()
    };
    let region = |m: &[Value], role: &str, field: &str| -> i64 {
        m.iter().find(|r| r["role"] == role).unwrap()["region"][field]
            .as_i64()
            .unwrap()
    };
    let (before, after) = (mem(0), mem(1));
    let kb = 16 * 1024;
    // Right after fork: every page of the region is resident in both and shared, none private.
    for role in ["parent", "child"] {
        assert_eq!(region(&before, role, "rss_kb"), kb, "{role} before");
        assert_eq!(
            region(&before, role, "shared_dirty_kb"),
            kb,
            "{role} before"
        );
        assert_eq!(
            region(&before, role, "private_dirty_kb"),
            0,
            "{role} before"
        );
    }
    // The child wrote every page: each write faulted once and copied the page.
    let touched = &event(&doc, "child touch")["result"];
    let pages = touched["pages"].as_i64().unwrap();
    let faults =
        touched["minflt_after"].as_i64().unwrap() - touched["minflt_before"].as_i64().unwrap();
    assert_eq!(pages, 4096);
    assert!(
        faults >= pages * 9 / 10 && faults <= pages * 5 / 4,
        "{faults} faults for {pages} pages written"
    );
    assert_eq!(
        region(&after, "child", "private_dirty_kb"),
        kb,
        "the child's copy is private"
    );
    assert_eq!(region(&after, "child", "shared_dirty_kb"), 0);
    // The parent wrote nothing and took no fault between the two measurements.
    let minflt = |m: &[Value], role: &str| {
        m.iter().find(|r| r["role"] == role).unwrap()["minflt"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(
        minflt(&after, "parent"),
        minflt(&before, "parent"),
        "the parent took faults"
    );
}

#[test]
fn the_runner_killed_by_a_panic_is_reported_and_its_actors_are_reaped() {
    let run = crate::util::procdemo_with(
        &["zombie", "--color", "never"],
        &[("PROCDEMO_FAULT_PANIC_AT_STEP", "5")],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        says(
            &run.stderr,
            "the runner for `zombie` crashed (exit code 101)"
        ),
        "{}",
        run.stderr
    );
    assert!(
        says(
            &run.stderr,
            "the front end killed and reaped the 2 process(es) it left"
        ),
        "{}",
        run.stderr
    );
}

/// Every observation of `role` in the run, in order.
fn observations_of<'a>(doc: &'a Value, role: &str) -> Vec<&'a Value> {
    doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["observations"].as_array().into_iter().flatten())
        .filter(|o| o["role"] == role)
        .collect()
}

#[test]
fn states_json_shows_the_vfork_wait_in_d_ended_by_a_plain_sigterm() {
    // The narration says the D of a vfork wait is killable: a SIGTERM, not only SIGKILL.
    let doc = json("states");
    let waiter = pid_of(&doc, "waiter");
    let d = &event(&doc, "await waiter D")["observations"][0];
    assert_eq!(
        (d["pid"].as_i64(), d["state"].as_str()),
        (Some(waiter), Some("D"))
    );
    let sent = &event(&doc, "runner kill waiter TERM")["result"];
    assert_eq!(
        (sent["type"].as_str(), sent["signal"].as_i64()),
        (Some("signalled"), Some(libc::SIGTERM as i64))
    );
    // With no tracer attached, the signal ended the wait at once: Z before the child exited.
    let right_after = &event(&doc, "observe waiter")["observations"][0];
    assert_eq!(right_after["state"], "Z", "{right_after}");
    let z = &event(&doc, "await waiter Z")["observations"][0];
    assert_eq!(z["state"], "Z");
    assert_eq!(
        z["wait_status"],
        libc::SIGTERM,
        "killed by SIGTERM, no exit code"
    );
    // The vfork child, once its parent is gone, is the runner's.
    let vkid = &event(&doc, "await vkid parent runner")["observations"][0];
    assert_eq!(vkid["parent"], doc["runner_pid"]);
    assert_ne!(vkid["state"], "gone");
    // The first vfork's result names the call it is: clone(CLONE_VFORK), own memory.
    let done = &event(&doc, "await proc done")["result"];
    assert_eq!(done["type"], "clone_vfork_own_memory");
    assert_eq!(done["pid"], pid_of(&doc, "vchild"));
    // `l` is not "has child processes": with a child, proc's STAT had no `l`; with both its
    // children reaped and a second thread, it has one.
    let with_child = event(&doc, "observe proc vchild")["observations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["role"] == "proc")
        .unwrap()["stat"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!with_child.contains('l'), "{with_child}");
    let threaded = &event(&doc, "await proc flag l")["observations"][0]["stat"];
    assert!(threaded.as_str().unwrap().contains('l'), "{threaded}");
}

#[test]
fn sigchld_ignore_json_never_shows_an_auto_reaped_child_as_a_zombie_and_wait_blocks_then_fails() {
    let doc = json("sigchld-ignore");
    // The narration states as fact that these children never become zombies: no observation
    // of them ever reads Z, and each is seen gone.
    for role in ["ignorer-kid", "handler-kid", "late"] {
        let seen = observations_of(&doc, role);
        assert!(!seen.is_empty(), "{role} observed");
        assert!(seen.iter().all(|o| o["state"] != "Z"), "{role}: {seen:?}");
        assert_eq!(seen.last().unwrap()["state"], "gone", "{role}");
    }
    // The default parent's child is a zombie holding exit(4).
    let z = &event(&doc, "await plain-kid Z")["observations"][0];
    assert_eq!(z["wait_status"], 4 << 8);
    // With SIGCHLD ignored and a child alive, wait() blocks (S, inside wait) and then fails
    // with ECHILD once the child has exited: it never returns a status.
    let blocked = &event(&doc, "await ignorer S")["observations"][0];
    assert_eq!(blocked["state"], "S");
    let failed = &event(&doc, "await ignorer done")["result"];
    assert_eq!(
        (failed["type"].as_str(), failed["errno"].as_i64()),
        (Some("failed"), Some(libc::ECHILD as i64))
    );
    for parent in ["ignorer wait", "handler wait"] {
        assert_eq!(
            event(&doc, parent)["result"]["errno"],
            libc::ECHILD,
            "{parent}"
        );
    }
}

/// The row of `role` in the observation table of the step written `step`.
fn observed<'a>(doc: &'a Value, step: &str, role: &str) -> &'a Value {
    event(doc, step)["observations"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["role"] == role))
        .unwrap_or_else(|| panic!("{step}: no row for {role}"))
}

#[test]
fn getpid_returns_the_pid_proc_shows_for_the_same_process() {
    let script = TempScript::new(
        "getpid.demo",
        b"title getpid\nrunner fork parent\nparent fork child\nchild getpid\nparent getpid\n\
          observe parent child\n",
    );
    let doc = json_of("getpid", &procdemo(&["run", script.arg(), "--json"]));
    for role in ["parent", "child"] {
        let result = &event(&doc, &format!("{role} getpid"))["result"];
        assert_eq!(result["type"], "own_pid", "{role}");
        // What the call returned in the process, and what the runner read in /proc.
        let row = observed(&doc, "observe parent child", role);
        assert_eq!(result["pid"], row["pid"], "{role}");
        assert_eq!(row["pid"], pid_of(&doc, role), "{role}");
    }
    assert_ne!(pid_of(&doc, "parent"), pid_of(&doc, "child"));
}

#[test]
fn getpid_inside_a_new_pid_namespace_returns_1_where_proc_outside_shows_another_pid() {
    let script = TempScript::new(
        "getpid-ns.demo",
        b"title getpid in a namespace\nrunner fork outer\ntry outer unshare pid\n\
          end unless outer permitted\nouter fork init\ninit getpid\nobserve init\n",
    );
    let doc = json_of("getpid-ns", &procdemo(&["run", script.arg(), "--json"]));
    if event(&doc, "end unless outer permitted")["permitted"] == false {
        // User namespaces are closed to this user: the script said so and passed.
        assert_eq!(doc["ok"], true);
        return;
    }
    let row = observed(&doc, "observe init", "init");
    assert_eq!(event(&doc, "init getpid")["result"]["pid"], 1);
    assert_eq!(row["ns_pid"], 1);
    assert_eq!(row["pid"], pid_of(&doc, "init"));
    assert_ne!(row["pid"], 1);
}
