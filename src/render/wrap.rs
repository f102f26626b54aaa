//! Line width by display columns, and wrapping that never breaks inside a word.
//!
//! A CJK character takes two columns, so width is measured with `unicode-width`, never by
//! bytes or chars. Text breaks at spaces, and between CJK characters where the Unicode line
//! breaking rules (UAX #14) allow it, so Chinese with no spaces still wraps and a comma never
//! starts a line; a Latin word or a number is never split. Colour escapes are added after
//! layout, so they never count.

use textwrap::core::Word;
use textwrap::{Options, WordSeparator, WordSplitter, WrapAlgorithm};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The display width of plain text (a CJK character counts two columns).
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` padded with spaces to `w` display columns (never cut).
pub fn pad(text: &str, w: usize) -> String {
    let mut out = text.to_string();
    out.extend(std::iter::repeat_n(' ', w.saturating_sub(width(text))));
    out
}

/// `text` right-aligned in `w` display columns.
pub fn pad_left(text: &str, w: usize) -> String {
    let mut out: String = std::iter::repeat_n(' ', w.saturating_sub(width(text))).collect();
    out.push_str(text);
    out
}

fn is_wide(c: char) -> bool {
    c.width() == Some(2)
}

/// Signs that stay on the line of what they join: `WEXITSTATUS = 7`, `46 -> 4160`.
const GLUE: &[&str] = &["=", "->", ">=", "<="];

/// Whether the space run before byte `i` of `line` joins a sign to its neighbour.
fn glued(line: &str, i: usize) -> bool {
    let next = line[i..].split(' ').next().unwrap_or("");
    let before = line[..i].trim_end_matches(' ');
    let last = before.rsplit(' ').next().unwrap_or("");
    GLUE.contains(&next) || GLUE.contains(&last)
}

/// Words for textwrap: a break after every run of spaces, and wherever UAX #14 allows one
/// next to a wide (CJK) character. Nothing else: `--stable`, `plain-kid` and `/proc/PID`
/// stay whole, and so do `WEXITSTATUS = 7` and `46 -> 4160`.
fn words(line: &str) -> Box<dyn Iterator<Item = Word<'_>> + '_> {
    let mut cuts: Vec<usize> = Vec::new();
    let mut prev: Option<char> = None;
    for (i, c) in line.char_indices() {
        if prev == Some(' ') && c != ' ' && !glued(line, i) {
            cuts.push(i);
        }
        prev = Some(c);
    }
    for (pos, _) in unicode_linebreak::linebreaks(line) {
        if pos == 0 || pos >= line.len() {
            continue;
        }
        let before = line[..pos].chars().next_back();
        let after = line[pos..].chars().next();
        if before.is_some_and(is_wide) || after.is_some_and(is_wide) {
            cuts.push(pos);
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut start = 0;
    let mut pieces = Vec::with_capacity(cuts.len() + 1);
    for cut in cuts {
        pieces.push(Word::from(&line[start..cut]));
        start = cut;
    }
    if start < line.len() {
        pieces.push(Word::from(&line[start..]));
    }
    Box::new(pieces.into_iter())
}

/// `text` wrapped into lines of at most `columns` display columns (greedy, like a person
/// would). Runs of whitespace become one space. A single word wider than the line is kept
/// whole on a line of its own rather than split.
pub fn wrap(text: &str, columns: usize) -> Vec<String> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return Vec::new();
    }
    let options = Options::new(columns.max(1))
        .wrap_algorithm(WrapAlgorithm::FirstFit)
        .word_separator(WordSeparator::Custom(words))
        .word_splitter(WordSplitter::NoHyphenation)
        .break_words(false);
    textwrap::wrap(&text, options)
        .into_iter()
        .map(|l| l.trim_end().to_string())
        .collect()
}

/// The fewest columns a wrapped last column gets before it moves to lines of its own.
pub const MIN_HANG: usize = 20;

/// Lay out `prefix` (whose plain text is `plain_width` columns wide; it may carry colour)
/// followed by `text`, within `columns`. Continuation lines are indented to where `text`
/// starts; if that leaves under [`MIN_HANG`] columns, `text` goes on lines of its own,
/// indented by `fallback` spaces.
pub fn hang(
    prefix: &str,
    plain_width: usize,
    text: &str,
    columns: usize,
    fallback: usize,
) -> Vec<String> {
    if text.is_empty() {
        return vec![prefix.trim_end().to_string()];
    }
    if plain_width + MIN_HANG <= columns || plain_width + width(text) <= columns {
        let lines = wrap(text, columns.saturating_sub(plain_width));
        let indent = " ".repeat(plain_width);
        return lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                if i == 0 {
                    format!("{prefix}{l}")
                } else {
                    format!("{indent}{l}")
                }
            })
            .collect();
    }
    let indent = " ".repeat(fallback);
    std::iter::once(prefix.trim_end().to_string())
        .chain(
            wrap(text, columns.saturating_sub(fallback))
                .into_iter()
                .map(|l| format!("{indent}{l}")),
        )
        .collect()
}

/// `text` cut to at most `columns` display columns, ending in `…` where it was cut.
pub fn truncate(text: &str, columns: usize) -> String {
    if width(text) <= columns {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > columns {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Lines of one paragraph joined as a reader expects: with a space, or with nothing between
/// two wide (Chinese) characters.
pub fn join_lines<S: AsRef<str>>(lines: &[S]) -> String {
    let mut out = String::new();
    for line in lines {
        let line = line.as_ref().trim();
        if line.is_empty() {
            continue;
        }
        let wide = |c: Option<char>| c.is_some_and(|c| UnicodeWidthChar::width(c) == Some(2));
        let last = out.chars().last();
        // Chinese punctuation (，。：；) carries its own space.
        let closes = last.is_some_and(|c| "，。：；！？、）」』".contains(c));
        let joined = closes || (wide(last) && wide(line.chars().next()));
        if !out.is_empty() && !joined {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// A help text's paragraphs as single lines, for a wrapper that fits them to the terminal
/// (clap's): lines of one paragraph are joined (with a space, or with nothing between two
/// Chinese characters); blank lines and indented lines (a list of examples) stay as they are.
pub fn reflow(text: &str) -> String {
    let mut out = String::new();
    let mut joinable = false;
    for line in text.lines() {
        let indented = line.starts_with(char::is_whitespace);
        if joinable && !line.is_empty() && !indented {
            let wide = |c: Option<char>| c.is_some_and(|c| UnicodeWidthChar::width(c) == Some(2));
            if !(wide(out.chars().last()) && wide(line.chars().next())) {
                out.push(' ');
            }
            out.push_str(line);
        } else {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(line);
        }
        joinable = !line.is_empty() && !indented && !line.ends_with(':');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_characters_count_two_columns() {
        assert_eq!(width("僵尸"), 4);
        assert_eq!(width("ok"), 2);
        assert_eq!(pad("僵", 4), "僵  ");
    }

    #[test]
    fn latin_words_and_options_are_never_split() {
        let lines = wrap("see --stable and plain-kid in /proc/PID/stat now", 12);
        assert!(lines.iter().any(|l| l.contains("--stable")), "{lines:?}");
        assert!(lines.iter().any(|l| l.contains("plain-kid")), "{lines:?}");
        assert!(lines.iter().any(|l| l == "/proc/PID/stat"), "{lines:?}");
    }

    #[test]
    fn chinese_without_spaces_breaks_between_characters_but_not_before_a_comma() {
        let text = "僵尸进程已经退出，但是它的父进程还没有调用 wait 回收它。";
        for columns in 6..30 {
            for line in wrap(text, columns) {
                assert!(width(&line) <= columns, "{columns}: {line}");
                assert!(!line.starts_with('，') && !line.starts_with('。'), "{line}");
                assert!(!line.contains("wa\n"), "{line}");
            }
        }
        let joined: String = wrap(text, 10).concat();
        assert_eq!(joined.replace(' ', ""), text.replace(' ', ""));
    }

    #[test]
    fn an_equals_sign_stays_with_both_sides() {
        for columns in 10..40 {
            for line in wrap(
                "holds status 0 (WIFEXITED, WEXITSTATUS = 0) and 46 -> 4160",
                columns,
            ) {
                assert!(!line.ends_with('=') && !line.starts_with('='), "{line}");
                assert!(!line.ends_with("->") && !line.starts_with("->"), "{line}");
            }
        }
    }

    #[test]
    fn a_hanging_text_continues_under_its_first_column() {
        let lines = hang("  1  step  → ", 13, "one two three four five six", 35, 5);
        assert_eq!(lines[0], "  1  step  → one two three four");
        assert_eq!(lines[1], "             five six");
        let narrow = hang("  1  step  → ", 13, "one two three four five six", 30, 5);
        assert_eq!(
            narrow[0], "  1  step  →",
            "too little room: the text goes under"
        );
        assert_eq!(narrow[1], "     one two three four five");
        assert_eq!(narrow[2], "     six");
    }
}
