//! `procdemo watch -- COMMAND`: the [`tracer`] follows a program's whole process family and
//! streams typed events; render/watch.rs says them.

pub mod tracer;
