//! RMP-K8S-0009: AppArmor profile disabled or overridden.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx, Which};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0009",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::Medium,
    title: "AppArmor profile disabled or overridden",
    description: "The runtime's default AppArmor profile restricts what a container can do; setting it to `unconfined` (or to a profile other than `runtime/default` or a `localhost/` profile) removes that protection.",
    remediation: "Set `securityContext.appArmorProfile.type` to `RuntimeDefault` or `Localhost`, and the `container.apparmor.security.beta.kubernetes.io/<container>` annotation (if used) to `runtime/default` or `localhost/<profile>`.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://kubernetes.io/docs/tutorials/security/apparmor/",
    ],
    controls: &["pss-baseline/apparmor", "nsa-cisa-k8s/kernel-hardening"],
    peers: &["KSV-0002"],
    bad_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  containers:
    - name: web
      image: registry.example.com/web:1.0
      securityContext:
        appArmorProfile:
          type: Unconfined
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
      securityContext:
        appArmorProfile:
          type: RuntimeDefault
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::containers(&META, obj, out, Which::All, |p, c| {
        if let Some(t) = p.effective(c, "appArmorProfile").and_then(|a| a.get("type"))
            && let Some(v) = t.as_str()
            && v != "RuntimeDefault"
            && v != "Localhost"
        {
            return Some((t.span, format!("sets the AppArmor profile type to '{v}'")));
        }
        let key = format!("container.apparmor.security.beta.kubernetes.io/{}", c.name);
        let a = p.annotation(&key)?;
        let v = a.as_str()?;
        (v != "runtime/default" && !v.starts_with("localhost/"))
            .then(|| (a.span, format!("has the AppArmor annotation set to '{v}'")))
    })
}
