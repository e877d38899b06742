//! YAML with line numbers, over `saphyr`'s marked nodes. Scalars are kept as written (no YAML
//! 1.2 type resolution), so `2027-01-31` and `1.10` stay text.

use saphyr::{MarkedYaml, YamlData, YamlLoader};

pub(crate) type Node<'a> = MarkedYaml<'a>;

/// Lines whose block-structure prefix (indentation and `- `/`? `/`: ` markers) is longer than
/// this are refused: they would nest deeper than the stack can load and drop safely.
const MAX_PREFIX: usize = 256;
/// Deepest flow nesting (`[`/`{` not yet closed) accepted, counted over the whole text.
const MAX_FLOW: usize = 64;

/// A YAML error: 1-based line (when known) and message.
pub(crate) type YamlError = (Option<u32>, String);

/// Parses the first document of `text` (`None` for an empty stream).
pub(crate) fn load(text: &str) -> Result<Option<Node<'_>>, YamlError> {
    for (i, line) in text.lines().enumerate() {
        let prefix = line.bytes().take_while(|b| matches!(b, b' ' | b'\t' | b'-' | b'?' | b':')).count();
        if prefix > MAX_PREFIX {
            return Err((u32::try_from(i + 1).ok(), "YAML nested too deeply".into()));
        }
    }
    let mut flow = 0usize;
    let mut line = 1u32;
    for b in text.bytes() {
        match b {
            b'\n' => line = line.saturating_add(1),
            b'[' | b'{' => {
                flow += 1;
                if flow > MAX_FLOW {
                    return Err((Some(line), "YAML nested too deeply".into()));
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
        return Err((line, format!("invalid YAML: {}", e.info())));
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

/// True for an explicit or implicit null (`~`, `null`, an empty value).
pub(crate) fn is_null(node: &Node<'_>) -> bool {
    match &node.data {
        YamlData::Representation(s, style, _) => {
            *style == saphyr::ScalarStyle::Plain && matches!(s.as_ref(), "" | "~" | "null" | "Null" | "NULL")
        }
        YamlData::Value(saphyr::Scalar::Null) => true,
        _ => false,
    }
}

/// The entries of a mapping in document order, keys as written with their lines; `None` for
/// other nodes. A key that is not a scalar is returned as `None`.
pub(crate) fn mapping<'a, 'i>(node: &'a Node<'i>) -> Option<Vec<(Option<&'a str>, u32, &'a Node<'i>)>> {
    match &node.data {
        YamlData::Mapping(m) => Some(m.iter().map(|(k, v)| (scalar(k), line(k), v)).collect()),
        _ => None,
    }
}

pub(crate) fn sequence<'a, 'i>(node: &'a Node<'i>) -> Option<&'a [Node<'i>]> {
    match &node.data {
        YamlData::Sequence(s) => Some(s),
        _ => None,
    }
}

/// The 1-based line of a node's first character.
pub(crate) fn line(node: &Node<'_>) -> u32 {
    u32::try_from(node.span.start.line()).unwrap_or(u32::MAX).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_scalars_lines_and_errors() {
        let doc = load("a: 2027-01-31\nb:\n  - x\n  - 'y'\nc: ~\n").unwrap().unwrap();
        let m = mapping(&doc).unwrap();
        assert_eq!(
            m.iter().map(|(k, l, _)| (*k, *l)).collect::<Vec<_>>(),
            [(Some("a"), 1), (Some("b"), 2), (Some("c"), 5)]
        );
        assert_eq!(scalar(m[0].2), Some("2027-01-31"));
        let seq = sequence(m[1].2).unwrap();
        assert_eq!((scalar(&seq[1]), line(&seq[1])), (Some("y"), 4));
        assert!(is_null(m[2].2));
        assert!(load("").unwrap().is_none());
        assert_eq!(load("a: 1\nb: [\n").unwrap_err().0.map(|l| l >= 2), Some(true));
        assert!(load("a: 1\na: 2\n").is_err());
        assert!(load(&"- ".repeat(5000)).is_err());
        assert!(load(&"[".repeat(MAX_FLOW + 1)).is_err());
    }
}
