//! `procdemo watch -- COMMAND`: the [`tracer`] follows a program's whole process family and
//! streams typed events; render/watch.rs says them. `procdemo check TASK -- COMMAND`: the
//! [`check`] judge holds a task's properties against those events (pure; render/check.rs says
//! the verdicts).

pub mod check;
pub mod stuck;
pub mod tracer;
