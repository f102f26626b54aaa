//! The demos of processes working together (pipe, pool): what their JSON says must be what
//! the kernel did, and, where strace is installed, the PIDs they print must be the ones that
//! made the system calls they claim.

use crate::programs::{calls_by, have_strace, under_strace};
use crate::util::{json, json_of, nth_event, pid_of, procdemo};
use serde_json::Value;
use std::collections::BTreeSet;

fn event<'a>(doc: &'a Value, step: &str) -> &'a Value {
    nth_event(doc, step, 0)
}

fn result<'a>(doc: &'a Value, step: &str, n: usize) -> &'a Value {
    &nth_event(doc, step, n)["result"]
}

/// The state letter an await step saw.
fn seen_state(doc: &Value, step: &str, n: usize) -> String {
    nth_event(doc, step, n)["observations"][0]["state"]
        .as_str()
        .unwrap_or_else(|| panic!("no state at {step}"))
        .to_string()
}

/// The narration (`--explain`, English) of the `say` message that holds `words`.
fn narration(doc: &Value, words: &str) -> String {
    doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "say")
        .filter_map(|e| e["narration"]["en"].as_str())
        .find(|text| text.contains(words))
        .unwrap_or_else(|| panic!("no narration with {words}"))
        .to_string()
}

#[test]
fn pipe_readers_and_writers_block_end_of_file_needs_every_write_end_closed_and_sigpipe_kills() {
    let doc = json("pipe");
    // A read of an empty pipe sleeps; the write wakes it with exactly the bytes written.
    assert_eq!(seen_state(&doc, "await consumer S", 0), "S");
    let wrote = result(&doc, "producer write q hello", 0);
    let read = result(&doc, "await consumer done", 0);
    assert_eq!(
        (wrote["type"].as_str(), wrote["bytes"].as_i64()),
        (Some("wrote"), Some(6))
    );
    assert_eq!(
        (read["bytes"].as_i64(), read["text"].as_str()),
        (Some(6), Some("hello\n"))
    );
    // A write of more than the capacity sleeps until a read makes room, then returns it all.
    let capacity = result(&doc, "consumer pipe q", 0)["capacity"]
        .as_i64()
        .unwrap();
    assert!(capacity >= 4096, "{capacity}");
    assert_eq!(seen_state(&doc, "await producer S", 0), "S");
    let filled = result(&doc, "await producer done", 0);
    assert_eq!(filled["type"], "filled");
    assert_eq!(filled["capacity"].as_i64(), Some(capacity));
    assert!(filled["bytes"].as_i64().unwrap() > capacity, "{filled}");
    let first = result(&doc, "consumer read q", 0)["bytes"]
        .as_i64()
        .unwrap();
    let second = result(&doc, "consumer read q", 1)["bytes"]
        .as_i64()
        .unwrap();
    assert_eq!(first + second, filled["bytes"].as_i64().unwrap());
    // The bug: the producer is gone, the pipe empty, and the consumer's read still sleeps,
    // because the consumer itself holds a write end: both of its descriptors are one pipe.
    assert_eq!(seen_state(&doc, "await consumer S", 1), "S");
    let made = result(&doc, "consumer pipe q", 0);
    let fds = event(&doc, "inspect consumer")["inspections"][0]["fds"]
        .as_array()
        .unwrap()
        .clone();
    let target = |fd: &Value| {
        fds.iter()
            .find(|f| f["fd"] == *fd)
            .and_then(|f| f["target"].as_str())
            .unwrap_or_else(|| panic!("fd {fd} not open: {fds:?}"))
            .to_string()
    };
    let (r, w) = (target(&made["read_fd"]), target(&made["write_fd"]));
    assert!(r.starts_with("pipe:[") && r == w, "{r} {w}");
    // Fixed: the line, then end of file.
    assert_eq!(result(&doc, "reader read r", 0)["text"], "bye\n");
    assert_eq!(result(&doc, "reader read r", 1)["bytes"], 0);
    // No read end left: SIGPIPE ends the writer (a zombie holding WTERMSIG 13), unless it
    // ignores the signal, when the write fails with EPIPE.
    let zombie = &event(&doc, "await doomed Z")["observations"][0];
    assert_eq!(zombie["state"], "Z");
    assert_eq!(
        zombie["wait_status"].as_i64(),
        Some(i64::from(libc::SIGPIPE))
    );
    let epipe = result(&doc, "sender write s kept", 0);
    assert_eq!(
        (epipe["type"].as_str(), epipe["errno"].as_i64()),
        (Some("failed"), Some(i64::from(libc::EPIPE)))
    );
}

#[test]
fn pool_maps_process_calls_and_every_task_comes_back_from_a_worker_that_took_it() {
    let doc = json_of("pool", &procdemo(&["pool", "--json", "--explain"]));
    // is_alive(): WNOHANG found it running; exitcode: 3, then -15 for a SIGTERM.
    assert_eq!(result(&doc, "main waitpid p1 nohang", 0)["type"], "not_yet");
    assert_eq!(
        result(&doc, "main waitpid p1", 0)["wait_status"].as_i64(),
        Some(3 << 8)
    );
    assert_eq!(
        result(&doc, "main waitpid p2", 0)["wait_status"].as_i64(),
        Some(i64::from(libc::SIGTERM))
    );
    assert!(narration(&doc, "p1.exitcode is ").contains("exitcode is 3,"));
    assert!(narration(&doc, "number: ").contains("-15."));
    // daemon: the daemonic child terminated and reaped; the other reparented to the runner.
    assert_eq!(
        result(&doc, "owner waitpid daemonic", 0)["pid"].as_i64(),
        Some(pid_of(&doc, "daemonic"))
    );
    let plain = &event(&doc, "await plain reparented")["observations"][0];
    assert_eq!(plain["parent"].as_i64(), doc["runner_pid"].as_i64());
    // The pool: idle workers asleep in read(), every task squared exactly once, by a worker.
    let workers: BTreeSet<i64> = ["w1", "w2", "w3"].iter().map(|w| pid_of(&doc, w)).collect();
    for w in ["w1", "w2", "w3"] {
        assert_eq!(seen_state(&doc, &format!("await {w} S"), 0), "S");
    }
    let mapped = result(&doc, "master map tasks results 1 2 3 4 5 6", 0)["results"]
        .as_array()
        .unwrap()
        .clone();
    let tasks: Vec<i64> = mapped.iter().map(|r| r["task"].as_i64().unwrap()).collect();
    assert_eq!(tasks, [1, 2, 3, 4, 5, 6]);
    let mut by_worker = BTreeSet::new();
    for r in &mapped {
        let (task, value, pid) = (r["task"].as_i64(), r["value"].as_i64(), r["pid"].as_i64());
        assert_eq!(value, task.map(|t| t * t), "{r}");
        assert!(workers.contains(&pid.unwrap()), "{r} not from {workers:?}");
        by_worker.insert((pid.unwrap(), task.unwrap()));
    }
    // What each worker says it did is what the results say it sent; then end of file.
    let mut reported = BTreeSet::new();
    for w in ["w1", "w2", "w3"] {
        let done = result(&doc, &format!("await {w} done"), 0);
        assert_eq!(done["type"], "worked", "{done}");
        for pair in done["done"].as_array().unwrap() {
            reported.insert((pid_of(&doc, w), pair[0].as_i64().unwrap()));
        }
    }
    assert_eq!(reported, by_worker);
    for w in ["w1", "w2", "w3"] {
        let joined = result(&doc, &format!("master waitpid {w}"), 0);
        assert_eq!(joined["pid"].as_i64(), Some(pid_of(&doc, w)));
    }
}

#[test]
fn under_strace_the_pipe_demos_pids_made_the_reads_and_writes_reported() {
    if !have_strace() {
        return;
    }
    let (doc, calls) = under_strace("pipe", "write");
    let writes = |role: &str| calls_by(&calls, pid_of(&doc, role), "write");
    let doomed = writes("doomed");
    assert!(
        doomed
            .iter()
            .any(|c| c.args.starts_with("5, \"lost\\n\"") && c.ret.starts_with("-1 EPIPE")),
        "{doomed:?}"
    );
    let sender = writes("sender");
    assert!(
        sender
            .iter()
            .any(|c| c.args.contains("\"kept\\n\"") && c.ret.starts_with("-1 EPIPE")),
        "{sender:?}"
    );
    let filled = result(&doc, "await producer done", 0)["bytes"]
        .as_i64()
        .unwrap();
    let producer = writes("producer");
    assert!(
        producer.iter().any(|c| c.ret == filled.to_string()),
        "no write of {filled} bytes by the producer: {producer:?}"
    );
}

#[test]
fn under_strace_every_pool_result_was_written_by_the_worker_it_names() {
    if !have_strace() {
        return;
    }
    let (doc, calls) = under_strace("pool", "write");
    let mapped = result(&doc, "master map tasks results 1 2 3 4 5 6", 0)["results"]
        .as_array()
        .unwrap()
        .clone();
    for r in mapped {
        let pid = r["pid"].as_i64().unwrap();
        let records = calls_by(&calls, pid, "write")
            .into_iter()
            .filter(|c| c.ret == "24")
            .count();
        assert!(records > 0, "{pid} wrote no result record: {r}");
    }
}
