//! Rendering a [`Record`] as text for people or as one JSON document for programs.
//!
//! Rendering only formats what the runner recorded; it never invents a value. In `--stable`
//! mode (used by the snapshot tests and handy for handouts) every PID is replaced by the role
//! that had it and timings are left out, so the same demo prints the same text every run.

use crate::actor::Outcome;
use crate::observe::state_meaning;
use crate::runner::{
    ALT_MARK, ALT_SEP, Event, MemoryReading, Observation, PID_MARK, PRIVILEGE_HIDDEN, Record,
    errno_name, sigchld_words,
};
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

    /// Replace marked PIDs in narration, and pick the live or stable rendering of a value
    /// that has both.
    fn unmark(&self, text: &str) -> String {
        let mut chosen = String::new();
        for (i, part) in text.split(ALT_MARK).enumerate() {
            match (i % 2, part.split_once(ALT_SEP)) {
                (1, Some((live, stable))) => {
                    chosen.push_str(if self.stable { stable } else { live })
                }
                _ => chosen.push_str(part),
            }
        }
        let mut out = String::new();
        for (i, part) in chosen.split(PID_MARK).enumerate() {
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

/// The C library's text for an errno, without Rust's " (os error N)" suffix.
pub fn strerror(errno: i32) -> String {
    let text = std::io::Error::from_raw_os_error(errno).to_string();
    text.split(" (os error").next().unwrap_or(&text).to_string()
}

/// Whether a step's text is a `say` line (the keyword, not a role named e.g. `sayer`).
fn is_say(step: &str) -> bool {
    step.split_whitespace().next() == Some("say")
}

fn failure_text(call: &str, errno: i32) -> String {
    format!("{call} failed: {} ({})", errno_name(errno), strerror(errno))
}

/// An outcome in words. `stable`: for --stable output, where a count that varies from run to
/// run is described instead of printed.
fn outcome_text(o: &Outcome, pid: &dyn Fn(i32) -> String, stable: bool) -> String {
    match o {
        Outcome::Forked { pid: p } => format!("fork() returned {}, the new process's PID", pid(*p)),
        Outcome::Vforked { pid: p } => format!(
            "clone(CLONE_VFORK) returned {}, the new process's PID",
            pid(*p)
        ),
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
        Outcome::PolledThenReaped {
            zeros: 0,
            pid: p,
            status,
        } => format!(
            "returned {} at the first call, with status {status}: {}",
            pid(*p),
            decode_status(*status)
        ),
        Outcome::PolledThenReaped {
            zeros,
            pid: p,
            status,
        } => {
            let count = if stable {
                "again and again (how many times varies: not shown with --stable)".to_string()
            } else if *zeros == 1 {
                "once".to_string()
            } else {
                format!("{zeros} times")
            };
            format!(
                "returned 0 {count} while no child had exited, then returned {} with status {status}: {}",
                pid(*p),
                decode_status(*status)
            )
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
        Outcome::Failed { call, errno } => failure_text(call.name(), *errno),
        Outcome::Blocking => "sleeping in read() until told otherwise".into(),
        Outcome::Spinning => "running a busy loop".into(),
        Outcome::Signalled { pid: p, signal } => {
            format!("kill({}, {}) delivered", pid(*p), signal_name(*signal))
        }
        Outcome::SigchldSet { mode } => format!(
            "SIGCHLD disposition is now {}",
            match mode {
                crate::script::SigchldMode::Default => "SIG_DFL",
                crate::script::SigchldMode::Ignore => "SIG_IGN",
                crate::script::SigchldMode::NoCldWait => "handler with SA_NOCLDWAIT",
            }
        ),
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
        Outcome::Allocated { bytes, pages, .. } => {
            format!("mapped {} and wrote all {pages} pages", size_words(*bytes))
        }
        Outcome::Touched {
            pages,
            minflt_before,
            minflt_after,
        } => {
            let faults = minflt_after.saturating_sub(*minflt_before);
            // About one fault per page is what copy-on-write predicts; --stable output says
            // so when it holds, since the exact count varies by a few faults run to run.
            let about_one_each =
                *pages > 0 && (*pages as u64 * 9 / 10..=*pages as u64 * 5 / 4).contains(&faults);
            if stable && about_one_each {
                format!(
                    "wrote {pages} pages; its minor faults rose by about one per page written (the exact count varies: not shown with --stable)"
                )
            } else {
                format!(
                    "wrote {pages} pages; its minor faults went {minflt_before} -> {minflt_after}: +{faults} for {pages} pages written"
                )
            }
        }
        Outcome::List { values } => {
            let items: Vec<String> = values.iter().map(|v| v.to_string()).collect();
            format!("L = [{}]", items.join(", "))
        }
    }
}

/// A size in bytes as MiB (or KiB below 1 MiB).
fn size_words(bytes: usize) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{} KiB", bytes >> 10)
    }
}

/// An outcome in words with PIDs marked, for narration (see `Field::Result`).
pub fn outcome_plain(o: &Outcome, stable: bool) -> String {
    outcome_text(o, &|p| format!("{PID_MARK}{p}{PID_MARK}"), stable)
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

/// Whether --stable output must leave this observation's state out (see
/// `Observation::depends_on_privilege`). A reaped process is gone for everyone.
fn hidden(o: &Observation, pids: &Pids) -> bool {
    pids.stable && o.depends_on_privilege && o.state != "gone"
}

fn stat_column(o: &Observation, pids: &Pids) -> String {
    if hidden(o, pids) {
        "?".into()
    } else {
        o.stat.clone().unwrap_or_else(|| o.state.clone())
    }
}

fn state_column(o: &Observation, pids: &Pids) -> String {
    if hidden(o, pids) {
        PRIVILEGE_HIDDEN.trim_matches(['(', ')']).to_string()
    } else {
        meaning(o, pids.stable)
    }
}

fn ppid_column(o: &Observation, pids: &Pids) -> String {
    match (o.ppid, &o.parent) {
        (Some(p), Some(parent)) if pids.stable => {
            if pids.role(p).is_some() {
                pids.show(p)
            } else {
                format!("<{parent}>")
            }
        }
        (Some(p), Some(parent)) => format!("{p} ({parent})"),
        _ => "-".into(),
    }
}

fn observation_table(out: &mut String, obs: &[Observation], pids: &Pids) {
    // SIGCHLD's disposition matters only where some process changed it: then every row says.
    let sigchld = obs
        .iter()
        .any(|o| o.sigchld_ignored == Some(true) || o.sigchld_caught == Some(true));
    let rows: Vec<Vec<String>> = obs
        .iter()
        .map(|o| {
            let mut row = vec![
                o.role.clone(),
                pids.show(o.pid),
                ppid_column(o, pids),
                stat_column(o, pids),
            ];
            if sigchld {
                row.push(match sigchld_words(o) {
                    "ignored" => "ignored (SigIgn)".into(),
                    "caught" => "handler (SigCgt)".into(),
                    other => other.into(),
                });
            }
            row
        })
        .collect();
    let mut headers = vec!["ROLE", "PID", "PPID", "STAT"];
    if sigchld {
        headers.push("SIGCHLD");
    }
    let widths = column_widths(&headers, &rows);
    let pad = |s: &str, w: usize| format!("{s:<w$}");
    let head: Vec<String> = headers
        .iter()
        .zip(&widths)
        .map(|(h, w)| pad(h, *w))
        .collect();
    writeln!(out, "      {}  STATE", head.join("  ")).ok();
    for (row, o) in rows.iter().zip(obs) {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (cell, w))| {
                let cell = pad(cell, *w);
                // The STAT column is coloured by state.
                if i == 3 {
                    color_state(&o.state, cell).to_string()
                } else {
                    cell
                }
            })
            .collect();
        writeln!(out, "      {}  {}", cells.join("  "), state_column(o, pids)).ok();
    }
}

/// The observed roles drawn as a tree by PPID (the runner at the top), then the roles that
/// are gone.
fn tree(out: &mut String, obs: &[Observation], pids: &Pids) {
    let alive: Vec<&Observation> = obs.iter().filter(|o| o.state != "gone").collect();
    let is_child_of = |o: &Observation, parent: &Observation| o.ppid == Some(parent.pid);
    let roots: Vec<&Observation> = alive
        .iter()
        .copied()
        .filter(|o| !alive.iter().any(|p| is_child_of(o, p)))
        .collect();
    fn node(
        out: &mut String,
        o: &Observation,
        alive: &[&Observation],
        pids: &Pids,
        prefix: &str,
        branch: &str,
        depth: usize,
    ) {
        let pid = if pids.stable {
            String::new()
        } else {
            format!(" {}", o.pid)
        };
        let stat = stat_column(o, pids);
        let mut what = state_column(o, pids);
        if o.role == "runner" {
            what.push_str(", a child subreaper");
        }
        writeln!(
            out,
            "      {prefix}{branch}{}{pid} {}  {what}",
            o.role.bold(),
            color_state(&o.state, stat)
        )
        .ok();
        let kids: Vec<&Observation> = alive
            .iter()
            .copied()
            .filter(|k| k.ppid == Some(o.pid))
            .collect();
        // Deeper than the process limit means a PID was reused into a loop: stop.
        if depth > crate::script::limits::MAX_PROCESSES {
            return;
        }
        let inner = match branch {
            "" => prefix.to_string(),
            "└─ " => format!("{prefix}   "),
            _ => format!("{prefix}│  "),
        };
        for (i, k) in kids.iter().enumerate() {
            let b = if i + 1 == kids.len() {
                "└─ "
            } else {
                "├─ "
            };
            node(out, k, alive, pids, &inner, b, depth + 1);
        }
    }
    for r in &roots {
        node(out, r, &alive, pids, "", "", 0);
    }
    let gone: Vec<&str> = obs
        .iter()
        .filter(|o| o.state == "gone")
        .map(|o| o.role.as_str())
        .collect();
    if !gone.is_empty() {
        writeln!(
            out,
            "      gone (reaped, no longer in /proc): {}",
            gone.join(", ")
        )
        .ok();
    }
}

fn memory_table(out: &mut String, readings: &[MemoryReading], pids: &Pids) {
    // The whole-process figures (and minflt) move by a few pages from run to run (stack,
    // heap, code paged in), so --stable output shows only the region's own, which are exact.
    let mut rows: Vec<[String; 8]> = Vec::new();
    for m in readings {
        let figures = |what: String, mem: &crate::observe::Memory, minflt: String| {
            [
                m.role.clone(),
                pids.show(m.pid),
                what,
                mem.rss_kb.to_string(),
                mem.pss_kb.to_string(),
                mem.shared_dirty_kb.to_string(),
                mem.private_dirty_kb.to_string(),
                minflt,
            ]
        };
        if !pids.stable {
            rows.push(figures(
                "whole process".into(),
                &m.memory,
                m.minflt.to_string(),
            ));
        }
        match (&m.region, m.region_bytes) {
            (Some(region), Some(bytes)) => rows.push(figures(
                format!("{} region", size_words(bytes)),
                region,
                String::new(),
            )),
            _ if pids.stable => rows.push([
                m.role.clone(),
                pids.show(m.pid),
                "no region (whole-process figures vary: not shown with --stable)".into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]),
            _ => {}
        }
    }
    let mut headers = vec![
        "ROLE",
        "PID",
        "MEMORY",
        "Rss kB",
        "Pss kB",
        "Shared_Dirty kB",
        "Private_Dirty kB",
    ];
    if !pids.stable {
        headers.push("minflt");
    }
    let widths = column_widths(&headers, &rows);
    let line = |cells: Vec<&str>| {
        let mut l = String::from("     ");
        for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
            if i < 3 {
                write!(l, " {c:<w$} ").ok();
            } else {
                write!(l, " {c:>w$} ").ok();
            }
        }
        l.trim_end().to_string()
    };
    writeln!(out, "{}", line(headers.clone())).ok();
    for r in &rows {
        writeln!(out, "{}", line(r.iter().map(String::as_str).collect())).ok();
    }
}

/// The width of each column: its widest cell or its header.
fn column_widths<R: AsRef<[String]>>(headers: &[&str], rows: &[R]) -> Vec<usize> {
    (0..headers.len())
        .map(|i| {
            rows.iter()
                .map(|r| r.as_ref()[i].chars().count())
                .chain([headers[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect()
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
    let arrow = |head: String, text: &str| {
        let width = 30usize.max(head.chars().count() + 1);
        format!("{head:<width$} → {text}")
    };
    if e.depends_on_privilege && style.stable {
        // The same words whether root or a normal user ran it.
        let text = PRIVILEGE_HIDDEN.trim_matches(['(', ')']);
        writeln!(out, "{}", arrow(head, &format!("the outcome {text}"))).ok();
        return;
    }
    if let Some(step) = &e.skipped_because {
        let text = format!("skipped: `{step}` was refused");
        writeln!(out, "{}", arrow(head, &text)).ok();
        return;
    }
    if let Some(result) = &e.result {
        let mut text = outcome_text(result, &|p| pids.show(p), style.stable);
        if e.permitted == Some(false) {
            text.push_str(
                " (a refusal: `try` accepts it, and steps that end `if permitted` are skipped)",
            );
        }
        head = arrow(head, &text);
    } else if let Some(checked) = &e.checked {
        // A fault count varies a little from run to run: --stable says only that it held.
        let text = if style.stable {
            "holds".to_string()
        } else {
            format!("holds: {checked}")
        };
        head = arrow(head, &text);
    } else if let (Some(us), false) = (e.waited_us, style.stable) {
        let polls = match e.polls {
            Some(1) => ", 1 read of /proc".to_string(),
            Some(p) => format!(", {p} reads of /proc"),
            None => String::new(),
        };
        head = format!("{head:<30} → seen after {}{polls}", show_us(us));
    }
    writeln!(out, "{head}").ok();
    if e.tree {
        tree(out, &e.observations, pids);
    } else if !e.observations.is_empty() {
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
        .retain(|e| e.narration.is_some() || !is_say(&e.step));
    let mut value = serde_json::to_value(&record).unwrap_or_default();
    // Each result also in words, as the text output shows it.
    if let Some(events) = value.get_mut("events").and_then(|v| v.as_array_mut()) {
        for (json, e) in events.iter_mut().zip(&record.events) {
            if let Some(r) = &e.result {
                json["summary"] =
                    serde_json::Value::String(outcome_text(r, &|p| p.to_string(), false));
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
