//! Cisco IOS and ASA output as users paste it: `debug crypto isakmp` (classic `ISAKMP (0:1):`
//! and modern `ISAKMP:(1004):` formats), `%CRYPTO-`/`%ASA-` syslog lines, and the show
//! commands that tell the state (`show crypto isakmp sa`, `show crypto ipsec sa`), in any mix,
//! with or without prompts and timestamps. Every recognised line becomes an [`Event`].

mod debug;
mod ikev2;
mod keywords;
mod rebuild;
mod show;

use crate::evidence::Event;
use crate::model::Loc;
use std::net::IpAddr;
use std::sync::Arc;

/// What one file of device output says.
#[derive(Debug, Default)]
pub struct Output {
    /// The host name seen in a prompt (`Tokyo#show crypto isakmp sa`).
    pub host: Option<String>,
    pub events: Vec<Event>,
    /// Lines that looked like IPsec output but matched no pattern (kept for --verbose).
    pub unrecognised: Vec<Loc>,
    /// Repeated events beyond [`KEEP_PER_KIND`] that were counted, not kept.
    pub dropped: u64,
    /// What the configuration-describing show commands say, as a (partial) device model.
    pub model: Option<crate::model::Device>,
}

/// True when the text holds IPsec debug, syslog or show output of a Cisco device.
pub fn looks_like(text: &str) -> bool {
    text.lines().take(5000).any(|l| {
        l.contains("ISAKMP (")
            || l.contains("ISAKMP:")
            || l.contains("%CRYPTO-")
            || l.contains("%ASA-")
            || l.contains("[IKEv1]")
            || l.contains("IKEv2")
            || l.contains("%IKEV2-")
            || l.contains("IKE Peer:")
            || l.contains("#pkts encaps")
            || l.contains("Crypto map tag:")
            || l.contains("#show crypto")
            || l.contains("#show ip ")
            || l.contains("#show clock")
            || l.starts_with("Protection suite of priority")
            || l.starts_with("Hostname/Address")
            || l.starts_with("Transform set ")
            || l.starts_with("Crypto Map ")
            || l.starts_with("Gateway of last resort")
            || l.starts_with("Crypto session current status")
            || l.contains("Crypto IKEv2 SA")
            || l.starts_with("Tunnel-id Local")
            || l.contains("Crypto ISAKMP SA")
            || (l.contains("IKE Peer") && l.contains("State"))
            || (l.contains("dst") && l.contains("conn-id"))
    })
}

/// `Tokyo#show ...` → "Tokyo".
fn prompt_host(l: &str) -> Option<&str> {
    let (host, rest) = l.split_once('#')?;
    let host = host.split('(').next()?;
    let ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        && (rest.trim().is_empty()
            || rest.trim_start().starts_with("sh")
            || rest.trim_start().starts_with("debug")
            || rest.trim_start().starts_with("term"));
    ok.then_some(host)
}

/// `HH:MM:SS(.fff)` anywhere in the prefix → seconds since midnight (or since boot).
pub fn time_of(prefix: &str) -> Option<f64> {
    for w in prefix.split_whitespace() {
        let w = w.trim_start_matches(['*', '.']).trim_end_matches(':');
        let mut parts = w.split(':');
        let (h, m, s) = (parts.next()?, parts.next(), parts.next());
        if let (Ok(h), Some(Ok(m)), Some(s)) = (h.parse::<f64>(), m.map(str::parse::<f64>), s)
            && let Ok(s) = s.parse::<f64>()
        {
            return Some(h * 3600.0 + m * 60.0 + s);
        }
    }
    None
}

/// The first IPv4 address that follows one of the words (`to`, `from`, `with`, `peer`...).
pub fn addr_after(text: &str, words: &[&str]) -> Option<IpAddr> {
    // Most debug lines name no address: three dots are the cheapest proof of none.
    if text.bytes().filter(|b| *b == b'.').count() < 3 {
        return None;
    }
    let mut prev = "";
    for w in text.split_ascii_whitespace() {
        if words.contains(&prev)
            && let Some(a) = w
                .trim_end_matches(['!', ',', '.', ':', ')'])
                .split(['/', ':'])
                .next()
                .and_then(|a| a.parse().ok())
        {
            return Some(a);
        }
        prev = w;
    }
    None
}

pub fn parse(path: &str, text: &str) -> Output {
    parse_reader(path, text.as_bytes())
}

/// How many events of one kind about one peer are kept: a log that repeats a failure
/// thousands of times proves it with its first lines, and memory stays bounded whatever the
/// file size. `Output::dropped` counts the rest.
pub const KEEP_PER_KIND: usize = 64;

/// The most events one file contributes, whatever the number of peers in it.
pub const KEEP_PER_FILE: usize = 100_000;

/// Reads device output line by line from any reader (a file of any size, or text).
pub fn parse_reader(path: &str, mut reader: impl std::io::BufRead) -> Output {
    let file: Arc<str> = Arc::from(path);
    let mut out = Output::default();
    let mut show = show::State::default();
    let mut v2 = ikev2::Follow::default();
    let mut rebuild = rebuild::Rebuild::default();
    let mut kept = Kept::default();
    let mut buf = Vec::new();
    let mut no = 0u32;
    let mut fresh = Vec::new();
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        no = no.saturating_add(1);
        // Valid UTF-8 (nearly every line) is borrowed as is; only a bad byte costs a copy.
        let text = match std::str::from_utf8(&buf) {
            Ok(s) => std::borrow::Cow::Borrowed(s),
            Err(_) => String::from_utf8_lossy(&buf),
        };
        let line = text.trim_end();
        if let Some(h) = prompt_host(line) {
            out.host.get_or_insert_with(|| h.to_string());
            show.command(line.split_once('#').map(|x| x.1).unwrap_or(""), &mut fresh);
            rebuild.command();
        } else {
            let loc = || Loc::line(&file, no, line);
            let k = keywords::scan(line);
            if let Some(ev) = debug::line(line, k, &loc) {
                fresh.extend(ev);
            } else if rebuild.line(no, line, &loc) {
            } else {
                match show.line(line, &loc, &mut fresh) {
                    show::Took::Yes => {}
                    show::Took::No if line.contains("ISAKMP") || line.contains("%CRYPTO") => {
                        if out.unrecognised.len() < KEEP_PER_KIND {
                            out.unrecognised.push(loc())
                        }
                    }
                    show::Took::No => {}
                }
            }
            v2.line(line, k.has(keywords::K::IKEV2), &loc, &mut fresh);
        }
        keep(&mut out, &mut kept, &mut fresh);
    }
    v2.finish(&mut fresh);
    show.finish(&mut fresh);
    keep(&mut out, &mut kept, &mut fresh);
    out.dropped += rebuild.dropped;
    let (stmts, known, clock, certificates) = rebuild.finish();
    if !stmts.is_empty() || clock.is_some() || !certificates.is_empty() {
        let mut d = crate::ingest::cisco_ios::parse_statements(path, &stmts, known);
        d.clock = clock;
        d.certificates = certificates;
        out.model = Some(d);
    }
    for e in &mut out.events {
        e.device = out.host.clone();
    }
    out
}

/// How many events of each kind about each peer were kept so far.
type Kept = std::collections::HashMap<
    (
        std::mem::Discriminant<crate::evidence::EventKind>,
        Option<IpAddr>,
    ),
    usize,
>;

fn keep(out: &mut Output, kept: &mut Kept, fresh: &mut Vec<Event>) {
    for e in fresh.drain(..) {
        // Once the file's budget is spent nothing new is tracked: memory stays bounded.
        if out.events.len() >= KEEP_PER_FILE {
            out.dropped += 1;
            continue;
        }
        let n = kept
            .entry((std::mem::discriminant(&e.kind), e.peer))
            .or_default();
        if *n < KEEP_PER_KIND {
            *n += 1;
            out.events.push(e);
        } else {
            out.dropped += 1;
        }
    }
}

#[cfg(test)]
mod tests;
