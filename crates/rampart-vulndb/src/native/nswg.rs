//! Node.js security WG advisories (the legacy NSP format): `vuln/npm/<n>.json`.
//!
//! * `vulnerable_versions` (an npm range) defines the affected versions,
//!   translated exactly by [`super::semver_ranges::npm_range`]; a record
//!   without it, or with a range that does not read, is an error.
//! * `patched_versions` never changes the affected set: it only supplies
//!   the fixed version after a `<=v` bound (a `fixed` event at the start of
//!   the patched span that follows, placed where no version is affected so
//!   the set is unchanged), so that `fixed_versions` can say where to go.
//! * id `NSWG-ECO-<id>`; aliases: `cves`; summary: `title`; details:
//!   `overview` (+ `recommendation`); severity: `cvss_vector`; published /
//!   modified: `created_at` / `updated_at`; references.

use rampart_versions::Scheme;
use serde_json::Value;

use super::intervals::{self, Interval};
use super::semver_ranges::npm_range;
use super::{Converted, cvss_severity, date_to_rfc3339, one_line};
use crate::osv::{OsvAffected, OsvEvent, OsvPackage, OsvRecord, OsvReference, ParseError};

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Converts one NSP JSON file. The NSWG `index.json` (an object of records
/// keyed by id) is [`Converted::Skipped`].
pub fn nswg_to_osv(bytes: &[u8]) -> Result<Converted, ParseError> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| ParseError(format!("JSON: {e}")))?;
    let Value::Object(obj) = &v else { return Err(ParseError("NSWG: not a JSON object".into())) };
    if !obj.contains_key("module_name")
        && !obj.is_empty()
        && obj.values().all(|r| r.get("module_name").is_some())
    {
        return Ok(Converted::Skipped("NSWG index.json (a copy of the individual records)"));
    }
    let id = text(obj.get("id")).ok_or_else(|| ParseError("NSWG: no `id`".into()))?;
    let name = text(obj.get("module_name")).ok_or_else(|| ParseError("NSWG: no `module_name`".into()))?;
    let vulnerable = match obj.get("vulnerable_versions") {
        Some(Value::String(s)) => s.clone(),
        _ => return Err(ParseError("NSWG: no `vulnerable_versions` string".into())),
    };
    let affected_ivs = npm_range(&vulnerable).map_err(|e| ParseError(one_line(&e)))?;
    let patched = match obj.get("patched_versions") {
        Some(Value::String(s)) => npm_range(s).ok(),
        _ => None,
    };
    let hints = patched.map(|p| fix_hints(&affected_ivs, &p)).unwrap_or_default();
    let mut range = intervals::to_osv_range(&affected_ivs);
    if let Some(r) = range.as_mut() {
        r.events
            .get_or_insert_with(Vec::new)
            .extend(hints.into_iter().map(|f| OsvEvent { fixed: Some(f), ..Default::default() }));
    }
    let list = |key: &str| -> Vec<String> {
        match obj.get(key) {
            Some(Value::Array(a)) => a.iter().filter_map(|x| text(Some(x))).collect(),
            Some(Value::String(s)) if !s.trim().is_empty() => vec![s.trim().to_owned()],
            _ => Vec::new(),
        }
    };
    let details = match (text(obj.get("overview")), text(obj.get("recommendation"))) {
        (Some(o), Some(r)) => Some(format!("{o}\n\n## Recommendation\n\n{r}")),
        (o, r) => o.or(r),
    };
    let record = OsvRecord {
        id: format!("NSWG-ECO-{id}"),
        aliases: Some(list("cves")),
        summary: text(obj.get("title")),
        details,
        severity: text(obj.get("cvss_vector")).and_then(|v| cvss_severity(&v)).map(|s| vec![s]),
        published: text(obj.get("created_at")).and_then(|d| date_to_rfc3339(&d)),
        modified: text(obj.get("updated_at")).and_then(|d| date_to_rfc3339(&d)),
        references: Some(
            list("references")
                .into_iter()
                .map(|u| OsvReference { kind: Some("WEB".into()), url: Some(u) })
                .collect(),
        ),
        affected: Some(vec![OsvAffected {
            package: Some(OsvPackage { ecosystem: Some("npm".into()), name: Some(name), purl: None }),
            ranges: Some(range.into_iter().collect()),
            ..Default::default()
        }]),
        ..Default::default()
    };
    Ok(Converted::Record { record: Box::new(record), fallback: false })
}

/// For each affected interval ending with an inclusive bound `h`: the lowest
/// start `p > h` of a patched interval, when no affected interval starts in
/// `(h, p]` (so a `fixed: p` event leaves the affected set unchanged).
fn fix_hints(affected: &[Interval], patched: &[Interval]) -> Vec<String> {
    let s = Scheme::Npm;
    let parse = |v: &str| s.parse(v).ok();
    let mut out = Vec::new();
    for a in affected {
        let Some((h, true)) = &a.hi else { continue };
        let Some(hv) = parse(h) else { continue };
        let next = patched
            .iter()
            .filter_map(|p| p.lo.as_deref().and_then(|l| parse(l).map(|lv| (lv, l))))
            .filter(|(lv, _)| *lv > hv)
            .min_by(|a, b| a.0.cmp(&b.0));
        let Some((pv, p)) = next else { continue };
        let blocked =
            affected.iter().filter_map(|b| b.lo.as_deref().and_then(parse)).any(|bl| bl > hv && bl <= pv);
        if !blocked {
            out.push(p.to_owned());
        }
    }
    out
}
