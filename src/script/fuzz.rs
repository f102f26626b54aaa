//! Fuzzing the script parser: it must never panic, and every rejection must name a line that
//! exists and say what was expected. Deterministic (a fixed xorshift seed), so a failure is
//! replayable; inputs worth keeping go to tests/corpus/ and are checked on every run.

use crate::script::actions::ACTIONS;
use crate::script::demos::DEMOS;
use crate::script::{Script, StepKind, parse};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Words of the language outside its actions, plus near-misses, to splice into scripts. The
/// actions' words come from the registry: [`vocabulary`].
const WORDS: &[&str] = &[
    "runner",
    "parent",
    "child",
    "grandchild",
    "observe",
    "measure",
    "share",
    "until",
    "cpu",
    "await",
    "say",
    "title",
    "title.zh",
    "say.zh",
    "say.fr",
    "ask.zh",
    "say.FR",
    "say.pt-BR",
    "within",
    "done",
    "gone",
    "reparented",
    "parent",
    "Z",
    "S",
    "R",
    "D",
    "T",
    "t",
    "X",
    "&",
    "{",
    "}",
    "{child.pid}",
    "{x.y}",
    "{child.",
    "500ms",
    "0ms",
    "11s",
    "try",
    "tree",
    "expect",
    "region",
    "private_dirty",
    ">=",
    "=",
    "flag",
    "s+",
    "<",
    "Nl",
    "if",
    "permitted",
    "if permitted",
    "s",
    "ms",
    "é",
    "\u{0}",
    "#",
    "\t",
    "  ",
    "🙂",
];

/// Every word to splice: each action's verb and fuzz words from the registry, then [`WORDS`].
fn vocabulary() -> Vec<&'static str> {
    ACTIONS
        .iter()
        .flat_map(|d| std::iter::once(d.verb).chain(d.fuzz.iter().copied()))
        .chain(WORDS.iter().copied())
        .collect()
}

fn check(name: &str, text: &str) {
    let lines = text.lines().count().max(1);
    match parse("fuzz.demo", name, text) {
        Ok(script) => check_script(&script),
        Err(e) => {
            assert!(
                e.line >= 1 && e.line <= lines,
                "line {} outside 1..={lines} for {text:?}: {e}",
                e.line
            );
            assert!(!e.message().trim().is_empty(), "empty message for {text:?}");
            assert!(
                e.to_string()
                    .starts_with(&format!("fuzz.demo:{}: ", e.line))
            );
        }
    }
}

/// What an accepted script must satisfy, whatever it says.
fn check_script(s: &Script) {
    assert_eq!(s.roles[0], "runner");
    assert_eq!(s.roles.len(), s.creator.len());
    assert!(s.roles.len() <= crate::script::limits::MAX_PROCESSES + 1);
    assert!(!s.steps.is_empty() && s.steps.len() <= crate::script::limits::MAX_STEPS);
    let mut names = s.roles.clone();
    names.sort();
    names.dedup();
    assert_eq!(
        names.len(),
        s.roles.len(),
        "duplicate roles in {:?}",
        s.roles
    );
    for step in &s.steps {
        match &step.kind {
            StepKind::Act { role, .. } | StepKind::Await { role, .. } => {
                assert!(*role < s.roles.len())
            }
            StepKind::Observe { roles }
            | StepKind::Measure { roles }
            | StepKind::Inspect { roles }
            | StepKind::Output { roles } => {
                assert!(roles.iter().all(|r| *r < s.roles.len()))
            }
            StepKind::Say { .. } => {}
            StepKind::Expect { role, .. } | StepKind::Ask { role, .. } => {
                assert!(*role < s.roles.len())
            }
            StepKind::EndUnless { role, try_step } => {
                assert!(*role < s.roles.len() && *try_step < s.steps.len())
            }
            StepKind::Share { roles, until, .. } => {
                assert!(roles.iter().all(|r| *r < s.roles.len() && *r != 0));
                assert!(roles.contains(until));
            }
        }
    }
}

fn mutate(rng: &mut Rng, vocabulary: &[&str], text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    for _ in 0..1 + rng.below(4) {
        let n = lines.len();
        match rng.below(8) {
            0 if n > 0 => {
                lines.remove(rng.below(n));
            }
            1 if n > 0 => {
                let l = lines[rng.below(n)].clone();
                lines.insert(rng.below(n + 1), l);
            }
            2 if n > 1 => {
                let (a, b) = (rng.below(n), rng.below(n));
                lines.swap(a, b);
            }
            3 if n > 0 => {
                // Replace one word of a line.
                let i = rng.below(n);
                let mut words: Vec<String> = lines[i].split(' ').map(String::from).collect();
                let w = rng.below(words.len());
                words[w] = vocabulary[rng.below(vocabulary.len())].to_string();
                lines[i] = words.join(" ");
            }
            4 if n > 0 => {
                // Insert a word.
                let i = rng.below(n);
                let word = vocabulary[rng.below(vocabulary.len())];
                lines[i] = format!("{} {word}", lines[i]);
            }
            5 if n > 0 => {
                // Cut a line at a random character.
                let i = rng.below(n);
                let cut = rng.below(lines[i].chars().count() + 1);
                lines[i] = lines[i].chars().take(cut).collect();
            }
            6 => {
                let line: Vec<&str> = (0..1 + rng.below(5))
                    .map(|_| vocabulary[rng.below(vocabulary.len())])
                    .collect();
                lines.insert(rng.below(n + 1), line.join(" "));
            }
            _ => {
                // A random byte somewhere, read as the lossy UTF-8 a user's file might become.
                let mut bytes = lines.join("\n").into_bytes();
                let at = rng.below(bytes.len() + 1);
                bytes.insert(at, rng.next() as u8);
                return String::from_utf8_lossy(&bytes).into_owned();
            }
        }
    }
    lines.join("\n")
}

fn corpus() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| {
                    let bytes = std::fs::read(e.path()).unwrap_or_default();
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        String::from_utf8_lossy(&bytes).into_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn the_regression_corpus_parses_or_is_rejected_cleanly() {
    let corpus = corpus();
    assert!(!corpus.is_empty(), "tests/corpus is empty");
    for (name, text) in corpus {
        check(&name, &text);
    }
}

#[test]
fn mutated_scripts_never_panic_and_every_rejection_names_a_real_line() {
    let iterations: usize = std::env::var("PROCDEMO_FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let seeds: Vec<String> = DEMOS
        .iter()
        .map(|d| d.text.to_string())
        .chain(corpus().into_iter().map(|(_, t)| t))
        .collect();
    let vocabulary = vocabulary();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for i in 0..iterations {
        let seed = &seeds[rng.below(seeds.len())];
        let text = mutate(&mut rng, &vocabulary, seed);
        let result = std::panic::catch_unwind(|| check("fuzz", &text));
        assert!(result.is_ok(), "iteration {i} panicked on:\n{text}");
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..5_000 {
        let len = rng.below(300);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        check("bytes", &String::from_utf8_lossy(&bytes));
    }
}
