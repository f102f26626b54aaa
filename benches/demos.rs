//! `make bench`: the wall time of each built-in demo, measured the way a user meets it: the
//! front end starts, starts a runner, the demo runs, the output is printed, everything exits.
//!
//! Timing is only ever measured here, never asserted in a test. The targets come from the
//! issues: zombie and orphan within 20 ms each; the six lifecycle demos together under 80 ms;
//! the six within 1.25x of a bare C director (benches/baseline.c).
//!
//! Two builds are held against the C yardstick in the same rounds: this bench's own binary
//! (the `release` profile, which `make demo` builds fast) and the packages' (`dist`: fat LTO,
//! one codegen unit), when `make bench` has built it (PROCDEMO_DIST_BIN, or target/dist/ beside
//! this binary's target/release/). The packages use whichever keeps the ratio goal.

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

/// The built-in demos, in `procdemo all` order, from `procdemo list --json` (the text list
/// wraps long titles onto lines of their own).
fn demos() -> Vec<String> {
    let out = Command::new(BIN)
        .args(["list", "--json"])
        .output()
        .expect("procdemo list --json");
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON list");
    list["demos"]
        .as_array()
        .expect("demos")
        .iter()
        .filter_map(|d| d["name"].as_str().map(String::from))
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

/// The median of each program on one demo, measured in alternation (each round runs every
/// program once, in turn: machine drift affects them alike).
fn paired_medians(programs: &[&std::path::Path], demo: &str) -> Vec<Duration> {
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
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(ROUNDS); programs.len()];
    for _ in 0..ROUNDS {
        for (program, t) in programs.iter().zip(&mut times) {
            t.push(run(program));
        }
    }
    times
        .into_iter()
        .map(|mut t| {
            t.sort();
            t[ROUNDS / 2]
        })
        .collect()
}

/// The packages' build (`--profile dist`), if `make bench` built it.
fn dist_binary() -> Option<std::path::PathBuf> {
    let path = match std::env::var_os("PROCDEMO_DIST_BIN") {
        Some(p) => std::path::PathBuf::from(p),
        None => std::path::Path::new(BIN)
            .parent()?
            .parent()?
            .join("dist/procdemo"),
    };
    path.is_file().then_some(path)
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
        Some(c) => yardstick(&c),
        None => println!("\n(no C compiler: the bare C yardstick was skipped)"),
    }
    let total: Duration = medians.iter().map(|(_, t)| *t).sum();
    println!(
        "all {} demos: {:.2} ms together (sum of medians)",
        medians.len(),
        ms(total)
    );
}

/// The six lifecycle demos, each build of procdemo against the bare C director.
fn yardstick(c: &std::path::Path) {
    let release = std::path::Path::new(BIN);
    let dist = dist_binary();
    let mut builds: Vec<(&str, &std::path::Path)> = vec![("release", release)];
    if let Some(d) = dist.as_deref() {
        builds.push(("dist", d));
    }
    println!();
    println!("yardstick: benches/baseline.c, a bare C director doing the same process operations");
    println!("(each round runs every build of procdemo, then the C director, on the same demo:");
    println!(" machine drift affects them alike)");
    println!("release: {}", release.display());
    match &dist {
        Some(d) => println!("dist:    {}", d.display()),
        None => println!("dist:    not built (`make bench` builds it: cargo build --profile dist)"),
    }
    print!("{:<16} {:>10}", "demo", "C median");
    for (name, _) in &builds {
        print!(" {:>10} {:>7}", name, "ratio");
    }
    println!();
    let mut programs: Vec<&std::path::Path> = builds.iter().map(|(_, p)| *p).collect();
    programs.push(c);
    let mut totals = vec![Duration::ZERO; programs.len()];
    for d in LIFECYCLE {
        let medians = paired_medians(&programs, d);
        let c_median = medians[medians.len() - 1];
        print!("{d:<16} {:>10.2}", ms(c_median));
        for (i, m) in medians.iter().enumerate() {
            totals[i] += *m;
            if i < builds.len() {
                print!(" {:>10.2} {:>6.2}x", ms(*m), ms(*m) / ms(c_median));
            }
        }
        println!();
    }
    let c_total = totals[totals.len() - 1];
    print!("{:<16} {:>10.2}", "together", ms(c_total));
    for t in &totals[..builds.len()] {
        print!(
            " {:>10.2} {:>6.2}x",
            ms(*t),
            ms(*t) / ms(c_total).max(0.001)
        );
    }
    println!();
    for (i, (name, _)) in builds.iter().enumerate() {
        let ratio = ms(totals[i]) / ms(c_total).max(0.001);
        let verdict = if ratio <= 1.25 { "meets" } else { "MISSES" };
        println!("{name}: {ratio:.2}x the C director together, {verdict} the 1.25x goal");
    }
}
