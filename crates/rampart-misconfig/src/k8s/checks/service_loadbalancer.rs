//! RMP-K8S-0059: Public LoadBalancer Service without source ranges.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0059",
    family: Family::Kubernetes,
    service: "network",
    severity: Severity::Medium,
    title: "Public LoadBalancer Service without source ranges",
    description: "A LoadBalancer Service without `loadBalancerSourceRanges` is reachable by anyone who can reach the cloud load balancer, which is the internet unless it is annotated as internal.",
    remediation: "Set `spec.loadBalancerSourceRanges` to the networks that need access, or make the load balancer internal.",
    references: &[
        "https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer",
        "https://kubernetes.io/docs/tasks/access-application-cluster/configure-cloud-provider-firewall/",
    ],
    controls: &["nsa-cisa-k8s/network-exposure"],
    peers: &[],
    bad_example: r#"apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: apps
spec:
  selector: {app: web}
  type: LoadBalancer
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
  type: LoadBalancer
  loadBalancerSourceRanges: [10.0.0.0/8]
  ports:
    - port: 443
      targetPort: 8443
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::of_kind(&META, obj, out, "Service", |obj| {
        let t = obj.node.at(&["spec", "type"]).filter(|t| t.as_str() == Some("LoadBalancer"))?;
        let ranges = obj.node.at(&["spec", "loadBalancerSourceRanges"]).is_some_and(util::has_items);
        let internal = obj.metadata().and_then(|m| m.get("annotations")).is_some_and(|a| {
            a.entries()
                .iter()
                .any(|(k, v)| k.contains("internal") && v.to_text().is_some_and(|v| v != "false"))
        });
        (!ranges && !internal)
            .then(|| (t.span, "is a LoadBalancer without loadBalancerSourceRanges".to_string()))
    })
}
