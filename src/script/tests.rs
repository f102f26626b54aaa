//! The parser's and checker's unit tests: scripts as literal text, each accepted with the
//! tree it should give or rejected with the problem and line it should report.

use super::*;
use crate::kernel::State;
use crate::script::actions::{Action, WaitTarget};
use std::time::Duration;

fn ok(text: &str) -> Script {
    parse("t.demo", "t", text).unwrap_or_else(|e| panic!("{e}"))
}

fn bad(text: &str) -> ParseError {
    parse("t.demo", "t", text).expect_err("the script should be rejected")
}

#[test]
fn a_zombie_script_parses_into_roles_and_steps() {
    let s = ok(
        "title Z\nrunner fork parent\nparent fork child\nchild exit 7\nawait child Z\nparent waitpid child\nawait child gone within 500ms\nobserve\n",
    );
    assert_eq!(s.roles, ["runner", "parent", "child"]);
    assert_eq!(s.creator, [RUNNER, RUNNER, 1]);
    assert_eq!(s.title.base, "Z");
    assert_eq!(s.steps.len(), 7);
    assert_eq!(s.steps[0].line, 2);
    assert_eq!(
        s.steps[2].kind,
        StepKind::Act {
            role: 2,
            action: Action::Exit(actions::Exit { code: 7 }),
            background: false
        }
    );
    assert_eq!(
        s.steps[5].kind,
        StepKind::Await {
            role: 2,
            cond: Cond::Gone,
            within: Duration::from_millis(500)
        }
    );
    assert_eq!(s.steps[6].kind, StepKind::Observe { roles: vec![] });
}

#[test]
fn a_say_lang_line_is_the_say_before_it_in_that_language_with_the_same_placeholders() {
    let s = ok(
        "title T\ntitle.zh 标题\ntitle.fr Titre\nrunner fork p\nsay p is {p.pid}.\nsay.zh p 是 {p.pid}。\nsay.fr p est {p.pid}.\nsay no value\nask p.pid: Which?\nask.fr Lequel ?\n",
    );
    assert_eq!(s.title.get("zh"), "标题");
    assert_eq!(s.title.get("fr"), "Titre");
    assert_eq!(s.title.get("en"), "T", "no `title.en`: the base");
    assert_eq!(s.steps.len(), 4, "a say.LANG line is not a step");
    let StepKind::Say { pieces } = &s.steps[1].kind else {
        panic!("not a say: {:?}", s.steps[1].kind)
    };
    assert_eq!(
        pieces.get("zh"),
        &vec![
            Piece::Text("p 是 ".into()),
            Piece::Value(1, Field::Pid),
            Piece::Text("。".into())
        ]
    );
    assert_eq!(pieces.get("fr")[0], Piece::Text("p est ".into()));
    assert_eq!(
        pieces.get("de"),
        &pieces.base,
        "an unknown language: the base"
    );
    assert!(matches!(&s.steps[2].kind, StepKind::Say { pieces } if pieces.other.is_empty()));
    let StepKind::Ask { question, .. } = &s.steps[3].kind else {
        panic!("not an ask: {:?}", s.steps[3].kind)
    };
    assert_eq!(
        (question.get("fr").as_str(), question.get("zh").as_str()),
        ("Lequel ?", "Which?")
    );
    let e = |text: &str| parse("x.demo", "x", text).unwrap_err().to_string();
    let differ = e("runner fork p\nsay {p.pid} in {p.state}\nsay.zh {p.pid}\n");
    assert!(
        differ.starts_with("x.demo:3:")
            && differ.contains("the `say` has {p.pid}, {p.state}, the `say.zh` has {p.pid}"),
        "{differ}"
    );
    let fr = e("runner fork p\nsay {p.pid}\nsay.zh {p.pid}\nsay.fr rien\n");
    assert!(
        fr.starts_with("x.demo:4:") && fr.contains("the `say.fr` has none"),
        "{fr}"
    );
    let alone = e("runner fork p\nsay.zh 你好\n");
    assert!(
        alone.starts_with("x.demo:2:") && alone.contains("expected a `say` line"),
        "{alone}"
    );
    let twice = e("runner fork p\nsay hi\nsay.zh 你好\nsay.fr salut\nsay.zh 你好\n");
    assert!(twice.starts_with("x.demo:5:"), "{twice}");
    assert!(e("title.zh a\ntitle.zh b\nrunner fork p\n").contains("second `title.zh`"));
    assert!(e("title.fr a\ntitle.fr b\nrunner fork p\n").contains("second `title.fr`"));
    let ask_alone = e("runner fork p\nsay hi\nask.fr Lequel ?\n");
    assert!(
        ask_alone.starts_with("x.demo:3:") && ask_alone.contains("`ask.fr`"),
        "{ask_alone}"
    );
    for malformed in [
        "say.FR",
        "say.f",
        "say.fran",
        "say.",
        "say.zh-",
        "say.zh_CN",
        "title.zh-Hant-TW",
    ] {
        let m = e(&format!("runner fork p\nsay hi\n{malformed} x\n"));
        assert!(
            m.starts_with("x.demo:3:") && m.contains("language code"),
            "{malformed}: {m}"
        );
    }
    assert!(
        ok("title.zh-Hant 標題\nrunner fork p\nsay hi\nsay.pt-BR oi\n")
            .title
            .has("zh-Hant")
    );
}

#[test]
fn comments_blank_lines_and_narration_placeholders_are_understood() {
    let s = ok("# a comment\n\nrunner fork p\nsay p is {p.pid}, in state {p.state}.\n");
    assert_eq!(
        s.steps[1].kind,
        StepKind::Say {
            pieces: Texts::new(vec![
                Piece::Text("p is ".into()),
                Piece::Value(1, Field::Pid),
                Piece::Text(", in state ".into()),
                Piece::Value(1, Field::State),
                Piece::Text(".".into()),
            ]),
        }
    );
    assert_eq!(s.title.base, "t", "the title defaults to the demo's name");
}

#[test]
fn a_background_action_must_be_awaited_before_the_role_acts_again() {
    ok("runner fork p\np fork c\np waitpid c &\nawait p S\nc exit 1\nawait p done\np exit\n");
    let e = bad("runner fork p\np fork c\np waitpid c &\np exit\n");
    assert_eq!(e.line, 4);
    assert!(e.message().contains("await p done"), "{}", e.message());
    let e = bad("runner fork p\nawait p done\n");
    assert!(e.message().contains("has none running"), "{}", e.message());
}

#[test]
fn a_role_used_before_it_exists_names_file_line_and_the_fix() {
    let e = bad("runner fork parent\nchild exit 1\n");
    assert_eq!(
        e.to_string(),
        "t.demo:2: role `child` does not exist yet: create it first, e.g. `runner fork child` (roles so far: runner, parent)"
    );
}

#[test]
fn a_duplicate_role_is_rejected() {
    let e = bad("runner fork p\np fork p\n");
    assert!(e.message().contains("already exists"), "{}", e.message());
    let e = bad("runner fork runner\n");
    assert!(e.message().contains("runner's own role"), "{}", e.message());
}

#[test]
fn an_ended_process_cannot_act() {
    let e = bad("runner fork p\np exit 0\np fork c\n");
    assert_eq!(e.line, 3);
    assert!(
        e.message().contains("has ended (line 2)"),
        "{}",
        e.message()
    );
    let e = bad("runner fork p\nrunner kill p KILL\np block\n");
    assert!(e.message().contains("has ended"), "{}", e.message());
    ok("runner fork p\nrunner kill p STOP\nrunner kill p CONT\np block\n");
}

#[test]
fn a_mistyped_action_suggests_the_closest_verb() {
    let frok = bad("runner fork p\np frok q\n");
    assert_eq!(frok.line, 2);
    let ParseProblem::UnknownAction { verb, closest, .. } = &frok.problem else {
        panic!("{frok}")
    };
    assert_eq!((verb.as_str(), *closest), ("frok", Some("fork")));
    assert!(
        frok.message()
            .contains("unknown action `frok`: did you mean `fork`?"),
        "{frok}"
    );
    let far = bad("runner fork p\np xyzzyplugh\n");
    assert!(
        matches!(
            far.problem,
            ParseProblem::UnknownAction { closest: None, .. }
        ) && far.message().contains("expected one of fork, "),
        "{far}"
    );
}

#[test]
fn malformed_lines_say_what_was_expected() {
    let cases: &[(&str, &str)] = &[
        ("runner fork p\np exit 300\n", "from 0 to 255"),
        ("runner fork p\np jump\n", "unknown action `jump`"),
        ("runner fork p\np\n", "expected an action after `p`"),
        ("runner fork p\nawait p\n", "expected `await ROLE CONDITION"),
        ("runner fork p\nawait p Q\n", "found `Q`"),
        (
            "runner fork p\nawait p Z within soon\n",
            "expected a duration",
        ),
        ("runner fork p\nawait p Z within 60s\n", "at most 10 s"),
        ("runner fork p\nsay {p.colour}\n", "unknown field `colour`"),
        ("runner fork p\nsay {p.pid\n", "not closed"),
        ("runner fork P\n", "expected a new role name"),
        ("runner block\n", "the runner can only"),
        ("runner fork p\np kill p BOOM\n", "expected a signal name"),
        ("runner fork p\np touch\n", "no region to touch"),
        ("title a\ntitle b\n", "a second `title`"),
        ("# nothing\n", "no steps"),
        (
            "runner fork p\np waitpid\n",
            "expected `p waitpid ROLE|any [nohang [loop]]`",
        ),
    ];
    for (text, want) in cases {
        let e = bad(text);
        assert!(
            e.message().contains(want),
            "{text:?}: got {:?}, wanted {want:?}",
            e.message()
        );
        assert!(e.line >= 1);
    }
}

#[test]
fn the_process_and_step_limits_are_enforced() {
    let mut text = String::from("runner fork p0\n");
    for i in 1..limits::MAX_PROCESSES {
        text.push_str(&format!("p{} fork p{}\n", i - 1, i));
    }
    ok(&text);
    text.push_str(&format!("p{} fork extra\n", limits::MAX_PROCESSES - 1));
    let e = bad(&text);
    assert!(
        e.message().contains("at most 16 processes"),
        "{}",
        e.message()
    );

    let steps = "runner fork p\n".to_string() + &"observe\n".repeat(limits::MAX_STEPS - 1);
    ok(&steps);
    let e = bad(&(steps + "observe\n"));
    assert!(e.message().contains("at most 200"), "{}", e.message());
}

#[test]
fn expect_checks_a_measured_figure_against_a_number_the_region_or_another_role() {
    let s = ok(
        "runner fork p\np alloc 4MiB\np fork c\nmeasure p c\nexpect c shared_dirty = region\nexpect c private_dirty <= 0\nexpect c rss >= p.rss\n",
    );
    assert_eq!(
        s.steps[4].kind,
        StepKind::Expect {
            role: 2,
            field: Field::SharedDirty,
            cmp: Cmp::Eq,
            value: Operand::Region
        }
    );
    assert_eq!(
        s.steps[6].kind,
        StepKind::Expect {
            role: 2,
            field: Field::Rss,
            cmp: Cmp::AtLeast,
            value: Operand::Field(1, Field::Rss)
        }
    );
    let e = bad("runner fork p\nexpect p rss = 1\n");
    assert!(
        e.message().contains("add `measure p` first"),
        "{}",
        e.message()
    );
    let e = bad("runner fork p\nmeasure p\nexpect p pid = 1\n");
    assert!(
        e.message().contains("found the field `pid`"),
        "{}",
        e.message()
    );
    let e = bad("runner fork p\nmeasure p\nexpect p rss => 1\n");
    assert!(e.message().contains("found `=>`"), "{}", e.message());
}

#[test]
fn share_reads_roles_until_one_of_them_has_used_a_cpu_time() {
    let s = ok("runner fork a\nrunner fork b\nshare a b until a 200ms\n");
    assert_eq!(
        s.steps[2].kind,
        StepKind::Share {
            roles: vec![1, 2],
            until: 1,
            cpu: Duration::from_millis(200)
        }
    );
    let msg = |text: &str| bad(text).message();
    assert!(msg("runner fork a\nshare a\n").contains("share ROLE... until ROLE DURATION"));
    assert!(msg("runner fork a\nshare until a 1s\n").contains("until ROLE DURATION"));
    assert!(msg("runner fork a\nshare a until a\n").contains("found `a`"));
    assert!(
        msg("runner fork a\nrunner fork b\nshare a until b 1s\n")
            .contains("`b` must be one of the roles")
    );
    assert!(msg("runner fork a\nshare runner a until a 1s\n").contains("the runner"));
    assert!(msg("runner fork a\nshare a until a 11s\n").contains("11s"));
    assert!(msg("runner fork a\nshare a if permitted\n").contains("share"));
    // `share` is a keyword: no role may take its name.
    assert!(msg("runner fork share\n").contains("share"));
}

#[test]
fn expect_compares_cpu_times_of_a_share_window_with_another_roles_only() {
    let s = ok(
        "runner fork a\nrunner fork b\nshare a b until a 1s\nexpect a cpu > b.cpu\nexpect b cpu < a.cpu\n",
    );
    assert_eq!(
        s.steps[3].kind,
        StepKind::Expect {
            role: 1,
            field: Field::Cpu,
            cmp: Cmp::More,
            value: Operand::Field(2, Field::Cpu)
        }
    );
    let msg = |text: &str| bad(text).message();
    // A number would pretend to know what the scheduler gives.
    assert!(
        msg("runner fork a\nrunner fork b\nshare a b until a 1s\nexpect a cpu > 5\n")
            .contains("found `5`")
    );
    assert!(
        msg("runner fork a\nrunner fork b\nshare a b until a 1s\nexpect a cpu > b.rss\n")
            .contains("found the field `rss`")
    );
    assert!(
        msg("runner fork a\nrunner fork b\nshare a until a 1s\nexpect a cpu > b.cpu\n")
            .contains("a `share` window that read `b`")
    );
}

#[test]
fn a_stopped_process_cannot_act_until_continued_or_untraced() {
    let e = bad("runner fork p\nrunner kill p STOP\np fork c\n");
    assert!(
        e.message().contains("`p` is stopped (line 2)"),
        "{}",
        e.message()
    );
    ok("runner fork p\nrunner kill p STOP\nrunner kill p CONT\np fork c\n");
    let e = bad("runner fork p\np fork c\np trace c\nc exit 0\n");
    assert!(
        e.message().contains("`c` is stopped (line 3)"),
        "{}",
        e.message()
    );
    ok("runner fork p\np fork c\np trace c\np untrace c\nc exit 0\n");
}

#[test]
fn ampersand_is_only_for_actions_that_block() {
    let e = bad("runner fork p\np exit 3 &\n");
    assert!(
        e.message().contains("`&` is for an action that blocks"),
        "{}",
        e.message()
    );
    ok("runner fork p\np fork c\np wait &\nc exit 0\nawait p done\n");
}

#[test]
fn an_ended_process_cannot_be_signalled_or_traced() {
    let e = bad("runner fork p\np fork c\nc exit 0\np waitpid c\np kill c TERM\n");
    assert!(
        e.message().contains("no process left to signal"),
        "{}",
        e.message()
    );
    let e = bad("runner fork p\np fork c\nc exit 0\np trace c\n");
    assert!(
        e.message().contains("no process left to trace"),
        "{}",
        e.message()
    );
}

#[test]
fn vfork_must_run_in_the_background_and_the_runner_cannot_be_awaited() {
    let e = bad("runner fork p\np vfork c\n");
    assert!(
        e.message().contains("end the line with `&`"),
        "{}",
        e.message()
    );
    ok("runner fork p\np vfork c &\nc exit 0\nawait p done\n");
    let e = bad("runner fork p\nawait runner R\n");
    assert!(e.message().contains("cannot be awaited"), "{}", e.message());
}

#[test]
fn a_threaded_role_may_not_fork() {
    let e = bad("runner fork p\np thread\np fork c\n");
    assert!(e.message().contains("second thread"), "{}", e.message());
}

#[test]
fn try_marks_an_action_whose_refusal_is_accepted() {
    let s = ok("runner fork p\np fork c\ntry p nice -5\ntry p trace c\n");
    assert_eq!(s.steps[2].guard, Guard::Try);
    assert_eq!(
        s.steps[2].kind,
        StepKind::Act {
            role: 1,
            action: Action::Nice(actions::Nice { delta: -5 }),
            background: false
        }
    );
    assert_eq!(s.steps[3].guard, Guard::Try);
    assert_eq!(s.steps[0].guard, Guard::None);
    let cases: &[(&str, &str)] = &[
        ("runner fork p\ntry\n", "expected `try ROLE ACTION`"),
        ("runner fork p\ntry runner fork q\n", "never refused"),
        (
            "runner fork p\ntry p fork c\n",
            "not fork, vfork, exit, libc-exit, kill or exec",
        ),
        (
            "runner fork p\ntry p exit 1\n",
            "not fork, vfork, exit, libc-exit, kill or exec",
        ),
        (
            "runner fork p\ntry p wait &\n",
            "cannot run in the background",
        ),
        ("runner fork p\ntry p jump\n", "unknown action `jump`"),
        ("runner fork p\ntry q nice 1\n", "does not exist yet"),
    ];
    for (text, want) in cases {
        let e = bad(text);
        assert!(e.message().contains(want), "{text:?}: {:?}", e.message());
    }
}

#[test]
fn if_permitted_follows_the_latest_try_of_its_role() {
    let s = ok(
        "runner fork p\np fork c\ntry p nice -5\nawait p flag < if permitted\ntry p trace c\nawait c t within 1s if permitted\np untrace c if permitted\n",
    );
    assert_eq!(s.steps[3].guard, Guard::IfPermitted { try_step: 2 });
    assert_eq!(
        s.steps[3].kind,
        StepKind::Await {
            role: 1,
            cond: Cond::Flags("<".into()),
            within: DEFAULT_WITHIN
        }
    );
    // The tracee took part in the trace as its target.
    assert_eq!(s.steps[5].guard, Guard::IfPermitted { try_step: 4 });
    assert_eq!(
        s.steps[5].kind,
        StepKind::Await {
            role: 2,
            cond: Cond::State(State::TracingStop),
            within: Duration::from_secs(1)
        }
    );
    assert_eq!(s.steps[6].guard, Guard::IfPermitted { try_step: 4 });
    let cases: &[(&str, &str)] = &[
        (
            "runner fork p\nawait p S if permitted\n",
            "there is none before this line",
        ),
        (
            "runner fork p\ntry p nice -5\nobserve p if permitted\n",
            "not `observe`",
        ),
        (
            "runner fork p\ntry p nice -5\ntree if permitted\n",
            "not `tree`",
        ),
        (
            "runner fork p\ntry p nice -5\np exit if permitted\n",
            "may not create or end",
        ),
        (
            "runner fork p\ntry p nice -5\np fork c if permitted\n",
            "may not create or end",
        ),
        (
            "runner fork p\ntry p nice -5\np wait & if permitted\n",
            "background",
        ),
        ("runner fork p\np wait &\ntry p nice 1\n", "still busy"),
        (
            "runner fork p\np fork c\ntry p nice -5\np wait &\nawait p done if permitted\n",
            "cannot be `if permitted`",
        ),
    ];
    for (text, want) in cases {
        let e = bad(text);
        assert!(e.message().contains(want), "{text:?}: {:?}", e.message());
    }
    // Narration is never conditional: the words are just text.
    let s = ok("runner fork p\nsay done if permitted\n");
    assert_eq!(s.steps[1].guard, Guard::None);
}

#[test]
fn await_flag_takes_stat_flags_only() {
    let s = ok("runner fork p\np pty\nawait p flag s+\n");
    assert_eq!(
        s.steps[2].kind,
        StepKind::Await {
            role: 1,
            cond: Cond::Flags("s+".into()),
            within: DEFAULT_WITHIN
        }
    );
    let e = bad("runner fork p\nawait p flag S\n");
    assert!(
        e.message().contains("`S` is not a STAT flag"),
        "{}",
        e.message()
    );
    let e = bad("runner fork p\nawait p flag\n");
    assert!(
        e.message().contains("expected the STAT flags"),
        "{}",
        e.message()
    );
    let e = bad("runner fork p\nawait runner flag s\n");
    assert!(e.message().contains("cannot be awaited"), "{}", e.message());
}

#[test]
fn waitpid_nohang_loop_polls_until_a_child_is_reaped() {
    let s = ok(
        "runner fork p\np fork c\np waitpid any nohang loop &\nawait p R\nc exit\nawait p done\n",
    );
    assert_eq!(
        s.steps[2].kind,
        StepKind::Act {
            role: 1,
            action: Action::Waitpid(actions::Waitpid {
                target: WaitTarget::Any,
                nohang: true,
                until_reaped: true
            }),
            background: true
        }
    );
    let e = bad("runner fork p\np waitpid any loop\n");
    assert!(e.message().contains("[nohang [loop]]"), "{}", e.message());
    let e = bad("runner fork p\nrunner waitpid p nohang loop\n");
    assert!(e.message().contains("never busy-waits"), "{}", e.message());
}

#[test]
fn tree_is_an_observe_drawn_as_a_tree() {
    let s = ok("runner fork p\np fork c\ntree\ntree c\nobserve\n");
    assert!(s.steps[2].as_tree && s.steps[3].as_tree && !s.steps[4].as_tree);
    assert_eq!(s.steps[2].kind, StepKind::Observe { roles: vec![] });
    assert_eq!(s.steps[3].kind, StepKind::Observe { roles: vec![2] });
    let e = bad("runner fork p\ntree q\n");
    assert!(
        e.message().contains("does not exist yet"),
        "{}",
        e.message()
    );
    let e = bad("runner fork tree\n");
    assert!(
        e.message().contains("expected a new role name"),
        "{}",
        e.message()
    );
}

#[test]
fn a_process_may_not_signal_or_trace_itself() {
    let e = bad("runner fork p\np kill p STOP\n");
    assert!(
        e.message().contains("cannot signal itself"),
        "{}",
        e.message()
    );
    let e = bad("runner fork p\np trace p\n");
    assert!(
        e.message().contains("not the tracer itself"),
        "{}",
        e.message()
    );
    let e = bad("runner fork p\np trace runner\n");
    assert!(e.message().contains("not the runner"), "{}", e.message());
}

#[test]
fn the_new_narration_fields_are_known() {
    let s = ok(
        "runner fork p\nsay {p.session} {p.pgrp} {p.nice} {p.sigchld} {p.rss} {p.pss} {p.shared_dirty} {p.private_dirty} {p.faults}\n",
    );
    let StepKind::Say { pieces, .. } = &s.steps[1].kind else {
        panic!("not a say")
    };
    let fields: Vec<Field> = pieces
        .base
        .iter()
        .filter_map(|p| match p {
            Piece::Value(1, f) => Some(*f),
            _ => None,
        })
        .collect();
    assert_eq!(
        fields,
        [
            Field::Session,
            Field::Pgrp,
            Field::Nice,
            Field::Sigchld,
            Field::Rss,
            Field::Pss,
            Field::SharedDirty,
            Field::PrivateDirty,
            Field::Faults
        ]
    );
}

#[test]
fn a_forked_child_may_touch_the_region_it_inherited() {
    ok("runner fork p\np alloc 16MiB\np fork c\nc touch\nc fork g\ng touch\n");
    let e = bad("runner fork p\np fork c\np alloc 1MiB\nc touch\n");
    assert_eq!(
        e.line, 4,
        "a region mapped after the fork is not the child's"
    );
    assert!(
        e.message().contains("no region to touch"),
        "{}",
        e.message()
    );
}

#[test]
fn a_role_maps_one_region_so_nothing_is_left_mapped_and_unmeasured() {
    let e = bad("runner fork p\np alloc 100MiB\np alloc 100MiB\n");
    assert_eq!(e.line, 3);
    assert!(
        e.message().contains("`p` already has a region"),
        "{}",
        e.message()
    );
    let e = bad("runner fork p\np alloc 1MiB\np fork c\nc alloc 1MiB\n");
    assert!(
        e.message().contains("`c` already has a region"),
        "{}",
        e.message()
    );
    ok("runner fork p\np fork c\np alloc 1MiB\nc alloc 1MiB\n");
}

#[test]
fn a_script_may_write_at_most_the_memory_limit_alloc_and_touch_counted() {
    let e = bad("runner fork a\na alloc 1024MiB\na fork b\nb touch\nrunner fork c\nc alloc 1MiB\n");
    assert_eq!(e.line, 6, "{}", e.message());
    assert!(e.message().contains("2049 MiB"), "{}", e.message());
    let mut s =
        ok("runner fork a\na alloc 16MiB\na fork b\nb touch\nrunner fork c\nc alloc 16MiB\n");
    assert_eq!(s.writes_too_much(), None);
    s.override_alloc_size(1024);
    assert_eq!(
        s.writes_too_much().map(|(line, _)| line),
        Some(6),
        "--size counts too"
    );
}

#[test]
fn ask_takes_a_role_field_and_a_question() {
    let s = ok("runner fork p\np exit 3\nask p.state: What state will p be in?\nawait p Z\n");
    assert_eq!(
        s.steps[2].kind,
        StepKind::Ask {
            role: 1,
            field: Field::State,
            question: Texts::new("What state will p be in?".into()),
        }
    );
    assert!(
        bad("runner fork p\nask p.state\n")
            .message()
            .contains("expected `ask ROLE.FIELD: QUESTION`")
    );
    assert!(
        bad("runner fork p\nask p.colour: Which?\n")
            .message()
            .contains("unknown field `colour`")
    );
    assert!(
        bad("runner fork p\nask q.state: Which?\n")
            .message()
            .contains("role `q` does not exist yet")
    );
    assert!(
        bad("runner fork p\nask p.state:\n")
            .message()
            .contains("the question is missing")
    );
}

/// The roles the step on the script's last line ends, by name.
fn ended_by_last(text: &str) -> Vec<String> {
    let s = ok(text);
    let last = s.steps.last().expect("a step");
    last.ends.iter().map(|r| s.roles[*r].clone()).collect()
}

#[test]
fn a_signal_ends_its_target_only_with_its_default_action_and_not_while_blocked() {
    let base = "runner fork p\np fork c\n";
    assert_eq!(ended_by_last(&format!("{base}p kill c TERM\n")), ["c"]);
    // Ignored, or caught: the target goes on and may still act.
    for how in ["ignore", "catch"] {
        ok(&format!(
            "{base}c signal TERM {how}\np kill c TERM\nc block\n"
        ));
    }
    assert!(ended_by_last(&format!("{base}c signal TERM catch\np kill c TERM\n")).is_empty());
    // Set back to the default: it ends again. A child inherits the disposition.
    assert_eq!(
        ended_by_last(&format!(
            "{base}c signal TERM ignore\nc signal TERM default\np kill c TERM\n"
        )),
        ["c"]
    );
    ok("runner fork p\np signal TERM ignore\np fork c\np kill c TERM\nc block\n");
    // Blocked: pending until unblocked, and then the process ends.
    let blocked = format!("{base}c sigmask block TERM\np kill c TERM\nc block\n");
    ok(&blocked);
    assert_eq!(
        ended_by_last(&format!("{blocked}c sigmask unblock TERM\n")),
        ["c"]
    );
    assert!(
        bad(&format!("{blocked}c sigmask unblock TERM\nc block\n"))
            .message()
            .contains("has ended")
    );
}

#[test]
fn exec_of_a_program_ends_the_commands_and_exec_self_the_memory() {
    let base = "runner fork p\np fork c\n";
    let e = bad(&format!("{base}c exec sleep 1\nc block\n"));
    assert!(
        e.message()
            .contains("runs another program since its exec at line 3"),
        "{e}"
    );
    // Still a process: it can be observed, signalled and waited for.
    ok(&format!(
        "{base}c exec sleep 1\ninspect c\np kill c TERM\nawait c Z\np waitpid c\n"
    ));
    // exec self: the same role goes on, without the region it had, one thread again.
    ok(&format!("{base}c thread\nc exec self\nc fork d\n"));
    assert!(
        bad(&format!("{base}c alloc 1MiB\nc exec self\nc touch\n"))
            .message()
            .contains("region")
    );
    // A caught signal is reset by exec, an ignored one is not.
    assert_eq!(
        ended_by_last(&format!(
            "{base}c signal TERM catch\nc exec self\np kill c TERM\n"
        )),
        ["c"]
    );
    assert!(
        ended_by_last(&format!(
            "{base}c signal TERM ignore\nc exec self\np kill c TERM\n"
        ))
        .is_empty()
    );
    assert!(
        bad("runner fork sleep\nsleep exec /bin/sleep 1\n")
            .message()
            .contains("already has that name")
    );
    assert!(
        bad(&format!("{base}try c exec self\n"))
            .message()
            .contains("exec")
    );
}

const NAMESPACE: &str = "runner fork outer\ntry outer unshare pid\nend unless outer permitted\n\
                         outer fork init\ninit fork kid\n";

#[test]
fn an_unshare_under_try_must_be_confirmed_before_the_role_forks() {
    let e = bad("runner fork outer\ntry outer unshare pid\nouter fork init\n");
    assert!(
        e.message().contains("add `end unless outer permitted`"),
        "{e}"
    );
    assert!(
        bad("runner fork p\nend unless p permitted\n")
            .message()
            .contains("no `try` step `p` took part in")
    );
    assert!(
        bad("runner fork p\ntry p nice 1\nend p\n")
            .message()
            .contains("end unless ROLE permitted")
    );
    let s = ok(NAMESPACE);
    assert!(matches!(
        s.steps[2].kind,
        StepKind::EndUnless {
            role: 1,
            try_step: 1
        }
    ));
}

#[test]
fn a_namespace_init_ignores_signals_without_a_handler_and_takes_its_namespace_down() {
    // From inside, even SIGKILL does nothing to PID 1; from outside, SIGKILL ends it.
    assert!(ended_by_last(&format!("{NAMESPACE}kid kill init TERM\n")).is_empty());
    assert!(ended_by_last(&format!("{NAMESPACE}kid kill init KILL\n")).is_empty());
    assert!(ended_by_last(&format!("{NAMESPACE}outer kill init TERM\n")).is_empty());
    ok(&format!(
        "{NAMESPACE}kid kill init TERM\nouter kill init TERM\ninit block\n"
    ));
    let mut ended = ended_by_last(&format!("{NAMESPACE}outer kill init KILL\n"));
    ended.sort();
    assert_eq!(ended, ["init", "kid"]);
    // Its exit ends every process in its namespace, and no fork can enter it afterwards.
    let mut ended = ended_by_last(&format!("{NAMESPACE}init exit 0\n"));
    ended.sort();
    assert_eq!(ended, ["init", "kid"]);
    assert!(
        bad(&format!("{NAMESPACE}init exit 0\nkid block\n"))
            .message()
            .contains("has ended")
    );
    assert!(
        bad(&format!("{NAMESPACE}init exit 0\nouter fork late\n"))
            .message()
            .contains("PID 1, `init`, has ended")
    );
    // A caught SIGTERM runs the handler in PID 1 too: it goes on.
    ok(&format!(
        "{NAMESPACE}init signal TERM catch\nkid kill init TERM\ninit block\n"
    ));
}

#[test]
fn a_process_in_a_namespace_cannot_name_one_outside_it() {
    let e = bad(&format!("{NAMESPACE}kid kill outer TERM\n"));
    assert!(e.message().contains("`kid` cannot name `outer`"), "{e}");
    // From outside, the processes inside can be named.
    ok(&format!(
        "{NAMESPACE}outer kill kid TERM\nouter waitpid init &\n"
    ));
}

#[test]
fn inspect_names_its_roles_and_output_may_name_none() {
    assert!(
        bad("runner fork p\ninspect\n")
            .message()
            .contains("inspect ROLE")
    );
    let s = ok("runner fork p\ninspect p\noutput\noutput p\n");
    assert_eq!(s.steps[1].kind, StepKind::Inspect { roles: vec![1] });
    assert_eq!(s.steps[2].kind, StepKind::Output { roles: vec![] });
    assert!(
        bad("runner fork p\ninspect p if permitted\n")
            .message()
            .contains("inspect")
    );
    assert!(bad("runner fork output\n").message().contains("output"));
}

#[test]
fn pipe_ends_are_inherited_closed_and_a_write_no_one_can_read_gets_sigpipe() {
    let base = "runner fork p\np pipe q\np fork c\n";
    // The child inherited both ends; the parent closing its read end leaves the child's.
    assert!(ended_by_last(&format!("{base}p close q read\np write q hi")).is_empty());
    // Every read end closed: SIGPIPE's default action ends the writer, which needs `&`.
    let none_left = format!("{base}p close q read\nc close q read\n");
    assert!(
        bad(&format!("{none_left}p write q hi"))
            .message()
            .contains("SIGPIPE")
    );
    assert_eq!(ended_by_last(&format!("{none_left}p write q hi &")), ["p"]);
    assert!(
        bad(&format!("{none_left}p write q hi &\np show"))
            .message()
            .contains("p")
    );
    // A reader that ended (here, exited) holds nothing any more.
    let exited = format!("{base}p close q read\nc exit\n");
    assert_eq!(ended_by_last(&format!("{exited}p fill q &")), ["p"]);
    // Ignored or caught: the write fails with EPIPE and the writer goes on.
    for how in ["ignore", "catch"] {
        let ok = ok(&format!(
            "{none_left}p signal PIPE {how}\np write q hi\np show"
        ));
        assert!(ok.steps.iter().all(|s| s.ends.is_empty()));
    }
    // An exec closes them (close-on-exec), and a child forked before the pipe has none.
    let m = bad(&format!("{base}c exec self\nc read q")).message();
    assert!(m.contains("does not hold the read end"), "{m}");
    let m = bad("runner fork p\np fork c\np pipe q\nc read q").message();
    assert!(m.contains("does not hold"), "{m}");
    assert!(
        bad("runner fork p\np read q")
            .message()
            .contains("no pipe named `q`")
    );
    assert!(
        bad(&format!("{base}p pipe q"))
            .message()
            .contains("made before")
    );
}

#[test]
fn parsing_and_checking_are_two_passes_and_a_checked_rule_reports_its_own_line() {
    // Sound syntax, a broken rule: the parser takes it, the checker rejects line 3.
    let text = "runner fork p\np exit 1\np exit 2\nobserve\n";
    let (parsed, syntax) = super::parse::parse("t.demo", "t", text);
    assert!(syntax.is_none(), "{syntax:?}");
    assert_eq!(parsed.steps.len(), 4);
    let e = super::check::check("t.demo", "t", parsed).expect_err("p has ended");
    assert_eq!(e.line, 3);
    assert_eq!(
        e.problem,
        ParseProblem::Ended {
            role: "p".into(),
            line: 2
        }
    );
    assert_eq!(bad(text), e, "parse() is the two passes");
    // The first problem is reported, whichever pass finds it: a rule broken on line 3
    // before the syntax error on line 4...
    let earlier = bad("runner fork p\np exit 1\np exit 2\np frobnicate\n");
    assert!(
        earlier.line == 3 && matches!(earlier.problem, ParseProblem::Ended { .. }),
        "{earlier:?}"
    );
    // ...and on one line, what the line could not do before its syntax went wrong: the
    // actor has ended, a role it names is not there yet.
    let same_line = bad("runner fork p\np exit 1\np exit 2 3 4\n");
    assert!(
        same_line.line == 3 && matches!(same_line.problem, ParseProblem::Ended { .. }),
        "{same_line:?}"
    );
    let syntax_first = bad("runner fork p\np frobnicate\np exit 1\np exit 2\n");
    assert!(
        syntax_first.line == 2
            && matches!(syntax_first.problem, ParseProblem::UnknownAction { .. }),
        "{syntax_first:?}"
    );
}

#[test]
fn the_checker_fills_in_what_the_parser_cannot_know() {
    // `if permitted`'s guard and `end unless`'s `try` are the latest `try` of the role; the
    // roles a step ends are the checker's.
    let s = ok(
        "runner fork p\ntry p nice -5\nend unless p permitted\np nice -1 if permitted\np exit 0\n",
    );
    assert_eq!(s.steps[1].guard, Guard::Try);
    assert_eq!(
        s.steps[2].kind,
        StepKind::EndUnless {
            role: 1,
            try_step: 1
        }
    );
    assert_eq!(s.steps[3].guard, Guard::IfPermitted { try_step: 1 });
    assert_eq!(s.steps[4].ends, [1]);
    let (parsed, _) = super::parse::parse("t.demo", "t", "runner fork p\np exit 0\n");
    assert!(
        parsed.steps.iter().all(|p| p.step.ends.is_empty()),
        "the parser leaves `ends` to the checker"
    );
}
