//! The names a script gives: a role is an index ([`RoleId`], the runner [`RUNNER`]), and what a
//! role's or a pipe's name may be. A leaf of the script layer: the actions name roles through
//! it without reaching the parser.

/// Index of a role in `Script::roles`. Role 0 is always the runner.
pub type RoleId = usize;
pub const RUNNER: RoleId = 0;

pub(super) const KEYWORDS: &[&str] = &[
    "title", "say", "ask", "observe", "measure", "await", "tree", "try", "expect", "inspect",
    "output", "end", "any", "all", "share",
];

/// A name a script may give a role or a pipe.
pub fn valid_name(s: &str) -> bool {
    !KEYWORDS.contains(&s) && valid_role_name(s)
}

pub(super) fn valid_role_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        && s.len() <= 16
}
