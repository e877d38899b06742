//! Maven `pom.xml` manifests.
//!
//! Reports the project itself (`groupId:artifactId@version`, [`Relationship::Root`], when its
//! coordinates resolve) and its direct dependencies ([`Relationship::Direct`], with the lines of
//! each `<dependency>` element): those of `<dependencies>` and those inherited from parent POMs.
//! Versions come from the dependency itself or from `<dependencyManagement>` (own or inherited),
//! with `${...}` resolved from `<properties>` (own or inherited; the child wins),
//! `${project.version}`, `${project.groupId}`, `${project.artifactId}` and `${project.parent.*}`.
//! Parent POMs are read only from the scanned tree, through `<parent><relativePath>` (default
//! `../pom.xml`; a directory means its `pom.xml`), and only when their coordinates match the
//! `<parent>` element (as Maven does before looking in a repository).
//! `<scope>test</scope>` marks a dependency dev.
//!
//! What the format does not say without a repository (no network, no `~/.m2`): transitive
//! dependencies, versions from imported BOMs (`<scope>import</scope>`) or from parents that are not
//! in the tree, and what version ranges resolve to. Such dependencies are skipped with a warning
//! naming their line. Profiles and plugin dependencies are not project dependencies and are
//! ignored. Optional dependencies are reported like the others.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::{HashMap, HashSet};

use quick_xml::Reader;
use quick_xml::events::Event;
use rampart_model::{Ecosystem, Location, Package, Relationship};

use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo, FileSource, line_of, utf8};

pub struct PomXml;

/// How many parent POMs are followed at most.
const MAX_PARENTS: usize = 16;
/// Deepest XML nesting accepted (POMs are about 6 deep).
const MAX_XML_DEPTH: usize = 128;
/// Longest resolved property value, and most property look-ups for one file.
const MAX_VALUE_LEN: usize = 4096;
const MAX_LOOKUPS: usize = 100_000;

impl Analyzer for PomXml {
    fn name(&self) -> &'static str {
        "maven-pom"
    }

    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Maven
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        file.file_name == "pom.xml"
    }

    fn max_size(&self) -> u64 {
        16 * 1024 * 1024
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        let path = input.file.path;
        let pom = Pom::parse(&decode(input.content)?, path)?;
        let mut analysis = Analysis::default();
        let chain = parent_chain(pom, input.source, &mut analysis);
        Ok(resolve(&chain, path, analysis))
    }
}

/// UTF-8, or, when the XML declaration names another encoding (old POMs say `ISO-8859-1`), that
/// text with undecodable bytes replaced: only ASCII matters for coordinates.
fn decode(content: &[u8]) -> Result<Cow<'_, str>, AnalyzeError> {
    match utf8(content) {
        Ok(t) => Ok(Cow::Borrowed(t)),
        Err(e) => {
            let head = String::from_utf8_lossy(content.get(..200).unwrap_or(content)).to_ascii_lowercase();
            let declared = head.starts_with("<?xml")
                && head.split("?>").next().is_some_and(|d| d.contains("encoding=") && !d.contains("utf-8"));
            if declared { Ok(String::from_utf8_lossy(content)) } else { Err(e) }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A minimal element tree with line numbers.

#[derive(Debug, Default)]
struct Node {
    name: String,
    text: String,
    children: Vec<Node>,
    start: u32,
    end: u32,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of a child element, when present and not empty.
    fn text_of(&self, name: &str) -> Option<String> {
        self.child(name).map(|c| c.text.trim().to_string()).filter(|t| !t.is_empty())
    }
}

fn position(pos: u64) -> usize {
    usize::try_from(pos).unwrap_or(usize::MAX)
}

fn parse_xml(text: &str) -> Result<Node, AnalyzeError> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    loop {
        let before = position(reader.buffer_position());
        let event = reader.read_event().map_err(|e| {
            AnalyzeError::parse(
                Some(line_of(text, position(reader.error_position()))),
                format!("invalid XML: {e}"),
            )
        })?;
        let err_here = |msg: String| AnalyzeError::parse(Some(line_of(text, before)), msg);
        match event {
            Event::Start(e) | Event::Empty(e) if root.is_some() && stack.is_empty() => {
                let _ = e;
                return Err(err_here("content after the root element".into()));
            }
            Event::Start(e) => {
                if stack.len() >= MAX_XML_DEPTH {
                    return Err(err_here("XML nested too deep".into()));
                }
                let line = line_of(text, before);
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                stack.push(Node { name, start: line, end: line, ..Node::default() });
            }
            Event::Empty(e) => {
                let line = line_of(text, before);
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                let node = Node { name, start: line, end: line, ..Node::default() };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::End(_) => {
                let after = position(reader.buffer_position());
                let Some(mut node) = stack.pop() else {
                    return Err(err_here("unexpected closing tag".into()));
                };
                node.end = line_of(text, after.saturating_sub(1));
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    let s = t.decode().map_err(|e| err_here(format!("invalid text: {e}")))?;
                    top.text.push_str(&s);
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    let s = t.decode().map_err(|e| err_here(format!("invalid CDATA: {e}")))?;
                    top.text.push_str(&s);
                }
            }
            Event::GeneralRef(r) => {
                if let Some(top) = stack.last_mut() {
                    let name = r.decode().map_err(|e| err_here(format!("invalid reference: {e}")))?;
                    if let Ok(Some(ch)) = r.resolve_char_ref() {
                        top.text.push(ch);
                    } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&name) {
                        top.text.push_str(s);
                    } else {
                        // An entity from a DTD: keep it as written.
                        top.text.push('&');
                        top.text.push_str(&name);
                        top.text.push(';');
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(AnalyzeError::parse(Some(open.start), format!("unclosed element <{}>", open.name)));
    }
    root.ok_or_else(|| AnalyzeError::parse(None, "no root element"))
}

// ---------------------------------------------------------------------------------------------
// The parts of a POM that matter here.

#[derive(Debug, Clone)]
struct RawDep {
    group: Option<String>,
    artifact: Option<String>,
    version: Option<String>,
    scope: Option<String>,
    kind: String,
    classifier: String,
    /// The POM that declares it.
    file: String,
    start: u32,
    end: u32,
}

impl RawDep {
    fn from_node(node: &Node, file: &str) -> Self {
        RawDep {
            group: node.text_of("groupId"),
            artifact: node.text_of("artifactId"),
            version: node.text_of("version"),
            scope: node.text_of("scope"),
            kind: node.text_of("type").unwrap_or_else(|| "jar".into()),
            classifier: node.text_of("classifier").unwrap_or_default(),
            file: file.to_string(),
            start: node.start,
            end: node.end,
        }
    }
}

#[derive(Debug, Clone, Default)]
struct ParentRef {
    group: Option<String>,
    artifact: Option<String>,
    version: Option<String>,
    /// `None`: the default `../pom.xml`; `Some("")`: look only in repositories.
    relative_path: Option<String>,
}

#[derive(Debug)]
struct Pom {
    path: String,
    group: Option<String>,
    artifact: Option<String>,
    version: Option<String>,
    parent: Option<ParentRef>,
    properties: Vec<(String, String)>,
    managed: Vec<RawDep>,
    deps: Vec<RawDep>,
}

impl Pom {
    fn parse(text: &str, path: &str) -> Result<Pom, AnalyzeError> {
        let root = parse_xml(text)?;
        if root.name != "project" {
            return Err(AnalyzeError::parse(
                Some(root.start),
                format!("not a Maven POM: root element <{}>", root.name),
            ));
        }
        let parent = root.child("parent").map(|p| ParentRef {
            group: p.text_of("groupId"),
            artifact: p.text_of("artifactId"),
            version: p.text_of("version"),
            relative_path: p.child("relativePath").map(|r| r.text.trim().to_string()),
        });
        let properties = root
            .child("properties")
            .map(|props| props.children.iter().map(|c| (c.name.clone(), c.text.trim().to_string())).collect())
            .unwrap_or_default();
        let deps_of = |node: Option<&Node>| -> Vec<RawDep> {
            node.map(|d| d.children_named("dependency").map(|n| RawDep::from_node(n, path)).collect())
                .unwrap_or_default()
        };
        Ok(Pom {
            path: path.to_string(),
            group: root.text_of("groupId"),
            artifact: root.text_of("artifactId"),
            version: root.text_of("version"),
            parent,
            properties,
            managed: deps_of(root.child("dependencyManagement").and_then(|m| m.child("dependencies"))),
            deps: deps_of(root.child("dependencies")),
        })
    }

    /// groupId, inherited from the `<parent>` element when absent.
    fn effective_group(&self) -> Option<&str> {
        self.group.as_deref().or(self.parent.as_ref().and_then(|p| p.group.as_deref()))
    }

    fn effective_version(&self) -> Option<&str> {
        self.version.as_deref().or(self.parent.as_ref().and_then(|p| p.version.as_deref()))
    }
}

/// Joins a relative path to a directory of the scanned tree; `None` when it leaves the tree.
fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split(['/', '\\']) {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// The POM followed by the parents found in the tree, nearest first.
fn parent_chain(pom: Pom, source: &dyn FileSource, analysis: &mut Analysis) -> Vec<Pom> {
    let main_path = pom.path.clone();
    let mut visited: HashSet<String> = HashSet::from([pom.path.clone()]);
    let mut chain = vec![pom];
    while let Some(last) = chain.last() {
        let Some(pref) = last.parent.clone() else { break };
        if chain.len() > MAX_PARENTS {
            analysis.warn(
                &main_path,
                None,
                format!("more than {MAX_PARENTS} parent POMs; stopped following them"),
            );
            break;
        }
        let explicit = pref.relative_path.is_some();
        let rel = pref.relative_path.as_deref().unwrap_or("../pom.xml");
        if rel.is_empty() {
            break;
        }
        let Some(mut parent_path) = join(dir_of(&last.path), rel) else { break };
        if !parent_path.ends_with(".xml") {
            parent_path =
                if parent_path.is_empty() { "pom.xml".into() } else { format!("{parent_path}/pom.xml") };
        }
        if !visited.insert(parent_path.clone()) {
            analysis.warn(&main_path, None, format!("parent POM cycle through {parent_path}"));
            break;
        }
        let parsed = match source.read(&parent_path) {
            Ok(bytes) => decode(&bytes).and_then(|t| Pom::parse(&t, &parent_path)),
            Err(e) => {
                if explicit {
                    analysis.warn(&main_path, None, format!("parent POM {parent_path} not readable: {e}"));
                }
                break;
            }
        };
        let parent = match parsed {
            Ok(p) => p,
            Err(e) => {
                analysis.warn(&main_path, None, format!("parent POM {parent_path} unusable: {e}"));
                break;
            }
        };
        fn literal(v: Option<&str>) -> Option<&str> {
            v.filter(|v| !v.contains("${"))
        }
        let matches = parent.artifact == pref.artifact
            && parent.effective_group() == pref.group.as_deref()
            && match (literal(parent.effective_version()), literal(pref.version.as_deref())) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            };
        if !matches {
            // Maven then looks in repositories, which we do not do.
            if explicit {
                analysis.warn(
                    &main_path,
                    None,
                    format!("{parent_path} is not the declared parent {}", describe_parent(&pref)),
                );
            }
            break;
        }
        chain.push(parent);
    }
    chain
}

fn describe_parent(p: &ParentRef) -> String {
    format!(
        "{}:{}:{}",
        p.group.as_deref().unwrap_or("?"),
        p.artifact.as_deref().unwrap_or("?"),
        p.version.as_deref().unwrap_or("?")
    )
}

// ---------------------------------------------------------------------------------------------
// Interpolation and resolution.

struct Props<'a> {
    main: &'a Pom,
    /// Properties of the chain, the nearest POM winning.
    map: HashMap<&'a str, &'a str>,
    lookups: Cell<usize>,
}

impl<'a> Props<'a> {
    fn new(chain: &'a [Pom]) -> Option<Self> {
        let main = chain.first()?;
        let mut map = HashMap::new();
        for pom in chain.iter().rev() {
            for (k, v) in &pom.properties {
                map.insert(k.as_str(), v.as_str());
            }
        }
        Some(Props { main, map, lookups: Cell::new(0) })
    }

    fn lookup(&self, name: &str) -> Option<&'a str> {
        let main = self.main;
        let parent = main.parent.as_ref();
        let key = name.strip_prefix("project.").or_else(|| name.strip_prefix("pom."));
        let builtin = match key {
            Some("groupId") => main.effective_group(),
            Some("artifactId") => main.artifact.as_deref(),
            Some("version") => main.effective_version(),
            Some("parent.groupId") => parent.and_then(|p| p.group.as_deref()),
            Some("parent.artifactId") => parent.and_then(|p| p.artifact.as_deref()),
            Some("parent.version") => parent.and_then(|p| p.version.as_deref()),
            _ => None,
        };
        builtin.or_else(|| self.map.get(name).copied())
    }

    /// Replaces every `${name}`; `Err` names what could not be resolved.
    fn interpolate(&self, s: &str) -> Result<String, String> {
        self.interpolate_at(s, 0)
    }

    fn interpolate_at(&self, s: &str, depth: usize) -> Result<String, String> {
        if !s.contains("${") {
            return Ok(s.to_string());
        }
        if depth > 16 {
            return Err("a recursive property".into());
        }
        let mut out = String::new();
        let mut rest = s;
        while let Some((before, after)) = rest.split_once("${") {
            out.push_str(before);
            let Some((name, tail)) = after.split_once('}') else {
                out.push_str("${");
                out.push_str(after);
                rest = "";
                break;
            };
            let n = self.lookups.get() + 1;
            self.lookups.set(n);
            if n > MAX_LOOKUPS {
                return Err("too many property look-ups".into());
            }
            let value = self.lookup(name).ok_or_else(|| format!("${{{name}}}"))?;
            out.push_str(&self.interpolate_at(value, depth + 1)?);
            if out.len() > MAX_VALUE_LEN {
                return Err(format!("${{{name}}} (value too long)"));
            }
            rest = tail;
        }
        out.push_str(rest);
        Ok(out)
    }
}

type DepKey = (String, String, String, String);

fn resolve(chain: &[Pom], path: &str, mut analysis: Analysis) -> Analysis {
    let Some(props) = Props::new(chain) else { return analysis };
    let main = props.main;
    // Where missing versions might come from, for the warnings.
    let mut unseen_sources: Vec<String> = Vec::new();
    if let Some(last) = chain.last()
        && let Some(p) = &last.parent
    {
        unseen_sources.push(format!("parent POM {} not in the scanned tree", describe_parent(p)));
    }

    let key_of = |d: &RawDep| -> Option<DepKey> {
        let g = props.interpolate(d.group.as_deref()?).ok()?;
        let a = props.interpolate(d.artifact.as_deref()?).ok()?;
        Some((g, a, d.kind.clone(), d.classifier.clone()))
    };

    // dependencyManagement: the nearest POM wins.
    let mut managed: HashMap<DepKey, &RawDep> = HashMap::new();
    for pom in chain {
        for d in &pom.managed {
            if d.scope.as_deref() == Some("import") {
                if let Some((g, a, _, _)) = key_of(d) {
                    unseen_sources.push(format!("imported BOM {g}:{a}"));
                }
                continue;
            }
            if let Some(k) = key_of(d) {
                managed.entry(k).or_insert(d);
            }
        }
    }

    // Dependencies, own then inherited; the nearest declaration wins.
    let mut seen: HashSet<DepKey> = HashSet::new();
    let mut packages: Vec<Package> = Vec::new();
    for dep in chain.iter().flat_map(|p| p.deps.iter()) {
        let line = Some(dep.start);
        let warn_path = dep.file.as_str();
        let (Some(group), Some(artifact)) = (dep.group.as_deref(), dep.artifact.as_deref()) else {
            analysis.warn(warn_path, line, "dependency without groupId or artifactId");
            continue;
        };
        let (group, artifact) = match (props.interpolate(group), props.interpolate(artifact)) {
            (Ok(g), Ok(a)) => (g, a),
            (Err(n), _) | (_, Err(n)) => {
                analysis.warn(
                    warn_path,
                    line,
                    format!("cannot resolve {n} in the coordinates of {group}:{artifact}"),
                );
                continue;
            }
        };
        let key = (group.clone(), artifact.clone(), dep.kind.clone(), dep.classifier.clone());
        if !seen.insert(key.clone()) {
            continue;
        }
        let name = format!("{group}:{artifact}");
        let managed_dep = managed.get(&key);
        let Some(raw_version) = dep.version.as_deref().or(managed_dep.and_then(|m| m.version.as_deref()))
        else {
            let why = if unseen_sources.is_empty() {
                "not in dependencyManagement".to_string()
            } else {
                format!("not in dependencyManagement here; may come from {}", unseen_sources.join(", "))
            };
            analysis.warn(warn_path, line, format!("no version for {name} ({why}); skipped"));
            continue;
        };
        let version = match props.interpolate(raw_version) {
            Ok(v) => v,
            Err(n) => {
                analysis.warn(
                    warn_path,
                    line,
                    format!("cannot resolve {n} in the version of {name}; skipped"),
                );
                continue;
            }
        };
        if version.starts_with('[') || version.starts_with('(') {
            analysis.warn(
                warn_path,
                line,
                format!("version range {version} of {name} needs a repository to resolve; skipped"),
            );
            continue;
        }
        let scope = dep
            .scope
            .as_deref()
            .or(managed_dep.and_then(|m| m.scope.as_deref()))
            .map(|s| props.interpolate(s).unwrap_or_else(|_| s.to_string()))
            .unwrap_or_else(|| "compile".into());
        if scope == "import" {
            analysis.warn(
                warn_path,
                line,
                format!("scope import is only valid in dependencyManagement ({name})"),
            );
            continue;
        }
        let pkg = Package::builder(Ecosystem::Maven, name, version)
            .relationship(Relationship::Direct)
            .dev(scope == "test")
            .location(Location::lines(dep.file.as_str(), dep.start, dep.end))
            .build();
        if let Some(existing) = packages.iter_mut().find(|p| p.id == pkg.id) {
            existing.dev &= pkg.dev;
            existing.locations.extend(pkg.locations);
        } else {
            packages.push(pkg);
        }
    }

    // The project itself.
    let coords = (main.effective_group(), main.artifact.as_deref(), main.effective_version());
    match coords {
        (Some(g), Some(a), Some(v)) => {
            match (props.interpolate(g), props.interpolate(a), props.interpolate(v)) {
                (Ok(g), Ok(a), Ok(v)) => {
                    let root = Package::builder(Ecosystem::Maven, format!("{g}:{a}"), v)
                        .relationship(Relationship::Root)
                        .depends_on(packages.iter().map(|p| p.id.clone()))
                        .location(Location::file(path))
                        .build();
                    if !packages.iter().any(|p| p.id == root.id) {
                        packages.insert(0, root);
                    }
                }
                (Err(n), _, _) | (_, Err(n), _) | (_, _, Err(n)) => {
                    analysis.warn(path, None, format!("cannot resolve {n} in the project coordinates"));
                }
            }
        }
        _ => analysis.warn(path, None, "the project has no groupId, artifactId or version"),
    }
    analysis.packages = packages;
    analysis
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::NoFiles;
    use crate::testing::{MemFiles, run};

    const PARENT: &[u8] = include_bytes!("../../fixtures/java/pom/pom.xml");
    const APP: &[u8] = include_bytes!("../../fixtures/java/pom/app/pom.xml");

    fn tree() -> MemFiles {
        MemFiles(vec![("proj/pom.xml", PARENT.to_vec()), ("proj/app/pom.xml", APP.to_vec())])
    }

    type Row<'a> = (&'a str, &'a str, Relationship, bool, &'a str, Option<u32>, Option<u32>);

    fn rows(a: &Analysis) -> Vec<Row<'_>> {
        a.packages
            .iter()
            .map(|p| {
                let l = &p.locations[0];
                (
                    p.name.as_str(),
                    p.version.as_str(),
                    p.relationship,
                    p.dev,
                    l.path.as_str(),
                    l.start_line,
                    l.end_line,
                )
            })
            .collect()
    }

    #[test]
    fn child_with_parent_properties_and_management() {
        let a = run(&PomXml, "proj/app/pom.xml", APP, &tree()).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        let app = "proj/app/pom.xml";
        let parent = "proj/pom.xml";
        use Relationship::*;
        assert_eq!(
            rows(&a),
            vec![
                ("com.example.scanner:vuln-app", "1.0.0", Root, false, app, None, None),
                ("org.apache.logging.log4j:log4j-core", "2.14.1", Direct, false, app, Some(22), Some(25)),
                (
                    "com.fasterxml.jackson.core:jackson-databind",
                    "2.14.0",
                    Direct,
                    false,
                    app,
                    Some(26),
                    Some(29)
                ),
                ("org.apache.commons:commons-text", "1.9", Direct, false, app, Some(30), Some(34)),
                ("com.example.scanner:vuln-common", "1.0.0", Direct, false, app, Some(35), Some(38)),
                ("com.google.guava:guava", "31.1-jre", Direct, false, app, Some(39), Some(44)),
                ("junit:junit", "4.12", Direct, true, app, Some(45), Some(48)),
                ("org.mockito:mockito-core", "4.8.0", Direct, true, app, Some(49), Some(54)),
                ("org.slf4j:slf4j-api", "1.7.36", Direct, false, parent, Some(50), Some(54)),
            ]
        );
        let root = &a.packages[0];
        assert_eq!(root.purl, "pkg:maven/com.example.scanner/vuln-app@1.0.0");
        assert_eq!(root.depends_on.len(), 8);
        assert!(root.depends_on.contains(&"org.slf4j:slf4j-api@1.7.36".to_string()));
        assert!(root.depends_on.contains(&"junit:junit@4.12".to_string()));
    }

    #[test]
    fn parent_alone() {
        let a = run(&PomXml, "proj/pom.xml", PARENT, &tree()).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        use Relationship::*;
        assert_eq!(
            rows(&a),
            vec![
                ("com.example.scanner:vuln-parent", "1.0.0", Root, false, "proj/pom.xml", None, None),
                ("org.slf4j:slf4j-api", "1.7.36", Direct, false, "proj/pom.xml", Some(50), Some(54)),
            ]
        );
        assert_eq!(a.packages[0].depends_on, vec!["org.slf4j:slf4j-api@1.7.36".to_string()]);
    }

    #[test]
    fn missing_parent_skips_managed_deps_with_warnings() {
        let a = run(&PomXml, "proj/app/pom.xml", APP, &NoFiles).unwrap();
        let names: Vec<&str> = a.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "com.example.scanner:vuln-app",
                "org.apache.commons:commons-text",
                "com.google.guava:guava",
                "org.mockito:mockito-core"
            ]
        );
        let lines: Vec<Option<u32>> = a.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, vec![Some(22), Some(26), Some(35), Some(45)]);
        assert!(a.warnings[0].message.contains("org.apache.logging.log4j:log4j-core"));
        assert!(
            a.warnings[0].message.contains("com.example.scanner:vuln-parent:1.0.0"),
            "{}",
            a.warnings[0].message
        );
    }

    #[test]
    fn unresolved_property_range_and_bom() {
        let pom = br#"<project>
  <groupId>g</groupId><artifactId>a</artifactId><version>${revision}</version>
  <properties><revision>2.0</revision><loop>${loop}</loop></properties>
  <dependencyManagement><dependencies>
    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-dependencies</artifactId>
      <version>2.7.0</version><type>pom</type><scope>import</scope></dependency>
  </dependencies></dependencyManagement>
  <dependencies>
    <dependency><groupId>x</groupId><artifactId>undefined</artifactId><version>${nope}</version></dependency>
    <dependency><groupId>x</groupId><artifactId>range</artifactId><version>[1.0,2.0)</version></dependency>
    <dependency><groupId>x</groupId><artifactId>loop</artifactId><version>${loop}</version></dependency>
    <dependency><groupId>org.springframework</groupId><artifactId>spring-core</artifactId></dependency>
    <dependency><groupId>x</groupId><artifactId>ok</artifactId><version>${project.version}</version></dependency>
  </dependencies>
</project>"#;
        let a = run(&PomXml, "pom.xml", pom, &NoFiles).unwrap();
        let got: Vec<(&str, &str)> =
            a.packages.iter().map(|p| (p.name.as_str(), p.version.as_str())).collect();
        assert_eq!(got, vec![("g:a", "2.0"), ("x:ok", "2.0")]);
        let lines: Vec<Option<u32>> = a.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, vec![Some(9), Some(10), Some(11), Some(12)]);
        assert!(a.warnings[0].message.contains("${nope}"));
        assert!(a.warnings[1].message.contains("range"));
        assert!(
            a.warnings[3].message.contains("imported BOM org.springframework.boot:spring-boot-dependencies")
        );
    }

    #[test]
    fn parent_cycles_and_mismatches_are_cut() {
        let a_pom = br#"<project><parent><groupId>g</groupId><artifactId>b</artifactId><version>1</version>
          <relativePath>b/pom.xml</relativePath></parent><artifactId>a</artifactId>
          <dependencies><dependency><groupId>d</groupId><artifactId>d</artifactId><version>${v}</version></dependency></dependencies></project>"#;
        let b_pom = br#"<project><parent><groupId>g</groupId><artifactId>a</artifactId><version>1</version>
          <relativePath>../pom.xml</relativePath></parent><artifactId>b</artifactId>
          <properties><v>3</v></properties></project>"#;
        let files = MemFiles(vec![("pom.xml", a_pom.to_vec()), ("b/pom.xml", b_pom.to_vec())]);
        let a = run(&PomXml, "pom.xml", a_pom, &files).unwrap();
        // a -> b -> a is a cycle; b's properties still apply.
        assert!(a.packages.iter().any(|p| p.name == "d:d" && p.version == "3"));
        assert!(
            a.packages
                .iter()
                .any(|p| p.name == "g:a" && p.version == "1" && p.relationship == Relationship::Root)
        );
        assert!(a.warnings.iter().any(|w| w.message.contains("cycle")), "{:?}", a.warnings);

        // A relativePath pointing at an unrelated POM is not used.
        let other = br#"<project><groupId>zz</groupId><artifactId>b</artifactId><version>1</version>
          <properties><v>9</v></properties></project>"#;
        let files = MemFiles(vec![("b/pom.xml", other.to_vec())]);
        let a = run(&PomXml, "pom.xml", a_pom, &files).unwrap();
        assert!(!a.packages.iter().any(|p| p.name == "d:d"));
        assert!(a.warnings.iter().any(|w| w.message.contains("not the declared parent")), "{:?}", a.warnings);
    }

    #[test]
    fn exponential_properties_are_capped() {
        let mut pom = String::from(
            "<project><groupId>g</groupId><artifactId>a</artifactId><version>1</version><properties>",
        );
        pom.push_str("<p0></p0>");
        for i in 1..30 {
            let prev = format!("${{p{}}}", i - 1);
            pom.push_str(&format!("<p{i}>{}</p{i}>", prev.repeat(20)));
        }
        pom.push_str("</properties><dependencies><dependency><groupId>x</groupId><artifactId>y</artifactId><version>1${p29}</version></dependency></dependencies></project>");
        let a = run(&PomXml, "pom.xml", pom.as_bytes(), &NoFiles).unwrap();
        assert_eq!(a.packages.len(), 1);
        assert_eq!(a.warnings.len(), 1);
    }

    #[test]
    fn broken_files_fail() {
        for (bad, line) in [
            (&b"<project><dependencies>\n<dependency>"[..], Some(2)),
            (b"<html></html>", Some(1)),
            (b"<project>\n</dependencies></project>", Some(2)),
            (b"", None),
            (b"<a/><b/>", Some(1)),
        ] {
            let e = run(&PomXml, "pom.xml", bad, &NoFiles).unwrap_err();
            assert_eq!(e.line(), line, "{e} for {:?}", String::from_utf8_lossy(bad));
        }
        let deep = "<a>".repeat(100_000);
        assert!(run(&PomXml, "pom.xml", deep.as_bytes(), &NoFiles).is_err());
    }

    #[test]
    fn latin1_poms_are_read() {
        let pom = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<project><groupId>g</groupId><artifactId>a</artifactId>\n<version>1</version><name>Caf\xe9</name></project>";
        let a = run(&PomXml, "pom.xml", pom, &NoFiles).unwrap();
        assert_eq!(a.packages[0].id, "g:a@1");
        assert!(run(&PomXml, "pom.xml", b"<project>\xe9</project>", &NoFiles).is_err());
    }

    #[test]
    fn join_stays_in_the_tree() {
        assert_eq!(join("a/b", "../pom.xml").as_deref(), Some("a/pom.xml"));
        assert_eq!(join("a", "../../pom.xml"), None);
        assert_eq!(join("", "parent/pom.xml").as_deref(), Some("parent/pom.xml"));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512), cut in 0usize..4000, pos in 0usize..4000, byte in any::<u8>()) {
            let files = tree();
            let _ = run(&PomXml, "proj/app/pom.xml", &bytes, &files);
            let _ = run(&PomXml, "proj/app/pom.xml", APP.get(..cut.min(APP.len())).unwrap_or_default(), &files);
            let mut m = APP.to_vec();
            if let Some(b) = m.get_mut(pos % APP.len()) { *b = byte; }
            let _ = run(&PomXml, "proj/app/pom.xml", &m, &files);
            // A mutated parent.
            let mut p = PARENT.to_vec();
            if let Some(b) = p.get_mut(pos % PARENT.len()) { *b = byte; }
            let files = MemFiles(vec![("proj/pom.xml", p)]);
            let _ = run(&PomXml, "proj/app/pom.xml", APP, &files);
        }
    }
}
