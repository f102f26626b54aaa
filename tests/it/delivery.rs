//! Delivery (#19): the conventions of a Rust CLI. Shell completions the shells accept, a
//! manual page that names every demo and exit code, `run -` (a script on standard input),
//! the CLICOLOR rules, `--json` meaning JSON and only JSON, and a `--version` that names its
//! commit. The packages themselves (.deb, wheel) are tested in .ci/packages (root and apt).

use crate::util::{demo_names, procdemo, procdemo_input, procdemo_with};
use std::process::{Command, Stdio};

/// Whether `program` can be run here (a shell that is not installed is skipped, said so).
fn have(program: &str) -> bool {
    Command::new(program)
        .arg("-c")
        .arg("true")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Run `shell` on the text as a file (checked, or sourced, by `args`); its exit status
/// and what it said.
fn shell_on(shell: &str, args: &[&str], text: &str) -> (bool, String) {
    let dir = std::env::temp_dir().join(format!("procdemo-completion-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("procdemo.{shell}"));
    std::fs::write(&file, text).unwrap();
    let out = Command::new(shell)
        .args(args)
        .arg(&file)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    let _ = std::fs::remove_dir(&dir);
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn every_shells_completion_script_is_printed_and_the_installed_shells_accept_it() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = procdemo(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains("procdemo"), "{shell}");
        // Every demo is completed, as every command is.
        for demo in demo_names() {
            assert!(run.stdout.contains(&demo), "{shell} lacks {demo}");
        }
    }
    let bash = procdemo(&["completions", "bash"]).stdout;
    let (ok, said) = shell_on("bash", &["-n"], &bash);
    assert!(ok, "bash -n refused the completion script: {said}");
    for (shell, check) in [("zsh", &["-n"][..]), ("fish", &["--no-execute"])] {
        if have(shell) {
            let text = procdemo(&["completions", shell]).stdout;
            let (ok, said) = shell_on(shell, check, &text);
            assert!(ok, "{shell} refused its completion script: {said}");
        } else {
            eprintln!("skipped: {shell} is not installed, its completion script was not checked");
        }
    }
    let run = procdemo(&["completions", "tcsh"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn bash_completes_a_demo_name_from_its_first_letters() {
    let script = format!(
        "{}\nCOMP_WORDS=(procdemo zo); COMP_CWORD=1; COMP_LINE='procdemo zo'; COMP_POINT=11\n\
         _procdemo procdemo zo procdemo\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        procdemo(&["completions", "bash"]).stdout
    );
    let (ok, said) = shell_on("bash", &[], &script);
    assert!(ok, "{said}");
    assert_eq!(said.trim(), "zombie", "{said}");
}

#[test]
fn the_manual_page_lists_every_demo_and_every_exit_code() {
    let run = procdemo(&["man"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = &run.stdout;
    assert!(page.contains(".TH procdemo 1"), "{page}");
    for section in ["NAME", "SYNOPSIS", "OPTIONS", "\"EXIT STATUS\""] {
        assert!(page.contains(&format!(".SH {section}\n")), "{section}");
    }
    for demo in demo_names() {
        // roff escapes a hyphen: `fork\-cow`.
        let roff = demo.replace('-', "\\-");
        assert!(
            page.contains(&format!("\\fB{roff}\\fR")),
            "{demo} not listed"
        );
    }
    let status = &page[page.find(".SH \"EXIT STATUS\"").unwrap()..];
    for code in ["0", "1", "2", "126", "127", "128+N", "130", "143"] {
        assert!(status.contains(code), "exit code {code} not in\n{status}");
    }
    // man renders it without a warning, where man is installed.
    let man = Command::new("man")
        .args(["--warnings", "-l", "-"])
        .env("MANWIDTH", "80")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    match man {
        Ok(mut child) => {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(page.as_bytes())
                .unwrap();
            let out = child.wait_with_output().unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success() && text.contains("EXIT STATUS"),
                "{text}"
            );
            assert!(text.contains("zombie"), "{text}");
            assert_eq!(String::from_utf8_lossy(&out.stderr), "", "man warned");
        }
        Err(_) => eprintln!("skipped: man is not installed, the page was not rendered"),
    }
}

#[test]
fn a_script_on_standard_input_runs_as_stdin() {
    let script = procdemo(&["show", "zombie"]).stdout;
    let run = procdemo_input(&["run", "-", "--json"], script.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(run.stdout.trim()).expect("one document");
    assert_eq!(doc["demo"], "stdin", "{doc}");
    let text = procdemo_input(&["run", "-", "--stable"], script.as_bytes());
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(text.stdout.starts_with("procdemo stdin"), "{}", text.stdout);
}

#[test]
fn a_malformed_script_on_standard_input_is_refused_at_stdin_and_its_line() {
    let run = procdemo_input(&["run", "-"], b"title t\nrunner fork p\nrunner frok q\n");
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.starts_with("procdemo: stdin:3: "),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn standard_input_keeps_the_limits_of_a_script_file() {
    let big = vec![b'#'; (1 << 20) + 10];
    let run = procdemo_input(&["run", "-"], &big);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("stdin") && run.stderr.contains("1 MiB"),
        "{}",
        run.stderr
    );
    let run = procdemo_input(&["run", "-"], b"title t\n\xff\n");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("stdin: not UTF-8"), "{}", run.stderr);
}

const ESC: char = '\u{1b}';

#[test]
fn clicolor_force_colours_a_pipe_and_clicolor_0_or_no_color_do_not() {
    let coloured = |env: &[(&str, &str)], extra: &[&str]| {
        let mut args = vec!["zombie", "--stable"];
        args.extend(extra);
        let run = procdemo_with(&args, env);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stdout.contains(ESC)
    };
    // Into a pipe: no colour, unless forced.
    assert!(!coloured(&[], &[]));
    assert!(coloured(&[("CLICOLOR_FORCE", "1")], &[]));
    assert!(!coloured(&[("CLICOLOR_FORCE", "0")], &[]));
    assert!(!coloured(&[("CLICOLOR_FORCE", "")], &[]));
    // NO_COLOR beats CLICOLOR_FORCE; CLICOLOR_FORCE beats CLICOLOR=0; --color beats them all.
    assert!(!coloured(
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
        &[]
    ));
    assert!(coloured(&[("CLICOLOR_FORCE", "1"), ("CLICOLOR", "0")], &[]));
    assert!(!coloured(&[("CLICOLOR_FORCE", "1")], &["--color", "never"]));
    assert!(coloured(
        &[("NO_COLOR", "1"), ("CLICOLOR", "0")],
        &["--color=always"]
    ));
}

#[test]
fn clap_help_follows_the_same_colour_decision() {
    let help = |env: &[(&str, &str)], extra: &[&str]| {
        let mut args = vec!["--help"];
        args.extend(extra);
        let run = procdemo_with(&args, env);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stdout.contains(ESC)
    };
    assert!(!help(&[], &[]));
    assert!(help(&[("CLICOLOR_FORCE", "1")], &[]));
    assert!(!help(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], &[]));
    assert!(help(&[], &["--color", "always"]));
}

/// Every line of standard output parses as JSON (one document, or JSON Lines).
fn only_json(args: &[&str]) {
    let run = procdemo(args);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    assert!(!run.stdout.trim().is_empty(), "{args:?} printed nothing");
    for line in run.stdout.lines() {
        assert!(
            serde_json::from_str::<serde_json::Value>(line).is_ok(),
            "{args:?}: not JSON: {line}"
        );
    }
}

#[test]
fn json_on_standard_output_is_json_and_nothing_else() {
    only_json(&["zombie", "--json"]);
    only_json(&["zombie", "--json-events"]);
    only_json(&["orphan", "--json", "--explain", "--timeline", "--python"]);
    only_json(&["quiz", "--seed", "7", "--json"]);
    only_json(&["quiz", "--seed", "7", "--reverse", "--json"]);
    only_json(&["quiz", "--seed", "7", "--json-events"]);
    only_json(&["list", "--json"]);
    let list: serde_json::Value =
        serde_json::from_str(procdemo(&["list", "--json"]).stdout.trim()).unwrap();
    let names: Vec<&str> = list["demos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(sorted, demo_names());
    assert!(list["version"].is_u64());
}

#[test]
fn a_command_that_prints_text_for_people_refuses_json_with_exit_2() {
    for args in [
        &["explain", "--json"][..],
        &["explain", "states", "--json"],
        &["show", "zombie", "--json"],
        &["--json", "man"],
        &["completions", "bash", "--json-events"],
        &["quiz", "--show-script", "--json"],
        &["quiz", "--count", "2", "--json"],
        &["list", "--json-events"],
    ] {
        let run = procdemo(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stdout);
        assert_eq!(run.stdout, "", "{args:?}");
        assert!(
            run.stderr.contains("--json") && run.stderr.contains("not JSON"),
            "{args:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn the_version_names_the_commit_it_was_built_from_in_a_git_checkout() {
    let run = procdemo(&["--version"]);
    assert_eq!(run.code, 0);
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        run.stdout.starts_with(&format!("procdemo {version}")),
        "{}",
        run.stdout
    );
    let checkout = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".git");
    let git = Command::new("git")
        .args([
            "-C",
            env!("CARGO_MANIFEST_DIR"),
            "rev-parse",
            "--short",
            "HEAD",
        ])
        .output();
    match git {
        Ok(out) if checkout.exists() && out.status.success() => {
            let head = String::from_utf8_lossy(&out.stdout).trim().to_string();
            // The build's commit: HEAD, unless a commit came after the build (then a hash).
            let shown = run.stdout.trim();
            let inner = shown
                .split_once('(')
                .and_then(|(_, r)| r.strip_suffix(')'))
                .unwrap_or_else(|| panic!("no commit in {shown}"));
            let hash = inner.trim_end_matches("-dirty");
            assert!(
                hash.len() >= 7 && hash.chars().all(|c| c.is_ascii_hexdigit()),
                "{shown}"
            );
            if hash != head {
                eprintln!("built from {hash}, HEAD is now {head}");
            }
        }
        _ => assert_eq!(run.stdout.trim(), format!("procdemo {version}")),
    }
}
