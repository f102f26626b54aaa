//! The `.demo` scenario language, with no I/O: its syntax tree (`ast.rs`), why a script is
//! rejected (`problem.rs`), and the two passes over a script: parsing (`parse.rs`: text →
//! tree, syntax only) and checking (`check.rs`: the rules over the whole tree, step by step).
//!
//! A script is one step per line. A step is either an action performed by a role
//! (`parent fork child`, `child exit 7`, `parent waitpid child &`) or a director step
//! (`observe`, `await child Z`, `say ...`). Everything that can be checked before a single
//! process exists is checked here, so a malformed script is rejected with `FILE:LINE: what was
//! expected` and nothing is run. The language is documented in demos/README.md; keep the two
//! in step.
//!
//! Actions are not spelled out here: each verb's syntax and the rules it is checked by are
//! data in its registry entry (src/script/actions/): the parser asks the registry for an
//! action's syntax, the checker for its rules. Director steps, `try` and `if permitted` are
//! the passes' own.

pub mod actions;
mod ast;
mod check;
pub mod demos;
#[cfg(test)]
mod fuzz;
pub mod limits;
pub mod names;
mod parse;
pub mod problem;
pub mod quiz;
pub mod task;
#[cfg(test)]
mod tests;

pub use ast::*;
pub use problem::*;

/// Parse and check a script. `file` is the name used in error messages, `name` the demo's name.
///
/// The first problem is the one reported: the checker checks the steps before a line the
/// parser rejects (a rule broken on an earlier line comes first), and the memory a whole
/// script writes is counted once it is otherwise sound.
pub fn parse(file: &str, name: &str, text: &str) -> Result<Script, ParseError> {
    let (parsed, syntax) = parse::parse(file, name, text);
    let script = check::check(file, name, parsed)?;
    if let Some(error) = syntax {
        return Err(error);
    }
    if let Some((line, total)) = script.writes_too_much() {
        return Err(ParseError {
            file: file.to_string(),
            line,
            problem: ParseProblem::TooMuchMemory {
                total,
                max: limits::MAX_WRITTEN_MIB,
            },
        });
    }
    Ok(script)
}
