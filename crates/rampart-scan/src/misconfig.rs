//! The misconfiguration scanner in the pipeline: config files of an artifact → the built-in
//! checks of `rampart-misconfig` and the user's policies → `Config` results of the report.

use std::collections::BTreeMap;

use rampart_artifact::{Entry, FsArtifact};
use rampart_inventory::{FileInfo, FileSource};
use rampart_misconfig::{ConfigType, PolicyInput, SourceFile};
use rampart_model::{Diagnostic, DiagnosticCode, Misconfiguration, Report, ResultKind, ScanResult};
use rayon::prelude::*;

use crate::Progress;

/// Custom policies (Rego) evaluated over the parsed documents. The CLI adapts `rampart-rego` to it.
pub trait PolicyEngine: Sync {
    /// Findings of the policies over `inputs`: the file path of each and the finding, whose
    /// snippet the pipeline fills from the file.
    fn evaluate(&self, inputs: &[PolicyInput]) -> Result<Vec<(String, Misconfiguration)>, String>;
}

/// What to run besides the built-in checks.
#[derive(Default)]
pub struct MisconfigOptions<'a> {
    pub policies: Option<&'a dyn PolicyEngine>,
    /// Keep only these kinds of configuration (empty: all).
    pub config_types: Vec<ConfigType>,
}

/// Reads the configuration files of a directory tree (one parallel walk, names first, content
/// only for candidates).
pub fn collect_fs(artifact: &FsArtifact, progress: &dyn Progress) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let want = |f: &FileInfo<'_>| rampart_misconfig::is_candidate(f.path);
    let walked = artifact.walk(&want, &|n| progress.walking(n));
    let (files, mut diagnostics) = read_sources(&walked.entries, artifact, progress);
    diagnostics.extend(walked.diagnostics);
    (files, diagnostics)
}

/// Reads and classifies candidate entries of any artifact.
pub fn read_sources(
    entries: &[Entry],
    source: &dyn FileSource,
    progress: &dyn Progress,
) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    progress.analyzing(entries.len() as u64);
    let read: Vec<Result<Option<SourceFile>, Diagnostic>> = entries
        .par_iter()
        .map(|e| {
            let out = read_one(e, source);
            progress.analyzed(&e.path);
            out
        })
        .collect();
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    for r in read {
        match r {
            Ok(Some(f)) => files.push(f),
            Ok(None) => {}
            Err(d) => diagnostics.push(d),
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    (files, diagnostics)
}

fn read_one(entry: &Entry, source: &dyn FileSource) -> Result<Option<SourceFile>, Diagnostic> {
    if entry.size > rampart_misconfig::MAX_CONFIG_SIZE {
        // Only worth a word when the name says it is configuration for sure.
        let sure = rampart_misconfig::detect(&entry.path, "").is_some();
        return match sure {
            true => Err(Diagnostic::warning(
                DiagnosticCode::TooLarge,
                &entry.path,
                format!(
                    "{} bytes is over the misconfiguration scanner's cap of {} bytes; skipped",
                    entry.size,
                    rampart_misconfig::MAX_CONFIG_SIZE
                ),
            )),
            false => Ok(None),
        };
    }
    let bytes = source
        .read(&entry.path)
        .map_err(|e| Diagnostic::warning(DiagnosticCode::ReadError, &entry.path, e.to_string()))?;
    let Ok(text) = String::from_utf8(bytes) else {
        return match rampart_misconfig::detect(&entry.path, "") {
            Some(_) => {
                Err(Diagnostic::warning(DiagnosticCode::ParseError, &entry.path, "not UTF-8 text; skipped"))
            }
            None => Ok(None),
        };
    };
    let text = text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text);
    Ok(rampart_misconfig::detect(&entry.path, &text).map(|config_type| SourceFile {
        path: entry.path.clone(),
        text,
        config_type,
    }))
}

/// Runs the checks and policies over `files` and adds one `Config` result per configuration file
/// to `report` (files without findings too, so the report says what was checked).
pub fn scan_sources(report: &mut Report, files: &[SourceFile], options: &MisconfigOptions<'_>) {
    let kept: Vec<SourceFile>;
    let files = if options.config_types.is_empty() {
        files
    } else {
        kept = files.iter().filter(|f| options.config_types.contains(&f.config_type)).cloned().collect();
        &kept
    };
    let mut out = rampart_misconfig::scan(files);
    for e in &out.errors {
        report.diagnostics.push(
            Diagnostic::warning(DiagnosticCode::ParseError, &e.path, &e.message)
                .at_line(Some(e.line).filter(|l| *l > 0)),
        );
    }
    if let Some(engine) = options.policies {
        let texts: BTreeMap<&str, &SourceFile> = files.iter().map(|f| (f.path.as_str(), f)).collect();
        match engine.evaluate(&out.inputs) {
            Ok(found) => {
                for (path, mut m) in found {
                    if m.code.is_empty()
                        && let (Some(f), Some(start), Some(end)) =
                            (texts.get(path.as_str()), m.start_line, m.end_line)
                    {
                        m.code = rampart_misconfig::snippet(
                            &f.text,
                            rampart_misconfig::value::Span::new(start, end),
                        );
                    }
                    let config_type =
                        texts.get(path.as_str()).map(|f| f.config_type).unwrap_or(ConfigType::Kubernetes);
                    out.files
                        .entry(path)
                        .or_insert_with(|| rampart_misconfig::FileResult {
                            config_type,
                            misconfigurations: Vec::new(),
                            passed: 0,
                        })
                        .misconfigurations
                        .push(m);
                }
            }
            Err(e) => report.diagnostics.push(Diagnostic::warning(DiagnosticCode::ParseError, "--policy", e)),
        }
    }
    for (path, file) in out.files {
        let mut misconfigurations = file.misconfigurations;
        misconfigurations.sort_by(|a, b| (a.start_line, &a.id).cmp(&(b.start_line, &b.id)));
        report.results.push(ScanResult {
            target: path,
            kind: ResultKind::Config,
            analyzer: Some(file.config_type.as_str().to_string()),
            ecosystem: None,
            packages: Vec::new(),
            vulnerabilities: Vec::new(),
            misconfigurations,
            // Counted by the Kubernetes and Dockerfile checks; the AWS checks do not count passes.
            passed_checks: (file.passed > 0).then(|| u32::try_from(file.passed).unwrap_or(u32::MAX)),
            secrets: Vec::new(),
        });
    }
    report.diagnostics.sort();
}

/// The result target of an image's config checks: a Dockerfile rebuilt from its history.
pub const IMAGE_CONFIG_TARGET: &str = "Dockerfile (image config)";

/// Checks an image's config and history with the Dockerfile checks (as Trivy's image config
/// scanner does), and the user's policies; findings on a history line carry its layer.
pub fn scan_image_config(report: &mut Report, options: &MisconfigOptions<'_>) {
    let Some(image) = &report.image else { return };
    let rebuilt = rampart_misconfig::docker::image_dockerfile(&image.config);
    let history = image.config.history.clone();
    let layers: Vec<rampart_model::LayerRef> = image.layers.iter().map(|l| l.layer.clone()).collect();
    let file = SourceFile {
        path: IMAGE_CONFIG_TARGET.to_string(),
        text: rebuilt.text,
        config_type: ConfigType::ImageConfig,
    };
    let before = report.results.len();
    scan_sources(report, std::slice::from_ref(&file), options);
    for result in &mut report.results[before..] {
        for m in &mut result.misconfigurations {
            let index =
                m.start_line.and_then(|l| rebuilt.history_of_line.get(l as usize - 1).copied().flatten());
            let Some(created_by) = index.and_then(|i| history.get(i)) else { continue };
            m.layer = layers.iter().find(|l| l.created_by.as_deref() == Some(created_by.as_str())).cloned();
        }
    }
}

/// What one layer does to the configuration files of the image, in tar order.
enum LayerChange {
    File(String, Vec<u8>),
    Whiteout(String),
    Opaque(String),
}

/// The configuration files of an image's filesystem (the final view: whiteouts and opaque
/// directories hide lower files, an upper file replaces a lower one), each with the index of the
/// layer it came from. Layers are walked in parallel, and only candidate files no larger than
/// [`rampart_misconfig::MAX_CONFIG_SIZE`] are read.
pub fn collect_image(
    image: &rampart_image::Image,
) -> Result<Vec<(SourceFile, usize)>, rampart_image::ImageError> {
    let layers: Vec<Result<Vec<LayerChange>, rampart_image::ImageError>> = (0..image.layer_count())
        .into_par_iter()
        .map(|index| {
            let mut changes = Vec::new();
            image.walk_layer(index, &mut |entry| {
                match entry.kind {
                    rampart_image::EntryKind::Whiteout => {
                        changes.push(LayerChange::Whiteout(entry.path.to_string()))
                    }
                    rampart_image::EntryKind::OpaqueDir => {
                        changes.push(LayerChange::Opaque(entry.path.to_string()))
                    }
                    rampart_image::EntryKind::File
                        if entry.size <= rampart_misconfig::MAX_CONFIG_SIZE
                            && rampart_misconfig::is_candidate(entry.path) =>
                    {
                        let path = entry.path.to_string();
                        let bytes = entry.read_to_vec(rampart_misconfig::MAX_CONFIG_SIZE)?;
                        changes.push(LayerChange::File(path, bytes));
                    }
                    _ => {}
                }
                Ok(())
            })?;
            Ok(changes)
        })
        .collect();
    let mut view: BTreeMap<String, (Vec<u8>, usize)> = BTreeMap::new();
    for (index, changes) in layers.into_iter().enumerate() {
        let changes = changes?;
        // Whiteouts and opaque markers hide what lower layers hold, never the layer's own files.
        for change in &changes {
            match change {
                LayerChange::Whiteout(path) => {
                    let under = format!("{path}/");
                    view.retain(|p, _| p != path && !p.starts_with(&under));
                }
                LayerChange::Opaque(dir) => {
                    let under = if dir.is_empty() { String::new() } else { format!("{dir}/") };
                    view.retain(|p, _| !p.starts_with(&under));
                }
                LayerChange::File(..) => {}
            }
        }
        for change in changes {
            if let LayerChange::File(path, bytes) = change {
                view.insert(path, (bytes, index));
            }
        }
    }
    Ok(view
        .into_iter()
        .filter_map(|(path, (bytes, index))| {
            let text = String::from_utf8(bytes).ok()?;
            let config_type = rampart_misconfig::detect(&path, &text)?;
            Some((SourceFile { path, text, config_type }, index))
        })
        .collect())
}

/// Checks the configuration files inside an image; each finding names the layer its file came from.
pub fn scan_image_files(
    report: &mut Report,
    image: &rampart_image::Image,
    options: &MisconfigOptions<'_>,
) -> Result<(), rampart_image::ImageError> {
    let found = collect_image(image)?;
    let layers: Vec<rampart_model::LayerRef> =
        image.metadata().layers.iter().map(|l| l.layer.clone()).collect();
    let layer_of: BTreeMap<String, usize> = found.iter().map(|(f, i)| (f.path.clone(), *i)).collect();
    let files: Vec<SourceFile> = found.into_iter().map(|(f, _)| f).collect();
    let before = report.results.len();
    scan_sources(report, &files, options);
    for result in &mut report.results[before..] {
        let Some(layer) = layer_of.get(&result.target).and_then(|i| layers.get(*i)) else { continue };
        for m in &mut result.misconfigurations {
            m.layer = Some(layer.clone());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_model::ArtifactKind;

    struct Fixed;
    impl PolicyEngine for Fixed {
        fn evaluate(&self, inputs: &[PolicyInput]) -> Result<Vec<(String, Misconfiguration)>, String> {
            Ok(inputs
                .iter()
                .map(|i| {
                    let mut m = rampart_misconfig::to_model(
                        &rampart_misconfig::Finding::new(
                            rampart_misconfig::checks().first().copied().expect("checks"),
                            &i.path,
                            i.span,
                            "from a policy",
                        ),
                        i.config_type,
                        None,
                    );
                    m.source = "p.rego".into();
                    (i.path.clone(), m)
                })
                .collect())
        }
    }

    #[test]
    fn results_per_file_with_parse_errors_as_diagnostics() {
        let files = vec![
            SourceFile {
                path: "bad.yaml".into(),
                text: "apiVersion: v1\nkind: Pod\nspec: [\n".into(),
                config_type: ConfigType::Kubernetes,
            },
            SourceFile {
                path: "Dockerfile".into(),
                text: "FROM scratch\n".into(),
                config_type: ConfigType::Dockerfile,
            },
        ];
        let mut report = Report::new("t", ArtifactKind::Filesystem, "now");
        scan_sources(&mut report, &files, &MisconfigOptions::default());
        assert!(report.results.iter().all(|r| r.kind == ResultKind::Config));
        assert!(report.results.iter().any(|r| r.target == "Dockerfile"));
        assert_eq!(report.diagnostics.len(), 1, "{:?}", report.diagnostics);
        assert_eq!(report.diagnostics[0].path, "bad.yaml");
    }

    #[test]
    fn policy_findings_get_snippets() {
        let files = vec![SourceFile {
            path: "Dockerfile".into(),
            text: "FROM scratch\nUSER app\n".into(),
            config_type: ConfigType::Dockerfile,
        }];
        let mut report = Report::new("t", ArtifactKind::Filesystem, "now");
        let options = MisconfigOptions { policies: Some(&Fixed), config_types: Vec::new() };
        scan_sources(&mut report, &files, &options);
        let m = report.results[0]
            .misconfigurations
            .iter()
            .find(|m| m.source == "p.rego")
            .expect("policy finding");
        assert!(!m.code.is_empty());
    }
}
