//! A small POSIX-shell reader for `RUN` scripts: enough to find simple commands, their words and
//! the pipes between them (quotes respected; no expansion).

/// One simple command: its words with quotes removed, and whether its output is piped on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SimpleCmd {
    pub words: Vec<String>,
    /// Index of the pipeline it belongs to (commands joined by `|`).
    pub pipeline: usize,
    /// Position within the pipeline (0 = first).
    pub position: usize,
}

impl SimpleCmd {
    /// The command with `sudo`, `env`, `VAR=value` prefixes and the like removed.
    pub fn effective(&self) -> &[String] {
        let mut w = &self.words[..];
        loop {
            let Some(first) = w.first() else { return w };
            let name = program(first);
            if is_assignment(first) {
                w = &w[1..];
            } else if matches!(name, "sudo" | "doas" | "env" | "exec" | "nohup" | "time" | "command") {
                w = &w[1..];
                // the wrapper's own options (`sudo -u root`, `env -i`)
                while let Some(f) = w.first() {
                    if f.starts_with('-') {
                        let takes_value = name == "sudo" && matches!(f.as_str(), "-u" | "-g" | "-C" | "-D");
                        w = &w[1..];
                        if takes_value && !w.is_empty() {
                            w = &w[1..];
                        }
                    } else {
                        break;
                    }
                }
            } else {
                return w;
            }
        }
    }

    /// The program name (basename) of the effective command.
    pub fn program(&self) -> &str {
        self.effective().first().map(|w| program(w)).unwrap_or("")
    }

    /// The effective command's arguments.
    pub fn args(&self) -> &[String] {
        let e = self.effective();
        if e.is_empty() { e } else { &e[1..] }
    }

    /// True when the effective arguments include `word`.
    pub fn has(&self, word: &str) -> bool {
        self.args().iter().any(|a| a == word)
    }

    /// The first non-option argument (the subcommand: `install` in `apt-get -y install`).
    pub fn subcommand(&self) -> Option<&str> {
        self.args().iter().find(|a| !a.starts_with('-')).map(|s| s.as_str())
    }

    /// Non-option arguments after the subcommand (packages).
    pub fn operands(&self) -> Vec<&str> {
        self.args().iter().filter(|a| !a.starts_with('-')).skip(1).map(|s| s.as_str()).collect()
    }

    /// True when a short-option cluster (`-yq`) or a long option equals/contains `short`/`long`.
    pub fn has_opt(&self, short: char, long: &[&str]) -> bool {
        self.args().iter().any(|a| {
            if let Some(l) = a.strip_prefix("--") {
                let name = l.split('=').next().unwrap_or(l);
                long.contains(&name)
            } else if let Some(s) = a.strip_prefix('-') {
                !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric()) && s.contains(short)
            } else {
                false
            }
        })
    }
}

/// Basename of a program path.
pub fn program(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
}

/// The simple commands of `script`, in order.
pub fn commands(script: &str) -> Vec<SimpleCmd> {
    let mut out = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut pipeline = 0usize;
    let mut position = 0usize;
    let mut chars = script.chars().peekable();

    fn end_word(cur: &mut String, in_word: &mut bool, words: &mut Vec<String>) {
        if *in_word {
            words.push(std::mem::take(cur));
            *in_word = false;
        }
    }
    let mut end_cmd = |words: &mut Vec<String>, pipeline: usize, position: usize| {
        if !words.is_empty() {
            out.push(SimpleCmd { words: std::mem::take(words), pipeline, position });
        }
    };

    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for n in chars.by_ref() {
                    if n == '\'' {
                        break;
                    }
                    cur.push(n);
                }
            }
            '"' => {
                in_word = true;
                while let Some(n) = chars.next() {
                    match n {
                        '"' => break,
                        '\\' => {
                            if let Some(e) = chars.next() {
                                if !matches!(e, '"' | '\\' | '$' | '`') {
                                    cur.push('\\');
                                }
                                cur.push(e);
                            }
                        }
                        n => cur.push(n),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') => {}
                Some(e) => {
                    in_word = true;
                    cur.push(e);
                }
                None => {}
            },
            '#' if !in_word => {
                // a comment runs to the end of the line
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
                end_word(&mut cur, &mut in_word, &mut words);
                end_cmd(&mut words, pipeline, position);
                pipeline += 1;
                position = 0;
            }
            '|' => {
                end_word(&mut cur, &mut in_word, &mut words);
                if chars.peek() == Some(&'|') {
                    chars.next();
                    end_cmd(&mut words, pipeline, position);
                    pipeline += 1;
                    position = 0;
                } else {
                    end_cmd(&mut words, pipeline, position);
                    position += 1;
                }
            }
            ';' | '&' | '\n' | '(' | ')' | '{' | '}' if !(matches!(c, '{' | '}') && in_word) => {
                end_word(&mut cur, &mut in_word, &mut words);
                if c == '&' && chars.peek() == Some(&'&') {
                    chars.next();
                }
                if c == '&'
                    && matches!(words.last().map(|w| w.as_str()), Some(w) if w.ends_with('>') || w.ends_with('<'))
                {
                    // a redirection like `2>&1`
                    cur.push_str(&words.pop().unwrap_or_default());
                    cur.push('&');
                    in_word = true;
                    continue;
                }
                end_cmd(&mut words, pipeline, position);
                pipeline += 1;
                position = 0;
            }
            c if c.is_whitespace() => end_word(&mut cur, &mut in_word, &mut words),
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    end_word(&mut cur, &mut in_word, &mut words);
    end_cmd(&mut words, pipeline, position);
    out
}

/// True when a command of the script pipes into another.
pub fn has_pipe(cmds: &[SimpleCmd]) -> bool {
    cmds.iter().any(|c| c.position > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_commands_and_pipes() {
        let c = commands(
            "apt-get update && sudo -u root apt-get install -y 'a b' ; curl -s x | bash -e # c\nls 2>&1",
        );
        let words: Vec<_> = c.iter().map(|c| c.effective().join(" ")).collect();
        assert_eq!(words, ["apt-get update", "apt-get install -y a b", "curl -s x", "bash -e", "ls 2>&1"]);
        assert_eq!((c[2].pipeline, c[2].position, c[3].pipeline, c[3].position), (2, 0, 2, 1));
        assert_eq!(c[1].subcommand(), Some("install"));
        assert!(c[1].has_opt('y', &["yes"]));
        assert!(has_pipe(&c));
        assert!(!has_pipe(&commands("a || b")));
    }
}
