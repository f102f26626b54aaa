//! `--step` as a person uses it: in a real terminal (tmux), keys sent with `send-keys`, the
//! screen read with `capture-pane`, and `ps` run in a second pane while the run is paused.
//! Each test has a tmux server of its own (`-L`), and checks that nothing is left behind.
//!
//! A test binary of its own, like tests/faults.rs: it is a child subreaper, so the tmux
//! server (which detaches from its client) and whatever a closed terminal orphans come to it,
//! and its tests run one at a time and reap every child they get, which a test binary whose
//! tests run in parallel could not do without stealing another test's.

mod common;
use common::leftovers;
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_procdemo");
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    let guard = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    common::become_subreaper();
    guard
}

/// Whether `text` says `words`, however the terminal wrapped it.
fn says(text: &str, words: &str) -> bool {
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    flat(text).contains(&flat(words))
}

/// Reap every child this process has been given (the tests run one at a time).
fn reap_all() {
    loop {
        let mut status = 0;
        // SAFETY: status is a valid int to write to.
        if unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) } <= 0 {
            return;
        }
    }
}

/// The lines of a built-in demo's steps that a `--step` run pauses before, in order: every
/// line but blank ones, comments, titles, narration and questions.
fn step_lines(demo: &str) -> Vec<usize> {
    let text = std::fs::read_to_string(format!("{}/demos/{demo}.demo", env!("CARGO_MANIFEST_DIR")))
        .expect("demo file");
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let word = l.split_whitespace().next().unwrap_or("");
            !(word.is_empty()
                || word.starts_with('#')
                || ["say", "say.zh", "title", "title.zh", "ask", "ask.zh"].contains(&word))
        })
        .map(|(i, _)| i + 1)
        .collect()
}

/// A script file in a fresh directory.
/// A script file in a directory of this test process's own, removed with the guard.
fn script(name: &str, text: &str) -> common::TempFile {
    common::temp_file("procdemo-terminal", name, text)
}

/// A tmux server of the test's own, with one session running procdemo.
struct Tmux {
    socket: String,
    exit_file: std::path::PathBuf,
}

impl Tmux {
    /// Whether tmux is installed; a test that needs it says why it did not run.
    fn available() -> bool {
        let ok = Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!("skipped: tmux is not installed (.ci/run installs it)");
        }
        ok
    }

    fn start(name: &str, tag: &str, args: &str) -> Tmux {
        Tmux::start_line(name, tag, &format!("{args} --color never"))
    }

    /// procdemo with these arguments as they are (`watch ... -- PROGRAM`, where a trailing
    /// `--color` would go to the program).
    fn start_line(name: &str, tag: &str, args: &str) -> Tmux {
        Tmux::start_sized(name, tag, args, (110, 60))
    }

    /// procdemo in a terminal of this many columns and rows (a projector: 80×24).
    fn start_sized(name: &str, tag: &str, args: &str, (columns, rows): (u16, u16)) -> Tmux {
        let socket = format!("procdemo-{name}-{}", std::process::id());
        let exit_file = std::env::temp_dir().join(format!("{socket}.exit"));
        let _ = std::fs::remove_file(&exit_file);
        // The shell catches SIGINT (a handler, which exec resets: procdemo gets SIGINT's
        // default) so that a Ctrl-C for procdemo does not end the shell before it writes
        // procdemo's exit code.
        let command = format!(
            "trap : INT; env PROCDEMO_TEST_TAG={tag} {BIN} {args}; echo $? > {}",
            exit_file.display()
        );
        // The pane stays on the screen after procdemo exits, to be read.
        // tmux runs a pane's command with the user's shell: a system account's may be
        // nologin, so name a real one.
        let ok = Command::new("tmux")
            .env("SHELL", "/bin/sh")
            .args([
                "-L",
                &socket,
                "new-session",
                "-d",
                "-x",
                &columns.to_string(),
                "-y",
                &rows.to_string(),
                &command,
            ])
            .args([";", "set-option", "-g", "remain-on-exit", "on"])
            .status()
            .expect("tmux");
        assert!(ok.success(), "tmux new-session");
        Tmux { socket, exit_file }
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self, pane: &str) -> String {
        self.tmux(&["capture-pane", "-p", "-J", "-S", "-200", "-t", pane])
    }

    /// Wait (polling the screen, with a deadline) until `pane` shows `text`.
    fn wait_for(&self, pane: &str, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let screen = self.screen(pane);
            if says(&screen, text) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "never saw {text:?} in:\n{screen}"
            );
            std::thread::yield_now();
        }
    }

    fn keys(&self, keys: &str) {
        self.tmux(&["send-keys", "-t", "0.0", keys]);
    }

    /// procdemo's exit code, once it has exited.
    fn exit_code(&self) -> i32 {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(text) = std::fs::read_to_string(&self.exit_file)
                && let Ok(code) = text.trim().parse()
            {
                return code;
            }
            assert!(
                Instant::now() < deadline,
                "procdemo never exited:\n{}",
                self.screen("0.0")
            );
            std::thread::yield_now();
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
        let _ = std::fs::remove_file(&self.exit_file);
        reap_all();
    }
}

/// Wait (polling /proc, reaping what comes to this process, with a deadline) until nothing
/// tagged `tag` is left.
fn assert_nothing_left(tag: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        reap_all();
        let left = leftovers(tag);
        if left.is_empty() {
            return;
        }
        assert!(Instant::now() < deadline, "left behind: {left:?}");
        std::thread::yield_now();
    }
}

#[test]
fn paused_at_a_zombie_ps_in_a_second_pane_finds_it_and_q_quits_cleanly() {
    let _serial = serial();
    if !Tmux::available() {
        return;
    }
    let tag = format!("step-zombie-{}", std::process::id());
    let t = Tmux::start("zombie", &tag, "zombie --step");
    let lines = step_lines("zombie");
    t.wait_for(
        "0.0",
        &format!("next, line {}: runner fork parent", lines[0]),
    );
    // runner fork, parent fork, observe, child exit, await child Z: five steps, five keys (the
    // questions between them are not asked without --predict).
    for &line in &lines[1..=5] {
        t.keys("Enter");
        t.wait_for("0.0", &format!("next, line {line}:"));
    }
    let screen = t.screen("0.0");
    assert!(
        says(&screen, "Z zombie: exited, not yet reaped"),
        "{screen}"
    );
    // The pause offers a ready command: run it, as a student would, in another pane.
    let ps = screen
        .lines()
        .rev()
        .find_map(|l| {
            let at = l.find("ps -o pid,ppid,stat,comm -p ")?;
            let pids = l[at..].split_whitespace().nth(4)?;
            Some(format!("ps -o pid,ppid,stat,comm -p {pids}"))
        })
        .expect("a ready ps command");
    t.tmux(&["split-window", "-d", "-t", "0.0", &ps]);
    let second = t.wait_for("0.1", "child");
    assert!(
        second
            .lines()
            .any(|l| l.contains(" Z ") && l.trim_end().ends_with("child")),
        "ps in the second pane shows the zombie named child:\n{second}"
    );
    assert!(
        second.lines().any(|l| l.trim_end().ends_with("parent")),
        "{second}"
    );
    t.keys("q");
    assert_eq!(t.exit_code(), 130, "{}", t.screen("0.0"));
    t.wait_for("0.0", "quit at a pause");
    assert_nothing_left(&tag);
}

#[test]
fn at_80x24_a_step_pause_is_two_lines_that_go_and_its_ps_command_runs_as_copied() {
    let _serial = serial();
    if !Tmux::available() {
        return;
    }
    let tag = format!("step-80x24-{}", std::process::id());
    let t = Tmux::start_sized("projector", &tag, "zombie --step --color never", (80, 24));
    let lines = step_lines("zombie");
    t.wait_for("0.0", &format!("next, line {}:", lines[0]));
    for &line in &lines[1..=6] {
        t.keys("Enter");
        t.wait_for("0.0", &format!("next, line {line}:"));
    }
    // Only what the projector shows: the visible 24 rows.
    let visible = t.tmux(&["capture-pane", "-p", "-t", "0.0"]);
    let steps = visible
        .lines()
        .filter(|l| {
            let l = l.trim_start();
            l.split_once("  ")
                .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        })
        .count();
    assert!(
        steps >= 5,
        "only {steps} steps fit on the screen:\n{visible}"
    );
    // Every earlier pause was erased: one prompt on the screen, the last line but one.
    assert_eq!(visible.matches("next, line").count(), 1, "{visible}");
    assert!(
        visible.lines().all(|l| l.chars().count() <= 80),
        "{visible}"
    );
    // The ps command is a line of its own: copied as it stands, it runs.
    let command = visible
        .lines()
        .find_map(|l| l.strip_prefix("  ps -o "))
        .map(|rest| format!("ps -o {}", rest.split("   ").next().unwrap()))
        .expect("a ready ps command");
    let words: Vec<&str> = command.split_whitespace().collect();
    let out = Command::new(words[0])
        .args(&words[1..])
        .output()
        .expect("ps");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{command}: {text}");
    assert!(
        text.lines()
            .any(|l| l.contains(" Z") && l.trim_end().ends_with("child")),
        "{command}:\n{text}"
    );
    t.keys("q");
    assert_eq!(t.exit_code(), 130, "{}", t.screen("0.0"));
    assert_nothing_left(&tag);
}

#[test]
fn help_and_list_fit_an_80_column_terminal_and_help_watch_lists_only_its_own_options() {
    use unicode_width::UnicodeWidthStr;
    let _serial = serial();
    if !Tmux::available() {
        return;
    }
    for (n, args) in [
        "-h",
        "--help",
        "list",
        "help watch",
        "help zombie",
        "help quiz",
        "--lang zh -h",
        "--lang zh list",
        "--lang zh help watch",
    ]
    .iter()
    .enumerate()
    {
        let tag = format!("help-{n}-{}", std::process::id());
        let t = Tmux::start_sized(&format!("help{n}"), &tag, args, (80, 200));
        assert_eq!(t.exit_code(), 0, "{args}: {}", t.screen("0.0"));
        // Joined as printed: a line the terminal had to wrap (breaking a word) is longer.
        let text = t.screen("0.0");
        let text = text.trim_end();
        assert!(text.lines().count() > 5, "{args}:\n{text}");
        let wide: Vec<&str> = text.lines().filter(|l| l.width() > 80).collect();
        assert!(wide.is_empty(), "{args}: wider than 80 columns: {wide:#?}");
        if args.ends_with("help watch") {
            for refused in ["--explain", "--stable", "--step", "--predict", "--timeout"] {
                assert!(
                    !text
                        .lines()
                        .any(|l| l.starts_with(" ") && l.trim_start().starts_with(refused)),
                    "{args} lists {refused}, which watch refuses:\n{text}"
                );
            }
            assert!(text.contains("--max-procs"), "{text}");
        }
    }
}

#[test]
fn c_runs_the_rest_without_pausing() {
    let _serial = serial();
    if !Tmux::available() {
        return;
    }
    let tag = format!("step-rest-{}", std::process::id());
    let t = Tmux::start("rest", &tag, "zombie --step");
    let lines = step_lines("zombie");
    t.wait_for("0.0", &format!("next, line {}:", lines[0]));
    t.keys("Enter");
    t.wait_for("0.0", &format!("next, line {}:", lines[1]));
    t.keys("c");
    assert_eq!(t.exit_code(), 0, "{}", t.screen("0.0"));
    // The screen catches up with the terminal's output in its own time.
    let screen = t.wait_for("0.0", "ok: every awaited state was observed");
    assert!(
        !says(&screen, &format!("next, line {}:", lines[2])),
        "no pause after c:\n{screen}"
    );
    assert_nothing_left(&tag);
}

#[test]
fn a_terminal_closed_during_a_pause_leaves_nothing_behind() {
    let _serial = serial();
    if !Tmux::available() {
        return;
    }
    let tag = format!("step-hup-{}", std::process::id());
    let t = Tmux::start("hup", &tag, "zombie --step");
    let lines = step_lines("zombie");
    t.wait_for("0.0", &format!("next, line {}:", lines[0]));
    for &line in &lines[1..=4] {
        t.keys("Enter");
        t.wait_for("0.0", &format!("next, line {line}:"));
    }
    assert!(
        leftovers(&tag).len() >= 3,
        "front end, runner, parent, child alive"
    );
    t.tmux(&["kill-server"]);
    assert_nothing_left(&tag);
}

#[test]
fn a_pause_longer_than_the_total_deadline_does_not_count_against_it() {
    let _serial = serial();
    if !Tmux::available() {
        return;
    }
    let script = script(
        "paused.demo",
        "runner fork p\np exit 0\nawait p Z within 100ms\n",
    );
    let tag = format!("step-deadline-{}", std::process::id());
    let t = Tmux::start(
        "deadline",
        &tag,
        &format!("run {} --timeout 1 --step", script.display()),
    );
    t.wait_for("0.0", "next, line 1:");
    t.keys("Enter");
    t.wait_for("0.0", "next, line 2:");
    t.keys("Enter");
    t.wait_for("0.0", "next, line 3: await p Z within 100ms");
    // A class looks for 1.5 s: longer than the script's total deadline (1 s).
    let looked = Instant::now();
    while looked.elapsed() < Duration::from_millis(1500) {
        std::thread::yield_now();
    }
    t.keys("Enter");
    assert_eq!(t.exit_code(), 0, "{}", t.screen("0.0"));
    assert_nothing_left(&tag);
}

#[test]
fn predict_asks_on_the_terminal_then_reveals_what_the_kernel_showed_and_scores() {
    let _serial = serial();
    if !Tmux::available() {
        return;
    }
    let tag = format!("predict-{}", std::process::id());
    let t = Tmux::start("predict", &tag, "zombie --predict");
    t.wait_for("0.0", "What state will /proc show for the child?");
    t.keys("z");
    t.keys("Enter");
    t.wait_for(
        "0.0",
        "What exit code does the child hold for its parent now?",
    );
    t.keys("0");
    t.keys("Enter");
    t.wait_for("0.0", "What is left of the child in /proc?");
    t.keys("gone");
    t.keys("Enter");
    assert_eq!(t.exit_code(), 0, "{}", t.screen("0.0"));
    // The screen catches up with the terminal's output in its own time: wait for the end.
    let screen = t.wait_for("0.0", "score:");
    assert!(
        says(&screen, "✓ right: you said z, and the kernel showed Z"),
        "{screen}"
    );
    assert!(
        says(&screen, "✗ you said 0; the kernel showed 7"),
        "{screen}"
    );
    assert!(says(&screen, "score: 2 of 3 right"), "{screen}");
    assert_nothing_left(&tag);
}

#[test]
fn predict_grades_a_pid_and_a_letter_with_its_name_right_and_asks_again_after_an_empty_line() {
    let _serial = serial();
    if !Tmux::available() {
        return;
    }
    let tag = format!("predict-pid-{}", std::process::id());
    let t = Tmux::start("predict-pid", &tag, "orphan --predict");
    let screen = t.wait_for("0.0", "Who is the child's parent now?");
    // The runner's PID, as a student reads it in the PPID column: `4615 (runner)`.
    let runner = screen
        .lines()
        .find_map(|l| l.split_once(" (runner)").map(|(before, _)| before))
        .and_then(|before| before.split_whitespace().last())
        .expect("a PPID column naming the runner")
        .to_string();
    // An empty answer is no answer: the question comes again, and nothing is graded.
    t.keys("Enter");
    let screen = t.wait_for("0.0", "your answer (then Enter):");
    assert!(!says(&screen, "you said ;"), "{screen}");
    t.keys(&runner);
    t.keys("Enter");
    let screen = t.wait_for("0.0", "What state is it in?");
    // The reveal sits right under the step that answered it, before the next step.
    let lines: Vec<&str> = screen.lines().collect();
    let reveal = lines
        .iter()
        .position(|l| l.contains(&format!("right: you said {runner}")))
        .unwrap_or_else(|| panic!("no right answer for {runner}:\n{screen}"));
    let answered = lines
        .iter()
        .position(|l| l.contains("await child reparented"))
        .expect("the step that answers");
    let next = lines
        .iter()
        .position(|l| l.contains("observe child runner"))
        .expect("the step after it");
    assert!(answered < reveal && reveal < next, "{screen}");
    t.keys("Z (zombie)");
    t.keys("Enter");
    assert_eq!(t.exit_code(), 0, "{}", t.screen("0.0"));
    let screen = t.wait_for("0.0", "score:");
    assert!(says(&screen, "right: you said Z (zombie)"), "{screen}");
    assert!(says(&screen, "score: 2 of 2 right"), "{screen}");
    assert_nothing_left(&tag);
}

/// A Python program for `procdemo watch` in a terminal, in a fresh directory (removed with it).
fn python_program(name: &str, text: &str) -> common::TempFile {
    script(name, text)
}

#[test]
fn watch_leaves_the_terminal_to_the_program_and_reports_what_its_child_did() {
    let _serial = serial();
    if !Tmux::available() {
        return;
    }
    let tag = format!("watch-input-{}", std::process::id());
    // The program asks for a line on the terminal, forks a child that exits with the line's
    // length, and waits for it.
    let program = python_program(
        "ask.py",
        "import os\nline = input('your word? ')\npid = os.fork()\nif pid == 0:\n    \
         os._exit(len(line))\nos.waitpid(pid, 0)\nos.write(1, b'child %d done\\n' % pid)\n",
    );
    let t = Tmux::start_line(
        "watch-input",
        &tag,
        &format!("watch --color never -- python3 {}", program.display()),
    );
    t.wait_for("0.0", "your word?");
    t.keys("hello");
    t.keys("Enter");
    assert_eq!(t.exit_code(), 0, "{}", t.screen("0.0"));
    let screen = t.wait_for("0.0", "Timeline");
    // The program's line is one write() (os.write), so procdemo's report, on the same
    // terminal, cannot split it; print() may write its words apart.
    let child = screen
        .split("child ")
        .skip(1)
        .find_map(|rest| {
            let (pid, tail) = rest.split_once(' ')?;
            (tail.starts_with("done") && pid.parse::<u32>().is_ok()).then_some(pid)
        })
        .unwrap_or_else(|| panic!("the program did not print its child:\n{screen}"));
    // procdemo saw the child the program made, with the exit code the typed word gave it.
    assert!(
        says(&screen, &format!("{child} (python3) exits: exit code 5")),
        "{screen}"
    );
    assert!(says(&screen, "procdemo exits with its code"), "{screen}");
    assert_nothing_left(&tag);
}

#[test]
fn watch_ctrl_c_ends_the_program_and_its_family_and_leaves_nothing() {
    let _serial = serial();
    if !Tmux::available() {
        return;
    }
    let tag = format!("watch-ctrl-c-{}", std::process::id());
    // A parent and a child that both wait for ever on the terminal and on a pipe.
    let program = python_program(
        "wait.py",
        "import os\nr, w = os.pipe()\npid = os.fork()\nif pid == 0:\n    os.read(r, 1)\n    \
         os._exit(0)\nprint('waiting', pid, flush=True)\ninput()\n",
    );
    let t = Tmux::start_line(
        "watch-ctrl-c",
        &tag,
        &format!("watch --color never -- python3 {}", program.display()),
    );
    t.wait_for("0.0", "waiting");
    t.keys("C-c");
    let code = t.exit_code();
    assert_eq!(code, 130, "{}", t.screen("0.0"));
    assert_nothing_left(&tag);
}

/// A 1,500-character line is one answer (it was three: the terminal hands a long line over
/// in pieces), and what was typed ahead and not read does not run in the shell after
/// procdemo ends: the terminal's pending input is flushed at exit.
#[test]
fn predict_takes_a_long_line_as_one_answer_and_leaves_no_typed_ahead_input_to_the_shell() {
    let _serial = serial();
    if !Tmux::available() {
        return;
    }
    let tag = format!("predict-long-{}", std::process::id());
    let rest = std::env::temp_dir().join(format!("procdemo-rest-{}", std::process::id()));
    let _ = std::fs::remove_file(&rest);
    // After procdemo, read what the terminal still holds (non-canonical: a read that waits
    // at most 1 s) into a file.
    let t = Tmux::start_line(
        "predict-long",
        &tag,
        &format!(
            "zombie --predict --color never; stty -icanon min 0 time 10; cat > {}; stty sane",
            rest.display()
        ),
    );
    t.wait_for("0.0", "What state will /proc show for the child?");
    t.tmux(&["send-keys", "-t", "0.0", "-l", &"z".repeat(1500)]);
    t.keys("Enter");
    t.wait_for(
        "0.0",
        "What exit code does the child hold for its parent now?",
    );
    t.keys("7");
    t.keys("Enter");
    t.wait_for("0.0", "What is left of the child in /proc?");
    // The answer and, in the same write to the terminal, a line typed ahead.
    t.tmux(&[
        "send-keys",
        "-t",
        "0.0",
        "gone",
        "Enter",
        "echo typed-ahead",
        "Enter",
    ]);
    let screen = t.wait_for("0.0", "score:");
    assert!(says(&screen, "score: 2 of 3 right"), "{screen}");
    t.exit_code();
    let left = std::fs::read_to_string(&rest).unwrap_or_default();
    let _ = std::fs::remove_file(&rest);
    assert!(
        !left.contains("typed-ahead"),
        "left for the shell: {left:?}"
    );
    assert_nothing_left(&tag);
}

/// Ctrl-Z at a `--step` pause, then `fg`: the shell put the terminal back in its own mode
/// meanwhile (canonical, echoing), so `c` waited for Enter. At SIGCONT the pause sets its
/// one-key mode again: `c` alone runs the rest.
#[test]
fn step_after_ctrl_z_and_fg_takes_one_key_again() {
    let _serial = serial();
    if !Tmux::available() {
        return;
    }
    let tag = format!("step-fg-{}", std::process::id());
    let socket = format!("procdemo-step-fg-{}", std::process::id());
    let tmux = |args: &[&str]| {
        let out = Command::new("tmux")
            .args(["-L", &socket])
            .args(args)
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // An interactive shell, with job control, as a class's terminal has. (tmux starts a
    // pane's command with the user's shell: a system account's may be nologin.)
    let ok = Command::new("tmux")
        .env("SHELL", "/bin/sh")
        .args([
            "-L",
            &socket,
            "new-session",
            "-d",
            "-x",
            "110",
            "-y",
            "60",
            "bash --norc --noprofile -i",
        ])
        .status()
        .expect("tmux");
    assert!(ok.success(), "tmux new-session");
    let screen = || tmux(&["capture-pane", "-p", "-J", "-S", "-200", "-t", "0.0"]);
    let wait_for = |text: &str, n: usize| {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let s = screen();
            if s.matches(text).count() >= n {
                return s;
            }
            if Instant::now() >= deadline {
                tmux(&["kill-server"]);
                panic!("never saw {text:?} {n} time(s) in:\n{s}");
            }
            std::thread::yield_now();
        }
    };
    // (bash abandons the rest of a command list whose job stopped: the end is read from the
    // screen, not from a command after procdemo.)
    let line = format!("PROCDEMO_TEST_TAG={tag} {BIN} zombie --step --color never");
    tmux(&["send-keys", "-t", "0.0", "-l", &line]);
    tmux(&["send-keys", "-t", "0.0", "Enter"]);
    wait_for("[c] the rest", 1);
    tmux(&["send-keys", "-t", "0.0", "C-z"]);
    wait_for("Stopped", 1);
    tmux(&["send-keys", "-t", "0.0", "-l", "fg"]);
    tmux(&["send-keys", "-t", "0.0", "Enter"]);
    wait_for("fg\n", 1);
    // `c` alone, no Enter: the rest runs, and procdemo ends passing.
    tmux(&["send-keys", "-t", "0.0", "-l", "c"]);
    wait_for("ok: every awaited state was observed", 1);
    tmux(&["kill-server"]);
    reap_all();
    assert_nothing_left(&tag);
}
