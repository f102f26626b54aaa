//! `procdemo list --json`: the built-in demos as one JSON document, for a program that runs
//! them one by one (`{"version":2,"type":"demo_list","demos":[{"name":"zombie","path":
//! "demos/zombie.demo","title":"..."}]}`), with the JSON contract's version (json.rs). The
//! title is the script's own (`title`, English); no locale changes it.

use crate::script::demos::Demo;
use serde::Serialize;

#[derive(Serialize)]
struct List<'a> {
    version: u32,
    #[serde(rename = "type")]
    kind: &'static str,
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
        version: crate::render::json::VERSION,
        kind: "demo_list",
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
        assert_eq!(v["version"], crate::render::json::VERSION);
        assert_eq!(v["type"], "demo_list");
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
