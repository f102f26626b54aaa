//! The output files a run writes (`--html FILE`, `watch -o FILE`), checked before anything
//! runs: never a file the run reads (the script, a file the watched command names), never the
//! other output's file, never through a symbolic link (that would truncate its target), never
//! a FIFO, device or socket (opening a FIFO with no reader blocks where Ctrl-C cannot reach).
//! The page itself is written through a new file renamed over the old one
//! (`sys::write_replacing`); the report is opened with O_NOFOLLOW (`sys::create_report`).

use crate::app::cli::{Source, Task};
use crate::engine::error::{Clash, Error, Usage, os_error};
use crate::kernel::sys::{self, OutputKind};
use crate::render::sanitize::escape;
use std::path::Path;

/// Refuse the outputs of `task` (and `html`) that clash with an input, with each other, or
/// that are not files procdemo may write; and say at once if a page cannot be created.
pub fn check(task: &Task, html: Option<&Path>) -> Result<(), Error> {
    let mut inputs: Vec<&Path> = Vec::new();
    let mut report = None;
    match task {
        Task::Run { sources, .. } => inputs.extend(sources.iter().filter_map(|s| match s {
            Source::File(p) => Some(p.as_path()),
            _ => None,
        })),
        // A recording is the replay's input.
        Task::Replay(path) => inputs.push(path.as_path()),
        Task::Watch {
            options, report: r, ..
        } => {
            // Every argument of the command that names an existing file may be read by it.
            inputs.extend(options.argv.iter().map(Path::new).filter(|p| p.exists()));
            report = r.as_deref();
        }
        // `procdemo check`: the same, and the task file.
        Task::Check {
            task,
            options,
            report: r,
        } => {
            inputs.extend(
                std::iter::once(Path::new(task))
                    .chain(options.argv.iter().map(Path::new))
                    .filter(|p| p.exists()),
            );
            report = r.as_deref();
        }
        _ => {}
    }
    let outputs = [("-o", report), ("--html", html)];
    for (i, &(option, path)) in outputs.iter().enumerate() {
        let Some(path) = path else { continue };
        let refuse = |clash| {
            Err(Error::Usage(Usage::Output {
                option,
                path: escape(&path.display().to_string()).into_owned(),
                clash,
            }))
        };
        match sys::output_kind(path) {
            OutputKind::Symlink => return refuse(Clash::Symlink),
            OutputKind::Special => return refuse(Clash::NotAFile),
            // `-o` streams the report into it (`-o /dev/null`); a page is renamed into place.
            OutputKind::CharDevice if option == "--html" => return refuse(Clash::NotAFile),
            OutputKind::CharDevice | OutputKind::File => {}
        }
        if inputs.iter().any(|input| sys::same_file(input, path)) {
            return refuse(Clash::Input);
        }
        if outputs[..i]
            .iter()
            .any(|(_, other)| other.is_some_and(|o| sys::same_file(o, path)))
        {
            return refuse(Clash::OtherOutput);
        }
    }
    // A page that cannot be written is said before anything runs (it is written at the end).
    if let Some(path) = html {
        use std::os::unix::fs::OpenOptionsExt;
        if let Err(e) = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(path)
        {
            return Err(Error::Usage(Usage::Html {
                path: escape(&path.display().to_string()).into_owned(),
                error: os_error(e),
            }));
        }
    }
    Ok(())
}
