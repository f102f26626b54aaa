//! `procdemo exercises [TASK]` and `procdemo check TASK -- COMMAND`: find the task (built in,
//! or a teacher's task file), run the program through the front end's one watch path
//! (`FrontEnd::watch_family`, the same as `procdemo watch`), judge it (`watch::check`) and
//! say the verdicts (`render::check`, or JSON).

use super::commands::{print_text, read_script};
use super::frontend::FrontEnd;
use crate::engine::error::{Error, Usage};
use crate::engine::model::{ExitStatus, WatchEvent, WatchProblem};
use crate::render::{self, sanitize::escape};
use crate::script::task::{self, TASKS, Task};

/// A task and the file it came from (`tasks/NAME.task` when built in).
fn load(front: &mut FrontEnd, name: &str) -> Result<(Task, String), Error> {
    if let Some(builtin) = task::find(name) {
        return Ok((builtin.task(), format!("tasks/{}.task", builtin.name)));
    }
    let path = std::path::Path::new(name);
    if !(name.contains('/') || name.ends_with(".task") || path.exists()) {
        return Err(Error::Usage(Usage::UnknownTask {
            name: name.to_string(),
            closest: task::closest(name),
            tasks: TASKS.iter().map(|t| t.name).collect(),
        }));
    }
    let text = read_script(front, &super::cli::Source::File(path.to_path_buf()))?;
    let file = escape(&path.display().to_string()).into_owned();
    let stem = path
        .file_stem()
        .map_or_else(|| name.to_string(), |s| s.to_string_lossy().into_owned());
    let task = task::parse(&file, &stem, &text).map_err(|e| Error::Usage(Usage::Task(e)))?;
    Ok((task, file))
}

/// `procdemo exercises`: the list; `procdemo exercises TASK`: one task in full.
pub fn exercises(front: &mut FrontEnd, name: Option<&str>) -> Result<i32, Error> {
    let lang = front.style().lang;
    let width = render::terminal_width();
    match name {
        None => {
            let tasks: Vec<Task> = TASKS.iter().map(|t| t.task()).collect();
            print_text(&render::check::exercises_list(&tasks, lang, width))
        }
        Some(name) => {
            let (task, _) = load(front, name)?;
            print_text(&render::check::exercise(&task, lang, width))
        }
    }
}

/// `procdemo check TASK -- COMMAND`: 0 when every property holds, 1 when one does not (a
/// task or command line that is wrong is a usage error, 2, before anything runs).
pub fn check(
    front: &mut FrontEnd,
    name: &str,
    options: &crate::watch::tracer::Options,
    report: Option<&std::path::Path>,
) -> Result<i32, Error> {
    let (task, file) = load(front, name)?;
    crate::kernel::proc::check_proc()
        .map_err(|e| Error::System(super::commands::proc_problem(&e)))?;
    let (mut report, to_stderr) = front.report(report)?;
    let mut events: Vec<WatchEvent> = Vec::new();
    let run = front.watch_family(options, &mut |event| {
        if let Some(event) = event {
            events.push(event.clone());
        }
    })?;
    if let Some(sig) = run.interrupted {
        return Err(Error::Interrupted(sig));
    }
    let command = super::frontend::command_name(options);
    let problem = events.iter().find_map(|e| match e {
        WatchEvent::Problem { problem } => Some(problem.clone()),
        _ => None,
    });
    if let Some(problem) = problem {
        return Err(Error::Watch { command, problem });
    }
    let program_exit = events.iter().find_map(|e| match e {
        WatchEvent::MainExited { status, .. } => Some(match status {
            ExitStatus::Exited(code) => *code,
            ExitStatus::Killed(sig) => 128 + sig,
            _ => 1,
        }),
        _ => None,
    });
    if !run.ended || program_exit.is_none() {
        return Err(Error::Watch {
            command,
            problem: WatchProblem::Lost,
        });
    }
    let verdicts = crate::watch::check::judge(&task, &events);
    let passed = verdicts.iter().all(|v| v.holds);
    let mut style = front.style();
    if to_stderr {
        style.width = render::stderr_width();
    }
    let text = if front.json() {
        render::check::verdicts_json(
            &task,
            &file,
            &options
                .argv
                .iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect::<Vec<_>>(),
            &verdicts,
            program_exit,
        )
    } else {
        render::check::verdicts_text(&task, &verdicts, &style)
    };
    report.text(&text);
    if let Some(path) = style.html {
        let page = render::check::verdicts_page(&task, &verdicts, &events, &style);
        crate::kernel::sys::write_replacing(path, page.as_bytes()).map_err(|e| {
            Error::Usage(Usage::Html {
                path: escape(&path.display().to_string()).into_owned(),
                error: crate::engine::error::os_error(e),
            })
        })?;
    }
    Ok(if passed { 0 } else { 1 })
}
