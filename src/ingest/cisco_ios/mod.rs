//! Cisco IOS / IOS-XE running-configuration parser → [`Device`].
//!
//! Top-level commands are dispatched by their leading words; each module reads its own block.
//! Anything not modelled is kept in `Device::skipped` so `--verbose` can list it.

mod acl;
mod blocks;
mod crypto;
mod defaults;
mod iface;
pub(crate) use iface::v4net;
mod ikev2;
pub mod secrets;

use crate::model::{Device, Loc, Platform};
use blocks::{Block, Line};
pub use blocks::{Shown, Statement};
use std::sync::Arc;

/// Parser state shared by the per-section readers.
pub(crate) struct Ctx<'a> {
    pub file: Arc<str>,
    pub dev: Device,
    pub crypto: crypto::Pending<'a>,
    pub version: Option<String>,
}

impl Ctx<'_> {
    pub fn loc(&self, l: &Line<'_>) -> Loc {
        if let Some(sh) = l.shown {
            let mut loc = match &sh.redacted {
                Some(red) => Loc::line(&self.file, l.no, red).with_secret(red, &sh.raw),
                None => Loc::line(&self.file, l.no, &sh.raw),
            };
            let masked = secrets::redact(l.text).unwrap_or_else(|| l.text.to_string());
            loc.statement = Some((Arc::from(masked.as_str()), Arc::from(l.text)));
            return loc;
        }
        let loc = Loc::line(&self.file, l.no, l.text);
        match secrets::redact(l.text) {
            Some(red) => loc.with_secret(&red, l.text),
            None => loc,
        }
    }

    /// Records which line set an IKE attribute, or keeps the line as not modelled.
    pub fn attr(
        &mut self,
        p: &mut crate::model::IkeProposal,
        a: Option<crate::model::IkeAttr>,
        l: &Line<'_>,
    ) {
        match a {
            Some(a) => {
                let loc = self.loc(l);
                p.attr_locs.push((a, loc));
            }
            None => self.skip(l),
        }
    }

    pub fn skip(&mut self, l: &Line<'_>) {
        let loc = self.loc(l);
        self.dev.skipped.push(loc);
    }
}

/// The rest of an `interface` line names an IOS interface: a type and its number
/// (`GigabitEthernet0/0.100`, `Tunnel 1`), then at most keywords (`point-to-point`, `type
/// tunnel`). libreswan's `ipsec status` lists `interface eth1 192.1.2.45:UDP/500`, prose says
/// `interface ID, so ...`: neither is.
fn ios_interface(rest: &str) -> bool {
    let mut words = rest.split_whitespace();
    let Some(name) = words.next() else {
        return false;
    };
    let ty_len = name
        .find(|c: char| !(c.is_ascii_alphabetic() || c == '-'))
        .unwrap_or(name.len());
    let (ty, mut number) = name.split_at(ty_len);
    let mut words = words.peekable();
    if number.is_empty() {
        // `interface Tunnel 1`: the number as a word of its own.
        number = words
            .next_if(|w| w.starts_with(|c: char| c.is_ascii_digit()))
            .unwrap_or("");
    }
    let number_ok = number.starts_with(|c: char| c.is_ascii_digit())
        && number
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'/' | b'.' | b':'));
    ty.len() >= 2
        && ty.starts_with(|c: char| c.is_ascii_alphabetic())
        && number_ok
        && words.all(|w| w.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-'))
}

/// True when the text looks like an IOS configuration (or a `show running-config` of one).
pub fn looks_like(text: &str) -> bool {
    let mut score = 0;
    let mut bang = false;
    for l in text.lines().take(4000) {
        let l = l.trim_end();
        if l == "!" && !bang {
            bang = true;
            score += 1;
        }
        if l.starts_with("ASA Version") || l.starts_with("PIX Version") {
            return false;
        }
        if l.starts_with("hostname ")
            || l.strip_prefix("interface ").is_some_and(ios_interface)
            || l.starts_with("crypto ")
            || l.starts_with("ip route ")
            || l.starts_with("access-list ")
            || l.starts_with("ip access-list ")
            || l.starts_with("crypto keyring ")
            || l.starts_with("crypto ikev2 ")
        {
            score += 1;
        }
        if l.starts_with("version 1") || l.starts_with("Current configuration") {
            score += 2;
        }
        if score >= 2 {
            return true;
        }
    }
    false
}

pub fn parse(path: &str, text: &str) -> Device {
    let (blocks, prompt_host) = blocks::split(text);
    let mut dev = build(path, &blocks, crate::model::Known::ALL);
    if dev.name.is_empty() {
        dev.name = prompt_host.unwrap_or_else(|| file_stem(path));
    }
    dev
}

/// The model of the statements rebuilt from show output, which describe only the parts
/// `known` names.
pub fn parse_statements(path: &str, stmts: &[Statement], known: crate::model::Known) -> Device {
    build(path, &blocks::from_statements(stmts), known)
}

fn build(path: &str, blocks: &[Block<'_>], known: crate::model::Known) -> Device {
    let file: Arc<str> = Arc::from(path);
    let mut cx = Ctx {
        file: file.clone(),
        dev: Device::new("", Platform::CiscoIos),
        crypto: crypto::Pending::default(),
        version: None,
    };
    cx.dev.source_files.push(path.to_string());
    for b in blocks {
        dispatch(&mut cx, b);
    }
    crypto::finish(&mut cx);
    cx.dev.known = known;
    cx.dev
}

/// The file name without folders and extensions: the peer name of last resort.
pub fn file_stem(path: &str) -> String {
    let base = path.rsplit(['/', '\\']).next().unwrap_or(path);
    base.split('.').next().unwrap_or(base).to_string()
}

fn dispatch<'a>(cx: &mut Ctx<'a>, b: &Block<'a>) {
    let w = b.head.words();
    let handled = match w.as_slice() {
        ["hostname", name, ..] => {
            cx.dev.name = name.trim_matches('"').to_string();
            true
        }
        ["version", v, ..] => {
            cx.version = Some(v.to_string());
            true
        }
        ["ip", "domain", "name", d, ..] | ["ip", "domain-name", d, ..] => {
            cx.dev.domain_name = Some(d.to_string());
            true
        }
        [
            "router",
            "ospf" | "ospfv3" | "eigrp" | "bgp" | "rip" | "isis" | "odr",
            ..,
        ] => {
            if cx.dev.dynamic_routing.is_none() {
                cx.dev.dynamic_routing = Some(cx.loc(&b.head));
            }
            // Not modelled further: the block still counts as skipped.
            false
        }
        ["interface", ..] => iface::interface(cx, b),
        ["ip", "route", ..] => iface::route(cx, &b.head),
        ["ip", "nat", "inside", "source", ..] => iface::nat(cx, &b.head),
        ["access-list", ..] | ["ip", "access-list", ..] => iface::acl(cx, b),
        ["crypto", ..] | ["no", "crypto", ..] => crypto::block(cx, b),
        _ => false,
    };
    if !handled {
        cx.skip(&b.head);
        for c in &b.children {
            cx.skip(c);
        }
    }
}

#[cfg(test)]
mod tests;
