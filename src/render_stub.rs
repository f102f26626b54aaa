//! Temporary stand-in for the render layer's live API (replaced when render/ lands).
#![allow(dead_code)]

use crate::model::{DemoResult, Event, Origin, RunnerProblem};
use crate::script::Script;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Format {
    Text,
    Json,
    JsonEvents,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub explain: bool,
    pub stable: bool,
    pub width: usize,
}

pub trait Render {
    fn event(&mut self, event: &Event, out: &mut dyn std::io::Write) -> std::io::Result<()>;
}

struct Stub;

impl Render for Stub {
    fn event(&mut self, event: &Event, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        writeln!(out, "{}", serde_json::to_string(event).unwrap_or_default())
    }
}

pub fn renderer<'a>(
    _format: Format,
    _script: &'a Script,
    _origin: &'a Origin,
    _style: Style,
) -> Box<dyn Render + 'a> {
    Box::new(Stub)
}

pub fn summary(results: &[DemoResult], _format: Format, _style: Style) -> String {
    format!("{results:?}\n")
}

pub fn runner_problem(name: &str, problem: &RunnerProblem, left: usize) -> String {
    format!("{name}: {problem:?} {left}")
}

pub fn terminal_width() -> usize {
    100
}
