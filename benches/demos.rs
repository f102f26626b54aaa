//! `make bench`: the wall time of each built-in demo, measured the way a user meets it: the
//! front end starts, starts a runner, the demo runs, the output is printed, everything exits.
//!
//! Timing is only ever measured here, never asserted in a test. The targets come from the
//! issues: zombie and orphan within 20 ms each; the six lifecycle demos together under 80 ms.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_procdemo");
const ROUNDS: usize = 40;
const LIFECYCLE: &[&str] = &[
    "zombie",
    "orphan",
    "fork-cow",
    "wait",
    "sigchld-ignore",
    "double-fork",
];

fn demos() -> Vec<String> {
    let out = Command::new(BIN)
        .arg("list")
        .output()
        .expect("procdemo list");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(String::from))
        .collect()
}

fn once(demo: &str) -> Duration {
    let start = Instant::now();
    let status = Command::new(BIN)
        .arg(demo)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run procdemo");
    let wall = start.elapsed();
    assert!(status.success(), "procdemo {demo} failed: {status}");
    wall
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    // `cargo bench` passes flags such as --bench; this harness takes none.
    let names = demos();
    println!("procdemo bench: {ROUNDS} runs of each demo (after 3 warm-up runs), wall time in ms");
    println!("{:<16} {:>8} {:>8} {:>8}", "demo", "min", "median", "p90");
    let mut medians = Vec::new();
    for name in &names {
        for _ in 0..3 {
            once(name);
        }
        let mut times: Vec<Duration> = (0..ROUNDS).map(|_| once(name)).collect();
        times.sort();
        let median = times[ROUNDS / 2];
        println!(
            "{:<16} {:>8.2} {:>8.2} {:>8.2}",
            name,
            ms(times[0]),
            ms(median),
            ms(times[ROUNDS * 9 / 10])
        );
        medians.push((name.clone(), median));
    }
    let median_of = |d: &str| medians.iter().find(|(n, _)| n == d).map(|(_, t)| *t);
    println!();
    for d in ["zombie", "orphan"] {
        if let Some(t) = median_of(d) {
            let verdict = if ms(t) < 20.0 { "meets" } else { "MISSES" };
            println!("{d}: median {:.2} ms, {verdict} the 20 ms target", ms(t));
        }
    }
    let present: Vec<Duration> = LIFECYCLE.iter().filter_map(|d| median_of(d)).collect();
    if present.len() == LIFECYCLE.len() {
        let total: Duration = present.iter().sum();
        let verdict = if ms(total) < 80.0 { "meets" } else { "MISSES" };
        println!(
            "six lifecycle demos ({}): {:.2} ms together, {verdict} the 80 ms target",
            LIFECYCLE.join(", "),
            ms(total)
        );
    } else {
        println!(
            "six lifecycle demos: not all present yet ({} of {})",
            present.len(),
            LIFECYCLE.len()
        );
    }
    let total: Duration = medians.iter().map(|(_, t)| *t).sum();
    println!(
        "all {} demos: {:.2} ms together (sum of medians)",
        medians.len(),
        ms(total)
    );
}
