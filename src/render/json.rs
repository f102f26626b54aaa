//! JSON for programs: the one contract of `--json` (one document per run), `--json-events`
//! (one line per event), `procdemo watch --json` and `watch --json-events`. See docs/json.md
//! and the JSON Schema files in schema/.
//!
//! Every message is a typed struct below, serialised with serde (in the manner of ripgrep's
//! printer/jsont.rs): internally tagged by `"type"` with snake_case names, objects rather
//! than positional arrays, the same names for the same things in demos and watch (`pid`,
//! `parent`, `role`, `status`, `signal`). No word depends on the locale: words (`text`, a
//! narration keyed by language) are added only when `--lang` asked for a language. PIDs and
//! figures are always the real ones (`--stable` does not apply).
//!
//! The hidden `--record-events` form ([`Wire`]) is not part of the contract: it is the
//! engine's own events as the runner streams them, for the render tests' fixtures.

use super::{Ctx, Lang, Render, Style, Words, failure_kind, problem_kind, said, seen};
use crate::engine::model::{
    self, Check, DemoResult, Disposition, Event, ExitStatus, Failure, MemoryReading, Observation,
    Origin, Parent, WatchEvent,
};
use crate::script::actions::Outcome;
use crate::script::task::{CountCmp, Counted, Property, Reaping};
use crate::script::{Guard, Script, StepKind, field_name};
use crate::watch::check::{Seen, Verdict};
use serde::Serialize;
use std::collections::BTreeMap;

/// The version of the JSON shape. Version 1 was the shape before the contract (no version
/// field); any change to a message's shape bumps it (and CHANGELOG.md says so).
pub const VERSION: u32 = 2;

fn is_false(b: &bool) -> bool {
    !*b
}

// ---- shared pieces -------------------------------------------------------------------------

/// A wait status, decoded as the C macros decode it.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Status {
    /// WIFEXITED: exit(code).
    Exited {
        code: i32,
    },
    /// WIFSIGNALED: killed by this signal.
    Killed {
        signal: i32,
    },
    /// WIFSTOPPED: stopped by this signal.
    Stopped {
        signal: i32,
    },
    Continued,
}

impl From<ExitStatus> for Status {
    fn from(s: ExitStatus) -> Status {
        match s {
            ExitStatus::Exited(code) => Status::Exited { code },
            ExitStatus::Killed(signal) => Status::Killed { signal },
            ExitStatus::Stopped(signal) => Status::Stopped { signal },
            ExitStatus::Continued => Status::Continued,
        }
    }
}

/// A process tracing another (`pid`, and its command name when it could be read).
#[derive(Debug, Clone, Serialize)]
pub struct TracerJson {
    pub pid: i32,
    pub comm: Option<String>,
}

impl From<&model::Tracer> for TracerJson {
    fn from(t: &model::Tracer) -> TracerJson {
        TracerJson {
            pid: t.pid,
            comm: t.comm.clone(),
        }
    }
}

/// Where a demo's script came from.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Source {
    /// Built into procdemo: its path in the source tree (`demos/zombie.demo`).
    Builtin { path: String },
    /// A user's script file, as named on the command line.
    File { path: String },
}

impl From<&Origin> for Source {
    fn from(o: &Origin) -> Source {
        match o {
            Origin::Builtin(path) => Source::Builtin { path: path.clone() },
            Origin::File(path) => Source::File { path: path.clone() },
        }
    }
}

/// What a demo's process looked like in /proc at one moment (an observation).
#[derive(Debug, Clone, Serialize)]
pub struct Process {
    pub role: String,
    pub pid: i32,
    /// The state letter of /proc/PID/stat, or `gone` once reaped.
    pub state: String,
    /// The PPID (null when there is none, e.g. gone).
    pub parent: Option<i32>,
    /// The parent's role, when the parent is one of the demo's processes.
    pub parent_role: Option<String>,
    /// The parent's command name, when it is a process outside the demo.
    pub parent_comm: Option<String>,
    /// The ps-style STAT (`Z+`, `S<s`).
    pub stat: Option<String>,
    pub comm: Option<String>,
    pub pgrp: Option<i32>,
    pub session: Option<i32>,
    pub nice: Option<i64>,
    pub wchan: Option<String>,
    /// The status a zombie holds for its parent, decoded; `wait_status` is the raw value.
    pub status: Option<Status>,
    pub wait_status: Option<i32>,
    /// SIGCHLD's disposition: `default`, `ignored`, `caught` (null for a zombie or gone).
    pub sigchld: Option<&'static str>,
    #[serde(skip_serializing_if = "is_false")]
    pub depends_on_privilege: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ps_stat: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracer: Option<TracerJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ns_pid: Option<i32>,
}

impl Process {
    pub fn new(o: &Observation, ctx: &Ctx) -> Process {
        let (parent_role, parent_comm) = match &o.parent {
            Some(Parent::Role(r)) => (Some(ctx.role(*r).to_string()), None),
            Some(Parent::Other { comm }) => (None, Some(comm.clone())),
            Some(Parent::Unknown) | None => (None, None),
        };
        Process {
            role: ctx.role(o.role).to_string(),
            pid: o.pid,
            state: o.state.code(),
            parent: o.ppid,
            parent_role,
            parent_comm,
            stat: o.stat.clone(),
            comm: o.comm.clone(),
            pgrp: o.pgrp,
            session: o.session,
            nice: o.nice,
            wchan: o.wchan.clone(),
            status: o.exit_status.map(|s| ExitStatus::decode(s).into()),
            wait_status: o.exit_status,
            sigchld: sigchld(o.sigchld),
            depends_on_privilege: o.depends_on_privilege,
            ps_stat: o.ps_stat.clone(),
            tracer: o.tracer.as_ref().map(TracerJson::from),
            ns_pid: o.ns_pid,
        }
    }
}

/// The figures of /proc/PID/smaps_rollup (or of one region's smaps entry), in kB.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub rss_kb: u64,
    pub pss_kb: u64,
    pub shared_dirty_kb: u64,
    pub private_dirty_kb: u64,
}

impl From<&model::Memory> for Figures {
    fn from(m: &model::Memory) -> Figures {
        Figures {
            rss_kb: m.rss_kb,
            pss_kb: m.pss_kb,
            shared_dirty_kb: m.shared_dirty_kb,
            private_dirty_kb: m.private_dirty_kb,
        }
    }
}

/// A `measure` reading of one role: the whole process, minflt, and the script's region.
#[derive(Debug, Clone, Serialize)]
pub struct Reading {
    pub role: String,
    pub pid: i32,
    #[serde(flatten)]
    pub whole: Figures,
    pub minflt: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<Figures>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_bytes: Option<usize>,
}

impl Reading {
    fn new(m: &MemoryReading, ctx: &Ctx) -> Reading {
        Reading {
            role: ctx.role(m.role).to_string(),
            pid: m.pid,
            whole: (&m.whole).into(),
            minflt: m.minflt,
            region: m.region.as_ref().map(|(r, _)| r.into()),
            region_bytes: m.region.as_ref().map(|(_, b)| *b),
        }
    }
}

/// The five signal masks of /proc/PID/status, as lists of signal names.
#[derive(Debug, Clone, Serialize)]
pub struct Signals {
    pub pending: Vec<String>,
    pub shared_pending: Vec<String>,
    pub blocked: Vec<String>,
    pub ignored: Vec<String>,
    pub caught: Vec<String>,
}

fn signal_names(mask: u64) -> Vec<String> {
    model::SignalMasks::signals(mask)
        .into_iter()
        .map(super::signal_name)
        .collect()
}

/// Whose an open descriptor is, as procdemo knows it.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Owner {
    /// Opened by the script's `open` on this line.
    Opened { line: Option<usize> },
    /// procdemo's command pipe of this role.
    CommandPipe { role: String },
    /// procdemo's report pipe.
    ReportPipe,
    /// This role's output pipe.
    OutputPipe { role: String },
    /// Nothing procdemo knows of.
    Other,
}

#[derive(Debug, Clone, Serialize)]
pub struct Fd {
    pub fd: i32,
    pub target: String,
    pub cloexec: bool,
    pub owner: Owner,
}

#[derive(Debug, Clone, Serialize)]
pub struct Region {
    pub addr: u64,
    pub bytes: usize,
    pub mapped: bool,
}

/// An `inspect`: an observation's fields and what the process is made of.
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    #[serde(flatten)]
    pub process: Process,
    pub exe: Option<String>,
    pub exe_is_procdemo: Option<bool>,
    pub cmdline: Option<Vec<String>>,
    pub cmdline_is_procdemo: Option<bool>,
    pub ns_pids: Vec<i32>,
    pub signals: Option<Signals>,
    pub fds: Option<Vec<Fd>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
}

impl Inspection {
    fn new(i: &model::Inspection, ctx: &Ctx) -> Inspection {
        use model::FdOwner;
        Inspection {
            process: Process::new(&i.observation, ctx),
            exe: i.exe.as_ref().map(|e| e.path.clone()),
            exe_is_procdemo: i.exe.as_ref().map(|e| e.procdemo),
            cmdline: i.cmdline.as_ref().map(|c| c.args.clone()),
            cmdline_is_procdemo: i.cmdline.as_ref().map(|c| c.procdemo),
            ns_pids: i.ns_pids.clone(),
            signals: i.signals.as_ref().map(|m| Signals {
                pending: signal_names(m.pending),
                shared_pending: signal_names(m.shared_pending),
                blocked: signal_names(m.blocked),
                ignored: signal_names(m.ignored),
                caught: signal_names(m.caught),
            }),
            fds: i.fds.as_ref().map(|fds| {
                fds.iter()
                    .map(|fd| Fd {
                        fd: fd.fd,
                        target: fd.target.clone(),
                        cloexec: fd.cloexec,
                        owner: match &fd.owner {
                            FdOwner::Opened { step } => Owner::Opened {
                                line: ctx.step(*step).map(|s| s.line),
                            },
                            FdOwner::CommandPipe(r) => Owner::CommandPipe {
                                role: ctx.role(*r).to_string(),
                            },
                            FdOwner::ReportPipe => Owner::ReportPipe,
                            FdOwner::OutputPipe(r) => Owner::OutputPipe {
                                role: ctx.role(*r).to_string(),
                            },
                            FdOwner::Other => Owner::Other,
                        },
                    })
                    .collect()
            }),
            region: i.region.as_ref().map(|r| Region {
                addr: r.addr,
                bytes: r.bytes,
                mapped: r.mapped,
            }),
        }
    }
}

/// What a role wrote to its output pipe (`output`).
#[derive(Debug, Clone, Serialize)]
pub struct Output {
    pub role: String,
    pub text: String,
    pub bytes: usize,
    pub cut: bool,
}

/// One role's row of a `share` window.
#[derive(Debug, Clone, Serialize)]
pub struct ShareRow {
    pub role: String,
    pub pid: i32,
    pub nice: i64,
    pub kernel_table_weight: Option<u32>,
    pub cpus_allowed: String,
    pub states: Vec<String>,
    pub cpu_ns: u64,
    pub schedstat_ns_before: u64,
    pub schedstat_ns_after: u64,
    pub ticks: u64,
    pub share: f64,
}

/// A `share` window: every figure read, the kernel's weights named as its table.
#[derive(Debug, Clone, Serialize)]
pub struct Share {
    pub until: String,
    pub wanted_ns: u64,
    pub wall_us: u64,
    pub reads: u32,
    pub ticks_per_second: u64,
    pub runner_cpus_allowed: String,
    pub roles: Vec<ShareRow>,
}

impl Share {
    fn new(s: &model::CpuShare, ctx: &Ctx) -> Share {
        let total = s.total_ns();
        Share {
            until: ctx.role(s.until).to_string(),
            wanted_ns: s.wanted_ns,
            wall_us: s.wall.as_micros() as u64,
            reads: s.reads,
            ticks_per_second: s.ticks_per_s,
            runner_cpus_allowed: s.runner_cpus.clone(),
            roles: s
                .rows
                .iter()
                .map(|r| ShareRow {
                    role: ctx.role(r.role).to_string(),
                    pid: r.pid,
                    nice: r.nice,
                    kernel_table_weight: model::sched_weight(r.nice),
                    cpus_allowed: r.cpus.clone(),
                    states: r.states.iter().map(|s| s.code()).collect(),
                    cpu_ns: r.used_ns(),
                    schedstat_ns_before: r.ns_before,
                    schedstat_ns_after: r.ns_after,
                    ticks: r.used_ticks(),
                    share: if total == 0 {
                        0.0
                    } else {
                        r.used_ns() as f64 / total as f64
                    },
                })
                .collect(),
        }
    }
}

/// Why a run failed: its type (the same in every language), what was seen last, and with
/// `--lang` the message in words.
#[derive(Debug, Clone, Serialize)]
pub struct FailureJson {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seen: Option<Box<Process>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// An action's result as data: the engine's outcome (`type`: its snake_case name, and its
/// fields as the kernel returned them). A raw wait status (`reaped`, `polled_then_reaped`)
/// is `wait_status`, and `status` its decoded form, as in an observation.
fn result(outcome: &Outcome) -> serde_json::Value {
    let mut v = serde_json::to_value(outcome).unwrap_or(serde_json::Value::Null);
    if let Some(map) = v.as_object_mut() {
        if let Some(kind) = map.remove("kind") {
            map.insert("type".into(), kind);
        }
        let reaped = matches!(
            outcome,
            Outcome::Reaped { .. } | Outcome::PolledThenReaped { .. }
        );
        if reaped && let Some(raw) = map.get("status").and_then(serde_json::Value::as_i64) {
            map.insert("wait_status".into(), raw.into());
            let decoded = Status::from(ExitStatus::decode(raw as i32));
            map.insert(
                "status".into(),
                serde_json::to_value(decoded).unwrap_or_default(),
            );
        }
    }
    v
}

/// A value the run showed, as an `ask` question's answer: tagged by what it is.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Answer {
    /// Not observed by then (procdemo never makes a value up).
    NotObserved,
    Pid {
        pid: i32,
    },
    Number {
        value: i64,
    },
    /// A count that varies run to run.
    Varying {
        value: u64,
    },
    State {
        state: String,
    },
    Stat {
        stat: String,
    },
    Comm {
        comm: String,
    },
    /// The parent: a role of the demo, or a process outside it by its command name.
    Parent {
        role: Option<String>,
        comm: Option<String>,
    },
    Sigchld {
        sigchld: Option<&'static str>,
    },
    Status {
        status: Status,
    },
    Result {
        result: serde_json::Value,
    },
    Exe {
        path: String,
        is_procdemo: bool,
    },
    Cmdline {
        argv: Vec<String>,
        is_procdemo: bool,
    },
    Signals {
        signals: Vec<String>,
    },
    NsPids {
        ns_pids: Vec<i32>,
    },
    Output {
        output: Output,
    },
    /// A value that may differ between root and a normal user.
    DependsOnPrivilege {
        value: Box<Answer>,
    },
    CpuTime {
        cpu_ns: u64,
    },
    Share {
        used_ns: u64,
        total_ns: u64,
    },
}

fn sigchld(d: Option<Disposition>) -> Option<&'static str> {
    d.map(|d| match d {
        Disposition::Default => "default",
        Disposition::Ignored => "ignored",
        Disposition::Caught => "caught",
    })
}

impl Answer {
    fn new(v: &model::Value, ctx: &Ctx) -> Answer {
        use model::Value as V;
        match v {
            V::NotObserved => Answer::NotObserved,
            V::Pid(pid) => Answer::Pid { pid: *pid },
            V::Number(value) => Answer::Number { value: *value },
            V::Varying(value) => Answer::Varying { value: *value },
            V::State(s) => Answer::State { state: s.code() },
            V::Stat(stat) => Answer::Stat { stat: stat.clone() },
            V::Comm(comm) => Answer::Comm { comm: comm.clone() },
            V::Parent(p) => match p {
                Parent::Role(r) => Answer::Parent {
                    role: Some(ctx.role(*r).to_string()),
                    comm: None,
                },
                Parent::Other { comm } => Answer::Parent {
                    role: None,
                    comm: Some(comm.clone()),
                },
                Parent::Unknown => Answer::Parent {
                    role: None,
                    comm: None,
                },
            },
            V::Sigchld(d) => Answer::Sigchld {
                sigchld: sigchld(*d),
            },
            V::ExitCode(s) => Answer::Status {
                status: (*s).into(),
            },
            V::Result(o) => Answer::Result { result: result(o) },
            V::Exe(e) => Answer::Exe {
                path: e.path.clone(),
                is_procdemo: e.procdemo,
            },
            V::Cmdline(c) => Answer::Cmdline {
                argv: c.args.clone(),
                is_procdemo: c.procdemo,
            },
            V::Signals(mask) => Answer::Signals {
                signals: signal_names(*mask),
            },
            V::NsPids(ns_pids) => Answer::NsPids {
                ns_pids: ns_pids.clone(),
            },
            V::Output(c) => Answer::Output {
                output: Output {
                    role: ctx.role(c.role).to_string(),
                    text: c.text.clone(),
                    bytes: c.bytes,
                    cut: c.cut,
                },
            },
            V::DependsOnPrivilege(v) => Answer::DependsOnPrivilege {
                value: Box::new(Answer::new(v, ctx)),
            },
            V::CpuTime(cpu_ns) => Answer::CpuTime { cpu_ns: *cpu_ns },
            V::Share { used, total } => Answer::Share {
                used_ns: *used,
                total_ns: *total,
            },
        }
    }
}

// ---- demo messages -------------------------------------------------------------------------

/// The step an event is about: its line in the script and its text.
#[derive(Debug, Clone, Serialize)]
pub struct At {
    pub line: usize,
    pub step: String,
    /// A guarded step (`try`, `if permitted`): what it shows may differ with privilege.
    #[serde(skip_serializing_if = "is_false")]
    pub depends_on_privilege: bool,
}

/// One role and the PID it had in this run (null: never started).
#[derive(Debug, Clone, Serialize)]
pub struct RolePid {
    pub role: String,
    pub pid: Option<i32>,
}

/// One event of a demo's run: a `--json-events` line, an entry of a `--json` document's
/// `events`.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Message {
    /// The run began: the first line of a run's `--json-events`.
    Begin {
        version: u32,
        demo: String,
        /// The script's own title (its `title` line), the same in every locale.
        title: String,
        source: Source,
        runner_pid: i32,
        #[serde(skip_serializing_if = "Option::is_none")]
        lang: Option<&'static str>,
        /// With `--lang`: the title in that language.
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    Spawned {
        role: String,
        pid: i32,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        ns_pids: Vec<i32>,
    },
    Act {
        #[serde(flatten)]
        at: Option<At>,
        role: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        result: Option<serde_json::Value>,
        #[serde(skip_serializing_if = "is_false")]
        under_way: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        permitted: Option<bool>,
        #[serde(skip_serializing_if = "Option::is_none")]
        already_traced_by: Option<TracerJson>,
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    Observe {
        #[serde(flatten)]
        at: Option<At>,
        tree: bool,
        observations: Vec<Process>,
    },
    Await {
        #[serde(flatten)]
        at: Option<At>,
        #[serde(skip_serializing_if = "Option::is_none")]
        role: Option<String>,
        /// What the last /proc read showed (the awaited state), as a list of one; empty
        /// for `await ROLE done`.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        observations: Vec<Process>,
        #[serde(skip_serializing_if = "Option::is_none")]
        result: Option<serde_json::Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        reads: Option<u32>,
        waited_us: u64,
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    Measure {
        #[serde(flatten)]
        at: Option<At>,
        readings: Vec<Reading>,
    },
    Share {
        #[serde(flatten)]
        at: Option<At>,
        share: Share,
    },
    EndUnless {
        #[serde(flatten)]
        at: Option<At>,
        permitted: bool,
        because: String,
    },
    Inspect {
        #[serde(flatten)]
        at: Option<At>,
        inspections: Vec<Inspection>,
    },
    Output {
        #[serde(flatten)]
        at: Option<At>,
        outputs: Vec<Output>,
    },
    Expect {
        #[serde(flatten)]
        at: Option<At>,
        role: String,
        field: &'static str,
        actual: u64,
        wanted: u64,
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    /// Narration (with `--explain` only), keyed by language code.
    Say {
        line: Option<usize>,
        lines: Vec<usize>,
        narration: BTreeMap<&'static str, String>,
    },
    Skipped {
        #[serde(flatten)]
        at: Option<At>,
        because: String,
        because_line: Option<usize>,
    },
    Failed {
        #[serde(flatten)]
        at: Option<At>,
        failure: FailureJson,
    },
    /// A `--step`/`--delay` pause before this step.
    Next {
        #[serde(flatten)]
        at: Option<At>,
    },
    Ask {
        #[serde(flatten)]
        at: Option<At>,
        /// The script's own question (its `ask` line), the same in every locale.
        question: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    /// The answer of an `ask` question, once the run has shown it.
    Answer {
        #[serde(flatten)]
        at: Option<At>,
        role: Option<String>,
        field: Option<&'static str>,
        value: Answer,
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    Cleanup {
        killed: usize,
    },
    End {
        ok: bool,
    },
}

/// `--json`: one run as one document, on one line, written at its end.
#[derive(Debug, Clone, Serialize)]
pub struct DemoDocument {
    pub version: u32,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub demo: String,
    pub title: String,
    pub source: Source,
    pub runner_pid: Option<i32>,
    pub ok: bool,
    pub roles: Vec<RolePid>,
    /// Every message of the run as `--json-events` writes it, but `begin`, `next` and `end`
    /// (their data is this document's).
    pub events: Vec<Message>,
    pub cleaned_up: usize,
    pub failure: Option<FailureJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// One demo's line of the `procdemo all` summary.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryItem {
    pub demo: String,
    pub ok: bool,
    pub wall_ms: f64,
    pub problem: Option<Problem>,
}

/// How a runner ended when it did not end on its own terms.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Processes the front end killed and reaped after it.
    pub left: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// The `procdemo all` summary: the last line after every demo's document or lines.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub version: u32,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub demos: Vec<SummaryItem>,
}

/// The JSON renderers' shared state: what the run taught so far, and whether words were
/// asked for.
struct Json<'a> {
    ctx: Ctx<'a>,
    origin: &'a Origin,
    style: Style,
    failure: Option<(Failure, Option<usize>)>,
}

impl<'a> Json<'a> {
    fn new(
        words: &'static dyn Words,
        script: &'a Script,
        origin: &'a Origin,
        style: Style,
    ) -> Self {
        Json {
            ctx: Ctx::new(words, script, false),
            origin,
            style,
            failure: None,
        }
    }

    /// Words, only when `--lang` asked for a language.
    fn text(&self, words: impl FnOnce() -> String) -> Option<String> {
        self.style.lang_asked.then(words)
    }

    /// The language words are in (`--lang`), if any.
    fn lang(&self) -> Option<&'static str> {
        self.style.lang_asked.then(|| self.style.lang.code())
    }

    fn at(&self, step: usize) -> Option<At> {
        self.ctx.step(step).map(|s| At {
            line: s.line,
            step: s.text.clone(),
            depends_on_privilege: s.guard != Guard::None,
        })
    }

    /// The message for an event (None: nothing to say, e.g. narration without --explain).
    /// `ctx` has learnt the event; JSON shows real PIDs whatever `--stable` says.
    fn message(&mut self, event: &Event, ctx: &Ctx) -> Option<Message> {
        self.ctx = Ctx {
            stable: false,
            ..ctx.with_script(self.ctx.script)
        };
        if let Event::Failed { step, failure } = event {
            self.failure = Some((failure.clone(), *step));
        }
        let ctx = &self.ctx;
        Some(match event {
            Event::Begin { runner_pid } => Message::Begin {
                version: VERSION,
                demo: ctx.script.name.clone(),
                title: ctx.script.title.base.clone(),
                source: self.origin.into(),
                runner_pid: *runner_pid,
                lang: self.lang(),
                text: self.text(|| super::title(ctx.script, ctx.words).to_string()),
            },
            Event::Spawned { role, pid, ns_pids } => Message::Spawned {
                role: ctx.role(*role).to_string(),
                pid: *pid,
                ns_pids: ns_pids.clone(),
            },
            Event::Act {
                step,
                role,
                outcome,
                verdict,
            } => {
                use model::Verdict;
                Message::Act {
                    at: self.at(*step),
                    role: ctx.role(*role).to_string(),
                    result: outcome.as_ref().map(result),
                    under_way: outcome.is_none(),
                    permitted: verdict.as_ref().map(|v| *v == Verdict::Permitted),
                    already_traced_by: match verdict {
                        Some(Verdict::AlreadyTraced(t)) => Some(t.into()),
                        _ => None,
                    },
                    text: outcome
                        .as_ref()
                        .and_then(|o| self.text(|| ctx.words.outcome(o, &ctx.for_step(*step)))),
                }
            }
            Event::Observe { step, observations } => Message::Observe {
                at: self.at(*step),
                tree: ctx.step(*step).is_some_and(|s| s.as_tree),
                observations: observations.iter().map(|o| Process::new(o, ctx)).collect(),
            },
            Event::Await {
                step,
                observation,
                outcome,
                reads,
                waited,
            } => Message::Await {
                at: self.at(*step),
                role: step_role(ctx, *step).map(|r| ctx.role(r).to_string()),
                observations: observation.iter().map(|o| Process::new(o, ctx)).collect(),
                result: outcome.as_ref().map(result),
                reads: *reads,
                waited_us: waited.as_micros() as u64,
                text: outcome
                    .as_ref()
                    .and_then(|o| self.text(|| ctx.words.outcome(o, &ctx.for_step(*step)))),
            },
            Event::Measure { step, readings } => Message::Measure {
                at: self.at(*step),
                readings: readings.iter().map(|m| Reading::new(m, ctx)).collect(),
            },
            Event::Share { step, share } => Message::Share {
                at: self.at(*step),
                share: Share::new(share, ctx),
            },
            Event::EndUnless {
                step,
                try_step,
                permitted,
            } => Message::EndUnless {
                at: self.at(*step),
                permitted: *permitted,
                because: ctx.step_text(*try_step).to_string(),
            },
            Event::Inspect { step, inspections } => Message::Inspect {
                at: self.at(*step),
                inspections: inspections
                    .iter()
                    .map(|i| Inspection::new(i, ctx))
                    .collect(),
            },
            Event::Output { step, outputs } => Message::Output {
                at: self.at(*step),
                outputs: outputs
                    .iter()
                    .map(|c| Output {
                        role: ctx.role(c.role).to_string(),
                        text: c.text.clone(),
                        bytes: c.bytes,
                        cut: c.cut,
                    })
                    .collect(),
            },
            Event::Expect { step, check } => expect(self.at(*step), check, self),
            Event::Say { lines } => {
                if !self.style.explain {
                    return None;
                }
                // In the language asked for, else English: never the locale's.
                let (code, ctx) = match self.lang() {
                    Some(code) => (code, ctx.clone()),
                    None => (
                        Lang::En.code(),
                        Ctx {
                            words: super::words(Lang::En),
                            ..ctx.clone()
                        },
                    ),
                };
                let text: Vec<String> = lines.iter().map(|l| said(l, &ctx)).collect();
                let numbers: Vec<usize> = lines
                    .iter()
                    .filter_map(|l| ctx.step(l.step).map(|s| s.line))
                    .collect();
                Message::Say {
                    line: numbers.first().copied(),
                    lines: numbers,
                    narration: BTreeMap::from([(code, text.join(" "))]),
                }
            }
            Event::Skipped { step, try_step } => Message::Skipped {
                at: self.at(*step),
                because: ctx.step_text(*try_step).to_string(),
                because_line: ctx.step(*try_step).map(|s| s.line),
            },
            Event::Failed { step, failure } => Message::Failed {
                at: step.and_then(|s| self.at(s)),
                failure: self.failure_json(failure, *step),
            },
            Event::Next { step } => Message::Next { at: self.at(*step) },
            Event::Ask { step } => {
                let kind = ctx.step(*step).map(|s| &s.kind);
                Message::Ask {
                    at: self.at(*step),
                    question: kind
                        .and_then(|k| super::question(k, Lang::En))
                        .map(str::to_string),
                    text: kind
                        .and_then(|k| super::question(k, ctx.words.lang()))
                        .and_then(|q| self.text(|| q.to_string())),
                }
            }
            Event::Answer { ask, value } => {
                let (role, field) = match ctx.step(*ask).map(|s| &s.kind) {
                    Some(StepKind::Ask { role, field, .. }) => {
                        (Some(ctx.role(*role).to_string()), Some(field_name(*field)))
                    }
                    _ => (None, None),
                };
                Message::Answer {
                    at: self.at(*ask),
                    role,
                    field,
                    value: Answer::new(value, ctx),
                    text: self.text(|| ctx.words.value(value, ctx)),
                }
            }
            Event::Cleanup { killed } => Message::Cleanup { killed: *killed },
            Event::End { ok } => Message::End { ok: *ok },
        })
    }

    fn failure_json(&self, f: &Failure, at: Option<usize>) -> FailureJson {
        FailureJson {
            kind: failure_kind(f),
            seen: seen(f).map(|o| Box::new(Process::new(o, &self.ctx))),
            text: self.text(|| self.ctx.words.failure(f, at, &self.ctx)),
        }
    }

    fn failure_words(&self) -> Option<String> {
        let (f, at) = self.failure.as_ref()?;
        Some(self.ctx.words.failure(f, *at, &self.ctx))
    }
}

fn expect(at: Option<At>, c: &Check, json: &Json) -> Message {
    Message::Expect {
        at,
        role: json.ctx.role(c.role).to_string(),
        field: field_name(c.field),
        actual: c.actual,
        wanted: c.wanted,
        text: json.text(|| json.ctx.words.check(c)),
    }
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

/// `--json`: the messages of a run, gathered and written as one [`DemoDocument`] on one line
/// at its end.
pub struct Document<'a> {
    json: Json<'a>,
    events: Vec<Message>,
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
            json: Json::new(words, script, origin, style),
            events: Vec::new(),
            cleaned_up: 0,
        }
    }

    fn document(&self, ok: bool) -> DemoDocument {
        let json = &self.json;
        let ctx = &json.ctx;
        let script = ctx.script;
        let failure = match &json.failure {
            Some((f, at)) => Some(json.failure_json(f, *at)),
            // A run that ended not ok with no failure said (never expected).
            None if !ok => Some(FailureJson {
                kind: "unknown",
                seen: None,
                text: json.text(|| ctx.words.no_reason().to_string()),
            }),
            None => None,
        };
        DemoDocument {
            version: VERSION,
            kind: "demo",
            demo: script.name.clone(),
            title: script.title.base.clone(),
            source: json.origin.into(),
            runner_pid: ctx.runner_pid(),
            ok: ok && failure.is_none(),
            roles: script
                .roles
                .iter()
                .enumerate()
                .map(|(i, name)| RolePid {
                    role: name.clone(),
                    pid: ctx.pids.get(i).copied().flatten(),
                })
                .collect(),
            events: self.events.clone(),
            cleaned_up: self.cleaned_up,
            failure,
            lang: json.lang(),
            text: json.text(|| super::title(script, ctx.words).to_string()),
        }
    }
}

impl Render for Document<'_> {
    fn event(
        &mut self,
        event: &Event,
        ctx: &Ctx,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        match self.json.message(event, ctx) {
            Some(Message::End { ok }) => {
                serde_json::to_writer(&mut *out, &self.document(ok))?;
                writeln!(out)
            }
            Some(Message::Cleanup { killed }) => {
                self.cleaned_up = killed;
                Ok(())
            }
            Some(Message::Begin { .. } | Message::Next { .. }) | None => Ok(()),
            Some(m) => {
                self.events.push(m);
                Ok(())
            }
        }
    }

    fn failure(&self, _ctx: &Ctx) -> Option<String> {
        self.json.failure_words()
    }
}

/// `--json-events`: JSON Lines, one [`Message`] per event, written as it arrives.
pub struct Lines<'a> {
    json: Json<'a>,
}

impl<'a> Lines<'a> {
    pub fn new(
        words: &'static dyn Words,
        script: &'a Script,
        origin: &'a Origin,
        style: Style,
    ) -> Lines<'a> {
        Lines {
            json: Json::new(words, script, origin, style),
        }
    }
}

impl Render for Lines<'_> {
    fn event(
        &mut self,
        event: &Event,
        ctx: &Ctx,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        match self.json.message(event, ctx) {
            Some(m) => {
                serde_json::to_writer(&mut *out, &m)?;
                writeln!(out)
            }
            None => Ok(()),
        }
    }

    fn failure(&self, _ctx: &Ctx) -> Option<String> {
        self.json.failure_words()
    }
}

/// The `procdemo all` summary as one JSON line (the same after `--json` documents and
/// `--json-events` lines).
pub fn summary(words: &'static dyn Words, results: &[DemoResult], style: Style) -> String {
    let doc = Summary {
        version: VERSION,
        kind: "summary",
        demos: results
            .iter()
            .map(|r| SummaryItem {
                demo: r.name.clone(),
                ok: r.ok,
                wall_ms: r.wall.as_secs_f64() * 1000.0,
                problem: r.problem.as_ref().map(|(p, left)| Problem {
                    kind: problem_kind(p),
                    left: *left,
                    text: style
                        .lang_asked
                        .then(|| words.runner_problem(&r.name, p, *left)),
                }),
            })
            .collect(),
    };
    let mut line = serde_json::to_string(&doc).unwrap_or_default();
    line.push('\n');
    line
}

/// The line that opens a recorded run (`--record-events`): see [`Recording`].
pub fn recording_line(recording: &crate::engine::model::Recording) -> String {
    let mut line = serde_json::to_string(recording).unwrap_or_default();
    line.push('\n');
    line
}

/// A line of a recording: the header of a run, or one of its events.
pub enum Recorded {
    Header(crate::engine::model::Recording),
    Event(Box<Event>),
}

/// Read one line of a recording (`procdemo replay`); the error says what was expected.
pub fn recorded(line: &str) -> Result<Recorded, String> {
    if line.trim_start().starts_with("{\"recording\"") {
        serde_json::from_str(line)
            .map(Recorded::Header)
            .map_err(|e| e.to_string())
    } else {
        serde_json::from_str(line)
            .map(|e| Recorded::Event(Box::new(e)))
            .map_err(|e| e.to_string())
    }
}

/// `--record-events`: each event as the runner sent it, one a line, after a [`Recording`]
/// header (the engine's internal form, for `procdemo replay` and the render tests' fixtures;
/// not part of the JSON contract).
pub struct Wire;

impl Render for Wire {
    fn event(
        &mut self,
        event: &Event,
        _ctx: &Ctx,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        serde_json::to_writer(&mut *out, event)?;
        out.write_all(b"\n")
    }
}

// ---- watch messages ------------------------------------------------------------------------

/// Who took a zombie's exit status.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReaperJson {
    /// Its parent, whose wait() returned it.
    Parent { pid: i32 },
    /// procdemo's watcher, the parent of the program's first process.
    Watcher,
    /// procdemo's watcher as the subreaper of an orphan the program never reaped.
    Subreaper,
    /// Nobody: its parent ignores SIGCHLD, so the kernel released it at once.
    Kernel,
}

impl From<model::Reaper> for ReaperJson {
    fn from(r: model::Reaper) -> ReaperJson {
        match r {
            model::Reaper::Parent { pid } => ReaperJson::Parent { pid },
            model::Reaper::Watcher => ReaperJson::Watcher,
            model::Reaper::Subreaper => ReaperJson::Subreaper,
            model::Reaper::Kernel => ReaperJson::Kernel,
        }
    }
}

/// What the watcher could not do before the program ran.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WatchProblemJson {
    /// execvp() failed: `found` whether the file exists, `interpreter` the `#!` interpreter
    /// that was missing.
    Exec {
        errno: i32,
        found: bool,
        interpreter: Option<String>,
    },
    Trace {
        errno: i32,
        tracer: i32,
    },
    Setup {
        call: String,
        errno: i32,
    },
    Lost,
}

impl From<&model::WatchProblem> for WatchProblemJson {
    fn from(p: &model::WatchProblem) -> WatchProblemJson {
        match p {
            model::WatchProblem::Exec {
                errno,
                found,
                interpreter,
            } => WatchProblemJson::Exec {
                errno: *errno,
                found: *found,
                interpreter: interpreter.clone(),
            },
            model::WatchProblem::Trace { errno, tracer } => WatchProblemJson::Trace {
                errno: *errno,
                tracer: *tracer,
            },
            model::WatchProblem::Setup { call, errno } => WatchProblemJson::Setup {
                call: call.clone(),
                errno: *errno,
            },
            model::WatchProblem::Lost => WatchProblemJson::Lost,
        }
    }
}

/// One event of a watched family: a `watch --json-events` line, an entry of a `watch
/// --json` document's `events`. `t_us`: microseconds since the program's first process was
/// created.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WatchMessage {
    Begin {
        version: u32,
        watcher: i32,
        limit: usize,
        command: Vec<String>,
    },
    Problem {
        problem: WatchProblemJson,
    },
    Fork {
        t_us: u64,
        parent: i32,
        pid: i32,
        /// How it was made: `fork`, `vfork` or `clone`.
        call: model::ForkKind,
        comm: String,
    },
    Thread {
        t_us: u64,
        pid: i32,
        tid: i32,
    },
    Exec {
        t_us: u64,
        pid: i32,
        comm: String,
        argv: Vec<String>,
    },
    State {
        t_us: u64,
        pid: i32,
        state: String,
    },
    Stopped {
        t_us: u64,
        pid: i32,
        signal: i32,
    },
    Continued {
        t_us: u64,
        pid: i32,
    },
    Exit {
        t_us: u64,
        pid: i32,
        status: Status,
        /// Killed with a core dump (WCOREDUMP).
        core_dumped: bool,
    },
    Zombie {
        t_us: u64,
        pid: i32,
        parent: i32,
        /// Its parent was already blocked in a wait() for it: reaped at once.
        parent_waiting: bool,
    },
    /// A signal delivered to a watched process: its sender (PID; `sender_comm` when outside
    /// the family, else empty), `code` (si_code) and what it did.
    Signal {
        t_us: u64,
        pid: i32,
        signal: i32,
        code: i32,
        sender: i32,
        sender_comm: String,
        action: model::SignalAction,
    },
    /// Its command name changed without an exec (prctl(PR_SET_NAME)).
    Renamed {
        t_us: u64,
        pid: i32,
        comm: String,
    },
    Reaped {
        t_us: u64,
        pid: i32,
        reaper: ReaperJson,
        zombie_us: Option<u64>,
    },
    Orphaned {
        t_us: u64,
        pid: i32,
        from: i32,
        to: i32,
    },
    MainExited {
        t_us: u64,
        pid: i32,
        status: Status,
        alive: Vec<i32>,
    },
    Killed {
        t_us: u64,
        reason: model::KillReason,
        pids: Vec<i32>,
    },
    End {
        t_us: u64,
    },
    /// `procdemo check`'s deadline came with the family alive: what each live process was
    /// doing (`state` its letter, `wchan`, and for a read of a pipe who held its write end).
    Deadline {
        t_us: u64,
        after_ms: u64,
        stuck: Vec<model::Stuck>,
    },
    /// The sessions of the processes alive when the first process ended.
    Sessions {
        t_us: u64,
        sessions: Vec<model::SessionOf>,
    },
}

impl From<&WatchEvent> for WatchMessage {
    fn from(e: &WatchEvent) -> WatchMessage {
        match e.clone() {
            WatchEvent::Begin {
                watcher,
                limit,
                argv,
            } => WatchMessage::Begin {
                version: VERSION,
                watcher,
                limit,
                command: argv,
            },
            WatchEvent::Problem { problem } => WatchMessage::Problem {
                problem: (&problem).into(),
            },
            WatchEvent::Fork {
                t_us,
                parent,
                pid,
                kind,
                comm,
            } => WatchMessage::Fork {
                t_us,
                parent,
                pid,
                call: kind,
                comm,
            },
            WatchEvent::Thread { t_us, process, tid } => WatchMessage::Thread {
                t_us,
                pid: process,
                tid,
            },
            WatchEvent::Exec {
                t_us,
                pid,
                comm,
                argv,
            } => WatchMessage::Exec {
                t_us,
                pid,
                comm,
                argv,
            },
            WatchEvent::State { t_us, pid, state } => WatchMessage::State {
                t_us,
                pid,
                state: state.code(),
            },
            WatchEvent::Stopped { t_us, pid, signal } => {
                WatchMessage::Stopped { t_us, pid, signal }
            }
            WatchEvent::Continued { t_us, pid } => WatchMessage::Continued { t_us, pid },
            WatchEvent::Exit {
                t_us,
                pid,
                status,
                core_dumped,
                ..
            } => WatchMessage::Exit {
                t_us,
                pid,
                status: status.into(),
                core_dumped,
            },
            WatchEvent::Zombie {
                t_us,
                pid,
                parent,
                parent_waiting,
            } => WatchMessage::Zombie {
                t_us,
                pid,
                parent,
                parent_waiting,
            },
            WatchEvent::Signal {
                t_us,
                pid,
                signal,
                code,
                sender,
                sender_comm,
                action,
            } => WatchMessage::Signal {
                t_us,
                pid,
                signal,
                code,
                sender,
                sender_comm,
                action,
            },
            WatchEvent::Renamed { t_us, pid, comm } => WatchMessage::Renamed { t_us, pid, comm },
            WatchEvent::Reaped {
                t_us,
                pid,
                by,
                zombie_us,
            } => WatchMessage::Reaped {
                t_us,
                pid,
                reaper: by.into(),
                zombie_us,
            },
            WatchEvent::Orphaned {
                t_us,
                pid,
                from,
                to,
            } => WatchMessage::Orphaned {
                t_us,
                pid,
                from,
                to,
            },
            WatchEvent::MainExited {
                t_us,
                pid,
                status,
                alive,
            } => WatchMessage::MainExited {
                t_us,
                pid,
                status: status.into(),
                alive,
            },
            WatchEvent::Killed { t_us, reason, pids } => {
                WatchMessage::Killed { t_us, reason, pids }
            }
            WatchEvent::End { t_us } => WatchMessage::End { t_us },
            WatchEvent::Deadline {
                t_us,
                after_ms,
                stuck,
            } => WatchMessage::Deadline {
                t_us,
                after_ms,
                stuck,
            },
            WatchEvent::Sessions { t_us, sessions } => WatchMessage::Sessions { t_us, sessions },
        }
    }
}

/// A state a watched process was seen in, and when (`state` null: continued).
#[derive(Debug, Clone, Serialize)]
pub struct StateAt {
    pub t_us: u64,
    pub state: Option<String>,
}

/// A reparenting: from the parent that died to the process that took the orphan.
#[derive(Debug, Clone, Serialize)]
pub struct Reparent {
    pub from: i32,
    pub to: i32,
}

/// One process of a watched family and what became of it.
#[derive(Debug, Clone, Serialize)]
pub struct WatchProcess {
    pub pid: i32,
    pub comm: String,
    /// The process that created it (the watcher for the first one).
    pub parent: i32,
    pub call: Option<model::ForkKind>,
    pub born_us: u64,
    /// argv of every exec, in order.
    pub execs: Vec<Vec<String>>,
    pub status: Option<Status>,
    /// Killed with a core dump (WCOREDUMP).
    pub core_dumped: bool,
    pub exit_us: Option<u64>,
    pub zombie_since_us: Option<u64>,
    /// The parent it waited for as a zombie.
    pub zombie_parent: Option<i32>,
    /// Its parent was already blocked in a wait() for it when it died: reaped at once.
    pub parent_waiting: bool,
    /// Signals delivered to it.
    pub signals: usize,
    pub reaped_us: Option<u64>,
    pub reaper: Option<ReaperJson>,
    pub zombie_us: Option<u64>,
    pub orphaned: Vec<Reparent>,
    pub states: Vec<StateAt>,
}

impl From<&super::watch::Node> for WatchProcess {
    fn from(n: &super::watch::Node) -> WatchProcess {
        WatchProcess {
            pid: n.pid,
            comm: n.comm.clone(),
            parent: n.parent,
            call: n.kind,
            born_us: n.born_us,
            execs: n.execs.clone(),
            status: n.status.map(Status::from),
            core_dumped: n.core_dumped,
            exit_us: n.exit_us,
            zombie_since_us: n.zombie_since_us,
            zombie_parent: n.zombie_parent,
            parent_waiting: n.parent_waiting,
            signals: n.signal_at.len(),
            reaped_us: n.reaped_us,
            reaper: n.reaper.map(ReaperJson::from),
            zombie_us: n.zombie_us,
            orphaned: n
                .orphaned
                .iter()
                .map(|&(from, to)| Reparent { from, to })
                .collect(),
            states: n
                .states
                .iter()
                .map(|&(t_us, state)| StateAt {
                    t_us,
                    state: state.map(|s| s.code()),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ZombieJson {
    pub pid: i32,
    pub parent: i32,
    pub zombie_us: Option<u64>,
    pub reaper: Option<ReaperJson>,
    /// The reaper's command name at the reap.
    pub reaper_comm: String,
}

impl From<&super::watch::ZombieRow> for ZombieJson {
    fn from(z: &super::watch::ZombieRow) -> ZombieJson {
        ZombieJson {
            pid: z.pid,
            parent: z.parent,
            zombie_us: z.zombie_us,
            reaper: z.reaper.map(ReaperJson::from),
            reaper_comm: z.reaper_comm.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct OrphanJson {
    pub pid: i32,
    pub from: i32,
    pub to: i32,
}

#[derive(Debug, Clone, Serialize)]
pub struct KilledJson {
    pub reason: model::KillReason,
    pub pids: Vec<i32>,
}

/// The numbers and lists a watch's summary shows.
#[derive(Debug, Clone, Serialize)]
pub struct WatchSummary {
    pub command: Vec<String>,
    pub watcher: i32,
    pub limit: usize,
    pub processes: usize,
    pub threads: usize,
    pub execs: usize,
    pub peak_alive: usize,
    /// Zombies that waited for their parent (a leak if it never comes).
    pub zombies: Vec<ZombieJson>,
    /// Children whose parent was already waiting when they died: reaped at once.
    pub reaped_at_once: Vec<ZombieJson>,
    /// Signals delivered to the family.
    pub signals: usize,
    /// The programs the first process ran before its last exec (env, a shell, a shim).
    pub wrappers: Vec<String>,
    /// The processes those wrappers ran.
    pub wrapper_helpers: usize,
    pub released: Vec<i32>,
    pub orphans: Vec<OrphanJson>,
    pub reaped_by_procdemo: Vec<i32>,
    pub main_pid: Option<i32>,
    pub main_status: Option<Status>,
    pub alive_at_main_exit: Vec<i32>,
    pub killed: Vec<KilledJson>,
    pub complete: bool,
    pub interrupted: Option<i32>,
    /// procdemo's exit code for this watch (the program's first process's, as a shell's).
    pub exit_code: Option<i32>,
}

impl WatchSummary {
    pub fn new(s: &super::watch::Summary, exit_code: Option<i32>) -> WatchSummary {
        WatchSummary {
            command: s.command.clone(),
            watcher: s.watcher,
            limit: s.limit,
            processes: s.processes,
            threads: s.threads,
            execs: s.execs,
            peak_alive: s.peak_alive,
            zombies: s.zombies.iter().map(ZombieJson::from).collect(),
            reaped_at_once: s.reaped_at_once.iter().map(ZombieJson::from).collect(),
            signals: s.signals,
            wrappers: s.wrappers.clone(),
            wrapper_helpers: s.wrapper_helpers,
            released: s.released.clone(),
            orphans: s
                .orphans
                .iter()
                .map(|&(pid, from, to)| OrphanJson { pid, from, to })
                .collect(),
            reaped_by_procdemo: s.reaped_by_procdemo.clone(),
            main_pid: s.main_pid,
            main_status: s.main_status.map(Status::from),
            alive_at_main_exit: s.alive_at_main_exit.clone(),
            killed: s
                .killed
                .iter()
                .map(|(reason, pids)| KilledJson {
                    reason: *reason,
                    pids: pids.clone(),
                })
                .collect(),
            complete: s.complete,
            interrupted: s.interrupted,
            exit_code,
        }
    }
}

/// `watch --json-events`' last line: the summary.
#[derive(Debug, Clone, Serialize)]
pub struct WatchSummaryLine {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(flatten)]
    pub summary: WatchSummary,
}

/// `watch --json`: the whole watch as one document.
#[derive(Debug, Clone, Serialize)]
pub struct WatchDocument {
    pub version: u32,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub command: Vec<String>,
    pub watcher: i32,
    pub events: Vec<WatchMessage>,
    pub processes: Vec<WatchProcess>,
    pub summary: WatchSummary,
    pub exit_code: Option<i32>,
}

// ---- procdemo check ------------------------------------------------------------------------

/// A task's property as its `check` line states it (`name`: the property's word there).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "name")]
pub enum PropertyJson {
    #[serde(rename = "forks")]
    Forks { cmp: CountCmp, want: usize },
    #[serde(rename = "zombies")]
    Zombies { cmp: CountCmp, want: usize },
    #[serde(rename = "zombies-left")]
    ZombiesLeft { cmp: CountCmp, want: usize },
    #[serde(rename = "orphans")]
    Orphans { cmp: CountCmp, want: usize },
    #[serde(rename = "alive-at-exit")]
    AliveAtExit { cmp: CountCmp, want: usize },
    #[serde(rename = "longest-zombie")]
    LongestZombie { at_least_ms: u64 },
    #[serde(rename = "reaped-by")]
    ReapedBy { reaper: Reaping },
    #[serde(rename = "adopted-by")]
    AdoptedBy { adopter: &'static str },
    #[serde(rename = "exit-codes")]
    ExitCodes { codes: Vec<i32> },
    #[serde(rename = "main-exit")]
    MainExit { code: i32 },
    #[serde(rename = "ends-by-itself")]
    EndsByItself {},
    #[serde(rename = "new-session")]
    NewSession {},
    #[serde(rename = "daemon-not-leader")]
    DaemonNotLeader {},
    #[serde(rename = "blocking-reaps")]
    BlockingReaps { cmp: CountCmp, want: usize },
    #[serde(rename = "sigchld-coalesced")]
    SigchldCoalesced,
}

impl From<&Property> for PropertyJson {
    fn from(p: &Property) -> PropertyJson {
        match p.clone() {
            Property::Count { counted, cmp, want } => match counted {
                Counted::Forks => PropertyJson::Forks { cmp, want },
                Counted::Zombies => PropertyJson::Zombies { cmp, want },
                Counted::ZombiesLeft => PropertyJson::ZombiesLeft { cmp, want },
                Counted::Orphans => PropertyJson::Orphans { cmp, want },
                Counted::AliveAtExit => PropertyJson::AliveAtExit { cmp, want },
                Counted::BlockingReaps => PropertyJson::BlockingReaps { cmp, want },
            },
            Property::LongestZombie { at_least_ms } => PropertyJson::LongestZombie { at_least_ms },
            Property::ReapedBy { reaper } => PropertyJson::ReapedBy { reaper },
            Property::AdoptedBySubreaper => PropertyJson::AdoptedBy {
                adopter: "subreaper",
            },
            Property::ExitCodes { codes } => PropertyJson::ExitCodes { codes },
            Property::MainExit { code } => PropertyJson::MainExit { code },
            Property::EndsByItself => PropertyJson::EndsByItself {},
            Property::NewSession => PropertyJson::NewSession {},
            Property::DaemonNotLeader => PropertyJson::DaemonNotLeader {},
            Property::SigchldCoalesced => PropertyJson::SigchldCoalesced,
        }
    }
}

/// A child and who reaped it (null: nobody did).
#[derive(Debug, Clone, Serialize)]
pub struct ReapedJson {
    pub pid: i32,
    pub reaper: Option<ReaperJson>,
}

/// A child and its exit status (null: not seen).
#[derive(Debug, Clone, Serialize)]
pub struct ChildStatusJson {
    pub pid: i32,
    pub status: Option<Status>,
}

/// What was seen, for one property.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SeenJson {
    Count {
        count: usize,
        pids: Vec<i32>,
        /// `zombies-left`: the parents of those zombies that had a SIGCHLD handler run.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        sigchld_handled_by: Vec<i32>,
    },
    LongestZombie {
        pid: i32,
        zombie_us: u64,
    },
    NoZombie,
    /// The children not reaped as the property asks.
    Reapers {
        wrong: Vec<ReapedJson>,
        /// The parents of those children that had a SIGCHLD handler run.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        sigchld_handled_by: Vec<i32>,
    },
    /// The orphans not adopted by the watcher.
    Adopters {
        wrong: Vec<OrphanAdoptedJson>,
    },
    Statuses {
        statuses: Vec<ChildStatusJson>,
    },
    MainStatus {
        status: Option<Status>,
    },
    Ended,
    /// The deadline came: what each live process was doing (procdemo then killed them).
    Deadline {
        after_ms: u64,
        stuck: Vec<model::Stuck>,
    },
    /// procdemo killed the program at the limit of processes alive at once.
    AtLimit {
        limit: usize,
    },
    /// Processes and their session IDs, read when the first process ended.
    Sessions {
        sessions: Vec<model::SessionOf>,
    },
    /// SIGCHLD to the process with the most children that exited (null: none exited).
    Sigchld {
        parent: Option<i32>,
        exited: usize,
        delivered: usize,
        handled: usize,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct OrphanAdoptedJson {
    pub pid: i32,
    pub to: i32,
}

impl From<&Seen> for SeenJson {
    fn from(s: &Seen) -> SeenJson {
        match s {
            Seen::Count {
                count,
                pids,
                sigchld_handled_by,
            } => SeenJson::Count {
                count: *count,
                pids: pids.clone(),
                sigchld_handled_by: sigchld_handled_by.clone(),
            },
            Seen::Longest { pid, us } => SeenJson::LongestZombie {
                pid: *pid,
                zombie_us: *us,
            },
            Seen::NoZombie => SeenJson::NoZombie,
            Seen::Reapers {
                wrong,
                sigchld_handled_by,
            } => SeenJson::Reapers {
                sigchld_handled_by: sigchld_handled_by.clone(),
                wrong: wrong
                    .iter()
                    .map(|&(pid, r)| ReapedJson {
                        pid,
                        reaper: r.map(ReaperJson::from),
                    })
                    .collect(),
            },
            Seen::Adopters { wrong } => SeenJson::Adopters {
                wrong: wrong
                    .iter()
                    .map(|&(pid, to)| OrphanAdoptedJson { pid, to })
                    .collect(),
            },
            Seen::Statuses { statuses } => SeenJson::Statuses {
                statuses: statuses
                    .iter()
                    .map(|&(pid, s)| ChildStatusJson {
                        pid,
                        status: s.map(Status::from),
                    })
                    .collect(),
            },
            Seen::MainStatus { status } => SeenJson::MainStatus {
                status: status.map(Status::from),
            },
            Seen::Ended => SeenJson::Ended,
            Seen::Deadline { after_ms, stuck } => SeenJson::Deadline {
                after_ms: *after_ms,
                stuck: stuck.clone(),
            },
            Seen::AtLimit { limit } => SeenJson::AtLimit { limit: *limit },
            Seen::Sessions { sessions } => SeenJson::Sessions {
                sessions: sessions
                    .iter()
                    .map(|&(pid, sid)| model::SessionOf { pid, sid })
                    .collect(),
            },
            Seen::Sigchld {
                parent,
                exited,
                delivered,
                handled,
            } => SeenJson::Sigchld {
                parent: *parent,
                exited: *exited,
                delivered: *delivered,
                handled: *handled,
            },
        }
    }
}

/// One property's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct VerdictJson {
    /// The task file's `check` line.
    pub line: usize,
    pub property: PropertyJson,
    pub holds: bool,
    pub seen: SeenJson,
}

/// `procdemo check --json`: the task, the command, a verdict per property.
#[derive(Debug, Clone, Serialize)]
pub struct CheckDocument {
    pub version: u32,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub task: String,
    /// `tasks/NAME.task` (built in) or the path given.
    pub file: String,
    pub command: Vec<String>,
    pub verdicts: Vec<VerdictJson>,
    /// Every property holds.
    pub passed: bool,
    /// procdemo's exit code: 0 passed, 1 not.
    pub exit_code: i32,
    /// The program's own exit code (its first process's; 128 + N for a signal N).
    pub program_exit_code: Option<i32>,
}

impl CheckDocument {
    pub fn new(
        task: &crate::script::task::Task,
        file: &str,
        command: &[String],
        verdicts: &[Verdict],
        program_exit_code: Option<i32>,
    ) -> CheckDocument {
        let passed = verdicts.iter().all(|v| v.holds);
        CheckDocument {
            version: VERSION,
            kind: "check",
            task: task.name.clone(),
            file: file.to_string(),
            command: command.to_vec(),
            verdicts: verdicts
                .iter()
                .map(|v| VerdictJson {
                    line: v.line,
                    property: PropertyJson::from(&v.property),
                    holds: v.holds,
                    seen: SeenJson::from(&v.seen),
                })
                .collect(),
            passed,
            exit_code: if passed { 0 } else { 1 },
            program_exit_code,
        }
    }
}

/// Write one serialisable message as a line.
pub fn write_line(out: &mut dyn std::io::Write, message: &impl Serialize) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, message)?;
    writeln!(out)
}
