//! `procdemo explain TOPIC`: reference tables a class looks up while it watches a demo.
//!
//! The topics are data ([`Topic`]: a name for the command line, the same in every language);
//! each table's words come from [`Words::reference`], which builds what the code already knows
//! from the code itself (a state's meaning from [`Words::state`], a wait status decoded by
//! [`crate::engine::model::ExitStatus::decode`] and worded by [`Words::exit_status`]). Layout: a
//! title, two columns, notes, wrapped to the width by display columns.

use super::Words;
use super::wrap::{hang, pad, width, wrap};

/// A reference topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    /// Every state letter of /proc/PID/stat, and gone.
    States,
    /// ps's STAT flags after the state letter.
    StatFlags,
    /// How a raw wait status decodes.
    WaitStatus,
    /// Who adopts an orphan.
    Orphan,
    /// SIGCHLD's three dispositions and what each does to a child that exits.
    Sigchld,
}

impl Topic {
    pub const ALL: &[Topic] = &[
        Topic::States,
        Topic::StatFlags,
        Topic::WaitStatus,
        Topic::Orphan,
        Topic::Sigchld,
    ];

    /// The name the command line takes: `procdemo explain stat-flags`.
    pub fn name(self) -> &'static str {
        match self {
            Topic::States => "states",
            Topic::StatFlags => "stat-flags",
            Topic::WaitStatus => "wait-status",
            Topic::Orphan => "orphan",
            Topic::Sigchld => "sigchld",
        }
    }

    pub fn from_name(name: &str) -> Option<Topic> {
        Topic::ALL.iter().copied().find(|t| t.name() == name)
    }
}

/// One reference table, in one language.
pub struct Reference {
    /// What the table is about, in a line (also the topic's line in the list of topics).
    pub title: &'static str,
    /// The two column headers.
    pub headers: (&'static str, &'static str),
    pub rows: Vec<(String, String)>,
    /// Paragraphs under the table.
    pub notes: Vec<String>,
}

/// The list of topics (`procdemo explain` alone).
pub fn topics(words: &dyn Words, columns: usize) -> String {
    let w = Topic::ALL.iter().map(|t| t.name().len()).max().unwrap_or(0);
    let mut out = String::new();
    for t in Topic::ALL {
        let prefix = format!("{}  ", pad(t.name(), w));
        for l in hang(
            &prefix,
            width(&prefix),
            words.reference(*t).title,
            columns,
            w + 2,
        ) {
            out.push_str(&l);
            out.push('\n');
        }
    }
    out
}

/// One topic's table, within `columns` display columns.
pub fn table(words: &dyn Words, topic: Topic, columns: usize) -> String {
    let r = words.reference(topic);
    let mut out = String::new();
    for l in wrap(&format!("{} — {}", topic.name(), r.title), columns) {
        out.push_str(&l);
        out.push('\n');
    }
    out.push('\n');
    let key_w = r
        .rows
        .iter()
        .map(|(k, _)| width(k))
        .chain([width(r.headers.0)])
        .max()
        .unwrap_or(0);
    let line = |key: &str, text: &str, out: &mut String| {
        let prefix = format!("  {}  ", pad(key, key_w));
        for l in hang(&prefix, width(&prefix), text, columns, 6) {
            out.push_str(&l);
            out.push('\n');
        }
    };
    line(r.headers.0, r.headers.1, &mut out);
    for (k, v) in &r.rows {
        line(k, v, &mut out);
    }
    for n in &r.notes {
        out.push('\n');
        for l in wrap(n, columns.saturating_sub(2)) {
            out.push_str("  ");
            out.push_str(&l);
            out.push('\n');
        }
    }
    out
}
