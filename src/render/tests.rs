//! Render tests: hand-built event sequences, as a runner would stream them, rendered with no
//! process and no /proc. PIDs are made up; what matters is the layout, the words and the
//! `--stable` and width rules.

use super::*;
use crate::engine::model::{
    Check, Disposition, Event, ExitStatus, Failure, Memory, MemoryReading, Observation, Origin,
    Parent, Said, SayLine, State, Value, Verdict,
};
use crate::script::actions::{Call, Outcome};
use crate::script::{Cond, Field, Piece, RoleId, Script, StepKind};
use std::time::Duration;

const RUNNER_PID: i32 = 100;

fn demo(name: &str) -> Script {
    colored::control::set_override(false);
    crate::script::demos::find(name).unwrap().parse().unwrap()
}

fn user_script(text: &str) -> Script {
    colored::control::set_override(false);
    crate::script::parse("t.demo", "t", text).unwrap()
}

fn role(s: &Script, name: &str) -> RoleId {
    s.roles.iter().position(|r| r == name).unwrap()
}

/// The index of the step on this line of the script.
fn at(s: &Script, line: usize) -> usize {
    s.steps.iter().position(|st| st.line == line).unwrap()
}

/// The line of the `nth` step (from 1) whose text is `text`: tests name steps by what they
/// say, so a line added to a demo (a question, a translation) moves nothing here.
fn line_of(s: &Script, text: &str, nth: usize) -> usize {
    s.steps
        .iter()
        .filter(|st| st.text == text)
        .nth(nth - 1)
        .unwrap_or_else(|| panic!("no step {nth} {text:?}"))
        .line
}

/// The lines of the `say` steps right after the step on `line`.
fn says_after(s: &Script, line: usize) -> Vec<usize> {
    s.steps
        .iter()
        .skip(at(s, line) + 1)
        .skip_while(|st| matches!(st.kind, StepKind::Ask { .. }))
        .take_while(|st| matches!(st.kind, StepKind::Say { .. }))
        .map(|st| st.line)
        .collect()
}

fn style(stable: bool, width: usize) -> Style {
    Style {
        explain: true,
        stable,
        width,
        lang: super::Lang::En,
        lang_asked: false,
        python: false,
        answers: false,
        timeline: true,
        tree: false,
        html: None,
        trees_only: false,
    }
}

/// The outputs the front end chooses: `format`, and the page when the style names one.
fn renderer<'a>(format: Format, s: &'a Script, origin: &'a Origin, style: Style) -> Outputs<'a> {
    let formats: Vec<Format> = std::iter::once(format)
        .chain(style.html.map(Format::Html))
        .collect();
    outputs(&formats, s, origin, style)
}

fn render(format: Format, s: &Script, origin: &Origin, style: Style, events: &[Event]) -> String {
    let mut r = renderer(format, s, origin, style);
    let mut out = Vec::new();
    for e in events {
        r.event(e, &mut out).unwrap();
    }
    String::from_utf8(out).unwrap()
}

fn text(s: &Script, style: Style, events: &[Event]) -> String {
    render(
        Format::Text,
        s,
        &Origin::Builtin(format!("demos/{}.demo", s.name)),
        style,
        events,
    )
}

fn obs(role: RoleId, pid: i32, state: State, ppid: Option<(i32, Parent)>) -> Observation {
    let alive = state.is_alive();
    let (ppid, parent) = match ppid {
        Some((p, parent)) => (Some(p), Some(parent)),
        None => (None, None),
    };
    Observation {
        role,
        pid,
        state,
        ppid,
        parent,
        stat: alive.then(|| state.code()),
        comm: alive.then(|| "procdemo".to_string()),
        pgrp: alive.then_some(RUNNER_PID),
        session: alive.then_some(7),
        nice: alive.then_some(0),
        wchan: (state == State::Sleeping).then(|| "anon_pipe_read".to_string()),
        exit_status: None,
        sigchld: (alive && state != State::Zombie).then_some(Disposition::Default),
        depends_on_privilege: false,
        ps_stat: None,
        tracer: None,
        ns_pid: None,
    }
}

/// The say lines on these script lines, their `{ROLE.FIELD}`s filled from `value`.
fn say(s: &Script, lines: &[usize], value: impl Fn(&str, Field) -> Value) -> Event {
    let lines = lines
        .iter()
        .map(|&line| {
            let step = at(s, line);
            let StepKind::Say { pieces } = &s.steps[step].kind else {
                panic!("line {line} is not a say line");
            };
            let fill = |pieces: &Vec<Piece>| {
                pieces
                    .iter()
                    .map(|p| match p {
                        Piece::Text(t) => Said::Text(t.clone()),
                        Piece::Value(r, f) => Said::Value {
                            role: *r,
                            field: *f,
                            value: value(&s.roles[*r], *f),
                        },
                    })
                    .collect()
            };
            let filled = pieces.map(fill);
            SayLine {
                step,
                said: filled.base,
                said_in: filled.other,
            }
        })
        .collect();
    Event::Say { lines }
}

/// A zombie run as the runner would stream it (demos/zombie.demo, PIDs 100, 101, 102).
fn zombie_events(s: &Script) -> Vec<Event> {
    let (runner, parent, child) = (0, role(s, "parent"), role(s, "child"));
    let of = |p: i32, r: RoleId| Some((p, Parent::Role(r)));
    let parent_s = obs(parent, 101, State::Sleeping, of(100, runner));
    let child_s = obs(child, 102, State::Sleeping, of(101, parent));
    let mut child_z = obs(child, 102, State::Zombie, of(101, parent));
    child_z.exit_status = Some(1792);
    let child_gone = obs(child, 102, State::Gone, None);
    let reaped = Outcome::Reaped {
        pid: 102,
        status: 1792,
    };
    vec![
        Event::Begin {
            runner_pid: RUNNER_PID,
        },
        Event::Spawned {
            role: parent,
            pid: 101,
            ns_pids: Vec::new(),
        },
        Event::Act {
            step: at(s, line_of(s, "runner fork parent", 1)),
            role: runner,
            outcome: Some(Outcome::Forked {
                pid: 101,
                in_child: Some(0),
            }),
            verdict: None,
        },
        Event::Spawned {
            role: child,
            pid: 102,
            ns_pids: Vec::new(),
        },
        Event::Act {
            step: at(s, line_of(s, "parent fork child", 1)),
            role: parent,
            outcome: Some(Outcome::Forked {
                pid: 102,
                in_child: Some(0),
            }),
            verdict: None,
        },
        Event::Observe {
            step: at(s, line_of(s, "observe", 1)),
            observations: vec![parent_s.clone(), child_s],
        },
        say(s, &says_after(s, line_of(s, "observe", 1)), |r, f| {
            match (r, f) {
                ("child", Field::Pid) => Value::Pid(102),
                ("parent", Field::Pid) => Value::Pid(101),
                (_, Field::State) => Value::State(State::Sleeping),
                other => panic!("{other:?}"),
            }
        }),
        Event::Act {
            step: at(s, line_of(s, "child exit 7", 1)),
            role: child,
            outcome: Some(Outcome::Exiting { code: 7 }),
            verdict: None,
        },
        Event::Await {
            step: at(s, line_of(s, "await child Z", 1)),
            observation: Some(child_z.clone()),
            outcome: None,
            reads: Some(1),
            waited: Duration::from_micros(13),
        },
        Event::Observe {
            step: at(s, line_of(s, "observe", 2)),
            observations: vec![parent_s.clone(), child_z],
        },
        say(s, &says_after(s, line_of(s, "observe", 2)), |r, f| {
            match (r, f) {
                ("child", Field::State) => Value::State(State::Zombie),
                ("parent", Field::State) => Value::State(State::Sleeping),
                ("parent", Field::Pid) => Value::Pid(101),
                ("child", Field::ExitCode) => Value::ExitCode(ExitStatus::Exited(7)),
                other => panic!("{other:?}"),
            }
        }),
        Event::Act {
            step: at(s, line_of(s, "parent waitpid child", 1)),
            role: parent,
            outcome: Some(reaped.clone()),
            verdict: None,
        },
        Event::Await {
            step: at(s, line_of(s, "await child gone", 1)),
            observation: Some(child_gone.clone()),
            outcome: None,
            reads: Some(2),
            waited: Duration::from_micros(1500),
        },
        Event::Observe {
            step: at(s, line_of(s, "observe", 3)),
            observations: vec![parent_s, child_gone],
        },
        say(s, &says_after(s, line_of(s, "observe", 3)), |r, f| {
            match (r, f) {
                ("parent", Field::Result) => Value::Result(reaped.clone()),
                ("child", Field::Pid) => Value::Pid(102),
                other => panic!("{other:?}"),
            }
        }),
        Event::Cleanup { killed: 1 },
        Event::End { ok: true },
    ]
}

/// A snapshot's body: what `procdemo NAME --stable --explain` printed.
/// A snapshot's text, without the worksheet `--answers` adds at the end (these events have
/// no questions).
fn snapshot(file: &str) -> String {
    let body = file.splitn(3, "---\n").nth(2).unwrap();
    match body.find("\nQuestions (") {
        Some(at) => body[..=at].to_string(),
        None => body.to_string(),
    }
}

const ZOMBIE_SNAPSHOT: &str = include_str!("../../snapshots/demo@zombie.demo.snap");

fn assert_fits(text: &str, columns: usize) {
    for line in text.lines() {
        assert!(
            wrap::width(line) <= columns,
            "wider than {columns} ({}):\n{line}\n\nin:\n{text}",
            wrap::width(line)
        );
    }
}

const LONG: &str = "      child  <child>  <parent>  Z     zombie: exited, not yet reaped; holds status 1792 (WIFEXITED, WEXITSTATUS = 7)\n";
const WRAPPED: &str = "      child  <child>  <parent>  Z     zombie: exited, not yet reaped; holds status 1792 (WIFEXITED,\n                                      WEXITSTATUS = 7)\n";
const LONG_IN_OBSERVE: &str = "      child   <child>   <parent>  Z     zombie: exited, not yet reaped; holds status 1792 (WIFEXITED, WEXITSTATUS = 7)\n";
const WRAPPED_IN_OBSERVE: &str = "      child   <child>   <parent>  Z     zombie: exited, not yet reaped; holds status 1792\n                                        (WIFEXITED, WEXITSTATUS = 7)\n";

#[test]
fn a_zombie_run_at_100_columns_renders_exactly_its_snapshot() {
    let s = demo("zombie");
    let out = text(&s, style(true, 100), &zombie_events(&s));
    assert_eq!(out, snapshot(ZOMBIE_SNAPSHOT));
    assert!(out.contains(WRAPPED) && out.contains(WRAPPED_IN_OBSERVE));
    assert_fits(&out, 100);
}

#[test]
fn a_zombie_run_on_a_wide_terminal_wraps_only_narration() {
    let s = demo("zombie");
    let out = text(&s, style(true, 200), &zombie_events(&s));
    let expected = snapshot(ZOMBIE_SNAPSHOT)
        .replace(WRAPPED, LONG)
        .replace(WRAPPED_IN_OBSERVE, LONG_IN_OBSERVE);
    assert_ne!(
        expected,
        snapshot(ZOMBIE_SNAPSHOT),
        "the snapshot has wrapped rows"
    );
    assert_eq!(out, expected);
}

#[test]
fn a_zombie_run_live_shows_pids_timings_and_wchan() {
    let s = demo("zombie");
    let out = text(&s, style(false, 200), &zombie_events(&s));
    assert!(
        out.contains("     (script demos/zombie.demo, built in, runner pid 100)\n"),
        "{out}"
    );
    assert!(out.contains("  5  await child Z             → seen after 13 µs, 1 read of /proc\n"));
    assert!(out.contains("  8  await child gone          → seen after 1.5 ms, 2 reads of /proc\n"));
    assert!(
        out.contains(
            "      parent  101  100 (runner)  S     sleeping, interruptible, in anon_pipe_read\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("    │ fork() created 102 as a copy of 101."),
        "{out}"
    );
    assert!(out.contains("  7  parent waitpid child      → returned 102 with status 1792: WIFEXITED, WEXITSTATUS = 7\n"));
}

#[test]
fn each_event_is_written_as_it_arrives() {
    let s = demo("zombie");
    let events = zombie_events(&s);
    let origin = Origin::Builtin("demos/zombie.demo".into());
    let mut r = renderer(Format::Text, &s, &origin, style(true, 100));
    let mut out = Vec::new();
    r.event(&events[0], &mut out).unwrap();
    assert!(String::from_utf8_lossy(&out).starts_with("procdemo zombie — "));
    out.clear();
    r.event(&events[1], &mut out).unwrap();
    assert!(out.is_empty(), "Spawned shows nothing");
    r.event(&events[2], &mut out).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out),
        "  1  runner fork parent        → fork() returned <parent> to the parent, 0 to the child\n"
    );
}

#[test]
fn without_explain_there_is_no_narration() {
    let s = demo("zombie");
    let quiet = Style {
        explain: false,
        ..style(true, 100)
    };
    let out = text(&s, quiet, &zombie_events(&s));
    assert!(!out.contains('│'), "{out}");
    assert!(out.ends_with("ok: every awaited state was observed\n"));
}

/// `runner fork p`, `p fork c`, then an await for a state that never comes.
fn timeout_events(s: &Script) -> Vec<Event> {
    let (p, c) = (role(s, "p"), role(s, "c"));
    let mut seen = obs(p, 101, State::Sleeping, Some((100, Parent::Role(0))));
    seen.wchan = Some("do_wait".into());
    vec![
        Event::Begin { runner_pid: 100 },
        Event::Spawned {
            role: p,
            pid: 101,
            ns_pids: Vec::new(),
        },
        Event::Act {
            step: 0,
            role: 0,
            outcome: Some(Outcome::Forked {
                pid: 101,
                in_child: None,
            }),
            verdict: None,
        },
        Event::Spawned {
            role: c,
            pid: 102,
            ns_pids: Vec::new(),
        },
        Event::Act {
            step: 1,
            role: p,
            outcome: Some(Outcome::Forked {
                pid: 102,
                in_child: None,
            }),
            verdict: None,
        },
        Event::Failed {
            step: Some(2),
            failure: Failure::AwaitTimeout {
                role: p,
                cond: Cond::State(State::Zombie),
                within: Duration::from_millis(100),
                total: None,
                reads: 37,
                seen,
            },
        },
        Event::Cleanup { killed: 2 },
        Event::End { ok: false },
    ]
}

const TIMEOUT_SCRIPT: &str = "runner fork p\np fork c\nawait p Z within 100ms\n";

#[test]
fn an_await_timeout_shows_the_step_and_what_was_seen_then_fails_after_the_cleanup() {
    let s = user_script(TIMEOUT_SCRIPT);
    let events = timeout_events(&s);
    let out = render(
        Format::Text,
        &s,
        &Origin::File("t.demo".into()),
        style(false, 100),
        &events,
    );
    let expected = "\
procdemo t — t
     (script t.demo, runner pid 100)
  1  runner fork p             → fork() returned 101, the new process's PID
  2  p fork c                  → fork() returned 102, the new process's PID
  3  await p Z within 100ms
      ROLE  PID  PPID          STAT  STATE
      p     101  100 (runner)  S     sleeping, interruptible, in do_wait
     at the end the runner killed and reaped 2 processes the script left alive

  Timeline: each role's state at every step that observed or changed it
    step   1     2     3
    p 101  fork        S
    c 102        fork
    S = sleeping, interruptible
    fork: created at that step (fork or clone); exit: called _exit() or exit(); exec: called
    execve(); reap: its parent's wait returned it; SIG...: a signal was sent to it
FAILED: awaited `p` to be in state Z (zombie: exited, not yet reaped) within 100 ms, but after 37
        reads of /proc it was still not: `p` (pid 101) was last seen in state S (sleeping,
        interruptible), waiting in do_wait, PPID 100 (runner)
";
    assert_eq!(out, expected);
}

#[test]
fn the_failure_line_waits_for_the_end_of_the_run() {
    let s = user_script(TIMEOUT_SCRIPT);
    let events = timeout_events(&s);
    let before_end = render(
        Format::Text,
        &s,
        &Origin::File("t.demo".into()),
        style(true, 100),
        &events[..events.len() - 1],
    );
    assert!(before_end.contains("  3  await p Z within 100ms\n"));
    assert!(before_end.contains("      p     <p>  <runner>  S     sleeping, interruptible\n"));
    assert!(!before_end.contains("FAILED"), "{before_end}");
}

#[test]
fn every_renderer_can_give_the_failure_for_stderr() {
    let s = user_script(TIMEOUT_SCRIPT);
    let origin = Origin::File("t.demo".into());
    for format in [Format::Text, Format::Json, Format::JsonEvents] {
        let mut r = renderer(format, &s, &origin, style(false, 80));
        let mut sink = Vec::new();
        for e in timeout_events(&s) {
            assert!(
                r.failure().is_none() || matches!(e, Event::Cleanup { .. } | Event::End { .. })
            );
            r.event(&e, &mut sink).unwrap();
        }
        let message = r.failure().unwrap();
        assert!(
            message.starts_with("awaited `p` to be in state Z"),
            "{message}"
        );
        assert!(message.contains("(pid 101)"), "real PIDs: {message}");
    }
}

#[test]
fn a_stable_failure_names_roles_not_pids_and_leaves_wchan_out() {
    let s = user_script(TIMEOUT_SCRIPT);
    let out = text(&s, style(true, 1000), &timeout_events(&s));
    assert!(out.ends_with(
        "FAILED: awaited `p` to be in state Z (zombie: exited, not yet reaped) within 100 ms, but after 37 reads of /proc it was still not: `p` (pid <p>) was last seen in state S (sleeping, interruptible), PPID <runner>\n"
    ), "{out}");
}

const PRIVILEGE_SCRIPT: &str = "title privilege\nrunner fork eager\ntry eager nice -5\nawait eager flag < if permitted\nobserve eager\n";

/// The privilege script as root (permitted) or as a normal user (refused).
fn privilege_events(s: &Script, permitted: bool) -> Vec<Event> {
    let eager = role(s, "eager");
    let mut seen = obs(eager, 101, State::Sleeping, Some((100, Parent::Role(0))));
    seen.depends_on_privilege = true;
    seen.stat = Some(if permitted { "S<" } else { "S" }.into());
    let mut events = vec![
        Event::Begin { runner_pid: 100 },
        Event::Spawned {
            role: eager,
            pid: 101,
            ns_pids: Vec::new(),
        },
        Event::Act {
            step: 0,
            role: 0,
            outcome: Some(Outcome::Forked {
                pid: 101,
                in_child: None,
            }),
            verdict: None,
        },
        Event::Act {
            step: 1,
            role: eager,
            outcome: Some(if permitted {
                Outcome::Niced { nice: -5 }
            } else {
                Outcome::Failed {
                    call: Call::Setpriority,
                    errno: libc::EACCES,
                }
            }),
            verdict: Some(if permitted {
                Verdict::Permitted
            } else {
                Verdict::Refused
            }),
        },
    ];
    events.push(if permitted {
        Event::Await {
            step: 2,
            observation: Some(seen.clone()),
            outcome: None,
            reads: Some(1),
            waited: Duration::from_micros(5),
        }
    } else {
        Event::Skipped {
            step: 2,
            try_step: 1,
        }
    });
    events.extend([
        Event::Observe {
            step: 3,
            observations: vec![seen],
        },
        Event::Cleanup { killed: 1 },
        Event::End { ok: true },
    ]);
    events
}

#[test]
fn a_try_run_reads_the_same_with_stable_for_root_and_a_normal_user() {
    let s = user_script(PRIVILEGE_SCRIPT);
    let refused = text(&s, style(true, 100), &privilege_events(&s, false));
    let permitted = text(&s, style(true, 100), &privilege_events(&s, true));
    assert_eq!(refused, permitted);
    assert_eq!(
        refused,
        "\
procdemo t — privilege
  1  runner fork eager         → fork() returned <eager>, the new process's PID
  2  try eager nice -5         → the outcome depends on privilege: not shown with --stable
  3  await eager flag < if permitted  → the outcome depends on privilege: not shown with --stable
  4  observe eager
      ROLE   PID      PPID      STAT  STATE
      eager  <eager>  <runner>  ?     depends on privilege: not shown with --stable
     at the end the runner killed and reaped 1 process the script left alive

  Timeline: each role's state at every step that observed or changed it
    step   1     4
    eager  fork  ?
    fork: created at that step (fork or clone); exit: called _exit() or exit(); exec: called
    execve(); reap: its parent's wait returned it; SIG...: a signal was sent to it
ok: every awaited state was observed
"
    );
}

#[test]
fn a_refused_try_live_says_so_and_skips_what_depends_on_it() {
    let s = user_script(PRIVILEGE_SCRIPT);
    let out = text(&s, style(false, 200), &privilege_events(&s, false));
    assert!(out.contains("  2  try eager nice -5         → setpriority failed: EACCES (Permission denied) (a refusal: `try` accepts it, and steps that end `if permitted` are skipped)\n"), "{out}");
    assert!(out.contains(
        "  3  await eager flag < if permitted  → skipped: `try eager nice -5` was refused\n"
    ));
    assert!(out.contains("      eager  101  100 (runner)  S     sleeping, interruptible"));
}

fn json_doc(s: &Script, events: &[Event], explain: bool) -> serde_json::Value {
    let style = Style {
        explain,
        stable: true, // --json ignores it: real PIDs always
        width: 80,
        lang: super::Lang::En,
        lang_asked: true, // `--lang en`: words in `text` fields
        python: false,
        answers: false,
        timeline: explain,
        tree: false,
        html: None,
        trees_only: false,
    };
    let out = render(
        Format::Json,
        s,
        &Origin::Builtin("demos/zombie.demo".into()),
        style,
        events,
    );
    assert_eq!(out.lines().count(), 1, "one document on one line: {out}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn json_keeps_the_document_schema_with_real_pids() {
    let s = demo("zombie");
    let doc = json_doc(&s, &zombie_events(&s), true);
    assert_eq!(doc["version"], json::VERSION);
    assert_eq!(doc["type"], "demo");
    assert_eq!(doc["demo"], "zombie");
    assert_eq!(doc["title"], s.title.base.as_str());
    assert_eq!(
        doc["source"],
        serde_json::json!({"type": "builtin", "path": "demos/zombie.demo"})
    );
    assert_eq!(doc["lang"], "en");
    assert_eq!(doc["runner_pid"], 100);
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["cleaned_up"], 1);
    assert!(doc["failure"].is_null());
    assert_eq!(
        doc["roles"],
        serde_json::json!([
            {"role": "runner", "pid": 100},
            {"role": "parent", "pid": 101},
            {"role": "child", "pid": 102}
        ])
    );
    let events = doc["events"].as_array().unwrap();
    let first = events.iter().find(|e| e["type"] == "act").unwrap();
    assert_eq!(first["line"], line_of(&s, "runner fork parent", 1));
    assert_eq!(first["step"], "runner fork parent");
    assert_eq!(first["role"], "runner");
    assert_eq!(
        first["result"],
        serde_json::json!({"type": "forked", "pid": 101, "in_child": 0})
    );
    assert_eq!(
        first["text"],
        "fork() returned 101 to the parent, 0 to the child"
    );
    let zombie = events
        .iter()
        .find(|e| e["step"] == "await child Z")
        .unwrap();
    assert_eq!(zombie["reads"], 1);
    assert_eq!(zombie["waited_us"], 13);
    let o = &zombie["observations"][0];
    for (key, want) in [
        ("role", serde_json::json!("child")),
        ("pid", 102.into()),
        ("state", "Z".into()),
        ("parent", 101.into()),
        ("parent_role", "parent".into()),
        ("stat", "Z".into()),
        ("status", serde_json::json!({"type": "exited", "code": 7})),
        ("wait_status", 1792.into()),
        ("sigchld", serde_json::Value::Null),
    ] {
        assert_eq!(o[key], want, "{key}");
    }
    for key in ["comm", "pgrp", "session", "nice", "wchan"] {
        assert!(o.get(key).is_some(), "{key}");
    }
    assert!(o.get("depends_on_privilege").is_none() && o.get("ps_stat").is_none());
    let narration: Vec<&serde_json::Value> = events
        .iter()
        .filter(|e| e.get("narration").is_some())
        .collect();
    assert_eq!(narration.len(), 3, "one message per say event");
    assert!(
        narration[0]["narration"]["en"]
            .as_str()
            .unwrap()
            .starts_with("fork() created 102 as a copy of 101. Both wait in read() until told")
    );
    assert_eq!(
        narration[0]["line"],
        says_after(&s, line_of(&s, "observe", 1))[0]
    );
    let quiet = json_doc(&s, &zombie_events(&s), false);
    assert!(
        quiet["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e.get("narration").is_none())
    );
}

#[test]
fn json_of_a_failed_run_has_the_message_its_kind_and_the_failed_step() {
    let s = user_script(TIMEOUT_SCRIPT);
    let doc = json_doc(&s, &timeout_events(&s), false);
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["failure"]["type"], "await_timeout");
    assert!(
        doc["failure"]["text"]
            .as_str()
            .unwrap()
            .starts_with("awaited `p` to be in state Z")
    );
    let last = doc["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["type"], "failed");
    assert_eq!(last["step"], "await p Z within 100ms");
    assert_eq!(last["failure"]["seen"]["wchan"], "do_wait");
}

#[test]
fn json_of_a_memory_reading_has_whole_and_region_figures() {
    let s = fork_cow();
    let mut events = memory_events(&s);
    events.push(Event::End { ok: true });
    let doc = json_doc(&s, &events, false);
    let measure = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "measure")
        .unwrap();
    let m = &measure["readings"][0];
    assert_eq!(m["role"], "parent");
    assert_eq!(m["rss_kb"], 17000);
    assert_eq!(m["minflt"], 4321);
    assert_eq!(m["region"]["private_dirty_kb"], 16384);
    assert_eq!(m["region_bytes"], 16 << 20);
}

#[test]
fn json_events_are_one_self_describing_line_each() {
    let s = demo("zombie");
    let events = zombie_events(&s);
    let origin = Origin::Builtin("demos/zombie.demo".into());
    let mut r = renderer(Format::JsonEvents, &s, &origin, style(true, 80));
    let mut kinds = Vec::new();
    for e in &events {
        let mut out = Vec::new();
        r.event(e, &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(out.matches('\n').count(), 1, "{out}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        kinds.push(v["type"].as_str().unwrap().to_string());
        if v["type"] == "act" && v["step"] == "parent waitpid child" {
            assert_eq!(v["line"], line_of(&s, "parent waitpid child", 1));
            assert_eq!(v["role"], "parent");
            assert_eq!(v["result"]["type"], "reaped");
            assert_eq!(v["result"]["wait_status"], 1792);
            assert_eq!(
                v["result"]["status"],
                serde_json::json!({"type": "exited", "code": 7})
            );
            assert!(v.get("text").is_none(), "no words without --lang: {v}");
        }
        if v["type"] == "spawned" {
            assert!(v["role"].is_string() && v["pid"].is_number());
        }
    }
    assert_eq!(kinds.first().unwrap(), "begin");
    assert_eq!(kinds.last().unwrap(), "end");
    assert_eq!(kinds.iter().filter(|k| *k == "say").count(), 3);
    assert_eq!(kinds.iter().filter(|k| *k == "await").count(), 2);
}

#[test]
fn json_events_give_a_failure_its_kind_message_and_what_was_seen() {
    let s = user_script(TIMEOUT_SCRIPT);
    let out = render(
        Format::JsonEvents,
        &s,
        &Origin::File("t.demo".into()),
        style(false, 80),
        &timeout_events(&s),
    );
    let failed: serde_json::Value = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["type"] == "failed")
        .unwrap();
    assert_eq!(failed["line"], 3);
    assert_eq!(failed["failure"]["type"], "await_timeout");
    assert_eq!(failed["failure"]["seen"]["role"], "p");
    assert!(
        failed["failure"].get("text").is_none(),
        "no words without --lang"
    );
}

// ---- width ------------------------------------------------------------------------------

fn fork_cow() -> Script {
    user_script(
        "runner fork parent\nparent alloc 16MiB\nparent fork child\nmeasure parent child\nmeasure child\n",
    )
}

fn memory_events(s: &Script) -> Vec<Event> {
    let (parent, child) = (role(s, "parent"), role(s, "child"));
    let region = Memory {
        rss_kb: 16384,
        pss_kb: 16384,
        shared_dirty_kb: 0,
        private_dirty_kb: 16384,
    };
    let whole = Memory {
        rss_kb: 17000,
        pss_kb: 16900,
        shared_dirty_kb: 120,
        private_dirty_kb: 16600,
    };
    let reading = |role, pid| MemoryReading {
        role,
        pid,
        whole: whole.clone(),
        minflt: 4321,
        region: Some((region.clone(), 16 << 20)),
    };
    vec![
        Event::Measure {
            step: 3,
            readings: vec![reading(parent, 4194301), reading(child, 4194302)],
        },
        Event::Measure {
            step: 4,
            readings: vec![MemoryReading {
                region: None,
                ..reading(child, 4194302)
            }],
        },
    ]
}

#[test]
fn memory_tables_fit_80_columns_live_and_stable() {
    let s = fork_cow();
    for stable in [false, true] {
        let out = text(&s, style(stable, 80), &memory_events(&s));
        assert_fits(&out, 80);
        assert!(out.contains("16 MiB region"), "{out}");
        assert!(
            out.contains("Shared_Dirty"),
            "the note says what the columns are: {out}"
        );
    }
    let live = text(&s, style(false, 80), &memory_events(&s));
    assert!(live.contains("whole process"), "{live}");
    assert!(live.contains("4321"), "{live}");
    let stable = text(&s, style(true, 80), &memory_events(&s));
    assert!(
        stable.contains("no region (whole-process figures vary"),
        "{stable}"
    );
    assert!(!stable.contains("4321") && !stable.contains("whole process"));
}

#[test]
fn a_memory_table_too_wide_for_the_terminal_becomes_sentences() {
    let s = fork_cow();
    let out = text(&s, style(false, 50), &memory_events(&s));
    assert_fits(&out, 50);
    assert!(out.contains("Private_Dirty 16384 kB"), "{out}");
}

#[test]
fn a_wide_observation_table_wraps_its_state_column_under_itself() {
    let s = demo("sigchld-ignore");
    let kid = role(&s, "plain-kid");
    let plain = role(&s, "plain");
    let mut z = obs(
        kid,
        4194303,
        State::Zombie,
        Some((4194300, Parent::Role(plain))),
    );
    z.exit_status = Some(1024);
    let events = [
        Event::Begin { runner_pid: 100 },
        Event::Observe {
            step: at(&s, line_of(&s, "observe", 2)),
            observations: vec![z.clone()],
        },
    ];
    let out = text(&s, style(false, 80), &events);
    assert_fits(&out, 80);
    let lines: Vec<&str> = out.lines().collect();
    let row = lines.iter().position(|l| l.contains("plain-kid")).unwrap();
    let column = lines[row].find("zombie").unwrap();
    assert!(lines.len() > row + 1, "{out}");
    for next in &lines[row + 1..] {
        assert_eq!(next.len() - next.trim_start().len(), column, "{out}");
    }
    // With the SIGCHLD column too, the row leaves too little room: the state goes under it.
    let mut ignorer = obs(role(&s, "ignorer"), 4194301, State::Sleeping, None);
    ignorer.sigchld = Some(Disposition::Ignored);
    ignorer.ppid = Some(100);
    ignorer.parent = Some(Parent::Role(0));
    let events = [
        Event::Begin { runner_pid: 100 },
        Event::Observe {
            step: at(&s, line_of(&s, "observe", 2)),
            observations: vec![ignorer, z],
        },
    ];
    let out = text(&s, style(false, 80), &events);
    assert_fits(&out, 80);
    assert!(out.contains("ignored (SigIgn)"));
    assert!(
        out.contains("\n        zombie: exited, not yet reaped; holds status 1024"),
        "{out}"
    );
}

#[test]
fn a_long_step_result_continues_under_the_result() {
    let s = demo("wait");
    let events = [
        Event::Begin { runner_pid: 100 },
        Event::Spawned {
            role: 2,
            pid: 102,
            ns_pids: Vec::new(),
        },
        Event::Await {
            step: at(&s, line_of(&s, "await parent done", 2)),
            observation: None,
            outcome: Some(Outcome::PolledThenReaped {
                zeros: 15615,
                pid: 102,
                status: 768,
            }),
            reads: None,
            waited: Duration::from_millis(3),
        },
    ];
    let out = text(&s, style(true, 80), &events);
    assert_fits(&out, 80);
    let first = out
        .lines()
        .position(|l| l.contains("await parent done"))
        .unwrap();
    let lines: Vec<&str> = out.lines().skip(first).collect();
    let column = wrap::width(&lines[0][..lines[0].find("returned").unwrap()]);
    assert!(lines.len() > 2, "{out}");
    for l in &lines[1..] {
        assert_eq!(l.len() - l.trim_start().len(), column, "{out}");
    }
}

#[test]
fn long_narration_wraps_in_its_gutter_within_80_columns() {
    let s = demo("sigchld-ignore");
    let lines: Vec<usize> = s
        .steps
        .iter()
        .filter(|st| matches!(st.kind, StepKind::Say { .. }))
        .map(|st| st.line)
        .collect();
    let events = [
        Event::Begin { runner_pid: 100 },
        say(&s, &lines, |_, _| Value::NotObserved),
    ];
    let out = text(&s, style(false, 80), &events);
    assert_fits(&out, 80);
    assert!(out.contains("(not observed)"));
    let script_line = out.lines().position(|l| l.contains("(script ")).unwrap();
    for line in out.lines().skip(script_line + 1) {
        assert!(line.starts_with("    │ "), "{line}");
    }
}

const CHINESE: &str =
    "僵尸进程已经退出，但是它的父进程还没有调用 wait 回收它，所以它的退出状态还保存在进程表中。";

#[test]
fn a_chinese_say_line_wraps_between_characters() {
    let s = user_script(&format!(
        "runner fork child\nsay {CHINESE} {CHINESE}\nsay 退出码是 {{child.exit_code}}。\n"
    ));
    let events = [
        Event::Begin { runner_pid: 100 },
        say(&s, &[2, 3], |_, _| {
            Value::ExitCode(ExitStatus::Exited(1792))
        }),
    ];
    let out = text(&s, style(false, 80), &events);
    assert_fits(&out, 80);
    let body: Vec<&str> = out
        .lines()
        .filter_map(|l| l.strip_prefix("    │ "))
        .collect();
    assert!(body.len() >= 3, "{out}");
    // The wrap lost nothing and split no word or number.
    let joined = body.concat();
    assert_eq!(
        joined.replace(' ', ""),
        format!("{CHINESE}{CHINESE}退出码是1792。").replace(' ', "")
    );
    assert!(body.iter().any(|l| l.contains(" wait ")) || joined.contains("wait"));
    for l in &body {
        assert!(!l.starts_with('，') && !l.starts_with('。'), "{l}");
        assert!(!l.ends_with("wai") && !l.starts_with("t "), "{l}");
        assert!(!l.ends_with("179") && !l.starts_with('2'), "{l}");
    }
    // Lines are filled: each but the last within two columns of the gutter's measure.
    for l in &body[..body.len() - 1] {
        assert!(wrap::width(l) >= 80 - 6 - 5, "{l}");
    }
}

#[test]
fn the_header_and_the_failure_wrap_at_80_columns() {
    let s = demo("sigchld-ignore");
    let events = [
        Event::Begin { runner_pid: 100 },
        Event::Failed {
            step: None,
            failure: Failure::ForkRefused {
                role: role(&s, "plain"),
                call: Call::Fork,
                errno: libc::EAGAIN,
                nproc_limit: Some(Some(64)),
            },
        },
        Event::End { ok: false },
    ];
    let out = text(&s, style(false, 80), &events);
    assert_fits(&out, 80);
    let flat = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("`plain` could not create a process: fork failed with EAGAIN"));
    assert!(
        flat.contains("RLIMIT_NPROC (`ulimit -u`, here 64)"),
        "{out}"
    );
}

// ---- words ------------------------------------------------------------------------------

#[test]
fn runner_problems_read_as_the_front_end_printed_them() {
    use crate::engine::model::RunnerProblem;
    assert_eq!(
        runner_problem(
            "zombie",
            &RunnerProblem::Crashed { code: 101 },
            2,
            style(true, 100)
        ),
        "the runner for `zombie` crashed (exit code 101); the front end killed and reaped the 2 process(es) it left"
    );
    assert_eq!(
        runner_problem(
            "zombie",
            &RunnerProblem::Killed { signal: 9 },
            0,
            style(true, 100)
        ),
        "the runner for `zombie` was killed by SIGKILL"
    );
    assert_eq!(
        runner_problem("x", &RunnerProblem::Overran, 0, style(true, 100)),
        "the runner for `x` did not finish within its deadline and was killed"
    );
}

#[test]
fn the_runner_failures_keep_their_wording() {
    let s = user_script("runner fork p\np fork c\np waitpid c\nrunner waitpid p\n");
    let mut ctx = Ctx::new(words(super::Lang::En), &s, false);
    ctx.learn(&Event::Begin { runner_pid: 100 });
    ctx.learn(&Event::Spawned {
        role: 1,
        pid: 101,
        ns_pids: Vec::new(),
    });
    let seen = obs(1, 101, State::Sleeping, Some((100, Parent::Role(0))));
    let say = |f: Failure| words(super::Lang::En).failure(&f, None, &ctx);
    assert_eq!(
        say(Failure::NoResult {
            role: 1,
            step: 2,
            within: Duration::from_secs(2),
            seen: Some(seen.clone()),
            blocked: true,
        }),
        "`p` did not finish `p waitpid c` within 2 s; `p` (pid 101) was last seen in state S (sleeping, interruptible), waiting in anon_pipe_read, PPID 100 (runner). If the action is meant to block, end the line with `&` and add `await p done` after the step that unblocks it"
    );
    assert_eq!(
        say(Failure::RunnerWaitTimeout {
            role: 1,
            within: Duration::from_secs(2),
            seen: Some(seen.clone()),
        }),
        "the runner's waitpid for `p` did not return within 2 s: the child has not exited; `p` (pid 101) was last seen in state S (sleeping, interruptible), waiting in anon_pipe_read, PPID 100 (runner)"
    );
    assert_eq!(
        say(Failure::AwaitTimeout {
            role: 1,
            cond: Cond::Gone,
            within: Duration::from_secs(5),
            total: Some(Duration::from_secs(1)),
            reads: 2,
            seen,
        }),
        "awaited `p` to be gone (reaped) before the script's total deadline of 1 s ran out, but after 2 reads of /proc it was still not: `p` (pid 101) was last seen in state S (sleeping, interruptible), waiting in anon_pipe_read, PPID 100 (runner)"
    );
    assert_eq!(
        say(Failure::PsDisagrees {
            role: 1,
            pid: 101,
            ours: "S".into(),
            theirs: "Ss".into(),
        }),
        "--check-ps: `p` (pid 101) has STAT S from /proc but ps -o stat= says \"Ss\""
    );
    assert_eq!(
        say(Failure::TryNotRefusal {
            step: 2,
            call: Call::Waitpid,
            errno: libc::EINVAL,
        }),
        "`p waitpid c`: waitpid failed with EINVAL (Invalid argument), which is not a permission refusal: `try` only accepts EPERM or EACCES"
    );
    assert_eq!(
        say(Failure::ExpectFailed(Check {
            role: 1,
            field: Field::PrivateDirty,
            cmp: crate::script::Cmp::Eq,
            operand: crate::script::Operand::Region,
            actual: 0,
            wanted: 1024,
        })),
        "expected `p`'s private_dirty = the region's size (1024 kB), but the kernel reported 0 kB"
    );
    assert_eq!(
        say(Failure::NoProc {
            errno: Some(libc::ENOENT)
        }),
        "cannot read /proc/self/stat (ENOENT (No such file or directory)): procdemo reads every state from /proc, so procfs must be mounted (mount -t proc proc /proc)"
    );
}

#[test]
fn narration_values_respect_stable() {
    let s = user_script("runner fork p\n");
    let mut ctx = Ctx::new(words(super::Lang::En), &s, true);
    ctx.learn(&Event::Spawned {
        role: 1,
        pid: 101,
        ns_pids: Vec::new(),
    });
    let w = words(super::Lang::En);
    assert_eq!(w.value(&Value::Pid(101), &ctx), "<p>");
    assert_eq!(w.value(&Value::Pid(999), &ctx), "<other>");
    assert_eq!(
        w.value(&Value::Varying(12), &ctx),
        "(a count that varies: not shown with --stable)"
    );
    assert_eq!(w.value(&Value::Varying(0), &ctx), "0");
    assert_eq!(
        w.value(
            &Value::DependsOnPrivilege(Box::new(Value::Number(-5))),
            &ctx
        ),
        "(depends on privilege: not shown with --stable)"
    );
    assert_eq!(w.value(&Value::NotObserved, &ctx), "(not observed)");
    assert_eq!(
        w.value(&Value::ExitCode(ExitStatus::Killed(15)), &ctx),
        "none (killed by SIGTERM)"
    );
    assert_eq!(w.value(&Value::Sigchld(None), &ctx), "-");
    let live = Ctx::new(words(super::Lang::En), &s, false);
    assert_eq!(
        w.value(
            &Value::DependsOnPrivilege(Box::new(Value::Number(-5))),
            &live
        ),
        "-5"
    );
}

#[test]
fn the_all_summary_is_text_or_one_json_line() {
    use crate::engine::model::{DemoResult, RunnerProblem};
    let results = [
        DemoResult {
            name: "zombie".into(),
            ok: true,
            wall: Duration::from_micros(3300),
            problem: None,
        },
        DemoResult {
            name: "orphan".into(),
            ok: false,
            wall: Duration::from_micros(12000),
            problem: Some((RunnerProblem::Crashed { code: 101 }, 2)),
        },
    ];
    colored::control::set_override(false);
    let text = summary(&results, &[Format::Text], style(false, 80));
    assert_eq!(
        text,
        "\nsummary\n  zombie           ok          3.3 ms\n  orphan           FAILED     12.0 ms\n1 of 2 demos passed in 15.3 ms\n"
    );
    let json: serde_json::Value =
        serde_json::from_str(&summary(&results, &[Format::Json], style(false, 80))).unwrap();
    assert_eq!(json["type"], "summary");
    assert_eq!(json["version"], json::VERSION);
    assert_eq!(json["demos"][1]["demo"], "orphan");
    assert_eq!(
        json["demos"][1]["problem"],
        serde_json::json!({"type": "crashed", "left": 2})
    );
    let asked = Style {
        lang_asked: true,
        ..style(false, 80)
    };
    let events: serde_json::Value =
        serde_json::from_str(&summary(&results, &[Format::JsonEvents], asked)).unwrap();
    assert_eq!(events["type"], "summary");
    assert_eq!(events["demos"][1]["problem"]["type"], "crashed");
    assert!(
        events["demos"][1]["problem"]["text"]
            .as_str()
            .unwrap()
            .contains("crashed (exit code 101)")
    );
}

#[test]
fn columns_come_from_the_environment_when_not_a_terminal() {
    assert_eq!(columns_from(Some("80")), 80);
    assert_eq!(columns_from(Some("0")), 100);
    assert_eq!(columns_from(Some("wide")), 100);
    assert_eq!(columns_from(None), 100);
}

#[test]
fn every_snapshot_narration_paragraph_wraps_as_it_did_at_100_columns() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots");
    let mut paragraphs = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let body = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let mut lines: Vec<&str> = Vec::new();
        for line in body.lines().chain([""]) {
            if let Some(text) = line.strip_prefix("    │ ") {
                lines.push(text);
            } else if !lines.is_empty() {
                // At 100 columns narration keeps its measure of 94 (88 after the gutter).
                let rewrapped = wrap::wrap(&lines.join(" "), 88);
                assert_eq!(rewrapped, lines);
                paragraphs += 1;
                lines.clear();
            }
        }
    }
    assert!(paragraphs > 40, "{paragraphs}");
}

// ---- recorded runs ------------------------------------------------------------------------

/// A real run's events, as its runner streamed them: tests/fixtures/events/NAME.events,
/// recorded with `procdemo NAME --record-events` (`make fixtures` records them all again).
/// `failure` is a user script there (tests/fixtures/events/failure.demo).
fn recorded(name: &str) -> (Script, Origin, Vec<Event>) {
    colored::control::set_override(false);
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/events");
    let (script, origin) = match crate::script::demos::find(name) {
        Some(d) => (d.parse().unwrap(), Origin::Builtin(d.path.to_string())),
        None => {
            let path = format!("{dir}/{name}.demo");
            let text = std::fs::read_to_string(&path).unwrap();
            (
                crate::script::parse(&path, name, &text).unwrap(),
                Origin::File(path),
            )
        }
    };
    let events = std::fs::read_to_string(format!("{dir}/{name}.events"))
        .unwrap_or_else(|e| panic!("{name}.events: {e} (make fixtures records it)"))
        .lines()
        // The recording's header (the script as it ran), which `procdemo replay` reads.
        .filter(|l| !l.starts_with("{\"recording\""))
        .map(|l| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("{name}.events: {e} (make fixtures records it again)"))
        })
        .collect();
    (script, origin, events)
}

fn recordings() -> Vec<&'static str> {
    crate::script::demos::DEMOS
        .iter()
        .map(|d| d.name)
        .chain(["failure"])
        .collect()
}

#[test]
fn every_recorded_run_fits_80_columns_live_and_stable_with_narration_in_english_and_chinese() {
    for name in recordings() {
        let (s, origin, events) = recorded(name);
        for (stable, lang) in [false, true].into_iter().flat_map(|st| {
            [super::Lang::En, super::Lang::Zh]
                .into_iter()
                .map(move |l| (st, l))
        }) {
            let style = Style {
                lang,
                python: true,
                ..style(stable, 80)
            };
            let out = render(Format::Text, &s, &origin, style, &events);
            assert!(out.lines().count() > 5, "{name}: {out}");
            assert_fits(&out, 80);
            if lang == super::Lang::Zh && name != "failure" {
                // Every line of the built-in demos' narration is in Chinese.
                let said = out.lines().filter(|l| l.starts_with("    │ "));
                for l in said {
                    assert!(l.chars().any(|c| c > '\u{2e80}'), "{name}: {l}");
                }
            }
        }
    }
}

#[test]
fn a_recorded_chinese_say_line_wraps_between_characters_within_80_columns() {
    let (s, origin, events) = recorded("failure");
    let out = render(Format::Text, &s, &origin, style(true, 80), &events);
    assert_fits(&out, 80);
    let narration: Vec<&str> = out.lines().filter(|l| l.starts_with("    │ ")).collect();
    assert!(narration.len() >= 2, "the paragraph wraps: {out}");
    assert!(
        narration[0].contains("僵尸进程") && narration.iter().any(|l| l.contains("<parent>")),
        "{out}"
    );
    // No Latin word or number is cut: `wait()` and `<parent>` stay whole on one line.
    assert!(narration.iter().any(|l| l.contains("wait()")), "{out}");
    assert!(
        out.contains("FAILED: awaited `child` to be in state Z"),
        "{out}"
    );
}

#[test]
fn every_recorded_run_renders_as_one_json_document_and_as_json_lines() {
    for name in recordings() {
        let (s, origin, events) = recorded(name);
        let doc = render(Format::Json, &s, &origin, style(false, 80), &events);
        let doc: serde_json::Value = serde_json::from_str(doc.trim()).unwrap();
        assert_eq!(doc["demo"], s.name, "{name}");
        assert_eq!(doc["ok"], name != "failure", "{name}");
        let lines = render(Format::JsonEvents, &s, &origin, style(false, 80), &events);
        assert_eq!(
            lines.lines().count(),
            events.len(),
            "{name}: one line an event"
        );
        for line in lines.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(v["type"].is_string(), "{name}: {line}");
        }
    }
}

#[test]
fn with_python_each_action_shows_the_courses_line_and_without_it_none() {
    let s = demo("zombie");
    let with = Style {
        python: true,
        ..style(true, 80)
    };
    let out = text(&s, with, &zombie_events(&s));
    assert!(
        out.contains("\n                                 >>> os._exit(7)\n"),
        "{out}"
    );
    assert!(out.contains(">>> os.waitpid(pid, 0)"), "{out}");
    assert!(out.contains(">>> pid = os.fork()"), "{out}");
    assert_fits(&out, 80);
    let without = text(&s, style(true, 80), &zombie_events(&s));
    assert!(!without.contains(">>>"), "{without}");
}

#[test]
fn a_call_python_cannot_make_is_said_in_the_chosen_language() {
    let s = user_script("runner fork p\np vfork c &\nc exit 0\nawait p done\n");
    let events = [
        Event::Begin { runner_pid: 100 },
        Event::Act {
            step: 1,
            role: 1,
            outcome: None,
            verdict: None,
        },
    ];
    for (lang, says) in [
        (
            super::Lang::En,
            "# Python's standard library has no vfork()",
        ),
        (super::Lang::Zh, "# Python 的标准库没有 vfork()"),
    ] {
        let st = Style {
            python: true,
            lang,
            ..style(true, 80)
        };
        let out = text(&s, st, &events);
        assert!(out.contains(says), "{out}");
    }
}

// ---- the timeline and --tree ----------------------------------------------------------------

fn no_timeline(mut s: Style) -> Style {
    s.timeline = false;
    s
}

#[test]
fn the_timeline_draws_each_role_s_lane_from_the_run_s_own_events() {
    let s = demo("zombie");
    let out = text(&s, style(true, 80), &zombie_events(&s));
    let lanes = "\
    step    1     2     3  4     5  6  7     8     9
    parent  fork        S           S              S
    child         fork  S  exit  Z  Z  reap  gone  gone
";
    assert!(out.contains(lanes), "{out}");
    // After the steps and the clean-up, before the verdict.
    let timeline = out.find("Timeline").unwrap();
    assert!(out.find("at the end the runner").unwrap() < timeline);
    assert!(timeline < out.find("ok: every").unwrap());
    // Live: each lane names its PID too.
    let live = text(&s, style(false, 80), &zombie_events(&s));
    let lane = live
        .lines()
        .find(|l| l.starts_with("    child 102 "))
        .unwrap();
    assert!(
        lane.ends_with("fork  S  exit  Z  Z  reap  gone  gone"),
        "{live}"
    );
}

#[test]
fn without_the_timeline_style_nothing_is_drawn() {
    let s = demo("zombie");
    let out = text(&s, no_timeline(style(true, 80)), &zombie_events(&s));
    assert!(!out.contains("Timeline"), "{out}");
}

#[test]
fn a_recorded_orphan_s_timeline_marks_the_reparenting() {
    let (s, origin, events) = recorded("orphan");
    let out = render(Format::Text, &s, &origin, style(true, 80), &events);
    let child = out
        .lines()
        .find(|l| l.starts_with("    child  "))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(child.contains(" S^ "), "{child}");
    assert!(out.contains("^ its PPID"), "{out}");
}

#[test]
fn every_recorded_timeline_fits_narrow_terminals_in_blocks() {
    for name in recordings() {
        let (s, origin, events) = recorded(name);
        for width in [40, 60, 80] {
            for stable in [false, true] {
                let out = render(Format::Text, &s, &origin, style(stable, width), &events);
                let timeline = &out[out.find("Timeline").unwrap_or(0)..];
                assert_fits(timeline, width);
            }
        }
    }
    // The states demo needs more than one block at 80 columns.
    let (s, origin, events) = recorded("states");
    let out = render(Format::Text, &s, &origin, style(true, 80), &events);
    let blocks = out.lines().filter(|l| l.starts_with("    step ")).count();
    assert!(blocks >= 2, "{out}");
}

#[test]
fn with_tree_every_observation_is_drawn_as_a_tree() {
    let s = demo("zombie");
    let mut st = style(true, 80);
    st.tree = true;
    let out = text(&s, st, &zombie_events(&s));
    assert!(!out.contains("ROLE "), "no table: {out}");
    assert!(
        out.contains("      parent S  sleeping, interruptible"),
        "{out}"
    );
    assert!(
        out.contains("      └─ child S  sleeping, interruptible"),
        "{out}"
    );
    assert!(
        out.contains("gone (reaped, no longer in /proc): child"),
        "{out}"
    );
}

// ---- the page -----------------------------------------------------------------------------

#[test]
fn the_page_escapes_what_a_script_supplies_and_draws_each_observation_as_a_tree() {
    let s = user_script(
        "title <script>alert(1)</script> & \"quotes\"\nrunner fork parent\nparent fork child\nobserve\nsay a <b>bold</b> claim about {child.pid}\n",
    );
    let dir = std::env::temp_dir().join(format!("procdemo-page-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path: &'static std::path::Path = Box::leak(dir.join("t.html").into_boxed_path());
    let mut st = style(true, 80);
    st.html = Some(path);
    let (parent, child) = (role(&s, "parent"), role(&s, "child"));
    let events = vec![
        Event::Begin {
            runner_pid: RUNNER_PID,
        },
        Event::Spawned {
            role: parent,
            pid: 101,
            ns_pids: Vec::new(),
        },
        Event::Act {
            step: 0,
            role: 0,
            outcome: Some(Outcome::Forked {
                pid: 101,
                in_child: None,
            }),
            verdict: None,
        },
        Event::Spawned {
            role: child,
            pid: 102,
            ns_pids: Vec::new(),
        },
        Event::Act {
            step: 1,
            role: parent,
            outcome: Some(Outcome::Forked {
                pid: 102,
                in_child: None,
            }),
            verdict: None,
        },
        Event::Observe {
            step: 2,
            observations: vec![
                obs(parent, 101, State::Sleeping, Some((100, Parent::Role(0)))),
                obs(child, 102, State::Zombie, Some((101, Parent::Role(parent)))),
            ],
        },
        say(&s, &[5], |_, _| Value::Pid(102)),
        Event::End { ok: true },
    ];
    let out = text(&s, st, &events);
    assert!(out.contains("ok: every"), "the text output as well: {out}");
    let html = std::fs::read_to_string(path).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        !html.contains("<script>") && !html.contains("<b>bold"),
        "{html}"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"));
    assert!(html.contains("a &lt;b&gt;bold&lt;/b&gt; claim about &lt;child&gt;"));
    // The child is drawn under its parent, a line from the parent to it, in its state's
    // colour.
    let parent_at = html.find("class=\"tree-label\">parent</text>").unwrap();
    let child_at = html.find("class=\"tree-label\">child</text>").unwrap();
    assert!(parent_at < child_at);
    assert!(
        html[parent_at..child_at].contains("class=\"tree-edge\""),
        "{html}"
    );
    assert!(html[child_at..].contains("class=\"st-z\"/>"), "{html}");
    assert!(html.contains("lang=\"en\""));
}

// ---- procdemo explain ---------------------------------------------------------------------

#[test]
fn every_reference_topic_fits_80_columns_and_the_list_names_them_all() {
    use super::reference::Topic;
    let list = explain(None, 80, super::Lang::En);
    assert_fits(&list, 80);
    for t in Topic::ALL {
        assert!(list.contains(t.name()), "{list}");
        assert_eq!(Topic::from_name(t.name()), Some(*t));
        let table = explain(Some(*t), 80, super::Lang::En);
        assert_fits(&table, 80);
        assert!(table.lines().count() > 4, "{table}");
    }
}

#[test]
fn the_reference_tables_come_from_the_code_s_own_words_and_decoder() {
    use super::reference::Topic;
    let states = explain(Some(Topic::States), 100, super::Lang::En);
    for s in [
        State::Running,
        State::Zombie,
        State::TracingStop,
        State::Idle,
    ] {
        let row = format!("{}      {}", s.code(), en::En.state(s));
        assert!(states.contains(&row), "{row}\n{states}");
    }
    let wait = explain(Some(Topic::WaitStatus), 100, super::Lang::En);
    for raw in [256, 1792, 9, 15] {
        let decoded = en::En.exit_status(ExitStatus::decode(raw));
        assert!(wait.contains(&decoded), "{raw}: {decoded}\n{wait}");
    }
    assert!(wait.contains("WEXITSTATUS = 7") && wait.contains("WTERMSIG = 9 (SIGKILL)"));
    let flags = explain(Some(Topic::StatFlags), 100, super::Lang::En);
    for f in ["<", "N", "L", "s", "l", "+"] {
        assert!(
            flags.lines().any(|l| l.starts_with(&format!("  {f}  "))),
            "{f}\n{flags}"
        );
    }
    let orphan = explain(Some(Topic::Orphan), 100, super::Lang::En);
    assert!(orphan.contains("PR_SET_CHILD_SUBREAPER") && orphan.contains("PID namespace"));
    let sigchld = explain(Some(Topic::Sigchld), 100, super::Lang::En);
    assert!(sigchld.contains("SIG_IGN") && sigchld.contains("SA_NOCLDWAIT"));
}

#[test]
fn a_share_window_shows_cpu_times_live_and_only_the_kernels_weights_with_stable() {
    let (s, _, events) = recorded("nice");
    let live = text(&s, style(false, 80), &events);
    let stable = text(&s, style(true, 80), &events);
    // The weights are the kernel's table, named as such, in both.
    for out in [&live, &stable] {
        assert!(out.contains("sched_prio_to_weight"), "{out}");
        assert!(out.contains("not read from this kernel"), "{out}");
        assert!(out.contains("1024") && out.contains("110"), "{out}");
    }
    // Live: the measured CPU time, ticks and shares; --stable: none of them.
    assert!(
        live.contains("CPU TIME") && live.contains("SHARE"),
        "{live}"
    );
    assert!(live.contains(" ms of wall time"), "{live}");
    assert!(
        !stable.contains("CPU TIME") && !stable.contains("TICKS"),
        "{stable}"
    );
    assert!(stable.contains("up to the scheduler: not shown with --stable"));
    assert!(!stable.contains("wall time"), "{stable}");
    // The check held, shown with its figures live.
    assert!(live.contains(" µs > "), "{live}");
}

#[test]
fn the_kernels_weight_table_and_the_shares_it_gives() {
    use crate::engine::model::sched_weight;
    assert_eq!(sched_weight(0), Some(1024));
    assert_eq!(sched_weight(10), Some(110));
    assert_eq!(sched_weight(-20), Some(88761));
    assert_eq!(sched_weight(19), Some(15));
    assert_eq!(sched_weight(20), None);
    assert_eq!(sched_weight(-21), None);
    // Each step is about 1.25 times the next.
    for n in -20..19 {
        let ratio = f64::from(sched_weight(n).unwrap()) / f64::from(sched_weight(n + 1).unwrap());
        assert!((1.2..1.3).contains(&ratio), "{n}: {ratio}");
    }
    assert_eq!(super::percent(1024, 1134), "90.3%");
    assert_eq!(super::percent(1, 0), "-");
    assert_eq!(super::cpu_time(200_412_345), "200.4 ms");
    assert_eq!(super::cpu_time(1_520_000_000), "1.52 s");
}

// Moved from the engine's error.rs: the words of its errors are render's.
#[test]
fn every_signal_is_named_as_c_names_it() {
    use crate::engine::error::Error;
    let name = crate::render::signal_name;
    assert_eq!(name(libc::SIGKILL), "SIGKILL");
    assert_eq!(name(libc::SIGALRM), "SIGALRM");
    assert_eq!(name(libc::SIGIO), "SIGIO");
    assert_eq!(name(libc::SIGRTMIN()), "SIGRTMIN");
    assert_eq!(name(libc::SIGRTMIN() + 3), "SIGRTMIN+3");
    assert_eq!(name(libc::SIGRTMAX()), "SIGRTMAX");
    assert_eq!(
        Error::Interrupted(libc::SIGALRM).to_string(),
        "interrupted by SIGALRM: every process procdemo started was killed and reaped"
    );
    assert_eq!(Error::Interrupted(libc::SIGALRM).exit_code(), 142);
}

#[test]
fn main_prints_an_error_in_the_chosen_language_and_display_is_english() {
    use crate::engine::error::{Error, Usage};
    use crate::render::{Lang, error_text};
    let zh = |e: &Error| error_text(e, Lang::Zh);
    assert_eq!(
        zh(&Error::Interrupted(libc::SIGINT)),
        "被 SIGINT 中断：procdemo 启动的每个进程都已被杀死并回收"
    );
    assert_eq!(
        zh(&Error::Quit),
        "在暂停处退出：procdemo 启动的每个进程都已被杀死并回收"
    );
    assert_eq!(zh(&Error::DemoFailed), "有一个演示失败了（见上文）");
    let no_tty = Error::Usage(Usage::NoTerminal {
        error: "ENXIO (No such device or address)".into(),
    });
    assert!(zh(&no_tty).starts_with("--step 和 --predict 等待在终端上输入的按键"));
    assert!(
        no_tty
            .to_string()
            .starts_with("--step and --predict wait for keys")
    );
    assert_eq!(no_tty.exit_code(), 2);
    assert_eq!(
        Error::Quit.to_string(),
        "quit at a pause: every process procdemo started was killed and reaped"
    );
    // A control character a script supplies is shown escaped in every language.
    let e = Error::Script(crate::script::ParseError {
        file: "x.demo".into(),
        line: 3,
        problem: crate::script::ParseProblem::UnknownAction {
            verb: "a\u{1b}b".into(),
            verbs: vec!["fork"],
            closest: None,
        },
    });
    assert_eq!(zh(&e), "x.demo:3: 未知的动作 `a\\x1bb`：应当是 fork 之一");
    assert_eq!(
        e.to_string(),
        "x.demo:3: unknown action `a\\x1bb`: expected one of fork"
    );
}

// ---- the --predict judge, held to every question of every built-in demo --------------------

/// For each question (demo, the `ask` line's field) of each recording: answers that must be
/// judged right and answers that must be judged wrong, in English and Chinese. `{ROLE}` is
/// that role's PID in the recording. An answer the judge cannot hold (a whole result) is
/// listed under neither and must be judged None.
const ANSWERS: &[(&str, &str, &[&str], &[&str])] = &[
    (
        "double-fork",
        "grandchild.parent",
        &[
            "runner",
            "{runner}",
            "the subreaper",
            "runner (the subreaper)",
            "procdemo-runner",
            "PID {runner}",
            "收养者",
        ],
        &["init", "1", "first", "{first}", "systemd"],
    ),
    (
        "double-fork",
        "grandchild.stat",
        &["Ss", "`Ss`"],
        &["S", "Ss+", "Z"],
    ),
    (
        "exec",
        "child.pid",
        &["{child}", "child", "pid {child}", "{child} (child)"],
        &["{runner}", "0", "1"],
    ),
    (
        "exec",
        "sleeper.comm",
        &["sleep", "`sleep`"],
        &["procdemo", "sleeper", "bash"],
    ),
    (
        "exit-paths",
        "quitter.exit_code",
        &["3"],
        &["0", "768", "1"],
    ),
    ("exit-paths", "parent.state", Z_RIGHT, Z_WRONG),
    (
        "fork-cow",
        "child.shared_dirty",
        &["16384"],
        &["0", "16", "4096"],
    ),
    ("fork-cow", "parent.faults", &["0"], &["4096", "1"]),
    ("fork-server", "h1.state", Z_RIGHT, Z_WRONG),
    ("fork-server", "i1.state", GONE_RIGHT, GONE_WRONG),
    (
        "nice",
        "loop10.state",
        &[
            "R",
            "r",
            "running",
            "runnable",
            "R (running)",
            "运行",
            "就绪",
        ],
        &["S", "D", "sleeping"],
    ),
    ("nice", "ended.state", Z_RIGHT, Z_WRONG),
    (
        "orphan",
        "child.parent",
        &[
            "runner",
            "{runner}",
            "the subreaper",
            "subreaper",
            "procdemo-runner",
            "{runner} (runner)",
            "子进程收养者",
        ],
        &["init", "1", "parent", "{parent}", "systemd", "1号进程"],
    ),
    ("orphan", "child.state", Z_RIGHT, Z_WRONG),
    (
        "pid1",
        "orphan.parent",
        &["init", "1", "{init}", "init (1)"],
        &["runner", "{runner}", "middle", "outer", "subreaper"],
    ),
    ("pid1", "victim.state", GONE_RIGHT, GONE_WRONG),
    ("pipe", "producer.state", S_RIGHT, S_WRONG),
    ("pipe", "consumer.state", S_RIGHT, S_WRONG),
    ("pool", "p2.exitcode", &["-15"], &["15", "143", "0"]),
    (
        "pool",
        "plain.parent",
        &["runner", "{runner}", "the subreaper"],
        &["init", "1", "owner", "main"],
    ),
    ("race", "office.result", &[], &[]),
    ("race", "second.state", S_RIGHT, S_WRONG),
    ("sigchld-handler", "a3.state", Z_RIGHT, Z_WRONG),
    ("sigchld-handler", "b3.state", GONE_RIGHT, GONE_WRONG),
    ("sigchld-ignore", "plain-kid.state", Z_RIGHT, Z_WRONG),
    (
        "sigchld-ignore",
        "ignorer-kid.state",
        GONE_RIGHT,
        GONE_WRONG,
    ),
    (
        "states",
        "proc.state",
        &["T", "stopped", "T (stopped)", "停止", "暂停"],
        &["t", "S", "Z", "t (traced)"],
    ),
    (
        "states",
        "proc.state",
        &[
            "D",
            "disk sleep",
            "uninterruptible",
            "D (disk sleep)",
            "不可中断睡眠",
        ],
        &["S", "T", "R"],
    ),
    ("wait", "parent.state", S_RIGHT, S_WRONG),
    (
        "wait",
        "termed.exit_code",
        &["SIGTERM", "TERM", "sigterm", "15"],
        &["0", "143", "SIGKILL"],
    ),
    ("zombie", "child.state", Z_RIGHT, Z_WRONG),
    ("zombie", "child.exit_code", &["7"], &["1792", "0"]),
    ("zombie", "child.state", GONE_RIGHT, GONE_WRONG),
];
const Z_RIGHT: &[&str] = &[
    "Z",
    "z",
    "zombie",
    "Zombie.",
    "Z (zombie)",
    "defunct",
    "a zombie",
    "zombie state",
    "僵尸",
    "僵尸进程",
    "僵尸态",
    "Z（僵尸）",
];
const Z_WRONG: &[&str] = &["S", "X", "gone", "Z (sleeping)", "dead", "孤儿"];
const GONE_RIGHT: &[&str] = &["gone", "reaped", "nothing", "已回收", "消失"];
const GONE_WRONG: &[&str] = &["Z", "zombie", "僵尸", "S"];
const S_RIGHT: &[&str] = &[
    "S",
    "s",
    "sleeping",
    "S (sleeping)",
    "blocked",
    "阻塞",
    "睡眠",
];
const S_WRONG: &[&str] = &["R", "D", "Z", "T"];

#[test]
fn predict_judges_every_question_of_every_demo_by_its_table_of_answers() {
    let mut checked = 0;
    let mut asked_by_demo: std::collections::BTreeMap<&str, usize> = Default::default();
    for name in recordings() {
        let (script, _, events) = recorded(name);
        let mut pids = Vec::new();
        for e in &events {
            judge::learn(&mut pids, e);
        }
        let answers: Vec<(usize, &Value)> = events
            .iter()
            .filter_map(|e| match e {
                Event::Answer { ask, value } => Some((*ask, value)),
                _ => None,
            })
            .collect();
        for (n, (ask, value)) in answers.iter().enumerate() {
            let seen = asked_by_demo.entry(name).or_default();
            // The table lists a demo's questions in the order they are asked.
            let rows: Vec<_> = ANSWERS.iter().filter(|r| r.0 == name).collect();
            let row = rows.get(*seen).unwrap_or_else(|| {
                panic!("{name}: question {n} (step {ask}) is not in the table of answers")
            });
            *seen += 1;
            assert!(matches!(script.steps[*ask].kind, StepKind::Ask { .. }));
            let text = crate::script::demos::find(name).unwrap().text;
            let line = text.lines().nth(script.steps[*ask].line - 1).unwrap();
            assert!(
                line.starts_with(&format!("ask {}:", row.1)),
                "{name}: the table's question {} is asked as {line:?}",
                row.1
            );
            let fill = |a: &str| {
                let mut a = a.to_string();
                for (r, p) in &pids {
                    a = a.replace(&format!("{{{}}}", script.role_name(*r)), &p.to_string());
                }
                a
            };
            if row.2.is_empty() && row.3.is_empty() {
                assert_eq!(
                    judge::judge("anything", value, &script, &pids).right,
                    None,
                    "{name} {}",
                    row.1
                );
            }
            for a in row.2 {
                let a = fill(a);
                let v = judge::judge(&a, value, &script, &pids);
                assert_eq!(
                    v.right,
                    Some(true),
                    "{name} {}: {a:?} should be right for {value:?}",
                    row.1
                );
            }
            for a in row.3 {
                let a = fill(a);
                let v = judge::judge(&a, value, &script, &pids);
                assert_eq!(
                    v.right,
                    Some(false),
                    "{name} {}: {a:?} should be wrong for {value:?}",
                    row.1
                );
            }
            assert_eq!(
                judge::judge("  ", value, &script, &pids).right,
                None,
                "an empty answer is no answer"
            );
            checked += 1;
        }
    }
    let rows_used: usize = asked_by_demo.values().sum();
    assert_eq!(
        rows_used,
        ANSWERS.len(),
        "every row of the table belongs to a recorded question"
    );
    assert!(checked >= 30, "only {checked} questions were checked");
}

#[test]
fn a_wrong_init_for_an_adopted_orphan_says_why_and_names_the_subreaper() {
    let (script, _, events) = recorded("orphan");
    let mut pids = Vec::new();
    for e in &events {
        judge::learn(&mut pids, e);
    }
    let runner = pids[0].1;
    let value = Value::Parent(Parent::Role(crate::script::RUNNER));
    let v = judge::judge("init", &value, &script, &pids);
    assert_eq!(v.right, Some(false));
    assert_eq!(
        v.hint,
        Some(judge::Hint::Subreaper {
            role: "runner".into(),
            pid: Some(runner)
        })
    );
    let style = style(false, 80);
    let (text, _) = reveal(&script, &pids, "init", &value, style);
    assert!(text.contains(&format!("runner (PID {runner})")), "{text}");
    assert!(text.contains("PR_SET_CHILD_SUBREAPER"), "{text}");
    assert!(text.lines().all(|l| wrap::width(l) <= 80), "{text}");
    let zh = Style {
        lang: Lang::Zh,
        ..style
    };
    let (text, _) = reveal(&script, &pids, "1", &value, zh);
    assert!(text.contains("收养"), "{text}");
    // Naming another process says which one it is.
    let parent = pids
        .iter()
        .find(|(r, _)| script.role_name(*r) == "parent")
        .unwrap()
        .1;
    let v = judge::judge(&parent.to_string(), &value, &script, &pids);
    assert_eq!(
        v.hint,
        Some(judge::Hint::OtherProcess {
            role: "parent".into(),
            pid: Some(parent)
        })
    );
}

#[test]
fn results_say_one_task_no_task_and_forks_in_one_line() {
    let s = user_script("runner fork p\n");
    let live = |lang| Ctx::new(words(lang), &s, false);
    let worked = |done: &[(i64, i64)]| Outcome::Worked {
        done: done.to_vec(),
    };
    let en = words(super::Lang::En);
    let zh = words(super::Lang::Zh);
    let (en_ctx, zh_ctx) = (live(super::Lang::En), live(super::Lang::Zh));
    assert_eq!(
        en.outcome(&worked(&[(3, 9)]), &en_ctx),
        "took 1 task (3 → 9), sent each result, then read() returned 0: end of file"
    );
    assert_eq!(
        en.outcome(&worked(&[(1, 1), (4, 16)]), &en_ctx),
        "took 2 tasks (1 → 1, 4 → 16), sent each result, then read() returned 0: end of file"
    );
    assert_eq!(
        en.outcome(&worked(&[]), &en_ctx),
        "took no task (the other workers took them all), then read() returned 0: end of file"
    );
    assert!(!zh.outcome(&worked(&[]), &zh_ctx).contains("（）"));
    let forked = Outcome::Forked {
        pid: 101,
        in_child: Some(0),
    };
    assert_eq!(
        en.outcome(&forked, &en_ctx),
        "fork() returned 101 to the parent, 0 to the child"
    );
    assert_eq!(
        zh.outcome(&forked, &zh_ctx),
        "fork() 向父进程返回 101，向子进程返回 0"
    );
    // A state in a Chinese sentence: the letter, but no English word for a process gone.
    assert_eq!(zh.value(&Value::State(State::Gone), &zh_ctx), "已消失");
    assert_eq!(zh.value(&Value::State(State::Zombie), &zh_ctx), "Z");
    assert_eq!(en.value(&Value::State(State::Gone), &en_ctx), "gone");
}

#[test]
fn the_pseudo_locale_marks_every_message_and_every_recorded_run_still_fits_80_columns() {
    let xa = words(super::Lang::EnXa);
    // One wrapper over English: the same words, each message bracketed once.
    let s = user_script("runner fork p\np fork c\np waitpid c\nrunner waitpid p\n");
    let mut ctx = Ctx::new(xa, &s, true);
    let mut english = Ctx::new(words(super::Lang::En), &s, true);
    for c in [&mut ctx, &mut english] {
        c.learn(&Event::Spawned {
            role: 1,
            pid: 101,
            ns_pids: Vec::new(),
        });
    }
    let forked = Outcome::Forked {
        pid: 101,
        in_child: Some(0),
    };
    assert_eq!(
        xa.outcome(&forked, &ctx),
        format!("⟦{}⟧", en::En.outcome(&forked, &english))
    );
    assert_eq!(xa.state(State::Zombie), "⟦zombie: exited, not yet reaped⟧");
    assert_eq!(xa.script_text("a say line"), "⟪a say line⟫");
    assert_eq!(xa.script_text(""), "");
    assert_eq!(
        words(super::Lang::En).script_text("a say line"),
        "a say line"
    );
    // Every code `--lang` takes names its language, and the test language is hidden.
    for lang in super::Lang::ALL {
        assert_eq!(super::Lang::of_code(lang.code()), *lang);
    }
    assert!(super::Lang::EnXa.hidden() && !super::Lang::Zh.hidden());
    // The brackets are display columns like any others: layout still fits the width.
    for name in recordings() {
        let (s, origin, events) = recorded(name);
        for stable in [false, true] {
            let style = Style {
                lang: super::Lang::EnXa,
                python: true,
                ..style(stable, 80)
            };
            let out = render(Format::Text, &s, &origin, style, &events);
            assert_fits(&out, 80);
            assert!(out.contains('⟦') && out.contains('⟪'), "{name}: {out}");
        }
    }
}
