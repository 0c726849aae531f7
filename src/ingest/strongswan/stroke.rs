//! The legacy stroke configuration: ipsec.conf `conn` sections (with `%default` and `also=`
//! inheritance, `left*`/`right*`, `ike=`/`esp=`, `authby`, `keyexchange`) and ipsec.secrets
//! (`ids : PSK "secret"`), read into the same [`build::Parsed`] form as swanctl.conf.

use super::build::{Child, Conn, Parsed, Secret, Val, fingerprint, secret_loc};
use super::proposals;
use crate::model::{AddrSpec, EncapMode, IkeVersion, Loc};
use std::sync::Arc;

pub(crate) struct Section {
    pub kind: String,
    pub name: String,
    pub loc: Loc,
    pub kvs: Vec<(String, Val)>,
}

/// Drops a `#` comment that is not inside quotes.
pub(crate) fn strip_comment(l: &str) -> &str {
    let mut q: Option<char> = None;
    for (i, c) in l.char_indices() {
        match (c, q) {
            ('"' | '\'', None) => q = Some(c),
            (c, Some(o)) if c == o => q = None,
            ('#', None) => return &l[..i],
            _ => {}
        }
    }
    l
}

fn unquote(v: &str) -> &str {
    let v = v.trim();
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    v
}

/// True when an ipsec.conf is libreswan's (or Openswan's) rather than strongSwan's: both use
/// `conn` sections, only these keywords tell them apart.
pub fn libreswan_marks(text: &str) -> bool {
    let low = text.to_ascii_lowercase();
    [
        "libreswan",
        "openswan",
        "plutodebug",
        "protostack",
        "ikev2=",
        "ikev2 =",
        "nhelpers",
        "virtual_private",
        "virtual-private",
        "phase2alg",
        "dumpdir",
        "logfile=",
        "version 2",
    ]
    .iter()
    .any(|m| low.contains(m))
}

pub(crate) fn sections(path: &str, text: &str, skipped: &mut Vec<Loc>) -> Vec<Section> {
    let file: Arc<str> = Arc::from(path);
    let mut out: Vec<Section> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let no = (i + 1) as u32;
        let l = strip_comment(raw);
        if l.trim().is_empty() {
            continue;
        }
        let loc = Loc::line(&file, no, raw);
        let indented = l.starts_with([' ', '\t']);
        if !indented {
            let mut w = l.split_whitespace();
            match (w.next(), w.next()) {
                (Some(k @ ("conn" | "ca" | "config")), Some(name)) => out.push(Section {
                    kind: k.to_string(),
                    name: name.to_string(),
                    loc,
                    kvs: Vec::new(),
                }),
                _ => skipped.push(loc),
            }
            continue;
        }
        match (l.split_once('='), out.last_mut()) {
            (Some((k, v)), Some(sec)) => {
                let key = k.trim().to_ascii_lowercase();
                sec.kvs.push((
                    key,
                    Val {
                        text: unquote(v).to_string(),
                        loc,
                    },
                ));
            }
            _ => skipped.push(loc),
        }
    }
    out
}

const KNOWN: &[&str] = &[
    "left",
    "right",
    "leftid",
    "rightid",
    "leftauth",
    "rightauth",
    "authby",
    "leftcert",
    "leftsubnet",
    "rightsubnet",
    "leftprotoport",
    "rightprotoport",
    "keyexchange",
    "ike",
    "esp",
    "ah",
    "ikelifetime",
    "lifetime",
    "keylife",
    "type",
    "auto",
    "also",
    "rightsourceip",
    "fragmentation",
];

/// A conn's settings: `%default` first, then what `also=` includes, then its own; a later
/// value of a key replaces an earlier one. `chain` holds the conns being expanded (an `also`
/// loop stops there) and `budget` the values left to copy (duplicated sections multiply).
pub(crate) fn effective<'a>(
    secs: &'a [Section],
    name: &str,
    chain: &mut Vec<String>,
    budget: &mut usize,
    out: &mut Vec<(&'a str, &'a Val)>,
) {
    if chain.len() > 16 || chain.iter().any(|c| c == name) {
        return;
    }
    chain.push(name.to_string());
    for s in secs.iter().filter(|s| s.kind == "conn" && s.name == name) {
        for (k, v) in &s.kvs {
            if *budget == 0 {
                break;
            }
            *budget -= 1;
            if k == "also" {
                effective(secs, v.text.trim(), chain, budget, out);
            } else {
                out.retain(|(x, _)| *x != k.as_str());
                out.push((k.as_str(), v));
            }
        }
    }
    chain.pop();
}

pub(crate) fn split(v: &Val) -> Vec<Val> {
    v.text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| Val {
            text: s.to_string(),
            loc: v.loc.clone(),
        })
        .collect()
}

/// `leftsubnet=10.1.0.0/16` with `leftprotoport=tcp/80` → `10.1.0.0/16[tcp/80]`.
pub(crate) fn with_protoport(mut ts: Vec<Val>, pp: Option<&Val>, conn_loc: &Loc) -> Vec<Val> {
    let Some(pp) = pp else { return ts };
    if ts.is_empty() {
        ts.push(Val {
            text: "dynamic".into(),
            loc: conn_loc.clone(),
        });
    }
    for t in &mut ts {
        if !t.text.contains('[') {
            t.text = format!("{}[{}]", t.text, pp.text.trim());
        }
    }
    ts
}

/// A conn's settings: `%default` first, then what it says itself (with what it includes).
pub(crate) fn settings_of<'a>(secs: &'a [Section], name: &str) -> Vec<(&'a str, &'a Val)> {
    let mut kv: Vec<(&str, &Val)> = Vec::new();
    for d in secs
        .iter()
        .filter(|d| d.kind == "conn" && d.name == "%default")
    {
        for (k, v) in &d.kvs {
            kv.retain(|(x, _)| *x != k.as_str());
            kv.push((k.as_str(), v));
        }
    }
    effective(secs, name, &mut Vec::new(), &mut 10_000, &mut kv);
    kv
}

pub fn read_conf(path: &str, text: &str, out: &mut Parsed) {
    let secs = sections(path, text, &mut out.skipped);
    let mut used = std::collections::HashSet::new();
    for s in &secs {
        if s.kind != "conn" || s.name == "%default" {
            continue;
        }
        let kv = settings_of(&secs, &s.name);
        let get = |k: &str| kv.iter().find(|(x, _)| *x == k).map(|(_, v)| *v);
        if get("auto").is_some_and(|v| v.text.trim() == "ignore") {
            continue;
        }
        let ty = get("type").map(|v| v.text.trim().to_ascii_lowercase());
        if matches!(
            ty.as_deref(),
            Some("passthrough" | "pass" | "drop" | "reject")
        ) {
            continue;
        }
        for (k, v) in &kv {
            if KNOWN.contains(k) {
                used.insert((v.loc.line, v.loc.text.clone()));
            }
        }
        let mut c = Conn::new(&s.name, s.loc.clone(), true);
        c.local_addrs = get("left").map(split).unwrap_or_default();
        c.remote_addrs = get("right").map(split).unwrap_or_default();
        c.local_id = get("leftid").cloned();
        c.remote_id = get("rightid").cloned();
        c.certs = get("leftcert").map(split).unwrap_or_default();
        // `authby` sets both rounds; `leftauth`/`rightauth` override it per side.
        let authby = get("authby").map(|v| {
            let t = v.text.trim().to_ascii_lowercase();
            let m = match t.as_str() {
                "secret" | "psk" | "xauthpsk" => "psk",
                "never" | "null" => "never",
                _ => "pubkey",
            };
            Val {
                text: m.into(),
                loc: v.loc.clone(),
            }
        });
        let implied = Val {
            text: "pubkey".into(),
            loc: Loc::implied(&s.loc.file, "authby=pubkey (ipsec.conf default)"),
        };
        c.local_auth = get("leftauth")
            .cloned()
            .or(authby.clone())
            .or(Some(implied.clone()));
        c.remote_auth = get("rightauth").cloned().or(authby).or(Some(implied));
        c.version = match get("keyexchange").map(|v| v.text.trim().to_ascii_lowercase()) {
            Some(k) if k == "ikev1" => Some(IkeVersion::V1),
            Some(k) if k == "ikev2" => Some(IkeVersion::V2),
            _ => None,
        };
        c.proposals = get("ike").map(|v| (proposals::list(&v.text, true), v.loc.clone()));
        c.fragmentation = get("fragmentation").cloned();
        c.lifetime = get("ikelifetime")
            .and_then(|v| proposals::seconds(&v.text).map(|s| (s, v.loc.clone())));
        if let Some(pool) = get("rightsourceip").and_then(|v| {
            v.text
                .split(',')
                .next()?
                .trim()
                .parse::<ipnet::IpNet>()
                .ok()
        }) {
            c.pools.push(AddrSpec::Net { net: pool.trunc() });
        }
        let mut ch = Child::new(&s.name, s.loc.clone());
        ch.local_ts = with_protoport(
            get("leftsubnet").map(split).unwrap_or_default(),
            get("leftprotoport"),
            &s.loc,
        );
        ch.remote_ts = with_protoport(
            get("rightsubnet").map(split).unwrap_or_default(),
            get("rightprotoport"),
            &s.loc,
        );
        ch.esp = get("esp").map(|v| (proposals::list(&v.text, true), v.loc.clone()));
        ch.ah = get("ah").map(|v| (proposals::list(&v.text, true), v.loc.clone()));
        if ch.esp.is_none() && ch.ah.is_none() {
            // Without `esp=`, strongSwan proposes its defaults.
            ch.esp = Some((vec![proposals::Item::Default], s.loc.clone()));
        }
        if ty.as_deref() == Some("transport") {
            ch.mode = EncapMode::Transport;
        }
        ch.lifetime = get("lifetime")
            .or(get("keylife"))
            .and_then(|v| proposals::seconds(&v.text).map(|s| (s, v.loc.clone())));
        c.children.push(ch);
        out.conns.push(c);
    }
    for s in &secs {
        for (k, v) in &s.kvs {
            if s.kind != "conn"
                || !KNOWN.contains(&k.as_str())
                || !used.contains(&(v.loc.line, v.loc.text.clone()))
            {
                out.skipped.push(v.loc.clone());
            }
        }
    }
}

const SECRET_TYPES: &[&str] = &[
    "PSK", "RSA", "ECDSA", "EAP", "XAUTH", "NTLM", "P12", "PKCS12", "PKCS8", "PIN", "BLISS",
    "PRIVATE", "ED25519", "ED448",
];

/// Where the `: TYPE` of a secrets entry starts, and the type.
fn type_at(l: &str) -> Option<(usize, usize, &'static str)> {
    let b = l.as_bytes();
    for (i, c) in l.char_indices() {
        if c != ':' || (i > 0 && !b[i - 1].is_ascii_whitespace()) {
            continue;
        }
        let rest = &l[i + 1..];
        let t = rest.trim_start();
        let word: String = t
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if let Some(ty) = SECRET_TYPES.iter().find(|x| x.eq_ignore_ascii_case(&word)) {
            let after = i + 1 + (rest.len() - t.len()) + word.len();
            return Some((i, after, ty));
        }
    }
    None
}

/// True when the text is an ipsec.secrets file: every entry line is `[ids] : TYPE ...` (with
/// the type in capitals, as strongSwan writes it) or an `include`, and there is at least one.
/// Lines of other vendors' output that happen to hold ` : RSA` do not make a file of them.
pub fn looks_like_secrets(text: &str) -> bool {
    let mut entries = 0;
    for l in text.lines().take(5000) {
        let t = strip_comment(l);
        if t.trim().is_empty() || t.starts_with([' ', '\t']) {
            continue;
        }
        if t.starts_with("include ") {
            continue;
        }
        match type_at(t) {
            Some((_, after, ty)) if t.get(after - ty.len()..after) == Some(ty) => entries += 1,
            _ => return false,
        }
    }
    entries > 0
}

pub fn read_secrets(path: &str, text: &str, out: &mut Parsed) {
    out.secrets_seen = true;
    let file: Arc<str> = Arc::from(path);
    // Entries may span lines: indented lines continue the one before.
    let mut entries: Vec<Vec<(u32, &str)>> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let no = (i + 1) as u32;
        if strip_comment(raw).trim().is_empty() {
            continue;
        }
        if raw.starts_with([' ', '\t']) && !entries.is_empty() {
            if let Some(e) = entries.last_mut() {
                e.push((no, raw));
            }
        } else {
            entries.push(vec![(no, raw)]);
        }
    }
    for e in entries {
        let ids_end = e
            .iter()
            .find_map(|(no, l)| type_at(l).map(|t| (*no, *l, t)));
        let Some((no, line, (colon, after, ty))) = ids_end else {
            for (no, l) in &e {
                out.skipped.push(Loc::line(&file, *no, l));
            }
            continue;
        };
        let mut ids: Vec<String> = Vec::new();
        for (n, l) in &e {
            let part = if *n == no {
                &l[..colon]
            } else {
                strip_comment(l)
            };
            if *n <= no {
                ids.extend(part.split_whitespace().map(str::to_string));
            }
        }
        // The secret itself: every line of the entry from the type on is masked.
        let loc = secret_loc(&file, no, line, after);
        for (n, l) in &e {
            if *n > no {
                out.skipped.push(secret_loc(&file, *n, l, 0));
            }
        }
        if ty != "PSK" {
            out.skipped.push(loc);
            continue;
        }
        let value = unquote(strip_comment(&line[after..]));
        out.secrets.push(Secret {
            name: ids.join(" "),
            ids: ids.into_iter().filter(|i| !i.is_empty()).collect(),
            key: fingerprint(value),
            loc,
        });
    }
}
