//! RMP-K8S-0060: Service with externalIPs.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0060",
    family: Family::Kubernetes,
    service: "network",
    severity: Severity::High,
    title: "Service with externalIPs",
    description: "`spec.externalIPs` makes the cluster route traffic for arbitrary IPs to the Service; anyone who can create Services can intercept traffic to those addresses (CVE-2020-8554).",
    remediation: "Remove `externalIPs`, and block them cluster-wide with the DenyServiceExternalIPs admission plugin.",
    references: &[
        "https://github.com/kubernetes/kubernetes/issues/97076",
        "https://kubernetes.io/docs/concepts/services-networking/service/#external-ips",
    ],
    controls: &["nsa-cisa-k8s/network-exposure"],
    peers: &["KSV-0108"],
    bad_example: r#"apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: apps
spec:
  selector: {app: web}
  externalIPs: [203.0.113.10]
  ports:
    - port: 443
      targetPort: 8443
"#,
    good_example: r#"apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: apps
spec:
  selector: {app: web}
  ports:
    - port: 443
      targetPort: 8443
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::of_kind(&META, obj, out, "Service", |obj| {
        let ips = obj.node.at(&["spec", "externalIPs"]).filter(|ips| util::has_items(ips));
        ips.map(|ips| (ips.span, "sets externalIPs (CVE-2020-8554)".to_string()))
    })
}
