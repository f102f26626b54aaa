//! An actor: a process of the scenario (parent, child, grandchild...) that obeys the runner.
//!
//! Every actor is a fork of the single-threaded runner, so it holds its own copy of the parsed
//! script. A command is 8 bytes on the actor's command pipe: the index of the step to perform
//! and the PID of the role that step names (the runner knows every PID; the actor may not).
//! The actor performs the step's action and writes one [`Report`] line to the shared report
//! pipe (a line is far below PIPE_BUF, so writes from several actors never interleave).
//! Between commands an actor sleeps in read() on its command pipe, which is why an idle actor
//! shows state S. When the runner goes away the command pipes close, read() returns end of
//! file, and the actor exits: that is what keeps an actor from outliving its runner.
//!
//! An action started with `&` is first reported as under way ([`Report::Started`]), just
//! before the call that may block (or, for a polling loop, after its first poll), so the
//! runner never mistakes the idle sleep before the command for the sleep inside the call.

use crate::actions::Call;
pub use crate::actions::Outcome;
use crate::script::{Action, RoleId, Script, SigchldMode, StepKind, WaitTarget};
use crate::sys::{self, Forked};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{Signal, kill};
use nix::unistd::{self, Pid};
use serde::{Deserialize, Serialize};
use std::io;
use std::os::fd::{AsFd, OwnedFd};

/// One line on the report pipe.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Report {
    /// A new actor is ready to take commands.
    Hello { role: RoleId, pid: i32 },
    /// An actor began a step started with `&`: it is about to make the call that may block.
    Started { role: RoleId, step: usize },
    /// An actor finished the step it was given.
    Done {
        role: RoleId,
        step: usize,
        outcome: Outcome,
    },
}

/// A command: the step to perform and the PID of the role it names (0 if none).
pub fn encode_command(step: usize, target_pid: i32) -> [u8; 8] {
    let mut buf = [0u8; 8];
    buf[..4].copy_from_slice(&(step as u32).to_le_bytes());
    buf[4..].copy_from_slice(&target_pid.to_le_bytes());
    buf
}

fn decode_command(buf: [u8; 8]) -> (usize, i32) {
    let step = u32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize;
    let pid = i32::from_le_bytes([buf[4], buf[5], buf[6], buf[7]]);
    (step, pid)
}

/// The descriptors every actor inherits from the runner.
pub struct Pipes {
    /// Read end of each role's command pipe (None for the runner).
    pub commands: Vec<Option<OwnedFd>>,
    /// Write end of the shared report pipe.
    pub reports: OwnedFd,
}

struct Actor<'a> {
    script: &'a Script,
    role: RoleId,
    pipes: Pipes,
    /// The course notes' list: L = [11, 22] before the first fork.
    list: Vec<i64>,
    region: Option<sys::Region>,
    /// Descriptors, mappings and threads that must last as long as the process.
    keep: Vec<Box<dyn std::any::Any>>,
}

/// Become the actor `role` and obey commands until told to exit or the runner goes away.
pub fn become_actor(script: &Script, role: RoleId, pipes: Pipes) -> ! {
    let mut actor = Actor {
        script,
        role,
        pipes,
        list: vec![11, 22],
        region: None,
        keep: Vec::new(),
    };
    actor.hello();
    loop {
        let (step, target) = actor.next_command();
        actor.perform(step, target);
    }
}

fn failed(call: Call, e: impl Into<io::Error>) -> Outcome {
    Outcome::failed(call, e)
}

/// Minor faults so far, from this process's own /proc/self/stat.
fn own_minflt() -> Option<u64> {
    let bytes = std::fs::read("/proc/self/stat").ok()?;
    crate::observe::parse_stat(&bytes).ok().map(|s| s.minflt)
}

impl Actor<'_> {
    fn hello(&mut self) {
        let pid = unistd::getpid().as_raw();
        self.send(&Report::Hello {
            role: self.role,
            pid,
        });
    }

    fn done(&mut self, step: usize, outcome: Outcome) {
        let role = self.role;
        self.send(&Report::Done {
            role,
            step,
            outcome,
        });
    }

    fn send(&mut self, report: &Report) {
        let mut line = serde_json::to_vec(report).unwrap_or_default();
        line.push(b'\n');
        // One write of less than PIPE_BUF bytes is atomic. If it fails the runner is gone:
        // nobody is listening, so leave.
        if !matches!(unistd::write(&self.pipes.reports, &line), Ok(n) if n == line.len()) {
            sys::exit_now(111);
        }
    }

    fn command_fd(&self) -> &OwnedFd {
        match &self.pipes.commands[self.role] {
            Some(fd) => fd,
            None => sys::exit_now(113),
        }
    }

    /// Sleep in read() until the runner sends a command. End of file: the runner is gone.
    fn next_command(&self) -> (usize, i32) {
        let mut buf = [0u8; 8];
        let mut got = 0;
        while got < buf.len() {
            match unistd::read(self.command_fd(), &mut buf[got..]) {
                Ok(0) => sys::exit_now(0),
                Ok(n) => got += n,
                Err(nix::Error::EINTR) => {}
                Err(_) => sys::exit_now(0),
            }
        }
        decode_command(buf)
    }

    /// True once a command is waiting on the pipe (or the runner is gone).
    fn command_waiting(&self) -> bool {
        let mut fds = [PollFd::new(self.command_fd().as_fd(), PollFlags::POLLIN)];
        matches!(poll(&mut fds, PollTimeout::ZERO), Ok(n) if n > 0)
    }

    fn perform(&mut self, step: usize, target: i32) {
        let script = self.script;
        let StepKind::Act {
            action, background, ..
        } = &script.steps[step].kind
        else {
            sys::exit_now(114);
        };
        // A polling loop says it is under way after its first poll, in `poll_until_reaped`.
        if *background && !action.runs_busy_loop() {
            let role = self.role;
            self.send(&Report::Started { role, step });
        }
        let outcome = match action {
            // SAFETY: an actor is single-threaded: the script checker refuses `fork` and
            // `vfork` to an actor that started a thread. So the child may run normal Rust.
            #[allow(unsafe_code)]
            Action::Fork { child } => match unsafe { sys::fork() } {
                Ok(Forked::Parent(pid)) => Outcome::Forked { pid },
                Ok(Forked::Child) => return self.become_role(*child),
                Err(e) => failed(Call::Fork, e),
            },
            // SAFETY: as for `fork` just above: this actor is single-threaded.
            #[allow(unsafe_code)]
            Action::Vfork { child } => match unsafe { sys::vfork_like() } {
                Ok(Forked::Parent(pid)) => Outcome::Vforked { pid },
                Ok(Forked::Child) => return self.become_role(*child),
                Err(e) => failed(Call::CloneVfork, e),
            },
            Action::Exit { code } => {
                self.done(step, Outcome::Exiting { code: *code });
                sys::exit_now(*code);
            }
            Action::Wait {
                target: who,
                nohang,
                until_reaped,
            } => {
                let pid = match who {
                    WaitTarget::Any => -1,
                    WaitTarget::Role(_) => target,
                };
                if *until_reaped {
                    self.poll_until_reaped(pid, step, *background)
                } else {
                    self.wait(pid, *nohang)
                }
            }
            Action::Peek { .. } => match sys::waitid_nowait(target, false) {
                Ok(Some((code, status))) => Outcome::Peeked {
                    pid: target,
                    code,
                    status,
                },
                Ok(None) => Outcome::NotYet { polls: 1 },
                Err(e) => failed(Call::Waitid, e),
            },
            Action::Block => Outcome::Blocking,
            Action::Kill { signal, .. } => {
                match Signal::try_from(*signal).and_then(|sig| kill(Pid::from_raw(target), sig)) {
                    Ok(()) => Outcome::Signalled {
                        pid: target,
                        signal: *signal,
                    },
                    Err(e) => failed(Call::Kill, e),
                }
            }
            Action::Sigchld(mode) => {
                let (ignore, nocldwait) = match mode {
                    SigchldMode::Default => (false, false),
                    SigchldMode::Ignore => (true, false),
                    SigchldMode::NoCldWait => (false, true),
                };
                match sys::set_sigchld(ignore, nocldwait) {
                    Ok(()) => Outcome::SigchldSet { mode: *mode },
                    Err(e) => failed(Call::Sigaction, e),
                }
            }
            Action::Setsid => match unistd::setsid() {
                Ok(sid) => Outcome::NewSession { sid: sid.as_raw() },
                Err(e) => failed(Call::Setsid, e),
            },
            Action::Nice { delta } => match sys::nice(*delta) {
                Ok(nice) => Outcome::Niced { nice },
                Err(e) => failed(Call::Setpriority, e),
            },
            Action::Spin => {
                self.done(step, Outcome::Spinning);
                while !self.command_waiting() {
                    std::hint::spin_loop();
                }
                return;
            }
            Action::Thread => {
                let spawned = std::thread::Builder::new()
                    .name("sleeper".into())
                    .spawn(|| {
                        loop {
                            std::thread::park();
                        }
                    });
                match spawned {
                    Ok(handle) => {
                        self.keep.push(Box::new(handle));
                        Outcome::Threaded
                    }
                    Err(e) => failed(Call::PthreadCreate, e),
                }
            }
            Action::Lock => match sys::lock_one_page() {
                Ok(region) => {
                    let bytes = region.len();
                    self.keep.push(Box::new(region));
                    Outcome::Locked { bytes }
                }
                Err(e) => failed(Call::Mlock, e),
            },
            Action::Pty => match sys::become_pty_session_leader() {
                Ok((master, slave, sid)) => {
                    self.keep.push(Box::new((master, slave)));
                    Outcome::Terminal { sid }
                }
                Err(e) => failed(Call::Pty, e),
            },
            Action::Trace { .. } => match sys::ptrace_seize_and_interrupt(target) {
                Ok(()) => Outcome::Traced { pid: target },
                Err(e) => failed(Call::Ptrace, e),
            },
            Action::Untrace { .. } => match sys::ptrace_detach(target) {
                Ok(()) => Outcome::Untraced { pid: target },
                Err(e) => failed(Call::PtraceDetach, e),
            },
            Action::Alloc { mib } => match sys::Region::map((*mib as usize) << 20) {
                Ok(region) => {
                    let pages = region.touch_pages(1);
                    let bytes = region.len();
                    let addr = region.addr();
                    self.region = Some(region);
                    Outcome::Allocated { bytes, pages, addr }
                }
                Err(e) => failed(Call::Mmap, e),
            },
            Action::TouchAll => match &self.region {
                Some(region) => {
                    let minflt_before = own_minflt();
                    let pages = region.touch_pages(2);
                    match (minflt_before, own_minflt()) {
                        (Some(minflt_before), Some(minflt_after)) => Outcome::Touched {
                            pages,
                            minflt_before,
                            minflt_after,
                        },
                        // Never report a fault count that was not read.
                        _ => failed(Call::ReadOwnStat, io::Error::last_os_error()),
                    }
                }
                None => Outcome::Failed {
                    call: Call::Mmap,
                    errno: libc::EINVAL,
                },
            },
            Action::Append { value } => {
                self.list.push(*value);
                Outcome::List {
                    values: self.list.clone(),
                }
            }
            Action::Show => Outcome::List {
                values: self.list.clone(),
            },
        };
        self.done(step, outcome);
    }

    /// In a new child: take its role and say hello; the command loop goes on as that role.
    fn become_role(&mut self, child: RoleId) {
        // If this process's parent dies, continue it: a process stopped (T) when the runner
        // goes away could otherwise never see its command pipe close. Continuing a running
        // or sleeping process changes nothing. (A death signal that kills would end every
        // orphan a script makes on purpose.)
        let _ = sys::set_parent_death_signal(libc::SIGCONT);
        self.role = child;
        self.hello();
    }

    /// waitpid(pid, WNOHANG) again and again, never sleeping, until it returns a child: the
    /// course notes' polling loop. Counts the zero returns. If the runner goes away meanwhile
    /// (its end of the command pipe closes), it stops, so it can never spin for ever.
    fn poll_until_reaped(&mut self, pid: i32, step: usize, background: bool) -> Outcome {
        let mut zeros: u64 = 0;
        loop {
            match sys::waitpid(pid, true) {
                Ok(Some((pid, status))) => {
                    return Outcome::PolledThenReaped { zeros, pid, status };
                }
                Ok(None) => {
                    zeros += 1;
                    if zeros == 1 && background {
                        let role = self.role;
                        self.send(&Report::Started { role, step });
                    }
                    // Checking the command pipe costs a system call too; every 64 polls is
                    // often enough to notice that the runner is gone.
                    if zeros.is_multiple_of(64) && self.command_waiting() {
                        return Outcome::NotYet {
                            polls: zeros.min(u32::MAX as u64) as u32,
                        };
                    }
                }
                Err(e) if e.raw_os_error() == Some(libc::EINTR) => {}
                Err(e) => return failed(if pid == -1 { Call::Wait } else { Call::Waitpid }, e),
            }
        }
    }

    fn wait(&self, pid: i32, nohang: bool) -> Outcome {
        let mut polls = 0;
        loop {
            match sys::waitpid(pid, nohang) {
                Ok(Some((pid, status))) => return Outcome::Reaped { pid, status },
                Ok(None) => {
                    polls += 1;
                    return Outcome::NotYet { polls };
                }
                Err(e) if e.raw_os_error() == Some(libc::EINTR) => {}
                Err(e) => return failed(if pid == -1 { Call::Wait } else { Call::Waitpid }, e),
            }
        }
    }
}
