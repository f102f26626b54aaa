//! What an `inspect` and an `output` step show, as rows of words that the text and page
//! renderers lay out: one place decides what is shown and how a change since the role's
//! previous `inspect` is marked.

use super::Ctx;
use super::sanitize::escape;
use crate::engine::model::{Captured, FdOwner, Inspection, OpenFd, State};

/// One row of an inspection: a label and its lines.
pub struct Row {
    pub label: String,
    pub lines: Vec<String>,
}

/// The rows of an inspection; `before`: the same role's previous one, whose values a changed
/// row shows too (`(was: child)`), and whose descriptors that are gone are listed.
pub fn rows(i: &Inspection, before: Option<&Inspection>, ctx: &Ctx) -> Vec<Row> {
    let w = ctx.words;
    let labels = w.inspect_labels();
    let zombie = i.observation.state == State::Zombie;
    let none = || w.not_readable(zombie).to_string();
    let mut rows = Vec::new();
    let mut row = |label: &str, now: String, was: Option<String>| {
        let mut line = escape(&now).into_owned();
        if let Some(was) = was.filter(|was| *was != now) {
            line = format!("{line}{}", w.was(&escape(&was)));
        }
        rows.push(Row {
            label: label.to_string(),
            lines: vec![line],
        });
    };
    let comm = |x: &Inspection| x.observation.comm.clone();
    row(
        labels.comm,
        comm(i).unwrap_or_else(none),
        before.map(|b| comm(b).unwrap_or_else(none)),
    );
    let exe = |x: &Inspection| x.exe.as_ref().map(|e| w.exe(e, ctx.stable));
    row(
        labels.exe,
        exe(i).unwrap_or_else(none),
        before.map(|b| exe(b).unwrap_or_else(none)),
    );
    let cmdline = |x: &Inspection| x.cmdline.as_ref().map(|c| w.cmdline(c, ctx.stable));
    row(
        labels.cmdline,
        cmdline(i).unwrap_or_else(none),
        before.map(|b| cmdline(b).unwrap_or_else(none)),
    );
    if i.ns_pids.len() > 1 {
        row(labels.ns_pids, w.ns_pids(&i.ns_pids, ctx), None);
    }
    match &i.signals {
        Some(m) => {
            let masks = |x: &Inspection, f: fn(&crate::engine::model::SignalMasks) -> u64| {
                x.signals.as_ref().map(|m| w.signal_list(f(m)))
            };
            let b = |f| before.and_then(|x| masks(x, f));
            row(labels.blocked, w.signal_list(m.blocked), b(|m| m.blocked));
            row(
                labels.shared_pending,
                w.signal_list(m.shared_pending),
                b(|m| m.shared_pending),
            );
            if m.pending != 0 {
                row(labels.pending, w.signal_list(m.pending), b(|m| m.pending));
            }
            row(labels.ignored, w.signal_list(m.ignored), b(|m| m.ignored));
            row(labels.caught, w.signal_list(m.caught), b(|m| m.caught));
        }
        None => row(labels.blocked, none(), None),
    }
    rows.push(Row {
        label: labels.fds.to_string(),
        lines: fd_lines(i, before, ctx),
    });
    if let Some(r) = &i.region {
        let was = before
            .and_then(|b| b.region.as_ref())
            .map(|r| w.region_mapped(r, ctx.stable));
        let now = w.region_mapped(r, ctx.stable);
        let line = match was.filter(|was| *was != now) {
            Some(was) => format!("{now}{}", w.was(&was)),
            None => now,
        };
        rows.push(Row {
            label: labels.region.to_string(),
            lines: vec![line],
        });
    }
    rows
}

/// Whether a descriptor is one of procdemo's own pipes that a role holds only because every
/// process of the run is a fork of the runner (shown together, in one line).
fn procdemo_pipe(fd: &OpenFd, role: usize) -> bool {
    match fd.owner {
        FdOwner::CommandPipe(_) | FdOwner::ReportPipe => true,
        // Its own output pipe is its standard output and error (1 and 2); the descriptor it
        // was handed that pipe by is one more of procdemo's.
        FdOwner::OutputPipe(r) => r != role || fd.fd > 2,
        FdOwner::Opened { .. } | FdOwner::Other => false,
    }
}

/// `3–6, 9`: descriptor numbers, runs of consecutive ones joined.
fn ranges(numbers: &[i32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < numbers.len() {
        let mut j = i;
        while j + 1 < numbers.len() && numbers[j + 1] == numbers[j] + 1 {
            j += 1;
        }
        parts.push(if j > i {
            format!("{}–{}", numbers[i], numbers[j])
        } else {
            numbers[i].to_string()
        });
        i = j + 1;
    }
    parts.join(", ")
}

/// The descriptors: each of the script's and the standard ones on a line, procdemo's own
/// pipes in one, then those the previous inspection had and this one does not.
fn fd_lines(i: &Inspection, before: Option<&Inspection>, ctx: &Ctx) -> Vec<String> {
    let w = ctx.words;
    let role = i.observation.role;
    let Some(fds) = &i.fds else {
        return vec![
            w.not_readable(i.observation.state == State::Zombie)
                .to_string(),
        ];
    };
    let mut lines: Vec<String> = fds
        .iter()
        .filter(|fd| !procdemo_pipe(fd, role))
        .map(|fd| format!("{:>2}  {}", fd.fd, escape(&w.fd(fd, role, ctx))))
        .collect();
    let ours: Vec<&OpenFd> = fds.iter().filter(|fd| procdemo_pipe(fd, role)).collect();
    if !ours.is_empty() {
        let numbers: Vec<i32> = ours.iter().map(|fd| fd.fd).collect();
        lines.push(w.procdemo_pipes(
            &ranges(&numbers),
            ours.len(),
            ours.iter().all(|fd| fd.cloexec),
        ));
    }
    if let Some(old) = before.and_then(|b| b.fds.as_ref()) {
        for fd in old {
            if !procdemo_pipe(fd, role) && !fds.iter().any(|now| now.fd == fd.fd) {
                lines.push(format!(
                    "{:>2}  {}",
                    fd.fd,
                    escape(&w.fd_gone(&w.fd(fd, role, ctx)))
                ));
            }
        }
    }
    lines
}

/// An `output` reading of one role: its heading and its lines (escaped), with a note when
/// the last line has no newline.
pub fn output_lines(c: &Captured, ctx: &Ctx) -> (String, Vec<String>) {
    let w = ctx.words;
    let mut lines: Vec<String> = c
        .text
        .split_inclusive('\n')
        .map(|l| escape(l.strip_suffix('\n').unwrap_or(l)).into_owned())
        .collect();
    if c.bytes > 0 && !c.text.ends_with('\n') && !c.cut {
        lines.push(w.no_final_newline().to_string());
    }
    (w.output_heading(c), lines)
}

#[cfg(test)]
mod tests {
    use super::ranges;

    #[test]
    fn consecutive_descriptors_are_joined_into_ranges() {
        assert_eq!(ranges(&[3, 4, 5, 6, 9, 11, 12]), "3–6, 9, 11–12");
        assert_eq!(ranges(&[7]), "7");
        assert_eq!(ranges(&[]), "");
    }
}
