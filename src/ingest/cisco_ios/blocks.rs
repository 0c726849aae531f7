//! IOS configuration structure: a top-level command followed by the indented lines under it.

/// One configuration line with its 1-based line number in the input file.
#[derive(Debug, Clone)]
pub struct Line<'a> {
    pub no: u32,
    pub text: &'a str,
    /// For a statement rebuilt from show output: the output line the user sees as evidence.
    pub shown: Option<&'a Shown>,
}

/// A show-output line that a configuration statement was rebuilt from.
#[derive(Debug, Clone)]
pub struct Shown {
    pub raw: String,
    /// The line with its secret masked, when it holds one (`show crypto isakmp key`).
    pub redacted: Option<String>,
}

/// A configuration statement rebuilt from show output (`show crypto map` → `set peer X`),
/// indented like a config line when it belongs under the previous top-level one.
#[derive(Debug, Clone)]
pub struct Statement {
    pub no: u32,
    pub config: String,
    pub shown: Shown,
}

/// Blocks from rebuilt statements, in order.
pub fn from_statements(stmts: &[Statement]) -> Vec<Block<'_>> {
    let mut blocks: Vec<Block<'_>> = Vec::new();
    for s in stmts {
        let line = Line {
            no: s.no,
            text: s.config.trim_start(),
            shown: Some(&s.shown),
        };
        match blocks.last_mut() {
            Some(b) if s.config.starts_with(' ') => b.children.push(line),
            _ => blocks.push(Block {
                head: line,
                children: Vec::new(),
            }),
        }
    }
    blocks
}

impl<'a> Line<'a> {
    pub fn words(&self) -> Vec<&'a str> {
        self.text.split_whitespace().collect()
    }
}

#[derive(Debug, Clone)]
pub struct Block<'a> {
    pub head: Line<'a>,
    pub children: Vec<Line<'a>>,
}

/// Lines that belong to the capture around a config, not to the config itself.
fn is_wrapper(t: &str) -> bool {
    let t = t.trim();
    t.is_empty()
        || t.starts_with('!')
        || t.starts_with("Building configuration")
        || t.starts_with("Current configuration")
        || t.starts_with("Last configuration change")
        || t.starts_with("NVRAM config last updated")
        || t == "end"
        || t == "exit"
        || t.starts_with("exit-")
        || t.starts_with("%")
}

/// Splits the text into blocks. A prompt line (`Router#show running-config`) yields the host
/// name when the config itself has none. Banners are skipped as one unit, since their text
/// may look like anything.
pub fn split(text: &str) -> (Vec<Block<'_>>, Option<String>) {
    let mut blocks: Vec<Block<'_>> = Vec::new();
    let mut prompt_host = None;
    let mut banner_end: Option<char> = None;
    for (i, raw) in text.lines().enumerate() {
        let no = (i + 1) as u32;
        let t = raw.trim_end_matches(['\r', '\n']);
        if let Some(d) = banner_end {
            if t.contains(d) {
                banner_end = None;
            }
            continue;
        }
        if let Some(rest) = t.strip_prefix("banner ") {
            let delim = rest
                .split_whitespace()
                .nth(1)
                .and_then(|w| w.chars().next());
            if let Some(d) = delim {
                let after: String = rest
                    .split_whitespace()
                    .skip(1)
                    .collect::<Vec<_>>()
                    .join(" ");
                if after.matches(d).count() < 2 && !after.starts_with("^C^C") {
                    banner_end = Some(if after.starts_with("^C") { '^' } else { d });
                }
            }
            continue;
        }
        if let Some((host, cmd)) = prompt(t) {
            if cmd.starts_with("sh") || cmd.starts_with("more") || cmd.is_empty() {
                prompt_host.get_or_insert(host);
            }
            continue;
        }
        if is_wrapper(t) {
            continue;
        }
        let line = Line {
            no,
            text: t,
            shown: None,
        };
        if (t.starts_with(' ') || t.starts_with('\t'))
            && let Some(b) = blocks.last_mut()
        {
            b.children.push(line);
            continue;
        }
        blocks.push(Block {
            head: Line {
                no,
                text: t.trim_start(),
                shown: None,
            },
            children: Vec::new(),
        });
    }
    (blocks, prompt_host)
}

/// `Tokyo#show run` or `Tokyo(config)#` → ("Tokyo", "show run").
fn prompt(t: &str) -> Option<(String, &str)> {
    let hash = t.find('#')?;
    let host = &t[..hash];
    if host.is_empty()
        || host.contains(' ')
        || !host
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
    {
        return None;
    }
    let host = host.split('(').next().unwrap_or(host);
    if !host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return None;
    }
    Some((host.to_string(), t[hash + 1..].trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_and_prompt() {
        let text = "Tokyo#show running-config\nBuilding configuration...\n\nCurrent configuration : 10 bytes\n!\nhostname Tokyo\ninterface Serial4/0\n ip address 1.1.1.1 255.255.255.0\n!\nend\n";
        let (b, host) = split(text);
        assert_eq!(host.as_deref(), Some("Tokyo"));
        assert_eq!(b.len(), 2);
        assert_eq!(b[1].head.no, 7);
        assert_eq!(b[1].children[0].no, 8);
    }

    #[test]
    fn banner_is_skipped() {
        let text = "banner motd ^C\nhostname Evil\n^C\nhostname Real\n";
        let (b, _) = split(text);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].head.text, "hostname Real");
    }
}
