//! procdemo's one error type, and the exit codes it maps to.
//!
//! Every error is printed once, in main, as `procdemo: <message>` (through [`say`], which never
//! panics and shows control characters a script or a path supplied as escapes), and decides the
//! exit code:
//!
//! | code | meaning |
//! |------|---------|
//! | 0    | every demo ran and every awaited state was observed |
//! | 1    | a demo failed (a state not observed by its deadline, a fork refused, a crash) or the system said no (/proc missing, ...) |
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
        problem: crate::model::WatchProblem,
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
    /// An option that means nothing to `procdemo watch` (`--html`, `--step`...).
    NotForWatch {
        option: &'static str,
    },
    /// clap's own message (English in every language).
    Clap(String),
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
                crate::model::WatchProblem::Exec { errno } if *errno == libc::ENOENT => 127,
                crate::model::WatchProblem::Exec { .. } => 126,
                _ => 1,
            },
        }
    }
}

/// The message in English; main prints it in the chosen language ([`crate::render::error_text`]).
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::render::error_text(self, crate::render::Lang::En))
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

    #[test]
    fn every_signal_is_named_as_c_names_it() {
        let name = crate::render::signal_name;
        assert_eq!(name(libc::SIGALRM), "SIGALRM");
        assert_eq!(name(libc::SIGIO), "SIGIO");
        assert_eq!(name(libc::SIGRTMIN()), "SIGRTMIN");
        assert_eq!(name(libc::SIGRTMIN() + 3), "SIGRTMIN+3");
        assert_eq!(name(libc::SIGRTMAX()), "SIGRTMAX");
        assert_eq!(
            Error::Interrupted(libc::SIGALRM).to_string(),
            "interrupted by SIGALRM: every process procdemo started was killed and reaped"
        );
        assert_eq!(Error::Interrupted(libc::SIGALRM).exit_code(), 142);
    }

    #[test]
    fn main_prints_an_error_in_the_chosen_language_and_display_is_english() {
        use crate::render::{Lang, error_text};
        let zh = |e: &Error| error_text(e, Lang::Zh);
        assert_eq!(
            zh(&Error::Interrupted(libc::SIGINT)),
            "被 SIGINT 中断：procdemo 启动的每个进程都已被杀死并回收"
        );
        assert_eq!(
            zh(&Error::Quit),
            "在暂停处退出：procdemo 启动的每个进程都已被杀死并回收"
        );
        assert_eq!(zh(&Error::DemoFailed), "有一个演示失败了（见上文）");
        let no_tty = Error::Usage(Usage::NoTerminal {
            error: "ENXIO (No such device or address)".into(),
        });
        assert!(zh(&no_tty).starts_with("--step 和 --predict 等待在终端上输入的按键"));
        assert!(
            no_tty
                .to_string()
                .starts_with("--step and --predict wait for keys")
        );
        assert_eq!(no_tty.exit_code(), 2);
        assert_eq!(
            Error::Quit.to_string(),
            "quit at a pause: every process procdemo started was killed and reaped"
        );
        // A control character a script supplies is shown escaped in every language.
        let e = Error::Script(crate::script::ParseError {
            file: "x.demo".into(),
            line: 3,
            problem: crate::script::ParseProblem::UnknownAction {
                verb: "a\u{1b}b".into(),
                verbs: vec!["fork"],
            },
        });
        assert_eq!(zh(&e), "x.demo:3: 未知的动作 `a\\x1bb`：应当是 fork 之一");
        assert_eq!(
            e.to_string(),
            "x.demo:3: unknown action `a\\x1bb`: expected one of fork"
        );
    }
}
