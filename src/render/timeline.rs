//! The timeline: one lane per role, one column per step that observed or changed a role,
//! drawn at the end of a run from the events the renderer received.
//!
//! [`Timeline`] only gathers (language-free, like the model): which step created a role
//! (`fork`), made it call `_exit` (`exit`), reaped it (`reap`), signalled it, and the state
//! each observation read, with a mark where its PPID changed since the role's previous
//! observation (reparented). Nothing is inferred between observations: a cell is empty where
//! no event said anything about that role. [`Timeline::text`] lays it out for a terminal,
//! in blocks of columns that fit the width; the page (`html.rs`) draws the same data as SVG.

use super::wrap::{hang, pad, width};
use super::{Ctx, Words};
use crate::engine::model::{Event, Observation, State};
use crate::script::RoleId;
use crate::script::actions::Outcome;

/// What one column says about one role.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// The state an observation read. `hidden`: --stable leaves it out (it may depend on
    /// privilege). `reparented`: its PPID differs from the one its previous observation read.
    State {
        state: State,
        hidden: bool,
        reparented: bool,
    },
    /// fork() (or clone) created it at this step (the step after its `Spawned` event).
    Fork,
    /// It called `_exit` (or `exit`) at this step.
    Exit,
    /// execve() gave it a new program at this step.
    Exec,
    /// Its parent's wait returned it at this step.
    Reap,
    /// A signal was sent to it at this step.
    Signal(i32),
}

/// One step that observed or changed at least one role.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The step's number as the text output shows it (1, 2, 3...; say lines not counted).
    pub number: usize,
    pub cells: Vec<(RoleId, Cell)>,
}

/// A run's timeline, gathered event by event.
#[derive(Debug, Default)]
pub struct Timeline {
    pub columns: Vec<Column>,
    /// Steps shown so far (counted the way the text renderer numbers them).
    n: usize,
    last: Option<usize>,
    /// Each role's PPID at its latest observation.
    ppids: Vec<Option<i32>>,
    /// Roles whose process exists since the last event (`Spawned` comes just before the
    /// step that created it): that step marks them `fork`.
    born: Vec<RoleId>,
}

impl Timeline {
    pub fn new() -> Timeline {
        Timeline::default()
    }

    /// Take in one event. `ctx` must already have learnt it (PIDs of new roles).
    pub fn event(&mut self, event: &Event, ctx: &Ctx) {
        // Number the steps exactly as text.rs does.
        match event {
            Event::Act { step, .. }
            | Event::Observe { step, .. }
            | Event::Await { step, .. }
            | Event::Measure { step, .. }
            | Event::Inspect { step, .. }
            | Event::Output { step, .. }
            | Event::EndUnless { step, .. }
            | Event::Expect { step, .. }
            | Event::Share { step, .. }
            | Event::Skipped { step, .. } => {
                self.n += 1;
                self.last = Some(*step);
            }
            Event::Failed {
                step: Some(step), ..
            } if self.last != Some(*step) => {
                self.n += 1;
                self.last = Some(*step);
            }
            _ => {}
        }
        // A `try` or `if permitted` step reads the same for root and a normal user with
        // --stable: it adds nothing (as its line in the text shows no outcome).
        if ctx.stable
            && event
                .step()
                .and_then(|s| ctx.step(s))
                .is_some_and(|s| s.guard != crate::script::Guard::None)
        {
            if matches!(event, Event::Act { .. }) {
                self.born.clear();
            }
            return;
        }
        let mut cells = Vec::new();
        match event {
            Event::Spawned { role, .. } => self.born.push(*role),
            Event::Act { .. } => cells.extend(self.born.drain(..).map(|r| (r, Cell::Fork))),
            _ => {}
        }
        match event {
            Event::Act {
                role,
                outcome: Some(o),
                ..
            } => self.outcome(*role, o, ctx, &mut cells),
            Event::Await {
                observation,
                outcome,
                step,
                ..
            } => {
                if let Some(o) = outcome {
                    let role = ctx.step(*step).and_then(acting_role).unwrap_or(usize::MAX);
                    self.outcome(role, o, ctx, &mut cells);
                }
                if let Some(o) = observation {
                    cells.push(self.observed(o, ctx));
                }
            }
            Event::Observe { observations, .. } => {
                for o in observations {
                    cells.push(self.observed(o, ctx));
                }
            }
            Event::Inspect { inspections, .. } => {
                for i in inspections {
                    cells.push(self.observed(&i.observation, ctx));
                }
            }
            Event::Failed { failure, .. } => {
                if let Some(o) = super::seen(failure) {
                    cells.push(self.observed(o, ctx));
                }
            }
            _ => {}
        }
        if !cells.is_empty() {
            self.columns.push(Column {
                number: self.n,
                cells,
            });
        }
    }

    fn outcome(&self, role: RoleId, o: &Outcome, ctx: &Ctx, cells: &mut Vec<(RoleId, Cell)>) {
        // The PIDs a result names are those its role saw (in its PID namespace).
        let seen = if role == usize::MAX {
            ctx.clone()
        } else {
            ctx.seen_by(role)
        };
        let of = |pid: i32| seen.role_id_of(pid);
        match o {
            Outcome::Exiting { .. } | Outcome::ExitingFlushing { .. } if role != usize::MAX => {
                cells.push((role, Cell::Exit))
            }
            Outcome::Execed { .. } | Outcome::Running { .. } if role != usize::MAX => {
                cells.push((role, Cell::Exec))
            }
            Outcome::Reaped { pid, .. } | Outcome::PolledThenReaped { pid, .. } => {
                if let Some(r) = of(*pid) {
                    cells.push((r, Cell::Reap));
                }
            }
            // A SIGCHLD handler's waitpid() calls reap too.
            Outcome::Masked { during: runs, .. } | Outcome::Handled(runs) => {
                for w in runs.waits.iter().filter(|w| w.ret > 0) {
                    if let Some(r) = of(w.ret) {
                        cells.push((r, Cell::Reap));
                    }
                }
            }
            Outcome::Signalled { pid, signal } => {
                if let Some(r) = of(*pid) {
                    cells.push((r, Cell::Signal(*signal)));
                }
            }
            _ => {}
        }
    }

    fn observed(&mut self, o: &Observation, ctx: &Ctx) -> (RoleId, Cell) {
        if o.role >= self.ppids.len() {
            self.ppids.resize(o.role + 1, None);
        }
        let before = self.ppids[o.role];
        let reparented = matches!((before, o.ppid), (Some(a), Some(b)) if a != b);
        if o.ppid.is_some() {
            self.ppids[o.role] = o.ppid;
        }
        (
            o.role,
            Cell::State {
                state: o.state,
                hidden: ctx.hidden(o),
                reparented,
            },
        )
    }

    /// The roles with a lane, in the script's order (the runner first).
    pub fn lanes(&self) -> Vec<RoleId> {
        let mut roles: Vec<RoleId> = self
            .columns
            .iter()
            .flat_map(|c| c.cells.iter().map(|(r, _)| *r))
            .collect();
        roles.sort_unstable();
        roles.dedup();
        roles
    }

    /// The states that appear (for the legend), in the order of their first appearance.
    pub fn states(&self) -> Vec<State> {
        let mut seen = Vec::new();
        for c in &self.columns {
            for (_, cell) in &c.cells {
                if let Cell::State {
                    state,
                    hidden: false,
                    ..
                } = cell
                    && !seen.contains(state)
                {
                    seen.push(*state);
                }
            }
        }
        seen
    }

    /// Whether any cell shows a reparenting.
    pub fn reparents(&self) -> bool {
        self.columns.iter().any(|c| {
            c.cells.iter().any(|(_, cell)| {
                matches!(
                    cell,
                    Cell::State {
                        reparented: true,
                        ..
                    }
                )
            })
        })
    }

    /// What a cell shows, in words (`S`, `Z`, `gone`, `S^`, `fork`, `SIGTERM`).
    pub fn cell_text(cell: &Cell, words: &dyn Words) -> String {
        let w = words.timeline();
        match cell {
            Cell::State { hidden: true, .. } => "?".to_string(),
            Cell::State {
                state, reparented, ..
            } => {
                let mut s = state.code();
                if *reparented {
                    s.push_str(REPARENTED);
                }
                s
            }
            Cell::Fork => w.fork.to_string(),
            Cell::Exit => w.exit.to_string(),
            Cell::Exec => w.exec.to_string(),
            Cell::Reap => w.reap.to_string(),
            Cell::Signal(sig) => words.signal(*sig),
        }
    }

    /// What a lane says in one column: its cells joined (`exit Z` when a step did both).
    pub fn lane_text(column: &Column, role: RoleId, words: &dyn Words) -> String {
        column
            .cells
            .iter()
            .filter(|(r, _)| *r == role)
            .map(|(_, c)| Timeline::cell_text(c, words))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A lane's label: its role, and with live output its PID (`child 14726`).
    pub fn label(role: RoleId, ctx: &Ctx) -> String {
        match (ctx.stable, ctx.pids.get(role).copied().flatten()) {
            (false, Some(pid)) => format!("{} {pid}", ctx.role(role)),
            _ => ctx.role(role).to_string(),
        }
    }

    /// The legend's paragraphs: what each state shown means, then the marks.
    pub fn legend(&self, words: &dyn Words) -> Vec<String> {
        let tw = words.timeline();
        let states: Vec<String> = self
            .states()
            .iter()
            .map(|s| {
                let meaning = words.state(*s);
                if meaning.starts_with(&s.code()) {
                    meaning.to_string()
                } else {
                    format!("{} = {meaning}", s.code())
                }
            })
            .collect();
        let mut marks = tw.marks.to_string();
        if self.reparents() {
            marks.push_str(&format!("; {REPARENTED} {}", tw.reparented));
        }
        let mut out = Vec::new();
        if !states.is_empty() {
            out.push(states.join("; "));
        }
        out.push(marks);
        out
    }

    /// The timeline as text lines within `columns` display columns: a title, the step
    /// numbers over one row per lane, in as many blocks of columns as the width needs, then
    /// the legend. Empty when nothing was observed or changed.
    pub fn text(&self, ctx: &Ctx, columns: usize) -> Vec<String> {
        let lanes = self.lanes();
        if lanes.is_empty() {
            return Vec::new();
        }
        let words = ctx.words;
        let tw = words.timeline();
        let mut out = Vec::new();
        out.push(String::new());
        out.extend(hang("  ", 2, tw.title, columns, 2));
        let labels: Vec<String> = lanes.iter().map(|r| Timeline::label(*r, ctx)).collect();
        let label_w = labels
            .iter()
            .map(|l| width(l))
            .chain([width(tw.step)])
            .max()
            .unwrap_or(0);
        // Each column: the step number over each lane's cell, as wide as the widest.
        let grid: Vec<(String, Vec<String>)> = self
            .columns
            .iter()
            .map(|c| {
                (
                    c.number.to_string(),
                    lanes
                        .iter()
                        .map(|r| Timeline::lane_text(c, *r, words))
                        .collect(),
                )
            })
            .collect();
        let widths: Vec<usize> = grid
            .iter()
            .map(|(n, cells)| {
                cells
                    .iter()
                    .map(|c| width(c))
                    .chain([width(n)])
                    .max()
                    .unwrap_or(1)
            })
            .collect();
        let lead = 4 + label_w + 2;
        let room = columns.saturating_sub(lead).max(1);
        let mut start = 0;
        while start < grid.len() {
            // As many columns as fit (at least one, however narrow the terminal).
            let mut used = 0;
            let mut end = start;
            while end < grid.len() {
                let need = widths[end] + usize::from(end > start) * 2;
                if end > start && used + need > room {
                    break;
                }
                used += need;
                end += 1;
            }
            if start > 0 {
                out.push(String::new());
            }
            let row = |label: &str, cells: Vec<&str>| {
                let mut line = format!("    {}  ", pad(label, label_w));
                let n = cells.len();
                for (i, (cell, w)) in cells.iter().zip(&widths[start..end]).enumerate() {
                    if i + 1 == n {
                        line.push_str(cell);
                    } else {
                        line.push_str(&pad(cell, *w));
                        line.push_str("  ");
                    }
                }
                line.trim_end().to_string()
            };
            out.push(row(
                tw.step,
                grid[start..end].iter().map(|(n, _)| n.as_str()).collect(),
            ));
            for (i, label) in labels.iter().enumerate() {
                let cells: Vec<&str> = grid[start..end]
                    .iter()
                    .map(|(_, cells)| cells[i].as_str())
                    .collect();
                // A lane with nothing in this block is left out of it.
                if cells.iter().any(|c| !c.is_empty()) {
                    out.push(row(label, cells));
                }
            }
            start = end;
        }
        // The legend: prose, so no wider than narration however wide the terminal.
        for paragraph in self.legend(words) {
            out.extend(hang("    ", 4, &paragraph, columns.min(LEGEND_MAX), 4));
        }
        out
    }
}

/// The legend's widest line (narration's measure).
const LEGEND_MAX: usize = 94;

/// The mark after a state whose PPID changed since the role's previous observation.
pub const REPARENTED: &str = "^";

/// The role that acts in a step (`child` in `child exit 7`, `parent` in `await parent done`).
fn acting_role(step: &crate::script::Step) -> Option<RoleId> {
    use crate::script::StepKind;
    match &step.kind {
        StepKind::Await { role, .. } => Some(*role),
        _ => None,
    }
}
