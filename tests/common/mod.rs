//! Helpers shared by the test crates (tests/it and tests/faults.rs).

use procfs::FromRead;
use procfs::process::Stat;

/// Processes left behind by the runs tagged `tag`: live processes whose environment carries
/// `PROCDEMO_TEST_TAG=tag` (the front end's environment is inherited by the runner and every
/// actor), and procdemo zombies whose parent is PID 1, which may never reap them.
pub fn leftovers(tag: &str) -> Vec<String> {
    let needle = format!("PROCDEMO_TEST_TAG={tag}");
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
        if state == 'Z' && comm == "procdemo" && ppid == 1 {
            found.push(format!("{pid}: procdemo zombie of PID 1"));
        } else if let Ok(env) = std::fs::read(format!("/proc/{pid}/environ"))
            && env.split(|&b| b == 0).any(|kv| kv == needle.as_bytes())
        {
            found.push(format!("{pid}: {comm}, state {state}, ppid {ppid}"));
        }
    }
    found
}
