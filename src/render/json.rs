//! JSON for programs: one document per run (`--json`), or one line per event
//! (`--json-events`).
//!
//! Both always carry the real PIDs and figures (`--stable` does not apply), roles by name,
//! each action's result as data (`result`, the serde form of [`Outcome`]) and in words
//! (`summary`), and a failure as an English `message` with a machine-readable `kind`.
//! Narration (`say`) is included with `--explain` only.

use super::{Ctx, Format, Render, Style, Words, failure_kind, problem_kind, said, seen};
use crate::engine::model::{
    Check, DemoResult, Disposition, Event, Failure, MemoryReading, Observation, Origin, Parent,
};
use crate::script::actions::Outcome;
use crate::script::{Guard, Script, StepKind, field_name};
use serde_json::{Map, Value, json};

/// An observation as JSON: the role by name, the state as its letter or `gone`, SIGCHLD's
/// disposition as two booleans (null when unknown).
pub fn observation(o: &Observation, ctx: &Ctx) -> Value {
    let (ignored, caught) = match o.sigchld {
        Some(Disposition::Default) => (Some(false), Some(false)),
        Some(Disposition::Ignored) => (Some(true), Some(false)),
        Some(Disposition::Caught) => (Some(false), Some(true)),
        None => (None, None),
    };
    let parent = o.parent.as_ref().map(|p| match p {
        Parent::Role(r) => ctx.role(*r).to_string(),
        Parent::Other { comm } => comm.clone(),
        Parent::Unknown => "?".to_string(),
    });
    let mut v = json!({
        "role": ctx.role(o.role),
        "pid": o.pid,
        "state": o.state.code(),
        "ppid": o.ppid,
        "parent": parent,
        "stat": o.stat,
        "comm": o.comm,
        "pgrp": o.pgrp,
        "session": o.session,
        "nice": o.nice,
        "wchan": o.wchan,
        "exit_status": o.exit_status,
        "sigchld_ignored": ignored,
        "sigchld_caught": caught,
    });
    if o.depends_on_privilege {
        v["depends_on_privilege"] = Value::Bool(true);
    }
    if let Some(ps) = &o.ps_stat {
        v["ps_stat"] = Value::String(ps.clone());
    }
    if let Some(t) = &o.tracer {
        v["tracer"] = json!({ "pid": t.pid, "comm": t.comm });
    }
    if let Some(p) = o.ns_pid {
        v["ns_pid"] = json!(p);
    }
    v
}

/// A `try` step's verdict: `permitted`, and who already traced the target when that was why.
fn verdict(v: &crate::engine::model::Verdict, into: &mut Map<String, Value>) {
    use crate::engine::model::Verdict;
    into.insert("permitted".into(), json!(*v == Verdict::Permitted));
    match v {
        Verdict::Permitted | Verdict::Refused => {}
        Verdict::AlreadyTraced(t) => {
            into.insert(
                "already_traced_by".into(),
                json!({ "pid": t.pid, "comm": t.comm }),
            );
        }
    }
}

/// A memory reading as JSON: the whole process's figures, minflt, and the region's own.
pub fn memory(m: &MemoryReading, ctx: &Ctx) -> Value {
    let figures = |mem: &crate::engine::model::Memory| {
        json!({
            "rss_kb": mem.rss_kb,
            "pss_kb": mem.pss_kb,
            "shared_dirty_kb": mem.shared_dirty_kb,
            "private_dirty_kb": mem.private_dirty_kb,
        })
    };
    let mut v = figures(&m.whole);
    v["role"] = json!(ctx.role(m.role));
    v["pid"] = json!(m.pid);
    v["minflt"] = json!(m.minflt);
    if let Some((region, bytes)) = &m.region {
        v["region"] = figures(region);
        v["region_bytes"] = json!(bytes);
    }
    v
}

/// Signal names of a mask, as a JSON list.
fn signal_names(mask: u64) -> Value {
    crate::engine::model::SignalMasks::signals(mask)
        .into_iter()
        .map(|s| Value::String(super::signal_name(s)))
        .collect()
}

/// An inspection: the observation's fields and what the process is made of.
pub fn inspection(i: &crate::engine::model::Inspection, ctx: &Ctx) -> Value {
    use crate::engine::model::FdOwner;
    let mut v = observation(&i.observation, ctx);
    v["exe"] = json!(i.exe.as_ref().map(|e| &e.path));
    v["exe_is_procdemo"] = json!(i.exe.as_ref().map(|e| e.procdemo));
    v["cmdline"] = json!(i.cmdline.as_ref().map(|c| &c.args));
    v["cmdline_is_procdemo"] = json!(i.cmdline.as_ref().map(|c| c.procdemo));
    v["ns_pids"] = json!(i.ns_pids);
    v["signals"] = match &i.signals {
        Some(m) => json!({
            "pending": signal_names(m.pending),
            "shared_pending": signal_names(m.shared_pending),
            "blocked": signal_names(m.blocked),
            "ignored": signal_names(m.ignored),
            "caught": signal_names(m.caught),
        }),
        None => Value::Null,
    };
    v["fds"] = match &i.fds {
        Some(fds) => fds
            .iter()
            .map(|fd| {
                let owner = match &fd.owner {
                    FdOwner::Opened { step } => {
                        json!({ "opened_at_line": ctx.step(*step).map(|s| s.line) })
                    }
                    FdOwner::CommandPipe(r) => json!({ "command_pipe_of": ctx.role(*r) }),
                    FdOwner::ReportPipe => json!("report_pipe"),
                    FdOwner::OutputPipe(r) => json!({ "output_pipe_of": ctx.role(*r) }),
                    FdOwner::Other => Value::Null,
                };
                json!({ "fd": fd.fd, "target": fd.target, "cloexec": fd.cloexec, "owner": owner })
            })
            .collect(),
        None => Value::Null,
    };
    if let Some(r) = &i.region {
        v["region"] = json!({ "addr": r.addr, "bytes": r.bytes, "mapped": r.mapped });
    }
    v
}

/// What a role has written to its output.
pub fn captured(c: &crate::engine::model::Captured, ctx: &Ctx) -> Value {
    json!({ "role": ctx.role(c.role), "text": c.text, "bytes": c.bytes, "cut": c.cut })
}

/// A result as data and in words (real PIDs).
fn result(outcome: &Outcome, ctx: &Ctx) -> (Value, Value) {
    (
        serde_json::to_value(outcome).unwrap_or(Value::Null),
        Value::String(ctx.words.outcome(outcome, ctx)),
    )
}

/// A failure: its kind, its message, and what was seen last.
fn failure(f: &Failure, at: Option<usize>, ctx: &Ctx) -> Value {
    let mut v = json!({
        "kind": failure_kind(f),
        "message": ctx.words.failure(f, at, ctx),
    });
    if let Some(o) = seen(f) {
        v["seen"] = observation(o, ctx);
    }
    v
}

/// The role a step is about: the actor of an action, the awaited role.
fn step_role(ctx: &Ctx, step: usize) -> Option<usize> {
    match &ctx.step(step)?.kind {
        StepKind::Act { role, .. } | StepKind::Await { role, .. } => Some(*role),
        StepKind::Ask { role, .. } => Some(*role),
        StepKind::Observe { .. }
        | StepKind::Measure { .. }
        | StepKind::Inspect { .. }
        | StepKind::Output { .. }
        | StepKind::EndUnless { .. }
        | StepKind::Say { .. }
        | StepKind::Expect { .. }
        | StepKind::Share { .. } => None,
    }
}

/// A `share` window: every figure read, the kernel's weights named as its table.
fn cpu_share(s: &crate::engine::model::CpuShare, ctx: &Ctx) -> Value {
    let total = s.total_ns();
    let rows: Vec<Value> = s
        .rows
        .iter()
        .map(|r| {
            json!({
                "role": ctx.role(r.role),
                "pid": r.pid,
                "nice": r.nice,
                "kernel_table_weight": crate::engine::model::sched_weight(r.nice),
                "cpus_allowed": r.cpus,
                "states": r.states.iter().map(|s| s.code()).collect::<Vec<_>>(),
                "cpu_ns": r.used_ns(),
                "schedstat_ns_before": r.ns_before,
                "schedstat_ns_after": r.ns_after,
                "ticks": r.used_ticks(),
                "share": if total == 0 { 0.0 } else { r.used_ns() as f64 / total as f64 },
            })
        })
        .collect();
    json!({
        "until": ctx.role(s.until),
        "wanted_ns": s.wanted_ns,
        "wall_us": s.wall.as_micros() as u64,
        "reads": s.reads,
        "ticks_per_second": s.ticks_per_s,
        "runner_cpus_allowed": s.runner_cpus,
        "roles": rows,
    })
}

fn check(c: &Check, ctx: &Ctx) -> Value {
    json!({
        "role": ctx.role(c.role),
        "field": field_name(c.field),
        "actual": c.actual,
        "wanted": c.wanted,
        "checked": ctx.words.check(c),
    })
}

/// `--json`: the events of a run, gathered and written as one document on one line at its
/// end, in the schema procdemo has always had (README, "JSON output").
pub struct Document<'a> {
    ctx: Ctx<'a>,
    origin: &'a Origin,
    style: Style,
    events: Vec<Map<String, Value>>,
    /// The step of each entry in `events` (say lines: None).
    steps: Vec<Option<usize>>,
    failure: Option<(Failure, Option<usize>)>,
    cleaned_up: usize,
}

impl<'a> Document<'a> {
    pub fn new(
        words: &'static dyn Words,
        script: &'a Script,
        origin: &'a Origin,
        style: Style,
    ) -> Document<'a> {
        Document {
            ctx: Ctx::new(words, script, false),
            origin,
            style,
            events: Vec::new(),
            steps: Vec::new(),
            failure: None,
            cleaned_up: 0,
        }
    }

    /// A new event object for a step: its line and text, and the marks of a guarded step
    /// or a tree.
    fn step(&mut self, step: usize) -> &mut Map<String, Value> {
        let mut e = Map::new();
        if let Some(s) = self.ctx.step(step) {
            e.insert("line".into(), json!(s.line));
            e.insert("step".into(), json!(s.text));
            if s.as_tree {
                e.insert("tree".into(), json!(true));
            }
            if s.guard != Guard::None {
                e.insert("depends_on_privilege".into(), json!(true));
            }
        }
        self.events.push(e);
        self.steps.push(Some(step));
        self.events.last_mut().expect("just pushed")
    }

    fn gather(&mut self, event: &Event) {
        self.ctx.learn(event);
        match event {
            // A pause is the front end's to show (`--step`): not part of the run's document.
            // Questions and answers live in `--json-events` and `--answers`.
            Event::Begin { .. }
            | Event::Spawned { .. }
            | Event::Next { .. }
            | Event::Ask { .. }
            | Event::Answer { .. }
            | Event::End { .. } => {}
            Event::Act {
                step,
                role,
                outcome,
                verdict,
            } => {
                let actor = self.ctx.role(*role);
                let done = outcome
                    .as_ref()
                    .map(|o| result(o, &self.ctx.for_step(*step)));
                let e = self.step(*step);
                e.insert("actor".into(), json!(actor));
                if let Some((r, s)) = done {
                    e.insert("result".into(), r);
                    e.insert("summary".into(), s);
                }
                if let Some(v) = verdict {
                    self::verdict(v, e);
                }
            }
            Event::Observe { step, observations } => {
                let obs: Vec<Value> = observations
                    .iter()
                    .map(|o| observation(o, &self.ctx))
                    .collect();
                let e = self.step(*step);
                if !obs.is_empty() {
                    e.insert("observations".into(), Value::Array(obs));
                }
            }
            Event::Await {
                step,
                observation: seen,
                outcome,
                reads,
                waited,
            } => {
                let actor = step_role(&self.ctx, *step).map(|r| self.ctx.role(r));
                let done = outcome
                    .as_ref()
                    .map(|o| result(o, &self.ctx.for_step(*step)));
                let obs = seen.as_ref().map(|o| observation(o, &self.ctx));
                let e = self.step(*step);
                if let (Some((r, s)), Some(actor)) = (done, actor) {
                    e.insert("actor".into(), json!(actor));
                    e.insert("result".into(), r);
                    e.insert("summary".into(), s);
                }
                if let Some(o) = obs {
                    e.insert("observations".into(), json!([o]));
                }
                if let Some(n) = reads {
                    e.insert("polls".into(), json!(n));
                }
                e.insert("waited_us".into(), json!(waited.as_micros() as u64));
            }
            Event::Measure { step, readings } => {
                let mem: Vec<Value> = readings.iter().map(|m| memory(m, &self.ctx)).collect();
                let e = self.step(*step);
                if !mem.is_empty() {
                    e.insert("memory".into(), Value::Array(mem));
                }
            }
            Event::Expect { step, check } => {
                let checked = self.ctx.words.check(check);
                self.step(*step).insert("checked".into(), json!(checked));
            }
            Event::Share { step, share } => {
                let v = cpu_share(share, &self.ctx);
                self.step(*step).insert("share".into(), v);
            }
            Event::EndUnless {
                step,
                try_step,
                permitted,
            } => {
                let because = self.ctx.step_text(*try_step);
                let e = self.step(*step);
                e.insert("permitted".into(), json!(permitted));
                e.insert("because".into(), json!(because));
            }
            Event::Inspect { step, inspections } => {
                let all: Vec<Value> = inspections
                    .iter()
                    .map(|i| inspection(i, &self.ctx))
                    .collect();
                self.step(*step)
                    .insert("inspections".into(), Value::Array(all));
            }
            Event::Output { step, outputs } => {
                let all: Vec<Value> = outputs.iter().map(|c| captured(c, &self.ctx)).collect();
                self.step(*step).insert("outputs".into(), Value::Array(all));
            }
            Event::Say { lines } => {
                if !self.style.explain {
                    return;
                }
                for line in lines {
                    let narration = said(line, &self.ctx);
                    self.step(line.step)
                        .insert("narration".into(), json!(narration));
                }
            }
            Event::Skipped { step, try_step } => {
                let because = self.ctx.step_text(*try_step);
                let e = self.step(*step);
                e.insert("depends_on_privilege".into(), json!(true));
                e.insert("skipped_because".into(), json!(because));
            }
            Event::Failed { step, failure } => {
                // A failure found after its step was shown (a --check-ps mismatch) adds no
                // second entry for it.
                if let Some(step) = step
                    && self.steps.last() != Some(&event.step())
                {
                    let actor = match self.ctx.step(*step).map(|s| &s.kind) {
                        Some(StepKind::Act { role, .. }) => Some(self.ctx.role(*role)),
                        _ => None,
                    };
                    let obs = seen(failure).map(|o| observation(o, &self.ctx));
                    let e = self.step(*step);
                    if let Some(actor) = actor {
                        e.insert("actor".into(), json!(actor));
                    }
                    if let Some(o) = obs {
                        e.insert("observations".into(), json!([o]));
                    }
                }
                self.failure = Some((failure.clone(), *step));
            }
            Event::Cleanup { killed } => self.cleaned_up = *killed,
        }
    }

    fn document(&self, ok: bool) -> Value {
        let script = self.ctx.script;
        let roles: Vec<Value> = script
            .roles
            .iter()
            .enumerate()
            .map(|(i, name)| json!([name, self.ctx.pids.get(i).copied().flatten()]))
            .collect();
        let mut doc = json!({
            "demo": script.name,
            "title": super::title(script, self.ctx.words),
            "source": self.ctx.words.source(self.origin),
            "runner_pid": self.ctx.runner_pid(),
            "ok": ok && self.failure.is_none(),
            "roles": roles,
            "events": self.events,
            "cleaned_up": self.cleaned_up,
        });
        if !ok || self.failure.is_some() {
            let (message, kind) = match &self.failure {
                Some((f, at)) => (self.ctx.words.failure(f, *at, &self.ctx), failure_kind(f)),
                None => (self.ctx.words.no_reason().to_string(), "unknown"),
            };
            doc["failure"] = json!(message);
            doc["failure_kind"] = json!(kind);
        }
        doc
    }
}

impl Render for Document<'_> {
    fn event(&mut self, event: &Event, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        self.gather(event);
        match event {
            Event::End { ok } => writeln!(out, "{}", self.document(*ok)),
            _ => Ok(()),
        }
    }

    fn failure(&self) -> Option<String> {
        let (f, at) = self.failure.as_ref()?;
        Some(self.ctx.words.failure(f, *at, &self.ctx))
    }
}

/// `--json-events`: JSON Lines, one self-describing object per event (`"event": "act"`...),
/// written as it arrives. See README, "JSON events".
pub struct Lines<'a> {
    ctx: Ctx<'a>,
    origin: &'a Origin,
    style: Style,
    failure: Option<(Failure, Option<usize>)>,
}

impl<'a> Lines<'a> {
    pub fn new(
        words: &'static dyn Words,
        script: &'a Script,
        origin: &'a Origin,
        style: Style,
    ) -> Lines<'a> {
        Lines {
            ctx: Ctx::new(words, script, false),
            origin,
            style,
            failure: None,
        }
    }

    /// An object for a step's event: its kind, line and text.
    fn step(&self, kind: &str, step: usize) -> Value {
        let mut v = json!({ "event": kind });
        if let Some(s) = self.ctx.step(step) {
            v["line"] = json!(s.line);
            v["step"] = json!(s.text);
            if s.guard != Guard::None {
                v["depends_on_privilege"] = json!(true);
            }
        }
        v
    }

    /// The object for an event (None: nothing to say, e.g. narration without --explain).
    pub fn object(&mut self, event: &Event) -> Option<Value> {
        self.ctx.learn(event);
        let ctx = &self.ctx;
        Some(match event {
            Event::Begin { runner_pid } => json!({
                "event": "begin",
                "demo": ctx.script.name,
                "title": super::title(ctx.script, ctx.words),
                "source": ctx.words.source(self.origin),
                "runner_pid": runner_pid,
            }),
            Event::Spawned { role, pid, ns_pids } => {
                let mut v = json!({
                    "event": "spawned",
                    "role": ctx.role(*role),
                    "pid": pid,
                });
                if !ns_pids.is_empty() {
                    v["ns_pids"] = json!(ns_pids);
                }
                v
            }
            Event::Act {
                step,
                role,
                outcome,
                verdict,
            } => {
                let mut v = self.step("act", *step);
                v["role"] = json!(ctx.role(*role));
                match outcome {
                    Some(o) => {
                        let (r, s) = result(o, &ctx.for_step(*step));
                        v["result"] = r;
                        v["summary"] = s;
                    }
                    None => v["under_way"] = json!(true),
                }
                if let (Some(found), Some(obj)) = (verdict, v.as_object_mut()) {
                    self::verdict(found, obj);
                }
                v
            }
            Event::Observe { step, observations } => {
                let mut v = self.step("observe", *step);
                v["tree"] = json!(ctx.step(*step).is_some_and(|s| s.as_tree));
                v["observations"] = observations.iter().map(|o| observation(o, ctx)).collect();
                v
            }
            Event::Await {
                step,
                observation: seen,
                outcome,
                reads,
                waited,
            } => {
                let mut v = self.step("await", *step);
                if let Some(r) = step_role(ctx, *step) {
                    v["role"] = json!(ctx.role(r));
                }
                if let Some(o) = seen {
                    v["observation"] = observation(o, ctx);
                }
                if let Some(o) = outcome {
                    let (r, s) = result(o, &ctx.for_step(*step));
                    v["result"] = r;
                    v["summary"] = s;
                }
                if let Some(n) = reads {
                    v["reads"] = json!(n);
                }
                v["waited_us"] = json!(waited.as_micros() as u64);
                v
            }
            Event::Measure { step, readings } => {
                let mut v = self.step("measure", *step);
                v["readings"] = readings.iter().map(|m| memory(m, ctx)).collect();
                v
            }
            Event::Share { step, share } => {
                let mut v = self.step("share", *step);
                v["share"] = cpu_share(share, ctx);
                v
            }
            Event::EndUnless {
                step,
                try_step,
                permitted,
            } => {
                let mut v = self.step("end_unless", *step);
                v["permitted"] = json!(permitted);
                v["because"] = json!(ctx.step_text(*try_step));
                v
            }
            Event::Inspect { step, inspections } => {
                let mut v = self.step("inspect", *step);
                v["inspections"] = inspections.iter().map(|i| inspection(i, ctx)).collect();
                v
            }
            Event::Output { step, outputs } => {
                let mut v = self.step("output", *step);
                v["outputs"] = outputs.iter().map(|c| captured(c, ctx)).collect();
                v
            }
            Event::Expect { step, check: c } => {
                let mut v = self.step("expect", *step);
                if let (Value::Object(v), Value::Object(c)) = (&mut v, check(c, ctx)) {
                    v.extend(c);
                }
                v
            }
            Event::Say { lines } => {
                if !self.style.explain {
                    return None;
                }
                let text: Vec<String> = lines.iter().map(|l| said(l, ctx)).collect();
                let numbers: Vec<usize> = lines
                    .iter()
                    .filter_map(|l| ctx.step(l.step).map(|s| s.line))
                    .collect();
                json!({
                    "event": "say",
                    "line": numbers.first(),
                    "lines": numbers,
                    "narration": text.join(" "),
                })
            }
            Event::Skipped { step, try_step } => {
                let mut v = self.step("skipped", *step);
                v["because"] = json!(ctx.step_text(*try_step));
                v["because_line"] = json!(ctx.step(*try_step).map(|s| s.line));
                v
            }
            Event::Failed { step, failure: f } => {
                let mut v = match step {
                    Some(s) => self.step("failed", *s),
                    None => json!({ "event": "failed" }),
                };
                v["failure"] = failure(f, *step, ctx);
                v
            }
            Event::Next { step } => self.step("next", *step),
            Event::Ask { step } => {
                let mut v = self.step("ask", *step);
                if let Some(q) = self
                    .ctx
                    .step(*step)
                    .and_then(|s| super::question(&s.kind, self.ctx.words.lang()))
                {
                    v["question"] = json!(q);
                }
                v
            }
            Event::Answer { ask, value } => {
                let mut v = self.step("answer", *ask);
                v["answer"] = json!(self.ctx.words.value(value, &self.ctx));
                v
            }
            Event::Cleanup { killed } => json!({ "event": "cleanup", "killed": killed }),
            Event::End { ok } => json!({ "event": "end", "ok": ok }),
        })
    }
}

impl Render for Lines<'_> {
    fn event(&mut self, event: &Event, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        if let Event::Failed { step, failure } = event {
            self.failure = Some((failure.clone(), *step));
        }
        match self.object(event) {
            Some(v) => writeln!(out, "{v}"),
            None => Ok(()),
        }
    }

    fn failure(&self) -> Option<String> {
        let (f, at) = self.failure.as_ref()?;
        Some(self.ctx.words.failure(f, *at, &self.ctx))
    }
}

/// The `procdemo all` summary as one JSON line: `{"summary": [...]}` after `--json`
/// documents, `{"event": "summary", "demos": [...]}` after `--json-events` lines.
pub fn summary(words: &'static dyn Words, results: &[DemoResult], format: Format) -> String {
    let items: Vec<Value> = results
        .iter()
        .map(|r| {
            let problem = r
                .problem
                .as_ref()
                .map(|(p, left)| words.runner_problem(&r.name, p, *left));
            let mut item = json!({
                "demo": r.name,
                "ok": r.ok,
                "wall_ms": r.wall.as_secs_f64() * 1000.0,
                "problem": problem,
            });
            if format == Format::JsonEvents {
                item["problem_kind"] = json!(r.problem.as_ref().map(|(p, _)| problem_kind(p)));
            }
            item
        })
        .collect();
    let doc = match format {
        Format::JsonEvents => json!({ "event": "summary", "demos": items }),
        Format::Json | Format::Text | Format::Wire => json!({ "summary": items }),
    };
    format!("{doc}\n")
}

/// `Format::Wire`: each event as the runner sent it, one a line.
pub struct Wire;

impl Render for Wire {
    fn event(&mut self, event: &Event, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        serde_json::to_writer(&mut *out, event)?;
        out.write_all(b"\n")
    }
}
