//! RMP-K8S-0044: Sensitive host directory mounted.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0044",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::High,
    title: "Sensitive host directory mounted",
    description: "Mounting the node's root filesystem or a system directory (/, /boot, /dev, /etc, /lib, /proc, /sys, /usr, /var/lib/docker, /var/lib/kubelet) hands the pod the node's credentials, binaries or kernel interfaces.",
    remediation: "Do not mount these host paths; use dedicated volumes.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
    ],
    controls: &["pss-baseline/hostpath-volumes", "nsa-cisa-k8s/host-isolation", "cis-k8s-1.9/5.2.12"],
    peers: &["KSV-0121"],
    bad_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  volumes:
    - name: host
      hostPath: {path: /}
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
  volumes:
    - name: logs
      hostPath: {path: /var/log/app}
  containers:
    - name: web
      image: registry.example.com/web:1.0
"#,
};

const DISALLOWED: &[&str] = &[
    "/",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/proc",
    "/sys",
    "/usr",
    "/var/lib/docker",
    "/var/lib/kubelet",
    "/root",
];

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::host_paths(&META, obj, out, |text| {
        let normal = if text == "/" { "/" } else { text.trim_end_matches('/') };
        DISALLOWED.contains(&normal).then(|| format!("mounts the sensitive host path '{text}'"))
    })
}
