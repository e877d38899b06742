//! RMP-K8S-0036: Container runtime socket mounted.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0036",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::Critical,
    title: "Container runtime socket mounted",
    description: "Mounting the Docker, containerd or CRI-O socket (or the directory holding it) gives the pod full control of the node's container runtime: it can start privileged containers on the host.",
    remediation: "Do not mount the container runtime socket; use the Kubernetes API or a dedicated build service instead.",
    references: &["https://kubernetes.io/docs/concepts/storage/volumes/#hostpath"],
    controls: &["pss-baseline/hostpath-volumes", "nsa-cisa-k8s/host-isolation", "cis-k8s-1.9/5.2.12"],
    peers: &["KSV-0006", "CKV_K8S_27"],
    bad_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  volumes:
    - name: sock
      hostPath: {path: /var/run/docker.sock}
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
    - name: cache
      emptyDir: {}
  containers:
    - name: web
      image: registry.example.com/web:1.0
"#,
};

const SOCKETS: &[&str] = &[
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd/containerd.sock",
    "/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/run/crio/crio.sock",
    "/var/run/cri-dockerd.sock",
    "/run/cri-dockerd.sock",
    "/var/run",
    "/run",
    "/var/run/docker",
    "/var/run/containerd",
    "/run/containerd",
];

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::host_paths(&META, obj, out, |text| {
        let normal = text.trim_end_matches('/');
        SOCKETS.contains(&normal).then(|| format!("mounts the container runtime socket '{text}'"))
    })
}
