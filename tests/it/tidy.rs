//! Tidy: the architecture's rules, held by reading the source tree (in the manner of
//! rust-analyzer's `tidy.rs`). ARCHITECTURE.md states them; these tests fail when the code
//! breaks one, so the document cannot silently rot.
//!
//! The layers, bottom first: `kernel/` (system calls and /proc), `script/` (the `.demo`
//! language and its actions), `engine/` (runner, actors, the event model), `watch/` (the
//! tracer), `render/` (words and formats), `app/` (command line and front end), `main.rs`.
//! A file may name (`crate::X`) only its own layer and those below it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const LAYERS: [&str; 6] = ["kernel", "script", "engine", "watch", "render", "app"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under src/, as a path relative to src/ ("engine/runner.rs").
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&src(), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(src())
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// The code of a file without its comments (a doc comment may name any module).
fn code(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The layer of a file: its top folder's index in [`LAYERS`]; `main.rs` is above them all.
fn layer_of(file: &str) -> usize {
    let top = file.split('/').next().unwrap();
    LAYERS
        .iter()
        .position(|l| *l == top)
        .unwrap_or(LAYERS.len())
}

/// The top-level modules a file names as `crate::X` (and `crate::{X, Y}`).
fn named_layers(code: &str) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                named.insert(name);
            }
        } else {
            named.insert(
                rest.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect(),
            );
        }
    }
    named
}

#[test]
fn imports_run_one_way_from_the_kernel_up_to_the_app() {
    let mut broken = Vec::new();
    for (file, text) in sources() {
        let own = layer_of(&file);
        for name in named_layers(&code(&text)) {
            if let Some(l) = LAYERS.iter().position(|x| *x == name)
                && l > own
            {
                broken.push(format!(
                    "src/{file} names crate::{name}, a layer above its own"
                ));
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn every_file_is_in_a_layer_and_the_crate_root_only_dispatches() {
    let files = sources();
    let stray: Vec<_> = files
        .iter()
        .filter(|(f, _)| layer_of(f) == LAYERS.len() && f != "main.rs")
        .map(|(f, _)| f.clone())
        .collect();
    assert!(stray.is_empty(), "files outside every layer: {stray:?}");
    let main = &files.iter().find(|(f, _)| f == "main.rs").unwrap().1;
    let fns = code(main).matches("fn ").count();
    assert_eq!(fns, 1, "main.rs holds only `fn main`, which dispatches");
}

#[test]
fn the_unsafe_leaf_names_nothing_of_the_crate_but_the_proc_reader() {
    let files = sources();
    let sys = &files.iter().find(|(f, _)| f == "kernel/sys.rs").unwrap().1;
    let named: BTreeSet<_> = named_layers(&code(sys));
    let allowed: BTreeSet<String> = ["kernel".to_string()].into();
    assert_eq!(named, allowed, "kernel/sys.rs may name only kernel::proc");
    assert!(code(sys).contains("crate::kernel::proc::"));
    for (file, text) in &files {
        if file != "kernel/sys.rs" {
            assert!(
                !code(text).contains("allow(unsafe_code)]\nmod")
                    && !code(text).contains("#![allow(unsafe_code)]"),
                "src/{file} allows unsafe code for a whole module: only kernel/sys.rs may"
            );
        }
    }
}

#[test]
fn architecture_md_maps_every_source_folder() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md"))
            .unwrap();
    let mut missing = Vec::new();
    for (file, _) in sources() {
        let folder = match file.rsplit_once('/') {
            Some((dir, _)) => format!("src/{dir}/"),
            None => format!("src/{file}"),
        };
        if !doc.contains(&folder) {
            missing.push(folder);
        }
    }
    missing.dedup();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md's code map lacks {missing:?}"
    );
}
