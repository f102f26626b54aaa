//! What a program holds and what replaces it: its stdio buffer (`print`, `flush`, `atexit`),
//! its file descriptors (`open`) and its image (`exec`).

use super::{
    Action, Args, Call, Def, Effects, Facts, Image, Outcome, Performed, Program, Python, failed,
    not_mine,
};
use crate::kernel::sys;
use crate::script::ParseProblem;

/// The longest line `print` takes, in bytes.
pub const MAX_PRINT: usize = 200;
/// At most this many arguments after an exec'd program's name, each at most `MAX_ARG` bytes.
pub const MAX_ARGS: usize = 16;
pub const MAX_ARG: usize = 256;

/// `print TEXT`: printf("TEXT\n") into the C library's stdout buffer. The process's standard
/// output is its own pipe to the runner, so the stream is fully buffered: the bytes wait in
/// the process's memory until fflush(), exit() or a full buffer. A fork copies them.
pub static PRINT: Def = Def {
    verb: "print",
    usage: "print TEXT",
    syntax: |a| {
        let text = a.words.join(" ");
        if text.is_empty() || text.len() > MAX_PRINT || text.contains('\0') {
            return Err(ParseProblem::PrintText { max: MAX_PRINT });
        }
        Ok(Action::Print { text })
    },
    facts: Facts::PLAIN,
    effects: |_| Effects::NONE,
    perform: |a, _, _| {
        let Action::Print { text } = a else {
            not_mine(a)
        };
        match sys::c_print(text) {
            Ok((bytes, pending)) => Performed::Outcome(Outcome::Printed { bytes, pending }),
            Err(e) => failed(Call::Fputs, e),
        }
    },
    fuzz: &["hello", "world"],
    // print() writes into sys.stdout's buffer, which is block-buffered on a pipe.
    python: |a, _| match a {
        Action::Print { text } => Python::line(format!("print({text:?})")),
        other => not_mine(other),
    },
};

/// `flush`: fflush(stdout): the waiting bytes are written to the process's output.
pub static FLUSH: Def = Def {
    verb: "flush",
    usage: "flush",
    syntax: |a| a.none(Action::Flush),
    facts: Facts::PLAIN,
    effects: |_| Effects::NONE,
    perform: |_, _, _| match sys::c_flush() {
        Ok(bytes) => Performed::Outcome(Outcome::Flushed { bytes }),
        Err(e) => failed(Call::Fflush, e),
    },
    fuzz: &[],
    python: |_, _| Python::line("sys.stdout.flush()"),
};

/// `atexit`: atexit(handler). exit() runs it (and a child forked later has it too, in its
/// copy of memory); _exit() does not. It prints a line into the stdio buffer.
pub static ATEXIT: Def = Def {
    verb: "atexit",
    usage: "atexit",
    syntax: |a| a.none(Action::Atexit),
    facts: Facts::PLAIN,
    effects: |_| Effects::NONE,
    perform: |_, _, _| match sys::c_atexit() {
        Ok(()) => Performed::Outcome(Outcome::AtexitSet),
        Err(e) => failed(Call::Atexit, e),
    },
    fuzz: &[],
    python: |_, _| Python::line("atexit.register(lambda: print(\"atexit handler ran\"))"),
};

/// `open PATH [cloexec]`: open(PATH, O_RDONLY [| O_CLOEXEC]). The descriptor lasts as long as
/// the process, is inherited by a fork, and survives an exec unless it is close-on-exec.
pub static OPEN: Def = Def {
    verb: "open",
    usage: "open /PATH [cloexec]",
    syntax: |a: &mut Args<'_>| {
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
        Ok(Action::Open {
            path: path.to_string(),
            cloexec,
        })
    },
    facts: Facts::PLAIN,
    effects: |_| Effects::NONE,
    perform: |a, _, stage| {
        let Action::Open { path, cloexec } = a else {
            not_mine(a)
        };
        match sys::open_read_only(path, *cloexec) {
            Ok(fd) => {
                let raw = std::os::fd::AsRawFd::as_raw_fd(&fd);
                stage.keep(Box::new(fd));
                Performed::Outcome(Outcome::Opened {
                    fd: raw,
                    cloexec: *cloexec,
                })
            }
            Err(e) => failed(Call::Open, e),
        }
    },
    fuzz: &["/dev/null", "cloexec", "relative", "/dev/zero"],
    // Python's descriptors are non-inheritable (O_CLOEXEC) unless made inheritable (PEP 446).
    python: |a, _| match a {
        Action::Open {
            path,
            cloexec: true,
        } => Python::line(format!("fd = os.open({path:?}, os.O_RDONLY)")),
        Action::Open {
            path,
            cloexec: false,
        } => Python::line(format!(
            "fd = os.open({path:?}, os.O_RDONLY); os.set_inheritable(fd, True)"
        )),
        other => not_mine(other),
    },
};

/// `exec self` | `exec PROGRAM [ARGS...]`: execve(). The process keeps its PID, parent and
/// descriptors (those not close-on-exec) and gets a new program: new memory, new command
/// name. procdemo's own binary goes on obeying the script as the same role; any other
/// program obeys no more commands.
pub static EXEC: Def = Def {
    verb: "exec",
    usage: "exec self|PROGRAM [ARGS...]",
    syntax: |a: &mut Args<'_>| {
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
        Ok(Action::Exec { program })
    },
    facts: Facts {
        replaces_image: true,
        ..Facts::PLAIN
    },
    effects: |a| match a {
        Action::Exec { program } => Effects {
            image: Some(match program {
                Program::Procdemo => Image::Procdemo,
                Program::Named { .. } => Image::Program,
            }),
            ..Effects::NONE
        },
        other => not_mine(other),
    },
    perform: |a, _, stage| {
        let Action::Exec { program } = a else {
            not_mine(a)
        };
        let error = match program {
            Program::Procdemo => stage.exec_self(),
            Program::Named { name, args } => sys::execvp(name, args),
        };
        failed(Call::Execve, error)
    },
    fuzz: &["self", "/bin/true", "sleep", "infinity"],
    python: |a, _| match a {
        Action::Exec {
            program: Program::Procdemo,
        } => Python::line("os.execv(sys.executable, [sys.executable] + sys.argv)"),
        Action::Exec {
            program: Program::Named { name, args },
        } => {
            let argv: Vec<String> = std::iter::once(name)
                .chain(args)
                .map(|s| format!("{s:?}"))
                .collect();
            Python::line(format!("os.execvp({name:?}, [{}])", argv.join(", ")))
        }
        other => not_mine(other),
    },
};

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

    #[test]
    fn print_takes_the_rest_of_the_line() {
        assert_eq!(
            act("runner fork p\np print hello  world\n"),
            Action::Print {
                text: "hello world".into()
            }
        );
        assert!(refused("runner fork p\np print\n").contains("200"));
    }

    #[test]
    fn open_takes_an_absolute_path_and_maybe_cloexec() {
        assert_eq!(
            act("runner fork p\np open /dev/null cloexec\n"),
            Action::Open {
                path: "/dev/null".into(),
                cloexec: true
            }
        );
        assert!(refused("runner fork p\np open dev/null\n").contains("dev/null"));
    }

    #[test]
    fn exec_runs_procdemo_again_or_a_named_program() {
        assert_eq!(
            act("runner fork p\np exec self\n"),
            Action::Exec {
                program: Program::Procdemo
            }
        );
        assert_eq!(
            act("runner fork p\np exec sleep infinity\n"),
            Action::Exec {
                program: Program::Named {
                    name: "sleep".into(),
                    args: vec!["infinity".into()]
                }
            }
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
