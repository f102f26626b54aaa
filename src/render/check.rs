//! `procdemo check` and `procdemo exercises` in words: a task's verdicts (✓, or ✗ with what
//! was seen and a hint), the list of tasks, one task in full, and why a task file was
//! rejected. The presenter's half: it chooses each message ([`Msg`]); the languages' tables
//! say them. The JSON document of a check is `json::CheckDocument`.

use super::i18n::present::{Msg, script_duration, stuck};
use super::wrap::{hang, wrap};
use super::{Lang, Style, Words, words};
use crate::engine::model::Reaper;
use crate::script::task::{CountCmp, Counted, Property, Reaping, Task, TaskProblem};
use crate::watch::check::{Seen, Verdict};

fn sign(cmp: CountCmp) -> &'static str {
    match cmp {
        CountCmp::Eq => "=",
        CountCmp::AtLeast => "≥",
        CountCmp::AtMost => "≤",
    }
}

fn at_least(ms: u64) -> String {
    script_duration(std::time::Duration::from_millis(ms))
}

/// What a property asks, in a phrase.
pub fn property(w: &dyn Words, p: &Property) -> String {
    w.say(&match p {
        Property::Count { counted, cmp, want } => {
            let (cmp, want) = (sign(*cmp), *want);
            match counted {
                Counted::Forks => Msg::PropForks { cmp, want },
                Counted::Zombies => Msg::PropZombies { cmp, want },
                Counted::ZombiesLeft => Msg::PropZombiesLeft { cmp, want },
                Counted::Orphans => Msg::PropOrphans { cmp, want },
                Counted::AliveAtExit => Msg::PropAliveAtExit { cmp, want },
                Counted::BlockingReaps => Msg::PropBlockingReaps { cmp, want },
            }
        }
        Property::LongestZombie { at_least_ms } => Msg::PropLongestZombie {
            at_least: at_least(*at_least_ms),
        },
        Property::ReapedBy { reaper } => match reaper {
            Reaping::Parent => Msg::PropReapedByParent,
            Reaping::Kernel => Msg::PropReapedByKernel,
            Reaping::Subreaper => Msg::PropReapedBySubreaper,
        },
        Property::AdoptedBySubreaper => Msg::PropAdoptedBySubreaper,
        Property::ExitCodes { codes } => Msg::PropExitCodes {
            codes: codes
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        },
        Property::MainExit { code } => Msg::PropMainExit { code: *code },
        Property::EndsByItself => Msg::PropEndsByItself,
        Property::NewSession => Msg::PropNewSession,
        Property::DaemonNotLeader => Msg::PropDaemonNotLeader,
        Property::SigchldCoalesced => Msg::PropSigchldCoalesced,
    })
}

fn pids(pids: &[i32]) -> String {
    pids.iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// What was seen, in a phrase.
fn seen(w: &dyn Words, seen: &Seen) -> String {
    let list = |each: Vec<String>| w.say(&Msg::SeenList { each });
    // A SIGCHLD handler ran in the parent of what was counted: said after it.
    let handled = |text: String, by: &[i32]| match by {
        [] => text,
        by => list(vec![
            text,
            w.say(&Msg::SeenSigchldHandledBy {
                parents: pids(by),
                count: by.len(),
            }),
        ]),
    };
    match seen {
        Seen::Count {
            count,
            pids: p,
            sigchld_handled_by,
        } if p.is_empty() => handled(w.say(&Msg::SeenCount { count: *count }), sigchld_handled_by),
        Seen::Count {
            count,
            pids: p,
            sigchld_handled_by,
        } => handled(
            w.say(&Msg::SeenCountOf {
                count: *count,
                pids: pids(p),
            }),
            sigchld_handled_by,
        ),
        Seen::Longest { pid, us } => w.say(&Msg::SeenLongest {
            pid: *pid,
            duration: super::watch::duration(*us),
        }),
        Seen::NoZombie => w.say(&Msg::SeenNoZombie),
        Seen::Reapers { wrong, .. } if wrong.is_empty() => w.say(&Msg::SeenNoChild),
        Seen::Reapers {
            wrong,
            sigchld_handled_by,
        } => handled(
            list(
                wrong
                    .iter()
                    .map(|&(pid, by)| {
                        w.say(&match by {
                            Some(Reaper::Parent { pid: parent }) => {
                                Msg::SeenReapedByParent { pid, parent }
                            }
                            Some(Reaper::Kernel) => Msg::SeenReapedByKernel { pid },
                            Some(Reaper::Subreaper | Reaper::Watcher) => {
                                Msg::SeenReapedBySubreaper { pid }
                            }
                            None => Msg::SeenNotReaped { pid },
                        })
                    })
                    .collect(),
            ),
            sigchld_handled_by,
        ),
        Seen::Adopters { wrong } => list(
            wrong
                .iter()
                .map(|&(pid, to)| w.say(&Msg::SeenAdoptedBy { pid, to }))
                .collect(),
        ),
        Seen::Statuses { statuses } if statuses.is_empty() => w.say(&Msg::SeenNoChild),
        Seen::Statuses { statuses } => list(
            statuses
                .iter()
                .map(|&(pid, status)| match status {
                    Some(s) => w.say(&Msg::SeenStatus {
                        pid,
                        status: w.exit_status(s),
                    }),
                    None => w.say(&Msg::SeenNoStatus { pid }),
                })
                .collect(),
        ),
        Seen::MainStatus { status } => match status {
            Some(s) => w.say(&Msg::SeenMainStatus {
                status: w.exit_status(*s),
            }),
            None => w.say(&Msg::SeenMainUnknown),
        },
        Seen::Ended => w.say(&Msg::SeenEnded),
        Seen::Deadline { after_ms, stuck: s } if s.is_empty() => w.say(&Msg::SeenDeadlineOnly {
            after: at_least(*after_ms),
        }),
        Seen::Deadline { after_ms, stuck: s } => w.say(&Msg::SeenDeadline {
            after: at_least(*after_ms),
            each: s.iter().map(|s| stuck(w, s)).collect(),
        }),
        Seen::AtLimit { limit } => w.say(&Msg::SeenAtLimit { limit: *limit }),
        Seen::Sessions { sessions } if sessions.is_empty() => w.say(&Msg::SeenNoSurvivor),
        Seen::Sessions { sessions } => list(
            sessions
                .iter()
                .map(|&(pid, sid)| {
                    w.say(&if pid == sid {
                        Msg::SessionLeader { pid }
                    } else {
                        Msg::SessionOf { pid, sid }
                    })
                })
                .collect(),
        ),
        Seen::Sigchld { parent: None, .. } => w.say(&Msg::SeenNoChildExited),
        Seen::Sigchld {
            parent: Some(parent),
            exited,
            delivered,
            handled,
        } => w.say(&Msg::SeenSigchld {
            parent: *parent,
            exited: *exited,
            delivered: *delivered,
            handled: *handled,
        }),
    }
}

/// The hint of `ends-by-itself` not holding: the pipe whose write end is still held, if a
/// process was asleep reading one (its own copy first: the classic mistake).
fn hint_stuck(seen: &Seen) -> Msg {
    let stuck = match seen {
        Seen::AtLimit { .. } => return Msg::HintAtLimit,
        Seen::Deadline { stuck, .. } => stuck,
        _ => return Msg::HintEndsByItself,
    };
    let reading = stuck
        .iter()
        .filter_map(|s| s.pipe.as_ref().map(|p| (s.pid, p)));
    for (pid, pipe) in reading.clone() {
        if pipe.writers.iter().any(|e| e.pid == pid) {
            return Msg::HintPipeOwnWriteEnd { pid };
        }
    }
    if let Some((_, pipe)) = reading.clone().find(|(_, p)| !p.writers.is_empty()) {
        let mut pids: Vec<i32> = pipe.writers.iter().map(|e| e.pid).collect();
        pids.dedup();
        return Msg::HintPipeWriteEnd { pids };
    }
    Msg::HintEndsByItself
}

/// Whether procdemo killed the program (its `ends-by-itself` does not hold): then the other
/// properties were not judged on a finished program.
fn was_stopped(verdicts: &[Verdict]) -> bool {
    verdicts
        .iter()
        .any(|v| v.property == Property::EndsByItself && !v.holds)
}

/// The hint of a property that does not hold. `stopped`: procdemo killed the program (at the
/// deadline or the limit), so every other property was judged on a program cut short.
fn hint(w: &dyn Words, v: &Verdict, stopped: bool) -> String {
    if stopped && v.property != Property::EndsByItself {
        return w.say(&Msg::HintAfterDeadline);
    }
    let seen_count = match &v.seen {
        Seen::Count { count, .. } => *count,
        _ => 0,
    };
    // A parent that handled SIGCHLD and still left children: one SIGCHLD stood for several.
    let handler_reaps_one = match &v.seen {
        Seen::Count {
            sigchld_handled_by, ..
        }
        | Seen::Reapers {
            sigchld_handled_by, ..
        } => !sigchld_handled_by.is_empty(),
        _ => false,
    };
    if handler_reaps_one {
        return w.say(&Msg::HintSigchldLoop);
    }
    w.say(&match &v.property {
        Property::Count { counted, want, .. } => {
            let few = seen_count < *want;
            match (counted, few) {
                (Counted::Forks, true) => Msg::HintForksFew { want: *want },
                (Counted::Forks, false) => Msg::HintForksMany { want: *want },
                (Counted::Zombies, true) => Msg::HintZombiesFew,
                (Counted::Zombies, false) => Msg::HintZombiesMany,
                (Counted::ZombiesLeft, _) => Msg::HintZombiesLeft,
                (Counted::Orphans, true) => Msg::HintOrphansFew,
                (Counted::Orphans, false) => Msg::HintOrphansMany,
                (Counted::AliveAtExit, true) => Msg::HintAliveFew,
                (Counted::AliveAtExit, false) => Msg::HintAliveMany,
                (Counted::BlockingReaps, true) => Msg::HintBlockingFew,
                (Counted::BlockingReaps, false) => Msg::HintBlockingMany,
            }
        }
        Property::LongestZombie { at_least_ms } => match v.seen {
            Seen::NoZombie => Msg::HintZombiesFew,
            _ => Msg::HintLongestZombie {
                at_least: at_least(*at_least_ms),
            },
        },
        Property::ReapedBy { reaper } => match reaper {
            Reaping::Parent => Msg::HintReapParent,
            Reaping::Kernel => Msg::HintReapKernel,
            Reaping::Subreaper => Msg::HintReapSubreaper,
        },
        Property::AdoptedBySubreaper => Msg::HintAdopted,
        Property::ExitCodes { .. } => Msg::HintExitCodes,
        Property::MainExit { code } => Msg::HintMainExit { code: *code },
        Property::EndsByItself => hint_stuck(&v.seen),
        Property::NewSession => Msg::HintNewSession,
        Property::DaemonNotLeader => match &v.seen {
            Seen::Sessions { sessions } if sessions.is_empty() => Msg::HintAliveFew,
            _ => Msg::HintDaemonLeader,
        },
        Property::SigchldCoalesced => match v.seen {
            Seen::Sigchld { parent: None, .. } => Msg::HintForksFew { want: 2 },
            Seen::Sigchld {
                delivered, handled, ..
            } if handled < delivered || delivered == 0 => Msg::HintSigchldHandler,
            _ => Msg::HintSigchldBlock,
        },
    })
}

/// Lines of `text` after `prefix`, continuation lines under the text's start.
fn lines(prefix: &str, text: &str, width: usize, out: &mut String) {
    for l in hang(prefix, super::wrap::width(prefix), text, width, 4) {
        out.push_str(&l);
        out.push('\n');
    }
}

/// The text report of a check: the task's heading, a verdict per property, the outcome.
pub fn verdicts_text(task: &Task, verdicts: &[Verdict], style: &Style) -> String {
    let w = words(style.lang);
    let width = style.width;
    let mut out = String::new();
    let title = w.script_text(task.title.get(style.lang.code()));
    lines(
        "",
        &w.say(&Msg::CheckHeading {
            task: super::sanitize::escape(&task.name).into_owned(),
            title: super::sanitize::escape(&title).into_owned(),
        }),
        width,
        &mut out,
    );
    let stopped = was_stopped(verdicts);
    for v in verdicts {
        let what = property(w, &v.property);
        if v.holds {
            lines("  ", &w.say(&Msg::CheckHolds { what }), width, &mut out);
        } else {
            lines("  ", &w.say(&Msg::CheckFails { what }), width, &mut out);
            let seen = seen(w, &v.seen);
            lines("      ", &w.say(&Msg::CheckSeen { seen }), width, &mut out);
            let hint = hint(w, v, stopped);
            lines("      ", &w.say(&Msg::CheckHint { hint }), width, &mut out);
        }
    }
    let failed = verdicts.iter().filter(|v| !v.holds).count();
    let total = verdicts.len();
    let end = if failed == 0 {
        Msg::CheckPassed { total }
    } else {
        Msg::CheckFailed { failed, total }
    };
    lines("", &w.say(&end), width, &mut out);
    out
}

/// `procdemo check --html FILE`: one self-contained page: the task, a verdict per property
/// (✓, or ✗ with what was seen and the hint), the outcome, then what `watch --html` shows of
/// the same run from the same events (the family drawn on a time axis, the summary, the tree,
/// each event).
pub fn verdicts_page(
    task: &Task,
    verdicts: &[Verdict],
    events: &[crate::engine::model::WatchEvent],
    style: &Style,
) -> String {
    use super::html::esc;
    use std::fmt::Write as _;
    let w = words(style.lang);
    let mut watch = super::watch::Watch::new(super::watch::Form::Text, *style);
    let mut sink = std::io::sink();
    for event in events {
        let _ = watch.event(event, &mut sink);
    }
    let _ = watch.finish(None, &mut sink);
    let title = w.script_text(task.title.get(style.lang.code()));
    let mut html = String::from("<section class=\"demo\">\n");
    let _ = writeln!(
        html,
        "<h1><span class=\"prog\">procdemo</span> <span class=\"name\">check {}</span></h1>\n<h2>{}</h2>\n<ul class=\"verdicts\">",
        esc(&task.name),
        esc(&title)
    );
    let stopped = was_stopped(verdicts);
    for v in verdicts {
        let what = property(w, &v.property);
        if v.holds {
            let _ = writeln!(
                html,
                "<li class=\"holds\"><span class=\"v-ok\">✓</span> {}</li>",
                esc(&what)
            );
        } else {
            let _ = writeln!(
                html,
                "<li class=\"fails\"><span class=\"v-failed\">✗</span> {}\n<p class=\"seen\">{}</p>\n<p class=\"hint\">{}</p></li>",
                esc(&what),
                esc(&w.say(&Msg::CheckSeen {
                    seen: seen(w, &v.seen)
                })),
                esc(&w.say(&Msg::CheckHint {
                    hint: hint(w, v, stopped)
                }))
            );
        }
    }
    html.push_str("</ul>\n");
    let failed = verdicts.iter().filter(|v| !v.holds).count();
    let total = verdicts.len();
    let (class, end) = if failed == 0 {
        ("ok", Msg::CheckPassed { total })
    } else {
        ("failed", Msg::CheckFailed { failed, total })
    };
    let _ = writeln!(
        html,
        "<p class=\"verdict {class}\"><b>{}</b></p>",
        esc(&w.say(&end))
    );
    html.push_str(&watch.page_body());
    html.push_str("</section>\n");
    let section = super::html::Section {
        name: task.name.clone(),
        title: format!("procdemo check {}: {}", task.name, title),
        ok: failed == 0,
        html,
    };
    super::html::document(w, &[section])
}

/// `procdemo check --json`: the document, on one line.
pub fn verdicts_json(
    task: &Task,
    file: &str,
    command: &[String],
    verdicts: &[Verdict],
    program_exit_code: Option<i32>,
) -> String {
    let doc = super::json::CheckDocument::new(task, file, command, verdicts, program_exit_code);
    serde_json::to_string(&doc).unwrap_or_default() + "\n"
}

/// `procdemo exercises`: each task's name and title.
pub fn exercises_list(tasks: &[Task], lang: Lang, width: usize) -> String {
    let w = words(lang);
    let name_width = tasks.iter().map(|t| t.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for t in tasks {
        let prefix = format!("{:<name_width$}  ", t.name);
        let title = w.script_text(t.title.get(lang.code()));
        lines(&prefix, &title, width, &mut out);
    }
    out.push('\n');
    lines("", &w.say(&Msg::ExercisesNext), width, &mut out);
    out
}

/// `procdemo exercises TASK`: the task in full, what is checked, hints, how to check.
pub fn exercise(task: &Task, lang: Lang, width: usize) -> String {
    let w = words(lang);
    let code = lang.code();
    let mut out = String::new();
    lines(
        "",
        &w.say(&Msg::ExerciseHeading {
            task: super::sanitize::escape(&task.name).into_owned(),
            title: w.script_text(task.title.get(code)),
        }),
        width,
        &mut out,
    );
    out.push('\n');
    let text = join_lines(task.text.get(code));
    for l in wrap(&w.script_text(&text), width) {
        out.push_str(&l);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&w.say(&Msg::ExerciseChecked));
    out.push('\n');
    for c in &task.checks {
        lines("  - ", &property(w, &c.property), width, &mut out);
    }
    let hints = task.hints.get(code);
    if !hints.is_empty() {
        out.push('\n');
        out.push_str(&w.say(&Msg::ExerciseHints));
        out.push('\n');
        for h in hints {
            lines("  - ", &w.script_text(h), width, &mut out);
        }
    }
    out.push('\n');
    lines(
        "",
        &w.say(&Msg::ExerciseRun {
            task: task.name.clone(),
        }),
        width,
        &mut out,
    );
    out
}

/// A task's `text` lines as one paragraph: a space between two lines, but none where either
/// side is a wide character (Chinese runs on without spaces).
fn join_lines(lines: &[String]) -> String {
    let wide =
        |c: Option<char>| c.is_some_and(|c| super::wrap::width(c.encode_utf8(&mut [0; 4])) == 2);
    let mut out = String::new();
    for l in lines {
        if !out.is_empty() && !wide(out.chars().last()) && !wide(l.chars().next()) {
            out.push(' ');
        }
        out.push_str(l);
    }
    out
}

/// Why a task file was rejected (the text after `FILE:LINE: `).
pub fn task_problem<W: Words + ?Sized>(w: &W, p: &TaskProblem) -> String {
    let did_you_mean = |c: &Option<&'static str>| {
        c.map_or_else(String::new, |word| w.say(&Msg::DidYouMeanWord { word }))
    };
    w.say(&match p {
        TaskProblem::UnknownKey { key, closest } => Msg::TaskUnknownKey {
            key: key.clone(),
            closest: did_you_mean(closest),
        },
        TaskProblem::UnknownProperty { name, closest } => Msg::TaskUnknownProperty {
            name: name.clone(),
            closest: did_you_mean(closest),
            properties: crate::script::task::PROPERTIES.to_vec(),
        },
        TaskProblem::BadLang { key } => Msg::TaskBadLang { key: key.clone() },
        TaskProblem::Empty { key } => Msg::TaskEmpty { key: key.clone() },
        TaskProblem::TwoTitles => Msg::TaskTwoTitles,
        TaskProblem::BadCheck { property, form } => Msg::TaskBadCheck { property, form },
        TaskProblem::UpperBound { property } => Msg::TaskUpperBound { property },
        TaskProblem::NoTitle => Msg::TaskNoTitle,
        TaskProblem::NoCheck => Msg::TaskNoCheck,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::ExitStatus;

    fn task() -> Task {
        crate::script::task::find("zombie").unwrap().task()
    }

    fn verdicts() -> Vec<Verdict> {
        let t = task();
        vec![
            Verdict {
                line: t.checks[0].line,
                property: t.checks[0].property.clone(),
                holds: true,
                seen: Seen::Count {
                    count: 1,
                    pids: vec![102],
                    sigchld_handled_by: vec![],
                },
            },
            Verdict {
                line: t.checks[1].line,
                property: t.checks[1].property.clone(),
                holds: false,
                seen: Seen::Longest { pid: 102, us: 40 },
            },
            Verdict {
                line: t.checks[2].line,
                property: t.checks[2].property.clone(),
                holds: false,
                seen: Seen::Reapers {
                    wrong: vec![(102, Some(Reaper::Subreaper))],
                    sigchld_handled_by: vec![],
                },
            },
        ]
    }

    fn style(lang: Lang, width: usize) -> Style {
        Style {
            explain: false,
            stable: false,
            width,
            answers: false,
            lang,
            lang_asked: false,
            python: false,
            timeline: false,
            tree: false,
            html: None,
            trees_only: false,
        }
    }

    #[test]
    fn a_verdict_says_what_was_seen_and_a_hint_in_each_language_within_the_width() {
        let en = verdicts_text(&task(), &verdicts(), &style(Lang::En, 80));
        assert!(en.contains("✓ processes the program forks: ≥ 1"), "{en}");
        assert!(
            en.contains("✗ a child stays a zombie for at least 200 ms"),
            "{en}"
        );
        assert!(
            en.contains("the longest zombie was 102, for 0.040 ms"),
            "{en}"
        );
        assert!(en.contains("os.waitpid(pid, 0)"), "{en}");
        assert!(en.contains("Not passed: 2 of 3"), "{en}");
        let zh = verdicts_text(&task(), &verdicts(), &style(Lang::Zh, 80));
        assert!(zh.contains("最长的僵尸是 102"), "{zh}");
        assert!(zh.contains("一个至少存在 200 毫秒的僵尸进程"), "{zh}");
        for text in [&en, &zh] {
            for l in text.lines() {
                assert!(super::super::wrap::width(l) <= 80, "{l}");
            }
        }
        let all = vec![Verdict {
            holds: true,
            ..verdicts().remove(0)
        }];
        let passed = verdicts_text(&task(), &all, &style(Lang::En, 80));
        assert!(
            passed.ends_with("Passed: 1 of 1 properties hold.\n"),
            "{passed}"
        );
    }

    #[test]
    fn chinese_lines_join_without_a_space_and_english_with_one() {
        let lines = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(join_lines(&lines(&["保留", "至少"])), "保留至少");
        assert_eq!(join_lines(&lines(&["stays", "a zombie"])), "stays a zombie");
        assert_eq!(join_lines(&lines(&["SIG_IGN，", "then"])), "SIG_IGN，then");
    }

    #[test]
    fn seen_statuses_and_task_problems_have_words() {
        let w = words(Lang::En);
        let s = seen(
            w,
            &Seen::Statuses {
                statuses: vec![(7, Some(ExitStatus::Exited(3))), (8, None)],
            },
        );
        assert!(
            s.contains("7: ") && s.contains("8: no exit status seen"),
            "{s}"
        );
        let p = task_problem(
            w,
            &TaskProblem::UnknownProperty {
                name: "zombeis".into(),
                closest: Some("zombies"),
            },
        );
        assert!(
            p.starts_with("unknown property `zombeis`. Did you mean `zombies`?"),
            "{p}"
        );
    }

    #[test]
    fn an_exercise_in_full_has_its_text_checks_hints_and_command() {
        for lang in [Lang::En, Lang::Zh] {
            let text = exercise(&task(), lang, 80);
            assert!(text.contains("os.waitpid(pid, 0)"), "{text}");
            assert!(
                text.contains("procdemo check zombie -- python3 hw.py"),
                "{text}"
            );
            assert!(
                text.lines().all(|l| super::super::wrap::width(l) <= 80),
                "{text}"
            );
        }
        let tasks: Vec<Task> = crate::script::task::TASKS
            .iter()
            .map(|t| t.task())
            .collect();
        let list = exercises_list(&tasks, Lang::Zh, 80);
        // A line a task (its title's wrapped lines indented), then a blank line and how to go on.
        let (rows, next) = list.split_once("\n\n").unwrap();
        assert_eq!(
            rows.lines().filter(|l| !l.starts_with(' ')).count(),
            tasks.len()
        );
        assert!(next.contains("procdemo check"), "{next}");
    }

    #[test]
    fn a_deadline_says_who_holds_the_write_end_and_the_sessions_who_leads() {
        use crate::engine::model::{PipeEnd, PipeRead, State, Stuck};
        let t = crate::script::task::find("pipe-eof").unwrap().task();
        let reader = Stuck {
            pid: 4242,
            comm: "python3".into(),
            state: Some(State::Sleeping),
            wchan: Some("anon_pipe_read".into()),
            pipe: Some(PipeRead {
                fd: 3,
                inode: 9,
                writers: vec![PipeEnd { pid: 4241, fd: 4 }, PipeEnd { pid: 4242, fd: 4 }],
            }),
        };
        let waiter = Stuck {
            pid: 4243,
            comm: "python3".into(),
            state: Some(State::Sleeping),
            wchan: Some("do_wait".into()),
            pipe: None,
        };
        let verdicts: Vec<Verdict> = t
            .checks
            .iter()
            .map(|c| Verdict {
                line: c.line,
                property: c.property.clone(),
                holds: false,
                seen: match c.property {
                    Property::EndsByItself => Seen::Deadline {
                        after_ms: 10_000,
                        stuck: vec![reader.clone(), waiter.clone()],
                    },
                    _ => Seen::MainStatus { status: None },
                },
            })
            .collect();
        let en = verdicts_text(&t, &verdicts, &style(Lang::En, 80));
        for words in [
            "after 10 s, 4242 (python3) was still asleep reading a pipe (fd 3) whose write end",
            "4241 (fd 4) and 4242 (itself, fd 4) still hold",
            "4243 (python3) was still S (sleeping, interruptible), in do_wait",
            "4242 itself holds the write end",
            "os.close(w)",
            "procdemo killed it at the deadline (see the first ✗)",
        ] {
            let flat = en.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(flat.contains(words), "{words}: {en}");
        }
        let zh = verdicts_text(&t, &verdicts, &style(Lang::Zh, 80));
        assert!(zh.contains("4242（它自己，fd 4）"), "{zh}");
        for text in [&en, &zh] {
            for l in text.lines() {
                assert!(super::super::wrap::width(l) <= 80, "{l}");
            }
        }
        let w = words(Lang::En);
        let s = seen(
            w,
            &Seen::Sessions {
                sessions: vec![(7, 6), (8, 8)],
            },
        );
        assert_eq!(s, "7 was in session 6; 8 led its own session 8");
        assert!(seen(w, &Seen::Sessions { sessions: vec![] }).starts_with("no process outlived"));
    }

    #[test]
    fn every_built_in_exercise_fits_the_projector_in_english_and_chinese() {
        for t in crate::script::task::TASKS {
            for lang in [Lang::En, Lang::Zh] {
                let text = exercise(&t.task(), lang, 80);
                for l in text.lines() {
                    assert!(
                        super::super::wrap::width(l) <= 80,
                        "{} {lang:?}: {l}",
                        t.name
                    );
                }
            }
        }
    }

    #[test]
    fn the_wnohang_and_sigchld_verdicts_say_what_was_seen_and_name_the_python_calls() {
        let verdict = |task: &str, i: usize, holds: bool, seen: Seen| {
            let t = crate::script::task::find(task).unwrap().task();
            Verdict {
                line: t.checks[i].line,
                property: t.checks[i].property.clone(),
                holds,
                seen,
            }
        };
        let wnohang = crate::script::task::find("wnohang").unwrap().task();
        let blocking = vec![verdict(
            "wnohang",
            2,
            false,
            Seen::Count {
                count: 3,
                pids: vec![4243, 4244, 4245],
                sigchld_handled_by: vec![],
            },
        )];
        let handler = crate::script::task::find("sigchld-handler").unwrap().task();
        let one_wait = vec![
            verdict(
                "sigchld-handler",
                2,
                false,
                Seen::Count {
                    count: 2,
                    pids: vec![4244, 4245],
                    sigchld_handled_by: vec![4242],
                },
            ),
            verdict(
                "sigchld-handler",
                3,
                false,
                Seen::Sigchld {
                    parent: Some(4242),
                    exited: 3,
                    delivered: 3,
                    handled: 3,
                },
            ),
            verdict(
                "sigchld-handler",
                3,
                true,
                Seen::Sigchld {
                    parent: Some(4242),
                    exited: 3,
                    delivered: 1,
                    handled: 1,
                },
            ),
        ];
        let en = verdicts_text(&wnohang, &blocking, &style(Lang::En, 80));
        for words in [
            "✗ children reaped by a parent already blocked in a wait when they exited: = 0",
            "seen: 3 (4243, 4244, 4245)",
            "os.waitpid(-1, os.WNOHANG)",
        ] {
            assert!(says(&en, words), "{words}: {en}");
        }
        let en = verdicts_text(&handler, &one_wait, &style(Lang::En, 80));
        for words in [
            "seen: 2 (4244, 4245); their parent 4242 handled SIGCHLD",
            "loop `pid, status = os.waitpid(-1, os.WNOHANG)` until pid is 0",
            "3 children of 4242 exited, SIGCHLD reached 4242 3 times (handled)",
            "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})",
        ] {
            assert!(says(&en, words), "{words}: {en}");
        }
        assert_eq!(
            seen(
                words(Lang::En),
                &Seen::Sigchld {
                    parent: Some(4242),
                    exited: 3,
                    delivered: 1,
                    handled: 1
                }
            ),
            "3 children of 4242 exited, SIGCHLD reached 4242 once (handled)"
        );
        let zh = verdicts_text(&handler, &one_wait, &style(Lang::Zh, 80));
        assert!(says(&zh, "它们的父进程 4242 处理了 SIGCHLD"), "{zh}");
        assert!(says(&zh, "os.waitpid(-1, os.WNOHANG)"), "{zh}");
        let zh_wnohang = verdicts_text(&wnohang, &blocking, &style(Lang::Zh, 80));
        for text in [&en, &zh, &zh_wnohang] {
            for l in text.lines() {
                assert!(super::super::wrap::width(l) <= 80, "{l}");
            }
        }
    }

    /// `text` says `words`, perhaps across a wrapped line.
    fn says(text: &str, words: &str) -> bool {
        let flat = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        flat(text).contains(&flat(words))
    }
}
