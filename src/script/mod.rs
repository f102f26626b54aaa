//! The `.demo` scenario language: parsing and checking, with no I/O.
//!
//! A script is one step per line. A step is either an action performed by a role
//! (`parent fork child`, `child exit 7`, `parent waitpid child &`) or a director step
//! (`observe`, `await child Z`, `say ...`). Everything that can be checked before a single
//! process exists is checked here, so a malformed script is rejected with `FILE:LINE: what was
//! expected` and nothing is run. The language is documented in demos/README.md; keep the two
//! in step.
//!
//! Actions are not spelled out here: each verb's syntax and the rules it is checked by are
//! data in its registry entry (src/script/actions/), and the checker below applies them to one
//! `RoleFacts` per role. Director steps, `try` and `if permitted` are this file's own.

pub mod actions;
pub mod demos;
#[cfg(test)]
mod fuzz;
pub mod quiz;

use crate::kernel::State;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Limits that keep a typo in a user's script from hurting a classroom machine.
pub mod limits {
    use std::time::Duration;
    /// Processes a script may create (the runner itself not counted).
    pub const MAX_PROCESSES: usize = 16;
    /// Lines that are steps (comments, blank lines and `title` not counted).
    pub const MAX_STEPS: usize = 200;
    /// Longest deadline one `await` (or one action) may ask for.
    pub const MAX_WITHIN: Duration = Duration::from_secs(10);
    /// Wall time a whole script may take before the runner gives up.
    pub const TOTAL_DEADLINE: Duration = Duration::from_secs(20);
    /// Largest memory region `alloc` may map.
    pub const MAX_ALLOC_MIB: u64 = 1024;
    /// Memory a whole script may write: every `alloc`'s region, and every `touch` of one
    /// (after a fork, each touch makes private copies of a shared region's pages).
    pub const MAX_WRITTEN_MIB: u64 = 2048;
    /// The most tickets `tickets` makes, and the most steps one `race` takes (each about a
    /// microsecond).
    pub const MAX_TICKETS: u64 = 1_000_000;
}

/// How long an `await` (or an action's result) is waited for when the script does not say.
pub const DEFAULT_WITHIN: Duration = Duration::from_secs(2);

/// Index of a role in [`Script::roles`]. Role 0 is always the runner.
pub type RoleId = usize;
pub const RUNNER: RoleId = 0;

pub use crate::script::actions::Action;
pub use crate::script::actions::signal::ends;
use actions::{Args, Blocks, Roles, TargetRun};

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

const FIELDS: &[(&str, Field)] = &[
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
        pieces: Vec<Piece>,
        /// The Chinese of the line: the `say.zh` line that follows it, with the same
        /// `{ROLE.FIELD}`s (the renderer falls back to `pieces` without it).
        zh: Option<Vec<Piece>>,
    },
    /// A question for the class about what comes next (`ask ROLE.FIELD: QUESTION`): its
    /// answer is that field's value once the next step has run.
    Ask {
        role: RoleId,
        field: Field,
        question: String,
        /// The question in Chinese: the `ask.zh` line that follows it.
        zh: Option<String>,
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
    pub title: String,
    /// The title in Chinese, from a `title.zh` line.
    pub title_zh: Option<String>,
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

/// A script rejected before anything ran: where, and why (as data: `render/` has the words,
/// `Display` the English ones).
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub file: String,
    pub line: usize,
    pub problem: ParseProblem,
}

/// What follows the syntax a line broke (`expected ...; found `x``).
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// Nothing more to say than what was expected.
    Nothing,
    /// The words found instead.
    Word(String),
    /// A field that is not one of those expected.
    Field(String),
    /// An `ask` without its question.
    NoQuestion,
}

/// Where an unknown `{ROLE.FIELD}` field was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldPlace {
    Ask,
    Narration,
}

/// Why a script is rejected: one variant per message, with the values it shows. The parser
/// and the actions' syntax build these; `render::Words::parse_problem` says them.
#[derive(Debug, Clone, PartialEq)]
pub enum ParseProblem {
    SecondTitle,
    TitleEmpty,
    SecondTitleZh,
    TitleZhEmpty,
    AskZhWithoutAsk,
    AskZhEmpty,
    SayZhWithoutSay,
    /// The `{ROLE.FIELD}`s of the `say` and of its `say.zh` (empty: none).
    SayZhPlaceholders {
        say: Vec<String>,
        zh: Vec<String>,
    },
    TooManySteps {
        max: usize,
    },
    NoSteps,
    /// By this step the script writes `total` MiB, more than `max`.
    TooMuchMemory {
        total: u64,
        max: u64,
    },
    KeywordAsRole {
        name: String,
    },
    BadRoleName {
        name: String,
    },
    /// A role not created yet; `roles`: those so far.
    NoSuchRole {
        name: String,
        roles: Vec<String>,
    },
    Stopped {
        role: String,
        line: usize,
    },
    Busy {
        role: String,
        line: usize,
    },
    Ended {
        role: String,
        line: usize,
    },
    /// A target that has ended: nothing left to `purpose`.
    TargetEnded {
        role: String,
        line: usize,
        purpose: crate::script::actions::Purpose,
    },
    RunnersRole {
        name: String,
    },
    RoleExists {
        name: String,
    },
    BadNewRoleName {
        name: String,
    },
    TooManyProcesses {
        max: usize,
    },
    IfPermittedNotFor {
        word: String,
    },
    MeasureEmpty,
    ExpectSyntax(Found),
    ExpectNotMeasured {
        role: String,
    },
    OtherNotMeasured {
        role: String,
    },
    TryEmpty,
    TrySyntax,
    TryRunner,
    TryBackground,
    TryNotAllowed,
    IfPermittedOnly,
    NoTryBefore {
        role: String,
    },
    AwaitSyntax(Found),
    ParentNeedsRole,
    FlagNeedsFlags,
    NotAFlag {
        flag: char,
    },
    AwaitRunner,
    DoneIfPermitted,
    NothingToAwait {
        role: String,
    },
    DeadlineRange {
        found: String,
        max_s: u64,
    },
    BadDuration {
        found: String,
    },
    AskSyntax(Found),
    UnknownField {
        field: String,
        place: FieldPlace,
        fields: Vec<&'static str>,
    },
    UnclosedBrace,
    BadPlaceholder {
        inner: String,
    },
    SayEmpty,
    NoAction {
        role: String,
    },
    /// The runner's own forms (`runner fork ROLE`...), and the verb it may not use.
    RunnerCannot {
        forms: Vec<&'static str>,
        verb: String,
    },
    UnknownAction {
        verb: String,
        verbs: Vec<&'static str>,
    },
    HasRegion {
        role: String,
    },
    NoRegion {
        role: String,
        verb: String,
    },
    /// A rule of the action's registry entry (the target, `&`), `role` the actor.
    Rule {
        rule: crate::script::actions::Rule,
        role: String,
    },
    RunnerBackground,
    NotBlocking {
        blocking: Vec<&'static str>,
    },
    IfPermittedAction,
    Threaded {
        role: String,
    },
    // ---- an action's own syntax -------------------------------------------------------------
    /// `expected `ROLE USAGE``.
    Usage {
        role: String,
        usage: &'static str,
    },
    AllocSyntax {
        role: String,
        usage: &'static str,
    },
    AllocSize {
        found: String,
        max: u64,
    },
    AppendNumber {
        found: String,
    },
    NewRoleSyntax {
        role: String,
        verb: &'static str,
    },
    ExitCode {
        found: String,
    },
    NiceRange {
        found: String,
    },
    KillSyntax {
        role: String,
        signals: Vec<&'static str>,
    },
    SignalName {
        found: String,
        signals: Vec<&'static str>,
    },
    RunnerWaitsAny,
    RunnerLoops,
    /// `print` needs text, at most `max` bytes.
    PrintText {
        max: usize,
    },
    /// `open` needs an absolute path.
    OpenPath {
        found: String,
    },
    /// `exec`'s program and arguments: at most `max`, each at most `max_len` bytes.
    ExecArgs {
        max: usize,
        max_len: usize,
    },
    /// A role that execs a program with its own name: its command name would not change.
    ExecSameName {
        role: String,
        program: String,
    },
    /// A pipe of this name was made before.
    PipeExists {
        name: String,
    },
    /// The role holds no such end of the pipe: never made (`made` false), or closed, or not
    /// inherited.
    PipeNotHeld {
        role: String,
        pipe: String,
        end: actions::End,
        made: bool,
    },
    /// A write to a pipe with no read end left anywhere: SIGPIPE ends the writer, so the
    /// step must be `&` (its result never comes) and the writer awaited `Z`.
    SigpipeForeground {
        role: String,
        pipe: String,
    },
    /// The role runs another program since `line`: it obeys no more commands.
    RunsProgram {
        role: String,
        line: usize,
    },
    InspectEmpty,
    /// `end unless ROLE permitted` expected.
    EndUnlessSyntax,
    /// `end unless ROLE permitted` with no `try` of that role before it.
    EndUnlessNoTry {
        role: String,
    },
    /// A role whose `try ... unshare` is not yet followed by `end unless ROLE permitted`
    /// forks: whether its child is in a new namespace would depend on privilege.
    UnshareUnconfirmed {
        role: String,
        line: usize,
    },
    /// A fork into a PID namespace whose first process (its init) has ended: the kernel
    /// refuses it.
    NamespaceGone {
        role: String,
        init: String,
        line: usize,
    },
    /// An action by a process in a PID namespace naming a process it cannot see there.
    NotVisible {
        role: String,
        target: String,
    },
    /// An action that needs a socket the role does not hold: a listening one (`accept`), a
    /// connection (`send`, `recv`).
    NoSocket {
        role: String,
        verb: String,
        socket: actions::Sock,
    },
    /// `connect` to a role that holds no listening socket.
    NotListening {
        role: String,
        target: String,
    },
    /// A second `listen` by a role that holds a listening socket.
    HasListener {
        role: String,
    },
    /// A role named before the `accept` started with `&` that creates it has returned.
    NotYetAccepted {
        role: String,
        creator: String,
    },
    /// `share` is not `share ROLE... until ROLE DURATION`.
    ShareSyntax(Found),
    /// The role after `until` is not one of those the window reads.
    ShareUntilNotListed {
        role: String,
    },
    /// `share` of the runner, which does the reading.
    ShareRunner,
    /// `expect ROLE cpu ...` of a role no `share` window has read by then.
    ExpectNotShared {
        role: String,
    },
    /// An action on the ticket file out of order (see [`TicketProblem`]).
    Tickets {
        role: String,
        verb: String,
        problem: TicketProblem,
    },
    /// `tickets` and `race` take a whole number from 1 to `max`.
    TicketNumber {
        verb: &'static str,
        found: String,
        max: u64,
    },
}

/// What is out of order in an action on the ticket file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketProblem {
    /// `tickets` again: the role already has a ticket file (its own, or its creator's).
    AlreadyHas,
    /// No ticket file: `tickets` first, in it or in the process it is forked from.
    NoFile,
    /// `buy` with no `count` since the role's last `buy`.
    NotCounted,
    /// `flock` while it holds the lock: it would wait for itself.
    AlreadyLocked,
    /// `funlock` with no lock held.
    NotLocked,
    /// `await ROLE flock` with no `ROLE flock &` under way.
    NotLocking,
}

const KEYWORDS: &[&str] = &[
    "title", "say", "ask", "observe", "measure", "await", "tree", "try", "expect", "inspect",
    "output", "end", "any", "all", "share",
];

/// What the parser knows about a role at a given line.
#[derive(Debug, Clone, PartialEq)]
enum Life {
    Alive,
    /// Running an action started with `&`, since the given line.
    Busy(usize),
    /// Will exit or has exited (line): it can no longer act.
    Ended(usize),
    /// Runs another program since `exec` at this line: alive, but it obeys no commands.
    Program(usize),
}

/// What the checker knows about one role at the line being read.
struct RoleFacts {
    name: String,
    /// The role that created it (the runner for itself).
    creator: RoleId,
    life: Life,
    /// Stopped by `kill ROLE STOP` or `trace ROLE` at the given line (until CONT or untrace).
    stopped: Option<usize>,
    /// Measured by now (`expect` needs a measurement).
    measured: bool,
    /// Read by a `share` window by now (`expect ROLE cpu` needs one).
    shared: bool,
    /// It has a second thread: it may not fork any more.
    threaded: bool,
    /// It has a region: mapped with `alloc`, or its creator's when it was forked.
    has_region: bool,
    /// The index of the latest `try` step it took part in (as actor or target).
    last_try: Option<usize>,
    /// Signal masks as its `signal`, `sigchld` and `sigmask` steps set them (a fork copies
    /// them): ignored, caught, blocked; and fatal signals sent while blocked, pending.
    ignored: u64,
    caught: u64,
    blocked: u64,
    pending_fatal: u64,
    /// The PID namespace it is in (an index into `Parser::namespaces`; 0: the runner's), and
    /// the one its children will be in (another after `unshare pid`).
    pidns: usize,
    child_pidns: usize,
    /// The line of a `try ROLE unshare pid` not yet followed by `end unless ROLE permitted`.
    unconfirmed_unshare: Option<usize>,
    /// The ends of the script's pipes it holds open (made, or inherited at its fork).
    pipes: Vec<(String, actions::End)>,
    /// It holds a listening socket (`listen`, or its creator's at a fork), a connection
    /// (`connect`, `accept`'s child, or its creator's at a fork).
    has_listener: bool,
    has_connection: bool,
    /// Created by an `accept` started with `&` by this role: it exists only after `await
    /// ROLE done`.
    unborn: Option<RoleId>,
    /// The ticket file it holds (an index into `Parser::raced`: its own `tickets`, or its
    /// creator's at the fork); it has read the count since its last `buy`; it holds the lock.
    tickets: Option<usize>,
    counted: bool,
    locked: bool,
    /// Its `flock &` is under way (until `await ROLE done`).
    locking: bool,
}

/// A PID namespace the script makes: the one it was made in, and its first process.
struct Namespace {
    parent: Option<usize>,
    /// Its PID 1: the first process forked into it (None for the runner's, which is the
    /// system's, and for a new one until its first fork).
    init: Option<RoleId>,
}

impl RoleFacts {
    fn new(name: &str, creator: RoleId, has_region: bool) -> RoleFacts {
        RoleFacts {
            name: name.to_string(),
            creator,
            life: Life::Alive,
            stopped: None,
            measured: false,
            shared: false,
            threaded: false,
            has_region,
            last_try: None,
            ignored: 0,
            caught: 0,
            blocked: 0,
            pending_fatal: 0,
            pidns: 0,
            child_pidns: 0,
            unconfirmed_unshare: None,
            pipes: Vec::new(),
            has_listener: false,
            has_connection: false,
            unborn: None,
            tickets: None,
            counted: false,
            locked: false,
            locking: false,
        }
    }
}

struct Parser<'a> {
    file: &'a str,
    line: usize,
    /// Every role so far; index 0 is the runner.
    roles: Vec<RoleFacts>,
    /// Index the step being parsed will have.
    step_index: usize,
    /// The roles the step being parsed ends (see [`Step::ends`]).
    ends: Vec<RoleId>,
    /// The PID namespaces: the runner's first.
    namespaces: Vec<Namespace>,
    /// The names of the pipes made so far.
    pipe_names: Vec<String>,
    /// Every ticket file the script makes: whether a `race` has run on it.
    raced: Vec<bool>,
}

/// Parse and check a script. `file` is the name used in error messages, `name` the demo's name.
pub fn parse(file: &str, name: &str, text: &str) -> Result<Script, ParseError> {
    let mut p = Parser {
        file,
        line: 0,
        roles: vec![RoleFacts::new("runner", RUNNER, false)],
        step_index: 0,
        ends: Vec::new(),
        namespaces: vec![Namespace {
            parent: None,
            init: None,
        }],
        pipe_names: Vec::new(),
        raced: Vec::new(),
    };
    let mut title = None;
    let mut title_zh = None;
    let mut steps: Vec<Step> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        p.line = i + 1;
        let text = raw.trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let (word, rest) = split_word(text);
        if word == "title" {
            if title.is_some() {
                return Err(p.err(ParseProblem::SecondTitle));
            }
            if rest.is_empty() {
                return Err(p.err(ParseProblem::TitleEmpty));
            }
            title = Some(rest.to_string());
            continue;
        }
        if word == "title.zh" {
            if title_zh.is_some() {
                return Err(p.err(ParseProblem::SecondTitleZh));
            }
            if rest.is_empty() {
                return Err(p.err(ParseProblem::TitleZhEmpty));
            }
            title_zh = Some(rest.to_string());
            continue;
        }
        if word == "ask.zh" {
            let Some(Step {
                kind: StepKind::Ask {
                    zh: slot @ None, ..
                },
                ..
            }) = steps.last_mut()
            else {
                return Err(p.err(ParseProblem::AskZhWithoutAsk));
            };
            if rest.is_empty() {
                return Err(p.err(ParseProblem::AskZhEmpty));
            }
            *slot = Some(rest.to_string());
            continue;
        }
        if word == "say.zh" {
            let zh = p.narration(rest)?;
            let Some(Step {
                kind:
                    StepKind::Say {
                        pieces,
                        zh: slot @ None,
                    },
                ..
            }) = steps.last_mut()
            else {
                return Err(p.err(ParseProblem::SayZhWithoutSay));
            };
            let (en, ours) = (placeholders(pieces), placeholders(&zh));
            if en != ours {
                return Err(p.err(ParseProblem::SayZhPlaceholders {
                    say: p.placeholder_list(&en),
                    zh: p.placeholder_list(&ours),
                }));
            }
            *slot = Some(zh);
            continue;
        }
        if steps.len() == limits::MAX_STEPS {
            return Err(p.err(ParseProblem::TooManySteps {
                max: limits::MAX_STEPS,
            }));
        }
        p.step_index = steps.len();
        p.ends.clear();
        let (kind, guard, as_tree) = p.step(word, rest)?;
        steps.push(Step {
            line: p.line,
            text: text.to_string(),
            kind,
            guard,
            as_tree,
            ends: std::mem::take(&mut p.ends),
        });
    }
    if steps.is_empty() {
        p.line = p.line.max(1);
        return Err(p.err(ParseProblem::NoSteps));
    }
    let script = Script {
        name: name.to_string(),
        title: title.unwrap_or_else(|| name.to_string()),
        title_zh,
        creator: p.roles.iter().map(|r| r.creator).collect(),
        roles: p.roles.into_iter().map(|r| r.name).collect(),
        steps,
    };
    if let Some((line, total)) = script.writes_too_much() {
        return Err(ParseError {
            file: file.to_string(),
            line,
            problem: ParseProblem::TooMuchMemory {
                total,
                max: limits::MAX_WRITTEN_MIB,
            },
        });
    }
    Ok(script)
}

/// The `{ROLE.FIELD}`s of a narration line, as a set (sorted, each once).
fn placeholders(pieces: &[Piece]) -> Vec<(RoleId, &'static str)> {
    let mut set: Vec<(RoleId, &'static str)> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Text(_) => None,
            Piece::Value(r, f) => Some((*r, field_name(*f))),
        })
        .collect();
    set.sort_unstable();
    set.dedup();
    set
}

fn split_word(s: &str) -> (&str, &str) {
    match s.find(char::is_whitespace) {
        Some(i) => (&s[..i], s[i..].trim_start()),
        None => (s, ""),
    }
}

/// A name a script may give a role or a pipe.
pub fn valid_name(s: &str) -> bool {
    !KEYWORDS.contains(&s) && valid_role_name(s)
}

fn valid_role_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        && s.len() <= 16
}

impl Parser<'_> {
    fn err(&self, problem: ParseProblem) -> ParseError {
        ParseError {
            file: self.file.to_string(),
            line: self.line,
            problem,
        }
    }

    fn lookup(&self, name: &str) -> Option<RoleId> {
        self.roles.iter().position(|r| r.name == name)
    }

    fn name(&self, role: RoleId) -> &str {
        &self.roles[role].name
    }

    /// A role that exists by now (it may have ended).
    fn existing(&self, name: &str) -> Result<RoleId, ParseError> {
        if let Some(id) = self.lookup(name) {
            if let Some(creator) = self.roles[id].unborn {
                return Err(self.err(ParseProblem::NotYetAccepted {
                    role: name.to_string(),
                    creator: self.name(creator).to_string(),
                }));
            }
            return Ok(id);
        }
        if KEYWORDS.contains(&name) {
            return Err(self.err(ParseProblem::KeywordAsRole {
                name: name.to_string(),
            }));
        }
        if !valid_role_name(name) {
            return Err(self.err(ParseProblem::BadRoleName {
                name: name.to_string(),
            }));
        }
        Err(self.err(ParseProblem::NoSuchRole {
            name: name.to_string(),
            roles: self.roles.iter().map(|r| r.name.clone()).collect(),
        }))
    }

    /// `{child.pid}, {parent.state}` (or `none`), for an error message.
    fn placeholder_list(&self, set: &[(RoleId, &str)]) -> Vec<String> {
        set.iter()
            .map(|(r, f)| format!("{{{}.{f}}}", self.name(*r)))
            .collect()
    }

    /// A role that exists and can act now.
    fn actor(&self, name: &str) -> Result<RoleId, ParseError> {
        let id = self.existing(name)?;
        let facts = &self.roles[id];
        if let (Some(line), Life::Alive | Life::Busy(_) | Life::Program(_)) =
            (facts.stopped, &facts.life)
        {
            return Err(self.err(ParseProblem::Stopped {
                role: name.to_string(),
                line,
            }));
        }
        match facts.life {
            Life::Alive => Ok(id),
            Life::Busy(line) => Err(self.err(ParseProblem::Busy {
                role: name.to_string(),
                line,
            })),
            Life::Ended(line) => Err(self.err(ParseProblem::Ended {
                role: name.to_string(),
                line,
            })),
            Life::Program(line) => Err(self.err(ParseProblem::RunsProgram {
                role: name.to_string(),
                line,
            })),
        }
    }

    /// A role that an action names as its target must not have ended: its PID may already
    /// have been reaped, and could then belong to an unrelated process.
    fn still_there(&self, target: RoleId, purpose: actions::Purpose) -> Result<(), ParseError> {
        match self.roles[target].life {
            Life::Ended(line) => Err(self.err(ParseProblem::TargetEnded {
                role: self.name(target).to_string(),
                line,
                purpose,
            })),
            _ => Ok(()),
        }
    }

    /// A new role, for fork/vfork.
    fn new_role(&mut self, name: &str, creator: RoleId) -> Result<RoleId, ParseError> {
        if let Some(id) = self.lookup(name) {
            let name = name.to_string();
            return Err(self.err(if id == RUNNER {
                ParseProblem::RunnersRole { name }
            } else {
                ParseProblem::RoleExists { name }
            }));
        }
        if KEYWORDS.contains(&name) || !valid_role_name(name) {
            return Err(self.err(ParseProblem::BadNewRoleName {
                name: name.to_string(),
            }));
        }
        if self.roles.len() > limits::MAX_PROCESSES {
            return Err(self.err(ParseProblem::TooManyProcesses {
                max: limits::MAX_PROCESSES,
            }));
        }
        if let Some(line) = self.roles[creator].unconfirmed_unshare {
            return Err(self.err(ParseProblem::UnshareUnconfirmed {
                role: self.name(creator).to_string(),
                line,
            }));
        }
        let ns = self.roles[creator].child_pidns;
        if let Some(init) = self.namespaces[ns].init
            && let Life::Ended(line) = self.roles[init].life
        {
            return Err(self.err(ParseProblem::NamespaceGone {
                role: self.name(creator).to_string(),
                init: self.name(init).to_string(),
                line,
            }));
        }
        // A child has a copy of its creator's memory as it is at the fork: the region if
        // the creator has mapped one by now, and not one mapped later.
        let has_region = self.roles[creator].has_region;
        let mut facts = RoleFacts::new(name, creator, has_region);
        // Signal dispositions and the mask are inherited across fork; pending signals are not.
        let from = &self.roles[creator];
        (facts.ignored, facts.caught, facts.blocked) = (from.ignored, from.caught, from.blocked);
        // Descriptors are inherited across fork: its sockets too.
        (facts.has_listener, facts.has_connection) = (from.has_listener, from.has_connection);
        (facts.pidns, facts.child_pidns) = (ns, ns);
        // Descriptors too: the child holds every pipe end its creator holds.
        facts.pipes = from.pipes.clone();
        // The descriptors of the ticket file are copied; the lock is not the child's to
        // release (it belongs to the parent's own description).
        facts.tickets = from.tickets;
        self.roles.push(facts);
        let id = self.roles.len() - 1;
        // The first process forked into a new PID namespace is its init, PID 1 there.
        if ns != 0 && self.namespaces[ns].init.is_none() {
            self.namespaces[ns].init = Some(id);
        }
        Ok(id)
    }

    fn step(&mut self, word: &str, rest: &str) -> Result<(StepKind, Guard, bool), ParseError> {
        // `if permitted` may end an action or an await; narration is never conditional.
        let (rest, conditional) = match word {
            "say" | "ask" => (rest, false),
            _ => strip_if_permitted(rest),
        };
        if conditional
            && matches!(
                word,
                "observe" | "measure" | "tree" | "try" | "expect" | "inspect" | "output" | "share"
            )
        {
            return Err(self.err(ParseProblem::IfPermittedNotFor {
                word: word.to_string(),
            }));
        }
        let kind = match word {
            "say" => StepKind::Say {
                pieces: self.narration(rest)?,
                zh: None,
            },
            "ask" => self.ask(rest)?,
            "observe" | "tree" => StepKind::Observe {
                roles: self.role_list(rest)?,
            },
            "measure" => {
                let roles = self.role_list(rest)?;
                if roles.is_empty() {
                    return Err(self.err(ParseProblem::MeasureEmpty));
                }
                for &r in &roles {
                    self.roles[r].measured = true;
                }
                StepKind::Measure { roles }
            }
            "inspect" => {
                let roles = self.role_list(rest)?;
                if roles.is_empty() {
                    return Err(self.err(ParseProblem::InspectEmpty));
                }
                StepKind::Inspect { roles }
            }
            "output" => StepKind::Output {
                roles: self.role_list(rest)?,
            },
            "await" => self.await_step(rest, conditional)?,
            "expect" => self.expect_step(rest)?,
            "share" => self.share_step(rest)?,
            "try" => return Ok((self.try_step(rest)?, Guard::Try, false)),
            "end" => self.end_unless(rest)?,
            _ => self.act(word, rest, conditional)?,
        };
        let guard = if conditional {
            self.condition(&kind)?
        } else {
            Guard::None
        };
        Ok((kind, guard, word == "tree"))
    }

    /// `expect ROLE FIELD OP VALUE`, e.g. `expect child private_dirty = region`.
    fn expect_step(&mut self, rest: &str) -> Result<StepKind, ParseError> {
        let expected = |found| self.err(ParseProblem::ExpectSyntax(found));
        let [role, field, op, value] = rest.split_whitespace().collect::<Vec<_>>()[..] else {
            return Err(expected(Found::Nothing));
        };
        let role = self.existing(role)?;
        let memory_field = |name: &str| -> Result<Field, ParseError> {
            FIELDS
                .iter()
                .find(|(n, f)| *n == name && EXPECT_FIELDS.contains(f))
                .map(|(_, f)| *f)
                .ok_or_else(|| expected(Found::Field(name.to_string())))
        };
        let field = memory_field(field)?;
        let cmp = match op {
            "=" => Cmp::Eq,
            ">=" => Cmp::AtLeast,
            "<=" => Cmp::AtMost,
            ">" => Cmp::More,
            "<" => Cmp::Less,
            other => return Err(expected(Found::Word(other.to_string()))),
        };
        if field == Field::Cpu {
            // CPU time is compared with another role's in the same kind of window: a number
            // would pretend to know what the scheduler will give.
            let Some((other, f)) = value.split_once('.') else {
                return Err(expected(Found::Word(value.to_string())));
            };
            let other = self.existing(other)?;
            if memory_field(f)? != Field::Cpu {
                return Err(expected(Found::Field(f.to_string())));
            }
            for r in [role, other] {
                if !self.roles[r].shared {
                    return Err(self.err(ParseProblem::ExpectNotShared {
                        role: self.name(r).to_string(),
                    }));
                }
            }
            return Ok(StepKind::Expect {
                role,
                field,
                cmp,
                value: Operand::Field(other, Field::Cpu),
            });
        }
        let value = if value == "region" {
            Operand::Region
        } else if let Ok(n) = value.parse::<u64>() {
            Operand::Number(n)
        } else if let Some((other, f)) = value.split_once('.') {
            Operand::Field(self.existing(other)?, memory_field(f)?)
        } else {
            return Err(expected(Found::Word(value.to_string())));
        };
        if !self.roles[role].measured {
            return Err(self.err(ParseProblem::ExpectNotMeasured {
                role: self.name(role).to_string(),
            }));
        }
        if let Operand::Field(other, _) = value
            && !self.roles[other].measured
        {
            return Err(self.err(ParseProblem::OtherNotMeasured {
                role: self.name(other).to_string(),
            }));
        }
        Ok(StepKind::Expect {
            role,
            field,
            cmp,
            value,
        })
    }

    /// `share ROLE... until ROLE DURATION`, e.g. `share fast slow until fast 200ms`.
    fn share_step(&mut self, rest: &str) -> Result<StepKind, ParseError> {
        let expected = |found| self.err(ParseProblem::ShareSyntax(found));
        let words: Vec<&str> = rest.split_whitespace().collect();
        let Some(at) = words.iter().position(|w| *w == "until") else {
            return Err(expected(Found::Nothing));
        };
        let (listed, after) = (&words[..at], &words[at + 1..]);
        let [until, cpu] = after else {
            return Err(expected(Found::Word(after.join(" "))));
        };
        if listed.is_empty() {
            return Err(expected(Found::Nothing));
        }
        let roles = self.role_list(&listed.join(" "))?;
        if roles.contains(&RUNNER) {
            return Err(self.err(ParseProblem::ShareRunner));
        }
        let until_id = self.existing(until)?;
        if !roles.contains(&until_id) {
            return Err(self.err(ParseProblem::ShareUntilNotListed {
                role: until.to_string(),
            }));
        }
        let cpu = self.duration(cpu)?;
        for &r in &roles {
            self.roles[r].shared = true;
        }
        Ok(StepKind::Share {
            roles,
            until: until_id,
            cpu,
        })
    }

    /// `try ROLE ACTION`: the action may be refused for want of privilege.
    fn try_step(&mut self, rest: &str) -> Result<StepKind, ParseError> {
        let (role_word, rest) = split_word(rest);
        if role_word.is_empty() {
            return Err(self.err(ParseProblem::TryEmpty));
        }
        if role_word == "runner" {
            return Err(self.err(ParseProblem::TryRunner));
        }
        let kind = self.act(role_word, rest, false)?;
        let StepKind::Act {
            role,
            action,
            background,
        } = &kind
        else {
            return Err(self.err(ParseProblem::TrySyntax));
        };
        if *background {
            return Err(self.err(ParseProblem::TryBackground));
        }
        if !action.def().allowed_under_try() {
            return Err(self.err(ParseProblem::TryNotAllowed));
        }
        self.roles[*role].last_try = Some(self.step_index);
        if let Some(target) = action.target() {
            self.roles[target].last_try = Some(self.step_index);
        }
        if action.effects().new_pid_namespace {
            self.roles[*role].unconfirmed_unshare = Some(self.line);
        }
        Ok(kind)
    }

    /// `end unless ROLE permitted`: the demo ends here (and passes) if the latest `try` ROLE
    /// took part in was refused. After it, that `try`'s effect is certain.
    fn end_unless(&mut self, rest: &str) -> Result<StepKind, ParseError> {
        let ["unless", role, "permitted"] = rest.split_whitespace().collect::<Vec<_>>()[..] else {
            return Err(self.err(ParseProblem::EndUnlessSyntax));
        };
        let role = self.existing(role)?;
        let Some(try_step) = self.roles[role].last_try else {
            return Err(self.err(ParseProblem::EndUnlessNoTry {
                role: self.name(role).to_string(),
            }));
        };
        self.roles[role].unconfirmed_unshare = None;
        Ok(StepKind::EndUnless { role, try_step })
    }

    /// Whether a process in namespace `from` can see one in `to`: `to` is `from` or below it.
    fn visible(&self, from: usize, to: usize) -> bool {
        let mut ns = Some(to);
        while let Some(n) = ns {
            if n == from {
                return true;
            }
            ns = self.namespaces[n].parent;
        }
        false
    }

    /// The init of a PID namespace below the runner's that `role` is, if it is one.
    fn is_namespace_init(&self, role: RoleId) -> bool {
        let ns = self.roles[role].pidns;
        ns != 0 && self.namespaces[ns].init == Some(role)
    }

    /// The guard of a step ending with `if permitted`: the latest `try` its role took part in.
    fn condition(&self, kind: &StepKind) -> Result<Guard, ParseError> {
        let role = match kind {
            StepKind::Act { role, .. } | StepKind::Await { role, .. } => *role,
            _ => return Err(self.err(ParseProblem::IfPermittedOnly)),
        };
        match self.roles[role].last_try {
            Some(try_step) => Ok(Guard::IfPermitted { try_step }),
            None => Err(self.err(ParseProblem::NoTryBefore {
                role: self.name(role).to_string(),
            })),
        }
    }

    fn role_list(&self, rest: &str) -> Result<Vec<RoleId>, ParseError> {
        rest.split_whitespace().map(|r| self.existing(r)).collect()
    }

    fn await_step(&mut self, rest: &str, conditional: bool) -> Result<StepKind, ParseError> {
        let words: Vec<&str> = rest.split_whitespace().collect();
        let expected = |found| self.err(ParseProblem::AwaitSyntax(found));
        if words.len() < 2 {
            return Err(expected(Found::Nothing));
        }
        let role = self.existing(words[0])?;
        let (cond, used) = match words[1] {
            "gone" => (Cond::Gone, 2),
            "reparented" => (Cond::Reparented, 2),
            "done" => (Cond::Done, 2),
            "flock" => (Cond::Flock, 2),
            "parent" => {
                let Some(other) = words.get(2) else {
                    return Err(self.err(ParseProblem::ParentNeedsRole));
                };
                (Cond::ParentIs(self.existing(other)?), 3)
            }
            "flag" => {
                let Some(flags) = words.get(2) else {
                    return Err(self.err(ParseProblem::FlagNeedsFlags));
                };
                if let Some(bad) = flags.chars().find(|c| !STAT_FLAGS.contains(*c)) {
                    return Err(self.err(ParseProblem::NotAFlag { flag: bad }));
                }
                (Cond::Flags(flags.to_string()), 3)
            }
            s if s.len() == 1 && "RSDTtZ".contains(s) => {
                match s.chars().next().and_then(State::from_letter) {
                    Some(state) => (Cond::State(state), 2),
                    None => return Err(expected(Found::Nothing)),
                }
            }
            other => return Err(expected(Found::Word(other.to_string()))),
        };
        let within = match &words[used..] {
            [] => DEFAULT_WITHIN,
            ["within", d] => self.duration(d)?,
            _ => return Err(expected(Found::Word(words[used..].join(" ")))),
        };
        if role == RUNNER {
            return Err(self.err(ParseProblem::AwaitRunner));
        }
        // Only a `flock &` under way can be blocked in flock().
        if cond == Cond::Flock && !self.roles[role].locking {
            return Err(self.err(ParseProblem::Tickets {
                role: words[0].to_string(),
                verb: "await".to_string(),
                problem: TicketProblem::NotLocking,
            }));
        }
        if cond == Cond::Done {
            if conditional {
                return Err(self.err(ParseProblem::DoneIfPermitted));
            }
            match self.roles[role].life {
                Life::Busy(_) => {
                    self.roles[role].life = Life::Alive;
                    // A child its `accept` made exists now.
                    for r in self.roles.iter_mut() {
                        if r.unborn == Some(role) {
                            r.unborn = None;
                        }
                    }
                    self.roles[role].locking = false;
                }
                _ => {
                    return Err(self.err(ParseProblem::NothingToAwait {
                        role: words[0].to_string(),
                    }));
                }
            }
        }
        Ok(StepKind::Await { role, cond, within })
    }

    fn duration(&self, s: &str) -> Result<Duration, ParseError> {
        let parsed = if let Some(ms) = s.strip_suffix("ms") {
            ms.parse::<u64>().ok().map(Duration::from_millis)
        } else if let Some(secs) = s.strip_suffix('s') {
            secs.parse::<u64>().ok().map(Duration::from_secs)
        } else {
            None
        };
        match parsed {
            Some(d) if d > Duration::ZERO && d <= limits::MAX_WITHIN => Ok(d),
            Some(_) => Err(self.err(ParseProblem::DeadlineRange {
                found: s.to_string(),
                max_s: limits::MAX_WITHIN.as_secs(),
            })),
            None => Err(self.err(ParseProblem::BadDuration {
                found: s.to_string(),
            })),
        }
    }

    /// `ask ROLE.FIELD: QUESTION`, e.g. `ask child.state: What state will the child be in?`
    fn ask(&self, rest: &str) -> Result<StepKind, ParseError> {
        let expected = |found| self.err(ParseProblem::AskSyntax(found));
        let Some((what, question)) = rest.split_once(':') else {
            return Err(expected(Found::Nothing));
        };
        let Some((role, field)) = what.trim().split_once('.') else {
            return Err(expected(Found::Word(what.trim().to_string())));
        };
        let role = self.existing(role)?;
        let Some((_, field)) = FIELDS.iter().find(|(n, _)| *n == field) else {
            return Err(self.err(ParseProblem::UnknownField {
                field: field.to_string(),
                place: FieldPlace::Ask,
                fields: FIELDS.iter().map(|(n, _)| *n).collect(),
            }));
        };
        let question = question.trim();
        if question.is_empty() {
            return Err(expected(Found::NoQuestion));
        }
        Ok(StepKind::Ask {
            role,
            field: *field,
            question: question.to_string(),
            zh: None,
        })
    }

    fn narration(&self, rest: &str) -> Result<Vec<Piece>, ParseError> {
        let mut pieces = Vec::new();
        let mut text = rest;
        while let Some(open) = text.find('{') {
            if open > 0 {
                pieces.push(Piece::Text(text[..open].to_string()));
            }
            let Some(close) = text[open..].find('}') else {
                return Err(self.err(ParseProblem::UnclosedBrace));
            };
            let inner = &text[open + 1..open + close];
            let Some((role, field)) = inner.split_once('.') else {
                return Err(self.err(ParseProblem::BadPlaceholder {
                    inner: inner.to_string(),
                }));
            };
            let role = self.existing(role)?;
            let Some((_, field)) = FIELDS.iter().find(|(n, _)| *n == field) else {
                return Err(self.err(ParseProblem::UnknownField {
                    field: field.to_string(),
                    place: FieldPlace::Narration,
                    fields: FIELDS.iter().map(|(n, _)| *n).collect(),
                }));
            };
            pieces.push(Piece::Value(role, *field));
            text = &text[open + close + 1..];
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text.to_string()));
        }
        if pieces.is_empty() {
            return Err(self.err(ParseProblem::SayEmpty));
        }
        Ok(pieces)
    }

    /// The ticket file's order: made once, read before each `buy`, locked once at a time.
    /// A `count` after a `race` on the same file is marked as the scheduler's.
    fn ticket_rules(
        &mut self,
        role: RoleId,
        verb: &str,
        used: actions::TicketUse,
        action: &mut Action,
    ) -> Result<(), ParseError> {
        use actions::TicketUse as U;
        let r = &self.roles[role];
        let problem = match used {
            U::None => return Ok(()),
            U::Creates if r.tickets.is_some() => Some(TicketProblem::AlreadyHas),
            U::Creates => None,
            _ if r.tickets.is_none() => Some(TicketProblem::NoFile),
            U::Writes if !r.counted => Some(TicketProblem::NotCounted),
            U::Locks if r.locked => Some(TicketProblem::AlreadyLocked),
            U::Unlocks if !r.locked => Some(TicketProblem::NotLocked),
            _ => None,
        };
        if let Some(problem) = problem {
            return Err(self.err(ParseProblem::Tickets {
                role: self.name(role).to_string(),
                verb: verb.to_string(),
                problem,
            }));
        }
        let r = &mut self.roles[role];
        match used {
            U::Creates => {
                self.raced.push(false);
                r.tickets = Some(self.raced.len() - 1);
            }
            U::Reads => r.counted = true,
            U::Writes => r.counted = false,
            U::Locks => r.locked = true,
            U::Unlocks => r.locked = false,
            U::Races => {
                if let Some(file) = r.tickets {
                    self.raced[file] = true;
                }
            }
            U::None => {}
        }
        if let (Action::Count { raced }, Some(file)) = (action, self.roles[role].tickets) {
            *raced = self.raced[file];
        }
        Ok(())
    }

    /// `ROLE ACTION [ARGUMENTS] [&]`: the action's own syntax from the registry, then the
    /// checker's rules its registry entry declares, then what it changes in the roles.
    fn act(
        &mut self,
        role_word: &str,
        rest: &str,
        conditional: bool,
    ) -> Result<StepKind, ParseError> {
        let role = self.actor(role_word)?;
        let (rest, background) = match rest.strip_suffix('&') {
            Some(r) => (r.trim_end(), true),
            None => (rest, false),
        };
        let words: Vec<&str> = rest.split_whitespace().collect();
        let Some((&verb, args)) = words.split_first() else {
            return Err(self.err(ParseProblem::NoAction {
                role: role_word.to_string(),
            }));
        };
        let def = actions::find(verb);
        if role == RUNNER && def.and_then(|d| d.facts.runner).is_none() {
            return Err(self.err(ParseProblem::RunnerCannot {
                forms: actions::ACTIONS
                    .iter()
                    .filter_map(|d| d.facts.runner.map(|r| r.shown_as))
                    .collect(),
                verb: verb.to_string(),
            }));
        }
        let Some(def) = def else {
            return Err(self.err(ParseProblem::UnknownAction {
                verb: verb.to_string(),
                verbs: actions::ACTIONS.iter().map(|d| d.verb).collect(),
            }));
        };
        let facts = def.facts;
        if facts.gives_region && self.roles[role].has_region {
            return Err(self.err(ParseProblem::HasRegion {
                role: self.name(role).to_string(),
            }));
        }
        if facts.needs_region && !self.roles[role].has_region {
            return Err(self.err(ParseProblem::NoRegion {
                role: self.name(role).to_string(),
                verb: verb.to_string(),
            }));
        }
        if facts.gives_socket == Some(actions::Sock::Listening) && self.roles[role].has_listener {
            return Err(self.err(ParseProblem::HasListener {
                role: self.name(role).to_string(),
            }));
        }
        let held = match facts.needs_socket {
            Some(actions::Sock::Listening) => self.roles[role].has_listener,
            Some(actions::Sock::Connection) => self.roles[role].has_connection,
            None => true,
        };
        if let (false, Some(socket)) = (held, facts.needs_socket) {
            return Err(self.err(ParseProblem::NoSocket {
                role: self.name(role).to_string(),
                verb: verb.to_string(),
                socket,
            }));
        }
        let actor_name = self.name(role).to_string();
        let mut parsed = Args {
            actor: role,
            actor_name: &actor_name,
            verb: def.verb,
            usage: def.usage,
            words: args,
            roles: self,
        };
        let mut action = (def.syntax)(&mut parsed).map_err(|m| self.err(m))?;
        self.ticket_rules(role, verb, facts.tickets, &mut action)?;
        let effects = action.effects();
        if let Some(target) = effects.target {
            let rules = facts.target;
            let fill = |rule| {
                self.err(ParseProblem::Rule {
                    rule,
                    role: actor_name.clone(),
                })
            };
            match (rules.not_runner, rules.not_self) {
                (Some(m), _) if target == RUNNER => return Err(fill(m)),
                (_, Some(m)) if target == role => return Err(fill(m)),
                _ => {}
            }
            if let Some(what) = rules.alive_to {
                self.still_there(target, what)?;
            }
            if facts.target_listens && !self.roles[target].has_listener {
                return Err(self.err(ParseProblem::NotListening {
                    role: actor_name.clone(),
                    target: self.name(target).to_string(),
                }));
            }
            // A process in a PID namespace sees only the processes of its namespace and of
            // those below it: no PID names the others there.
            if role != RUNNER && !self.visible(self.roles[role].pidns, self.roles[target].pidns) {
                return Err(self.err(ParseProblem::NotVisible {
                    role: actor_name.clone(),
                    target: self.name(target).to_string(),
                }));
            }
        }
        if background && role == RUNNER {
            return Err(self.err(ParseProblem::RunnerBackground));
        }
        match facts.blocks {
            Blocks::Never if background => {
                return Err(self.err(ParseProblem::NotBlocking {
                    blocking: actions::ACTIONS
                        .iter()
                        .filter(|d| d.facts.blocks != Blocks::Never)
                        .map(|d| d.verb)
                        .collect(),
                }));
            }
            Blocks::Always(why) if !background => {
                return Err(self.err(ParseProblem::Rule {
                    rule: why,
                    role: role_word.to_string(),
                }));
            }
            _ => {}
        }
        if conditional && (background || !def.allowed_under_try()) {
            return Err(self.err(ParseProblem::IfPermittedAction));
        }
        if self.roles[role].threaded && facts.creates_role {
            return Err(self.err(ParseProblem::Threaded {
                role: role_word.to_string(),
            }));
        }
        let line = self.line;
        let actor = &mut self.roles[role];
        if facts.ends_actor {
            actor.life = Life::Ended(line);
            self.ends.push(role);
        }
        actor.threaded |= facts.makes_threaded;
        actor.has_region |= facts.gives_region;
        match facts.gives_socket {
            Some(actions::Sock::Listening) => actor.has_listener = true,
            Some(actions::Sock::Connection) => actor.has_connection = true,
            None => {}
        }
        if background {
            actor.life = Life::Busy(line);
            actor.locking = facts.tickets == actions::TicketUse::Locks;
        }
        if let Some((signal, mode)) = effects.disposition {
            let bit = bit(signal);
            let (ignored, caught) = match mode {
                actions::SignalMode::Default => (false, false),
                actions::SignalMode::Ignore => (true, false),
                actions::SignalMode::Catch => (false, true),
            };
            actor.ignored = (actor.ignored & !bit) | if ignored { bit } else { 0 };
            actor.caught = (actor.caught & !bit) | if caught { bit } else { 0 };
        }
        if let Action::Sigmask { block, signals } = &action {
            let mask = signals.iter().fold(0, |m, s| m | bit(*s));
            if *block {
                actor.blocked |= mask;
            } else {
                actor.blocked &= !mask;
                // A fatal signal held pending by the mask is delivered now, with its default
                // action, if nothing has caught or ignored it meanwhile.
                let delivered = actor.pending_fatal & mask;
                actor.pending_fatal &= !mask;
                if delivered & !(actor.ignored | actor.caught) != 0 {
                    actor.life = Life::Ended(line);
                    self.ends.push(role);
                }
            }
        }
        match effects.image {
            // execve() resets caught signals to their default; ignored ones stay ignored. The
            // new image has none of the old memory (no region), and only one thread.
            Some(actions::Image::Procdemo) => {
                actor.caught = 0;
                actor.has_region = false;
                actor.threaded = false;
                actor.pipes.clear();
                // Every socket is close-on-exec.
                actor.has_listener = false;
                actor.has_connection = false;
                // The ticket file's descriptors are close-on-exec.
                (actor.tickets, actor.counted, actor.locked) = (None, false, false);
            }
            Some(actions::Image::Program) => {
                actor.caught = 0;
                actor.life = Life::Program(line);
                actor.pipes.clear();
            }
            None => {}
        }
        self.pipe_effects(role, &action, background)?;
        // `accept`'s child serves the connection it accepted, and closes its copy of the
        // listening socket; started with `&`, it exists once the call has returned.
        if let (true, Some(child)) = (facts.creates_on_return, effects.creates) {
            let child = &mut self.roles[child];
            (child.has_listener, child.has_connection) = (false, true);
            if background {
                child.unborn = Some(role);
            }
        }
        if effects.new_pid_namespace {
            let parent = self.roles[role].pidns;
            self.namespaces.push(Namespace {
                parent: Some(parent),
                init: None,
            });
            self.roles[role].child_pidns = self.namespaces.len() - 1;
        }
        if let Some(target_id) = effects.target {
            // A namespace's init ignores every signal it has no handler for, when it comes
            // from inside its namespace; from an ancestor namespace, SIGKILL and SIGSTOP
            // still do what they do (kernel/signal.c, sig_task_ignored()).
            let from_outside =
                role == RUNNER || self.roles[role].pidns != self.roles[target_id].pidns;
            let init = self.is_namespace_init(target_id);
            let target = &mut self.roles[target_id];
            let immune = |signal: i32, target: &RoleFacts| {
                init && target.caught & bit(signal) == 0
                    && !(from_outside && matches!(signal, libc::SIGKILL | libc::SIGSTOP))
            };
            if let Some(signal) = effects.signal.filter(|&s| ends(s)) {
                let bit = bit(signal);
                if target.ignored & bit != 0 || target.caught & bit != 0 || immune(signal, target) {
                    // Ignored, caught by a handler, or an init's: the process goes on.
                } else if target.blocked & bit != 0 {
                    target.pending_fatal |= bit;
                } else {
                    target.life = Life::Ended(line);
                    self.ends.push(target_id);
                }
            }
            let stop_ignored = effects.signal.is_some_and(|s| immune(s, target));
            match effects.target_run {
                TargetRun::Stops if stop_ignored => {}
                TargetRun::Stops => target.stopped = Some(line),
                TargetRun::Continues => target.stopped = None,
                TargetRun::Unchanged => {}
            }
        }
        // When a namespace's init ends, the kernel kills every other process in it (and in
        // the namespaces below it): zap_pid_ns_processes().
        let inits: Vec<RoleId> = self
            .ends
            .iter()
            .copied()
            .filter(|&r| self.is_namespace_init(r))
            .collect();
        for init in inits {
            let ns = self.roles[init].pidns;
            for other in 1..self.roles.len() {
                if other != init
                    && self.visible(ns, self.roles[other].pidns)
                    && !matches!(self.roles[other].life, Life::Ended(_))
                {
                    self.roles[other].life = Life::Ended(line);
                    self.ends.push(other);
                }
            }
        }
        Ok(StepKind::Act {
            role,
            action,
            background,
        })
    }
}

impl Parser<'_> {
    /// What an action does to the pipe ends its role holds: `pipe` makes both, `close` drops
    /// one, and a write to a pipe whose read ends are all closed gets SIGPIPE, whose default
    /// action ends the writer (pipe(7)); ignored or caught, the write fails with EPIPE.
    fn pipe_effects(
        &mut self,
        role: RoleId,
        action: &Action,
        background: bool,
    ) -> Result<(), ParseError> {
        use actions::End;
        let written = match action {
            Action::Pipe { name } => {
                self.pipe_names.push(name.clone());
                let held = &mut self.roles[role].pipes;
                held.push((name.clone(), End::Read));
                held.push((name.clone(), End::Write));
                return Ok(());
            }
            Action::Close { name, end } => {
                self.roles[role]
                    .pipes
                    .retain(|(n, e)| !(n == name && e == end));
                return Ok(());
            }
            Action::Write { name, .. }
            | Action::Fill { name }
            | Action::Map { tasks: name, .. } => name,
            _ => return Ok(()),
        };
        let read_end_open = self.roles.iter().any(|r| {
            !matches!(r.life, Life::Ended(_))
                && r.pipes.iter().any(|(n, e)| n == written && *e == End::Read)
        });
        if read_end_open {
            return Ok(());
        }
        let line = self.line;
        let bit = bit(libc::SIGPIPE);
        let actor = &mut self.roles[role];
        if (actor.ignored | actor.caught) & bit != 0 {
            return Ok(());
        }
        if actor.blocked & bit != 0 {
            actor.pending_fatal |= bit;
            return Ok(());
        }
        if !background {
            let problem = ParseProblem::SigpipeForeground {
                role: actor.name.clone(),
                pipe: written.clone(),
            };
            return Err(self.err(problem));
        }
        actor.life = Life::Ended(line);
        self.ends.push(role);
        Ok(())
    }
}

/// What an action's syntax may ask of the checker: the roles so far, and a new one.
impl Roles for Parser<'_> {
    fn existing(&self, name: &str) -> Result<RoleId, ParseProblem> {
        Parser::existing(self, name).map_err(|e| e.problem)
    }

    fn new_pipe(&self, name: &str) -> Result<(), ParseProblem> {
        if self.pipe_names.iter().any(|n| n == name) {
            return Err(ParseProblem::PipeExists {
                name: name.to_string(),
            });
        }
        Ok(())
    }

    fn holds(&self, role: RoleId, pipe: &str, end: actions::End) -> Result<(), ParseProblem> {
        if self.roles[role]
            .pipes
            .iter()
            .any(|(n, e)| n == pipe && *e == end)
        {
            return Ok(());
        }
        Err(ParseProblem::PipeNotHeld {
            role: self.name(role).to_string(),
            pipe: pipe.to_string(),
            end,
            made: self.pipe_names.iter().any(|n| n == pipe),
        })
    }

    fn create(&mut self, name: &str, creator: RoleId) -> Result<RoleId, ParseProblem> {
        self.new_role(name, creator).map_err(|e| e.problem)
    }
}

/// A signal's bit in a mask (bit N-1 is signal N, as /proc/PID/status has it).
fn bit(signal: i32) -> u64 {
    1u64 << (signal - 1)
}

/// Split a trailing `if permitted` off a step.
fn strip_if_permitted(rest: &str) -> (&str, bool) {
    let words: Vec<&str> = rest.split_whitespace().collect();
    if words.len() >= 2 && words[words.len() - 2..] == ["if", "permitted"] {
        let cut = rest.trim_end().len() - "permitted".len();
        let head = rest[..cut].trim_end();
        (head[..head.len() - "if".len()].trim_end(), true)
    } else {
        (rest, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::actions::WaitTarget;

    fn ok(text: &str) -> Script {
        parse("t.demo", "t", text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn bad(text: &str) -> ParseError {
        parse("t.demo", "t", text).expect_err("the script should be rejected")
    }

    #[test]
    fn a_zombie_script_parses_into_roles_and_steps() {
        let s = ok(
            "title Z\nrunner fork parent\nparent fork child\nchild exit 7\nawait child Z\nparent waitpid child\nawait child gone within 500ms\nobserve\n",
        );
        assert_eq!(s.roles, ["runner", "parent", "child"]);
        assert_eq!(s.creator, [RUNNER, RUNNER, 1]);
        assert_eq!(s.title, "Z");
        assert_eq!(s.steps.len(), 7);
        assert_eq!(s.steps[0].line, 2);
        assert_eq!(
            s.steps[2].kind,
            StepKind::Act {
                role: 2,
                action: Action::Exit { code: 7 },
                background: false
            }
        );
        assert_eq!(
            s.steps[5].kind,
            StepKind::Await {
                role: 2,
                cond: Cond::Gone,
                within: Duration::from_millis(500)
            }
        );
        assert_eq!(s.steps[6].kind, StepKind::Observe { roles: vec![] });
    }

    #[test]
    fn a_say_zh_line_is_the_chinese_of_the_say_before_it_with_the_same_placeholders() {
        let s = ok(
            "title T\ntitle.zh 标题\nrunner fork p\nsay p is {p.pid}.\nsay.zh p 是 {p.pid}。\nsay no value\n",
        );
        assert_eq!(s.title_zh.as_deref(), Some("标题"));
        assert_eq!(s.steps.len(), 3, "a say.zh line is not a step");
        let StepKind::Say { zh: Some(zh), .. } = &s.steps[1].kind else {
            panic!("no zh: {:?}", s.steps[1].kind)
        };
        assert_eq!(
            zh,
            &vec![
                Piece::Text("p 是 ".into()),
                Piece::Value(1, Field::Pid),
                Piece::Text("。".into())
            ]
        );
        assert!(matches!(&s.steps[2].kind, StepKind::Say { zh: None, .. }));
        let e = |text: &str| parse("x.demo", "x", text).unwrap_err().to_string();
        let differ = e("runner fork p\nsay {p.pid} in {p.state}\nsay.zh {p.pid}\n");
        assert!(
            differ.starts_with("x.demo:3:")
                && differ.contains("the `say` has {p.pid}, {p.state}, the `say.zh` has {p.pid}"),
            "{differ}"
        );
        let alone = e("runner fork p\nsay.zh 你好\n");
        assert!(
            alone.starts_with("x.demo:2:") && alone.contains("expected a `say` line"),
            "{alone}"
        );
        let twice = e("runner fork p\nsay hi\nsay.zh 你好\nsay.zh 你好\n");
        assert!(twice.starts_with("x.demo:4:"), "{twice}");
        assert!(e("title.zh a\ntitle.zh b\nrunner fork p\n").contains("second `title.zh`"));
    }

    #[test]
    fn comments_blank_lines_and_narration_placeholders_are_understood() {
        let s = ok("# a comment\n\nrunner fork p\nsay p is {p.pid}, in state {p.state}.\n");
        assert_eq!(
            s.steps[1].kind,
            StepKind::Say {
                pieces: vec![
                    Piece::Text("p is ".into()),
                    Piece::Value(1, Field::Pid),
                    Piece::Text(", in state ".into()),
                    Piece::Value(1, Field::State),
                    Piece::Text(".".into()),
                ],
                zh: None,
            }
        );
        assert_eq!(s.title, "t", "the title defaults to the demo's name");
    }

    #[test]
    fn a_background_action_must_be_awaited_before_the_role_acts_again() {
        ok("runner fork p\np fork c\np waitpid c &\nawait p S\nc exit 1\nawait p done\np exit\n");
        let e = bad("runner fork p\np fork c\np waitpid c &\np exit\n");
        assert_eq!(e.line, 4);
        assert!(e.message().contains("await p done"), "{}", e.message());
        let e = bad("runner fork p\nawait p done\n");
        assert!(e.message().contains("has none running"), "{}", e.message());
    }

    #[test]
    fn a_role_used_before_it_exists_names_file_line_and_the_fix() {
        let e = bad("runner fork parent\nchild exit 1\n");
        assert_eq!(
            e.to_string(),
            "t.demo:2: role `child` does not exist yet: create it first, e.g. `runner fork child` (roles so far: runner, parent)"
        );
    }

    #[test]
    fn a_duplicate_role_is_rejected() {
        let e = bad("runner fork p\np fork p\n");
        assert!(e.message().contains("already exists"), "{}", e.message());
        let e = bad("runner fork runner\n");
        assert!(e.message().contains("runner's own role"), "{}", e.message());
    }

    #[test]
    fn an_ended_process_cannot_act() {
        let e = bad("runner fork p\np exit 0\np fork c\n");
        assert_eq!(e.line, 3);
        assert!(
            e.message().contains("has ended (line 2)"),
            "{}",
            e.message()
        );
        let e = bad("runner fork p\nrunner kill p KILL\np block\n");
        assert!(e.message().contains("has ended"), "{}", e.message());
        ok("runner fork p\nrunner kill p STOP\nrunner kill p CONT\np block\n");
    }

    #[test]
    fn malformed_lines_say_what_was_expected() {
        let cases: &[(&str, &str)] = &[
            ("runner fork p\np exit 300\n", "from 0 to 255"),
            ("runner fork p\np jump\n", "unknown action `jump`"),
            ("runner fork p\np\n", "expected an action after `p`"),
            ("runner fork p\nawait p\n", "expected `await ROLE CONDITION"),
            ("runner fork p\nawait p Q\n", "found `Q`"),
            (
                "runner fork p\nawait p Z within soon\n",
                "expected a duration",
            ),
            ("runner fork p\nawait p Z within 60s\n", "at most 10 s"),
            ("runner fork p\nsay {p.colour}\n", "unknown field `colour`"),
            ("runner fork p\nsay {p.pid\n", "not closed"),
            ("runner fork P\n", "expected a new role name"),
            ("runner block\n", "the runner can only"),
            ("runner fork p\np kill p BOOM\n", "expected a signal name"),
            ("runner fork p\np touch\n", "no region to touch"),
            ("title a\ntitle b\n", "a second `title`"),
            ("# nothing\n", "no steps"),
            (
                "runner fork p\np waitpid\n",
                "expected `p waitpid ROLE|any [nohang [loop]]`",
            ),
        ];
        for (text, want) in cases {
            let e = bad(text);
            assert!(
                e.message().contains(want),
                "{text:?}: got {:?}, wanted {want:?}",
                e.message()
            );
            assert!(e.line >= 1);
        }
    }

    #[test]
    fn the_process_and_step_limits_are_enforced() {
        let mut text = String::from("runner fork p0\n");
        for i in 1..limits::MAX_PROCESSES {
            text.push_str(&format!("p{} fork p{}\n", i - 1, i));
        }
        ok(&text);
        text.push_str(&format!("p{} fork extra\n", limits::MAX_PROCESSES - 1));
        let e = bad(&text);
        assert!(
            e.message().contains("at most 16 processes"),
            "{}",
            e.message()
        );

        let steps = "runner fork p\n".to_string() + &"observe\n".repeat(limits::MAX_STEPS - 1);
        ok(&steps);
        let e = bad(&(steps + "observe\n"));
        assert!(e.message().contains("at most 200"), "{}", e.message());
    }

    #[test]
    fn expect_checks_a_measured_figure_against_a_number_the_region_or_another_role() {
        let s = ok(
            "runner fork p\np alloc 4MiB\np fork c\nmeasure p c\nexpect c shared_dirty = region\nexpect c private_dirty <= 0\nexpect c rss >= p.rss\n",
        );
        assert_eq!(
            s.steps[4].kind,
            StepKind::Expect {
                role: 2,
                field: Field::SharedDirty,
                cmp: Cmp::Eq,
                value: Operand::Region
            }
        );
        assert_eq!(
            s.steps[6].kind,
            StepKind::Expect {
                role: 2,
                field: Field::Rss,
                cmp: Cmp::AtLeast,
                value: Operand::Field(1, Field::Rss)
            }
        );
        let e = bad("runner fork p\nexpect p rss = 1\n");
        assert!(
            e.message().contains("add `measure p` first"),
            "{}",
            e.message()
        );
        let e = bad("runner fork p\nmeasure p\nexpect p pid = 1\n");
        assert!(
            e.message().contains("found the field `pid`"),
            "{}",
            e.message()
        );
        let e = bad("runner fork p\nmeasure p\nexpect p rss => 1\n");
        assert!(e.message().contains("found `=>`"), "{}", e.message());
    }

    #[test]
    fn share_reads_roles_until_one_of_them_has_used_a_cpu_time() {
        let s = ok("runner fork a\nrunner fork b\nshare a b until a 200ms\n");
        assert_eq!(
            s.steps[2].kind,
            StepKind::Share {
                roles: vec![1, 2],
                until: 1,
                cpu: Duration::from_millis(200)
            }
        );
        let msg = |text: &str| bad(text).message();
        assert!(msg("runner fork a\nshare a\n").contains("share ROLE... until ROLE DURATION"));
        assert!(msg("runner fork a\nshare until a 1s\n").contains("until ROLE DURATION"));
        assert!(msg("runner fork a\nshare a until a\n").contains("found `a`"));
        assert!(
            msg("runner fork a\nrunner fork b\nshare a until b 1s\n")
                .contains("`b` must be one of the roles")
        );
        assert!(msg("runner fork a\nshare runner a until a 1s\n").contains("the runner"));
        assert!(msg("runner fork a\nshare a until a 11s\n").contains("11s"));
        assert!(msg("runner fork a\nshare a if permitted\n").contains("share"));
        // `share` is a keyword: no role may take its name.
        assert!(msg("runner fork share\n").contains("share"));
    }

    #[test]
    fn expect_compares_cpu_times_of_a_share_window_with_another_roles_only() {
        let s = ok(
            "runner fork a\nrunner fork b\nshare a b until a 1s\nexpect a cpu > b.cpu\nexpect b cpu < a.cpu\n",
        );
        assert_eq!(
            s.steps[3].kind,
            StepKind::Expect {
                role: 1,
                field: Field::Cpu,
                cmp: Cmp::More,
                value: Operand::Field(2, Field::Cpu)
            }
        );
        let msg = |text: &str| bad(text).message();
        // A number would pretend to know what the scheduler gives.
        assert!(
            msg("runner fork a\nrunner fork b\nshare a b until a 1s\nexpect a cpu > 5\n")
                .contains("found `5`")
        );
        assert!(
            msg("runner fork a\nrunner fork b\nshare a b until a 1s\nexpect a cpu > b.rss\n")
                .contains("found the field `rss`")
        );
        assert!(
            msg("runner fork a\nrunner fork b\nshare a until a 1s\nexpect a cpu > b.cpu\n")
                .contains("a `share` window that read `b`")
        );
    }

    #[test]
    fn a_stopped_process_cannot_act_until_continued_or_untraced() {
        let e = bad("runner fork p\nrunner kill p STOP\np fork c\n");
        assert!(
            e.message().contains("`p` is stopped (line 2)"),
            "{}",
            e.message()
        );
        ok("runner fork p\nrunner kill p STOP\nrunner kill p CONT\np fork c\n");
        let e = bad("runner fork p\np fork c\np trace c\nc exit 0\n");
        assert!(
            e.message().contains("`c` is stopped (line 3)"),
            "{}",
            e.message()
        );
        ok("runner fork p\np fork c\np trace c\np untrace c\nc exit 0\n");
    }

    #[test]
    fn ampersand_is_only_for_actions_that_block() {
        let e = bad("runner fork p\np exit 3 &\n");
        assert!(
            e.message().contains("`&` is for an action that blocks"),
            "{}",
            e.message()
        );
        ok("runner fork p\np fork c\np wait &\nc exit 0\nawait p done\n");
    }

    #[test]
    fn an_ended_process_cannot_be_signalled_or_traced() {
        let e = bad("runner fork p\np fork c\nc exit 0\np waitpid c\np kill c TERM\n");
        assert!(
            e.message().contains("no process left to signal"),
            "{}",
            e.message()
        );
        let e = bad("runner fork p\np fork c\nc exit 0\np trace c\n");
        assert!(
            e.message().contains("no process left to trace"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn vfork_must_run_in_the_background_and_the_runner_cannot_be_awaited() {
        let e = bad("runner fork p\np vfork c\n");
        assert!(
            e.message().contains("end the line with `&`"),
            "{}",
            e.message()
        );
        ok("runner fork p\np vfork c &\nc exit 0\nawait p done\n");
        let e = bad("runner fork p\nawait runner R\n");
        assert!(e.message().contains("cannot be awaited"), "{}", e.message());
    }

    #[test]
    fn a_threaded_role_may_not_fork() {
        let e = bad("runner fork p\np thread\np fork c\n");
        assert!(e.message().contains("second thread"), "{}", e.message());
    }

    #[test]
    fn try_marks_an_action_whose_refusal_is_accepted() {
        let s = ok("runner fork p\np fork c\ntry p nice -5\ntry p trace c\n");
        assert_eq!(s.steps[2].guard, Guard::Try);
        assert_eq!(
            s.steps[2].kind,
            StepKind::Act {
                role: 1,
                action: Action::Nice { delta: -5 },
                background: false
            }
        );
        assert_eq!(s.steps[3].guard, Guard::Try);
        assert_eq!(s.steps[0].guard, Guard::None);
        let cases: &[(&str, &str)] = &[
            ("runner fork p\ntry\n", "expected `try ROLE ACTION`"),
            ("runner fork p\ntry runner fork q\n", "never refused"),
            (
                "runner fork p\ntry p fork c\n",
                "not fork, vfork, exit, libc-exit, kill or exec",
            ),
            (
                "runner fork p\ntry p exit 1\n",
                "not fork, vfork, exit, libc-exit, kill or exec",
            ),
            (
                "runner fork p\ntry p wait &\n",
                "cannot run in the background",
            ),
            ("runner fork p\ntry p jump\n", "unknown action `jump`"),
            ("runner fork p\ntry q nice 1\n", "does not exist yet"),
        ];
        for (text, want) in cases {
            let e = bad(text);
            assert!(e.message().contains(want), "{text:?}: {:?}", e.message());
        }
    }

    #[test]
    fn if_permitted_follows_the_latest_try_of_its_role() {
        let s = ok(
            "runner fork p\np fork c\ntry p nice -5\nawait p flag < if permitted\ntry p trace c\nawait c t within 1s if permitted\np untrace c if permitted\n",
        );
        assert_eq!(s.steps[3].guard, Guard::IfPermitted { try_step: 2 });
        assert_eq!(
            s.steps[3].kind,
            StepKind::Await {
                role: 1,
                cond: Cond::Flags("<".into()),
                within: DEFAULT_WITHIN
            }
        );
        // The tracee took part in the trace as its target.
        assert_eq!(s.steps[5].guard, Guard::IfPermitted { try_step: 4 });
        assert_eq!(
            s.steps[5].kind,
            StepKind::Await {
                role: 2,
                cond: Cond::State(State::TracingStop),
                within: Duration::from_secs(1)
            }
        );
        assert_eq!(s.steps[6].guard, Guard::IfPermitted { try_step: 4 });
        let cases: &[(&str, &str)] = &[
            (
                "runner fork p\nawait p S if permitted\n",
                "there is none before this line",
            ),
            (
                "runner fork p\ntry p nice -5\nobserve p if permitted\n",
                "not `observe`",
            ),
            (
                "runner fork p\ntry p nice -5\ntree if permitted\n",
                "not `tree`",
            ),
            (
                "runner fork p\ntry p nice -5\np exit if permitted\n",
                "may not create or end",
            ),
            (
                "runner fork p\ntry p nice -5\np fork c if permitted\n",
                "may not create or end",
            ),
            (
                "runner fork p\ntry p nice -5\np wait & if permitted\n",
                "background",
            ),
            ("runner fork p\np wait &\ntry p nice 1\n", "still busy"),
            (
                "runner fork p\np fork c\ntry p nice -5\np wait &\nawait p done if permitted\n",
                "cannot be `if permitted`",
            ),
        ];
        for (text, want) in cases {
            let e = bad(text);
            assert!(e.message().contains(want), "{text:?}: {:?}", e.message());
        }
        // Narration is never conditional: the words are just text.
        let s = ok("runner fork p\nsay done if permitted\n");
        assert_eq!(s.steps[1].guard, Guard::None);
    }

    #[test]
    fn await_flag_takes_stat_flags_only() {
        let s = ok("runner fork p\np pty\nawait p flag s+\n");
        assert_eq!(
            s.steps[2].kind,
            StepKind::Await {
                role: 1,
                cond: Cond::Flags("s+".into()),
                within: DEFAULT_WITHIN
            }
        );
        let e = bad("runner fork p\nawait p flag S\n");
        assert!(
            e.message().contains("`S` is not a STAT flag"),
            "{}",
            e.message()
        );
        let e = bad("runner fork p\nawait p flag\n");
        assert!(
            e.message().contains("expected the STAT flags"),
            "{}",
            e.message()
        );
        let e = bad("runner fork p\nawait runner flag s\n");
        assert!(e.message().contains("cannot be awaited"), "{}", e.message());
    }

    #[test]
    fn waitpid_nohang_loop_polls_until_a_child_is_reaped() {
        let s = ok(
            "runner fork p\np fork c\np waitpid any nohang loop &\nawait p R\nc exit\nawait p done\n",
        );
        assert_eq!(
            s.steps[2].kind,
            StepKind::Act {
                role: 1,
                action: Action::Wait {
                    target: WaitTarget::Any,
                    nohang: true,
                    until_reaped: true
                },
                background: true
            }
        );
        let e = bad("runner fork p\np waitpid any loop\n");
        assert!(e.message().contains("[nohang [loop]]"), "{}", e.message());
        let e = bad("runner fork p\nrunner waitpid p nohang loop\n");
        assert!(e.message().contains("never busy-waits"), "{}", e.message());
    }

    #[test]
    fn tree_is_an_observe_drawn_as_a_tree() {
        let s = ok("runner fork p\np fork c\ntree\ntree c\nobserve\n");
        assert!(s.steps[2].as_tree && s.steps[3].as_tree && !s.steps[4].as_tree);
        assert_eq!(s.steps[2].kind, StepKind::Observe { roles: vec![] });
        assert_eq!(s.steps[3].kind, StepKind::Observe { roles: vec![2] });
        let e = bad("runner fork p\ntree q\n");
        assert!(
            e.message().contains("does not exist yet"),
            "{}",
            e.message()
        );
        let e = bad("runner fork tree\n");
        assert!(
            e.message().contains("expected a new role name"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn a_process_may_not_signal_or_trace_itself() {
        let e = bad("runner fork p\np kill p STOP\n");
        assert!(
            e.message().contains("cannot signal itself"),
            "{}",
            e.message()
        );
        let e = bad("runner fork p\np trace p\n");
        assert!(
            e.message().contains("not the tracer itself"),
            "{}",
            e.message()
        );
        let e = bad("runner fork p\np trace runner\n");
        assert!(e.message().contains("not the runner"), "{}", e.message());
    }

    #[test]
    fn the_new_narration_fields_are_known() {
        let s = ok(
            "runner fork p\nsay {p.session} {p.pgrp} {p.nice} {p.sigchld} {p.rss} {p.pss} {p.shared_dirty} {p.private_dirty} {p.faults}\n",
        );
        let StepKind::Say { pieces, .. } = &s.steps[1].kind else {
            panic!("not a say")
        };
        let fields: Vec<Field> = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Value(1, f) => Some(*f),
                _ => None,
            })
            .collect();
        assert_eq!(
            fields,
            [
                Field::Session,
                Field::Pgrp,
                Field::Nice,
                Field::Sigchld,
                Field::Rss,
                Field::Pss,
                Field::SharedDirty,
                Field::PrivateDirty,
                Field::Faults
            ]
        );
    }

    #[test]
    fn a_forked_child_may_touch_the_region_it_inherited() {
        ok("runner fork p\np alloc 16MiB\np fork c\nc touch\nc fork g\ng touch\n");
        let e = bad("runner fork p\np fork c\np alloc 1MiB\nc touch\n");
        assert_eq!(
            e.line, 4,
            "a region mapped after the fork is not the child's"
        );
        assert!(
            e.message().contains("no region to touch"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn a_role_maps_one_region_so_nothing_is_left_mapped_and_unmeasured() {
        let e = bad("runner fork p\np alloc 100MiB\np alloc 100MiB\n");
        assert_eq!(e.line, 3);
        assert!(
            e.message().contains("`p` already has a region"),
            "{}",
            e.message()
        );
        let e = bad("runner fork p\np alloc 1MiB\np fork c\nc alloc 1MiB\n");
        assert!(
            e.message().contains("`c` already has a region"),
            "{}",
            e.message()
        );
        ok("runner fork p\np fork c\np alloc 1MiB\nc alloc 1MiB\n");
    }

    #[test]
    fn a_script_may_write_at_most_the_memory_limit_alloc_and_touch_counted() {
        let e =
            bad("runner fork a\na alloc 1024MiB\na fork b\nb touch\nrunner fork c\nc alloc 1MiB\n");
        assert_eq!(e.line, 6, "{}", e.message());
        assert!(e.message().contains("2049 MiB"), "{}", e.message());
        let mut s =
            ok("runner fork a\na alloc 16MiB\na fork b\nb touch\nrunner fork c\nc alloc 16MiB\n");
        assert_eq!(s.writes_too_much(), None);
        s.override_alloc_size(1024);
        assert_eq!(
            s.writes_too_much().map(|(line, _)| line),
            Some(6),
            "--size counts too"
        );
    }

    #[test]
    fn ask_takes_a_role_field_and_a_question() {
        let s = ok("runner fork p\np exit 3\nask p.state: What state will p be in?\nawait p Z\n");
        assert_eq!(
            s.steps[2].kind,
            StepKind::Ask {
                role: 1,
                field: Field::State,
                question: "What state will p be in?".into(),
                zh: None,
            }
        );
        assert!(
            bad("runner fork p\nask p.state\n")
                .message()
                .contains("expected `ask ROLE.FIELD: QUESTION`")
        );
        assert!(
            bad("runner fork p\nask p.colour: Which?\n")
                .message()
                .contains("unknown field `colour`")
        );
        assert!(
            bad("runner fork p\nask q.state: Which?\n")
                .message()
                .contains("role `q` does not exist yet")
        );
        assert!(
            bad("runner fork p\nask p.state:\n")
                .message()
                .contains("the question is missing")
        );
    }

    /// The roles the step on the script's last line ends, by name.
    fn ended_by_last(text: &str) -> Vec<String> {
        let s = ok(text);
        let last = s.steps.last().expect("a step");
        last.ends.iter().map(|r| s.roles[*r].clone()).collect()
    }

    #[test]
    fn a_signal_ends_its_target_only_with_its_default_action_and_not_while_blocked() {
        let base = "runner fork p\np fork c\n";
        assert_eq!(ended_by_last(&format!("{base}p kill c TERM\n")), ["c"]);
        // Ignored, or caught: the target goes on and may still act.
        for how in ["ignore", "catch"] {
            ok(&format!(
                "{base}c signal TERM {how}\np kill c TERM\nc block\n"
            ));
        }
        assert!(ended_by_last(&format!("{base}c signal TERM catch\np kill c TERM\n")).is_empty());
        // Set back to the default: it ends again. A child inherits the disposition.
        assert_eq!(
            ended_by_last(&format!(
                "{base}c signal TERM ignore\nc signal TERM default\np kill c TERM\n"
            )),
            ["c"]
        );
        ok("runner fork p\np signal TERM ignore\np fork c\np kill c TERM\nc block\n");
        // Blocked: pending until unblocked, and then the process ends.
        let blocked = format!("{base}c sigmask block TERM\np kill c TERM\nc block\n");
        ok(&blocked);
        assert_eq!(
            ended_by_last(&format!("{blocked}c sigmask unblock TERM\n")),
            ["c"]
        );
        assert!(
            bad(&format!("{blocked}c sigmask unblock TERM\nc block\n"))
                .message()
                .contains("has ended")
        );
    }

    #[test]
    fn exec_of_a_program_ends_the_commands_and_exec_self_the_memory() {
        let base = "runner fork p\np fork c\n";
        let e = bad(&format!("{base}c exec sleep 1\nc block\n"));
        assert!(
            e.message()
                .contains("runs another program since its exec at line 3"),
            "{e}"
        );
        // Still a process: it can be observed, signalled and waited for.
        ok(&format!(
            "{base}c exec sleep 1\ninspect c\np kill c TERM\nawait c Z\np waitpid c\n"
        ));
        // exec self: the same role goes on, without the region it had, one thread again.
        ok(&format!("{base}c thread\nc exec self\nc fork d\n"));
        assert!(
            bad(&format!("{base}c alloc 1MiB\nc exec self\nc touch\n"))
                .message()
                .contains("region")
        );
        // A caught signal is reset by exec, an ignored one is not.
        assert_eq!(
            ended_by_last(&format!(
                "{base}c signal TERM catch\nc exec self\np kill c TERM\n"
            )),
            ["c"]
        );
        assert!(
            ended_by_last(&format!(
                "{base}c signal TERM ignore\nc exec self\np kill c TERM\n"
            ))
            .is_empty()
        );
        assert!(
            bad("runner fork sleep\nsleep exec /bin/sleep 1\n")
                .message()
                .contains("already has that name")
        );
        assert!(
            bad(&format!("{base}try c exec self\n"))
                .message()
                .contains("exec")
        );
    }

    const NAMESPACE: &str = "runner fork outer\ntry outer unshare pid\nend unless outer permitted\n\
                             outer fork init\ninit fork kid\n";

    #[test]
    fn an_unshare_under_try_must_be_confirmed_before_the_role_forks() {
        let e = bad("runner fork outer\ntry outer unshare pid\nouter fork init\n");
        assert!(
            e.message().contains("add `end unless outer permitted`"),
            "{e}"
        );
        assert!(
            bad("runner fork p\nend unless p permitted\n")
                .message()
                .contains("no `try` step `p` took part in")
        );
        assert!(
            bad("runner fork p\ntry p nice 1\nend p\n")
                .message()
                .contains("end unless ROLE permitted")
        );
        let s = ok(NAMESPACE);
        assert!(matches!(
            s.steps[2].kind,
            StepKind::EndUnless {
                role: 1,
                try_step: 1
            }
        ));
    }

    #[test]
    fn a_namespace_init_ignores_signals_without_a_handler_and_takes_its_namespace_down() {
        // From inside, even SIGKILL does nothing to PID 1; from outside, SIGKILL ends it.
        assert!(ended_by_last(&format!("{NAMESPACE}kid kill init TERM\n")).is_empty());
        assert!(ended_by_last(&format!("{NAMESPACE}kid kill init KILL\n")).is_empty());
        assert!(ended_by_last(&format!("{NAMESPACE}outer kill init TERM\n")).is_empty());
        ok(&format!(
            "{NAMESPACE}kid kill init TERM\nouter kill init TERM\ninit block\n"
        ));
        let mut ended = ended_by_last(&format!("{NAMESPACE}outer kill init KILL\n"));
        ended.sort();
        assert_eq!(ended, ["init", "kid"]);
        // Its exit ends every process in its namespace, and no fork can enter it afterwards.
        let mut ended = ended_by_last(&format!("{NAMESPACE}init exit 0\n"));
        ended.sort();
        assert_eq!(ended, ["init", "kid"]);
        assert!(
            bad(&format!("{NAMESPACE}init exit 0\nkid block\n"))
                .message()
                .contains("has ended")
        );
        assert!(
            bad(&format!("{NAMESPACE}init exit 0\nouter fork late\n"))
                .message()
                .contains("PID 1, `init`, has ended")
        );
        // A caught SIGTERM runs the handler in PID 1 too: it goes on.
        ok(&format!(
            "{NAMESPACE}init signal TERM catch\nkid kill init TERM\ninit block\n"
        ));
    }

    #[test]
    fn a_process_in_a_namespace_cannot_name_one_outside_it() {
        let e = bad(&format!("{NAMESPACE}kid kill outer TERM\n"));
        assert!(e.message().contains("`kid` cannot name `outer`"), "{e}");
        // From outside, the processes inside can be named.
        ok(&format!(
            "{NAMESPACE}outer kill kid TERM\nouter waitpid init &\n"
        ));
    }

    #[test]
    fn inspect_names_its_roles_and_output_may_name_none() {
        assert!(
            bad("runner fork p\ninspect\n")
                .message()
                .contains("inspect ROLE")
        );
        let s = ok("runner fork p\ninspect p\noutput\noutput p\n");
        assert_eq!(s.steps[1].kind, StepKind::Inspect { roles: vec![1] });
        assert_eq!(s.steps[2].kind, StepKind::Output { roles: vec![] });
        assert!(
            bad("runner fork p\ninspect p if permitted\n")
                .message()
                .contains("inspect")
        );
        assert!(bad("runner fork output\n").message().contains("output"));
    }

    #[test]
    fn pipe_ends_are_inherited_closed_and_a_write_no_one_can_read_gets_sigpipe() {
        let base = "runner fork p\np pipe q\np fork c\n";
        // The child inherited both ends; the parent closing its read end leaves the child's.
        assert!(ended_by_last(&format!("{base}p close q read\np write q hi")).is_empty());
        // Every read end closed: SIGPIPE's default action ends the writer, which needs `&`.
        let none_left = format!("{base}p close q read\nc close q read\n");
        assert!(
            bad(&format!("{none_left}p write q hi"))
                .message()
                .contains("SIGPIPE")
        );
        assert_eq!(ended_by_last(&format!("{none_left}p write q hi &")), ["p"]);
        assert!(
            bad(&format!("{none_left}p write q hi &\np show"))
                .message()
                .contains("p")
        );
        // A reader that ended (here, exited) holds nothing any more.
        let exited = format!("{base}p close q read\nc exit\n");
        assert_eq!(ended_by_last(&format!("{exited}p fill q &")), ["p"]);
        // Ignored or caught: the write fails with EPIPE and the writer goes on.
        for how in ["ignore", "catch"] {
            let ok = ok(&format!(
                "{none_left}p signal PIPE {how}\np write q hi\np show"
            ));
            assert!(ok.steps.iter().all(|s| s.ends.is_empty()));
        }
        // An exec closes them (close-on-exec), and a child forked before the pipe has none.
        let m = bad(&format!("{base}c exec self\nc read q")).message();
        assert!(m.contains("does not hold the read end"), "{m}");
        let m = bad("runner fork p\np fork c\np pipe q\nc read q").message();
        assert!(m.contains("does not hold"), "{m}");
        assert!(
            bad("runner fork p\np read q")
                .message()
                .contains("no pipe named `q`")
        );
        assert!(
            bad(&format!("{base}p pipe q"))
                .message()
                .contains("made before")
        );
    }
}
