//! libreswan (and Openswan): ipsec.conf and ipsec.secrets → the shared model; pluto's output
//! → evidence events.

mod algs;
pub mod conf;
mod pluto;

pub use pluto::{looks_like, parse};

use super::{Case, Input};
use crate::ingest::strongswan::name_from_path;
use conf::{Hint, Side, Why};
use std::collections::HashMap;

/// The host a configuration file belongs to: `NAME=PATH`, else its name or folder.
fn host_of(inp: &Input) -> String {
    inp.peer
        .clone()
        .unwrap_or_else(|| name_from_path(&inp.path))
}

/// The conns a pluto log shows loaded or in use (`"west-east": added IKEv2 connection`,
/// `"west-east" #1: ...`). libreswan loads only the conns
/// that `auto=` or an operator adds, so the others in the file are not in play.
fn loaded_conns(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in text.lines() {
        let l = l.trim();
        let l = pluto::logtime(l).map_or(l, |(_, rest)| rest);
        let l = l
            .split_once(" pluto[")
            .and_then(|(_, r)| r.split_once("]: "))
            .map_or(l, |(_, r)| r);
        // Only what pluto says counts: an `ipsec auto --add` may fail ("failed to add
        // connection").
        let name = l.strip_prefix('"').and_then(|rest| {
            rest.split_once('"').and_then(|(n, r)| {
                // `"conn"[1] 192.1.2.23 #1: ...`: an instance of a template conn.
                let r = match r.strip_prefix('[') {
                    Some(inst) => inst
                        .split_once(' ')
                        .map_or(inst, |(_, x)| x)
                        .trim_start_matches(|c: char| c.is_ascii_hexdigit() || ".:".contains(c)),
                    None => r,
                };
                (r.starts_with(": added") || r.starts_with(" #")).then_some(n)
            })
        });
        if let Some(n) = name
            && !n.is_empty()
            && !out.iter().any(|o| o == n)
        {
            out.push(n.to_string());
        }
    }
    out
}

/// The addresses pluto listens on (`adding UDP interface eth1 192.1.2.45:500`, and
/// `ipsec status`'s `interface eth1 192.1.2.45:UDP/500`): the host's own.
fn interface_addrs(text: &str) -> Vec<std::net::IpAddr> {
    let mut out = Vec::new();
    for l in text.lines() {
        let l = pluto::logtime(l.trim()).map_or(l.trim(), |(_, rest)| rest);
        let Some(rest) = l
            .strip_prefix("interface ")
            .or_else(|| l.split_once(" interface ").map(|(_, r)| r))
            .filter(|_| l.starts_with("interface ") || l.starts_with("adding "))
        else {
            continue;
        };
        let Some(addr) = rest.split_whitespace().nth(1) else {
            continue;
        };
        // `192.1.2.23:UDP/500` or `10.0.0.1:500`.
        let host = match addr.find(":UDP").or_else(|| addr.find(":TCP")) {
            Some(at) => &addr[..at],
            None => addr.rsplit_once(':').map_or(addr, |(h, _)| h),
        };
        if let Ok(ip) = host.trim_matches(['[', ']']).parse::<std::net::IpAddr>()
            && !ip.is_loopback()
            && !out.contains(&ip)
        {
            out.push(ip);
        }
    }
    out
}

/// The host of a console transcript's prompt (`west #`).
fn prompt_host(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let (h, _) = l.split_once(" #")?;
        (!h.is_empty() && !h.contains(['"', ' '])).then(|| h.to_string())
    })
}

/// True when a file is one host's libreswan ipsec.conf.
pub fn looks_like_config(text: &str) -> bool {
    conf::looks_like(text)
}

/// Adds the libreswan configurations (`conf_idx`) to the case, with the secrets files among
/// `secrets_idx` that belong to the same hosts; returns the secrets files it did not take.
/// Which end of each conn is the host is read from the host's own log (already in the case)
/// and, failing that, from a peer whose files hold the same conn.
pub(crate) fn attach(
    case: &mut Case,
    inputs: &[Input],
    conf_idx: &[usize],
    secrets_idx: Vec<usize>,
) -> Vec<usize> {
    // Configurations make the hosts; a secrets file joins its host, if there is one.
    let mut hosts: Vec<(String, Vec<usize>)> = Vec::new();
    let mut rest = Vec::new();
    let confs = conf_idx.iter().map(|&i| (i, true));
    for (i, is_conf) in confs.chain(secrets_idx.into_iter().map(|i| (i, false))) {
        let Some(inp) = inputs.get(i) else { continue };
        let name = host_of(inp);
        match hosts
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(&name))
        {
            Some((_, v)) => v.push(i),
            None if is_conf => hosts.push((name, vec![i])),
            None => rest.push(i),
        }
    }
    let hint_of = |name: &str| {
        let mut peers = Vec::new();
        for e in &case.events {
            if e.device
                .as_deref()
                .is_some_and(|d| d.eq_ignore_ascii_case(name))
                && let Some(p) = e.peer
                && !peers.contains(&p)
            {
                peers.push(p);
            }
        }
        let logs: Vec<&Input> = inputs
            .iter()
            .filter(|i| i.stream.is_none() && pluto::looks_like(&i.text))
            .filter(|i| {
                i.peer
                    .clone()
                    .or_else(|| prompt_host(&i.text))
                    .unwrap_or_else(|| name_from_path(&i.path))
                    .eq_ignore_ascii_case(name)
            })
            .collect();
        let loaded: Vec<String> = logs.iter().flat_map(|i| loaded_conns(&i.text)).collect();
        Hint {
            name: name.to_string(),
            local: logs.iter().flat_map(|i| interface_addrs(&i.text)).collect(),
            peers,
            loaded: (!loaded.is_empty()).then_some(loaded),
            ..Hint::default()
        }
    };
    let files_of = |members: &[usize]| -> Vec<(&str, &str)> {
        members
            .iter()
            .filter_map(|&i| inputs.get(i))
            .map(|i| (i.path.as_str(), i.text.as_str()))
            .collect()
    };
    let mut built = Vec::new();
    for (name, members) in &hosts {
        let hint = hint_of(name);
        let (dev, sides) = conf::device(name, &files_of(members), &hint);
        built.push((hint, dev, sides));
    }
    // Two hosts with the same conn and nothing to tell their ends apart: the first takes
    // `left`, its peer `right` (the convention of shared ipsec.conf files).
    for k in 0..built.len() {
        let mut forced: HashMap<String, Side> = HashMap::new();
        for (conn, _, why) in &built[k].2 {
            if *why != Why::Guess {
                continue;
            }
            let other = built.iter().enumerate().find_map(|(j, (_, _, sides))| {
                let (_, s, w) = sides.iter().find(|(c, _, _)| c == conn)?;
                (j != k && (*w != Why::Guess || j < k)).then_some(*s)
            });
            if let Some(s) = other {
                forced.insert(conn.clone(), s.other_end());
            }
        }
        if forced.is_empty() {
            continue;
        }
        let (name, members) = &hosts[k];
        let mut hint = built[k].0.clone();
        hint.forced = forced;
        let (dev, sides) = conf::device(name, &files_of(members), &hint);
        built[k] = (hint, dev, sides);
    }
    for (_, dev, _) in built {
        super::merge(&mut case.devices, dev);
    }
    rest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loaded_conns_are_what_pluto_says_it_added_or_used() {
        let log = "Nov 29 21:23:59.075068: \"lab\": added IKEv2 connection\n\
                   \"tmpl\"[1] 192.1.2.23 #1: sent IKE_SA_INIT request\n\
                   \"bad\": failed to add connection: no IKEv1\n\
                   ipsec auto --add other\n";
        assert_eq!(loaded_conns(log), ["lab", "tmpl"]);
        let status = "interface lo 127.0.0.1:UDP/500\ninterface eth1 192.1.2.23:UDP/4500 (NAT)\n\
                      adding UDP interface eth0 10.0.0.1:500\ninterface ID, so the prose\n";
        let ips: Vec<String> = interface_addrs(status)
            .iter()
            .map(|i| i.to_string())
            .collect();
        assert_eq!(ips, ["192.1.2.23", "10.0.0.1"]);
        assert_eq!(
            prompt_host("west #\n ipsec status\n").as_deref(),
            Some("west")
        );
    }
}
