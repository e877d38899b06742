//! Loops shared by several checks: each check file keeps its [`CheckMeta`] and says only what
//! is specific to it (the actions, the port, the attribute and the message).

use super::*;

/// Reports, for every allowing statement of every IAM policy, the message `finding` returns.
pub(crate) fn allow_statements(
    meta: &'static CheckMeta,
    m: &Model,
    out: &mut Vec<Finding>,
    finding: impl Fn(&Statement) -> Option<String>,
) {
    for p in &m.policies {
        for s in p.document.statements.iter().filter(|s| s.allow) {
            if let Some(msg) = finding(s) {
                out.push(report_doc(meta, &p.meta, &p.document, s.span, msg));
            }
        }
    }
}

/// Reports statements that allow one of `actions` on any resource and without conditions:
/// "Policy allows {action} on any resource ({what})."
pub(crate) fn unconstrained_actions(
    meta: &'static CheckMeta,
    m: &Model,
    out: &mut Vec<Finding>,
    actions: &[&str],
    what: &str,
) {
    allow_statements(meta, m, out, |s| {
        actions
            .iter()
            .find(|a| s.allows(a))
            .filter(|_| s.any_resource() && s.conditions.is_empty())
            .map(|a| format!("Policy allows {a} on any resource ({what})."))
    });
}

/// Reports, for every allowing statement of every role's trust policy, the message `finding`
/// returns.
pub(crate) fn trust_statements(
    meta: &'static CheckMeta,
    m: &Model,
    out: &mut Vec<Finding>,
    finding: impl Fn(&Statement) -> Option<String>,
) {
    for r in &m.roles {
        let Some(trust) = &r.trust else { continue };
        for s in trust.statements.iter().filter(|s| s.allow) {
            if let Some(msg) = finding(s) {
                out.push(report_doc(meta, &r.meta, trust, s.span, msg));
            }
        }
    }
}

/// Reports, for every security group rule of `direction` open to a public CIDR, the message
/// `finding` returns for the rule and that CIDR, at the CIDR's lines.
pub(crate) fn public_sg_rules(
    meta: &'static CheckMeta,
    m: &Model,
    out: &mut Vec<Finding>,
    direction: Direction,
    finding: impl Fn(&SgRule, &str) -> Option<String>,
) {
    for r in m.sg_rules.iter().filter(|r| r.direction == direction) {
        let Some((cidr, span)) = r.public_cidr() else { continue };
        if let Some(msg) = finding(r, cidr) {
            out.push(report(meta, &r.meta, *span, msg));
        }
    }
}

/// Reports ingress rules that open `port` (the service `name` listens on) to a public CIDR.
pub(crate) fn public_port(
    meta: &'static CheckMeta,
    m: &Model,
    out: &mut Vec<Finding>,
    port: i64,
    name: &str,
) {
    public_sg_rules(meta, m, out, Direction::Ingress, |r, cidr| {
        r.covers(port).then(|| format!("Security group rule allows {name} (port {port}) from {cidr}."))
    });
}

/// Reports each object whose string attribute is empty or absent, at the attribute's lines.
pub(crate) fn empty_or_absent<'a>(
    meta: &'static CheckMeta,
    out: &mut Vec<Finding>,
    attrs: impl IntoIterator<Item = (&'a Meta, &'a Attr<String>)>,
    message: &str,
) {
    for (m, a) in attrs {
        if a.is_empty_or_absent() {
            out.push(report(meta, m, a.span, message));
        }
    }
}

/// Reports each object whose boolean attribute is false or absent, at the attribute's lines.
pub(crate) fn off_or_absent<'a>(
    meta: &'static CheckMeta,
    out: &mut Vec<Finding>,
    attrs: impl IntoIterator<Item = (&'a Meta, &'a Attr<bool>)>,
    message: &str,
) {
    for (m, a) in attrs {
        if a.off_or_absent() {
            out.push(report(meta, m, a.span, message));
        }
    }
}

/// Reports each object whose attribute is absent or has a value `bad` holds for, at the
/// attribute's lines.
pub(crate) fn absent_or<'a, T: 'a>(
    meta: &'static CheckMeta,
    out: &mut Vec<Finding>,
    attrs: impl IntoIterator<Item = (&'a Meta, &'a Attr<T>)>,
    bad: impl Fn(&T) -> bool,
    message: &str,
) {
    for (m, a) in attrs {
        if a.is_absent() || a.get().is_some_and(&bad) {
            out.push(report(meta, m, a.span, message));
        }
    }
}

/// Reports buckets whose public access block does not turn on `setting` (at the setting's
/// lines), or that have no public access block (at the bucket's lines).
pub(crate) fn public_access_block_setting(
    meta: &'static CheckMeta,
    m: &Model,
    out: &mut Vec<Finding>,
    setting: impl Fn(&PublicAccessBlock) -> &Attr<bool>,
    message: &str,
) {
    for b in &m.buckets {
        let (setting, span) = match &b.public_access_block {
            None => (Attr::absent(b.meta.span), b.meta.span),
            Some(p) => (setting(p).clone(), setting(p).span),
        };
        if setting.off_or_absent() {
            out.push(report(meta, &b.meta, span, message));
        }
    }
}

/// Reports each object that lacks something (its flag is false), at the object's lines.
pub(crate) fn lacking<'a>(
    meta: &'static CheckMeta,
    out: &mut Vec<Finding>,
    objects: impl IntoIterator<Item = (&'a Meta, bool)>,
    message: &str,
) {
    for (m, has) in objects {
        if !has {
            out.push(report(meta, m, m.span, message));
        }
    }
}

/// Reports each object whose boolean attribute is set to true, at the attribute's lines.
pub(crate) fn turned_on<'a>(
    meta: &'static CheckMeta,
    out: &mut Vec<Finding>,
    attrs: impl IntoIterator<Item = (&'a Meta, &'a Attr<bool>)>,
    message: &str,
) {
    for (m, a) in attrs {
        if a.is_true() {
            out.push(report(meta, m, a.span, message));
        }
    }
}
