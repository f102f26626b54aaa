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
    pub status: Option<ExitStatus>,
    pub exit_us: Option<u64>,
    /// A zombie from this time (its death reported, and /proc said Z).
    pub zombie_since_us: Option<u64>,
    /// The parent it waited for as a zombie.
    pub zombie_parent: Option<i32>,
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
    /// Every process that waited as a zombie: (pid, parent it waited for, how long, reaper).
    pub zombies: Vec<ZombieRow>,
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
}

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
        }
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
        if self.page.is_some()
            && let Some(text) = self.words.watch_event(event, &self.names())
        {
            let at = match event {
                WatchEvent::Begin { .. } | WatchEvent::Problem { .. } => None,
                _ => Some(time_of(event)),
            };
            if let Some((_, lines)) = self.page.as_mut() {
                lines.push((at, text));
            }
        }
        match self.form {
            Form::Text => {
                if let Some(text) = self.words.watch_event(event, &self.names()) {
                    let at = match event {
                        WatchEvent::Begin { .. } | WatchEvent::Problem { .. } => String::new(),
                        _ => format!("{:>11}  ", duration(time_of(event))),
                    };
                    for line in hang(&at, width(&at), &text, self.style.width, 4) {
                        writeln!(out, "{line}")?;
                    }
                }
            }
            Form::JsonEvents => {
                super::json::write_line(out, &super::json::WatchMessage::from(event))?
            }
            Form::Json => self.events.push(event.clone()),
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
                pid, comm, argv, ..
            } => {
                s.execs += 1;
                if let Some(n) = self.nodes.get_mut(pid) {
                    n.comm = comm.clone();
                    n.execs.push(argv.clone());
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
                t_us, pid, status, ..
            } => {
                if let Some(n) = self.nodes.get_mut(pid)
                    && n.status.is_none()
                {
                    n.status = Some(*status);
                    n.exit_us = Some(*t_us);
                    self.alive = self.alive.saturating_sub(1);
                }
            }
            WatchEvent::Zombie { t_us, pid, parent } => {
                if let Some(n) = self.nodes.get_mut(pid) {
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
                if let Some(n) = self.nodes.get_mut(pid) {
                    n.reaped_us = Some(*t_us);
                    n.reaper = Some(*by);
                    n.zombie_us = *zombie_us;
                    if n.zombie_since_us.is_some() {
                        s.zombies.push(ZombieRow {
                            pid: *pid,
                            parent: n.zombie_parent.unwrap_or(n.ppid),
                            zombie_us: *zombie_us,
                            reaper: Some(*by),
                        });
                    }
                }
                match by {
                    Reaper::Kernel => s.released.push(*pid),
                    Reaper::Subreaper => s.reaped_by_procdemo.push(*pid),
                    Reaper::Parent { .. } | Reaper::Watcher => {}
                }
            }
            WatchEvent::Orphaned { pid, from, to, .. } => {
                s.orphans.push((*pid, *from, *to));
                if let Some(n) = self.nodes.get_mut(pid) {
                    n.orphaned.push((*from, *to));
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
            WatchEvent::Killed { reason, pids, .. } => s.killed.push((*reason, pids.clone())),
            WatchEvent::End { .. } => s.complete = true,
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
        if self.summary.processes == 0 {
            // Nothing ran (the command could not be started): main says why.
            if self.form == Form::Json {
                super::json::write_line(out, &self.document())?;
            }
            return Ok(());
        }
        match self.form {
            Form::Text => {
                let w = self.words.watch_words();
                let names = self.names();
                writeln!(out)?;
                writeln!(out, "{}", w.summary)?;
                for para in self.words.watch_summary(&self.summary, &names) {
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
        let w = self.words.watch_words();
        let names = self.names();
        let mut html = String::from("<section class=\"demo\">\n");
        let _ = writeln!(
            html,
            "<h1><span class=\"prog\">procdemo</span> <span class=\"name\">watch</span></h1>\n<h2>{}</h2>",
            esc(&command_line(&self.summary.command))
        );
        for (at, text) in self.page.iter().flat_map(|(_, lines)| lines) {
            match at {
                None => {
                    let _ = writeln!(html, "<p class=\"src\">{}</p>", esc(text));
                }
                Some(t) => {
                    let _ = writeln!(
                        html,
                        "<p class=\"step\"><span class=\"pid\">{}</span> {}</p>",
                        esc(&duration(*t)),
                        esc(text)
                    );
                }
            }
        }
        if self.summary.processes > 0 {
            let _ = writeln!(html, "<h3>{}</h3>", esc(w.summary));
            for para in self.words.watch_summary(&self.summary, &names) {
                let _ = writeln!(html, "<p>{}</p>", esc(&para));
            }
            let _ = writeln!(
                html,
                "<h3>{}</h3>\n<pre class=\"output wide\">{}</pre>",
                esc(w.tree),
                lines_esc(&self.tree_lines())
            );
            if self.style.timeline {
                let _ = writeln!(
                    html,
                    "<h3>{}</h3>\n<pre class=\"output wide\">{}</pre>",
                    esc(w.timeline),
                    lines_esc(&self.timeline_lines())
                );
            }
        }
        html.push_str("</section>\n");
        let section = super::html::Section {
            name: "watch".into(),
            title: command_line(&self.summary.command),
            ok: true,
            html,
        };
        super::html::document(self.words, &[section])
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

    /// The family as a tree by creator, each process with what became of it.
    pub fn tree_lines(&self) -> Vec<String> {
        let names = self.names();
        let mut lines = Vec::new();
        let roots: Vec<i32> = self
            .nodes
            .values()
            .filter(|n| !self.nodes.contains_key(&n.parent))
            .map(|n| n.pid)
            .collect();
        let mut stack: Vec<(i32, String, bool, bool)> = roots
            .iter()
            .rev()
            .enumerate()
            .map(|(i, &pid)| (pid, String::new(), i == 0, true))
            .collect();
        while let Some((pid, indent, last, top)) = stack.pop() {
            let Some(node) = self.nodes.get(&pid) else {
                continue;
            };
            let branch = if top {
                ""
            } else if last {
                "└─ "
            } else {
                "├─ "
            };
            let prefix = format!("{indent}{branch}");
            let text = self.words.watch_node(node, &names);
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
            let children: Vec<i32> = self
                .nodes
                .values()
                .filter(|n| n.parent == pid)
                .map(|n| n.pid)
                .collect();
            let count = children.len();
            for (i, child) in children.into_iter().enumerate().rev() {
                stack.push((child, cont.clone(), i + 1 == count, false));
            }
        }
        lines
    }

    /// One lane per process on a time axis from 0 to the last event: `=` alive, `T` stopped
    /// by a signal, `Z` zombie, `x` the column of its exit. A column covers the same time in
    /// every lane; the legend says how much.
    pub fn timeline_lines(&self) -> Vec<String> {
        let w = self.words.watch_words();
        let label_of = |n: &Node| {
            let comm = super::sanitize::escape(&n.comm).into_owned();
            let comm: String = comm.chars().take(15).collect();
            format!("{} {comm}", n.pid)
        };
        let label_w = self
            .nodes
            .values()
            .map(|n| width(&label_of(n)))
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
        for n in self.nodes.values() {
            let col = |t: u64| ((t / per) as usize).min(columns - 1);
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
            let bar: String = bar.into_iter().collect();
            lines.push(
                format!("{}  {}", pad(&label_of(n), label_w), bar)
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
        | WatchEvent::End { t_us } => *t_us,
    }
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
            "Zombies: 102 (python3) for 0.800 ms (reaped by 101 (python3)).",
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
