//! The languages. [`words::Words`] lists every word a renderer prints; [`present`] matches the
//! model once and turns it into [`present::Msg`]s, messages with typed arguments; each language
//! is one file ([`en`], [`zh`]) whose table, `Words::say`, says every message, exhaustively and
//! without logic; [`pseudo`] is the test language `en-XA`, English with every message marked.
//!
//! A new language: one more file here implementing [`words::Words`], a `Lang` variant (with its
//! code in `Lang::ALL`) and its arm in `render::words`, and the demos' `say.CODE` lines.

pub mod en;
pub mod present;
pub mod pseudo;
pub mod words;
pub mod zh;
