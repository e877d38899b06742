//! RMP-K8S-0042: Image pull policy not Always.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx, Which};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0042",
    family: Family::Kubernetes,
    service: "images",
    severity: Severity::Low,
    title: "Image pull policy not Always",
    description: "With `IfNotPresent` (the default for tagged images) a node reuses whatever image it cached under the tag, even if the tag was re-pushed, and pods can use a private image already on the node without the pull secret being checked. Images pinned by digest are not flagged.",
    remediation: "Set `imagePullPolicy: Always`, or pin the image by digest.",
    references: &["https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy"],
    controls: &["nsa-cisa-k8s/secure-images"],
    peers: &["CKV_K8S_15"],
    bad_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  containers:
    - name: web
      image: registry.example.com/web:1.0
      imagePullPolicy: IfNotPresent
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
      imagePullPolicy: Always
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::containers(&META, obj, out, Which::Run, |_, c| {
        let image = c.image()?;
        let r = util::parse_image(image);
        if r.digest.is_some() {
            return None;
        }
        match c.node.get("imagePullPolicy") {
            Some(n) if n.as_str() == Some("Always") || n.is_unknown() => None,
            Some(n) => Some((
                n.span,
                format!("uses imagePullPolicy '{}' instead of Always", n.to_text().unwrap_or_default()),
            )),
            // Without a policy, untagged and :latest images are pulled Always.
            None if r.tag.is_none_or(|t| t.is_empty() || t == "latest") => None,
            None => Some((
                util::image_span(c),
                "does not set imagePullPolicy to Always (IfNotPresent is the default for tagged images)"
                    .to_string(),
            )),
        }
    })
}
