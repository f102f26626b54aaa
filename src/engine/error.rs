//! procdemo's one error type, and the exit codes it maps to.
//!
//! Every error is printed once, in main, as `procdemo: <message>` (through [`say`], which never
//! panics and shows control characters a script or a path supplied as escapes), and decides the
//! exit code:
//!
//! | code | meaning |
//! |------|---------|
//! | 0    | every demo ran and every awaited state was observed |
//! | 1    | a demo failed (a state not observed by its deadline, a fork refused, a crash) or the system said no (/proc missing, memory ran out: `procdemo: out of memory: ...`, ...) |
//! | 2    | usage or script error (a script larger than 1 MiB too): nothing was run |
//! | 130  | interrupted by SIGINT (Ctrl-C); everything was cleaned up |
//! | 143  | terminated by SIGTERM; everything was cleaned up |
//! | 126, 127 | `procdemo watch`: the command was found but could not be run (126), or was not found (127) |
//! | any  | `procdemo watch`: the watched program's own exit code (128 + N when a signal N ended it) |
//! | 128+N | stopped by another signal N whose default action would end it (129 SIGHUP, 131 SIGQUIT, 142 SIGALRM, 128+SIGRTMIN+n, ...; not SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGILL); likewise |

use crate::script::ParseError;
use std::fmt;
use std::io::Write;

/// Print `procdemo: <message>` on stderr. A stderr that cannot be written to (`2>/dev/full`, a
/// closed pipe) is ignored: the exit code still says what happened.
pub fn say(message: impl fmt::Display) {
    let _ = writeln!(std::io::stderr(), "procdemo: {message}");
}

/// Why an output file is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clash {
    /// It is a file this run reads (the script, a file the watched command names).
    Input,
    /// The other output (`-o` and `--html`) names the same file.
    OtherOutput,
    /// A symbolic link: procdemo does not write through one.
    Symlink,
    /// A FIFO, a device or a socket.
    NotAFile,
}

#[derive(Debug)]
pub enum Error {
    /// Bad command line: unknown demo, unreadable or non-UTF-8 script file.
    Usage(Usage),
    /// A script that does not parse or check.
    Script(ParseError),
    /// A demo ran and failed; the runner has already printed what it saw.
    DemoFailed,
    /// The system refused something procdemo needs.
    System(System),
    /// Stopped by a signal (SIGINT, SIGTERM, or another whose default action would end it).
    Interrupted(i32),
    /// `q` typed at a `--step` pause: ended as Ctrl-C would (exit 130), after the clean-up.
    Quit,
    /// `procdemo watch` could not run or trace the program (`command`: its argv[0], escaped).
    Watch {
        command: String,
        problem: crate::engine::model::WatchProblem,
    },
}

/// What is wrong with the command line or a script file, as data (`render/` has the words).
/// Paths are as shown: escaped already.
#[derive(Debug)]
pub enum Usage {
    /// A demo that does not exist: the nearest name, and every demo.
    UnknownDemo {
        name: String,
        closest: Option<&'static str>,
        demos: Vec<&'static str>,
    },
    UnknownTopic {
        name: String,
        topics: Vec<&'static str>,
    },
    /// No demo or command on the command line.
    NoDemo {
        demos: Vec<&'static str>,
    },
    /// No subcommand after parsing (clap's promise broken).
    NoCommand,
    /// A script file that cannot be read: its path, and the system's error.
    CannotRead {
        path: String,
        error: String,
    },
    NotUtf8 {
        path: String,
        offset: usize,
    },
    TooLarge {
        path: String,
        max_mib: usize,
    },
    /// `--step` or `--predict` with no terminal: /dev/tty's error.
    NoTerminal {
        error: String,
    },
    /// An `--html` file that cannot be written.
    Html {
        path: String,
        error: String,
    },
    /// An option procdemo does not have; `clap` is clap's own (English) message.
    UnknownOption {
        arg: String,
        clap: String,
    },
    /// An option's value procdemo does not accept (`--timeout 21`).
    BadValue {
        arg: String,
        value: String,
        clap: String,
    },
    /// `procdemo watch -o FILE`: a report file that cannot be written.
    Report {
        path: String,
        error: String,
    },
    /// An output file (`option` is `--html` or `-o`) refused before anything runs.
    Output {
        option: &'static str,
        path: String,
        clash: Clash,
    },
    /// An option that means nothing to `procdemo watch` (`--html`, `--step`...).
    NotForWatch {
        option: &'static str,
    },
    /// `--html` given to a command that runs nothing (`show`, `list`, `explain`): there is no
    /// run to draw, and an empty file would be left.
    HtmlWithoutRun {
        command: &'static str,
    },
    /// `procdemo replay FILE`: a line that is not part of a recorded run.
    BadRecording {
        file: String,
        line: usize,
        error: String,
    },
    /// `--worksheet` (questions only, nothing runs) with an option that shows a run.
    WorksheetRunsNothing {
        option: &'static str,
    },
    /// `--json` or `--json-events` (`option`) given to a command that prints text for people.
    NotJson {
        option: &'static str,
        command: &'static str,
    },
    /// clap's own message (English in every language).
    Clap(String),
    /// `procdemo check` or `exercises` given a task that is not built in (and not a file).
    UnknownTask {
        name: String,
        closest: Option<&'static str>,
        tasks: Vec<&'static str>,
    },
    /// A task file that does not parse (`FILE:LINE`).
    Task(crate::script::task::TaskError),
}

/// What the system refused (errors as [`os_error`] shows them; a demo's name escaped).
#[derive(Debug)]
pub enum System {
    /// A call the front end makes to set itself up (`sigprocmask`, `signalfd`, `prctl(...)`).
    Setup {
        call: &'static str,
        error: String,
    },
    /// No pipe: for a demo's events (its name), or for the `--step` keys (None).
    Pipe {
        demo: Option<String>,
        error: String,
    },
    /// No runner for a demo: fork failed.
    Fork {
        demo: String,
        error: String,
    },
    /// No watcher for `watch`: fork failed.
    ForkWatcher {
        error: String,
    },
    /// Standard output cannot be written.
    Write {
        error: String,
    },
    /// /proc/self/stat does not exist: procfs is not mounted.
    ProcMissing {
        error: String,
    },
    ProcUnreadable {
        error: String,
    },
    ProcNotUnderstood,
}

/// A system error as procdemo's messages show one, the symbolic name once and then the C
/// library's words: `EMFILE (Too many open files)` (not nix's `EMFILE: Too many open files`
/// nor Rust's `Too many open files (os error 24)`, which would say it twice over in a message).
pub fn os_error(e: impl Into<std::io::Error>) -> String {
    let e: std::io::Error = e.into();
    match e.raw_os_error() {
        Some(errno) => {
            let text = std::io::Error::from_raw_os_error(errno).to_string();
            let text = text.split(" (os error").next().unwrap_or(&text);
            format!("{:?} ({text})", nix::errno::Errno::from_raw(errno))
        }
        None => e.to_string(),
    }
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::Script(_) => 2,
            Error::DemoFailed | Error::System(_) => 1,
            Error::Interrupted(sig) => 128 + sig,
            Error::Quit => 128 + libc::SIGINT,
            // As a shell says it: 127 not found, 126 found but not runnable.
            Error::Watch { problem, .. } => match problem {
                crate::engine::model::WatchProblem::Exec { errno, .. }
                    if *errno == libc::ENOENT =>
                {
                    127
                }
                crate::engine::model::WatchProblem::Exec { .. } => 126,
                _ => 1,
            },
        }
    }
}

impl From<ParseError> for Error {
    fn from(e: ParseError) -> Self {
        Error::Script(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_system_error_names_its_errno_once() {
        let e = std::io::Error::from_raw_os_error(libc::EMFILE);
        assert_eq!(os_error(e), "EMFILE (Too many open files)");
        assert_eq!(
            os_error(nix::Error::ENOSPC),
            "ENOSPC (No space left on device)"
        );
    }
}
