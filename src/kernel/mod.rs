//! The kernel layer, the bottom of the crate: the only code that talks to the kernel. [`sys`]
//! makes the system calls (the crate's only unsafe code), [`proc`] reads and parses /proc, and
//! [`State`]/[`Memory`] are what /proc reports, as data. Nothing here imports another layer of
//! the crate (a tidy test holds it).

pub mod proc;
mod state;
pub mod sys;

pub use state::{Memory, State};
