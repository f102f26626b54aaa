//! Rendering: the only place that knows English (and, later, other languages) and JSON.
//!
//! The runner streams typed [`Event`]s; the front end hands each one to a [`Render`] as it
//! arrives, and the renderer writes what that event shows at once: text for people
//! ([`text`]), one JSON document per run or one JSON line per event ([`json`]). Every word
//! comes from a [`Words`] implementation ([`en::En`]) through exhaustive matches over the
//! model, so a second language is one more module of the same shape that the compiler forces
//! to be complete. Layout (columns, trees, wrapping to the terminal's width, colour) knows
//! no language.

pub mod check;
pub mod html;
pub mod i18n;
pub mod inspect;
pub mod json;
pub mod judge;
pub mod list;
pub mod reference;
pub mod sanitize;
pub mod text;
pub mod timeline;
pub mod watch;
pub mod wrap;

#[cfg(test)]
mod tests;

pub use i18n::{en, pseudo, words, zh};
pub use list::list_json;
pub use words::{Help, Words};

use crate::engine::model::{
    DemoResult, Event, Failure, Observation, Origin, Parent, RunnerProblem, Value,
};
use crate::script::{RUNNER, RoleId, Script, StepKind};

/// One output of a run. A run's outputs are a list ([`outputs`]), each fed the same events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Text for people, written as each event arrives.
    Text,
    /// One JSON document per run, on one line, written at the run's end.
    Json,
    /// The engine's own events, exactly as the runner streams them (serde's form of
    /// `model::Event`, one a line): for recording the fixtures the render tests replay.
    Wire,
    /// JSON Lines: one object per event, written as it arrives.
    JsonEvents,
    /// `--html FILE`: the run as a page in this file, written at each run's end (it writes
    /// nothing on standard output).
    Html(&'static std::path::Path),
}

/// How to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Print the narration (`say` paragraphs).
    pub explain: bool,
    /// Roles instead of PIDs, no timings, nothing that varies or depends on privilege.
    pub stable: bool,
    /// The widest line text output may print, in display columns (see [`terminal_width`]).
    pub width: usize,
    /// After the run, its `ask` questions and the answers this run showed (`--answers`).
    pub answers: bool,
    /// The language of the words (and of the narration, where the script has it).
    pub lang: Lang,
    /// `--lang` chose the language (not the locale): only then does JSON carry words.
    pub lang_asked: bool,
    /// Beside each action's result, the course's Python line that makes the same call.
    pub python: bool,
    /// Draw the timeline at the end of a run (text: after the steps).
    pub timeline: bool,
    /// Draw every observation as a process tree, not only `tree` steps.
    pub tree: bool,
    /// `--html FILE`: also write the run as a page to this file (see [`html`]).
    pub html: Option<&'static std::path::Path>,
    /// Show only the trees (a `quiz --reverse` run: the tree is the question, the steps that
    /// made it the answer).
    pub trees_only: bool,
}

/// A language procdemo speaks. Only `render/` knows its words; the command line only picks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    Zh,
    /// The pseudo-locale `en-XA`, a test language: English with every message bracketed
    /// (`i18n/pseudo.rs`); a script's own lines are its English ones.
    EnXa,
}

impl Lang {
    /// Every language, in the order `--lang` lists them.
    pub const ALL: &[Lang] = &[Lang::Zh, Lang::En, Lang::EnXa];

    /// The language's code, as a script's `title.LANG` and `say.LANG` lines name it and
    /// `--lang` takes it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
            Lang::EnXa => "en-XA",
        }
    }

    /// A test language, left out of `--help`'s list.
    pub fn hidden(self) -> bool {
        matches!(self, Lang::EnXa)
    }

    /// The language `--lang CODE` names (English for a code procdemo does not speak).
    pub fn of_code(code: &str) -> Lang {
        Lang::ALL
            .iter()
            .copied()
            .find(|l| l.code() == code)
            .unwrap_or(Lang::En)
    }

    /// The language of a locale name: one starting `zh` (`zh_CN.UTF-8`, `zh_TW`, `zh`) is
    /// Chinese, anything else English.
    pub fn of_locale(locale: &str) -> Lang {
        if locale.starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The language the environment asks for: the first of `LC_ALL`, `LC_MESSAGES`, `LANG`
    /// that is set and not empty decides, as for gettext. Pure: the caller reads them.
    pub fn from_env(lc_all: Option<&str>, lc_messages: Option<&str>, lang: Option<&str>) -> Lang {
        [lc_all, lc_messages, lang]
            .into_iter()
            .flatten()
            .find(|v| !v.is_empty())
            .map_or(Lang::En, Lang::of_locale)
    }
}

impl crate::script::ParseError {
    /// What is wrong, in English (the text after `FILE:LINE: `).
    pub fn message(&self) -> String {
        parse_problem(&self.problem, Lang::En)
    }
}

/// `FILE:LINE: what was expected`, in English (the engine's types carry no words; main says
/// them in the chosen language through [`error_text`]).
impl std::fmt::Display for crate::script::ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message())
    }
}

/// The message in English; main prints it in the chosen language ([`error_text`]).
impl std::fmt::Display for crate::engine::error::Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&error_text(self, Lang::En))
    }
}

/// One output of a run: fed the run's events in order, it writes what each shows.
pub trait Render {
    /// Write what this event shows, at once. `ctx` has already learnt the event (the PIDs it
    /// gives): one [`Ctx`], kept by [`Outputs`], learns each event once for every output.
    /// The caller flushes after each call.
    fn event(
        &mut self,
        event: &Event,
        ctx: &Ctx,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()>;

    /// Why the run failed, in words (the `FAILED:` message), once a `Failed` event has come:
    /// for the front end to repeat on stderr after a `--json` run, as procdemo always has.
    fn failure(&self, _ctx: &Ctx) -> Option<String> {
        None
    }
}

/// The words of a language.
fn words(lang: Lang) -> &'static dyn Words {
    match lang {
        Lang::En => &en::En,
        Lang::Zh => &zh::Zh,
        Lang::EnXa => &pseudo::Pseudo,
    }
}

/// Why a script was rejected, in `lang`: the text after `FILE:LINE: `.
pub fn parse_problem(problem: &crate::script::ParseProblem, lang: Lang) -> String {
    words(lang).parse_problem(problem)
}

/// A failed demo's message repeated on stderr after a `--json` run.
pub fn json_failed(demo: &str, message: &str, lang: Lang) -> String {
    words(lang).json_failed(demo, message)
}

/// A script's own words (a demo's title in a list) in `lang`: as they are, but marked apart
/// from the program's words in the pseudo-locale.
pub fn script_text(text: &str, lang: Lang) -> String {
    words(lang).script_text(text)
}

/// A text of `--help` in `lang`.
pub fn help(help: words::Help, lang: Lang) -> String {
    fit_help(words(lang).help(help), lang)
}

/// A text of `--help` in `lang` as written, for a manual page (roff lays it out itself).
pub fn help_text(help: words::Help, lang: Lang) -> &'static str {
    words(lang).help(help)
}

/// A help text (or a demo's title shown in help) as clap should get it: its paragraphs
/// reflowed, and in a language without spaces, wrapped here.
pub fn fit_help(text: &str, lang: Lang) -> String {
    let text = wrap::reflow(text);
    if help_wraps_itself(lang) {
        // clap wraps only at spaces: a Chinese paragraph is wrapped here, between
        // characters, to the width clap leaves it on the line under its option.
        let width = terminal_width().saturating_sub(HELP_INDENT).max(24);
        text.lines()
            .flat_map(|l| {
                if l.starts_with(char::is_whitespace) || l.is_empty() {
                    vec![l.to_string()]
                } else {
                    wrap::wrap(l, width)
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        text
    }
}

/// Columns clap indents an option's help by when it puts it on the next line, and a margin.
const HELP_INDENT: usize = 14;

/// Whether this language's help is wrapped by procdemo (its text has no spaces to break at),
/// so that clap must put each option's help on the line under it.
pub fn help_wraps_itself(lang: Lang) -> bool {
    words(lang)
        .help(words::Help::About)
        .chars()
        .any(|c| unicode_width::UnicodeWidthChar::width(c) == Some(2))
}

/// The line printed if memory runs out (the allocator prints it without allocating).
pub fn out_of_memory(lang: Lang) -> &'static str {
    match lang {
        Lang::En | Lang::EnXa => en::OUT_OF_MEMORY,
        Lang::Zh => zh::OUT_OF_MEMORY,
    }
}

/// An error's message in `lang`, as main prints it after `procdemo: `. A message may quote a
/// path or a script's words: no control character of theirs reaches the terminal.
pub fn error_text(error: &crate::engine::error::Error, lang: Lang) -> String {
    use crate::engine::error::Error;
    use sanitize::escape_lines;
    let w = words(lang);
    match error {
        Error::Usage(u) => escape_lines(&w.usage(u)).into_owned(),
        Error::System(s) => escape_lines(&w.system(s)).into_owned(),
        Error::Script(e) => escape_lines(&format!(
            "{}:{}: {}",
            e.file,
            e.line,
            w.parse_problem(&e.problem)
        ))
        .into_owned(),
        Error::DemoFailed => w.demo_failed().to_string(),
        Error::Interrupted(sig) => w.interrupted(&signal_name(*sig)),
        Error::Quit => w.quit().to_string(),
        Error::Watch { command, problem } => {
            escape_lines(&w.watch_problem(command, problem)).into_owned()
        }
    }
}

/// One run's outputs, in the order given, fed the same events (in the manner of
/// hyperfine's `ExportManager`). The demo's name and title come from `script`.
pub fn outputs<'a>(
    formats: &[Format],
    script: &'a Script,
    origin: &'a Origin,
    style: Style,
) -> Outputs<'a> {
    let w = words(style.lang);
    let list = formats
        .iter()
        .map(|format| -> Box<dyn Render + 'a> {
            match *format {
                Format::Text => Box::new(text::Text::new(w, script, origin, style)),
                Format::Json => Box::new(json::Document::new(w, script, origin, style)),
                Format::JsonEvents => Box::new(json::Lines::new(w, script, origin, style)),
                Format::Wire => Box::new(json::Wire),
                Format::Html(path) => Box::new(html::Page::new(w, script, origin, style, path)),
            }
        })
        .collect();
    Outputs {
        ctx: Ctx::new(w, script, style.stable),
        list,
    }
}

/// The outputs chosen for a run and the one [`Ctx`] they share: each event is learnt once,
/// then every output is fed it, in order.
pub struct Outputs<'a> {
    ctx: Ctx<'a>,
    list: Vec<Box<dyn Render + 'a>>,
}

impl Outputs<'_> {
    /// Learn what the event gives, then have every output write what it shows.
    pub fn event(&mut self, event: &Event, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        self.ctx.learn(event);
        for output in &mut self.list {
            output.event(event, &self.ctx, out)?;
        }
        Ok(())
    }

    /// Why the run failed, in words, as the first output that knows says it.
    pub fn failure(&self) -> Option<String> {
        self.list.iter().find_map(|o| o.failure(&self.ctx))
    }
}

/// `procdemo explain TOPIC`: the topic's reference table (`None`: the list of topics).
pub fn explain(topic: Option<reference::Topic>, width: usize, lang: Lang) -> String {
    match topic {
        Some(t) => reference::table(words(lang), t, width),
        None => reference::topics(words(lang), width),
    }
}

/// The `procdemo all` summary, in the first format of the list that writes to standard
/// output: text, or one JSON line (for both JSON formats).
pub fn summary(results: &[DemoResult], formats: &[Format], style: Style) -> String {
    let first = formats.iter().find(|f| !matches!(f, Format::Html(_)));
    match first {
        Some(Format::Text) => text::summary(words(style.lang), results, style),
        Some(Format::Json | Format::JsonEvents) => json::summary(words(style.lang), results, style),
        Some(Format::Wire | Format::Html(_)) | None => String::new(),
    }
}

/// The lines a `--step` pause shows on the terminal before step `step`: the step, the keys,
/// and ready commands for another terminal (`ps` of the processes alive, `pstree` of the
/// runner). `pids`: the run's processes so far, the runner's first.
pub fn pause(script: &Script, step: usize, pids: &[i32], style: Style) -> String {
    let w = words(style.lang);
    let Some(s) = script.steps.get(step) else {
        return String::new();
    };
    let text = sanitize::escape(&s.text);
    let alive: Vec<String> = pids
        .iter()
        .skip(1)
        .filter(|p| std::path::Path::new(&format!("/proc/{p}")).exists())
        .map(|p| p.to_string())
        .collect();
    // One line to say what comes next and which keys go on (the step's text cut to fit),
    // then the commands to run in another terminal, on a line of their own and never
    // wrapped, so that copying it copies a command that runs.
    let width = style.width.max(24);
    let room = width.saturating_sub(wrap::width(&w.pause("", s.line)));
    let prompt = w.pause(&wrap::truncate(&text, room), s.line);
    let pstree = format!("pstree -p {}", pids.first().copied().unwrap_or(0));
    let ps = format!("ps -o pid,ppid,stat,comm -p {}", alive.join(","));
    let look = match (alive.is_empty(), format!("  {ps}   {pstree}")) {
        (true, _) => format!("  {pstree}"),
        (false, both) if wrap::width(&both) <= width => both,
        (false, _) => format!("  {ps}"),
    };
    format!("{prompt}\n{look}\n")
}

/// How many rows of a terminal `columns` wide this text takes (a line wider than the
/// terminal takes more than one): what a pause erases when a key ends it.
pub fn rows(text: &str, columns: usize) -> usize {
    text.lines()
        .map(|l| wrap::width(l).div_ceil(columns.max(1)).max(1))
        .sum()
}

/// The question of an `ask` step in `lang`: its `ask.LANG` line, where it has one.
pub fn question(kind: &StepKind, lang: Lang) -> Option<&str> {
    match kind {
        StepKind::Ask { question, .. } => Some(question.get(lang.code())),
        _ => None,
    }
}

/// Lines a `--predict` run shows on the terminal: a question (wrapped to the width, never
/// inside a word), then where the answer is typed.
pub fn question_prompt(script: &Script, ask: usize, style: Style) -> String {
    let Some(q) = script
        .steps
        .get(ask)
        .and_then(|s| question(&s.kind, style.lang))
    else {
        return String::new();
    };
    let (mark, prompt) = words(style.lang).ask_prompt();
    let mut out = String::new();
    let question = words(style.lang).script_text(&sanitize::escape(q));
    for l in wrap::hang(mark, wrap::width(mark), &question, style.width.max(24), 2) {
        out.push_str(&l);
        out.push('\n');
    }
    out + prompt
}

/// The reveal of one answer: the student's, what the kernel showed (a process with its PID),
/// right or wrong, and for some wrong answers one sentence on why. None for an empty answer,
/// which is asked again.
pub fn reveal(
    script: &Script,
    pids: &[(RoleId, i32)],
    answer: &str,
    value: &Value,
    style: Style,
) -> (String, Option<bool>) {
    let mut ctx = Ctx::new(words(style.lang), script, style.stable);
    let mut learnt = Vec::new();
    for (r, p) in pids {
        // A role's first PID is the runner's view; later ones are inner namespaces'.
        if !learnt.contains(r) {
            learnt.push(*r);
            ctx.learn(&Event::Spawned {
                role: *r,
                pid: *p,
                ns_pids: Vec::new(),
            });
        }
    }
    let verdict = judge::judge(answer, value, script, pids);
    let w = words(style.lang);
    let mut shown = w.value(value, &ctx);
    let pid_of = |r: RoleId| pids.iter().find(|(x, _)| *x == r).map(|(_, p)| *p);
    if let Value::Parent(Parent::Role(r)) = value
        && let Some(pid) = pid_of(*r)
    {
        shown = format!("{shown} (PID {pid})");
    }
    let mut line = w.reveal(&sanitize::escape(answer.trim()), &shown, verdict.right);
    if let Some(hint) = &verdict.hint {
        line.push_str(&w.reveal_hint(hint));
    }
    let text = line
        .lines()
        .flat_map(|l| {
            let indent = l.len() - l.trim_start().len();
            wrap::hang(
                &l[..indent],
                indent,
                l.trim_start(),
                style.width.max(24),
                indent + 2,
            )
        })
        .map(|l| l + "\n")
        .collect();
    (text, verdict.right)
}

/// `--worksheet`: a demo's questions without their answers, numbered, each with a line to
/// write on: a handout for before the class (`--answers` after a run is its key).
pub fn worksheet(script: &Script, style: Style) -> String {
    let w = words(style.lang);
    let width = style.width.max(24);
    let mut out = String::new();
    let title = w.script_text(title(script, w));
    for l in wrap::hang(
        &format!("{}: ", script.name),
        wrap::width(&script.name) + 2,
        &title,
        width,
        4,
    ) {
        out.push_str(&l);
        out.push('\n');
    }
    let questions: Vec<&str> = script
        .steps
        .iter()
        .filter_map(|s| question(&s.kind, style.lang))
        .collect();
    if questions.is_empty() {
        return out;
    }
    for l in wrap::wrap(w.worksheet(), width) {
        out.push_str(&l);
        out.push('\n');
    }
    for (i, q) in questions.iter().enumerate() {
        let prefix = format!("  {:>2}. ", i + 1);
        let q = w.script_text(&sanitize::escape(q));
        for l in wrap::hang(&prefix, wrap::width(&prefix), &q, width, 6) {
            out.push_str(&l);
            out.push('\n');
        }
        out.push_str(&format!(
            "      {}\n\n",
            "_".repeat(width.saturating_sub(8).min(40))
        ));
    }
    out
}

/// `procdemo replay`: the line that says a run shown is a replay, not a run.
pub fn replay_notice(file: &str, name: &str, style: Style) -> String {
    let text = words(style.lang).say(&i18n::present::Msg::ReplayNotice {
        file: file.to_string(),
        name: name.to_string(),
    });
    wrap::wrap(&text, style.width.max(24)).join("\n") + "\n"
}

/// `quiz --count`: the key's heading (each exercise's tree follows under its own title).
pub fn quiz_key(style: Style) -> String {
    let text = words(style.lang).say(&i18n::present::Msg::QuizKey);
    wrap::wrap(&text, style.width.max(24)).join("\n") + "\n"
}

/// A quiz's exercise, as text: what the student must work out, and each move.
pub fn quiz_exercise(quiz: &crate::script::quiz::Quiz, style: Style) -> String {
    let w = words(style.lang);
    let para = |text: String| wrap::wrap(&text, style.width.max(24)).join("\n") + "\n";
    para(w.quiz_intro(quiz.seed)) + &quiz_moves(quiz, style) + &para(w.quiz_task())
}

/// A reversed quiz: the task under the tree, and the heading of the moves that made it.
pub fn quiz_reverse(style: Style) -> (String, String) {
    let w = words(style.lang);
    let task = wrap::wrap(&w.quiz_reverse_task(), style.width.max(24)).join("\n");
    (task, w.quiz_moves_were())
}

/// The moves of a quiz, numbered (the key of a reversed quiz).
pub fn quiz_moves(quiz: &crate::script::quiz::Quiz, style: Style) -> String {
    let w = words(style.lang);
    let mut out = String::new();
    for (i, m) in quiz.moves.iter().enumerate() {
        let prefix = format!("  {:>2}. ", i + 1);
        for l in wrap::hang(
            &prefix,
            wrap::width(&prefix),
            &w.quiz_move(m),
            style.width.max(24),
            6,
        ) {
            out.push_str(&l);
            out.push('\n');
        }
    }
    out
}

/// The prompt before a quiz runs for real.
pub fn quiz_go(style: Style) -> String {
    words(style.lang).quiz_go()
}

/// The score at the end of a `--predict` run.
pub fn score(right: usize, judged: usize, asked: usize, style: Style) -> String {
    words(style.lang).score(right, judged, asked)
}

/// A runner that ended abnormally, in words for stderr: `left` is how many processes the
/// front end killed and reaped after it.
pub fn runner_problem(name: &str, problem: &RunnerProblem, left: usize, style: Style) -> String {
    words(style.lang).runner_problem(name, problem, left)
}

/// A command line as a shell would show it: an empty argument, or one with white space,
/// quoted.
pub(super) fn cmdline_text(cmdline: &crate::engine::model::Cmdline) -> String {
    cmdline
        .args
        .iter()
        .map(|a| {
            if a.is_empty() || a.contains(char::is_whitespace) {
                format!("'{a}'")
            } else {
                a.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The signals of a mask by name, comma-separated; None when it is empty.
pub(super) fn signal_list(mask: u64) -> Option<String> {
    let names: Vec<String> = crate::engine::model::SignalMasks::signals(mask)
        .into_iter()
        .map(signal_name)
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}

/// How many different worker PIDs sent a pool's results.
pub(super) fn distinct_workers(results: &[crate::script::actions::TaskResult]) -> usize {
    results
        .iter()
        .map(|r| r.pid)
        .collect::<std::collections::BTreeSet<_>>()
        .len()
}

/// Any signal's name, as C names it: `SIGALRM`, `SIGRTMIN+3` (the same in every language).
pub fn signal_name(signal: i32) -> String {
    let (min, max) = (libc::SIGRTMIN(), libc::SIGRTMAX());
    match nix::sys::signal::Signal::try_from(signal) {
        Ok(s) => s.as_str().to_string(),
        Err(_) if signal == min => "SIGRTMIN".to_string(),
        Err(_) if signal == max => "SIGRTMAX".to_string(),
        Err(_) if (min..max).contains(&signal) => format!("SIGRTMIN+{}", signal - min),
        Err(_) => format!("signal {signal}"),
    }
}

/// The width text output fits: the terminal's when stdout is one, else `COLUMNS` if it is a
/// positive number, else 100.
pub fn terminal_width() -> usize {
    use std::io::IsTerminal;
    let stdout = std::io::stdout();
    if stdout.is_terminal()
        && let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size_of(&stdout)
        && w > 0
    {
        return w as usize;
    }
    columns_from(std::env::var("COLUMNS").ok().as_deref())
}

/// The widest line of text written to standard error (`procdemo watch`'s report): its
/// terminal's width if it is one, else as [`terminal_width`] says.
pub fn stderr_width() -> usize {
    use std::io::IsTerminal;
    let stderr = std::io::stderr();
    if stderr.is_terminal()
        && let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size_of(&stderr)
        && w > 0
    {
        return w as usize;
    }
    terminal_width()
}

/// `COLUMNS` if it is a positive number, else 100.
fn columns_from(columns: Option<&str>) -> usize {
    columns
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
        .unwrap_or(100)
}

/// What a renderer knows about the run so far: the script (role names, step texts), the PID
/// each role has had, and how to show a PID.
#[derive(Clone)]
pub struct Ctx<'a> {
    pub words: &'static dyn Words,
    pub script: &'a Script,
    /// Each role's PID, once known (the runner's from `Begin`, the others' from `Spawned`).
    pub pids: Vec<Option<i32>>,
    /// Each role's NSpid, for a process in a PID namespace below the runner's.
    pub ns_pids: Vec<Vec<i32>>,
    pub stable: bool,
    /// The depth of the PID namespace the PIDs being shown were seen from: 0, the runner's;
    /// 1 for a result reported by a process one namespace down, which sees PIDs there.
    pub level: usize,
}

impl<'a> Ctx<'a> {
    pub fn new(words: &'static dyn Words, script: &'a Script, stable: bool) -> Ctx<'a> {
        Ctx {
            words,
            script,
            pids: vec![None; script.roles.len().max(1)],
            ns_pids: vec![Vec::new(); script.roles.len().max(1)],
            stable,
            level: 0,
        }
    }

    /// The same, for showing the result of a step (an action, or `await ROLE done`): PIDs as
    /// the role that performed it saw them.
    pub fn for_step(&self, step: usize) -> Ctx<'a> {
        match self.step(step).map(|s| &s.kind) {
            Some(StepKind::Act { role, .. } | StepKind::Await { role, .. }) => self.seen_by(*role),
            _ => self.clone(),
        }
    }

    /// The same, for showing what `role` reported: PIDs as that process saw them.
    pub fn seen_by(&self, role: RoleId) -> Ctx<'a> {
        Ctx {
            level: self
                .ns_pids
                .get(role)
                .map_or(0, |n| n.len().saturating_sub(1)),
            ..self.clone()
        }
    }

    /// The same knowledge, for an output that holds its own reference to the script.
    pub fn with_script<'b>(&self, script: &'b Script) -> Ctx<'b> {
        Ctx {
            words: self.words,
            script,
            pids: self.pids.clone(),
            ns_pids: self.ns_pids.clone(),
            stable: self.stable,
            level: self.level,
        }
    }

    /// Note the PIDs an event gives.
    pub fn learn(&mut self, event: &Event) {
        match event {
            Event::Begin { runner_pid } => self.pids[RUNNER] = Some(*runner_pid),
            Event::Spawned { role, pid, ns_pids } => {
                if *role >= self.pids.len() {
                    self.pids.resize(*role + 1, None);
                    self.ns_pids.resize(*role + 1, Vec::new());
                }
                self.pids[*role] = Some(*pid);
                self.ns_pids[*role] = ns_pids.clone();
            }
            _ => {}
        }
    }

    pub fn runner_pid(&self) -> Option<i32> {
        self.pids[RUNNER]
    }

    /// A role's name (`?` for an id the script does not have).
    pub fn role(&self, id: RoleId) -> &'a str {
        self.script.roles.get(id).map_or("?", String::as_str)
    }

    /// The role that had this PID, if any (the runner first), as seen from `self.level`.
    pub fn role_of(&self, pid: i32) -> Option<&'a str> {
        self.role_id_of(pid).map(|r| self.role(r))
    }

    /// The id of the role that had this PID, as seen from `self.level`.
    pub fn role_id_of(&self, pid: i32) -> Option<RoleId> {
        if self.level == 0 {
            return self.pids.iter().position(|p| *p == Some(pid));
        }
        self.ns_pids
            .iter()
            .position(|n| n.get(self.level) == Some(&pid))
    }

    /// A PID as shown: the number, or with --stable the role that had it (`<child>`).
    pub fn pid(&self, pid: i32) -> String {
        match (self.stable, self.role_of(pid)) {
            (false, _) => pid.to_string(),
            (true, Some(role)) => format!("<{role}>"),
            (true, None) => format!("<{}>", self.words.other_process()),
        }
    }

    /// A step's text as written in the script.
    pub fn step_text(&self, step: usize) -> &'a str {
        self.script.steps.get(step).map_or("?", |s| s.text.as_str())
    }

    /// The step, if the script has it.
    pub fn step(&self, step: usize) -> Option<&'a crate::script::Step> {
        self.script.steps.get(step)
    }

    /// The PPID column: `123 (parent)`, with --stable `<parent>` (or `<comm>` for a parent
    /// outside the demo); `-` when there is none.
    pub fn ppid(&self, o: &Observation) -> String {
        use crate::engine::model::Parent;
        let (Some(ppid), Some(parent)) = (o.ppid, &o.parent) else {
            return "-".into();
        };
        let name = match parent {
            Parent::Role(r) => self.role(*r).to_string(),
            Parent::Other { comm } => comm.clone(),
            Parent::Unknown => "?".to_string(),
        };
        if !self.stable {
            return format!("{ppid} ({name})");
        }
        match (parent, self.role_of(ppid)) {
            (Parent::Role(_), _) => format!("<{name}>"),
            (_, Some(role)) => format!("<{role}>"),
            (_, None) => format!("<{name}>"),
        }
    }

    /// Whether --stable output must leave this observation's state out. A reaped process
    /// is gone for everyone.
    pub fn hidden(&self, o: &Observation) -> bool {
        self.stable && o.depends_on_privilege && o.state.is_alive()
    }

    /// The STAT cell of an observation: `?` where --stable hides it.
    pub fn stat_cell(&self, o: &Observation) -> String {
        if self.hidden(o) {
            "?".into()
        } else {
            o.stat.clone().unwrap_or_else(|| o.state.code())
        }
    }

    /// What the state means, in words (or why --stable leaves it out).
    pub fn state_cell(&self, o: &Observation) -> String {
        if self.hidden(o) {
            self.words.state_hidden().to_string()
        } else {
            self.words.state_column(o, self.stable)
        }
    }
}

/// A CPU time in ns as people read it: `200.4 ms`, `1.52 s`.
pub(super) fn cpu_time(ns: u64) -> String {
    if ns >= 1_000_000_000 {
        format!("{:.2} s", ns as f64 / 1e9)
    } else {
        format!("{:.1} ms", ns as f64 / 1e6)
    }
}

/// `part` of `whole` as a percentage with one decimal: `90.3%`.
pub(super) fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "-".to_string();
    }
    format!("{:.1}%", part as f64 * 100.0 / whole as f64)
}

/// The one CPU every role of a `share` window and the runner that read them may run on, if
/// they all may run on the same single CPU (Cpus_allowed_list is one number).
pub(super) fn one_cpu(share: &crate::engine::model::CpuShare) -> Option<&str> {
    let cpu = share.runner_cpus.as_str();
    let single = !cpu.is_empty() && cpu.chars().all(|c| c.is_ascii_digit());
    (single && share.rows.iter().all(|r| r.cpus == cpu)).then_some(cpu)
}

/// A `share` window as a table, for text and page: the headers and one row per role. With
/// --stable, the columns the scheduler decides (CPU time, ticks, share) are left out.
pub(super) fn share_table(
    share: &crate::engine::model::CpuShare,
    ctx: &Ctx,
) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let h = ctx.words.share_headers();
    let mut headers = vec![h.role, h.pid, h.nice, h.weight, h.by_weight];
    if !ctx.stable {
        headers.extend([h.cpu, h.ticks, h.share]);
    }
    headers.push(h.states);
    let total_weight = share.total_weight();
    let total_ns = share.total_ns();
    let rows = share
        .rows
        .iter()
        .map(|r| {
            let weight = crate::engine::model::sched_weight(r.nice);
            let mut row = vec![
                ctx.role(r.role).to_string(),
                ctx.pid(r.pid),
                r.nice.to_string(),
                weight.map_or_else(|| "-".into(), |w| w.to_string()),
                match (weight, total_weight) {
                    (Some(w), Some(t)) => percent(w.into(), t),
                    _ => "-".into(),
                },
            ];
            if !ctx.stable {
                row.extend([
                    cpu_time(r.used_ns()),
                    r.used_ticks().to_string(),
                    percent(r.used_ns(), total_ns),
                ]);
            }
            row.push(
                r.states
                    .iter()
                    .map(|s| s.code())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            row
        })
        .collect();
    (headers, rows)
}

/// The observation a failure carries (what was seen last), to show as a table row.
pub fn seen(failure: &Failure) -> Option<&Observation> {
    match failure {
        Failure::NoResult { seen, .. }
        | Failure::NotStarted { seen, .. }
        | Failure::RunnerWaitTimeout { seen, .. }
        | Failure::DoneTimeout { seen, .. }
        | Failure::DiedDuring { seen, .. } => seen.as_ref(),
        Failure::AwaitTimeout { seen, .. } => Some(seen),
        Failure::TotalDeadline { .. }
        | Failure::CannotAct { .. }
        | Failure::TargetGone { .. }
        | Failure::TooBusy { .. }
        | Failure::Needed { .. }
        | Failure::CommandNotSent { .. }
        | Failure::ForkRefused { .. }
        | Failure::NoHello { .. }
        | Failure::Unmeasurable { .. }
        | Failure::ExpectFailed(_)
        | Failure::ExpectMissing { .. }
        | Failure::TryNotRefusal { .. }
        | Failure::PsDisagrees { .. }
        | Failure::PsUnavailable { .. }
        | Failure::ProcUnreadable { .. }
        | Failure::NoProc { .. }
        | Failure::Setup { .. }
        | Failure::GarbledReport
        | Failure::FamilyLimit { .. }
        | Failure::Runner { .. }
        | Failure::Share { .. } => None,
    }
}

/// A failure's kind for programs: the same in every language.
pub fn failure_kind(failure: &Failure) -> &'static str {
    match failure {
        Failure::TotalDeadline { .. } => "total_deadline",
        Failure::CannotAct { .. } => "cannot_act",
        Failure::TargetGone { .. } => "target_gone",
        Failure::TooBusy { .. } => "too_busy",
        Failure::DiedDuring { .. } => "died_during",
        Failure::Needed { .. } => "needed",
        Failure::CommandNotSent { .. } => "command_not_sent",
        Failure::ForkRefused { .. } => "fork_refused",
        Failure::NoHello { .. } => "no_hello",
        Failure::NoResult { .. } => "no_result",
        Failure::NotStarted { .. } => "not_started",
        Failure::RunnerWaitTimeout { .. } => "runner_wait_timeout",
        Failure::AwaitTimeout { .. } => "await_timeout",
        Failure::DoneTimeout { .. } => "done_timeout",
        Failure::Unmeasurable { .. } => "unmeasurable",
        Failure::ExpectFailed(_) => "expect_failed",
        Failure::ExpectMissing { .. } => "expect_missing",
        Failure::TryNotRefusal { .. } => "try_not_refusal",
        Failure::PsDisagrees { .. } => "ps_disagrees",
        Failure::PsUnavailable { .. } => "ps_unavailable",
        Failure::ProcUnreadable { .. } => "proc_unreadable",
        Failure::NoProc { .. } => "no_proc",
        Failure::Setup { .. } => "setup",
        Failure::GarbledReport => "garbled_report",
        Failure::FamilyLimit { .. } => "family_limit",
        Failure::Runner { .. } => "runner",
        Failure::Share { .. } => "share",
    }
}

/// A runner problem's kind for programs.
pub fn problem_kind(problem: &RunnerProblem) -> &'static str {
    match problem {
        RunnerProblem::Crashed { .. } => "crashed",
        RunnerProblem::Killed { .. } => "killed",
        RunnerProblem::Overran => "overran",
        RunnerProblem::Garbled => "garbled",
    }
}

/// The demo's title in the words' language: a script's `title.LANG`, if it has one.
pub fn title<'a>(script: &'a Script, words: &dyn Words) -> &'a str {
    script.title.get(words.lang().code())
}

/// One `say` line with this run's values, as `ctx` shows them: in the words' language, its
/// `say.LANG` where the script has one (a user's script may not: then its base line).
pub fn said(line: &crate::engine::model::SayLine, ctx: &Ctx) -> String {
    use crate::engine::model::Said;
    let pieces = line
        .said_in
        .get(ctx.words.lang().code())
        .unwrap_or(&line.said);
    pieces
        .iter()
        .map(|piece| match piece {
            Said::Text(t) => t.clone(),
            // A result is what the role's call returned: its PIDs are the ones it saw.
            Said::Value {
                role,
                field: crate::script::Field::Result,
                value,
            } => ctx.words.value(value, &ctx.seen_by(*role)),
            Said::Value { value, .. } => ctx.words.value(value, ctx),
        })
        .collect()
}
