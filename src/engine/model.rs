//! The engine's data model: what a run is made of, as typed values with no human language.
//!
//! The runner emits [`Event`]s, one per thing that happened, down a pipe to the front end as
//! they happen; the front end hands each to a renderer (text, JSON, JSON events). Everything
//! here is data: states are enums, failures are typed with the values that explain them,
//! narration is a list of typed values. Only `render/` turns them into words, through
//! exhaustive matches, so that a second language is one more module the compiler forces to be
//! complete.
//!
//! Roles are named by their index in `Script::roles` ([`RoleId`]); the renderer has the
//! script, and so the names, the step texts and line numbers.

pub use crate::kernel::{Memory, State};
use crate::script::{Cmp, Cond, Field, Operand, RoleId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// Who a process's parent is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Parent {
    /// One of the demo's roles (the runner included).
    Role(RoleId),
    /// A process outside the demo, by its command name.
    Other { comm: String },
    /// The parent could not be read (it exited meanwhile).
    Unknown,
}

/// SIGCHLD's disposition, from the SigIgn and SigCgt masks of /proc/PID/status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Disposition {
    Default,
    Ignored,
    Caught,
}

/// A process tracing one of the demo's processes that is not itself one of the demo's
/// processes: strace or gdb run beside procdemo (TracerPid in /proc/PID/status).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tracer {
    pub pid: i32,
    /// Its command name (None if it could not be read).
    pub comm: Option<String>,
}

/// What the kernel reported about one role at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub role: RoleId,
    pub pid: i32,
    pub state: State,
    pub ppid: Option<i32>,
    pub parent: Option<Parent>,
    /// The ps-style STAT: the state letter and procps's flags (`<` `N` `L` `s` `l` `+`).
    pub stat: Option<String>,
    pub comm: Option<String>,
    pub pgrp: Option<i32>,
    pub session: Option<i32>,
    pub nice: Option<i64>,
    /// The kernel function a sleeping process waits in (/proc/PID/wchan), for S and D.
    pub wchan: Option<String>,
    /// The raw wait status a zombie holds for its parent (/proc/PID/stat field 52).
    pub exit_status: Option<i32>,
    /// SIGCHLD's disposition (None for a zombie or a process gone: its masks are released).
    pub sigchld: Option<Disposition>,
    /// A `try` step may have changed this role's state (it acted, or was traced): what it
    /// shows may differ between root and a normal user, so --stable output leaves it out.
    pub depends_on_privilege: bool,
    /// What `ps -o stat=` said about the same process (only with --check-ps).
    pub ps_stat: Option<String>,
    /// A tracer from outside the demo (strace, gdb): under it, every stop shows as `t`.
    pub tracer: Option<Tracer>,
    /// In a PID namespace below the runner's: its PID there (the last of NSpid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ns_pid: Option<i32>,
}

/// The five signal masks of /proc/PID/status, as the kernel keeps them: bit N-1 is signal N.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignalMasks {
    /// SigPnd: pending for this thread.
    pub pending: u64,
    /// ShdPnd: pending for the whole process (where a SIGCHLD from a child goes).
    pub shared_pending: u64,
    /// SigBlk: blocked (held pending, not delivered).
    pub blocked: u64,
    /// SigIgn: ignored.
    pub ignored: u64,
    /// SigCgt: caught by a handler.
    pub caught: u64,
}

impl SignalMasks {
    /// The signals in a mask, lowest first.
    pub fn signals(mask: u64) -> Vec<i32> {
        (1..=64).filter(|s| mask & (1u64 << (s - 1)) != 0).collect()
    }

    /// The mask bit of a signal.
    pub fn bit(signal: i32) -> u64 {
        1u64 << (signal - 1)
    }
}

/// Whose a descriptor of a role's process is, as the runner knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FdOwner {
    /// Opened by the script's `open` at this step (in this process or, before a fork, in its
    /// creator).
    Opened {
        step: usize,
    },
    /// One of procdemo's own pipes: a role's command pipe, the report pipe, a role's output
    /// pipe (its standard output and error).
    CommandPipe(RoleId),
    ReportPipe,
    OutputPipe(RoleId),
    /// None of those (standard input, /dev/null; or a program's own).
    Other,
}

/// One open file descriptor of a process: /proc/PID/fd/N and the flags of /proc/PID/fdinfo/N.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenFd {
    pub fd: i32,
    /// What the link says: a path, `pipe:[12345]`, `/dev/null`.
    pub target: String,
    /// FD_CLOEXEC (O_CLOEXEC in fdinfo's flags): closed by the next execve().
    pub cloexec: bool,
    pub owner: FdOwner,
}

/// /proc/PID/exe: the file the process is running.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exe {
    pub path: String,
    /// The same file as the runner's own: procdemo's binary (its path varies by install).
    pub procdemo: bool,
}

/// /proc/PID/cmdline: the argument vector the process was started (or exec'd) with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cmdline {
    pub args: Vec<String>,
    /// The same as the runner's: procdemo's own command line, which a fork keeps.
    pub procdemo: bool,
}

/// Whether a role's `alloc` region is still mapped (/proc/PID/maps has its start address).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionMapped {
    pub addr: u64,
    pub bytes: usize,
    pub mapped: bool,
}

/// An `inspect` step's reading of one role: an observation and what a process is made of
/// beyond its state (the program it runs, its descriptors, its signal masks). A field the
/// kernel would not give (a zombie has no exe, no descriptors) is None.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inspection {
    pub observation: Observation,
    pub exe: Option<Exe>,
    pub cmdline: Option<Cmdline>,
    /// NSpid: its PID in each PID namespace it is in, outermost first.
    pub ns_pids: Vec<i32>,
    pub signals: Option<SignalMasks>,
    pub fds: Option<Vec<OpenFd>>,
    /// Its `alloc` region, if it had one (its own or its creator's).
    pub region: Option<RegionMapped>,
}

/// What a role has written to its standard output and error (its own pipe, which the runner
/// reads), everything so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Captured {
    pub role: RoleId,
    /// The bytes, as UTF-8 (an invalid sequence shown as U+FFFD).
    pub text: String,
    /// How many bytes it wrote in all.
    pub bytes: usize,
    /// Only the first bytes are kept: `text` is cut.
    pub cut: bool,
}

/// One role's `measure`: the whole process, its `alloc` region, and minflt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemoryReading {
    pub role: RoleId,
    pub pid: i32,
    pub whole: Memory,
    pub minflt: u64,
    /// The region's own figures and size in bytes (None when the role has no region).
    pub region: Option<(Memory, usize)>,
}

/// A `share` step: the CPU time each role used during one window, read from /proc. The
/// window is ended by the kernel's figure for one role (`until`): when it has used the CPU
/// time wanted, or, on a machine too busy to give it that within [`CpuShare::BUSY_WALL`] of
/// wall time (a classroom of 128 on two cores), as soon as that much wall time has passed and
/// it has used at least [`CpuShare::floor_ns`], a tenth of it ([`CpuShare::cut_short`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CpuShare {
    /// The role whose CPU time ends the window, and how much it was to use (ns).
    pub until: RoleId,
    pub wanted_ns: u64,
    /// Wall time from the first reading to the last.
    pub wall: Duration,
    /// How many times every role was read during the window, the first and last included.
    pub reads: u32,
    /// Clock ticks per second (sysconf(_SC_CLK_TCK)), the unit of utime and stime.
    pub ticks_per_s: u64,
    /// The CPUs the runner, which did the reading, may run on (its Cpus_allowed_list).
    pub runner_cpus: String,
    pub rows: Vec<CpuRow>,
}

/// One role of a `share` window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CpuRow {
    pub role: RoleId,
    pub pid: i32,
    /// Its nice value (/proc/PID/stat), read at the end of the window.
    pub nice: i64,
    /// The CPUs it may run on (Cpus_allowed_list in /proc/PID/status).
    pub cpus: String,
    /// Every state letter read during the window, each once, in the order first seen.
    pub states: Vec<State>,
    /// Nanoseconds on a CPU (the first field of /proc/PID/schedstat) at the window's start
    /// and end.
    pub ns_before: u64,
    pub ns_after: u64,
    /// utime + stime (/proc/PID/stat, clock ticks) at the window's start and end.
    pub ticks_before: u64,
    pub ticks_after: u64,
}

impl CpuRow {
    /// Nanoseconds on a CPU during the window.
    pub fn used_ns(&self) -> u64 {
        self.ns_after.saturating_sub(self.ns_before)
    }

    /// Clock ticks of utime + stime during the window.
    pub fn used_ticks(&self) -> u64 {
        self.ticks_after.saturating_sub(self.ticks_before)
    }
}

impl CpuShare {
    /// The wall time after which a busy machine's window ends with less CPU time than wanted.
    pub const BUSY_WALL: Duration = Duration::from_secs(2);

    /// The CPU time `until` must have used for a window to end at [`CpuShare::BUSY_WALL`]: a
    /// tenth of what is wanted (20 ms of 200 ms is still tens of the scheduler's turns).
    pub fn floor_ns(wanted_ns: u64) -> u64 {
        wanted_ns / 10
    }

    /// The window ended at [`CpuShare::BUSY_WALL`], before `until` had used all it wanted.
    pub fn cut_short(&self) -> bool {
        self.rows
            .iter()
            .find(|r| r.role == self.until)
            .is_some_and(|r| r.used_ns() < self.wanted_ns)
    }

    /// Nanoseconds every role of the window used, together.
    pub fn total_ns(&self) -> u64 {
        self.rows.iter().map(CpuRow::used_ns).sum()
    }

    /// The sum of the kernel's weights for the roles' nice values (None if one is unknown).
    pub fn total_weight(&self) -> Option<u64> {
        self.rows
            .iter()
            .map(|r| sched_weight(r.nice).map(u64::from))
            .sum()
    }
}

/// The kernel's table of load weights for the nice values -20 to 19, `sched_prio_to_weight`
/// in kernel/sched/core.c (Linux 2.6.23 to this day): each step of nice is about 1.25 times
/// the weight, nice 0 is 1024. The fair scheduler gives runnable tasks that compete for one
/// CPU (in one group) CPU time in proportion to these. Copied from the kernel's source, NOT
/// read from the running kernel: output names it as the kernel's table, never as an
/// observation.
pub const SCHED_PRIO_TO_WEIGHT: [u32; 40] = [
    88761, 71755, 56483, 46273, 36291, // -20
    29154, 23254, 18705, 14949, 11916, // -15
    9548, 7620, 6100, 4904, 3906, // -10
    3121, 2501, 1991, 1586, 1277, // -5
    1024, 820, 655, 526, 423, // 0
    335, 272, 215, 172, 137, // 5
    110, 87, 70, 56, 45, // 10
    36, 29, 23, 18, 15, // 15
];

/// The weight [`SCHED_PRIO_TO_WEIGHT`] gives a nice value (None outside -20 to 19).
pub fn sched_weight(nice: i64) -> Option<u32> {
    let index = usize::try_from(nice + 20).ok()?;
    SCHED_PRIO_TO_WEIGHT.get(index).copied()
}

/// A decoded wait status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExitStatus {
    /// WIFEXITED, with WEXITSTATUS.
    Exited(i32),
    /// WIFSIGNALED, with WTERMSIG.
    Killed(i32),
    /// WIFSTOPPED, with WSTOPSIG.
    Stopped(i32),
    Continued,
}

impl ExitStatus {
    /// Decode a raw wait status the way the C macros do.
    pub fn decode(status: i32) -> ExitStatus {
        if libc::WIFEXITED(status) {
            ExitStatus::Exited(libc::WEXITSTATUS(status))
        } else if libc::WIFSIGNALED(status) {
            ExitStatus::Killed(libc::WTERMSIG(status))
        } else if libc::WIFSTOPPED(status) {
            ExitStatus::Stopped(libc::WSTOPSIG(status))
        } else {
            ExitStatus::Continued
        }
    }
}

/// A value interpolated into narration (`{ROLE.FIELD}`), as it was when the `say` line was
/// reached. The renderer decides how each is written (a PID as a number or as `<role>` in
/// --stable output, a count that varies left out of --stable output).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    /// Not observed by then: narration never makes a value up.
    NotObserved,
    /// A PID (or a session or group id, which is a PID).
    Pid(i32),
    /// A plain number that is the same every run (a nice value, kB of a region).
    Number(i64),
    /// A number that varies from run to run (a fault count); --stable output leaves a
    /// non-zero one out.
    Varying(u64),
    State(State),
    /// A ps-style STAT.
    Stat(String),
    /// A command name.
    Comm(String),
    Parent(Parent),
    /// SIGCHLD's disposition; None for a zombie or a process that is gone.
    Sigchld(Option<Disposition>),
    /// The status a zombie holds, decoded.
    ExitCode(ExitStatus),
    /// The role's latest action result.
    Result(crate::script::actions::Outcome),
    /// From its latest `inspect`: the file it runs, its command line, a signal mask (bit N-1
    /// is signal N), its PID in each namespace.
    Exe(Exe),
    Cmdline(Cmdline),
    Signals(u64),
    NsPids(Vec<i32>),
    /// What it had written by its latest `output` step.
    Output(Captured),
    /// A value that may differ between root and a normal user: --stable output hides it.
    DependsOnPrivilege(Box<Value>),
    /// CPU time used in a `share` window, in ns: it varies, --stable output leaves it out.
    CpuTime(u64),
    /// A role's share of the CPU time of a `share` window: `used` of `total` ns (varies).
    Share {
        used: u64,
        total: u64,
    },
}

/// A piece of narration: literal text from the script, or a value read during the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Said {
    Text(String),
    Value {
        role: RoleId,
        field: Field,
        value: Value,
    },
}

/// One `say` line of a paragraph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SayLine {
    pub step: usize,
    /// The line in the script's base language.
    pub said: Vec<Said>,
    /// The same line in each language the script has a `say.LANG` line for it in: language
    /// code → its pieces, with the same values.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub said_in: BTreeMap<String, Vec<Said>>,
}

/// Why a role could not be given its command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unable {
    Gone,
    Zombie,
    Stopped,
    TracingStop,
}

/// Why `measure` could not read a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unmeasurable {
    Gone,
    /// A zombie has no memory map.
    Zombie,
    /// Its region's start address is not in /proc/PID/smaps.
    RegionMissing {
        addr: u64,
    },
}

/// The figure an `expect` step could not find.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Missing {
    /// The role's latest `measure` has no such figure (no region, or one measurement only).
    Figure { role: RoleId, field: Field },
    /// The operand's role was not measured.
    Operand,
}

/// An `expect` step's comparison, with both figures as the kernel reported them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub role: RoleId,
    pub field: Field,
    pub cmp: Cmp,
    pub operand: Operand,
    pub actual: u64,
    pub wanted: u64,
}

/// What made the runner give up early. Each carries the values its message needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Failure {
    /// The script ran past its total deadline.
    TotalDeadline {
        timeout: Duration,
    },
    /// A role was told to act but could not (it died or was stopped by something the script
    /// did not say).
    CannotAct {
        role: RoleId,
        step: usize,
        why: Unable,
    },
    /// An action names a role whose process is gone (it died and was reaped outside the
    /// script's steps): its PID could now name another process, so the action is not sent.
    TargetGone {
        role: RoleId,
        step: usize,
        target: RoleId,
    },
    /// The command could not be written to the role's pipe.
    CommandNotSent {
        role: RoleId,
        step: usize,
        errno: i32,
    },
    /// fork or clone refused: EAGAIN comes with RLIMIT_NPROC's soft limit (None: unlimited).
    ForkRefused {
        role: RoleId,
        call: crate::script::actions::Call,
        errno: i32,
        nproc_limit: Option<Option<u64>>,
    },
    /// A new process did not say hello.
    NoHello {
        role: RoleId,
        within: Duration,
    },
    /// An action's result did not come in time. `blocked`: the process was alive and not
    /// stopped, so the action may simply block (the `&` hint applies).
    NoResult {
        role: RoleId,
        step: usize,
        within: Duration,
        seen: Option<Observation>,
        blocked: bool,
    },
    /// The machine was too busy: `role` was runnable (R) — ready to run, waiting for a CPU or
    /// working — when the script's total deadline ran out, `waited` after its step began,
    /// having had `cpu` of CPU time in all. Not the script's fault, nor the kernel's answer.
    TooBusy {
        role: RoleId,
        step: usize,
        waited: Duration,
        cpu: Duration,
    },
    /// The role died while it performed its action (no result came): `seen` shows how (a
    /// zombie holding SIGKILL: the OOM killer, or `kill -9` from outside).
    DiedDuring {
        role: RoleId,
        step: usize,
        seen: Option<Observation>,
    },
    /// An action that later steps depend on (a region, a thread) failed: the run stops here
    /// with the kernel's answer rather than fail later for a reason that is not the cause.
    Needed {
        role: RoleId,
        call: crate::script::actions::Call,
        errno: i32,
    },
    /// An action started with `&` did not say it was under way.
    NotStarted {
        role: RoleId,
        step: usize,
        within: Duration,
        seen: Option<Observation>,
    },
    /// The runner's own waitpid found no exited child in time.
    RunnerWaitTimeout {
        role: RoleId,
        within: Duration,
        seen: Option<Observation>,
    },
    /// An awaited condition did not hold by the deadline. `total`: the script's total
    /// deadline (`timeout`) came first.
    AwaitTimeout {
        role: RoleId,
        cond: Cond,
        within: Duration,
        total: Option<Duration>,
        reads: u32,
        seen: Observation,
    },
    /// `await ROLE done` did not see the result in time.
    DoneTimeout {
        role: RoleId,
        step: usize,
        within: Duration,
        total: Option<Duration>,
        seen: Option<Observation>,
    },
    Unmeasurable {
        role: RoleId,
        why: Unmeasurable,
    },
    /// An `expect` step that did not hold.
    ExpectFailed(Check),
    /// An `expect` step that had nothing to compare.
    ExpectMissing {
        role: RoleId,
        field: Field,
        missing: Missing,
    },
    /// A `try` step failed with an errno that is not a permission refusal.
    TryNotRefusal {
        step: usize,
        call: crate::script::actions::Call,
        errno: i32,
    },
    /// With --check-ps: ps read a STAT differently from /proc.
    PsDisagrees {
        role: RoleId,
        pid: i32,
        ours: String,
        theirs: String,
    },
    /// With --check-ps: ps could not be run.
    PsUnavailable {
        errno: Option<i32>,
    },
    /// A /proc file of a role could not be read (hidepid, another user's process...).
    ProcUnreadable {
        role: RoleId,
        pid: i32,
        file: String,
        errno: Option<i32>,
    },
    /// /proc is missing or not a procfs.
    NoProc {
        errno: Option<i32>,
    },
    /// A system call the runner needs for itself failed (pipe, prctl, fcntl...).
    Setup {
        call: crate::script::actions::Call,
        errno: i32,
    },
    /// An actor's report could not be decoded.
    GarbledReport,
    /// More than `limit` processes of the run were alive at once (`seen` counted): a program
    /// a role exec'd made them (a script's own processes are far fewer). Every one was stopped,
    /// then killed.
    FamilyLimit {
        limit: usize,
        seen: usize,
    },
    /// The runner itself ended abnormally (synthesised by the front end, which then killed
    /// and reaped the `left` processes it had left).
    Runner {
        problem: RunnerProblem,
        left: usize,
    },
    /// A `share` step could not measure its window.
    Share {
        role: RoleId,
        why: Unshared,
    },
}

/// Why a `share` window could not be measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unshared {
    /// The role is gone (reaped).
    Gone,
    /// The role is a zombie: it runs no more.
    Zombie,
    /// /proc/PID/schedstat is missing or reads all zeros: this kernel keeps no per-task CPU
    /// time there (no CONFIG_SCHED_INFO, or sched_info off).
    NoSchedstat,
    /// The script's total deadline ran out first: the role had used `used_ns` of the CPU
    /// time wanted, in `waited` of wall time.
    Deadline {
        used_ns: u64,
        wanted_ns: u64,
        waited: Duration,
    },
}

/// How a `try` step went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    Permitted,
    /// Refused for want of privilege (EPERM or EACCES).
    Refused,
    /// `trace` refused (EPERM) because a tracer from outside the demo already traces the
    /// target: a process has one tracer at a time. Steps that end `if permitted` are skipped.
    AlreadyTraced(Tracer),
}

/// One thing that happened in a run, sent from the runner to the front end as it happens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Event {
    /// The run began in the runner with this PID.
    Begin { runner_pid: i32 },
    /// A role's process exists and obeys commands (emitted before the step that created it).
    /// `ns_pids`: NSpid, outermost first, for a process in a PID namespace below the
    /// runner's (empty otherwise): the PIDs it sees and is told are the last of these.
    Spawned {
        role: RoleId,
        pid: i32,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        ns_pids: Vec<i32>,
    },
    /// An action step. `outcome` is None for an action started with `&` (its result comes at
    /// `await ROLE done`); `verdict` is set for a `try` step.
    Act {
        step: usize,
        role: RoleId,
        outcome: Option<crate::script::actions::Outcome>,
        verdict: Option<Verdict>,
    },
    /// An `observe` or `tree` step.
    Observe {
        step: usize,
        observations: Vec<Observation>,
    },
    /// An `await` that held. For `await ROLE done`, `outcome` is the `&` action's result and
    /// `observation` is None.
    Await {
        step: usize,
        observation: Option<Observation>,
        outcome: Option<crate::script::actions::Outcome>,
        /// /proc reads until the condition held (None for `done`).
        reads: Option<u32>,
        waited: Duration,
    },
    Measure {
        step: usize,
        readings: Vec<MemoryReading>,
    },
    /// An `inspect` step.
    Inspect {
        step: usize,
        inspections: Vec<Inspection>,
    },
    /// An `output` step: what each role has written to its standard output and error.
    Output { step: usize, outputs: Vec<Captured> },
    /// An `expect` step that held.
    Expect { step: usize, check: Check },
    /// Consecutive `say` lines (one paragraph), with this run's values.
    Say { lines: Vec<SayLine> },
    /// A step ending `if permitted` whose `try` (at `try_step`) was refused.
    Skipped { step: usize, try_step: usize },
    /// An `end unless ROLE permitted` step: whether the `try` at `try_step` was permitted.
    /// If it was not, the run ends here, and passes: this is the last step.
    EndUnless {
        step: usize,
        try_step: usize,
        permitted: bool,
    },
    /// The run stopped early. `step`: the step it stopped at (None: before any step);
    /// `observation`: what an await saw last, shown like a table row.
    Failed {
        step: Option<usize>,
        failure: Failure,
    },
    /// An `ask` step: a question about what comes next. In a paced run the runner then waits
    /// to be let go, so that the class can answer before the step runs.
    Ask { step: usize },
    /// The answer to the `ask` at `ask`: the field's value once the step after it has run.
    Answer { ask: usize, value: Value },
    /// The runner is about to perform this step and waits to be let go (`--step`, `--delay`):
    /// every process is as the previous steps left it, for as long as the class looks.
    Next { step: usize },
    /// At the end the runner killed and reaped this many processes the script left running.
    Cleanup { killed: usize },
    /// The last event of a run.
    End { ok: bool },
    /// A `share` step: the CPU time of its roles over one window.
    Share { step: usize, share: CpuShare },
}

impl Event {
    /// The step an event belongs to, if any.
    pub fn step(&self) -> Option<usize> {
        match self {
            Event::Act { step, .. }
            | Event::Observe { step, .. }
            | Event::Await { step, .. }
            | Event::Measure { step, .. }
            | Event::Inspect { step, .. }
            | Event::Output { step, .. }
            | Event::Expect { step, .. }
            | Event::Share { step, .. }
            | Event::Skipped { step, .. }
            | Event::EndUnless { step, .. }
            | Event::Next { step }
            | Event::Ask { step } => Some(*step),
            Event::Answer { ask, .. } => Some(*ask),
            Event::Say { lines } => lines.first().map(|l| l.step),
            Event::Failed { step, .. } => *step,
            Event::Begin { .. }
            | Event::Spawned { .. }
            | Event::Cleanup { .. }
            | Event::End { .. } => None,
        }
    }
}

/// The first line of a recorded run (`--record-events`): what `procdemo replay` needs to
/// render the events after it again, with no process: the script's own text as it ran, and
/// how it was run. Then come the run's events, one a line, as the runner sent them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recording {
    /// The recording's format (1).
    pub recording: u32,
    /// The demo's name (`zombie`, a user script's file stem).
    pub name: String,
    /// The script as its errors name it (`demos/zombie.demo`, the path given).
    pub file: String,
    pub origin: Origin,
    /// `--size`, which changes the script's `alloc` steps.
    pub size_mib: Option<u64>,
    /// The script's text.
    pub script: String,
}

/// Where a run's script came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Origin {
    /// A built-in demo: its path in the source tree (`demos/zombie.demo`).
    Builtin(String),
    /// A user's script file, by the path given on the command line.
    File(String),
}

/// How a runner ended when it did not end on its own terms (the front end saw it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RunnerProblem {
    /// It exited with a code other than 0 or 1 (101: a panic).
    Crashed { code: i32 },
    /// A signal ended it.
    Killed { signal: i32 },
    /// It outlived its deadline (the script's total deadline plus a grace period) and was
    /// killed.
    Overran,
    /// Its event stream could not be read or decoded.
    Garbled,
}

/// One demo's line in the summary of `procdemo all`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoResult {
    pub name: String,
    pub ok: bool,
    pub wall: Duration,
    /// What went wrong outside the demo itself, with how many processes the front end killed
    /// and reaped after it.
    pub problem: Option<(RunnerProblem, usize)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_through_their_letters() {
        for c in "RSDTtZXIP".chars() {
            let s = State::from_letter(c).unwrap();
            assert_eq!(s.letter(), Some(c));
            assert_eq!(State::try_from(s.code()), Ok(s));
        }
        assert_eq!(State::try_from("gone".to_string()), Ok(State::Gone));
        assert!(State::try_from("Q".to_string()).is_err());
        assert_eq!(serde_json::to_string(&State::Zombie).unwrap(), "\"Z\"");
    }

    #[test]
    fn wait_statuses_decode_like_the_c_macros() {
        assert_eq!(ExitStatus::decode(7 << 8), ExitStatus::Exited(7));
        assert_eq!(ExitStatus::decode(15), ExitStatus::Killed(15));
        assert_eq!(ExitStatus::decode(0x137f), ExitStatus::Stopped(19));
        assert_eq!(ExitStatus::decode(0xffff), ExitStatus::Continued);
    }
}

// ---- procdemo watch ------------------------------------------------------------------------

/// How a process of a watched family was created: the ptrace event that reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForkKind {
    /// PTRACE_EVENT_FORK: fork() (Python's os.fork()).
    Fork,
    /// PTRACE_EVENT_VFORK: vfork(), or clone(CLONE_VFORK) (posix_spawn, subprocess).
    Vfork,
    /// PTRACE_EVENT_CLONE without CLONE_THREAD: a process made by clone().
    Clone,
}

/// Who took a zombie's exit status (or why there was none to take).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Reaper {
    /// A process of the family: its parent at that time, whose wait() returned it.
    Parent { pid: i32 },
    /// procdemo's watcher, the parent of the program's first process (as a shell would be).
    Watcher,
    /// procdemo's watcher, as the subreaper the orphan had been reparented to: the program
    /// never reaped it.
    Subreaper,
    /// Nobody: its parent ignores SIGCHLD (or set SA_NOCLDWAIT), so the kernel released it
    /// the moment its tracer had read its status; it never waited as a zombie for its parent.
    Kernel,
}

/// What a delivered signal does, by the process's disposition when it is delivered
/// (/proc/PID/status SigIgn and SigCgt; the default action otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalAction {
    /// A handler of the program's runs.
    Handled,
    /// Ignored (SIG_IGN, or a default action of ignoring it: SIGCHLD, SIGURG, SIGWINCH).
    Ignored,
    /// The default action stops the process (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU).
    Stopped,
    /// The default action continues it (SIGCONT).
    Continued,
    /// The default action ends the process (with a core dump for SIGABRT, SIGSEGV...).
    Killed,
}

/// Why the watcher killed processes of the family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KillReason {
    /// More processes alive at once than the limit (`--max-procs`).
    Limit,
    /// Still alive when the program's first process ended, and `--kill-rest` asked for it.
    Survivors,
    /// procdemo's front end died (or was interrupted): nothing may outlive it.
    FrontEndGone,
    /// The program had not ended by its deadline (`procdemo check --timeout`).
    Deadline,
}

/// What the watcher could not do before the program ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WatchProblem {
    /// execvp() of the command failed in the new process (ENOENT: no such command).
    /// `found`: a file of that name exists (an ENOENT then is its `#!` interpreter's:
    /// `interpreter`, as its first line names it).
    Exec {
        errno: i32,
        #[serde(default)]
        found: bool,
        #[serde(default)]
        interpreter: Option<String>,
    },
    /// PTRACE_SEIZE of the new process was refused: `tracer` is procdemo's own TracerPid
    /// (non-zero: procdemo itself is traced, e.g. by `strace -f`, which already follows the
    /// new process).
    Trace { errno: i32, tracer: i32 },
    /// A set-up call of the watcher failed (fork, pipe, prctl...).
    Setup { call: String, errno: i32 },
    /// The watcher ended (crashed, killed) before its stream said the watch was over; the
    /// front end killed and reaped what it left.
    Lost,
}

/// One thing a watched program's family did, as the watcher saw it (`procdemo watch`). Times
/// are microseconds since the command's process was created, on the monotonic clock, taken
/// when the watcher learnt of the event (a ptrace stop, a wait, a /proc read, a pidfd).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum WatchEvent {
    /// The watcher (tracer and child subreaper of the family) is ready; `limit`: the most
    /// processes alive at once it allows.
    Begin {
        watcher: i32,
        limit: usize,
        argv: Vec<String>,
    },
    /// The watcher could not start the program; nothing of it runs.
    Problem { problem: WatchProblem },
    /// A new process: `parent` is the process that created it (its real parent then).
    Fork {
        t_us: u64,
        parent: i32,
        pid: i32,
        kind: ForkKind,
        comm: String,
    },
    /// A new thread of a process (threads are not processes: counted apart).
    Thread { t_us: u64, process: i32, tid: i32 },
    /// execve() succeeded: the process runs a new program (its comm and argv after it).
    Exec {
        t_us: u64,
        pid: i32,
        comm: String,
        argv: Vec<String>,
    },
    /// A state letter read from /proc/PID/stat that differs from the previous one read for
    /// that process. Never `t`: a tracing stop is the watcher's, not the program's.
    State { t_us: u64, pid: i32, state: State },
    /// The process stopped (group-stop) by `signal`: state T for the program (the kernel
    /// shows `t` while a tracer holds it).
    Stopped { t_us: u64, pid: i32, signal: i32 },
    /// A stopped process was continued (SIGCONT).
    Continued { t_us: u64, pid: i32 },
    /// The process is exiting with this status (PTRACE_EVENT_EXIT: it has not died yet).
    Exit {
        t_us: u64,
        pid: i32,
        status: ExitStatus,
        /// WCOREDUMP: killed by a signal whose action is a core dump, and the kernel wrote
        /// (or piped) one.
        #[serde(default)]
        core_dumped: bool,
        /// Its parent was already blocked in a wait() this exit satisfies (read from
        /// /proc/PPID/syscall while the process is held at its exit stop; false for a death
        /// with no exit stop, SIGKILL's). Told here too because a parent that waits may reap
        /// it before /proc shows it as a zombie: then there is no `Zombie` event to say so.
        #[serde(default)]
        parent_waiting: bool,
    },
    /// It died and is a zombie now, waiting for `parent` to wait() for it.
    /// `parent_waiting`: the parent was already blocked in a wait() this death satisfies
    /// (read from /proc/PPID/task/*/syscall at the death): it takes the status at once, and
    /// the zombie lasts only as long as the tracer's own wait took.
    Zombie {
        t_us: u64,
        pid: i32,
        parent: i32,
        #[serde(default)]
        parent_waiting: bool,
    },
    /// It is gone from /proc: `by` took its exit status. `zombie_us`: how long it was a
    /// zombie as the watcher saw it, from its death to its reap (None when it never waited
    /// as one). A child that its parent, not yet in a wait() at its exit stop, reaped before
    /// the watcher could read its death waited too: then from its exit event to the moment
    /// the watcher found it gone, an upper bound.
    Reaped {
        t_us: u64,
        pid: i32,
        by: Reaper,
        zombie_us: Option<u64>,
    },
    /// Its parent died: the kernel reparented it to `to` (procdemo's watcher, the subreaper,
    /// unless a thread of the parent or a nearer subreaper took it).
    Orphaned {
        t_us: u64,
        pid: i32,
        from: i32,
        to: i32,
    },
    /// The program's first process ended (and was reaped by procdemo): `alive` were still
    /// alive then.
    MainExited {
        t_us: u64,
        pid: i32,
        status: ExitStatus,
        alive: Vec<i32>,
    },
    /// A signal is being delivered to the process (its signal-delivery stop, with
    /// PTRACE_GETSIGINFO): `code` is si_code (SI_USER, SI_TKILL, SI_QUEUE, SI_KERNEL, or for
    /// SIGCHLD CLD_EXITED, CLD_KILLED...); `sender` is si_pid (the sender for a kill(), the
    /// child for a SIGCHLD, 0 for the kernel) and `sender_comm` its command name read then
    /// (empty when not known); `action` what its disposition makes of it. SIGKILL has no such
    /// stop: a SIGKILL death is seen as the exit only.
    Signal {
        t_us: u64,
        pid: i32,
        signal: i32,
        code: i32,
        sender: i32,
        #[serde(default)]
        sender_comm: String,
        action: SignalAction,
    },
    /// The process's command name changed without an exec (prctl(PR_SET_NAME) by its main
    /// thread), seen at this time.
    Renamed { t_us: u64, pid: i32, comm: String },
    /// The watcher SIGKILLed these processes.
    Killed {
        t_us: u64,
        reason: KillReason,
        pids: Vec<i32>,
    },
    /// Nothing of the family is left: every process has been reaped.
    End { t_us: u64 },
    /// The program had not ended `after_ms` after its first process was created (`procdemo
    /// check --timeout`): what each live process of the family was doing, read from /proc
    /// just before the watcher killed them all (a `Killed` with the reason `Deadline` follows).
    Deadline {
        t_us: u64,
        after_ms: u64,
        stuck: Vec<Stuck>,
    },
    /// The sessions of the processes still alive when the first process ended (read from
    /// /proc/PID/stat then; sent right after `MainExited`, only when some were alive).
    Sessions { t_us: u64, sessions: Vec<SessionOf> },
}

/// What a live process was doing at the deadline, from /proc.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stuck {
    pub pid: i32,
    pub comm: String,
    /// Its state letter (None: it could not be read).
    pub state: Option<State>,
    /// The kernel function it sleeps in (/proc/PID/wchan; None when running or not told).
    pub wchan: Option<String>,
    /// It was asleep reading a pipe: which, and who could still write to it.
    pub pipe: Option<PipeRead>,
}

/// A pipe a process was asleep reading (a read() on descriptor `fd`, /proc/PID/syscall), and
/// the processes of the family that still held its write end (/proc/PID/fd links
/// `pipe:[INODE]` whose /proc/PID/fdinfo flags are O_WRONLY or O_RDWR): while one does, the
/// read cannot return end of file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipeRead {
    pub fd: i32,
    pub inode: u64,
    pub writers: Vec<PipeEnd>,
}

/// A process's descriptor of a pipe's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipeEnd {
    pub pid: i32,
    pub fd: i32,
}

/// A process and its session (the session ID: the PID of the process that made it with
/// setsid(); a process whose PID is its session ID is the session's leader).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionOf {
    pub pid: i32,
    pub sid: i32,
}
