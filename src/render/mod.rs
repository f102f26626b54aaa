//! Rendering: the only place that knows English (and, later, other languages) and JSON.
//!
//! `legacy` renders the runner's `Record` after a run, as procdemo did before the live
//! engine; it goes when the front end streams events. The rest renders the typed
//! [`crate::model::Event`]s one at a time, as they arrive.

pub mod legacy;

/// The legacy renderers' options (the live renderers take [`Style`]).
pub use legacy::Style as LegacyStyle;
pub use legacy::{decode_status, json, outcome_plain, strerror, text};
