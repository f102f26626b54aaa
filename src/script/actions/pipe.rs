//! Pipes between processes: `pipe`, `close`, `read`, `write`, `fill`, and a pool's task
//! records (`work`, `map`).
//!
//! A pipe is named by the script (`parent pipe q`) and made with pipe2(O_CLOEXEC), as
//! Python's os.pipe() makes it: a fork copies both descriptors into the child, an exec closes
//! them. The checker knows which role holds which end (src/script/mod.rs), so it knows when a
//! write meets a pipe that no process can read any more (SIGPIPE).

use super::{Act, Args, Blocks, Call, Facts, Outcome, Performed, Python, Stage, failed};
use crate::kernel::sys;
use crate::script::problem::ParseProblem;
use serde::{Deserialize, Serialize};
use std::os::fd::{AsRawFd, OwnedFd};

/// Which end of a pipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum End {
    Read,
    Write,
}

/// A pipe as one process holds it: the ends it has not closed.
#[derive(Debug)]
pub struct HeldPipe {
    pub name: String,
    pub read: Option<OwnedFd>,
    pub write: Option<OwnedFd>,
}

/// The longest text `write` takes, in bytes.
pub const MAX_WRITE: usize = 200;
/// `read` reads at most this much in one call (a pipe's default capacity).
pub const READ_SIZE: usize = 65536;
/// At most this many tasks in one `submit` or `gather`.
pub const MAX_TASKS: usize = 16;
/// A task record (one i64) and a result record (the worker's PID, the task, its square):
/// both far below PIPE_BUF, so each write is atomic and each read takes one whole record.
pub const TASK_BYTES: usize = 8;
pub const RESULT_BYTES: usize = 24;

fn pipe_name(a: &Args<'_>, word: &str) -> Result<String, ParseProblem> {
    if crate::script::names::valid_name(word) {
        Ok(word.to_string())
    } else {
        Err(a.expected())
    }
}

/// A pipe the actor holds the given end of.
fn held(a: &Args<'_>, word: &str, end: End) -> Result<String, ParseProblem> {
    let name = pipe_name(a, word)?;
    a.roles.holds(a.actor, &name, end)?;
    Ok(name)
}

/// The descriptor of an end of a pipe the actor holds (the checker made sure it does; EBADF
/// otherwise).
fn fd_of<'s>(pipes: &'s [HeldPipe], name: &str, end: End) -> Result<&'s OwnedFd, nix::Error> {
    let pipe = pipes.iter().find(|p| p.name == name);
    match end {
        End::Read => pipe.and_then(|p| p.read.as_ref()),
        End::Write => pipe.and_then(|p| p.write.as_ref()),
    }
    .ok_or(nix::Error::EBADF)
}

/// `pipe NAME`: pipe2(O_CLOEXEC). Result: both descriptors and the capacity F_GETPIPE_SZ
/// reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pipe {
    pub name: String,
}

impl Act for Pipe {
    const VERB: &str = "pipe";
    const USAGE: &str = "pipe NAME";
    const EXAMPLE: &str = "parent pipe q";
    const RESULTS: &[&str] = &["pipe_made"];
    const FUZZ: &[&str] = &["q", "Q", "q q"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        let [word] = a.words else {
            return Err(a.expected());
        };
        let name = pipe_name(a, word)?;
        a.roles.new_pipe(&name)?;
        Ok(Pipe { name })
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        let (read, write) = match sys::pipe_cloexec() {
            Ok(ends) => ends,
            Err(e) => return failed(Call::Pipe, e),
        };
        let capacity = match sys::pipe_capacity(&read) {
            Ok(c) => c,
            Err(e) => return failed(Call::Fcntl, e),
        };
        let outcome = Outcome::PipeMade {
            read_fd: read.as_raw_fd(),
            write_fd: write.as_raw_fd(),
            capacity,
        };
        stage.pipes().push(HeldPipe {
            name: self.name.clone(),
            read: Some(read),
            write: Some(write),
        });
        Performed::Outcome(outcome)
    }

    fn python(&self, _: bool) -> Python {
        let name = &self.name;
        Python::line(format!("{name}_r, {name}_w = os.pipe()"))
    }
}

/// `close NAME read|write`: close() one end of a pipe the process holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Close {
    pub name: String,
    pub end: End,
}

impl Act for Close {
    const VERB: &str = "close";
    const USAGE: &str = "close NAME read|write";
    const EXAMPLE: &str = "parent pipe q\nparent close q read";
    const RESULTS: &[&str] = &["closed"];
    const FUZZ: &[&str] = &["q", "read", "write", "both"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        let (word, end) = match a.words {
            [word, "read"] => (*word, End::Read),
            [word, "write"] => (*word, End::Write),
            _ => return Err(a.expected()),
        };
        Ok(Close {
            name: held(a, word, end)?,
            end,
        })
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        let Some(pipe) = stage.pipes().iter_mut().find(|p| p.name == self.name) else {
            return failed(Call::Close, std::io::Error::from_raw_os_error(libc::EBADF));
        };
        let taken = match self.end {
            End::Read => pipe.read.take(),
            End::Write => pipe.write.take(),
        };
        let Some(fd) = taken else {
            return failed(Call::Close, std::io::Error::from_raw_os_error(libc::EBADF));
        };
        let number = fd.as_raw_fd();
        match nix::unistd::close(fd) {
            Ok(()) => Performed::Outcome(Outcome::Closed {
                fd: number,
                end: self.end,
            }),
            Err(e) => failed(Call::Close, e),
        }
    }

    fn python(&self, _: bool) -> Python {
        Python::line(format!(
            "os.close({}_{})",
            self.name,
            if self.end == End::Read { "r" } else { "w" }
        ))
    }
}

/// `read NAME`: one read() of up to 64 KiB from the pipe's read end. It blocks while the pipe
/// is empty and a write end is open anywhere; it returns 0 (end of file) once none is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Read {
    pub name: String,
}

impl Act for Read {
    const VERB: &str = "read";
    const USAGE: &str = "read NAME";
    const EXAMPLE: &str = "parent pipe q\nparent read q";
    const RESULTS: &[&str] = &["read_bytes"];
    const FACTS: Facts = Facts {
        blocks: Blocks::Maybe,
        ..Facts::PLAIN
    };
    const FUZZ: &[&str] = &["q", "nothing"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        let [word] = a.words else {
            return Err(a.expected());
        };
        Ok(Read {
            name: held(a, word, End::Read)?,
        })
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        let fd = match fd_of(stage.pipes(), &self.name, End::Read) {
            Ok(fd) => fd,
            Err(e) => return failed(Call::Read, e),
        };
        let mut buf = vec![0u8; READ_SIZE];
        let got = loop {
            match nix::unistd::read(fd, &mut buf) {
                Err(nix::Error::EINTR) => continue,
                other => break other,
            }
        };
        match got {
            Ok(n) => {
                let bytes = &buf[..n];
                let text = (n <= MAX_WRITE + 1)
                    .then(|| std::str::from_utf8(bytes).ok().map(str::to_string))
                    .flatten();
                Performed::Outcome(Outcome::ReadBytes {
                    fd: fd.as_raw_fd(),
                    bytes: n,
                    text,
                })
            }
            Err(e) => failed(Call::Read, e),
        }
    }

    fn python(&self, _: bool) -> Python {
        Python::line(format!("data = os.read({}_r, 65536)", self.name))
    }
}

/// `write NAME TEXT`: one write() of `TEXT\n` to the pipe's write end. With no read end open
/// anywhere it fails with EPIPE, after the kernel sent the writer SIGPIPE (whose default
/// action ends it: the checker knows).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Write {
    pub name: String,
    pub text: String,
}

impl Act for Write {
    const VERB: &str = "write";
    const USAGE: &str = "write NAME TEXT";
    const EXAMPLE: &str = "parent pipe q\nparent write q hi";
    const RESULTS: &[&str] = &["wrote"];
    const FACTS: Facts = Facts {
        blocks: Blocks::Maybe,
        ..Facts::PLAIN
    };
    const FUZZ: &[&str] = &["q", "hello", "task 1"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        let [word, text @ ..] = a.words else {
            return Err(a.expected());
        };
        let text = text.join(" ");
        if text.is_empty() || text.len() > MAX_WRITE {
            return Err(ParseProblem::PrintText { max: MAX_WRITE });
        }
        Ok(Write {
            name: held(a, word, End::Write)?,
            text,
        })
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        let fd = match fd_of(stage.pipes(), &self.name, End::Write) {
            Ok(fd) => fd,
            Err(e) => return failed(Call::Write, e),
        };
        let line = format!("{}\n", self.text);
        match write_all(fd, line.as_bytes()) {
            Ok(bytes) => Performed::Outcome(Outcome::Wrote {
                fd: fd.as_raw_fd(),
                bytes,
            }),
            Err(e) => failed(Call::Write, e),
        }
    }

    fn python(&self, _: bool) -> Python {
        Python::line(format!(
            "os.write({}_w, b{:?})",
            self.name,
            format!("{}\n", self.text)
        ))
    }
}

/// `fill NAME &`: one write() of the pipe's capacity and one page more: it fills the pipe and
/// then blocks until a reader makes room.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fill {
    pub name: String,
}

impl Act for Fill {
    const VERB: &str = "fill";
    const USAGE: &str = "fill NAME";
    const EXAMPLE: &str = "parent pipe q\nparent fill q";
    const RESULTS: &[&str] = &["filled"];
    const FACTS: Facts = Facts {
        blocks: Blocks::Maybe,
        ..Facts::PLAIN
    };
    const FUZZ: &[&str] = &["q"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        let [word] = a.words else {
            return Err(a.expected());
        };
        Ok(Fill {
            name: held(a, word, End::Write)?,
        })
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        let fd = match fd_of(stage.pipes(), &self.name, End::Write) {
            Ok(fd) => fd,
            Err(e) => return failed(Call::Write, e),
        };
        let capacity = match sys::pipe_capacity(fd) {
            Ok(c) => c,
            Err(e) => return failed(Call::Fcntl, e),
        };
        let buf = vec![b'x'; capacity + sys::page_size()];
        match write_all(fd, &buf) {
            Ok(bytes) => Performed::Outcome(Outcome::Filled {
                fd: fd.as_raw_fd(),
                bytes,
                capacity,
            }),
            Err(e) => failed(Call::Write, e),
        }
    }

    fn python(&self, _: bool) -> Python {
        let name = &self.name;
        Python::line(format!(
            "os.write({name}_w, b\"x\" * (fcntl.fcntl({name}_w, fcntl.F_GETPIPE_SZ) + 4096))"
        ))
    }
}

/// One write() call of all of `buf`, as the kernel takes it from a blocking pipe: it returns
/// once every byte is in (or fails, EPIPE when no reader is left).
fn write_all(fd: &OwnedFd, buf: &[u8]) -> nix::Result<usize> {
    loop {
        match nix::unistd::write(fd, buf) {
            Err(nix::Error::EINTR) => continue,
            other => return other,
        }
    }
}

/// `work TASKS RESULTS &`: a pool worker's loop. read() one task record from TASKS; write its
/// square, with this process's PID, as a record to RESULTS; again, until read() returns 0
/// (end of file: no write end of TASKS is open anywhere).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Work {
    pub tasks: String,
    pub results: String,
}

impl Act for Work {
    const VERB: &str = "work";
    const USAGE: &str = "work TASKS RESULTS";
    const EXAMPLE: &str = "parent pipe q\nparent pipe r\nparent work q r";
    const RESULTS: &[&str] = &["worked"];
    const FACTS: Facts = Facts {
        blocks: Blocks::Maybe,
        ..Facts::PLAIN
    };
    const FUZZ: &[&str] = &["tasks", "results"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        let [tasks, results] = a.words else {
            return Err(a.expected());
        };
        Ok(Work {
            tasks: held(a, tasks, End::Read)?,
            results: held(a, results, End::Write)?,
        })
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        let pipes: &[HeldPipe] = stage.pipes();
        let (input, output) = match (
            fd_of(pipes, &self.tasks, End::Read),
            fd_of(pipes, &self.results, End::Write),
        ) {
            (Ok(i), Ok(o)) => (i, o),
            (Err(e), _) | (_, Err(e)) => return failed(Call::Read, e),
        };
        let pid = nix::unistd::getpid().as_raw();
        let mut done = Vec::new();
        loop {
            let mut record = [0u8; TASK_BYTES];
            match read_record(input, &mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => return failed(Call::Read, e),
            }
            let task = i64::from_le_bytes(record);
            let value = task * task;
            let mut out = [0u8; RESULT_BYTES];
            out[..4].copy_from_slice(&pid.to_le_bytes());
            out[8..16].copy_from_slice(&task.to_le_bytes());
            out[16..].copy_from_slice(&value.to_le_bytes());
            if let Err(e) = write_all(output, &out) {
                return failed(Call::Write, e);
            }
            done.push((task, value));
        }
        Performed::Outcome(Outcome::Worked { done })
    }

    fn python(&self, _: bool) -> Python {
        let Work { tasks, results } = self;
        Python::Code(vec![format!(
            "while (t := os.read({tasks}_r, 8)): n = int.from_bytes(t, \"little\"); \
             os.write({results}_w, os.getpid().to_bytes(8, \"little\") + t + \
             (n * n).to_bytes(8, \"little\"))"
        )])
    }
}

/// Read one whole record; false at end of file before its first byte.
fn read_record(fd: &OwnedFd, record: &mut [u8]) -> nix::Result<bool> {
    let mut got = 0;
    while got < record.len() {
        match nix::unistd::read(fd, &mut record[got..]) {
            Ok(0) if got == 0 => return Ok(false),
            Ok(0) => return Err(nix::Error::EIO),
            Ok(n) => got += n,
            Err(nix::Error::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

/// `map TASKS RESULTS N...`: for each number, one write() of an 8-byte task record to TASKS,
/// then one read() of the 24-byte result record from RESULTS, before the next task: one task
/// in flight at a time, so every idle worker gets its turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Map {
    pub tasks: String,
    pub results: String,
    pub numbers: Vec<i64>,
}

impl Act for Map {
    const VERB: &str = "map";
    const USAGE: &str = "map TASKS RESULTS N...";
    const EXAMPLE: &str = "parent pipe q\nparent pipe r\nparent map q r 1 2";
    const RESULTS: &[&str] = &["mapped"];
    const FACTS: Facts = Facts {
        blocks: Blocks::Maybe,
        ..Facts::PLAIN
    };
    const FUZZ: &[&str] = &["tasks", "results", "1", "2", "x", "-3"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        let [tasks, results, numbers @ ..] = a.words else {
            return Err(a.expected());
        };
        let numbers = numbers
            .iter()
            .map(|n| n.parse::<i64>().ok().filter(|n| n.abs() < 1_000_000))
            .collect::<Option<Vec<i64>>>()
            .filter(|t| !t.is_empty() && t.len() <= MAX_TASKS)
            .ok_or_else(|| a.expected())?;
        Ok(Map {
            tasks: held(a, tasks, End::Write)?,
            results: held(a, results, End::Read)?,
            numbers,
        })
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        let pipes: &[HeldPipe] = stage.pipes();
        let (output, input) = match (
            fd_of(pipes, &self.tasks, End::Write),
            fd_of(pipes, &self.results, End::Read),
        ) {
            (Ok(o), Ok(i)) => (o, i),
            (Err(e), _) | (_, Err(e)) => return failed(Call::Write, e),
        };
        let mut got = Vec::new();
        for task in &self.numbers {
            if let Err(e) = write_all(output, &task.to_le_bytes()) {
                return failed(Call::Write, e);
            }
            let mut record = [0u8; RESULT_BYTES];
            match read_record(input, &mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => return failed(Call::Read, e),
            }
            let word = |r: std::ops::Range<usize>| {
                let mut b = [0u8; 8];
                b[..r.len()].copy_from_slice(&record[r]);
                i64::from_le_bytes(b)
            };
            got.push(TaskResult {
                pid: word(0..4) as i32,
                task: word(8..16),
                value: word(16..24),
            });
        }
        Performed::Outcome(Outcome::Mapped { results: got })
    }

    fn python(&self, _: bool) -> Python {
        let Map {
            tasks,
            results,
            numbers,
        } = self;
        Python::line(format!(
            "for n in {numbers:?}: os.write({tasks}_w, n.to_bytes(8, \"little\")); \
             print(os.read({results}_r, 24))"
        ))
    }
}

/// One result a worker sent back: who computed it, for which task, and what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskResult {
    pub pid: i32,
    pub task: i64,
    pub value: i64,
}

#[cfg(test)]
mod tests {
    use crate::script::actions::testing::{act, refused};
    use crate::script::actions::{Action, Close, End};

    #[test]
    fn a_pipe_is_named_made_once_and_used_by_the_roles_that_hold_its_ends() {
        let a = act("runner fork p\np pipe q\np fork c\nc close q write");
        assert_eq!(
            a,
            Action::Close(Close {
                name: "q".into(),
                end: End::Write
            })
        );
        assert!(refused("runner fork p\np pipe q\np pipe q").contains("q"));
        assert!(refused("runner fork p\np read q").contains("q"));
        let twice = refused("runner fork p\np pipe q\np close q read\np read q");
        assert!(twice.contains("read end"), "{twice}");
        assert!(refused("runner fork p\np pipe q\np map q q x").contains("map"));
        assert!(refused("runner fork p\np pipe q\np close q read\np map q q 1").contains("q"));
    }
}
