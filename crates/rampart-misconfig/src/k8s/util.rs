//! Shared helpers of the Kubernetes checks: iterating containers, pods, volumes and objects of a
//! kind, container settings (capabilities, ports, resources, probes, seccomp), RBAC rules and
//! subjects, image references.

use std::collections::{HashMap, HashSet};

use crate::check::{CheckMeta, Finding};
use crate::value::{Node, Span};

use super::manifest::{Container, Object, Pod};

/// What the checks see besides the object at hand: indexes over every object of the scan.
pub struct Ctx<'a> {
    pub objects: &'a [Object<'a>],
    /// Per namespace, the pod selectors of its NetworkPolicies.
    pub network_policies: HashMap<&'a str, Vec<&'a Node>>,
    /// `(namespace, name)` of the ServiceAccounts that set `automountServiceAccountToken: false`.
    pub token_opt_out: HashSet<(&'a str, &'a str)>,
}

impl<'a> Ctx<'a> {
    pub fn new(objects: &'a [Object<'a>]) -> Ctx<'a> {
        let mut network_policies: HashMap<&'a str, Vec<&'a Node>> = HashMap::new();
        let mut token_opt_out = HashSet::new();
        for o in objects {
            let ns = o.namespace.as_deref().unwrap_or("default");
            if o.is("NetworkPolicy") {
                network_policies
                    .entry(ns)
                    .or_default()
                    .push(o.node.at(&["spec", "podSelector"]).unwrap_or(Node::null()));
            } else if o.is("ServiceAccount")
                && o.node.get("automountServiceAccountToken").and_then(Node::as_bool) == Some(false)
            {
                token_opt_out.insert((ns, o.name.as_str()));
            }
        }
        Ctx { objects, network_policies, token_opt_out }
    }
}

/// A check: its metadata and the function that runs it on one object. The function pushes its
/// findings and returns whether the check applied to the object at all.
pub struct Check {
    pub meta: &'static CheckMeta,
    pub run: fn(&Ctx<'_>, &Object<'_>, &mut Vec<Finding>) -> bool,
}

/// Runs `f` on every container chosen by `which`, pushing a finding
/// "Container 'c' of Kind 'name' {phrase}" for each `Some((span, phrase))`. Applies to workloads.
pub fn containers<'o>(
    meta: &'static CheckMeta,
    obj: &'o Object<'_>,
    out: &mut Vec<Finding>,
    which: Which,
    f: impl Fn(&Pod<'o>, &Container<'o>) -> Option<(Span, String)>,
) -> bool {
    let Some(pod) = obj.pod() else { return false };
    let list: Box<dyn Iterator<Item = Container<'o>>> = match which {
        Which::All => Box::new(pod.all_containers()),
        Which::Run => Box::new(pod.run_containers()),
        Which::Main => Box::new(pod.containers()),
    };
    for c in list {
        if let Some((span, phrase)) = f(&pod, &c) {
            let label = match c.kind {
                super::manifest::ContainerKind::Container => "Container",
                super::manifest::ContainerKind::Init => "Init container",
                super::manifest::ContainerKind::Ephemeral => "Ephemeral container",
            };
            let message = format!("{label} '{}' of {} {phrase}", c.name, obj.describe());
            out.push(Finding::new(meta, obj.path, span, message).resource(obj.resource()));
        }
    }
    true
}

/// [`containers`] for the controls that apply to Linux only: containers of Windows pods are
/// never flagged (the check still applies to the workload).
pub fn linux_containers<'o>(
    meta: &'static CheckMeta,
    obj: &'o Object<'_>,
    out: &mut Vec<Finding>,
    which: Which,
    f: impl Fn(&Pod<'o>, &Container<'o>) -> Option<(Span, String)>,
) -> bool {
    containers(meta, obj, out, which, |p, c| if p.is_windows() { None } else { f(p, c) })
}

/// Which containers a container check looks at.
#[derive(Debug, Clone, Copy)]
pub enum Which {
    /// Containers, init containers and ephemeral containers (security settings).
    All,
    /// Containers and init containers (resources, images).
    Run,
    /// Containers only (probes).
    Main,
}

/// Runs `f` on the pod spec of a workload, pushing "Kind 'name' {phrase}" findings.
pub fn pod<'o>(
    meta: &'static CheckMeta,
    obj: &'o Object<'_>,
    out: &mut Vec<Finding>,
    f: impl Fn(&Pod<'o>) -> Vec<(Span, String)>,
) -> bool {
    let Some(pod) = obj.pod() else { return false };
    for (span, phrase) in f(&pod) {
        out.push(
            Finding::new(meta, obj.path, span, format!("{} {phrase}", obj.describe()))
                .resource(obj.resource()),
        );
    }
    true
}

/// Pushes one finding "Kind 'name' {phrase}" on `obj`.
pub fn push(meta: &'static CheckMeta, obj: &Object<'_>, out: &mut Vec<Finding>, span: Span, phrase: &str) {
    out.push(
        Finding::new(meta, obj.path, span, format!("{} {phrase}", obj.describe())).resource(obj.resource()),
    );
}

/// The span of a container for a container-level absence: the list item.
pub fn item_span(c: &Container<'_>) -> Span {
    c.node.span
}

/// A container's capability list (`add` or `drop`), upper-cased without a `CAP_` prefix.
pub fn capabilities<'a>(c: &Container<'a>, list: &str) -> Vec<(String, &'a Node)> {
    c.node
        .at(&["securityContext", "capabilities", list])
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|n| {
            let s = n.as_str()?.trim().to_ascii_uppercase();
            Some((s.strip_prefix("CAP_").map(str::to_string).unwrap_or(s), n))
        })
        .collect()
}

/// The span of `securityContext.capabilities.<list>` or of the container.
pub fn capabilities_span(c: &Container<'_>, list: &str) -> Span {
    c.node.at(&["securityContext", "capabilities", list]).map(|n| n.span).unwrap_or(c.node.span)
}

/// The capabilities a container adds for which `extra` holds, as one finding on
/// `capabilities.add`: "{phrase}: A, B".
pub fn added_capabilities(
    c: &Container<'_>,
    phrase: &str,
    extra: impl Fn(&str) -> bool,
) -> Option<(Span, String)> {
    let found: Vec<String> =
        capabilities(c, "add").into_iter().map(|(n, _)| n).filter(|n| extra(n)).collect();
    (!found.is_empty()).then(|| (capabilities_span(c, "add"), format!("{phrase}: {}", found.join(", "))))
}

/// The entry of `capabilities.add` that adds `cap` (or `ALL`).
pub fn adds_capability<'a>(c: &Container<'a>, cap: &str) -> Option<&'a Node> {
    capabilities(c, "add").into_iter().find(|(n, _)| n == cap || n == "ALL").map(|(_, n)| n)
}

/// A boolean setting that must be `want`: nothing when it is (or is unknown), `wrong` on the
/// setting when it is anything else, `absent` on `absent_span` when it is missing.
pub fn expect_bool(
    setting: Option<&Node>,
    want: bool,
    absent_span: Span,
    wrong: &str,
    absent: &str,
) -> Option<(Span, String)> {
    match setting {
        Some(n) if n.as_bool() == Some(want) || n.is_unknown() => None,
        Some(n) => Some((n.span, wrong.to_string())),
        None => Some((absent_span, absent.to_string())),
    }
}

/// Flags every container and init container whose `key` (`runAsUser`, `runAsGroup`, from the
/// container or the pod) is not above 10000.
pub fn id_above_10000(meta: &'static CheckMeta, obj: &Object<'_>, out: &mut Vec<Finding>, key: &str) -> bool {
    containers(meta, obj, out, Which::Run, |p, c| match p.effective(c, key) {
        Some(n) if n.as_i64().is_some_and(|v| v > 10000) => None,
        Some(n) if n.is_unknown() => None,
        Some(n) => {
            Some((n.span, format!("runs with {key} {} (not above 10000)", n.to_text().unwrap_or_default())))
        }
        None => Some((item_span(c), format!("does not set {key} above 10000"))),
    })
}

/// Flags every container and init container that does not set `resources.<kind>.<resource>`.
pub fn lacks_resource(
    meta: &'static CheckMeta,
    obj: &Object<'_>,
    out: &mut Vec<Finding>,
    kind: &str,
    resource: &str,
) -> bool {
    containers(meta, obj, out, Which::Run, |_, c| {
        c.node
            .at(&["resources", kind, resource])
            .is_none_or(Node::is_null)
            .then(|| (item_span(c), format!("does not set resources.{kind}.{resource}")))
    })
}

/// Flags every (main) container without the probe `key`; Jobs and CronJobs are not checked.
pub fn lacks_probe(meta: &'static CheckMeta, obj: &Object<'_>, out: &mut Vec<Finding>, key: &str) -> bool {
    if obj.is("Job") || obj.is("CronJob") {
        return false;
    }
    containers(meta, obj, out, Which::Main, |_, c| {
        c.node.get(key).is_none_or(Node::is_null).then(|| (item_span(c), format!("has no {key}")))
    })
}

/// The ports of a container whose `key` (`hostPort`, `containerPort`) `keep` selects, as one
/// finding over all of them: "{phrase} 80, 443".
pub fn ports(
    c: &Container<'_>,
    key: &str,
    phrase: &str,
    keep: impl Fn(i64) -> bool,
) -> Option<(Span, String)> {
    let ports = c.node.get("ports").map(Node::items).unwrap_or_default();
    let found: Vec<(Span, i64)> = ports
        .iter()
        .filter_map(|p| p.get(key).and_then(|n| Some((n.span, n.as_i64()?))))
        .filter(|(_, n)| keep(*n))
        .collect();
    let span = found.iter().fold(Span::UNKNOWN, |s, (f, _)| s.join(*f));
    let list: Vec<String> = found.iter().map(|(_, n)| n.to_string()).collect();
    (!found.is_empty()).then(|| (span, format!("{phrase} {}", list.join(", "))))
}

/// The seccomp profile type of a container (its own or the pod's).
pub fn seccomp_type<'a>(p: &Pod<'a>, c: &Container<'a>) -> Option<&'a Node> {
    p.effective(c, "seccompProfile").and_then(|s| s.get("type"))
}

/// The legacy seccomp annotation of a container, or the pod's.
pub fn seccomp_annotation<'a>(p: &Pod<'a>, c: &Container<'a>) -> Option<&'a Node> {
    let key = format!("container.seccomp.security.alpha.kubernetes.io/{}", c.name);
    p.annotation(&key).or_else(|| p.annotation("seccomp.security.alpha.kubernetes.io/pod"))
}

// ---------------------------------------------------------------------------------------------
// Pods, volumes and other kinds

/// Flags a pod spec setting `key` (`hostNetwork`, `hostPID`, `hostIPC`) set to `true`.
pub fn pod_flag(
    meta: &'static CheckMeta,
    obj: &Object<'_>,
    out: &mut Vec<Finding>,
    key: &str,
    phrase: &str,
) -> bool {
    pod(meta, obj, out, |p| {
        p.spec
            .get(key)
            .filter(|n| n.as_bool() == Some(true))
            .map(|n| (n.span, phrase.to_string()))
            .into_iter()
            .collect()
    })
}

/// Runs `f` on the path of every hostPath volume of a workload, reporting on the path.
pub fn host_paths(
    meta: &'static CheckMeta,
    obj: &Object<'_>,
    out: &mut Vec<Finding>,
    f: impl Fn(&str) -> Option<String>,
) -> bool {
    pod(meta, obj, out, |p| {
        p.volumes()
            .iter()
            .filter_map(|v| {
                let path = v.at(&["hostPath", "path"])?;
                let text = path.to_text()?;
                Some((path.span, f(&text)?))
            })
            .collect()
    })
}

/// Runs `f` on every object of `kind`, pushing "Kind 'name' {phrase}" for each `(span, phrase)`.
pub fn of_kind<'o, I>(
    meta: &'static CheckMeta,
    obj: &'o Object<'_>,
    out: &mut Vec<Finding>,
    kind: &str,
    f: impl FnOnce(&'o Object<'_>) -> I,
) -> bool
where
    I: IntoIterator<Item = (Span, String)>,
{
    if !obj.is(kind) {
        return false;
    }
    for (span, phrase) in f(obj) {
        push(meta, obj, out, span, &phrase);
    }
    true
}

/// True for a list (or a single value) with at least one item.
pub fn has_items(n: &Node) -> bool {
    !n.items_or_self().is_empty()
}

// ---------------------------------------------------------------------------------------------
// RBAC

/// The rules of a Role or ClusterRole (nothing for other kinds).
pub fn rules<'o>(obj: &'o Object<'_>) -> Option<&'o [Node]> {
    (obj.is("Role") || obj.is("ClusterRole"))
        .then(|| obj.node.get("rules").map(Node::items).unwrap_or_default())
}

fn strings(rule: &Node, key: &str) -> Vec<String> {
    rule.get(key).map(|n| n.items_or_self()).unwrap_or_default().iter().filter_map(|n| n.to_text()).collect()
}

/// True when `rule` grants any of `verbs` (or `*`) on any of `resources` in one of `groups` (or
/// `*`; `None`: any group). A `*` resource does not match here: the wildcard checks report it.
pub fn grants(rule: &Node, groups: Option<&[&str]>, resources: &[&str], verbs: &[&str]) -> bool {
    let any = |have: &[String], want: &[&str]| have.iter().any(|h| h == "*" || want.iter().any(|w| h == w));
    let group_ok = match groups {
        None => true,
        Some(g) => any(&strings(rule, "apiGroups"), g),
    };
    let resource_ok = strings(rule, "resources").iter().any(|r| resources.contains(&r.as_str()));
    group_ok && resource_ok && any(&strings(rule, "verbs"), verbs)
}

/// Pushes one finding per rule of a Role/ClusterRole for which `pred` holds.
pub fn each_rule(
    meta: &'static CheckMeta,
    obj: &Object<'_>,
    out: &mut Vec<Finding>,
    phrase: &str,
    pred: impl Fn(&Node) -> bool,
) -> bool {
    let Some(rules) = rules(obj) else { return false };
    for rule in rules {
        if pred(rule) {
            push(meta, obj, out, rule.span, phrase);
        }
    }
    true
}

/// The `apiGroups` that cover the core API: `""` itself or the wildcard `*`.
pub const CORE: Option<&[&str]> = Some(&["", "*"]);

/// Verbs that create or change objects.
pub const WRITE: &[&str] = &["create", "update", "patch"];

/// True when a rule does not narrow itself to named objects (`resourceNames`).
pub fn all_names(rule: &Node) -> bool {
    rule.get("resourceNames").is_none_or(|n| !has_items(n))
}

/// True when any of a rule's `key` (`verbs`, `resources`, `apiGroups`) is in `values`.
pub fn rule_has(rule: &Node, key: &str, values: &[&str]) -> bool {
    strings(rule, key).iter().any(|v| values.contains(&v.as_str()))
}

/// The subjects of a RoleBinding or ClusterRoleBinding (nothing for other kinds).
pub fn subjects<'o>(obj: &'o Object<'_>) -> Option<&'o [Node]> {
    (obj.is("RoleBinding") || obj.is("ClusterRoleBinding"))
        .then(|| obj.node.get("subjects").map(Node::items).unwrap_or_default())
}

/// Pushes one finding on each subject of a RoleBinding/ClusterRoleBinding for which `f` gives a
/// phrase.
pub fn each_subject(
    meta: &'static CheckMeta,
    obj: &Object<'_>,
    out: &mut Vec<Finding>,
    f: impl Fn(&Node) -> Option<String>,
) -> bool {
    let Some(subjects) = subjects(obj) else { return false };
    for s in subjects {
        if let Some(phrase) = f(s) {
            push(meta, obj, out, s.span, &phrase);
        }
    }
    true
}

/// A string field of a node (`kind`, `name` of a subject).
pub fn str_field<'a>(n: &'a Node, key: &str) -> Option<&'a str> {
    n.get(key).and_then(Node::as_str)
}

/// `ServiceAccount apps/ci`, `Group system:masters`: a binding subject for messages.
pub fn subject_name(s: &Node) -> String {
    let kind = str_field(s, "kind").unwrap_or("subject");
    let name = s.get("name").and_then(Node::to_text).unwrap_or_default();
    match s.get("namespace").and_then(Node::to_text) {
        Some(ns) => format!("{kind} {ns}/{name}"),
        None => format!("{kind} {name}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Images

/// An image reference split into registry (when written), repository path, tag and digest.
#[derive(Debug, PartialEq, Eq)]
pub struct ImageRef<'a> {
    pub registry: Option<&'a str>,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

/// Splits an image reference the way container runtimes do: the first component is a registry
/// when it holds a `.` or `:` or is `localhost`.
pub fn parse_image(image: &str) -> ImageRef<'_> {
    let image = image.trim();
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    let (registry, rest) = match name.split_once('/') {
        Some((first, rest)) if first.contains('.') || first.contains(':') || first == "localhost" => {
            (Some(first), rest)
        }
        _ => (None, name),
    };
    let last = rest.rsplit('/').next().unwrap_or(rest);
    let tag = last.split_once(':').map(|(_, t)| t);
    ImageRef { registry, tag, digest }
}

/// Runs `f` on the image of every container and init container, reporting on its `image`.
pub fn images(
    meta: &'static CheckMeta,
    obj: &Object<'_>,
    out: &mut Vec<Finding>,
    f: impl Fn(&str, ImageRef<'_>) -> Option<String>,
) -> bool {
    containers(meta, obj, out, Which::Run, |_, c| {
        let image = c.image()?;
        let phrase = f(image, parse_image(image))?;
        Some((image_span(c), phrase))
    })
}

/// The span of a container's `image`, or of the container.
pub fn image_span(c: &Container<'_>) -> Span {
    c.node.get("image").map_or(c.node.span, |n| n.span)
}

/// Names of environment variables that hold secrets.
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    const WORDS: &[&str] = &[
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "API_KEY",
        "APIKEY",
        "PRIVATE_KEY",
        "ACCESS_KEY",
        "CREDENTIAL",
    ];
    upper.split(|c: char| !c.is_ascii_alphanumeric()).any(|part| {
        WORDS.contains(&part)
            || part == "KEY"
            || part.ends_with("PASSWORD")
            || part.ends_with("TOKEN")
            || part.ends_with("SECRET")
    }) || WORDS.iter().filter(|w| w.contains('_')).any(|w| upper.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images() {
        assert_eq!(parse_image("nginx"), ImageRef { registry: None, tag: None, digest: None });
        assert_eq!(parse_image("nginx:1.2").tag, Some("1.2"));
        assert_eq!(parse_image("localhost:5000/a/b").registry, Some("localhost:5000"));
        assert_eq!(parse_image("localhost:5000/a/b").tag, None);
        assert_eq!(parse_image("prom/prometheus:v2").registry, None);
        assert_eq!(parse_image("gcr.io/x/y@sha256:ab").digest, Some("sha256:ab"));
        assert_eq!(parse_image("localhost/x:latest").registry, Some("localhost"));
    }

    #[test]
    fn secret_names() {
        for n in [
            "DB_PASSWORD",
            "api_key",
            "GITHUB_TOKEN",
            "client-secret",
            "AWS_SECRET_ACCESS_KEY",
            "PRIVATE_KEY",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in ["PORT", "LOG_LEVEL", "KEYCLOAK_URL", "MONKEY", "PATH"] {
            assert!(!is_secret_name(n), "{n}");
        }
    }
}
