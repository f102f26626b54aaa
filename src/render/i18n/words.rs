//! What a language must provide: every word the renderers print, as functions over the
//! typed model. Most are provided: the presenter ([`crate::render::i18n::present`]) matches the
//! model and asks the language's table, [`Words::say`], for each message. English is
//! [`crate::render::en::En`]; a second language is one more implementation, whose exhaustive
//! table the compiler checks the same way.

use crate::engine::model::{
    Check, Disposition, ExitStatus, Failure, Observation, Origin, RunnerProblem, State, Value,
    Verdict,
};
use crate::render::Ctx;
use crate::script::Cond;
use crate::script::actions::{Call, NoPython, Outcome};
use std::time::Duration;

/// The column headers of an observation table.
pub struct ObservationHeaders {
    pub role: &'static str,
    pub pid: &'static str,
    /// The PID inside a PID namespace below the runner's.
    pub ns_pid: &'static str,
    pub ppid: &'static str,
    pub stat: &'static str,
    pub sigchld: &'static str,
    pub state: &'static str,
}

/// The column headers of a memory table, and the note under it.
pub struct MemoryHeaders {
    pub role: &'static str,
    pub pid: &'static str,
    pub what: &'static str,
    pub rss: &'static str,
    pub pss: &'static str,
    pub shared: &'static str,
    pub private: &'static str,
    pub minflt: &'static str,
    /// What the columns mean, printed under the table.
    pub note: &'static str,
}

/// The column headers of a `share` table.
pub struct ShareHeaders {
    pub role: &'static str,
    pub pid: &'static str,
    pub nice: &'static str,
    /// The kernel's weight for the nice value (its table, not an observation).
    pub weight: &'static str,
    /// The share those weights give.
    pub by_weight: &'static str,
    /// ns on a CPU (schedstat), utime + stime (ticks), the share of the window.
    pub cpu: &'static str,
    pub ticks: &'static str,
    pub share: &'static str,
    /// Every state letter read during the window.
    pub states: &'static str,
}

/// The words of the timeline drawn at the end of a run (text and page).
pub struct TimelineWords {
    /// The line over it.
    pub title: &'static str,
    /// The label of the row of step numbers.
    pub step: &'static str,
    /// A role created by fork() (or clone) at that step.
    pub fork: &'static str,
    /// A role that called _exit at that step.
    pub exit: &'static str,
    /// A role that called execve() at that step.
    pub exec: &'static str,
    /// A role its parent's wait returned at that step.
    pub reap: &'static str,
    /// What `fork`, `exit`, `reap` and a signal's name mean, for the legend.
    pub marks: &'static str,
    /// What the `^` after a state means, for the legend.
    pub reparented: &'static str,
}

/// The headings at the end of `procdemo watch`, and its timeline's legend.
pub struct WatchWords {
    pub summary: &'static str,
    pub tree: &'static str,
    pub timeline: &'static str,
    /// The legend under the timeline, given the time one column covers.
    pub legend: fn(&str) -> String,
    /// The page's picture: its heading, and its legend's words for: running, sleeping,
    /// disk wait, stopped, exiting, zombie, fork, exec, exit, signal, reparented, reaped.
    pub picture: &'static str,
    pub picture_keys: [&'static str; 12],
}

/// The labels of an `inspect` reading's rows.
pub struct InspectLabels {
    pub comm: &'static str,
    pub exe: &'static str,
    pub cmdline: &'static str,
    pub ns_pids: &'static str,
    pub fds: &'static str,
    pub blocked: &'static str,
    /// ShdPnd: pending for the whole process.
    pub shared_pending: &'static str,
    /// SigPnd: pending for the thread.
    pub pending: &'static str,
    pub ignored: &'static str,
    pub caught: &'static str,
    pub region: &'static str,
}

/// The words of the `--html` page around its sections.
pub struct PageWords {
    /// The page's language, as HTML's `lang` attribute names it (`en`, `zh-CN`).
    pub lang: &'static str,
    /// The line at the foot of the page.
    pub footer: &'static str,
    /// The title of a page of several demos (`procdemo all --html`).
    pub all_title: &'static str,
    /// The heading of its table of contents.
    pub contents: &'static str,
    /// The heading of a demo's questions on the page.
    pub questions: &'static str,
    /// What opens an answer hidden under its question.
    pub show_answer: &'static str,
    /// A question the run never answered (it ended first).
    pub unanswered: &'static str,
    /// A note for a machine without the fonts the page's language needs (empty: none).
    pub fonts_note: &'static str,
}

/// A text of `--help`: the command's about texts, a heading, each option's and command's
/// help (named after the option or command).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Help {
    About,
    LongAbout,
    Examples,
    Commands,
    Explain,
    Json,
    RecordEvents,
    JsonEvents,
    Timeline,
    NoTimeline,
    Tree,
    Stable,
    CheckPs,
    Python,
    Step,
    Predict,
    Answers,
    Worksheet,
    Count,
    Lang,
    Timeout,
    Delay,
    Color,
    Size,
    Html,
    Seed,
    Actions,
    Forks,
    Reverse,
    ShowScript,
    List,
    Quiz,
    Show,
    ExplainCommand,
    All,
    Run,
    Replay,
    Watch,
    WatchCommand,
    MaxProcs,
    KillRest,
    NoSignals,
    WatchAll,
    WatchOutput,
    WatchNotes,
    Exercises,
    ExercisesTask,
    Check,
    CheckTask,
    CheckNotes,
    // Delivery (#19): completions, the manual page, `run -`.
    RunFile,
    Completions,
    Shell,
    Man,
    /// The manual page's exit codes: one `CODE<tab>meaning` a line.
    ExitCodes,
    CheckTimeout,
}

pub trait Words {
    /// Which language these words are: it picks a script's `title.zh` and `say.zh` lines.
    fn lang(&self) -> crate::render::Lang;

    /// A script's own words (its title, a `say` line), data in the script's language: as they
    /// are, but for the pseudo-locale, which marks them apart from the program's words.
    fn script_text(&self, text: &str) -> String {
        text.to_string()
    }

    /// Why a script was rejected: the text after `FILE:LINE: `.
    fn parse_problem(&self, problem: &crate::script::ParseProblem) -> String;

    /// A text of `--help`.
    fn help(&self, help: Help) -> &'static str;
    /// A command-line or script-file problem (paths come escaped).
    fn usage(&self, usage: &crate::engine::error::Usage) -> String {
        crate::render::i18n::present::usage(self, usage)
    }
    /// What the system refused.
    fn system(&self, system: &crate::engine::error::System) -> String {
        crate::render::i18n::present::system(self, system)
    }
    /// With `--json`, a failed demo's message repeated on stderr: `zombie failed: ...`.
    fn json_failed(&self, demo: &str, message: &str) -> String;
    /// The error of a run whose failure was said above.
    fn demo_failed(&self) -> &'static str;
    /// Ended by a signal (its name), after the clean-up.
    fn interrupted(&self, signal: &str) -> String;
    /// `q` at a pause, after the clean-up.
    fn quit(&self) -> &'static str;

    // ---- the kernel's vocabulary ---------------------------------------------------------

    /// What a state letter means: `sleeping, interruptible`.
    fn state(&self, state: State) -> &'static str;
    /// A decoded wait status: `WIFEXITED, WEXITSTATUS = 7`.
    fn exit_status(&self, status: ExitStatus) -> String;
    /// A signal's name: `SIGTERM`.
    fn signal(&self, signal: i32) -> String;
    /// An errno with its text: `ECHILD (No child processes)`.
    fn errno(&self, errno: i32) -> String;
    /// A failed system call: `wait failed: ECHILD (No child processes)`.
    fn call_failed(&self, call: Call, errno: i32) -> String;
    /// SIGCHLD's disposition in a word, for narration (`-` when not known).
    fn sigchld(&self, disposition: Option<Disposition>) -> &'static str;
    /// SIGCHLD's disposition in the observation table.
    fn sigchld_column(&self, disposition: Option<Disposition>) -> &'static str;
    /// One message of the catalogue: the language's table, exhaustive and logic-free (the
    /// presenter, `i18n/present.rs`, has decided everything but a plural's form).
    fn say(&self, msg: &crate::render::i18n::present::Msg) -> String;

    /// An action's result in words, PIDs shown as `ctx` shows them.
    fn outcome(&self, outcome: &Outcome, ctx: &Ctx) -> String {
        crate::render::i18n::present::outcome(self, outcome, ctx)
    }
    /// What a `try` step's verdict adds after its result.
    fn verdict(&self, verdict: &Verdict, ctx: &Ctx) -> String {
        crate::render::i18n::present::verdict(self, verdict, ctx)
    }
    /// A narration value.
    fn value(&self, value: &Value, ctx: &Ctx) -> String {
        crate::render::i18n::present::value(self, value, ctx)
    }
    /// An `await` condition: `in state Z (zombie: exited, not yet waited for)`.
    fn cond(&self, cond: &Cond, ctx: &Ctx) -> String {
        crate::render::i18n::present::cond(self, cond, ctx)
    }
    /// An `expect` comparison: `16384 kB = 16384 kB`.
    fn check(&self, check: &Check) -> String {
        crate::render::i18n::present::check(check)
    }
    /// Why a run failed. `at`: the step it stopped at.
    fn failure(&self, failure: &Failure, at: Option<usize>, ctx: &Ctx) -> String {
        crate::render::i18n::present::failure(self, failure, at, ctx)
    }
    /// A runner that ended abnormally (`left`: processes the front end killed after it).
    fn runner_problem(&self, name: &str, problem: &RunnerProblem, left: usize) -> String {
        crate::render::i18n::present::runner_problem(self, name, problem, left)
    }
    /// One observation in a sentence, for failure messages.
    fn describe(&self, observation: &Observation, ctx: &Ctx) -> String {
        crate::render::i18n::present::describe(self, observation, ctx)
    }
    /// Why no line of the course's Python makes an action's call (`--python`), shown as a
    /// Python comment: `Python's standard library has no vfork()`.
    fn no_python(&self, why: NoPython) -> String;
    /// A duration as a script writes it: `2 s`, `100 ms`.
    fn duration(&self, d: Duration) -> String {
        crate::render::i18n::present::script_duration(d)
    }

    // ---- layout words --------------------------------------------------------------------

    /// Where the script came from: `demos/zombie.demo, built in`.
    fn source(&self, origin: &Origin) -> String {
        crate::render::i18n::present::source(self, origin)
    }
    /// The line under the header: `(script demos/zombie.demo, built in, runner pid 4242)`.
    fn script_line(&self, origin: &Origin, runner_pid: Option<i32>) -> String {
        crate::render::i18n::present::script_line(self, origin, runner_pid)
    }
    /// An await's timing: `seen after 13 µs, 1 read of /proc`.
    fn seen_after(&self, waited: Duration, reads: Option<u32>) -> String {
        crate::render::i18n::present::seen_after(self, waited, reads)
    }
    /// An `expect` that held: `holds: 16384 kB = 16384 kB` (`holds` with --stable).
    fn holds(&self, check: &Check, stable: bool) -> String {
        crate::render::i18n::present::holds(self, check, stable)
    }
    /// A step ending `if permitted` whose `try` was refused.
    fn skipped(&self, try_step: &str) -> String;
    /// An `end unless ROLE permitted` step: the demo goes on, or ends here (and passes)
    /// because the `try` it names was refused.
    fn end_unless(&self, try_step: &str, permitted: bool) -> String {
        crate::render::i18n::present::end_unless(self, try_step, permitted)
    }
    /// A guarded step's outcome in --stable output.
    fn outcome_hidden(&self) -> &'static str;
    /// A state or a table cell that depends on privilege, in --stable output.
    fn state_hidden(&self) -> &'static str;
    /// The STATE column: the meaning, wchan (not with --stable), the status a zombie holds.
    fn state_column(&self, observation: &Observation, stable: bool) -> String {
        crate::render::i18n::present::state_column(self, observation, stable)
    }
    fn observation_headers(&self) -> ObservationHeaders;
    /// A tree's runner line ends with this.
    fn subreaper(&self) -> &'static str;
    /// The line under a tree that lists the roles that are gone.
    fn gone_roles(&self, roles: &[&str]) -> String;
    fn memory_headers(&self, stable: bool) -> MemoryHeaders;
    /// A `share` table's headers.
    fn share_headers(&self) -> ShareHeaders;
    /// A `share` step's result: what ended the window (and, but with --stable, after how
    /// long and how many reads).
    fn share_result(&self, share: &crate::engine::model::CpuShare, ctx: &Ctx) -> String {
        crate::render::i18n::present::share_result(self, share, ctx)
    }
    /// The lines under a `share` table: the CPUs, where the weights come from, the columns.
    fn share_notes(&self, share: &crate::engine::model::CpuShare, ctx: &Ctx) -> Vec<String> {
        crate::render::i18n::present::share_notes(self, share, ctx)
    }
    fn whole_process(&self) -> &'static str;
    /// A region's row: `16 MiB region`.
    fn region(&self, bytes: usize) -> String;
    /// A role without a region in --stable output.
    fn no_region(&self) -> &'static str;
    /// A memory reading as a sentence, when the table would not fit the width.
    #[allow(clippy::too_many_arguments)]
    fn memory_line(
        &self,
        role: &str,
        pid: &str,
        what: &str,
        m: &crate::engine::model::Memory,
        minflt: Option<u64>,
    ) -> String;
    /// The timeline's words.
    fn timeline(&self) -> TimelineWords;

    // ---- procdemo watch ------------------------------------------------------------------

    /// One event of a watch, as a line (None: nothing to show for it as text).
    fn watch_event(
        &self,
        event: &crate::engine::model::WatchEvent,
        names: &crate::render::watch::Names,
    ) -> Option<String> {
        crate::render::i18n::present::watch_event(self, event, names)
    }
    /// The paragraphs of a watch's end summary.
    fn watch_summary(
        &self,
        summary: &crate::render::watch::Summary,
        names: &crate::render::watch::Names,
    ) -> Vec<String> {
        crate::render::i18n::present::watch_summary(self, summary, names)
    }
    /// One process in the tree at a watch's end: what it ran and what became of it.
    fn watch_node(
        &self,
        node: &crate::render::watch::Node,
        names: &crate::render::watch::Names,
    ) -> String {
        crate::render::i18n::present::watch_node(self, node, names)
    }
    /// A folded run of similar children in the tree (`--all` shows each).
    fn watch_group(
        &self,
        group: &crate::render::watch::Group,
        names: &crate::render::watch::Names,
    ) -> String {
        crate::render::i18n::present::watch_group(self, group, names)
    }
    /// The processes a watched program's wrappers ran, folded into one line of the tree.
    fn watch_helpers(&self, count: usize, wrappers: &[String]) -> String {
        crate::render::i18n::present::watch_helpers(self, count, wrappers)
    }
    /// From here on, `parent`'s further children's routine event lines are folded.
    fn watch_fold_begins(
        &self,
        parent: i32,
        shown: usize,
        names: &crate::render::watch::Names,
    ) -> String {
        crate::render::i18n::present::watch_fold_begins(self, parent, shown, names)
    }
    /// How many event lines were folded, about how many children.
    fn watch_folded(&self, lines: usize, children: usize) -> String {
        crate::render::i18n::present::watch_folded(self, lines, children)
    }
    /// Why a watch could not start the program (`command`: its argv[0], escaped).
    fn watch_problem(&self, command: &str, problem: &crate::engine::model::WatchProblem) -> String {
        crate::render::i18n::present::watch_problem(self, command, problem)
    }
    /// The headings at a watch's end.
    fn watch_words(&self) -> WatchWords;

    // ---- inspect and output --------------------------------------------------------------

    fn inspect_labels(&self) -> InspectLabels;
    /// The signals of a mask by name (`SIGCHLD, SIGTERM`), or `none`.
    fn signal_list(&self, mask: u64) -> String;
    /// /proc/PID/exe; with --stable, procdemo's own binary (whose path varies) by name.
    fn exe(&self, exe: &crate::engine::model::Exe, stable: bool) -> String {
        crate::render::i18n::present::exe(self, exe, stable)
    }
    /// /proc/PID/cmdline; with --stable, procdemo's own command line by name.
    fn cmdline(&self, cmdline: &crate::engine::model::Cmdline, stable: bool) -> String {
        crate::render::i18n::present::cmdline(self, cmdline, stable)
    }
    /// NSpid: `4533 (1 inside its namespace)`.
    fn ns_pids(&self, pids: &[i32], ctx: &Ctx) -> String {
        crate::render::i18n::present::ns_pids(self, pids, ctx)
    }
    /// A descriptor of `role` (after its number): what it is, and close-on-exec.
    fn fd(
        &self,
        fd: &crate::engine::model::OpenFd,
        role: crate::script::RoleId,
        ctx: &Ctx,
    ) -> String {
        crate::render::i18n::present::fd(self, fd, role, ctx)
    }
    /// procdemo's own pipes a process holds, in one line: their numbers (`3–6, 9`) and what
    /// they are.
    fn procdemo_pipes(&self, numbers: &str, count: usize, cloexec: bool) -> String {
        crate::render::i18n::present::procdemo_pipes(self, numbers, count, cloexec)
    }
    /// A descriptor the role's previous `inspect` showed and this one does not.
    fn fd_gone(&self, was: &str) -> String;
    /// A role's region, mapped or not (its address left out with --stable).
    fn region_mapped(&self, region: &crate::engine::model::RegionMapped, stable: bool) -> String {
        crate::render::i18n::present::region_mapped(self, region, stable)
    }
    /// A value that changed since the role's previous `inspect`, put after the new one:
    /// ` (was: child)`.
    fn was(&self, before: &str) -> String;
    /// A row with nothing to read: a zombie has no program, descriptors or masks left.
    fn not_readable(&self, zombie: bool) -> &'static str;
    /// An `output` reading's line for a role: `wrote 44 bytes:` or `wrote nothing`.
    fn output_heading(&self, captured: &crate::engine::model::Captured) -> String {
        crate::render::i18n::present::output_heading(self, captured)
    }
    /// Under output that does not end with a newline.
    fn no_final_newline(&self) -> &'static str;
    /// The `--html` page's own words.
    fn page(&self) -> PageWords;
    /// A page of several demos: how many passed and failed.
    fn page_summary(&self, ok: usize, failed: usize) -> String;
    /// A reference table of `procdemo explain TOPIC`.
    fn reference(
        &self,
        topic: crate::render::reference::Topic,
    ) -> crate::render::reference::Reference;
    /// How a PID that belongs to no role reads with --stable: `<other>`.
    fn other_process(&self) -> &'static str;
    /// The clean-up line (printed when `killed` > 0).
    fn cleanup(&self, killed: usize) -> String {
        self.say(&crate::render::i18n::present::Msg::CleanedUp { killed })
    }
    /// `procdemo quiz`: the exercise's opening, one move, the task, and the prompt to run it.
    fn quiz_intro(&self, seed: u64) -> String;
    fn quiz_move(&self, m: &crate::script::quiz::Move) -> String;
    fn quiz_task(&self) -> String;
    fn quiz_go(&self) -> String;
    /// `quiz --reverse`: the task under the tree, and the heading of its moves.
    fn quiz_reverse_task(&self) -> String;
    fn quiz_moves_were(&self) -> String;
    /// A `--predict` question, asking for the student's answer.
    /// A `--predict` question's mark (`? `) and the prompt on the line under it.
    fn ask_prompt(&self) -> (&'static str, &'static str);
    /// One sentence on why a wrong answer is wrong (a hint of the judge), on its own line.
    fn reveal_hint(&self, hint: &crate::render::judge::Hint) -> String;
    /// The reveal: the student's answer, the value the kernel showed, and whether they agree
    /// (None: no typed word can be held to it).
    fn reveal(&self, answer: &str, shown: &str, right: Option<bool>) -> String {
        crate::render::i18n::present::reveal(self, answer, shown, right)
    }
    /// The score of a `--predict` run.
    fn score(&self, right: usize, judged: usize, asked: usize) -> String {
        crate::render::i18n::present::score(self, right, judged, asked)
    }
    /// `--answers`: the heading of the questions (a worksheet), and of the answers this run
    /// showed (its key).
    fn worksheet(&self) -> &'static str;
    fn answer_key(&self) -> &'static str;
    /// The `--step` pause before a step: which step comes, and the keys.
    fn pause(&self, step_text: &str, line: usize) -> String;
    /// The last line of a run that passed: (`ok:`, `every awaited state was observed`).
    fn ok(&self) -> (&'static str, &'static str);
    /// The label of the last line of a failed run: `FAILED:`.
    fn failed(&self) -> &'static str;
    /// A failed run that did not say why.
    fn no_reason(&self) -> &'static str;
    /// The title line of the `procdemo all` summary.
    fn summary_title(&self) -> &'static str;
    /// A demo's verdict in the summary: `ok` or `FAILED`.
    fn summary_verdict(&self, ok: bool) -> &'static str;
    /// A wall time in the summary: `3.3 ms`.
    fn wall(&self, d: Duration) -> String {
        crate::render::i18n::present::wall(d)
    }
    /// The summary's last line: `6 of 6 demos passed in 46.8 ms` (no time with --stable).
    fn passed(&self, passed: usize, total: usize, time: Option<Duration>) -> String {
        crate::render::i18n::present::passed(self, passed, total, time)
    }
}
