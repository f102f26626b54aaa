//! The text renderer: fed one event at a time, it writes what that event shows at once.
//!
//! Layout only: numbered steps with their results, observation tables, process trees,
//! memory tables, narration in a `│` gutter, the clean-up and verdict lines. Every word comes
//! from [`Words`]; widths are display columns of the uncoloured text, and no line is wider
//! than [`Style::width`] (a word longer than a line is the one exception: it is never cut).
//! In `--stable` mode PIDs are roles and nothing that varies or depends on privilege is
//! printed, so the same demo prints the same text every run. Whatever a script or a path
//! supplies (title, steps, narration, the file's name) goes through [`escape`] first, so that
//! no control character reaches the terminal.

use super::sanitize::escape;
use super::timeline::Timeline;
use super::wrap::{MIN_HANG, hang, pad, pad_left, width, wrap};
use super::{Ctx, Render, Style, Words, seen};
use crate::engine::model::{
    DemoResult, Disposition, Event, Failure, MemoryReading, Observation, Origin, SayLine, State,
};
use crate::script::{Guard, RUNNER, Script};
use colored::{ColoredString, Colorize};
use std::time::Duration;

/// Narration lines are at most this wide (the gutter included), however wide the terminal:
/// a paragraph reads better than a line across a wide screen.
const NARRATION_MAX: usize = 94;
/// The gutter narration is printed in.
const GUTTER: &str = "    │ ";
/// The column the `→` of a step's result lines up at (unless the step is longer).
const ARROW_COLUMN: usize = 30;
/// Where text continues when the first line's prefix leaves too little room.
const FALLBACK_INDENT: usize = 7;

/// The text renderer of one run.
pub struct Text<'a> {
    ctx: Ctx<'a>,
    origin: &'a Origin,
    style: Style,
    /// Steps shown so far (say lines not counted).
    n: usize,
    header: bool,
    /// The step whose line was printed last (a failure there does not print it again).
    printed: Option<usize>,
    /// Why the run failed, printed at `End` after the clean-up line.
    failure: Option<(Failure, Option<usize>)>,
    /// The run's `ask` steps and the answers it showed, for `--answers`.
    asks: Vec<(usize, Option<crate::engine::model::Value>)>,
    /// What the timeline drawn at `End` shows, gathered as the events come.
    timeline: Timeline,
    /// Each role's latest `inspect`, to show what changed at the next.
    inspected: Vec<Option<crate::engine::model::Inspection>>,
}

impl<'a> Text<'a> {
    pub fn new(
        words: &'static dyn Words,
        script: &'a Script,
        origin: &'a Origin,
        style: Style,
    ) -> Text<'a> {
        Text {
            ctx: Ctx::new(words, script, style.stable),
            origin,
            style,
            n: 0,
            header: false,
            printed: None,
            failure: None,
            asks: Vec::new(),
            timeline: Timeline::new(),
            inspected: Vec::new(),
        }
    }

    /// An `inspect` step's readings: each role's row of the observation table, then what it
    /// is made of, label by label, with what changed since its previous `inspect`.
    fn inspections(&mut self, out: &mut String, inspections: &[crate::engine::model::Inspection]) {
        for i in inspections {
            self.table(out, std::slice::from_ref(&i.observation));
            let role = i.observation.role;
            let before = self.inspected.get(role).and_then(Option::as_ref);
            let rows = super::inspect::rows(i, before, &self.ctx);
            let label_width = rows.iter().map(|r| width(&r.label)).max().unwrap_or(0);
            for row in &rows {
                let label = format!("        {}  ", pad(&row.label, label_width));
                let indent = width(&label);
                let blank = " ".repeat(indent);
                for (n, line) in row.lines.iter().enumerate() {
                    let prefix = if n == 0 { &label } else { &blank };
                    let hung = if indent + MIN_HANG <= self.width() {
                        hang(prefix, indent, line, self.width(), indent + 4)
                    } else {
                        hang(prefix, indent, line, self.width(), FALLBACK_INDENT)
                    };
                    Self::push_lines(out, hung);
                }
            }
            if self.inspected.len() <= role {
                self.inspected.resize(role + 1, None);
            }
            self.inspected[role] = Some(i.clone());
        }
    }

    /// An `output` step: what each role has written to its standard output and error.
    fn outputs(&self, out: &mut String, outputs: &[crate::engine::model::Captured]) {
        let names: Vec<&str> = outputs.iter().map(|c| self.ctx.role(c.role)).collect();
        let name_width = names.iter().map(|n| width(n)).max().unwrap_or(0);
        for (c, name) in outputs.iter().zip(names) {
            let (heading, lines) = super::inspect::output_lines(c, &self.ctx);
            let prefix = format!("      {}  ", pad(name, name_width));
            Self::push_lines(
                out,
                hang(&prefix, width(&prefix), &heading, self.width(), 8),
            );
            for line in lines {
                let gutter = "        ┆ ";
                Self::push_lines(
                    out,
                    hang(gutter, width(gutter), &line, self.width(), width(gutter)),
                );
            }
        }
    }

    fn words(&self) -> &'static dyn Words {
        self.ctx.words
    }

    fn width(&self) -> usize {
        self.style.width.max(1)
    }

    fn push_lines(out: &mut String, lines: Vec<String>) {
        for l in lines {
            out.push_str(&l);
            out.push('\n');
        }
    }

    fn header(&mut self, out: &mut String) {
        self.header = true;
        let script = self.ctx.script;
        let name = escape(&script.name);
        let prefix = format!("procdemo {name} — ");
        let lines = hang(
            &prefix,
            width(&prefix),
            &self
                .words()
                .script_text(&escape(super::title(script, self.words()))),
            self.width(),
            FALLBACK_INDENT - 2,
        );
        for (i, line) in lines.iter().enumerate() {
            if i == 0 {
                let rest = line.strip_prefix(&prefix).unwrap_or("");
                let dash = if rest.is_empty() {
                    "—".to_string()
                } else {
                    format!("— {rest}")
                };
                out.push_str(&format!(
                    "{} {} {}\n",
                    "procdemo".bold(),
                    name.bold().cyan(),
                    dash.bold()
                ));
            } else {
                // Continuation lines keep their indent unstyled, the title bold.
                let text = line.trim_start();
                let indent = &line[..line.len() - text.len()];
                out.push_str(&format!("{indent}{}\n", text.bold()));
            }
        }
        if !self.style.stable {
            let line = self.words().script_line(self.origin, self.ctx.runner_pid());
            Self::push_lines(out, hang("     ", 5, &escape(&line), self.width(), 5));
        }
    }

    /// The next step's number and text: `  3  observe`.
    fn number(&mut self, step: usize) -> (String, String) {
        self.n += 1;
        self.printed = Some(step);
        let text = escape(self.ctx.step_text(step)).into_owned();
        (format!("{:>3}  ", self.n), text)
    }

    /// A step with nothing after it.
    fn plain(&self, out: &mut String, number: &str, text: &str) {
        let lines = hang(number, width(number), text, self.width(), width(number));
        Self::push_lines(out, lines);
    }

    /// A step and what it gave: `  4  child exit 7              → _exit(7)`. `gap`: the
    /// columns kept between a long step and its arrow (1 for results, 0 for timings, as
    /// procdemo has always printed them).
    fn result(&self, out: &mut String, number: &str, text: &str, result: &str, gap: usize) {
        // A result may quote a step (`skipped: ...`) or a command name read from /proc.
        let result = &escape(result);
        let head = format!("{number}{text}");
        let prefix = format!("{} → ", pad(&head, ARROW_COLUMN.max(width(&head) + gap)));
        let pw = width(&prefix);
        if pw + MIN_HANG <= self.width() || pw + width(result) <= self.width() {
            Self::push_lines(out, hang(&prefix, pw, result, self.width(), pw));
        } else {
            // The step itself nearly fills the line: its result goes under it.
            self.plain(out, number, text);
            let arrow = format!("{}→ ", " ".repeat(width(number)));
            let aw = width(&arrow);
            Self::push_lines(out, hang(&arrow, aw, result, self.width(), FALLBACK_INDENT));
        }
    }

    /// With --python, the course's Python line that makes the step's call (`>>> os.fork()`),
    /// or why there is none (`# ...`), under the step's result.
    fn python(&self, out: &mut String, step: usize) {
        use crate::script::StepKind;
        use crate::script::actions::Python;
        if !self.style.python {
            return;
        }
        let Some(StepKind::Act { role, action, .. }) = self.ctx.step(step).map(|s| &s.kind) else {
            return;
        };
        let lines = match action.python(*role == RUNNER) {
            Python::Code(lines) => lines.into_iter().map(|l| format!(">>> {l}")).collect(),
            Python::None(why) => vec![format!("# {}", self.words().no_python(why))],
        };
        for line in lines {
            // Under the result where the line fits there, else further left.
            let column = ARROW_COLUMN + 3;
            let indent = if column + width(&line) <= self.width() {
                column
            } else {
                FALLBACK_INDENT
            };
            let prefix = " ".repeat(indent);
            let lines = hang(&prefix, indent, &line, self.width(), indent + 4);
            Self::push_lines(out, lines);
        }
    }

    /// Whether --stable output leaves this step's outcome out: a `try` or `if permitted`
    /// step reads the same for root and a normal user.
    fn guarded(&self, step: usize) -> bool {
        self.style.stable && self.ctx.step(step).is_some_and(|s| s.guard != Guard::None)
    }

    /// A cell coloured by the process state (not when its state is hidden).
    fn coloured(&self, o: &Observation, cell: String) -> ColoredString {
        if self.ctx.hidden(o) {
            return cell.normal();
        }
        match o.state {
            State::Running => cell.green().bold(),
            State::Sleeping => cell.blue(),
            State::DiskSleep => cell.magenta().bold(),
            State::Stopped | State::TracingStop => cell.yellow().bold(),
            State::Zombie => cell.red().bold(),
            State::Gone => cell.dimmed(),
            State::Dead | State::Idle | State::Parked => cell.normal(),
        }
    }

    fn table(&self, out: &mut String, obs: &[Observation]) {
        let words = self.words();
        let h = words.observation_headers();
        // SIGCHLD's disposition matters only where some process changed it: then every row
        // says.
        let sigchld = obs.iter().any(|o| {
            matches!(
                o.sigchld,
                Some(Disposition::Ignored) | Some(Disposition::Caught)
            )
        });
        // A process in a PID namespace below the runner's has a second PID, its own there.
        let namespaced = obs.iter().any(|o| o.ns_pid.is_some());
        let mut headers = vec![h.role, h.pid];
        if namespaced {
            headers.push(h.ns_pid);
        }
        headers.extend([h.ppid, h.stat]);
        let stat_index = headers.len() - 1;
        if sigchld {
            headers.push(h.sigchld);
        }
        let rows: Vec<Vec<String>> = obs
            .iter()
            .map(|o| {
                let mut row = vec![self.ctx.role(o.role).to_string(), self.ctx.pid(o.pid)];
                if namespaced {
                    row.push(o.ns_pid.map_or_else(|| "-".to_string(), |p| p.to_string()));
                }
                row.extend([
                    escape(&self.ctx.ppid(o)).into_owned(),
                    self.ctx.stat_cell(o),
                ]);
                if sigchld {
                    row.push(words.sigchld_column(o.sigchld).to_string());
                }
                row
            })
            .collect();
        let widths = column_widths(&headers, &rows);
        let head: Vec<String> = headers
            .iter()
            .zip(&widths)
            .map(|(h, w)| pad(h, *w))
            .collect();
        out.push_str(&format!("      {}  {}\n", head.join("  "), h.state));
        let column = 6 + widths.iter().sum::<usize>() + 2 * widths.len();
        for (row, o) in rows.iter().zip(obs) {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(i, (cell, w))| {
                    let cell = pad(cell, *w);
                    // The STAT column is coloured by state.
                    if i == stat_index {
                        self.coloured(o, cell).to_string()
                    } else {
                        cell
                    }
                })
                .collect();
            let prefix = format!("      {}  ", cells.join("  "));
            let lines = hang(
                &prefix,
                column,
                &escape(&self.ctx.state_cell(o)),
                self.width(),
                FALLBACK_INDENT + 1,
            );
            Self::push_lines(out, lines);
        }
    }

    /// The observed roles drawn as a tree by PPID (the runner at the top), then the roles
    /// that are gone.
    fn tree(&self, out: &mut String, obs: &[Observation]) {
        let alive: Vec<&Observation> = obs.iter().filter(|o| o.state.is_alive()).collect();
        let roots: Vec<&Observation> = alive
            .iter()
            .copied()
            .filter(|o| !alive.iter().any(|p| o.ppid == Some(p.pid)))
            .collect();
        for r in &roots {
            self.node(out, r, &alive, "", "", 0);
        }
        let gone: Vec<&str> = obs
            .iter()
            .filter(|o| !o.state.is_alive())
            .map(|o| self.ctx.role(o.role))
            .collect();
        if !gone.is_empty() {
            let line = self.words().gone_roles(&gone);
            Self::push_lines(out, hang("      ", 6, &line, self.width(), 6));
        }
    }

    fn node(
        &self,
        out: &mut String,
        o: &Observation,
        alive: &[&Observation],
        prefix: &str,
        branch: &str,
        depth: usize,
    ) {
        let role = self.ctx.role(o.role);
        let pid = if self.style.stable {
            String::new()
        } else {
            format!(" {}", o.pid)
        };
        let stat = self.ctx.stat_cell(o);
        let mut what = escape(&self.ctx.state_cell(o)).into_owned();
        if o.role == RUNNER {
            what.push_str(self.words().subreaper());
        }
        let plain = width(&format!("      {prefix}{branch}{role}{pid} {stat}  "));
        let line = format!(
            "      {prefix}{branch}{}{pid} {}  ",
            role.bold(),
            self.coloured(o, stat)
        );
        Self::push_lines(
            out,
            hang(&line, plain, &what, self.width(), FALLBACK_INDENT + 1),
        );
        // Deeper than the process limit means a PID was reused into a loop: stop.
        if depth > crate::script::limits::MAX_PROCESSES {
            return;
        }
        let kids: Vec<&Observation> = alive
            .iter()
            .copied()
            .filter(|k| k.ppid == Some(o.pid))
            .collect();
        let inner = match branch {
            "" => prefix.to_string(),
            "└─ " => format!("{prefix}   "),
            _ => format!("{prefix}│  "),
        };
        for (i, k) in kids.iter().enumerate() {
            let b = if i + 1 == kids.len() {
                "└─ "
            } else {
                "├─ "
            };
            self.node(out, k, alive, &inner, b, depth + 1);
        }
    }

    fn memory(&self, out: &mut String, readings: &[MemoryReading]) {
        let words = self.words();
        let stable = self.style.stable;
        let h = words.memory_headers(stable);
        // The whole-process figures (and minflt) move by a few pages from run to run (stack,
        // heap, code paged in), so --stable output shows only the region's own, which are
        // exact.
        enum Row {
            Figures(Vec<String>),
            Note(String, String, &'static str),
        }
        let mut rows = Vec::new();
        let mut lines = Vec::new();
        for m in readings {
            let role = self.ctx.role(m.role).to_string();
            let pid = self.ctx.pid(m.pid);
            let figures =
                |what: String, mem: &crate::engine::model::Memory, minflt: Option<u64>| {
                    let mut row = vec![
                        role.clone(),
                        pid.clone(),
                        what,
                        mem.rss_kb.to_string(),
                        mem.pss_kb.to_string(),
                        mem.shared_dirty_kb.to_string(),
                        mem.private_dirty_kb.to_string(),
                    ];
                    if !stable {
                        row.push(minflt.map_or_else(String::new, |n| n.to_string()));
                    }
                    row
                };
            if !stable {
                let what = words.whole_process();
                rows.push(Row::Figures(figures(
                    what.to_string(),
                    &m.whole,
                    Some(m.minflt),
                )));
                lines.push(words.memory_line(&role, &pid, what, &m.whole, Some(m.minflt)));
            }
            match &m.region {
                Some((region, bytes)) => {
                    let what = words.region(*bytes);
                    lines.push(words.memory_line(&role, &pid, &what, region, None));
                    rows.push(Row::Figures(figures(what, region, None)));
                }
                None if stable => {
                    lines.push(format!("{role} {pid}: {}", words.no_region()));
                    rows.push(Row::Note(role.clone(), pid.clone(), words.no_region()));
                }
                None => {}
            }
        }
        let mut headers = vec![h.role, h.pid, h.what, h.rss, h.pss, h.shared, h.private];
        if !stable {
            headers.push(h.minflt);
        }
        let figure_rows: Vec<Vec<String>> = rows
            .iter()
            .filter_map(|r| match r {
                Row::Figures(f) => Some(f.clone()),
                Row::Note(..) => None,
            })
            .collect();
        let mut widths = column_widths(&headers, &figure_rows);
        for r in &rows {
            if let Row::Note(role, pid, _) = r {
                widths[0] = widths[0].max(width(role));
                widths[1] = widths[1].max(width(pid));
            }
        }
        let table_width = 5 + widths.iter().map(|w| w + 2).sum::<usize>() - 1;
        let w = self.width();
        if table_width > w {
            // Too wide for this terminal: one sentence per reading instead, its continuation
            // lines indented so that each reading stands out.
            for line in lines {
                for (i, l) in wrap(&line, w.saturating_sub(8)).iter().enumerate() {
                    let indent = if i == 0 { "      " } else { "        " };
                    out.push_str(&format!("{indent}{l}\n"));
                }
            }
            return;
        }
        let line = |cells: &[&str]| table_line(cells, &widths, |i| i < 3);
        out.push_str(&line(&headers));
        out.push('\n');
        for r in &rows {
            match r {
                Row::Figures(cells) => {
                    let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
                    out.push_str(&line(&cells));
                    out.push('\n');
                }
                Row::Note(role, pid, note) => {
                    let prefix =
                        format!("      {}  {}  ", pad(role, widths[0]), pad(pid, widths[1]));
                    let col = width(&prefix);
                    Self::push_lines(out, hang(&prefix, col, note, w, FALLBACK_INDENT + 1));
                }
            }
        }
        if !figure_rows.is_empty() {
            Self::push_lines(out, hang("      ", 6, h.note, w, 6));
        }
    }

    /// A `share` window: a table of the roles' nice values, the kernel's weights for them
    /// and (but with --stable) the CPU time each used and its share; the notes under it. Too
    /// wide for the terminal: one line of `HEADER value` pairs per role instead.
    fn share(&self, out: &mut String, share: &crate::engine::model::CpuShare) {
        let (headers, rows) = super::share_table(share, &self.ctx);
        let widths = column_widths(&headers, &rows);
        let table_width = 5 + widths.iter().map(|w| w + 2).sum::<usize>() - 1;
        let w = self.width();
        if table_width > w {
            for row in &rows {
                let pairs: Vec<String> = headers
                    .iter()
                    .zip(row)
                    .map(|(h, c)| format!("{h} {c}"))
                    .collect();
                Self::push_lines(out, hang("      ", 8, &pairs.join(", "), w, 6));
            }
        } else {
            let last = headers.len() - 1;
            let line = |cells: &[&str]| table_line(cells, &widths, |i| i < 2 || i == last);
            out.push_str(&line(&headers));
            out.push('\n');
            for row in &rows {
                let cells: Vec<&str> = row.iter().map(String::as_str).collect();
                out.push_str(&line(&cells));
                out.push('\n');
            }
        }
        for note in self.words().share_notes(share, &self.ctx) {
            Self::push_lines(out, hang("      ", 6, &note, w, 6));
        }
    }

    /// One paragraph of narration, in the gutter, with --explain only.
    fn narration(&self, out: &mut String, lines: &[SayLine]) {
        if !self.style.explain {
            return;
        }
        let text: Vec<String> = lines
            .iter()
            .map(|l| {
                self.words()
                    .script_text(&escape(&super::said(l, &self.ctx)))
            })
            .collect();
        let columns = self
            .width()
            .min(NARRATION_MAX)
            .saturating_sub(width(GUTTER));
        let mut paragraph = String::new();
        for line in wrap(&join_lines(&text), columns) {
            paragraph.push_str(GUTTER);
            paragraph.push_str(&line);
            paragraph.push('\n');
        }
        if !paragraph.is_empty() {
            out.push_str(&paragraph.italic().to_string());
        }
    }

    fn end(&self, out: &mut String, ok: bool) {
        let words = self.words();
        if self.style.timeline {
            Self::push_lines(out, self.timeline.text(&self.ctx, self.width()));
        }
        match (&self.failure, ok) {
            (None, true) => {
                let (label, text) = words.ok();
                out.push_str(&format!("{} {text}\n", label.green().bold()));
            }
            (failure, _) => {
                let message = match failure {
                    Some((f, at)) => escape(&words.failure(f, *at, &self.ctx)).into_owned(),
                    None => words.no_reason().to_string(),
                };
                let label = words.failed();
                let prefix = format!("{label} ");
                let lines = hang(&prefix, width(&prefix), &message, self.width(), 2);
                for (i, line) in lines.iter().enumerate() {
                    match line.strip_prefix(&prefix) {
                        Some(rest) if i == 0 => {
                            out.push_str(&format!("{} {rest}\n", label.red().bold()))
                        }
                        _ if i == 0 => out.push_str(&format!("{}\n", label.red().bold())),
                        _ => {
                            out.push_str(line);
                            out.push('\n');
                        }
                    }
                }
            }
        }
        if self.style.answers && !self.asks.is_empty() {
            let question = |step: usize| {
                self.ctx
                    .step(step)
                    .and_then(|s| super::question(&s.kind, words.lang()))
                    .map_or_else(String::new, |q| words.script_text(&escape(q)))
            };
            let questions: Vec<String> = self.asks.iter().map(|(s, _)| question(*s)).collect();
            let answers: Vec<(String, String)> = self
                .asks
                .iter()
                .map(|(s, v)| {
                    let shown = v.as_ref().map_or_else(
                        || words.value(&crate::engine::model::Value::NotObserved, &self.ctx),
                        |v| words.value(v, &self.ctx),
                    );
                    (question(*s), escape(&shown).into_owned())
                })
                .collect();
            let width = self.width();
            let mut numbered = |heading: &str, items: Vec<String>| {
                out.push_str(heading);
                out.push('\n');
                for (i, item) in items.iter().enumerate() {
                    let prefix = format!("  {}. ", i + 1);
                    for l in hang(&prefix, crate::render::wrap::width(&prefix), item, width, 6) {
                        out.push_str(&l);
                        out.push('\n');
                    }
                }
            };
            numbered(words.worksheet(), questions);
            numbered(
                words.answer_key(),
                answers
                    .into_iter()
                    .map(|(q, a)| format!("{q} → {a}"))
                    .collect(),
            );
        }
    }

    fn render(&mut self, event: &Event, out: &mut String) {
        self.timeline.event(event, &self.ctx);
        // `quiz --reverse`: the tree is the question; the steps that made it stay hidden.
        if self.style.trees_only
            && !matches!(
                event,
                Event::Begin { .. } | Event::Spawned { .. } | Event::Observe { .. }
            )
        {
            return;
        }
        if !self.header {
            // The header waits for `Begin`, which gives the runner's PID.
            self.header(out);
        }
        let words = self.words();
        match event {
            Event::Begin { .. } | Event::Spawned { .. } => {}
            Event::Act {
                step,
                outcome,
                verdict,
                ..
            } => {
                let (number, text) = self.number(*step);
                if self.guarded(*step) {
                    self.result(out, &number, &text, words.outcome_hidden(), 1);
                } else if let Some(o) = outcome {
                    let mut result = words.outcome(o, &self.ctx.for_step(*step));
                    if let Some(v) = verdict {
                        result.push_str(&words.verdict(v, &self.ctx));
                    }
                    self.result(out, &number, &text, &result, 1);
                } else {
                    // Started with `&`: its result comes at `await ROLE done`.
                    self.plain(out, &number, &text);
                }
                self.python(out, *step);
            }
            Event::Observe { step, observations } => {
                let (number, text) = self.number(*step);
                self.plain(out, &number, &text);
                if self.style.tree || self.ctx.step(*step).is_some_and(|s| s.as_tree) {
                    self.tree(out, observations);
                } else if !observations.is_empty() {
                    self.table(out, observations);
                }
            }
            Event::Await {
                step,
                observation,
                outcome,
                reads,
                waited,
            } => {
                let (number, text) = self.number(*step);
                if self.guarded(*step) {
                    self.result(out, &number, &text, words.outcome_hidden(), 1);
                    return;
                }
                match outcome {
                    Some(o) => {
                        let result = words.outcome(o, &self.ctx.for_step(*step));
                        self.result(out, &number, &text, &result, 1);
                    }
                    None if !self.style.stable => {
                        let timing = words.seen_after(*waited, *reads);
                        self.result(out, &number, &text, &timing, 0);
                    }
                    None => self.plain(out, &number, &text),
                }
                if let Some(o) = observation {
                    if self.style.tree {
                        self.tree(out, std::slice::from_ref(o));
                    } else {
                        self.table(out, std::slice::from_ref(o));
                    }
                }
            }
            Event::Measure { step, readings } => {
                let (number, text) = self.number(*step);
                self.plain(out, &number, &text);
                self.memory(out, readings);
            }
            Event::Share { step, share } => {
                let (number, text) = self.number(*step);
                let result = words.share_result(share, &self.ctx);
                self.result(out, &number, &text, &result, 1);
                self.share(out, share);
            }
            Event::EndUnless {
                step,
                try_step,
                permitted,
            } => {
                let (number, text) = self.number(*step);
                let result = words.end_unless(self.ctx.step_text(*try_step), *permitted);
                self.result(out, &number, &text, &result, 1);
            }
            Event::Inspect { step, inspections } => {
                let (number, text) = self.number(*step);
                self.plain(out, &number, &text);
                self.inspections(out, inspections);
            }
            Event::Output { step, outputs } => {
                let (number, text) = self.number(*step);
                self.plain(out, &number, &text);
                self.outputs(out, outputs);
            }
            Event::Expect { step, check } => {
                let (number, text) = self.number(*step);
                let holds = words.holds(check, self.style.stable);
                self.result(out, &number, &text, &holds, 1);
            }
            Event::Say { lines } => self.narration(out, lines),
            Event::Skipped { step, try_step } => {
                let (number, text) = self.number(*step);
                let result = if self.guarded(*step) {
                    words.outcome_hidden().to_string()
                } else {
                    words.skipped(self.ctx.step_text(*try_step))
                };
                self.result(out, &number, &text, &result, 1);
            }
            Event::Failed { step, failure } => {
                if let Some(step) = step
                    && self.printed != Some(*step)
                {
                    let (number, text) = self.number(*step);
                    if self.guarded(*step) {
                        self.result(out, &number, &text, words.outcome_hidden(), 1);
                    } else {
                        self.plain(out, &number, &text);
                        if let Some(o) = seen(failure) {
                            self.table(out, std::slice::from_ref(o));
                        }
                    }
                }
                self.failure = Some((failure.clone(), *step));
            }
            // The front end shows the pause itself, on the terminal (`--step`, `--delay`).
            Event::Next { .. } => {}
            // Questions are asked and answered on the terminal (`--predict`), or listed at
            // the end (`--answers`).
            Event::Ask { step } => self.asks.push((*step, None)),
            Event::Answer { ask, value } => {
                if let Some(a) = self.asks.iter_mut().find(|(s, _)| s == ask) {
                    a.1 = Some(value.clone());
                }
            }
            Event::Cleanup { killed } => {
                if *killed > 0 {
                    let line = words.cleanup(*killed);
                    Self::push_lines(out, hang("     ", 5, &line, self.width(), 5));
                }
            }
            Event::End { ok } => self.end(out, *ok),
        }
    }
}

impl Render for Text<'_> {
    fn event(
        &mut self,
        event: &Event,
        ctx: &Ctx,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        // What the outputs' one Ctx has learnt, as of this event.
        self.ctx = ctx.with_script(self.ctx.script);
        let mut text = String::new();
        self.render(event, &mut text);
        out.write_all(text.as_bytes())
    }

    fn failure(&self, _ctx: &Ctx) -> Option<String> {
        let (f, at) = self.failure.as_ref()?;
        Some(self.words().failure(f, *at, &self.ctx))
    }
}

/// A paragraph's lines as one text: a space between two lines, but none where wide (CJK)
/// text meets wide text, after wide punctuation (`，` `。`) or before a wide opening bracket
/// (`（`), as Chinese is written.
fn join_lines(lines: &[String]) -> String {
    let mut out = String::new();
    for line in lines {
        let wide = |c: Option<char>| c.is_some_and(|c| width(c.encode_utf8(&mut [0; 4])) == 2);
        let last = out.chars().next_back();
        let punctuation = last.is_some_and(|c| "，。：；、！？）」』”".contains(c));
        let next = line.chars().next();
        let opening = next.is_some_and(|c| "（“「『".contains(c));
        let glued = opening || (wide(last) && (punctuation || wide(next)));
        if !out.is_empty() && !glued {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// The width of each column: its widest cell or its header, in display columns.
fn column_widths(headers: &[&str], rows: &[Vec<String>]) -> Vec<usize> {
    (0..headers.len())
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| width(c))
                .chain([width(headers[i])])
                .max()
                .unwrap_or(0)
        })
        .collect()
}

/// The summary `procdemo all` ends with.
pub fn summary(words: &'static dyn Words, results: &[DemoResult], style: Style) -> String {
    let mut out = format!("\n{}\n", words.summary_title());
    let mut total = Duration::ZERO;
    for r in results {
        total += r.wall;
        let verdict = if r.ok {
            words.summary_verdict(true).green().bold()
        } else {
            words.summary_verdict(false).red().bold()
        };
        let time = if style.stable {
            String::new()
        } else {
            format!("{:>11}", words.wall(r.wall))
        };
        out.push_str(&format!(
            "  {:<16} {:<6} {time}\n",
            escape(&r.name),
            verdict
        ));
    }
    let passed = results.iter().filter(|r| r.ok).count();
    let time = (!style.stable).then_some(total);
    out.push_str(&words.passed(passed, results.len(), time));
    out.push('\n');
    out
}

/// A row of a figures table: indented, each cell padded to its column's width, on the left
/// where `left(column)` says so, else on the right (numbers).
fn table_line(cells: &[&str], widths: &[usize], left: impl Fn(usize) -> bool) -> String {
    let mut l = String::from("     ");
    for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
        let cell = if left(i) { pad(c, *w) } else { pad_left(c, *w) };
        l.push_str(&format!(" {cell} "));
    }
    l.trim_end().to_string()
}
