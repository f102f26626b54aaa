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

/// One browser at a time: two headless Chromiums starting together in one test process
/// (a subreaper that reaps their helpers) got in each other's way.
pub static BROWSER: std::sync::Mutex<()> = std::sync::Mutex::new(());

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

/// Headless Chromium on a page of this machine, with the flags a closed network and a fresh
/// profile need, and `what` (`--screenshot=…`, `--print-to-pdf=…`); its helpers reaped after.
pub fn headless(
    browser: &str,
    profile: &Path,
    what: &[String],
    page: &Path,
) -> std::process::ExitStatus {
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
        .args(what)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run chromium");
    reap_browser_leftovers();
    status
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
    for needle in ["<script", "src=", "@import", "url(", "@font-face"] {
        assert!(
            !html.contains(needle),
            "{needle} would reach outside the page"
        );
    }
    assert!(
        html.split("href=\"").skip(1).all(|h| h.starts_with('#')),
        "a link leads only within the page"
    );
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
    let demos = crate::util::demo_names();
    assert_eq!(
        html.matches("<section class=\"demo\" id=\"demo-").count(),
        demos.len()
    );
    assert_eq!(html.matches("</html>").count(), 1);
    // A page of its own: its title, the contents (a link to each demo, with its verdict) and
    // a summary; not the first demo's title.
    assert!(
        html.contains("<title>procdemo — every demo</title>"),
        "{html}"
    );
    for d in &demos {
        assert!(
            html.contains(&format!("<li><a href=\"#demo-{d}\">{d}</a>")),
            "{d} is not in the contents"
        );
        assert!(
            html.contains(&format!("id=\"demo-{d}\"")),
            "{d} has no anchor"
        );
    }
    assert!(
        html.contains(&format!("Summary: all {} demos passed.", demos.len())),
        "{html}"
    );
    assert!(
        html.contains("<blockquote class=\"say\">"),
        "the page always narrates"
    );
}

#[test]
fn a_page_without_explain_has_both_pictures_and_its_questions_hide_their_answers() {
    let dir = page_dir();
    let page = dir.path.with_file_name("zombie.html");
    let run = procdemo(&["zombie", "--html", page.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.stdout.contains("Timeline"),
        "the text has no timeline without --explain"
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("<svg class=\"tree\""),
        "the process tree is drawn"
    );
    assert!(
        html.contains("<svg class=\"timeline\""),
        "the timeline is drawn"
    );
    assert!(
        html.contains("<blockquote class=\"say\">"),
        "the narration is there"
    );
    let asks = crate::util::demo_text("zombie")
        .lines()
        .filter(|l| l.starts_with("ask "))
        .count();
    assert_eq!(html.matches("<details><summary>").count(), asks, "{html}");
    assert!(
        !html.contains("<details open>"),
        "an answer stays hidden until opened"
    );
    // The key: the same page with every answer open.
    let key = dir.path.with_file_name("key.html");
    let run = procdemo(&["zombie", "--answers", "--html", key.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(&key).unwrap();
    assert_eq!(html.matches("<details open>").count(), asks);
}

#[test]
fn a_chinese_page_joins_its_lines_without_spaces_and_sets_no_chinese_in_italics() {
    let dir = page_dir();
    let page = dir.path.with_file_name("orphan.html");
    let run = procdemo(&["orphan", "--lang", "zh", "--html", page.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<html lang=\"zh-CN\">"));
    for quote in html.split("<blockquote class=\"say\">").skip(1) {
        let quote = &quote[..quote.find("</blockquote>").unwrap()];
        for (a, b) in quote
            .chars()
            .zip(quote.chars().skip(1))
            .zip(quote.chars().skip(2))
        {
            let ((x, space), y) = (a, b);
            let wide = |c: char| unicode_width::UnicodeWidthChar::width(c) == Some(2);
            assert!(
                !(space == ' ' && wide(x) && wide(y)),
                "a space between two Chinese characters: {quote}"
            );
            assert!(!(space == ' ' && x == '，'), "a space after ，: {quote}");
        }
    }
    assert!(
        html.contains(":lang(zh) blockquote.say"),
        "no italics for Chinese"
    );
    assert!(
        html.contains("fonts-noto-cjk"),
        "a lab without Chinese fonts is told what to install"
    );
}

#[test]
fn html_is_refused_by_a_command_that_runs_nothing_and_no_file_is_left() {
    let dir = page_dir();
    for args in [&["show", "zombie"][..], &["list"], &["explain", "states"]] {
        let page = dir.path.with_file_name("nothing.html");
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--html", page.to_str().unwrap()]);
        let run = procdemo(&all);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("runs nothing"), "{}", run.stderr);
        assert!(!page.exists(), "{args:?} left a file");
    }
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
    let _one = BROWSER.lock().unwrap_or_else(|p| p.into_inner());
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
    let status = headless(
        browser,
        &profile,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000".to_string(),
        ],
        &page,
    );
    assert!(status.success(), "chromium: {status}");
    let n = colours(&shot);
    assert!(n > 10, "the screenshot has {n} colours: blank?");
}

/// Whether poppler's pdftotext and pdfinfo are installed (.ci/run installs poppler-utils).
fn poppler() -> bool {
    ["pdftotext", "pdfinfo"].iter().all(|c| {
        Command::new(c)
            .arg("-v")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    })
}

#[test]
fn the_page_of_every_demo_prints_on_a4_and_no_heading_ends_a_page() {
    let _one = BROWSER.lock().unwrap_or_else(|p| p.into_inner());
    let Some(browser) = chromium() else {
        eprintln!("skipped: chromium is not installed (apt-get install chromium)");
        return;
    };
    if !poppler() {
        eprintln!("skipped: pdftotext is not installed (apt-get install poppler-utils)");
        return;
    }
    let dir = page_dir();
    let page = dir.path.with_file_name("all.html");
    let pdf = dir.path.with_file_name("all.pdf");
    let profile = dir.path.with_file_name("profile");
    let run = procdemo(&["all", "--explain", "--html", page.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let status = headless(
        browser,
        &profile,
        &[
            "--no-pdf-header-footer".to_string(),
            format!("--print-to-pdf={}", pdf.display()),
        ],
        &page,
    );
    assert!(status.success(), "chromium: {status}");
    let info = Command::new("pdfinfo").arg(&pdf).output().expect("pdfinfo");
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("(A4)"), "{info}");
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a page count");
    let demos = crate::util::demo_names().len();
    assert!(
        pages >= demos,
        "{pages} pages for {demos} demos: each starts a page"
    );
    let headings = ["procdemo ", "Timeline", "Questions", "Contents"];
    for n in 1..=pages {
        let text = Command::new("pdftotext")
            .args(["-layout", "-f", &n.to_string(), "-l", &n.to_string()])
            .arg(&pdf)
            .arg("-")
            .output()
            .expect("pdftotext");
        let text = String::from_utf8_lossy(&text.stdout);
        let last = text.lines().rev().map(str::trim).find(|l| !l.is_empty());
        if let Some(last) = last {
            assert!(
                !headings.iter().any(|h| last.starts_with(h)),
                "page {n} of {pages} ends with the heading {last:?}"
            );
        }
    }
}
