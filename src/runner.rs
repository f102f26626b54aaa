//! The runner: a fresh, single-threaded process per demo that stages the script step by step.
//!
//! It is the director of the scenario. It forks the first actor, sends each actor its commands
//! over a pipe, waits for each result on the shared report pipe, and between steps reads /proc
//! to observe every role. Nothing here sleeps to let things happen: results come over pipes,
//! and awaited states are polled from /proc with a deadline. The runner is a child subreaper,
//! so orphans come to it and it can show and reap them; when the run ends, however it ends,
//! it kills and reaps every descendant before printing anything.
//!
//! Every figure in the [`Record`] was read from the kernel in this run: a system call's result
//! reported by an actor, or a /proc read by the runner.

use crate::actor::{self, Outcome, Pipes, Report};
use crate::model::Memory;
use crate::observe::{self, Sample};
use crate::script::{
    Action, Cmp, Cond, Field, Guard, Operand, Piece, RUNNER, RoleId, Script, StepKind,
};
use crate::sys::{self, Forked};
use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{Signal, kill};
use nix::unistd::{self, Pid};
use serde::Serialize;
use std::io::Write;
use std::os::fd::{AsFd, OwnedFd};
use std::time::{Duration, Instant};

/// What the kernel reported about one role at one moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Observation {
    pub role: String,
    pub pid: i32,
    /// "gone" once reaped, else the state letter from /proc/PID/stat.
    pub state: String,
    pub ppid: Option<i32>,
    /// The parent's role, or its command name when it is not one of the demo's processes.
    pub parent: Option<String>,
    pub stat: Option<String>,
    pub comm: Option<String>,
    pub pgrp: Option<i32>,
    pub session: Option<i32>,
    pub nice: Option<i64>,
    /// The kernel function a sleeping process waits in (/proc/PID/wchan).
    pub wchan: Option<String>,
    /// The raw wait status a zombie holds for its parent (/proc/PID/stat field 52).
    pub exit_status: Option<i32>,
    /// Whether SIGCHLD is ignored (the SigIgn mask in /proc/PID/status).
    pub sigchld_ignored: Option<bool>,
    /// Whether SIGCHLD has a handler (the SigCgt mask).
    pub sigchld_caught: Option<bool>,
    /// A `try` step may have changed this role's state (it acted, or was traced): what it
    /// shows may differ between root and a normal user, so --stable output leaves it out.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub depends_on_privilege: bool,
    /// What `ps -o stat=` said about the same process (only with --check-ps).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ps_stat: Option<String>,
}

/// Memory figures of one role: the whole process from /proc/PID/smaps_rollup, its `alloc`
/// region from its own entry in /proc/PID/smaps, and minflt from /proc/PID/stat.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemoryReading {
    pub role: String,
    pub pid: i32,
    #[serde(flatten)]
    pub memory: Memory,
    pub minflt: u64,
    /// The region's own figures (None when the role has no region).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<Memory>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_bytes: Option<usize>,
}

/// One step as it happened.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub line: usize,
    pub step: String,
    /// The role that acted, for actions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// What the action returned (for an action started with `&`, given at `await ROLE done`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<Outcome>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub observations: Vec<Observation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub memory: Vec<MemoryReading>,
    /// For an `expect` step: the figures compared, e.g. "16384 = 16384 kB".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checked: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narration: Option<String>,
    /// For awaits: how many /proc reads it took, and how long (not shown in --stable output).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub polls: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waited_us: Option<u64>,
    /// A `tree` step: the observations are shown as a process tree.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub tree: bool,
    /// A `try` step or a step ending `if permitted`: its outcome may differ between root and a
    /// normal user, so --stable output leaves it out.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub depends_on_privilege: bool,
    /// For a `try` step: whether the kernel allowed the action.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permitted: Option<bool>,
    /// For a step ending `if permitted` that was not performed: the refused `try` step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped_because: Option<String>,
}

/// The whole run, rendered once it is over.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    pub demo: String,
    pub title: String,
    pub source: String,
    pub runner_pid: i32,
    pub ok: bool,
    /// Role names and the PID each had (null for a role never created).
    pub roles: Vec<(String, Option<i32>)>,
    pub events: Vec<Event>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// Processes the runner killed and reaped when the run ended (0 when the script ended
    /// every process itself).
    pub cleaned_up: usize,
}

/// Fault injection for the tests: PROCDEMO_FAULT_PANIC_AT_STEP=N makes the runner panic just
/// before step N, with its actors alive, to prove that the front end reports the crash and
/// cleans up after it. Unset, it costs one environment lookup per step.
fn fault_panic_at() -> Option<usize> {
    std::env::var("PROCDEMO_FAULT_PANIC_AT_STEP")
        .ok()?
        .parse()
        .ok()
}

/// How to stage a run (from the command line).
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Wall time the whole script may take.
    pub timeout: Duration,
    /// Ask the real `ps -o stat=` about every live process observed, and fail on a mismatch.
    pub check_ps: bool,
}

/// Why a run stopped early: printed with what was observed, exit code 1.
pub struct Failure(pub String);

/// How long to wait for an actor to report a result before calling it stuck.
const RESULT_DEADLINE: Duration = Duration::from_secs(2);
/// Extra time `alloc` and `touch` get per MiB of their region (about 4x what writing and
/// copying a MiB of fresh pages takes on a small VM).
const PER_MIB: Duration = Duration::from_millis(10);
/// How long `observe` lets a process settle into the sleep it is headed for.
const SETTLE_DEADLINE: Duration = Duration::from_secs(1);
/// /proc reads spent spinning (with sched_yield) before polling at a gentler pace.
const SPIN_READS: u32 = 2000;

struct Director<'a> {
    script: &'a Script,
    pids: Vec<Option<i32>>,
    /// starttime of each role's process, to tell it from a later process given the same PID.
    starts: Vec<Option<u64>>,
    /// Write end of each role's command pipe.
    commands: Vec<Option<OwnedFd>>,
    /// What a newly forked actor inherits: the read ends and the report write end.
    actor_pipes: Option<Pipes>,
    reports: Option<OwnedFd>,
    buf: Vec<u8>,
    inbox: Vec<Report>,
    /// The step a role started with `&` and has not reported yet.
    pending: Vec<Option<usize>>,
    spinning: Vec<bool>,
    /// The role was told to exit or sent a fatal signal.
    ended: Vec<bool>,
    last: Vec<Option<Observation>>,
    results: Vec<Option<Outcome>>,
    /// The `alloc` region each role has (its own or inherited through fork): address, bytes.
    regions: Vec<Option<(u64, usize)>>,
    /// Each role's latest `measure`, and minflt at the one before (for `{ROLE.faults}`).
    measured: Vec<Option<MemoryReading>>,
    minflt_before: Vec<Option<u64>>,
    /// Roles whose state a `try` step may have changed (see
    /// `Observation::depends_on_privilege`): the target of `trace`/`untrace`, else the actor.
    privileged: Vec<bool>,
    /// The role's latest result came from a `try` or `if permitted` step.
    result_guarded: Vec<bool>,
    /// For each `try` step (by index), whether it was permitted.
    permitted: Vec<Option<bool>>,
    record: Record,
    total_deadline: Instant,
    options: RunOptions,
    /// A STAT that `ps` read differently (with --check-ps): ends the run after the step.
    ps_mismatch: Option<String>,
}

/// Stage `script` in this process, which must be a fresh runner: single-threaded, started by
/// the front end. Returns the record of what happened.
pub fn run(script: &Script, source: &str, frontend: i32, options: RunOptions) -> Record {
    let me = unistd::getpid().as_raw();
    let mut record = Record {
        demo: script.name.clone(),
        title: script.title.clone(),
        source: source.to_string(),
        runner_pid: me,
        ok: false,
        roles: Vec::new(),
        events: Vec::new(),
        failure: None,
        cleaned_up: 0,
    };
    if let Err(e) = prepare(frontend) {
        record.failure = Some(e.0);
        return record;
    }
    let mut director = match Director::new(script, record, options) {
        Ok(d) => d,
        Err((record, e)) => {
            let mut record = *record;
            record.failure = Some(e.0);
            return record;
        }
    };
    let result = director.run_all();
    director.record.cleaned_up = director.clean_up();
    let mut record = director.finish();
    match result {
        Ok(()) => record.ok = true,
        Err(Failure(message)) => record.failure = Some(message),
    }
    record
}

/// Make this process a safe director: die with the front end, adopt orphans, see /proc.
fn prepare(frontend: i32) -> Result<(), Failure> {
    sys::set_parent_death_signal(libc::SIGKILL)
        .map_err(|e| Failure(format!("prctl(PR_SET_PDEATHSIG): {e}")))?;
    if unistd::getppid().as_raw() != frontend {
        // The front end died before the death signal was armed.
        sys::exit_now(1);
    }
    sys::set_child_subreaper()
        .map_err(|e| Failure(format!("prctl(PR_SET_CHILD_SUBREAPER): {e}")))?;
    sys::reset_signals().map_err(|e| Failure(format!("resetting signal dispositions: {e}")))?;
    share_one_cpu();
    observe::check_proc().map_err(Failure)
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

fn pipe() -> Result<(OwnedFd, OwnedFd), Failure> {
    unistd::pipe2(OFlag::O_CLOEXEC).map_err(|e| {
        Failure(format!(
            "cannot create a pipe: {e}{}",
            if e == nix::Error::EMFILE {
                " (too many open files)"
            } else {
                ""
            }
        ))
    })
}

impl<'a> Director<'a> {
    #[allow(clippy::result_large_err)]
    fn new(
        script: &'a Script,
        record: Record,
        options: RunOptions,
    ) -> Result<Self, (Box<Record>, Failure)> {
        let n = script.roles.len();
        let mut commands = Vec::with_capacity(n);
        let mut reads = Vec::with_capacity(n);
        let made = (|| {
            commands.push(None);
            reads.push(None);
            for _ in 1..n {
                let (r, w) = pipe()?;
                reads.push(Some(r));
                commands.push(Some(w));
            }
            let (r, w) = pipe()?;
            fcntl(&r, FcntlArg::F_SETFL(OFlag::O_NONBLOCK))
                .map_err(|e| Failure(format!("fcntl: {e}")))?;
            Ok((r, w))
        })();
        let (report_read, report_write) = match made {
            Ok(fds) => fds,
            Err(e) => return Err((Box::new(record), e)),
        };
        let mut pids = vec![None; n];
        pids[RUNNER] = Some(record.runner_pid);
        Ok(Director {
            script,
            pids,
            starts: vec![None; n],
            commands,
            actor_pipes: Some(Pipes {
                commands: reads,
                reports: report_write,
            }),
            reports: Some(report_read),
            buf: Vec::new(),
            inbox: Vec::new(),
            pending: vec![None; n],
            spinning: vec![false; n],
            ended: vec![false; n],
            last: vec![None; n],
            results: vec![None; n],
            regions: vec![None; n],
            measured: vec![None; n],
            minflt_before: vec![None; n],
            privileged: vec![false; n],
            result_guarded: vec![false; n],
            permitted: vec![None; script.steps.len()],
            record,
            total_deadline: Instant::now() + options.timeout,
            options,
            ps_mismatch: None,
        })
    }

    fn name(&self, role: RoleId) -> &'a str {
        self.script.role_name(role)
    }

    fn finish(mut self) -> Record {
        self.record.roles = self
            .script
            .roles
            .iter()
            .cloned()
            .zip(self.pids.iter().copied())
            .collect();
        self.record
    }

    fn run_all(&mut self) -> Result<(), Failure> {
        for index in 0..self.script.steps.len() {
            if Instant::now() > self.total_deadline {
                return Err(Failure(format!(
                    "the script ran longer than its total deadline of {}",
                    show_duration(self.options.timeout)
                )));
            }
            if fault_panic_at() == Some(index + 1) {
                panic!(
                    "PROCDEMO_FAULT_PANIC_AT_STEP: a deliberate panic before step {}",
                    index + 1
                );
            }
            self.step(index)?;
            if let Some(mismatch) = self.ps_mismatch.take() {
                return Err(Failure(mismatch));
            }
        }
        Ok(())
    }

    fn event(&self, index: usize) -> Event {
        let step = &self.script.steps[index];
        Event {
            line: step.line,
            step: step.text.clone(),
            actor: None,
            result: None,
            observations: Vec::new(),
            memory: Vec::new(),
            checked: None,
            narration: None,
            polls: None,
            waited_us: None,
            tree: step.as_tree,
            depends_on_privilege: step.guard != Guard::None,
            permitted: None,
            skipped_because: None,
        }
    }

    fn step(&mut self, index: usize) -> Result<(), Failure> {
        let script = self.script;
        let step = &script.steps[index];
        let mut event = self.event(index);
        if let Guard::IfPermitted { try_step } = step.guard
            && self.permitted[try_step] != Some(true)
        {
            event.skipped_because = Some(script.steps[try_step].text.clone());
            self.record.events.push(event);
            return Ok(());
        }
        let outcome = match &step.kind {
            StepKind::Act {
                role,
                action,
                background,
            } => {
                event.actor = Some(self.name(*role).to_string());
                if step.guard == Guard::Try {
                    // A tracer's own state does not change when it traces; the tracee's does.
                    let changed = match action {
                        Action::Trace { target } | Action::Untrace { target } => *target,
                        _ => *role,
                    };
                    self.privileged[changed] = true;
                }
                let result = if *role == RUNNER {
                    self.runner_act(action)
                } else {
                    self.actor_act(index, *role, action, *background)
                };
                let result = result.and_then(|outcome| {
                    if step.guard == Guard::Try {
                        let permitted = self.judge_try(index, outcome.as_ref())?;
                        self.permitted[index] = Some(permitted);
                        event.permitted = Some(permitted);
                    }
                    self.result_guarded[*role] = step.guard != Guard::None;
                    Ok(outcome)
                });
                match result {
                    Ok(outcome) => outcome,
                    Err(e) => {
                        self.record.events.push(event);
                        return Err(e);
                    }
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
                let observed = self.observe_settled(&roles);
                event.observations = match observed {
                    Ok(o) => o,
                    Err(e) => {
                        self.record.events.push(event);
                        return Err(e);
                    }
                };
                None
            }
            StepKind::Measure { roles } => {
                event.memory = self.measure(roles)?;
                None
            }
            StepKind::Await { role, cond, within } => {
                let awaited = self.await_cond(*role, cond, *within, &mut event);
                if let Err(e) = awaited {
                    self.record.events.push(event);
                    return Err(e);
                }
                event.result.take()
            }
            StepKind::Say { pieces } => {
                event.narration = Some(self.narrate(pieces));
                None
            }
            StepKind::Expect {
                role,
                field,
                cmp,
                value,
            } => {
                let checked = self.expect(*role, *field, *cmp, value);
                match checked {
                    Ok(text) => event.checked = Some(text),
                    Err(e) => {
                        self.record.events.push(event);
                        return Err(e);
                    }
                }
                None
            }
        };
        event.result = outcome;
        self.record.events.push(event);
        Ok(())
    }

    /// A `try` step's verdict: permitted, refused for want of privilege (EPERM, EACCES), or a
    /// failure of another kind, which `try` does not excuse.
    fn judge_try(&self, index: usize, outcome: Option<&Outcome>) -> Result<bool, Failure> {
        match outcome {
            Some(Outcome::Failed { errno, .. })
                if *errno == libc::EPERM || *errno == libc::EACCES =>
            {
                Ok(false)
            }
            Some(Outcome::Failed { call, errno }) => Err(Failure(format!(
                "`{}`: {} failed with {} ({}), which is not a permission refusal: `try` only accepts EPERM or EACCES",
                self.script.steps[index].text,
                call.name(),
                errno_name(*errno),
                crate::render::strerror(*errno)
            ))),
            _ => Ok(true),
        }
    }

    /// Roles whose process has been created, the runner excepted.
    fn created_roles(&self) -> Vec<RoleId> {
        (1..self.pids.len())
            .filter(|&r| self.pids[r].is_some())
            .collect()
    }

    fn pid(&self, role: RoleId) -> i32 {
        self.pids[role].unwrap_or(0)
    }

    fn target_pid(&self, action: &Action) -> i32 {
        action.target().map_or(0, |r| self.pid(r))
    }

    // ---- actions -------------------------------------------------------------------------

    fn actor_act(
        &mut self,
        index: usize,
        role: RoleId,
        action: &Action,
        background: bool,
    ) -> Result<Option<Outcome>, Failure> {
        self.able_to_act(index, role)?;
        let command = actor::encode_command(index, self.target_pid(action));
        let sent = match &self.commands[role] {
            Some(fd) => unistd::write(fd, &command),
            None => Err(nix::Error::EBADF),
        };
        if sent != Ok(command.len()) {
            return Err(Failure(format!(
                "could not send `{}` to {}: {sent:?}",
                self.script.steps[index].text,
                self.name(role)
            )));
        }
        self.spinning[role] = action.runs_busy_loop();
        if let Some(child) = action.creates() {
            self.await_hello(child, index)?;
        }
        if background {
            self.pending[role] = Some(index);
            self.await_started(role, index)?;
            return Ok(None);
        }
        let outcome = self.await_result(role, index)?;
        self.after(role, action, &outcome)?;
        Ok(Some(outcome))
    }

    /// An actor can only obey a command if it is alive and not stopped. The script checker
    /// rules out what it can see; this catches the rest (a process ended by something the
    /// script did not name, such as a SIGHUP from a closed terminal) at once, with the cause.
    fn able_to_act(&mut self, index: usize, role: RoleId) -> Result<(), Failure> {
        let problem = match self.sample(role)? {
            None => "it is gone",
            Some(s) if s.state == 'Z' => "it has exited (state Z)",
            Some(s) if s.state == 'T' => "it is stopped (state T)",
            Some(s) if s.state == 't' => "it is stopped by a tracer (state t)",
            Some(_) => return Ok(()),
        };
        Err(Failure(format!(
            "`{}` cannot perform `{}`: {problem}",
            self.name(role),
            self.script.steps[index].text
        )))
    }

    /// What a result changes in the runner's book-keeping; a failed fork ends the run.
    fn after(&mut self, role: RoleId, action: &Action, outcome: &Outcome) -> Result<(), Failure> {
        self.results[role] = Some(outcome.clone());
        self.result_guarded[role] = false;
        if matches!(
            action,
            Action::Wait {
                until_reaped: true,
                ..
            }
        ) {
            self.spinning[role] = false;
        }
        match (action, outcome) {
            (Action::Exit { .. }, _) => self.ended[role] = true,
            (Action::Alloc { .. }, Outcome::Allocated { addr, bytes, .. }) => {
                self.regions[role] = Some((*addr, *bytes));
            }
            (Action::Fork { child }, Outcome::Forked { .. })
            | (Action::Vfork { child }, Outcome::Vforked { .. }) => {
                self.regions[*child] = self.regions[role];
            }
            (Action::Kill { target, signal }, Outcome::Signalled { .. })
                if crate::script::ends(*signal) =>
            {
                self.ended[*target] = true
            }
            (Action::Fork { .. } | Action::Vfork { .. }, Outcome::Failed { call, errno }) => {
                return Err(Failure(fork_failure(self.name(role), call.name(), *errno)));
            }
            _ => {}
        }
        Ok(())
    }

    fn runner_act(&mut self, action: &Action) -> Result<Option<Outcome>, Failure> {
        let outcome = match action {
            // SAFETY: the runner never starts a thread (ARCHITECTURE: fork() only from a
            // single-threaded process), so its child, the first actor, may run normal Rust.
            #[allow(unsafe_code)]
            Action::Fork { child } => {
                let _ = std::io::stdout().flush();
                match unsafe { sys::fork() } {
                    Ok(Forked::Child) => self.become_first_actor(*child),
                    Ok(Forked::Parent(pid)) => {
                        self.await_hello(*child, usize::MAX)?;
                        Outcome::Forked { pid }
                    }
                    Err(e) => {
                        return Err(Failure(fork_failure(
                            "runner",
                            "fork",
                            e.raw_os_error().unwrap_or(0),
                        )));
                    }
                }
            }
            Action::Wait {
                target: crate::script::WaitTarget::Role(r),
                nohang,
                until_reaped: false,
            } => self.runner_wait(*r, *nohang)?,
            Action::Kill { target, signal } => {
                let pid = self.pid(*target);
                match Signal::try_from(*signal).and_then(|sig| kill(Pid::from_raw(pid), sig)) {
                    Ok(()) => Outcome::Signalled {
                        pid,
                        signal: *signal,
                    },
                    Err(e) => Outcome::Failed {
                        call: crate::actions::Call::Kill,
                        errno: e as i32,
                    },
                }
            }
            other => return Err(Failure(format!("the runner cannot perform {other:?}"))),
        };
        self.after(RUNNER, action, &outcome)?;
        Ok(Some(outcome))
    }

    /// In the runner's new child: drop the runner's ends of the pipes and obey commands.
    fn become_first_actor(&mut self, role: RoleId) -> ! {
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
        self.commands.clear();
        self.reports = None;
        match self.actor_pipes.take() {
            Some(pipes) => actor::become_actor(self.script, role, pipes),
            None => sys::exit_now(115),
        }
    }

    /// waitpid in the runner, which must never block for good: wait for the pidfd to turn
    /// readable (the child exited), then reap without blocking.
    fn runner_wait(&mut self, role: RoleId, nohang: bool) -> Result<Outcome, Failure> {
        let pid = self.pid(role);
        let deadline = Instant::now() + RESULT_DEADLINE;
        let pidfd = sys::pidfd_open(pid).ok();
        loop {
            match sys::waitpid(pid, true) {
                Ok(Some((pid, status))) => return Ok(Outcome::Reaped { pid, status }),
                Ok(None) if nohang => return Ok(Outcome::NotYet { polls: 1 }),
                Ok(None) => {}
                Err(e) => {
                    return Ok(Outcome::Failed {
                        call: crate::actions::Call::Waitpid,
                        errno: e.raw_os_error().unwrap_or(0),
                    });
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                let seen = self.describe_now(role);
                return Err(Failure(format!(
                    "the runner's waitpid for `{}` did not return within {} s: the child has not exited; {seen}",
                    self.name(role),
                    RESULT_DEADLINE.as_secs()
                )));
            }
            if let Some(fd) = &pidfd {
                let mut fds = [PollFd::new(fd.as_fd(), PollFlags::POLLIN)];
                let _ = poll(&mut fds, timeout(left));
            } else {
                std::thread::yield_now();
            }
        }
    }

    // ---- reports -------------------------------------------------------------------------

    /// Read whatever the report pipe holds now, waiting at most `wait`.
    fn pump(&mut self, wait: Duration) -> Result<(), Failure> {
        let Some(fd) = &self.reports else {
            return Ok(());
        };
        let mut fds = [PollFd::new(fd.as_fd(), PollFlags::POLLIN)];
        let _ = poll(&mut fds, timeout(wait));
        let mut chunk = [0u8; 4096];
        loop {
            match unistd::read(fd, &mut chunk) {
                Ok(0) => break,
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(nix::Error::EAGAIN) => break,
                Err(nix::Error::EINTR) => {}
                Err(e) => return Err(Failure(format!("reading the report pipe: {e}"))),
            }
        }
        while let Some(end) = self.buf.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.buf.drain(..=end).collect();
            match serde_json::from_slice::<Report>(&line) {
                Ok(report) => self.inbox.push(report),
                Err(e) => return Err(Failure(format!("a garbled report from an actor ({e})"))),
            }
        }
        Ok(())
    }

    fn take_report(&mut self, wanted: impl Fn(&Report) -> bool) -> Option<Report> {
        let i = self.inbox.iter().position(wanted)?;
        Some(self.inbox.remove(i))
    }

    fn await_report(
        &mut self,
        deadline: Instant,
        wanted: impl Fn(&Report) -> bool,
    ) -> Result<Option<Report>, Failure> {
        loop {
            if let Some(r) = self.take_report(&wanted) {
                return Ok(Some(r));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            self.pump(left)?;
        }
    }

    fn await_hello(&mut self, child: RoleId, index: usize) -> Result<(), Failure> {
        let deadline = Instant::now() + RESULT_DEADLINE;
        let report = self.await_report(deadline, |r| {
            matches!(r, Report::Hello { role, .. } if *role == child)
                || matches!(r, Report::Done { step, outcome: Outcome::Failed { .. }, .. } if *step == index)
        })?;
        match report {
            Some(Report::Hello { pid, .. }) => {
                self.pids[child] = Some(pid);
                self.starts[child] = observe::sample(pid).ok().flatten().map(|s| s.starttime);
                Ok(())
            }
            Some(Report::Done {
                role,
                outcome: Outcome::Failed { call, errno },
                ..
            }) => Err(Failure(fork_failure(self.name(role), call.name(), errno))),
            _ => Err(Failure(format!(
                "the new process `{}` did not report within {} s",
                self.name(child),
                RESULT_DEADLINE.as_secs()
            ))),
        }
    }

    /// After sending a step started with `&`: wait until the actor says it is under way (or
    /// has already finished: that report stays in the inbox for `await ROLE done`).
    fn await_started(&mut self, role: RoleId, index: usize) -> Result<(), Failure> {
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
                let seen = self.describe_now(role);
                return Err(Failure(format!(
                    "`{}` did not start `{}` within {} s; {seen}",
                    self.name(role),
                    self.script.steps[index].text,
                    RESULT_DEADLINE.as_secs()
                )));
            }
            self.pump(left)?;
        }
    }

    /// How long an action may take: RESULT_DEADLINE, plus time to write every page of a
    /// large region (`--size` goes up to 1 GiB, which takes seconds to fault in and copy).
    fn result_deadline(&self, role: RoleId, index: usize) -> Duration {
        let mib = match &self.script.steps[index].kind {
            StepKind::Act {
                action: Action::Alloc { mib },
                ..
            } => *mib,
            StepKind::Act {
                action: Action::TouchAll,
                ..
            } => self.regions[role].map_or(0, |(_, bytes)| (bytes >> 20) as u64),
            _ => 0,
        };
        RESULT_DEADLINE + PER_MIB * mib as u32
    }

    fn await_result(&mut self, role: RoleId, index: usize) -> Result<Outcome, Failure> {
        let within = self.result_deadline(role, index);
        let deadline = Instant::now() + within;
        let report = self.await_report(
            deadline,
            |r| matches!(r, Report::Done { role: who, step, .. } if *who == role && *step == index),
        )?;
        match report {
            Some(Report::Done { outcome, .. }) => Ok(outcome),
            _ => {
                let alive = matches!(self.sample(role), Ok(Some(s)) if !matches!(s.state, 'Z' | 'X' | 'T' | 't'));
                let seen = self.describe_now(role);
                // The `&` hint only fits a process that is alive and blocked; one that died or
                // was stopped meanwhile is described as it was found.
                let hint = if alive {
                    format!(
                        ". If the action is meant to block, end the line with `&` and add `await {} done` after the step that unblocks it",
                        self.name(role)
                    )
                } else {
                    String::new()
                };
                Err(Failure(format!(
                    "`{}` did not finish `{}` within {}; {seen}{hint}",
                    self.name(role),
                    self.script.steps[index].text,
                    show_duration(within),
                )))
            }
        }
    }

    // ---- observing -----------------------------------------------------------------------

    /// Read a role's /proc/PID/stat; None when it is gone (or its PID now names another process).
    fn sample(&self, role: RoleId) -> Result<Option<Sample>, Failure> {
        let Some(pid) = self.pids[role] else {
            return Ok(None);
        };
        match observe::sample(pid) {
            Ok(Some(s)) if self.starts[role].is_none_or(|t| t == s.starttime) => Ok(Some(s)),
            Ok(_) => Ok(None),
            Err(e) => Err(Failure(format!(
                "cannot read /proc for `{}` (pid {pid}): {e}. Is /proc mounted with hidepid, or is the process another user's?",
                self.name(role)
            ))),
        }
    }

    /// Who a PPID is: one of the demo's roles, else that process's command name.
    fn parent_name(&self, ppid: i32) -> String {
        if let Some(role) =
            (0..self.pids.len()).find(|&r| self.pids[r] == Some(ppid) && !self.is_gone(r))
        {
            return self.name(role).to_string();
        }
        match observe::sample(ppid) {
            Ok(Some(s)) => s.comm,
            _ => "?".to_string(),
        }
    }

    fn is_gone(&self, role: RoleId) -> bool {
        matches!(&self.last[role], Some(o) if o.state == "gone")
    }

    /// Everything the observer shows for a role, from one stat read plus status and wchan.
    fn observation(&mut self, role: RoleId, sample: Option<Sample>) -> Observation {
        let pid = self.pid(role);
        let obs = match sample {
            None => Observation {
                role: self.name(role).to_string(),
                pid,
                state: "gone".into(),
                ppid: None,
                parent: None,
                stat: None,
                comm: None,
                pgrp: None,
                session: None,
                nice: None,
                wchan: None,
                exit_status: None,
                sigchld_ignored: None,
                sigchld_caught: None,
                depends_on_privilege: self.privileged[role],
                ps_stat: None,
            },
            Some(s) => {
                // Without /proc/PID/status (it vanished, or is not readable) the SIGCHLD
                // columns stay empty rather than read as "default".
                let status = observe::status(pid).ok().flatten();
                let extras = status.clone().unwrap_or_default();
                let known = status.is_some() && s.state != 'Z';
                let chld = 1u64 << (libc::SIGCHLD - 1);
                Observation {
                    role: self.name(role).to_string(),
                    pid,
                    state: s.state.to_string(),
                    ppid: Some(s.ppid),
                    parent: Some(self.parent_name(s.ppid)),
                    stat: Some(observe::stat_flags(&s, extras.locked_kb)),
                    comm: Some(s.comm.clone()),
                    pgrp: Some(s.pgrp),
                    session: Some(s.session),
                    nice: Some(s.nice),
                    wchan: if matches!(s.state, 'S' | 'D') {
                        observe::wchan(pid)
                    } else {
                        None
                    },
                    exit_status: if s.state == 'Z' { s.exit_code } else { None },
                    // A zombie's signal handlers are already released: its status shows
                    // empty masks, which would read as "default".
                    sigchld_ignored: known.then_some(extras.sig_ignored & chld != 0),
                    sigchld_caught: known.then_some(extras.sig_caught & chld != 0),
                    depends_on_privilege: self.privileged[role],
                    ps_stat: None,
                }
            }
        };
        let mut obs = obs;
        if self.options.check_ps && role != RUNNER && obs.state != "gone" {
            self.check_with_ps(&mut obs);
        }
        self.last[role] = Some(obs.clone());
        obs
    }

    /// Hold the STAT derived from /proc against what `ps -o stat=` says about the same process.
    /// The flags must match exactly; so must the state letter, except R: a running process
    /// may be caught between two runs of its loop in a brief sleep by a second reader. (The
    /// runner itself is not checked: while ps runs, the runner is waiting for it.)
    fn check_with_ps(&mut self, obs: &mut Observation) {
        let Some(ours) = obs.stat.clone() else { return };
        let theirs = match std::process::Command::new("ps")
            .args(["-o", "stat=", "-p", &obs.pid.to_string()])
            .output()
        {
            Ok(out) => String::from_utf8_lossy(&out.stdout).trim().to_string(),
            Err(e) => {
                self.ps_mismatch = Some(format!("--check-ps: cannot run ps: {e}"));
                return;
            }
        };
        let same = ours == theirs || (ours.starts_with('R') && theirs.get(1..) == ours.get(1..));
        if !same && self.ps_mismatch.is_none() {
            self.ps_mismatch = Some(format!(
                "--check-ps: `{}` (pid {}) has STAT {ours} from /proc but ps -o stat= says {theirs:?}",
                obs.role, obs.pid
            ));
        }
        obs.ps_stat = Some(theirs);
    }

    /// Whether a role has reached the state it is headed for: an idle or blocked process is
    /// asleep, a process told to exit is a zombie or gone. A spinning one is never waited for.
    fn settled(&self, role: RoleId, s: &Option<Sample>) -> bool {
        match s {
            None => true,
            Some(_) if self.spinning[role] || role == RUNNER => true,
            Some(s) if self.ended[role] => matches!(s.state, 'Z' | 'X'),
            Some(s) => s.state != 'R',
        }
    }

    fn observe_settled(&mut self, roles: &[RoleId]) -> Result<Vec<Observation>, Failure> {
        let deadline = Instant::now() + SETTLE_DEADLINE;
        let mut out = Vec::with_capacity(roles.len());
        for &role in roles {
            let mut reads = 0;
            let sample = loop {
                let s = self.sample(role)?;
                reads += 1;
                if self.settled(role, &s) || Instant::now() >= deadline {
                    break s;
                }
                Self::pause(reads);
            };
            out.push(self.observation(role, sample));
        }
        Ok(out)
    }

    /// Between two /proc reads: spin (yielding the CPU) at first, since most conditions hold
    /// within microseconds; past that, read /proc once a millisecond until the deadline.
    fn pause(reads: u32) {
        if reads < SPIN_READS {
            std::thread::yield_now();
        } else {
            let _ = poll(&mut [], PollTimeout::from(1u8));
        }
    }

    fn describe_now(&mut self, role: RoleId) -> String {
        match self.sample(role) {
            Ok(s) => describe(&self.observation(role, s)),
            Err(Failure(e)) => e,
        }
    }

    fn holds(&self, role: RoleId, cond: &Cond, s: &Option<Sample>) -> bool {
        match (cond, s) {
            (Cond::Gone, s) => s.is_none(),
            (Cond::State(c), Some(s)) => c.letter() == Some(s.state),
            (Cond::Flags(flags), Some(s)) => {
                // VmLck (the `L` flag) is only in /proc/PID/status; read it only when needed.
                let locked_kb = if flags.contains('L') {
                    observe::status(s.pid)
                        .ok()
                        .flatten()
                        .map_or(0, |x| x.locked_kb)
                } else {
                    0
                };
                let stat = observe::stat_flags(s, locked_kb);
                flags.chars().all(|f| stat[1..].contains(f))
            }
            (Cond::Reparented, Some(s)) => s.ppid != self.pid(self.script.creator[role]),
            (Cond::ParentIs(p), Some(s)) => s.ppid == self.pid(*p),
            _ => false,
        }
    }

    fn await_cond(
        &mut self,
        role: RoleId,
        cond: &Cond,
        within: Duration,
        event: &mut Event,
    ) -> Result<(), Failure> {
        let start = Instant::now();
        let deadline = (start + within).min(self.total_deadline);
        if *cond == Cond::Done {
            let Some(index) = self.pending[role].take() else {
                return Err(Failure(format!(
                    "`{}` has no action running",
                    self.name(role)
                )));
            };
            let report = self.await_report(deadline, |r| matches!(r, Report::Done { role: who, step, .. } if *who == role && *step == index))?;
            let Some(Report::Done { outcome, .. }) = report else {
                let seen = self.describe_now(role);
                return Err(Failure(format!(
                    "awaited `{}` to finish `{}` {}, but it did not; {seen}",
                    self.name(role),
                    self.script.steps[index].text,
                    self.deadline_text(start, within)
                )));
            };
            event.waited_us = Some(start.elapsed().as_micros() as u64);
            if let StepKind::Act { action, .. } = &self.script.steps[index].kind {
                self.after(role, action, &outcome)?;
            }
            event.actor = Some(self.name(role).to_string());
            event.result = Some(outcome);
            return Ok(());
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
                event.polls = Some(reads);
                event.waited_us = Some(start.elapsed().as_micros() as u64);
                let obs = self.observation(role, s);
                event.observations.push(obs);
                return Ok(());
            }
            if Instant::now() >= deadline {
                let obs = self.observation(role, s);
                let seen = describe(&obs);
                event.observations.push(obs);
                return Err(Failure(format!(
                    "awaited `{}` to be {} {}, but after {reads} reads of /proc it was still not: {seen}",
                    self.name(role),
                    self.cond_text(cond),
                    self.deadline_text(start, within)
                )));
            }
            Self::pause(reads);
        }
    }

    /// "within 2 s", or, when the script's total deadline came first, says so.
    fn deadline_text(&self, start: Instant, within: Duration) -> String {
        if start + within > self.total_deadline {
            format!(
                "before the script's total deadline of {} ran out",
                show_duration(self.options.timeout)
            )
        } else {
            format!("within {}", show_duration(within))
        }
    }

    fn cond_text(&self, cond: &Cond) -> String {
        match cond {
            Cond::State(c) => format!(
                "in state {} ({})",
                c.code(),
                observe::state_meaning(c.letter().unwrap_or('?'))
            ),
            Cond::Gone => "gone (reaped)".into(),
            Cond::Reparented => "reparented".into(),
            Cond::ParentIs(r) => format!("a child of `{}`", self.name(*r)),
            Cond::Done => "done".into(),
            Cond::Flags(f) => format!(
                "showing the STAT flag{} {f}",
                if f.chars().count() > 1 { "s" } else { "" }
            ),
        }
    }

    fn measure(&mut self, roles: &[RoleId]) -> Result<Vec<MemoryReading>, Failure> {
        let mut out = Vec::new();
        for &role in roles {
            let pid = self.pid(role);
            let Some(sample) = self.sample(role)? else {
                return Err(Failure(format!(
                    "cannot measure `{}`: it is gone",
                    self.name(role)
                )));
            };
            let zombie = || {
                Failure(format!(
                    "cannot measure `{}`: no smaps (a zombie has no memory)",
                    self.name(role)
                ))
            };
            let memory = observe::memory(pid)
                .map_err(|e| Failure(e.to_string()))?
                .ok_or_else(zombie)?;
            let region = match self.regions[role] {
                Some((addr, _)) => Some(
                    observe::region_memory(pid, addr)
                        .map_err(|e| Failure(e.to_string()))?
                        .ok_or_else(zombie)?
                        .ok_or_else(|| {
                            Failure(format!(
                                "cannot measure `{}`: its region at {addr:#x} is not in /proc/{pid}/smaps",
                                self.name(role)
                            ))
                        })?,
                ),
                None => None,
            };
            let reading = MemoryReading {
                role: self.name(role).to_string(),
                pid,
                memory,
                minflt: sample.minflt,
                region,
                region_bytes: self.regions[role].map(|(_, bytes)| bytes),
            };
            self.minflt_before[role] = self.measured[role].as_ref().map(|m| m.minflt);
            self.measured[role] = Some(reading.clone());
            out.push(reading);
        }
        Ok(out)
    }

    fn narrate(&self, pieces: &[Piece]) -> String {
        let mut out = String::new();
        for piece in pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Value(role, field) => out.push_str(&self.field(*role, *field)),
            }
        }
        out
    }

    /// A memory figure from the role's latest `measure`: its region's kB, or for `faults`
    /// the minor faults between its last two measurements.
    fn memory_figure(&self, role: RoleId, field: Field) -> Option<u64> {
        let m = self.measured[role].as_ref()?;
        let region = m.region.as_ref();
        match field {
            Field::Rss => region.map(|r| r.rss_kb),
            Field::Pss => region.map(|r| r.pss_kb),
            Field::SharedDirty => region.map(|r| r.shared_dirty_kb),
            Field::PrivateDirty => region.map(|r| r.private_dirty_kb),
            Field::Faults => Some(m.minflt.saturating_sub(self.minflt_before[role]?)),
            _ => None,
        }
    }

    /// Check an `expect` step; the figures compared on success, a failure that says what was
    /// read otherwise.
    fn expect(
        &self,
        role: RoleId,
        field: Field,
        cmp: Cmp,
        value: &Operand,
    ) -> Result<String, Failure> {
        let name = |f: Field| crate::script::field_name(f);
        let unit = if field == Field::Faults { "" } else { " kB" };
        let Some(actual) = self.memory_figure(role, field) else {
            return Err(Failure(format!(
                "cannot check `{}`'s {}: its latest `measure` has no such figure (no `alloc` region, or a single measurement for `faults`)",
                self.name(role),
                name(field)
            )));
        };
        let (wanted, what) = match value {
            Operand::Number(n) => (Some(*n), n.to_string()),
            Operand::Region => (
                self.measured[role]
                    .as_ref()
                    .and_then(|m| m.region_bytes)
                    .map(|b| b as u64 / 1024),
                "the region's size".to_string(),
            ),
            Operand::Field(other, f) => (
                self.memory_figure(*other, *f),
                format!("`{}`'s {}", self.name(*other), name(*f)),
            ),
        };
        let Some(wanted) = wanted else {
            return Err(Failure(format!(
                "cannot check against {what}: it was not measured"
            )));
        };
        let (holds, sign) = match cmp {
            Cmp::Eq => (actual == wanted, "="),
            Cmp::AtLeast => (actual >= wanted, ">="),
            Cmp::AtMost => (actual <= wanted, "<="),
        };
        if holds {
            Ok(format!("{actual}{unit} {sign} {wanted}{unit}"))
        } else {
            Err(Failure(format!(
                "expected `{}`'s {} {sign} {what} ({wanted}{unit}), but the kernel reported {actual}{unit}",
                self.name(role),
                name(field)
            )))
        }
    }

    /// A narration value, from the last observation, measurement or result of that role.
    /// PIDs are marked so the renderer can show roles instead in --stable output, and a value
    /// that --stable output must show differently (it varies from run to run, or depends on
    /// privilege) carries both renderings (see [`alt`]).
    fn field(&self, role: RoleId, field: Field) -> String {
        let obs = self.last[role].as_ref();
        let unknown = || "(not observed)".to_string();
        let region = self.measured[role].as_ref().and_then(|m| m.region.as_ref());
        let kb = |f: fn(&Memory) -> u64| region.map_or_else(unknown, |m| f(m).to_string());
        let value = match field {
            Field::Pid => return self.pids[role].map_or_else(unknown, pid_mark),
            Field::Ppid => obs.and_then(|o| o.ppid).map_or_else(unknown, pid_mark),
            Field::Session => obs.and_then(|o| o.session).map_or_else(unknown, pid_mark),
            Field::Pgrp => obs.and_then(|o| o.pgrp).map_or_else(unknown, pid_mark),
            Field::Parent => obs.and_then(|o| o.parent.clone()).unwrap_or_else(unknown),
            Field::State => obs.map_or_else(unknown, |o| o.state.clone()),
            Field::Stat => obs.and_then(|o| o.stat.clone()).unwrap_or_else(unknown),
            Field::Comm => obs.and_then(|o| o.comm.clone()).unwrap_or_else(unknown),
            Field::Nice => obs
                .and_then(|o| o.nice)
                .map_or_else(unknown, |n| n.to_string()),
            Field::Sigchld => obs.map_or_else(unknown, |o| sigchld_words(o).to_string()),
            Field::ExitCode => obs.and_then(|o| o.exit_status).map_or_else(unknown, |s| {
                if libc::WIFEXITED(s) {
                    libc::WEXITSTATUS(s).to_string()
                } else {
                    format!(
                        "none (killed by {})",
                        crate::script::signal_name(libc::WTERMSIG(s))
                    )
                }
            }),
            Field::Result => self.results[role].as_ref().map_or_else(unknown, |o| {
                alt(
                    crate::render::outcome_plain(o, false),
                    crate::render::outcome_plain(o, true),
                )
            }),
            Field::Rss => kb(|m| m.rss_kb),
            Field::Pss => kb(|m| m.pss_kb),
            Field::SharedDirty => kb(|m| m.shared_dirty_kb),
            Field::PrivateDirty => kb(|m| m.private_dirty_kb),
            // No fault at all is the same every run (a process that did nothing); a count
            // varies by a few faults from run to run, so --stable output does not print it.
            Field::Faults => match (&self.measured[role], self.minflt_before[role]) {
                (Some(m), Some(before)) => match m.minflt.saturating_sub(before) {
                    0 => "0".to_string(),
                    n => alt(
                        n.to_string(),
                        "(a count that varies: not shown with --stable)".to_string(),
                    ),
                },
                _ => unknown(),
            },
        };
        let hidden = match field {
            Field::Result => self.result_guarded[role],
            Field::Parent | Field::Comm => false,
            _ => self.privileged[role],
        };
        if hidden {
            alt(value, PRIVILEGE_HIDDEN.to_string())
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
        for role in 1..self.pids.len() {
            if let Ok(Some(s)) = self.sample(role)
                && s.state != 'Z'
                && kill(Pid::from_raw(s.pid), Signal::SIGKILL).is_ok()
            {
                killed.push(s.pid);
            }
        }
        self.commands.clear();
        reap_all(killed).killed
    }
}

/// What [`kill_and_reap_children`] did.
pub struct Reaped {
    /// Processes it sent SIGKILL (each counted once).
    pub killed: usize,
    /// Processes it reaped with waitpid: everything that was, or became, its child.
    pub reaped: usize,
}

/// Kill and reap every child of this process, including the ones that become its children
/// while it does so (orphans come to a subreaper), until waitpid says none are left.
pub fn kill_and_reap_children() -> Reaped {
    reap_all(Vec::new())
}

/// [`kill_and_reap_children`], given the PIDs already sent SIGKILL: each process is counted
/// once, however long it takes to die. (A killed process with much memory to free is not a
/// zombie yet for a while, and a second scan must not count it again.)
fn reap_all(mut killed: Vec<i32>) -> Reaped {
    let me = unistd::getpid().as_raw();
    let mut reaped = 0;
    loop {
        match sys::waitpid(-1, true) {
            Ok(Some(_)) => reaped += 1,
            Ok(None) => {
                for pid in observe::children_of(me) {
                    if killed.contains(&pid) {
                        continue;
                    }
                    if matches!(observe::sample(pid), Ok(Some(s)) if s.state != 'Z')
                        && kill(Pid::from_raw(pid), Signal::SIGKILL).is_ok()
                    {
                        killed.push(pid);
                    }
                }
                if let Ok(Some(_)) = sys::waitpid(-1, false) {
                    reaped += 1;
                }
            }
            Err(e) if e.raw_os_error() == Some(libc::EINTR) => {}
            Err(_) => {
                return Reaped {
                    killed: killed.len(),
                    reaped,
                };
            }
        }
    }
}

/// PIDs inside narration are marked so that --stable output can name the role instead.
pub const PID_MARK: char = '\u{1}';
/// A narration value with two renderings, `ALT_MARK live ALT_SEP stable ALT_MARK`: the live
/// one for people, the stable one for --stable output (see [`alt`]).
pub const ALT_MARK: char = '\u{2}';
pub const ALT_SEP: char = '\u{3}';

/// What --stable output shows instead of a value that depends on privilege.
pub const PRIVILEGE_HIDDEN: &str = "(depends on privilege: not shown with --stable)";

/// A narration value rendered one way live and another way in --stable output.
pub fn alt(live: String, stable: String) -> String {
    if live == stable {
        live
    } else {
        format!("{ALT_MARK}{live}{ALT_SEP}{stable}{ALT_MARK}")
    }
}

/// SIGCHLD's disposition as /proc/PID/status shows it, in a word.
pub fn sigchld_words(o: &Observation) -> &'static str {
    match (o.sigchld_ignored, o.sigchld_caught) {
        (Some(true), _) => "ignored",
        (_, Some(true)) => "caught",
        (Some(false), Some(false)) => "default",
        _ => "-",
    }
}

fn pid_mark(pid: i32) -> String {
    format!("{PID_MARK}{pid}{PID_MARK}")
}

fn timeout(d: Duration) -> PollTimeout {
    PollTimeout::try_from(d.as_millis().clamp(1, 60_000) as i32).unwrap_or(PollTimeout::MAX)
}

fn show_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// One line on what an observation saw, for failure messages.
fn describe(o: &Observation) -> String {
    if o.state == "gone" {
        return format!("`{}` (pid {}) was gone", o.role, o.pid);
    }
    let state = o.state.chars().next().unwrap_or('?');
    let mut s = format!(
        "`{}` (pid {}) was last seen in state {} ({})",
        o.role,
        o.pid,
        o.state,
        observe::state_meaning(state)
    );
    if let Some(w) = &o.wchan {
        s.push_str(&format!(", waiting in {w}"));
    }
    if let Some(status) = o.exit_status {
        s.push_str(&format!(
            ", holding status {status} ({})",
            crate::render::decode_status(status)
        ));
    }
    if let (Some(ppid), Some(parent)) = (o.ppid, &o.parent) {
        s.push_str(&format!(", PPID {ppid} ({parent})"));
    }
    s
}

/// The message for a fork the kernel refused, naming the limit when that is the cause.
pub fn fork_failure(role: &str, call: &str, errno: i32) -> String {
    let mut msg = format!(
        "`{role}` could not create a process: {call} failed with {} ({})",
        errno_name(errno),
        crate::render::strerror(errno)
    );
    if errno == libc::EAGAIN {
        let limit = nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_NPROC)
            .map(|(soft, _)| {
                if soft == libc::RLIM_INFINITY {
                    "unlimited".to_string()
                } else {
                    soft.to_string()
                }
            })
            .unwrap_or_else(|_| "?".into());
        msg.push_str(&format!(
            ". The kernel refuses new processes past the per-user limit RLIMIT_NPROC (`ulimit -u`, here {limit}) or the system's pid limits; end some processes or raise the limit"
        ));
    }
    msg
}

/// The symbolic name of an errno, e.g. ECHILD.
pub fn errno_name(errno: i32) -> String {
    format!("{:?}", nix::Error::from_raw(errno))
}
