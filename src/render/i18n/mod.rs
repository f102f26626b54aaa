//! The languages: [`words::Words`] lists every word a renderer prints; each language is one
//! file implementing it ([`en`], [`zh`]) through exhaustive matches over the model.

pub mod en;
pub mod words;
pub mod zh;
