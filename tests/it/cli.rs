//! The command line: listing, errors and exit codes, colour, and user scripts.

use crate::util::{TempScript, demo_names, procdemo, procdemo_with, says};

#[test]
fn list_names_every_demo_with_its_title() {
    let run = procdemo(&["list"]);
    assert_eq!(run.code, 0);
    for name in demo_names() {
        let line = run
            .stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name.as_str()));
        let line = line.unwrap_or_else(|| panic!("`{name}` missing from:\n{}", run.stdout));
        assert!(
            line.len() > name.len() + 10,
            "no title for {name}: {line:?}"
        );
    }
}

#[test]
fn an_unknown_demo_is_a_usage_error_with_a_suggestion_and_the_list() {
    let run = procdemo(&["zombi"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty(), "nothing may run: {}", run.stdout);
    assert!(says(&run.stderr, "unknown demo `zombi`"), "{}", run.stderr);
    assert!(
        says(&run.stderr, "Did you mean `zombie`?"),
        "{}",
        run.stderr
    );
    for name in demo_names() {
        assert!(
            says(&run.stderr, &name),
            "{name} not listed: {}",
            run.stderr
        );
    }
}

#[test]
fn an_unknown_flag_is_a_usage_error() {
    let run = procdemo(&["zombie", "--frobnicate"]);
    assert_eq!(run.code, 2);
    assert!(says(&run.stderr, "--frobnicate"), "{}", run.stderr);
}

#[test]
fn help_explains_the_demos_and_the_exit_codes() {
    let run = procdemo(&["--help"]);
    assert_eq!(run.code, 0);
    for word in [
        "zombie",
        "orphan",
        "--explain",
        "--json",
        "Exit codes",
        "procdemo run my.demo",
    ] {
        assert!(
            says(&run.stdout, word),
            "--help lacks {word}:\n{}",
            run.stdout
        );
    }
}

#[test]
fn a_malformed_script_names_file_and_line_and_runs_nothing() {
    let script = TempScript::new(
        "bad.demo",
        b"title bad\nrunner fork parent\nparent fork child\nchild exit 300\n",
    );
    let run = procdemo(&["run", script.arg()]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty(), "nothing may run: {}", run.stdout);
    let expected = format!(
        "procdemo: {}:4: an exit code is a number from 0 to 255, found `300`",
        script.arg()
    );
    assert_eq!(run.stderr.trim(), expected);
}

#[test]
fn a_role_used_before_it_exists_is_rejected_before_anything_runs() {
    let script = TempScript::new("early.demo", b"runner fork parent\nchild exit 1\n");
    let run = procdemo(&["run", script.arg()]);
    assert_eq!(run.code, 2);
    assert!(
        says(&run.stderr, ":2: role `child` does not exist yet"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_missing_or_non_utf8_script_is_a_usage_error() {
    let run = procdemo(&["run", "/nonexistent/x.demo"]);
    assert_eq!(run.code, 2);
    assert!(
        says(&run.stderr, "cannot read the script /nonexistent/x.demo"),
        "{}",
        run.stderr
    );

    let script = TempScript::new("latin1.demo", b"title caf\xe9\nrunner fork p\n");
    let run = procdemo(&["run", script.arg()]);
    assert_eq!(run.code, 2);
    assert!(says(&run.stderr, "not UTF-8 text"), "{}", run.stderr);
}

#[test]
fn a_user_script_runs_like_a_built_in_one() {
    let script = TempScript::new(
        "mine.demo",
        b"title mine\nrunner fork a\na fork b\nb exit 4\nawait b Z\na waitpid b\nawait b gone\n",
    );
    let run = procdemo(&["run", script.arg(), "--stable", "--color", "never"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        says(
            &run.stdout,
            "returned <b> with status 1024: WIFEXITED, WEXITSTATUS = 4"
        ),
        "{}",
        run.stdout
    );
    assert!(
        says(&run.stdout, "ok: every awaited state was observed"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_state_that_never_comes_fails_loudly_with_what_was_seen() {
    let script = TempScript::new("never.demo", b"runner fork p\nawait p Z within 100ms\n");
    let run = procdemo(&["run", script.arg(), "--color", "never"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        says(&run.stdout, "FAILED: awaited `p` to be in state Z"),
        "{}",
        run.stdout
    );
    assert!(
        says(&run.stdout, "was last seen in state S"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_action_that_blocks_without_ampersand_fails_with_a_hint() {
    let script = TempScript::new("blocks.demo", b"runner fork p\np fork c\np waitpid c\n");
    let run = procdemo(&["run", script.arg(), "--color", "never"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        says(&run.stdout, "did not finish `p waitpid c`"),
        "{}",
        run.stdout
    );
    assert!(says(&run.stdout, "end the line with `&`"), "{}", run.stdout);
}

#[test]
fn processes_a_script_leaves_running_are_killed_and_reaped() {
    let script = TempScript::new("leave.demo", b"runner fork p\np fork c\nc fork g\ng spin\n");
    let run = procdemo(&["run", script.arg(), "--color", "never", "--stable"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        says(&run.stdout, "killed and reaped 3 processes"),
        "{}",
        run.stdout
    );
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let coloured = procdemo(&["zombie", "--color", "always"]);
    assert!(
        coloured.stdout.contains("\x1b["),
        "no colour with --color always"
    );
    let plain = procdemo(&["zombie"]);
    assert!(!plain.stdout.contains("\x1b["), "colour when piped");
    let no_color = procdemo_with(&["zombie", "--color", "auto"], &[("NO_COLOR", "1")]);
    assert!(
        !no_color.stdout.contains("\x1b["),
        "colour despite NO_COLOR"
    );
}

#[test]
fn all_runs_every_demo_and_ends_with_a_summary() {
    let run = procdemo(&["all", "--stable", "--color", "never"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let n = demo_names().len();
    assert!(
        says(&run.stdout, &format!("{n} of {n} demos passed")),
        "{}",
        run.stdout
    );
}

#[test]
fn the_total_deadline_stops_a_script_that_runs_too_long() {
    let script = TempScript::new("slow.demo", b"runner fork p\nawait p Z within 10s\n");
    let start = std::time::Instant::now();
    let run = procdemo(&["run", script.arg(), "--timeout", "1", "--color", "never"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(8),
        "the 1 s deadline did not stop it"
    );
    assert!(
        says(
            &run.stdout,
            "before the script's total deadline of 1 s ran out"
        ),
        "{}",
        run.stdout
    );
    let run = procdemo(&["zombie", "--timeout", "21"]);
    assert_eq!(run.code, 2, "a timeout past the 20 s limit is refused");
}

#[test]
fn json_keeps_every_action_even_of_a_role_whose_name_starts_with_say() {
    let script = TempScript::new(
        "sayer.demo",
        b"runner fork sayer\nsayer exit 2\nawait sayer Z\nsay narration\n",
    );
    let run = procdemo(&["run", script.arg(), "--json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let doc: serde_json::Value = serde_json::from_str(run.stdout.trim()).expect("json");
    let steps: Vec<&str> = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["step"].as_str())
        .collect();
    assert_eq!(
        steps,
        ["runner fork sayer", "sayer exit 2", "await sayer Z"],
        "narration only with --explain"
    );
    assert!(
        doc["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["type"] != "say"),
        "{doc}"
    );
}

#[test]
fn a_runner_waitpid_for_a_child_that_never_exits_fails_loudly() {
    let script = TempScript::new("reaper.demo", b"runner fork p\nrunner waitpid p\n");
    let run = procdemo(&["run", script.arg(), "--color", "never"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        says(
            &run.stdout,
            "the runner's waitpid for `p` did not return within 2 s"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_script_read_from_a_pipe_runs_as_checked() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(crate::util::BIN)
        .args(["run", "/dev/stdin", "--stable", "--color", "never"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"runner fork p\np exit 3\nawait p Z\n")
        .unwrap();
    let out = child.wait_with_output().expect("wait");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("holds status 768"), "{stdout}");
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    for args in ["list", "all"] {
        let out = std::process::Command::new("bash")
            .args([
                "-c",
                &format!(
                    "set -o pipefail; {} {args} | head -1 >/dev/null",
                    crate::util::BIN
                ),
            ])
            .output()
            .expect("bash");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args}: {stderr}");
        assert!(
            matches!(out.status.code(), Some(0) | Some(141)),
            "{args}: {:?} {stderr}",
            out.status
        );
    }
}

#[test]
fn an_expectation_the_kernel_does_not_meet_fails_the_demo_with_the_figures() {
    let script = TempScript::new(
        "cow.demo",
        b"runner fork p\np alloc 1MiB\np fork c\nmeasure p c\nexpect c private_dirty = region\n",
    );
    let run = procdemo(&["run", script.arg(), "--color", "never"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        says(
            &run.stdout,
            "FAILED: expected `c`'s private_dirty = the region's size (1024 kB), but the kernel reported 0 kB"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_role_reaped_behind_the_scripts_back_is_never_signalled_by_its_old_pid() {
    // k leads a session with a terminal; when it exits, the kernel hangs up its foreground
    // group and c dies of SIGHUP, which the script never said. The runner reaps c; c's PID
    // is then free for any process, so a later `kill c` must not reach whoever has it now.
    let base = "runner fork k\nk pty\nk fork c\nrunner fork other\nk exit 0\nawait c Z\nrunner waitpid c\n";
    let by_actor = TempScript::new("hup.demo", format!("{base}other kill c TERM\n").as_bytes());
    let run = procdemo(&["run", by_actor.arg(), "--color", "never"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        says(
            &run.stdout,
            "`other` cannot perform `other kill c TERM`: `c` is gone"
        ),
        "{}",
        run.stdout
    );
    // The runner signals through a pidfd: the kernel itself answers that c is gone.
    let by_runner = TempScript::new(
        "hup2.demo",
        format!("{base}runner kill c TERM\n").as_bytes(),
    );
    let run = procdemo(&["run", by_runner.arg(), "--color", "never"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        says(&run.stdout, "kill failed: ESRCH (No such process)"),
        "{}",
        run.stdout
    );
}

#[test]
fn states_passes_whatever_nice_value_procdemo_was_started_with() {
    // SAFETY: geteuid has no preconditions.
    #[allow(unsafe_code)]
    let root = unsafe { libc::geteuid() } == 0;
    let starts: &[&str] = if root {
        &["5", "19", "-5"]
    } else {
        &["5", "19"]
    };
    for n in starts {
        let run = crate::util::run_under(&["nice", "-n", n], &["states", "--json"]);
        assert_eq!(run.code, 0, "nice -n {n}: {}{}", run.stdout, run.stderr);
        if root {
            // The runner starts every run at nice 0, so `proc nice 5` makes it 5.
            let doc: serde_json::Value = serde_json::from_str(run.stdout.trim()).expect("json");
            let niced = doc["events"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["step"] == "proc nice 5")
                .expect("the nice step");
            assert_eq!(niced["result"]["nice"], 5, "nice -n {n}: {niced}");
        }
    }
}

#[test]
fn an_actor_killed_from_outside_mid_action_is_reported_at_once_with_how_it_died() {
    use std::io::Read;
    let script = TempScript::new("killed.demo", b"runner fork p\np fork c\np waitpid c\n");
    let tag = format!("cli-killed-{}", std::process::id());
    crate::common::become_subreaper();
    let mut child = std::process::Command::new(crate::util::BIN)
        .args(["run", script.arg(), "--color", "never"])
        .env("PROCDEMO_TEST_TAG", &tag)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // Wait (polling /proc, with a deadline) until p sleeps inside waitpid, then kill it as the
    // kernel's out-of-memory killer would: SIGKILL.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let p = loop {
        let found = crate::util::leftovers(&tag).iter().find_map(|l| {
            let pid: i32 = l.split(':').next()?.parse().ok()?;
            let waiting = std::fs::read_to_string(format!("/proc/{pid}/wchan")).ok()? == "do_wait";
            (l.contains(": p,") && waiting).then_some(pid)
        });
        if let Some(pid) = found {
            break pid;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "p never blocked in waitpid"
        );
        std::thread::yield_now();
    };
    // SAFETY: kill takes a pid and a signal number.
    #[allow(unsafe_code)]
    unsafe {
        libc::kill(p, libc::SIGKILL)
    };
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(1), "{out}");
    assert!(
        says(
            &out,
            "`p` died while it performed `p waitpid c`, before it could report"
        ) && says(&out, "WTERMSIG = 9 (SIGKILL)"),
        "{out}"
    );
    assert!(!says(&out, "did not finish"), "{out}");
    assert!(crate::util::leftovers(&tag).is_empty());
}

#[test]
fn an_alloc_the_kernel_refuses_stops_the_demo_with_its_answer() {
    let script = TempScript::new(
        "nomem.demo",
        b"runner fork p\np alloc 512MiB\nmeasure p\nexpect p rss = region\n",
    );
    let run = crate::util::run_under(
        &["prlimit", "--as=300000000"],
        &["run", script.arg(), "--color", "never"],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        says(&run.stdout, "mmap failed: ENOMEM (Cannot allocate memory)")
            && says(&run.stdout, "so the demo stops here"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_chinese_locale_makes_chinese_the_default_and_lang_overrides_it() {
    let zh = procdemo_with(&["zombie", "--stable"], &[("LANG", "zh_CN.UTF-8")]);
    assert_eq!(zh.code, 0, "{}", zh.stderr);
    assert!(
        zh.stdout.contains("僵尸态：已退出，尚未被回收"),
        "{}",
        zh.stdout
    );
    assert!(
        zh.stdout.ends_with("成功: 每个等待的状态都观察到了\n"),
        "{}",
        zh.stdout
    );
    // LC_ALL comes first: C is English, whatever LANG says.
    let c = procdemo_with(
        &["zombie", "--stable"],
        &[("LC_ALL", "C"), ("LANG", "zh_CN.UTF-8")],
    );
    assert!(
        c.stdout.contains("zombie: exited, not yet reaped"),
        "{}",
        c.stdout
    );
    // --lang wins over the locale.
    let en = procdemo_with(
        &["zombie", "--stable", "--lang", "en"],
        &[("LANG", "zh_TW")],
    );
    assert!(
        en.stdout.contains("zombie: exited, not yet reaped"),
        "{}",
        en.stdout
    );
}

#[test]
fn python_shows_the_courses_line_under_each_action() {
    let run = procdemo(&["zombie", "--stable", "--python", "--color", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for line in [
        ">>> pid = os.fork()",
        ">>> os._exit(7)",
        ">>> os.waitpid(pid, 0)",
    ] {
        assert!(run.stdout.contains(line), "{line}: {}", run.stdout);
    }
}

#[test]
fn show_prints_a_built_in_script_that_runs_as_a_user_script() {
    for name in demo_names() {
        let run = procdemo(&["show", &name]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let file =
            std::fs::read_to_string(format!("{}/demos/{name}.demo", env!("CARGO_MANIFEST_DIR")))
                .unwrap();
        assert_eq!(run.stdout, file, "{name}");
    }
    // Start your own from it: the printed text runs.
    let shown = procdemo(&["show", "zombie"]);
    let script = TempScript::new("mine.demo", shown.stdout.as_bytes());
    let run = procdemo(&["run", script.arg(), "--stable"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let unknown = procdemo(&["show", "zombi"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("Did you mean `zombie`?"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn explain_lists_its_topics_prints_each_and_rejects_an_unknown_one() {
    let topics = ["states", "stat-flags", "wait-status", "orphan", "sigchld"];
    let list = procdemo(&["explain"]);
    assert_eq!(list.code, 0);
    for t in topics {
        assert!(
            list.stdout.lines().any(|l| l.starts_with(t)),
            "{t}: {}",
            list.stdout
        );
        let run = procdemo_with(&["explain", t], &[("COLUMNS", "80")]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stdout.starts_with(&format!("{t} — ")), "{}", run.stdout);
    }
    let wait = procdemo(&["explain", "wait-status"]);
    assert!(
        says(&wait.stdout, "1792 WIFEXITED, WEXITSTATUS = 7"),
        "{}",
        wait.stdout
    );
    assert!(
        says(&wait.stdout, "15 WIFSIGNALED, WTERMSIG = 15 (SIGTERM)"),
        "{}",
        wait.stdout
    );
    let unknown = procdemo(&["explain", "zombies"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .contains("states, stat-flags, wait-status, orphan, sigchld"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn help_speaks_chinese_with_lang_zh_or_a_chinese_locale() {
    let run = procdemo(&["--lang", "zh", "--help"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for words in [
        "procdemo 创建真实的进程",
        "演示和命令",
        "退出码：",
        "为课堂逐步讲解每一步",
        // The demos' titles, from their `title.zh` lines.
        "父进程退出后，子进程成为孤儿进程，被最近的回收者收养",
        "二次 fork：守护进程脱离它的父进程，不留下僵尸进程",
    ] {
        assert!(
            run.stdout.contains(words),
            "{words:?} missing:\n{}",
            run.stdout
        );
    }
    // `--lang=zh` after the demo, and the locale, say the same.
    let after = procdemo(&["zombie", "--lang=zh", "-h"]);
    assert!(after.stdout.contains("僵尸进程（Z）"), "{}", after.stdout);
    let locale = procdemo_with(&["--help"], &[("LANG", "zh_CN.UTF-8")]);
    assert!(locale.stdout.contains("演示和命令"), "{}", locale.stdout);
    // English stays English.
    let en = procdemo(&["--help"]);
    assert!(en.stdout.contains("Demos and commands"), "{}", en.stdout);
    assert!(!en.stdout.contains("演示"), "{}", en.stdout);
}

#[test]
fn script_errors_speak_chinese_with_file_and_line() {
    for (name, text, line, words) in [
        (
            "verb.demo",
            &b"runner fork parent\nparent frobnicate\n"[..],
            2,
            "未知的动作 `frobnicate`：应当是 fork、exit",
        ),
        (
            "early.demo",
            &b"runner fork parent\nchild exit 1\n"[..],
            2,
            "角色 `child` 还不存在：请先创建它，例如 `runner fork child`（目前的角色：runner、parent）",
        ),
        (
            "code.demo",
            &b"title bad\nrunner fork parent\nparent fork child\nchild exit 300\n"[..],
            4,
            "退出码是 0 到 255 之间的数，这里写的是 `300`",
        ),
    ] {
        let script = TempScript::new(name, text);
        let run = procdemo(&["run", script.arg(), "--lang", "zh"]);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "nothing may run: {}", run.stdout);
        let want = format!("procdemo: {}:{line}: {words}", script.arg());
        assert!(run.stderr.starts_with(&want), "{name}: {}", run.stderr);
    }
}

#[test]
fn an_unknown_demo_and_an_unreadable_script_speak_chinese() {
    let run = procdemo(&["zombi", "--lang", "zh"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("没有名为 `zombi` 的演示。你是想输入 `zombie` 吗？"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("orphan、fork-cow"), "{}", run.stderr);

    let run = procdemo_with(&["run", "/nonexistent/x.demo"], &[("LANG", "zh_CN.UTF-8")]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("无法读取脚本 /nonexistent/x.demo"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unknown_option_and_a_bad_value_are_said_in_chinese_too() {
    let run = procdemo(&["zombie", "--frobnicate", "--lang", "zh"]);
    assert_eq!(run.code, 2);
    assert!(
        says(&run.stderr, "procdemo 没有选项 `--frobnicate`"),
        "{}",
        run.stderr
    );
    let run = procdemo(&["zombie", "--timeout", "99", "--lang", "zh"]);
    assert_eq!(run.code, 2);
    assert!(says(&run.stderr, "不接受值 `99`"), "{}", run.stderr);
}
