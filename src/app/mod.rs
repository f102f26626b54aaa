//! The application: the command line ([`cli`] → a plain config), the [`frontend`] that forks a
//! runner (or the watcher) and renders its events as they come, and [`commands`], what each
//! subcommand does. The top layer: it may import every other.

pub mod check;
pub mod cli;
pub mod commands;
pub mod frontend;
pub mod outputs;
