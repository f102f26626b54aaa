//! An actor: a process of the scenario (parent, child, grandchild...) that obeys the runner.
//!
//! Every actor is a fork of the single-threaded runner, so it holds its own copy of the parsed
//! script. A command is 12 bytes on the actor's command pipe: the index of the step to perform,
//! the PID of the role that step names (the runner knows every PID; the actor may not) and,
//! for `connect`, the port that role's `listen` reported.
//! The actor performs the step's action and writes one [`Report`] line to the shared report
//! pipe (a line is far below PIPE_BUF, so writes from several actors never interleave).
//! Between commands an actor sleeps in read() on its command pipe, which is why an idle actor
//! shows state S. When the runner goes away the command pipes close, read() returns end of
//! file, and the actor exits: that is what keeps an actor from outliving its runner.
//!
//! An action started with `&` is first reported as under way ([`Report::Started`]), just
//! before the call that may block (or, for a polling loop, after its first poll), so the
//! runner never mistakes the idle sleep before the command for the sleep inside the call.
//!
//! This file is the loop, the pipes and the reports. How each action is performed lives with
//! its registry entry in src/script/actions/, which sees the actor through [`Stage`].

use crate::kernel::sys;
pub use crate::script::actions::Outcome;
use crate::script::actions::{self, Performed, Stage};
use crate::script::{RoleId, Script, StepKind};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::unistd;
use serde::{Deserialize, Serialize};
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};

/// One line on the report pipe.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Report {
    /// A new actor is ready to take commands. `returned`: what the fork (or clone) that made
    /// it returned in it, as it saw it (0).
    Hello {
        role: RoleId,
        pid: i32,
        returned: i32,
        /// NSpid, outermost first, for a process in a PID namespace below the runner's
        /// (empty otherwise): `pid` is then its first, the PID the runner sees.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        ns_pids: Vec<i32>,
    },
    /// An actor began a step started with `&`: it is about to make the call that may block.
    Started { role: RoleId, step: usize },
    /// An actor finished the step it was given.
    Done {
        role: RoleId,
        step: usize,
        outcome: Outcome,
    },
}

/// The length of a command.
pub const COMMAND_BYTES: usize = 12;

/// A command: the step to perform, the PID of the role it names (0 if none) and that role's
/// listening port (0 if none).
pub fn encode_command(step: usize, target_pid: i32, target_port: u16) -> [u8; COMMAND_BYTES] {
    let mut buf = [0u8; COMMAND_BYTES];
    buf[..4].copy_from_slice(&(step as u32).to_le_bytes());
    buf[4..8].copy_from_slice(&target_pid.to_le_bytes());
    buf[8..].copy_from_slice(&u32::from(target_port).to_le_bytes());
    buf
}

fn decode_command(buf: [u8; COMMAND_BYTES]) -> Command {
    let word = |i: usize| [buf[i], buf[i + 1], buf[i + 2], buf[i + 3]];
    Command {
        step: u32::from_le_bytes(word(0)) as usize,
        target: i32::from_le_bytes(word(4)),
        port: u32::from_le_bytes(word(8)) as u16,
    }
}

/// A command as the actor reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Command {
    step: usize,
    target: i32,
    port: u16,
}

/// The descriptors every actor inherits from the runner.
pub struct Pipes {
    /// Read end of each role's command pipe (None for the runner).
    pub commands: Vec<Option<OwnedFd>>,
    /// Write end of the shared report pipe.
    pub reports: OwnedFd,
    /// Write end of each role's output pipe (None for the runner): a new actor makes its own
    /// its standard output and error, which the runner reads (`output`).
    pub outputs: Vec<Option<OwnedFd>>,
    /// The runner's word for each role, rung before each command (a script with a busy loop
    /// has them; an `exec self` leaves them behind): a busy loop learns of its next command
    /// without a system call (see `Actor::command_waiting`).
    pub doorbells: Option<sys::Doorbells>,
}

impl Pipes {
    /// Every descriptor, as numbers (for an exec to keep, and to find again after it).
    fn raw(&self) -> RawPipes {
        let raw = |v: &Vec<Option<OwnedFd>>| {
            v.iter()
                .map(|f| f.as_ref().map(|f| f.as_raw_fd()))
                .collect()
        };
        RawPipes {
            commands: raw(&self.commands),
            reports: self.reports.as_raw_fd(),
            outputs: raw(&self.outputs),
        }
    }

    fn all(&self) -> impl Iterator<Item = RawFd> + '_ {
        self.commands
            .iter()
            .chain(&self.outputs)
            .flatten()
            .map(|f| f.as_raw_fd())
            .chain(std::iter::once(self.reports.as_raw_fd()))
    }
}

/// [`Pipes`] as descriptor numbers.
#[derive(Serialize, Deserialize)]
struct RawPipes {
    commands: Vec<Option<RawFd>>,
    reports: RawFd,
    outputs: Vec<Option<RawFd>>,
}

/// What procdemo's binary needs, after an actor's `exec self`, to go on as that actor: handed
/// over in a memfd whose descriptor the exec keeps (`procdemo __actor ROLE FD`).
#[derive(Serialize, Deserialize)]
struct Resume {
    script: Script,
    role: RoleId,
    /// The `exec` step, whose result the new program reports.
    step: usize,
    pipes: RawPipes,
}

/// The hidden command an actor's `exec self` runs: `procdemo __actor ROLE FD`.
pub const RESUME_COMMAND: &str = "__actor";

struct Actor<'a> {
    script: &'a Script,
    role: RoleId,
    pipes: Pipes,
    /// The course notes' list: L = [11, 22] before the first fork.
    list: Vec<i64>,
    region: Option<sys::Region>,
    /// Descriptors, mappings and threads that must last as long as the process.
    keep: Vec<Box<dyn std::any::Any>>,
    /// It, or a process it descends from, unshared its PID namespace (`unshare pid`): its
    /// own getpid() may not be the PID the runner sees.
    unshared: bool,
    /// The pipes the script made that this process holds (a fork copies them; being
    /// close-on-exec, an exec closes them).
    pipes_held: Vec<actions::HeldPipe>,
    /// Its listening socket and connection (`listen`, `connect`, `accept`).
    sockets: actions::Sockets,
    /// The ticket file, as this process holds it.
    tickets: crate::script::actions::TicketFile,
    /// Its doorbell as it was when it read its latest command, and when it last looked at
    /// its command pipe while a busy loop waited for the doorbell to change.
    heard: u32,
    looked: std::cell::Cell<Option<std::time::Instant>>,
}

/// How often a busy loop that waits for its doorbell still asks the kernel whether its
/// command pipe has reached end of file (the runner is gone): one poll() a second, two
/// tracing stops under a tracer, next to none.
const RUNNER_ALIVE_CHECK: std::time::Duration = std::time::Duration::from_secs(1);

/// Become the actor `role` and obey commands until told to exit or the runner goes away.
/// `returned`: what the fork that made this process returned in it (0).
pub fn become_actor(script: &Script, role: RoleId, returned: i32, pipes: Pipes) -> ! {
    // Not the runner's: a broken pipe ends an actor as it would any program, and the
    // runner's own handler (for its front end's death) is no actor's business.
    let _ = sys::set_disposition(libc::SIGPIPE, sys::Disposition::Default);
    let _ = sys::set_disposition(sys::front_end_death_signal(), sys::Disposition::Default);
    let mut actor = Actor::fresh(script, role, pipes);
    actor.hello(returned);
    actor.obey()
}

/// `procdemo __actor ROLE FD`: procdemo's binary, exec'd by an actor (`exec self`), goes on as
/// that actor. Its memory is new: the list is back to its first value, there is no region,
/// and the handlers the old program installed are gone (the kernel reset them). It reports
/// the `exec` step's result itself, from the same PID.
pub fn resume(args: &[std::ffi::OsString]) -> ! {
    let Some(fd) = args.get(3).and_then(|a| a.to_str()?.parse::<RawFd>().ok()) else {
        sys::exit_now(2)
    };
    // SAFETY of the descriptor: the old program handed this memfd over, open, for us alone.
    let file = sys::take_fd(fd);
    // Read whole, then parsed: serde_json reading from an unbuffered file makes one read()
    // per byte (tens of thousands, each slowed down by a tracer such as strace -f).
    let mut bytes = Vec::new();
    if std::io::Read::read_to_end(&mut std::fs::File::from(file), &mut bytes).is_err() {
        sys::exit_now(2);
    }
    let resume: Resume = match serde_json::from_slice(&bytes) {
        Ok(r) => r,
        Err(_) => sys::exit_now(2),
    };
    let script: &'static Script = Box::leak(Box::new(resume.script));
    let take = |v: Vec<Option<RawFd>>| v.into_iter().map(|f| f.map(sys::take_fd)).collect();
    let pipes = Pipes {
        commands: take(resume.pipes.commands),
        reports: sys::take_fd(resume.pipes.reports),
        outputs: take(resume.pipes.outputs),
        doorbells: None,
    };
    // Close-on-exec again, as the runner made them: no later exec of a program inherits them.
    for fd in pipes.all() {
        let _ = sys::set_cloexec(fd, true);
    }
    // Rust's runtime ignores SIGPIPE at start; an actor leaves it at its default.
    let _ = sys::set_disposition(libc::SIGPIPE, sys::Disposition::Default);
    let mut actor = Actor::fresh(script, resume.role, pipes);
    let pid = unistd::getpid().as_raw();
    actor.done(resume.step, Outcome::Execed { pid });
    actor.obey()
}

impl<'a> Actor<'a> {
    /// A process's memory as a new program starts it: the course's list at its first value,
    /// no region, nothing kept, no pipe, socket or ticket file of the script's.
    fn fresh(script: &'a Script, role: RoleId, pipes: Pipes) -> Actor<'a> {
        Actor {
            script,
            role,
            pipes,
            list: vec![11, 22],
            region: None,
            keep: Vec::new(),
            unshared: false,
            pipes_held: Vec::new(),
            sockets: actions::Sockets::default(),
            tickets: Default::default(),
            heard: 0,
            looked: std::cell::Cell::new(None),
        }
    }

    fn obey(&mut self) -> ! {
        loop {
            let command = self.next_command();
            self.perform(command);
        }
    }

    fn hello(&mut self, returned: i32) {
        // Named after its role, `ps` and `pstree` in another terminal tell the story.
        let _ = sys::set_name(self.script.role_name(self.role));
        // Its own output pipe: what it writes is known to be its own.
        if let Some(out) = &self.pipes.outputs[self.role] {
            let _ = sys::output_to(out);
        }
        let mut pid = unistd::getpid().as_raw();
        // In a PID namespace of its own, getpid() answers inside it. /proc, mounted in the
        // runner's namespace, gives every PID from there down (NSpid).
        let ns_pids = if self.unshared {
            crate::kernel::proc::own_ns_pids()
        } else {
            Vec::new()
        };
        if let Some(&outer) = ns_pids.first() {
            pid = outer;
        }
        self.send(&Report::Hello {
            role: self.role,
            pid,
            returned,
            ns_pids: if ns_pids.len() > 1 {
                ns_pids
            } else {
                Vec::new()
            },
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
    fn next_command(&mut self) -> Command {
        let mut buf = [0u8; COMMAND_BYTES];
        let mut got = 0;
        while got < buf.len() {
            match unistd::read(self.command_fd(), &mut buf[got..]) {
                Ok(0) => sys::exit_now(0),
                Ok(n) => got += n,
                Err(nix::Error::EINTR) => {}
                Err(_) => sys::exit_now(0),
            }
        }
        // The runner rang before it wrote: this command's ring is counted, the next one's
        // cannot be (the runner waits for this one's result first).
        if let Some(bells) = &self.pipes.doorbells {
            self.heard = bells.rung(self.role);
        }
        self.looked.set(None);
        decode_command(buf)
    }

    /// True once a command is waiting on the pipe (or the runner is gone). With doorbells,
    /// as long as the runner has not rung this role's, the answer is no, read from memory:
    /// the pipe itself is asked only once a second, for its end of file.
    fn command_waiting(&self) -> bool {
        if let Some(bells) = &self.pipes.doorbells
            && bells.rung(self.role) == self.heard
        {
            let now = std::time::Instant::now();
            match self.looked.get() {
                Some(at) if now.duration_since(at) < RUNNER_ALIVE_CHECK => return false,
                None => {
                    self.looked.set(Some(now));
                    return false;
                }
                Some(_) => self.looked.set(Some(now)),
            }
        }
        let mut fds = [PollFd::new(self.command_fd().as_fd(), PollFlags::POLLIN)];
        matches!(poll(&mut fds, PollTimeout::ZERO), Ok(n) if n > 0)
    }

    /// Perform a step: the action's registry entry makes the system call (src/script/actions/).
    fn perform(&mut self, command: Command) {
        let Command { step, target, port } = command;
        let script = self.script;
        let StepKind::Act {
            action, background, ..
        } = &script.steps[step].kind
        else {
            sys::exit_now(114);
        };
        // A polling loop says it is under way after its first poll (`Stage::under_way`).
        if *background && !action.runs_busy_loop() {
            let role = self.role;
            self.send(&Report::Started { role, step });
        }
        let mut stage = Performing {
            actor: self,
            step,
            background: *background,
            port,
        };
        if let Performed::Outcome(outcome) = actions::perform(action, target, &mut stage) {
            self.done(step, outcome);
        }
    }

    /// `exec self`: execve() procdemo's binary, handing it what it needs to go on as this
    /// role. Returns the error only if the exec failed (everything is as it was then).
    fn exec_self(&mut self, step: usize) -> std::io::Error {
        let resume = Resume {
            script: self.script.clone(),
            role: self.role,
            step,
            pipes: self.pipes.raw(),
        };
        let memfd = match sys::memfd("procdemo-resume") {
            Ok(fd) => fd,
            Err(e) => return e,
        };
        let written = serde_json::to_vec(&resume)
            .map_err(std::io::Error::other)
            .and_then(|bytes| {
                let mut file = std::fs::File::from(memfd.try_clone()?);
                use std::io::{Seek, Write};
                file.write_all(&bytes)?;
                file.rewind()
            });
        if let Err(e) = written {
            return e;
        }
        // The path of procdemo's binary, so that the command name is its name ("procdemo"):
        // execve() names a process after the file it was given.
        let exe = match std::fs::read_link("/proc/self/exe") {
            Ok(p) => p.to_string_lossy().into_owned(),
            Err(e) => return e,
        };
        for fd in self.pipes.all() {
            let _ = sys::set_cloexec(fd, false);
        }
        let argv = [
            "procdemo".to_string(),
            RESUME_COMMAND.to_string(),
            self.script.role_name(self.role).to_string(),
            memfd.as_raw_fd().to_string(),
        ];
        let error = sys::execve(&exe, &argv);
        for fd in self.pipes.all() {
            let _ = sys::set_cloexec(fd, true);
        }
        error
    }

    /// In a new child: take its role and say hello; the command loop goes on as that role.
    fn become_role(&mut self, child: RoleId, returned: i32) {
        // If this process's parent dies, continue it: a process stopped (T) when the runner
        // goes away could otherwise never see its command pipe close. Continuing a running
        // or sleeping process changes nothing. (A death signal that kills would end every
        // orphan a script makes on purpose.)
        let _ = sys::set_parent_death_signal(libc::SIGCONT);
        self.role = child;
        self.hello(returned);
    }
}

/// The actor as an action sees it while performing the step `step`.
struct Performing<'a, 'b> {
    actor: &'a mut Actor<'b>,
    step: usize,
    background: bool,
    /// The target's listening port, as the runner sent it.
    port: u16,
}

impl Stage for Performing<'_, '_> {
    fn under_way(&mut self) {
        if self.background {
            let (role, step) = (self.actor.role, self.step);
            self.actor.send(&Report::Started { role, step });
        }
    }

    fn report(&mut self, outcome: Outcome) {
        self.actor.done(self.step, outcome);
    }

    fn command_waiting(&self) -> bool {
        self.actor.command_waiting()
    }

    fn become_role(&mut self, child: RoleId, returned: i32) {
        self.actor.become_role(child, returned);
    }

    fn list(&mut self) -> &mut Vec<i64> {
        &mut self.actor.list
    }

    fn region(&mut self) -> &mut Option<sys::Region> {
        &mut self.actor.region
    }

    fn keep(&mut self, thing: Box<dyn std::any::Any>) {
        self.actor.keep.push(thing);
    }

    fn exec_self(&mut self) -> std::io::Error {
        self.actor.exec_self(self.step)
    }

    fn unshared_pid(&mut self) {
        self.actor.unshared = true;
    }

    fn pipes(&mut self) -> &mut Vec<actions::HeldPipe> {
        &mut self.actor.pipes_held
    }

    fn sockets(&mut self) -> &mut actions::Sockets {
        &mut self.actor.sockets
    }

    fn target_port(&self) -> u16 {
        self.port
    }

    fn tickets(&mut self) -> &mut crate::script::actions::TicketFile {
        &mut self.actor.tickets
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_carries_the_step_the_targets_pid_and_its_port() {
        let buf = encode_command(7, 4533, 41234);
        assert_eq!(
            decode_command(buf),
            Command {
                step: 7,
                target: 4533,
                port: 41234
            }
        );
    }
}
