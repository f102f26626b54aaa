//! Text a script or a path supplies, made safe to print on a terminal.
//!
//! A script's title, steps and narration, a file name and the words a parse error quotes are
//! printed as they were written, except for the characters a terminal would obey instead of
//! showing: an ESC could start a sequence that sets the window title or the clipboard (OSC 0,
//! OSC 52), moves the cursor or clears the screen; BEL rings; NUL, a carriage return or a
//! backspace hide what came before. Those are shown as escapes a reader can see (`\x1b`,
//! `\u{9b}`). JSON needs none of this: serde_json escapes control characters itself.

use std::borrow::Cow;

/// Whether a terminal may act on `c` rather than show it: every C0 control (TAB and newline
/// too: a tab's width is the terminal's to choose, and a newline would break a line the
/// layout measured), DEL, every C1 control (U+0080–U+009F: U+009B is a CSI on some terminals),
/// and the Unicode bidirectional controls, which reorder what is shown around them.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every character a terminal would act on shown as an escape: `\t`, `\n`, `\r`,
/// `\x1b` (C0 and DEL), `\u{9b}` (C1 and bidirectional controls). Everything else, backslashes
/// included, is left as it is, so escaping twice changes nothing.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) && (c as u32) < 0x80 => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// [`escape`] line by line: a message of several lines (a usage error) keeps its line breaks.
pub fn escape_lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && needs_escape(c)) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.split('\n').map(escape).collect::<Vec<_>>().join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_are_shown_as_escapes() {
        assert_eq!(
            escape("a\x1b]0;pwned\x07b\0c\x7fd\u{9b}2Je\tf\ng\rh\u{202e}i"),
            "a\\x1b]0;pwned\\x07b\\x00c\\x7fd\\u{9b}2Je\\tf\\ng\\rh\\u{202e}i"
        );
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged_and_escaping_twice_changes_nothing() {
        for text in ["fork — 子进程 is a zombie", "C:\\path", ""] {
            assert!(matches!(escape(text), Cow::Borrowed(t) if t == text));
        }
        let once = escape("\x1b[2J").into_owned();
        assert_eq!(escape(&once), once);
    }

    #[test]
    fn a_message_of_several_lines_keeps_its_line_breaks() {
        assert_eq!(escape_lines("one\x1b\ntwo"), "one\\x1b\ntwo");
        assert_eq!(escape_lines("one\ntwo"), "one\ntwo");
    }
}
