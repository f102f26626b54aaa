//! The runner: a fresh, single-threaded process per demo that stages the script step by step.
//!
//! It is the director of the scenario. It forks the first actor, sends each actor its commands
//! over a pipe, waits for each result on the shared report pipe, and between steps reads /proc
//! to observe every role. Nothing here sleeps to let things happen: results come over pipes,
//! and awaited states are polled from /proc with a deadline. The runner is a child subreaper,
//! so orphans come to it and it can show and reap them; when the run ends, however it ends,
//! it kills and reaps every descendant.
//!
//! Everything it learns goes to the front end at once as a typed [`Event`] on the event pipe:
//! the runner prints nothing and knows no human language. Every figure in an event was read
//! from the kernel in this run: a system call's result reported by an actor, or a /proc read
//! by the runner.

// A failure is built once, at the end of a run: its size costs nothing worth boxing for.
#![allow(clippy::result_large_err)]

use crate::engine::actor::{self, Pipes, Report};
use crate::engine::model::{
    Captured, Check, Cmdline, CpuRow, CpuShare, Disposition, Event, Exe, Failure, FdOwner,
    Inspection, Memory, MemoryReading, Missing, Observation, OpenFd, Parent, RegionMapped, Said,
    SayLine, SignalMasks, State, Tracer, Unable, Unmeasurable, Unshared, Value, Verdict,
};
use crate::kernel::proc::{self, Sample};
use crate::kernel::sys::{self, Forked};
use crate::script::actions::{Action, Call, Outcome, RunnerAction, TargetRun};
use crate::script::{Cmp, Cond, Field, Guard, Operand, Piece, RUNNER, RoleId, Script, StepKind};
use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{Signal, kill};
use nix::unistd::{self, Pid};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::time::{Duration, Instant};

/// Fault injection for the tests: PROCDEMO_FAULT_PANIC_AT_STEP=N makes the runner panic just
/// before step N, with its actors alive, to prove that the front end reports the crash and
/// cleans up after it. Read once per run.
fn fault_panic_at() -> Option<usize> {
    std::env::var("PROCDEMO_FAULT_PANIC_AT_STEP")
        .ok()?
        .parse()
        .ok()
}

/// How to stage a run (from the command line).
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Running time the whole script may take.
    pub timeout: Duration,
    /// Ask the real `ps -o stat=` about every live process observed, and fail on a mismatch.
    pub check_ps: bool,
}

/// The front end's end of a paced run (`--step`, `--delay`): before each step the runner
/// sends `Event::Next` and reads one byte here before it goes on.
pub struct Pacing {
    pub go: OwnedFd,
    /// Wait before every step (`--step`, `--delay`); otherwise only after an `ask`
    /// (`--predict`), for the answer.
    pub every_step: bool,
}

/// How long to wait for an actor to report a result before calling it stuck.
const RESULT_DEADLINE: Duration = Duration::from_secs(2);
/// Extra time `alloc` and `touch` get per MiB of their region (about 4x what writing and
/// copying a MiB of fresh pages takes on a small VM).
const PER_MIB: Duration = Duration::from_millis(10);
/// How long `observe` lets a process settle into the sleep it is headed for.
const SETTLE_DEADLINE: Duration = Duration::from_secs(1);
/// /proc reads spent spinning (with sched_yield) before polling at a gentler pace.
const SPIN_READS: u32 = 2000;
/// Bytes of a role's output the runner keeps (and shows); past this it only counts them.
const MAX_CAPTURED: usize = 16 * 1024;
/// Bytes of a role's output the runner reads at all: past this it stops reading, and a
/// program that writes without end (`exec yes`) waits on its full pipe.
const MAX_READ: usize = 1 << 20;

/// The most processes of a run alive at once (its roles and whatever programs they exec
/// start), as `watch`'s default limit: past it, a program's family is stopped and killed.
const FAMILY_LIMIT: usize = 256;
/// How often a wait looks at the system's process count while a role runs a program.
const FAMILY_CHECK_EVERY: Duration = Duration::from_millis(2);
/// However the system's count moves (other programs' processes may end as fast as an exec'd
/// program's are made), /proc is scanned for the run's processes at least this often while a
/// program a role exec'd runs.
const FAMILY_SCAN_EVERY: Duration = Duration::from_millis(200);

/// The runner's command name, as `ps` and `pstree` show it (15 bytes at most).
pub const RUNNER_NAME: &str = "procdemo-runner";

type Step<T> = Result<T, Failure>;

/// What a deadline that passed means for a process that may be short of CPU (see
/// `Director::busy`).
enum Busy {
    No,
    Extend,
    Exhausted(Box<Failure>),
}

/// The write end of the event pipe. Events are queued in memory and written without blocking,
/// so a front end that is slow to read (its output paused in a pager) never holds up a step or
/// eats into a deadline; whatever is left is written, blocking, once every process the run
/// made has been killed and reaped.
struct EventOut {
    fd: OwnedFd,
    queued: Vec<u8>,
    /// The reader is gone: nothing more can be delivered.
    broken: bool,
}

impl EventOut {
    fn new(fd: OwnedFd) -> EventOut {
        let _ = fcntl(&fd, FcntlArg::F_SETFL(OFlag::O_NONBLOCK));
        EventOut {
            fd,
            queued: Vec::new(),
            broken: false,
        }
    }

    fn emit(&mut self, event: &Event) {
        if self.broken {
            return;
        }
        if serde_json::to_writer(&mut self.queued, event).is_ok() {
            self.queued.push(b'\n');
        }
        self.drain();
    }

    /// Write what the pipe takes now.
    fn drain(&mut self) {
        while !self.queued.is_empty() && !self.broken {
            match unistd::write(&self.fd, &self.queued) {
                Ok(n) => {
                    self.queued.drain(..n);
                }
                Err(nix::Error::EINTR) => {}
                Err(nix::Error::EAGAIN) => return,
                Err(_) => self.broken = true,
            }
        }
    }

    /// Write everything queued, waiting for the reader, and go back to not waiting.
    fn flush(&mut self) {
        let _ = fcntl(&self.fd, FcntlArg::F_SETFL(OFlag::empty()));
        self.drain();
        let _ = fcntl(&self.fd, FcntlArg::F_SETFL(OFlag::O_NONBLOCK));
    }

    /// Write everything left, waiting for the reader.
    fn finish(&mut self) {
        let _ = fcntl(&self.fd, FcntlArg::F_SETFL(OFlag::empty()));
        self.drain();
    }
}

/// What the runner knows about one role.
#[derive(Default)]
struct Role {
    pid: Option<i32>,
    /// starttime of its process, to tell it from a later process given the same PID.
    start: Option<u64>,
    /// A pidfd of its process: the runner's signals go through it (never to a PID reused by
    /// a stranger), and the runner's death takes the process with it (`sys::guard`).
    pidfd: Option<OwnedFd>,
    /// Write end of its command pipe.
    command: Option<OwnedFd>,
    /// The step it started with `&` and has not reported yet.
    pending: Option<usize>,
    /// Running a busy loop: `observe` never waits for it to sleep.
    spinning: bool,
    /// Told to exit, or sent a fatal signal.
    ended: bool,
    /// Stopped by the script (SIGSTOP, or `trace`), until SIGCONT or `untrace`.
    stopped: bool,
    last: Option<Observation>,
    result: Option<Outcome>,
    /// The role's latest result came from a `try` or `if permitted` step.
    result_guarded: bool,
    /// The `alloc` region it has (its own or inherited through fork): address, bytes.
    region: Option<(u64, usize)>,
    /// Its latest `measure`, and minflt at the one before (for `{ROLE.faults}`).
    measured: Option<MemoryReading>,
    minflt_before: Option<u64>,
    /// A `try` step may have changed its state (see `Observation::depends_on_privilege`).
    privileged: bool,
    /// What the fork that made it returned in it (0), as it said in its hello.
    returned: Option<i32>,
    /// The status a wait of the script's reaped it with.
    reaped_status: Option<i32>,
    /// Read end of its output pipe (its standard output and error).
    output: Option<OwnedFd>,
    /// What it has written there so far (the first MAX_CAPTURED bytes), and how many bytes.
    captured: Vec<u8>,
    captured_bytes: usize,
    /// The latest `output` step's reading of it, for `{ROLE.output}`.
    shown_output: Option<Captured>,
    /// It runs another program (`exec PROGRAM`): it obeys no commands.
    program: bool,
    /// Descriptors the script opened that its process holds: (fd, the `open` step, cloexec).
    opened: Vec<(i32, usize, bool)>,
    /// The region it had last, even after an exec unmapped it (for `inspect`).
    region_seen: Option<(u64, usize)>,
    /// Its latest `inspect`, for narration.
    inspected: Option<Inspection>,
    /// NSpid, outermost first, for a process in a PID namespace below the runner's (empty
    /// otherwise): a PID it is sent must be the one it sees.
    ns_pids: Vec<i32>,
    /// The `try` steps that may have changed it.
    tries: Vec<usize>,
    /// The port of the listening socket it holds (`listen`'s result, or its creator's when it
    /// was forked), sent with a `connect` to it.
    port: Option<u16>,
    /// Its latest `share` window: ns it used, ns every role of the window used, its nice.
    cpu: Option<(u64, u64, i64)>,
}

struct Director<'a> {
    script: &'a Script,
    roles: Vec<Role>,
    /// What a newly forked actor inherits: the read ends and the report write end.
    actor_pipes: Option<Pipes>,
    /// Rung for a role just before each command it is sent (a script with a busy loop).
    doorbells: Option<sys::Doorbells>,
    reports: Option<OwnedFd>,
    buf: Vec<u8>,
    inbox: Vec<Report>,
    /// For each `try` step (by index), whether it was permitted.
    permitted: Vec<Option<bool>>,
    total_deadline: Instant,
    options: RunOptions,
    out: EventOut,
    panic_at: Option<usize>,
    pacing: Option<Pacing>,
    /// `ask` steps whose answer comes once the next step has run.
    asks: Vec<usize>,
    /// The inode of each of procdemo's pipes, and what it is (for `inspect`).
    pipe_inodes: Vec<(u64, FdOwner)>,
    /// The runner's own /proc/self/exe and command line: what a fork of procdemo shows.
    own_exe: Option<String>,
    own_cmdline: Option<Vec<String>>,
    /// An `end unless` step found its `try` refused: the run ends, and passes.
    ended_early: bool,
    /// While a role runs a program: the system's process count at the last look
    /// (`check_family`), and when that was.
    family_base: Option<u64>,
    family_checked: Option<Instant>,
    family_scanned: Option<Instant>,
}

/// Stage `script` in this process and stream its events to `events`; never returns. The
/// process must be a fresh runner: single-threaded, a child of the front end `frontend`.
pub fn main(
    script: &Script,
    frontend: i32,
    events: OwnedFd,
    options: RunOptions,
    pacing: Option<Pacing>,
) -> ! {
    // Only the event pipe and the pacing pipe are the runner's: whatever else it holds was
    // the front end's or its caller's, and the demo's processes must not inherit it.
    let mut keep = vec![events.as_raw_fd()];
    keep.extend(pacing.as_ref().map(|p| p.go.as_raw_fd()));
    sys::close_others(&keep);
    let mut out = EventOut::new(events);
    out.emit(&Event::Begin {
        runner_pid: unistd::getpid().as_raw(),
    });
    if let Err(failure) = prepare(frontend) {
        out.emit(&Event::Failed {
            step: None,
            failure,
        });
        out.emit(&Event::End { ok: false });
        out.finish();
        sys::exit_now(1);
    }
    let mut director = match Director::new(script, options, out) {
        Ok(mut d) => {
            d.pacing = pacing;
            d
        }
        Err((mut out, failure)) => {
            out.emit(&Event::Failed {
                step: None,
                failure,
            });
            out.emit(&Event::End { ok: false });
            out.finish();
            sys::exit_now(1);
        }
    };
    let result = director.run_all();
    let ok = match result {
        Ok(()) => true,
        Err((step, failure)) => {
            director.out.emit(&Event::Failed { step, failure });
            false
        }
    };
    let killed = director.clean_up();
    director.out.emit(&Event::Cleanup { killed });
    director.out.emit(&Event::End { ok });
    director.out.finish();
    sys::exit_now(if ok { 0 } else { 1 });
}

/// Make this process a safe director: die with the front end, adopt orphans, see /proc.
fn prepare(frontend: i32) -> Step<()> {
    let setup = |call: Call| {
        move |e: std::io::Error| Failure::Setup {
            call,
            errno: e.raw_os_error().unwrap_or(0),
        }
    };
    // If the front end dies (even by SIGKILL), this runner dies and takes every process of
    // the run with it, through the pidfds it guards (`sys::guard`), whatever their state.
    sys::die_with_parent_and_take_guarded().map_err(setup(Call::PrctlDeathSignal))?;
    if unistd::getppid().as_raw() != frontend {
        // The front end died before the death signal was armed.
        sys::exit_now(1);
    }
    let _ = sys::set_name(RUNNER_NAME);
    sys::set_child_subreaper().map_err(setup(Call::PrctlSubreaper))?;
    sys::reset_signals().map_err(setup(Call::Sigprocmask))?;
    share_one_cpu();
    // Every process of a run starts at nice 0, whatever procdemo was started with (`nice -n
    // 5 procdemo`): a script's `nice 5` and `try nice -5` then show N and < as the demo says.
    // Raising it is always allowed; lowering it back to 0 needs privilege, and without it the
    // run goes on at the value it had (a normal user's `nice -5` is refused either way).
    let _ = sys::set_nice(0);
    proc::check_proc().map_err(|e| Failure::NoProc {
        errno: e.raw_os_error(),
    })
}

/// Keep the runner and every actor (they inherit it) on the CPU the runner started on. Each
/// step hands work from one process to another; on a machine whose idle CPUs wake slowly (a
/// VM's vCPUs), handing it across CPUs made runs up to twice as long and twice as variable.
/// States are unaffected: a process still runs (R), sleeps (S, D) or stops (T) the same way.
/// Best effort: if the CPU cannot be pinned, the demo runs unpinned.
fn share_one_cpu() {
    use nix::sched::{CpuSet, sched_getcpu, sched_setaffinity};
    if let Ok(cpu) = sched_getcpu() {
        let mut set = CpuSet::new();
        if set.set(cpu).is_ok() {
            let _ = sched_setaffinity(Pid::from_raw(0), &set);
        }
    }
}

fn pipe() -> Step<(OwnedFd, OwnedFd)> {
    unistd::pipe2(OFlag::O_CLOEXEC).map_err(|e| Failure::Setup {
        call: Call::Pipe,
        errno: e as i32,
    })
}

/// The soft RLIMIT_NPROC, for a fork refused with EAGAIN (None inside: unlimited).
fn nproc_limit(errno: i32) -> Option<Option<u64>> {
    use nix::sys::resource::{Resource, getrlimit};
    (errno == libc::EAGAIN).then(|| {
        getrlimit(Resource::RLIMIT_NPROC)
            .ok()
            .and_then(|(soft, _)| (soft != libc::RLIM_INFINITY).then_some(soft))
    })
}

fn poll_timeout(d: Duration) -> PollTimeout {
    PollTimeout::try_from(d.as_millis().clamp(1, 60_000) as i32).unwrap_or(PollTimeout::MAX)
}

impl<'a> Director<'a> {
    #[allow(clippy::result_large_err)]
    fn new(
        script: &'a Script,
        options: RunOptions,
        out: EventOut,
    ) -> Result<Self, (EventOut, Failure)> {
        let n = script.roles.len();
        let mut roles: Vec<Role> = (0..n).map(|_| Role::default()).collect();
        let mut reads = vec![None];
        let mut outputs = vec![None];
        let nonblocking = |fd: &OwnedFd| {
            fcntl(fd, FcntlArg::F_SETFL(OFlag::O_NONBLOCK)).map_err(|e| Failure::Setup {
                call: Call::Fcntl,
                errno: e as i32,
            })
        };
        let made = (|| {
            for role in roles.iter_mut().skip(1) {
                let (r, w) = pipe()?;
                reads.push(Some(r));
                role.command = Some(w);
                let (r, w) = pipe()?;
                nonblocking(&r)?;
                outputs.push(Some(w));
                role.output = Some(r);
            }
            let (r, w) = pipe()?;
            nonblocking(&r)?;
            Ok((r, w))
        })();
        let (report_read, report_write) = match made {
            Ok(fds) => fds,
            Err(e) => return Err((out, e)),
        };
        // A busy loop (`cpu-loop`, `spin`, a `nohang loop`) learns of its next command from
        // memory shared with the runner, made before the first fork: under a tracer, a loop
        // that asked the kernel gave its CPU away at every question (`sys::Doorbells`).
        let busy = script
            .steps
            .iter()
            .any(|s| matches!(&s.kind, StepKind::Act { action, .. } if action.runs_busy_loop()));
        let doorbells = if busy {
            match sys::Doorbells::map(n) {
                Ok(d) => Some(d),
                Err(e) => {
                    let failure = Failure::Setup {
                        call: Call::Mmap,
                        errno: e.raw_os_error().unwrap_or(0),
                    };
                    return Err((out, failure));
                }
            }
        } else {
            None
        };
        let inode = |fd: &OwnedFd| nix::sys::stat::fstat(fd).ok().map(|st| st.st_ino);
        let mut pipe_inodes: Vec<(u64, FdOwner)> = Vec::new();
        for (id, role) in roles.iter().enumerate().skip(1) {
            pipe_inodes.extend(
                role.command
                    .as_ref()
                    .and_then(inode)
                    .map(|i| (i, FdOwner::CommandPipe(id))),
            );
            pipe_inodes.extend(
                role.output
                    .as_ref()
                    .and_then(inode)
                    .map(|i| (i, FdOwner::OutputPipe(id))),
            );
        }
        pipe_inodes.extend(inode(&report_read).map(|i| (i, FdOwner::ReportPipe)));
        roles[RUNNER].pid = Some(unistd::getpid().as_raw());
        let me = unistd::getpid().as_raw();
        Ok(Director {
            script,
            roles,
            actor_pipes: Some(Pipes {
                commands: reads,
                reports: report_write,
                outputs,
                doorbells,
            }),
            doorbells,
            reports: Some(report_read),
            buf: Vec::new(),
            inbox: Vec::new(),
            permitted: vec![None; script.steps.len()],
            total_deadline: Instant::now() + options.timeout,
            options,
            out,
            panic_at: fault_panic_at(),
            pacing: None,
            asks: Vec::new(),
            pipe_inodes,
            own_exe: proc::exe(me),
            own_cmdline: proc::cmdline(me),
            ended_early: false,
            family_base: None,
            family_checked: None,
            family_scanned: None,
        })
    }

    fn run_all(&mut self) -> Result<(), (Option<usize>, Failure)> {
        let steps = &self.script.steps;
        let mut index = 0;
        while index < steps.len() {
            if Instant::now() > self.total_deadline {
                return Err((
                    Some(index),
                    Failure::TotalDeadline {
                        timeout: self.options.timeout,
                    },
                ));
            }
            // Consecutive `say` lines are one paragraph: one event.
            let paragraph = steps[index..]
                .iter()
                .take_while(|s| matches!(s.kind, StepKind::Say { .. }))
                .count();
            if let Some(n) = self.panic_at
                && n.checked_sub(1)
                    .is_some_and(|at| (index..index + paragraph.max(1)).contains(&at))
            {
                panic!("PROCDEMO_FAULT_PANIC_AT_STEP: a deliberate panic before step {n}");
            }
            if paragraph > 0 {
                let lines = (index..index + paragraph)
                    .map(|step| self.narrate(step))
                    .collect();
                self.out.emit(&Event::Say { lines });
                index += paragraph;
                continue;
            }
            if let StepKind::Ask { .. } = &steps[index].kind {
                // A question about what comes next: let the class answer (a paced run waits
                // here), and reveal it once the next step has run.
                self.out.emit(&Event::Ask { step: index });
                self.asks.push(index);
                self.wait_for_go();
                index += 1;
                continue;
            }
            self.wait_to_go(index);
            self.step(index).map_err(|f| (Some(index), f))?;
            self.check_family().map_err(|f| (Some(index), f))?;
            // What the processes wrote is taken from their pipes as they go, so that none of
            // them waits on a full one.
            self.drain_outputs();
            if self.ended_early {
                return Ok(());
            }
            for ask in std::mem::take(&mut self.asks) {
                if let StepKind::Ask { role, field, .. } = &steps[ask].kind {
                    let value = self.field(*role, *field);
                    self.out.emit(&Event::Answer { ask, value });
                }
            }
            index += 1;
        }
        Ok(())
    }

    /// In a paced run: say which step comes next, and wait until the front end lets it go.
    /// Every process stays as the steps so far left it, for as long as the class looks; the
    /// time paused does not count against the script's total deadline.
    fn wait_to_go(&mut self, index: usize) {
        let Some(pacing) = &self.pacing else {
            return;
        };
        if !pacing.every_step {
            return;
        }
        self.out.emit(&Event::Next { step: index });
        self.wait_for_go();
    }

    /// In a paced run: wait until the front end sends its byte.
    fn wait_for_go(&mut self) {
        let Some(pacing) = &self.pacing else {
            return;
        };
        self.out.flush();
        let paused = Instant::now();
        let mut byte = [0u8; 1];
        loop {
            match unistd::read(&pacing.go, &mut byte) {
                Ok(1) => break,
                Err(nix::Error::EINTR) => {}
                // The front end is gone: the parent-death signal ends this runner.
                _ => sys::exit_now(1),
            }
        }
        self.total_deadline += paused.elapsed();
    }

    fn pid(&self, role: RoleId) -> i32 {
        self.roles[role].pid.unwrap_or(0)
    }

    /// A role's PID as another role sees it: in a PID namespace below the runner's, the
    /// PID there (the checker makes sure it has one).
    fn pid_seen_by(&self, viewer: RoleId, role: RoleId) -> i32 {
        match self.roles[viewer].ns_pids.len().saturating_sub(1) {
            0 => self.pid(role),
            level => self.roles[role].ns_pids.get(level).copied().unwrap_or(0),
        }
    }

    fn step(&mut self, index: usize) -> Step<()> {
        let script = self.script;
        let step = &script.steps[index];
        if let Guard::IfPermitted { try_step } = step.guard
            && self.permitted[try_step] != Some(true)
        {
            self.out.emit(&Event::Skipped {
                step: index,
                try_step,
            });
            return Ok(());
        }
        let event = match &step.kind {
            StepKind::Act {
                role,
                action,
                background,
            } => {
                let role = *role;
                if step.guard == Guard::Try {
                    // A tracer's own state does not change when it traces; the tracee's does.
                    let changed = &mut self.roles[action.changes_privileged_role(role)];
                    changed.privileged = true;
                    changed.tries.push(index);
                }
                let outcome = match action.runner_action() {
                    Some(act) if role == RUNNER => Some(self.runner_act(index, act)?),
                    _ => self.actor_act(index, role, action, *background)?,
                };
                let verdict = match step.guard {
                    Guard::Try => {
                        let verdict = self.judge_try(index, action, outcome.as_ref())?;
                        self.permitted[index] = Some(verdict == Verdict::Permitted);
                        Some(verdict)
                    }
                    _ => None,
                };
                if let (Some(target), Some(o)) = (action.target(), &outcome)
                    && !matches!(o, Outcome::Failed { .. })
                {
                    match action.effects().target_run {
                        TargetRun::Stops => self.roles[target].stopped = true,
                        TargetRun::Continues => self.roles[target].stopped = false,
                        TargetRun::Unchanged => {}
                    }
                }
                self.roles[role].result_guarded = step.guard != Guard::None;
                Event::Act {
                    step: index,
                    role,
                    outcome,
                    verdict,
                }
            }
            StepKind::Observe { roles } => {
                let mut roles = if roles.is_empty() {
                    self.created_roles()
                } else {
                    roles.clone()
                };
                if step.as_tree && !roles.contains(&RUNNER) {
                    roles.insert(0, RUNNER);
                }
                Event::Observe {
                    step: index,
                    observations: self.observe_settled(&roles)?,
                }
            }
            StepKind::Measure { roles } => Event::Measure {
                step: index,
                readings: self.measure(roles)?,
            },
            StepKind::Inspect { roles } => {
                let observations = self.observe_settled(roles)?;
                let mut inspections = Vec::with_capacity(observations.len());
                for o in observations {
                    inspections.push(self.inspect(o)?);
                }
                Event::Inspect {
                    step: index,
                    inspections,
                }
            }
            StepKind::Output { roles } => {
                let roles = if roles.is_empty() {
                    self.created_roles()
                } else {
                    roles.clone()
                };
                self.drain_outputs();
                let outputs = roles
                    .into_iter()
                    .map(|role| {
                        let r = &self.roles[role];
                        let captured = Captured {
                            role,
                            text: String::from_utf8_lossy(&r.captured).into_owned(),
                            bytes: r.captured_bytes,
                            cut: r.captured_bytes > r.captured.len(),
                        };
                        self.roles[role].shown_output = Some(captured.clone());
                        captured
                    })
                    .collect();
                Event::Output {
                    step: index,
                    outputs,
                }
            }
            StepKind::Await { role, cond, within } => {
                self.await_cond(index, *role, cond, *within)?
            }
            StepKind::Expect {
                role,
                field,
                cmp,
                value,
            } => Event::Expect {
                step: index,
                check: self.expect(*role, *field, *cmp, value)?,
            },
            StepKind::Share { roles, until, cpu } => Event::Share {
                step: index,
                share: self.share(roles, *until, *cpu)?,
            },
            StepKind::Say { .. } => Event::Say {
                lines: vec![self.narrate(index)],
            },
            StepKind::Ask { .. } => Event::Ask { step: index },
            StepKind::EndUnless { try_step, .. } => {
                let permitted = self.permitted[*try_step] == Some(true);
                if permitted {
                    // What the `try`s that changed a role did is now certain, if all were
                    // permitted: its observations no longer depend on privilege.
                    let all = self.permitted.clone();
                    for r in &mut self.roles {
                        if r.tries.iter().all(|t| all[*t] == Some(true)) {
                            r.privileged = false;
                        }
                    }
                } else {
                    self.ended_early = true;
                }
                Event::EndUnless {
                    step: index,
                    try_step: *try_step,
                    permitted,
                }
            }
        };
        self.out.emit(&event);
        Ok(())
    }

    /// A `try` step's verdict: permitted, refused for want of privilege (EPERM, EACCES), or a
    /// failure of another kind, which `try` does not excuse.
    ///
    /// A `trace` refused with EPERM because something outside the demo (strace, gdb) already
    /// traces the target is not a want of privilege: a process has one tracer at a time. It
    /// is told apart by the target's TracerPid.
    fn judge_try(&self, index: usize, action: &Action, outcome: Option<&Outcome>) -> Step<Verdict> {
        match outcome {
            Some(Outcome::Failed { errno, .. }) if *errno == libc::EPERM => {
                let tracer = action
                    .creates()
                    .is_none()
                    .then(|| action.target())
                    .flatten()
                    .filter(|_| action.effects().target_run == TargetRun::Stops)
                    .and_then(|target| self.foreign_tracer(target));
                Ok(tracer.map_or(Verdict::Refused, Verdict::AlreadyTraced))
            }
            Some(Outcome::Failed { errno, .. }) if action.def().facts.refusals.contains(errno) => {
                Ok(Verdict::Refused)
            }
            Some(Outcome::Failed { call, errno }) => Err(Failure::TryNotRefusal {
                step: index,
                call: *call,
                errno: *errno,
            }),
            _ => Ok(Verdict::Permitted),
        }
    }

    /// Roles whose process has been created, the runner excepted.
    fn created_roles(&self) -> Vec<RoleId> {
        (1..self.roles.len())
            .filter(|&r| self.roles[r].pid.is_some())
            .collect()
    }

    // ---- actions -------------------------------------------------------------------------

    fn actor_act(
        &mut self,
        index: usize,
        role: RoleId,
        action: &Action,
        background: bool,
    ) -> Step<Option<Outcome>> {
        self.able_to_act(index, role)?;
        // A signal or a trace must reach the process the script means: not a stranger given
        // the PID of a role that died and was reaped behind the script's back.
        if let Some(target) = action.target()
            && action.def().facts.target.alive_to.is_some()
            && self.sample(target)?.is_none()
        {
            return Err(Failure::TargetGone {
                role,
                step: index,
                target,
            });
        }
        let target_port = match action.target() {
            Some(r) if action.def().facts.target_listens => self.roles[r].port.unwrap_or(0),
            _ => 0,
        };
        let target = action.target().map_or(0, |r| self.pid_seen_by(role, r));
        let command = actor::encode_command(index, target, target_port);
        if let Some(bells) = &self.doorbells {
            bells.ring(role);
        }
        let sent = match &self.roles[role].command {
            Some(fd) => unistd::write(fd, &command),
            None => Err(nix::Error::EBADF),
        };
        if sent != Ok(command.len()) {
            return Err(Failure::CommandNotSent {
                role,
                step: index,
                errno: sent.err().map_or(0, |e| e as i32),
            });
        }
        self.roles[role].spinning = action.runs_busy_loop();
        // A child that `accept` forks once a client has come says hello at `await ROLE done`.
        if let Some(child) = action.creates()
            && !(background && action.def().facts.creates_on_return)
        {
            self.await_hello(child, role)?;
        }
        if background {
            self.roles[role].pending = Some(index);
            self.await_started(role, index)?;
            return Ok(None);
        }
        let mut outcome = match action {
            // Another program reports nothing: the command pipe execve() closed tells it worked.
            Action::Exec(crate::script::actions::Exec {
                program: crate::script::actions::Program::Named { .. },
            }) => self.await_exec(role, index)?,
            _ => self.await_result(role, index)?,
        };
        self.after(index, role, action, &mut outcome)?;
        Ok(Some(outcome))
    }

    /// An actor can only obey a command if it is alive and not stopped. The script checker
    /// rules out what it can see; this catches the rest (a process ended by something the
    /// script did not name, such as a SIGHUP from a closed terminal) at once, with the cause.
    fn able_to_act(&mut self, index: usize, role: RoleId) -> Step<()> {
        let why = match self.sample(role)? {
            None => Unable::Gone,
            Some(s) if s.state == 'Z' => Unable::Zombie,
            Some(s) if s.state == 'T' => Unable::Stopped,
            // Under a tracer from outside the demo (strace -f), a process the script did not
            // stop halts at every system call for a moment: it takes its command when the
            // tracer lets it go on.
            Some(s) if s.state == 't' && !self.momentary_stop(role) => Unable::TracingStop,
            Some(_) => return Ok(()),
        };
        Err(Failure::CannotAct {
            role,
            step: index,
            why,
        })
    }

    /// What a result changes in the runner's book-keeping; a failed fork ends the run. A
    /// fork's result is joined with what the call returned in the child (its hello).
    fn after(
        &mut self,
        index: usize,
        role: RoleId,
        action: &Action,
        outcome: &mut Outcome,
    ) -> Step<()> {
        if let (
            Outcome::Forked { in_child, .. }
            | Outcome::Vforked { in_child, .. }
            | Outcome::Accepted { in_child, .. },
            Some(child),
        ) = (&mut *outcome, action.creates())
        {
            *in_child = self.roles[child].returned;
        }
        self.roles[role].result = Some(outcome.clone());
        self.roles[role].result_guarded = false;
        self.note_reaped(outcome);
        if action.runs_busy_loop() && !matches!(outcome, Outcome::Spinning | Outcome::CpuLooping) {
            self.roles[role].spinning = false;
        }
        if let Outcome::Failed { call, errno } = outcome
            && action.creates().is_some()
        {
            return Err(Failure::ForkRefused {
                role,
                call: *call,
                errno: *errno,
                nproc_limit: nproc_limit(*errno),
            });
        }
        if let Outcome::Failed { call, errno } = outcome {
            // A region, a thread or a ticket file that later steps (touch, measure, await
            // flag l, count) count on:
            // without it they could only fail later and for the wrong reason.
            // So does a PID namespace, unless a `try` said its refusal is an answer.
            let facts = action.def().facts;
            let namespace =
                action.effects().new_pid_namespace && self.script.steps[index].guard != Guard::Try;
            let tickets = facts.tickets == crate::script::actions::TicketUse::Creates;
            if facts.gives_region || facts.makes_threaded || namespace || tickets {
                return Err(Failure::Needed {
                    role,
                    call: *call,
                    errno: *errno,
                });
            }
            return Ok(());
        }
        for &ended in &self.script.steps[index].ends {
            self.roles[ended].ended = true;
        }
        if let (true, Outcome::Allocated { addr, bytes, .. }) = (action.gives_region(), &*outcome) {
            self.roles[role].region = Some((*addr, *bytes));
            self.roles[role].region_seen = Some((*addr, *bytes));
        }
        match &*outcome {
            Outcome::Opened { fd, cloexec } => self.roles[role].opened.push((*fd, index, *cloexec)),
            Outcome::PipeMade {
                read_fd, write_fd, ..
            } => {
                let opened = &mut self.roles[role].opened;
                opened.push((*read_fd, index, true));
                opened.push((*write_fd, index, true));
            }
            Outcome::Closed { fd, .. } => self.roles[role].opened.retain(|(f, _, _)| f != fd),
            Outcome::Listening { port, .. } => self.roles[role].port = Some(*port),
            // A new program: the old memory is gone, and so are the close-on-exec descriptors.
            Outcome::Execed { .. } | Outcome::Running { .. } => {
                let r = &mut self.roles[role];
                r.region = None;
                r.spinning = false;
                r.opened.retain(|(_, _, cloexec)| !cloexec);
                // Every socket is close-on-exec.
                r.port = None;
                r.program = matches!(outcome, Outcome::Running { .. });
            }
            _ => {}
        }
        if let Some(child) = action.creates() {
            let parent = &self.roles[role];
            let (region, opened) = (parent.region, parent.opened.clone());
            self.roles[child].region = region;
            self.roles[child].region_seen = region;
            self.roles[child].opened = opened;
            // A fork copies the listening socket; `accept`'s child closes its copy.
            if !action.def().facts.creates_on_return {
                self.roles[child].port = self.roles[role].port;
            }
        }
        Ok(())
    }

    fn runner_act(&mut self, index: usize, action: RunnerAction) -> Step<Outcome> {
        let outcome = match action {
            RunnerAction::Fork { child } => {
                // SAFETY: the runner is single-threaded (it never starts a thread), so the
                // child is a complete copy that may run normal Rust; see sys::fork.
                #[allow(unsafe_code)]
                let forked = unsafe { sys::fork() };
                match forked {
                    Ok(Forked::Child { returned }) => self.become_first_actor(child, returned),
                    Ok(Forked::Parent(pid)) => {
                        self.await_hello(child, RUNNER)?;
                        Outcome::Forked {
                            pid,
                            in_child: self.roles[child].returned,
                        }
                    }
                    Err(e) => {
                        let errno = e.raw_os_error().unwrap_or(0);
                        return Err(Failure::ForkRefused {
                            role: RUNNER,
                            call: Call::Fork,
                            errno,
                            nproc_limit: nproc_limit(errno),
                        });
                    }
                }
            }
            RunnerAction::Waitpid { target, nohang } => self.runner_wait(target, nohang)?,
            RunnerAction::Kill { target, signal } => {
                let pid = self.pid(target);
                // Through the role's pidfd: a process that died and was reaped behind the
                // script's back answers ESRCH, and its PID, if reused, is never signalled.
                let sent = match &self.roles[target].pidfd {
                    Some(fd) => sys::pidfd_send_signal(fd, signal),
                    None => Err(std::io::Error::from_raw_os_error(libc::ESRCH)),
                };
                match sent {
                    Ok(()) => Outcome::Signalled { pid, signal },
                    Err(e) => Outcome::failed(Call::Kill, e),
                }
            }
        };
        if let RunnerAction::Kill { target, .. } = action
            && matches!(outcome, Outcome::Signalled { .. })
            && self.script.steps[index].ends.contains(&target)
        {
            self.roles[target].ended = true;
        }
        self.roles[RUNNER].result = Some(outcome.clone());
        self.note_reaped(&outcome);
        Ok(outcome)
    }

    /// A wait that reaped a role: keep the status it got (`{ROLE.exitcode}`).
    fn note_reaped(&mut self, outcome: &Outcome) {
        if let Outcome::Reaped { pid, status } | Outcome::PolledThenReaped { pid, status, .. } =
            *outcome
            && let Some(r) = self.roles.iter_mut().find(|r| r.pid == Some(pid))
        {
            r.reaped_status = Some(status);
        }
    }

    /// In the runner's new child: drop the runner's ends of the pipes and obey commands.
    fn become_first_actor(&mut self, role: RoleId, returned: i32) -> ! {
        // An actor the runner forks itself can never be orphaned by the script (only the
        // runner could orphan it), so it may die with the runner: that ends it even when it
        // is stopped (T) and cannot see its command pipe close. Its descendants rely on the
        // pipe alone, since a death signal would kill them the moment a script orphans them.
        let runner = self.pid(RUNNER);
        if sys::set_parent_death_signal(libc::SIGKILL).is_err()
            || unistd::getppid().as_raw() != runner
        {
            sys::exit_now(116);
        }
        // The event pipe and the runner's ends of the other pipes are the runner's alone; an
        // actor holding the event pipe open would keep the front end from seeing its end.
        let _ = unistd::close(self.out.fd.as_raw_fd());
        if let Some(pacing) = &self.pacing {
            let _ = unistd::close(pacing.go.as_raw_fd());
        }
        for r in &mut self.roles {
            r.command = None;
            r.output = None;
            r.pidfd = None;
        }
        self.reports = None;
        match self.actor_pipes.take() {
            Some(pipes) => actor::become_actor(self.script, role, returned, pipes),
            None => sys::exit_now(115),
        }
    }

    /// waitpid in the runner, which must never block for good: wait for the pidfd to turn
    /// readable (the child exited), then reap without blocking.
    fn runner_wait(&mut self, role: RoleId, nohang: bool) -> Step<Outcome> {
        let pid = self.pid(role);
        let deadline = Instant::now() + RESULT_DEADLINE;
        let pidfd = sys::pidfd_open(pid).ok();
        loop {
            match sys::waitpid(pid, true) {
                Ok(Some((pid, status))) => return Ok(Outcome::Reaped { pid, status }),
                Ok(None) if nohang => return Ok(Outcome::NotYet { polls: 1 }),
                Ok(None) => {}
                Err(e) => return Ok(Outcome::failed(Call::Waitpid, e)),
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Failure::RunnerWaitTimeout {
                    role,
                    within: RESULT_DEADLINE,
                    seen: self.observe_now(role),
                });
            }
            match &pidfd {
                Some(fd) => {
                    let mut fds = [PollFd::new(fd.as_fd(), PollFlags::POLLIN)];
                    let _ = poll(&mut fds, poll_timeout(left));
                }
                None => std::thread::yield_now(),
            }
        }
    }

    // ---- reports -------------------------------------------------------------------------

    /// Read whatever the report pipe holds now, waiting at most `wait`.
    fn pump(&mut self, wait: Duration) -> Step<()> {
        self.pump_watching(wait, None)
    }

    /// [`Self::pump`], also waking when the process behind `watch` (a role's pidfd) ends.
    fn pump_watching(&mut self, wait: Duration, watch: Option<RoleId>) -> Step<()> {
        let Some(fd) = &self.reports else {
            return Ok(());
        };
        let watched = watch.and_then(|r| self.roles[r].pidfd.as_ref());
        let mut fds = vec![PollFd::new(fd.as_fd(), PollFlags::POLLIN)];
        if let Some(pidfd) = watched {
            fds.push(PollFd::new(pidfd.as_fd(), PollFlags::POLLIN));
        }
        let _ = poll(&mut fds, poll_timeout(wait));
        let mut chunk = [0u8; 4096];
        loop {
            match unistd::read(fd, &mut chunk) {
                Ok(0) => break,
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(nix::Error::EAGAIN) => break,
                Err(nix::Error::EINTR) => {}
                Err(e) => {
                    return Err(Failure::Setup {
                        call: Call::Read,
                        errno: e as i32,
                    });
                }
            }
        }
        while let Some(end) = self.buf.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.buf.drain(..=end).collect();
            match serde_json::from_slice::<Report>(&line) {
                Ok(report) => self.inbox.push(report),
                Err(_) => return Err(Failure::GarbledReport),
            }
        }
        self.out.drain();
        self.check_family()
    }

    fn take_report(&mut self, wanted: impl Fn(&Report) -> bool) -> Option<Report> {
        let i = self.inbox.iter().position(wanted)?;
        Some(self.inbox.remove(i))
    }

    fn await_report(
        &mut self,
        deadline: Instant,
        wanted: impl Fn(&Report) -> bool,
    ) -> Step<Option<Report>> {
        self.await_report_from(None, deadline, wanted)
            .map(|r| r.ok())
    }

    /// Wait for a report from `actor` (when given, its death ends the wait at once: `Err(())`,
    /// rather than at the deadline), or from anyone when None.
    fn await_report_from(
        &mut self,
        actor: Option<RoleId>,
        deadline: Instant,
        wanted: impl Fn(&Report) -> bool,
    ) -> Step<Result<Report, ()>> {
        loop {
            if let Some(r) = self.take_report(&wanted) {
                return Ok(Ok(r));
            }
            if let Some(role) = actor
                && self.sample(role)?.is_none_or(|s| s.state == 'Z')
            {
                // Whatever it wrote before it died is in the pipe: read it once more.
                self.pump(Duration::ZERO)?;
                return Ok(self.take_report(&wanted).ok_or(()));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(Err(()));
            }
            self.pump_watching(left, actor)?;
        }
    }

    /// Wait for a new actor's hello, and record its PID (and announce it).
    fn await_hello(&mut self, child: RoleId, creator: RoleId) -> Step<()> {
        let deadline = Instant::now() + RESULT_DEADLINE;
        let report = self.await_report(deadline, |r| match r {
            Report::Hello { role, .. } => *role == child,
            // A fork that failed reports instead of a hello.
            Report::Done {
                role,
                outcome: Outcome::Failed { .. },
                ..
            } => *role == creator,
            _ => false,
        })?;
        match report {
            Some(Report::Hello {
                pid,
                returned,
                ns_pids,
                ..
            }) => {
                self.roles[child].pid = Some(pid);
                self.roles[child].returned = Some(returned);
                self.roles[child].ns_pids = ns_pids.clone();
                self.roles[child].start = proc::sample(pid).ok().flatten().map(|s| s.starttime);
                let pidfd = sys::pidfd_open(pid).map_err(|e| Failure::Setup {
                    call: Call::PidfdOpen,
                    errno: e.raw_os_error().unwrap_or(0),
                })?;
                sys::guard(&pidfd);
                self.roles[child].pidfd = Some(pidfd);
                self.out.emit(&Event::Spawned {
                    role: child,
                    pid,
                    ns_pids,
                });
                Ok(())
            }
            Some(Report::Done {
                outcome: Outcome::Failed { call, errno },
                ..
            }) => Err(Failure::ForkRefused {
                role: creator,
                call,
                errno,
                nproc_limit: nproc_limit(errno),
            }),
            _ => Err(Failure::NoHello {
                role: child,
                within: RESULT_DEADLINE,
            }),
        }
    }

    /// After `exec PROGRAM`: another program reports nothing, so wait until the process no
    /// longer holds its command pipe (close-on-exec: execve() closed it once the new program
    /// was certain to run, and a program that execs another in turn, such as `#!/usr/bin/env
    /// python3`, changes nothing of that) and its command line is set (the new program's
    /// memory is in place), or until the old program reports that execve() failed.
    fn await_exec(&mut self, role: RoleId, index: usize) -> Step<Outcome> {
        let start = Instant::now();
        let mut deadline = start + RESULT_DEADLINE;
        let mut reads = 0;
        let fd = self
            .actor_pipes
            .as_ref()
            .and_then(|p| p.commands[role].as_ref())
            .map_or(-1, |f| f.as_raw_fd());
        let inode = self
            .pipe_inodes
            .iter()
            .find(|(_, owner)| *owner == FdOwner::CommandPipe(role))
            .map_or(0, |(i, _)| *i);
        // The actor's own command name: its role's name, cut as the kernel cuts it.
        let name = crate::script::actions::program_comm(self.script.role_name(role));
        loop {
            self.pump(Duration::ZERO)?;
            let done = |r: &Report| matches!(r, Report::Done { role: who, step, .. } if *who == role && *step == index);
            if let Some(Report::Done { outcome, .. }) = self.take_report(done) {
                return Ok(outcome);
            }
            let s = self.sample(role)?;
            reads += 1;
            match &s {
                // A zombie has no descriptors: it exec'd if it runs another program's name
                // (the checker makes a role's name differ from its program's).
                Some(x) if x.state == 'Z' && x.comm != name => {
                    return Ok(Outcome::Running {
                        comm: x.comm.clone(),
                        exe: proc::exe(x.pid),
                    });
                }
                Some(x)
                    if x.state != 'Z'
                        && !proc::holds_pipe(x.pid, fd, inode)
                        && proc::cmdline(x.pid).is_some_and(|a| !a.is_empty()) =>
                {
                    // Read again: the command name of the program running now.
                    let now = self.sample(role)?.unwrap_or_else(|| x.clone());
                    return Ok(Outcome::Running {
                        comm: now.comm,
                        exe: proc::exe(x.pid),
                    });
                }
                Some(x) if x.state != 'Z' => {}
                _ => {
                    return Err(Failure::DiedDuring {
                        role,
                        step: index,
                        seen: self.observe_now(role),
                    });
                }
            }
            if Instant::now() >= deadline {
                match self.busy(role, start, index)? {
                    Busy::Extend => deadline = Instant::now() + RESULT_DEADLINE,
                    Busy::Exhausted(failure) => return Err(*failure),
                    Busy::No => {
                        return Err(Failure::NoResult {
                            role,
                            step: index,
                            within: RESULT_DEADLINE,
                            seen: self.observe_now(role),
                            blocked: false,
                        });
                    }
                }
            }
            self.pause(reads)?;
        }
    }

    /// Read whatever the roles' output pipes hold now (without waiting), so that no writer
    /// is held up by a full pipe: the first MAX_CAPTURED bytes are kept, the rest counted.
    /// One poll() asks which pipes have anything: most steps write nothing.
    fn drain_outputs(&mut self) {
        let ready: Vec<usize> = {
            let (ids, mut fds): (Vec<usize>, Vec<PollFd>) = self
                .roles
                .iter()
                .enumerate()
                .filter(|(_, r)| r.captured_bytes < MAX_READ)
                .filter_map(|(i, r)| {
                    r.output
                        .as_ref()
                        .map(|fd| (i, PollFd::new(fd.as_fd(), PollFlags::POLLIN)))
                })
                .unzip();
            if !matches!(poll(&mut fds, PollTimeout::ZERO), Ok(n) if n > 0) {
                return;
            }
            ids.into_iter()
                .zip(&fds)
                .filter(|(_, fd)| fd.revents().is_some_and(|r| r.contains(PollFlags::POLLIN)))
                .map(|(i, _)| i)
                .collect()
        };
        let mut chunk = [0u8; 4096];
        for i in ready {
            let r = &mut self.roles[i];
            let Some(fd) = &r.output else { continue };
            while r.captured_bytes < MAX_READ {
                match unistd::read(fd, &mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let keep = n.min(MAX_CAPTURED.saturating_sub(r.captured.len()));
                        r.captured.extend_from_slice(&chunk[..keep]);
                        r.captured_bytes += n;
                    }
                }
            }
        }
    }

    /// What a role is made of beyond its state, read from /proc: exe, command line, NSpid,
    /// signal masks, descriptors, and whether its region is still mapped.
    fn inspect(&mut self, observation: Observation) -> Step<Inspection> {
        let role = observation.role;
        let pid = observation.pid;
        let alive = observation.state.is_alive();
        let unreadable = |file: &str, e: std::io::Error| Failure::ProcUnreadable {
            role,
            pid,
            file: file.into(),
            errno: e.raw_os_error(),
        };
        let status = if alive {
            proc::status(pid).map_err(|e| unreadable("status", e))?
        } else {
            None
        };
        let zombie = observation.state == State::Zombie;
        let signals = status.as_ref().filter(|_| !zombie).map(|s| SignalMasks {
            pending: s.sig_pending,
            shared_pending: s.shd_pending,
            blocked: s.sig_blocked,
            ignored: s.sig_ignored,
            caught: s.sig_caught,
        });
        let exe = if alive { proc::exe(pid) } else { None }.map(|path| Exe {
            procdemo: self.own_exe.as_ref() == Some(&path),
            path,
        });
        let cmdline = if alive { proc::cmdline(pid) } else { None }
            .filter(|args| !args.is_empty())
            .map(|args| Cmdline {
                procdemo: self.own_cmdline.as_ref() == Some(&args),
                args,
            });
        let fds = if alive && !zombie {
            proc::fds(pid).map_err(|e| unreadable("fd", e))?
        } else {
            None
        }
        .map(|list| {
            list.into_iter()
                .map(|(fd, target, cloexec)| OpenFd {
                    owner: self.fd_owner(role, fd, &target),
                    fd,
                    target,
                    cloexec,
                })
                .collect()
        });
        let region = self.roles[role]
            .region_seen
            .map(|(addr, bytes)| RegionMapped {
                addr,
                bytes,
                mapped: alive && !zombie && proc::mapped(pid, addr) == Some(true),
            });
        let inspection = Inspection {
            observation,
            exe,
            cmdline,
            ns_pids: status.map(|s| s.ns_pids).unwrap_or_default(),
            signals,
            fds,
            region,
        };
        self.roles[role].inspected = Some(inspection.clone());
        Ok(inspection)
    }

    /// Whose a descriptor is: opened by the script, one of procdemo's pipes, or neither.
    fn fd_owner(&self, role: RoleId, fd: i32, target: &str) -> FdOwner {
        if let Some((_, step, _)) = self.roles[role].opened.iter().find(|(f, _, _)| *f == fd) {
            return FdOwner::Opened { step: *step };
        }
        proc::pipe_inode(target)
            .and_then(|inode| self.pipe_inodes.iter().find(|(i, _)| *i == inode))
            .map_or(FdOwner::Other, |(_, owner)| owner.clone())
    }

    /// After sending a step started with `&`: wait until the actor says it is under way (or
    /// has already finished: that report stays in the inbox for `await ROLE done`).
    fn await_started(&mut self, role: RoleId, index: usize) -> Step<()> {
        let deadline = Instant::now() + RESULT_DEADLINE;
        loop {
            let started = |r: &Report| matches!(r, Report::Started { role: who, step } if *who == role && *step == index);
            if self.take_report(started).is_some() {
                return Ok(());
            }
            let finished = self.inbox.iter().any(
                |r| matches!(r, Report::Done { role: who, step, .. } if *who == role && *step == index),
            );
            if finished {
                return Ok(());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Failure::NotStarted {
                    role,
                    step: index,
                    within: RESULT_DEADLINE,
                    seen: self.observe_now(role),
                });
            }
            self.pump(left)?;
        }
    }

    /// How long an action may take: RESULT_DEADLINE, plus time to write every page of a
    /// large region (`--size` goes up to 1 GiB, which takes seconds to fault in and copy).
    fn result_deadline(&self, role: RoleId, action: &Action) -> Duration {
        let mib = action.mib_written(self.roles[role].region.map(|(_, bytes)| bytes));
        RESULT_DEADLINE + PER_MIB * mib as u32
    }

    fn await_result(&mut self, role: RoleId, index: usize) -> Step<Outcome> {
        let StepKind::Act { action, .. } = &self.script.steps[index].kind else {
            return Err(Failure::GarbledReport);
        };
        let within = self.result_deadline(role, action);
        let start = Instant::now();
        let mut deadline = start + within;
        loop {
            let report = self.await_report_from(
                Some(role),
                deadline,
                |r| matches!(r, Report::Done { role: who, step, .. } if *who == role && *step == index),
            )?;
            if let Ok(Report::Done { outcome, .. }) = report {
                return Ok(outcome);
            }
            // It died on the way (killed by the kernel's OOM killer, a signal from outside):
            // say so now, not at the deadline.
            if self.sample(role)?.is_none_or(|s| s.state == 'Z') {
                return Err(Failure::DiedDuring {
                    role,
                    step: index,
                    seen: self.observe_now(role),
                });
            }
            // Still runnable (R) — working, or waiting for a CPU on a busy machine — is not
            // stuck: wait on, as long as the script's total deadline allows.
            match self.busy(role, start, index)? {
                Busy::Extend => deadline = Instant::now() + RESULT_DEADLINE,
                Busy::Exhausted(failure) => return Err(*failure),
                Busy::No => break,
            }
        }
        let seen = self.observe_now(role);
        // The `&` hint only fits an action that may block, by a process that is alive and not
        // stopped; one that died or was stopped meanwhile is described as it was found.
        let blocked = !matches!(
            action.def().facts.blocks,
            crate::script::actions::Blocks::Never
        ) && seen.as_ref().is_some_and(|o| {
            !matches!(
                o.state,
                State::Zombie | State::Dead | State::Stopped | State::TracingStop | State::Gone
            )
        });
        Err(Failure::NoResult {
            role,
            step: index,
            within,
            seen,
            blocked,
        })
    }

    /// At a deadline: whether `role` is runnable (R) and so may simply be short of CPU on a
    /// busy machine (wait on: `Extend`), unless the script's total deadline has run out
    /// (`TooBusy`, with how long it waited and the CPU time the process had). A process in a
    /// busy loop of the script's (`spin`, a `nohang loop`) is runnable by design: `No`.
    fn busy(&self, role: RoleId, start: Instant, step: usize) -> Step<Busy> {
        let Some(s) = self.sample(role)? else {
            return Ok(Busy::No);
        };
        if s.state != 'R' || self.roles[role].spinning {
            return Ok(Busy::No);
        }
        if Instant::now() < self.total_deadline {
            return Ok(Busy::Extend);
        }
        let tick = Duration::from_secs(1) / sys::clock_ticks_per_second().max(1);
        Ok(Busy::Exhausted(Box::new(Failure::TooBusy {
            role,
            step,
            waited: start.elapsed(),
            cpu: tick * (s.utime + s.stime) as u32,
        })))
    }

    // ---- observing -----------------------------------------------------------------------

    /// Read a role's /proc/PID/stat; None when it is gone (or its PID now names another process).
    fn sample(&self, role: RoleId) -> Step<Option<Sample>> {
        let Some(pid) = self.roles[role].pid else {
            return Ok(None);
        };
        match proc::sample(pid) {
            Ok(Some(s)) if self.roles[role].start.is_none_or(|t| t == s.starttime) => Ok(Some(s)),
            Ok(_) => Ok(None),
            Err(e) => Err(Failure::ProcUnreadable {
                role,
                pid,
                file: "stat".into(),
                errno: e.raw_os_error(),
            }),
        }
    }

    /// Who a PPID is: one of the demo's roles, else that process's command name.
    fn parent_of(&self, ppid: i32) -> Parent {
        let live_role = (0..self.roles.len()).find(|&r| {
            self.roles[r].pid == Some(ppid)
                && !matches!(&self.roles[r].last, Some(o) if o.state == State::Gone)
        });
        if let Some(role) = live_role {
            return Parent::Role(role);
        }
        match proc::sample(ppid) {
            Ok(Some(s)) => Parent::Other { comm: s.comm },
            _ => Parent::Unknown,
        }
    }

    /// Everything the observer shows for a role, from one stat read plus status and wchan.
    fn observation(&mut self, role: RoleId, sample: Option<Sample>) -> Step<Observation> {
        let pid = self.pid(role);
        let privileged = self.roles[role].privileged;
        let mut obs = match sample {
            None => Observation {
                role,
                pid,
                state: State::Gone,
                ppid: None,
                parent: None,
                stat: None,
                comm: None,
                pgrp: None,
                session: None,
                nice: None,
                wchan: None,
                exit_status: None,
                sigchld: None,
                depends_on_privilege: privileged,
                ps_stat: None,
                tracer: None,
                ns_pid: None,
            },
            Some(s) => {
                let Some(state) = State::from_letter(s.state) else {
                    return Err(Failure::ProcUnreadable {
                        role,
                        pid,
                        file: "stat".into(),
                        errno: None,
                    });
                };
                // Without /proc/PID/status (it vanished, or is not readable) the SIGCHLD
                // column stays empty rather than read as "default". A zombie's signal
                // handlers are already released: its masks would read as "default" too.
                let status = proc::brief(pid).ok().flatten();
                let locked_kb = status.as_ref().map_or(0, |x| x.locked_kb);
                let tracer_pid = status.as_ref().map(|x| x.tracer_pid);
                let ns_pid = status.as_ref().and_then(|x| x.ns_pid);
                let chld = 1u64 << (libc::SIGCHLD - 1);
                let sigchld = status.filter(|_| state != State::Zombie).map(|x| {
                    if x.sig_ignored & chld != 0 {
                        Disposition::Ignored
                    } else if x.sig_caught & chld != 0 {
                        Disposition::Caught
                    } else {
                        Disposition::Default
                    }
                });
                Observation {
                    role,
                    pid,
                    state,
                    ppid: Some(s.ppid),
                    parent: Some(self.parent_of(s.ppid)),
                    stat: Some(proc::stat_flags(&s, locked_kb)),
                    comm: Some(s.comm.clone()),
                    pgrp: Some(s.pgrp),
                    session: Some(s.session),
                    nice: Some(s.nice),
                    wchan: if matches!(state, State::Sleeping | State::DiskSleep) {
                        proc::wchan(pid)
                    } else {
                        None
                    },
                    exit_status: if state == State::Zombie {
                        s.exit_code
                    } else {
                        None
                    },
                    sigchld,
                    depends_on_privilege: privileged,
                    ps_stat: None,
                    tracer: tracer_pid
                        .filter(|&t| t != 0 && !self.roles.iter().any(|r| r.pid == Some(t)))
                        .map(|t| Tracer {
                            pid: t,
                            comm: proc::sample(t).ok().flatten().map(|s| s.comm),
                        }),
                    ns_pid,
                }
            }
        };
        if self.options.check_ps && role != RUNNER && obs.state.is_alive() {
            self.check_with_ps(&mut obs)?;
        }
        self.roles[role].last = Some(obs.clone());
        Ok(obs)
    }

    /// What a role looks like now, for a failure's report (None if /proc could not be read).
    fn observe_now(&mut self, role: RoleId) -> Option<Observation> {
        let sample = self.sample(role).ok()?;
        self.observation(role, sample).ok()
    }

    /// Hold the STAT derived from /proc against what `ps -o stat=` says about the same process.
    /// The flags must match exactly; so must the state letter, except R: a running process
    /// may be caught between two runs of its loop in a brief sleep by a second reader. (The
    /// runner itself is not checked: while ps runs, the runner is waiting for it.)
    fn check_with_ps(&mut self, obs: &mut Observation) -> Step<()> {
        let Some(ours) = obs.stat.clone() else {
            return Ok(());
        };
        let theirs = match std::process::Command::new("ps")
            .args(["-o", "stat=", "-p", &obs.pid.to_string()])
            .output()
        {
            Ok(out) => String::from_utf8_lossy(&out.stdout).trim().to_string(),
            Err(e) => {
                return Err(Failure::PsUnavailable {
                    errno: e.raw_os_error(),
                });
            }
        };
        let same = ours == theirs || (ours.starts_with('R') && theirs.get(1..) == ours.get(1..));
        obs.ps_stat = Some(theirs.clone());
        if same {
            Ok(())
        } else {
            Err(Failure::PsDisagrees {
                role: obs.role,
                pid: obs.pid,
                ours,
                theirs,
            })
        }
    }

    /// Whether a role has reached the state it is headed for: an idle or blocked process is
    /// asleep, a process told to exit is a zombie or gone. A spinning one is never waited for.
    ///
    /// A tracing stop (`t`) the script did not cause is a tracer from outside the demo halting
    /// the process for a moment at a system call (strace -f): not a state worth showing, so
    /// it is not settled either.
    fn settled(&self, role: RoleId, s: &Option<Sample>) -> bool {
        match s {
            None => true,
            Some(s) if s.state == 't' && !self.roles[role].stopped => false,
            // A process that has just exec'd a program is in D while the kernel loads it:
            // not the state the program is headed for.
            Some(s) if s.state == 'D' && self.roles[role].program => false,
            Some(_) if self.roles[role].spinning || role == RUNNER => true,
            Some(s) if self.roles[role].ended => matches!(s.state, 'Z' | 'X'),
            Some(s) => s.state != 'R',
        }
    }

    /// A tracer from outside the demo that traces this role now (TracerPid in
    /// /proc/PID/status, when it is not one of the demo's processes).
    fn foreign_tracer(&self, role: RoleId) -> Option<Tracer> {
        let pid = self.roles[role].pid?;
        let tracer = proc::brief(pid).ok().flatten()?.tracer_pid;
        let ours = self.roles.iter().any(|r| r.pid == Some(tracer));
        (tracer != 0 && !ours).then(|| Tracer {
            pid: tracer,
            comm: proc::sample(tracer).ok().flatten().map(|s| s.comm),
        })
    }

    /// A `t` the script did not cause, under a tracer from outside the demo: a momentary
    /// system-call stop.
    fn momentary_stop(&self, role: RoleId) -> bool {
        !self.roles[role].stopped && self.foreign_tracer(role).is_some()
    }

    fn observe_settled(&mut self, roles: &[RoleId]) -> Step<Vec<Observation>> {
        let deadline = Instant::now() + SETTLE_DEADLINE;
        let mut out = Vec::with_capacity(roles.len());
        for &role in roles {
            let mut reads = 0;
            let sample = loop {
                let s = self.sample(role)?;
                reads += 1;
                // A process still runnable (R) at the deadline may be short of CPU on a busy
                // machine: it is waited for up to the script's total deadline.
                let busy = matches!(&s, Some(x) if x.state == 'R')
                    && !self.roles[role].spinning
                    && Instant::now() < self.total_deadline;
                if self.settled(role, &s) || (Instant::now() >= deadline && !busy) {
                    break s;
                }
                self.pause(reads)?;
            };
            out.push(self.observation(role, sample)?);
        }
        Ok(out)
    }

    /// Between two /proc reads: spin (yielding the CPU) at first, since most conditions hold
    /// within microseconds; past that, read /proc once a millisecond until the deadline, and
    /// pass on any events the front end could not take before.
    fn pause(&mut self, reads: u32) -> Step<()> {
        if reads < SPIN_READS {
            std::thread::yield_now();
        } else {
            let _ = poll(&mut [], PollTimeout::from(1u8));
            self.out.drain();
        }
        self.check_family()
    }

    /// A program a role exec'd is not the script's: it may fork without end (a fork bomb,
    /// which RLIMIT_NPROC does not stop for root). While one runs, the system's count of
    /// processes (/proc/loadavg, one cheap read) is looked at every few milliseconds of a
    /// wait; when it has grown by half of FAMILY_LIMIT over the lowest count seen, and at
    /// least every FAMILY_SCAN_EVERY whatever it says, /proc is scanned for this run's
    /// processes, and beyond FAMILY_LIMIT alive at once every one of them is stopped, then
    /// killed, and the run fails saying so.
    fn check_family(&mut self) -> Step<()> {
        if !self.roles.iter().any(|r| r.program) {
            return Ok(());
        }
        let now = Instant::now();
        if self
            .family_checked
            .is_some_and(|t| now.duration_since(t) < FAMILY_CHECK_EVERY)
        {
            return Ok(());
        }
        self.family_checked = Some(now);
        let scanned = *self.family_scanned.get_or_insert(now);
        let due = now.duration_since(scanned) >= FAMILY_SCAN_EVERY;
        // The lowest count seen is the base: processes of others that end do not hide this
        // run's growth.
        let total = proc::threads_total();
        let base = match (self.family_base, total) {
            (Some(b), Some(t)) => b.min(t),
            (None, Some(t)) => t,
            (b, None) => b.unwrap_or(0),
        };
        self.family_base = Some(base);
        let grown = total.is_some_and(|t| t >= base + FAMILY_LIMIT as u64 / 2);
        if !grown && !due {
            return Ok(());
        }
        self.family_scanned = Some(now);
        if let Some(t) = total {
            self.family_base = Some(t);
        }
        let (live, _) = sys::family_of(unistd::getpid().as_raw(), &[]);
        if live.len() <= FAMILY_LIMIT {
            return Ok(());
        }
        let (stopped, _) = sys::stop_and_kill_family(&[]);
        Err(Failure::FamilyLimit {
            limit: FAMILY_LIMIT,
            seen: live.len().max(stopped.len()),
        })
    }

    fn holds(&self, role: RoleId, cond: &Cond, s: &Option<Sample>) -> bool {
        match (cond, s) {
            (Cond::Gone, s) => s.is_none(),
            // Under a tracer from outside the demo, a process stopped by SIGSTOP shows `t`
            // (the tracer is told of every stop): the observation names the tracer.
            (Cond::State(State::Stopped), Some(s)) if s.state == 't' => {
                self.roles[role].stopped && self.foreign_tracer(role).is_some()
            }
            (Cond::State(c), Some(s)) => c.letter() == Some(s.state),
            (Cond::Flags(flags), Some(s)) => {
                // VmLck (the `L` flag) is only in /proc/PID/status; read it only when needed.
                let locked_kb = if flags.contains('L') {
                    proc::brief(s.pid).ok().flatten().map_or(0, |x| x.locked_kb)
                } else {
                    0
                };
                let stat = proc::stat_flags(s, locked_kb);
                flags.chars().all(|f| stat[1..].contains(f))
            }
            (Cond::Reparented, Some(s)) => s.ppid != self.pid(self.script.creator[role]),
            (Cond::ParentIs(p), Some(s)) => s.ppid == self.pid(*p),
            // The wchan too: /proc/PID/wchan reads 0 for a moment after a process has gone
            // to sleep, and the observation shown is to name where it waits. /proc/locks
            // last: reading it waits for an RCU grace period (milliseconds).
            (Cond::Flock, Some(s)) => {
                s.state == 'S' && proc::wchan(s.pid).is_some() && proc::flock_blocked(s.pid)
            }
            _ => false,
        }
    }

    /// The script's total deadline, when it comes before `start + within`.
    fn total_first(&self, start: Instant, within: Duration) -> Option<Duration> {
        (start + within > self.total_deadline).then_some(self.options.timeout)
    }

    fn await_cond(
        &mut self,
        index: usize,
        role: RoleId,
        cond: &Cond,
        within: Duration,
    ) -> Step<Event> {
        let start = Instant::now();
        let mut deadline = (start + within).min(self.total_deadline);
        if *cond == Cond::Done {
            let Some(started) = self.roles[role].pending.take() else {
                return Err(Failure::GarbledReport);
            };
            // The child of an `accept` started with `&` exists once a client has come.
            if let StepKind::Act { action, .. } = &self.script.steps[started].kind
                && action.def().facts.creates_on_return
                && let Some(child) = action.creates()
            {
                self.await_hello(child, role)?;
            }
            let report = self.await_report(deadline, |r| matches!(r, Report::Done { role: who, step, .. } if *who == role && *step == started))?;
            let Some(Report::Done { mut outcome, .. }) = report else {
                return Err(Failure::DoneTimeout {
                    role,
                    step: started,
                    within,
                    total: self.total_first(start, within),
                    seen: self.observe_now(role),
                });
            };
            if let StepKind::Act { action, .. } = &self.script.steps[started].kind {
                self.after(started, role, action, &mut outcome)?;
            }
            return Ok(Event::Await {
                step: index,
                observation: None,
                outcome: Some(outcome),
                reads: None,
                waited: start.elapsed(),
            });
        }
        let mut reads = 0u32;
        loop {
            let s = self.sample(role)?;
            reads += 1;
            // A condition on something other than the state letter (flags, parent) is shown
            // only once the process has also settled, so the letter beside it is never the
            // blur of a process between two sleeps.
            let settled = matches!(cond, Cond::State(_) | Cond::Gone) || self.settled(role, &s);
            if self.holds(role, cond, &s) && settled {
                let waited = start.elapsed();
                return Ok(Event::Await {
                    step: index,
                    observation: Some(self.observation(role, s)?),
                    outcome: None,
                    reads: Some(reads),
                    waited,
                });
            }
            if Instant::now() >= deadline {
                match self.busy(role, start, index)? {
                    Busy::Extend => {
                        deadline = self.total_deadline;
                        continue;
                    }
                    Busy::Exhausted(failure) => return Err(*failure),
                    Busy::No => {}
                }
                return Err(Failure::AwaitTimeout {
                    role,
                    cond: cond.clone(),
                    within,
                    total: self.total_first(start, within),
                    reads,
                    seen: self.observation(role, s)?,
                });
            }
            self.pause(reads)?;
        }
    }

    /// One reading of every role of a `share` window: schedstat's ns on a CPU, and stat's
    /// state, utime + stime and nice.
    fn cpu_reading(&self, role: RoleId) -> Step<(proc::Schedstat, Sample)> {
        let pid = self.pid(role);
        let failure = |why| Failure::Share { role, why };
        let Some(sample) = self.sample(role)? else {
            return Err(failure(Unshared::Gone));
        };
        if sample.state == 'Z' {
            return Err(failure(Unshared::Zombie));
        }
        match proc::schedstat(pid) {
            Ok(Some(s)) => Ok((s, sample)),
            Ok(None) => Err(failure(Unshared::Gone)),
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                Err(failure(Unshared::NoSchedstat))
            }
            Err(e) => Err(Failure::ProcUnreadable {
                role,
                pid,
                file: "schedstat".into(),
                errno: e.raw_os_error(),
            }),
        }
    }

    /// A `share` step: read every role's CPU time, wait until `until` has used `wanted` more
    /// of it (on a machine too busy to give it that within `CpuShare::BUSY_WALL`, until that
    /// wall time has passed and it has used a tenth of it), read them all again. The
    /// kernel's figure ends the window, not a clock alone: the
    /// runner sleeps between readings for as long as the rest could take at the least (a
    /// process cannot use more CPU time than the time that passes), at least 1 ms and at
    /// most 5 ms, so that the states it reads cover the window, while it leaves the CPU it
    /// shares with the roles to them.
    fn share(&mut self, roles: &[RoleId], until: RoleId, wanted: Duration) -> Step<CpuShare> {
        let wanted_ns = wanted.as_nanos() as u64;
        let start = Instant::now();
        let mut first = Vec::with_capacity(roles.len());
        for &role in roles {
            first.push(self.cpu_reading(role)?);
        }
        if first.iter().all(|(s, _)| s.is_empty()) {
            return Err(Failure::Share {
                role: until,
                why: Unshared::NoSchedstat,
            });
        }
        let mut rows: Vec<CpuRow> = roles
            .iter()
            .zip(&first)
            .map(|(&role, (sched, sample))| CpuRow {
                role,
                pid: self.pid(role),
                nice: sample.nice,
                cpus: proc::cpus_allowed(self.pid(role))
                    .ok()
                    .flatten()
                    .unwrap_or_default(),
                states: State::from_letter(sample.state).into_iter().collect(),
                ns_before: sched.on_cpu_ns,
                ns_after: sched.on_cpu_ns,
                ticks_before: sample.utime + sample.stime,
                ticks_after: sample.utime + sample.stime,
            })
            .collect();
        let at = roles.iter().position(|r| *r == until).unwrap_or(0);
        let mut reads = 1u32;
        let floor_ns = CpuShare::floor_ns(wanted_ns);
        loop {
            let used = rows[at].used_ns();
            if used >= wanted_ns || (used >= floor_ns && start.elapsed() >= CpuShare::BUSY_WALL) {
                break;
            }
            if Instant::now() >= self.total_deadline {
                return Err(Failure::Share {
                    role: until,
                    why: Unshared::Deadline {
                        used_ns: used,
                        wanted_ns,
                        waited: start.elapsed(),
                    },
                });
            }
            let rest = Duration::from_nanos(wanted_ns - used);
            let nap = rest.clamp(Duration::from_millis(1), Duration::from_millis(5));
            let _ = poll(
                &mut [],
                PollTimeout::try_from(nap).unwrap_or(PollTimeout::from(5u8)),
            );
            self.out.drain();
            for (i, &role) in roles.iter().enumerate() {
                let (sched, sample) = self.cpu_reading(role)?;
                let row = &mut rows[i];
                row.ns_after = sched.on_cpu_ns;
                row.ticks_after = sample.utime + sample.stime;
                row.nice = sample.nice;
                if let Some(state) = State::from_letter(sample.state)
                    && !row.states.contains(&state)
                {
                    row.states.push(state);
                }
            }
            reads += 1;
        }
        let share = CpuShare {
            until,
            wanted_ns,
            wall: start.elapsed(),
            reads,
            ticks_per_s: u64::from(sys::clock_ticks_per_second()),
            runner_cpus: proc::cpus_allowed(0).ok().flatten().unwrap_or_default(),
            rows,
        };
        let total = share.total_ns();
        for row in &share.rows {
            self.roles[row.role].cpu = Some((row.used_ns(), total, row.nice));
        }
        Ok(share)
    }

    fn measure(&mut self, roles: &[RoleId]) -> Step<Vec<MemoryReading>> {
        let mut out = Vec::new();
        for &role in roles {
            let pid = self.pid(role);
            let unmeasurable = |why| Failure::Unmeasurable { role, why };
            let Some(sample) = self.sample(role)? else {
                return Err(unmeasurable(Unmeasurable::Gone));
            };
            let unreadable = |file: &str, e: std::io::Error| Failure::ProcUnreadable {
                role,
                pid,
                file: file.into(),
                errno: e.raw_os_error(),
            };
            let zombie = unmeasurable(Unmeasurable::Zombie);
            let (whole, region) = match self.roles[role].region {
                Some((addr, bytes)) => {
                    let (whole, region) = proc::memory_and_region(pid, addr)
                        .map_err(|e| unreadable("smaps", e))?
                        .ok_or(zombie)?;
                    let region =
                        region.ok_or(unmeasurable(Unmeasurable::RegionMissing { addr }))?;
                    (whole, Some((region, bytes)))
                }
                None => (
                    proc::memory(pid)
                        .map_err(|e| unreadable("smaps_rollup", e))?
                        .ok_or(zombie)?,
                    None,
                ),
            };
            let reading = MemoryReading {
                role,
                pid,
                whole,
                minflt: sample.minflt,
                region,
            };
            let r = &mut self.roles[role];
            r.minflt_before = r.measured.as_ref().map(|m| m.minflt);
            r.measured = Some(reading.clone());
            out.push(reading);
        }
        Ok(out)
    }

    /// A memory figure from the role's latest `measure`: its region's kB, or for `faults`
    /// the minor faults between its last two measurements.
    fn memory_figure(&self, role: RoleId, field: Field) -> Option<u64> {
        let r = &self.roles[role];
        if field == Field::Cpu {
            // Microseconds of CPU time in its latest `share` window.
            return r.cpu.map(|(used, _, _)| used / 1000);
        }
        let m = r.measured.as_ref()?;
        let region = m.region.as_ref().map(|(m, _)| m);
        match field {
            Field::Rss => region.map(|r| r.rss_kb),
            Field::Pss => region.map(|r| r.pss_kb),
            Field::SharedDirty => region.map(|r| r.shared_dirty_kb),
            Field::PrivateDirty => region.map(|r| r.private_dirty_kb),
            Field::Faults => Some(m.minflt.saturating_sub(r.minflt_before?)),
            _ => None,
        }
    }

    /// Check an `expect` step: the figures compared, or a failure with what was read.
    fn expect(&self, role: RoleId, field: Field, cmp: Cmp, value: &Operand) -> Step<Check> {
        let Some(actual) = self.memory_figure(role, field) else {
            return Err(Failure::ExpectMissing {
                role,
                field,
                missing: Missing::Figure { role, field },
            });
        };
        let wanted = match value {
            Operand::Number(n) => Some(*n),
            Operand::Region => self.roles[role]
                .measured
                .as_ref()
                .and_then(|m| m.region.as_ref())
                .map(|(_, bytes)| *bytes as u64 / 1024),
            Operand::Field(other, f) => self.memory_figure(*other, *f),
        };
        let Some(wanted) = wanted else {
            return Err(Failure::ExpectMissing {
                role,
                field,
                missing: Missing::Operand,
            });
        };
        let check = Check {
            role,
            field,
            cmp,
            operand: value.clone(),
            actual,
            wanted,
        };
        let holds = match cmp {
            Cmp::Eq => actual == wanted,
            Cmp::AtLeast => actual >= wanted,
            Cmp::AtMost => actual <= wanted,
            Cmp::More => actual > wanted,
            Cmp::Less => actual < wanted,
        };
        if holds {
            Ok(check)
        } else {
            Err(Failure::ExpectFailed(check))
        }
    }

    /// A `say` line with this run's values, in every language the script has it in (the
    /// same values filled into each).
    fn narrate(&self, step: usize) -> SayLine {
        let StepKind::Say { pieces } = &self.script.steps[step].kind else {
            return SayLine {
                step,
                said: Vec::new(),
                said_in: Default::default(),
            };
        };
        let filled = pieces.map(|p| self.fill(p));
        SayLine {
            step,
            said: filled.base,
            said_in: filled.other,
        }
    }

    /// Narration pieces with this run's values.
    fn fill(&self, pieces: &[Piece]) -> Vec<Said> {
        pieces
            .iter()
            .map(|piece| match piece {
                Piece::Text(t) => Said::Text(t.clone()),
                Piece::Value(role, field) => Said::Value {
                    role: *role,
                    field: *field,
                    value: self.field(*role, *field),
                },
            })
            .collect()
    }

    /// A narration value, from the last observation, measurement or result of that role.
    fn field(&self, role: RoleId, field: Field) -> Value {
        let r = &self.roles[role];
        let obs = r.last.as_ref();
        let region = r
            .measured
            .as_ref()
            .and_then(|m| m.region.as_ref().map(|(m, _)| m));
        let kb = |f: fn(&Memory) -> u64| {
            region.map_or(Value::NotObserved, |m| Value::Number(f(m) as i64))
        };
        let pid = |p: Option<i32>| p.map_or(Value::NotObserved, Value::Pid);
        let inspected = r.inspected.as_ref();
        let masks = |f: fn(&SignalMasks) -> u64| {
            inspected
                .and_then(|i| i.signals.as_ref())
                .map_or(Value::NotObserved, |m| Value::Signals(f(m)))
        };
        let value = match field {
            Field::Pid => return pid(r.pid),
            Field::Ppid => pid(obs.and_then(|o| o.ppid)),
            Field::Session => pid(obs.and_then(|o| o.session)),
            Field::Pgrp => pid(obs.and_then(|o| o.pgrp)),
            Field::Parent => obs
                .and_then(|o| o.parent.clone())
                .map_or(Value::NotObserved, Value::Parent),
            Field::State => obs.map_or(Value::NotObserved, |o| Value::State(o.state)),
            Field::Stat => obs
                .and_then(|o| o.stat.clone())
                .map_or(Value::NotObserved, Value::Stat),
            Field::Comm => obs
                .and_then(|o| o.comm.clone())
                .map_or(Value::NotObserved, Value::Comm),
            Field::Nice => obs
                .and_then(|o| o.nice)
                .map_or(Value::NotObserved, Value::Number),
            Field::Sigchld => obs.map_or(Value::NotObserved, |o| Value::Sigchld(o.sigchld)),
            Field::ExitCode => obs
                .and_then(|o| o.exit_status)
                .map_or(Value::NotObserved, |s| {
                    Value::ExitCode(crate::engine::model::ExitStatus::decode(s))
                }),
            Field::Result => r.result.clone().map_or(Value::NotObserved, Value::Result),
            Field::Rss => kb(|m| m.rss_kb),
            Field::Pss => kb(|m| m.pss_kb),
            Field::SharedDirty => kb(|m| m.shared_dirty_kb),
            Field::PrivateDirty => kb(|m| m.private_dirty_kb),
            Field::Faults => match (&r.measured, r.minflt_before) {
                (Some(m), Some(before)) => Value::Varying(m.minflt.saturating_sub(before)),
                _ => Value::NotObserved,
            },
            Field::Exe => inspected
                .and_then(|i| i.exe.clone())
                .map_or(Value::NotObserved, Value::Exe),
            Field::Cmdline => inspected
                .and_then(|i| i.cmdline.clone())
                .map_or(Value::NotObserved, Value::Cmdline),
            Field::Blocked => masks(|m| m.blocked),
            Field::Pending => masks(|m| m.pending | m.shared_pending),
            Field::Ignored => masks(|m| m.ignored),
            Field::Caught => masks(|m| m.caught),
            Field::NsPid => match (inspected, obs) {
                (Some(i), _) if !i.ns_pids.is_empty() => Value::NsPids(i.ns_pids.clone()),
                (_, Some(o)) => match o.ns_pid {
                    Some(inner) => Value::NsPids(vec![o.pid, inner]),
                    None => Value::NsPids(vec![o.pid]),
                },
                _ => Value::NotObserved,
            },
            Field::Returned => r
                .returned
                .map_or(Value::NotObserved, |n| Value::Number(n.into())),
            // multiprocessing's convention: the exit status, or -N for a death by signal N.
            Field::Exitcode => {
                use crate::engine::model::ExitStatus;
                match r.reaped_status.map(ExitStatus::decode) {
                    Some(ExitStatus::Exited(code)) => Value::Number(code.into()),
                    Some(ExitStatus::Killed(signal)) => Value::Number(-i64::from(signal)),
                    _ => Value::NotObserved,
                }
            }
            Field::Output => r
                .shown_output
                .clone()
                .map_or(Value::NotObserved, Value::Output),
            Field::Cpu => r
                .cpu
                .map_or(Value::NotObserved, |(used, _, _)| Value::CpuTime(used)),
            Field::Share => r
                .cpu
                .map_or(Value::NotObserved, |(used, total, _)| Value::Share {
                    used,
                    total,
                }),
            // The kernel's table for the nice value read in the window: the same every run.
            Field::SchedWeight => r
                .cpu
                .and_then(|(_, _, nice)| crate::engine::model::sched_weight(nice))
                .map_or(Value::NotObserved, |w| Value::Number(w.into())),
        };
        let hidden = match field {
            Field::Result => r.result_guarded,
            Field::Parent | Field::Comm => false,
            _ => r.privileged,
        };
        if hidden && value != Value::NotObserved {
            Value::DependsOnPrivilege(Box::new(value))
        } else {
            value
        }
    }

    // ---- the end -------------------------------------------------------------------------

    /// Kill and reap every process this run created; returns how many were still running.
    fn clean_up(&mut self) -> usize {
        // SIGKILL ends idle, busy, stopped and traced actors alike. It comes before the
        // command pipes close, or idle actors would race to exit on their own and the count
        // of processes the script left running would vary from run to run.
        let mut killed = Vec::new();
        for role in 1..self.roles.len() {
            if let Ok(Some(s)) = self.sample(role)
                && s.state != 'Z'
                && kill(Pid::from_raw(s.pid), Signal::SIGKILL).is_ok()
            {
                killed.push(s.pid);
            }
        }
        for r in &mut self.roles {
            r.command = None;
        }
        reap_all(killed).killed
    }
}

/// What [`reap_all`] did.
pub struct Reaped {
    /// Processes it sent SIGKILL (each counted once).
    pub killed: usize,
}

/// Kill and reap every child of this process (the runner's: all of them are the run's),
/// including the ones that become its children while it does so (orphans come to a
/// subreaper), until waitpid says none are left. `killed`: the PIDs already sent SIGKILL;
/// each process is counted once, however long it takes to die. (A killed process with much
/// memory to free is not a zombie yet for a while, and a second scan must not count it again.)
///
/// The processes it killed are waited for through pidfds first, so that in the usual case
/// (everything left was one of the run's roles) no scan of /proc is needed at all: when they
/// have exited, their own orphans have already been reparented here, and waitpid reaps them
/// all until it reports no child left.
fn reap_all(mut killed: Vec<i32>) -> Reaped {
    let pidfds: Vec<OwnedFd> = killed
        .iter()
        .filter_map(|&pid| sys::pidfd_open(pid).ok())
        .collect();
    let deadline = Instant::now() + SETTLE_DEADLINE;
    for fd in &pidfds {
        let left = deadline.saturating_duration_since(Instant::now());
        let mut fds = [PollFd::new(fd.as_fd(), PollFlags::POLLIN)];
        let _ = poll(&mut fds, poll_timeout(left));
    }
    loop {
        match sys::waitpid(-1, true) {
            Ok(Some(_)) => {}
            Ok(None) => {
                // A child that is not dead yet: one not killed so far, or still dying. Every
                // live descendant is stopped, then killed (a program's family cannot grow
                // while it is killed), from one scan of /proc.
                let (live, _) = sys::stop_and_kill_family(&[]);
                for pid in live {
                    if !killed.contains(&pid) {
                        killed.push(pid);
                    }
                }
                let _ = sys::waitpid(-1, false);
            }
            Err(e) if e.raw_os_error() == Some(libc::EINTR) => {}
            Err(_) => {
                return Reaped {
                    killed: killed.len(),
                };
            }
        }
    }
}
