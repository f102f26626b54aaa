//! A teacher runs `strace -f` or gdb beside procdemo. Every demo must still pass, and where
//! the tracer changes what the kernel shows (a stop seen as `t`, a process that cannot be
//! traced a second time), the output must say so and name the tracer.

use crate::util::{BIN, Run, demo_names, run_under, says};

/// Whether `program` can be run here; a test that needs it says why it did not run.
fn have(program: &str) -> bool {
    let found = std::process::Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("skipped: `{program}` is not installed (.ci/run installs it)");
    }
    found
}

fn strace(extra: &[&str], args: &[&str]) -> Run {
    let mut prefix = vec!["strace", "-f", "-qq", "-o", "/dev/null"];
    prefix.extend_from_slice(extra);
    run_under(&prefix, args)
}

#[test]
fn every_demo_passes_under_strace_f() {
    if !have("strace") {
        return;
    }
    for name in demo_names() {
        let run = strace(&[], &[&name, "--color", "never"]);
        assert_eq!(
            run.code, 0,
            "{name} under strace -f:\n{}{}",
            run.stdout, run.stderr
        );
    }
}

/// What the states demo shows under strace: its SIGSTOP seen as `t`, and a second tracer
/// refused, each with strace named.
fn assert_names_the_tracer(run: &Run, how: &str) {
    assert_eq!(
        run.code, 0,
        "states under {how}:\n{}{}",
        run.stdout, run.stderr
    );
    assert!(
        says(&run.stdout, "strace (pid")
            && says(
                &run.stdout,
                "traces it, and under a tracer every stop shows as t"
            ),
        "the stop seen as t under {how} names the tracer:\n{}",
        run.stdout
    );
    assert!(
        says(&run.stdout, "the target already has a tracer, strace (pid"),
        "the refused `try trace` under {how} names the tracer:\n{}",
        run.stdout
    );
    assert!(
        says(&run.stdout, "skipped: `try proc trace tracee` was refused"),
        "{}",
        run.stdout
    );
}

#[test]
fn under_strace_the_states_demo_names_strace_where_it_changes_what_the_kernel_shows() {
    if !have("strace") {
        return;
    }
    assert_names_the_tracer(&strace(&[], &["states", "--color", "never"]), "strace -f");
}

#[test]
fn under_strace_seccomp_bpf_the_states_demo_passes_and_names_strace() {
    if !have("strace") {
        return;
    }
    let run = strace(&["--seccomp-bpf"], &["states", "--color", "never"]);
    assert_names_the_tracer(&run, "strace -f --seccomp-bpf");
}

#[test]
fn the_json_names_the_tracer_of_an_observed_process() {
    if !have("strace") {
        return;
    }
    let run = strace(&[], &["states", "--json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let doc: serde_json::Value = serde_json::from_str(run.stdout.trim()).expect("json");
    let traced = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["step"] == "try proc trace tracee")
        .expect("the try step");
    assert_eq!(traced["permitted"], false);
    assert_eq!(traced["already_traced_by"]["comm"], "strace", "{traced}");
}

#[test]
fn every_demo_passes_with_gdb_on_the_front_end() {
    if !have("gdb") {
        return;
    }
    let run = run_under(
        &["gdb", "-q", "-batch", "-ex", "run", "--args", BIN],
        &["all", "--color", "never"],
    );
    let n = demo_names().len();
    assert!(
        says(&run.stdout, &format!("{n} of {n} demos passed")),
        "{}{}",
        run.stdout,
        run.stderr
    );
    assert!(
        run.stdout.contains("exited normally"),
        "{}{}",
        run.stdout,
        run.stderr
    );
}
