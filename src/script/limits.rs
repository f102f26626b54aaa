//! Limits that keep a typo in a user's script from hurting a classroom machine. A leaf of the
//! script layer.

use std::time::Duration;
/// Processes a script may create (the runner itself not counted).
pub const MAX_PROCESSES: usize = 16;
/// Lines that are steps (comments, blank lines and `title` not counted).
pub const MAX_STEPS: usize = 200;
/// Longest deadline one `await` (or one action) may ask for.
pub const MAX_WITHIN: Duration = Duration::from_secs(10);
/// Wall time a whole script may take before the runner gives up.
pub const TOTAL_DEADLINE: Duration = Duration::from_secs(20);
/// Largest memory region `alloc` may map.
pub const MAX_ALLOC_MIB: u64 = 1024;
/// Memory a whole script may write: every `alloc`'s region, and every `touch` of one
/// (after a fork, each touch makes private copies of a shared region's pages).
pub const MAX_WRITTEN_MIB: u64 = 2048;
/// The most tickets `tickets` makes, and the most steps one `race` takes (each about a
/// microsecond).
pub const MAX_TICKETS: u64 = 1_000_000;
