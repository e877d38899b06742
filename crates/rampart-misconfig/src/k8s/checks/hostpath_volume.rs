//! RMP-K8S-0007: hostPath volume.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};
use crate::value::Node;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0007",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::Medium,
    title: "hostPath volume",
    description: "A hostPath volume mounts a directory of the node into the pod; the container can read (and usually write) node files, which is a common container escape and data theft path.",
    remediation: "Use a volume type that does not expose the node (emptyDir, configMap, secret, a PersistentVolumeClaim) instead of `hostPath`.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
    ],
    controls: &["pss-baseline/hostpath-volumes", "nsa-cisa-k8s/host-isolation", "cis-k8s-1.9/5.2.12"],
    peers: &["KSV-0023"],
    bad_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  volumes:
    - name: data
      hostPath: {path: /srv/data}
  containers:
    - name: web
      image: registry.example.com/web:1.0
      volumeMounts: [{name: data, mountPath: /data}]
"#,
    good_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  volumes:
    - name: data
      emptyDir: {}
  containers:
    - name: web
      image: registry.example.com/web:1.0
      volumeMounts: [{name: data, mountPath: /data}]
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::pod(&META, obj, out, |p| {
        p.volumes()
            .iter()
            .filter_map(|v| {
                let hp = v.get("hostPath")?;
                let path = hp.get("path").and_then(Node::to_text).unwrap_or_default();
                let name = v.get("name").and_then(Node::to_text).unwrap_or_default();
                Some((hp.span, format!("mounts the host path '{path}' (volume '{name}')")))
            })
            .collect()
    })
}
