//! The kernel's vocabulary shared by every layer: a process state as /proc/PID/stat writes it,
//! and memory figures as smaps writes them. Data only, with no human language.

use serde::{Deserialize, Serialize};

/// A process state: the letter in /proc/PID/stat, or gone from /proc (reaped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum State {
    /// R: running or runnable.
    Running,
    /// S: interruptible sleep.
    Sleeping,
    /// D: uninterruptible sleep.
    DiskSleep,
    /// T: stopped by a signal.
    Stopped,
    /// t: stopped by a tracer.
    TracingStop,
    /// Z: exited, not yet waited for.
    Zombie,
    /// X: dead, being removed.
    Dead,
    /// I: idle kernel thread.
    Idle,
    /// P: parked.
    Parked,
    /// No longer in /proc: reaped (or its PID now names another process).
    Gone,
}

impl State {
    /// The state for a letter of /proc/PID/stat (None for a letter this kernel should not show).
    pub fn from_letter(c: char) -> Option<State> {
        Some(match c {
            'R' => State::Running,
            'S' => State::Sleeping,
            'D' => State::DiskSleep,
            'T' => State::Stopped,
            't' => State::TracingStop,
            'Z' => State::Zombie,
            'X' => State::Dead,
            'I' => State::Idle,
            'P' => State::Parked,
            _ => return None,
        })
    }

    /// The letter the kernel writes (`None` for [`State::Gone`]).
    pub fn letter(self) -> Option<char> {
        Some(match self {
            State::Running => 'R',
            State::Sleeping => 'S',
            State::DiskSleep => 'D',
            State::Stopped => 'T',
            State::TracingStop => 't',
            State::Zombie => 'Z',
            State::Dead => 'X',
            State::Idle => 'I',
            State::Parked => 'P',
            State::Gone => return None,
        })
    }

    /// The letter, or `gone`: the form used in scripts, JSON and `--stable` tables.
    pub fn code(self) -> String {
        self.letter()
            .map_or_else(|| "gone".to_string(), |c| c.to_string())
    }

    pub fn is_alive(self) -> bool {
        !matches!(self, State::Gone)
    }
}

impl From<State> for String {
    fn from(s: State) -> String {
        s.code()
    }
}

impl TryFrom<String> for State {
    type Error = String;
    fn try_from(s: String) -> Result<State, String> {
        if s == "gone" {
            return Ok(State::Gone);
        }
        let mut chars = s.chars();
        match (chars.next().and_then(State::from_letter), chars.next()) {
            (Some(state), None) => Ok(state),
            _ => Err(format!("not a process state: {s:?}")),
        }
    }
}

/// Memory figures in kB, from /proc/PID/smaps_rollup (or one mapping's entry in smaps).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Memory {
    pub rss_kb: u64,
    /// Proportional set size: each page divided by the number of processes mapping it.
    pub pss_kb: u64,
    pub shared_dirty_kb: u64,
    pub private_dirty_kb: u64,
}
