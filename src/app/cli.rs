//! The command line: clap stays in this module, the rest of procdemo gets a plain [`Config`].

use crate::engine::error::{Error, Usage};
use crate::render::{Help, Lang};
use crate::script::demos::{self, DEMOS};
use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Where a demo's script comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Builtin(&'static str),
    File(PathBuf),
    /// `procdemo run -`: the script comes on standard input (shown as `stdin`).
    Stdin,
}

/// How to show a run.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Output {
    pub explain: bool,
    pub json: bool,
    /// JSON Lines: one event per line, as it happens.
    pub json_events: bool,
    /// The engine's own events (hidden; records the render tests' fixtures).
    pub wire: bool,
    pub stable: bool,
    pub color: bool,
    /// Overrides the size of every `alloc` (MiB).
    pub size_mib: Option<u64>,
    /// The total deadline of each script, in seconds.
    pub timeout_s: u64,
    /// Hold every observed STAT against `ps -o stat=`.
    pub check_ps: bool,
    /// Pause before each step (`--step`), or wait this long before each (`--delay`).
    pub pace: Pace,
    /// Ask each `ask` question on the terminal before its step runs, then reveal the answer.
    pub predict: bool,
    /// Show only the trees of a run (`quiz --reverse`; not a flag of its own).
    pub trees_only: bool,
    /// After each run, its questions and the answers it showed (a worksheet and its key).
    pub answers: bool,
    /// Print each demo's questions and run nothing (`--worksheet`).
    pub worksheet: bool,
    /// The language of the output (`--lang`, else the locale).
    pub lang: crate::render::Lang,
    /// `--lang` was given (JSON carries words only then).
    pub lang_asked: bool,
    /// Show the course's Python line beside each action's result.
    pub python: bool,
    /// Draw the timeline after each demo (`--explain` or `--timeline`, not `--no-timeline`).
    pub timeline: bool,
    /// Draw every observation as a process tree.
    pub tree: bool,
    /// Also write the run (every demo of `all`) as one self-contained HTML page here.
    pub html: Option<&'static std::path::Path>,
}

/// How a run moves from one step to the next.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub enum Pace {
    /// As fast as the kernel goes.
    #[default]
    Free,
    /// Before each step, wait for a key on the terminal: Enter runs it, `c` runs the rest,
    /// `q` quits.
    Step,
    /// Wait this many milliseconds before each step (for a projector), never to synchronise.
    Delay(u64),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Task {
    List,
    /// Generate an exercise and run it for real (`show_script`: print its script only).
    Quiz {
        options: crate::script::quiz::Options,
        show_script: bool,
        /// Show the tree the moves made, and ask for the moves.
        reverse: bool,
        /// How many exercises (seeds from `options.seed` on); more than one prints them all,
        /// then a key.
        count: u64,
    },
    /// Print a built-in demo's script.
    Show(&'static str),
    /// Render a recorded run again, with no process.
    Replay(PathBuf),
    /// Print a reference table (None: the list of topics).
    Explain(Option<crate::render::reference::Topic>),
    /// Run these demos, each in a fresh runner; `summary` for `procdemo all`.
    Run {
        sources: Vec<Source>,
        summary: bool,
    },
    /// `procdemo check TASK -- COMMAND`: run a program as `watch` does and judge a task's
    /// properties over its processes.
    Check {
        /// A built-in task's name, or a task file's path.
        task: String,
        options: crate::watch::tracer::Options,
        /// Where the verdicts go (`-o FILE`); standard error if None.
        report: Option<PathBuf>,
    },
    /// `procdemo exercises [TASK]`: the tasks, or one in full.
    Exercises(Option<String>),
    /// `procdemo completions SHELL`: the shell's completion script, on standard output.
    Completions(String),
    /// `procdemo man`: the manual page (roff), on standard output.
    Man,
    /// `procdemo watch -- COMMAND`: run a program and show its processes' lives.
    Watch {
        options: crate::watch::tracer::Options,
        /// Where procdemo's report goes (`-o FILE`); standard error if None.
        report: Option<PathBuf>,
        /// Draw the timeline at the end (not with `--no-timeline`).
        timeline: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub task: Task,
    pub output: Output,
}

fn flag(name: &'static str, help: String) -> Arg {
    Arg::new(name)
        .long(name)
        .action(ArgAction::SetTrue)
        .global(true)
        .help(help)
}

/// The command, its help in `lang` (the demos' titles too, where a script has its Chinese).
#[cfg(test)]
pub fn command(lang: Lang) -> Command {
    command_with(lang, &Needed::All)
}

/// Which demo subcommands a command line needs clap to know.
#[derive(Debug, PartialEq)]
enum Needed<'a> {
    /// All of them: for help, a version, an unknown word (its error lists them) or none.
    All,
    /// This one only: the command line runs it.
    Demo(&'a str),
    /// None: the command line runs another command (`all`, `run`, `list`...).
    Other,
}

/// The options that take a value as the next word (`--lang zh`).
const VALUED: &[&str] = &[
    "--lang",
    "--timeout",
    "--delay",
    "--color",
    "--size",
    "--html",
    "--seed",
    "--actions",
    "--forks",
    "--max-procs",
    "--output",
    "-o",
];

/// What a command line needs of the demo subcommands. clap copies every global option into
/// every subcommand before it parses, which with a subcommand per demo costs more than the
/// rest of the parse: a line that runs one demo (or another command) gets a command without
/// the rest. Help, a version and anything unusual get the whole command.
fn needed(args: &[std::ffi::OsString]) -> Needed<'_> {
    let mut words = args.iter().skip(1);
    while let Some(word) = words.next() {
        let Some(w) = word.to_str() else {
            return Needed::All;
        };
        if matches!(w, "-h" | "--help" | "-V" | "--version" | "--" | "help") {
            return Needed::All;
        }
        if VALUED.contains(&w) {
            words.next();
            continue;
        }
        if w.starts_with('-') {
            continue;
        }
        // The first word that is not an option names the subcommand; help after it still
        // needs the whole command.
        if words.any(|a| matches!(a.to_str(), Some("-h" | "--help" | "-V" | "--version"))) {
            return Needed::All;
        }
        return if let Some(d) = DEMOS.iter().find(|d| d.name == w) {
            Needed::Demo(d.name)
        } else if [
            "list",
            "quiz",
            "show",
            "explain",
            "all",
            "run",
            "replay",
            "watch",
            "completions",
            "check",
            "exercises",
        ]
        .contains(&w)
        {
            Needed::Other
        } else {
            Needed::All
        };
    }
    Needed::All
}

fn command_with(lang: Lang, needed: &Needed<'_>) -> Command {
    let help = |h| crate::render::help(h, lang);
    let demos = DEMOS
        .iter()
        .filter(|d| match needed {
            Needed::All => true,
            Needed::Demo(name) => d.name == *name,
            Needed::Other => false,
        })
        .map(|d| {
            Command::new(d.name).about(crate::render::fit_help(
                &crate::render::script_text(d.title_in(lang.code()), lang),
                lang,
            ))
        });
    Command::new("procdemo")
        .next_line_help(crate::render::help_wraps_itself(lang))
        // The package's version and, built in a git checkout, its commit (build.rs).
        .version(env!("PROCDEMO_VERSION"))
        .about(help(Help::About))
        .long_about(help(Help::LongAbout))
        .after_help(help(Help::Examples))
        .subcommand_required(true)
        .subcommand_value_name("DEMO|COMMAND")
        .subcommand_help_heading(help(Help::Commands))
        .arg(flag("explain", help(Help::Explain)))
        .arg(flag("json", help(Help::Json)))
        .arg(flag("record-events", help(Help::RecordEvents)).hide(true))
        .arg(flag("json-events", help(Help::JsonEvents)))
        .arg(flag("timeline", help(Help::Timeline)))
        .arg(flag("no-timeline", help(Help::NoTimeline)).conflicts_with("timeline"))
        .arg(flag("tree", help(Help::Tree)))
        .arg(flag("stable", help(Help::Stable)))
        .arg(flag("check-ps", help(Help::CheckPs)))
        .arg(
            Arg::new("lang")
                .long("lang")
                .global(true)
                .value_name("LANG")
                .value_parser(clap::builder::PossibleValuesParser::new(
                    Lang::ALL
                        .iter()
                        .map(|l| clap::builder::PossibleValue::new(l.code()).hide(l.hidden())),
                ))
                .help(help(Help::Lang)),
        )
        .arg(flag("python", help(Help::Python)))
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .global(true)
                .value_name("SECONDS")
                .value_parser(
                    value_parser!(u64).range(1..=crate::script::limits::TOTAL_DEADLINE.as_secs()),
                )
                .help(help(Help::Timeout)),
        )
        .arg(flag("step", help(Help::Step)))
        .arg(flag("predict", help(Help::Predict)))
        .arg(flag("answers", help(Help::Answers)))
        .arg(flag("worksheet", help(Help::Worksheet)))
        .arg(
            Arg::new("delay")
                .long("delay")
                .global(true)
                .value_name("MS")
                .value_parser(value_parser!(u64).range(1..=60_000))
                .conflicts_with("step")
                .help(help(Help::Delay)),
        )
        .arg(
            Arg::new("color")
                .long("color")
                .global(true)
                .value_name("WHEN")
                .value_parser(["auto", "always", "never"])
                .default_value("auto")
                .help(help(Help::Color)),
        )
        .arg(
            Arg::new("size")
                .long("size")
                .global(true)
                .value_name("MiB")
                .value_parser(value_parser!(u64).range(1..=crate::script::limits::MAX_ALLOC_MIB))
                .help(help(Help::Size)),
        )
        .arg(
            Arg::new("html")
                .long("html")
                .global(true)
                .value_name("FILE")
                .value_parser(value_parser!(PathBuf))
                .help(help(Help::Html)),
        )
        .subcommand(Command::new("list").about(help(Help::List)))
        .subcommand(
            Command::new("exercises").about(help(Help::Exercises)).arg(
                Arg::new("task")
                    .value_name("TASK")
                    .help(help(Help::ExercisesTask)),
            ),
        )
        .subcommand(
            Command::new("check")
                .args(
                    demo_options_hidden()
                        .into_iter()
                        .filter(|a| a.get_id() != "timeout"),
                )
                .arg(
                    Arg::new("timeout")
                        .long("timeout")
                        .value_name("SECONDS")
                        .value_parser(
                            value_parser!(u64).range(1..=crate::watch::check::MAX_TIMEOUT_S),
                        )
                        .help(help(Help::CheckTimeout)),
                )
                .about(help(Help::Check))
                .after_help(help(Help::CheckNotes))
                .arg(output_arg(lang))
                .arg(
                    Arg::new("task")
                        .value_name("TASK")
                        .required(true)
                        .help(help(Help::CheckTask)),
                )
                // After `--` only: the task comes first.
                .arg(command_arg(lang).last(true)),
        )
        .subcommand(
            Command::new("quiz")
                .about(help(Help::Quiz))
                .arg(
                    Arg::new("seed")
                        .long("seed")
                        .value_name("N")
                        .value_parser(value_parser!(u64))
                        .help(help(Help::Seed)),
                )
                .arg(
                    Arg::new("actions")
                        .long("actions")
                        .value_name("N")
                        .value_parser(value_parser!(u64).range(1..=40))
                        .default_value("6")
                        .help(help(Help::Actions)),
                )
                .arg(
                    Arg::new("forks")
                        .long("forks")
                        .value_name("PERCENT")
                        .value_parser(value_parser!(u32).range(0..=100))
                        .default_value("70")
                        .help(help(Help::Forks)),
                )
                .arg(
                    Arg::new("count")
                        .long("count")
                        .value_name("N")
                        .value_parser(value_parser!(u64).range(1..=50))
                        .conflicts_with("reverse")
                        .help(help(Help::Count)),
                )
                .arg(
                    Arg::new("reverse")
                        .long("reverse")
                        .action(ArgAction::SetTrue)
                        .help(help(Help::Reverse)),
                )
                .arg(
                    Arg::new("show-script")
                        .long("show-script")
                        .action(ArgAction::SetTrue)
                        .help(help(Help::ShowScript)),
                ),
        )
        .subcommand(
            Command::new("show")
                .about(help(Help::Show))
                .arg(Arg::new("demo").required(true).value_name("DEMO")),
        )
        .subcommand(
            Command::new("explain")
                .about(help(Help::ExplainCommand))
                .arg(Arg::new("topic").value_name("TOPIC")),
        )
        .subcommand(Command::new("all").about(help(Help::All)))
        .subcommand(
            Command::new("replay").about(help(Help::Replay)).arg(
                Arg::new("file")
                    .required(true)
                    .value_name("FILE")
                    .value_parser(value_parser!(PathBuf)),
            ),
        )
        .subcommand(
            Command::new("run").about(help(Help::Run)).arg(
                Arg::new("file")
                    .required(true)
                    .value_name("FILE")
                    .value_parser(value_parser!(PathBuf))
                    .value_hint(clap::ValueHint::FilePath)
                    .help(help(Help::RunFile)),
            ),
        )
        .subcommand(
            Command::new("completions")
                .about(help(Help::Completions))
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_name("SHELL")
                        .value_parser(value_parser!(clap_complete::Shell))
                        .help(help(Help::Shell)),
                ),
        )
        .subcommand(Command::new("man").about(help(Help::Man)))
        .subcommand(
            Command::new("watch")
                .args(demo_options_hidden())
                .about(help(Help::Watch))
                .after_help(help(Help::WatchNotes))
                .arg(
                    Arg::new("max-procs")
                        .long("max-procs")
                        .value_name("N")
                        .value_parser(
                            value_parser!(u64).range(1..=crate::watch::tracer::MAX_LIMIT as u64),
                        )
                        .help(help(Help::MaxProcs)),
                )
                .arg(
                    Arg::new("kill-rest")
                        .long("kill-rest")
                        .action(ArgAction::SetTrue)
                        .help(help(Help::KillRest)),
                )
                .arg(
                    Arg::new("no-signals")
                        .long("no-signals")
                        .action(ArgAction::SetTrue)
                        .help(help(Help::NoSignals)),
                )
                .arg(
                    Arg::new("all")
                        .long("all")
                        .action(ArgAction::SetTrue)
                        .help(help(Help::WatchAll)),
                )
                .arg(output_arg(lang))
                .arg(
                    command_arg(lang)
                        .trailing_var_arg(true)
                        .allow_hyphen_values(true),
                ),
        )
        .subcommands(demos)
}

/// `-o FILE` of `watch` and `check`: where procdemo's report goes.
fn output_arg(lang: Lang) -> Arg {
    Arg::new("output")
        .short('o')
        .long("output")
        .value_name("FILE")
        .value_parser(value_parser!(PathBuf))
        .help(crate::render::help(Help::WatchOutput, lang))
}

/// The program `watch` and `check` run, with its arguments (any bytes).
fn command_arg(lang: Lang) -> Arg {
    Arg::new("command")
        .value_name("COMMAND")
        .required(true)
        .num_args(1..)
        .value_parser(value_parser!(std::ffi::OsString))
        .help(crate::render::help(Help::WatchCommand, lang))
}

/// Hidden copies of the demo-only options for `watch` and `check`: the options are global, and
/// a global is not propagated (nor listed in their help) where a subcommand has an argument
/// of that name; given, they are refused by [`refuse_demo_options`].
fn demo_options_hidden() -> Vec<Arg> {
    NOT_FOR_WATCH
        .iter()
        .map(|(id, _)| {
            let a = Arg::new(*id).long(*id).hide(true);
            match *id {
                "delay" | "size" | "timeout" => a.value_parser(value_parser!(u64)),
                _ => a.action(ArgAction::SetTrue),
            }
        })
        .collect()
}

/// `watch` and `check` run a program, not a demo script: a demo-only option is refused.
fn refuse_demo_options(sub: &ArgMatches) -> Result<(), Error> {
    refuse_demo_options_but(sub, &[])
}

/// [`refuse_demo_options`], but for the options the subcommand has of its own (`check
/// --timeout`: the program's deadline).
fn refuse_demo_options_but(sub: &ArgMatches, own: &[&str]) -> Result<(), Error> {
    for (id, option) in NOT_FOR_WATCH.iter().filter(|(id, _)| !own.contains(id)) {
        if sub.value_source(id) == Some(clap::parser::ValueSource::CommandLine) {
            return Err(Error::Usage(Usage::NotForWatch { option }));
        }
    }
    Ok(())
}

/// The options of a demo run that mean nothing to `procdemo watch`: refused, not ignored.
const NOT_FOR_WATCH: &[(&str, &str)] = &[
    ("stable", "--stable"),
    ("step", "--step"),
    ("delay", "--delay"),
    ("predict", "--predict"),
    ("answers", "--answers"),
    ("python", "--python"),
    ("size", "--size"),
    ("check-ps", "--check-ps"),
    ("timeout", "--timeout"),
    ("record-events", "--record-events"),
    ("explain", "--explain"),
    ("worksheet", "--worksheet"),
];

/// Parse the command line. Help and version are printed here and exit 0.
pub fn parse(
    args: impl IntoIterator<Item = std::ffi::OsString>,
    lang: Lang,
) -> Result<Config, Error> {
    let args = help_options_first(args.into_iter().collect());
    // One decision for clap's help and procdemo's own output.
    let choice = if color_of(&args) {
        clap::ColorChoice::Always
    } else {
        clap::ColorChoice::Never
    };
    let command = command_with(lang, &needed(&args)).color(choice);
    let matches = match command.try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => return Err(clap_error(e)),
    };
    config(&matches)
}

/// `procdemo help TOPIC --lang zh` (or `--color`): the options a reader puts after the topic
/// go before `help`, where clap takes them (after it, clap reads them as more topics).
fn help_options_first(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let Some(at) = args.iter().position(|a| a == "help") else {
        return args;
    };
    // `help` must be the command: only options (and their values) before it.
    let mut before = args[1..at].iter();
    while let Some(a) = before.next() {
        match a.to_str() {
            Some(w) if VALUED.contains(&w) => {
                before.next();
            }
            Some(w) if w.starts_with('-') => {}
            _ => return args,
        }
    }
    let mut front: Vec<std::ffi::OsString> = args[..at].to_vec();
    let mut rest = Vec::new();
    let mut words = args[at..].iter();
    while let Some(a) = words.next() {
        let w = a.to_str().unwrap_or("");
        if w == "--lang" || w == "--color" {
            front.push(a.clone());
            if let Some(v) = words.next() {
                front.push(v.clone());
            }
        } else if w.starts_with("--lang=") || w.starts_with("--color=") {
            front.push(a.clone());
        } else {
            rest.push(a.clone());
        }
    }
    front.extend(rest);
    front
}

/// The configuration a parsed command line asks for.
fn config(matches: &ArgMatches) -> Result<Config, Error> {
    let output = output(matches);
    let (name, sub) = matches.subcommand().ok_or(Error::Usage(Usage::NoCommand))?;
    let task = match name {
        "list" => Task::List,
        "quiz" => Task::Quiz {
            options: crate::script::quiz::Options {
                seed: sub.get_one::<u64>("seed").copied().unwrap_or_else(|| {
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(1, |d| d.as_secs() % 100_000)
                }),
                actions: sub.get_one::<u64>("actions").copied().unwrap_or(6) as usize,
                fork_percent: sub.get_one::<u32>("forks").copied().unwrap_or(70),
            },
            show_script: sub.get_flag("show-script"),
            reverse: sub.get_flag("reverse"),
            count: sub.get_one::<u64>("count").copied().unwrap_or(1),
        },
        "show" => {
            let demo = sub.get_one::<String>("demo").cloned().unwrap_or_default();
            Task::Show(demos::find(&demo).ok_or_else(|| unknown_demo(&demo))?.name)
        }
        "explain" => Task::Explain(match sub.get_one::<String>("topic") {
            None => None,
            Some(t) => Some(
                crate::render::reference::Topic::from_name(t).ok_or_else(|| unknown_topic(t))?,
            ),
        }),
        "all" => Task::Run {
            sources: DEMOS.iter().map(|d| Source::Builtin(d.name)).collect(),
            summary: true,
        },
        "watch" => {
            refuse_demo_options(sub)?;
            Task::Watch {
                options: crate::watch::tracer::Options {
                    argv: sub
                        .get_many::<std::ffi::OsString>("command")
                        .map(|v| v.cloned().collect())
                        .unwrap_or_default(),
                    limit: sub
                        .get_one::<u64>("max-procs")
                        .map_or(crate::watch::tracer::DEFAULT_LIMIT, |&n| n as usize),
                    kill_rest: sub.get_flag("kill-rest"),
                    signals: !sub.get_flag("no-signals"),
                    all: sub.get_flag("all"),
                    deadline: None,
                },
                report: sub.get_one::<PathBuf>("output").cloned(),
                timeline: !sub.get_flag("no-timeline"),
            }
        }
        "exercises" => Task::Exercises(sub.get_one::<String>("task").cloned()),
        "check" => {
            refuse_demo_options_but(sub, &["timeout"])?;
            Task::Check {
                task: sub.get_one::<String>("task").cloned().unwrap_or_default(),
                options: crate::watch::tracer::Options {
                    argv: sub
                        .get_many::<std::ffi::OsString>("command")
                        .map(|v| v.cloned().collect())
                        .unwrap_or_default(),
                    limit: crate::watch::tracer::DEFAULT_LIMIT,
                    kill_rest: false,
                    // The judge reads every event; nothing is folded or hidden from it.
                    signals: true,
                    all: true,
                    deadline: Some(std::time::Duration::from_secs(
                        sub.get_one::<u64>("timeout")
                            .copied()
                            .unwrap_or(crate::watch::check::DEFAULT_TIMEOUT_S),
                    )),
                },
                report: sub.get_one::<PathBuf>("output").cloned(),
            }
        }
        "replay" => Task::Replay(sub.get_one::<PathBuf>("file").cloned().unwrap_or_default()),
        "run" => Task::Run {
            sources: vec![match sub.get_one::<PathBuf>("file") {
                Some(f) if f.as_os_str() == "-" => Source::Stdin,
                f => Source::File(f.cloned().unwrap_or_default()),
            }],
            summary: false,
        },
        "completions" => Task::Completions(
            sub.get_one::<clap_complete::Shell>("shell")
                .map_or_else(String::new, ToString::to_string),
        ),
        "man" => Task::Man,
        demo => Task::Run {
            sources: vec![Source::Builtin(
                demos::find(demo).ok_or_else(|| unknown_demo(demo))?.name,
            )],
            summary: false,
        },
    };
    // A worksheet runs nothing: an option that shows a run has nothing to show.
    if output.worksheet {
        let shown = [
            (output.json, "--json"),
            (output.json_events, "--json-events"),
            (output.html.is_some(), "--html"),
            (output.pace == Pace::Step, "--step"),
            (output.predict, "--predict"),
            (output.answers, "--answers"),
            (matches!(output.pace, Pace::Delay(_)), "--delay"),
        ];
        if let Some((_, option)) = shown.iter().find(|(given, _)| *given) {
            return Err(Error::Usage(Usage::WorksheetRunsNothing { option }));
        }
    }
    // Only a run has a page: a command that runs nothing refuses --html (and writes no file).
    if output.html.is_some()
        && let Some(command) = match &task {
            Task::Show(_) => Some("show"),
            Task::List => Some("list"),
            Task::Explain(_) => Some("explain"),
            Task::Exercises(_) => Some("exercises"),
            Task::Completions(_) => Some("completions"),
            Task::Man => Some("man"),
            _ => None,
        }
    {
        return Err(Error::Usage(Usage::HtmlWithoutRun { command }));
    }
    json_only(&task, &output)?;
    crate::app::outputs::check(&task, output.html)?;
    Ok(Config { task, output })
}

/// `--json` and `--json-events` promise JSON on standard output and nothing else: a command
/// whose output is text for people (a reference table, a script, a manual page, a completion
/// script) refuses them rather than print text a program would fail to parse. `list --json`
/// is a JSON document (the demos a program may run); `quiz` prints only its run's JSON, not
/// the exercise's text.
fn json_only(task: &Task, output: &Output) -> Result<(), Error> {
    let option = match (output.json, output.json_events) {
        (_, true) => "--json-events",
        (true, false) => "--json",
        (false, false) => return Ok(()),
    };
    let command = match task {
        Task::List if option == "--json" => return Ok(()),
        Task::List => "list",
        Task::Show(_) => "show",
        Task::Explain(_) => "explain",
        Task::Completions(_) => "completions",
        Task::Man => "man",
        Task::Exercises(_) => "exercises",
        Task::Check { .. } if option == "--json" => return Ok(()),
        Task::Check { .. } => "check",
        Task::Quiz {
            show_script: true, ..
        } => "quiz --show-script",
        // A handout (exercises, then their key) is text for a printer.
        Task::Quiz { count, .. } if *count > 1 => "quiz --count",
        Task::Quiz { .. } | Task::Run { .. } | Task::Watch { .. } | Task::Replay(_) => {
            return Ok(());
        }
    };
    Err(Error::Usage(Usage::NotJson { option, command }))
}

fn output(m: &ArgMatches) -> Output {
    let color = decide_color(
        m.get_one::<String>("color").map(String::as_str),
        std::io::stdout().is_terminal(),
        &ColorEnv::read(),
    );
    Output {
        explain: m.get_flag("explain"),
        json: m.get_flag("json"),
        json_events: m.get_flag("json-events"),
        wire: m.get_flag("record-events"),
        stable: m.get_flag("stable"),
        color,
        size_mib: m.get_one::<u64>("size").copied(),
        timeout_s: m
            .get_one::<u64>("timeout")
            .copied()
            .unwrap_or(crate::script::limits::TOTAL_DEADLINE.as_secs()),
        check_ps: m.get_flag("check-ps"),
        predict: m.get_flag("predict"),
        trees_only: false,
        answers: m.get_flag("answers"),
        worksheet: m.get_flag("worksheet"),
        pace: match (m.get_flag("step"), m.get_one::<u64>("delay")) {
            (true, _) => Pace::Step,
            (false, Some(ms)) => Pace::Delay(*ms),
            (false, None) => Pace::Free,
        },
        lang: m
            .get_one::<String>("lang")
            .map_or_else(locale_lang, |code| Lang::of_code(code)),
        lang_asked: m.get_one::<String>("lang").is_some(),
        python: m.get_flag("python"),
        timeline: (m.get_flag("explain") || m.get_flag("timeline")) && !m.get_flag("no-timeline"),
        tree: m.get_flag("tree"),
        // Leaked once: the path lives as long as the process, and keeps `Output` Copy.
        html: m
            .get_one::<PathBuf>("html")
            .map(|p| &*Box::leak(p.clone().into_boxed_path())),
    }
}

/// The language the locale asks for (`LC_ALL`, `LC_MESSAGES`, `LANG`).
fn locale_lang() -> Lang {
    let var = |name| std::env::var(name).ok();
    Lang::from_env(
        var("LC_ALL").as_deref(),
        var("LC_MESSAGES").as_deref(),
        var("LANG").as_deref(),
    )
}

/// The language of procdemo's messages, known before clap parses (`--help` and the command
/// line's errors speak it): the last `--lang LANG` or `--lang=LANG` before a `--`, else the
/// locale. A value clap will refuse counts as English.
pub fn lang_of(args: &[std::ffi::OsString]) -> Lang {
    let mut chosen = None;
    let mut words = args.iter().skip(1).map(|a| a.to_str());
    while let Some(word) = words.next() {
        let value = match word {
            Some("--") => break,
            Some("--lang") => words.next().flatten(),
            Some(w) => w.strip_prefix("--lang="),
            None => None,
        };
        if let Some(v) = value {
            chosen = Some(Lang::of_code(v));
        }
    }
    chosen.unwrap_or_else(locale_lang)
}

/// The variables that have a say in colour (see [`decide_color`]).
#[derive(Debug, Default)]
struct ColorEnv {
    no_color: Option<std::ffi::OsString>,
    clicolor_force: Option<std::ffi::OsString>,
    clicolor: Option<std::ffi::OsString>,
    term: Option<std::ffi::OsString>,
}

impl ColorEnv {
    fn read() -> ColorEnv {
        ColorEnv {
            no_color: std::env::var_os("NO_COLOR"),
            clicolor_force: std::env::var_os("CLICOLOR_FORCE"),
            clicolor: std::env::var_os("CLICOLOR"),
            term: std::env::var_os("TERM"),
        }
    }
}

/// Whether to colour, decided once for clap's help and procdemo's output, first rule that
/// speaks wins: `--color always|never`; NO_COLOR set and not empty (off); CLICOLOR_FORCE set,
/// not empty and not `0` (on, even into a pipe); CLICOLOR=0 (off); else on when standard
/// output is a terminal that is not `dumb` (TERM=dumb: Emacs's shell, some CI logs).
fn decide_color(flag: Option<&str>, terminal: bool, env: &ColorEnv) -> bool {
    let set = |v: &Option<std::ffi::OsString>| v.as_ref().is_some_and(|v| !v.is_empty());
    match flag {
        Some("always") => return true,
        Some("never") => return false,
        _ => {}
    }
    if set(&env.no_color) {
        return false;
    }
    if set(&env.clicolor_force) && env.clicolor_force.as_deref() != Some("0".as_ref()) {
        return true;
    }
    if env.clicolor.as_deref() == Some("0".as_ref()) {
        return false;
    }
    terminal && env.term.as_deref() != Some("dumb".as_ref())
}

/// The colour decision from the raw arguments, before clap parses (its help is coloured by
/// it): the last `--color WHEN` or `--color=WHEN` before a `--`, as [`decide_color`] weighs it.
fn color_of(args: &[std::ffi::OsString]) -> bool {
    let mut flag = None;
    let mut words = args.iter().skip(1).map(|a| a.to_str());
    while let Some(word) = words.next() {
        let value = match word {
            Some("--") => break,
            Some("--color") => words.next().flatten(),
            Some(w) => w.strip_prefix("--color="),
            None => None,
        };
        if value.is_some() {
            flag = value;
        }
    }
    decide_color(flag, std::io::stdout().is_terminal(), &ColorEnv::read())
}

/// `procdemo completions SHELL`: the completion script of the whole command (every demo too).
pub fn completions(shell: &str, lang: Lang) -> Vec<u8> {
    let mut out = Vec::new();
    if let Ok(shell) = shell.parse::<clap_complete::Shell>() {
        let mut command = command_with(lang, &Needed::All);
        clap_complete::generate(shell, &mut command, "procdemo", &mut out);
    }
    out
}

/// `procdemo man`: the manual page, in roff. clap_mangen writes the name, synopsis,
/// description and options; the demos and commands, the examples and the exit codes are
/// sections of procdemo's own, with the words of `--help`.
pub fn man(lang: Lang) -> Vec<u8> {
    use clap_mangen::roff::{Roff, bold, roman};
    let help = |h| crate::render::help(h, lang);
    let command = command_with(lang, &Needed::All);
    let man = clap_mangen::Man::new(command.clone());
    let mut out = Vec::new();
    let _ = man.render_title(&mut out);
    let _ = man.render_name_section(&mut out);
    let _ = man.render_synopsis_section(&mut out);
    let _ = man.render_description_section(&mut out);
    let _ = man.render_options_section(&mut out);
    let mut roff = Roff::new();
    roff.control("SH", [help(Help::Commands).to_uppercase().as_str()]);
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        roff.control("TP", []);
        roff.text([bold(sub.get_name())]);
        let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
        roff.text([roman(about)]);
    }
    // `--help`'s examples: its first line is the heading ("Examples:").
    let raw = |h| crate::render::help_text(h, lang);
    let examples = raw(Help::Examples);
    let (heading, body) = examples.split_once('\n').unwrap_or(("", examples));
    let heading = heading.trim_end_matches([':', '：']).to_uppercase();
    roff.control("SH", [heading.as_str()]);
    roff.control("nf", []);
    for line in body.lines() {
        roff.text([roman(line)]);
    }
    roff.control("fi", []);
    // One `CODE<tab>meaning` a line.
    roff.control("SH", ["EXIT STATUS"]);
    let codes = raw(Help::ExitCodes);
    for line in codes.lines() {
        let (code, meaning) = line.split_once('\t').unwrap_or(("", line));
        roff.control("TP", []);
        roff.text([bold(code)]);
        roff.text([roman(meaning)]);
    }
    let _ = roff.to_writer(&mut out);
    let _ = man.render_version_section(&mut out);
    out
}

fn unknown_demo(name: &str) -> Error {
    Error::Usage(Usage::UnknownDemo {
        name: name.to_string(),
        closest: demos::closest(name),
        demos: DEMOS.iter().map(|d| d.name).collect(),
    })
}

fn unknown_topic(name: &str) -> Error {
    Error::Usage(Usage::UnknownTopic {
        name: name.to_string(),
        topics: crate::render::reference::Topic::ALL
            .iter()
            .map(|t| t.name())
            .collect(),
    })
}

fn clap_error(e: clap::Error) -> Error {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            std::process::exit(
                if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    2
                } else {
                    0
                },
            );
        }
        ErrorKind::MissingSubcommand => Error::Usage(Usage::NoDemo {
            demos: DEMOS.iter().map(|d| d.name).collect(),
        }),
        ErrorKind::InvalidSubcommand => match e.get(ContextKind::InvalidSubcommand) {
            Some(ContextValue::String(name)) => unknown_demo(name),
            _ => Error::Usage(Usage::Clap(e.to_string())),
        },
        kind => {
            let clap = e
                .render()
                .to_string()
                .trim_start_matches("error: ")
                .trim_end()
                .to_string();
            let text = |k| match e.get(k) {
                Some(ContextValue::String(s)) => Some(s.clone()),
                _ => None,
            };
            match (
                kind,
                text(ContextKind::InvalidArg),
                text(ContextKind::InvalidValue),
            ) {
                (ErrorKind::UnknownArgument, Some(arg), _) => {
                    Error::Usage(Usage::UnknownOption { arg, clap })
                }
                (ErrorKind::InvalidValue | ErrorKind::ValueValidation, Some(arg), Some(value)) => {
                    Error::Usage(Usage::BadValue { arg, value, clap })
                }
                _ => Error::Usage(Usage::Clap(clap)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_args(args: &[&str]) -> Result<Config, Error> {
        parse(args.iter().map(Into::into), Lang::En)
    }

    #[test]
    fn options_after_a_help_topic_go_before_help() {
        let moved = |args: &[&str]| help_options_first(os(args));
        assert_eq!(
            moved(&[
                "procdemo", "--lang", "zh", "help", "watch", "--color", "never"
            ]),
            os(&[
                "procdemo", "--lang", "zh", "--color", "never", "help", "watch"
            ])
        );
        assert_eq!(
            moved(&["procdemo", "help", "check", "--lang", "zh"]),
            os(&["procdemo", "--lang", "zh", "help", "check"])
        );
        assert_eq!(
            moved(&[
                "procdemo",
                "--color",
                "never",
                "help",
                "zombie",
                "--lang=zh"
            ]),
            os(&[
                "procdemo",
                "--color",
                "never",
                "--lang=zh",
                "help",
                "zombie"
            ])
        );
        // Not the help command: unchanged.
        for line in [
            &["procdemo", "explain", "help", "--lang", "zh"][..],
            &["procdemo", "zombie", "--lang", "zh"],
        ] {
            assert_eq!(moved(line), os(line));
        }
    }

    #[test]
    fn the_command_definition_is_consistent() {
        command(Lang::En).debug_assert();
        command(Lang::Zh).debug_assert();
    }

    fn os(args: &[&str]) -> Vec<std::ffi::OsString> {
        args.iter().map(Into::into).collect()
    }

    #[test]
    fn a_line_that_runs_one_demo_needs_only_that_demos_subcommand() {
        let n = |args: &[&str]| format!("{:?}", needed(&os(args)));
        assert_eq!(n(&["procdemo", "zombie"]), "Demo(\"zombie\")");
        assert_eq!(
            n(&["procdemo", "--lang", "zh", "exec", "--explain"]),
            "Demo(\"exec\")"
        );
        assert_eq!(
            n(&["procdemo", "--lang=zh", "--color", "never", "pid1"]),
            "Demo(\"pid1\")"
        );
        assert_eq!(n(&["procdemo", "all", "--json"]), "Other");
        assert_eq!(n(&["procdemo", "--timeout", "5", "run", "x.demo"]), "Other");
        for all in [
            &["procdemo"][..],
            &["procdemo", "--help"],
            &["procdemo", "zombie", "--help"],
            &["procdemo", "zombie", "-h"],
            &["procdemo", "help", "zombie"],
            &["procdemo", "--version"],
            &["procdemo", "zombi"],
            &["procdemo", "--json"],
        ] {
            assert_eq!(n(all), "All", "{all:?}");
        }
    }

    #[test]
    fn the_lean_command_parses_every_line_as_the_whole_one_does() {
        let lines: &[&[&str]] = &[
            &["procdemo", "zombie"],
            &[
                "procdemo",
                "exec",
                "--explain",
                "--stable",
                "--color",
                "never",
            ],
            &["procdemo", "--lang", "zh", "pid1", "--json-events"],
            &["procdemo", "all", "--json", "--timeout", "7"],
            &["procdemo", "run", "my.demo", "--size", "4", "--delay", "10"],
            &["procdemo", "quiz", "--seed", "7", "--reverse"],
            &["procdemo", "explain", "states"],
            &["procdemo", "list"],
            &["procdemo", "show", "wait"],
            &[
                "procdemo",
                "watch",
                "--max-procs",
                "9",
                "--",
                "python3",
                "-c",
                "x",
            ],
            &[
                "procdemo",
                "--json",
                "watch",
                "-o",
                "r.txt",
                "--kill-rest",
                "--",
                "ls",
            ],
            &[
                "procdemo",
                "sigchld-handler",
                "--tree",
                "--python",
                "--answers",
            ],
        ];
        for line in lines {
            let args = os(line);
            let whole = command_with(Lang::En, &Needed::All)
                .try_get_matches_from(&args)
                .map(|m| config(&m));
            let lean = command_with(Lang::En, &needed(&args))
                .try_get_matches_from(&args)
                .map(|m| config(&m));
            assert!(whole.is_ok() && lean.is_ok(), "{line:?}");
            assert_eq!(format!("{whole:?}"), format!("{lean:?}"), "{line:?}");
        }
    }

    #[test]
    fn watch_takes_the_command_after_dashes_with_its_own_options_untouched() {
        let c = parse_args(&[
            "procdemo",
            "--lang",
            "en",
            "watch",
            "--json",
            "--max-procs",
            "9",
            "--",
            "ls",
            "-l",
            "--json",
            "--lang",
            "zh",
        ])
        .unwrap();
        let Task::Watch {
            options, report, ..
        } = c.task
        else {
            panic!("{:?}", c.task)
        };
        assert_eq!(options.argv, ["ls", "-l", "--json", "--lang", "zh"]);
        assert_eq!(options.limit, 9);
        assert!(!options.kill_rest && report.is_none());
        assert!(c.output.json && c.output.lang == Lang::En);
        assert!(parse_args(&["procdemo", "watch"]).is_err());
        assert!(parse_args(&["procdemo", "watch", "--max-procs", "0", "--", "ls"]).is_err());
        let e = parse_args(&["procdemo", "watch", "--stable", "--", "ls"]).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("--stable does not apply"), "{e}");
    }

    #[test]
    fn a_demo_name_runs_that_demo_with_global_flags_after_it() {
        let c = parse_args(&["procdemo", "orphan", "--explain", "--color", "never"]).unwrap();
        assert_eq!(
            c.task,
            Task::Run {
                sources: vec![Source::Builtin("orphan")],
                summary: false
            }
        );
        assert!(c.output.explain && !c.output.color && !c.output.json);
    }

    #[test]
    fn the_first_locale_variable_set_and_not_empty_decides_the_language() {
        use Lang::{En, Zh};
        assert_eq!(Lang::from_env(None, None, None), En);
        assert_eq!(Lang::from_env(None, None, Some("zh_CN.UTF-8")), Zh);
        assert_eq!(Lang::from_env(None, None, Some("zh_TW")), Zh);
        assert_eq!(Lang::from_env(None, None, Some("zh")), Zh);
        assert_eq!(Lang::from_env(None, Some("en_US.UTF-8"), Some("zh_CN")), En);
        assert_eq!(
            Lang::from_env(Some("zh_CN.UTF-8"), Some("C"), Some("en")),
            Zh
        );
        assert_eq!(Lang::from_env(Some(""), Some("zh_HK"), Some("en")), Zh);
        assert_eq!(Lang::from_env(Some(""), Some(""), Some("C.UTF-8")), En);
        assert_eq!(Lang::from_env(None, None, Some("")), En);
        assert_eq!(Lang::from_env(Some("C"), None, Some("zh_CN")), En);
    }

    #[test]
    fn lang_on_the_command_line_wins_over_the_locale() {
        let c = parse_args(&["procdemo", "zombie", "--lang", "zh"]).unwrap();
        assert_eq!(c.output.lang, Lang::Zh);
        let c = parse_args(&["procdemo", "--lang", "en", "zombie", "--python"]).unwrap();
        assert_eq!(c.output.lang, Lang::En);
        assert!(c.output.python);
        assert!(parse_args(&["procdemo", "zombie", "--lang", "fr"]).is_err());
    }

    #[test]
    fn the_language_is_read_from_the_raw_arguments_before_clap_parses() {
        let lang = |args: &[&str]| {
            let args: Vec<std::ffi::OsString> = args.iter().map(Into::into).collect();
            lang_of(&args)
        };
        assert_eq!(lang(&["procdemo", "--lang", "zh", "--help"]), Lang::Zh);
        assert_eq!(lang(&["procdemo", "zombi", "--lang=zh"]), Lang::Zh);
        assert_eq!(
            lang(&["procdemo", "--lang", "zh", "--lang", "en"]),
            Lang::En
        );
        assert_eq!(lang(&["procdemo", "--lang", "fr", "zombie"]), Lang::En);
        // After `--` a word is an operand, not an option.
        assert_eq!(
            lang(&["procdemo", "--lang", "en", "run", "--", "--lang=zh"]),
            Lang::En
        );
    }

    #[test]
    fn the_timeline_comes_with_explain_or_timeline_unless_no_timeline() {
        let timeline = |args: &[&str]| {
            let mut all = vec!["procdemo", "zombie"];
            all.extend(args);
            parse_args(&all).unwrap().output.timeline
        };
        assert!(!timeline(&[]));
        assert!(timeline(&["--explain"]));
        assert!(timeline(&["--timeline"]));
        assert!(!timeline(&["--explain", "--no-timeline"]));
        assert!(parse_args(&["procdemo", "zombie", "--timeline", "--no-timeline"]).is_err());
        assert!(
            parse_args(&["procdemo", "zombie", "--tree"])
                .unwrap()
                .output
                .tree
        );
    }

    #[test]
    fn show_takes_a_demo_and_explain_a_known_topic() {
        use crate::render::reference::Topic;
        let task = |args: &[&str]| parse_args(args).map(|c| c.task);
        assert_eq!(
            task(&["procdemo", "show", "zombie"]).unwrap(),
            Task::Show("zombie")
        );
        assert_eq!(
            task(&["procdemo", "show", "zombi"])
                .unwrap_err()
                .exit_code(),
            2
        );
        assert_eq!(task(&["procdemo", "explain"]).unwrap(), Task::Explain(None));
        assert_eq!(
            task(&["procdemo", "explain", "wait-status"]).unwrap(),
            Task::Explain(Some(Topic::WaitStatus))
        );
        let e = task(&["procdemo", "explain", "zombies"]).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(
            e.to_string()
                .contains("states, stat-flags, wait-status, orphan, sigchld"),
            "{e}"
        );
    }

    #[test]
    fn the_colour_flag_wins_then_no_color_then_clicolor_force_then_clicolor_then_the_terminal() {
        let os = |v: &str| Some(std::ffi::OsString::from(v));
        let env = |no: Option<&str>, force: Option<&str>, cli: Option<&str>, term: &str| ColorEnv {
            no_color: no.and_then(os),
            clicolor_force: force.and_then(os),
            clicolor: cli.and_then(os),
            term: os(term),
        };
        let plain = env(None, None, None, "xterm");
        assert!(decide_color(None, true, &plain));
        assert!(!decide_color(None, false, &plain));
        assert!(!decide_color(
            Some("auto"),
            true,
            &env(None, None, None, "dumb")
        ));
        // The flag beats everything.
        let all = env(Some("1"), Some("1"), Some("0"), "dumb");
        assert!(decide_color(Some("always"), false, &all));
        assert!(!decide_color(Some("never"), true, &plain));
        // NO_COLOR (not empty) beats CLICOLOR_FORCE.
        assert!(!decide_color(
            None,
            true,
            &env(Some("1"), Some("1"), None, "xterm")
        ));
        assert!(decide_color(
            None,
            false,
            &env(Some(""), Some("1"), None, "xterm")
        ));
        // CLICOLOR_FORCE forces colour into a pipe, and beats CLICOLOR=0 and TERM=dumb;
        // empty or 0 does not force.
        assert!(decide_color(
            None,
            false,
            &env(None, Some("1"), Some("0"), "dumb")
        ));
        assert!(!decide_color(
            None,
            false,
            &env(None, Some("0"), None, "xterm")
        ));
        assert!(!decide_color(
            None,
            false,
            &env(None, Some(""), None, "xterm")
        ));
        // CLICOLOR=0 turns a terminal's colour off; another value leaves it to the terminal.
        assert!(!decide_color(
            None,
            true,
            &env(None, None, Some("0"), "xterm")
        ));
        assert!(decide_color(
            None,
            true,
            &env(None, None, Some("1"), "xterm")
        ));
        assert!(!decide_color(
            None,
            false,
            &env(None, None, Some("1"), "xterm")
        ));
    }

    #[test]
    fn json_is_refused_by_the_commands_that_print_text_for_people() {
        let code = |args: &[&str]| {
            parse_args(args)
                .map(|_| 0)
                .unwrap_or_else(|e| e.exit_code())
        };
        for args in [
            &["procdemo", "explain", "--json"][..],
            &["procdemo", "show", "zombie", "--json"],
            &["procdemo", "--json", "man"],
            &["procdemo", "completions", "bash", "--json"],
            &["procdemo", "quiz", "--show-script", "--json"],
            &["procdemo", "quiz", "--count", "3", "--json"],
            &["procdemo", "list", "--json-events"],
        ] {
            assert_eq!(code(args), 2, "{args:?}");
        }
        for args in [
            &["procdemo", "list", "--json"][..],
            &["procdemo", "quiz", "--json"],
            &["procdemo", "zombie", "--json-events"],
            &["procdemo", "run", "-", "--json"],
        ] {
            assert_eq!(code(args), 0, "{args:?}");
        }
        let e = parse_args(&["procdemo", "explain", "--json"]).unwrap_err();
        assert!(e.to_string().contains("--json"), "{e}");
    }

    #[test]
    fn run_dash_reads_the_script_from_standard_input() {
        let c = parse_args(&["procdemo", "run", "-"]).unwrap();
        assert_eq!(
            c.task,
            Task::Run {
                sources: vec![Source::Stdin],
                summary: false
            }
        );
    }

    #[test]
    fn an_unknown_demo_suggests_the_nearest_and_lists_them_all() {
        let e = parse_args(&["procdemo", "zombi"]).unwrap_err();
        let msg = e.to_string();
        assert_eq!(e.exit_code(), 2);
        assert!(
            msg.contains("Did you mean `zombie`?") && msg.contains("orphan"),
            "{msg}"
        );
    }
}
