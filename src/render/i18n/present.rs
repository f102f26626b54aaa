//! The presenter: the language-neutral half of the words. It matches the model once — what
//! `--stable` hides, how a PID reads (a number, a role with --stable, as the process's own PID
//! namespace sees it: [`Ctx::pid`]), which variant of a sentence applies — and yields
//! [`Msg`]s, messages with typed arguments. Each language is a table from `Msg` to text
//! ([`Words::say`]): an exhaustive `match` with no `_` arm and no decision of its own but a
//! plural's form, so a new message does not compile until every language has its words.
//!
//! A sub-phrase that is itself a message (a handler's runs inside a `sigprocmask` result) is
//! said first, in the same language, and handed on as text; an absent one is the empty string.
//! A count travels as a number (`Msg::Processes { count }`): the table chooses the form
//! (English `1 process`, `2 processes`; Chinese has none). Last, the pieces every language
//! shows alike (`16 MiB`, `ECHILD`, ` kB`, a duration as a script writes it) live here once.

use crate::engine::error::{Clash, System, Usage};
use crate::engine::model::{
    Captured, Check, Cmdline, CpuShare, Exe, ExitStatus, Failure, FdOwner, Missing, Observation,
    OpenFd, Origin, Parent, RegionMapped, RunnerProblem, State, Tracer, Unable, Unmeasurable,
    Unshared, Value, Verdict,
};
use crate::engine::model::{
    ForkKind, KillReason, Reaper, SignalAction, Stuck, WatchEvent, WatchProblem,
};
use crate::render::Ctx;
use crate::render::watch::{Group, Names, Node, Summary, command_line, duration};
use crate::render::words::Words;
use crate::script::actions::{Call, End, HandlerRuns, Outcome, SigchldMode, SignalMode};
use crate::script::{Cmp, Cond, Field, Operand, RoleId, StepKind, field_name};
use std::time::Duration;

/// A PID as the reader sees it (`4533`, with --stable `<child>`), already shown by [`Ctx::pid`].
pub type Pid = String;

/// A message: one sentence (or phrase) of the catalogue, with its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
#[rustfmt::skip]
pub enum Msg {
    // ---- an action's result (`Words::outcome`) -------------------------------------------
    PipeMade { read_fd: i32, write_fd: i32, capacity: usize },
    Closed { fd: i32, end: End },
    ReadEof { fd: i32 },
    ReadText { fd: i32, bytes: usize, text: String },
    ReadBytes { fd: i32, bytes: usize },
    Wrote { fd: i32, bytes: usize },
    Filled { fd: i32, bytes: usize, capacity: usize },
    /// A worker's loop, with --stable (which tasks it took is the scheduler's choice).
    WorkedHidden,
    /// `done`: each task and its result, `7 → 49`.
    Worked { count: usize, done: Vec<String> },
    /// A worker that took no task (the others took them all).
    WorkedNone,
    /// `each`: [`Msg::MapItem`]s; `who`: [`Msg::WorkersHidden`] or [`Msg::Workers`].
    Mapped { count: usize, each: Vec<String>, who: String },
    MapItem { task: i64, value: i64 },
    MapItemFrom { task: i64, value: i64, pid: Pid },
    WorkersHidden,
    Workers { distinct: usize },
    UnsharedPid,
    UnsharedUser,
    SignalSet { signal: String, mode: SignalMode },
    /// `after`: [`Msg::Delivered`], [`Msg::NoHandlerRan`] or nothing.
    /// `how`: `SIG_BLOCK` or `SIG_UNBLOCK`.
    Masked { how: &'static str, set: String, blocked: String, after: String },
    Delivered { runs: String },
    NoHandlerRan,
    NoHandlerYet,
    HandledSoFar { runs: String },
    /// What handlers did: each [`Msg::HandlerRan`], then [`Msg::HandlerWaits`] or nothing.
    HandlerRuns { ran: Vec<String>, waits: String },
    HandlerRan { signal: String, times: u32 },
    /// Each call's return: [`Msg::WaitNone`], [`Msg::WaitError`], [`Msg::WaitPid`].
    HandlerWaits { each: Vec<String> },
    WaitNone,
    WaitError { errno: String },
    /// `status`: in short, `WEXITSTATUS 1`.
    WaitPid { pid: Pid, status: String },
    Printed { bytes: usize, pending: usize },
    FlushedNothing,
    Flushed { bytes: usize },
    AtexitSet,
    ExitingFlushing { code: i32, pending: usize },
    OpenedCloexec { fd: i32 },
    Opened { fd: i32 },
    Execed { pid: Pid },
    RunningExe { comm: String, exe: String },
    RunningExited { comm: String },
    /// With --stable: whether a program that exits at once still had an exe to read varies.
    RunningComm { comm: String },
    /// fork() with what it returned in the child, as the child reported it.
    ForkedBoth { pid: Pid, returned: i32 },
    Forked { pid: Pid },
    /// getpid(): its own PID as it sees it.
    OwnPid { pid: Pid },
    Vforked { pid: Pid, child: String },
    VforkChildSaid { returned: i32 },
    /// `status`: the raw status's number; `decoded`: [`Words::exit_status`].
    Reaped { pid: Pid, status: i32, decoded: String },
    NotYetOnce,
    NotYet { polls: u32 },
    ReapedAtFirst { pid: Pid, status: i32, decoded: String },
    /// `zeros`: [`Msg::ZerosHidden`] or [`Msg::Zeros`].
    PolledThenReaped { zeros: String, pid: Pid, status: i32, decoded: String },
    ZerosHidden,
    Zeros { times: u64 },
    /// `how`: one of the `Cld` messages.
    Peeked { pid: Pid, how: String },
    CldExited { status: i32 },
    CldKilled { signal: String },
    CldDumped { signal: String },
    CldOther { code: i32, status: i32 },
    Blocking,
    /// `chose`: [`Msg::PortHidden`] or [`Msg::Port`].
    Listening { fd: i32, backlog: i32, chose: String },
    PortHidden,
    Port { port: u16 },
    /// `from`: [`Msg::PeerHidden`] or [`Msg::Peer`]; `child`: [`Msg::AcceptChildSaid`] or nothing.
    Accepted { fd: i32, from: String, pid: Pid, child: String },
    PeerHidden,
    Peer { port: u16 },
    AcceptChildSaid { returned: i32 },
    /// `first`: [`Msg::ClosedFirst`] or nothing; `ports`: [`Msg::PortsHidden`] or [`Msg::Ports`].
    Connected { first: String, fd: i32, ports: String },
    ClosedFirst { fd: i32 },
    PortsHidden,
    Ports { port: u16, local: u16 },
    Sent { bytes: usize },
    ReceivedEof,
    /// `text`: quoted as printf would write it.
    Received { bytes: usize, text: String },
    Spinning,
    CpuLooping,
    Reniced { pid: Pid, asked: i32, nice: i32 },
    Signalled { pid: Pid, signal: String },
    SigchldSet { mode: SigchldMode },
    NewSession { sid: Pid },
    Niced { nice: i32 },
    Threaded,
    Locked { bytes: usize },
    Terminal { sid: Pid },
    Traced { pid: Pid },
    Untraced { pid: Pid },
    /// `size`: `16 MiB`.
    Allocated { size: String, pages: usize },
    /// With --stable, when the faults were about one per page (the exact count varies).
    TouchedAbout { pages: usize },
    Touched { pages: usize, before: u64, after: u64, faults: u64 },
    /// `left`: [`Msg::TicketsLeft`].
    TicketFile { fd: i32, left: String },
    TicketsLeft { left: i64 },
    /// After a race, with --stable: the count is the scheduler's interleaving's.
    CountedHidden,
    /// `sales`: [`Msg::Sales`] or nothing.
    CountedRaced { left: String, sales: String },
    Counted { left: String, sales: String },
    Sales { count: usize, buyers: Vec<Pid> },
    Bought { read: i64, wrote: i64 },
    SoldOut { read: i64 },
    FileLocked { fd: i32 },
    FileUnlocked { fd: i32 },
    Raced { steps: u64 },

    // ---- why a run failed (`Words::failure`), and what it saw ----------------------------
    // `role`: a role's name; `step`: a step's text as the script wrote it; durations, errnos,
    // a failed call, what was seen: sub-phrases said first.
    TotalDeadline { timeout: String },
    CannotAct { role: String, step: String, why: Unable },
    TooBusy { role: String, step: String, waited: String, cpu: String },
    TargetGone { role: String, step: String, target: String },
    CommandNotSent { role: String, step: String, failed: String },
    /// `limit`: [`Msg::NprocLimit`] when the errno is EAGAIN, else nothing.
    ForkRefused { role: String, call: &'static str, errno: String, limit: String },
    /// `limit`: a number, `?`, or [`Msg::Unlimited`].
    NprocLimit { limit: String },
    Unlimited,
    NoHello { role: String, within: String },
    DiedDuring { role: String, step: String, seen: String },
    Needed { role: String, failed: String },
    /// `hint`: [`Msg::AmpersandHint`] when the process was alive and blocked, else nothing.
    NoResult { role: String, step: String, within: String, seen: String, hint: String },
    AmpersandHint { role: String },
    NotStarted { role: String, step: String, within: String, seen: String },
    RunnerWaitTimeout { role: String, within: String, seen: String },
    /// `deadline`: [`Msg::Within`] or [`Msg::BeforeTotal`]; `reads`: [`Msg::Reads`].
    AwaitTimeout { role: String, cond: String, deadline: String, reads: String, seen: String },
    Reads { reads: u32 },
    Within { within: String },
    BeforeTotal { total: String },
    DoneTimeout { role: String, step: String, deadline: String, seen: String },
    MeasureGone { role: String },
    MeasureZombie { role: String },
    RegionMissing { role: String, addr: u64, pid: Pid },
    /// `operand`: a number, [`Msg::RegionSize`] or [`Msg::FieldOf`]; `unit`: ` kB`, ` µs` or
    /// nothing.
    ExpectFailed { role: String, field: &'static str, cmp: &'static str, operand: String, wanted: u64, actual: u64, unit: &'static str },
    RegionSize,
    FieldOf { role: String, field: &'static str },
    FigureMissing { role: String, field: &'static str },
    OperandMissing { operand: String },
    OperandMissingOf { role: String, field: &'static str },
    TryNotRefusal { step: String, call: &'static str, errno: String },
    PsDisagrees { role: String, pid: Pid, ours: String, theirs: String },
    PsFailed { errno: String },
    PsUnavailable,
    /// `why`: [`Msg::Because`] or nothing.
    ProcUnreadable { path: String, role: String, pid: Pid, why: String },
    Because { errno: String },
    NoProc { errno: String },
    NoProcfs,
    Setup { failed: String },
    GarbledReport,
    ShareGone { role: String },
    ShareZombie { role: String },
    NoSchedstat { role: String, pid: Pid },
    ShareDeadline { role: String, used: String, wanted: String, waited: String },
    /// A runner that ended abnormally; `left`: [`Msg::RunnerLeft`] or nothing.
    RunnerCrashed { name: String, code: i32, left: String },
    RunnerKilled { name: String, signal: String, left: String },
    RunnerOverran { name: String, left: String },
    RunnerGarbled { name: String, left: String },
    RunnerLeft { left: usize },
    /// One observation in a sentence; `who`: [`Msg::Who`].
    DescribeGone { who: String },
    DescribeHidden { who: String },
    /// `wchan`: [`Msg::Wchan`] (not with --stable), `status`: [`Msg::Holding`], `ppid`:
    /// [`Msg::PpidIs`]; each or nothing.
    Describe { who: String, code: String, meaning: String, wchan: String, status: String, ppid: String },
    Who { role: String, pid: Pid },
    Wchan { wchan: String },
    Holding { status: i32, decoded: String },
    PpidIs { ppid: String },
    /// An observation that could not be made.
    Unreadable,
    /// What a `try` step's verdict adds: [`Msg::Refused`], [`Msg::AlreadyTraced`].
    Refused,
    /// `tracer`: its command name, [`Msg::TracerComm`], [`Msg::AnotherProcess`] or
    /// [`Msg::TracerPid`].
    AlreadyTraced { tracer: String },
    TracerComm { comm: String, pid: i32 },
    AnotherProcess,
    TracerPid { pid: i32 },

    // ---- procdemo watch: its events, its summary, its tree, its problems -----------------
    // `pid`: a process as the watch names it, `4533 (sleep)`; `list`: such names joined.
    /// `command`: its command line, each word escaped.
    WatchBegin { watcher: i32, limit: usize, command: String },
    WatchStarted { pid: Pid, watcher: i32 },
    /// `how`: [`Msg::ByFork`], [`Msg::ByVfork`] or [`Msg::ByClone`].
    WatchCreated { parent: Pid, pid: i32, how: String },
    ByFork,
    ByVfork,
    ByClone,
    WatchThread { process: Pid, tid: i32 },
    WatchExec { pid: Pid, command: String },
    /// `meaning`: [`Words::state`].
    WatchState { pid: Pid, letter: char, meaning: &'static str },
    WatchStopped { pid: Pid, signal: String },
    WatchContinued { pid: Pid },
    /// `status`: [`Msg::StatusExited`]...; `core`: [`Msg::CoreDumpedSuffix`] or nothing.
    WatchExit { pid: Pid, status: String, core: String },
    CoreDumpedSuffix,
    /// An exit status in a few words.
    StatusExited { code: i32 },
    StatusKilled { signal: String },
    StatusStopped { signal: String },
    StatusContinued,
    /// `parent`: a PID, or [`Msg::WatcherSubreaper`].
    WatchDeadWaited { pid: Pid, parent: String },
    WatchZombie { pid: Pid, parent: String },
    WatcherSubreaper { pid: i32 },
    /// `from`: [`Msg::FromKernelChild`], [`Msg::FromSender`], [`Msg::FromKernelCode`] or
    /// [`Msg::FromKernel`]; `what`: [`Msg::ActionHandled`]...
    WatchSignal { pid: Pid, signal: String, from: String, what: String },
    /// `code`: the si_code's name (CLD_EXITED), else SIGCHLD.
    FromKernelChild { code: &'static str, child: i32 },
    /// `name`: the sender; `how`: the si_code's name (SI_TKILL), else kill().
    FromSender { name: Pid, how: &'static str },
    FromKernelCode { code: &'static str },
    FromKernel,
    ActionHandled,
    ActionIgnored,
    ActionStopped,
    ActionContinued,
    ActionKilled,
    /// `comm`: escaped.
    WatchRenamed { pid: i32, comm: String },
    /// `after`: [`Msg::AfterZombie`] or nothing.
    WatchReapedByParent { pid: Pid, parent: Pid, after: String },
    WatchReapedAtOnce { pid: Pid, parent: Pid },
    WatchReapedByWatcher { pid: Pid },
    WatchReapedBySubreaper { pid: Pid, watcher: i32, after: String },
    WatchReleased { pid: Pid },
    AfterZombie { time: String },
    WatchOrphaned { pid: Pid, from: i32, to: String },
    /// `rest`: [`Msg::NothingAlive`] or [`Msg::StillAlive`].
    WatchMainExited { pid: i32, status: String, rest: String },
    NothingAlive,
    StillAlive { pids: Vec<Pid> },
    /// `why`: [`Msg::KillLimit`], [`Msg::KillSurvivors`] or [`Msg::KillFrontEndGone`].
    WatchKilled { why: String, pids: Vec<Pid> },
    KillLimit,
    KillSurvivors,
    KillFrontEndGone,
    WatchEnd,
    /// The summary's paragraphs. `processes`, `threads`, `execs`: [`Msg::Processes`]...
    WatchCounts { processes: String, threads: String, execs: String, peak: usize },
    Processes { count: usize },
    Threads { count: usize },
    Execs { count: usize },
    /// `wrappers`: escaped.
    WatchWrappersRan { wrappers: Vec<String>, processes: String },
    /// `shown`: [`Msg::WatchPids`] or [`Msg::WatchPidsCut`].
    WatchReapedAtOnceList { shown: String },
    WatchPids { pids: Vec<Pid> },
    /// The first of `total`.
    WatchPidsCut { pids: Vec<Pid>, total: usize },
    WatchNoZombies,
    /// `rows`: [`Msg::ZombieRow`]s.
    WatchZombies { rows: Vec<String> },
    /// `how_long`: a duration or [`Msg::UntilTheEnd`]; `by`: [`Msg::ZombieReapedBy`]...
    ZombieRow { pid: Pid, how_long: String, by: String },
    UntilTheEnd,
    ZombieReapedBy { name: Pid },
    ZombieReapedByProcdemo,
    ZombieReleased,
    ZombieNeverReaped,
    WatchReleasedList { pids: Vec<Pid> },
    WatchNoOrphans,
    /// `rows`: [`Msg::OrphanRow`]s.
    WatchOrphans { rows: Vec<String> },
    /// `to`: a PID, or [`Msg::TheWatcher`].
    OrphanRow { pid: Pid, from: i32, to: String },
    TheWatcher { pid: i32 },
    WatchNeverReaped { pids: Vec<Pid> },
    WatchFirstEnded { pid: i32, status: String },
    /// `fate`: [`Msg::FateKilled`] or [`Msg::FateLeftAlone`].
    WatchAliveAtEnd { pids: Vec<Pid>, fate: String },
    FateKilled,
    FateLeftAlone,
    WatchStoppedAtLimit { limit: usize, processes: String },
    WatchKilledAsItEnded { processes: String },
    WatchInterrupted { signal: String },
    WatchEndedEarly,
    /// A line of the tree: a process's or a folded group's phrases, joined.
    WatchParts { parts: Vec<String> },
    NodeExec { command: String },
    /// `wrappers`: escaped; `count`: how many.
    NodeExecWrapped { command: String, count: usize, wrappers: Vec<String> },
    NodeAlive,
    NodeCoreDumped,
    NodeReapedAtOnce,
    NodeZombie { time: String },
    NodeSignals { count: usize },
    NodeOrphanToProcdemo,
    NodeOrphanTo { to: i32 },
    NodeReapedBy { pid: i32 },
    NodeReapedByWatcher,
    NodeReapedBySubreaper,
    NodeReleased,
    /// `wrappers`: escaped; `processes`: [`Msg::Processes`].
    WatchHelpers { processes: String, wrappers: Vec<String> },
    /// The live lines of a process's many similar children are folded from here on.
    WatchFoldBegins { parent: Pid, shown: usize },
    /// At the end: how many event lines were folded, about how many children.
    WatchFolded { lines: usize, children: usize },
    /// `how`: C calls and command lines.
    GroupHead { count: usize, parent: Pid, how: String },
    GroupExited { code: i32 },
    GroupExitedRange { lo: i32, hi: i32 },
    GroupKilled { count: usize },
    GroupReapedWithin { lo: u64, hi: u64 },
    GroupZombies { count: usize },
    /// Why a watch could not start the program (`command`: its argv[0], escaped; `errno`:
    /// [`Words::errno`]). `interpreter`: escaped, or [`Msg::Unnamed`].
    WatchNoInterpreter { command: String, interpreter: String, errno: String },
    Unnamed,
    WatchNotFound { command: String, errno: String },
    WatchCannotRun { command: String, errno: String },
    WatchTracedAlready { command: String, tracer: i32, errno: String },
    WatchCannotTrace { command: String, errno: String },
    WatchSetupFailed { call: String, errno: String },
    WatchLost,

    // ---- values, conditions, observation cells, inspect and output rows ------------------
    NotObserved,
    /// A count that varies from run to run, with --stable.
    VaryingHidden,
    NoExitCodeKilled { signal: String },
    NoExitCodeStopped { signal: String },
    NoExitCodeContinued,
    NothingWritten,
    PrivilegeHidden,
    SchedulerHidden,
    InState { code: String, meaning: &'static str },
    CondGone,
    CondReparented,
    ChildOf { role: String },
    CondDone,
    CondFlock,
    ShowingFlags { flags: String, count: usize },
    /// The STATE column: `wchan`: [`Msg::InWchan`], `status`: [`Msg::HoldsStatus`], `traced`:
    /// [`Msg::TracedBy`]; each or nothing.
    StateColumn { meaning: &'static str, wchan: String, status: String, traced: String },
    InWchan { wchan: String },
    HoldsStatus { status: i32, decoded: String },
    TracedBy { tracer: String },
    /// `time`: `13 µs`; `reads`: [`Msg::ReadsOfProc`] or nothing.
    SeenAfter { time: String, reads: String },
    ReadsOfProc { reads: u32 },
    ShareEndedStable { role: String, wanted: String, busy: String, floor: String },
    ShareEnded { role: String, used: String, wanted: String, wall: String, reads: u32 },
    /// `which`: [`Msg::OneCpuStable`] or [`Msg::CpuNumbered`].
    OneCpu { which: String },
    OneCpuStable,
    CpuNumbered { cpu: String },
    /// `each`: `` `loop0` 0-3 ``.
    NotOneCpu { each: Vec<String>, runner: String },
    WeightNote,
    StatesNoteStable,
    CpuTimeNote { tick_ms: u64 },
    /// A descriptor; `cloexec`: [`Msg::CloexecSuffix`] or nothing; `target`: its link, or
    /// [`Msg::APipe`] with --stable.
    APipe,
    CloexecSuffix,
    FdOpened { target: String, line: usize, cloexec: String },
    FdOwnOutput { cloexec: String },
    FdOutputOf { role: String, cloexec: String },
    FdCommandsOf { role: String, cloexec: String },
    FdReports { cloexec: String },
    FdOtherCloexec { target: String },
    /// `at`: [`Msg::At`] (not with --stable) or nothing.
    RegionIsMapped { size: String, at: String },
    RegionUnmapped { size: String, at: String },
    At { addr: u64 },
    ExeProcdemoStable,
    ExeProcdemo { path: String },
    CmdlineProcdemoStable,
    CmdlineProcdemo { args: String },
    NsPids { outer: Pid, inner: Vec<String> },
    OutputNothing,
    OutputWrote { bytes: usize },
    OutputCut { bytes: usize, shown: usize },
    ProcdemoPipes { numbers: String, count: usize, cloexec: String },
    Holds,
    HoldsCheck { check: String },
    TryPermitted { step: String },
    TryRefusedEnds { step: String },
    ScriptLine { source: String, runner: i32 },
    ScriptLineNoPid { source: String },
    BuiltIn { path: String },

    // ---- the command line's and the system's errors, and the run's closing lines ---------
    /// `closest`: [`Msg::DidYouMean`] or nothing.
    UnknownDemo { name: String, closest: String, demos: Vec<&'static str> },
    DidYouMean { demo: &'static str },
    UnknownTopic { name: String, topics: Vec<&'static str> },
    NoDemo { demos: Vec<&'static str> },
    NoCommand,
    CannotRead { path: String, error: String },
    NotUtf8 { path: String, offset: usize },
    TooLarge { path: String, max_mib: usize },
    NoTerminal { error: String },
    NotForWatch { option: &'static str },
    ReportFile { path: String, error: String },
    HtmlFile { path: String, error: String },
    HtmlWithoutRun { command: &'static str },
    /// An output file refused before anything runs (`--html`, `watch -o`).
    OutputIsInput { option: &'static str, path: String },
    OutputIsOtherOutput { option: &'static str, path: String },
    OutputIsSymlink { option: &'static str, path: String },
    OutputNotAFile { option: &'static str, path: String },
    /// fork() of the watcher failed.
    ForkWatcher { error: String },
    /// More processes of a run alive at once than it allows (an exec'd program's family).
    FamilyLimit { limit: usize, seen: usize },
    /// A `share` window a busy machine cut short.
    ShareCutShort { role: String, used: String, wanted: String, busy: String, floor: String, wall: String, reads: u32 },
    /// `--worksheet` with an option that needs a run (`--json`, `--html`, `--step`...).
    WorksheetRunsNothing { option: &'static str },
    /// `--json`/`--json-events` given to a command that prints text for people (#19).
    NotJson {
        option: &'static str,
        command: &'static str,
    },
    /// `quiz --count`: the heading of the key, and each exercise's entry in it.
    QuizKey,
    /// `procdemo replay`: it says that it is one, before each run it shows.
    ReplayNotice { file: String, name: String },
    /// A line of a recording that is neither a header nor an event.
    BadRecording { file: String, line: usize, error: String },
    /// A process gone from /proc, as a value in a sentence.
    GoneValue,
    /// `clap`: clap's own message, in English.
    UnknownOption { arg: String, clap: String },
    BadValue { arg: String, value: String, clap: String },
    SetupFailed { call: &'static str, error: String },
    PipeFor { demo: String, error: String },
    NoPipe { error: String },
    NoRunner { demo: String, error: String },
    NoWrite { error: String },
    NoProcStat { error: String },
    ProcStatUnreadable { error: String },
    ProcStatNotUnderstood,
    CleanedUp { killed: usize },
    /// `time`: [`Msg::PassedIn`] or nothing.
    Passed { passed: usize, total: usize, time: String },
    PassedIn { wall: String },
    /// `more`: [`Msg::CompareYourself`] or nothing.
    Score { right: usize, judged: usize, more: String },
    CompareYourself { unjudged: usize },
    RevealRight { answer: String, shown: String },
    RevealWrong { answer: String, shown: String },
    RevealUnjudged { answer: String, shown: String },

    // ---- exercises and `procdemo check` (render/check.rs) ----------------------------------
    /// `cmp`: `=`, `≥` or `≤`.
    PropForks { cmp: &'static str, want: usize },
    PropZombies { cmp: &'static str, want: usize },
    PropZombiesLeft { cmp: &'static str, want: usize },
    PropOrphans { cmp: &'static str, want: usize },
    PropAliveAtExit { cmp: &'static str, want: usize },
    PropLongestZombie { at_least: String },
    PropReapedByParent,
    PropReapedByKernel,
    PropReapedBySubreaper,
    PropAdoptedBySubreaper,
    PropExitCodes { codes: String },
    PropMainExit { code: i32 },
    SeenCount { count: usize },
    /// `pids`: the processes counted.
    SeenCountOf { count: usize, pids: String },
    SeenLongest { pid: i32, duration: String },
    SeenNoZombie,
    /// Each of `each`: [`Msg::SeenReapedBy`] and the like.
    SeenList { each: Vec<String> },
    SeenReapedByParent { pid: i32, parent: i32 },
    SeenReapedByKernel { pid: i32 },
    SeenReapedBySubreaper { pid: i32 },
    SeenNotReaped { pid: i32 },
    SeenAdoptedBy { pid: i32, to: i32 },
    SeenStatus { pid: i32, status: String },
    SeenNoStatus { pid: i32 },
    SeenNoChild,
    SeenMainStatus { status: String },
    SeenMainUnknown,
    HintForksFew { want: usize },
    HintForksMany { want: usize },
    HintZombiesFew,
    HintZombiesMany,
    HintZombiesLeft,
    HintOrphansFew,
    HintOrphansMany,
    HintAliveFew,
    HintAliveMany,
    HintLongestZombie { at_least: String },
    HintReapParent,
    HintReapKernel,
    HintReapSubreaper,
    HintAdopted,
    HintExitCodes,
    HintMainExit { code: i32 },
    /// A verdict's lines: `what` is a `Prop...` message.
    CheckHolds { what: String },
    CheckFails { what: String },
    CheckSeen { seen: String },
    CheckHint { hint: String },
    CheckHeading { task: String, title: String },
    CheckPassed { total: usize },
    CheckFailed { failed: usize, total: usize },
    ExerciseHeading { task: String, title: String },
    ExerciseChecked,
    ExerciseHints,
    /// Under the list of tasks: how to read one and how to check a program.
    ExercisesNext,
    ExerciseRun { task: String },
    /// `closest`: [`Msg::DidYouMeanTask`] or nothing.
    UnknownTask { name: String, closest: String, tasks: Vec<&'static str> },
    DidYouMeanTask { task: &'static str },
    /// A task file's problem after `FILE:LINE: `. `closest`: [`Msg::DidYouMeanWord`] or nothing.
    TaskUnknownKey { key: String, closest: String },
    TaskUnknownProperty { name: String, closest: String, properties: Vec<&'static str> },
    DidYouMeanWord { word: &'static str },
    TaskBadLang { key: String },
    TaskEmpty { key: String },
    TaskTwoTitles,
    TaskBadCheck { property: &'static str, form: &'static str },
    TaskUpperBound { property: &'static str },
    TaskNoTitle,
    TaskNoCheck,
    // ---- check's deadline (`ends-by-itself`) and the daemon's sessions --------------------
    PropEndsByItself,
    PropNewSession,
    PropDaemonNotLeader,
    SeenEnded,
    /// `each`: a [`Msg::StuckPipe`], [`Msg::StuckPipeNoWriter`] or [`Msg::StuckState`] per
    /// process still alive.
    SeenDeadline { after: String, each: Vec<String> },
    /// `comm`: escaped; `writers`: the processes that held the pipe's write end, each a
    /// [`Msg::PipeWriter`] or [`Msg::PipeWriterItself`].
    StuckPipe { pid: i32, comm: String, fd: i32, writers: Vec<String> },
    /// `fds`: its descriptors of the write end.
    PipeWriter { pid: i32, fds: String },
    PipeWriterItself { pid: i32, fds: String },
    StuckPipeNoWriter { pid: i32, comm: String, fd: i32 },
    StuckState { pid: i32, comm: String, letter: char, meaning: String },
    /// `wchan`: the kernel function it sleeps in.
    StuckStateIn { pid: i32, comm: String, letter: char, meaning: String, wchan: String },
    SeenAtLimit { limit: usize },
    SeenNoSurvivor,
    SessionOf { pid: i32, sid: i32 },
    SessionLeader { pid: i32 },
    HintPipeOwnWriteEnd { pid: i32 },
    HintPipeWriteEnd { pids: Vec<i32> },
    HintEndsByItself,
    HintAtLimit,
    HintAfterDeadline,
    HintNewSession,
    HintDaemonLeader,
    /// `watch`: the deadline came (`after`); `each` as in [`Msg::SeenDeadline`].
    WatchDeadline { after: String, each: Vec<String> },
    KillDeadline,
    WatchStoppedAtDeadline { processes: String },
    /// The deadline came, and what the processes were doing could not be read.
    SeenDeadlineOnly { after: String },
    // ---- exercises: WNOHANG, SIGCHLD handlers, a fork server -------------------------------
    PropBlockingReaps { cmp: &'static str, want: usize },
    PropSigchldCoalesced,
    /// After what was counted: the parents (`count` of them) had a SIGCHLD handler run.
    SeenSigchldHandledBy { parents: String, count: usize },
    SeenNoChildExited,
    /// `exited` children of `parent` exited; SIGCHLD was delivered to it `delivered` times, a
    /// handler ran for `handled` of them.
    SeenSigchld { parent: i32, exited: usize, delivered: usize, handled: usize },
    HintSigchldLoop,
    HintBlockingFew,
    HintBlockingMany,
    HintSigchldHandler,
    HintSigchldBlock,
}

/// An action's result in `w`'s words, PIDs shown as `ctx` shows them.
pub fn outcome<W: Words + ?Sized>(w: &W, outcome: &Outcome, ctx: &Ctx) -> String {
    let pid = |p: i32| ctx.pid(p);
    let decoded = |s: i32| w.exit_status(ExitStatus::decode(s));
    let say = |m: Msg| w.say(&m);
    let msg = match outcome {
        // The same in every language: a call and its argument, a Python list.
        Outcome::Exiting { code } => return format!("_exit({code})"),
        Outcome::List { values } => {
            let items: Vec<String> = values.iter().map(|v| v.to_string()).collect();
            return format!("L = [{}]", items.join(", "));
        }
        Outcome::Failed { call, errno } => return w.call_failed(*call, *errno),
        Outcome::PipeMade {
            read_fd,
            write_fd,
            capacity,
        } => Msg::PipeMade {
            read_fd: *read_fd,
            write_fd: *write_fd,
            capacity: *capacity,
        },
        Outcome::Closed { fd, end } => Msg::Closed { fd: *fd, end: *end },
        Outcome::ReadBytes { fd, bytes: 0, .. } => Msg::ReadEof { fd: *fd },
        Outcome::ReadBytes {
            fd,
            bytes,
            text: Some(text),
        } => Msg::ReadText {
            fd: *fd,
            bytes: *bytes,
            text: text.clone(),
        },
        Outcome::ReadBytes {
            fd,
            bytes,
            text: None,
        } => Msg::ReadBytes {
            fd: *fd,
            bytes: *bytes,
        },
        Outcome::Wrote { fd, bytes } => Msg::Wrote {
            fd: *fd,
            bytes: *bytes,
        },
        Outcome::Filled {
            fd,
            bytes,
            capacity,
        } => Msg::Filled {
            fd: *fd,
            bytes: *bytes,
            capacity: *capacity,
        },
        Outcome::Worked { .. } if ctx.stable => Msg::WorkedHidden,
        Outcome::Worked { done } if done.is_empty() => Msg::WorkedNone,
        Outcome::Worked { done } => Msg::Worked {
            count: done.len(),
            done: done.iter().map(|(t, v)| format!("{t} → {v}")).collect(),
        },
        Outcome::Mapped { results } => Msg::Mapped {
            count: results.len(),
            each: results
                .iter()
                .map(|r| {
                    say(if ctx.stable {
                        Msg::MapItem {
                            task: r.task,
                            value: r.value,
                        }
                    } else {
                        Msg::MapItemFrom {
                            task: r.task,
                            value: r.value,
                            pid: pid(r.pid),
                        }
                    })
                })
                .collect(),
            who: say(if ctx.stable {
                Msg::WorkersHidden
            } else {
                Msg::Workers {
                    distinct: crate::render::distinct_workers(results),
                }
            }),
        },
        Outcome::Unshared { user: false } => Msg::UnsharedPid,
        Outcome::Unshared { user: true } => Msg::UnsharedUser,
        Outcome::SignalSet { signal, mode } => Msg::SignalSet {
            signal: w.signal(*signal),
            mode: *mode,
        },
        Outcome::Masked {
            block,
            signals,
            blocked,
            during,
        } => Msg::Masked {
            how: if *block { "SIG_BLOCK" } else { "SIG_UNBLOCK" },
            set: signal_set(signals),
            blocked: w.signal_list(*blocked),
            after: if !during.runs.is_empty() {
                say(Msg::Delivered {
                    runs: handler_runs(w, during, ctx),
                })
            } else if !*block {
                say(Msg::NoHandlerRan)
            } else {
                String::new()
            },
        },
        Outcome::Handled(runs) if runs.runs.is_empty() => Msg::NoHandlerYet,
        Outcome::Handled(runs) => Msg::HandledSoFar {
            runs: handler_runs(w, runs, ctx),
        },
        Outcome::Printed { bytes, pending } => Msg::Printed {
            bytes: *bytes,
            pending: *pending,
        },
        Outcome::Flushed { bytes: 0 } => Msg::FlushedNothing,
        Outcome::Flushed { bytes } => Msg::Flushed { bytes: *bytes },
        Outcome::AtexitSet => Msg::AtexitSet,
        Outcome::ExitingFlushing { code, pending } => Msg::ExitingFlushing {
            code: *code,
            pending: *pending,
        },
        Outcome::Opened { fd, cloexec: true } => Msg::OpenedCloexec { fd: *fd },
        Outcome::Opened { fd, cloexec: false } => Msg::Opened { fd: *fd },
        Outcome::Execed { pid: p } => Msg::Execed { pid: pid(*p) },
        // Whether a program that exits at once is still there to read its exe varies: not
        // in --stable output.
        Outcome::Running { comm, exe } => match (exe, ctx.stable) {
            (Some(exe), false) => Msg::RunningExe {
                comm: comm.clone(),
                exe: exe.clone(),
            },
            (None, false) => Msg::RunningExited { comm: comm.clone() },
            (_, true) => Msg::RunningComm { comm: comm.clone() },
        },
        Outcome::Forked {
            pid: p,
            in_child: Some(r),
        } => Msg::ForkedBoth {
            pid: pid(*p),
            returned: *r,
        },
        Outcome::Forked {
            pid: p,
            in_child: None,
        } => Msg::Forked { pid: pid(*p) },
        Outcome::OwnPid { pid: p } => Msg::OwnPid { pid: pid(*p) },
        // Without CLONE_VM: the suspending half of vfork(), a child with its own memory.
        Outcome::Vforked { pid: p, in_child } => Msg::Vforked {
            pid: pid(*p),
            child: in_child.map_or(String::new(), |r| say(Msg::VforkChildSaid { returned: r })),
        },
        Outcome::Reaped { pid: p, status: s } => Msg::Reaped {
            pid: pid(*p),
            status: *s,
            decoded: decoded(*s),
        },
        Outcome::NotYet { polls: 1 } => Msg::NotYetOnce,
        Outcome::NotYet { polls } => Msg::NotYet { polls: *polls },
        Outcome::PolledThenReaped {
            zeros: 0,
            pid: p,
            status: s,
        } => Msg::ReapedAtFirst {
            pid: pid(*p),
            status: *s,
            decoded: decoded(*s),
        },
        Outcome::PolledThenReaped {
            zeros,
            pid: p,
            status: s,
        } => Msg::PolledThenReaped {
            zeros: say(if ctx.stable {
                Msg::ZerosHidden
            } else {
                Msg::Zeros { times: *zeros }
            }),
            pid: pid(*p),
            status: *s,
            decoded: decoded(*s),
        },
        Outcome::Peeked {
            pid: p,
            code,
            status: s,
        } => Msg::Peeked {
            pid: pid(*p),
            how: say(match *code {
                libc::CLD_EXITED => Msg::CldExited { status: *s },
                libc::CLD_KILLED => Msg::CldKilled {
                    signal: w.signal(*s),
                },
                libc::CLD_DUMPED => Msg::CldDumped {
                    signal: w.signal(*s),
                },
                other => Msg::CldOther {
                    code: other,
                    status: *s,
                },
            }),
        },
        Outcome::Blocking => Msg::Blocking,
        // Port numbers are the kernel's choice, different every run: not with --stable.
        Outcome::Listening { fd, port, backlog } => Msg::Listening {
            fd: *fd,
            backlog: *backlog,
            chose: say(if ctx.stable {
                Msg::PortHidden
            } else {
                Msg::Port { port: *port }
            }),
        },
        Outcome::Accepted {
            fd,
            peer_port,
            pid: p,
            in_child,
        } => Msg::Accepted {
            fd: *fd,
            from: say(if ctx.stable {
                Msg::PeerHidden
            } else {
                Msg::Peer { port: *peer_port }
            }),
            pid: pid(*p),
            child: in_child.map_or(String::new(), |r| say(Msg::AcceptChildSaid { returned: r })),
        },
        Outcome::Connected {
            fd,
            port,
            local_port,
            closed,
        } => Msg::Connected {
            first: closed.map_or(String::new(), |old| say(Msg::ClosedFirst { fd: old })),
            fd: *fd,
            ports: say(if ctx.stable {
                Msg::PortsHidden
            } else {
                Msg::Ports {
                    port: *port,
                    local: *local_port,
                }
            }),
        },
        Outcome::Sent { bytes } => Msg::Sent { bytes: *bytes },
        Outcome::Received { text } if text.is_empty() => Msg::ReceivedEof,
        Outcome::Received { text } => Msg::Received {
            bytes: text.len(),
            text: quoted(text),
        },
        Outcome::Spinning => Msg::Spinning,
        Outcome::CpuLooping => Msg::CpuLooping,
        Outcome::Reniced {
            pid: p,
            asked,
            nice,
        } => Msg::Reniced {
            pid: pid(*p),
            asked: *asked,
            nice: *nice,
        },
        // kill() returning 0 means sent: delivery comes later, when the target runs.
        Outcome::Signalled { pid: p, signal } => Msg::Signalled {
            pid: pid(*p),
            signal: w.signal(*signal),
        },
        Outcome::SigchldSet { mode } => Msg::SigchldSet { mode: *mode },
        Outcome::NewSession { sid } => Msg::NewSession { sid: pid(*sid) },
        Outcome::Niced { nice } => Msg::Niced { nice: *nice },
        Outcome::Threaded => Msg::Threaded,
        Outcome::Locked { bytes } => Msg::Locked { bytes: *bytes },
        Outcome::Terminal { sid } => Msg::Terminal { sid: pid(*sid) },
        Outcome::Traced { pid: p } => Msg::Traced { pid: pid(*p) },
        Outcome::Untraced { pid: p } => Msg::Untraced { pid: pid(*p) },
        Outcome::Allocated { bytes, pages, .. } => Msg::Allocated {
            size: size(*bytes),
            pages: *pages,
        },
        Outcome::Touched {
            pages,
            minflt_before,
            minflt_after,
        } => {
            let faults = minflt_after.saturating_sub(*minflt_before);
            // About one fault per page is what copy-on-write predicts; --stable output says
            // so when it holds, since the exact count varies by a few faults.
            let pages64 = *pages as u64;
            let about_one_each =
                *pages > 0 && (pages64 * 9 / 10..=pages64 * 5 / 4).contains(&faults);
            if ctx.stable && about_one_each {
                Msg::TouchedAbout { pages: *pages }
            } else {
                Msg::Touched {
                    pages: *pages,
                    before: *minflt_before,
                    after: *minflt_after,
                    faults,
                }
            }
        }
        Outcome::TicketFile { fd, left } => Msg::TicketFile {
            fd: *fd,
            left: say(Msg::TicketsLeft { left: *left }),
        },
        // After a race the count is what the scheduler's interleaving left: not stable.
        Outcome::Counted { raced: true, .. } if ctx.stable => Msg::CountedHidden,
        Outcome::Counted { left, sold, raced } => {
            let left = say(Msg::TicketsLeft { left: *left });
            let sales = if sold.is_empty() {
                String::new()
            } else {
                say(Msg::Sales {
                    count: sold.len(),
                    buyers: sold.iter().map(|p| pid(*p)).collect(),
                })
            };
            if *raced {
                Msg::CountedRaced { left, sales }
            } else {
                Msg::Counted { left, sales }
            }
        }
        Outcome::Bought { read, wrote } => Msg::Bought {
            read: *read,
            wrote: *wrote,
        },
        Outcome::SoldOut { read } => Msg::SoldOut { read: *read },
        Outcome::FileLocked { fd } => Msg::FileLocked { fd: *fd },
        Outcome::FileUnlocked { fd } => Msg::FileUnlocked { fd: *fd },
        Outcome::Raced { steps } => Msg::Raced { steps: *steps },
    };
    w.say(&msg)
}

/// What a process's handlers did: each handler's runs, then a SIGCHLD handler's waitpid()s.
fn handler_runs<W: Words + ?Sized>(w: &W, runs: &HandlerRuns, ctx: &Ctx) -> String {
    let ran = runs
        .runs
        .iter()
        .map(|(sig, n)| {
            w.say(&Msg::HandlerRan {
                signal: w.signal(*sig),
                times: *n,
            })
        })
        .collect();
    let waits = if runs.waits.is_empty() {
        String::new()
    } else {
        let each = runs
            .waits
            .iter()
            .map(|call| {
                w.say(&match call.ret {
                    0 => Msg::WaitNone,
                    r if r < 0 => Msg::WaitError {
                        errno: errno_name(call.errno),
                    },
                    p => Msg::WaitPid {
                        pid: ctx.pid(p),
                        status: short_status(w, call.status),
                    },
                })
            })
            .collect();
        w.say(&Msg::HandlerWaits { each })
    };
    w.say(&Msg::HandlerRuns { ran, waits })
}

/// A wait status in short, the same in every language: `WEXITSTATUS 1`, `WTERMSIG SIGKILL`.
fn short_status<W: Words + ?Sized>(w: &W, status: i32) -> String {
    match ExitStatus::decode(status) {
        ExitStatus::Exited(code) => format!("WEXITSTATUS {code}"),
        ExitStatus::Killed(sig) => format!("WTERMSIG {}", w.signal(sig)),
        ExitStatus::Stopped(sig) => format!("WSTOPSIG {}", w.signal(sig)),
        ExitStatus::Continued => "WIFCONTINUED".into(),
    }
}

/// Why a run failed. `at`: the step it stopped at.
pub fn failure<W: Words + ?Sized>(
    w: &W,
    failure: &Failure,
    at: Option<usize>,
    ctx: &Ctx,
) -> String {
    let role = |r: usize| ctx.role(r).to_string();
    let step = |s: usize| ctx.step_text(s).to_string();
    let pid_of = |r: usize| {
        ctx.pids
            .get(r)
            .copied()
            .flatten()
            .map_or_else(|| "?".to_string(), |p| ctx.pid(p))
    };
    let seen = |o: &Option<Observation>| seen(w, o.as_ref(), ctx);
    let say = |m: Msg| w.say(&m);
    let msg = match failure {
        Failure::FamilyLimit { limit, seen } => Msg::FamilyLimit {
            limit: *limit,
            seen: *seen,
        },
        Failure::TotalDeadline { timeout } => Msg::TotalDeadline {
            timeout: w.duration(*timeout),
        },
        Failure::CannotAct {
            role: r,
            step: s,
            why,
        } => Msg::CannotAct {
            role: role(*r),
            step: step(*s),
            why: *why,
        },
        Failure::TooBusy {
            role: r,
            step: s,
            waited,
            cpu,
        } => Msg::TooBusy {
            role: role(*r),
            step: step(*s),
            waited: w.duration(*waited),
            cpu: w.duration(*cpu),
        },
        Failure::TargetGone {
            role: r,
            step: s,
            target,
        } => Msg::TargetGone {
            role: role(*r),
            step: step(*s),
            target: role(*target),
        },
        Failure::CommandNotSent {
            role: r,
            step: s,
            errno,
        } => Msg::CommandNotSent {
            role: role(*r),
            step: step(*s),
            failed: w.call_failed(Call::Write, *errno),
        },
        Failure::ForkRefused {
            role: r,
            call,
            errno,
            nproc_limit,
        } => Msg::ForkRefused {
            role: role(*r),
            call: call.name(),
            errno: w.errno(*errno),
            limit: if *errno == libc::EAGAIN {
                say(Msg::NprocLimit {
                    limit: match nproc_limit {
                        Some(Some(n)) => n.to_string(),
                        Some(None) => say(Msg::Unlimited),
                        None => "?".to_string(),
                    },
                })
            } else {
                String::new()
            },
        },
        Failure::NoHello { role: r, within } => Msg::NoHello {
            role: role(*r),
            within: w.duration(*within),
        },
        Failure::DiedDuring {
            role: r,
            step: s,
            seen: o,
        } => Msg::DiedDuring {
            role: role(*r),
            step: step(*s),
            seen: seen(o),
        },
        Failure::Needed {
            role: r,
            call,
            errno,
        } => Msg::Needed {
            role: role(*r),
            failed: w.call_failed(*call, *errno),
        },
        // The `&` hint only fits a process that is alive and blocked; one that died or was
        // stopped meanwhile is described as it was found.
        Failure::NoResult {
            role: r,
            step: s,
            within,
            seen: o,
            blocked,
        } => Msg::NoResult {
            role: role(*r),
            step: step(*s),
            within: w.duration(*within),
            seen: seen(o),
            hint: if *blocked {
                say(Msg::AmpersandHint { role: role(*r) })
            } else {
                String::new()
            },
        },
        Failure::NotStarted {
            role: r,
            step: s,
            within,
            seen: o,
        } => Msg::NotStarted {
            role: role(*r),
            step: step(*s),
            within: w.duration(*within),
            seen: seen(o),
        },
        Failure::RunnerWaitTimeout {
            role: r,
            within,
            seen: o,
        } => Msg::RunnerWaitTimeout {
            role: role(*r),
            within: w.duration(*within),
            seen: seen(o),
        },
        Failure::AwaitTimeout {
            role: r,
            cond,
            within,
            total,
            reads,
            seen: o,
        } => Msg::AwaitTimeout {
            role: role(*r),
            cond: w.cond(cond, ctx),
            deadline: deadline(w, *within, *total),
            reads: say(Msg::Reads { reads: *reads }),
            seen: w.describe(o, ctx),
        },
        Failure::DoneTimeout {
            role: r,
            step: s,
            within,
            total,
            seen: o,
        } => Msg::DoneTimeout {
            role: role(*r),
            step: step(*s),
            deadline: deadline(w, *within, *total),
            seen: seen(o),
        },
        Failure::Unmeasurable { role: r, why } => match why {
            Unmeasurable::Gone => Msg::MeasureGone { role: role(*r) },
            Unmeasurable::Zombie => Msg::MeasureZombie { role: role(*r) },
            Unmeasurable::RegionMissing { addr } => Msg::RegionMissing {
                role: role(*r),
                addr: *addr,
                pid: pid_of(*r),
            },
        },
        Failure::ExpectFailed(check) => Msg::ExpectFailed {
            role: role(check.role),
            field: field_name(check.field),
            cmp: cmp_sign(check.cmp),
            operand: operand(w, &check.operand, ctx),
            wanted: check.wanted,
            actual: check.actual,
            unit: unit(check.field),
        },
        Failure::ExpectMissing {
            role: r,
            field,
            missing,
        } => match missing {
            Missing::Figure { role: of, field: f } => Msg::FigureMissing {
                role: role(*of),
                field: field_name(*f),
            },
            Missing::Operand => {
                let compared = at.and_then(|s| ctx.step(s)).and_then(|s| match &s.kind {
                    StepKind::Expect { value, .. } => Some(operand(w, value, ctx)),
                    StepKind::Act { .. }
                    | StepKind::Observe { .. }
                    | StepKind::Inspect { .. }
                    | StepKind::Output { .. }
                    | StepKind::EndUnless { .. }
                    | StepKind::Measure { .. }
                    | StepKind::Share { .. }
                    | StepKind::Await { .. }
                    | StepKind::Say { .. }
                    | StepKind::Ask { .. } => None,
                });
                match compared {
                    Some(operand) => Msg::OperandMissing { operand },
                    None => Msg::OperandMissingOf {
                        role: role(*r),
                        field: field_name(*field),
                    },
                }
            }
        },
        Failure::TryNotRefusal {
            step: s,
            call,
            errno,
        } => Msg::TryNotRefusal {
            step: step(*s),
            call: call.name(),
            errno: w.errno(*errno),
        },
        Failure::PsDisagrees {
            role: r,
            pid,
            ours,
            theirs,
        } => Msg::PsDisagrees {
            role: role(*r),
            pid: ctx.pid(*pid),
            ours: ours.clone(),
            theirs: theirs.clone(),
        },
        Failure::PsUnavailable { errno: Some(e) } => Msg::PsFailed { errno: w.errno(*e) },
        Failure::PsUnavailable { errno: None } => Msg::PsUnavailable,
        Failure::ProcUnreadable {
            role: r,
            pid,
            file,
            errno,
        } => Msg::ProcUnreadable {
            path: if file.starts_with('/') {
                file.clone()
            } else {
                format!("/proc/{pid}/{file}")
            },
            role: role(*r),
            pid: ctx.pid(*pid),
            why: errno.map_or_else(String::new, |e| say(Msg::Because { errno: w.errno(e) })),
        },
        Failure::NoProc { errno: Some(e) } => Msg::NoProc { errno: w.errno(*e) },
        Failure::NoProc { errno: None } => Msg::NoProcfs,
        Failure::Setup { call, errno } => Msg::Setup {
            failed: w.call_failed(*call, *errno),
        },
        Failure::GarbledReport => Msg::GarbledReport,
        Failure::Runner { problem, left } => {
            return runner_problem(w, &ctx.script.name, problem, *left);
        }
        Failure::Share { role: r, why } => match why {
            Unshared::Gone => Msg::ShareGone { role: role(*r) },
            Unshared::Zombie => Msg::ShareZombie { role: role(*r) },
            Unshared::NoSchedstat => Msg::NoSchedstat {
                role: role(*r),
                pid: pid_of(*r),
            },
            Unshared::Deadline {
                used_ns,
                wanted_ns,
                waited,
            } => Msg::ShareDeadline {
                role: role(*r),
                used: crate::render::cpu_time(*used_ns),
                wanted: crate::render::cpu_time(*wanted_ns),
                waited: w.duration(*waited),
            },
        },
    };
    w.say(&msg)
}

/// A runner that ended abnormally (`left`: processes the front end killed after it).
pub fn runner_problem<W: Words + ?Sized>(
    w: &W,
    name: &str,
    problem: &RunnerProblem,
    left: usize,
) -> String {
    let name = name.to_string();
    let left = if left > 0 {
        w.say(&Msg::RunnerLeft { left })
    } else {
        String::new()
    };
    w.say(&match problem {
        RunnerProblem::Crashed { code } => Msg::RunnerCrashed {
            name,
            code: *code,
            left,
        },
        RunnerProblem::Killed { signal } => Msg::RunnerKilled {
            name,
            signal: w.signal(*signal),
            left,
        },
        RunnerProblem::Overran => Msg::RunnerOverran { name, left },
        RunnerProblem::Garbled => Msg::RunnerGarbled { name, left },
    })
}

/// One observation in a sentence, for failure messages.
pub fn describe<W: Words + ?Sized>(w: &W, o: &Observation, ctx: &Ctx) -> String {
    let who = w.say(&Msg::Who {
        role: ctx.role(o.role).to_string(),
        pid: ctx.pid(o.pid),
    });
    w.say(&if !o.state.is_alive() {
        Msg::DescribeGone { who }
    } else if ctx.hidden(o) {
        Msg::DescribeHidden { who }
    } else {
        Msg::Describe {
            who,
            code: o.state.code(),
            meaning: w.state(o.state).to_string(),
            // wchan is a live detail that varies from run to run: not with --stable.
            wchan: match (&o.wchan, ctx.stable) {
                (Some(wchan), false) => w.say(&Msg::Wchan {
                    wchan: wchan.clone(),
                }),
                _ => String::new(),
            },
            status: o.exit_status.map_or_else(String::new, |status| {
                w.say(&Msg::Holding {
                    status,
                    decoded: w.exit_status(ExitStatus::decode(status)),
                })
            }),
            ppid: if o.ppid.is_some() && o.parent.is_some() {
                w.say(&Msg::PpidIs { ppid: ctx.ppid(o) })
            } else {
                String::new()
            },
        }
    })
}

/// What a `try` step's verdict adds after its result.
pub fn verdict<W: Words + ?Sized>(w: &W, verdict: &Verdict, ctx: &Ctx) -> String {
    match verdict {
        Verdict::Permitted => String::new(),
        Verdict::Refused => w.say(&Msg::Refused),
        Verdict::AlreadyTraced(t) => w.say(&Msg::AlreadyTraced {
            tracer: tracer(w, t, ctx.stable),
        }),
    }
}

/// A tracer from outside the demo: its command name and PID (no PID with --stable).
pub fn tracer<W: Words + ?Sized>(w: &W, t: &Tracer, stable: bool) -> String {
    match (&t.comm, stable) {
        (Some(comm), true) => comm.clone(),
        (Some(comm), false) => w.say(&Msg::TracerComm {
            comm: comm.clone(),
            pid: t.pid,
        }),
        (None, true) => w.say(&Msg::AnotherProcess),
        (None, false) => w.say(&Msg::TracerPid { pid: t.pid }),
    }
}

/// What an observation saw, or that it could not be read.
fn seen<W: Words + ?Sized>(w: &W, seen: Option<&Observation>, ctx: &Ctx) -> String {
    match seen {
        Some(o) => w.describe(o, ctx),
        None => w.say(&Msg::Unreadable),
    }
}

/// "within 2 s", or, when the script's total deadline came first, says so.
fn deadline<W: Words + ?Sized>(w: &W, within: Duration, total: Option<Duration>) -> String {
    w.say(&match total {
        Some(t) => Msg::BeforeTotal {
            total: w.duration(t),
        },
        None => Msg::Within {
            within: w.duration(within),
        },
    })
}

/// What an `expect` compared with: `16384`, `the region's size`, `` `p`'s rss ``.
fn operand<W: Words + ?Sized>(w: &W, operand: &Operand, ctx: &Ctx) -> String {
    match operand {
        Operand::Number(n) => n.to_string(),
        Operand::Region => w.say(&Msg::RegionSize),
        Operand::Field(role, field) => w.say(&Msg::FieldOf {
            role: ctx.role(*role).to_string(),
            field: field_name(*field),
        }),
    }
}

/// A narration value.
pub fn value<W: Words + ?Sized>(w: &W, value: &Value, ctx: &Ctx) -> String {
    let say = |m: Msg| w.say(&m);
    match value {
        Value::NotObserved => say(Msg::NotObserved),
        Value::Pid(p) => ctx.pid(*p),
        Value::Number(n) => n.to_string(),
        // No fault at all is the same every run; a count varies by a few from run to run.
        Value::Varying(n) if ctx.stable && *n != 0 => say(Msg::VaryingHidden),
        Value::Varying(n) => n.to_string(),
        Value::State(State::Gone) => say(Msg::GoneValue),
        Value::State(s) => s.code(),
        Value::Stat(s) | Value::Comm(s) => s.clone(),
        Value::Parent(Parent::Role(r)) => ctx.role(*r).to_string(),
        Value::Parent(Parent::Other { comm }) => comm.clone(),
        Value::Parent(Parent::Unknown) => "?".to_string(),
        Value::Sigchld(d) => w.sigchld(*d).to_string(),
        Value::ExitCode(ExitStatus::Exited(code)) => code.to_string(),
        Value::ExitCode(ExitStatus::Killed(sig)) => say(Msg::NoExitCodeKilled {
            signal: w.signal(*sig),
        }),
        Value::ExitCode(ExitStatus::Stopped(sig)) => say(Msg::NoExitCodeStopped {
            signal: w.signal(*sig),
        }),
        Value::ExitCode(ExitStatus::Continued) => say(Msg::NoExitCodeContinued),
        Value::Result(o) => w.outcome(o, ctx),
        Value::Exe(e) => w.exe(e, ctx.stable),
        Value::Cmdline(c) => w.cmdline(c, ctx.stable),
        Value::Signals(mask) => w.signal_list(*mask),
        Value::NsPids(pids) => w.ns_pids(pids, ctx),
        Value::Output(c) if c.bytes == 0 => say(Msg::NothingWritten),
        Value::Output(c) => quoted(&c.text),
        Value::DependsOnPrivilege(_) if ctx.stable => say(Msg::PrivilegeHidden),
        Value::DependsOnPrivilege(v) => w.value(v, ctx),
        Value::CpuTime(_) | Value::Share { .. } if ctx.stable => say(Msg::SchedulerHidden),
        Value::CpuTime(ns) => crate::render::cpu_time(*ns),
        Value::Share { used, total } => crate::render::percent(*used, *total),
    }
}

/// An `await` condition: `in state Z (zombie: exited, not yet waited for)`.
pub fn cond<W: Words + ?Sized>(w: &W, cond: &Cond, ctx: &Ctx) -> String {
    w.say(&match cond {
        Cond::State(s) => Msg::InState {
            code: s.code(),
            meaning: w.state(*s),
        },
        Cond::Gone => Msg::CondGone,
        Cond::Reparented => Msg::CondReparented,
        Cond::ParentIs(r) => Msg::ChildOf {
            role: ctx.role(*r).to_string(),
        },
        Cond::Done => Msg::CondDone,
        Cond::Flock => Msg::CondFlock,
        Cond::Flags(f) => Msg::ShowingFlags {
            flags: f.clone(),
            count: f.chars().count(),
        },
    })
}

/// An `expect` comparison, the same in every language: `16384 kB = 16384 kB`.
pub fn check(check: &Check) -> String {
    let unit = unit(check.field);
    format!(
        "{}{unit} {} {}{unit}",
        check.actual,
        cmp_sign(check.cmp),
        check.wanted
    )
}

/// The STATE column: the meaning, wchan (not with --stable), the status a zombie holds, a
/// tracer from outside the demo.
pub fn state_column<W: Words + ?Sized>(w: &W, o: &Observation, stable: bool) -> String {
    w.say(&Msg::StateColumn {
        meaning: w.state(o.state),
        // wchan is read a moment after the state and may already have changed: a live detail
        // for people, left out of stable output.
        wchan: match (&o.wchan, stable, o.state.is_alive()) {
            (Some(wchan), false, true) => w.say(&Msg::InWchan {
                wchan: wchan.clone(),
            }),
            _ => String::new(),
        },
        status: o.exit_status.map_or_else(String::new, |status| {
            w.say(&Msg::HoldsStatus {
                status,
                decoded: w.exit_status(ExitStatus::decode(status)),
            })
        }),
        // Under a tracer from outside the demo every stop shows as t, a SIGSTOP's too.
        traced: match (&o.tracer, o.state) {
            (Some(t), State::TracingStop) => w.say(&Msg::TracedBy {
                tracer: tracer(w, t, stable),
            }),
            _ => String::new(),
        },
    })
}

/// An await's timing: `seen after 13 µs, 1 read of /proc`.
pub fn seen_after<W: Words + ?Sized>(w: &W, waited: Duration, reads: Option<u32>) -> String {
    let us = waited.as_micros();
    w.say(&Msg::SeenAfter {
        time: if us < 1000 {
            format!("{us} µs")
        } else {
            format!("{:.1} ms", us as f64 / 1000.0)
        },
        reads: reads.map_or_else(String::new, |reads| w.say(&Msg::ReadsOfProc { reads })),
    })
}

/// A `share` step's result: what ended the window (and, but with --stable, after how long and
/// how many reads).
pub fn share_result<W: Words + ?Sized>(w: &W, share: &CpuShare, ctx: &Ctx) -> String {
    let role = ctx.role(share.until).to_string();
    let wanted = crate::render::cpu_time(share.wanted_ns);
    if ctx.stable {
        return w.say(&Msg::ShareEndedStable {
            role,
            busy: w.duration(CpuShare::BUSY_WALL),
            floor: crate::render::cpu_time(CpuShare::floor_ns(share.wanted_ns)),
            wanted,
        });
    }
    let used = share
        .rows
        .iter()
        .find(|r| r.role == share.until)
        .map_or(0, |r| r.used_ns());
    if share.cut_short() {
        return w.say(&Msg::ShareCutShort {
            role,
            used: crate::render::cpu_time(used),
            wanted,
            busy: w.duration(CpuShare::BUSY_WALL),
            floor: crate::render::cpu_time(CpuShare::floor_ns(share.wanted_ns)),
            wall: w.duration(share.wall),
            reads: share.reads,
        });
    }
    w.say(&Msg::ShareEnded {
        role,
        used: crate::render::cpu_time(used),
        wanted,
        wall: w.duration(share.wall),
        reads: share.reads,
    })
}

/// The lines under a `share` table: the CPUs, where the weights come from, the columns.
pub fn share_notes<W: Words + ?Sized>(w: &W, share: &CpuShare, ctx: &Ctx) -> Vec<String> {
    let say = |m: Msg| w.say(&m);
    vec![
        match crate::render::one_cpu(share) {
            Some(cpu) => say(Msg::OneCpu {
                which: say(if ctx.stable {
                    Msg::OneCpuStable
                } else {
                    Msg::CpuNumbered {
                        cpu: cpu.to_string(),
                    }
                }),
            }),
            None => say(Msg::NotOneCpu {
                each: share
                    .rows
                    .iter()
                    .map(|r| format!("`{}` {}", ctx.role(r.role), r.cpus))
                    .collect(),
                runner: share.runner_cpus.to_string(),
            }),
        },
        say(Msg::WeightNote),
        say(if ctx.stable {
            Msg::StatesNoteStable
        } else {
            Msg::CpuTimeNote {
                tick_ms: 1000 / share.ticks_per_s.max(1),
            }
        }),
    ]
}

/// A descriptor of `role` (after its number): what it is, and close-on-exec.
pub fn fd<W: Words + ?Sized>(w: &W, fd: &OpenFd, role: RoleId, ctx: &Ctx) -> String {
    let cloexec = if fd.cloexec {
        w.say(&Msg::CloexecSuffix)
    } else {
        String::new()
    };
    let target = || {
        if ctx.stable && crate::kernel::proc::pipe_inode(&fd.target).is_some() {
            w.say(&Msg::APipe)
        } else {
            fd.target.clone()
        }
    };
    w.say(&match &fd.owner {
        FdOwner::Opened { step } => Msg::FdOpened {
            target: target(),
            line: ctx.step(*step).map_or(0, |s| s.line),
            cloexec,
        },
        FdOwner::OutputPipe(r) if *r == role => Msg::FdOwnOutput { cloexec },
        FdOwner::OutputPipe(r) => Msg::FdOutputOf {
            role: ctx.role(*r).to_string(),
            cloexec,
        },
        FdOwner::CommandPipe(r) => Msg::FdCommandsOf {
            role: ctx.role(*r).to_string(),
            cloexec,
        },
        FdOwner::ReportPipe => Msg::FdReports { cloexec },
        FdOwner::Other if !fd.cloexec => return target(),
        FdOwner::Other => Msg::FdOtherCloexec { target: target() },
    })
}

/// A role's region, mapped or not (its address left out with --stable).
pub fn region_mapped<W: Words + ?Sized>(w: &W, region: &RegionMapped, stable: bool) -> String {
    let size = w.region(region.bytes);
    let at = if stable {
        String::new()
    } else {
        w.say(&Msg::At { addr: region.addr })
    };
    w.say(&if region.mapped {
        Msg::RegionIsMapped { size, at }
    } else {
        Msg::RegionUnmapped { size, at }
    })
}

/// /proc/PID/exe; with --stable, procdemo's own binary (whose path varies) by name.
pub fn exe<W: Words + ?Sized>(w: &W, exe: &Exe, stable: bool) -> String {
    match (exe.procdemo, stable) {
        (true, true) => w.say(&Msg::ExeProcdemoStable),
        (true, false) => w.say(&Msg::ExeProcdemo {
            path: exe.path.clone(),
        }),
        (false, _) => exe.path.clone(),
    }
}

/// /proc/PID/cmdline; with --stable, procdemo's own command line by name.
pub fn cmdline<W: Words + ?Sized>(w: &W, cmdline: &Cmdline, stable: bool) -> String {
    let args = crate::render::cmdline_text(cmdline);
    match (cmdline.procdemo, stable) {
        (true, true) => w.say(&Msg::CmdlineProcdemoStable),
        (true, false) => w.say(&Msg::CmdlineProcdemo { args }),
        (false, _) => args,
    }
}

/// NSpid: `4533 outside, 1 inside its PID namespace`.
pub fn ns_pids<W: Words + ?Sized>(w: &W, pids: &[i32], ctx: &Ctx) -> String {
    match pids {
        [] => "-".into(),
        [only] => ctx.pid(*only),
        [outer, inner @ ..] => w.say(&Msg::NsPids {
            outer: ctx.pid(*outer),
            inner: inner.iter().map(|p| p.to_string()).collect(),
        }),
    }
}

/// An `output` reading's line for a role: `wrote 44 bytes:` or `wrote nothing`.
pub fn output_heading<W: Words + ?Sized>(w: &W, captured: &Captured) -> String {
    w.say(&match (captured.bytes, captured.cut) {
        (0, _) => Msg::OutputNothing,
        (bytes, false) => Msg::OutputWrote { bytes },
        (bytes, true) => Msg::OutputCut {
            bytes,
            shown: captured.text.len(),
        },
    })
}

/// procdemo's own pipes a process holds, in one line.
pub fn procdemo_pipes<W: Words + ?Sized>(
    w: &W,
    numbers: &str,
    count: usize,
    cloexec: bool,
) -> String {
    w.say(&Msg::ProcdemoPipes {
        numbers: numbers.to_string(),
        count,
        cloexec: if cloexec {
            w.say(&Msg::CloexecSuffix)
        } else {
            String::new()
        },
    })
}

/// An `expect` that held (a fault count varies a little: --stable says only that it held).
pub fn holds<W: Words + ?Sized>(w: &W, c: &Check, stable: bool) -> String {
    w.say(&if stable {
        Msg::Holds
    } else {
        Msg::HoldsCheck { check: check(c) }
    })
}

/// An `end unless ROLE permitted` step: the demo goes on, or ends here.
pub fn end_unless<W: Words + ?Sized>(w: &W, try_step: &str, permitted: bool) -> String {
    let step = try_step.to_string();
    w.say(&if permitted {
        Msg::TryPermitted { step }
    } else {
        Msg::TryRefusedEnds { step }
    })
}

/// The line under the header: `(script demos/zombie.demo, built in, runner pid 4242)`.
pub fn script_line<W: Words + ?Sized>(w: &W, origin: &Origin, runner_pid: Option<i32>) -> String {
    let source = w.source(origin);
    w.say(&match runner_pid {
        Some(runner) => Msg::ScriptLine { source, runner },
        None => Msg::ScriptLineNoPid { source },
    })
}

/// Where the script came from: `demos/zombie.demo, built in`.
pub fn source<W: Words + ?Sized>(w: &W, origin: &Origin) -> String {
    match origin {
        Origin::Builtin(path) => w.say(&Msg::BuiltIn { path: path.clone() }),
        Origin::File(path) => path.clone(),
    }
}

/// A command-line or script-file problem (paths come escaped).
pub fn usage<W: Words + ?Sized>(w: &W, u: &Usage) -> String {
    w.say(&match u {
        Usage::UnknownDemo {
            name,
            closest,
            demos,
        } => Msg::UnknownDemo {
            name: name.clone(),
            closest: closest.map_or_else(String::new, |demo| w.say(&Msg::DidYouMean { demo })),
            demos: demos.clone(),
        },
        Usage::UnknownTopic { name, topics } => Msg::UnknownTopic {
            name: crate::render::sanitize::escape(name).into_owned(),
            topics: topics.clone(),
        },
        Usage::NoDemo { demos } => Msg::NoDemo {
            demos: demos.clone(),
        },
        Usage::NoCommand => Msg::NoCommand,
        Usage::CannotRead { path, error } => Msg::CannotRead {
            path: path.clone(),
            error: error.clone(),
        },
        Usage::NotUtf8 { path, offset } => Msg::NotUtf8 {
            path: path.clone(),
            offset: *offset,
        },
        Usage::TooLarge { path, max_mib } => Msg::TooLarge {
            path: path.clone(),
            max_mib: *max_mib,
        },
        Usage::NoTerminal { error } => Msg::NoTerminal {
            error: error.clone(),
        },
        Usage::NotForWatch { option } => Msg::NotForWatch { option },
        Usage::Report { path, error } => Msg::ReportFile {
            path: path.clone(),
            error: error.clone(),
        },
        Usage::HtmlWithoutRun { command } => Msg::HtmlWithoutRun { command },
        Usage::Output {
            option,
            path,
            clash,
        } => {
            let path = path.clone();
            match clash {
                Clash::Input => Msg::OutputIsInput { option, path },
                Clash::OtherOutput => Msg::OutputIsOtherOutput { option, path },
                Clash::Symlink => Msg::OutputIsSymlink { option, path },
                Clash::NotAFile => Msg::OutputNotAFile { option, path },
            }
        }
        Usage::WorksheetRunsNothing { option } => Msg::WorksheetRunsNothing { option },
        Usage::NotJson { option, command } => Msg::NotJson { option, command },
        Usage::BadRecording { file, line, error } => Msg::BadRecording {
            file: file.clone(),
            line: *line,
            error: error.clone(),
        },
        Usage::Html { path, error } => Msg::HtmlFile {
            path: path.clone(),
            error: error.clone(),
        },
        Usage::UnknownOption { arg, clap } => Msg::UnknownOption {
            arg: arg.clone(),
            clap: clap.clone(),
        },
        Usage::BadValue { arg, value, clap } => Msg::BadValue {
            arg: arg.clone(),
            value: value.clone(),
            clap: clap.clone(),
        },
        Usage::UnknownTask {
            name,
            closest,
            tasks,
        } => Msg::UnknownTask {
            name: crate::render::sanitize::escape(name).into_owned(),
            closest: closest.map_or_else(String::new, |task| w.say(&Msg::DidYouMeanTask { task })),
            tasks: tasks.clone(),
        },
        Usage::Task(e) => {
            return format!(
                "{}:{}: {}",
                e.file,
                e.line,
                crate::render::check::task_problem(w, &e.problem)
            );
        }
        // clap's own words, as they always were.
        Usage::Clap(m) => return m.clone(),
    })
}

/// What the system refused.
pub fn system<W: Words + ?Sized>(w: &W, s: &System) -> String {
    w.say(&match s {
        System::ForkWatcher { error } => Msg::ForkWatcher {
            error: error.clone(),
        },
        System::Setup { call, error } => Msg::SetupFailed {
            call,
            error: error.clone(),
        },
        System::Pipe {
            demo: Some(demo),
            error,
        } => Msg::PipeFor {
            demo: demo.clone(),
            error: error.clone(),
        },
        System::Pipe { demo: None, error } => Msg::NoPipe {
            error: error.clone(),
        },
        System::Fork { demo, error } => Msg::NoRunner {
            demo: demo.clone(),
            error: error.clone(),
        },
        System::Write { error } => Msg::NoWrite {
            error: error.clone(),
        },
        System::ProcMissing { error } => Msg::NoProcStat {
            error: error.clone(),
        },
        System::ProcUnreadable { error } => Msg::ProcStatUnreadable {
            error: error.clone(),
        },
        System::ProcNotUnderstood => Msg::ProcStatNotUnderstood,
    })
}

/// The summary's last line: `6 of 6 demos passed in 46.8 ms` (no time with --stable).
pub fn passed<W: Words + ?Sized>(
    w: &W,
    passed: usize,
    total: usize,
    time: Option<Duration>,
) -> String {
    let time = time.map_or_else(String::new, |t| w.say(&Msg::PassedIn { wall: w.wall(t) }));
    w.say(&Msg::Passed {
        passed,
        total,
        time,
    })
}

/// The score of a `--predict` run.
pub fn score<W: Words + ?Sized>(w: &W, right: usize, judged: usize, asked: usize) -> String {
    let unjudged = asked - judged;
    let more = if unjudged > 0 {
        w.say(&Msg::CompareYourself { unjudged })
    } else {
        String::new()
    };
    w.say(&Msg::Score {
        right,
        judged,
        more,
    })
}

/// The reveal: the student's answer, the value the kernel showed, and whether they agree.
pub fn reveal<W: Words + ?Sized>(w: &W, answer: &str, shown: &str, right: Option<bool>) -> String {
    let (answer, shown) = (answer.to_string(), shown.to_string());
    w.say(&match right {
        Some(true) => Msg::RevealRight { answer, shown },
        Some(false) => Msg::RevealWrong { answer, shown },
        None => Msg::RevealUnjudged { answer, shown },
    })
}

/// The processes a watch names (`4533 (sleep)`), in order.
fn watch_pids(n: &Names, pids: &[i32]) -> Vec<Pid> {
    pids.iter().map(|&p| n.pid(p)).collect()
}

/// Wrappers' command names, escaped.
fn escaped_all(names: &[String]) -> Vec<String> {
    names
        .iter()
        .map(|w| crate::render::sanitize::escape(w).into_owned())
        .collect()
}

/// An exit status in a few words: `exit code 0`, `killed by SIGKILL`.
pub fn exit_words<W: Words + ?Sized>(w: &W, status: ExitStatus) -> String {
    let signal = crate::render::signal_name;
    w.say(&match status {
        ExitStatus::Exited(code) => Msg::StatusExited { code },
        ExitStatus::Killed(sig) => Msg::StatusKilled {
            signal: signal(sig),
        },
        ExitStatus::Stopped(sig) => Msg::StatusStopped {
            signal: signal(sig),
        },
        ExitStatus::Continued => Msg::StatusContinued,
    })
}

/// A parent as a watch event names it: the watcher is named as the subreaper.
fn parent_name<W: Words + ?Sized>(w: &W, n: &Names, pid: i32) -> String {
    if pid == n.watcher {
        w.say(&Msg::WatcherSubreaper { pid })
    } else {
        n.pid(pid)
    }
}

/// One event of a watch, as a line (None: nothing to show for it as text).
pub fn watch_event<W: Words + ?Sized>(w: &W, event: &WatchEvent, n: &Names) -> Option<String> {
    let say = |m: Msg| w.say(&m);
    Some(say(match event {
        WatchEvent::Begin {
            watcher,
            limit,
            argv,
        } => Msg::WatchBegin {
            watcher: *watcher,
            limit: *limit,
            command: command_line(argv),
        },
        WatchEvent::Problem { .. } => return None,
        WatchEvent::Fork { parent, pid, .. } if *parent == n.watcher => Msg::WatchStarted {
            pid: n.pid(*pid),
            watcher: *parent,
        },
        WatchEvent::Fork {
            parent, pid, kind, ..
        } => Msg::WatchCreated {
            parent: n.pid(*parent),
            pid: *pid,
            how: say(match kind {
                ForkKind::Fork => Msg::ByFork,
                ForkKind::Vfork => Msg::ByVfork,
                ForkKind::Clone => Msg::ByClone,
            }),
        },
        WatchEvent::Thread { process, tid, .. } => Msg::WatchThread {
            process: n.pid(*process),
            tid: *tid,
        },
        WatchEvent::Exec { pid, argv, .. } => Msg::WatchExec {
            pid: n.pid(*pid),
            command: command_line(argv),
        },
        WatchEvent::State { pid, state, .. } => Msg::WatchState {
            pid: n.pid(*pid),
            letter: state.letter().unwrap_or('-'),
            meaning: w.state(*state),
        },
        WatchEvent::Stopped { pid, signal, .. } => Msg::WatchStopped {
            pid: n.pid(*pid),
            signal: w.signal(*signal),
        },
        WatchEvent::Continued { pid, .. } => Msg::WatchContinued { pid: n.pid(*pid) },
        WatchEvent::Exit {
            pid,
            status,
            core_dumped,
            ..
        } => Msg::WatchExit {
            pid: n.pid(*pid),
            status: exit_words(w, *status),
            core: if *core_dumped {
                say(Msg::CoreDumpedSuffix)
            } else {
                String::new()
            },
        },
        WatchEvent::Zombie {
            pid,
            parent,
            parent_waiting: true,
            ..
        } => Msg::WatchDeadWaited {
            pid: n.pid(*pid),
            parent: parent_name(w, n, *parent),
        },
        WatchEvent::Zombie { pid, parent, .. } => Msg::WatchZombie {
            pid: n.pid(*pid),
            parent: parent_name(w, n, *parent),
        },
        WatchEvent::Signal {
            pid,
            signal,
            code,
            sender,
            sender_comm,
            action,
            ..
        } => {
            let code_name = crate::render::watch::si_code_name(*signal, *code);
            let from = if *signal == libc::SIGCHLD && *code > 0 {
                Msg::FromKernelChild {
                    code: code_name.unwrap_or("SIGCHLD"),
                    child: *sender,
                }
            } else if *code <= 0 && *sender > 0 {
                Msg::FromSender {
                    name: if sender_comm.is_empty() {
                        n.pid(*sender)
                    } else {
                        format!(
                            "{sender} ({})",
                            crate::render::sanitize::escape(sender_comm)
                        )
                    },
                    how: code_name.unwrap_or("kill()"),
                }
            } else {
                match code_name {
                    Some(code) => Msg::FromKernelCode { code },
                    None => Msg::FromKernel,
                }
            };
            Msg::WatchSignal {
                pid: n.pid(*pid),
                signal: w.signal(*signal),
                from: say(from),
                what: say(match action {
                    SignalAction::Handled => Msg::ActionHandled,
                    SignalAction::Ignored => Msg::ActionIgnored,
                    SignalAction::Stopped => Msg::ActionStopped,
                    SignalAction::Continued => Msg::ActionContinued,
                    SignalAction::Killed => Msg::ActionKilled,
                }),
            }
        }
        WatchEvent::Renamed { pid, comm, .. } => Msg::WatchRenamed {
            pid: *pid,
            comm: crate::render::sanitize::escape(comm).into_owned(),
        },
        WatchEvent::Reaped {
            pid, by, zombie_us, ..
        } => {
            let after = zombie_us.map_or_else(String::new, |us| {
                say(Msg::AfterZombie { time: duration(us) })
            });
            let pid = n.pid(*pid);
            match by {
                Reaper::Parent { pid: parent } if zombie_us.is_some() => Msg::WatchReapedByParent {
                    pid,
                    parent: n.pid(*parent),
                    after,
                },
                Reaper::Parent { pid: parent } => Msg::WatchReapedAtOnce {
                    pid,
                    parent: n.pid(*parent),
                },
                Reaper::Watcher => Msg::WatchReapedByWatcher { pid },
                Reaper::Subreaper => Msg::WatchReapedBySubreaper {
                    pid,
                    watcher: n.watcher,
                    after,
                },
                Reaper::Kernel => Msg::WatchReleased { pid },
            }
        }
        WatchEvent::Orphaned { pid, from, to, .. } => Msg::WatchOrphaned {
            pid: n.pid(*pid),
            from: *from,
            to: parent_name(w, n, *to),
        },
        WatchEvent::MainExited {
            pid, status, alive, ..
        } => Msg::WatchMainExited {
            pid: *pid,
            status: exit_words(w, *status),
            rest: say(if alive.is_empty() {
                Msg::NothingAlive
            } else {
                Msg::StillAlive {
                    pids: watch_pids(n, alive),
                }
            }),
        },
        WatchEvent::Killed { reason, pids, .. } => Msg::WatchKilled {
            why: say(match reason {
                KillReason::Limit => Msg::KillLimit,
                KillReason::Survivors => Msg::KillSurvivors,
                KillReason::FrontEndGone => Msg::KillFrontEndGone,
                KillReason::Deadline => Msg::KillDeadline,
            }),
            pids: watch_pids(n, pids),
        },
        WatchEvent::End { .. } => Msg::WatchEnd,
        WatchEvent::Deadline {
            after_ms, stuck: s, ..
        } => Msg::WatchDeadline {
            after: script_duration(Duration::from_millis(*after_ms)),
            each: s.iter().map(|s| stuck(w, s)).collect(),
        },
        WatchEvent::Sessions { .. } => return None,
    }))
}

/// What one live process was doing at the deadline.
pub fn stuck<W: Words + ?Sized>(w: &W, s: &Stuck) -> String {
    let comm = crate::render::sanitize::escape(&s.comm).into_owned();
    w.say(&match &s.pipe {
        Some(pipe) => {
            let mut pids: Vec<i32> = pipe.writers.iter().map(|e| e.pid).collect();
            pids.sort_unstable();
            pids.dedup();
            let writers: Vec<String> = pids
                .iter()
                .map(|&p| {
                    let fds = pipe
                        .writers
                        .iter()
                        .filter(|e| e.pid == p)
                        .map(|e| e.fd.to_string())
                        .collect::<Vec<_>>()
                        .join(", ");
                    w.say(&if p == s.pid {
                        Msg::PipeWriterItself { pid: p, fds }
                    } else {
                        Msg::PipeWriter { pid: p, fds }
                    })
                })
                .collect();
            if writers.is_empty() {
                Msg::StuckPipeNoWriter {
                    pid: s.pid,
                    comm,
                    fd: pipe.fd,
                }
            } else {
                Msg::StuckPipe {
                    pid: s.pid,
                    comm,
                    fd: pipe.fd,
                    writers,
                }
            }
        }
        None => {
            let letter = s.state.and_then(|st| st.letter()).unwrap_or('?');
            let meaning = s.state.map_or("", |st| w.state(st)).to_string();
            match &s.wchan {
                Some(wchan) => Msg::StuckStateIn {
                    pid: s.pid,
                    comm,
                    letter,
                    meaning,
                    wchan: crate::render::sanitize::escape(wchan).into_owned(),
                },
                None => Msg::StuckState {
                    pid: s.pid,
                    comm,
                    letter,
                    meaning,
                },
            }
        }
    })
}

/// The paragraphs of a watch's end summary.
pub fn watch_summary<W: Words + ?Sized>(w: &W, s: &Summary, n: &Names) -> Vec<String> {
    let say = |m: Msg| w.say(&m);
    let processes = |count: usize| say(Msg::Processes { count });
    let mut out = vec![say(Msg::WatchCounts {
        processes: processes(s.processes),
        threads: say(Msg::Threads { count: s.threads }),
        execs: say(Msg::Execs { count: s.execs }),
        peak: s.peak_alive,
    })];
    if s.wrapper_helpers > 0 {
        out.push(say(Msg::WatchWrappersRan {
            wrappers: escaped_all(&s.wrappers),
            processes: processes(s.wrapper_helpers),
        }));
    }
    if !s.reaped_at_once.is_empty() {
        let pids: Vec<i32> = s.reaped_at_once.iter().map(|z| z.pid).collect();
        let shown = if pids.len() > 8 {
            Msg::WatchPidsCut {
                pids: watch_pids(n, &pids[..8]),
                total: pids.len(),
            }
        } else {
            Msg::WatchPids {
                pids: watch_pids(n, &pids),
            }
        };
        out.push(say(Msg::WatchReapedAtOnceList { shown: say(shown) }));
    }
    out.push(say(if s.zombies.is_empty() {
        Msg::WatchNoZombies
    } else {
        Msg::WatchZombies {
            rows: s
                .zombies
                .iter()
                .map(|z| {
                    let by = match z.reaper {
                        Some(Reaper::Parent { pid }) if !z.reaper_comm.is_empty() => {
                            Msg::ZombieReapedBy {
                                name: format!(
                                    "{pid} ({})",
                                    crate::render::sanitize::escape(&z.reaper_comm)
                                ),
                            }
                        }
                        Some(Reaper::Parent { pid }) => Msg::ZombieReapedBy { name: n.pid(pid) },
                        Some(Reaper::Subreaper | Reaper::Watcher) => Msg::ZombieReapedByProcdemo,
                        Some(Reaper::Kernel) => Msg::ZombieReleased,
                        None => Msg::ZombieNeverReaped,
                    };
                    say(Msg::ZombieRow {
                        pid: n.pid(z.pid),
                        how_long: z.zombie_us.map_or_else(|| say(Msg::UntilTheEnd), duration),
                        by: say(by),
                    })
                })
                .collect(),
        }
    }));
    if !s.released.is_empty() {
        out.push(say(Msg::WatchReleasedList {
            pids: watch_pids(n, &s.released),
        }));
    }
    out.push(say(if s.orphans.is_empty() {
        Msg::WatchNoOrphans
    } else {
        Msg::WatchOrphans {
            rows: s
                .orphans
                .iter()
                .map(|&(pid, from, to)| {
                    say(Msg::OrphanRow {
                        pid: n.pid(pid),
                        from,
                        to: if to == n.watcher {
                            say(Msg::TheWatcher { pid: to })
                        } else {
                            n.pid(to)
                        },
                    })
                })
                .collect(),
        }
    }));
    if !s.reaped_by_procdemo.is_empty() {
        out.push(say(Msg::WatchNeverReaped {
            pids: watch_pids(n, &s.reaped_by_procdemo),
        }));
    }
    if let (Some(pid), Some(status)) = (s.main_pid, s.main_status) {
        out.push(say(Msg::WatchFirstEnded {
            pid,
            status: exit_words(w, status),
        }));
        if !s.alive_at_main_exit.is_empty() {
            let killed = s.killed.iter().any(|(r, _)| *r == KillReason::Survivors);
            out.push(say(Msg::WatchAliveAtEnd {
                pids: watch_pids(n, &s.alive_at_main_exit),
                fate: say(if killed {
                    Msg::FateKilled
                } else {
                    Msg::FateLeftAlone
                }),
            }));
        }
    }
    for (reason, pids) in &s.killed {
        match reason {
            KillReason::Limit => out.push(say(Msg::WatchStoppedAtLimit {
                limit: s.limit,
                processes: processes(pids.len()),
            })),
            KillReason::Survivors => {}
            KillReason::FrontEndGone => out.push(say(Msg::WatchKilledAsItEnded {
                processes: processes(pids.len()),
            })),
            KillReason::Deadline => out.push(say(Msg::WatchStoppedAtDeadline {
                processes: processes(pids.len()),
            })),
        }
    }
    if let Some(sig) = s.interrupted {
        out.push(say(Msg::WatchInterrupted {
            signal: w.signal(sig),
        }));
    } else if !s.complete {
        out.push(say(Msg::WatchEndedEarly));
    }
    out
}

/// One process in the tree at a watch's end: what it ran and what became of it.
pub fn watch_node<W: Words + ?Sized>(w: &W, node: &Node, n: &Names) -> String {
    let say = |m: Msg| w.say(&m);
    let mut parts = vec![n.pid(node.pid)];
    if node.wrappers.is_empty() {
        for argv in &node.execs {
            parts.push(say(Msg::NodeExec {
                command: command_line(argv),
            }));
        }
    } else if let Some(argv) = node.execs.last() {
        parts.push(say(Msg::NodeExecWrapped {
            command: command_line(argv),
            count: node.wrappers.len(),
            wrappers: escaped_all(&node.wrappers),
        }));
    }
    parts.push(match node.status {
        Some(status) => exit_words(w, status),
        None => say(Msg::NodeAlive),
    });
    if node.core_dumped {
        parts.push(say(Msg::NodeCoreDumped));
    }
    if let Some(us) = node.zombie_us {
        parts.push(say(if node.parent_waiting {
            Msg::NodeReapedAtOnce
        } else {
            Msg::NodeZombie { time: duration(us) }
        }));
    }
    if node.signals > 0 {
        parts.push(say(Msg::NodeSignals {
            count: node.signals,
        }));
    }
    for &(_, to) in &node.orphaned {
        parts.push(say(if to == n.watcher {
            Msg::NodeOrphanToProcdemo
        } else {
            Msg::NodeOrphanTo { to }
        }));
    }
    if let Some(by) = node.reaper {
        parts.push(say(match by {
            Reaper::Parent { pid } => Msg::NodeReapedBy { pid },
            Reaper::Watcher => Msg::NodeReapedByWatcher,
            Reaper::Subreaper => Msg::NodeReapedBySubreaper,
            Reaper::Kernel => Msg::NodeReleased,
        }));
    }
    say(Msg::WatchParts { parts })
}

/// The processes a watched program's wrappers ran, folded into one line of the tree.
pub fn watch_helpers<W: Words + ?Sized>(w: &W, count: usize, wrappers: &[String]) -> String {
    w.say(&Msg::WatchHelpers {
        processes: w.say(&Msg::Processes { count }),
        wrappers: escaped_all(wrappers),
    })
}

/// The line that says a process's further children's routine event lines are folded.
pub fn watch_fold_begins<W: Words + ?Sized>(w: &W, parent: i32, shown: usize, n: &Names) -> String {
    w.say(&Msg::WatchFoldBegins {
        parent: n.pid(parent),
        shown,
    })
}

/// The line at the end that counts the folded event lines.
pub fn watch_folded<W: Words + ?Sized>(w: &W, lines: usize, children: usize) -> String {
    w.say(&Msg::WatchFolded { lines, children })
}

/// A folded run of similar children in the tree.
pub fn watch_group<W: Words + ?Sized>(w: &W, g: &Group, n: &Names) -> String {
    let say = |m: Msg| w.say(&m);
    let mut parts = vec![say(Msg::GroupHead {
        count: g.count,
        parent: n.pid(g.parent),
        how: g.how.clone(),
    })];
    if let Some((lo, hi)) = g.exit_codes {
        parts.push(say(if lo == hi {
            Msg::GroupExited { code: lo }
        } else {
            Msg::GroupExitedRange { lo, hi }
        }));
    }
    if g.killed > 0 {
        parts.push(say(Msg::GroupKilled { count: g.killed }));
    }
    if let Some((lo, hi)) = g.reap_us {
        parts.push(say(Msg::GroupReapedWithin { lo, hi }));
    }
    if g.zombies > 0 {
        parts.push(say(Msg::GroupZombies { count: g.zombies }));
    }
    say(Msg::WatchParts { parts })
}

/// Why a watch could not start the program (`command`: its argv[0], escaped).
pub fn watch_problem<W: Words + ?Sized>(w: &W, command: &str, problem: &WatchProblem) -> String {
    let command = command.to_string();
    w.say(&match problem {
        WatchProblem::Exec {
            errno,
            found: true,
            interpreter,
        } if *errno == libc::ENOENT => Msg::WatchNoInterpreter {
            command,
            interpreter: interpreter.as_deref().map_or_else(
                || w.say(&Msg::Unnamed),
                |i| crate::render::sanitize::escape(i).into_owned(),
            ),
            errno: w.errno(*errno),
        },
        WatchProblem::Exec { errno, .. } if *errno == libc::ENOENT => Msg::WatchNotFound {
            command,
            errno: w.errno(*errno),
        },
        WatchProblem::Exec { errno, .. } => Msg::WatchCannotRun {
            command,
            errno: w.errno(*errno),
        },
        WatchProblem::Trace { errno, tracer } if *tracer != 0 => Msg::WatchTracedAlready {
            command,
            tracer: *tracer,
            errno: w.errno(*errno),
        },
        WatchProblem::Trace { errno, .. } => Msg::WatchCannotTrace {
            command,
            errno: w.errno(*errno),
        },
        WatchProblem::Setup { call, errno } => Msg::WatchSetupFailed {
            call: call.clone(),
            errno: w.errno(*errno),
        },
        WatchProblem::Lost => Msg::WatchLost,
    })
}

/// A duration as a script writes it, the same in every language: `2 s`, `100 ms`.
pub fn script_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// A wall time in the summary, the same in every language: `3.3 ms`.
pub fn wall(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

// ---- language-neutral pieces every language shows as they are -----------------------

/// A size in bytes as MiB (or KiB below 1 MiB).
pub fn size(bytes: usize) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{} KiB", bytes >> 10)
    }
}

/// The C library's text for an errno, without Rust's " (os error N)" suffix.
pub fn strerror(errno: i32) -> String {
    let text = std::io::Error::from_raw_os_error(errno).to_string();
    text.split(" (os error").next().unwrap_or(&text).to_string()
}

/// The symbolic name of an errno, e.g. ECHILD.
pub fn errno_name(errno: i32) -> String {
    format!("{:?}", nix::Error::from_raw(errno))
}

pub fn cmp_sign(cmp: Cmp) -> &'static str {
    match cmp {
        Cmp::Eq => "=",
        Cmp::AtLeast => ">=",
        Cmp::AtMost => "<=",
        Cmp::More => ">",
        Cmp::Less => "<",
    }
}

/// `` kB`` for a memory figure, nothing for a fault count.
pub fn unit(field: Field) -> &'static str {
    match field {
        Field::Faults | Field::Share | Field::SchedWeight => "",
        Field::Cpu => " µs",
        Field::Pid
        | Field::Ppid
        | Field::Parent
        | Field::State
        | Field::Stat
        | Field::Comm
        | Field::Result
        | Field::ExitCode
        | Field::Session
        | Field::Pgrp
        | Field::Nice
        | Field::Sigchld
        | Field::Rss
        | Field::Pss
        | Field::SharedDirty
        | Field::PrivateDirty
        | Field::Exe
        | Field::Cmdline
        | Field::Blocked
        | Field::Pending
        | Field::Ignored
        | Field::Caught
        | Field::NsPid
        | Field::Output
        | Field::Returned
        | Field::Exitcode => " kB",
    }
}

/// Output as printf's format would write it: the text in quotes, a newline as `\n`, any
/// other control character escaped.
pub fn quoted(text: &str) -> String {
    let escaped = crate::render::sanitize::escape(&text.replace('\\', "\\\\").replace('\n', "\\n"))
        .into_owned();
    format!("\"{escaped}\"")
}

/// The signals named in a list, for a step's result: `{SIGCHLD, SIGTERM}`.
pub fn signal_set(signals: &[i32]) -> String {
    let names: Vec<String> = signals
        .iter()
        .map(|s| crate::render::signal_name(*s))
        .collect();
    format!("{{{}}}", names.join(", "))
}
