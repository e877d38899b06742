//! `sbom-cyclonedx`: CycloneDX JSON SBOMs (spec 1.2 to 1.7).

use std::collections::HashMap;

use rampart_model::{Ecosystem, LayerRef, Location, Relationship, SourcePackage};

use super::{Collector, Entry, Purl, SBOM_ECOSYSTEM, join_version, os_fields, parse_purl, pick_name};
use crate::json::{self, Node};
use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo};

/// Reads a CycloneDX JSON SBOM: `*.cdx.json`, `bom.json`, `*.bom.json`, `*cyclonedx*.json`.
///
/// Reports every component of `components[]` (nested `components` included) whose `purl` is of
/// a supported ecosystem, with its lines in the SBOM, its licences (`licenses[].license.id` /
/// `.name`, `licenses[].expression`), dev flag (`scope: excluded`, or Rampart's `rampart:dev`
/// property), relationship (Rampart's `rampart:relationship` property only: the format has no
/// direct/indirect) and edges from `dependencies[]` (`ref` → `dependsOn`, through bom-refs).
/// `metadata.component` (the thing the SBOM describes) is not reported.
///
/// OS packages (`deb`, `apk`, `rpm` purls, see [`super::parse_purl`]) also get their source
/// package from Rampart's `rampart:source_name` / `rampart:source_version` properties or
/// Trivy's `aquasecurity:trivy:SrcName` / `SrcEpoch` / `SrcVersion` / `SrcRelease`, and their
/// layer from Rampart's `rampart:layer_diff_id` / `rampart:layer_index` or Trivy's
/// `aquasecurity:trivy:LayerDiffID` (its index is the position of the diff id among the
/// `aquasecurity:trivy:DiffID` properties of `metadata.component`). Components with
/// another purl type or without purl are counted in one warning; components with neither purl
/// nor version (file or application nodes such as Trivy's `go.mod`) and `operating-system`
/// components are not packages and are ignored. The XML encoding is not read.
pub struct CycloneDx;

impl Analyzer for CycloneDx {
    fn name(&self) -> &'static str {
        "sbom-cyclonedx"
    }

    fn ecosystem(&self) -> Ecosystem {
        SBOM_ECOSYSTEM
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        let name = file.file_name.to_ascii_lowercase();
        name.ends_with(".cdx.json")
            || name == "bom.json"
            || name.ends_with(".bom.json")
            || (name.contains("cyclonedx") && name.ends_with(".json"))
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        let text = crate::utf8(input.content)?;
        let root = json::parse(text)?;
        if root.str_field("bomFormat") != Some("CycloneDX") {
            return Err(AnalyzeError::parse(
                Some(root.start),
                "not a CycloneDX JSON document (no \"bomFormat\": \"CycloneDX\")",
            ));
        }
        let path = input.file.path;
        let mut collector = Collector::default();
        // bom-ref -> package id.
        let mut refs: HashMap<String, String> = HashMap::new();

        // Trivy lists the image's layer diff ids, in order, on the described component.
        let diff_ids: Vec<&str> = root
            .get("metadata")
            .and_then(|m| m.get("component"))
            .and_then(|c| c.get("properties"))
            .and_then(Node::items)
            .unwrap_or_default()
            .iter()
            .filter(|p| p.str_field("name") == Some("aquasecurity:trivy:DiffID"))
            .filter_map(|p| p.str_field("value"))
            .collect();

        let mut stack: Vec<&Node> = Vec::new();
        if let Some(components) = root.get("components") {
            let items = components.items().ok_or_else(|| {
                AnalyzeError::parse(
                    Some(components.start),
                    format!("\"components\" is {}, not an array", components.kind()),
                )
            })?;
            stack.extend(items.iter().rev());
        }
        while let Some(c) = stack.pop() {
            if let Some(children) = c.get("components").and_then(Node::items) {
                stack.extend(children.iter().rev());
            }
            if !c.is_object() {
                collector.skip("invalid");
                continue;
            }
            let purl = c.str_field("purl").map(str::trim).filter(|p| !p.is_empty());
            let version = c.str_field("version").map(str::trim).filter(|v| !v.is_empty());
            let Some(purl) = purl else {
                if version.is_some() && c.str_field("type") != Some("operating-system") {
                    collector.skip("none");
                }
                continue;
            };
            let parsed = match parse_purl(purl) {
                Purl::Package(p) => p,
                Purl::Unsupported(ty) => {
                    collector.skip(&ty);
                    continue;
                }
                Purl::Invalid => {
                    collector.skip("invalid");
                    continue;
                }
            };
            let ecosystem = parsed.ecosystem;
            let declared = match (c.str_field("group"), c.str_field("name")) {
                (Some(g), Some(n)) if !g.is_empty() => Some(format!("{g}/{n}")),
                (_, n) => n.map(str::to_string),
            };
            let name = pick_name(ecosystem, parsed.name.clone(), declared.as_deref());
            // The purl's version is the canonical one; the `version` field when the purl has none.
            let version = if parsed.version.is_empty() {
                version.unwrap_or_default().to_string()
            } else {
                parsed.version.clone()
            };
            let properties = properties(c);
            let relationship = match properties.get("rampart:relationship").copied() {
                Some("root") => Relationship::Root,
                Some("direct") => Relationship::Direct,
                Some("indirect") => Relationship::Indirect,
                _ => Relationship::Unknown,
            };
            let dev =
                c.str_field("scope") == Some("excluded") || properties.get("rampart:dev") == Some(&"true");
            let os = os_fields(
                purl,
                &parsed,
                declared_source(&properties, &version),
                layer(&properties, &diff_ids),
            );
            let id = collector.add(Entry {
                ecosystem,
                name,
                version,
                relationship,
                dev,
                licenses: licenses(c),
                locations: vec![Location::lines(path, c.start, c.end)],
                depends_on: Vec::new(),
                os,
            });
            if let Some(bom_ref) = c.str_field("bom-ref") {
                refs.entry(bom_ref.to_string()).or_insert(id);
            }
        }

        for dep in root.get("dependencies").and_then(Node::items).unwrap_or_default() {
            let Some(from) = dep.str_field("ref").and_then(|r| refs.get(r)) else {
                continue;
            };
            for to in dep.get("dependsOn").and_then(Node::items).unwrap_or_default() {
                if let Some(to) = to.as_str().and_then(|r| refs.get(r)) {
                    collector.add_edge(from, to);
                }
            }
        }
        Ok(collector.finish(path, "component"))
    }
}

/// `properties[]` as name -> value (the first of a name wins).
fn properties(c: &Node) -> HashMap<&str, &str> {
    let mut map = HashMap::new();
    for p in c.get("properties").and_then(Node::items).unwrap_or_default() {
        if let (Some(n), Some(v)) = (p.str_field("name"), p.str_field("value")) {
            map.entry(n).or_insert(v);
        }
    }
    map
}

/// The source package the properties state: Rampart's, else Trivy's (whose version parts
/// default to the package's `version` when `SrcVersion` is missing).
fn declared_source(properties: &HashMap<&str, &str>, version: &str) -> Option<SourcePackage> {
    let get = |k: &str| properties.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    if let Some(name) = get("rampart:source_name") {
        let version = get("rampart:source_version").unwrap_or(version);
        return Some(SourcePackage { name: name.to_string(), version: version.to_string() });
    }
    let name = get("aquasecurity:trivy:SrcName")?;
    let version = match get("aquasecurity:trivy:SrcVersion") {
        Some(v) => join_version(get("aquasecurity:trivy:SrcEpoch"), v, get("aquasecurity:trivy:SrcRelease")),
        None => version.to_string(),
    };
    Some(SourcePackage { name: name.to_string(), version })
}

/// The layer the properties name: Rampart's diff id and index, else Trivy's diff id placed
/// among the image's `diff_ids`. `None` when the index is unknown.
fn layer(properties: &HashMap<&str, &str>, diff_ids: &[&str]) -> Option<LayerRef> {
    let layer = |index: usize, diff_id: &str| {
        Some(LayerRef {
            index: u32::try_from(index).ok()?,
            diff_id: diff_id.to_string(),
            digest: None,
            created_by: None,
        })
    };
    if let (Some(diff_id), Some(index)) = (
        properties.get("rampart:layer_diff_id"),
        properties.get("rampart:layer_index").and_then(|i| i.trim().parse::<usize>().ok()),
    ) {
        return layer(index, diff_id);
    }
    let diff_id = properties.get("aquasecurity:trivy:LayerDiffID")?;
    let index = diff_ids.iter().position(|d| d == diff_id)?;
    layer(index, diff_id)
}

/// `licenses[]`: `{license: {id | name}}` or `{expression}` items.
fn licenses(c: &Node) -> Vec<String> {
    let mut out = Vec::new();
    for l in c.get("licenses").and_then(Node::items).unwrap_or_default() {
        let value = l
            .get("license")
            .and_then(|lic| lic.str_field("id").or_else(|| lic.str_field("name")))
            .or_else(|| l.str_field("expression"));
        if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty() && !out.iter().any(|o| o == v)) {
            out.push(v.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoFiles;
    use crate::testing::run;
    use proptest::prelude::*;
    use rampart_model::Package;

    const TRIVY_GO: &[u8] = include_bytes!("../../fixtures/sbom/trivy-fs-go-app.cdx.json");
    const SCALIBR_NESTED: &[u8] = include_bytes!("../../fixtures/sbom/scalibr-nested-comps.cdx.json");
    const TRIVY_DEBIAN: &[u8] = include_bytes!("../../fixtures/sbom/trivy-image-debian12-layered.cdx.json");

    fn keys(packages: &[Package]) -> Vec<(Ecosystem, &str, &str)> {
        packages.iter().map(Package::key).collect()
    }

    #[test]
    fn accepts_cyclonedx_names() {
        let yes =
            ["a/b.cdx.json", "bom.json", "x.bom.json", "trivy-cyclonedx.json", "BOM.JSON", "Sbom.CDX.JSON"];
        for p in yes {
            assert!(CycloneDx.accepts(&FileInfo::new(p, 1, false)), "{p}");
        }
        for p in ["package.json", "bom.xml", "x.spdx.json", "cyclonedx.xml", "sbom.cdx.json.foo.ext"] {
            assert!(!CycloneDx.accepts(&FileInfo::new(p, 1, false)), "{p}");
        }
    }

    #[test]
    fn reads_trivy_output() {
        let a = run(&CycloneDx, "sbom/go.cdx.json", TRIVY_GO, &NoFiles).unwrap();
        assert_eq!(
            keys(&a.packages),
            [
                (Ecosystem::Go, "example.com/vulngo", ""),
                (Ecosystem::Go, "github.com/dgrijalva/jwt-go", "v3.2.0+incompatible"),
                (Ecosystem::Go, "github.com/golang-jwt/jwt/v4", ""),
                (Ecosystem::Go, "github.com/golang-jwt/jwt/v4", "v4.4.3"),
                (Ecosystem::Go, "golang.org/x/net", "v0.7.0"),
            ]
        );
        // The two go.mod application nodes have neither purl nor version: no warning.
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        let main = &a.packages[0];
        assert_eq!(main.id, "example.com/vulngo");
        assert_eq!(
            main.depends_on,
            [
                "github.com/dgrijalva/jwt-go@v3.2.0+incompatible",
                "github.com/golang-jwt/jwt/v4@v4.4.3",
                "golang.org/x/net@v0.7.0"
            ]
        );
        assert_eq!(main.locations, [Location::lines("sbom/go.cdx.json", 65, 80)]);
        assert_eq!(main.relationship, Relationship::Unknown);
        let net = &a.packages[4];
        assert_eq!(net.licenses, ["BSD-2-Clause"]);
        assert_eq!(net.purl, "pkg:golang/golang.org/x/net@v0.7.0");
        assert_eq!(net.locations, [Location::lines("sbom/go.cdx.json", 131, 154)]);
        assert!(a.packages.iter().skip(1).all(|p| p.depends_on.is_empty() && !p.dev));
    }

    /// (name, version, source name, source version, layer index) of every package.
    type OsRow<'a> = (&'a str, &'a str, &'a str, &'a str, Option<u32>);

    #[test]
    fn reads_trivy_image_os_packages() {
        let a = run(&CycloneDx, "image.cdx.json", TRIVY_DEBIAN, &NoFiles).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        let rows: Vec<OsRow> = a
            .packages
            .iter()
            .map(|p| {
                let src = p.source.as_ref().unwrap();
                (
                    p.name.as_str(),
                    p.version.as_str(),
                    src.name.as_str(),
                    src.version.as_str(),
                    p.layer.as_ref().map(|l| l.index),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("adduser", "3.134", "adduser", "3.134", Some(0)),
                ("bsdutils", "1:2.38.1-5+deb12u3", "util-linux", "2.38.1-5+deb12u3", Some(0)),
                ("curl", "7.88.1-10+deb12u15", "curl", "7.88.1-10+deb12u15", Some(2)),
                ("diffutils", "1:3.8-4", "diffutils", "1:3.8-4", Some(0)),
                ("libssl3", "3.0.22-1~deb12u2", "openssl", "3.0.22-1~deb12u2", Some(2)),
            ]
        );
        for p in &a.packages {
            assert_eq!((p.ecosystem, p.distro.as_deref()), (Ecosystem::Debian, Some("12")), "{}", p.name);
            assert_eq!(p.osv_ecosystem(), "Debian:12");
        }
        let bsdutils = &a.packages[1];
        assert_eq!(bsdutils.arch.as_deref(), Some("amd64"));
        assert_eq!(bsdutils.advisory_name(), "util-linux");
        assert_eq!(
            bsdutils.purl,
            "pkg:deb/debian/bsdutils@2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12.15&epoch=1"
        );
        assert_eq!(
            bsdutils.layer.as_ref().map(|l| l.diff_id.as_str()),
            Some("sha256:3ba8107b035d335b0ad2006877cce3d241b7076849ebd50892afc9c686d14b69")
        );
        assert_eq!(a.packages[0].arch.as_deref(), Some("all"));
        assert_eq!(bsdutils.licenses, ["GPL-2.0-or-later", "GPL-2.0-only"]);
    }

    #[test]
    fn os_sources_from_rampart_properties_else_unknown() {
        let doc = r#"{"bomFormat": "CycloneDX", "specVersion": "1.6",
  "components": [
    {"type": "library", "name": "libssl3", "version": "3.0.11-1~deb12u2",
     "purl": "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12.4",
     "properties": [{"name": "rampart:source_name", "value": "openssl"},
                    {"name": "rampart:source_version", "value": "3.0.11-1~deb12u2"},
                    {"name": "rampart:layer_diff_id", "value": "sha256:ab"},
                    {"name": "rampart:layer_index", "value": "3"}]},
    {"type": "library", "name": "libc6", "version": "2.36-9",
     "purl": "pkg:deb/debian/libc6@2.36-9?arch=amd64"},
    {"type": "library", "name": "libc6", "version": "2.36-9",
     "purl": "pkg:deb/debian/libc6@2.36-9?arch=i386"},
    {"type": "library", "name": "musl", "version": "1.2.4-r2",
     "purl": "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=3.19.1&upstream=musl",
     "properties": [{"name": "rampart:layer_index", "value": "x"}]}
  ]}"#;
        let a = run(&CycloneDx, "x.cdx.json", doc.as_bytes(), &NoFiles).unwrap();
        let got: Vec<_> = a
            .packages
            .iter()
            .map(|p| {
                (
                    p.id.as_str(),
                    p.arch.as_deref(),
                    p.distro.as_deref(),
                    p.source.clone().map(|s| (s.name, s.version)),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("deb:libc6@2.36-9", Some("i386"), None, None),
                ("libc6@2.36-9", Some("amd64"), None, None),
                (
                    "libssl3@3.0.11-1~deb12u2",
                    Some("amd64"),
                    Some("12"),
                    Some(("openssl".into(), "3.0.11-1~deb12u2".into()))
                ),
                ("musl@1.2.4-r2", Some("x86_64"), Some("v3.19"), Some(("musl".into(), "1.2.4-r2".into()))),
            ]
        );
        // Without a source the advisories are looked up by the binary name.
        assert_eq!(a.packages[1].advisory_name(), "libc6");
        assert_eq!(
            a.packages[2].layer.as_ref().map(|l| (l.index, l.diff_id.as_str())),
            Some((3, "sha256:ab"))
        );
        assert_eq!(a.packages[3].layer, None);
    }

    #[test]
    fn reads_nested_components_and_counts_the_rest() {
        let a = run(&CycloneDx, "bom.json", SCALIBR_NESTED, &NoFiles).unwrap();
        assert_eq!(keys(&a.packages), [(Ecosystem::Cargo, "rustls", "0.23.13")]);
        assert_eq!(a.packages[0].locations, [Location::lines("bom.json", 21, 27)]);
        let messages: Vec<_> = a.warnings.iter().map(|w| w.message.as_str()).collect();
        // nginx has a version and a CPE but no purl; openssl is a generic purl.
        assert_eq!(
            messages,
            ["2 components have no purl of a supported ecosystem (generic: 1, none: 1): not scanned"]
        );
    }

    #[test]
    fn merges_duplicates_and_maps_fields() {
        let doc = r#"{"bomFormat": "CycloneDX", "specVersion": "1.5",
  "components": [
    {"type": "library", "bom-ref": "a", "group": "@babel", "name": "core", "version": "7.0.0",
     "purl": "pkg:npm/%40babel/core@7.0.0", "scope": "excluded",
     "licenses": [{"license": {"id": "MIT"}}, {"license": {"name": "Custom"}}]},
    {"type": "library", "bom-ref": "b", "name": "PyYAML", "version": "6.0", "purl": "pkg:pypi/pyyaml@6.0",
     "licenses": [{"expression": "MIT OR Apache-2.0"}],
     "properties": [{"name": "rampart:relationship", "value": "direct"}]},
    {"type": "library", "bom-ref": "c", "name": "core", "version": "7.0.0", "purl": "pkg:npm/@babel/core@7.0.0"},
    {"type": "library", "bom-ref": "d", "name": "lodash", "version": "1", "purl": "pkg:pypi/lodash@1"},
    {"type": "library", "bom-ref": "e", "name": "lodash", "version": "1", "purl": "pkg:npm/lodash@1"},
    {"type": "library", "name": "bad", "purl": "pkg:npm"},
    {"type": "operating-system", "name": "debian", "version": "12.15"},
    3
  ],
  "dependencies": [
    {"ref": "b", "dependsOn": ["c", "b", "zzz", 7]},
    {"ref": "zzz", "dependsOn": ["a"]},
    {"ref": "e"}
  ]
}"#;
        let a = run(&CycloneDx, "x.cdx.json", doc.as_bytes(), &NoFiles).unwrap();
        let ids: Vec<_> = a.packages.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["@babel/core@7.0.0", "PyYAML@6.0", "lodash@1", "npm:lodash@1"]);
        let babel = &a.packages[0];
        assert!(!babel.dev, "one occurrence is not dev");
        assert_eq!(babel.licenses, ["MIT", "Custom"]);
        assert_eq!(
            babel.locations,
            [Location::lines("x.cdx.json", 3, 5), Location::lines("x.cdx.json", 9, 9)]
        );
        let yaml = &a.packages[1];
        assert_eq!(yaml.key(), (Ecosystem::PyPI, "PyYAML", "6.0"));
        assert_eq!(yaml.relationship, Relationship::Direct);
        assert_eq!(yaml.licenses, ["MIT OR Apache-2.0"]);
        assert_eq!(yaml.depends_on, ["@babel/core@7.0.0"]);
        assert_eq!(a.packages[3].key(), (Ecosystem::Npm, "lodash", "1"));
        assert_eq!(a.warnings.len(), 1);
        assert_eq!(
            a.warnings[0].message,
            "2 components have no purl of a supported ecosystem (invalid: 2): not scanned"
        );
    }

    #[test]
    fn refuses_broken_and_foreign_documents() {
        let e = run(&CycloneDx, "bom.json", b"{\n\"bomFormat\": \"CycloneDX\",\n", &NoFiles).unwrap_err();
        assert_eq!(e.line(), Some(3));
        for doc in [
            &b"{\"name\": \"x\"}"[..],
            b"[]",
            b"{\"bomFormat\": \"SPDX\"}",
            b"{\"spdxVersion\": \"SPDX-2.3\"}",
        ] {
            let e = run(&CycloneDx, "bom.json", doc, &NoFiles).unwrap_err();
            assert!(e.to_string().contains("not a CycloneDX JSON document"), "{e}");
        }
        let e = run(&CycloneDx, "bom.json", b"{\"bomFormat\": \"CycloneDX\",\n\"components\": {}}", &NoFiles)
            .unwrap_err();
        assert_eq!(e.line(), Some(2));
        assert!(e.to_string().contains("not an array"), "{e}");
        let a = run(&CycloneDx, "bom.json", b"{\"bomFormat\": \"CycloneDX\"}", &NoFiles).unwrap();
        assert_eq!(a, Analysis::default());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256),
                        cut in 0usize..6000, pos in 0usize..6000, byte in any::<u8>()) {
            let _ = run(&CycloneDx, "bom.json", &bytes, &NoFiles);
            let cut = cut.min(TRIVY_GO.len());
            let _ = run(&CycloneDx, "bom.json", &TRIVY_GO[..cut], &NoFiles);
            let mut mutated = TRIVY_GO.to_vec();
            if let Some(b) = mutated.get_mut(pos) {
                *b = byte;
            }
            let _ = run(&CycloneDx, "bom.json", &mutated, &NoFiles);
            let cut = cut.min(TRIVY_DEBIAN.len());
            let _ = run(&CycloneDx, "bom.json", &TRIVY_DEBIAN[..cut], &NoFiles);
            let mut mutated = TRIVY_DEBIAN.to_vec();
            let len = mutated.len();
            if let Some(b) = mutated.get_mut(pos * 7 % len) {
                *b = byte;
            }
            let _ = run(&CycloneDx, "bom.json", &mutated, &NoFiles);
        }
    }
}
