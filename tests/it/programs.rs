//! The demos of program and process, exit paths, signals and PID 1 (exec, exit-paths,
//! sigchld-handler, pid1): what their JSON says must be what the kernel did, and, where strace
//! is installed, the PIDs they print must be the ones that made the system calls they claim.

use crate::util::{TempScript, fresh_tag, json, json_of, nth_event, pid_of, procdemo, run_under};
use serde_json::Value;
use std::collections::BTreeSet;

/// The `n`th event (from 0) of the step written `step`.
fn nth<'a>(doc: &'a Value, step: &str, n: usize) -> &'a Value {
    nth_event(doc, step, n)
}

fn event<'a>(doc: &'a Value, step: &str) -> &'a Value {
    nth(doc, step, 0)
}

/// A role's row in an observe step's table.
fn row<'a>(e: &'a Value, role: &str) -> &'a Value {
    e["observations"]
        .as_array()
        .and_then(|o| o.iter().find(|o| o["role"] == role))
        .unwrap_or_else(|| panic!("no observation of {role} in {e}"))
}

fn names(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

/// The descriptor `fd` of an inspection, if open.
fn fd(inspection: &Value, fd: i64) -> Option<&Value> {
    inspection["fds"]
        .as_array()
        .and_then(|fds| fds.iter().find(|f| f["fd"] == fd))
}

#[test]
fn every_fork_of_the_new_demos_reports_what_it_returned_in_the_child_too() {
    for demo in ["exec", "exit-paths", "sigchld-handler", "pid1"] {
        let doc = json(demo);
        let forks: Vec<&Value> = doc["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["result"]["type"] == "forked")
            .collect();
        assert!(!forks.is_empty(), "{demo}");
        for f in forks {
            assert_eq!(f["result"]["in_child"], 0, "{demo}: {f}");
            assert!(f["result"]["pid"].as_i64().unwrap() > 0, "{demo}: {f}");
        }
    }
}

#[test]
fn exec_keeps_the_pid_and_the_inheritable_descriptor_and_replaces_the_rest() {
    let doc = json("exec");
    let child = pid_of(&doc, "child");
    let parent = pid_of(&doc, "parent");
    let before = &event(&doc, "inspect child")["inspections"][0];
    let after = &nth(&doc, "inspect child", 1)["inspections"][0];
    // The same process: PID and parent unchanged, and the new program says so itself.
    assert_eq!(
        (before["pid"].as_i64(), after["pid"].as_i64()),
        (Some(child), Some(child))
    );
    assert_eq!(after["parent"], parent);
    let execed = &event(&doc, "child exec self")["result"];
    assert_eq!(
        (execed["type"].as_str(), execed["pid"].as_i64()),
        (Some("execed"), Some(child))
    );
    // A new program: command name, command line, memory.
    assert_eq!(
        (before["comm"].as_str(), after["comm"].as_str()),
        (Some("child"), Some("procdemo"))
    );
    assert_eq!(before["cmdline_is_procdemo"], true);
    assert_eq!(
        names(&after["cmdline"])[..3],
        ["procdemo", "__actor", "child"]
    );
    assert_eq!(after["exe_is_procdemo"], true);
    assert_eq!(
        event(&doc, "child append 33")["result"]["values"],
        serde_json::json!([11, 22, 33])
    );
    assert_eq!(
        event(&doc, "child show")["result"]["values"],
        serde_json::json!([11, 22])
    );
    assert_eq!(
        (
            before["region"]["mapped"].as_bool(),
            after["region"]["mapped"].as_bool()
        ),
        (Some(true), Some(false))
    );
    // Descriptors: the inheritable one kept, the close-on-exec one closed.
    let opened = |step: &str| event(&doc, step)["result"]["fd"].as_i64().unwrap();
    let (null, zero) = (
        opened("child open /dev/null"),
        opened("child open /dev/zero cloexec"),
    );
    assert_eq!(fd(before, null).unwrap()["target"], "/dev/null");
    assert_eq!(fd(before, zero).unwrap()["cloexec"], true);
    assert_eq!(fd(after, null).unwrap()["target"], "/dev/null");
    assert!(
        fd(after, zero).is_none(),
        "close-on-exec fd {zero} survived: {after}"
    );
    // Signals: the caught one reset, the ignored one still ignored.
    assert!(names(&before["signals"]["caught"]).contains(&"SIGUSR1"));
    assert!(!names(&after["signals"]["caught"]).contains(&"SIGUSR1"));
    for i in [before, after] {
        assert_eq!(names(&i["signals"]["ignored"]), ["SIGTERM"], "{i}");
    }
}

#[test]
fn exec_of_a_program_of_the_system_is_seen_as_that_program() {
    let doc = json("exec");
    let sleeper = pid_of(&doc, "sleeper");
    let ran = &event(&doc, "sleeper exec sleep infinity")["result"];
    assert_eq!(
        (ran["type"].as_str(), ran["comm"].as_str()),
        (Some("running"), Some("sleep"))
    );
    let i = &event(&doc, "inspect sleeper")["inspections"][0];
    assert_eq!(i["pid"], sleeper);
    assert_eq!(i["state"], "S");
    assert!(i["exe"].as_str().unwrap().ends_with("/sleep"), "{i}");
    assert_eq!(names(&i["cmdline"]), ["sleep", "infinity"]);
    // Only the standard descriptors: procdemo's pipes were close-on-exec.
    let fds: Vec<i64> = i["fds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fd"].as_i64().unwrap())
        .collect();
    assert_eq!(fds, [0, 1, 2]);
    assert_eq!(
        fd(i, 1).unwrap()["owner"],
        serde_json::json!({"type": "output_pipe", "role": "sleeper"})
    );
    // false exited with its own status, which its parent reaped.
    let checker = pid_of(&doc, "checker");
    assert_eq!(
        event(&doc, "await checker Z")["observations"][0]["wait_status"],
        1 << 8
    );
    let reaped = &event(&doc, "parent waitpid checker")["result"];
    assert_eq!(
        (reaped["pid"].as_i64(), reaped["wait_status"].as_i64()),
        (Some(checker), Some(1 << 8))
    );
}

/// A student's homework starts `#!/usr/bin/env python3`: execve() runs env, which execs
/// python3. The exec is seen by the command pipe that execve() closed (close-on-exec), not by
/// a command name that a chain of execs passes by.
#[test]
fn exec_of_a_script_whose_interpreter_execs_onward_is_seen_as_running() {
    let have_python = std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let mut programs = vec![("wrapper.sh", "#!/bin/sh\nexec sleep 5\n")];
    if have_python {
        programs.push((
            "hw.py",
            "#!/usr/bin/env python3\nimport time\ntime.sleep(5)\n",
        ));
    } else {
        eprintln!("skipped the python3 case: python3 is not installed");
    }
    for (name, text) in programs {
        let program = TempScript::new(name, text.as_bytes());
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&program.path, std::fs::Permissions::from_mode(0o755)).unwrap();
        let script = TempScript::new(
            "hw.demo",
            format!(
                "runner fork kid\nkid exec {}\nawait kid S\ninspect kid\n",
                program.arg()
            )
            .as_bytes(),
        );
        let run = procdemo(&["run", script.arg(), "--json"]);
        let doc = json_of(name, &run);
        let step = format!("kid exec {}", program.arg());
        let ran = &event(&doc, &step)["result"];
        assert_eq!(ran["type"], "running", "{name}: {ran}");
        // The program runs, whatever it execs next (a pyenv shim runs bash first).
        let i = &event(&doc, "inspect kid")["inspections"][0];
        assert_eq!(i["exe_is_procdemo"], false, "{name}: {i}");
        assert_eq!(i["role"], "kid", "{name}: {i}");
    }
}

#[test]
fn exit_paths_shows_which_process_wrote_the_copied_buffer() {
    let doc = json("exit-paths");
    let line = "printed once, before the fork\natexit handler ran\n";
    let output = |n: usize, role: &str| -> (String, i64) {
        let outputs = nth(&doc, "output", n)["outputs"]
            .as_array()
            .unwrap()
            .clone();
        let c = outputs
            .iter()
            .find(|c| c["role"] == role)
            .unwrap_or_else(|| panic!("{role}"))
            .clone();
        (
            c["text"].as_str().unwrap().to_string(),
            c["bytes"].as_i64().unwrap(),
        )
    };
    // Before any exit nobody has written anything: the line is in four buffers.
    for role in ["parent", "flusher", "quitter", "victim"] {
        assert_eq!(output(0, role).1, 0, "{role}");
    }
    let printed = &event(&doc, "parent print printed once, before the fork")["result"];
    assert_eq!(
        (printed["bytes"].as_i64(), printed["pending"].as_i64()),
        (Some(30), Some(30))
    );
    // exit() flushed flusher's copy and ran the handler; _exit() and SIGKILL wrote nothing.
    assert_eq!(output(1, "flusher"), (line.to_string(), line.len() as i64));
    assert_eq!(output(1, "quitter").1, 0);
    assert_eq!(output(1, "victim").1, 0);
    assert_eq!(output(1, "parent").1, 0);
    let parent_out = &event(&doc, "output parent")["outputs"][0];
    assert_eq!(parent_out["text"], line);
    // The exit statuses are the same for exit(3) and _exit(3), whatever was written.
    let status = |role: &str| {
        event(&doc, &format!("await {role} Z"))["observations"][0]["wait_status"].as_i64()
    };
    assert_eq!(
        (status("flusher"), status("quitter"), status("victim")),
        (Some(3 << 8), Some(3 << 8), Some(9))
    );
}

/// The pids a SIGCHLD handler's waitpid() calls returned, in order, as a result reports them.
fn handler_waits(result: &Value) -> Vec<(i64, i64, i64)> {
    result["during"]["waits"]
        .as_array()
        .unwrap_or_else(|| panic!("no handler waits in {result}"))
        .iter()
        .map(|w| {
            (
                w["ret"].as_i64().unwrap(),
                w["status"].as_i64().unwrap(),
                w["errno"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn sigchld_handler_one_waitpid_per_signal_leaves_exactly_the_unreaped_children_zombies() {
    let doc = json("sigchld-handler");
    let i = &event(&doc, "inspect parent")["inspections"][0];
    assert_eq!(names(&i["signals"]["blocked"]), ["SIGCHLD"]);
    // Three exits, one pending SIGCHLD: a bit, not a count.
    assert_eq!(names(&i["signals"]["shared_pending"]), ["SIGCHLD"]);
    let unblocked = &event(&doc, "parent sigmask unblock CHLD")["result"];
    assert_eq!(
        unblocked["during"]["runs"],
        serde_json::json!([[libc::SIGCHLD, 1]])
    );
    let waits = handler_waits(unblocked);
    assert_eq!(waits.len(), 1, "one waitpid per signal: {waits:?}");
    let kids: BTreeSet<i64> = ["a1", "a2", "a3"].iter().map(|r| pid_of(&doc, r)).collect();
    let reaped = waits[0].0;
    assert!(kids.contains(&reaped), "{waits:?}");
    // The observation after it: the reaped child gone, exactly the others still zombies.
    let after = nth(&doc, "observe", 0);
    for role in ["a1", "a2", "a3"] {
        let o = row(after, role);
        let expected = if pid_of(&doc, role) == reaped {
            "gone"
        } else {
            "Z"
        };
        assert_eq!(o["state"], expected, "{role}: {o}");
    }
}

#[test]
fn sigchld_handler_that_loops_reaps_every_child_and_collects_every_status() {
    let doc = json("sigchld-handler");
    let unblocked = &event(&doc, "fixed sigmask unblock CHLD")["result"];
    assert_eq!(
        unblocked["during"]["runs"],
        serde_json::json!([[libc::SIGCHLD, 1]])
    );
    let waits = handler_waits(unblocked);
    let (last, reaps) = waits.split_last().unwrap();
    assert_eq!((last.0, last.2), (-1, i64::from(libc::ECHILD)), "{waits:?}");
    let got: BTreeSet<(i64, i64)> = reaps.iter().map(|w| (w.0, w.1)).collect();
    let want: BTreeSet<(i64, i64)> = [("b1", 4), ("b2", 5), ("b3", 6)]
        .iter()
        .map(|(r, code)| (pid_of(&doc, r), code << 8))
        .collect();
    assert_eq!(got, want);
    let after = nth(&doc, "observe", 1);
    for role in ["b1", "b2", "b3"] {
        assert_eq!(row(after, role)["state"], "gone", "{role}");
    }
}

#[test]
fn pid1_adopts_the_orphan_keeps_it_a_zombie_shrugs_off_sigterm_and_takes_its_namespace_down() {
    let doc = json("pid1");
    if event(&doc, "end unless outer permitted")["permitted"] == false {
        // User namespaces are closed to this user: the demo said so and passed.
        assert_eq!(doc["ok"], true);
        return;
    }
    let (init, middle, orphan) = (
        pid_of(&doc, "init"),
        pid_of(&doc, "middle"),
        pid_of(&doc, "orphan"),
    );
    // Two PIDs each: the namespace's own are 1, 2, 3.
    let first = event(&doc, "observe");
    for (role, inside) in [("init", 1), ("middle", 2), ("orphan", 3)] {
        assert_eq!(row(first, role)["ns_pid"], inside, "{role}");
    }
    assert!(row(first, "outer").get("ns_pid").is_none());
    // middle's fork, made inside, returned orphan's PID there; outer's returned init's outside.
    assert_eq!(event(&doc, "middle fork orphan")["result"]["pid"], 3);
    assert_eq!(event(&doc, "outer fork init")["result"]["pid"], init);
    // The orphan goes to PID 1 of its namespace, not to the runner (a subreaper outside).
    assert_eq!(
        event(&doc, "await orphan parent init")["observations"][0]["parent"],
        init
    );
    // PID 1 never waits: the orphan is a zombie, and still one at the later observation.
    assert_eq!(
        event(&doc, "await orphan Z")["observations"][0]["state"],
        "Z"
    );
    let later = nth(&doc, "observe", 2);
    assert_eq!(row(later, "orphan")["state"], "Z");
    assert_eq!(row(later, "middle")["state"], "Z");
    // SIGTERM from inside (to PID 1) and from outside (to its outer PID): sent, and nothing.
    let inside = &event(&doc, "victim kill init TERM")["result"];
    assert_eq!(
        (inside["type"].as_str(), inside["pid"].as_i64()),
        (Some("signalled"), Some(1))
    );
    assert_eq!(event(&doc, "outer kill init TERM")["result"]["pid"], init);
    assert_eq!(row(later, "init")["state"], "S");
    // PID 1 waits (as tini does): its waitpid() returns the PIDs it sees.
    assert_eq!(event(&doc, "init waitpid middle")["result"]["pid"], 2);
    assert_eq!(event(&doc, "init waitpid orphan")["result"]["pid"], 3);
    assert_eq!(
        event(&doc, "await orphan gone")["observations"][0]["state"],
        "gone"
    );
    // PID 1 exits: the kernel kills and reaps the rest of its namespace.
    assert_eq!(
        event(&doc, "await victim gone")["observations"][0]["state"],
        "gone"
    );
    let end = nth(&doc, "observe", 3);
    for role in ["middle", "orphan", "victim"] {
        assert_eq!(row(end, role)["state"], "gone", "{role}");
    }
    assert_eq!(row(end, "init")["state"], "Z");
    let reaped = &event(&doc, "outer waitpid init")["result"];
    assert_eq!(
        (reaped["pid"].as_i64(), reaped["wait_status"].as_i64()),
        (Some(init), Some(0))
    );
    let _ = (middle, orphan);
}

// ---- strace: the PIDs printed made the calls claimed ----------------------------------------

/// Whether strace can be run here; a test that needs it says why it did not run.
pub(crate) fn have_strace() -> bool {
    let found = std::process::Command::new("strace")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("skipped: strace is not installed (.ci/run installs it)");
    }
    found
}

/// One system call in an strace -f log: the PID that made it, its name, its arguments and
/// what it returned (a call split across lines by another process's is joined again).
#[derive(Debug)]
pub(crate) struct Call {
    pub pid: i64,
    pub name: String,
    pub args: String,
    pub ret: String,
}

pub(crate) fn parse_strace(log: &str) -> Vec<Call> {
    let mut calls = Vec::new();
    let mut unfinished: Vec<(i64, String, String)> = Vec::new();
    for line in log.lines() {
        let Some((pid, rest)) = line.split_once(' ') else {
            continue;
        };
        let Ok(pid) = pid.trim().parse::<i64>() else {
            continue;
        };
        let rest = rest.trim_start();
        if let Some(head) = rest.strip_suffix(" <unfinished ...>") {
            if let Some((name, args)) = head.split_once('(') {
                unfinished.push((pid, name.to_string(), args.to_string()));
            }
            continue;
        }
        let (name, args, tail) = if let Some(resumed) = rest.strip_prefix("<... ") {
            let Some((name, tail)) = resumed.split_once(" resumed>") else {
                continue;
            };
            let Some(i) = unfinished
                .iter()
                .position(|(p, n, _)| *p == pid && n == name)
            else {
                continue;
            };
            let (_, name, args) = unfinished.remove(i);
            (name, args, tail.to_string())
        } else {
            let Some((name, tail)) = rest.split_once('(') else {
                continue;
            };
            (name.to_string(), String::new(), tail.to_string())
        };
        let Some((more, ret)) = tail.rsplit_once(" = ") else {
            continue;
        };
        calls.push(Call {
            pid,
            name,
            // strace pads a short call with spaces before its ` = `.
            args: format!("{args}{more}").trim_end().to_string(),
            ret: ret.trim().to_string(),
        });
    }
    calls
}

/// Run a demo with `--json` under `strace -f`, logging the calls in `trace`.
pub(crate) fn under_strace(demo: &str, trace: &str) -> (Value, Vec<Call>) {
    let log = std::env::temp_dir().join(format!("procdemo-strace-{}.log", fresh_tag()));
    let log_arg = log.to_str().unwrap().to_string();
    let run = run_under(
        &[
            "strace",
            "-f",
            "-qq",
            "-s",
            "256",
            "-e",
            &format!("trace={trace}"),
            "-o",
            &log_arg,
        ],
        &[demo, "--json"],
    );
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    (json_of(demo, &run), parse_strace(&text))
}

pub(crate) fn calls_by<'a>(calls: &'a [Call], pid: i64, name: &str) -> Vec<&'a Call> {
    calls
        .iter()
        .filter(|c| c.pid == pid && c.name == name)
        .collect()
}

#[test]
fn under_strace_the_exec_demos_pids_made_the_execve_calls_it_reports() {
    if !have_strace() {
        return;
    }
    let (doc, calls) = under_strace("exec", "execve,exit_group");
    let ok = |pid: i64, what: &str| {
        calls_by(&calls, pid, "execve")
            .into_iter()
            .find(|c| c.ret == "0" && c.args.contains(what))
            .unwrap_or_else(|| panic!("no successful execve of {what} by {pid}: {calls:#?}"))
    };
    ok(pid_of(&doc, "child"), "\"__actor\", \"child\"");
    ok(pid_of(&doc, "sleeper"), "[\"sleep\", \"infinity\"]");
    ok(pid_of(&doc, "checker"), "[\"false\"]");
    let exits = calls_by(&calls, pid_of(&doc, "checker"), "exit_group");
    assert!(exits.iter().any(|c| c.args.starts_with("1)")), "{exits:?}");
}

#[test]
fn under_strace_exit_paths_flusher_wrote_the_line_and_quitter_wrote_nothing() {
    if !have_strace() {
        return;
    }
    let (doc, calls) = under_strace("exit-paths", "write,exit_group");
    let to_stdout = |role: &str| -> Vec<&Call> {
        calls_by(&calls, pid_of(&doc, role), "write")
            .into_iter()
            .filter(|c| c.args.starts_with("1, "))
            .collect()
    };
    let line = "\"printed once, before the fork\\natexit handler ran\\n\"";
    for role in ["flusher", "parent"] {
        let w = to_stdout(role);
        assert!(
            w.iter().any(|c| c.args.contains(line) && c.ret == "49"),
            "{role}: {w:?}"
        );
    }
    for role in ["quitter", "victim"] {
        assert!(
            to_stdout(role).is_empty(),
            "{role} wrote: {:?}",
            to_stdout(role)
        );
    }
    for role in ["flusher", "quitter"] {
        let e = calls_by(&calls, pid_of(&doc, role), "exit_group");
        assert!(e.iter().any(|c| c.args.starts_with("3)")), "{role}: {e:?}");
    }
}

#[test]
fn under_strace_sigchld_handler_parents_made_the_waitpid_calls_reported() {
    if !have_strace() {
        return;
    }
    let (doc, calls) = under_strace("sigchld-handler", "wait4");
    let nohang = |role: &str| -> Vec<String> {
        calls_by(&calls, pid_of(&doc, role), "wait4")
            .into_iter()
            .filter(|c| c.args.starts_with("-1, ") && c.args.contains("WNOHANG"))
            .map(|c| c.ret.split_whitespace().next().unwrap_or("").to_string())
            .collect()
    };
    let reported = |step: &str| -> Vec<String> {
        handler_waits(&event(&doc, step)["result"])
            .iter()
            .map(|w| w.0.to_string())
            .collect()
    };
    assert_eq!(nohang("parent"), reported("parent sigmask unblock CHLD"));
    assert_eq!(nohang("fixed"), reported("fixed sigmask unblock CHLD"));
}

#[test]
fn under_strace_pid1_signals_and_unshare_came_from_the_pids_printed() {
    if !have_strace() {
        return;
    }
    let (doc, calls) = under_strace("pid1", "unshare,kill,exit_group");
    if event(&doc, "end unless outer permitted")["permitted"] == false {
        return;
    }
    let outer = pid_of(&doc, "outer");
    let unshared = calls_by(&calls, outer, "unshare");
    assert!(
        unshared
            .iter()
            .any(|c| c.args.contains("CLONE_NEWPID") && c.ret == "0"),
        "{unshared:?}"
    );
    // Inside the namespace PID 1 is init; outside it has its own PID.
    let init = pid_of(&doc, "init");
    let victim = calls_by(&calls, pid_of(&doc, "victim"), "kill");
    assert!(
        victim
            .iter()
            .any(|c| c.args == "1, SIGTERM)" && c.ret == "0"),
        "{victim:?}"
    );
    let from_outer = calls_by(&calls, outer, "kill");
    assert!(
        from_outer
            .iter()
            .any(|c| c.args == format!("{init}, SIGTERM)") && c.ret == "0"),
        "{from_outer:?}"
    );
    let exits = calls_by(&calls, init, "exit_group");
    assert!(exits.iter().any(|c| c.args.starts_with("0)")), "{exits:?}");
}
