//! RMP-K8S-0013: Unsafe sysctls.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};
use crate::value::Node;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0013",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::Medium,
    title: "Unsafe sysctls",
    description: "Sysctls outside the namespaced safe set can change kernel settings for the whole node or weaken isolation between pods.",
    remediation: "Remove the unsafe entries from `securityContext.sysctls`; only kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_unprivileged_port_start, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, net.ipv4.ip_local_reserved_ports and the net.ipv4.tcp_keepalive_* / tcp_fin_timeout settings are safe.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/",
    ],
    controls: &["pss-baseline/sysctls", "nsa-cisa-k8s/kernel-hardening"],
    peers: &["KSV-0026"],
    bad_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  securityContext:
    sysctls:
      - {name: kernel.msgmax, value: "65536"}
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
  securityContext:
    sysctls:
      - {name: net.ipv4.tcp_syncookies, value: "1"}
  containers:
    - name: web
      image: registry.example.com/web:1.0
"#,
};

const SAFE: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::pod(&META, obj, out, |p| {
        p.sc("sysctls")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|s| {
                let name = s.get("name").and_then(Node::to_text)?;
                (!SAFE.contains(&name.as_str())).then(|| (s.span, format!("sets the unsafe sysctl '{name}'")))
            })
            .collect()
    })
}
