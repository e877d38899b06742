//! YAML with line numbers for the pnpm and yarn berry lockfiles, over `saphyr`'s marked nodes.
//! Scalars are kept as written (no YAML 1.2 type resolution), so `1.10` stays `1.10`.

use saphyr::{MarkedYaml, YamlData, YamlLoader};

use crate::AnalyzeError;

pub(crate) type Node<'a> = MarkedYaml<'a>;

/// Lines whose block-structure prefix (indentation and `- `/`? `/`: ` markers) is longer than
/// this are refused: they would nest deeper than the stack can load and drop safely. Lockfiles
/// indent a few levels at most.
const MAX_PREFIX: usize = 256;
/// Deepest flow nesting (`[`/`{` not yet closed) accepted, counted over the whole text.
const MAX_FLOW: usize = 64;

/// Parses the first document of `text` (`None` for an empty stream).
pub(crate) fn load(text: &str) -> Result<Option<Node<'_>>, AnalyzeError> {
    for (i, line) in text.lines().enumerate() {
        let prefix = line.bytes().take_while(|b| matches!(b, b' ' | b'\t' | b'-' | b'?' | b':')).count();
        if prefix > MAX_PREFIX {
            return Err(AnalyzeError::parse(u32::try_from(i + 1).ok(), "YAML nested too deeply"));
        }
    }
    let mut flow = 0usize;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'[' | b'{' => {
                flow += 1;
                if flow > MAX_FLOW {
                    return Err(AnalyzeError::parse(Some(crate::line_of(text, i)), "YAML nested too deeply"));
                }
            }
            b']' | b'}' => flow = flow.saturating_sub(1),
            _ => {}
        }
    }
    let mut parser = saphyr_parser::Parser::new_from_str(text);
    let mut loader: YamlLoader<'_, Node<'_>> = YamlLoader::default();
    loader.early_parse(false);
    let scan = parser.load(&mut loader, false);
    let error = scan.err().or_else(|| loader.error().cloned());
    if let Some(e) = error {
        let line = u32::try_from(e.marker().line()).ok().filter(|l| *l > 0);
        return Err(AnalyzeError::parse(line, format!("invalid YAML: {}", e.info())));
    }
    Ok(loader.into_documents().into_iter().next())
}

/// The text of a scalar as written (`None` for collections, aliases and bad values).
pub(crate) fn scalar<'a>(node: &'a Node<'_>) -> Option<&'a str> {
    match &node.data {
        YamlData::Representation(s, _, _) => Some(s),
        YamlData::Value(saphyr::Scalar::String(s)) => Some(s),
        _ => None,
    }
}

/// A scalar that is neither empty nor a null.
pub(crate) fn string<'a>(node: &'a Node<'_>) -> Option<&'a str> {
    scalar(node).filter(|s| !matches!(*s, "" | "~" | "null" | "Null" | "NULL"))
}

pub(crate) fn is_mapping(node: &Node<'_>) -> bool {
    matches!(node.data, YamlData::Mapping(_))
}

/// The scalar-keyed entries of a mapping, in document order (nothing for other nodes).
pub(crate) fn entries<'a, 'i>(node: &'a Node<'i>) -> Vec<(&'a str, &'a Node<'i>)> {
    match &node.data {
        YamlData::Mapping(m) => m.iter().filter_map(|(k, v)| scalar(k).map(|k| (k, v))).collect(),
        _ => Vec::new(),
    }
}

/// The value of `key` in a mapping.
pub(crate) fn get<'a, 'i>(node: &'a Node<'i>, key: &str) -> Option<&'a Node<'i>> {
    match &node.data {
        YamlData::Mapping(m) => m.iter().find(|(k, _)| scalar(k) == Some(key)).map(|(_, v)| v),
        _ => None,
    }
}

/// The line of the key `key` in a mapping.
pub(crate) fn get_key_line(node: Option<&Node<'_>>, key: &str) -> Option<u32> {
    match &node?.data {
        YamlData::Mapping(m) => m.keys().find(|k| scalar(k) == Some(key)).map(start_line),
        _ => None,
    }
}

pub(crate) fn get_str<'a>(node: &'a Node<'_>, key: &str) -> Option<&'a str> {
    get(node, key).and_then(string)
}

/// The 1-based line of a node's first character.
pub(crate) fn start_line(node: &Node<'_>) -> u32 {
    u32::try_from(node.span.start.line()).unwrap_or(u32::MAX)
}

/// The 1-based last line a node's content reaches (block collections end where the next token
/// starts, so their own end marker is not used: the last scalar inside them is).
pub(crate) fn end_line(node: &Node<'_>) -> u32 {
    fn walk(node: &Node<'_>, depth: usize) -> usize {
        let own = {
            let end = node.span.end;
            let line = if end.col() == 0 && end.line() > node.span.start.line() {
                end.line() - 1
            } else {
                end.line()
            };
            line.max(node.span.start.line())
        };
        if depth > 4096 {
            return own;
        }
        match &node.data {
            YamlData::Mapping(m) => m
                .iter()
                .map(|(k, v)| walk(k, depth + 1).max(walk(v, depth + 1)))
                .max()
                .unwrap_or(node.span.start.line()),
            YamlData::Sequence(s) => {
                s.iter().map(|v| walk(v, depth + 1)).max().unwrap_or(node.span.start.line())
            }
            _ => own,
        }
    }
    u32::try_from(walk(node, 0)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_scalars_and_lines() {
        let text = "a: 1.10\nb:\n  c: 'x'\n  d:\n    - e\n    - {f: true}\n\ng: ~\n";
        let doc = load(text).unwrap().unwrap();
        assert_eq!(get_str(&doc, "a"), Some("1.10"));
        let b = get(&doc, "b").unwrap();
        assert_eq!(get_str(b, "c"), Some("x"));
        assert_eq!((start_line(b), end_line(b)), (3, 6));
        assert_eq!(get_str(get(b, "d").unwrap().data.as_sequence_get(1).unwrap(), "f"), Some("true"));
        assert_eq!(get_str(&doc, "g"), None);
        assert_eq!(entries(&doc).iter().map(|(k, _)| *k).collect::<Vec<_>>(), ["a", "b", "g"]);
    }

    #[test]
    fn errors_carry_lines() {
        assert_eq!(load("a: 1\nb: [\n").unwrap_err().line().map(|l| l >= 2), Some(true));
        assert!(load("a: 1\na: 2\n").is_err());
        assert!(load(&"- ".repeat(5000)).is_err());
        assert!(load("").unwrap().is_none());
        // The deepest nesting let through still loads, walks and drops without overflowing.
        let mut deep: String = (0..MAX_PREFIX).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        deep.push_str(&format!(
            "{}{}1{}\n",
            " ".repeat(MAX_PREFIX),
            "[".repeat(MAX_FLOW),
            "]".repeat(MAX_FLOW)
        ));
        let doc = load(&deep).unwrap().unwrap();
        assert_eq!(end_line(&doc), 257);
        assert!(load(&format!("a: {}", "[".repeat(MAX_FLOW + 1))).is_err());
    }
}
