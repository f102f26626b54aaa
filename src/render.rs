//! Rendering a [`Record`] as text for people or as one JSON document for programs.
//!
//! Rendering only formats what the runner recorded; it never invents a value. In `--stable`
//! mode (used by the snapshot tests and handy for handouts) every PID is replaced by the role
//! that had it and timings are left out, so the same demo prints the same text every run.

use crate::actor::Outcome;
use crate::observe::state_meaning;
use crate::runner::{Event, MemoryReading, Observation, PID_MARK, Record, errno_name};
use crate::script::signal_name;
use colored::{ColoredString, Colorize};
use std::fmt::Write;

/// How to render.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Style {
    pub explain: bool,
    pub stable: bool,
}

/// Names PIDs: by number, or in stable mode by the role that had the PID.
struct Pids<'a> {
    roles: &'a [(String, Option<i32>)],
    runner: i32,
    stable: bool,
}

impl Pids<'_> {
    fn role(&self, pid: i32) -> Option<&str> {
        if pid == self.runner {
            return Some("runner");
        }
        self.roles
            .iter()
            .find(|(_, p)| *p == Some(pid))
            .map(|(r, _)| r.as_str())
    }

    fn show(&self, pid: i32) -> String {
        match (self.stable, self.role(pid)) {
            (true, Some(role)) => format!("<{role}>"),
            (true, None) => "<other>".to_string(),
            (false, _) => pid.to_string(),
        }
    }

    /// Replace marked PIDs in narration.
    fn unmark(&self, text: &str) -> String {
        let mut out = String::new();
        for (i, part) in text.split(PID_MARK).enumerate() {
            match (i % 2, part.parse::<i32>()) {
                (1, Ok(pid)) => out.push_str(&self.show(pid)),
                _ => out.push_str(part),
            }
        }
        out
    }
}

/// A wait status decoded the way WIFEXITED / WEXITSTATUS / WIFSIGNALED / WTERMSIG do.
pub fn decode_status(status: i32) -> String {
    if libc::WIFEXITED(status) {
        format!("WIFEXITED, WEXITSTATUS = {}", libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        let sig = libc::WTERMSIG(status);
        format!("WIFSIGNALED, WTERMSIG = {sig} ({})", signal_name(sig))
    } else if libc::WIFSTOPPED(status) {
        let sig = libc::WSTOPSIG(status);
        format!("WIFSTOPPED, WSTOPSIG = {sig} ({})", signal_name(sig))
    } else {
        "WIFCONTINUED".to_string()
    }
}

fn failure_text(call: &str, errno: i32) -> String {
    let err = std::io::Error::from_raw_os_error(errno);
    let msg = err.to_string();
    let msg = msg.split(" (os error").next().unwrap_or(&msg);
    format!("{call} failed: {} ({msg})", errno_name(errno))
}

fn outcome_text(o: &Outcome, pid: &dyn Fn(i32) -> String) -> String {
    match o {
        Outcome::Forked { pid: p } => format!("fork() returned {}, the new process's PID", pid(*p)),
        Outcome::Exiting { code } => format!("_exit({code})"),
        Outcome::Reaped { pid: p, status } => {
            format!(
                "returned {} with status {status}: {}",
                pid(*p),
                decode_status(*status)
            )
        }
        Outcome::NotYet { polls: 1 } => {
            "returned 0: a child exists but none has changed state yet".into()
        }
        Outcome::NotYet { polls } => {
            format!("returned 0 {polls} times in a row: no child had changed state yet")
        }
        Outcome::Peeked {
            pid: p,
            code,
            status,
        } => {
            let how = match *code {
                libc::CLD_EXITED => format!("CLD_EXITED, exit status {status}"),
                libc::CLD_KILLED => format!("CLD_KILLED by {}", signal_name(*status)),
                libc::CLD_DUMPED => format!("CLD_DUMPED by {}", signal_name(*status)),
                other => format!("si_code {other}, si_status {status}"),
            };
            format!(
                "waitid(WNOWAIT) read {} {how}, and left it unreaped",
                pid(*p)
            )
        }
        Outcome::Failed { call, errno } => failure_text(call, *errno),
        Outcome::Blocking => "sleeping in read() until told otherwise".into(),
        Outcome::Spinning => "running a busy loop".into(),
        Outcome::Signalled { pid: p, signal } => {
            format!("kill({}, {}) delivered", pid(*p), signal_name(*signal))
        }
        Outcome::SigchldSet { mode } => format!("SIGCHLD disposition is now {mode}"),
        Outcome::NewSession { sid } => format!(
            "setsid() returned {}: a new session and process group",
            pid(*sid)
        ),
        Outcome::Niced { nice } => format!("nice value is now {nice}"),
        Outcome::Threaded => "a second thread is running".into(),
        Outcome::Locked { bytes } => format!("mlock() locked {bytes} bytes"),
        Outcome::Terminal { sid } => format!(
            "a pseudo-terminal is the controlling terminal of new session {}",
            pid(*sid)
        ),
        Outcome::Traced { pid: p } => format!("PTRACE_SEIZE and PTRACE_INTERRUPT on {}", pid(*p)),
        Outcome::Untraced { pid: p } => format!("PTRACE_DETACH from {}", pid(*p)),
        Outcome::Allocated { bytes, pages } => {
            format!("mapped {} MiB and wrote all {pages} pages", bytes >> 20)
        }
        Outcome::Touched {
            pages,
            minflt_before,
            minflt_after,
        } => format!(
            "wrote {pages} pages; its minor faults went {minflt_before} -> {minflt_after} (+{})",
            minflt_after.saturating_sub(*minflt_before)
        ),
        Outcome::List { values } => {
            let items: Vec<String> = values.iter().map(|v| v.to_string()).collect();
            format!("L = [{}]", items.join(", "))
        }
    }
}

/// An outcome in words with PIDs marked, for narration (see `Field::Result`).
pub fn outcome_plain(o: &Outcome) -> String {
    outcome_text(o, &|p| format!("{PID_MARK}{p}{PID_MARK}"))
}

fn color_state(state: &str, padded: String) -> ColoredString {
    match state {
        "R" => padded.green().bold(),
        "S" => padded.blue(),
        "D" => padded.magenta().bold(),
        "T" | "t" => padded.yellow().bold(),
        "Z" => padded.red().bold(),
        "gone" => padded.dimmed(),
        _ => padded.normal(),
    }
}

fn meaning(o: &Observation, stable: bool) -> String {
    if o.state == "gone" {
        return "gone: reaped, no longer in /proc".into();
    }
    let letter = o.state.chars().next().unwrap_or('?');
    let mut s = state_meaning(letter).to_string();
    // wchan is read a moment after the state and may already have changed: a live detail
    // for people, left out of stable output.
    if let (Some(w), false) = (&o.wchan, stable) {
        write!(s, ", in {w}").ok();
    }
    if let Some(status) = o.exit_status {
        write!(s, "; holds status {status} ({})", decode_status(status)).ok();
    }
    s
}

fn observation_table(out: &mut String, obs: &[Observation], pids: &Pids) {
    let rows: Vec<[String; 4]> = obs
        .iter()
        .map(|o| {
            let ppid = match (o.ppid, &o.parent) {
                (Some(p), Some(parent)) if pids.stable => {
                    if pids.role(p).is_some() {
                        pids.show(p)
                    } else {
                        format!("<{parent}>")
                    }
                }
                (Some(p), Some(parent)) => format!("{p} ({parent})"),
                _ => "-".into(),
            };
            [
                o.role.clone(),
                pids.show(o.pid),
                ppid,
                o.stat.clone().unwrap_or_else(|| o.state.clone()),
            ]
        })
        .collect();
    let headers = ["ROLE", "PID", "PPID", "STAT"];
    let widths: Vec<usize> = (0..4)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([headers[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let pad = |s: &str, w: usize| format!("{s:<w$}");
    writeln!(
        out,
        "      {}  {}  {}  {}  {}",
        pad(headers[0], widths[0]),
        pad(headers[1], widths[1]),
        pad(headers[2], widths[2]),
        pad(headers[3], widths[3]),
        "STATE"
    )
    .ok();
    for (row, o) in rows.iter().zip(obs) {
        writeln!(
            out,
            "      {}  {}  {}  {}  {}",
            pad(&row[0], widths[0]),
            pad(&row[1], widths[1]),
            pad(&row[2], widths[2]),
            color_state(&o.state, pad(&row[3], widths[3])),
            meaning(o, pids.stable)
        )
        .ok();
    }
}

fn memory_table(out: &mut String, readings: &[MemoryReading], pids: &Pids) {
    writeln!(
        out,
        "      {:<10} {:>8} {:>10} {:>13} {:>14} {:>8}",
        "ROLE", "PID", "RSS kB", "Shared_Dirty", "Private_Dirty", "minflt"
    )
    .ok();
    for m in readings {
        writeln!(
            out,
            "      {:<10} {:>8} {:>10} {:>13} {:>14} {:>8}",
            m.role,
            pids.show(m.pid),
            m.memory.rss_kb,
            m.memory.shared_dirty_kb,
            m.memory.private_dirty_kb,
            m.minflt
        )
        .ok();
    }
}

fn wrap(text: &str, indent: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > width {
            writeln!(out, "{indent}{line}").ok();
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        writeln!(out, "{indent}{line}").ok();
    }
    out
}

/// Consecutive `say` lines make one paragraph, printed with --explain only.
fn flush_narration(out: &mut String, paragraph: &mut String, pids: &Pids, style: Style) {
    if style.explain && !paragraph.is_empty() {
        out.push_str(
            &wrap(&pids.unmark(paragraph), "    │ ", 96)
                .italic()
                .to_string(),
        );
    }
    paragraph.clear();
}

fn event_text(out: &mut String, n: usize, e: &Event, pids: &Pids, style: Style) {
    let mut head = format!("{n:>3}  {}", e.step);
    if let Some(result) = &e.result {
        let text = outcome_text(result, &|p| pids.show(p));
        let width = 30usize.max(head.chars().count() + 1);
        head = format!("{head:<width$} → {text}");
    } else if let (Some(us), false) = (e.waited_us, style.stable) {
        let polls = match e.polls {
            Some(1) => ", 1 read of /proc".to_string(),
            Some(p) => format!(", {p} reads of /proc"),
            None => String::new(),
        };
        head = format!("{head:<30} → seen after {}{polls}", show_us(us));
    }
    writeln!(out, "{head}").ok();
    if !e.observations.is_empty() {
        observation_table(out, &e.observations, pids);
    }
    if !e.memory.is_empty() {
        memory_table(out, &e.memory, pids);
    }
}

fn show_us(us: u64) -> String {
    if us < 1000 {
        format!("{us} µs")
    } else {
        format!("{:.1} ms", us as f64 / 1000.0)
    }
}

/// The record as text for a terminal or a handout.
pub fn text(record: &Record, style: Style) -> String {
    let pids = Pids {
        roles: &record.roles,
        runner: record.runner_pid,
        stable: style.stable,
    };
    let mut out = String::new();
    writeln!(
        out,
        "{} {} {}",
        "procdemo".bold(),
        record.demo.bold().cyan(),
        format!("— {}", record.title).bold()
    )
    .ok();
    if !style.stable {
        writeln!(
            out,
            "     (script {}, runner pid {})",
            record.source, record.runner_pid
        )
        .ok();
    }
    let mut n = 0;
    let mut paragraph = String::new();
    for e in &record.events {
        if let Some(narration) = &e.narration {
            paragraph.push_str(narration);
            paragraph.push(' ');
            continue;
        }
        flush_narration(&mut out, &mut paragraph, &pids, style);
        n += 1;
        event_text(&mut out, n, e, &pids, style);
    }
    flush_narration(&mut out, &mut paragraph, &pids, style);
    if record.cleaned_up > 0 {
        let s = if record.cleaned_up == 1 { "" } else { "es" };
        writeln!(
            out,
            "     at the end the runner killed and reaped {} process{s} the script left running",
            record.cleaned_up
        )
        .ok();
    }
    match &record.failure {
        None => writeln!(
            out,
            "{} every awaited state was observed",
            "ok:".green().bold()
        )
        .ok(),
        Some(f) => writeln!(out, "{} {}", "FAILED:".red().bold(), pids.unmark(f)).ok(),
    };
    out
}

/// The record as one JSON document (real PIDs; narration included only with --explain).
pub fn json(record: &Record, style: Style) -> String {
    let pids = Pids {
        roles: &record.roles,
        runner: record.runner_pid,
        stable: false,
    };
    let mut record = record.clone();
    for e in &mut record.events {
        if let Some(n) = &e.narration {
            e.narration = style.explain.then(|| pids.unmark(n));
        }
    }
    record
        .events
        .retain(|e| e.narration.is_some() || !e.step.starts_with("say"));
    let mut value = serde_json::to_value(&record).unwrap_or_default();
    // Each result also in words, as the text output shows it.
    if let Some(events) = value.get_mut("events").and_then(|v| v.as_array_mut()) {
        for (json, e) in events.iter_mut().zip(&record.events) {
            if let Some(r) = &e.result {
                json["summary"] = serde_json::Value::String(outcome_text(r, &|p| p.to_string()));
            }
        }
    }
    serde_json::to_string(&value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_statuses_decode_like_the_c_macros() {
        assert_eq!(decode_status(256), "WIFEXITED, WEXITSTATUS = 1");
        assert_eq!(decode_status(7 << 8), "WIFEXITED, WEXITSTATUS = 7");
        assert_eq!(decode_status(15), "WIFSIGNALED, WTERMSIG = 15 (SIGTERM)");
        assert_eq!(decode_status(9), "WIFSIGNALED, WTERMSIG = 9 (SIGKILL)");
        assert_eq!(decode_status(0x137f), "WIFSTOPPED, WSTOPSIG = 19 (SIGSTOP)");
    }

    #[test]
    fn stable_mode_names_pids_by_role() {
        let roles = vec![
            ("runner".to_string(), Some(10)),
            ("child".to_string(), Some(12)),
        ];
        let pids = Pids {
            roles: &roles,
            runner: 10,
            stable: true,
        };
        assert_eq!(
            pids.unmark("child is \u{1}12\u{1}, parent \u{1}99\u{1}"),
            "child is <child>, parent <other>"
        );
        let real = Pids {
            stable: false,
            ..pids
        };
        assert_eq!(real.unmark("child is \u{1}12\u{1}"), "child is 12");
    }

    #[test]
    fn errors_read_like_the_kernel_gave_them() {
        assert_eq!(
            failure_text("wait", libc::ECHILD),
            "wait failed: ECHILD (No child processes)"
        );
    }
}
