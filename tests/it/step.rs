//! `--step` needs a terminal; its interactive tests are in tests/terminal.rs (tmux).

use crate::util::says;

#[test]
fn step_without_a_terminal_is_a_usage_error() {
    let run = crate::util::procdemo(&["zombie", "--step"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        says(
            &run.stderr,
            "--step and --predict wait for keys typed on a terminal"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}
