//! PHP analyzers: Composer lockfiles and installed packages.

use std::collections::HashMap;

use rampart_model::{Ecosystem, Location, Package, Relationship};

use crate::{Analysis, Analyzer};

mod composer_lock;
mod installed_json;

pub use composer_lock::ComposerLock;
pub use installed_json::InstalledJson;

use crate::json::{self, Node};

pub(crate) fn analyzers() -> Vec<Box<dyn Analyzer>> {
    vec![Box::new(ComposerLock), Box::new(InstalledJson)]
}

/// One package object of `composer.lock` or `installed.json`.
struct Entry<'a> {
    name: &'a str,
    version: &'a str,
    licenses: Vec<&'a str>,
    /// Names in `require` that are packages (platform requirements left out).
    requires: Vec<&'a str>,
    start: u32,
    end: u32,
    dev: bool,
}

/// Reads the package objects of `items`, warning about (and skipping) unusable ones.
fn entries<'a>(analysis: &mut Analysis, path: &str, items: &'a [Node], dev: bool) -> Vec<Entry<'a>> {
    let mut out = Vec::new();
    for item in items {
        let line = Some(item.start);
        if item.members().is_none() {
            analysis.warn(path, line, format!("package entry is {}, not an object", item.kind()));
            continue;
        }
        let Some(name) = item.get("name").and_then(Node::as_str).filter(|n| !n.trim().is_empty()) else {
            analysis.warn(path, line, "package entry without a name");
            continue;
        };
        let Some(version) = item.get("version").and_then(Node::as_str).filter(|v| !v.trim().is_empty())
        else {
            analysis.warn(path, line, format!("package {name} without a version"));
            continue;
        };
        // `license` is an array of SPDX ids; very old files have a single string.
        let licenses = match item.get("license") {
            Some(l) => match (&l.value, l.items()) {
                (json::Value::String(s), _) => vec![s.as_str()],
                (_, Some(list)) => list.iter().filter_map(Node::as_str).collect(),
                _ => Vec::new(),
            },
            None => Vec::new(),
        };
        let requires = item
            .get("require")
            .and_then(Node::members)
            .unwrap_or_default()
            .iter()
            .map(|m| m.key.as_str())
            .filter(|n| !is_platform(n))
            .collect();
        out.push(Entry { name, version, licenses, requires, start: item.start, end: item.end, dev });
    }
    out
}

/// Platform requirements (`php`, `ext-json`, `lib-icu`, `composer-plugin-api`, ...) are not
/// packages; every real package name has a `vendor/` part.
fn is_platform(name: &str) -> bool {
    !name.contains('/')
}

/// Turns entries into packages, merging duplicates and linking `require`s to packages present.
/// `relationship` decides each package's relationship from its name.
fn packages(path: &str, entries: &[Entry<'_>], relationship: impl Fn(&str) -> Relationship) -> Vec<Package> {
    let mut id_by_name: HashMap<String, String> = HashMap::new();
    for e in entries {
        id_by_name.entry(e.name.to_ascii_lowercase()).or_insert_with(|| format!("{}@{}", e.name, e.version));
    }
    let mut out: Vec<Package> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for e in entries {
        let deps: Vec<String> =
            e.requires.iter().filter_map(|r| id_by_name.get(&r.to_ascii_lowercase()).cloned()).collect();
        let location = Location::lines(path, e.start, e.end);
        let id = format!("{}@{}", e.name, e.version);
        if let Some(p) = index.get(&id).and_then(|&i| out.get_mut(i)) {
            // The same package twice (hand-merged files): one package, both places.
            p.locations.push(location);
            p.dev &= e.dev;
            continue;
        }
        index.insert(id, out.len());
        out.push(
            Package::builder(Ecosystem::Packagist, e.name, e.version)
                .relationship(relationship(e.name))
                .dev(e.dev)
                .licenses(e.licenses.iter().copied())
                .depends_on(deps)
                .location(location)
                .build(),
        );
    }
    out
}
