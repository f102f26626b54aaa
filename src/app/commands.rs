//! What each subcommand does: load and check scripts, run them through the front end, print
//! lists and references, and map an error to its exit code. `main.rs` only dispatches here.

use super::cli::{self, Config, Output, Source, Task};
use super::frontend;
use crate::engine::error::{self, Error};
use crate::kernel::sys;
use crate::render;
use crate::script::{self, Script};
use std::io::Write;

/// The front end's whole life: the command line, then the run; returns the exit code.
pub fn main(args: Vec<std::ffi::OsString>) -> i32 {
    // The front end handles SIGINT, SIGTERM, SIGHUP and every other signal that would end
    // it through a signalfd (see frontend.rs); block them from the first instruction so that
    // an early Ctrl-C is not lost to the default action. Each runner, a fork of the front
    // end, resets them for itself.
    frontend::block_signals();
    // A caller that ignored SIGCHLD (`signal(SIGCHLD, SIG_IGN)`, then exec) would have every
    // runner reaped by the kernel before the front end could read how it ended.
    let _ = sys::set_disposition(libc::SIGCHLD, sys::Disposition::Default);
    // Known before the command line is parsed: its own errors and --help speak it too.
    let lang = cli::lang_of(&args);
    sys::on_out_of_memory(render::out_of_memory(lang));
    let code = match cli::parse(args, lang).and_then(run) {
        Ok(code) => code,
        Err(e) => {
            if !matches!(e, Error::DemoFailed) {
                error::say(render::error_text(&e, lang));
            }
            e.exit_code()
        }
    };
    let _ = std::io::stdout().flush();
    code
}

/// The text of a user's script file, which must be UTF-8 (a byte-order mark at its start,
/// which some editors write, is dropped). The front end reads it: at most
/// [`frontend::MAX_SCRIPT_BYTES`], and a signal ends a read that waits.
pub(super) fn read_script(
    front: &mut frontend::FrontEnd,
    source: &Source,
) -> Result<String, Error> {
    let bytes = front.read_script(source)?;
    let mut text = String::from_utf8(bytes).map_err(|e| {
        Error::Usage(error::Usage::NotUtf8 {
            path: render::sanitize::escape(&frontend::shown(source)).into_owned(),
            offset: e.utf8_error().valid_up_to(),
        })
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

/// Check a script; `Error::Script` says FILE:LINE and what was expected. A user's script comes
/// as text: the front end reads the file once and hands the runner exactly what it checked.
/// With `--size`, every `alloc` maps that size instead, and its step shows it: `p alloc 16MiB
/// (--size 1024)`.
fn load(source: &Source, text: &str, output: &Output) -> Result<Script, Error> {
    let script = match (source, text) {
        (Source::Builtin(name), _) => script::demos::find(name)
            .ok_or_else(|| {
                Error::Usage(error::Usage::UnknownDemo {
                    name: name.to_string(),
                    closest: None,
                    demos: script::demos::DEMOS.iter().map(|d| d.name).collect(),
                })
            })?
            .parse()?,
        (Source::File(path), text) => {
            let shown = path.display().to_string();
            let name = path
                .file_stem()
                .map_or_else(|| shown.clone(), |s| s.to_string_lossy().into_owned());
            script::parse(&shown, &name, text)?
        }
        // Errors say `stdin:LINE:`, as a compiler reading standard input does.
        (Source::Stdin, text) => script::parse(frontend::STDIN, frontend::STDIN, text)?,
    };
    with_size(script, output.size_mib)
}

/// The script with `--size` applied to every `alloc` (each step it changes says so).
fn with_size(mut script: Script, size_mib: Option<u64>) -> Result<Script, Error> {
    if let Some(mib) = size_mib {
        let before = script.steps.clone();
        script.override_alloc_size(mib);
        for (step, was) in script.steps.iter_mut().zip(before) {
            if *step != was {
                step.text.push_str(&format!(" (--size {mib})"));
            }
        }
        if let Some((line, total)) = script.writes_too_much() {
            return Err(Error::Script(script::ParseError {
                file: format!("{} (with --size {mib})", script.name),
                line,
                problem: script::ParseProblem::TooMuchMemory {
                    total,
                    max: script::limits::MAX_WRITTEN_MIB,
                },
            }));
        }
    }
    Ok(script)
}

/// How every run ends: a write error on standard output (other than a reader that went away)
/// is reported, a signal that came after the last run still ends procdemo as it says, and
/// then the verdict: 0, or a demo failed.
fn finish(front: &mut frontend::FrontEnd, all_ok: bool) -> Result<i32, Error> {
    if let Some(e) = front.output_error() {
        return Err(Error::System(error::System::Write {
            error: error::os_error(e),
        }));
    }
    if let Some(sig) = front.signal() {
        return Err(Error::Interrupted(sig));
    }
    if all_ok {
        Ok(0)
    } else {
        Err(Error::DemoFailed)
    }
}

/// What is wrong with /proc (render/ says it in words a student can act on).
pub(super) fn proc_problem(e: &std::io::Error) -> error::System {
    match e.raw_os_error() {
        Some(libc::ENOENT) => error::System::ProcMissing {
            error: error::os_error(std::io::Error::from_raw_os_error(libc::ENOENT)),
        },
        Some(errno) => error::System::ProcUnreadable {
            error: error::os_error(std::io::Error::from_raw_os_error(errno)),
        },
        None => error::System::ProcNotUnderstood,
    }
}

/// Print bytes to stdout (a manual page, a completion script), as [`print_text`] does.
fn print_bytes(bytes: &[u8]) -> Result<i32, Error> {
    print_text(&String::from_utf8_lossy(bytes))
}

/// Print text to stdout; a closed pipe (`procdemo show zombie | head`) just ends it.
pub(super) fn print_text(text: &str) -> Result<i32, Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(0),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
        Err(e) => Err(Error::System(error::System::Write {
            error: error::os_error(e),
        })),
    }
}

fn run(config: Config) -> Result<i32, Error> {
    colored::control::set_override(config.output.color);
    let output = config.output;
    match config.task {
        Task::Show(name) => {
            let text = script::demos::find(name).map_or("", |d| d.text);
            print_text(text)
        }
        Task::Explain(topic) => print_text(&render::explain(
            topic,
            render::terminal_width(),
            output.lang,
        )),
        Task::Completions(shell) => print_bytes(&cli::completions(&shell, output.lang)),
        Task::Man => print_bytes(&cli::man(output.lang)),
        // A program's list: the names it may run (no words of a language but the titles').
        Task::List if output.json => print_text(&render::list_json(script::demos::DEMOS)),
        Task::List => {
            let width = script::demos::DEMOS
                .iter()
                .map(|d| d.name.len())
                .max()
                .unwrap_or(0);
            let mut out = std::io::stdout().lock();
            let columns = render::terminal_width();
            for d in script::demos::DEMOS {
                // Wrapped by display columns, never inside a word, under the title's start.
                let prefix = format!("{:<width$}  ", d.name);
                let title = crate::render::script_text(d.title_in(output.lang.code()), output.lang);
                let line: String = render::wrap::hang(&prefix, width + 2, &title, columns, 4)
                    .into_iter()
                    .map(|l| l + "\n")
                    .collect();
                match out.write_all(line.as_bytes()).and_then(|()| out.flush()) {
                    Ok(()) => {}
                    // A closed pipe (`procdemo list | head -1`) just ends the listing.
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => break,
                    Err(e) => {
                        return Err(Error::System(error::System::Write {
                            error: error::os_error(e),
                        }));
                    }
                }
            }
            Ok(0)
        }
        Task::Quiz {
            options: quiz_options,
            show_script,
            count,
            ..
        } if count > 1 => {
            // A batch for a class: every exercise, then a key made by running each for real,
            // drawn with roles (no PIDs), so the same batch prints the same on any machine.
            let quizzes: Vec<_> = (0..count)
                .map(|i| {
                    script::quiz::generate(script::quiz::Options {
                        seed: quiz_options.seed + i,
                        ..quiz_options
                    })
                })
                .collect();
            if show_script {
                let all: String = quizzes.iter().map(|q| q.script.as_str()).collect();
                return print_text(&all);
            }
            let mut front = frontend::FrontEnd::new(cli::Output {
                trees_only: true,
                stable: true,
                ..output
            })?;
            crate::kernel::proc::check_proc().map_err(|e| Error::System(proc_problem(&e)))?;
            for q in &quizzes {
                front.show(&format!("{}\n", render::quiz_exercise(q, front.style())));
            }
            front.show(&render::quiz_key(front.style()));
            let mut ok = true;
            for q in &quizzes {
                let script = script::parse("quiz", &format!("quiz-{}", q.seed), &q.script)?;
                let origin =
                    crate::engine::model::Origin::File(format!("procdemo quiz --seed {}", q.seed));
                ok &= front
                    .run(&format!("quiz --seed {}", q.seed), &script, &origin)?
                    .ok;
            }
            finish(&mut front, ok)
        }
        Task::Quiz {
            options: quiz_options,
            show_script,
            reverse,
            ..
        } => {
            let quiz = script::quiz::generate(quiz_options);
            // With --json only the run's JSON is printed (its steps are the exercise's moves).
            let json = output.json || output.json_events || output.wire;
            if show_script {
                let _ = write!(std::io::stdout(), "{}", quiz.script);
                return Ok(0);
            }
            let script = script::parse("quiz", &format!("quiz-{}", quiz.seed), &quiz.script)?;
            let output = cli::Output {
                trees_only: reverse,
                ..output
            };
            let mut front = frontend::FrontEnd::new(output)?;
            crate::kernel::proc::check_proc().map_err(|e| Error::System(proc_problem(&e)))?;
            // On a terminal the student works the question out before the answer shows (Enter);
            // without one, the answer follows at once: an exercise and its key.
            use std::io::IsTerminal;
            let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
            let terminal = !json && interactive && (front.has_terminal() || front.try_terminal());
            let origin =
                crate::engine::model::Origin::File(format!("procdemo quiz --seed {}", quiz.seed));
            let name = format!("quiz --seed {}", quiz.seed);
            let ok = if json {
                front.run(&name, &script, &origin)?.ok
            } else if reverse {
                // The tree first (a real run, only its tree shown), then the moves that made it.
                let result = front.run(&name, &script, &origin)?;
                let (task, moves_were) = render::quiz_reverse(front.style());
                front.show(&format!("{task}\n"));
                if terminal {
                    front.wait_for_enter("")?;
                }
                front.show(&format!(
                    "{moves_were}\n{}",
                    render::quiz_moves(&quiz, front.style())
                ));
                result.ok
            } else {
                front.show(&render::quiz_exercise(&quiz, front.style()));
                if terminal {
                    front.wait_for_enter(&render::quiz_go(front.style()))?;
                }
                front.run(&name, &script, &origin)?.ok
            };
            finish(&mut front, ok)
        }
        Task::Exercises(name) => {
            let mut front = frontend::FrontEnd::new(output)?;
            super::check::exercises(&mut front, name.as_deref())
        }
        Task::Check {
            task,
            options,
            report,
        } => {
            let mut front = frontend::FrontEnd::new(output)?;
            super::check::check(&mut front, &task, &options, report.as_deref())
        }
        Task::Replay(path) => {
            let mut front = frontend::FrontEnd::new(output)?;
            let text = read_script(&mut front, &Source::File(path.clone()))?;
            let file = render::sanitize::escape(&path.display().to_string()).into_owned();
            let bad = |line: usize, error: String| {
                Error::Usage(error::Usage::BadRecording {
                    file: file.clone(),
                    line,
                    error,
                })
            };
            let mut runs: Vec<(
                crate::engine::model::Recording,
                Vec<crate::engine::model::Event>,
            )> = Vec::new();
            for (i, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                match render::json::recorded(line) {
                    Ok(render::json::Recorded::Header(r)) => runs.push((r, Vec::new())),
                    Ok(render::json::Recorded::Event(e)) => match runs.last_mut() {
                        Some((_, events)) => events.push(*e),
                        None => {
                            return Err(bad(i + 1, "an event before the run's first line".into()));
                        }
                    },
                    Err(e) => return Err(bad(i + 1, e)),
                }
            }
            if runs.is_empty() {
                return Err(bad(1, "no recorded run".into()));
            }
            let mut ok = true;
            for (recording, events) in &runs {
                let script = script::parse(&recording.file, &recording.name, &recording.script)?;
                let script = with_size(script, recording.size_mib)?;
                front.note(&render::replay_notice(
                    &file,
                    &recording.name,
                    front.style(),
                ));
                ok &= front
                    .replay(&recording.name, &script, &recording.origin, events)
                    .ok;
            }
            finish(&mut front, ok)
        }
        Task::Watch {
            options,
            report,
            timeline,
        } => {
            let mut front = frontend::FrontEnd::new(output)?;
            crate::kernel::proc::check_proc().map_err(|e| Error::System(proc_problem(&e)))?;
            front.watch(&options, report.as_deref(), timeline)
        }
        Task::Run { sources, summary } => {
            // The signalfd first: a Ctrl-C while a script is read is handled like any other.
            let mut front = frontend::FrontEnd::new(output)?;
            if output.pace == cli::Pace::Step || output.predict {
                front.open_terminal()?;
            }
            // Read and check every script before running any of them.
            let mut scripts = Vec::with_capacity(sources.len());
            let mut texts = Vec::with_capacity(sources.len());
            let mut headers: Vec<String> = Vec::new();
            for source in &sources {
                let text = match source {
                    Source::Builtin(_) => String::new(),
                    Source::File(_) | Source::Stdin => read_script(&mut front, source)?,
                };
                scripts.push(load(source, &text, &output)?);
                texts.push(match source {
                    Source::Builtin(n) => {
                        script::demos::find(n).map_or(text, |d| d.text.to_string())
                    }
                    Source::File(_) | Source::Stdin => text,
                });
            }
            // A recording opens each run with the script as it ran (`procdemo replay`).
            if output.wire {
                for (source, (text, script)) in sources.iter().zip(texts.iter().zip(&scripts)) {
                    let recording = crate::engine::model::Recording {
                        recording: 1,
                        name: script.name.clone(),
                        file: match source {
                            Source::Builtin(n) => format!("demos/{n}.demo"),
                            Source::File(_) | Source::Stdin => frontend::shown(source),
                        },
                        origin: frontend::origin_of(source),
                        size_mib: output.size_mib,
                        script: text.clone(),
                    };
                    headers.push(render::json::recording_line(&recording));
                }
            }
            // A worksheet: the questions, before the class; nothing runs.
            if output.worksheet {
                let sheet: String = scripts
                    .iter()
                    .map(|s| render::worksheet(s, front.style()))
                    .collect::<Vec<_>>()
                    .join("\n");
                return print_text(&sheet);
            }
            crate::kernel::proc::check_proc().map_err(|e| Error::System(proc_problem(&e)))?;
            let mut results = Vec::new();
            for (source, script) in sources.iter().zip(&scripts) {
                let name = match source {
                    Source::Builtin(n) => n.to_string(),
                    Source::File(_) | Source::Stdin => frontend::shown(source),
                };
                let origin = frontend::origin_of(source);
                if let Some(header) = headers.get(results.len()) {
                    front.show(header);
                }
                results.push(front.run(&name, script, &origin)?);
            }
            if summary {
                front.summary(&results);
            }
            finish(&mut front, results.iter().all(|r| r.ok))
        }
    }
}
