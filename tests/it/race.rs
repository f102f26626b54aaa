//! The ticket race (`race`): what its JSON says must be what the kernel did — two sales of
//! one ticket read back from the file, the second buyer blocked in flock() while the first
//! holds the lock and sold out after, the scheduler's race counted — and, where strace is
//! installed, the PIDs it prints made the flock() and write() calls it claims.

use crate::programs::{calls_by, have_strace};
use crate::util::{fresh_tag, json, json_of, nth_event, pid_of, procdemo, run_under};
use serde_json::Value;

fn result<'a>(doc: &'a Value, step: &str) -> &'a Value {
    &nth_event(doc, step, 0)["result"]
}

/// The index of a step's event in the document: the order things happened in.
fn index_of(doc: &Value, step: &str) -> usize {
    doc["events"]
        .as_array()
        .and_then(|e| e.iter().position(|e| e["step"] == step))
        .unwrap_or_else(|| panic!("no step {step:?}"))
}

fn pids(v: &Value) -> Vec<i64> {
    let mut p: Vec<i64> = v
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .filter_map(Value::as_i64)
        .collect();
    p.sort();
    p
}

#[test]
fn without_a_lock_both_buyers_buy_the_one_ticket_and_the_file_records_two_sales() {
    let doc = json("race");
    assert_eq!(result(&doc, "office tickets 1")["left"], 1);
    for buyer in ["buyer1", "buyer2"] {
        assert_eq!(
            result(&doc, &format!("{buyer} count"))["left"],
            1,
            "{buyer}"
        );
        let bought = result(&doc, &format!("{buyer} buy"));
        assert_eq!(
            (bought["type"].as_str(), &bought["read"], &bought["wrote"]),
            (Some("bought"), &Value::from(1), &Value::from(0)),
            "{buyer}"
        );
    }
    // Read back from the file by the office: 0 left, and a sale by each buyer: 2 for 1.
    let file = result(&doc, "office count");
    assert_eq!(file["left"], 0);
    let mut buyers = vec![pid_of(&doc, "buyer1"), pid_of(&doc, "buyer2")];
    buyers.sort();
    assert_eq!(pids(&file["sold"]), buyers);
    assert!(file.get("raced").is_none(), "{file}");
}

#[test]
fn with_flock_the_second_buyer_sleeps_in_flock_while_the_first_holds_the_lock_then_is_sold_out() {
    let doc = json("race");
    let first = pid_of(&doc, "first");
    assert_eq!(result(&doc, "first flock")["type"], "file_locked");
    // Blocked: S, in the kernel's flock wait, while `first` holds the lock.
    let seen = &nth_event(&doc, "await second flock", 0)["observations"][0];
    assert_eq!(seen["pid"], pid_of(&doc, "second"));
    assert_eq!(seen["state"], "S");
    let wchan = seen["wchan"].as_str().unwrap_or_default();
    assert!(!wchan.is_empty() && wchan != "0", "{seen}");
    let order: Vec<usize> = [
        "first flock",
        "second flock &",
        "await second flock",
        "first funlock",
        "await second done",
    ]
    .iter()
    .map(|s| index_of(&doc, s))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    // Its flock() returned only after the first released the lock; then it read 0.
    assert_eq!(result(&doc, "await second done")["type"], "file_locked");
    assert_eq!(result(&doc, "first buy")["type"], "bought");
    assert_eq!(result(&doc, "second count")["left"], 0);
    let sold_out = result(&doc, "second buy");
    assert_eq!(
        (sold_out["type"].as_str(), &sold_out["read"]),
        (Some("sold_out"), &Value::from(0))
    );
    // Exactly one ticket sold, to the lock's first holder.
    let file = result(&doc, "office2 count");
    assert_eq!(
        (&file["left"], pids(&file["sold"])),
        (&Value::from(0), vec![first])
    );
}

#[test]
fn the_schedulers_race_counts_its_steps_and_reads_the_lost_updates_back_from_the_file() {
    let doc = json("race");
    let made = result(&doc, "office3 tickets 40000")["left"]
        .as_i64()
        .unwrap();
    let mut steps = 0;
    for racer in ["racer1", "racer2"] {
        let raced = &nth_event(&doc, &format!("await {racer} done within 10s"), 0)["result"];
        assert_eq!(raced["type"], "raced", "{racer}");
        steps += raced["steps"].as_i64().unwrap();
    }
    assert_eq!(steps, made, "as many decrements as tickets");
    // What is left is the lost updates: the scheduler's, 0 included, never below 0.
    let file = result(&doc, "office3 count");
    assert_eq!(file["raced"], true);
    let left = file["left"].as_i64().unwrap();
    assert!((0..made).contains(&left), "{file}");
}

#[test]
fn stable_output_leaves_out_the_lost_updates_and_the_wait_channel() {
    let run = procdemo(&["race", "--stable", "--explain", "--color", "never"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("not shown with --stable"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("tickets left after the race"));
    assert!(!run.stdout.contains("locks_lock"));
    let live = procdemo(&["race", "--color", "never"]);
    assert!(
        live.stdout.contains("tickets left after the race"),
        "{}",
        live.stdout
    );
}

#[test]
fn under_strace_the_race_demos_buyers_made_the_flock_and_write_calls_reported() {
    if !have_strace() {
        return;
    }
    let log = std::env::temp_dir().join(format!("procdemo-strace-{}.log", fresh_tag()));
    let log_arg = log.to_str().unwrap().to_string();
    let run = run_under(
        &[
            "strace",
            "-f",
            "-qq",
            "-s",
            "64",
            "-e",
            "trace=flock,write",
            "-o",
            &log_arg,
        ],
        &["race", "--json"],
    );
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    let doc = json_of("race", &run);
    let (first, second) = (pid_of(&doc, "first"), pid_of(&doc, "second"));
    // The lines in the order strace saw them: a call that blocks is split into its start
    // (`<unfinished ...>`) and its end (`<... flock resumed>`).
    let line = |pid: i64, call: &str, ends: &str| {
        text.lines()
            .position(|l| {
                l.split_once(' ').is_some_and(|(p, rest)| {
                    p == pid.to_string() && rest.trim_start().starts_with(call) && l.ends_with(ends)
                })
            })
            .unwrap_or_else(|| panic!("no line of {pid} with {call:?} in:\n{text}"))
    };
    let locked = line(first, "flock(6, LOCK_EX)", "= 0");
    let waits = line(second, "flock(6, LOCK_EX <unfinished ...>", "");
    let unlocks = line(first, "flock(6, LOCK_UN", "");
    let returns = line(second, "<... flock resumed>)", "= 0");
    assert!(
        locked < waits && waits < unlocks && unlocks < returns,
        "{locked} {waits} {unlocks} {returns}:\n{text}"
    );
    // Each sale is one write() of the buyer's PID to the sales descriptor, by that buyer.
    let calls = crate::programs::parse_strace(&text);
    for role in ["buyer1", "buyer2", "first"] {
        let pid = pid_of(&doc, role);
        let sale = format!("\"{pid}\\n\"");
        let len = (pid.to_string().len() + 1).to_string();
        let writes = calls_by(&calls, pid, "write");
        assert!(
            writes
                .iter()
                .any(|c| c.args.contains(&sale) && c.ret == len),
            "{role}: {writes:?}"
        );
    }
    assert!(
        !calls_by(&calls, second, "write")
            .iter()
            .any(|c| c.args.contains(&format!("\"{second}\\n\""))),
        "the sold-out buyer recorded no sale"
    );
}
