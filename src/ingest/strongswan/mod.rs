//! strongSwan: swanctl.conf (with its includes), the legacy ipsec.conf + ipsec.secrets,
//! charon's log in its file, syslog and journal forms, and the SA listings of `swanctl
//! --list-sas` / `ipsec statusall` → the shared model and evidence events.
//!
//! One device's configuration may be spread over several files (swanctl.conf and its
//! `conf.d`, ipsec.conf and ipsec.secrets): the files of one host are read together, so that
//! keys are resolved against the connections that use them.

pub(crate) mod build;
mod charon_log;
mod list_conns;
mod list_sas;
pub(crate) mod proposals;
mod settings;
pub(crate) mod stroke;
mod swanctl;
#[cfg(test)]
mod tests;

pub use charon_log::{Output, time_of};

use super::{Case, Input, OutputFile, Progress};
use crate::model::{Device, Platform};
use std::collections::HashMap;
use std::sync::Arc;

/// What a strongSwan file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Swanctl,
    Stroke,
    Secrets,
    Output,
    /// `swanctl --list-conns`: a partial configuration.
    Conns,
}

fn strip_hash_comment(l: &str) -> &str {
    l.split('#').next().unwrap_or("")
}

/// Tells a strongSwan file from its content, or None.
pub fn flavor(text: &str) -> Option<Flavor> {
    if charon_log::looks_like(text) {
        return Some(Flavor::Output);
    }
    if list_conns::looks_like(text) {
        return Some(Flavor::Conns);
    }
    let lines = || text.lines().take(5000).map(strip_hash_comment);
    let swanctl = lines().any(|l| {
        let t = l.trim();
        ["connections", "secrets"].iter().any(|s| {
            t.strip_prefix(s)
                .is_some_and(|r| r.trim_start().starts_with('{'))
        })
    });
    if swanctl {
        return Some(Flavor::Swanctl);
    }
    // libreswan writes the same `conn` sections and secrets lines; its own keywords win.
    if stroke::libreswan_marks(text) {
        return None;
    }
    let conn = lines().any(|l| {
        let mut w = l.split_whitespace();
        !l.starts_with([' ', '\t']) && w.next() == Some("conn") && w.next().is_some()
    });
    if conn {
        return Some(Flavor::Stroke);
    }
    if stroke::looks_like_secrets(text) {
        return Some(Flavor::Secrets);
    }
    None
}

pub fn looks_like_config(text: &str) -> bool {
    matches!(
        flavor(text),
        Some(Flavor::Swanctl | Flavor::Stroke | Flavor::Secrets | Flavor::Conns)
    )
}

pub fn looks_like_output(text: &str) -> bool {
    flavor(text) == Some(Flavor::Output)
}

/// Folder and file names that say nothing about which host a file belongs to.
const GENERIC_DIRS: &[&str] = &[
    "",
    ".",
    "..",
    "etc",
    "swanctl",
    "conf.d",
    "ipsec.d",
    "strongswan",
    "strongswan.d",
    "config",
    "configs",
    "conf",
    "log",
    "logs",
    "var",
    "tmp",
    "private",
    "x509",
    "hosts",
];
const GENERIC_STEMS: &[&str] = &[
    "swanctl",
    "ipsec",
    "strongswan",
    "charon",
    "charon-systemd",
    "secrets",
    "daemon",
    "syslog",
    "messages",
    "console",
    "journal",
    "log",
    "auth",
    "pluto",
    "outside",
    "inside",
    "capture",
    "dump",
    "tcpdump",
    "list-conns",
    "list-sas",
];

/// The host a file is about when nothing in it says: its name (`moon.conf`), or the nearest
/// folder that is not a standard one (`hosts/moon/etc/swanctl/swanctl.conf` → moon).
pub fn name_from_path(path: &str) -> String {
    let parts: Vec<&str> = path.split(['/', '\\']).collect();
    let stem = super::cisco_ios::file_stem(path);
    if !GENERIC_STEMS.contains(&stem.to_ascii_lowercase().as_str()) && !stem.is_empty() {
        return stem;
    }
    parts
        .iter()
        .rev()
        .skip(1)
        .find(|d| !GENERIC_DIRS.contains(&d.to_ascii_lowercase().as_str()))
        .map(|d| d.to_string())
        .unwrap_or(stem)
}

/// Reads the configuration files of one host together. `mem` holds the other inputs by
/// normalised path (for includes); `disk` lets includes be read next to the files.
fn parse_group(
    name: &str,
    files: &[(&str, &str)],
    mem: HashMap<String, &str>,
    disk: bool,
) -> (Device, Vec<String>) {
    let mut parsed = build::Parsed::default();
    let mut resolver = settings::Resolver {
        mem,
        disk,
        used: Vec::new(),
    };
    // Files that include others first, so that what they include is not read twice.
    let mut order: Vec<&(&str, &str)> = files.iter().collect();
    order.sort_by_key(|(_, t)| !t.contains("include"));
    for (path, text) in order {
        if resolver.used.contains(&settings::normalise(path)) {
            continue;
        }
        parsed.files.push(path.to_string());
        match flavor(text) {
            Some(Flavor::Stroke) => stroke::read_conf(path, text, &mut parsed),
            Some(Flavor::Secrets) => stroke::read_secrets(path, text, &mut parsed),
            _ => {
                let top = settings::parse(path, text, &mut resolver);
                let top = settings::resolve_refs(&top);
                swanctl::read(&top, &mut parsed);
            }
        }
    }
    for u in &resolver.used {
        if !parsed.files.iter().any(|f| settings::normalise(f) == *u) {
            parsed.files.push(u.clone());
        }
    }
    let first: Arc<str> = Arc::from(files.first().map(|(p, _)| *p).unwrap_or(""));
    (build::device(name, &first, parsed), resolver.used)
}

/// One configuration file on its own (includes are not followed): for tests and fuzzing.
pub fn parse_config(path: &str, text: &str) -> Device {
    parse_group(
        &name_from_path(path),
        &[(path, text)],
        HashMap::new(),
        false,
    )
    .0
}

/// Configuration files of one host read together (ipsec.conf with its ipsec.secrets).
pub fn parse_configs(name: &str, files: &[(&str, &str)]) -> Device {
    parse_group(name, files, HashMap::new(), false).0
}

/// `swanctl --list-conns` output as the partial device it describes, named after its file.
pub fn parse_listing(path: &str, text: &str) -> Device {
    let mut parsed = build::Parsed::default();
    list_conns::read(path, text, &mut parsed);
    parsed.files.push(path.to_string());
    let file: Arc<str> = Arc::from(path);
    let mut dev = build::device(&name_from_path(path), &file, parsed);
    dev.known = list_conns::known(dev.known.interfaces);
    dev
}

/// One file of output; each event's device is the host of the prompt or syslog line before
/// it, when there is one.
pub fn parse_output(path: &str, text: &str) -> (Output, Vec<String>) {
    charon_log::parse(path, text)
}

/// Adds the strongSwan inputs (`idx` into `inputs`) to the case: configurations grouped by
/// host, then output, whose host is `NAME=PATH`, its prompts or syslog host, the device that
/// owns the address it sends IKE from, or its file name.
pub(crate) fn attach(case: &mut Case, inputs: &[Input], idx: &[usize], progress: &dyn Progress) {
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    let mut outputs: Vec<usize> = Vec::new();
    let mut listings: Vec<usize> = Vec::new();
    for &i in idx {
        let Some(inp) = inputs.get(i) else { continue };
        match flavor(&inp.text) {
            Some(Flavor::Output) => {
                outputs.push(i);
                continue;
            }
            Some(Flavor::Conns) => {
                listings.push(i);
                continue;
            }
            _ => {}
        }
        let name = inp
            .peer
            .clone()
            .unwrap_or_else(|| name_from_path(&inp.path));
        match groups
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(&name))
        {
            Some((_, v)) => v.push(i),
            None => groups.push((name, vec![i])),
        }
    }
    let mem: HashMap<String, &str> = inputs
        .iter()
        .filter(|i| i.stream.is_none())
        .map(|i| (settings::normalise(&i.path), i.text.as_str()))
        .collect();
    for (name, members) in groups {
        let files: Vec<(&str, &str)> = members
            .iter()
            .filter_map(|&i| inputs.get(i))
            .map(|i| (i.path.as_str(), i.text.as_str()))
            .collect();
        let (dev, used) = parse_group(&name, &files, mem.clone(), true);
        // Fragments read through an include are this host's configuration, not unknown files.
        case.unrecognised
            .retain(|u| !used.contains(&settings::normalise(u)));
        super::merge(&mut case.devices, dev);
    }
    // A listing of the loaded connections describes part of a host's configuration: it
    // fills in what that host's files do not say (or stands alone).
    for &i in &listings {
        let Some(inp) = inputs.get(i) else { continue };
        let mut dev = parse_listing(&inp.path, &inp.text);
        // Named by `NAME=PATH`, else by the device that owns its local addresses.
        let owner = dev.addresses().find_map(|a| {
            case.devices
                .iter()
                .find(|d| d.owns(a))
                .map(|d| d.name.clone())
        });
        if let Some(name) = inp.peer.clone().or(owner) {
            dev.name = name;
        }
        super::merge(&mut case.devices, dev);
    }
    for &i in &outputs {
        let Some(inp) = inputs.get(i) else { continue };
        let read = inp
            .stream
            .as_deref()
            .and_then(|p| super::open_watched(p, &inp.path, progress).ok());
        let (mut out, hosts) = match read {
            Some(r) => charon_log::parse_reader(&inp.path, std::io::BufReader::new(r)),
            None => charon_log::parse(&inp.path, &inp.text),
        };
        let owner = || {
            let owners: Vec<&Device> = case
                .devices
                .iter()
                .filter(|d| out.local.iter().any(|a| d.owns(*a)))
                .collect();
            match owners.as_slice() {
                [d] => Some(d.name.clone()),
                _ => None,
            }
        };
        let fallback = inp
            .peer
            .clone()
            .or_else(owner)
            .unwrap_or_else(|| name_from_path(&inp.path));
        for e in &mut out.events {
            if inp.peer.is_some() || e.device.is_none() {
                e.device = Some(fallback.clone());
            }
        }
        // Every host the file shows (prompts, syslog), in order, then any the events fell
        // back to.
        let mut names: Vec<String> = if inp.peer.is_none() {
            hosts
        } else {
            Vec::new()
        };
        let mut seen: std::collections::HashSet<String> = names.iter().cloned().collect();
        for n in out.events.iter().filter_map(|e| e.device.as_ref()) {
            // A syslog server's file may name thousands of hosts: the first ones get a
            // device each, which keeps merging cheap; later ones keep their name on events.
            if !seen.contains(n) && names.len() < 1024 {
                seen.insert(n.clone());
                names.push(n.clone());
            }
        }
        if names.is_empty() {
            names.push(fallback.clone());
        }
        for n in &names {
            let mut stub = Device::new(n, Platform::Strongswan);
            stub.source_files.push(inp.path.clone());
            super::merge(&mut case.devices, stub);
        }
        case.outputs.push(OutputFile {
            path: inp.path.clone(),
            device: names.first().cloned(),
            events: out.events.len() as u64 + out.dropped,
            unrecognised: out.unrecognised,
            capture: false,
        });
        case.events.extend(out.events);
    }
}
