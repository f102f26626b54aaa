//! The engine: stages a checked script for real. The [`runner`] forks the [`actor`]s, drives
//! them step by step, observes them through the kernel layer and streams typed events
//! ([`model`]) to the front end. [`error`] is the one error type and its exit codes, as data.
//! The engine prints nothing and knows no human language.

pub mod actor;
pub mod error;
pub mod model;
pub mod runner;
