//! Where a model element or an evidence event came from.

use serde::Serialize;
use std::sync::Arc;

/// A pointer into the user's input: file, 1-based line or frame, and the text shown as evidence.
///
/// `text` is always safe to print: parsers put secrets only in `secret_text`, which is
/// printed when the user asks for `--show-secrets`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Loc {
    pub file: Arc<str>,
    pub line: Option<u32>,
    pub packet: Option<u64>,
    pub text: Arc<str>,
    #[serde(skip)]
    pub secret_text: Option<Arc<str>>,
    /// For a line of show output that displays configuration: the configuration statement
    /// it stands for (secret masked, and unmasked), which a fix must negate.
    #[serde(skip)]
    pub statement: Option<(Arc<str>, Arc<str>)>,
}

impl Loc {
    pub fn line(file: &Arc<str>, line: u32, text: &str) -> Self {
        Loc {
            file: file.clone(),
            line: Some(line),
            packet: None,
            text: Arc::from(text.trim_end()),
            secret_text: None,
            statement: None,
        }
    }

    /// A frame of a packet capture, with a one-line summary as its text.
    pub fn frame(file: &Arc<str>, frame: u64, text: &str) -> Self {
        Loc {
            file: file.clone(),
            line: None,
            packet: Some(frame),
            text: Arc::from(text),
            secret_text: None,
            statement: None,
        }
    }

    /// A location that was not written by the user but implied by the platform (defaults).
    pub fn implied(file: &Arc<str>, text: &str) -> Self {
        Loc {
            file: file.clone(),
            line: None,
            packet: None,
            text: Arc::from(text),
            secret_text: None,
            statement: None,
        }
    }

    pub fn with_secret(mut self, redacted: &str, raw: &str) -> Self {
        self.secret_text = Some(Arc::from(raw.trim_end()));
        self.text = Arc::from(redacted.trim_end());
        self
    }

    /// The configuration statement behind this line: the line itself in a config.
    pub fn as_statement(&self, show_secrets: bool) -> &str {
        match (&self.statement, show_secrets) {
            (Some((_, raw)), true) => raw,
            (Some((masked, _)), false) => masked,
            (None, _) => self.shown(show_secrets),
        }
    }

    pub fn shown(&self, show_secrets: bool) -> &str {
        match (&self.secret_text, show_secrets) {
            (Some(raw), true) => raw,
            _ => &self.text,
        }
    }
}

impl std::fmt::Display for Loc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.packet) {
            (Some(l), _) => write!(f, "{}:{}: {}", self.file, l, self.text),
            (None, Some(p)) => write!(f, "{}#{}: {}", self.file, p, self.text),
            (None, None) => write!(f, "{} (implied): {}", self.file, self.text),
        }
    }
}
