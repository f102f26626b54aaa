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
//!
//! This file is the loop, the pipes and the reports. How each action is performed lives with
//! its registry entry in src/actions/, which sees the actor through [`Stage`].

pub use crate::actions::Outcome;
use crate::actions::{self, Performed, Stage};
use crate::script::{RoleId, Script, StepKind};
use crate::sys;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::unistd;
use serde::{Deserialize, Serialize};
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

impl Actor<'_> {
    fn hello(&mut self) {
        // Named after its role, `ps` and `pstree` in another terminal tell the story.
        let _ = sys::set_name(self.script.role_name(self.role));
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

    /// Perform a step: the action's registry entry makes the system call (src/actions/).
    fn perform(&mut self, step: usize, target: i32) {
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
        };
        if let Performed::Outcome(outcome) = actions::perform(action, target, &mut stage) {
            self.done(step, outcome);
        }
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
}

/// The actor as an action sees it while performing the step `step`.
struct Performing<'a, 'b> {
    actor: &'a mut Actor<'b>,
    step: usize,
    background: bool,
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

    fn become_role(&mut self, child: RoleId) {
        self.actor.become_role(child);
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
}
