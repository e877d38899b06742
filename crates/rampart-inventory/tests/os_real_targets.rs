//! The dpkg analyzers and OS detection on the real `debian12-apps` root filesystem built by
//! `../shared/targets/build.sh` (`$RAMPART_TARGETS`, default `target/rampart-targets`), checked
//! against the peer scanner's output for the same tree
//! (`../shared/targets/reference/rootfs-debian12-apps.cdx.json`, or `$RAMPART_SHARED/...`).
//! A missing target or reference fails: these checks must never pass by not running.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rampart_inventory::os::{OS_RELEASE_FILES, apply_os, detect_os};
use rampart_inventory::{Analysis, AnalyzerInput, FileInfo, NoFiles, analyzers};
use rampart_model::Ecosystem;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rootfs() -> PathBuf {
    let dir = std::env::var_os("RAMPART_TARGETS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/rampart-targets"))
        .join("rootfs/debian12-apps");
    assert!(
        dir.join("var/lib/dpkg/status").is_file(),
        "no debian12-apps root filesystem in {} — run `.ci/run`, or `../shared/targets/build.sh` (as root), or set RAMPART_TARGETS",
        dir.display()
    );
    dir
}

/// The peer's inventory of the very rootfs under test when `.ci/run` made one
/// (`$RAMPART_TARGETS/reference/`: the Debian layer follows the mirror's point release), else the
/// shared one.
fn reference() -> serde_json::Value {
    let local = rootfs().join("../../reference/rootfs-debian12-apps.cdx.json");
    let shared = std::env::var_os("RAMPART_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared"));
    let path =
        if local.is_file() { local } else { shared.join("targets/reference/rootfs-debian12-apps.cdx.json") };
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (set RAMPART_SHARED to the shared folder)", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn analyze(name: &str, path: &str, content: &[u8]) -> Analysis {
    let all = analyzers();
    let analyzer = all.iter().find(|a| a.name() == name).unwrap();
    let file = FileInfo::new(path, content.len() as u64, false);
    assert!(analyzer.accepts(&file), "{name} refuses {path}");
    analyzer.analyze(&AnalyzerInput { file, content, source: &NoFiles }).unwrap()
}

/// `(name, version, source name, source version, arch, purl)` of Trivy's deb components, and
/// their dependency edges by purl.
type Row = (String, String, String, String, String, String);

fn trivy_debs(bom: &serde_json::Value) -> (BTreeSet<Row>, BTreeMap<String, BTreeSet<String>>) {
    let mut rows = BTreeSet::new();
    let mut purls = BTreeSet::new();
    for c in bom["components"].as_array().unwrap() {
        let purl = c["purl"].as_str().unwrap_or("");
        if !purl.starts_with("pkg:deb/") {
            continue;
        }
        let prop = |k: &str| {
            c["properties"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == format!("aquasecurity:trivy:{k}"))
                .and_then(|p| p["value"].as_str())
                .map(str::to_string)
        };
        let mut src_version = prop("SrcVersion").unwrap();
        if let Some(r) = prop("SrcRelease") {
            src_version = format!("{src_version}-{r}");
        }
        if let Some(e) = prop("SrcEpoch") {
            src_version = format!("{e}:{src_version}");
        }
        let arch = purl.split("arch=").nth(1).unwrap().split('&').next().unwrap().to_string();
        rows.insert((
            c["name"].as_str().unwrap().to_string(),
            c["version"].as_str().unwrap().to_string(),
            prop("SrcName").unwrap(),
            src_version,
            arch,
            purl.to_string(),
        ));
        purls.insert(c["bom-ref"].as_str().unwrap().to_string());
    }
    let mut edges = BTreeMap::new();
    for d in bom["dependencies"].as_array().unwrap() {
        let from = d["ref"].as_str().unwrap().to_string();
        if purls.contains(&from) {
            let to: BTreeSet<String> = d["dependsOn"]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            edges.insert(from, to);
        }
    }
    (rows, edges)
}

#[test]
fn debian12_apps_packages_match_the_peer() {
    let root = rootfs();
    let read = |p: &str| std::fs::read(root.join(p)).ok();
    let os = detect_os(&read).expect("an OS");
    // The point release is whatever the mirror served when the target was built.
    let point = String::from_utf8(read("etc/debian_version").expect("debian_version")).unwrap();
    assert!(point.trim().starts_with("12."), "{point}");
    assert_eq!(
        (os.family, os.version.as_str(), os.release.as_str()),
        (Ecosystem::Debian, point.trim(), "12")
    );
    assert!(OS_RELEASE_FILES.contains(&os.source.as_str()));

    let status = std::fs::read(root.join("var/lib/dpkg/status")).unwrap();
    let mut a = analyze("dpkg-status", "var/lib/dpkg/status", &status);
    assert!(a.warnings.is_empty(), "{:?}", a.warnings);
    apply_os(&mut a.packages, &os);
    assert!(a.packages.iter().all(|p| p.distro.as_deref() == Some("12")));
    let ours: BTreeSet<Row> = a
        .packages
        .iter()
        .map(|p| {
            let s = p.source.clone().unwrap();
            (p.name.clone(), p.version.clone(), s.name, s.version, p.arch.clone().unwrap(), p.purl.clone())
        })
        .collect();
    let bom = reference();
    let (theirs, their_edges) = trivy_debs(&bom);
    assert_eq!(theirs.len(), 132);
    assert_eq!(ours.len(), 132);
    let missing: Vec<_> = theirs.difference(&ours).collect();
    let extra: Vec<_> = ours.difference(&theirs).collect();
    assert!(missing.is_empty() && extra.is_empty(), "missing {missing:#?}\nextra {extra:#?}");
    assert!(!a.packages.iter().any(|p| p.name == "less"), "the purged `less` must not appear");

    // Dependency edges, compared by purl: the peer reads `Depends` only and drops `name:any`
    // (any architecture); `Pre-Depends` (needed before unpacking, so at least as strong) and
    // `:any` dependencies add edges here, and nothing else may differ.
    let purl_of: BTreeMap<&str, &str> = a.packages.iter().map(|p| (p.id.as_str(), p.purl.as_str())).collect();
    let our_edges: BTreeMap<String, BTreeSet<String>> = a
        .packages
        .iter()
        .map(|p| {
            (
                p.purl.clone(),
                p.depends_on.iter().map(|d| purl_of.get(d.as_str()).unwrap().to_string()).collect(),
            )
        })
        .collect();
    let pre_depends: BTreeMap<String, BTreeSet<String>> = edges_the_peer_drops(&status, &a.packages);
    let differ: Vec<_> = our_edges
        .iter()
        .filter(|(k, v)| {
            let theirs = their_edges.get(*k).cloned().unwrap_or_default();
            let pre = pre_depends.get(*k).cloned().unwrap_or_default();
            !theirs.is_subset(v) || v.difference(&theirs).any(|extra| !pre.contains(extra))
        })
        .map(|(k, v)| (k, v, their_edges.get(k)))
        .collect();
    assert!(differ.is_empty(), "{} packages with other edges: {differ:#?}", differ.len());
    let extra: usize =
        our_edges.iter().map(|(k, v)| v.len() - their_edges.get(k).map_or(0, |t| t.len())).sum();
    let total: usize = our_edges.values().map(BTreeSet::len).sum();
    assert_eq!((total, extra), (EDGES, EDGES_FROM_PRE_DEPENDS));
}

/// Edges of the tree, measured: all, and those only `Pre-Depends` and `:any` give.
const EDGES: usize = 335;
const EDGES_FROM_PRE_DEPENDS: usize = 85;

/// The purls each package's `Pre-Depends` and `Depends: x:any` name (installed ones only), read
/// naively.
fn edges_the_peer_drops(
    status: &[u8],
    packages: &[rampart_model::Package],
) -> BTreeMap<String, BTreeSet<String>> {
    let by_name: BTreeMap<&str, &str> = packages.iter().map(|p| (p.name.as_str(), p.purl.as_str())).collect();
    let mut out = BTreeMap::new();
    for para in String::from_utf8_lossy(status).split("\n\n") {
        let field = |k: &str| para.lines().find_map(|l| l.strip_prefix(k)).map(str::trim);
        let Some(name) = field("Package:") else { continue };
        let Some(purl) = by_name.get(name) else { continue };
        let any = field("Depends:").unwrap_or("").split([',', '|']).filter(|d| d.contains(":any"));
        let deps = field("Pre-Depends:")
            .unwrap_or("")
            .split([',', '|'])
            .chain(any)
            .filter_map(|d| by_name.get(d.split(['(', ':']).next().unwrap_or("").trim()))
            .map(|p| p.to_string())
            .collect();
        out.insert(purl.to_string(), deps);
    }
    out
}

#[test]
fn debian12_apps_installed_files_cover_python3_yaml() {
    let root = rootfs();
    let list = std::fs::read(root.join("var/lib/dpkg/info/python3-yaml.list")).unwrap();
    let a = analyze("dpkg-files", "var/lib/dpkg/info/python3-yaml.list", &list);
    assert!(
        a.installed_files
            .contains(&"usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA".to_string())
    );
    for f in &a.installed_files {
        let p = root.join(f);
        assert!(
            p.symlink_metadata().is_ok() && !p.is_dir() || p.is_symlink(),
            "{f} is not a file of the tree"
        );
    }
}
