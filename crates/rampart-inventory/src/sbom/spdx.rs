//! `sbom-spdx`: SPDX 2.2 / 2.3 SBOMs, JSON and tag-value.

use std::collections::{BTreeSet, HashMap};

use rampart_model::{Ecosystem, Location, Relationship, SourcePackage};

use super::{Collector, Entry, Purl, SBOM_ECOSYSTEM, os_fields, parse_purl, pick_name};
use crate::json::{self, Node};
use crate::{Analysis, AnalyzeError, Analyzer, AnalyzerInput, FileInfo};

/// Reads an SPDX 2.x SBOM: `*.spdx.json` (JSON) and `*.spdx` (tag-value, or JSON when it
/// starts with `{`).
///
/// Reports every package that has an external reference of type `purl` of a supported
/// ecosystem (JSON `externalRefs[]`, tag-value `ExternalRef: CATEGORY purl LOCATOR`), with its
/// lines in the SBOM, its licences (declared, then concluded, except `NOASSERTION`/`NONE`; a
/// `LicenseRef-` is replaced by the name of its extracted licensing info), and the edges of
/// the relationships: `DEPENDS_ON` (a → b) and every `*_DEPENDENCY_OF` (b → a). A package is
/// dev when every path from a root of the graph to it goes through a `DEV_`/`BUILD_`/
/// `TEST_DEPENDENCY_OF` edge. The relationship is only known from Rampart's own package
/// comment (`relationship: direct`). OS packages (`deb`, `apk`, `rpm` purls, see
/// [`super::parse_purl`]) get their source package from Trivy's `sourceInfo` (`built package
/// from: util-linux 2.38.1-5+deb12u3`), else from the purl. Packages with another purl type, or with a version but no
/// purl, are counted in one warning; packages with neither (files, directories, the described
/// artifact) and `OPERATING-SYSTEM` packages are ignored. The RDF and YAML encodings and
/// SPDX 3 (JSON-LD) are not read.
pub struct Spdx;

impl Analyzer for Spdx {
    fn name(&self) -> &'static str {
        "sbom-spdx"
    }

    fn ecosystem(&self) -> Ecosystem {
        SBOM_ECOSYSTEM
    }

    fn accepts(&self, file: &FileInfo<'_>) -> bool {
        let name = file.file_name.to_ascii_lowercase();
        name.ends_with(".spdx.json") || name.ends_with(".spdx")
    }

    fn analyze(&self, input: &AnalyzerInput<'_>) -> Result<Analysis, AnalyzeError> {
        let text = crate::utf8(input.content)?;
        let json = input.file.file_name.to_ascii_lowercase().ends_with(".json")
            || text.trim_start().starts_with('{');
        let doc = if json { Document::from_json(text)? } else { Document::from_tag_value(text)? };
        Ok(doc.analyze(input.file.path))
    }
}

/// One SPDX package, as either encoding gives it.
#[derive(Debug, Default)]
struct SpdxPackage {
    spdx_id: Option<String>,
    name: Option<String>,
    version: Option<String>,
    purls: Vec<String>,
    declared: Option<String>,
    concluded: Option<String>,
    comment: Option<String>,
    purpose: Option<String>,
    source_info: Option<String>,
    start: u32,
    end: u32,
}

/// The parts of an SPDX document the analyzer uses.
#[derive(Debug, Default)]
struct Document {
    packages: Vec<SpdxPackage>,
    /// (spdxElementId, relationshipType, relatedSpdxElement).
    relationships: Vec<(String, String, String)>,
    /// `LicenseRef-` id -> licence name.
    license_names: HashMap<String, String>,
}

/// Checks the `SPDX-2.x` version tag.
fn check_version(version: Option<&str>, line: Option<u32>, encoding: &str) -> Result<(), AnalyzeError> {
    match version.map(str::trim) {
        Some(v) if v.starts_with("SPDX-2.") => Ok(()),
        Some(v) => {
            Err(AnalyzeError::parse(line, format!("unsupported SPDX version {v:?}: only SPDX 2.x is read")))
        }
        None => Err(AnalyzeError::parse(
            line,
            format!("not an SPDX 2.x {encoding} document (no \"spdxVersion\")"),
        )),
    }
}

impl Document {
    fn from_json(text: &str) -> Result<Self, AnalyzeError> {
        let root = json::parse(text)?;
        let version_line = root.get("spdxVersion").map_or(root.start, |n| n.start);
        check_version(root.str_field("spdxVersion"), Some(version_line), "JSON")?;
        let mut doc = Document::default();
        for info in root.get("hasExtractedLicensingInfos").and_then(Node::items).unwrap_or_default() {
            if let (Some(id), Some(name)) = (info.str_field("licenseId"), info.str_field("name")) {
                doc.license_names.insert(id.to_string(), name.to_string());
            }
        }
        let packages = match root.get("packages") {
            None => &[][..],
            Some(p) => p.items().ok_or_else(|| {
                AnalyzeError::parse(Some(p.start), format!("\"packages\" is {}, not an array", p.kind()))
            })?,
        };
        let field = |p: &Node, key: &str| p.str_field(key).map(str::to_string);
        for p in packages {
            let purls = p
                .get("externalRefs")
                .and_then(Node::items)
                .unwrap_or_default()
                .iter()
                .filter(|r| r.str_field("referenceType").is_some_and(|t| t.eq_ignore_ascii_case("purl")))
                .filter_map(|r| r.str_field("referenceLocator").map(str::to_string))
                .collect();
            doc.packages.push(SpdxPackage {
                spdx_id: field(p, "SPDXID"),
                name: field(p, "name"),
                version: field(p, "versionInfo"),
                purls,
                declared: field(p, "licenseDeclared"),
                concluded: field(p, "licenseConcluded"),
                comment: field(p, "comment"),
                purpose: field(p, "primaryPackagePurpose"),
                source_info: field(p, "sourceInfo"),
                start: p.start,
                end: p.end,
            });
        }
        for r in root.get("relationships").and_then(Node::items).unwrap_or_default() {
            if let (Some(a), Some(ty), Some(b)) = (
                r.str_field("spdxElementId"),
                r.str_field("relationshipType"),
                r.str_field("relatedSpdxElement"),
            ) {
                doc.relationships.push((a.to_string(), ty.to_string(), b.to_string()));
            }
        }
        Ok(doc)
    }

    /// Tag-value: `Tag: value` lines, `<text>...</text>` values may span lines, `#` comments.
    fn from_tag_value(text: &str) -> Result<Self, AnalyzeError> {
        let mut doc = Document::default();
        let mut package: Option<SpdxPackage> = None;
        let mut license_id: Option<String> = None;
        let mut seen_version = false;
        let mut lines = text.lines().zip(1u32..);
        while let Some((line, n)) = lines.next() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((tag, value)) = line.split_once(':') else {
                return Err(AnalyzeError::parse(Some(n), format!("line {n} is not `Tag: value`")));
            };
            let (tag, mut value) = (tag.trim(), value.trim().to_string());
            let mut end = n;
            if let Some(rest) = value.strip_prefix("<text>") {
                let mut collected = rest.to_string();
                while !collected.contains("</text>") {
                    let Some((next, m)) = lines.next() else {
                        return Err(AnalyzeError::parse(
                            Some(n),
                            format!("<text> opened at line {n} is never closed"),
                        ));
                    };
                    collected.push('\n');
                    collected.push_str(next);
                    end = m;
                }
                value = collected.split("</text>").next().unwrap_or_default().to_string();
            }
            if !seen_version {
                if tag != "SPDXVersion" {
                    return Err(AnalyzeError::parse(
                        Some(n),
                        "not an SPDX 2.x tag-value document (it does not start with SPDXVersion)",
                    ));
                }
                check_version(Some(&value), Some(n), "tag-value")?;
                seen_version = true;
                continue;
            }
            match tag {
                "PackageName" => {
                    doc.packages.extend(package.take());
                    package =
                        Some(SpdxPackage { name: Some(value), start: n, end, ..SpdxPackage::default() });
                    continue;
                }
                "FileName" | "SnippetSPDXID" | "LicenseID" => {
                    doc.packages.extend(package.take());
                    if tag == "LicenseID" {
                        license_id = Some(value);
                    }
                    continue;
                }
                "LicenseName" => {
                    if let Some(id) = license_id.take() {
                        doc.license_names.insert(id, value);
                    }
                    continue;
                }
                "Relationship" => {
                    let mut parts = value.split_whitespace();
                    if let (Some(a), Some(ty), Some(b)) = (parts.next(), parts.next(), parts.next()) {
                        doc.relationships.push((a.to_string(), ty.to_string(), b.to_string()));
                    }
                    continue;
                }
                _ => {}
            }
            let Some(p) = package.as_mut() else { continue };
            p.end = end;
            match tag {
                "SPDXID" => p.spdx_id = Some(value),
                "PackageVersion" => p.version = Some(value),
                "PackageLicenseDeclared" => p.declared = Some(value),
                "PackageLicenseConcluded" => p.concluded = Some(value),
                "PackageComment" => p.comment = Some(value),
                "PrimaryPackagePurpose" => p.purpose = Some(value),
                "PackageSourceInfo" => p.source_info = Some(value),
                "ExternalRef" => {
                    let mut parts = value.split_whitespace();
                    if let (Some(_category), Some(ty), Some(locator)) =
                        (parts.next(), parts.next(), parts.next())
                        && ty.eq_ignore_ascii_case("purl")
                    {
                        p.purls.push(locator.to_string());
                    }
                }
                _ => {}
            }
        }
        if !seen_version {
            return Err(AnalyzeError::parse(None, "not an SPDX 2.x tag-value document (no SPDXVersion)"));
        }
        doc.packages.extend(package);
        Ok(doc)
    }

    fn analyze(&self, path: &str) -> Analysis {
        let mut collector = Collector::default();
        // SPDXID -> package id.
        let mut refs: HashMap<&str, String> = HashMap::new();
        for p in &self.packages {
            let version_info = p.version.as_deref().map(str::trim).filter(|v| !v.is_empty());
            let purls: Vec<Purl> = p.purls.iter().map(|p| parse_purl(p)).collect();
            let Some(first) = purls.first() else {
                if version_info.is_some() && p.purpose.as_deref() != Some("OPERATING-SYSTEM") {
                    collector.skip("none");
                }
                continue;
            };
            let supported = purls.iter().zip(&p.purls).find_map(|(purl, text)| match purl {
                Purl::Package(parsed) => Some((parsed, text)),
                _ => None,
            });
            let (parsed, purl_text) = match (supported, first) {
                (Some(found), _) => found,
                (_, Purl::Unsupported(ty)) => {
                    collector.skip(ty);
                    continue;
                }
                _ => {
                    collector.skip("invalid");
                    continue;
                }
            };
            let ecosystem = parsed.ecosystem;
            let name = pick_name(ecosystem, parsed.name.clone(), p.name.as_deref());
            let version = if parsed.version.is_empty() {
                version_info.unwrap_or_default().to_string()
            } else {
                parsed.version.clone()
            };
            let os = os_fields(purl_text, parsed, p.source_info.as_deref().and_then(built_from), None);
            let mut licenses = Vec::new();
            for l in [&p.declared, &p.concluded].into_iter().flatten() {
                let l = l.trim();
                if !l.is_empty() && l != "NOASSERTION" && l != "NONE" {
                    let l =
                        self.license_names.get(l).map(|n| n.trim()).filter(|n| !n.is_empty()).unwrap_or(l);
                    if !licenses.iter().any(|x| x == l) {
                        licenses.push(l.to_string());
                    }
                }
            }
            let relationship = p
                .comment
                .as_deref()
                .and_then(|c| c.split("; ").find_map(|part| part.strip_prefix("relationship: ")))
                .map_or(Relationship::Unknown, |r| match r.trim() {
                    "root" => Relationship::Root,
                    "direct" => Relationship::Direct,
                    "indirect" => Relationship::Indirect,
                    _ => Relationship::Unknown,
                });
            let id = collector.add(Entry {
                ecosystem,
                name,
                version,
                relationship,
                dev: false,
                licenses,
                locations: vec![Location::lines(path, p.start, p.end)],
                depends_on: Vec::new(),
                os,
            });
            if let Some(spdx_id) = p.spdx_id.as_deref() {
                refs.entry(spdx_id).or_insert(id);
            }
        }

        // Dependency edges between any elements (files and the described artifact included, for
        // the dev derivation): (from, to, dev).
        let mut edges: Vec<(&str, &str, bool)> = Vec::new();
        for (a, ty, b) in &self.relationships {
            let (a, b) = (a.as_str(), b.as_str());
            match ty.as_str() {
                "DEPENDS_ON" => edges.push((a, b, false)),
                "DEV_DEPENDENCY_OF" | "BUILD_DEPENDENCY_OF" | "TEST_DEPENDENCY_OF" => {
                    edges.push((b, a, true))
                }
                "DEPENDENCY_OF"
                | "RUNTIME_DEPENDENCY_OF"
                | "OPTIONAL_DEPENDENCY_OF"
                | "PROVIDED_DEPENDENCY_OF" => edges.push((b, a, false)),
                _ => {}
            }
        }
        for (from, to, _) in &edges {
            if let (Some(from), Some(to)) = (refs.get(from), refs.get(to)) {
                collector.add_edge(from, to);
            }
        }
        if edges.iter().any(|(_, _, dev)| *dev) {
            let targets: BTreeSet<&str> = edges.iter().map(|(_, to, _)| *to).collect();
            let roots: Vec<&str> =
                edges.iter().map(|(from, _, _)| *from).filter(|f| !targets.contains(f)).collect();
            let prod = reachable(&edges, &roots, false);
            let all = reachable(&edges, &roots, true);
            // A package listed several times (merged into one) is dev only when every copy is.
            let mut dev: HashMap<&str, bool> = HashMap::new();
            for (spdx_id, id) in &refs {
                let this = all.contains(spdx_id) && !prod.contains(spdx_id);
                *dev.entry(id).or_insert(true) &= this;
            }
            for (id, dev) in dev {
                collector.set_dev(id, dev);
            }
        }
        collector.finish(path, "package")
    }
}

/// Trivy's `sourceInfo` of an OS package: `built package from: NAME VERSION`.
fn built_from(source_info: &str) -> Option<SourcePackage> {
    let rest = source_info.trim().strip_prefix("built package from:")?;
    let mut words = rest.split_whitespace();
    let name = words.next()?;
    let version = words.next().unwrap_or("");
    Some(SourcePackage { name: name.to_string(), version: version.to_string() })
}

/// The elements reachable from `roots`, following dev edges only when `with_dev`.
fn reachable<'a>(edges: &[(&'a str, &'a str, bool)], roots: &[&'a str], with_dev: bool) -> BTreeSet<&'a str> {
    let mut out: HashMap<&str, Vec<&str>> = HashMap::new();
    for (from, to, dev) in edges {
        if with_dev || !dev {
            out.entry(from).or_default().push(to);
        }
    }
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = roots.to_vec();
    while let Some(n) = stack.pop() {
        if seen.insert(n) {
            stack.extend(out.get(n).into_iter().flatten());
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoFiles;
    use crate::testing::run;
    use proptest::prelude::*;
    use rampart_model::Package;

    const SCALIBR: &[u8] = include_bytes!("../../fixtures/sbom/scalibr-purl-and-cpe.spdx.json");
    const TRIVY_GO: &[u8] = include_bytes!("../../fixtures/sbom/trivy-fs-go-app.spdx.json");
    const TRIVY_GO_TV: &[u8] = include_bytes!("../../fixtures/sbom/trivy-fs-go-app.spdx");
    const SCALIBR_TV: &[u8] = include_bytes!("../../fixtures/sbom/scalibr-sbom.spdx");
    const TRIVY_DEBIAN: &[u8] = include_bytes!("../../fixtures/sbom/trivy-image-debian12-minbase.spdx.json");

    #[test]
    fn reads_trivy_image_os_packages() {
        let a = run(&Spdx, "image.spdx.json", TRIVY_DEBIAN, &NoFiles).unwrap();
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        let rows: Vec<_> = a
            .packages
            .iter()
            .map(|p| {
                let src = p.source.as_ref().unwrap();
                (
                    p.ecosystem,
                    p.name.as_str(),
                    p.version.as_str(),
                    p.distro.as_deref(),
                    src.name.as_str(),
                    src.version.as_str(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                (Ecosystem::Debian, "adduser", "3.134", Some("12"), "adduser", "3.134"),
                (
                    Ecosystem::Debian,
                    "bsdutils",
                    "1:2.38.1-5+deb12u3",
                    Some("12"),
                    "util-linux",
                    "2.38.1-5+deb12u3"
                ),
                (Ecosystem::Debian, "diffutils", "1:3.8-4", Some("12"), "diffutils", "1:3.8-4"),
                (Ecosystem::Debian, "libc6", "2.36-9+deb12u14", Some("12"), "glibc", "2.36-9+deb12u14"),
            ]
        );
        assert_eq!(
            a.packages[3].purl,
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64&distro=debian-12.15"
        );
        assert_eq!(a.packages[3].arch.as_deref(), Some("amd64"));
        assert_eq!(built_from("acquired package info from DPKG DB: /var/lib/dpkg/status"), None);
    }

    #[test]
    fn reads_trivy_tag_value_like_its_json() {
        let tv = run(&Spdx, "go.spdx", TRIVY_GO_TV, &NoFiles).unwrap();
        let js = run(&Spdx, "go.spdx.json", TRIVY_GO, &NoFiles).unwrap();
        assert!(tv.warnings.is_empty(), "{:?}", tv.warnings);
        let strip = |a: &Analysis| -> Vec<Package> {
            a.packages.iter().cloned().map(|p| Package { locations: Vec::new(), ..p }).collect()
        };
        assert_eq!(strip(&tv), strip(&js));
        assert_eq!(tv.packages.len(), 5);
        assert_eq!(tv.packages[0].locations, [Location::lines("go.spdx", 97, 106)]);
        assert_eq!(tv.packages[4].licenses, ["BSD-2-Clause"]);
        assert_eq!(tv.packages[4].locations, [Location::lines("go.spdx", 56, 66)]);
    }

    #[test]
    fn reads_tag_value_text_blocks_and_licence_refs() {
        let a = run(&Spdx, "x.spdx", SCALIBR_TV, &NoFiles).unwrap();
        assert!(a.packages.is_empty());
        let messages: Vec<_> = a.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(messages, ["1 package has no purl of a supported ecosystem (generic: 1): not scanned"]);

        let doc = "SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\n\n# comment\nPackageName: serde\nSPDXID: SPDXRef-a\n\
            PackageVersion: 1.0.0\nPackageComment: <text>ecosystem: crates.io;\nsecond line: x</text>\n\
            PackageLicenseDeclared: LicenseRef-x\nExternalRef: PACKAGE-MANAGER purl pkg:cargo/serde@1.0.0\n\
            Relationship: SPDXRef-a DEPENDS_ON SPDXRef-b\n\
            FileName: ./Cargo.toml\nSPDXID: SPDXRef-f\nPackageName: itoa\nSPDXID: SPDXRef-b\n\
            ExternalRef: PACKAGE-MANAGER purl pkg:cargo/itoa@1.0.1\n\
            LicenseID: LicenseRef-x\nExtractedText: <text>some\ntext</text>\nLicenseName: Serde Licence\n";
        let a = run(&Spdx, "x.spdx", doc.as_bytes(), &NoFiles).unwrap();
        let keys: Vec<_> = a.packages.iter().map(Package::key).collect();
        assert_eq!(keys, [(Ecosystem::Cargo, "itoa", "1.0.1"), (Ecosystem::Cargo, "serde", "1.0.0")]);
        assert_eq!(a.packages[1].licenses, ["Serde Licence"]);
        assert_eq!(a.packages[1].depends_on, ["itoa@1.0.1"]);
        assert_eq!(a.packages[1].locations, [Location::lines("x.spdx", 5, 11)]);
        assert_eq!(a.packages[0].locations, [Location::lines("x.spdx", 15, 17)]);

        // A JSON document named `.spdx`.
        let a = run(&Spdx, "x.spdx", TRIVY_GO, &NoFiles).unwrap();
        assert_eq!(a.packages.len(), 5);
    }

    #[test]
    fn refuses_broken_tag_value() {
        for (doc, line, message) in [
            (
                "SPDXVersion: SPDX-2.3\nPackageName: a\nPackageComment: <text>open\n\n",
                Some(3),
                "never closed",
            ),
            ("SPDXVersion: SPDX-2.3\nPackageName: a\njunk\n", Some(3), "is not `Tag: value`"),
            ("DataLicense: CC0-1.0\nSPDXVersion: SPDX-2.3\n", Some(1), "does not start with SPDXVersion"),
            ("SPDXVersion: SPDX-3.0\n", Some(1), "unsupported SPDX version"),
            ("# only a comment\n", None, "no SPDXVersion"),
            ("", None, "no SPDXVersion"),
        ] {
            let e = run(&Spdx, "x.spdx", doc.as_bytes(), &NoFiles).unwrap_err();
            assert_eq!(e.line(), line, "{doc:?}: {e}");
            assert!(e.to_string().contains(message), "{doc:?}: {e}");
        }
    }

    #[test]
    fn reads_trivy_output() {
        let a = run(&Spdx, "go.spdx.json", TRIVY_GO, &NoFiles).unwrap();
        let keys: Vec<_> = a.packages.iter().map(Package::key).collect();
        assert_eq!(
            keys,
            [
                (Ecosystem::Go, "example.com/vulngo", ""),
                (Ecosystem::Go, "github.com/dgrijalva/jwt-go", "v3.2.0+incompatible"),
                (Ecosystem::Go, "github.com/golang-jwt/jwt/v4", ""),
                (Ecosystem::Go, "github.com/golang-jwt/jwt/v4", "v4.4.3"),
                (Ecosystem::Go, "golang.org/x/net", "v0.7.0"),
            ]
        );
        // The go.mod and filesystem entries have neither purl nor version: no warning.
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        let main = &a.packages[0];
        assert_eq!(
            main.depends_on,
            [
                "github.com/dgrijalva/jwt-go@v3.2.0+incompatible",
                "github.com/golang-jwt/jwt/v4@v4.4.3",
                "golang.org/x/net@v0.7.0"
            ]
        );
        assert_eq!(main.locations, [Location::lines("go.spdx.json", 61, 92)]);
        let net = &a.packages[4];
        assert_eq!(net.licenses, ["BSD-2-Clause"]);
        assert_eq!(net.locations, [Location::lines("go.spdx.json", 191, 223)]);
        assert!(a.packages.iter().all(|p| !p.dev && p.relationship == Relationship::Unknown));
        assert!(
            a.packages
                .iter()
                .skip(1)
                .all(|p| p.depends_on.is_empty() && (p.licenses.is_empty() || p.name == "golang.org/x/net"))
        );
    }

    #[test]
    fn accepts_spdx_json_only() {
        assert!(Spdx.accepts(&FileInfo::new("a/x.spdx.json", 1, false)));
        assert!(Spdx.accepts(&FileInfo::new("X.SPDX.JSON", 1, false)));
        assert!(Spdx.accepts(&FileInfo::new("x.spdx", 1, false)));
        for p in ["x.spdx.yml", "sbom.spdx.rdf", "spdx.json.x", "bom.json"] {
            assert!(!Spdx.accepts(&FileInfo::new(p, 1, false)), "{p}");
        }
    }

    #[test]
    fn counts_packages_of_other_ecosystems() {
        let a = run(&Spdx, "x.spdx.json", SCALIBR, &NoFiles).unwrap();
        assert!(a.packages.is_empty());
        let messages: Vec<_> = a.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(messages, ["2 packages have no purl of a supported ecosystem (generic: 2): not scanned"]);
    }

    #[test]
    fn maps_fields_edges_and_dev() {
        let doc = r#"{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT",
  "packages": [
    {"SPDXID": "SPDXRef-app", "name": "app"},
    {"SPDXID": "SPDXRef-a", "name": "PyYAML", "versionInfo": "6.0",
     "licenseDeclared": "LicenseRef-1", "licenseConcluded": "MIT",
     "comment": "ecosystem: PyPI; relationship: direct",
     "externalRefs": [{"referenceCategory": "SECURITY", "referenceType": "cpe23Type", "referenceLocator": "cpe:2.3:a:x"},
                      {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:pypi/pyyaml@6.0"}]},
    {"SPDXID": "SPDXRef-b", "name": "b", "versionInfo": "1.0", "licenseDeclared": "NOASSERTION",
     "externalRefs": [{"referenceType": "purl", "referenceLocator": "pkg:npm/b"}]},
    {"SPDXID": "SPDXRef-c", "name": "c", "versionInfo": "2.0",
     "externalRefs": [{"referenceType": "purl", "referenceLocator": "pkg:generic/c@2.0"},
                      {"referenceType": "purl", "referenceLocator": "pkg:cargo/c@2.0"}]},
    {"SPDXID": "SPDXRef-d", "name": "d", "versionInfo": "3", "licenseConcluded": "NONE",
     "externalRefs": [{"referenceType": "purl", "referenceLocator": "pkg:gem/d@3"}]},
    {"SPDXID": "SPDXRef-os", "name": "debian", "versionInfo": "12", "primaryPackagePurpose": "OPERATING-SYSTEM"},
    {"SPDXID": "SPDXRef-lib", "name": "libc6", "versionInfo": "2.36"},
    {"SPDXID": "SPDXRef-d2", "name": "d", "versionInfo": "3",
     "externalRefs": [{"referenceType": "purl", "referenceLocator": "pkg:gem/d@3"}]},
    {"SPDXID": "SPDXRef-b2", "name": "b", "versionInfo": "1.0",
     "externalRefs": [{"referenceType": "purl", "referenceLocator": "pkg:npm/b@1.0"}]},
    {"SPDXID": "SPDXRef-deb", "name": "zlib", "versionInfo": "1",
     "externalRefs": [{"referenceType": "purl", "referenceLocator": "pkg:deb/kali/zlib@1"}]}
  ],
  "relationships": [
    {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-app"},
    {"spdxElementId": "SPDXRef-app", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-a"},
    {"spdxElementId": "SPDXRef-b", "relationshipType": "DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-a"},
    {"spdxElementId": "SPDXRef-c", "relationshipType": "DEV_DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-app"},
    {"spdxElementId": "SPDXRef-c", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-d"},
    {"spdxElementId": "SPDXRef-c", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-missing"},
    {"spdxElementId": "SPDXRef-a", "relationshipType": "CONTAINS", "relatedSpdxElement": "SPDXRef-d"},
    {"spdxElementId": "SPDXRef-d2", "relationshipType": "TEST_DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-app"},
    {"spdxElementId": "SPDXRef-b2", "relationshipType": "DEV_DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-app"}
  ],
  "hasExtractedLicensingInfos": [{"licenseId": "LicenseRef-1", "name": "Custom Licence", "extractedText": "..."}]
}"#;
        let a = run(&Spdx, "s.spdx.json", doc.as_bytes(), &NoFiles).unwrap();
        let keys: Vec<_> = a.packages.iter().map(Package::key).collect();
        assert_eq!(
            keys,
            [
                (Ecosystem::PyPI, "PyYAML", "6.0"),
                (Ecosystem::Npm, "b", "1.0"),
                (Ecosystem::Cargo, "c", "2.0"),
                (Ecosystem::RubyGems, "d", "3")
            ]
        );
        let yaml = &a.packages[0];
        assert_eq!(yaml.licenses, ["Custom Licence", "MIT"]);
        assert_eq!(yaml.relationship, Relationship::Direct);
        assert_eq!(yaml.depends_on, ["b@1.0"]);
        assert_eq!(yaml.locations, [Location::lines("s.spdx.json", 4, 8)]);
        // b is listed twice, once as a dev dependency: not dev; both copies of d are dev.
        assert!(!yaml.dev && !a.packages[1].dev);
        assert_eq!(a.packages[1].locations.len(), 2);
        assert!(a.packages[1].licenses.is_empty() && a.packages[3].licenses.is_empty());
        assert!(a.packages[2].dev && a.packages[3].dev);
        assert_eq!(a.packages[2].depends_on, ["d@3"]);
        let messages: Vec<_> = a.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            messages,
            ["2 packages have no purl of a supported ecosystem (deb/kali: 1, none: 1): not scanned"]
        );
    }

    #[test]
    fn refuses_broken_and_foreign_documents() {
        let e = run(&Spdx, "x.spdx.json", b"{\n\"spdxVersion\": \"SPDX-2.3\",\n\"packages\": [", &NoFiles)
            .unwrap_err();
        assert_eq!(e.line(), Some(3));
        for doc in [
            &b"{\"bomFormat\": \"CycloneDX\"}"[..],
            b"[]",
            b"{\"@context\": \"https://spdx.org/rdf/3.0.1/spdx-context.jsonld\"}",
        ] {
            let e = run(&Spdx, "x.spdx.json", doc, &NoFiles).unwrap_err();
            assert!(e.to_string().contains("not an SPDX 2.x JSON document"), "{e}");
        }
        let e = run(&Spdx, "x.spdx.json", b"{\"spdxVersion\": \"SPDX-3.0\"}", &NoFiles).unwrap_err();
        assert!(e.to_string().contains("unsupported SPDX version"), "{e}");
        let e = run(&Spdx, "x.spdx.json", b"{\"spdxVersion\": \"SPDX-2.2\",\n\"packages\": 1}", &NoFiles)
            .unwrap_err();
        assert_eq!(e.line(), Some(2));
        let a = run(&Spdx, "x.spdx.json", b"{\"spdxVersion\": \"SPDX-2.2\"}", &NoFiles).unwrap();
        assert_eq!(a, Analysis::default());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
        #[test]
        fn tag_value_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256),
                        cut in 0usize..5000, pos in 0usize..5000, byte in any::<u8>()) {
            let _ = run(&Spdx, "x.spdx", &bytes, &NoFiles);
            let cut = cut.min(TRIVY_GO_TV.len());
            let _ = run(&Spdx, "x.spdx", &TRIVY_GO_TV[..cut], &NoFiles);
            let mut mutated = TRIVY_GO_TV.to_vec();
            if let Some(b) = mutated.get_mut(pos) {
                *b = byte;
            }
            let _ = run(&Spdx, "x.spdx", &mutated, &NoFiles);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256),
                        cut in 0usize..2000, pos in 0usize..2000, byte in any::<u8>()) {
            let _ = run(&Spdx, "x.spdx.json", &bytes, &NoFiles);
            let cut = cut.min(SCALIBR.len());
            let _ = run(&Spdx, "x.spdx.json", &SCALIBR[..cut], &NoFiles);
            let mut mutated = SCALIBR.to_vec();
            if let Some(b) = mutated.get_mut(pos) {
                *b = byte;
            }
            let _ = run(&Spdx, "x.spdx.json", &mutated, &NoFiles);
        }
    }
}
