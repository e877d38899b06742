//! Kubernetes manifests (YAML or JSON, multi-document, `List` kinds) into [`Object`]s, and the
//! pod spec and containers of workload kinds.

use crate::check::{FileError, SourceFile};
use crate::value::{Node, Span, Value};
use crate::yaml::{Tags, load_all};

/// One Kubernetes object of a manifest.
#[derive(Debug)]
pub struct Object<'a> {
    /// The file it is in.
    pub path: &'a str,
    pub kind: String,
    pub api_version: String,
    /// `metadata.name` (or `metadata.generateName`), empty when missing.
    pub name: String,
    /// The namespace: `metadata.namespace`, or `default` for namespaced kinds without one;
    /// `None` for cluster-scoped kinds.
    pub namespace: Option<String>,
    /// True when `metadata.namespace` is written in the manifest.
    pub namespace_set: bool,
    pub node: Node,
    pub span: Span,
}

/// Kinds that are not namespaced.
const CLUSTER_SCOPED: &[&str] = &[
    "Namespace",
    "Node",
    "ClusterRole",
    "ClusterRoleBinding",
    "PersistentVolume",
    "StorageClass",
    "CustomResourceDefinition",
    "PriorityClass",
    "IngressClass",
    "RuntimeClass",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "APIService",
    "CertificateSigningRequest",
    "PodSecurityPolicy",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
];

/// Workload kinds with a pod template (or a pod spec).
pub const WORKLOAD_KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
];

impl<'a> Object<'a> {
    /// `Kind/namespace/name`, or `Kind/name` for cluster-scoped kinds.
    pub fn resource(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{}/{}/{}", self.kind, ns, self.name),
            None => format!("{}/{}", self.kind, self.name),
        }
    }

    /// `Deployment 'web'`, for messages.
    pub fn describe(&self) -> String {
        format!("{} '{}'", self.kind, self.name)
    }

    pub fn is(&self, kind: &str) -> bool {
        self.kind == kind
    }

    pub fn metadata(&self) -> Option<&Node> {
        self.node.get("metadata")
    }

    /// The pod spec of a workload kind, with its pod template metadata.
    pub fn pod(&self) -> Option<Pod<'_>> {
        let (spec_path, meta_path): (&[&str], &[&str]) = match self.kind.as_str() {
            "Pod" => (&["spec"], &["metadata"]),
            "CronJob" => (
                &["spec", "jobTemplate", "spec", "template", "spec"],
                &["spec", "jobTemplate", "spec", "template", "metadata"],
            ),
            k if WORKLOAD_KINDS.contains(&k) => {
                (&["spec", "template", "spec"], &["spec", "template", "metadata"])
            }
            _ => return None,
        };
        let spec = self.node.at(spec_path).filter(|n| n.is_map())?;
        Some(Pod { spec, meta: self.node.at(meta_path), path: spec_path })
    }
}

/// A workload's pod spec.
#[derive(Debug, Clone, Copy)]
pub struct Pod<'a> {
    pub spec: &'a Node,
    /// The pod (template) metadata: labels and annotations.
    pub meta: Option<&'a Node>,
    /// The keys leading to the pod spec in the document.
    pub path: &'static [&'static str],
}

/// Which list of the pod spec a container is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    Container,
    Init,
    Ephemeral,
}

/// One container of a pod spec.
#[derive(Debug, Clone, Copy)]
pub struct Container<'a> {
    pub node: &'a Node,
    pub name: &'a str,
    pub kind: ContainerKind,
}

impl<'a> Container<'a> {
    /// A key of the container's `securityContext`.
    pub fn sc(&self, key: &str) -> Option<&'a Node> {
        self.node.at(&["securityContext", key]).filter(|n| !n.is_null())
    }

    pub fn image(&self) -> Option<&'a str> {
        self.node.get("image").and_then(Node::as_str)
    }
}

impl<'a> Pod<'a> {
    /// A key of the pod's `securityContext`.
    pub fn sc(&self, key: &str) -> Option<&'a Node> {
        self.spec.at(&["securityContext", key]).filter(|n| !n.is_null())
    }

    /// A security context setting of a container, or the pod's when the container has none.
    pub fn effective(&self, c: &Container<'a>, key: &str) -> Option<&'a Node> {
        c.sc(key).or_else(|| self.sc(key))
    }

    /// Every container: `containers`, `initContainers`, `ephemeralContainers`.
    pub fn all_containers(&self) -> impl Iterator<Item = Container<'a>> + 'a {
        let spec = self.spec;
        [
            ("containers", ContainerKind::Container),
            ("initContainers", ContainerKind::Init),
            ("ephemeralContainers", ContainerKind::Ephemeral),
        ]
        .into_iter()
        .flat_map(move |(key, kind)| {
            spec.get(key).map(Node::items).unwrap_or_default().iter().filter(|n| n.is_map()).map(
                move |node| Container {
                    node,
                    name: node.get("name").and_then(Node::as_str).unwrap_or(""),
                    kind,
                },
            )
        })
    }

    /// `containers` and `initContainers` (what runs in a normal pod).
    pub fn run_containers(&self) -> impl Iterator<Item = Container<'a>> + 'a {
        self.all_containers().filter(|c| c.kind != ContainerKind::Ephemeral)
    }

    /// `containers` only.
    pub fn containers(&self) -> impl Iterator<Item = Container<'a>> + 'a {
        self.all_containers().filter(|c| c.kind == ContainerKind::Container)
    }

    pub fn volumes(&self) -> &'a [Node] {
        self.spec.get("volumes").map(Node::items).unwrap_or_default()
    }

    /// An annotation of the pod (template).
    pub fn annotation(&self, key: &str) -> Option<&'a Node> {
        self.meta.and_then(|m| m.get("annotations")).and_then(|a| a.get(key))
    }

    /// True for Windows pods (`spec.os.name: windows`), which the restricted profile exempts
    /// from its Linux-only controls (privilege escalation, seccomp, capabilities).
    pub fn is_windows(&self) -> bool {
        self.spec.at(&["os", "name"]).and_then(Node::as_str) == Some("windows")
    }

    /// Where to point for a pod-level absence: the pod spec's first line.
    pub fn span(&self) -> Span {
        Span::line(self.spec.span.start)
    }
}

/// Parses every Kubernetes object of a file. Documents without `apiVersion` and `kind` are left
/// out, `List` kinds give their items.
pub fn parse(file: &SourceFile) -> Result<Vec<Object<'_>>, FileError> {
    let docs = load_all(&file.text, Tags::Ignore).map_err(|e| {
        // An error at the end of the text is reported on the last line of the file.
        let last = u32::try_from(file.text.lines().count()).unwrap_or(u32::MAX).max(1);
        FileError::new(&file.path, e.line.min(last), e.message)
    })?;
    let mut out = Vec::new();
    for doc in docs {
        push_object(&file.path, doc, &mut out, 0);
    }
    Ok(out)
}

fn push_object<'a>(path: &'a str, node: Node, out: &mut Vec<Object<'a>>, depth: usize) {
    let (Some(kind), Some(api_version)) = (
        node.get("kind").and_then(Node::as_str).map(str::to_string),
        node.get("apiVersion").and_then(Node::as_str).map(str::to_string),
    ) else {
        return;
    };
    if kind.ends_with("List")
        && depth < 4
        && node.get("items").is_some_and(|i| matches!(i.value, Value::Seq(_)))
    {
        let Value::Map(entries) = node.value else { return };
        for (key, value) in entries {
            if key == "items"
                && let Value::Seq(items) = value.value
            {
                for item in items {
                    push_object(path, item, out, depth + 1);
                }
            }
        }
        return;
    }
    let meta = node.get("metadata");
    let name = meta
        .and_then(|m| m.get("name").or_else(|| m.get("generateName")))
        .and_then(Node::to_text)
        .unwrap_or_default();
    let written = meta.and_then(|m| m.get("namespace")).and_then(Node::to_text).filter(|s| !s.is_empty());
    let namespace_set = written.is_some();
    let namespace = if CLUSTER_SCOPED.contains(&kind.as_str()) {
        None
    } else {
        Some(written.unwrap_or_else(|| "default".to_string()))
    };
    let span = node.span;
    out.push(Object { path, kind, api_version, name, namespace, namespace_set, node, span });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::ConfigType;

    fn file(text: &str) -> SourceFile {
        SourceFile { path: "m.yaml".into(), text: text.into(), config_type: ConfigType::Kubernetes }
    }

    #[test]
    fn lists_and_namespaces() {
        let f = file(
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n  spec:\n    containers: [{name: c, image: x}]\n---\nfoo: bar\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n",
        );
        let objs = parse(&f).unwrap();
        assert_eq!(objs.len(), 2);
        assert_eq!(objs[0].resource(), "Pod/default/a");
        assert_eq!(objs[0].span, Span::new(4, 8));
        assert_eq!(objs[1].resource(), "ClusterRole/r");
        let pod = objs[0].pod().unwrap();
        assert_eq!(pod.all_containers().map(|c| c.name).collect::<Vec<_>>(), ["c"]);
    }

    #[test]
    fn every_workload_kind_has_a_pod_spec() {
        for kind in WORKLOAD_KINDS.iter().filter(|k| **k != "Pod" && **k != "CronJob") {
            let text = format!(
                "apiVersion: apps/v1\nkind: {kind}\nmetadata: {{generateName: w-}}\nspec:\n  template:\n    metadata: {{labels: {{a: b}}}}\n    spec:\n      containers: [{{name: c}}]\n"
            );
            let f = file(&text);
            let objs = parse(&f).unwrap();
            let pod = objs[0].pod().unwrap_or_else(|| panic!("{kind}"));
            assert_eq!(pod.path, ["spec", "template", "spec"]);
            assert_eq!(pod.containers().count(), 1, "{kind}");
            assert!(pod.meta.and_then(|m| m.get("labels")).is_some());
            assert_eq!(objs[0].name, "w-");
        }
        let f = file("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {}\n");
        let svc = parse(&f).unwrap();
        assert!(svc[0].pod().is_none());
        let typed_list = "apiVersion: apps/v1\nkind: DeploymentList\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: d}\n- {name: no-kind}\n";
        let f = file(typed_list);
        let objs = parse(&f).unwrap();
        assert_eq!(objs.len(), 1);
        assert_eq!(objs[0].resource(), "Deployment/default/d");
        assert!(!objs[0].namespace_set);
    }

    #[test]
    fn cronjob_pod_and_errors() {
        let f = file(
            "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: j, namespace: ops}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: c}]\n          initContainers: [{name: i}]\n",
        );
        let objs = parse(&f).unwrap();
        let pod = objs[0].pod().unwrap();
        assert_eq!(pod.run_containers().count(), 2);
        assert_eq!(pod.containers().count(), 1);
        assert_eq!(objs[0].resource(), "CronJob/ops/j");
        let err = parse(&file("a: [\n")).unwrap_err();
        assert_eq!(err.path, "m.yaml");
        assert!(err.line >= 1);
    }
}
