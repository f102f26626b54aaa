//! procdemo: stage real Linux process lifecycles (fork, exit, wait, orphans, zombies...) and
//! show what the kernel reports in /proc at every step.
//!
//! The front end ([`frontend`]) parses the command line and checks every script before
//! anything runs, then forks one fresh runner process ([`runner`]) per demo. The runner forks
//! the scenario's actors ([`actor`], performing the [`actions`]), drives them step by step
//! over pipes, observes them through /proc ([`observe`]) and streams what happened as typed
//! events ([`model`]) to the front end, which renders each as it arrives ([`render`]: the only
//! module that knows a human language). Only [`sys`] contains unsafe code.
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
use script::Script;
use std::io::Write;

fn main() {
    // The front end handles SIGINT, SIGTERM and SIGHUP itself (see frontend.rs); block them
    // from the first instruction so that an early Ctrl-C is not lost to the default action.
    // Each runner, a fork of the front end, resets them for itself.
    frontend::block_signals();
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
        script.override_alloc_size(mib);
        if let Some((line, total)) = script.writes_too_much() {
            return Err(Error::Script(script::ParseError {
                file: format!("{} (with --size {mib})", script.name),
                line,
                message: script::too_much_memory(total),
            }));
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
            let mut scripts = Vec::with_capacity(sources.len());
            for source in &sources {
                let text = match source {
                    Source::Builtin(_) => None,
                    Source::File(path) => Some(read_script(path)?),
                };
                scripts.push(load(source, text.as_deref(), &output)?);
            }
            observe::check_proc().map_err(Error::System)?;
            let mut front = frontend::FrontEnd::new(output)?;
            let mut results = Vec::new();
            for (source, script) in sources.iter().zip(&scripts) {
                let name = match source {
                    Source::Builtin(n) => n.to_string(),
                    Source::File(p) => p.display().to_string(),
                };
                let origin = frontend::origin_of(source);
                results.push(front.run(&name, script, &origin)?);
            }
            if summary {
                front.summary(&results);
            }
            if let Some(e) = front.output_error() {
                return Err(Error::System(format!("cannot write the output: {e}")));
            }
            if results.iter().all(|r| r.ok) {
                Ok(0)
            } else {
                Err(Error::DemoFailed)
            }
        }
    }
}
