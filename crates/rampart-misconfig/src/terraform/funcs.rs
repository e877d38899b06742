//! Terraform's built-in functions, as far as they can be computed statically. A function of an
//! unknown input (or one not implemented here) is [`Value::Unknown`].

use super::eval::{Num, equal, insert, num, unknown};
use crate::value::{Node, Span, Value};

fn is_unknown(n: &Node) -> bool {
    matches!(n.value, Value::Unknown | Value::Ref(_))
}

/// Unknown anywhere inside a value.
fn has_unknown(n: &Node) -> bool {
    match &n.value {
        Value::Unknown | Value::Ref(_) => true,
        Value::Seq(items) => items.iter().any(has_unknown),
        Value::Map(entries) => entries.iter().any(|(_, v)| has_unknown(v)),
        _ => false,
    }
}

fn s(v: impl Into<String>, span: Span) -> Node {
    Node::new(Value::Str(v.into()), span)
}

fn text(n: &Node) -> Option<String> {
    n.to_text()
}

/// Calls a built-in function on evaluated arguments.
pub fn call(name: &str, args: Vec<Node>, span: Span) -> Node {
    let u = unknown(span);
    // jsonencode keeps references readable (`${aws_s3_bucket.b.arn}`), as in templates, so an
    // IAM policy document can still be checked; what is unknown inside it becomes null.
    if name == "jsonencode" {
        return match args.first() {
            Some(a) if !matches!(a.value, Value::Unknown) => s(encode(a).to_string(), span),
            _ => u,
        };
    }
    let need_known = !matches!(
        name,
        "coalesce"
            | "merge"
            | "concat"
            | "length"
            | "keys"
            | "lookup"
            | "tolist"
            | "toset"
            | "tomap"
            | "element"
            | "flatten"
            | "values"
    );
    if need_known && args.iter().any(has_unknown) {
        return u;
    }
    if args.iter().any(is_unknown) {
        return u;
    }
    let a0 = args.first();
    let a1 = args.get(1);
    let str0 = || a0.and_then(text);
    let v = match name {
        "jsondecode" => {
            let Some(t) = str0() else { return u };
            match serde_json::from_str::<serde_json::Value>(&t) {
                Ok(j) => return Node::from_json(&j, span),
                Err(_) => return u,
            }
        }
        "tostring" => match a0.map(|a| &a.value) {
            Some(Value::Null) => Value::Null,
            _ => match str0() {
                Some(t) => Value::Str(t),
                None => return u,
            },
        },
        "tonumber" => match a0.and_then(num) {
            Some(n) => n.value(),
            None => return u,
        },
        "tobool" => match a0.and_then(Node::as_bool) {
            Some(b) => Value::Bool(b),
            None => return u,
        },
        "tolist" => match a0.map(|a| &a.value) {
            Some(Value::Seq(items)) => Value::Seq(items.clone()),
            _ => return u,
        },
        "toset" | "distinct" => match a0.map(|a| &a.value) {
            Some(Value::Seq(items)) => {
                let mut out: Vec<Node> = Vec::new();
                for it in items {
                    if !out.iter().any(|o| equal(o, it)) {
                        out.push(it.clone());
                    }
                }
                if name == "toset" {
                    // Sets of strings iterate in lexical order.
                    if out.iter().all(|n| n.as_str().is_some()) {
                        out.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                    }
                }
                Value::Seq(out)
            }
            _ => return u,
        },
        "tomap" => match a0.map(|a| &a.value) {
            Some(Value::Map(e)) => Value::Map(e.clone()),
            _ => return u,
        },
        "merge" => {
            let mut out: Vec<(String, Node)> = Vec::new();
            for a in &args {
                match &a.value {
                    Value::Map(e) => e.iter().for_each(|(k, v)| insert(&mut out, k.clone(), v.clone())),
                    Value::Null => {}
                    _ => return u,
                }
            }
            Value::Map(out)
        }
        "concat" => {
            let mut out = Vec::new();
            for a in &args {
                match &a.value {
                    Value::Seq(items) => out.extend(items.iter().cloned()),
                    _ => return u,
                }
            }
            Value::Seq(out)
        }
        "flatten" => {
            fn flat(n: &Node, out: &mut Vec<Node>) {
                match &n.value {
                    Value::Seq(items) => items.iter().for_each(|i| flat(i, out)),
                    _ => out.push(n.clone()),
                }
            }
            match a0 {
                Some(n @ Node { value: Value::Seq(_), .. }) => {
                    let mut out = Vec::new();
                    flat(n, &mut out);
                    Value::Seq(out)
                }
                _ => return u,
            }
        }
        "lookup" => match (a0, a1) {
            (Some(m @ Node { value: Value::Map(_), .. }), Some(k)) => {
                let Some(k) = text(k) else { return u };
                match m.get(&k) {
                    Some(v) => return v.clone(),
                    None => match args.get(2) {
                        Some(d) => return d.clone(),
                        None => return u,
                    },
                }
            }
            _ => return u,
        },
        "element" => match (a0.map(|a| &a.value), a1.and_then(Node::as_i64)) {
            (Some(Value::Seq(items)), Some(i)) if !items.is_empty() => {
                return items[(i.rem_euclid(items.len() as i64)) as usize].clone();
            }
            _ => return u,
        },
        "length" => match a0.map(|a| &a.value) {
            Some(Value::Seq(items)) => Value::Int(items.len() as i64),
            Some(Value::Map(e)) => Value::Int(e.len() as i64),
            Some(Value::Str(t)) => Value::Int(t.chars().count() as i64),
            _ => return u,
        },
        "keys" | "values" => match a0 {
            Some(m @ Node { value: Value::Map(_), .. }) => {
                let mut e: Vec<&(String, Node)> = m.entries().iter().collect();
                e.sort_by(|a, b| a.0.cmp(&b.0));
                if name == "keys" {
                    Value::Seq(e.into_iter().map(|(k, v)| s(k.clone(), v.span)).collect())
                } else {
                    Value::Seq(e.into_iter().map(|(_, v)| v.clone()).collect())
                }
            }
            _ => return u,
        },
        "contains" => match (a0.map(|a| &a.value), a1) {
            (Some(Value::Seq(items)), Some(x)) => Value::Bool(items.iter().any(|i| equal(i, x))),
            _ => return u,
        },
        "coalesce" => {
            for a in &args {
                if is_unknown(a) {
                    return u;
                }
                if !a.is_null() && a.as_str() != Some("") {
                    return a.clone();
                }
            }
            return u;
        }
        "coalescelist" => {
            for a in &args {
                if !a.items().is_empty() {
                    return a.clone();
                }
            }
            return u;
        }
        "join" => match (str0(), a1.map(|a| &a.value)) {
            (Some(sep), Some(Value::Seq(_))) => {
                let mut parts = Vec::new();
                for a in &args[1..] {
                    for it in a.items() {
                        match text(it) {
                            Some(t) => parts.push(t),
                            None => return u,
                        }
                    }
                }
                Value::Str(parts.join(&sep))
            }
            _ => return u,
        },
        "split" => match (str0(), a1.and_then(text)) {
            (Some(sep), Some(t)) => {
                let parts: Vec<Node> = if sep.is_empty() {
                    t.chars().map(|c| s(c.to_string(), span)).collect()
                } else {
                    t.split(sep.as_str()).map(|p| s(p, span)).collect()
                };
                Value::Seq(parts)
            }
            _ => return u,
        },
        "lower" | "upper" | "trimspace" | "title" | "chomp" => match str0() {
            Some(t) => Value::Str(match name {
                "lower" => t.to_lowercase(),
                "upper" => t.to_uppercase(),
                "chomp" => t.trim_end_matches(['\n', '\r']).to_string(),
                "title" => t
                    .split(' ')
                    .map(|w| {
                        let mut c = w.chars();
                        c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
                    })
                    .collect::<Vec<String>>()
                    .join(" "),
                _ => t.trim().to_string(),
            }),
            None => return u,
        },
        "trimprefix" | "trimsuffix" | "startswith" | "endswith" | "strcontains" => {
            match (str0(), a1.and_then(text)) {
                (Some(t), Some(x)) => match name {
                    "trimprefix" => Value::Str(t.strip_prefix(x.as_str()).unwrap_or(&t).to_string()),
                    "trimsuffix" => Value::Str(t.strip_suffix(x.as_str()).unwrap_or(&t).to_string()),
                    "startswith" => Value::Bool(t.starts_with(&x)),
                    "endswith" => Value::Bool(t.ends_with(&x)),
                    _ => Value::Bool(t.contains(&x)),
                },
                _ => return u,
            }
        }
        "replace" => match (str0(), a1.and_then(text), args.get(2).and_then(text)) {
            (Some(t), Some(from), Some(to)) => {
                if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
                    match regex::Regex::new(&from[1..from.len() - 1]) {
                        Ok(re) => Value::Str(re.replace_all(&t, to.replace("$", "$$").as_str()).into_owned()),
                        Err(_) => return u,
                    }
                } else if from.is_empty() {
                    Value::Str(t)
                } else {
                    Value::Str(t.replace(&from, &to))
                }
            }
            _ => return u,
        },
        "substr" => match (str0(), a1.and_then(Node::as_i64), args.get(2).and_then(Node::as_i64)) {
            (Some(t), Some(off), Some(len)) => {
                let chars: Vec<char> = t.chars().collect();
                let n = chars.len() as i64;
                let start = if off < 0 { (n + off).max(0) } else { off.min(n) };
                let end = if len < 0 { n } else { start.saturating_add(len).min(n) };
                Value::Str(chars[start as usize..end.max(start) as usize].iter().collect())
            }
            _ => return u,
        },
        "format" => match str0() {
            Some(f) => match format(&f, &args[1..]) {
                Some(t) => Value::Str(t),
                None => return u,
            },
            None => return u,
        },
        "min" | "max" => {
            let nums: Option<Vec<Num>> = args.iter().map(num).collect();
            match nums {
                Some(ns) if !ns.is_empty() => {
                    let pick =
                        ns.into_iter().reduce(|a, b| if (name == "min") == (b.f() < a.f()) { b } else { a });
                    match pick {
                        Some(n) => n.value(),
                        None => return u,
                    }
                }
                _ => return u,
            }
        }
        "abs" => match a0.and_then(num) {
            Some(Num::I(i)) => Value::Int(i.wrapping_abs()),
            Some(Num::F(f)) => Value::Float(f.abs()),
            None => return u,
        },
        "range" => {
            let ns: Option<Vec<i64>> = args.iter().map(Node::as_i64).collect();
            let (start, end, step) = match ns.as_deref() {
                Some([e]) => (0, *e, 1),
                Some([s0, e]) => (*s0, *e, if e >= s0 { 1 } else { -1 }),
                Some([s0, e, st]) if *st != 0 => (*s0, *e, *st),
                _ => return u,
            };
            let mut out = Vec::new();
            let mut i = start;
            while (step > 0 && i < end) || (step < 0 && i > end) {
                out.push(Node::new(Value::Int(i), span));
                if out.len() > 10_000 {
                    return u;
                }
                match i.checked_add(step) {
                    Some(next) => i = next,
                    None => break,
                }
            }
            Value::Seq(out)
        }
        "zipmap" => match (a0.map(|a| &a.value), a1.map(|a| &a.value)) {
            (Some(Value::Seq(k)), Some(Value::Seq(v))) if k.len() == v.len() => {
                let mut out = Vec::new();
                for (k, v) in k.iter().zip(v) {
                    let Some(k) = text(k) else { return u };
                    insert(&mut out, k, v.clone());
                }
                Value::Map(out)
            }
            _ => return u,
        },
        "reverse" => match a0.map(|a| &a.value) {
            Some(Value::Seq(items)) => Value::Seq(items.iter().rev().cloned().collect()),
            _ => return u,
        },
        "compact" => match a0.map(|a| &a.value) {
            Some(Value::Seq(items)) => {
                Value::Seq(items.iter().filter(|i| !i.is_null() && i.as_str() != Some("")).cloned().collect())
            }
            _ => return u,
        },
        "one" => match a0.map(|a| &a.value) {
            Some(Value::Seq(items)) if items.len() == 1 => return items[0].clone(),
            Some(Value::Seq(items)) if items.is_empty() => Value::Null,
            _ => return u,
        },
        "alltrue" | "anytrue" => match a0.map(|a| &a.value) {
            Some(Value::Seq(items)) => {
                let bools: Option<Vec<bool>> = items.iter().map(Node::as_bool).collect();
                match bools {
                    Some(b) if name == "alltrue" => Value::Bool(b.iter().all(|x| *x)),
                    Some(b) => Value::Bool(b.iter().any(|x| *x)),
                    None => return u,
                }
            }
            _ => return u,
        },
        "sum" => match a0.map(|a| &a.value) {
            Some(Value::Seq(items)) if !items.is_empty() => {
                let nums: Option<Vec<Num>> = items.iter().map(num).collect();
                let Some(nums) = nums else { return u };
                if nums.iter().all(|n| matches!(n, Num::I(_))) {
                    let total = nums.iter().try_fold(0i64, |acc, n| match n {
                        Num::I(i) => acc.checked_add(*i),
                        Num::F(_) => None,
                    });
                    match total {
                        Some(t) => Value::Int(t),
                        None => return u,
                    }
                } else {
                    Num::F(nums.iter().map(|n| n.f()).sum()).value()
                }
            }
            _ => return u,
        },
        "sort" => match a0.map(|a| &a.value) {
            Some(Value::Seq(items)) => {
                let texts: Option<Vec<String>> = items.iter().map(text).collect();
                let Some(mut texts) = texts else { return u };
                texts.sort();
                Value::Seq(texts.into_iter().map(|t| s(t, span)).collect())
            }
            _ => return u,
        },
        "slice" => {
            match (a0.map(|a| &a.value), a1.and_then(Node::as_i64), args.get(2).and_then(Node::as_i64)) {
                (Some(Value::Seq(items)), Some(from), Some(to))
                    if 0 <= from && from <= to && (to as usize) <= items.len() =>
                {
                    Value::Seq(items[from as usize..to as usize].to_vec())
                }
                _ => return u,
            }
        }
        "index" => match (a0.map(|a| &a.value), a1) {
            (Some(Value::Seq(items)), Some(x)) => match items.iter().position(|i| equal(i, x)) {
                Some(i) => Value::Int(i as i64),
                None => return u,
            },
            _ => return u,
        },
        "setunion" | "setintersection" | "setsubtract" => {
            let sets: Option<Vec<&Vec<Node>>> = args
                .iter()
                .map(|a| match &a.value {
                    Value::Seq(items) => Some(items),
                    _ => None,
                })
                .collect();
            let Some(sets) = sets else { return u };
            let Some((first, rest)) = sets.split_first() else { return u };
            let mut out: Vec<Node> = Vec::new();
            let add = |n: &Node, out: &mut Vec<Node>| {
                if !out.iter().any(|o| equal(o, n)) {
                    out.push(n.clone());
                }
            };
            match name {
                "setunion" => sets.iter().flat_map(|s| s.iter()).for_each(|n| add(n, &mut out)),
                "setintersection" => first
                    .iter()
                    .filter(|n| rest.iter().all(|s| s.iter().any(|m| equal(m, n))))
                    .for_each(|n| add(n, &mut out)),
                _ => first
                    .iter()
                    .filter(|n| !rest.iter().any(|s| s.iter().any(|m| equal(m, n))))
                    .for_each(|n| add(n, &mut out)),
            }
            Value::Seq(out)
        }
        "floor" | "ceil" => match a0.and_then(num) {
            Some(n) => Num::F(if name == "floor" { n.f().floor() } else { n.f().ceil() }).value(),
            None => return u,
        },
        "pow" => match (a0.and_then(num), a1.and_then(num)) {
            (Some(a), Some(b)) => {
                let r = a.f().powf(b.f());
                if r.is_finite() { Num::F(r).value() } else { return u }
            }
            _ => return u,
        },
        "trim" => match (str0(), a1.and_then(text)) {
            (Some(t), Some(cut)) => Value::Str(t.trim_matches(|c| cut.contains(c)).to_string()),
            _ => return u,
        },
        "strrev" => match str0() {
            Some(t) => Value::Str(t.chars().rev().collect()),
            None => return u,
        },
        "regex" => match (str0(), a1.and_then(text)) {
            (Some(pattern), Some(t)) => match regex::Regex::new(&pattern) {
                Ok(re) if re.captures_len() == 1 => match re.find(&t) {
                    Some(m) => Value::Str(m.as_str().to_string()),
                    None => return u,
                },
                _ => return u,
            },
            _ => return u,
        },
        "formatlist" => {
            let Some(f) = str0() else { return u };
            let rest = &args[1..];
            let len = rest.iter().filter_map(|a| match &a.value {
                Value::Seq(items) => Some(items.len()),
                _ => None,
            });
            let len: Vec<usize> = len.collect();
            let n = match len.first() {
                Some(n) if len.iter().all(|l| l == n) => *n,
                Some(_) => return u,
                None => 1,
            };
            let mut out = Vec::new();
            for i in 0..n {
                let row: Vec<Node> = rest
                    .iter()
                    .map(|a| match &a.value {
                        Value::Seq(items) => items[i].clone(),
                        _ => a.clone(),
                    })
                    .collect();
                match format(&f, &row) {
                    Some(t) => out.push(s(t, span)),
                    None => return u,
                }
            }
            Value::Seq(out)
        }
        "cidrsubnet" => match (str0(), a1.and_then(Node::as_i64), args.get(2).and_then(Node::as_i64)) {
            (Some(prefix), Some(bits), Some(n)) => match cidrsubnet(&prefix, bits, n) {
                Some(t) => Value::Str(t),
                None => return u,
            },
            _ => return u,
        },
        _ => return u,
    };
    Node::new(v, span)
}

fn encode(n: &Node) -> serde_json::Value {
    match &n.value {
        Value::Ref(r) => serde_json::Value::String(format!("${{{r}}}")),
        Value::Seq(items) => serde_json::Value::Array(items.iter().map(encode).collect()),
        Value::Map(entries) => {
            let mut m = serde_json::Map::new();
            for (k, v) in entries {
                m.insert(k.clone(), encode(v));
            }
            serde_json::Value::Object(m)
        }
        _ => n.to_json(),
    }
}

/// `format` with the common verbs (`%s`, `%d`, `%v`, `%q`, `%%`, `%f`).
fn format(f: &str, args: &[Node]) -> Option<String> {
    let mut out = String::new();
    let mut it = args.iter();
    let mut chars = f.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        // Skip flags / width / precision.
        let mut spec = String::new();
        while let Some(&d) = chars.peek() {
            if d.is_ascii_digit() || matches!(d, '.' | '-' | '+' | '#' | ' ') {
                spec.push(d);
                chars.next();
            } else {
                break;
            }
        }
        match chars.next()? {
            '%' => out.push('%'),
            's' | 'v' | 't' => out.push_str(&it.next()?.to_text()?),
            'd' => out.push_str(&it.next()?.as_i64()?.to_string()),
            'q' => out.push_str(&format!("{:?}", it.next()?.to_text()?)),
            'f' | 'g' | 'e' => {
                let n = num(it.next()?)?.f();
                match spec.split('.').nth(1).and_then(|p| p.parse::<usize>().ok()) {
                    Some(p) => out.push_str(&format!("{n:.p$}")),
                    None => out.push_str(&format!("{n:.6}")),
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

/// IPv4 `cidrsubnet(prefix, newbits, netnum)`.
fn cidrsubnet(prefix: &str, newbits: i64, netnum: i64) -> Option<String> {
    let (addr, len) = prefix.split_once('/')?;
    let len: i64 = len.parse().ok()?;
    let octets: Vec<u32> =
        addr.split('.').map(|o| o.parse::<u8>().ok().map(u32::from)).collect::<Option<_>>()?;
    if octets.len() != 4 || !(0..=32).contains(&len) || newbits < 0 || len + newbits > 32 || netnum < 0 {
        return None;
    }
    let ip = octets.iter().fold(0u32, |a, o| (a << 8) | o);
    let new_len = len + newbits;
    if newbits < 32 && netnum >= (1i64 << newbits) {
        return None;
    }
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    let base = ip & mask;
    let shift = 32 - new_len;
    let sub = if shift >= 32 { 0 } else { (netnum as u32) << shift };
    let r = base | sub;
    Some(format!("{}.{}.{}.{}/{}", r >> 24, (r >> 16) & 255, (r >> 8) & 255, r & 255, new_len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(v: &str) -> Node {
        s(v, Span::UNKNOWN)
    }

    #[test]
    fn functions() {
        let sp = Span::UNKNOWN;
        assert_eq!(call("lower", vec![st("AbC")], sp).as_str(), Some("abc"));
        assert_eq!(
            call("format", vec![st("%s-%d"), st("a"), Node::new(Value::Int(3), sp)], sp).as_str(),
            Some("a-3")
        );
        assert_eq!(
            call(
                "cidrsubnet",
                vec![st("10.0.0.0/16"), Node::new(Value::Int(8), sp), Node::new(Value::Int(2), sp)],
                sp
            )
            .as_str(),
            Some("10.0.2.0/24")
        );
        assert_eq!(call("replace", vec![st("a-b-c"), st("-"), st("_")], sp).as_str(), Some("a_b_c"));
        assert_eq!(call("replace", vec![st("a1b22"), st("/[0-9]+/"), st("#")], sp).as_str(), Some("a#b#"));
        assert_eq!(
            call("substr", vec![st("hello"), Node::new(Value::Int(1), sp), Node::new(Value::Int(3), sp)], sp)
                .as_str(),
            Some("ell")
        );
        assert!(call("upper", vec![Node::new(Value::Ref("a.b".into()), sp)], sp).is_unknown());
        assert!(call("nosuchfunction", vec![], sp).is_unknown());
        let j = call("jsondecode", vec![st(r#"{"a":[1,2]}"#)], sp);
        assert_eq!(j.at(&["a"]).unwrap().items().len(), 2);
        assert_eq!(
            call("max", vec![Node::new(Value::Int(3), sp), Node::new(Value::Float(4.5), sp)], sp).value,
            Value::Float(4.5)
        );
    }
}
