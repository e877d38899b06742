//! EC2: security groups and their rules, network ACL rules, instances and launch templates,
//! EBS volumes, VPCs.

use super::{Attr, Meta};
use crate::value::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct SecurityGroup {
    pub meta: Meta,
    pub description: Attr<String>,
    /// The VPC's default security group (`aws_default_security_group`).
    pub default: bool,
    /// Number of rules written on a default group.
    pub rule_spans: Vec<Span>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ingress,
    Egress,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SgRule {
    /// The resource the rule is written in (a group for inline rules).
    pub meta: Meta,
    pub direction: Direction,
    pub span: Span,
    /// `tcp`, `udp`, `icmp`, `-1` (all); lower case, protocol numbers `6`/`17` as `tcp`/`udp`.
    pub protocol: Attr<String>,
    pub from_port: Attr<i64>,
    pub to_port: Attr<i64>,
    /// IPv4 and IPv6 source/destination CIDRs, each with its lines.
    pub cidrs: Vec<(String, Span)>,
    pub description: Attr<String>,
}

impl SgRule {
    /// All protocols.
    pub fn all_protocols(&self) -> bool {
        self.protocol.is("-1") || self.protocol.is("all")
    }

    /// The rule covers `port` (false when ports are unknown).
    pub fn covers(&self, port: i64) -> bool {
        if self.all_protocols() {
            return true;
        }
        if self.protocol.state != super::State::Known || !(self.protocol.is("tcp") || self.protocol.is("udp"))
        {
            return false;
        }
        match (self.from_port.get(), self.to_port.get()) {
            (Some(&from), Some(&to)) => from <= port && port <= to,
            _ => false,
        }
    }

    /// The rule opens every port (all protocols, or ports 0-65535).
    pub fn all_ports(&self) -> bool {
        self.all_protocols()
            || matches!((self.from_port.get(), self.to_port.get()), (Some(&f), Some(&t)) if f <= 0 && t >= 65535 && (self.protocol.is("tcp") || self.protocol.is("udp")))
    }

    /// The first CIDR open to the whole internet (IPv4 or IPv6).
    pub fn public_cidr(&self) -> Option<&(String, Span)> {
        self.cidrs.iter().find(|(c, _)| is_public_cidr(c))
    }
}

/// `0.0.0.0/0` or `::/0` (and their spellings).
pub fn is_public_cidr(cidr: &str) -> bool {
    matches!(cidr.trim(), "0.0.0.0/0" | "::/0" | "0::/0" | "::0/0" | "*")
}

#[derive(Debug, Clone, PartialEq)]
pub struct NaclRule {
    pub meta: Meta,
    pub span: Span,
    pub egress: bool,
    pub allow: bool,
    pub protocol: Attr<String>,
    pub from_port: Attr<i64>,
    pub to_port: Attr<i64>,
    pub cidr: Attr<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceKind {
    Instance,
    LaunchTemplate,
    LaunchConfiguration,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    pub meta: Meta,
    pub kind: InstanceKind,
    /// `metadata_options.http_tokens` / `MetadataOptions.HttpTokens`.
    pub http_tokens: Attr<String>,
    /// `http_endpoint` = `disabled` makes IMDS unreachable, which is as good as IMDSv2.
    pub http_endpoint: Attr<String>,
    pub public_ip: Attr<bool>,
    pub user_data: Attr<String>,
    /// Root and other block devices' `encrypted`.
    pub block_devices: Vec<Attr<bool>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EbsVolume {
    pub meta: Meta,
    pub encrypted: Attr<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EbsDefaultEncryption {
    pub meta: Meta,
    pub enabled: Attr<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Vpc {
    pub meta: Meta,
    /// A flow log refers to this VPC.
    pub flow_logs: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::model::{Attr, Meta};
    use crate::check::ConfigType;

    fn rule(protocol: &str, from: i64, to: i64) -> SgRule {
        let s = Span::line(1);
        SgRule {
            meta: Meta { name: "g".into(), path: "p".into(), span: s, source: ConfigType::Terraform },
            direction: Direction::Ingress,
            span: s,
            protocol: Attr::known(protocol.into(), s),
            from_port: Attr::known(from, s),
            to_port: Attr::known(to, s),
            cidrs: vec![("::/0".into(), s)],
            description: Attr::absent(s),
        }
    }

    #[test]
    fn ports() {
        assert!(rule("tcp", 20, 25).covers(22) && !rule("tcp", 23, 25).covers(22));
        assert!(rule("-1", 0, 0).covers(22) && rule("-1", 0, 0).all_ports());
        assert!(!rule("tcp", 0, 0).all_ports() && !rule("tcp", 0, 0).covers(22));
        assert!(rule("tcp", 0, 65535).all_ports());
        assert!(!rule("icmp", 0, 65535).covers(22));
        assert!(rule("tcp", 22, 22).public_cidr().is_some());
        assert!(is_public_cidr(" 0.0.0.0/0") && !is_public_cidr("0.0.0.0/8"));
    }
}
