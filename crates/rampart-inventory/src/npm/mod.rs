//! npm analyzers: `package-lock.json` / `npm-shrinkwrap.json`, `yarn.lock` (v1 and berry),
//! `pnpm-lock.yaml`, and installed `node_modules/**/package.json`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rampart_model::{Location, Package, Relationship};

use crate::json;
use crate::{Analyzer, AnalyzerInput};

mod node_pkg;
mod package_lock;
mod pnpm_lock;
mod yaml;
mod yarn_lock;

pub use node_pkg::NodePackageJson;
pub use package_lock::PackageLock;
pub use pnpm_lock::PnpmLock;
pub use yarn_lock::YarnLock;

pub(crate) fn analyzers() -> Vec<Box<dyn Analyzer>> {
    vec![Box::new(PackageLock), Box::new(YarnLock), Box::new(PnpmLock), Box::new(NodePackageJson)]
}

/// The dependency names a `package.json` declares, split by kind.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Manifest {
    /// The project's own `name` and `version`, when it has both.
    pub name_version: Option<(String, String)>,
    /// `dependencies`, `optionalDependencies` and `peerDependencies`, with their ranges.
    pub prod: BTreeMap<String, String>,
    /// `devDependencies`, with their ranges.
    pub dev: BTreeMap<String, String>,
}

impl Manifest {
    /// Reads the dependency maps of a parsed `package.json` (or of a lockfile root entry).
    pub fn from_json(root: &json::Node) -> Self {
        let mut m = Manifest::default();
        if let (Some(name), Some(version)) = (root.str_field("name"), root.str_field("version"))
            && !name.trim().is_empty()
            && !version.trim().is_empty()
        {
            m.name_version = Some((name.trim().to_string(), version.trim().to_string()));
        }
        for field in ["dependencies", "optionalDependencies", "peerDependencies"] {
            for member in root.get(field).and_then(json::Node::members).unwrap_or_default() {
                m.prod.insert(member.key.clone(), member.value.as_str().unwrap_or_default().to_string());
            }
        }
        for member in root.get("devDependencies").and_then(json::Node::members).unwrap_or_default() {
            m.dev.insert(member.key.clone(), member.value.as_str().unwrap_or_default().to_string());
        }
        m
    }

    /// Every declared name with its range, production first.
    pub fn all(&self) -> impl Iterator<Item = (&String, &String)> {
        self.prod.iter().chain(self.dev.iter())
    }
}

/// Reads the `package.json` in the directory of the analyzed file, if there is a usable one.
pub(crate) fn sibling_manifest(input: &AnalyzerInput<'_>) -> Option<Manifest> {
    let dir = input.file.dir();
    let path = if dir.is_empty() { "package.json".to_string() } else { format!("{dir}/package.json") };
    let bytes = input.source.read(&path).ok()?;
    let text = crate::utf8(&bytes).ok()?;
    let root = json::parse(text).ok()?;
    root.is_object().then(|| Manifest::from_json(&root))
}

/// One package of a lockfile while it is being assembled.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub name: String,
    pub version: String,
    pub dev: bool,
    pub direct: bool,
    /// The project itself.
    pub root: bool,
    pub licenses: Vec<String>,
    pub depends_on: BTreeSet<String>,
    pub locations: Vec<Location>,
}

impl Entry {
    pub fn new(name: &str, version: &str) -> Self {
        Entry {
            name: name.to_string(),
            version: version.to_string(),
            dev: false,
            direct: false,
            root: false,
            licenses: Vec::new(),
            depends_on: BTreeSet::new(),
            locations: Vec::new(),
        }
    }

    pub fn id(&self) -> String {
        if self.version.is_empty() { self.name.clone() } else { format!("{}@{}", self.name, self.version) }
    }
}

/// Packages keyed by id; entries with the same id are merged (locations and edges added up,
/// dev only when every occurrence is dev, direct when any occurrence is).
#[derive(Debug, Default)]
pub(crate) struct Entries {
    map: BTreeMap<String, Entry>,
}

impl Entries {
    pub fn add(&mut self, entry: Entry) -> String {
        let id = entry.id();
        match self.map.get_mut(&id) {
            Some(existing) => {
                existing.dev &= entry.dev;
                existing.direct |= entry.direct;
                existing.depends_on.extend(entry.depends_on);
                for l in entry.licenses {
                    if !existing.licenses.contains(&l) {
                        existing.licenses.push(l);
                    }
                }
                for l in entry.locations {
                    if !existing.locations.contains(&l) {
                        existing.locations.push(l);
                    }
                }
            }
            None => {
                self.map.insert(id.clone(), entry);
            }
        }
        id
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Entry> {
        self.map.get_mut(id)
    }

    /// Marks as dev every package not reachable from `prod_roots` but reachable from
    /// `dev_roots` (packages reachable from neither keep their flag).
    pub fn derive_dev(&mut self, prod_roots: &[String], dev_roots: &[String]) {
        let prod = self.reachable(prod_roots);
        let dev = self.reachable(dev_roots);
        for (id, e) in &mut self.map {
            if prod.contains(id.as_str()) {
                e.dev = false;
            } else if dev.contains(id.as_str()) {
                e.dev = true;
            }
        }
    }

    fn reachable(&self, roots: &[String]) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&str> = roots.iter().map(String::as_str).collect();
        while let Some(id) = stack.pop() {
            if !self.map.contains_key(id) || !seen.insert(id.to_string()) {
                continue;
            }
            if let Some(e) = self.map.get(id) {
                stack.extend(e.depends_on.iter().map(String::as_str));
            }
        }
        seen
    }

    /// Builds the packages; `relationships` says whether direct/indirect is known at all.
    pub fn into_packages(self, relationships: bool) -> Vec<Package> {
        let ids: HashMap<String, ()> = self.map.keys().map(|k| (k.clone(), ())).collect();
        self.map
            .into_values()
            .map(|e| {
                let relationship = match (relationships, e.direct) {
                    _ if e.root => Relationship::Root,
                    (false, _) => Relationship::Unknown,
                    (true, true) => Relationship::Direct,
                    (true, false) => Relationship::Indirect,
                };
                let self_id = e.id();
                let mut b = Package::builder(rampart_model::Ecosystem::Npm, e.name, e.version)
                    .relationship(relationship)
                    .dev(e.dev)
                    .licenses(e.licenses)
                    .depends_on(e.depends_on.into_iter().filter(|d| *d != self_id && ids.contains_key(d)));
                for l in e.locations {
                    b = b.location(l);
                }
                b.build()
            })
            .collect()
    }
}

/// True when `path` has a `node_modules` component: lockfiles shipped inside installed packages
/// describe how those packages were developed, not what is installed, and are not read.
pub(crate) fn in_node_modules(path: &str) -> bool {
    path.split('/').any(|c| c == "node_modules")
}

/// The licence(s) declared by a `license` value: a string, or an object with `type`.
pub(crate) fn json_license(node: Option<&json::Node>) -> Option<String> {
    let node = node?;
    let license = node.as_str().or_else(|| node.str_field("type"))?.trim();
    (!license.is_empty()).then(|| license.to_string())
}

/// Splits `name@range` (the name may be scoped: `@scope/name@range`).
pub(crate) fn split_name_range(spec: &str) -> Option<(&str, &str)> {
    let at = if let Some(rest) = spec.strip_prefix('@') {
        rest.find('@').map(|i| i + 1)?
    } else {
        spec.find('@')?
    };
    let (name, range) = (spec.get(..at)?, spec.get(at + 1..)?);
    (!name.is_empty()).then_some((name, range))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_scoped_and_plain_specs() {
        assert_eq!(split_name_range("@babel/core@^7.0.0"), Some(("@babel/core", "^7.0.0")));
        assert_eq!(split_name_range("lodash@npm:4.17.15"), Some(("lodash", "npm:4.17.15")));
        assert_eq!(split_name_range("lodash"), None);
        assert_eq!(split_name_range("@scope"), None);
        assert_eq!(split_name_range("@a@1"), Some(("@a", "1")));
        assert_eq!(split_name_range("@x"), None);
    }

    #[test]
    fn registers_every_analyzer() {
        let names: Vec<_> = analyzers().iter().map(|a| a.name()).collect();
        assert_eq!(names, ["npm-package-lock", "yarn-lock", "pnpm-lock", "node-package-json"]);
    }
}
