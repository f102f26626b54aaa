//! Integration tests: they run the built procdemo binary and check what it observed.
//!
//! Nothing here forks inside the test process (the harness is multi-threaded): every process
//! is created by procdemo's own runner. Every run is tagged through its environment, and
//! `util::procdemo` fails the test if any tagged process, or an orphaned procdemo zombie, is
//! left behind afterwards.

#[path = "../common/mod.rs"]
mod common;

mod classroom;
mod cli;
mod cooperation;
mod delivery;
mod exercises;
mod hostile;
mod i18n;
mod json_schema;
mod live;
mod observations;
mod page;
mod programs;
mod race;
mod reliability;
mod scheduler;
mod server;
mod snapshots;
mod step;
mod tidy;
mod tracers;
mod util;
mod watch;
mod watch_kernel;
