//! RMP-K8S-0034: NET_RAW capability not dropped.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx, Which};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0034",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::Medium,
    title: "NET_RAW capability not dropped",
    description: "NET_RAW, granted by default, lets a process craft raw packets: ARP and DNS spoofing against other pods on the node.",
    remediation: "Drop NET_RAW (or ALL) in `securityContext.capabilities.drop` and do not add it back.",
    references: &[
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
        "https://man7.org/linux/man-pages/man7/capabilities.7.html",
    ],
    controls: &["nsa-cisa-k8s/kernel-hardening", "cis-k8s-1.9/5.2.8"],
    peers: &["CKV_K8S_28", "KSV-0119"],
    bad_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  containers:
    - name: web
      image: registry.example.com/web:1.0
"#,
    good_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  containers:
    - name: web
      image: registry.example.com/web:1.0
      securityContext:
        capabilities:
          drop: [NET_RAW]
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::linux_containers(&META, obj, out, Which::Run, |_, c| {
        if let Some(n) = util::adds_capability(c, "NET_RAW") {
            return Some((n.span, "adds the NET_RAW capability".to_string()));
        }
        let dropped = util::capabilities(c, "drop").iter().any(|(n, _)| n == "ALL" || n == "NET_RAW");
        (!dropped)
            .then(|| (util::capabilities_span(c, "drop"), "does not drop the NET_RAW capability".to_string()))
    })
}
