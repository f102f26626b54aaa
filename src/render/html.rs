//! `--html FILE`: one self-contained page per invocation, for a projector and for a handout.
//!
//! A renderer like [`super::json::Document`]: fed the same events, it gathers one `<section>`
//! per run (the title, every step and its result, each observation drawn as a process tree,
//! memory tables, the narration with `--explain`, the verdict and the timeline as inline SVG)
//! and at `End` writes the whole page. No network: inline CSS and SVG, no script, no font
//! file (a font stack that ends in the system's CJK fonts, so Chinese text renders).
//! `procdemo all --html FILE` writes every demo into the same page, one section each: the
//! sections gathered so far in this process are kept per path, and the file is written
//! again after each run, so it is a complete page even when a later demo fails.
//!
//! Everything a script or /proc supplies (title, steps, narration, command names, paths) is
//! escaped twice: control characters by [`escape`], then `& < > " '` for HTML.

use super::sanitize::escape;
use super::timeline::{Cell, Column, Timeline};
use super::{Ctx, Render, Style, Words, seen};
use crate::engine::model::{Event, Failure, MemoryReading, Observation, Origin, State};
use crate::script::{Guard, RUNNER, RoleId, Script};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The sections written so far to each page in this process (`procdemo all` writes one
/// section per demo into the same file).
static PAGES: Mutex<Vec<(PathBuf, Vec<Section>)>> = Mutex::new(Vec::new());

/// One demo's part of a page, and what the contents and the summary say of it.
pub struct Section {
    pub name: String,
    pub title: String,
    pub ok: bool,
    pub html: String,
}

/// Text for HTML: control characters shown as escapes, then the five special characters.
pub fn esc(text: &str) -> String {
    let text = escape(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The CSS class of a state (its colour on the page and in the timeline).
fn class(state: State) -> &'static str {
    match state {
        State::Running => "st-r",
        State::Sleeping => "st-s",
        State::DiskSleep => "st-d",
        State::Stopped | State::TracingStop => "st-t",
        State::Zombie => "st-z",
        State::Gone => "st-gone",
        State::Dead | State::Idle | State::Parked => "st-x",
    }
}

/// One run's page section, written to `path` at the end of the run.
pub struct Page<'a> {
    ctx: Ctx<'a>,
    origin: &'a Origin,
    style: Style,
    path: &'a Path,
    body: String,
    timeline: Timeline,
    n: usize,
    printed: Option<usize>,
    failure: Option<(Failure, Option<usize>)>,
    cleanup: Option<String>,
    /// Each role's latest `inspect`, to show what changed at the next.
    inspected: Vec<Option<crate::engine::model::Inspection>>,
    /// The `ask` steps, in order, with the value that answered each (its words).
    questions: Vec<(usize, Option<String>)>,
}

impl<'a> Page<'a> {
    pub fn new(
        words: &'static dyn Words,
        script: &'a Script,
        origin: &'a Origin,
        style: Style,
        path: &'a Path,
    ) -> Page<'a> {
        Page {
            ctx: Ctx::new(words, script, style.stable),
            origin,
            style,
            path,
            body: String::new(),
            timeline: Timeline::new(),
            n: 0,
            printed: None,
            failure: None,
            cleanup: None,
            inspected: Vec::new(),
            questions: Vec::new(),
        }
    }

    /// An inspection: the role's place in the tree, then a table of what it is made of.
    fn inspection(&mut self, i: &crate::engine::model::Inspection) {
        self.tree(std::slice::from_ref(&i.observation));
        let role = i.observation.role;
        let before = self.inspected.get(role).and_then(Option::as_ref);
        let rows = super::inspect::rows(i, before, &self.ctx);
        let mut html = String::from("<table class=\"inspect\">\n");
        for row in rows {
            let _ = writeln!(
                html,
                "<tr><th>{}</th><td>{}</td></tr>",
                esc(&row.label),
                row.lines
                    .iter()
                    .map(|l| esc(l))
                    .collect::<Vec<_>>()
                    .join("<br>")
            );
        }
        html.push_str("</table>\n");
        self.body.push_str(&html);
        if self.inspected.len() <= role {
            self.inspected.resize(role + 1, None);
        }
        self.inspected[role] = Some(i.clone());
    }

    /// What each role has written to its output.
    fn outputs(&mut self, outputs: &[crate::engine::model::Captured]) {
        let mut html = String::new();
        for c in outputs {
            let (heading, lines) = super::inspect::output_lines(c, &self.ctx);
            let _ = write!(
                html,
                "<p class=\"output\"><b>{}</b> {}</p>",
                esc(self.ctx.role(c.role)),
                esc(&heading)
            );
            if !lines.is_empty() {
                let _ = writeln!(
                    html,
                    "<pre class=\"output\">{}</pre>",
                    lines.iter().map(|l| esc(l)).collect::<Vec<_>>().join("\n")
                );
            }
        }
        self.body.push_str(&html);
    }

    fn words(&self) -> &'static dyn Words {
        self.ctx.words
    }

    fn guarded(&self, step: usize) -> bool {
        self.style.stable && self.ctx.step(step).is_some_and(|s| s.guard != Guard::None)
    }

    /// A step's line: its number, its text and what it gave.
    fn step(&mut self, step: usize, result: Option<&str>) {
        self.n += 1;
        self.printed = Some(step);
        let _ = write!(
            self.body,
            "<div class=\"step\"><span class=\"n\">{}</span><code>{}</code>",
            self.n,
            esc(self.ctx.step_text(step))
        );
        if let Some(r) = result.filter(|r| !r.is_empty()) {
            let _ = write!(
                self.body,
                " <span class=\"arrow\">→</span> <span class=\"result\">{}</span>",
                esc(r)
            );
        }
        self.body.push_str("</div>\n");
    }

    /// The observed roles drawn as a tree by PPID (the runner at the top): a box per
    /// process, its children under it, a line from each parent to its children; then the
    /// roles gone.
    fn tree(&mut self, obs: &[Observation]) {
        let alive: Vec<&Observation> = obs.iter().filter(|o| o.state.is_alive()).collect();
        let mut rows: Vec<(usize, &Observation, Option<usize>)> = Vec::new();
        fn walk<'o>(
            o: &'o Observation,
            alive: &[&'o Observation],
            depth: usize,
            parent: Option<usize>,
            rows: &mut Vec<(usize, &'o Observation, Option<usize>)>,
        ) {
            let me = rows.len();
            rows.push((depth, o, parent));
            // Deeper than the process limit means a PID was reused into a loop: stop.
            if depth > crate::script::limits::MAX_PROCESSES {
                return;
            }
            for k in alive.iter().filter(|k| k.ppid == Some(o.pid)) {
                walk(k, alive, depth + 1, Some(me), rows);
            }
        }
        for r in alive
            .iter()
            .filter(|o| !alive.iter().any(|p| o.ppid == Some(p.pid)))
        {
            walk(r, &alive, 0, None, &mut rows);
        }
        let mut html = self.tree_svg(&rows);
        let gone: Vec<&str> = obs
            .iter()
            .filter(|o| !o.state.is_alive())
            .map(|o| self.ctx.role(o.role))
            .collect();
        if !gone.is_empty() {
            let _ = writeln!(
                html,
                "<p class=\"gone\">{}</p>",
                esc(&self.words().gone_roles(&gone))
            );
        }
        self.body.push_str(&html);
    }

    /// The SVG of a tree's rows (depth, process, the row of its parent): one row a process,
    /// indented by its depth, a line from under its parent's box to its own.
    fn tree_svg(&self, rows: &[(usize, &Observation, Option<usize>)]) -> String {
        if rows.is_empty() {
            return String::new();
        }
        const CHAR: usize = 14; // px per character at the SVG's font size (monospace)
        const ROW: usize = 48;
        const INDENT: usize = 48;
        let width = |s: &str| super::wrap::width(s) * CHAR;
        let cells: Vec<(String, String, String)> = rows
            .iter()
            .map(|(_, o, _)| {
                let mut label = self.ctx.role(o.role).to_string();
                if !self.style.stable {
                    label = format!("{label} {}", o.pid);
                }
                let mut what = self.ctx.state_cell(o);
                if o.role == RUNNER {
                    what.push_str(self.words().subreaper());
                }
                (label, self.ctx.stat_cell(o), what)
            })
            .collect();
        let label_w = cells.iter().map(|c| width(&c.0)).max().unwrap_or(0) + 20;
        let stat_w = cells
            .iter()
            .map(|c| width(&c.1))
            .max()
            .unwrap_or(0)
            .max(2 * CHAR)
            + 16;
        let total = rows
            .iter()
            .zip(&cells)
            .map(|((depth, _, _), c)| depth * INDENT + label_w + stat_w + width(&c.2) + 40)
            .max()
            .unwrap_or(0);
        let height = rows.len() * ROW + 8;
        let mut svg = format!(
            "<svg class=\"tree\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{total}\" height=\"{height}\" viewBox=\"0 0 {total} {height}\" style=\"--w:{total}\" role=\"img\">"
        );
        let boxed = ROW - 12;
        for (i, ((depth, o, parent), (label, stat, what))) in rows.iter().zip(&cells).enumerate() {
            let (x, y) = (4 + depth * INDENT, 4 + i * ROW);
            if let Some(p) = parent {
                // From under the parent's box, down, then across to this one.
                let px = 4 + rows[*p].0 * INDENT + 20;
                let py = 4 + p * ROW + boxed;
                let my = y + boxed / 2;
                let _ = write!(
                    svg,
                    "<path d=\"M{px} {py} V{my} H{x}\" class=\"tree-edge\"/>"
                );
            }
            let cls = if self.ctx.hidden(o) {
                "st-x"
            } else {
                class(o.state)
            };
            let text_y = y + boxed / 2 + 8;
            let _ = write!(
                svg,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{label_w}\" height=\"{boxed}\" rx=\"8\" class=\"tree-box\"/><text x=\"{}\" y=\"{text_y}\" class=\"tree-label\">{}</text><rect x=\"{}\" y=\"{y}\" width=\"{}\" height=\"{boxed}\" rx=\"8\" class=\"{cls}\"/><text x=\"{}\" y=\"{text_y}\" text-anchor=\"middle\" class=\"tree-stat\">{}</text><text x=\"{}\" y=\"{text_y}\" class=\"tree-what\">{}</text>",
                x + 10,
                esc(label),
                x + label_w + 6,
                stat_w - 6,
                x + label_w + 6 + (stat_w - 6) / 2,
                esc(stat),
                x + label_w + stat_w + 12,
                esc(what)
            );
        }
        svg.push_str("</svg>\n");
        svg
    }

    fn memory(&mut self, readings: &[MemoryReading]) {
        let words = self.words();
        let h = words.memory_headers(self.style.stable);
        let mut html = String::from("<table class=\"mem\"><tr>");
        for c in [h.role, h.pid, h.what, h.rss, h.pss, h.shared, h.private] {
            let _ = write!(html, "<th>{}</th>", esc(c));
        }
        if !self.style.stable {
            let _ = write!(html, "<th>{}</th>", esc(h.minflt));
        }
        html.push_str("</tr>\n");
        for m in readings {
            let role = esc(self.ctx.role(m.role));
            let pid = esc(&self.ctx.pid(m.pid));
            let mut row = |what: String,
                           mem: &crate::engine::model::Memory,
                           minflt: Option<u64>| {
                let _ = write!(
                    html,
                    "<tr><td>{role}</td><td>{pid}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                    esc(&what),
                    mem.rss_kb,
                    mem.pss_kb,
                    mem.shared_dirty_kb,
                    mem.private_dirty_kb
                );
                if !self.style.stable {
                    let _ = write!(
                        html,
                        "<td>{}</td>",
                        minflt.map_or_else(String::new, |n| n.to_string())
                    );
                }
                html.push_str("</tr>\n");
            };
            if !self.style.stable {
                row(words.whole_process().to_string(), &m.whole, Some(m.minflt));
            }
            if let Some((region, bytes)) = &m.region {
                row(words.region(*bytes), region, None);
            }
        }
        let _ = writeln!(html, "</table><p class=\"note\">{}</p>", esc(h.note));
        self.body.push_str(&html);
    }

    /// The timeline as SVG, in blocks of columns that fit a page's width.
    fn timeline_svg(&self) -> String {
        let lanes = self.timeline.lanes();
        if lanes.is_empty() {
            return String::new();
        }
        let words = self.words();
        let tw = words.timeline();
        const CHAR: usize = 14; // px per character at the SVG's font size (monospace)
        const ROW: usize = 44;
        const MAX: usize = 1100;
        let labels: Vec<String> = lanes
            .iter()
            .map(|r| Timeline::label(*r, &self.ctx))
            .collect();
        let label_px = labels
            .iter()
            .map(|l| super::wrap::width(l))
            .chain([super::wrap::width(tw.step)])
            .max()
            .unwrap_or(4)
            * CHAR
            + 20;
        let col_px = |c: &Column| {
            let widest = lanes
                .iter()
                .map(|r| super::wrap::width(&Timeline::lane_text(c, *r, words)))
                .chain([c.number.to_string().len()])
                .max()
                .unwrap_or(1);
            widest.max(2) * CHAR + 20
        };
        let mut html = format!("<h3>{}</h3>\n", esc(tw.title));
        let columns = &self.timeline.columns;
        let mut start = 0;
        while start < columns.len() {
            let mut end = start;
            let mut used = label_px;
            while end < columns.len() && (end == start || used + col_px(&columns[end]) <= MAX) {
                used += col_px(&columns[end]);
                end += 1;
            }
            // Each lane's span: from its first column to its last (its life in this run, as
            // the events showed it); a lane with nothing in this block is left out of it.
            let span = |r: RoleId| {
                let has = |c: &Column| c.cells.iter().any(|(role, _)| *role == r);
                let first = columns.iter().position(has).unwrap_or(0);
                let last = columns.iter().rposition(has).unwrap_or(0);
                (first, last)
            };
            let shown: Vec<(usize, RoleId)> = lanes
                .iter()
                .enumerate()
                .filter(|(_, r)| {
                    let (first, last) = span(**r);
                    first < end && last >= start
                })
                .map(|(i, r)| (i, *r))
                .collect();
            let mut xs = Vec::new();
            let mut x = label_px;
            for c in &columns[start..end] {
                xs.push((x, col_px(c)));
                x += col_px(c);
            }
            let height = ROW * (shown.len() + 1) + 8;
            let _ = write!(
                html,
                "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{used}\" height=\"{height}\" viewBox=\"0 0 {used} {height}\" style=\"--w:{used}\" role=\"img\">"
            );
            let _ = write!(
                html,
                "<text x=\"4\" y=\"{}\" class=\"tl-head\">{}</text>",
                ROW - 10,
                esc(tw.step)
            );
            for (row, (i, r)) in shown.iter().enumerate() {
                let y = ROW * (row + 2) - 10;
                let (first, last) = span(*r);
                let from = if first >= start {
                    xs[first - start].0 + xs[first - start].1 / 2
                } else {
                    label_px
                };
                let to = if last < end {
                    xs[last - start].0 + xs[last - start].1 / 2
                } else {
                    used
                };
                let _ = write!(
                    html,
                    "<line x1=\"{from}\" y1=\"{}\" x2=\"{to}\" y2=\"{}\" class=\"tl-lane\"/><text x=\"4\" y=\"{y}\" class=\"tl-label\">{}</text>",
                    y - 7,
                    y - 7,
                    esc(&labels[*i])
                );
            }
            for (c, (x, w)) in columns[start..end].iter().zip(&xs) {
                let (x, w) = (*x, *w);
                let mid = x + w / 2;
                let _ = write!(
                    html,
                    "<text x=\"{mid}\" y=\"{}\" class=\"tl-head\" text-anchor=\"middle\">{}</text>",
                    ROW - 10,
                    c.number
                );
                for (row, (_, r)) in shown.iter().enumerate() {
                    let cells: Vec<&Cell> = c
                        .cells
                        .iter()
                        .filter(|(role, _)| role == r)
                        .map(|(_, cell)| cell)
                        .collect();
                    if cells.is_empty() {
                        continue;
                    }
                    let text = Timeline::lane_text(c, *r, words);
                    let cls = match cells.last() {
                        Some(Cell::State {
                            state,
                            hidden: false,
                            ..
                        }) => class(*state),
                        Some(Cell::State { .. }) => "st-x",
                        _ => "tl-mark",
                    };
                    let y = ROW * (row + 1) + 4;
                    let _ = write!(
                        html,
                        "<rect x=\"{}\" y=\"{y}\" width=\"{}\" height=\"{}\" rx=\"6\" class=\"{cls}\"/><text x=\"{mid}\" y=\"{}\" text-anchor=\"middle\" class=\"tl-cell\">{}</text>",
                        x + 3,
                        w - 6,
                        ROW - 8,
                        y + ROW - 17,
                        esc(&text)
                    );
                }
            }
            html.push_str("</svg>\n");
            start = end;
        }
        for paragraph in self.timeline.legend(words) {
            let _ = writeln!(html, "<p class=\"legend\">{}</p>", esc(&paragraph));
        }
        html
    }

    fn render(&mut self, event: &Event) -> std::io::Result<()> {
        self.timeline.event(event, &self.ctx);
        let words = self.words();
        match event {
            // A pause and the questions are the terminal's (`--step`, `--predict`).
            Event::Begin { .. } | Event::Spawned { .. } | Event::Next { .. } => {}
            // The questions go under the demo, each answer hidden until it is opened.
            Event::Ask { step } => self.questions.push((*step, None)),
            Event::Answer { ask, value } => {
                let shown = words.value(value, &self.ctx);
                match self.questions.iter_mut().find(|(s, _)| s == ask) {
                    Some((_, answer)) => *answer = Some(shown),
                    None => self.questions.push((*ask, Some(shown))),
                }
            }
            Event::Act {
                step,
                outcome,
                verdict,
                ..
            } => {
                let result = if self.guarded(*step) {
                    words.outcome_hidden().to_string()
                } else if let Some(o) = outcome {
                    let mut r = words.outcome(o, &self.ctx.for_step(*step));
                    if let Some(v) = verdict {
                        r.push_str(&words.verdict(v, &self.ctx));
                    }
                    r
                } else {
                    String::new()
                };
                self.step(*step, Some(&result));
            }
            Event::Observe { step, observations } => {
                self.step(*step, None);
                self.tree(observations);
            }
            Event::Await {
                step,
                observation,
                outcome,
                reads,
                waited,
            } => {
                if self.guarded(*step) {
                    self.step(*step, Some(words.outcome_hidden()));
                    return Ok(());
                }
                let result = match outcome {
                    Some(o) => words.outcome(o, &self.ctx.for_step(*step)),
                    None if !self.style.stable => words.seen_after(*waited, *reads),
                    None => String::new(),
                };
                self.step(*step, Some(&result));
                if let Some(o) = observation {
                    self.tree(std::slice::from_ref(o));
                }
            }
            Event::Measure { step, readings } => {
                self.step(*step, None);
                self.memory(readings);
            }
            Event::Share { step, share } => {
                let result = words.share_result(share, &self.ctx);
                self.step(*step, Some(&result));
                let (headers, rows) = super::share_table(share, &self.ctx);
                let mut html = String::from("<table class=\"mem\"><tr>");
                for h in headers {
                    let _ = write!(html, "<th>{}</th>", esc(h));
                }
                html.push_str("</tr>\n");
                for row in rows {
                    html.push_str("<tr>");
                    for c in row {
                        let _ = write!(html, "<td>{}</td>", esc(&c));
                    }
                    html.push_str("</tr>\n");
                }
                html.push_str("</table>");
                for note in words.share_notes(share, &self.ctx) {
                    let _ = write!(html, "<p class=\"note\">{}</p>", esc(&note));
                }
                let _ = writeln!(self.body, "{html}");
            }
            Event::EndUnless {
                step,
                try_step,
                permitted,
            } => {
                let result = words.end_unless(self.ctx.step_text(*try_step), *permitted);
                self.step(*step, Some(&result));
            }
            Event::Inspect { step, inspections } => {
                self.step(*step, None);
                for i in inspections {
                    self.inspection(i);
                }
            }
            Event::Output { step, outputs } => {
                self.step(*step, None);
                self.outputs(outputs);
            }
            Event::Expect { step, check } => {
                let holds = words.holds(check, self.style.stable);
                self.step(*step, Some(&holds));
            }
            // The page always has its narration and its pictures: it is the visual product.
            Event::Say { lines } => {
                let text: Vec<String> = lines
                    .iter()
                    .map(|l| words.script_text(&super::said(l, &self.ctx)))
                    .collect();
                let _ = writeln!(
                    self.body,
                    "<blockquote class=\"say\">{}</blockquote>",
                    esc(&super::wrap::join_lines(&text))
                );
            }
            Event::Skipped { step, try_step } => {
                let result = if self.guarded(*step) {
                    words.outcome_hidden().to_string()
                } else {
                    words.skipped(self.ctx.step_text(*try_step))
                };
                self.step(*step, Some(&result));
            }
            Event::Failed { step, failure } => {
                if let Some(step) = step
                    && self.printed != Some(*step)
                {
                    self.step(*step, None);
                    if let Some(o) = seen(failure) {
                        self.tree(std::slice::from_ref(o));
                    }
                }
                self.failure = Some((failure.clone(), *step));
            }
            Event::Cleanup { killed } => {
                if *killed > 0 {
                    self.cleanup = Some(words.cleanup(*killed));
                }
            }
            Event::End { ok } => return self.end(*ok),
        }
        Ok(())
    }

    fn section(&self, ok: bool) -> Section {
        let words = self.words();
        let script = self.ctx.script;
        let mut html = format!(
            "<section class=\"demo\" id=\"{}\">\n",
            esc(&section_id(&script.name))
        );
        let _ = writeln!(
            html,
            "<h1><span class=\"prog\">procdemo</span> <span class=\"name\">{}</span></h1>\n<h2>{}</h2>",
            esc(&script.name),
            esc(&words.script_text(super::title(script, words)))
        );
        if !self.style.stable {
            let _ = writeln!(
                html,
                "<p class=\"src\">{}</p>",
                esc(&words.script_line(self.origin, self.ctx.runner_pid()))
            );
        }
        html.push_str(&self.body);
        if let Some(c) = &self.cleanup {
            let _ = writeln!(html, "<p class=\"cleanup\">{}</p>", esc(c));
        }
        let verdict = match (&self.failure, ok) {
            (None, true) => {
                let (label, text) = words.ok();
                format!(
                    "<p class=\"verdict ok\"><b>{}</b> {}</p>",
                    esc(label),
                    esc(text)
                )
            }
            (failure, _) => {
                let message = match failure {
                    Some((f, at)) => words.failure(f, *at, &self.ctx),
                    None => words.no_reason().to_string(),
                };
                format!(
                    "<p class=\"verdict failed\"><b>{}</b> {}</p>",
                    esc(words.failed()),
                    esc(&message)
                )
            }
        };
        html.push_str(&self.timeline_svg());
        html.push_str(&verdict);
        html.push_str(&self.questions_html());
        html.push_str("\n</section>\n");
        Section {
            name: script.name.clone(),
            title: super::title(script, words).to_string(),
            ok: ok && self.failure.is_none(),
            html,
        }
    }

    /// The demo's questions, each answer in a `<details>` a student opens when ready (open
    /// already with `--answers`: the key).
    fn questions_html(&self) -> String {
        if self.questions.is_empty() {
            return String::new();
        }
        let p = self.words().page();
        let mut html = format!("<h3>{}</h3>\n<ol class=\"questions\">\n", esc(p.questions));
        for (step, answer) in &self.questions {
            let Some(q) = self
                .ctx
                .script
                .steps
                .get(*step)
                .and_then(|s| super::question(&s.kind, self.style.lang))
            else {
                continue;
            };
            let answer = match answer {
                Some(a) => format!(
                    "<details{}><summary>{}</summary><p class=\"answer\">{}</p></details>",
                    if self.style.answers { " open" } else { "" },
                    esc(p.show_answer),
                    esc(a)
                ),
                None => format!("<p class=\"note\">{}</p>", esc(p.unanswered)),
            };
            let _ = writeln!(html, "<li><p>{}</p>{answer}</li>", esc(q));
        }
        html.push_str("</ol>\n");
        html
    }

    fn end(&mut self, ok: bool) -> std::io::Result<()> {
        let section = self.section(ok);
        let mut pages = PAGES.lock().unwrap_or_else(|p| p.into_inner());
        let sections = match pages.iter_mut().find(|(p, _)| p == self.path) {
            Some((_, s)) => s,
            None => {
                pages.push((self.path.to_path_buf(), Vec::new()));
                &mut pages.last_mut().expect("just pushed").1
            }
        };
        sections.push(section);
        let page = document(self.words(), sections);
        crate::kernel::sys::write_replacing(self.path, page.as_bytes()).map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!(
                    "the page {}: {}",
                    escape(&self.path.display().to_string()),
                    crate::engine::error::os_error(e)
                ),
            )
        })
    }
}

impl Render for Page<'_> {
    fn event(
        &mut self,
        event: &Event,
        ctx: &Ctx,
        _out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        // What the outputs' one Ctx has learnt, as of this event.
        self.ctx = ctx.with_script(self.ctx.script);
        self.render(event)
    }

    fn failure(&self, _ctx: &Ctx) -> Option<String> {
        let (f, at) = self.failure.as_ref()?;
        Some(self.words().failure(f, *at, &self.ctx))
    }
}

/// The id of a demo's section, for the contents' links.
fn section_id(name: &str) -> String {
    let id: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("demo-{id}")
}

/// The whole page around its sections: with more than one, a title of its own, a summary and
/// the contents (each demo a link, with its verdict).
pub fn document(words: &dyn Words, sections: &[Section]) -> String {
    let p = words.page();
    let (title, head) = match sections {
        [one] => (one.title.clone(), String::new()),
        _ => {
            let ok = sections.iter().filter(|s| s.ok).count();
            let mut head = format!(
                "<header><h1><span class=\"prog\">procdemo</span> {}</h1>\n<p class=\"summary\">{}</p>\n<nav class=\"toc\"><h2>{}</h2><ol>\n",
                esc(p.all_title),
                esc(&words.page_summary(ok, sections.len() - ok)),
                esc(p.contents)
            );
            for s in sections {
                let _ = writeln!(
                    head,
                    "<li><a href=\"#{}\">{}</a> — {} <span class=\"{}\">{}</span></li>",
                    esc(&section_id(&s.name)),
                    esc(&s.name),
                    esc(&s.title),
                    if s.ok { "v-ok" } else { "v-failed" },
                    esc(words.summary_verdict(s.ok))
                );
            }
            head.push_str("</ol></nav></header>\n");
            (p.all_title.to_string(), head)
        }
    };
    let note = if p.fonts_note.is_empty() {
        String::new()
    } else {
        format!("<p class=\"fonts\">{}</p>\n", esc(p.fonts_note))
    };
    let body: String = sections.iter().map(|s| s.html.as_str()).collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>procdemo — {title}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n{head}{body}<footer>{footer}{note}</footer>\n</body>\n</html>\n",
        title = esc(&title),
        lang = esc(p.lang),
        footer = esc(p.footer),
    )
}

/// Large type for a projector; print CSS for a handout. Fonts: the system's, with the CJK
/// families named so Chinese renders; no font file.
const CSS: &str = r#":root { --fg: #111; --bg: #fff; --muted: #555; }
body { margin: 2rem auto; max-width: 72rem; padding: 0 1.5rem; color: var(--fg); background: var(--bg);
  font: 22px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "Noto Sans SC",
  "Source Han Sans SC", "Source Han Sans CN", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",
  "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Droid Sans Fallback", "AR PL UMing CN", sans-serif; }
code, .stat, .pid, svg text, table.mem { font-family: "DejaVu Sans Mono", "Noto Sans Mono", "Noto Sans Mono CJK SC",
  "Noto Sans CJK SC", "WenQuanYi Zen Hei Mono", "WenQuanYi Micro Hei Mono", "Droid Sans Fallback",
  "Liberation Mono", Menlo, Consolas, monospace; }
h1 { font-size: 1.6em; margin: 0 0 .2em; } h1 .prog { color: var(--muted); font-weight: 400; }
h2 { font-size: 1.15em; font-weight: 500; margin: 0 0 .6em; } h3 { font-size: 1.1em; margin: 1.4em 0 .4em; }
section.demo { border-top: 4px solid #333; padding-top: 1rem; margin-bottom: 3rem; }
.src, .note, .legend, .cleanup, .gone, footer { color: var(--muted); font-size: .85em; margin: .2em 0; }
.gone { margin-left: 2.6em; }
.step { margin: .7em 0 .2em; } .cleanup { margin-top: .8em; } .step .n { display: inline-block; min-width: 2.2em; color: var(--muted); }
.step code { font-weight: 700; } .arrow { color: var(--muted); }
ul.tree, ul.tree ul { list-style: none; margin: .1rem 0; padding-left: 2.2em; }
ul.tree li { position: relative; } ul.tree ul li::before { content: "└─"; position: absolute; left: -1.6em; color: #999; }
.role { font-weight: 700; } .pid { color: var(--muted); }
.stat { display: inline-block; min-width: 2.4em; text-align: center; border-radius: .3em; padding: 0 .3em; font-weight: 700; }
.st-r { background: #c8f0c8; fill: #c8f0c8; } .st-s { background: #cfe0ff; fill: #cfe0ff; }
.st-d { background: #f3c8f3; fill: #f3c8f3; } .st-t { background: #ffe9a8; fill: #ffe9a8; }
.st-z { background: #ffb3b3; fill: #ffb3b3; } .st-gone { background: #e4e4e4; fill: #e4e4e4; }
.st-x { background: #f4f4f4; fill: #f4f4f4; } .tl-mark { fill: #fff; stroke: #777; stroke-dasharray: 4 3; }
blockquote.say { margin: .6rem 0 .6rem 2.2em; padding: .4rem .9rem; border-left: 5px solid #8aa; background: #f3f7f7; font-style: italic; }
:lang(zh) blockquote.say, :lang(ja) blockquote.say, :lang(ko) blockquote.say { font-style: normal; }
svg.tree { display: block; max-width: 100%; height: auto; margin: .3rem 0 .3rem 2.2em; }
.tree-box { fill: #fff; stroke: #666; stroke-width: 2; } .tree-edge { fill: none; stroke: #888; stroke-width: 2.5; }
.tree-label { font-weight: 700; } .tree-stat { font-weight: 700; } .tree-what { fill: #333; }
header { margin-bottom: 2rem; } .summary { font-size: 1.05em; }
nav.toc ol { margin: .3rem 0; } nav.toc .v-ok { color: #070; } nav.toc .v-failed { color: #b00; font-weight: 700; }
ol.questions li { margin: .4em 0; } ol.questions p { margin: .1em 0; }
details summary { cursor: pointer; color: #245; } .answer { font-weight: 700; margin: .2em 0 .2em 1.2em; }
.fonts { margin-top: .4em; }
table.mem { border-collapse: collapse; margin: .3rem 0 0 2.2em; font-size: .8em; }
table.inspect { border-collapse: collapse; margin: .3rem 0 0 2.2em; font-size: .8em; }
table.inspect th { text-align: left; font-weight: normal; color: #555; padding: .1rem .8rem .1rem 0; vertical-align: top; white-space: nowrap; }
table.inspect td { font-family: "DejaVu Sans Mono", "Noto Sans Mono", "Noto Sans Mono CJK SC", monospace; }
p.output { margin: .3rem 0 0 2.2em; }
pre.output { margin: .1rem 0 0 3.2em; padding: .2rem .5rem; background: #f4f4f4; border-left: 3px solid #bbb; overflow-x: auto; }
pre.wide { font-size: 14px; }
table.mem td, table.mem th { border: 1px solid #bbb; padding: .15rem .5rem; text-align: right; }
svg.timeline { display: block; max-width: 100%; height: auto; margin: .4rem 0; }
svg text { font-size: 23px; fill: #111; } .tl-head { fill: #555; } .tl-label { font-weight: 700; }
.tl-lane { stroke: #ccc; stroke-width: 2; }
.verdict { margin-top: 1em; } .verdict.ok b { color: #070; } .verdict.failed b { color: #b00; }
ul.verdicts { list-style: none; padding-left: 1em; } ul.verdicts li { margin: .5em 0; }
ul.verdicts .v-ok { color: #070; font-weight: 700; } ul.verdicts .v-failed { color: #b00; font-weight: 700; }
ul.verdicts p { margin: .15em 0 0 1.6em; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 10pt; max-width: none; margin: 0; padding: 0; }
  section.demo { break-before: page; border-top: 2px solid #333; }
  header + section.demo, section.demo:first-of-type { break-before: auto; }
  h1, h2, h3, .step, summary { break-after: avoid; }
  .step, svg.tree, svg.timeline, blockquote.say, table.mem, ol.questions li { break-inside: avoid; }
  /* Every picture at one scale (its own pixels × 0.55): a timeline of 8 steps is half as wide
     as one of 16, as on the screen. The widest (1100 px) fits A4's 186 mm. */
  svg.timeline, svg.tree { max-width: none; width: calc(var(--w) * 0.55px); height: auto; }
  details { display: block; } details > summary { list-style: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;
