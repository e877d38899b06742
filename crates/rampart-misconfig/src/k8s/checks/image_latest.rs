//! RMP-K8S-0027: Image uses the :latest tag.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0027",
    family: Family::Kubernetes,
    service: "images",
    severity: Severity::Medium,
    title: "Image uses the :latest tag",
    description: "`:latest` is a moving tag: what runs changes with every push, deployments are not reproducible and rollbacks do not roll back.",
    remediation: "Use a fixed version tag, or better an image digest (`image@sha256:...`).",
    references: &["https://kubernetes.io/docs/concepts/containers/images/#image-names"],
    controls: &["nsa-cisa-k8s/secure-images"],
    peers: &["KSV-0013", "CKV_K8S_14"],
    bad_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  containers:
    - name: web
      image: nginx:latest
"#,
    good_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  containers:
    - name: web
      image: nginx:1.27.2
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::images(&META, obj, out, |image, r| {
        (r.digest.is_none() && r.tag == Some("latest"))
            .then(|| format!("uses the image '{image}' with the :latest tag"))
    })
}
