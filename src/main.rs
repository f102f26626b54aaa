//! procdemo: stage real Linux process lifecycles (fork, exit, wait, orphans, zombies...) and
//! show what the kernel reports in /proc at every step.
//!
//! The front end ([`frontend`]) parses the command line and checks every script before
//! anything runs, then starts one fresh runner process ([`runner`], the hidden `__runner`
//! subcommand) per demo. The runner forks the scenario's actors ([`actor`]), drives them step
//! by step over pipes, observes them through /proc ([`observe`]) and prints the record
//! ([`render`]). Only [`sys`] contains unsafe code.
#![deny(unsafe_code)]

mod actor;
mod cli;
mod demos;
mod error;
mod frontend;
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

/// Read and check a script; `Error::Script` says FILE:LINE and what was expected.
fn load(source: &Source, output: &Output) -> Result<Script, Error> {
    let mut script = match source {
        Source::Builtin(name) => demos::find(name)
            .ok_or_else(|| Error::Usage(format!("unknown demo `{name}`")))?
            .parse()?,
        Source::File(path) => {
            let shown = path.display().to_string();
            let bytes = std::fs::read(path)
                .map_err(|e| Error::Usage(format!("cannot read the script {shown}: {e}")))?;
            let text = String::from_utf8(bytes).map_err(|e| {
                Error::Usage(format!(
                    "{shown}: not UTF-8 text (invalid byte at offset {}): a script is a text file",
                    e.utf8_error().valid_up_to()
                ))
            })?;
            let name = path
                .file_stem()
                .map_or_else(|| shown.clone(), |s| s.to_string_lossy().into_owned());
            script::parse(&shown, &name, &text)?
        }
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
                println!("{:<width$}  {}", d.name, d.title());
            }
            Ok(0)
        }
        Task::Run { sources, summary } => {
            // Check every script before running any of them.
            for source in &sources {
                load(source, &output)?;
            }
            observe::check_proc().map_err(Error::System)?;
            let mut front = frontend::FrontEnd::new(output)?;
            let mut outcomes = Vec::new();
            for source in &sources {
                let name = match source {
                    Source::Builtin(n) => n.to_string(),
                    Source::File(p) => p.display().to_string(),
                };
                outcomes.push(front.run(&name, source)?);
            }
            if summary {
                print!("{}", frontend::summary(&outcomes, &output));
            }
            if outcomes.iter().all(|o| o.ok) {
                Ok(0)
            } else {
                Err(Error::DemoFailed)
            }
        }
        Task::Runner { source, frontend } => {
            let script = load(&source, &output)?;
            let label = match &source {
                Source::Builtin(name) => format!("demos/{name}.demo, built in"),
                Source::File(p) => p.display().to_string(),
            };
            let options = runner::RunOptions {
                timeout: std::time::Duration::from_secs(output.timeout_s),
                check_ps: output.check_ps,
            };
            let record = runner::run(&script, &label, frontend, options);
            let style = render::Style {
                explain: output.explain,
                stable: output.stable,
            };
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
