//! `procdemo watch`: the watcher's events as text (one line per event, as it comes, then a
//! summary, the process tree and the timeline), as one JSON document (`--json`) or as JSON
//! lines (`--json-events`).
//!
//! The watched processes have no roles: each is named by its PID and its command name (comm)
//! as the kernel last reported it. The tree and the timeline are drawn from the events alone
//! (what [`Watch`] gathered): a process's creator, exec, exit, zombie interval and reaper, its
//! reported states and stops. Nothing is inferred between events. (The demos' timeline in
//! `timeline.rs` is built on a script's steps and roles; a watched program has neither, so its
//! timeline is its own: lanes on a time axis.)

use super::wrap::{hang, pad, width};
use super::{Style, Words};
use crate::engine::model::{ExitStatus, ForkKind, KillReason, Reaper, State, WatchEvent};
use std::collections::BTreeMap;
use std::io::Write;

/// What the renderer writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Text,
    Json,
    JsonEvents,
}

/// What the renderer knows of one process of the family.
#[derive(Debug, Clone, Default)]
pub struct Node {
    pub pid: i32,
    /// Its command name as last reported (after its last exec, if any).
    pub comm: String,
    /// The process that created it (the watcher for the first one).
    pub parent: i32,
    pub kind: Option<ForkKind>,
    pub born_us: u64,
    /// argv of every exec, in order.
    pub execs: Vec<Vec<String>>,
    /// The time and the new command name of every exec, in order.
    pub exec_at: Vec<(u64, String)>,
    /// The time and number of every signal delivered to it.
    pub signal_at: Vec<(u64, i32)>,
    /// When it was reparented, in order (with `orphaned`).
    pub orphaned_at: Vec<u64>,
    /// For the first process, when it exec'd more than once: the programs before its last
    /// (wrappers: env, a shell, a version manager's shim), by command name. Text only.
    pub wrappers: Vec<String>,
    pub status: Option<ExitStatus>,
    /// Killed by a signal with a core dump (WCOREDUMP).
    pub core_dumped: bool,
    pub exit_us: Option<u64>,
    /// A zombie from this time (its death reported, and /proc said Z).
    pub zombie_since_us: Option<u64>,
    /// The parent it waited for as a zombie.
    pub zombie_parent: Option<i32>,
    /// Its parent was already blocked in a wait() for it when it died: reaped at once.
    pub parent_waiting: bool,
    /// Signals delivered to it.
    pub signals: usize,
    pub reaped_us: Option<u64>,
    pub reaper: Option<Reaper>,
    pub zombie_us: Option<u64>,
    /// Reparented (from, to), in order.
    pub orphaned: Vec<(i32, i32)>,
    /// (time, state) as reported, stops and continues included.
    pub states: Vec<(u64, Option<State>)>,
    /// The latest known PPID.
    pub ppid: i32,
}

/// The numbers and lists the end summary shows (and `--json` holds, as `json::WatchSummary`).
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub command: Vec<String>,
    pub watcher: i32,
    pub limit: usize,
    /// Processes created, the first included (threads not).
    pub processes: usize,
    pub threads: usize,
    pub execs: usize,
    /// The most processes alive (created, not yet exited) at once.
    pub peak_alive: usize,
    /// Every process that waited as a zombie for its parent to wait() for it: (pid, parent
    /// it waited for, how long, reaper).
    pub zombies: Vec<ZombieRow>,
    /// Children whose parent was already blocked in wait() when they died: reaped at once
    /// (a zombie only for as long as the tracer's own wait took), the normal case.
    pub reaped_at_once: Vec<ZombieRow>,
    /// Signals delivered to the family's processes.
    pub signals: usize,
    /// The first process's wrappers (the programs it ran before its last exec).
    pub wrappers: Vec<String>,
    /// Processes the wrappers ran (created before the first process's last exec, and their
    /// descendants): folded in the text unless `--all`.
    pub wrapper_helpers: usize,
    /// Processes the kernel released at once (their parent ignored SIGCHLD): never zombies.
    pub released: Vec<i32>,
    /// Every reparenting: (pid, from, to).
    pub orphans: Vec<(i32, i32, i32)>,
    /// Reaped by procdemo as subreaper: the program never reaped them.
    pub reaped_by_procdemo: Vec<i32>,
    /// The first process's end: its PID, status, and what was alive then.
    pub main_pid: Option<i32>,
    pub main_status: Option<ExitStatus>,
    pub alive_at_main_exit: Vec<i32>,
    /// What procdemo killed, and why.
    pub killed: Vec<(KillReason, Vec<i32>)>,
    /// The watch ended with every process reaped.
    pub complete: bool,
    /// Ended early by this signal (procdemo killed and reaped the family).
    pub interrupted: Option<i32>,
}

#[derive(Debug, Clone)]
pub struct ZombieRow {
    pub pid: i32,
    pub parent: i32,
    pub zombie_us: Option<u64>,
    pub reaper: Option<Reaper>,
    /// The reaper's command name at the reap (a process is named by what it was then).
    pub reaper_comm: String,
}

/// A run of similar children of one parent, folded into one line of the tree and one lane
/// of the timeline (unless `--all`): leaves made the same way, running the same commands,
/// reaped by that parent.
#[derive(Debug, Clone, Default)]
pub struct Group {
    pub parent: i32,
    /// How many are folded (the first and the last of the run are shown apart).
    pub count: usize,
    /// Their PIDs, in order.
    pub pids: Vec<i32>,
    /// How each was made and what it ran: C calls and command lines (no human language).
    pub how: String,
    /// The lowest and highest exit code of those that exited.
    pub exit_codes: Option<(i32, i32)>,
    /// How many were killed by a signal.
    pub killed: usize,
    /// The shortest and longest time from an exit to its reap, in µs.
    pub reap_us: Option<(u64, u64)>,
    /// How many waited as zombies for their parent (it was not already waiting).
    pub zombies: usize,
}

/// One entry of the tree: a process, or a folded run of similar ones.
#[derive(Debug, Clone)]
pub enum Item {
    Node(i32),
    Group(Group),
    /// The processes the first process's wrappers ran, folded (how many, and the wrappers).
    Helpers(usize, Vec<String>),
}

/// Fewest similar children folded into one line.
pub const FOLD_AT: usize = 8;

/// Names of processes for the words: a PID with its command name.
pub struct Names<'a> {
    pub watcher: i32,
    nodes: &'a BTreeMap<i32, Node>,
}

impl Names<'_> {
    /// `4242 (python3)`, or the bare PID when its name is not known.
    pub fn pid(&self, pid: i32) -> String {
        match self.nodes.get(&pid).map(|n| n.comm.as_str()) {
            Some(comm) if !comm.is_empty() => {
                format!("{pid} ({})", super::sanitize::escape(comm))
            }
            _ => pid.to_string(),
        }
    }
}

/// A duration in microseconds as procdemo prints it: `0.042 ms`, `12.345 ms`, `2.104 s`.
pub fn duration(us: u64) -> String {
    if us >= 10_000_000 {
        format!("{:.3} s", us as f64 / 1e6)
    } else {
        format!("{}.{:03} ms", us / 1000, us % 1000)
    }
}

/// A command line as one string, each word escaped, quoted when it holds a space.
pub fn command_line(argv: &[String]) -> String {
    argv.iter()
        .map(|a| {
            let a = super::sanitize::escape(a);
            if a.is_empty() || a.contains(' ') {
                format!("'{a}'")
            } else {
                a.into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The name of a signal's si_code (language-neutral: the C constant), when it has one.
pub fn si_code_name(signal: i32, code: i32) -> Option<&'static str> {
    if signal == libc::SIGCHLD && code > 0 {
        return match code {
            libc::CLD_EXITED => Some("CLD_EXITED"),
            libc::CLD_KILLED => Some("CLD_KILLED"),
            libc::CLD_DUMPED => Some("CLD_DUMPED"),
            libc::CLD_TRAPPED => Some("CLD_TRAPPED"),
            libc::CLD_STOPPED => Some("CLD_STOPPED"),
            libc::CLD_CONTINUED => Some("CLD_CONTINUED"),
            _ => None,
        };
    }
    match code {
        libc::SI_USER => Some("kill()"),
        libc::SI_TKILL => Some("tgkill()"),
        libc::SI_QUEUE => Some("sigqueue()"),
        libc::SI_KERNEL => Some("SI_KERNEL"),
        libc::SI_TIMER => Some("SI_TIMER"),
        _ => None,
    }
}

/// A line of the page: an event's time (none for the opening) and its words.
type PageLine = (Option<u64>, String);

/// The renderer of one watch.
pub struct Watch {
    form: Form,
    style: Style,
    words: &'static dyn Words,
    nodes: BTreeMap<i32, Node>,
    summary: Summary,
    events: Vec<WatchEvent>,
    alive: usize,
    last_us: u64,
    /// The first problem the watcher reported.
    problem: Option<crate::engine::model::WatchProblem>,
    /// `--html FILE`: the page is written here at the end; meanwhile each event's line.
    page: Option<(&'static std::path::Path, Vec<PageLine>)>,
    /// `--no-signals`: signal events are not said in the text or on the page (JSON keeps
    /// them).
    hide_signals: bool,
    /// `--all`: nothing folded.
    all: bool,
    /// The live lines of big families: children created by each process so far, the
    /// children whose routine lines are folded, and how many lines were.
    created_by: BTreeMap<i32, usize>,
    folded: std::collections::BTreeSet<i32>,
    folded_lines: usize,
}

/// A process's first this many children have every line said; the routine lines of the
/// rest are folded (unless `--all`).
pub const EVENT_FOLD_AT: usize = 20;

/// What becomes of an event's line (text and page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fold {
    Said,
    Folded,
    /// Folded, and the first of its creator's children to be: say that folding begins.
    Begins {
        parent: i32,
        t_us: u64,
    },
}

impl Watch {
    pub fn new(form: Form, style: Style) -> Watch {
        Watch {
            form,
            style,
            words: super::words(style.lang),
            nodes: BTreeMap::new(),
            summary: Summary::default(),
            events: Vec::new(),
            alive: 0,
            last_us: 0,
            problem: None,
            page: style.html.map(|path| (path, Vec::new())),
            hide_signals: false,
            all: false,
            created_by: BTreeMap::new(),
            folded: std::collections::BTreeSet::new(),
            folded_lines: 0,
        }
    }

    /// Whether an event's line is a routine one about a child whose lines are folded (its
    /// creation, its state letters, an exit with a code, its zombie, its reap by its parent,
    /// the SIGCHLD it sent its parent), or its creator's R and S; a line that says anything
    /// else is never folded.
    /// Called once per event, in order: the count of children decides at each creation.
    fn fold(&mut self, event: &WatchEvent) -> Fold {
        if self.all {
            return Fold::Said;
        }
        let folded = |pid: &i32| {
            if self.folded.contains(pid) {
                Fold::Folded
            } else {
                Fold::Said
            }
        };
        match event {
            WatchEvent::Fork {
                parent, pid, t_us, ..
            } => {
                let count = self.created_by.entry(*parent).or_default();
                *count += 1;
                if *count <= EVENT_FOLD_AT {
                    return Fold::Said;
                }
                let first = *count == EVENT_FOLD_AT + 1;
                self.folded.insert(*pid);
                if first {
                    Fold::Begins {
                        parent: *parent,
                        t_us: *t_us,
                    }
                } else {
                    Fold::Folded
                }
            }
            // A process making many children runs and sleeps in turn: R and S are routine
            // for it too, once its children are folded.
            WatchEvent::State {
                pid,
                state: State::Running | State::Sleeping,
                ..
            } if self.created_by.get(pid).is_some_and(|c| *c > EVENT_FOLD_AT) => Fold::Folded,
            WatchEvent::State { pid, .. } | WatchEvent::Zombie { pid, .. } => folded(pid),
            WatchEvent::Exit {
                pid,
                status: ExitStatus::Exited(_),
                ..
            } => folded(pid),
            WatchEvent::Reaped {
                pid,
                by: Reaper::Parent { pid: by },
                ..
            } if self.nodes.get(pid).is_some_and(|n| n.parent == *by) => folded(pid),
            WatchEvent::Signal { signal, sender, .. } if *signal == libc::SIGCHLD => folded(sender),
            _ => Fold::Said,
        }
    }

    /// `--no-signals`: say no signal in the text or on the page.
    pub fn hide_signals(&mut self) {
        self.hide_signals = true;
    }

    fn names(&self) -> Names<'_> {
        Names {
            watcher: self.summary.watcher,
            nodes: &self.nodes,
        }
    }

    /// Take in one event (and, for text and JSON lines, write it at once).
    pub fn event(&mut self, event: &WatchEvent, out: &mut dyn Write) -> std::io::Result<()> {
        self.learn(event);
        // `--no-signals`: no signal in the text or on the page (the JSON keeps them).
        let hidden = self.hide_signals && matches!(event, WatchEvent::Signal { .. });
        let worded = (self.form == Form::Text || self.page.is_some()) && !hidden;
        let fold = if worded { self.fold(event) } else { Fold::Said };
        if let Fold::Begins { parent, t_us } = fold {
            let text = self
                .words
                .watch_fold_begins(parent, EVENT_FOLD_AT, &self.names());
            self.say(Some(t_us), &text, out)?;
        }
        if fold != Fold::Said {
            self.folded_lines += 1;
        } else if worded && let Some(text) = self.words.watch_event(event, &self.names()) {
            let at = match event {
                WatchEvent::Begin { .. } | WatchEvent::Problem { .. } => None,
                _ => Some(time_of(event)),
            };
            self.say(at, &text, out)?;
        }
        match self.form {
            Form::Text => {}
            Form::JsonEvents => {
                super::json::write_line(out, &super::json::WatchMessage::from(event))?
            }
            Form::Json => self.events.push(event.clone()),
        }
        Ok(())
    }

    /// One line of the text and of the page (whichever are written), at a time of the watch.
    fn say(&mut self, at: Option<u64>, text: &str, out: &mut dyn Write) -> std::io::Result<()> {
        if let Some((_, lines)) = self.page.as_mut() {
            lines.push((at, text.to_string()));
        }
        if self.form == Form::Text {
            let at = at.map_or_else(String::new, |t| format!("{:>11}  ", duration(t)));
            for line in hang(&at, width(&at), text, self.style.width, 4) {
                writeln!(out, "{line}")?;
            }
        }
        Ok(())
    }

    fn learn(&mut self, event: &WatchEvent) {
        let t = time_of(event);
        self.last_us = self.last_us.max(t);
        let s = &mut self.summary;
        match event {
            WatchEvent::Begin {
                watcher,
                limit,
                argv,
            } => {
                s.watcher = *watcher;
                s.limit = *limit;
                s.command = argv.clone();
            }
            WatchEvent::Problem { problem } => {
                if self.problem.is_none() {
                    self.problem = Some(problem.clone());
                }
            }
            WatchEvent::Fork {
                t_us,
                parent,
                pid,
                kind,
                comm,
            } => {
                s.processes += 1;
                if *parent == s.watcher && s.main_pid.is_none() {
                    s.main_pid = Some(*pid);
                }
                self.alive += 1;
                s.peak_alive = s.peak_alive.max(self.alive);
                self.nodes.insert(
                    *pid,
                    Node {
                        pid: *pid,
                        comm: comm.clone(),
                        parent: *parent,
                        ppid: *parent,
                        kind: Some(*kind),
                        born_us: *t_us,
                        ..Node::default()
                    },
                );
            }
            WatchEvent::Thread { .. } => s.threads += 1,
            WatchEvent::Exec {
                t_us,
                pid,
                comm,
                argv,
            } => {
                s.execs += 1;
                if let Some(n) = self.nodes.get_mut(pid) {
                    n.comm = comm.clone();
                    n.execs.push(argv.clone());
                    n.exec_at.push((*t_us, comm.clone()));
                }
            }
            WatchEvent::State { t_us, pid, state } => {
                if let Some(n) = self.nodes.get_mut(pid) {
                    n.states.push((*t_us, Some(*state)));
                }
            }
            WatchEvent::Stopped { t_us, pid, .. } => {
                if let Some(n) = self.nodes.get_mut(pid) {
                    n.states.push((*t_us, Some(State::Stopped)));
                }
            }
            WatchEvent::Continued { t_us, pid } => {
                if let Some(n) = self.nodes.get_mut(pid) {
                    n.states.push((*t_us, None));
                }
            }
            WatchEvent::Exit {
                t_us,
                pid,
                status,
                core_dumped,
                ..
            } => {
                if let Some(n) = self.nodes.get_mut(pid)
                    && n.status.is_none()
                {
                    n.status = Some(*status);
                    n.core_dumped = *core_dumped;
                    n.exit_us = Some(*t_us);
                    self.alive = self.alive.saturating_sub(1);
                }
            }
            WatchEvent::Zombie {
                t_us,
                pid,
                parent,
                parent_waiting,
            } => {
                if let Some(n) = self.nodes.get_mut(pid) {
                    n.parent_waiting = *parent_waiting;
                    n.zombie_since_us = Some(*t_us);
                    n.zombie_parent = Some(*parent);
                    n.ppid = *parent;
                }
            }
            WatchEvent::Reaped {
                t_us,
                pid,
                by,
                zombie_us,
            } => {
                let reaper_comm = match by {
                    Reaper::Parent { pid } => self
                        .nodes
                        .get(pid)
                        .map_or_else(String::new, |n| n.comm.clone()),
                    _ => String::new(),
                };
                if let Some(n) = self.nodes.get_mut(pid) {
                    n.reaped_us = Some(*t_us);
                    n.reaper = Some(*by);
                    n.zombie_us = *zombie_us;
                    if n.zombie_since_us.is_some() {
                        let row = ZombieRow {
                            pid: *pid,
                            parent: n.zombie_parent.unwrap_or(n.ppid),
                            zombie_us: *zombie_us,
                            reaper: Some(*by),
                            reaper_comm,
                        };
                        if n.parent_waiting && matches!(by, Reaper::Parent { .. }) {
                            s.reaped_at_once.push(row);
                        } else {
                            s.zombies.push(row);
                        }
                    } else if let Reaper::Parent { pid: parent } = by {
                        // Gone before it could be read as Z: its parent took it at once.
                        s.reaped_at_once.push(ZombieRow {
                            pid: *pid,
                            parent: *parent,
                            zombie_us: None,
                            reaper: Some(*by),
                            reaper_comm,
                        });
                    }
                }
                match by {
                    Reaper::Kernel => s.released.push(*pid),
                    Reaper::Subreaper => s.reaped_by_procdemo.push(*pid),
                    Reaper::Parent { .. } | Reaper::Watcher => {}
                }
            }
            WatchEvent::Orphaned {
                t_us,
                pid,
                from,
                to,
            } => {
                s.orphans.push((*pid, *from, *to));
                if let Some(n) = self.nodes.get_mut(pid) {
                    n.orphaned.push((*from, *to));
                    n.orphaned_at.push(*t_us);
                    n.ppid = *to;
                }
            }
            WatchEvent::MainExited {
                pid, status, alive, ..
            } => {
                s.main_pid = Some(*pid);
                s.main_status = Some(*status);
                s.alive_at_main_exit = alive.clone();
            }
            WatchEvent::Signal {
                t_us, pid, signal, ..
            } => {
                s.signals += 1;
                if let Some(n) = self.nodes.get_mut(pid) {
                    n.signals += 1;
                    n.signal_at.push((*t_us, *signal));
                }
            }
            WatchEvent::Renamed { pid, comm, .. } => {
                if let Some(n) = self.nodes.get_mut(pid) {
                    n.comm = comm.clone();
                }
            }
            WatchEvent::Killed { reason, pids, .. } => s.killed.push((*reason, pids.clone())),
            WatchEvent::End { .. } => s.complete = true,
            // Said as it comes (a line); the summary says the kill that follows.
            WatchEvent::Deadline { .. } | WatchEvent::Sessions { .. } => {}
        }
    }

    /// Zombies still waiting when the watch was cut short are listed without a reaper.
    fn open_zombies(&mut self) {
        for n in self.nodes.values() {
            if n.zombie_since_us.is_some() && n.reaped_us.is_none() {
                self.summary.zombies.push(ZombieRow {
                    pid: n.pid,
                    parent: n.zombie_parent.unwrap_or(n.ppid),
                    zombie_us: None,
                    reaper: None,
                    reaper_comm: String::new(),
                });
            }
        }
    }

    /// The exit code procdemo takes from the program: its first process's code, or 128 + the
    /// signal that ended it. None when it never ran to an end.
    pub fn exit_code(&self) -> Option<i32> {
        match self.summary.main_status? {
            ExitStatus::Exited(code) => Some(code),
            ExitStatus::Killed(sig) => Some(128 + sig),
            ExitStatus::Stopped(_) | ExitStatus::Continued => None,
        }
    }

    /// The first problem the watcher reported, if any.
    pub fn problem(&self) -> Option<&crate::engine::model::WatchProblem> {
        self.problem.as_ref()
    }

    /// Write what comes at the end: the summary, the tree and the timeline (text), the
    /// document (`--json`) or the summary line (`--json-events`). `interrupted`: the signal
    /// that cut the watch short.
    pub fn finish(&mut self, interrupted: Option<i32>, out: &mut dyn Write) -> std::io::Result<()> {
        self.summary.interrupted = interrupted;
        self.open_zombies();
        let (wrappers, helpers) = self.wrapped();
        self.summary.wrappers = wrappers;
        self.summary.wrapper_helpers = helpers.len();
        if self.summary.processes == 0 {
            // Nothing ran (the command could not be started): main says why.
            if self.form == Form::Json {
                super::json::write_line(out, &self.document())?;
            }
            return Ok(());
        }
        let folded = (self.folded_lines > 0).then(|| {
            self.words
                .watch_folded(self.folded_lines, self.folded.len())
        });
        if let (Some(text), Some((_, lines))) = (&folded, self.page.as_mut()) {
            lines.push((None, text.clone()));
        }
        match self.form {
            Form::Text => {
                if let Some(text) = &folded {
                    for line in hang("", 0, text, self.style.width, 4) {
                        writeln!(out, "{line}")?;
                    }
                }
                let w = self.words.watch_words();
                let names = self.names();
                writeln!(out)?;
                writeln!(out, "{}", w.summary)?;
                for para in self.words.watch_summary(&self.text_summary(), &names) {
                    for line in hang("  ", 2, &para, self.style.width, 2) {
                        writeln!(out, "{line}")?;
                    }
                }
                writeln!(out)?;
                writeln!(out, "{}", w.tree)?;
                for line in self.tree_lines() {
                    writeln!(out, "{line}")?;
                }
                if self.style.timeline {
                    writeln!(out)?;
                    writeln!(out, "{}", w.timeline)?;
                    for line in self.timeline_lines() {
                        writeln!(out, "{line}")?;
                    }
                }
            }
            Form::Json => super::json::write_line(out, &self.document())?,
            Form::JsonEvents => {
                let line = super::json::WatchSummaryLine {
                    kind: "summary",
                    summary: super::json::WatchSummary::new(&self.summary, self.exit_code()),
                };
                super::json::write_line(out, &line)?;
            }
        }
        Ok(())
    }

    /// Write the `--html` page, if asked for (after [`Watch::finish`]): the path and the
    /// error if it cannot be written.
    pub fn write_page(&self) -> Result<(), (&'static std::path::Path, std::io::Error)> {
        match &self.page {
            Some((path, _)) => crate::kernel::sys::write_replacing(path, self.html().as_bytes())
                .map_err(|e| (*path, e)),
            None => Ok(()),
        }
    }

    /// `--html FILE`: one self-contained page (the demos' page style): the event lines, the
    /// summary, and the tree and the timeline as the text draws them.
    fn html(&self) -> String {
        use super::html::esc;
        use std::fmt::Write as _;
        let mut html = String::from("<section class=\"demo\">\n");
        let _ = writeln!(
            html,
            "<h1><span class=\"prog\">procdemo</span> <span class=\"name\">watch</span></h1>\n<h2>{}</h2>",
            esc(&command_line(&self.summary.command))
        );
        html.push_str(&self.page_body());
        html.push_str("</section>\n");
        let section = super::html::Section {
            name: "watch".into(),
            title: command_line(&self.summary.command),
            ok: true,
            html,
        };
        super::html::document(self.words, &[section])
    }

    /// The page's body under its heading (after [`Watch::finish`]; the event lines only when
    /// the style asked for a page): the opening words, the picture, the summary, the tree,
    /// each event's line and the text timeline. `procdemo check --html` shows it under the
    /// verdicts.
    pub fn page_body(&self) -> String {
        use super::html::esc;
        use std::fmt::Write as _;
        let w = self.words.watch_words();
        let names = self.names();
        let mut html = String::new();
        // The opening words, the picture, the summary and the tree first (what a projector
        // shows); then each event's line, and the text timeline.
        let lines: Vec<&PageLine> = self.page.iter().flat_map(|(_, lines)| lines).collect();
        for (_, text) in lines.iter().filter(|(at, _)| at.is_none()) {
            let _ = writeln!(html, "<p class=\"src\">{}</p>", esc(text));
        }
        if self.summary.processes > 0 {
            let _ = writeln!(html, "<h3>{}</h3>\n{}", esc(w.picture), self.svg());
            let _ = writeln!(html, "<h3>{}</h3>", esc(w.summary));
            for para in self.words.watch_summary(&self.text_summary(), &names) {
                let _ = writeln!(html, "<p>{}</p>", esc(&para));
            }
            let _ = writeln!(
                html,
                "<h3>{}</h3>\n<pre class=\"output wide\">{}</pre>",
                esc(w.tree),
                lines_esc(&self.tree_lines())
            );
        }
        for (at, text) in &lines {
            if let Some(t) = at {
                let _ = writeln!(
                    html,
                    "<p class=\"step\"><span class=\"pid\">{}</span> {}</p>",
                    esc(&duration(*t)),
                    esc(text)
                );
            }
        }
        if self.summary.processes > 0 && self.style.timeline {
            let _ = writeln!(
                html,
                "<h3>{}</h3>\n<pre class=\"output wide\">{}</pre>",
                esc(w.timeline),
                lines_esc(&self.timeline_lines())
            );
        }
        html
    }

    /// `--json`: the watch as one document (see `json.rs`).
    fn document(&self) -> super::json::WatchDocument {
        use super::json::{VERSION, WatchDocument, WatchMessage, WatchProcess, WatchSummary};
        WatchDocument {
            version: VERSION,
            kind: "watch",
            command: self.summary.command.clone(),
            watcher: self.summary.watcher,
            events: self.events.iter().map(WatchMessage::from).collect(),
            processes: self.nodes.values().map(WatchProcess::from).collect(),
            summary: WatchSummary::new(&self.summary, self.exit_code()),
            exit_code: self.exit_code(),
        }
    }

    /// `--all`: fold nothing.
    pub fn show_all(&mut self) {
        self.all = true;
    }

    /// The first process's wrappers (the command names before its last exec) and the
    /// processes they ran (and those processes' descendants).
    pub fn wrapped(&self) -> (Vec<String>, std::collections::BTreeSet<i32>) {
        let mut helpers = std::collections::BTreeSet::new();
        let Some(root) = self.summary.main_pid.and_then(|p| self.nodes.get(&p)) else {
            return (Vec::new(), helpers);
        };
        if root.exec_at.len() < 2 {
            return (Vec::new(), helpers);
        }
        let last_exec = root.exec_at[root.exec_at.len() - 1].0;
        let wrappers = root.exec_at[..root.exec_at.len() - 1]
            .iter()
            .map(|(_, comm)| comm.clone())
            .collect();
        let mut stack: Vec<i32> = self
            .nodes
            .values()
            .filter(|n| n.parent == root.pid && n.born_us < last_exec)
            .map(|n| n.pid)
            .collect();
        while let Some(pid) = stack.pop() {
            if helpers.insert(pid) {
                stack.extend(
                    self.nodes
                        .values()
                        .filter(|n| n.parent == pid)
                        .map(|n| n.pid),
                );
            }
        }
        (wrappers, helpers)
    }

    /// The summary as the text says it: the wrappers' helpers left out (unless `--all`).
    fn text_summary(&self) -> Summary {
        let mut s = self.summary.clone();
        let (wrappers, helpers) = self.wrapped();
        s.wrappers = wrappers;
        s.wrapper_helpers = helpers.len();
        if !self.all && !helpers.is_empty() {
            s.zombies.retain(|z| !helpers.contains(&z.pid));
            s.reaped_at_once.retain(|z| !helpers.contains(&z.pid));
            s.released.retain(|p| !helpers.contains(p));
            s.reaped_by_procdemo.retain(|p| !helpers.contains(p));
            s.orphans.retain(|(p, _, _)| !helpers.contains(p));
        } else {
            s.wrapper_helpers = 0;
        }
        s
    }

    /// The children of each process, in PID order, runs of similar ones folded into a
    /// [`Group`] (the first and the last of a run stay apart) unless `--all`.
    pub fn layout(&self) -> BTreeMap<i32, Vec<Item>> {
        let parents: std::collections::BTreeSet<i32> =
            self.nodes.values().map(|n| n.parent).collect();
        let key = |n: &Node| -> Option<String> {
            let reaped_by_parent =
                matches!(n.reaper, Some(Reaper::Parent { pid }) if pid == n.parent);
            (!parents.contains(&n.pid) && n.orphaned.is_empty() && reaped_by_parent).then(|| {
                let mut how = match n.kind {
                    Some(ForkKind::Vfork) => "vfork()".to_string(),
                    Some(ForkKind::Clone) => "clone()".to_string(),
                    _ => "fork()".to_string(),
                };
                for argv in &n.execs {
                    how.push_str(&format!(", exec `{}`", command_line(argv)));
                }
                format!("{how}\u{0}{}", n.comm)
            })
        };
        let mut out: BTreeMap<i32, Vec<Item>> = BTreeMap::new();
        let mut by_parent: BTreeMap<i32, Vec<&Node>> = BTreeMap::new();
        let (wrappers, helpers) = self.wrapped();
        if !self.all
            && !helpers.is_empty()
            && let Some(root) = self.summary.main_pid
        {
            out.entry(root)
                .or_default()
                .push(Item::Helpers(helpers.len(), wrappers));
        }
        for n in self.nodes.values() {
            if self.all || !helpers.contains(&n.pid) {
                by_parent.entry(n.parent).or_default().push(n);
            }
        }
        for (parent, children) in by_parent {
            let items = out.entry(parent).or_default();
            let mut i = 0;
            while i < children.len() {
                let k = key(children[i]);
                let mut j = i + 1;
                while k.is_some() && j < children.len() && key(children[j]) == k {
                    j += 1;
                }
                let run = &children[i..j];
                if !self.all && run.len() >= FOLD_AT + 2 {
                    let middle = &run[1..run.len() - 1];
                    let how = k.unwrap_or_default();
                    let how = how.split('\u{0}').next().unwrap_or_default().to_string();
                    items.push(Item::Node(run[0].pid));
                    items.push(Item::Group(self.group(parent, how, middle)));
                    items.push(Item::Node(run[run.len() - 1].pid));
                } else {
                    items.extend(run.iter().map(|n| Item::Node(n.pid)));
                }
                i = j;
            }
        }
        out
    }

    fn group(&self, parent: i32, how: String, members: &[&Node]) -> Group {
        let mut g = Group {
            parent,
            count: members.len(),
            pids: members.iter().map(|n| n.pid).collect(),
            how,
            ..Group::default()
        };
        let widen =
            |r: Option<(u64, u64)>, v: u64| Some(r.map_or((v, v), |(a, b)| (a.min(v), b.max(v))));
        for n in members {
            match n.status {
                Some(ExitStatus::Exited(code)) => {
                    g.exit_codes = Some(
                        g.exit_codes
                            .map_or((code, code), |(a, b)| (a.min(code), b.max(code))),
                    );
                }
                Some(ExitStatus::Killed(_)) => g.killed += 1,
                _ => {}
            }
            if let (Some(exit), Some(reaped)) = (n.exit_us, n.reaped_us) {
                g.reap_us = widen(g.reap_us, reaped.saturating_sub(exit));
            }
            if n.zombie_us.is_some() && !n.parent_waiting {
                g.zombies += 1;
            }
        }
        g
    }

    /// The family as a tree by creator, each process with what became of it; runs of similar
    /// children folded into one line (unless `--all`).
    pub fn tree_lines(&self) -> Vec<String> {
        let names = self.names();
        let layout = self.layout();
        let mut lines = Vec::new();
        let roots: Vec<i32> = self
            .nodes
            .values()
            .filter(|n| !self.nodes.contains_key(&n.parent))
            .map(|n| n.pid)
            .collect();
        let mut stack: Vec<(Item, String, bool, bool)> = roots
            .iter()
            .rev()
            .enumerate()
            .map(|(i, &pid)| (Item::Node(pid), String::new(), i == 0, true))
            .collect();
        while let Some((item, indent, last, top)) = stack.pop() {
            let (text, pid) = match &item {
                Item::Node(pid) => match self.nodes.get(pid) {
                    Some(node) if Some(*pid) == self.summary.main_pid && node.exec_at.len() > 1 => {
                        let mut shown = node.clone();
                        shown.wrappers = self.wrapped().0;
                        (self.words.watch_node(&shown, &names), Some(*pid))
                    }
                    Some(node) => (self.words.watch_node(node, &names), Some(*pid)),
                    None => continue,
                },
                Item::Group(g) => (self.words.watch_group(g, &names), None),
                Item::Helpers(count, wrappers) => {
                    (self.words.watch_helpers(*count, wrappers), None)
                }
            };
            let branch = if top {
                ""
            } else if last {
                "└─ "
            } else {
                "├─ "
            };
            let prefix = format!("{indent}{branch}");
            let cont = format!(
                "{indent}{}",
                if top {
                    ""
                } else if last {
                    "   "
                } else {
                    "│  "
                }
            );
            let at = width(&prefix);
            for (i, line) in hang(&prefix, at, &text, self.style.width, at)
                .into_iter()
                .enumerate()
            {
                if i == 0 {
                    lines.push(line);
                } else {
                    // A wrapped label's lines go on beside the tree's own lines.
                    lines.push(format!("{cont}{}", line.trim_start()));
                }
            }
            let Some(pid) = pid else {
                continue;
            };
            let children = layout.get(&pid).cloned().unwrap_or_default();
            let count = children.len();
            for (i, child) in children.into_iter().enumerate().rev() {
                stack.push((child, cont.clone(), i + 1 == count, false));
            }
        }
        lines
    }

    /// The timeline's lanes: a process each, or a folded run of similar ones (`×N comm`) at
    /// the place of its first member; the wrappers' helpers left out (unless `--all`).
    fn lanes(&self) -> Vec<(String, Vec<&Node>)> {
        let label_of = |n: &Node| {
            let comm = super::sanitize::escape(&n.comm).into_owned();
            let comm: String = comm.chars().take(15).collect();
            format!("{} {comm}", n.pid)
        };
        // Lanes: a process each, or a folded run of similar ones (`×N comm`), at the place
        // of its first member.
        let mut folded: BTreeMap<i32, Group> = BTreeMap::new();
        for items in self.layout().into_values() {
            for item in items {
                if let Item::Group(g) = item
                    && let Some(&first) = g.pids.first()
                {
                    folded.insert(first, g);
                }
            }
        }
        let mut hidden: std::collections::HashSet<i32> = folded
            .values()
            .flat_map(|g| g.pids.iter().skip(1).copied())
            .collect();
        if !self.all {
            hidden.extend(self.wrapped().1);
        }
        self.nodes
            .values()
            .filter(|n| !hidden.contains(&n.pid))
            .map(|n| match folded.get(&n.pid) {
                Some(g) => {
                    let comm = super::sanitize::escape(&n.comm).into_owned();
                    let comm: String = comm.chars().take(15).collect();
                    (
                        format!("×{} {comm}", g.count),
                        g.pids.iter().filter_map(|p| self.nodes.get(p)).collect(),
                    )
                }
                None => (label_of(n), vec![n]),
            })
            .collect()
    }

    /// `--html`: the family drawn as SVG on a time axis: a lane per process (or per folded
    /// run), its states as coloured spans (zombie red), marks for fork, exec, exit, signal,
    /// reparenting and reap, and an arrow from each parent to each child it made. Sized for
    /// a projector: 18-unit text in a 1200-unit-wide picture.
    pub fn svg(&self) -> String {
        use super::html::esc;
        use std::fmt::Write as _;
        let w = self.words.watch_words();
        let keys = w.picture_keys;
        let lanes = self.lanes();
        let (left, right, top, lane_h) = (250.0_f64, 1180.0_f64, 50.0_f64, 40.0_f64);
        let end = self.last_us.max(1) as f64;
        let x = |t: u64| left + (right - left) * (t as f64 / end).min(1.0);
        let lane_of: BTreeMap<i32, usize> = lanes
            .iter()
            .enumerate()
            .flat_map(|(i, (_, members))| members.iter().map(move |n| (n.pid, i)))
            .collect();
        let y = |i: usize| top + lane_h * i as f64;
        let legend_y = y(lanes.len()) + 30.0;
        let height = legend_y + 70.0;
        let mut svg = String::new();
        let _ = writeln!(
            svg,
            "<svg class=\"watch\" viewBox=\"0 0 1200 {height:.0}\" width=\"100%\" role=\"img\" font-size=\"18\">"
        );
        svg.push_str("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#333\"/></marker></defs>\n");
        // The axis: 0, three ticks, the end.
        for k in 0..=4u64 {
            let t = self.last_us.max(1) * k / 4;
            let _ = writeln!(
                svg,
                "<line x1=\"{0:.1}\" y1=\"{1:.1}\" x2=\"{0:.1}\" y2=\"{2:.1}\" stroke=\"#ccc\"/><text x=\"{0:.1}\" y=\"{3:.1}\" text-anchor=\"{5}\" fill=\"#555\">{4}</text>",
                x(t),
                top - 12.0,
                y(lanes.len()),
                top - 18.0,
                esc(&duration(t)),
                if k == 4 { "end" } else { "middle" }
            );
        }
        let colour = |state: Option<State>| match state {
            Some(State::Running) => "#2e7d32",
            Some(State::Sleeping) => "#1565c0",
            Some(State::DiskSleep) => "#ef6c00",
            Some(State::Stopped) => "#6a1b9a",
            _ => "#90a4ae",
        };
        let span = |svg: &mut String, from: u64, to: u64, row: f64, fill: &str, tip: &str| {
            let (a, b) = (x(from), x(to.max(from)));
            let _ = writeln!(
                svg,
                "<rect x=\"{a:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"22\" fill=\"{fill}\"><title>{}</title></rect>",
                row + 6.0,
                (b - a).max(1.5),
                esc(tip)
            );
        };
        for (i, (label, members)) in lanes.iter().enumerate() {
            let row = y(i);
            if i % 2 == 1 {
                let _ = writeln!(
                    svg,
                    "<rect x=\"0\" y=\"{row:.1}\" width=\"1200\" height=\"{lane_h}\" fill=\"#f5f5f5\"/>"
                );
            }
            let _ = writeln!(
                svg,
                "<text x=\"8\" y=\"{:.1}\" fill=\"#111\">{}</text>",
                row + 24.0,
                esc(label)
            );
            for n in members {
                let exit = n.exit_us.unwrap_or(self.last_us);
                // Its states, each from when it was reported until the next (or its exit).
                let mut from = n.born_us;
                let mut state = None;
                for &(at, s) in n.states.iter().filter(|(at, _)| *at <= exit) {
                    span(&mut svg, from, at, row, colour(state), &label_tip(n, state));
                    from = at.max(from);
                    state = s;
                }
                span(
                    &mut svg,
                    from,
                    exit,
                    row,
                    colour(state),
                    &label_tip(n, state),
                );
                if let Some(t) = n.exit_us {
                    let gone = n.reaped_us.unwrap_or(self.last_us);
                    let zombie = n.zombie_since_us.unwrap_or(gone);
                    span(&mut svg, t, zombie, row, "#cfd8dc", keys[4]);
                    if n.zombie_since_us.is_some() && !n.parent_waiting {
                        span(&mut svg, zombie, gone, row, "#c62828", keys[5]);
                    }
                }
                // An arrow from its parent's lane (the first of a folded run only).
                if let Some(&p) = lane_of.get(&n.parent)
                    && members.first().is_some_and(|f| f.pid == n.pid)
                    && p != i
                {
                    let (y1, y2) = if p < i {
                        (y(p) + 28.0, row + 6.0)
                    } else {
                        (y(p) + 6.0, row + 28.0)
                    };
                    let _ = writeln!(
                        svg,
                        "<line x1=\"{0:.1}\" y1=\"{y1:.1}\" x2=\"{0:.1}\" y2=\"{y2:.1}\" stroke=\"#333\" stroke-width=\"2\" marker-end=\"url(#arrow)\"/>",
                        x(n.born_us)
                    );
                }
                // Marks: fork (a dot), exec (a diamond), exit (a cross), signal (a yellow
                // triangle), reparenting (a ring), reap (a bar); a folded run shows its spans
                // only (its members' marks would cover them).
                let mid = row + 17.0;
                if members.len() > 1 {
                    continue;
                }
                let _ = writeln!(
                    svg,
                    "<circle cx=\"{:.1}\" cy=\"{mid:.1}\" r=\"5\" fill=\"#111\"><title>{}</title></circle>",
                    x(n.born_us),
                    keys[6]
                );
                for (t, comm) in &n.exec_at {
                    let cx = x(*t);
                    let _ = writeln!(
                        svg,
                        "<path d=\"M{cx:.1},{:.1} l7,7 l-7,7 l-7,-7 z\" fill=\"#fbc02d\" stroke=\"#111\"><title>{} {}</title></path>",
                        mid - 7.0,
                        keys[7],
                        esc(comm)
                    );
                }
                for (t, sig) in &n.signal_at {
                    let cx = x(*t);
                    let _ = writeln!(
                        svg,
                        "<path d=\"M{cx:.1},{:.1} l6,-10 l-12,0 z\" fill=\"#ffeb3b\" stroke=\"#5d4037\"><title>{} {}</title></path>",
                        row + 6.0,
                        keys[9],
                        esc(&super::signal_name(*sig))
                    );
                }
                for t in &n.orphaned_at {
                    let _ = writeln!(
                        svg,
                        "<circle cx=\"{:.1}\" cy=\"{mid:.1}\" r=\"8\" fill=\"none\" stroke=\"#6d4c41\" stroke-width=\"3\"><title>{}</title></circle>",
                        x(*t),
                        keys[10]
                    );
                }
                if let Some(t) = n.exit_us {
                    let cx = x(t);
                    let _ = writeln!(
                        svg,
                        "<path d=\"M{:.1},{:.1} l12,12 m0,-12 l-12,12\" stroke=\"#111\" stroke-width=\"3\"><title>{}</title></path>",
                        cx - 6.0,
                        mid - 6.0,
                        keys[8]
                    );
                }
                if let Some(t) = n.reaped_us {
                    let _ = writeln!(
                        svg,
                        "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"3\" height=\"30\" fill=\"#111\"><title>{}</title></rect>",
                        x(t),
                        row + 2.0,
                        keys[11]
                    );
                }
            }
        }
        // The legend: the colours, then the marks.
        let swatches = [
            ("#2e7d32", keys[0]),
            ("#1565c0", keys[1]),
            ("#ef6c00", keys[2]),
            ("#6a1b9a", keys[3]),
            ("#cfd8dc", keys[4]),
            ("#c62828", keys[5]),
        ];
        let mut lx = 8.0;
        for (fill, word) in swatches {
            let _ = writeln!(
                svg,
                "<rect x=\"{lx:.1}\" y=\"{:.1}\" width=\"18\" height=\"18\" fill=\"{fill}\"/><text x=\"{:.1}\" y=\"{:.1}\" fill=\"#333\">{}</text>",
                legend_y,
                lx + 24.0,
                legend_y + 15.0,
                esc(word)
            );
            lx += 200.0;
        }
        let marks = [
            ("\u{25cf}", keys[6]),
            ("\u{25c6}", keys[7]),
            ("\u{2715}", keys[8]),
            ("\u{25bc}", keys[9]),
            ("\u{25cb}", keys[10]),
            ("|", keys[11]),
        ];
        let mut lx = 8.0;
        for (glyph, word) in marks {
            let _ = writeln!(
                svg,
                "<text x=\"{lx:.1}\" y=\"{:.1}\" fill=\"#333\">{glyph} {}</text>",
                legend_y + 48.0,
                esc(word)
            );
            lx += 200.0;
        }
        svg.push_str("</svg>\n");
        svg
    }

    /// One lane per process on a time axis from 0 to the last event: `=` alive, `T` stopped
    /// by a signal, `Z` zombie, `x` the column of its exit. A column covers the same time in
    /// every lane; the legend says how much.
    pub fn timeline_lines(&self) -> Vec<String> {
        let w = self.words.watch_words();
        let lanes = self.lanes();
        let label_w = lanes
            .iter()
            .map(|(label, _)| width(label))
            .max()
            .unwrap_or(0)
            .min(24);
        let columns = self.style.width.saturating_sub(label_w + 2).clamp(10, 200);
        let end = self.last_us.max(1);
        let per = end.div_ceil(columns as u64).max(1);
        let mut lines = Vec::new();
        let axis_end = duration(end);
        let axis = format!(
            "{}  0{}{axis_end}",
            pad("", label_w),
            " ".repeat(columns.saturating_sub(1 + width(&axis_end)))
        );
        lines.push(axis.trim_end().to_string());
        let col = |t: u64| ((t / per) as usize).min(columns - 1);
        let bar_of = |n: &Node| {
            let mut bar = vec![' '; columns];
            // Alive until its exit (`x`), exiting (`.`) until it died, a zombie (`Z`) from
            // its death until its reap.
            let exit = n.exit_us.unwrap_or(end);
            let gone = n.reaped_us.unwrap_or(end);
            for (c, cell) in bar
                .iter_mut()
                .enumerate()
                .take(col(exit) + 1)
                .skip(col(n.born_us))
            {
                let t = (c as u64) * per;
                let stopped = n
                    .states
                    .iter()
                    .rev()
                    .find(|(at, _)| *at <= t.max(n.born_us))
                    .is_some_and(|(_, s)| *s == Some(State::Stopped));
                *cell = if stopped { 'T' } else { '=' };
            }
            if n.exit_us.is_some() {
                let zombie = n.zombie_since_us.unwrap_or(gone);
                for cell in bar.iter_mut().take(col(zombie) + 1).skip(col(exit) + 1) {
                    *cell = '.';
                }
                if let Some(since) = n.zombie_since_us {
                    for cell in bar.iter_mut().take(col(gone) + 1).skip(col(since)) {
                        *cell = 'Z';
                    }
                }
                bar[col(exit)] = 'x';
            }
            bar
        };
        // A folded lane shows, in each column, the most telling mark of any member.
        let rank = |c: char| match c {
            'Z' => 5,
            'x' => 4,
            'T' => 3,
            '=' => 2,
            '.' => 1,
            _ => 0,
        };
        for (label, members) in &lanes {
            let mut bar = vec![' '; columns];
            for n in members {
                for (cell, c) in bar.iter_mut().zip(bar_of(n)) {
                    if rank(c) > rank(*cell) {
                        *cell = c;
                    }
                }
            }
            let bar: String = bar.into_iter().collect();
            lines.push(
                format!("{}  {}", pad(label, label_w), bar)
                    .trim_end()
                    .to_string(),
            );
        }
        for line in super::wrap::wrap(&(w.legend)(&duration(per)), self.style.width) {
            lines.push(line);
        }
        lines
    }
}

fn time_of(event: &WatchEvent) -> u64 {
    match event {
        WatchEvent::Begin { .. } | WatchEvent::Problem { .. } => 0,
        WatchEvent::Fork { t_us, .. }
        | WatchEvent::Thread { t_us, .. }
        | WatchEvent::Exec { t_us, .. }
        | WatchEvent::State { t_us, .. }
        | WatchEvent::Stopped { t_us, .. }
        | WatchEvent::Continued { t_us, .. }
        | WatchEvent::Exit { t_us, .. }
        | WatchEvent::Zombie { t_us, .. }
        | WatchEvent::Reaped { t_us, .. }
        | WatchEvent::Orphaned { t_us, .. }
        | WatchEvent::MainExited { t_us, .. }
        | WatchEvent::Killed { t_us, .. }
        | WatchEvent::Signal { t_us, .. }
        | WatchEvent::Renamed { t_us, .. }
        | WatchEvent::End { t_us }
        | WatchEvent::Deadline { t_us, .. }
        | WatchEvent::Sessions { t_us, .. } => *t_us,
    }
}

/// A span's tooltip: the process and its state letter.
fn label_tip(n: &Node, state: Option<State>) -> String {
    let letter = state.and_then(State::letter).unwrap_or('-');
    format!("{} {} {letter}", n.pid, super::sanitize::escape(&n.comm))
}

/// Preformatted lines for a page: each escaped (a newline inside would be shown as `\n`),
/// then joined by newlines.
fn lines_esc(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| super::html::esc(l))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::WatchEvent as E;

    /// A watch as the watcher reports one: a parent that forks a child which forks a
    /// grandchild and exits; the parent reaps the child after a while as a zombie; the
    /// grandchild is orphaned to the watcher, which reaps it.
    fn events() -> Vec<WatchEvent> {
        vec![
            E::Begin {
                watcher: 100,
                limit: 256,
                argv: vec!["python3".into(), "double fork.py".into()],
            },
            E::Fork {
                t_us: 0,
                parent: 100,
                pid: 101,
                kind: ForkKind::Fork,
                comm: "procdemo-watch".into(),
            },
            E::Exec {
                t_us: 500,
                pid: 101,
                comm: "python3".into(),
                argv: vec!["python3".into(), "double fork.py".into()],
            },
            E::State {
                t_us: 600,
                pid: 101,
                state: State::Running,
            },
            E::Fork {
                t_us: 30_000,
                parent: 101,
                pid: 102,
                kind: ForkKind::Fork,
                comm: "python3".into(),
            },
            E::Fork {
                t_us: 31_000,
                parent: 102,
                pid: 103,
                kind: ForkKind::Fork,
                comm: "python3".into(),
            },
            E::Exit {
                t_us: 32_000,
                pid: 102,
                status: ExitStatus::Exited(3),
                core_dumped: false,
                parent_waiting: false,
            },
            E::Orphaned {
                t_us: 32_100,
                pid: 103,
                from: 102,
                to: 100,
            },
            E::Zombie {
                t_us: 32_200,
                pid: 102,
                parent: 101,
                parent_waiting: false,
            },
            E::Reaped {
                t_us: 33_000,
                pid: 102,
                by: Reaper::Parent { pid: 101 },
                zombie_us: Some(800),
            },
            E::Exit {
                t_us: 34_000,
                pid: 103,
                status: ExitStatus::Killed(libc::SIGTERM),
                core_dumped: false,
                parent_waiting: false,
            },
            E::Reaped {
                t_us: 34_100,
                pid: 103,
                by: Reaper::Subreaper,
                zombie_us: None,
            },
            E::Exit {
                t_us: 40_000,
                pid: 101,
                status: ExitStatus::Exited(0),
                core_dumped: false,
                parent_waiting: false,
            },
            E::Reaped {
                t_us: 40_100,
                pid: 101,
                by: Reaper::Watcher,
                zombie_us: None,
            },
            E::MainExited {
                t_us: 40_200,
                pid: 101,
                status: ExitStatus::Exited(0),
                alive: vec![],
            },
            E::End { t_us: 40_300 },
        ]
    }

    fn render(form: Form, lang: super::super::Lang, width: usize) -> (String, Watch) {
        let style = Style {
            explain: false,
            stable: false,
            width,
            answers: false,
            lang,
            lang_asked: false,
            python: false,
            timeline: true,
            tree: false,
            html: None,
            trees_only: false,
        };
        let mut w = Watch::new(form, style);
        let mut out = Vec::new();
        for e in events() {
            w.event(&e, &mut out).unwrap();
        }
        w.finish(None, &mut out).unwrap();
        (String::from_utf8(out).unwrap(), w)
    }

    #[test]
    fn every_line_fits_the_width_in_english_and_chinese() {
        for lang in [super::super::Lang::En, super::super::Lang::Zh] {
            for columns in [60, 80, 120] {
                let (text, _) = render(Form::Text, lang, columns);
                for line in text.lines() {
                    assert!(width(line) <= columns, "{lang:?} {columns}: {line}");
                }
            }
        }
    }

    #[test]
    fn the_summary_tree_and_timeline_say_what_the_events_said() {
        let (text, w) = render(Form::Text, super::super::Lang::En, 100);
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for said in [
            "102 (python3) reaped by its parent 101 (python3), after 0.800 ms as a zombie",
            "103 (python3) is an orphan: its parent 102 is gone; the kernel reparented it to 100",
            "3 processes created (the first included), 0 threads, 1 exec; at most 3 alive at once.",
            "Zombies that waited for their parent: 102 (python3) for 0.800 ms (reaped by 101 (python3)).",
            "The program never reaped 103 (python3): procdemo, their subreaper, did.",
            "└─ 102 (python3), exit code 3, zombie 0.800 ms, reaped by 101",
            "└─ 103 (python3), killed by SIGTERM, orphan, reparented to procdemo",
            "exec `python3 'double fork.py'`",
        ] {
            assert!(flat.contains(said), "missing {said:?} in:\n{text}");
        }
        assert_eq!(w.exit_code(), Some(0));
        // The timeline: the child's lane ends in its exit and its zombie columns.
        let lane = text.lines().find(|l| l.starts_with("102 python3")).unwrap();
        assert!(
            lane.contains('x') && lane.trim_end().ends_with('Z'),
            "{lane}"
        );
    }

    #[test]
    fn json_holds_the_events_the_processes_and_the_summary() {
        let (text, _) = render(Form::Json, super::super::Lang::En, 80);
        let doc: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(doc["exit_code"], 0);
        assert_eq!(doc["events"].as_array().unwrap().len(), events().len());
        assert_eq!(doc["summary"]["peak_alive"], 3);
        assert_eq!(
            doc["summary"]["reaped_by_procdemo"],
            serde_json::json!([103])
        );
        assert_eq!(doc["summary"]["zombies"][0]["zombie_us"], 800);
        let (lines, _) = render(Form::JsonEvents, super::super::Lang::En, 80);
        let last: serde_json::Value = serde_json::from_str(lines.lines().last().unwrap()).unwrap();
        assert_eq!(last["type"], "summary");
        assert_eq!(doc["version"], super::super::json::VERSION);
        assert_eq!(doc["events"][0]["type"], "begin");
        assert_eq!(lines.lines().count(), events().len() + 1);
    }
}
