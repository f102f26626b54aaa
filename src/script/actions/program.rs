//! What a program holds and what replaces it: its stdio buffer (`print`, `flush`, `atexit`),
//! its file descriptors (`open`) and its image (`exec`).

use super::{
    Act, Args, Call, Effects, Facts, Image, Outcome, Performed, Program, Python, Stage, failed,
};
use crate::kernel::sys;
use crate::script::problem::ParseProblem;
use serde::{Deserialize, Serialize};

/// The longest line `print` takes, in bytes.
pub const MAX_PRINT: usize = 200;
/// At most this many arguments after an exec'd program's name, each at most `MAX_ARG` bytes.
pub const MAX_ARGS: usize = 16;
pub const MAX_ARG: usize = 256;

/// `print TEXT`: printf("TEXT\n") into the C library's stdout buffer. The process's standard
/// output is its own pipe to the runner, so the stream is fully buffered: the bytes wait in
/// the process's memory until fflush(), exit() or a full buffer. A fork copies them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Print {
    pub text: String,
}

impl Act for Print {
    const VERB: &str = "print";
    const USAGE: &str = "print TEXT";
    const EXAMPLE: &str = "parent print hello";
    const RESULTS: &[&str] = &["printed"];
    const FUZZ: &[&str] = &["hello", "world"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        let text = a.words.join(" ");
        if text.is_empty() || text.len() > MAX_PRINT || text.contains('\0') {
            return Err(ParseProblem::PrintText { max: MAX_PRINT });
        }
        Ok(Print { text })
    }

    fn perform(&self, _: i32, _: &mut dyn Stage) -> Performed {
        match sys::c_print(&self.text) {
            Ok((bytes, pending)) => Performed::Outcome(Outcome::Printed { bytes, pending }),
            Err(e) => failed(Call::Fputs, e),
        }
    }

    // print() writes into sys.stdout's buffer, which is block-buffered on a pipe.
    fn python(&self, _: bool) -> Python {
        Python::line(format!("print({:?})", self.text))
    }
}

/// `flush`: fflush(stdout): the waiting bytes are written to the process's output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flush;

impl Act for Flush {
    const VERB: &str = "flush";
    const USAGE: &str = "flush";
    const EXAMPLE: &str = "parent flush";
    const RESULTS: &[&str] = &["flushed"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        a.none(Flush)
    }

    fn perform(&self, _: i32, _: &mut dyn Stage) -> Performed {
        match sys::c_flush() {
            Ok(bytes) => Performed::Outcome(Outcome::Flushed { bytes }),
            Err(e) => failed(Call::Fflush, e),
        }
    }

    fn python(&self, _: bool) -> Python {
        Python::line("sys.stdout.flush()")
    }
}

/// `atexit`: atexit(handler). exit() runs it (and a child forked later has it too, in its
/// copy of memory); _exit() does not. It prints a line into the stdio buffer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Atexit;

impl Act for Atexit {
    const VERB: &str = "atexit";
    const USAGE: &str = "atexit";
    const EXAMPLE: &str = "parent atexit";
    const RESULTS: &[&str] = &["atexit_set"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        a.none(Atexit)
    }

    fn perform(&self, _: i32, _: &mut dyn Stage) -> Performed {
        match sys::c_atexit() {
            Ok(()) => Performed::Outcome(Outcome::AtexitSet),
            Err(e) => failed(Call::Atexit, e),
        }
    }

    fn python(&self, _: bool) -> Python {
        Python::line("atexit.register(lambda: print(\"atexit handler ran\"))")
    }
}

/// `open PATH [cloexec]`: open(PATH, O_RDONLY [| O_CLOEXEC]). The descriptor lasts as long as
/// the process, is inherited by a fork, and survives an exec unless it is close-on-exec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Open {
    pub path: String,
    pub cloexec: bool,
}

impl Act for Open {
    const VERB: &str = "open";
    const USAGE: &str = "open /PATH [cloexec]";
    const EXAMPLE: &str = "parent open /dev/null";
    const RESULTS: &[&str] = &["opened"];
    const FUZZ: &[&str] = &["/dev/null", "cloexec", "relative", "/dev/zero"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        let (path, cloexec) = match a.words {
            [path] => (*path, false),
            [path, "cloexec"] => (*path, true),
            _ => return Err(a.expected()),
        };
        if !path.starts_with('/') || path.len() > 4096 {
            return Err(ParseProblem::OpenPath {
                found: path.to_string(),
            });
        }
        Ok(Open {
            path: path.to_string(),
            cloexec,
        })
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        match sys::open_read_only(&self.path, self.cloexec) {
            Ok(fd) => {
                let raw = std::os::fd::AsRawFd::as_raw_fd(&fd);
                stage.keep(Box::new(fd));
                Performed::Outcome(Outcome::Opened {
                    fd: raw,
                    cloexec: self.cloexec,
                })
            }
            Err(e) => failed(Call::Open, e),
        }
    }

    // Python's descriptors are non-inheritable (O_CLOEXEC) unless made inheritable (PEP 446).
    fn python(&self, _: bool) -> Python {
        let path = &self.path;
        if self.cloexec {
            Python::line(format!("fd = os.open({path:?}, os.O_RDONLY)"))
        } else {
            Python::line(format!(
                "fd = os.open({path:?}, os.O_RDONLY); os.set_inheritable(fd, True)"
            ))
        }
    }
}

/// `exec self` | `exec PROGRAM [ARGS...]`: execve(). The process keeps its PID, parent and
/// descriptors (those not close-on-exec) and gets a new program: new memory, new command
/// name. procdemo's own binary goes on obeying the script as the same role; any other
/// program obeys no more commands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exec {
    pub program: Program,
}

impl Act for Exec {
    const VERB: &str = "exec";
    const USAGE: &str = "exec self|PROGRAM [ARGS...]";
    const EXAMPLE: &str = "parent exec sleep 1";
    const RESULTS: &[&str] = &["execed", "running"];
    const FACTS: Facts = Facts {
        replaces_image: true,
        ..Facts::PLAIN
    };
    const FUZZ: &[&str] = &["self", "/bin/true", "sleep", "infinity"];

    fn parse(a: &mut Args<'_>) -> Result<Self, ParseProblem> {
        let program = match a.words {
            ["self"] => Program::Procdemo,
            [name, args @ ..] => {
                let too_long = |s: &&str| s.is_empty() || s.len() > MAX_ARG || s.contains('\0');
                if args.len() > MAX_ARGS || too_long(name) || args.iter().any(too_long) {
                    return Err(ParseProblem::ExecArgs {
                        max: MAX_ARGS,
                        max_len: MAX_ARG,
                    });
                }
                if comm_of(name) == comm_of(a.actor_name) {
                    return Err(ParseProblem::ExecSameName {
                        role: a.actor_name.to_string(),
                        program: name.to_string(),
                    });
                }
                Program::Named {
                    name: name.to_string(),
                    args: args.iter().map(|s| s.to_string()).collect(),
                }
            }
            [] => return Err(a.expected()),
        };
        Ok(Exec { program })
    }

    fn effects(&self) -> Effects {
        Effects {
            image: Some(match self.program {
                Program::Procdemo => Image::Procdemo,
                Program::Named { .. } => Image::Program,
            }),
            ..Effects::NONE
        }
    }

    fn perform(&self, _: i32, stage: &mut dyn Stage) -> Performed {
        let error = match &self.program {
            Program::Procdemo => stage.exec_self(),
            Program::Named { name, args } => sys::execvp(name, args),
        };
        failed(Call::Execve, error)
    }

    fn python(&self, _: bool) -> Python {
        match &self.program {
            Program::Procdemo => {
                Python::line("os.execv(sys.executable, [sys.executable] + sys.argv)")
            }
            Program::Named { name, args } => {
                let argv: Vec<String> = std::iter::once(name)
                    .chain(args)
                    .map(|s| format!("{s:?}"))
                    .collect();
                Python::line(format!("os.execvp({name:?}, [{}])", argv.join(", ")))
            }
        }
    }
}

/// The command name execve() gives a process running `name`: the last part of the path, cut
/// to 15 bytes (TASK_COMM_LEN - 1).
pub fn comm_of(name: &str) -> String {
    let base = name.rsplit('/').next().unwrap_or(name);
    let mut end = base.len().min(15);
    while !base.is_char_boundary(end) {
        end -= 1;
    }
    base[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{act, refused};
    use super::*;
    use crate::script::actions::Action;

    #[test]
    fn print_takes_the_rest_of_the_line() {
        assert_eq!(
            act("runner fork p\np print hello  world\n"),
            Action::Print(Print {
                text: "hello world".into()
            })
        );
        assert!(refused("runner fork p\np print\n").contains("200"));
    }

    #[test]
    fn open_takes_an_absolute_path_and_maybe_cloexec() {
        assert_eq!(
            act("runner fork p\np open /dev/null cloexec\n"),
            Action::Open(Open {
                path: "/dev/null".into(),
                cloexec: true
            })
        );
        assert!(refused("runner fork p\np open dev/null\n").contains("dev/null"));
    }

    #[test]
    fn exec_runs_procdemo_again_or_a_named_program() {
        assert_eq!(
            act("runner fork p\np exec self\n"),
            Action::Exec(Exec {
                program: Program::Procdemo
            })
        );
        assert_eq!(
            act("runner fork p\np exec sleep infinity\n"),
            Action::Exec(Exec {
                program: Program::Named {
                    name: "sleep".into(),
                    args: vec!["infinity".into()]
                }
            })
        );
        assert!(refused("runner fork true\ntrue exec /bin/true\n").contains("true"));
        assert!(refused("runner fork p\ntry p exec self\n").contains("exec"));
    }

    #[test]
    fn comm_is_the_last_part_of_the_path_cut_to_15_bytes() {
        assert_eq!(comm_of("/usr/bin/sleep"), "sleep");
        assert_eq!(comm_of("averyveryverylongname"), "averyveryverylo");
    }
}
