//! RMP-K8S-0029: Image not pinned by digest.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0029",
    family: Family::Kubernetes,
    service: "images",
    severity: Severity::Low,
    title: "Image not pinned by digest",
    description: "Tags can be moved to other images; only a digest (`@sha256:...`) pins exactly what runs, so a compromised registry or a re-pushed tag cannot change it.",
    remediation: "Reference the image by digest: `registry/name:tag@sha256:<digest>`.",
    references: &["https://kubernetes.io/docs/concepts/containers/images/#image-names"],
    controls: &["nsa-cisa-k8s/secure-images", "cis-k8s-1.9/5.5.1"],
    peers: &["CKV_K8S_43"],
    bad_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  containers:
    - name: web
      image: nginx:1.27.2
"#,
    good_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  containers:
    - name: web
      image: nginx:1.27.2@sha256:2d194184b067db3598771b4cf326cfe6ad5051937ba1132b8b7d4b0184e0d0a6
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::images(&META, obj, out, |image, r| {
        r.digest.is_none().then(|| format!("uses the image '{image}' without a digest"))
    })
}
