//! swanctl.conf → connections, children, secrets and pools ([`build::Parsed`]). Every value
//! line the model does not use goes to the skipped lines; every line holding a secret is
//! redacted before it is stored anywhere.

use super::build::{Child, Conn, Parsed, Secret, Val, fingerprint, secret_loc};
use super::proposals;
use super::settings::{Body, Node};
use crate::model::{AddrSpec, EncapMode, IkeVersion, Loc};

fn is_secret_key(k: &str) -> bool {
    let k = k.to_ascii_lowercase();
    k.contains("secret") || k == "pin" || k.contains("passphrase")
}

/// Where the value starts in the line as written (after the first `=`).
fn value_start(text: &str) -> usize {
    match text.find('=') {
        Some(i) => {
            let rest = &text[i + 1..];
            i + 1 + (rest.len() - rest.trim_start().len())
        }
        None => text.len(),
    }
}

pub fn loc(n: &Node) -> Loc {
    if n.value().is_some() && is_secret_key(&n.name) {
        return secret_loc(&n.file, n.line, &n.text, value_start(&n.text));
    }
    Loc::line(&n.file, n.line, &n.text)
}

fn val(n: &Node) -> Option<Val> {
    Some(Val {
        text: n.value()?.to_string(),
        loc: loc(n),
    })
}

/// A comma- or space-separated list, one `Val` per item, each citing the line.
fn list(n: &Node) -> Vec<Val> {
    let Some(v) = n.value() else {
        return Vec::new();
    };
    let l = loc(n);
    v.split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| Val {
            text: s.to_string(),
            loc: l.clone(),
        })
        .collect()
}

/// Every value line below a node, for the skipped list (sections themselves are structure).
fn skip_all(n: &Node, out: &mut Vec<Loc>) {
    match &n.body {
        Body::Value(_) => out.push(loc(n)),
        Body::Section { children, .. } => {
            for c in children {
                skip_all(c, out);
            }
        }
    }
}

fn auth_round(c: &mut Conn, n: &Node, local: bool, skipped: &mut Vec<Loc>) {
    // Further rounds (`local-xauth`, `remote-eap`) add to the first; the model has one.
    let first = if local {
        c.local_auth.is_none() && c.local_id.is_none()
    } else {
        c.remote_auth.is_none() && c.remote_id.is_none()
    };
    for k in n.children() {
        let used = match (k.name.as_str(), first) {
            ("auth", true) => {
                if local {
                    c.local_auth = val(k);
                } else {
                    c.remote_auth = val(k);
                }
                true
            }
            ("id", true) => {
                if local {
                    c.local_id = val(k);
                } else {
                    c.remote_id = val(k);
                }
                true
            }
            ("certs", true) if local => {
                c.certs.extend(list(k));
                true
            }
            _ => false,
        };
        if !used {
            if local && first && k.is_section() && k.name.starts_with("cert") {
                // `cert-1 { file = ... }` / token references: a certificate is configured.
                c.certs.push(Val {
                    text: k.name.clone(),
                    loc: loc(k),
                });
            }
            skip_all(k, skipped);
        }
    }
}

fn child(n: &Node, skipped: &mut Vec<Loc>) -> Child {
    let mut ch = Child::new(&n.name, loc(n));
    for k in n.children() {
        let used = match k.name.as_str() {
            "local_ts" => {
                ch.local_ts = list(k);
                true
            }
            "remote_ts" => {
                ch.remote_ts = list(k);
                true
            }
            "esp_proposals" => {
                ch.esp = k.value().map(|v| (proposals::list(v, false), loc(k)));
                true
            }
            "ah_proposals" => {
                ch.ah = k.value().map(|v| (proposals::list(v, false), loc(k)));
                true
            }
            "mode" => match k.value().map(str::trim) {
                Some("transport") | Some("transport_proxy") | Some("beet") => {
                    ch.mode = EncapMode::Transport;
                    true
                }
                Some("tunnel") => true,
                _ => false,
            },
            "if_id_in" | "if_id_out" | "mark_in" | "mark_out" => {
                // 0 (or none) is no interface; `%unique` and numbers are one.
                let bound = k
                    .value()
                    .map(|v| v.trim().split('/').next().unwrap_or("").trim())
                    .is_some_and(|v| !v.is_empty() && v != "0" && v != "0x0");
                if bound && ch.interface.is_none() {
                    ch.interface = Some(loc(k));
                }
                bound
            }
            "rekey_time" | "life_time" => {
                match k.value().and_then(proposals::seconds) {
                    // The first one written wins: rekey_time is when a new SA is made.
                    Some(s) if s > 0 && ch.lifetime.is_none() => {
                        ch.lifetime = Some((s, loc(k)));
                        true
                    }
                    _ => false,
                }
            }
            _ => false,
        };
        if !used {
            skip_all(k, skipped);
        }
    }
    ch
}

fn connection(n: &Node, pools: &[(String, AddrSpec)], out: &mut Parsed) {
    let mut c = Conn::new(&n.name, loc(n), false);
    let mut pool_names: Vec<String> = Vec::new();
    let mut children_nodes: Vec<&Node> = Vec::new();
    for k in n.children() {
        let used = match k.name.as_str() {
            "version" => {
                c.version = match k.value().map(str::trim) {
                    Some("1") => Some(IkeVersion::V1),
                    Some("2") => Some(IkeVersion::V2),
                    _ => None,
                };
                true
            }
            "local_addrs" => {
                c.local_addrs = list(k);
                true
            }
            "remote_addrs" => {
                c.remote_addrs = list(k);
                true
            }
            "proposals" => {
                c.proposals = k.value().map(|v| (proposals::list(v, false), loc(k)));
                true
            }
            "rekey_time" | "reauth_time" => match k.value().and_then(proposals::seconds) {
                Some(s) if s > 0 => {
                    // IKEv1 rekeys by reauthentication: either time is the SA's life.
                    if c.lifetime.is_none() {
                        c.lifetime = Some((s, loc(k)));
                    }
                    true
                }
                _ => false,
            },
            "pools" => {
                pool_names.extend(list(k).into_iter().map(|v| v.text));
                true
            }
            "fragmentation" => {
                c.fragmentation = val(k);
                true
            }
            "children" if k.is_section() => {
                children_nodes.extend(k.children().iter().filter(|x| x.is_section()));
                for x in k.children().iter().filter(|x| !x.is_section()) {
                    skip_all(x, &mut out.skipped);
                }
                true
            }
            name if k.is_section() && (name == "local" || name.starts_with("local-")) => {
                auth_round(&mut c, k, true, &mut out.skipped);
                true
            }
            name if k.is_section() && (name == "remote" || name.starts_with("remote-")) => {
                auth_round(&mut c, k, false, &mut out.skipped);
                true
            }
            _ => false,
        };
        if !used {
            skip_all(k, &mut out.skipped);
        }
    }
    c.pools = pool_names
        .iter()
        .filter_map(|p| pools.iter().find(|(n, _)| n == p).map(|(_, a)| *a))
        .collect();
    for ch in children_nodes {
        c.children.push(child(ch, &mut out.skipped));
    }
    out.conns.push(c);
}

fn secrets(n: &Node, out: &mut Parsed) {
    out.secrets_seen = true;
    for s in n.children() {
        let kind = s.name.to_ascii_lowercase();
        if !s.is_section() || !kind.starts_with("ike") {
            // EAP/XAuth passwords, private keys, tokens: not what IKE PSK comparison needs
            // (their secret lines are still redacted).
            skip_all(s, &mut out.skipped);
            continue;
        }
        let mut ids = Vec::new();
        let mut key = None;
        for k in s.children() {
            match (k.name.as_str(), k.value()) {
                (name, Some(v))
                    if name == "id" || name.starts_with("id-") || name.starts_with("id") =>
                {
                    ids.extend(
                        v.split(',')
                            .map(|x| x.trim().to_string())
                            .filter(|x| !x.is_empty()),
                    );
                }
                ("secret", Some(v)) => key = Some((fingerprint(v.trim()), loc(k))),
                _ => skip_all(k, &mut out.skipped),
            }
        }
        if let Some((key, loc)) = key {
            out.secrets.push(Secret {
                name: s.name.clone(),
                ids,
                key,
                loc,
            });
        }
    }
}

fn pool_addrs(n: &Node) -> Vec<(String, AddrSpec)> {
    n.children()
        .iter()
        .filter_map(|p| {
            let a = p.children().iter().find(|k| k.name == "addrs")?.value()?;
            let a = a.split(',').next()?.trim();
            let spec = if let Ok(net) = a.parse::<ipnet::IpNet>() {
                AddrSpec::Net { net: net.trunc() }
            } else {
                let (x, y) = a.split_once('-')?;
                AddrSpec::Range {
                    first: x.trim().parse().ok()?,
                    last: y.trim().parse().ok()?,
                }
            };
            Some((p.name.clone(), spec))
        })
        .collect()
}

/// Reads the top-level sections of a swanctl.conf (includes and references resolved).
pub fn read(top: &[Node], out: &mut Parsed) {
    let pools: Vec<(String, AddrSpec)> = top
        .iter()
        .filter(|n| n.name == "pools")
        .flat_map(pool_addrs)
        .collect();
    for n in top {
        match n.name.as_str() {
            "connections" if n.is_section() => {
                for c in n.children() {
                    if c.is_section() {
                        connection(c, &pools, out);
                    } else {
                        skip_all(c, &mut out.skipped);
                    }
                }
            }
            "secrets" if n.is_section() => secrets(n, out),
            _ => skip_all(n, &mut out.skipped),
        }
    }
}
