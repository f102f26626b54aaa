//! Shared helpers: run the binary, and check that a run left nothing behind.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

pub const BIN: &str = env!("CARGO_BIN_EXE_procdemo");

/// The Python interpreter itself, not a wrapper script (pyenv's `python3` is a shell script
/// that runs a dozen processes before Python starts: true, but not what most tests check).
pub fn python() -> String {
    let out = Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .expect("python3 must be installed for these tests (Debian package python3)");
    assert!(out.status.success(), "python3 -c failed");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

static RUNS: AtomicUsize = AtomicUsize::new(0);

/// A tag no other run has: it goes into the environment of the front end, and so of the
/// runner and of every actor they create.
pub fn fresh_tag() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        RUNS.fetch_add(1, Ordering::SeqCst)
    )
}

/// Run procdemo with these arguments (colour off unless asked) and check it left nothing.
pub fn procdemo(args: &[&str]) -> Run {
    procdemo_with(args, &[])
}

pub fn procdemo_with(args: &[&str], env: &[(&str, &str)]) -> Run {
    run_tagged(Command::new(BIN), args, env)
}

/// Run procdemo under another program (`strace -f ...`, `gdb ... --args`): `prefix` is that
/// program and its arguments up to where procdemo's own begin (gdb's prefix ends with the
/// binary itself); the procdemo binary is added when the prefix does not name it.
pub fn run_under(prefix: &[&str], args: &[&str]) -> Run {
    let mut cmd = Command::new(prefix[0]);
    cmd.args(&prefix[1..]);
    if !prefix.contains(&BIN) {
        cmd.arg(BIN);
    }
    run_tagged(cmd, args, &[])
}

/// Run procdemo with `input` on its standard input (`procdemo run -`).
pub fn procdemo_input(args: &[&str], input: &[u8]) -> Run {
    run_tagged_input(Command::new(BIN), args, &[], Some(input))
}

fn run_tagged(cmd: Command, args: &[&str], env: &[(&str, &str)]) -> Run {
    run_tagged_input(cmd, args, env, None)
}

fn run_tagged_input(
    mut cmd: Command,
    args: &[&str],
    env: &[(&str, &str)],
    input: Option<&[u8]>,
) -> Run {
    crate::common::become_subreaper();
    let tag = fresh_tag();
    cmd.args(args)
        .env("PROCDEMO_TEST_TAG", &tag)
        .env_remove("NO_COLOR")
        // Nor does a tester's CLICOLOR_FORCE colour a snapshot.
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        // English unless a test asks otherwise: a tester's Chinese locale changes no snapshot.
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = match input {
        None => cmd.output().expect("run procdemo"),
        Some(input) => {
            use std::io::Write;
            let mut child = cmd
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("run procdemo");
            // Written from this thread, then closed: a script is small (the pipe holds it,
            // or procdemo reads while this writes; procdemo reads all before it writes much).
            let mut stdin = child.stdin.take().expect("piped");
            let _ = stdin.write_all(input);
            drop(stdin);
            child.wait_with_output().expect("wait for procdemo")
        }
    };
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    let left = leftovers(&tag);
    assert!(
        left.is_empty(),
        "procdemo {args:?} left processes behind: {left:?}\nstdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
    run
}

pub use crate::common::leftovers;

/// Whether `text` says `words`, however the terminal width wrapped it: runs of white space
/// (line breaks and the hanging indents of a wrapped message) count as one space.
pub fn says(text: &str, words: &str) -> bool {
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    flat(text).contains(&flat(words))
}

/// A script file in a fresh temporary directory (removed when the value is dropped).
pub struct TempScript {
    dir: PathBuf,
    pub path: PathBuf,
}

impl TempScript {
    pub fn new(name: &str, contents: &[u8]) -> TempScript {
        let dir = std::env::temp_dir().join(format!("procdemo-test-{}", fresh_tag()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(name);
        std::fs::write(&path, contents).expect("write script");
        TempScript { dir, path }
    }

    pub fn arg(&self) -> &str {
        self.path.to_str().expect("utf-8 temp path")
    }
}

impl Drop for TempScript {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The built-in demo names, from the files in demos/.
pub fn demo_names() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("demos");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("demos/")
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".demo")
                .map(String::from)
        })
        .collect();
    names.sort();
    names
}

/// A built-in demo's script text, from demos/NAME.demo.
pub fn demo_text(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("demos/{name}.demo"));
    std::fs::read_to_string(path).expect("demos/NAME.demo")
}

/// A demo's `--json` document (the run must pass).
pub fn json(demo: &str) -> serde_json::Value {
    let run = procdemo(&[demo, "--json"]);
    json_of(demo, &run)
}

/// The JSON document a passing run printed.
pub fn json_of(demo: &str, run: &Run) -> serde_json::Value {
    assert_eq!(run.code, 0, "{demo}: {}{}", run.stdout, run.stderr);
    serde_json::from_str(run.stdout.trim()).expect("one JSON document")
}

/// A role's PID in a `--json` document.
pub fn pid_of(doc: &serde_json::Value, role: &str) -> i64 {
    doc["roles"]
        .as_array()
        .and_then(|roles| roles.iter().find(|r| r["role"] == role))
        .and_then(|r| r["pid"].as_i64())
        .unwrap_or_else(|| panic!("no pid for {role}"))
}

/// The `n`th event (from 0) of the step written `step` in a `--json` document.
pub fn nth_event<'a>(doc: &'a serde_json::Value, step: &str, n: usize) -> &'a serde_json::Value {
    doc["events"]
        .as_array()
        .and_then(|e| e.iter().filter(|e| e["step"] == step).nth(n))
        .unwrap_or_else(|| panic!("no step {step:?} number {n}"))
}
