//! procdemo's one error type, and the exit codes it maps to.
//!
//! Every error is printed once, in main, as `procdemo: <message>`, and decides the exit code:
//!
//! | code | meaning |
//! |------|---------|
//! | 0    | every demo ran and every awaited state was observed |
//! | 1    | a demo failed (a state not observed by its deadline, a fork refused, a crash) or the system said no (/proc missing, ...) |
//! | 2    | usage or script error: nothing was run |
//! | 130  | interrupted by SIGINT (Ctrl-C); everything was cleaned up |
//! | 143  | terminated by SIGTERM; everything was cleaned up |
//! | 128+N | stopped by another signal N it handles (129 SIGHUP, 131 SIGQUIT, ...); likewise |

use crate::script::ParseError;
use std::fmt;

#[derive(Debug)]
pub enum Error {
    /// Bad command line: unknown demo, unreadable or non-UTF-8 script file.
    Usage(String),
    /// A script that does not parse or check.
    Script(ParseError),
    /// A demo ran and failed; the runner has already printed what it saw.
    DemoFailed,
    /// The system refused something procdemo needs.
    System(String),
    /// Stopped by a signal (SIGINT or SIGTERM).
    Interrupted(i32),
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::Script(_) => 2,
            Error::DemoFailed | Error::System(_) => 1,
            Error::Interrupted(sig) => 128 + sig,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) | Error::System(m) => f.write_str(m),
            Error::Script(e) => write!(f, "{e}"),
            Error::DemoFailed => f.write_str("a demo failed (see above)"),
            Error::Interrupted(sig) => write!(
                f,
                "interrupted by {}: every process procdemo started was killed and reaped",
                crate::script::signal_name(*sig)
            ),
        }
    }
}

impl From<ParseError> for Error {
    fn from(e: ParseError) -> Self {
        Error::Script(e)
    }
}
