//! Exercise tasks (`procdemo exercises`, `procdemo check TASK -- COMMAND`): the task file
//! format, pure (no I/O), and the built-in tasks (`tasks/*.task`, embedded).
//!
//! A task file is one directive a line, in the manner of a `.demo` script (docs/exercises.md
//! documents it): `title`, `text` and `hint` lines in the base language (English), each with
//! its `.LANG` twins (`title.zh`), and `check PROPERTY ...` lines, the properties over the
//! watched process family that `watch/check.rs` judges. `#` starts a comment line. Every
//! problem is reported with its line (`FILE:LINE`), an unknown directive or property with the
//! closest name. A timing is only ever a lower bound (`longest-zombie >= 200ms`): a correct
//! program meets it on a loaded machine too, since the student's own sleep controls it.

use super::ast::{Texts, valid_lang};
use super::demos::closest_of;
use serde::Serialize;

/// How a count compares with the task's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CountCmp {
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = ">=")]
    AtLeast,
    #[serde(rename = "<=")]
    AtMost,
}

impl CountCmp {
    pub fn holds(self, seen: usize, want: usize) -> bool {
        match self {
            CountCmp::Eq => seen == want,
            CountCmp::AtLeast => seen >= want,
            CountCmp::AtMost => seen <= want,
        }
    }
}

/// What a count counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Counted {
    /// Processes the program created (its first process not counted).
    Forks,
    /// Processes that waited as zombies for a process of the program.
    Zombies,
    /// Of those, the ones the parent they waited for never reaped.
    ZombiesLeft,
    /// Processes whose parent died before them (reparented).
    Orphans,
    /// Processes still alive when the program's first process ended.
    AliveAtExit,
    /// Children reaped by a parent that was already blocked in a wait() when they exited
    /// (read at their exit stop): a wait that blocked until they died, not a poll.
    BlockingReaps,
}

/// Who is to reap every child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reaping {
    /// Its parent, with a wait().
    Parent,
    /// The kernel, at once: its parent ignores SIGCHLD.
    Kernel,
    /// procdemo's watcher as the subreaper: nobody in the program.
    Subreaper,
}

/// One property of a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "property", rename_all = "kebab-case")]
pub enum Property {
    Count {
        counted: Counted,
        cmp: CountCmp,
        want: usize,
    },
    /// Some child waited as a zombie for a process of the program at least this long.
    LongestZombie { at_least_ms: u64 },
    /// Every child (every process but the first) was reaped so.
    ReapedBy { reaper: Reaping },
    /// Every orphan was adopted by procdemo's watcher (the subreaper).
    AdoptedBySubreaper,
    /// The children's exit codes, as a multiset (in order, smallest first).
    ExitCodes { codes: Vec<i32> },
    /// The program's first process's exit code.
    MainExit { code: i32 },
    /// The program ended by itself, before `procdemo check`'s deadline (`--timeout`): it was
    /// not killed for it. Implied by every task: judged when a task does not state it too, if
    /// the deadline came.
    EndsByItself,
    /// Some process of the program ran in a session the program made (setsid()): its session
    /// ID is the PID of a process of the program other than the first.
    NewSession,
    /// Every process alive when the first process ended (the daemon) is not a session
    /// leader: its PID is not its session ID (and there was one).
    DaemonNotLeader,
    /// A process of the program had more children exit than SIGCHLD deliveries (signals of a
    /// kind do not queue: one delivery stood for several exits), and its handler ran for each.
    SigchldCoalesced,
}

/// The property names a `check` line may use, in the order the docs list them.
pub const PROPERTIES: &[&str] = &[
    "forks",
    "zombies",
    "zombies-left",
    "orphans",
    "alive-at-exit",
    "longest-zombie",
    "reaped-by",
    "adopted-by",
    "exit-codes",
    "main-exit",
    "ends-by-itself",
    "new-session",
    "daemon-not-leader",
    "blocking-reaps",
    "sigchld-coalesced",
];

/// The directives of a task file.
const KEYS: &[&str] = &["title", "text", "hint", "check"];

/// A `check` line: its line number and property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub line: usize,
    pub property: Property,
}

/// A task, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub name: String,
    pub title: Texts<String>,
    /// The statement, one entry per `text` line.
    pub text: Texts<Vec<String>>,
    /// Hints, one entry per `hint` line.
    pub hints: Texts<Vec<String>>,
    pub checks: Vec<Check>,
}

/// Why a task file was rejected, as data (render/ says it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskProblem {
    UnknownKey {
        key: String,
        closest: Option<&'static str>,
    },
    BadLang {
        key: String,
    },
    /// A directive with nothing after it.
    Empty {
        key: String,
    },
    TwoTitles,
    UnknownProperty {
        name: String,
        closest: Option<&'static str>,
    },
    /// A property's words that do not parse: `form` is how it is written.
    BadCheck {
        property: &'static str,
        form: &'static str,
    },
    /// A timing asked with `=` or `<=`: only a lower bound can be checked without flaking.
    UpperBound {
        property: &'static str,
    },
    NoTitle,
    NoCheck,
}

/// A task file's problem and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskError {
    pub file: String,
    pub line: usize,
    pub problem: TaskProblem,
}

/// A built-in task: its name and its file.
#[derive(Debug, Clone, Copy)]
pub struct BuiltinTask {
    pub name: &'static str,
    pub text: &'static str,
}

macro_rules! task {
    ($name:literal) => {
        BuiltinTask {
            name: $name,
            text: include_str!(concat!("../../tasks/", $name, ".task")),
        }
    };
}

/// The built-in tasks, in `procdemo exercises` order.
pub const TASKS: &[BuiltinTask] = &[
    task!("zombie"),
    task!("orphan"),
    task!("exit-codes"),
    task!("sigchld-ignore"),
    task!("double-fork"),
    task!("pool"),
    task!("pipe-eof"),
    task!("daemon"),
    task!("wnohang"),
    task!("sigchld-handler"),
    task!("fork-server"),
];

/// The built-in task of this name.
pub fn find(name: &str) -> Option<&'static BuiltinTask> {
    TASKS.iter().find(|t| t.name == name)
}

/// The closest built-in task's name, for "did you mean".
pub fn closest(name: &str) -> Option<&'static str> {
    closest_of(name, TASKS.iter().map(|t| t.name))
}

impl BuiltinTask {
    /// The task, parsed (a unit test holds every built-in task to parse).
    pub fn task(&self) -> Task {
        parse(&format!("tasks/{}.task", self.name), self.name, self.text)
            .unwrap_or_else(|e| panic!("built-in task {}: {e:?}", self.name))
    }
}

/// How each property is written, for [`TaskProblem::BadCheck`].
fn form_of(property: &'static str) -> &'static str {
    match property {
        "longest-zombie" => "longest-zombie >= DURATION (200ms, 1s)",
        "reaped-by" => "reaped-by parent|kernel|subreaper",
        "adopted-by" => "adopted-by subreaper",
        "exit-codes" => "exit-codes CODE...",
        "main-exit" => "main-exit CODE",
        "ends-by-itself" => "ends-by-itself",
        "new-session" => "new-session",
        "daemon-not-leader" => "daemon-not-leader",
        "sigchld-coalesced" => "sigchld-coalesced",
        _ => "PROPERTY =|>=|<= N",
    }
}

/// A duration as a task writes it: `200ms`, `1s`, `1.5s` (also with a space: `200 ms`), in ms.
fn duration_ms(words: &[&str]) -> Option<u64> {
    let text: String = words.concat();
    let (number, scale) = if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000.0)
    } else {
        return None;
    };
    let value: f64 = number.parse().ok()?;
    (value.is_finite() && (0.0..=3_600_000.0).contains(&value))
        .then(|| (value * scale).round() as u64)
}

/// One `check` line's words (after `check`) → its property.
fn property(words: &[&str]) -> Result<Property, TaskProblem> {
    let name = words[0];
    let Some(&known) = PROPERTIES.iter().find(|p| **p == name) else {
        return Err(TaskProblem::UnknownProperty {
            name: name.to_string(),
            closest: closest_of(name, PROPERTIES.iter().copied()),
        });
    };
    let bad = || TaskProblem::BadCheck {
        property: known,
        form: form_of(known),
    };
    let rest = &words[1..];
    let counted = match known {
        "forks" => Some(Counted::Forks),
        "zombies" => Some(Counted::Zombies),
        "zombies-left" => Some(Counted::ZombiesLeft),
        "orphans" => Some(Counted::Orphans),
        "alive-at-exit" => Some(Counted::AliveAtExit),
        "blocking-reaps" => Some(Counted::BlockingReaps),
        _ => None,
    };
    if let Some(counted) = counted {
        let [op, n] = rest else { return Err(bad()) };
        let cmp = match *op {
            "=" => CountCmp::Eq,
            ">=" => CountCmp::AtLeast,
            "<=" => CountCmp::AtMost,
            _ => return Err(bad()),
        };
        let want = n.parse::<usize>().map_err(|_| bad())?;
        return Ok(Property::Count { counted, cmp, want });
    }
    match known {
        "longest-zombie" => match rest.split_first() {
            Some((&">=", d)) => Ok(Property::LongestZombie {
                at_least_ms: duration_ms(d).ok_or_else(bad)?,
            }),
            Some((&("=" | "<=" | "<" | ">"), _)) => {
                Err(TaskProblem::UpperBound { property: known })
            }
            _ => Err(bad()),
        },
        "reaped-by" => match rest {
            ["parent"] => Ok(Property::ReapedBy {
                reaper: Reaping::Parent,
            }),
            ["kernel"] => Ok(Property::ReapedBy {
                reaper: Reaping::Kernel,
            }),
            ["subreaper"] => Ok(Property::ReapedBy {
                reaper: Reaping::Subreaper,
            }),
            _ => Err(bad()),
        },
        "adopted-by" => match rest {
            ["subreaper"] => Ok(Property::AdoptedBySubreaper),
            _ => Err(bad()),
        },
        "exit-codes" => {
            let mut codes = rest
                .iter()
                .map(|w| w.parse::<i32>().ok().filter(|c| (0..=255).contains(c)))
                .collect::<Option<Vec<i32>>>()
                .filter(|c| !c.is_empty())
                .ok_or_else(bad)?;
            codes.sort_unstable();
            Ok(Property::ExitCodes { codes })
        }
        "main-exit" => match rest {
            [c] => Ok(Property::MainExit {
                code: c
                    .parse::<i32>()
                    .ok()
                    .filter(|c| (0..=255).contains(c))
                    .ok_or_else(bad)?,
            }),
            _ => Err(bad()),
        },
        "ends-by-itself" if rest.is_empty() => Ok(Property::EndsByItself),
        "new-session" if rest.is_empty() => Ok(Property::NewSession),
        "daemon-not-leader" if rest.is_empty() => Ok(Property::DaemonNotLeader),
        "sigchld-coalesced" => match rest {
            [] => Ok(Property::SigchldCoalesced),
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

/// Parse a task file. `file` names it in errors, `name` is the task's name.
pub fn parse(file: &str, name: &str, text: &str) -> Result<Task, TaskError> {
    let err = |line: usize, problem: TaskProblem| TaskError {
        file: file.to_string(),
        line,
        problem,
    };
    let mut title: Option<Texts<String>> = None;
    let mut text_lines = Texts::new(Vec::new());
    let mut hints = Texts::new(Vec::new());
    let mut checks = Vec::new();
    let mut last = 0;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        last = line;
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let (head, rest) = match l.split_once(char::is_whitespace) {
            Some((h, r)) => (h, r.trim()),
            None => (l, ""),
        };
        let (key, lang) = match head.split_once('.') {
            Some((k, lang)) => (k, Some(lang)),
            None => (head, None),
        };
        if !KEYS.contains(&key) || (key == "check" && lang.is_some()) {
            return Err(err(
                line,
                TaskProblem::UnknownKey {
                    key: head.to_string(),
                    closest: closest_of(key, KEYS.iter().copied()),
                },
            ));
        }
        if lang.is_some_and(|l| !valid_lang(l)) {
            return Err(err(
                line,
                TaskProblem::BadLang {
                    key: head.to_string(),
                },
            ));
        }
        if rest.is_empty() {
            return Err(err(
                line,
                TaskProblem::Empty {
                    key: head.to_string(),
                },
            ));
        }
        let rest = rest.to_string();
        match (key, lang) {
            ("title", None) => {
                if title.is_some() {
                    return Err(err(line, TaskProblem::TwoTitles));
                }
                title = Some(Texts::new(rest));
            }
            ("title", Some(lang)) => {
                let Some(t) = title.as_mut() else {
                    return Err(err(line, TaskProblem::NoTitle));
                };
                if t.other.insert(lang.to_string(), rest).is_some() {
                    return Err(err(line, TaskProblem::TwoTitles));
                }
            }
            ("text", None) => text_lines.base.push(rest),
            ("text", Some(lang)) => text_lines
                .other
                .entry(lang.to_string())
                .or_default()
                .push(rest),
            ("hint", None) => hints.base.push(rest),
            ("hint", Some(lang)) => hints.other.entry(lang.to_string()).or_default().push(rest),
            _ => {
                let words: Vec<&str> = rest.split_whitespace().collect();
                checks.push(Check {
                    line,
                    property: property(&words).map_err(|p| err(line, p))?,
                });
            }
        }
    }
    let Some(title) = title else {
        return Err(err(last.max(1), TaskProblem::NoTitle));
    };
    if checks.is_empty() {
        return Err(err(last.max(1), TaskProblem::NoCheck));
    }
    Ok(Task {
        name: name.to_string(),
        title,
        text: text_lines,
        hints,
        checks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(text: &str) -> (usize, TaskProblem) {
        let e = parse("t.task", "t", text).unwrap_err();
        assert_eq!(e.file, "t.task");
        (e.line, e.problem)
    }

    #[test]
    fn a_task_parses_into_its_texts_and_properties() {
        let t = parse(
            "t.task",
            "t",
            "# a comment\ntitle A zombie\ntitle.zh 僵尸\ntext Fork.\ntext Wait.\ntext.zh 分叉。\n\
             hint os.fork()\ncheck forks >= 1\ncheck longest-zombie >= 0.2s\n\
             check reaped-by parent\ncheck exit-codes 3 1 2\ncheck adopted-by subreaper\n\
             check main-exit 0\ncheck zombies-left = 0\n",
        )
        .unwrap();
        assert_eq!(t.title.get("zh"), "僵尸");
        assert_eq!(t.title.get("fr"), "A zombie");
        assert_eq!(t.text.base, ["Fork.", "Wait."]);
        assert_eq!(t.text.get("zh"), &["分叉。"]);
        assert_eq!(t.hints.base, ["os.fork()"]);
        let props: Vec<_> = t.checks.iter().map(|c| c.property.clone()).collect();
        assert_eq!(
            props,
            [
                Property::Count {
                    counted: Counted::Forks,
                    cmp: CountCmp::AtLeast,
                    want: 1
                },
                Property::LongestZombie { at_least_ms: 200 },
                Property::ReapedBy {
                    reaper: Reaping::Parent
                },
                Property::ExitCodes {
                    codes: vec![1, 2, 3]
                },
                Property::AdoptedBySubreaper,
                Property::MainExit { code: 0 },
                Property::Count {
                    counted: Counted::ZombiesLeft,
                    cmp: CountCmp::Eq,
                    want: 0
                },
            ]
        );
        assert_eq!(t.checks[0].line, 8);
    }

    #[test]
    fn an_unknown_property_or_directive_is_named_with_its_line() {
        assert_eq!(
            problem("title T\n\ncheck parents = 1\n"),
            (
                3,
                TaskProblem::UnknownProperty {
                    name: "parents".into(),
                    closest: None
                }
            )
        );
        assert_eq!(
            problem("title T\ncheck zombeis = 1\n"),
            (
                2,
                TaskProblem::UnknownProperty {
                    name: "zombeis".into(),
                    closest: Some("zombies")
                }
            )
        );
        assert_eq!(
            problem("titel T\n"),
            (
                1,
                TaskProblem::UnknownKey {
                    key: "titel".into(),
                    closest: Some("title")
                }
            )
        );
        assert_eq!(
            problem("title T\ncheck.zh forks = 1\n").1,
            TaskProblem::UnknownKey {
                key: "check.zh".into(),
                closest: Some("check")
            }
        );
    }

    #[test]
    fn a_timing_is_a_lower_bound_only() {
        for op in ["=", "<=", "<"] {
            assert_eq!(
                problem(&format!("title T\ncheck longest-zombie {op} 200ms\n")),
                (
                    2,
                    TaskProblem::UpperBound {
                        property: "longest-zombie"
                    }
                )
            );
        }
        assert_eq!(
            problem("title T\ncheck longest-zombie >= soon\n").1,
            TaskProblem::BadCheck {
                property: "longest-zombie",
                form: form_of("longest-zombie")
            }
        );
        assert_eq!(duration_ms(&["200", "ms"]), Some(200));
        assert_eq!(duration_ms(&["1.5s"]), Some(1500));
        assert_eq!(duration_ms(&["-1s"]), None);
    }

    #[test]
    fn bad_words_missing_title_and_checks_are_refused() {
        assert_eq!(
            problem("title T\ncheck forks 3\n").1,
            TaskProblem::BadCheck {
                property: "forks",
                form: form_of("forks")
            }
        );
        assert_eq!(
            problem("title T\ncheck exit-codes 1 x\n").1,
            TaskProblem::BadCheck {
                property: "exit-codes",
                form: form_of("exit-codes")
            }
        );
        assert_eq!(
            problem("title T\ncheck reaped-by init\n").1,
            TaskProblem::BadCheck {
                property: "reaped-by",
                form: form_of("reaped-by")
            }
        );
        assert_eq!(problem("check forks = 1\n"), (1, TaskProblem::NoTitle));
        assert_eq!(problem("title T\ntext hello\n"), (2, TaskProblem::NoCheck));
        assert_eq!(problem("title T\ntitle U\n"), (2, TaskProblem::TwoTitles));
        assert_eq!(
            problem("title T\ntext.ZH x\n"),
            (
                2,
                TaskProblem::BadLang {
                    key: "text.ZH".into()
                }
            )
        );
        assert_eq!(
            problem("title T\nhint\n"),
            (2, TaskProblem::Empty { key: "hint".into() })
        );
    }

    #[test]
    fn every_built_in_task_parses_and_has_its_chinese() {
        assert!(TASKS.len() >= 5);
        for t in TASKS {
            let task = t.task();
            assert!(task.title.has("zh"), "{}", t.name);
            assert_eq!(
                task.text.base.len(),
                task.text.get("zh").len(),
                "{}: a text.zh per text",
                t.name
            );
            assert_eq!(
                task.hints.base.len(),
                task.hints.get("zh").len(),
                "{}: a hint.zh per hint",
                t.name
            );
            assert!(find(t.name).is_some());
        }
        assert_eq!(closest("zombi"), Some("zombie"));
    }

    #[test]
    fn the_deadline_and_session_properties_take_no_words() {
        let t = parse(
            "t.task",
            "t",
            "title T\ncheck ends-by-itself\ncheck new-session\ncheck daemon-not-leader\n",
        )
        .unwrap();
        let props: Vec<_> = t.checks.iter().map(|c| c.property.clone()).collect();
        assert_eq!(
            props,
            [
                Property::EndsByItself,
                Property::NewSession,
                Property::DaemonNotLeader
            ]
        );
        assert_eq!(
            problem("title T\ncheck new-session yes\n"),
            (
                2,
                TaskProblem::BadCheck {
                    property: "new-session",
                    form: "new-session"
                }
            )
        );
        assert_eq!(
            problem("title T\ncheck ends-by-itsef\n").1,
            TaskProblem::UnknownProperty {
                name: "ends-by-itsef".into(),
                closest: Some("ends-by-itself")
            }
        );
        assert!(find("pipe-eof").is_some() && find("daemon").is_some());
    }

    #[test]
    fn the_wnohang_and_sigchld_properties_parse_and_their_bad_forms_are_named() {
        let t = parse(
            "t.task",
            "t",
            "title T\ncheck blocking-reaps = 0\ncheck sigchld-coalesced\n",
        )
        .unwrap();
        let props: Vec<_> = t.checks.iter().map(|c| c.property.clone()).collect();
        assert_eq!(
            props,
            [
                Property::Count {
                    counted: Counted::BlockingReaps,
                    cmp: CountCmp::Eq,
                    want: 0
                },
                Property::SigchldCoalesced,
            ]
        );
        assert_eq!(
            problem("title T\ncheck sigchld-coalesced 3\n").1,
            TaskProblem::BadCheck {
                property: "sigchld-coalesced",
                form: "sigchld-coalesced"
            }
        );
        assert_eq!(
            problem("title T\ncheck blocking-reaps\n").1,
            TaskProblem::BadCheck {
                property: "blocking-reaps",
                form: form_of("blocking-reaps")
            }
        );
        assert_eq!(
            problem("title T\ncheck blocking-reap = 0\n").1,
            TaskProblem::UnknownProperty {
                name: "blocking-reap".into(),
                closest: Some("blocking-reaps")
            }
        );
        assert_eq!(
            problem("title T\ncheck sigchld-coalesce\n").1,
            TaskProblem::UnknownProperty {
                name: "sigchld-coalesce".into(),
                closest: Some("sigchld-coalesced")
            }
        );
    }
}
