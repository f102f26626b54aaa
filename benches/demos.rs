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

/// Build benches/baseline.c, the bare C yardstick; None without a C compiler.
fn baseline() -> Option<std::path::PathBuf> {
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/baseline.c");
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("procdemo-baseline");
    let built = Command::new("cc")
        .args(["-O2", "-o"])
        .arg(&out)
        .arg(src)
        .status();
    matches!(built, Ok(s) if s.success()).then_some(out)
}

/// Medians of procdemo and of the C director on one demo, measured in alternation.
fn paired_medians(c: &std::path::Path, demo: &str) -> (Duration, Duration) {
    let run = |program: &std::path::Path| {
        let start = Instant::now();
        let status = Command::new(program)
            .arg(demo)
            .stdout(Stdio::null())
            .status()
            .expect("run");
        assert!(status.success(), "{} {demo} failed", program.display());
        start.elapsed()
    };
    let ours = std::path::Path::new(BIN);
    let (mut p, mut k): (Vec<Duration>, Vec<Duration>) =
        (0..ROUNDS).map(|_| (run(ours), run(c))).unzip();
    p.sort();
    k.sort();
    (p[ROUNDS / 2], k[ROUNDS / 2])
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
    match baseline() {
        Some(c) => {
            println!();
            println!(
                "yardstick: benches/baseline.c, a bare C director doing the same process operations"
            );
            println!(
                "(each round runs procdemo, then the C director, on the same demo: machine drift"
            );
            println!(" affects both alike)");
            println!(
                "{:<16} {:>10} {:>10} {:>7}",
                "demo", "C median", "procdemo", "ratio"
            );
            let (mut c_total, mut p_total) = (Duration::ZERO, Duration::ZERO);
            for d in LIFECYCLE {
                let (p, c_median) = paired_medians(&c, d);
                c_total += c_median;
                p_total += p;
                println!(
                    "{d:<16} {:>10.2} {:>10.2} {:>6.2}x",
                    ms(c_median),
                    ms(p),
                    ms(p) / ms(c_median)
                );
            }
            println!(
                "{:<16} {:>10.2} {:>10.2} {:>6.2}x",
                "together",
                ms(c_total),
                ms(p_total),
                ms(p_total) / ms(c_total).max(0.001)
            );
        }
        None => println!("\n(no C compiler: the bare C yardstick was skipped)"),
    }
    let total: Duration = medians.iter().map(|(_, t)| *t).sum();
    println!(
        "all {} demos: {:.2} ms together (sum of medians)",
        medians.len(),
        ms(total)
    );
}
