//! `--html FILE`: the page is written, names every role, needs no network, and renders in a
//! real browser (headless Chromium, when installed) to something that is not blank.

use crate::util::{TempScript, procdemo};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A fresh directory for a page (removed with the value).
fn page_dir() -> TempScript {
    TempScript::new("unused.demo", b"")
}

pub fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// Chromium's helper processes outlive it for a moment and come to this test process (a
/// subreaper) as zombies: wait for exactly those, by PID, and never for anything else (other
/// tests wait for their own procdemo runs).
pub fn reap_browser_leftovers() {
    let me = std::process::id() as i32;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut live = 0;
        for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            let Some((head, rest)) = stat.rsplit_once(')') else {
                continue;
            };
            let comm = head.split_once('(').map_or("", |(_, c)| c);
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let (state, ppid) = (fields[0], fields[1].parse::<i32>().unwrap_or(0));
            if ppid != me || !(comm.starts_with("chrom")) {
                continue;
            }
            if state == "Z" {
                // SAFETY: waitpid on one PID that is our zombie child; no pointers but status.
                let mut status = 0;
                unsafe { libc::waitpid(pid, &mut status, 0) };
            } else {
                live += 1;
            }
        }
        if live == 0 || Instant::now() > deadline {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Whether a PNG has more than one colour (a blank page is one colour).
pub fn colours(png_path: &Path) -> usize {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(png_path).expect("open png"),
    ));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("png size")];
    let info = reader.next_frame(&mut buf).expect("png frame");
    let bytes = &buf[..info.buffer_size()];
    let px = info.color_type.samples();
    let mut seen = std::collections::HashSet::new();
    for p in bytes.chunks(px) {
        seen.insert(p.to_vec());
        if seen.len() > 50 {
            break;
        }
    }
    seen.len()
}

#[test]
fn html_names_every_role_and_needs_no_network() {
    let dir = page_dir();
    let page = dir.path.with_file_name("zombie.html");
    let run = procdemo(&["zombie", "--explain", "--html", page.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("ok: every awaited state"),
        "text output too"
    );
    let html = std::fs::read_to_string(&page).expect("the page was written");
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    for role in ["runner", "parent", "child"] {
        assert!(html.contains(role), "{role} is not named");
    }
    for needle in ["<script", "src=", "href=", "@import", "url(", "@font-face"] {
        assert!(
            !html.contains(needle),
            "{needle} would reach outside the page"
        );
    }
    assert!(
        html.contains("<svg class=\"timeline\""),
        "the timeline is drawn"
    );
    assert!(
        html.contains("<blockquote class=\"say\">"),
        "narration with --explain"
    );
    assert!(html.contains("@media print"), "a handout prints");
}

#[test]
fn a_chinese_page_has_the_chinese_title_and_shows_inspect_and_output() {
    let dir = page_dir();
    let page = dir.path.with_file_name("exec.html");
    let run = procdemo(&["exec", "--lang", "zh", "--html", page.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(&page).unwrap();
    let zh_title = "execve() 保留进程、替换程序：PID 不变，内存全新";
    assert!(html.contains(&format!("<h2>{zh_title}</h2>")), "{html}");
    assert!(html.contains(&format!("<title>procdemo — {zh_title}</title>")));
    assert!(
        html.contains("<table class=\"inspect\">"),
        "inspect is drawn"
    );
    assert!(
        html.contains("（原来：child）"),
        "what exec changed is marked"
    );
    let exits = dir.path.with_file_name("exit-paths.html");
    let run = procdemo(&["exit-paths", "--html", exits.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(&exits).unwrap();
    assert!(
        html.contains(
            "<pre class=\"output\">printed once, before the fork\natexit handler ran</pre>"
        ),
        "{html}"
    );
}

#[test]
fn all_writes_every_demo_into_one_page() {
    let dir = page_dir();
    let page = dir.path.with_file_name("all.html");
    let run = procdemo(&["all", "--stable", "--html", page.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(
        html.matches("<section class=\"demo\">").count(),
        crate::util::demo_names().len()
    );
    assert_eq!(html.matches("</html>").count(), 1);
    assert!(
        !html.contains("<blockquote"),
        "no narration without --explain"
    );
}

#[test]
fn a_page_that_cannot_be_written_is_a_usage_error_before_anything_runs() {
    let run = procdemo(&["zombie", "--html", "/nonexistent-dir/x.html"]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("/nonexistent-dir/x.html"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_page_renders_in_headless_chromium_and_is_not_blank() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: chromium is not installed (apt-get install chromium)");
        return;
    };
    let dir = page_dir();
    let page = dir.path.with_file_name("zombie.html");
    let shot = dir.path.with_file_name("zombie.png");
    let profile = dir.path.with_file_name("profile");
    let run = procdemo(&["zombie", "--explain", "--html", page.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let status = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-crash-reporter",
            "--disable-breakpad",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1280,2000")
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run chromium");
    reap_browser_leftovers();
    assert!(status.success(), "chromium: {status}");
    let n = colours(&shot);
    assert!(n > 10, "the screenshot has {n} colours: blank?");
}
