//! The course's ticket office: a shared count of tickets in a file (`tickets`), read (`count`)
//! and written back one less (`buy`) by processes that share it through fork, an exclusive
//! `flock` around the two (`flock`, `funlock`), and a loop of unlocked read-then-write steps
//! that lets the scheduler choose the interleaving (`race`).
//!
//! The file is a memfd: a real file (read with pread(), written with pwrite() and write(),
//! locked with flock()) that no directory names, so nothing is left behind however a run
//! ends; it goes with the last descriptor. Its first line is the count, padded to a fixed
//! width so that one pwrite() at offset 0 replaces it whole; every sale appends a line with
//! the buyer's PID through a second, O_APPEND description of the same file, so the sales are
//! read back from the file too.

use super::{Act, Args, Blocks, Call, Facts, Outcome, Performed, Python, Stage, TicketUse, failed};
use crate::kernel::sys;
use crate::script::limits;
use crate::script::problem::ParseProblem;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{self, Write as _};
use std::os::fd::AsRawFd;
use std::os::unix::fs::FileExt;

/// The count's line: 20 characters and a newline, rewritten whole by one pwrite().
const COUNT_LINE: usize = 21;
/// The most of the file `count` reads: the count and the sales of a demo.
const MAX_READ: usize = 64 * 1024;

/// What a process holds of the ticket file. A fork copies it (the descriptors with it: the
/// child shares the open file descriptions), an `exec self` starts without (they are
/// close-on-exec).
#[derive(Default)]
pub struct TicketFile {
    /// The memfd: the count is read and written at offset 0.
    file: Option<File>,
    /// The same file opened again with O_APPEND: the sales.
    sales: Option<File>,
    /// The file opened again by this process, for flock(): locks belong to an open file
    /// description, and the one a fork shares would be every buyer's at once.
    lock: Option<File>,
    /// The count this process read last (`count`), which its next `buy` decides on.
    read: Option<i64>,
}

fn count_line(n: i64) -> Vec<u8> {
    format!("{n:<width$}\n", width = COUNT_LINE - 1).into_bytes()
}

/// The count and the PIDs of the sales, as the file holds them (one pread() of the count's
/// line, then the rest).
fn read_file(file: &File, whole: bool) -> io::Result<(i64, Vec<i32>)> {
    let mut buf = vec![0u8; if whole { MAX_READ } else { COUNT_LINE }];
    let mut len = 0;
    while len < buf.len() {
        match file.read_at(&mut buf[len..], len as u64)? {
            0 => break,
            n => len += n,
        }
    }
    let text = String::from_utf8_lossy(&buf[..len]);
    let mut lines = text.lines();
    let bad = || io::Error::from_raw_os_error(libc::EILSEQ);
    let count = lines
        .next()
        .and_then(|l| l.trim().parse::<i64>().ok())
        .ok_or_else(bad)?;
    let sales = lines
        .filter(|l| !l.is_empty())
        .map(|l| l.trim().parse::<i32>().map_err(|_| bad()))
        .collect::<io::Result<Vec<i32>>>()?;
    Ok((count, sales))
}

/// A whole number of tickets or steps, 1 to `limits::MAX_TICKETS`.
fn number(a: &Args<'_>) -> Result<u64, ParseProblem> {
    let [n] = a.words else {
        return Err(a.expected());
    };
    match n.parse::<u64>() {
        Ok(v) if (1..=limits::MAX_TICKETS).contains(&v) => Ok(v),
        _ => Err(ParseProblem::TicketNumber {
            verb: a.verb,
            found: n.to_string(),
            max: limits::MAX_TICKETS,
        }),
    }
}

/// `tickets N`: create the ticket file holding N tickets, and read the count back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tickets {
    pub count: u64,
}

impl Act for Tickets {
    const VERB: &str = "tickets";
    const USAGE: &str = "tickets NUMBER";
    const EXAMPLE: &str = "parent tickets 3";
    const RESULTS: &[&str] = &["ticket_file"];
    const FACTS: Facts = Facts {
        tickets: TicketUse::Creates,
        ..Facts::PLAIN
    };
    const FUZZ: &[&str] = &["1", "0", "x", "99999999999"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        Ok(Tickets { count: number(a)? })
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        let file = match sys::memfd_cloexec("tickets") {
            Ok(fd) => File::from(fd),
            Err(e) => return failed(Call::MemfdCreate, e),
        };
        if let Err(e) = file.write_all_at(&count_line(self.count as i64), 0) {
            return failed(Call::Pwrite, e);
        }
        let sales = match std::fs::OpenOptions::new()
            .append(true)
            .open(format!("/proc/self/fd/{}", file.as_raw_fd()))
        {
            Ok(f) => f,
            Err(e) => return failed(Call::Open, e),
        };
        let left = match read_file(&file, false) {
            Ok((left, _)) => left,
            Err(e) => return failed(Call::Pread, e),
        };
        let fd = file.as_raw_fd();
        let held = stage.tickets();
        held.file = Some(file);
        held.sales = Some(sales);
        Performed::Outcome(Outcome::TicketFile { fd, left })
    }

    fn python(&self, _: bool) -> Python {
        Python::line(format!(
            "fd = os.memfd_create(\"tickets\"); os.pwrite(fd, b\"%-20d\\n\" % {}, 0); sales = os.open(f\"/proc/self/fd/{{fd}}\", os.O_WRONLY | os.O_APPEND)",
            self.count
        ))
    }
}

/// `count`: read the file: the tickets left, and the sales it records. `raced`: a `race` on
/// the same file came before, so the count is the scheduler's (the checker sets it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Count {
    pub raced: bool,
}

impl Act for Count {
    const VERB: &str = "count";
    const USAGE: &str = "count";
    const EXAMPLE: &str = "parent tickets 3\nparent count";
    const RESULTS: &[&str] = &["counted"];
    const FACTS: Facts = Facts {
        tickets: TicketUse::Reads,
        ..Facts::PLAIN
    };

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        a.none(Count { raced: false })
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        let held = stage.tickets();
        let Some(file) = &held.file else {
            return failed(Call::Pread, io::Error::from_raw_os_error(libc::EBADF));
        };
        match read_file(file, true) {
            Ok((left, sold)) => {
                held.read = Some(left);
                Performed::Outcome(Outcome::Counted {
                    left,
                    sold,
                    raced: self.raced,
                })
            }
            Err(e) => failed(Call::Pread, e),
        }
    }

    fn python(&self, _: bool) -> Python {
        Python::line("left = int(os.pread(fd, 4096, 0).split()[0])")
    }
}

/// `buy`: decide on the count this process read last: if a ticket was left, write the count
/// back one less and record the sale; else nothing is written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Buy;

impl Act for Buy {
    const VERB: &str = "buy";
    const USAGE: &str = "buy";
    const EXAMPLE: &str = "parent tickets 3\nparent count\nparent buy";
    const RESULTS: &[&str] = &["bought", "sold_out"];
    const FACTS: Facts = Facts {
        tickets: TicketUse::Writes,
        ..Facts::PLAIN
    };
    const FUZZ: &[&str] = &["now"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        a.none(Buy)
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        let held = stage.tickets();
        let (Some(file), Some(sales), Some(read)) = (&held.file, &held.sales, held.read.take())
        else {
            return failed(Call::Pwrite, io::Error::from_raw_os_error(libc::EBADF));
        };
        if read < 1 {
            return Performed::Outcome(Outcome::SoldOut { read });
        }
        let wrote = read - 1;
        if let Err(e) = file.write_all_at(&count_line(wrote), 0) {
            return failed(Call::Pwrite, e);
        }
        let mut sales = sales;
        let pid = nix::unistd::getpid().as_raw();
        // One write() on an O_APPEND description: the kernel puts it at the end, whoever
        // else appends.
        if let Err(e) = sales.write_all(format!("{pid}\n").as_bytes()) {
            return failed(Call::Write, e);
        }
        Performed::Outcome(Outcome::Bought { read, wrote })
    }

    fn python(&self, _: bool) -> Python {
        Python::Code(vec![
            "if left >= 1: os.pwrite(fd, b\"%-20d\\n\" % (left - 1), 0); os.write(sales, b\"%d\\n\" % os.getpid())".into(),
        ])
    }
}

/// `flock`: open the file again (a description of this process's own) and flock(LOCK_EX) it:
/// it sleeps while another process holds the lock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flock;

impl Act for Flock {
    const VERB: &str = "flock";
    const USAGE: &str = "flock";
    const EXAMPLE: &str = "parent tickets 3\nparent flock";
    const RESULTS: &[&str] = &["file_locked"];
    const FACTS: Facts = Facts {
        blocks: Blocks::Maybe,
        tickets: TicketUse::Locks,
        ..Facts::PLAIN
    };

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        a.none(Flock)
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        let Some(file) = &stage.tickets().file else {
            return failed(Call::Open, io::Error::from_raw_os_error(libc::EBADF));
        };
        let own = match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(format!("/proc/self/fd/{}", file.as_raw_fd()))
        {
            Ok(f) => f,
            Err(e) => return failed(Call::Open, e),
        };
        stage.under_way();
        if let Err(e) = sys::flock(&own, true) {
            return failed(Call::Flock, e);
        }
        let fd = own.as_raw_fd();
        stage.tickets().lock = Some(own);
        Performed::Outcome(Outcome::FileLocked { fd })
    }

    fn python(&self, _: bool) -> Python {
        Python::line("f = open(f\"/proc/self/fd/{fd}\", \"r+\"); fcntl.flock(f, fcntl.LOCK_EX)")
    }
}

/// `funlock`: flock(LOCK_UN) the lock this process holds, and close that description.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Funlock;

impl Act for Funlock {
    const VERB: &str = "funlock";
    const USAGE: &str = "funlock";
    const EXAMPLE: &str = "parent tickets 3\nparent flock\nparent funlock";
    const RESULTS: &[&str] = &["file_unlocked"];
    const FACTS: Facts = Facts {
        tickets: TicketUse::Unlocks,
        ..Facts::PLAIN
    };

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        a.none(Funlock)
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        let Some(own) = stage.tickets().lock.take() else {
            return failed(Call::Flock, io::Error::from_raw_os_error(libc::EBADF));
        };
        let fd = own.as_raw_fd();
        match sys::flock(&own, false) {
            Ok(()) => Performed::Outcome(Outcome::FileUnlocked { fd }),
            Err(e) => failed(Call::Flock, e),
        }
    }

    fn python(&self, _: bool) -> Python {
        Python::line("fcntl.flock(f, fcntl.LOCK_UN); f.close()")
    }
}

/// `race N`: N steps of pread() the count, pwrite() it back one less, with no lock: where the
/// scheduler preempts a process between its read and its write, the other's steps meanwhile
/// are overwritten (lost updates).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Race {
    pub steps: u64,
}

impl Act for Race {
    const VERB: &str = "race";
    const USAGE: &str = "race STEPS";
    const EXAMPLE: &str = "parent tickets 3\nparent race 10";
    const RESULTS: &[&str] = &["raced"];
    const FACTS: Facts = Facts {
        blocks: Blocks::Maybe,
        tickets: TicketUse::Races,
        ..Facts::PLAIN
    };
    const FUZZ: &[&str] = &["1000", "0"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        Ok(Race { steps: number(a)? })
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        let Some(file) = stage.tickets().file.take() else {
            return failed(Call::Pread, io::Error::from_raw_os_error(libc::EBADF));
        };
        stage.under_way();
        let mut done = 0u64;
        let result = (|| {
            for _ in 0..self.steps {
                let (left, _) = read_file(&file, false).map_err(|e| (Call::Pread, e))?;
                file.write_all_at(&count_line(left - 1), 0)
                    .map_err(|e| (Call::Pwrite, e))?;
                done += 1;
            }
            Ok(())
        })();
        stage.tickets().file = Some(file);
        match result {
            Ok(()) => Performed::Outcome(Outcome::Raced { steps: done }),
            Err((call, e)) => failed(call, e),
        }
    }

    fn python(&self, _: bool) -> Python {
        Python::line(format!(
            "for _ in range({}): os.pwrite(fd, b\"%-20d\\n\" % (int(os.pread(fd, 21, 0)) - 1), 0)",
            self.steps
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{act, refused};
    use super::*;
    use crate::script::actions::Action;

    #[test]
    fn the_count_line_is_one_fixed_width_line() {
        assert_eq!(count_line(1).len(), COUNT_LINE);
        assert_eq!(count_line(1_000_000).len(), COUNT_LINE);
        assert!(count_line(0).starts_with(b"0 "));
    }

    #[test]
    fn tickets_and_race_take_a_number_the_others_nothing() {
        assert_eq!(
            act("runner fork p\np tickets 3\n"),
            Action::Tickets(Tickets { count: 3 })
        );
        assert!(refused("runner fork p\np tickets 0\n").contains("from 1 to"));
        assert!(refused("runner fork p\np tickets x\n").contains("from 1 to"));
        assert!(refused("runner fork p\np tickets\n").contains("expected `p tickets NUMBER`"));
        assert_eq!(
            act("runner fork p\np tickets 3\np race 10 &\n"),
            Action::Race(Race { steps: 10 })
        );
        assert!(refused("runner fork p\np tickets 1\np count 2\n").contains("expected `p count`"));
    }

    #[test]
    fn the_checker_holds_the_order_of_the_ticket_office() {
        let no_file = refused("runner fork p\np count\n");
        assert!(no_file.contains("no ticket file"), "{no_file}");
        let twice = refused("runner fork p\np tickets 1\np tickets 1\n");
        assert!(twice.contains("already has a ticket file"), "{twice}");
        let unread = refused("runner fork p\np tickets 1\np buy\n");
        assert!(unread.contains("count` first"), "{unread}");
        let again = refused("runner fork p\np tickets 1\np count\np buy\np buy\n");
        assert!(again.contains("count` first"), "{again}");
        let relock = refused("runner fork p\np tickets 1\np flock\np flock\n");
        assert!(relock.contains("already holds"), "{relock}");
        let unlocked = refused("runner fork p\np tickets 1\np funlock\n");
        assert!(unlocked.contains("holds no lock"), "{unlocked}");
        // A child forked after `tickets` shares the file; one forked before has none.
        act("runner fork p\np tickets 1\np fork c\nc count\n");
        let before = refused("runner fork p\np fork c\np tickets 1\nc count\n");
        assert!(before.contains("no ticket file"), "{before}");
    }

    #[test]
    fn await_flock_needs_a_flock_under_way() {
        let ok = "runner fork p\np tickets 1\np fork a\np fork b\na flock\nb flock &\n\
                  await b flock\na funlock\nawait b done\nb funlock\n";
        crate::script::parse("t.demo", "t", ok).unwrap_or_else(|e| panic!("{e}"));
        let none = refused("runner fork p\np tickets 1\nawait p flock\n");
        assert!(
            none.contains("`await p flock` waits for a `p flock &`"),
            "{none}"
        );
        // Once collected with `await ROLE done`, there is no flock under way to await.
        let after = refused(
            "runner fork p\np tickets 1\np fork a\na flock &\nawait a done\nawait a flock\n",
        );
        assert!(after.contains("has none"), "{after}");
        let other = refused("runner fork p\np tickets 1\np fork a\na race 5 &\nawait a flock\n");
        assert!(other.contains("has none"), "{other}");
    }

    #[test]
    fn a_count_after_a_race_on_the_same_file_is_marked_as_the_schedulers() {
        assert_eq!(
            act("runner fork p\np tickets 9\np fork a\na race 3 &\nawait a done\np count\n"),
            Action::Count(Count { raced: true })
        );
        assert_eq!(
            act("runner fork p\np tickets 9\np count\n"),
            Action::Count(Count { raced: false })
        );
        // Another file, not raced.
        assert_eq!(
            act("runner fork p\np tickets 9\np race 3\nrunner fork q\nq tickets 9\nq count\n"),
            Action::Count(Count { raced: false })
        );
    }
}
