//! The `.demo` language's syntax tree: what a parsed and checked script is. The parser
//! (parse.rs) builds it from text, the checker (check.rs) fills in what it works out (the
//! roles a step ends, a guard's `try`, a `count` after a `race`), the runner stages it and the
//! renderers name its parts. Plain data: no I/O, no words.

use crate::kernel::State;
use crate::script::actions::Action;
use crate::script::limits;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// How long an `await` (or an action's result) is waited for when the script does not say.
pub const DEFAULT_WITHIN: Duration = Duration::from_secs(2);

pub use super::names::{RUNNER, RoleId};

/// A condition on a role that `await` polls /proc for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Cond {
    /// The state letter in /proc/PID/stat.
    State(State),
    /// No longer in /proc: reaped.
    Gone,
    /// Its PPID is no longer the process that forked it.
    Reparented,
    /// Its PPID is the PID of the given role.
    ParentIs(RoleId),
    /// Its background action (`... &`) has reported its result.
    Done,
    /// Its ps-style STAT shows every one of these flags (`<` `N` `L` `s` `l` `+`).
    Flags(String),
    /// Asleep (S) in flock(): /proc/locks lists its request as blocked (`->`), and
    /// /proc/PID/wchan names the kernel function it waits in.
    Flock,
}

/// The STAT flags `await ROLE flag ...` may ask for, in procps order.
pub const STAT_FLAGS: &str = "<NLsl+";

/// A field of a role that narration may interpolate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    Pid,
    Ppid,
    Parent,
    State,
    Stat,
    Comm,
    Result,
    ExitCode,
    /// Session and process group ids and the nice value, from the latest observation.
    Session,
    Pgrp,
    Nice,
    /// SIGCHLD's disposition from /proc/PID/status: default, ignored or caught.
    Sigchld,
    /// The role's `alloc` region, in kB, from its latest `measure` (/proc/PID/smaps).
    Rss,
    Pss,
    SharedDirty,
    PrivateDirty,
    /// Minor faults taken between the role's last two `measure` steps.
    Faults,
    /// From the role's latest `inspect`: /proc/PID/exe, the command line, the signal masks
    /// (blocked, pending for the process or the thread, ignored, caught) and NSpid.
    Exe,
    Cmdline,
    Blocked,
    Pending,
    Ignored,
    Caught,
    NsPid,
    /// What the role has written to its standard output and error, as of the latest `output`.
    Output,
    /// What the fork (or clone) that made the role returned in it: 0, as it reported itself.
    Returned,
    /// Python's `Process.exitcode` for the role, from the status a wait of the script reaped
    /// it with: the exit status, or minus the number of the signal that killed it.
    Exitcode,
    /// From the role's latest `share` window: the CPU time it used (/proc/PID/schedstat),
    /// its share of what the window's roles used together, and the weight the kernel's
    /// table gives its nice value (sched_prio_to_weight: the kernel's, not an observation).
    Cpu,
    Share,
    SchedWeight,
}

pub(super) const FIELDS: &[(&str, Field)] = &[
    ("pid", Field::Pid),
    ("ppid", Field::Ppid),
    ("parent", Field::Parent),
    ("state", Field::State),
    ("stat", Field::Stat),
    ("comm", Field::Comm),
    ("result", Field::Result),
    ("exit_code", Field::ExitCode),
    ("session", Field::Session),
    ("pgrp", Field::Pgrp),
    ("nice", Field::Nice),
    ("sigchld", Field::Sigchld),
    ("rss", Field::Rss),
    ("pss", Field::Pss),
    ("shared_dirty", Field::SharedDirty),
    ("private_dirty", Field::PrivateDirty),
    ("faults", Field::Faults),
    ("exe", Field::Exe),
    ("cmdline", Field::Cmdline),
    ("blocked", Field::Blocked),
    ("pending", Field::Pending),
    ("ignored", Field::Ignored),
    ("caught", Field::Caught),
    ("nspid", Field::NsPid),
    ("output", Field::Output),
    ("returned", Field::Returned),
    ("exitcode", Field::Exitcode),
    ("cpu", Field::Cpu),
    ("share", Field::Share),
    ("sched_weight", Field::SchedWeight),
];

/// The name a script uses for a field.
pub fn field_name(field: Field) -> &'static str {
    FIELDS
        .iter()
        .find(|(_, f)| *f == field)
        .map_or("?", |(n, _)| n)
}

/// A text of the script in its base language (the untagged line: English in the built-in
/// demos) and in the other languages its `title.LANG`, `say.LANG` and `ask.LANG` lines give.
/// A language is a parameter: nothing here knows which ones exist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Texts<T> {
    pub base: T,
    /// Language code (`zh`, `fr`, `pt-BR`) → the same text in that language.
    pub other: BTreeMap<String, T>,
}

impl<T> Texts<T> {
    pub fn new(base: T) -> Texts<T> {
        Texts {
            base,
            other: BTreeMap::new(),
        }
    }

    /// The text in the language whose code is `lang`, else the base.
    pub fn get(&self, lang: &str) -> &T {
        self.other.get(lang).unwrap_or(&self.base)
    }

    /// Whether the script has this text in the language `lang` (the base aside).
    pub fn has(&self, lang: &str) -> bool {
        self.other.contains_key(lang)
    }

    /// The same texts, each mapped (for every language at once).
    pub fn map<U>(&self, mut f: impl FnMut(&T) -> U) -> Texts<U> {
        Texts {
            base: f(&self.base),
            other: self.other.iter().map(|(k, v)| (k.clone(), f(v))).collect(),
        }
    }
}

/// Whether `code` is a language code a `.LANG` line may use: two or three lowercase letters,
/// then at most one `-` and a subtag of letters and digits (`zh`, `fr`, `pt-BR`, `zh-Hant`).
pub fn valid_lang(code: &str) -> bool {
    let (lang, sub) = match code.split_once('-') {
        Some((l, s)) => (l, Some(s)),
        None => (code, None),
    };
    (2..=3).contains(&lang.len())
        && lang.bytes().all(|b| b.is_ascii_lowercase())
        && sub.is_none_or(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// A piece of narration: literal text or a value read during the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Piece {
    Text(String),
    Value(RoleId, Field),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum StepKind {
    Act {
        role: RoleId,
        action: Action,
        /// Ends with `&`: the runner does not wait for the result (see `await ROLE done`).
        background: bool,
    },
    /// Observe these roles (empty: every role created so far, the runner excepted).
    Observe { roles: Vec<RoleId> },
    /// Measure memory (RSS, shared/private dirty, minor faults) of these roles.
    Measure { roles: Vec<RoleId> },
    /// Read what these roles are made of beyond their state: program, command line,
    /// descriptors, signal masks, namespaces.
    Inspect { roles: Vec<RoleId> },
    /// Show what these roles (empty: every role created so far) have written to their
    /// standard output and error.
    Output { roles: Vec<RoleId> },
    /// `end unless ROLE permitted`: if the `try` at `try_step` was refused, the demo ends
    /// here and passes; the steps after it need what that `try` would have given.
    EndUnless { role: RoleId, try_step: usize },
    Await {
        role: RoleId,
        cond: Cond,
        within: Duration,
    },
    Say {
        /// The line, and the same line in the languages of the `say.LANG` lines that follow
        /// it, each with the same `{ROLE.FIELD}`s (the renderer falls back to the base).
        pieces: Texts<Vec<Piece>>,
    },
    /// A question for the class about what comes next (`ask ROLE.FIELD: QUESTION`): its
    /// answer is that field's value once the next step has run.
    Ask {
        role: RoleId,
        field: Field,
        /// The question, and in the languages of the `ask.LANG` lines that follow it.
        question: Texts<String>,
    },
    /// Check a memory figure from the role's latest `measure`: the run fails if it does not
    /// hold, so narration about it never states what was not seen.
    Expect {
        role: RoleId,
        field: Field,
        cmp: Cmp,
        value: Operand,
    },
    /// `share ROLE... until ROLE DURATION`: read the CPU time of `roles`, wait until `until`
    /// has used `cpu` more of it (the kernel's figure ends the window, not a clock), read
    /// them all again: what each used, and its share.
    Share {
        roles: Vec<RoleId>,
        until: RoleId,
        cpu: Duration,
    },
}

/// A comparison in an `expect` step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmp {
    Eq,
    AtLeast,
    AtMost,
    /// `>` and `<`: for CPU times, which are never equal by design.
    More,
    Less,
}

/// The right-hand side of an `expect` step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Operand {
    /// A number of kB (or of faults).
    Number(u64),
    /// The size of the role's `alloc` region, in kB.
    Region,
    /// A figure of another role's latest `measure`.
    Field(RoleId, Field),
}

/// The fields `expect` can check: memory from the role's latest `measure`, and `cpu` from
/// its latest `share` window.
pub const EXPECT_FIELDS: &[Field] = &[
    Field::Rss,
    Field::Pss,
    Field::SharedDirty,
    Field::PrivateDirty,
    Field::Faults,
    Field::Cpu,
];

/// How a step depends on the privileges of whoever runs the demo. Lowering a nice value,
/// locking memory or tracing may be refused to a normal user and allowed to root; a guarded
/// step lets one script run (and pass) either way, and --stable output leaves the outcome out
/// so it reads the same for both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub enum Guard {
    #[default]
    None,
    /// `try ROLE ACTION`: a permission refusal (EPERM or EACCES) is an accepted outcome.
    Try,
    /// `... if permitted`: performed only if the `try` at this step index was permitted.
    IfPermitted { try_step: usize },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// 1-based line number in the script.
    pub line: usize,
    /// The line as written, trimmed.
    pub text: String,
    pub kind: StepKind,
    pub guard: Guard,
    /// A `tree` step: an `observe` (the runner included) shown as a process tree.
    pub as_tree: bool,
    /// The roles that can no longer act once this step has run: the actor of `exit`, the
    /// target of a `kill` whose signal ends it (by default, not caught, ignored or blocked).
    /// The checker works it out; the runner goes by it.
    #[serde(default)]
    pub ends: Vec<RoleId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Script {
    pub name: String,
    /// The `title` line (the demo's name without one), and its `title.LANG` lines.
    pub title: Texts<String>,
    /// Role names; index 0 is "runner".
    pub roles: Vec<String>,
    /// For each role, the role that created it (the runner for itself).
    pub creator: Vec<RoleId>,
    pub steps: Vec<Step>,
}

impl Script {
    pub fn role_name(&self, id: RoleId) -> &str {
        &self.roles[id]
    }

    /// The first step at which the memory the script writes (every `alloc`'s region and every
    /// `touch` of one) goes past [`limits::MAX_WRITTEN_MIB`], with the total by then.
    pub fn writes_too_much(&self) -> Option<(usize, u64)> {
        let mut region: Vec<Option<u64>> = vec![None; self.roles.len()];
        let mut total = 0u64;
        for step in &self.steps {
            let StepKind::Act { role, action, .. } = &step.kind else {
                continue;
            };
            if let Some(child) = action.creates() {
                region[child] = region[*role];
            }
            total += match action.effects().writes {
                crate::script::actions::Writes::Nothing => 0,
                crate::script::actions::Writes::Mib(mib) => {
                    region[*role] = Some(mib);
                    mib
                }
                crate::script::actions::Writes::Region => region[*role].unwrap_or(0),
            };
            if total > limits::MAX_WRITTEN_MIB {
                return Some((step.line, total));
            }
        }
        None
    }

    /// `--size`: every `alloc` of the script maps `mib` MiB instead.
    pub fn override_alloc_size(&mut self, mib: u64) {
        for step in &mut self.steps {
            if let StepKind::Act { action, .. } = &mut step.kind {
                action.override_alloc_size(mib);
            }
        }
    }
}
