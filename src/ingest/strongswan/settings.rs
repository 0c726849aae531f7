//! The settings syntax of swanctl.conf (and strongswan.conf): `name { ... }` sections,
//! `key = value` pairs whose value ends at a newline, `#` or `}`, quoted strings, and
//! `include PATTERN` anywhere, which inserts other files in place. Read into a tree whose
//! every node remembers its file and line.

use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Node {
    pub name: String,
    pub file: Arc<str>,
    pub line: u32,
    /// The whole line the node starts on, as written.
    pub text: Arc<str>,
    pub body: Body,
}

#[derive(Debug, Clone)]
pub enum Body {
    Section {
        /// `name : base1, base2 { ... }`: sections whose content this one inherits.
        refs: Vec<String>,
        children: Vec<Node>,
    },
    Value(String),
}

impl Node {
    pub fn children(&self) -> &[Node] {
        match &self.body {
            Body::Section { children, .. } => children,
            Body::Value(_) => &[],
        }
    }
    pub fn value(&self) -> Option<&str> {
        match &self.body {
            Body::Value(v) => Some(v),
            Body::Section { .. } => None,
        }
    }
    pub fn is_section(&self) -> bool {
        matches!(self.body, Body::Section { .. })
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Name(String),
    Str(String),
    Open,
    Close,
    Eq,
    Newline,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    file: usize,
    line: u32,
}

/// Where included files come from: the other inputs first (a folder given whole), then the
/// disk next to the including file, as strongSwan itself reads them.
pub struct Resolver<'a> {
    pub mem: HashMap<String, &'a str>,
    pub disk: bool,
    /// Every file read through an include, normalised.
    pub used: Vec<String>,
}

/// Bounds that keep a hostile or looping include tree finite.
const MAX_DEPTH: usize = 8;
const MAX_FILES: usize = 256;
const MAX_DISK_BYTES: u64 = 4 << 20;

/// `a/./b/../c` → `a/c`; keeps a leading `/`.
pub fn normalise(path: &str) -> String {
    let abs = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !abs {
                    parts.push("..");
                }
            }
            c => parts.push(c),
        }
    }
    let j = parts.join("/");
    if abs { format!("/{j}") } else { j }
}

fn dir_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[..i],
        None => "",
    }
}

/// Shell-style match of one path component or identity (`*`, `?`), in time linear in the
/// product of the lengths whatever the number of stars (a hostile pattern cannot blow up).
pub fn glob(pat: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pat.get(p) {
            Some(b'*') => {
                star = Some((p, n));
                p += 1;
            }
            Some(c) if *c == b'?' || *c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                // Let the last star swallow one more character and retry from there.
                Some((sp, sn)) => {
                    p = sp + 1;
                    n = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    pat[p.min(pat.len())..].iter().all(|c| *c == b'*')
}

impl Resolver<'_> {
    /// The files a pattern names, in the order strongSwan reads them (sorted).
    fn files(&mut self, from: &str, pattern: &str) -> Vec<(String, String)> {
        let full = if pattern.starts_with('/') {
            normalise(pattern)
        } else {
            let d = dir_of(from);
            normalise(&if d.is_empty() {
                pattern.to_string()
            } else {
                format!("{d}/{pattern}")
            })
        };
        let (dir, last) = match full.rfind('/') {
            Some(i) => (&full[..i], &full[i + 1..]),
            None => ("", full.as_str()),
        };
        let mut found: Vec<(String, String)> = Vec::new();
        for (k, v) in &self.mem {
            let (kd, kl) = match k.rfind('/') {
                Some(i) => (&k[..i], &k[i + 1..]),
                None => ("", k.as_str()),
            };
            if kd == dir && glob(last.as_bytes(), kl.as_bytes()) {
                found.push((k.clone(), v.to_string()));
            }
        }
        if self.disk && found.is_empty() {
            let names: Vec<String> = if last.contains(['*', '?']) {
                let d = if dir.is_empty() { "." } else { dir };
                std::fs::read_dir(d)
                    .map(|rd| {
                        rd.filter_map(|e| e.ok())
                            .filter_map(|e| e.file_name().to_str().map(str::to_string))
                            .filter(|n| !n.starts_with('.') && glob(last.as_bytes(), n.as_bytes()))
                            .collect()
                    })
                    .unwrap_or_default()
            } else {
                vec![last.to_string()]
            };
            for n in names {
                let p = if dir.is_empty() {
                    n
                } else {
                    format!("{dir}/{n}")
                };
                let small = std::fs::metadata(&p)
                    .map(|m| m.is_file() && m.len() <= MAX_DISK_BYTES)
                    .unwrap_or(false);
                if let (true, Ok(bytes)) = (small, std::fs::read(&p)) {
                    found.push((p, String::from_utf8_lossy(&bytes).into_owned()));
                }
            }
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found
    }
}

struct Lexer<'r, 'm> {
    files: Vec<(Arc<str>, Vec<Arc<str>>)>,
    toks: Vec<Token>,
    resolver: &'r mut Resolver<'m>,
}

impl Lexer<'_, '_> {
    fn file(&mut self, path: &str, text: &str, depth: usize) {
        if self.files.len() >= MAX_FILES {
            return;
        }
        let fi = self.files.len();
        let lines: Vec<Arc<str>> = text.lines().map(|l| Arc::from(l.trim_end())).collect();
        self.files.push((Arc::from(path), lines));
        let b: Vec<char> = text.chars().collect();
        let mut i = 0;
        let mut line = 1u32;
        let mut value = false;
        let push = |toks: &mut Vec<Token>, tok: Tok, line: u32| {
            toks.push(Token {
                tok,
                file: fi,
                line,
            })
        };
        let word_end = |b: &[char], mut j: usize, stop: &[char]| {
            while j < b.len() && !stop.contains(&b[j]) {
                j += 1;
            }
            j
        };
        while i < b.len() {
            let c = b[i];
            match c {
                ' ' | '\t' | '\r' => i += 1,
                '\n' => {
                    value = false;
                    push(&mut self.toks, Tok::Newline, line);
                    line += 1;
                    i += 1;
                }
                '#' => {
                    value = false;
                    while i < b.len() && b[i] != '\n' {
                        i += 1;
                    }
                }
                '}' => {
                    value = false;
                    push(&mut self.toks, Tok::Close, line);
                    i += 1;
                }
                '"' => {
                    // A string: escapes, and an escaped newline joins lines.
                    let start = line;
                    let mut s = String::new();
                    i += 1;
                    while i < b.len() && b[i] != '"' {
                        match b[i] {
                            '\\' if i + 1 < b.len() => {
                                i += 1;
                                match b[i] {
                                    'n' => s.push('\n'),
                                    't' => s.push('\t'),
                                    'r' => s.push('\r'),
                                    '\n' => line += 1,
                                    o => s.push(o),
                                }
                            }
                            '\n' => {
                                line += 1;
                                s.push('\n');
                            }
                            o => s.push(o),
                        }
                        i += 1;
                    }
                    i += 1;
                    push(&mut self.toks, Tok::Str(s), start);
                }
                _ if value => {
                    let j = word_end(&b, i, &['#', '}', '"', '\r', '\n', '\t', ' ']);
                    push(&mut self.toks, Tok::Name(b[i..j].iter().collect()), line);
                    i = j;
                }
                '{' => {
                    push(&mut self.toks, Tok::Open, line);
                    i += 1;
                }
                '=' => {
                    value = true;
                    push(&mut self.toks, Tok::Eq, line);
                    i += 1;
                }
                _ => {
                    let j = word_end(&b, i, &['#', '{', '}', '=', '"', '\r', '\n', '\t', ' ']);
                    let w: String = b[i..j].iter().collect();
                    i = j;
                    // `include PATTERN` (but `include = x` is a key named include).
                    let mut k = i;
                    while k < b.len() && (b[k] == ' ' || b[k] == '\t') {
                        k += 1;
                    }
                    if w == "include" && k > i && k < b.len() && !matches!(b[k], '=' | '\n' | '#') {
                        let (pat, next) = if b[k] == '"' {
                            let e = word_end(&b, k + 1, &['"', '\n']);
                            (b[k + 1..e].iter().collect::<String>(), (e + 1).min(b.len()))
                        } else {
                            let e = word_end(&b, k, &['#', '}', '\r', '\n', '\t', ' ']);
                            (b[k..e].iter().collect::<String>(), e)
                        };
                        i = next;
                        if depth < MAX_DEPTH {
                            let from = self.files[fi].0.to_string();
                            for (p, t) in self.resolver.files(&from, &pat) {
                                let norm = normalise(&p);
                                if self.files.iter().any(|(f, _)| normalise(f) == norm) {
                                    continue;
                                }
                                self.resolver.used.push(norm);
                                self.file(&p, &t, depth + 1);
                            }
                        }
                        push(&mut self.toks, Tok::Newline, line);
                    } else {
                        push(&mut self.toks, Tok::Name(w), line);
                    }
                }
            }
        }
        push(&mut self.toks, Tok::Newline, line);
    }
}

struct Parser<'a> {
    toks: &'a [Token],
    files: &'a [(Arc<str>, Vec<Arc<str>>)],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }

    fn node(&self, t: &Token, name: String, body: Body) -> Node {
        let (file, lines) = match self.files.get(t.file) {
            Some(f) => f,
            None => {
                return Node {
                    name,
                    file: Arc::from(""),
                    line: t.line,
                    text: Arc::from(""),
                    body,
                };
            }
        };
        let text = lines
            .get(t.line.saturating_sub(1) as usize)
            .cloned()
            .unwrap_or_else(|| Arc::from(""));
        Node {
            name,
            file: file.clone(),
            line: t.line,
            text,
            body,
        }
    }

    /// Nodes up to the `}` closing this section (consumed), or the end.
    fn body(&mut self, depth: usize) -> Vec<Node> {
        let mut out = Vec::new();
        while let Some(t) = self.toks.get(self.pos).cloned() {
            self.pos += 1;
            match t.tok.clone() {
                Tok::Close => return out,
                Tok::Name(n) | Tok::Str(n) => {
                    if self.peek() == Some(&Tok::Eq) {
                        // Only what follows `=` on the same line is the value.
                        self.pos += 1;
                        let mut words = Vec::new();
                        while let Some(Tok::Name(w) | Tok::Str(w)) = self.peek() {
                            words.push(w.clone());
                            self.pos += 1;
                        }
                        out.push(self.node(&t, n, Body::Value(words.join(" "))));
                        continue;
                    }
                    // A section's name may be followed by newlines before its `{`.
                    let save = self.pos;
                    while self.peek() == Some(&Tok::Newline) {
                        self.pos += 1;
                    }
                    match self.peek() {
                        Some(Tok::Open) => {
                            self.pos += 1;
                            let children = if depth < 64 {
                                self.body(depth + 1)
                            } else {
                                Vec::new()
                            };
                            out.push(self.node(
                                &t,
                                n,
                                Body::Section {
                                    refs: Vec::new(),
                                    children,
                                },
                            ));
                        }
                        Some(Tok::Name(w))
                            if w == ":" || n.ends_with(':') || w.starts_with(':') =>
                        {
                            let mut name = n.trim_end_matches(':').to_string();
                            let mut refs = Vec::new();
                            while let Some(Tok::Name(w)) = self.peek() {
                                for r in w.split([',', ':']).filter(|r| !r.is_empty()) {
                                    refs.push(r.to_string());
                                }
                                self.pos += 1;
                            }
                            if self.peek() == Some(&Tok::Open) {
                                self.pos += 1;
                                let children = if depth < 64 {
                                    self.body(depth + 1)
                                } else {
                                    Vec::new()
                                };
                                if name.is_empty() {
                                    name = n.clone();
                                }
                                out.push(self.node(&t, name, Body::Section { refs, children }));
                            }
                        }
                        _ => self.pos = save,
                    }
                }
                Tok::Newline | Tok::Open | Tok::Eq => {}
            }
        }
        out
    }
}

/// Reads a file (and whatever it includes) into its top-level nodes.
pub fn parse(path: &str, text: &str, resolver: &mut Resolver<'_>) -> Vec<Node> {
    let mut lx = Lexer {
        files: Vec::new(),
        toks: Vec::new(),
        resolver,
    };
    lx.file(path, text, 0);
    let mut p = Parser {
        toks: &lx.toks,
        files: &lx.files,
        pos: 0,
    };
    let mut out = Vec::new();
    while p.pos < p.toks.len() {
        out.extend(p.body(0));
    }
    out
}

/// Follows `name : base` references: the base's content first, the section's own after, so
/// that its own values win. References name a sibling or a dotted path from the top.
pub fn resolve_refs(top: &[Node]) -> Vec<Node> {
    fn find<'a>(top: &'a [Node], siblings: &'a [Node], r: &str) -> Option<&'a Node> {
        siblings
            .iter()
            .find(|n| n.is_section() && n.name == r)
            .or_else(|| {
                let mut cur: &[Node] = top;
                let mut hit = None;
                for part in r.split('.') {
                    let n = cur.iter().find(|n| n.is_section() && n.name == part)?;
                    hit = Some(n);
                    cur = n.children();
                }
                hit
            })
    }
    /// `chain` holds the sections being expanded (a section that references itself, or a
    /// loop, stops there); `budget` bounds the nodes built, as references to references
    /// multiply.
    fn walk<'a>(
        top: &'a [Node],
        siblings: &'a [Node],
        nodes: &'a [Node],
        depth: usize,
        chain: &mut Vec<&'a Node>,
        budget: &mut usize,
    ) -> Vec<Node> {
        let mut out = Vec::new();
        for n in nodes {
            if *budget == 0 {
                break;
            }
            *budget -= 1;
            let Body::Section { refs, children } = &n.body else {
                out.push(n.clone());
                continue;
            };
            chain.push(n);
            let mut merged: Vec<Node> = Vec::new();
            if depth < 16 {
                for r in refs {
                    let Some(base) = find(top, siblings, r) else {
                        continue;
                    };
                    if chain.iter().any(|c| std::ptr::eq(*c, base)) {
                        continue;
                    }
                    let b = walk(
                        top,
                        siblings,
                        std::slice::from_ref(base),
                        depth + 1,
                        chain,
                        budget,
                    );
                    merged.extend(b.into_iter().flat_map(|b| match b.body {
                        Body::Section { children, .. } => children,
                        Body::Value(_) => Vec::new(),
                    }));
                }
            }
            merged.extend(walk(top, children, children, depth + 1, chain, budget));
            chain.pop();
            out.push(Node {
                name: n.name.clone(),
                file: n.file.clone(),
                line: n.line,
                text: n.text.clone(),
                body: Body::Section {
                    refs: refs.clone(),
                    children: merged,
                },
            });
        }
        out
    }
    let mut budget = 20_000;
    walk(top, top, top, 0, &mut Vec::new(), &mut budget)
}
