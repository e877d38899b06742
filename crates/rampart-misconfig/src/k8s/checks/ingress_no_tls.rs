//! RMP-K8S-0061: Ingress without TLS.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0061",
    family: Family::Kubernetes,
    service: "network",
    severity: Severity::Medium,
    title: "Ingress without TLS",
    description: "An Ingress without a `tls` section serves its hosts over plain HTTP: credentials and data cross the network unencrypted.",
    remediation: "Add a `spec.tls` entry with a certificate Secret for the Ingress hosts.",
    references: &["https://kubernetes.io/docs/concepts/services-networking/ingress/#tls"],
    controls: &["nsa-cisa-k8s/network-exposure"],
    peers: &[],
    bad_example: r#"apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: apps
spec:
  rules:
    - host: web.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: web, port: {number: 443}}
"#,
    good_example: r#"apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: apps
spec:
  tls:
    - hosts: [web.example.com]
      secretName: web-tls
  rules:
    - host: web.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: web, port: {number: 443}}
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::of_kind(&META, obj, out, "Ingress", |obj| {
        let tls = obj.node.at(&["spec", "tls"]).is_some_and(util::has_items);
        let span = obj.node.get("spec").map_or(obj.span, |s| s.span);
        (!tls).then(|| (span, "has no TLS section (serves plain HTTP)".to_string()))
    })
}
