//! procdemo: stage real Linux process lifecycles (fork, exit, wait, orphans, zombies...) and
//! show what the kernel reports in /proc at every step.
//!
//! The front end ([`frontend`]) parses the command line and checks every script before
//! anything runs, then starts one fresh runner process ([`runner`], the hidden `__runner`
//! subcommand) per demo. The runner forks the scenario's actors ([`actor`]), drives them step
//! by step over pipes, observes them through /proc ([`observe`]) and prints the record
//! ([`render`]). Only [`sys`] contains unsafe code.
#![deny(unsafe_code)]

mod actions;
mod actor;
mod cli;
mod demos;
mod error;
mod frontend;
mod model;
mod observe;
mod render;
mod runner;
mod script;
#[cfg(test)]
mod script_fuzz;
mod sys;

use cli::{Config, Output, Source, Task};
use error::Error;
use script::{Action, Script, StepKind};
use std::io::Write;

fn main() {
    // The front end handles SIGINT, SIGTERM and SIGHUP itself (see frontend.rs); block them
    // from the first instruction so that an early Ctrl-C is not lost to the default action.
    // The runner keeps the default dispositions: it is stopped with SIGKILL.
    if std::env::args_os().nth(1).is_none_or(|a| a != "__runner") {
        frontend::block_signals();
    }
    let code = match cli::parse(std::env::args_os()).and_then(run) {
        Ok(code) => code,
        Err(e) => {
            if !matches!(e, Error::DemoFailed) {
                eprintln!("procdemo: {e}");
            }
            e.exit_code()
        }
    };
    let _ = std::io::stdout().flush();
    std::process::exit(code);
}

/// The text of a user's script file, which must be UTF-8.
fn read_script(path: &std::path::Path) -> Result<String, Error> {
    let shown = path.display();
    let bytes = std::fs::read(path)
        .map_err(|e| Error::Usage(format!("cannot read the script {shown}: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        Error::Usage(format!(
            "{shown}: not UTF-8 text (invalid byte at offset {}): a script is a text file",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Check a script; `Error::Script` says FILE:LINE and what was expected. A user's script comes
/// as text: the front end reads the file once and hands the runner exactly what it checked.
fn load(source: &Source, text: Option<&str>, output: &Output) -> Result<Script, Error> {
    let mut script = match (source, text) {
        (Source::Builtin(name), _) => demos::find(name)
            .ok_or_else(|| Error::Usage(format!("unknown demo `{name}`")))?
            .parse()?,
        (Source::File(path), Some(text)) => {
            let shown = path.display().to_string();
            let name = path
                .file_stem()
                .map_or_else(|| shown.clone(), |s| s.to_string_lossy().into_owned());
            script::parse(&shown, &name, text)?
        }
        (Source::File(path), None) => return load(source, Some(&read_script(path)?), output),
    };
    if let Some(mib) = output.size_mib {
        for step in &mut script.steps {
            if let StepKind::Act {
                action: Action::Alloc { mib: m },
                ..
            } = &mut step.kind
            {
                *m = mib;
            }
        }
    }
    Ok(script)
}

fn run(config: Config) -> Result<i32, Error> {
    colored::control::set_override(config.output.color);
    let output = config.output;
    match config.task {
        Task::List => {
            let width = demos::DEMOS.iter().map(|d| d.name.len()).max().unwrap_or(0);
            for d in demos::DEMOS {
                // A closed pipe (`procdemo list | head -1`) just ends the listing.
                if writeln!(std::io::stdout(), "{:<width$}  {}", d.name, d.title()).is_err() {
                    break;
                }
            }
            Ok(0)
        }
        Task::Run { sources, summary } => {
            // Read and check every script before running any of them.
            let mut texts = Vec::with_capacity(sources.len());
            for source in &sources {
                let text = match source {
                    Source::Builtin(_) => None,
                    Source::File(path) => Some(read_script(path)?),
                };
                load(source, text.as_deref(), &output)?;
                texts.push(text);
            }
            observe::check_proc().map_err(Error::System)?;
            let mut front = frontend::FrontEnd::new(output)?;
            let mut outcomes = Vec::new();
            for (source, text) in sources.iter().zip(&texts) {
                let name = match source {
                    Source::Builtin(n) => n.to_string(),
                    Source::File(p) => p.display().to_string(),
                };
                outcomes.push(front.run(&name, source, text.as_deref())?);
            }
            if summary {
                let _ = write!(
                    std::io::stdout(),
                    "{}",
                    frontend::summary(&outcomes, &output)
                );
            }
            if outcomes.iter().all(|o| o.ok) {
                Ok(0)
            } else {
                Err(Error::DemoFailed)
            }
        }
        Task::Runner { source, frontend } => {
            // A user's script arrives on stdin, exactly as the front end checked it.
            let text = match &source {
                Source::Builtin(_) => None,
                Source::File(_) => {
                    let mut text = String::new();
                    std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(
                        |e| Error::System(format!("reading the script from the front end: {e}")),
                    )?;
                    Some(text)
                }
            };
            let script = load(&source, text.as_deref(), &output)?;
            let label = match &source {
                Source::Builtin(name) => format!("demos/{name}.demo, built in"),
                Source::File(p) => p.display().to_string(),
            };
            let options = runner::RunOptions {
                timeout: std::time::Duration::from_secs(output.timeout_s),
                check_ps: output.check_ps,
            };
            let record = runner::run(&script, &label, frontend, options);
            let style = render::LegacyStyle {
                explain: output.explain,
                stable: output.stable,
            };
            sys::ignore_sigttou();
            let mut stdout = std::io::stdout().lock();
            if output.json {
                let _ = writeln!(stdout, "{}", render::json(&record, style));
                if let Some(f) = &record.failure {
                    eprintln!("procdemo: {} failed: {f}", record.demo);
                }
            } else {
                let _ = write!(stdout, "{}", render::text(&record, style));
            }
            let _ = stdout.flush();
            Ok(if record.ok { 0 } else { 1 })
        }
    }
}
