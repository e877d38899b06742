//! RMP-K8S-0058: Service of type NodePort.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0058",
    family: Family::Kubernetes,
    service: "network",
    severity: Severity::Low,
    title: "Service of type NodePort",
    description: "A NodePort Service opens its port on every node's interfaces, exposing the workload outside the cluster network and around ingress controls and network policies.",
    remediation: "Use a ClusterIP Service behind an Ingress or a LoadBalancer restricted with loadBalancerSourceRanges.",
    references: &["https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport"],
    controls: &["nsa-cisa-k8s/network-exposure"],
    peers: &[],
    bad_example: r#"apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: apps
spec:
  selector: {app: web}
  type: NodePort
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
  type: ClusterIP
  ports:
    - port: 443
      targetPort: 8443
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::of_kind(&META, obj, out, "Service", |obj| {
        let t = obj.node.at(&["spec", "type"]).filter(|t| t.as_str() == Some("NodePort"));
        t.map(|t| (t.span, "is of type NodePort (opens a port on every node)".to_string()))
    })
}
