//! `sbom-cyclonedx`: CycloneDX JSON SBOMs (spec 1.2 to 1.7).

use std::collections::HashMap;

use rampart_model::{Ecosystem, Location, Relationship};

use super::{Collector, Entry, Purl, SBOM_ECOSYSTEM, parse_purl, pick_name};
use crate::json::{self, Node};
use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo};

/// Reads a CycloneDX JSON SBOM: `*.cdx.json`, `bom.json`, `*.bom.json`, `*cyclonedx*.json`.
///
/// Reports every component of `components[]` (nested `components` included) whose `purl` is of
/// a supported ecosystem, with its lines in the SBOM, its licences (`licenses[].license.id` /
/// `.name`, `licenses[].expression`), dev flag (`scope: excluded`, or Rampart's `rampart:dev`
/// property), relationship (Rampart's `rampart:relationship` property only: the format has no
/// direct/indirect) and edges from `dependencies[]` (`ref` → `dependsOn`, through bom-refs).
/// `metadata.component` (the thing the SBOM describes) is not reported. Components with
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
            let (ecosystem, name, purl_version) = match parse_purl(purl) {
                Purl::Package { ecosystem, name, version } => (ecosystem, name, version),
                Purl::Unsupported(ty) => {
                    collector.skip(&ty);
                    continue;
                }
                Purl::Invalid => {
                    collector.skip("invalid");
                    continue;
                }
            };
            let declared = match (c.str_field("group"), c.str_field("name")) {
                (Some(g), Some(n)) if !g.is_empty() => Some(format!("{g}/{n}")),
                (_, n) => n.map(str::to_string),
            };
            let name = pick_name(ecosystem, name, declared.as_deref());
            // The purl's version is the canonical one; the `version` field when the purl has none.
            let version =
                if purl_version.is_empty() { version.unwrap_or_default().to_string() } else { purl_version };
            let properties = properties(c);
            let relationship = match properties.get("rampart:relationship").copied() {
                Some("root") => Relationship::Root,
                Some("direct") => Relationship::Direct,
                Some("indirect") => Relationship::Indirect,
                _ => Relationship::Unknown,
            };
            let dev =
                c.str_field("scope") == Some("excluded") || properties.get("rampart:dev") == Some(&"true");
            let id = collector.add(Entry {
                ecosystem,
                name,
                version,
                relationship,
                dev,
                licenses: licenses(c),
                locations: vec![Location::lines(path, c.start, c.end)],
                depends_on: Vec::new(),
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
        }
    }
}
