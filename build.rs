//! The version `procdemo --version` prints: the package's own, and, when built in procdemo's
//! own git checkout, the commit it was built from (`0.1.0 (a1b2c3d)`, or `a1b2c3d-dirty` when
//! a tracked file differed from that commit). A build from a package (cargo install from a
//! crate, the sources of a .deb or a wheel without .git) says the plain version.
//!
//! The script reruns when HEAD moves (`.git/HEAD` and the branch it names, or packed-refs) and
//! when a source file changes (the crate rebuilds then anyway): never on every build.

use std::path::{Path, PathBuf};
use std::process::Command;

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    for path in ["build.rs", "Cargo.toml", "Cargo.lock", "src"] {
        println!("cargo:rerun-if-changed={path}");
    }
    let version = std::env::var("CARGO_PKG_VERSION").expect("cargo sets it");
    let described = describe(&manifest).map_or(version.clone(), |c| format!("{version} ({c})"));
    println!("cargo:rustc-env=PROCDEMO_VERSION={described}");
}

/// The commit of procdemo's own checkout (None outside one: a repository that merely
/// contains the sources, such as a home directory kept in git, is not procdemo's history).
fn describe(manifest: &Path) -> Option<String> {
    let top = git(manifest, &["rev-parse", "--show-toplevel"])?;
    let same = |a: &Path, b: &Path| a.canonicalize().ok() == b.canonicalize().ok();
    if !same(Path::new(&top), manifest) {
        return None;
    }
    // A worktree's HEAD lives in its own git dir; branches and packed-refs in the common one.
    let git_dir = PathBuf::from(git(manifest, &["rev-parse", "--absolute-git-dir"])?);
    let common = git(manifest, &["rev-parse", "--git-common-dir"])
        .map(|c| manifest.join(c))
        .unwrap_or_else(|| git_dir.clone());
    println!("cargo:rerun-if-changed={}", git_dir.join("HEAD").display());
    if let Some(branch) = git(manifest, &["symbolic-ref", "-q", "HEAD"]) {
        let loose = common.join(&branch);
        if loose.exists() {
            println!("cargo:rerun-if-changed={}", loose.display());
        }
    }
    let packed = common.join("packed-refs");
    if packed.exists() {
        println!("cargo:rerun-if-changed={}", packed.display());
    }
    let commit = git(manifest, &["rev-parse", "--short", "HEAD"])?;
    // Tracked files only: an untracked scratch file does not make the build another program.
    let dirty = git(manifest, &["status", "--porcelain", "--untracked-files=no"])
        .is_some_and(|s| !s.is_empty());
    Some(if dirty {
        format!("{commit}-dirty")
    } else {
        commit
    })
}
