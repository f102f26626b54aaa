//! Every word procdemo prints comes through its catalogue (`src/render/i18n/`): run in the
//! pseudo-locale `en-XA` (`i18n/pseudo.rs`: English with every message of the catalogue in
//! `⟦…⟧`, a script's own title and `say` lines in `⟪…⟫`), demos, errors, help texts, the list
//! and a watch show no English word outside the brackets, once data is set aside.
//!
//! Data, which no language translates: numbers, PIDs, paths and options; the scripts' own code
//! (the step lines echo it: verbs, role names, arguments; a role's name in a table or a tree),
//! the demos' names, the STAT column (state letters and flags, `gone`), signal names, and a
//! watched program's command names. What a process printed (`output`, in the `┆` gutter) is
//! its own bytes. The words clap prints itself are listed in
//! [`CLAP`] with the reason.

use crate::util::{TempScript, procdemo};
use std::collections::BTreeSet;
use std::path::Path;

/// What clap prints itself, in English in every language: its headings, `[OPTIONS]`,
/// `[possible values: ...]` and `[default: ...]`, and the help of the `-h, --help` flag and the
/// `help` subcommand it adds. They are fixed inside clap (its templates can move them, not
/// translate them); procdemo's own texts around them (the abouts, each option's help, the
/// headings it sets, the command line's errors) come from the catalogue. Placeholders
/// (`<DEMO|COMMAND>`, `<SECONDS>`) are left out as data, and the possible values are codes.
const CLAP: &[&str] = &[
    "Print this message or the help of the given subcommand(s)",
    "Print help (see a summary with '-h')",
    "Print help (see more with '--help')",
    "Print help",
    "Print version",
    "[default: auto]",
    "Usage:",
    "Options:",
    "Arguments:",
    "[OPTIONS]",
    "[possible values:",
    "[default:",
    "auto, always, never",
    "zh, en",
];

/// Other data that looks like words: the command's own name, the STAT column of a process no
/// longer in /proc (`gone`, the same in every language, as the state letters), a PID's role in
/// a live table (`4242 (runner)`), and what `watch -- sh -c 'sleep 0.01 & wait'` runs.
/// The subcommands' names are data too (`help` is clap's), the user scripts' names below
/// (their files' names),.
const DATA: &[&str] = &[
    "procdemo",
    "gone",
    "runner",
    "true",
    "sh",
    "c",
    "sleep",
    "wait",
    "help",
    "list",
    "quiz",
    "show",
    "explain",
    "all",
    "run",
    "replay",
    "watch",
    "completions",
    "man",
    "bad",
    "early",
    "fails",
    "states",
    "stat-flags",
    "wait-status",
    "orphan",
    "sigchld",
    "check",
    "exercises",
    "python",
    "hw",
    "py",
    "zombeis",
    "mine",
];

/// A run of the watch timeline's glyphs (`x` its exit, `Z` zombie, `T` stopped, as the legend
/// explains; `=` and `.` are not letters): `xZ`.
fn glyphs(word: &str) -> bool {
    word.chars().all(|c| "xZTt".contains(c))
}

/// Whether a word is a state letter with ps's STAT flags (`Ss`, `SNl`, `Z`, `R+`).
fn stat(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(|c| "RSDTtZXIPWK".contains(c)) && chars.all(|c| "<NLsl+".contains(c))
}

/// Whether a word is a signal's name, with or without `SIG` (the scripts write `TERM`).
fn signal(word: &str) -> bool {
    let bare = word.strip_prefix("SIG").unwrap_or(word);
    !bare.is_empty()
        && bare.chars().all(|c| c.is_ascii_uppercase())
        && [
            "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR", "SEGV",
            "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
            "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS", "RTMIN",
        ]
        .contains(&bare)
}

/// Every word of the built-in demos' code (not their comments, titles, `say` or `ask` lines,
/// which are narration in the script's language and come out in `⟪…⟫`), and their names.
fn code_words() -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("demos");
    let mut words = BTreeSet::new();
    for entry in std::fs::read_dir(dir).expect("demos/").flatten() {
        let path = entry.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(demo) = name.strip_suffix(".demo") else {
            continue;
        };
        words.extend(tokens(demo));
        let text = std::fs::read_to_string(&path).expect("a demo");
        for line in text.lines() {
            let first = line.split_whitespace().next().unwrap_or("");
            let first = first.split('.').next().unwrap_or("");
            if first.starts_with('#') || ["say", "title", "ask"].contains(&first) {
                continue;
            }
            words.extend(tokens(line));
        }
    }
    words
}

/// The words of a text: runs of ASCII letters (with `_`, `'` and `-` inside), no digits.
fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphabetic() || "_'-".contains(c)))
        .map(|w| w.trim_matches(|c: char| "_'-".contains(c)))
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

/// The text outside every `⟦…⟧` and `⟪…⟫` (nested ones included), with clap's own words
/// ([`CLAP`]), placeholders (`<DEMO|COMMAND>`, `<child>`), options (`--json`, `-o`) and paths
/// (`/proc`, `demos/README.md`) left out: those are data.
fn bare(text: &str) -> String {
    let mut text = text.to_string();
    // clap's `[possible values: ...]` and `[default: ...]` are codes, even where clap wrapped
    // them over two lines.
    for open in ["[possible values:", "[default:"] {
        while let Some(at) = text.find(open) {
            let end = text[at..].find(']').map_or(text.len(), |e| at + e + 1);
            let blank: String = text[at..end]
                .chars()
                .map(|c| if c == '\n' { '\n' } else { ' ' })
                .collect();
            text.replace_range(at..end, &blank);
        }
    }
    for phrase in CLAP {
        text = text.replace(phrase, " ");
    }
    let mut out = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '⟦' | '⟪' => {
                depth += 1;
                out.push(' ');
            }
            '⟧' | '⟫' => {
                depth = depth.saturating_sub(1);
                out.push(' ');
            }
            '\n' => out.push('\n'),
            _ if depth > 0 => out.push(' '),
            _ => out.push(c),
        }
    }
    out.split('\n')
        // What a process wrote (`output`, in the `┆` gutter) is its own bytes; `--python`'s
        // lines (`>>> os.fork()`, and a long one's wrapped rest, indented as far) are code.
        .scan(None, |python: &mut Option<usize>, line| {
            let start = line.trim_start();
            let indent = line.len() - start.len();
            let code = start.starts_with(">>>")
                || python.is_some_and(|at| indent >= at && !start.starts_with(['⟦', '⟪']));
            *python = if start.starts_with(">>>") {
                Some(indent)
            } else if code {
                *python
            } else {
                None
            };
            Some(if code || start.starts_with('┆') {
                ""
            } else {
                line
            })
        })
        .map(|line| {
            line.split_whitespace()
                .filter(|w| !w.starts_with('-') && !w.contains('/') && !placeholder(w))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `<DEMO|COMMAND>`, `<child>`, `<COMMAND>...`, `[TOPIC]`: a placeholder, data.
fn placeholder(word: &str) -> bool {
    let word = word.trim_end_matches(['.', ',', ')']);
    (word.starts_with('<') && word.ends_with('>'))
        || (word.starts_with('[')
            && word.ends_with(']')
            && word[1..word.len() - 1]
                .chars()
                .all(|c| c.is_ascii_uppercase()))
}

/// The English words `text` says outside the brackets that are not data, with their lines.
fn bare_english(text: &str, code: &BTreeSet<String>) -> Vec<String> {
    let mut found = Vec::new();
    for (line, outside) in text.lines().zip(bare(text).lines()) {
        for word in tokens(outside) {
            let data = code.contains(&word)
                || CLAP.contains(&word.as_str())
                || DATA.contains(&word.as_str())
                || stat(&word)
                || glyphs(&word)
                || signal(&word);
            if !data {
                found.push(format!("`{word}` in: {line}"));
            }
        }
    }
    found
}

/// Run procdemo in the pseudo-locale and check all it printed.
fn check(args: &[&str], code: &BTreeSet<String>) -> crate::util::Run {
    let mut all = vec!["--lang", "en-XA"];
    all.extend_from_slice(args);
    let run = procdemo(&all);
    for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        let found = bare_english(text, code);
        assert!(
            found.is_empty(),
            "procdemo {args:?} printed English outside the catalogue on {stream}:\n{}",
            found.join("\n")
        );
    }
    assert!(
        [&run.stdout, &run.stderr]
            .iter()
            .any(|t| t.contains(['⟦', '⟪'])),
        "procdemo {args:?} said nothing through the catalogue:\n{}{}",
        run.stdout,
        run.stderr
    );
    run
}

#[test]
fn the_pseudo_locale_finds_bare_english_and_passes_data() {
    let code = BTreeSet::from(["parent".to_string()]);
    assert!(bare_english("⟦fork() returned ⟦<child>⟧⟧ ⟪said ⟦7⟧⟫", &code).is_empty());
    assert!(bare_english("  3  parent  SNl  --json /proc/1 ⟦ok⟧", &code).is_empty());
    let found = bare_english("⟦ok⟧ but this is bare\n⟦fine⟧", &code);
    assert_eq!(found.len(), 4, "{found:?}");
    assert!(found[0].starts_with("`but`"), "{found:?}");
}

#[test]
fn every_demo_speaks_only_through_the_catalogue() {
    let code = code_words();
    for args in [
        &["all", "--stable", "--explain"][..],
        &["all", "--explain", "--python"],
        &["zombie", "--explain", "--tree", "--answers"],
    ] {
        let run = check(args, &code);
        assert_eq!(run.code, 0, "{args:?}:\n{}{}", run.stdout, run.stderr);
    }
}

#[test]
fn every_error_speaks_only_through_the_catalogue() {
    let code = code_words();
    // An unknown demo, an unknown option, a missing file: usage errors.
    for args in [
        &["zombi"][..],
        &["--frobnicate"],
        &["run", "/nonexistent/x.demo"],
    ] {
        assert_eq!(check(args, &code).code, 2, "{args:?}");
    }
    // A malformed script, and one whose role does not exist yet: rejected before they run.
    let bad = TempScript::new("bad.demo", b"runner fork parent\nparent exit 300\n");
    assert_eq!(check(&["run", bad.arg()], &code).code, 2);
    let early = TempScript::new("early.demo", b"runner fork parent\nchild exit 1\n");
    assert_eq!(check(&["run", early.arg()], &code).code, 2);
    // A demo that fails: a state that never comes.
    let fails = TempScript::new(
        "fails.demo",
        b"runner fork parent\nparent fork child\nawait child Z within 50ms\n",
    );
    assert_eq!(check(&["run", fails.arg()], &code).code, 1);
}

#[test]
fn help_list_and_explain_speak_only_through_the_catalogue() {
    let code = code_words();
    for args in [
        &["--help"][..],
        &["-h"],
        &["list"],
        &["explain"],
        &["explain", "states"],
        &["explain", "wait-status"],
        &["explain", "sigchld"],
    ] {
        assert_eq!(check(args, &code).code, 0, "{args:?}");
    }
    for command in [
        "list",
        "quiz",
        "show",
        "explain",
        "all",
        "run",
        "replay",
        "watch",
        "zombie",
        "completions",
        "man",
    ] {
        assert_eq!(check(&["help", command], &code).code, 0, "help {command}");
    }
}

#[test]
fn a_watch_report_speaks_only_through_the_catalogue() {
    let code = code_words();
    assert_eq!(check(&["watch", "--", "true"], &code).code, 0);
    let run = check(&["watch", "--", "sh", "-c", "sleep 0.01 & wait"], &code);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn exercises_and_a_check_speak_only_through_the_catalogue() {
    // The tasks' names are data (their titles, texts and hints are the tasks' own words, in
    // `⟪…⟫`); the Python program the check runs prints nothing.
    let mut code = code_words();
    let tasks = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tasks");
    for entry in std::fs::read_dir(tasks).expect("tasks/").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        code.extend(tokens(name.trim_end_matches(".task")));
    }
    assert_eq!(check(&["exercises"], &code).code, 0);
    assert_eq!(check(&["exercises", "zombie"], &code).code, 0);
    assert_eq!(check(&["help", "check"], &code).code, 0);
    assert_eq!(check(&["help", "exercises"], &code).code, 0);
    // A check that fails (no child at all): ✗, what was seen, a hint, the outcome.
    let run = check(&["check", "zombie", "--", "true"], &code);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // A task file that names an unknown property, an unknown task: usage errors.
    let bad = TempScript::new("mine.task", b"title Mine\ncheck zombeis = 0\n");
    assert_eq!(check(&["check", bad.arg(), "--", "true"], &code).code, 2);
    assert_eq!(check(&["exercises", "zombi"], &code).code, 2);
}

#[test]
fn a_quiz_speaks_only_through_the_catalogue() {
    // The generated exercise's roles are letters (`a forks b`): data, as a demo's role names.
    let mut code = code_words();
    code.extend(('a'..='z').map(String::from));
    for args in [
        &["quiz", "--seed", "3"][..],
        &["quiz", "--seed", "3", "--reverse"],
    ] {
        assert_eq!(check(args, &code).code, 0, "{args:?}");
    }
}
