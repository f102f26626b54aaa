//! One snapshot per demos/*.demo: the states procdemo observed, with roles instead of PIDs
//! and no timings (`--stable`), narration included so its interpolated values are checked;
//! and one of each in Chinese (`--lang zh`): `demo-zh@NAME.demo.snap`.

use crate::util::procdemo;

#[test]
fn demo() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::glob!("../../demos", "*.demo", |path| {
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("demo name");
            let run = procdemo(&[
                name,
                "--stable",
                "--explain",
                "--answers",
                "--color",
                "never",
            ]);
            assert_eq!(
                run.code, 0,
                "{name} failed:\n{}\n{}",
                run.stdout, run.stderr
            );
            insta::assert_snapshot!(run.stdout);
            // The same run in Chinese: every word, the narration and the title. (In this
            // glob, not a second one: two globs at once confuse insta's failure count.)
            let zh = procdemo(&[
                name,
                "--lang",
                "zh",
                "--stable",
                "--explain",
                "--color",
                "never",
            ]);
            assert_eq!(zh.code, 0, "{name} failed:\n{}\n{}", zh.stdout, zh.stderr);
            insta::assert_snapshot!("demo-zh", zh.stdout);
        });
    });
}

#[test]
fn quiz_seed_7() {
    // A generated exercise and its key: the same seed gives the same exercise everywhere, and
    // the tree at the end is what /proc showed (--stable: roles, not PIDs).
    let run = procdemo(&["quiz", "--seed", "7", "--stable", "--color", "never"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("quiz-seed-7", run.stdout));
}

#[test]
fn quiz_seed_7_reversed() {
    // The other way round: the tree a real run made, then the moves that made it.
    let run = procdemo(&[
        "quiz",
        "--seed",
        "7",
        "--reverse",
        "--stable",
        "--color",
        "never",
    ]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("quiz-seed-7-reversed", run.stdout));
}
