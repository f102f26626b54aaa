//! Live output: each step is on stdout the moment it happened, and the processes are named
//! after their roles while they live. No test sleeps: each holds procdemo at a blocking
//! `await` of the script and looks while it is held.

use crate::util::{BIN, TempScript, leftovers};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Start procdemo on a script, tagged for the leak scan, with stdout piped to the test.
fn start(script: &TempScript, tag: &str, args: &[&str]) -> Child {
    crate::common::become_subreaper();
    Command::new(BIN)
        .args(["run", script.arg(), "--color", "never"])
        .args(args)
        .env("PROCDEMO_TEST_TAG", tag)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn procdemo")
}

/// Read lines until one contains `needle`; returns the lines read.
fn read_until(reader: &mut impl BufRead, needle: &str) -> Vec<String> {
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line).expect("read stdout");
        assert!(n > 0, "stdout ended before {needle:?}: {lines:#?}");
        let found = line.contains(needle);
        lines.push(line);
        if found {
            return lines;
        }
    }
}

#[test]
fn the_first_steps_are_shown_before_a_later_step_reaches_its_deadline() {
    let script = TempScript::new(
        "held.demo",
        b"runner fork parent\nparent fork child\nawait child Z within 3s\n",
    );
    let tag = format!("live-held-{}", std::process::id());
    let mut child = start(&script, &tag, &[]);
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let lines = read_until(&mut out, "parent fork child");
    // The third step can only end when its 3 s deadline passes (the child never exits): the
    // first two steps arrived while procdemo was still waiting in it.
    assert!(
        child.try_wait().expect("try_wait").is_none(),
        "procdemo had already finished when step 2 arrived: the output was not live: {lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("runner fork parent")),
        "{lines:#?}"
    );
    let rest: Vec<String> = out.lines().map_while(Result::ok).collect();
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(1), "{rest:#?}");
    assert!(
        crate::util::says(&rest.join("\n"), "FAILED: awaited `child` to be in state Z")
            && crate::util::says(&rest.join("\n"), "within 3 s"),
        "{rest:#?}"
    );
    assert!(leftovers(&tag).is_empty(), "{:?}", leftovers(&tag));
}

#[test]
fn json_events_arrive_one_line_per_event_as_they_happen() {
    let script = TempScript::new(
        "held-json.demo",
        b"runner fork parent\nparent fork child\nawait child Z within 3s\n",
    );
    let tag = format!("live-json-{}", std::process::id());
    let mut child = start(&script, &tag, &["--json-events"]);
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let lines = read_until(&mut out, "parent fork child");
    assert!(
        child.try_wait().expect("try_wait").is_none(),
        "not live: {lines:#?}"
    );
    for line in &lines {
        let event: serde_json::Value = serde_json::from_str(line).expect("one JSON object a line");
        assert!(event["type"].is_string(), "{line}");
    }
    let rest: Vec<String> = out.lines().map_while(Result::ok).collect();
    child.wait().expect("wait");
    let last: serde_json::Value =
        serde_json::from_str(rest.last().expect("an end event")).expect("json");
    assert_eq!(last["type"], "end", "{rest:#?}");
    assert_eq!(last["ok"], false, "{rest:#?}");
    assert!(leftovers(&tag).is_empty(), "{:?}", leftovers(&tag));
}

/// The command name of every process tagged `tag`, from /proc/PID/comm.
fn comms(tag: &str) -> Vec<String> {
    leftovers(tag)
        .iter()
        .filter_map(|p| p.split(':').next()?.parse::<i32>().ok())
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/comm")).ok())
        .map(|c| c.trim().to_string())
        .collect()
}

#[test]
fn while_a_demo_is_held_ps_sees_each_process_named_after_its_role() {
    let script = TempScript::new(
        "named.demo",
        b"runner fork parent\nparent fork child\nchild fork grandchild\nawait grandchild Z within 5s\n",
    );
    let tag = format!("live-named-{}", std::process::id());
    let mut child = start(&script, &tag, &[]);
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    read_until(&mut out, "child fork grandchild");
    // Step 3's result is printed once the grandchild has said hello, named: the demo is now
    // held in step 4 until its deadline.
    let mut names = comms(&tag);
    names.sort();
    assert_eq!(
        names,
        [
            "child",
            "grandchild",
            "parent",
            "procdemo",
            "procdemo-runner"
        ],
        "the front end, the runner and one process per role"
    );
    let ps = Command::new("ps")
        .args(["-o", "comm=", "--ppid", &child.id().to_string()])
        .output();
    if let Ok(ps) = ps {
        assert_eq!(
            String::from_utf8_lossy(&ps.stdout).trim(),
            "procdemo-runner",
            "ps names the runner"
        );
    }
    // End it early: the front end kills and reaps everything on SIGTERM.
    // SAFETY: kill takes a pid and a signal number.
    #[allow(unsafe_code)]
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM)
    };
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(143));
    assert!(leftovers(&tag).is_empty(), "{:?}", leftovers(&tag));
}
