//! `swanctl --list-conns`: the connections charon has loaded, as it shows them — versions,
//! addresses, authentication rounds with their identities, children with their mode and
//! traffic selectors. It shows no proposals and no keys, so the device it makes describes
//! only the parts it shows (see [`known`]).

use super::build::{Child, Conn, Parsed, Val};
use crate::model::{EncapMode, IkeVersion, Known, Loc};
use std::sync::Arc;

/// `lab: IKEv2, no reauthentication, rekeying every 14400s` → (name, version).
fn conn_header(l: &str) -> Option<(&str, Option<IkeVersion>)> {
    if l.starts_with([' ', '\t']) {
        return None;
    }
    let (name, rest) = l.split_once(": ")?;
    let v = rest.split(", ").next()?;
    let version = match v {
        "IKEv1" => Some(IkeVersion::V1),
        "IKEv2" => Some(IkeVersion::V2),
        "IKEv1/2" | "IKE" => None,
        _ => return None,
    };
    (!name.is_empty() && !name.contains(' ')).then_some((name, version))
}

/// `  net: TUNNEL, rekeying every 3600s` → (name, mode).
fn child_header(l: &str) -> Option<(&str, Option<EncapMode>)> {
    let t = l.strip_prefix("  ")?;
    if t.starts_with(' ') {
        return None;
    }
    let (name, rest) = t.split_once(": ")?;
    let mode = rest.split(", ").next()?;
    let mode = match mode {
        "TUNNEL" | "BEET" => Some(EncapMode::Tunnel),
        "TRANSPORT" => Some(EncapMode::Transport),
        "PASS" | "DROP" => None,
        _ => return None,
    };
    Some((name, mode))
}

/// True when the text holds `swanctl --list-conns` output: a connection header followed by
/// its `local:` addresses.
pub fn looks_like(text: &str) -> bool {
    let mut header = false;
    for l in text.lines().take(5000) {
        if conn_header(l).is_some() {
            header = true;
        } else if header && l.starts_with("  local:  ") {
            return true;
        } else {
            header = false;
        }
    }
    false
}

/// Values of `local:  a b c` (addresses joined by ", " or selectors by spaces).
fn values(v: &str, loc: &Loc) -> Vec<Val> {
    v.split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| Val {
            text: s.to_string(),
            loc: loc.clone(),
        })
        .collect()
}

/// `  local pre-shared key authentication:` → the auth keyword the model builder reads.
fn auth_round(l: &str) -> Option<(bool, &'static str)> {
    let t = l.strip_prefix("  ")?.strip_suffix(" authentication:")?;
    let (local, method) = match t.split_once(' ') {
        Some(("local", m)) => (true, m),
        Some(("remote", m)) => (false, m),
        _ => return None,
    };
    let m = method.to_ascii_lowercase();
    let kw = if m.contains("pre-shared") {
        "psk"
    } else if m.contains("public key") {
        "pubkey"
    } else if m.starts_with("eap") {
        "eap"
    } else if m.contains("xauth") {
        "xauth"
    } else {
        "any"
    };
    Some((local, kw))
}

/// Reads the listing into connections, each line cited as the evidence of what it shows.
pub fn read(path: &str, text: &str, out: &mut Parsed) {
    let file: Arc<str> = Arc::from(path);
    let mut conn: Option<Conn> = None;
    let mut child: Option<Child> = None;
    // Which authentication round the `id:`/`certs:` lines below belong to.
    let mut round: Option<bool> = None;
    let flush_child = |conn: &mut Option<Conn>, child: &mut Option<Child>| {
        if let (Some(c), Some(ch)) = (conn.as_mut(), child.take()) {
            c.children.push(ch);
        }
    };
    for (i, raw) in text.lines().enumerate() {
        let loc = Loc::line(&file, (i + 1) as u32, raw);
        let l = raw.trim_end();
        if let Some((name, version)) = conn_header(l) {
            flush_child(&mut conn, &mut child);
            out.conns.extend(conn.take());
            let mut c = Conn::new(name, loc, false);
            c.version = version;
            conn = Some(c);
            round = None;
            continue;
        }
        let Some(c) = conn.as_mut() else {
            if !l.trim().is_empty() {
                out.skipped.push(loc);
            }
            continue;
        };
        if let Some((local, kw)) = auth_round(l) {
            flush_child(&mut conn, &mut child);
            let Some(c) = conn.as_mut() else { continue };
            let v = Some(Val {
                text: kw.into(),
                loc,
            });
            // Further rounds (XAuth after PSK) add to the first; the model has one.
            if local && c.local_auth.is_none() {
                c.local_auth = v;
                round = Some(true);
            } else if !local && c.remote_auth.is_none() {
                c.remote_auth = v;
                round = Some(false);
            } else {
                round = None;
            }
            continue;
        }
        if let Some((name, mode)) = child_header(l) {
            flush_child(&mut conn, &mut child);
            round = None;
            // PASS/DROP children are shunts, not tunnels.
            child = mode.map(|m| {
                let mut ch = Child::new(name, loc);
                ch.mode = m;
                ch
            });
            continue;
        }
        if let Some(v) = l.strip_prefix("  local:  ") {
            c.local_addrs = values(v, &loc);
        } else if let Some(v) = l.strip_prefix("  remote: ") {
            c.remote_addrs = values(v, &loc);
        } else if let Some(v) = l.strip_prefix("    local:  ") {
            if let Some(ch) = child.as_mut() {
                ch.local_ts = values(v, &loc);
            }
        } else if let Some(v) = l.strip_prefix("    remote: ") {
            if let Some(ch) = child.as_mut() {
                ch.remote_ts = values(v, &loc);
            }
        } else if let Some(v) = l.strip_prefix("    id: ") {
            let id = Some(Val {
                text: v.trim().to_string(),
                loc,
            });
            match round {
                Some(true) => c.local_id = id,
                Some(false) => c.remote_id = id,
                None => {}
            }
        } else if let Some(v) = l.strip_prefix("    certs: ") {
            if round == Some(true) {
                c.certs.push(Val {
                    text: v.trim().to_string(),
                    loc,
                });
            }
        } else if !l.trim().is_empty() {
            out.skipped.push(loc);
        }
    }
    flush_child(&mut conn, &mut child);
    out.conns.extend(conn);
}

/// What a listing describes: the connections (peers, identities, selectors) and the local
/// addresses, never the proposals, the keys or the routes.
pub fn known(interfaces: bool) -> Known {
    Known {
        ike_policies: false,
        keys: false,
        transforms: false,
        acls: false,
        routes: false,
        interfaces,
        ..Known::ALL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LISTING: &str = "lab: IKEv2, no reauthentication, rekeying every 14400s\n  local:  203.0.113.1\n  remote: %any\n  local pre-shared key authentication:\n    id: right.example\n  remote pre-shared key authentication:\n    id: left.example\n  net: TUNNEL, rekeying every 3600s\n    local:  192.0.2.64/26\n    remote: 192.0.2.0/26 198.51.100.7/32\n";

    #[test]
    fn listing_into_connections() {
        assert!(looks_like(LISTING));
        assert!(!looks_like("lab: #1, ESTABLISHED, IKEv2, 1234_i* 5678_r\n"));
        let mut p = Parsed::default();
        read("list-conns.txt", LISTING, &mut p);
        let c = &p.conns[0];
        assert_eq!(c.version, Some(IkeVersion::V2));
        assert_eq!(c.local_addrs[0].text, "203.0.113.1");
        assert_eq!(c.remote_addrs[0].text, "%any");
        assert_eq!(c.local_auth.as_ref().map(|v| v.text.as_str()), Some("psk"));
        assert_eq!(
            c.remote_id.as_ref().map(|v| v.text.as_str()),
            Some("left.example")
        );
        let ch = &c.children[0];
        assert_eq!(ch.remote_ts.len(), 2);
        assert_eq!(ch.local_ts[0].loc.line, Some(9));
        assert!(p.skipped.is_empty(), "{:?}", p.skipped);
    }

    #[test]
    fn odd_listings_never_panic() {
        for t in [
            "",
            "x: IKEv1\n",
            "  net: TUNNEL\n    local:  \n",
            "a: IKEv2, x\n  b: PASS, y\n    local:  1.2.3.4\n  remote pre-shared key authentication:\n    certs: z\n",
        ] {
            let mut p = Parsed::default();
            read("t", t, &mut p);
        }
    }
}
