//! `procdemo list --json`: the built-in demos as one JSON document, for a program that runs
//! them one by one (`{"version":1,"demos":[{"name":"zombie","path":"demos/zombie.demo",
//! "title":"..."}]}`). The title is the script's own (`title`, English); no locale changes it.

use crate::script::demos::Demo;
use serde::Serialize;

/// The version of this document's shape: a change to it bumps the number.
pub const LIST_VERSION: u32 = 1;

#[derive(Serialize)]
struct List<'a> {
    version: u32,
    demos: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct Entry<'a> {
    name: &'a str,
    /// Where the script is in the source tree (`procdemo show NAME` prints it).
    path: &'a str,
    title: &'a str,
}

/// The list, on one line, ending in a newline.
pub fn list_json(demos: &[Demo]) -> String {
    let list = List {
        version: LIST_VERSION,
        demos: demos
            .iter()
            .map(|d| Entry {
                name: d.name,
                path: d.path,
                title: d.title(),
            })
            .collect(),
    };
    let mut text = serde_json::to_string(&list).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_list_names_every_demo_with_its_path_and_title() {
        let text = super::list_json(crate::script::demos::DEMOS);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["version"], 1);
        let demos = v["demos"].as_array().unwrap();
        assert_eq!(demos.len(), crate::script::demos::DEMOS.len());
        assert_eq!(demos[0]["name"], crate::script::demos::DEMOS[0].name);
        assert!(
            demos
                .iter()
                .all(|d| d["title"].as_str().is_some_and(|t| !t.is_empty()))
        );
    }
}
