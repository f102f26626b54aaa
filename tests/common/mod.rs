//! Helpers shared by the test crates (tests/it and tests/faults.rs).

use procfs::FromRead;
use procfs::process::Stat;

/// Programs the tests run themselves: a zombie of one of these, a child of the test process,
/// is a run that its test thread has not waited for yet, not a leak.
const TOOLS: &[&str] = &[
    "procdemo",
    "ps",
    "bash",
    "sh",
    "head",
    "unshare",
    "prlimit",
    "setpriv",
    "strace",
    "gdb",
    "nice",
    "env",
    "python3",
    "tmux",
    "tmux: server",
    // The page test's headless browser, whose helpers come to this subreaper when it ends;
    // that test reaps them (tests/it/page.rs).
    "chromium",
    "chrome_crashpad",
];

/// Make this test process a child subreaper, so that anything a run leaves behind comes to
/// it instead of to PID 1, where it could not be told from other processes.
#[allow(dead_code)] // tests/faults.rs makes itself a subreaper in its own way.
pub fn become_subreaper() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: PR_SET_CHILD_SUBREAPER takes an integer and no pointers.
        let ret = unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
        assert_eq!(ret, 0, "prctl(PR_SET_CHILD_SUBREAPER)");
    });
}

/// Processes left behind by the runs tagged `tag`: live processes whose environment carries
/// `PROCDEMO_TEST_TAG=tag` (the front end's environment is inherited by the runner and every
/// actor); zombies of procdemo's front end or runner whose parent is PID 1, which may never
/// reap them; and zombies reparented to this test process (a subreaper: see
/// [`become_subreaper`]), which an actor named after its role would be. A zombie has no
/// environment to read, so those two are found by their parent.
pub fn leftovers(tag: &str) -> Vec<String> {
    let needle = format!("PROCDEMO_TEST_TAG={tag}");
    let me = std::process::id() as i32;
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("read /proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        // procfs-core parses the stat line after its last ')', as procdemo does.
        let Ok(bytes) = std::fs::read(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let Ok(stat) = Stat::from_read(&bytes[..]) else {
            continue;
        };
        let (comm, state, ppid) = (&stat.comm, stat.state, stat.ppid);
        if state == 'Z' && comm.starts_with("procdemo") && ppid == 1 {
            found.push(format!("{pid}: {comm} zombie of PID 1"));
        } else if state == 'Z' && ppid == me && !TOOLS.contains(&comm.as_str()) {
            found.push(format!("{pid}: {comm} zombie left to the test process"));
        } else if let Ok(env) = std::fs::read(format!("/proc/{pid}/environ"))
            && env.split(|&b| b == 0).any(|kv| kv == needle.as_bytes())
        {
            found.push(format!("{pid}: {comm}, state {state}, ppid {ppid}"));
        }
    }
    found
}

/// A file in a directory of this test process's own under the temp directory, removed (and
/// the directory, once empty) when the guard goes out of scope: the tests leave nothing there.
#[allow(dead_code)] // for tests/faults.rs and tests/terminal.rs; tests/it has its TempScript.
pub struct TempFile(std::path::PathBuf);

impl std::ops::Deref for TempFile {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl AsRef<std::path::Path> for TempFile {
    fn as_ref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// Write `text` to `name` in `<temp>/<prefix>-<this process's PID>/`.
#[allow(dead_code)]
pub fn temp_file(prefix: &str, name: &str, text: &str) -> TempFile {
    let dir = std::env::temp_dir().join(format!("{prefix}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write script");
    TempFile(path)
}
