//! The built-in scenario library: every demos/*.demo file, embedded in the binary.
//!
//! `procdemo all` runs them in this order, which is also the order of `procdemo list`.

use crate::script::{self, ParseError, Script};

/// A built-in demo: its name (the subcommand) and its script's text.
pub struct Demo {
    pub name: &'static str,
    pub path: &'static str,
    pub text: &'static str,
}

macro_rules! demo {
    ($name:literal) => {
        Demo {
            name: $name,
            path: concat!("demos/", $name, ".demo"),
            text: include_str!(concat!("../../demos/", $name, ".demo")),
        }
    };
}

pub const DEMOS: &[Demo] = &[
    demo!("zombie"),
    demo!("orphan"),
    demo!("fork-cow"),
    demo!("exec"),
    demo!("exit-paths"),
    demo!("wait"),
    demo!("sigchld-ignore"),
    demo!("sigchld-handler"),
    demo!("double-fork"),
    demo!("pid1"),
    demo!("states"),
    demo!("pipe"),
    demo!("pool"),
    demo!("fork-server"),
    demo!("nice"),
    demo!("race"),
];

pub fn find(name: &str) -> Option<&'static Demo> {
    DEMOS.iter().find(|d| d.name == name)
}

impl Demo {
    pub fn parse(&self) -> Result<Script, ParseError> {
        script::parse(self.path, self.name, self.text)
    }

    /// The one-line description from the script's `title` line. `--help` lists every demo's
    /// title on each start, so this reads the line rather than parsing the whole script (a
    /// unit test holds the two to the same answer).
    pub fn title(&self) -> &'static str {
        self.text
            .lines()
            .map(str::trim)
            .find_map(|l| {
                l.strip_prefix("title")
                    .filter(|t| t.starts_with(char::is_whitespace))
            })
            .map_or(self.name, str::trim)
    }
}

impl Demo {
    /// The title in the language whose code is `lang` (`zh`): its `title.LANG` line (read as
    /// [`Demo::title`] reads its line), else the `title` line's.
    pub fn title_in(&self, lang: &str) -> &'static str {
        let key = format!("title.{lang}");
        self.text
            .lines()
            .map(str::trim)
            .find_map(|l| {
                l.strip_prefix(key.as_str())
                    .filter(|t| t.starts_with(char::is_whitespace))
            })
            .map_or_else(|| self.title(), str::trim)
    }
}

/// The closest demo name, for "did you mean".
pub fn closest(name: &str) -> Option<&'static str> {
    closest_of(name, DEMOS.iter().map(|d| d.name))
}

/// The word of `words` closest to `word` (Levenshtein distance at most 2 plus a quarter of
/// the word's length), for "did you mean": a demo's name, a script's action. Of two as close,
/// the first in `words` (the registry's order: `frok` is `fork` before `flock`).
pub fn closest_of<'w>(word: &str, words: impl Iterator<Item = &'w str>) -> Option<&'w str> {
    words
        .map(|w| (strsim_distance(word, w), w))
        .filter(|(dist, w)| *dist <= 2 + w.len() / 4)
        .min_by_key(|(dist, _)| *dist)
        .map(|(_, w)| w)
}

/// Levenshtein distance (the demo names are short, so the simple table is fine).
fn strsim_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_demo_parses() {
        for d in DEMOS {
            d.parse().unwrap_or_else(|e| panic!("{e}"));
        }
    }

    #[test]
    fn every_file_in_demos_is_registered() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/demos");
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if let Some(stem) = name.strip_suffix(".demo") {
                assert!(find(stem).is_some(), "demos/{name} is not in DEMOS");
            }
        }
    }

    #[test]
    fn the_title_read_from_its_line_is_the_parsed_title() {
        for d in DEMOS {
            let title = d.parse().unwrap().title;
            assert_eq!(d.title(), title.base, "{}", d.name);
            assert_eq!(d.title_in("zh"), title.get("zh"), "{}", d.name);
            assert!(title.has("zh"), "{}: no `title.zh`", d.name);
            assert_eq!(d.title_in("en"), d.title());
        }
    }

    #[test]
    fn every_built_in_demo_asks_the_class_at_least_two_questions() {
        for d in DEMOS {
            let asks = d
                .parse()
                .unwrap()
                .steps
                .iter()
                .filter(|s| matches!(s.kind, crate::script::StepKind::Ask { .. }))
                .count();
            assert!(asks >= 2, "{} asks {asks} question(s)", d.name);
            for step in d.parse().unwrap().steps {
                if let crate::script::StepKind::Ask { question, .. } = &step.kind
                    && !question.has("zh")
                {
                    panic!(
                        "{}:{}: `{}` has no `ask.zh` after it",
                        d.path, step.line, step.text
                    );
                }
            }
        }
    }

    #[test]
    fn every_built_in_demo_has_a_chinese_title_and_a_chinese_line_for_every_say() {
        use crate::script::StepKind;
        // The parser holds each `say.zh` to its `say`'s `{ROLE.FIELD}`s; here, none is missing.
        for d in DEMOS {
            let s = d.parse().unwrap();
            assert!(s.title.has("zh"), "{}: no `title.zh`", d.path);
            for step in &s.steps {
                if let StepKind::Say { pieces } = &step.kind
                    && !pieces.has("zh")
                {
                    panic!(
                        "{}:{}: `{}` has no `say.zh` after it",
                        d.path, step.line, step.text
                    );
                }
            }
        }
    }

    #[test]
    fn a_near_miss_suggests_the_demo() {
        assert_eq!(closest("zombi"), Some("zombie"));
        assert_eq!(closest("orphn"), Some("orphan"));
        assert_eq!(closest("completely-different"), None);
        let verbs = ["fork", "exit", "wait"].into_iter();
        assert_eq!(closest_of("frok", verbs.clone()), Some("fork"));
        assert_eq!(closest_of("xyzzyplugh", verbs), None);
    }
}
