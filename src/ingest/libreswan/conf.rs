//! libreswan (and Openswan) ipsec.conf and ipsec.secrets → the shared model.
//!
//! The grammar is the one strongSwan's legacy ipsec.conf kept (`conn` sections, `%default`,
//! `also=`), and so is the secrets syntax (`@west @east : PSK "..."`): those readers and the
//! model builder are shared. What is libreswan's own is read here: `left`/`right` are not
//! "local"/"remote" but two ends, and pluto picks the one whose address is its own; the
//! keywords (`ikev2=`, `phase2alg=`, `pfs=`, `leftsubnets={...}`), the algorithm syntax and
//! the defaults differ.

use super::algs;
use crate::ingest::strongswan::build::{self, Child, Conn, Parsed, Val};
use crate::ingest::strongswan::proposals::{self, Item};
use crate::ingest::strongswan::stroke::{self, Section};
use crate::model::{AddrSpec, Device, EncapMode, IkeVersion, Loc, Platform, PolicyKind};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

/// True when the text is a libreswan/Openswan ipsec.conf: `conn` sections and keywords only
/// libreswan has.
pub fn looks_like(text: &str) -> bool {
    let conn = text.lines().take(5000).any(|l| {
        let mut w = stroke::strip_comment(l).split_whitespace();
        !l.starts_with([' ', '\t']) && w.next() == Some("conn") && w.next().is_some()
    });
    conn && stroke::libreswan_marks(text)
}

/// Which end of a conn is this host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Left,
    Right,
}

impl Side {
    fn prefix(self) -> &'static str {
        match self {
            Side::Left => "left",
            Side::Right => "right",
        }
    }
    pub fn other_end(self) -> Side {
        match self {
            Side::Left => Side::Right,
            Side::Right => Side::Left,
        }
    }
}

/// What else is known of the host whose files these are: its name, addresses it was seen
/// using, peers it talked to (from its own logs), and sides settled by pairing it with a
/// peer whose files hold the same conns.
#[derive(Debug, Default, Clone)]
pub struct Hint {
    pub name: String,
    pub local: Vec<IpAddr>,
    pub peers: Vec<IpAddr>,
    pub forced: HashMap<String, Side>,
    /// The conns the host's log shows loaded, when it shows any.
    pub loaded: Option<Vec<String>>,
}

/// Whether something in the evidence told a conn's end, or it is the `left` guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    Told,
    Guess,
}

fn ip_of(v: Option<&Val>) -> Option<IpAddr> {
    v.and_then(|v| v.text.trim().parse().ok())
}

/// `@west`, `west`, `west.example.org`, `%fromcert`: does it name the host?
fn names_host(v: Option<&Val>, name: &str) -> bool {
    let Some(v) = v else { return false };
    let t = v.text.trim().trim_start_matches('@').to_ascii_lowercase();
    let n = name.to_ascii_lowercase();
    !n.is_empty() && (t == n || t.starts_with(&format!("{n}.")))
}

/// pluto's rule is "the end whose address is one of mine"; without the host's interfaces,
/// the same is read from what the evidence does say.
pub fn side_of(get: &dyn Fn(&str) -> Option<Val>, conn: &str, hint: &Hint) -> (Side, Why) {
    // Settled by pairing with a peer that holds the same conn.
    if let Some(s) = hint.forced.get(conn) {
        return (*s, Why::Told);
    }
    let (l, r) = (get("left"), get("right"));
    let word = |v: &Option<Val>| v.as_ref().map(|v| v.text.trim().to_ascii_lowercase());
    for (s, v) in [(Side::Left, &l), (Side::Right, &r)] {
        if word(v).as_deref() == Some("%defaultroute") {
            return (s, Why::Told);
        }
    }
    // An address pluto listens on is ours; one the host's log talks to is the peer's.
    for (s, v) in [(Side::Left, &l), (Side::Right, &r)] {
        if let Some(ip) = ip_of(v.as_ref()) {
            if hint.local.contains(&ip) {
                return (s, Why::Told);
            }
            if hint.peers.contains(&ip) {
                return (s.other_end(), Why::Told);
            }
        }
    }
    // `leftid=@west` on the host west.
    for s in [Side::Left, Side::Right] {
        let p = s.prefix();
        if names_host(get(&format!("{p}id")).as_ref(), &hint.name)
            || names_host(get(p).as_ref(), &hint.name)
        {
            return (s, Why::Told);
        }
    }
    // An end that is anyone (`%any`, `%opportunisticgroup`) cannot be an address of ours.
    for (s, v) in [(Side::Left, &l), (Side::Right, &r)] {
        if word(v).is_some_and(|w| w.starts_with("%any") || w.starts_with("%opportunistic")) {
            return (s.other_end(), Why::Told);
        }
    }
    (Side::Left, Why::Guess)
}

/// `leftsubnets={10.0.1.0/24 10.0.2.0/24}` or `leftsubnet=10.0.1.0/24,10.0.2.0/24`.
fn subnets(v: Option<Val>) -> Vec<Val> {
    let Some(v) = v else { return Vec::new() };
    v.text
        .trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .split([',', ' ', '\t'])
        .filter(|s| !s.trim().is_empty())
        .map(|s| Val {
            text: s.trim().to_string(),
            loc: v.loc.clone(),
        })
        .collect()
}

fn version(get: &dyn Fn(&str) -> Option<Val>) -> IkeVersion {
    let low = |k: &str| get(k).map(|v| v.text.trim().to_ascii_lowercase());
    match (low("keyexchange").as_deref(), low("ikev2").as_deref()) {
        (Some("ikev1"), _) => IkeVersion::V1,
        (Some("ikev2"), _) => IkeVersion::V2,
        (_, Some("no" | "never")) => IkeVersion::V1,
        // libreswan 4 and later speak IKEv2 unless told otherwise.
        _ => IkeVersion::V2,
    }
}

/// `authby=secret|rsasig` → the first; libreswan's default is RSA signatures.
fn auth(v: Option<Val>, file: &Arc<str>) -> Val {
    match v {
        Some(v) => {
            let first = v
                .text
                .split('|')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            let m = match first.as_str() {
                "secret" | "psk" => "psk",
                "null" => "null",
                "never" => "never",
                "eaponly" => "eap",
                m if m.starts_with("ecdsa") => "ecdsa",
                _ => "pubkey",
            };
            Val {
                text: m.into(),
                loc: v.loc,
            }
        }
        None => Val {
            text: "pubkey".into(),
            loc: Loc::implied(file, "authby=rsasig (libreswan default)"),
        },
    }
}

/// `pfs=yes` (the default) makes IKEv1 quick mode use the phase-1 group when `esp=` names
/// none; `pfs=no` drops any.
fn with_pfs(items: Vec<Item>, pfs: bool, v: IkeVersion, ike: &[Item]) -> Vec<Item> {
    let ike_group = ike.iter().find_map(|i| match i {
        Item::Algs(a) => a.groups.first().copied(),
        _ => None,
    });
    items
        .into_iter()
        .map(|i| match i {
            Item::Algs(mut a) if !pfs => {
                a.groups.clear();
                Item::Algs(a)
            }
            Item::Algs(mut a) if a.groups.is_empty() && v == IkeVersion::V1 => {
                a.groups.extend(ike_group);
                Item::Algs(a)
            }
            Item::Builtin { mut sets, by } if pfs && v == IkeVersion::V1 => {
                for a in sets.iter_mut().filter(|a| a.groups.is_empty()) {
                    a.groups.extend(ike_group);
                }
                Item::Builtin { sets, by }
            }
            other => other,
        })
        .collect()
}

/// `left-subnet` → `leftsubnet`.
fn canonical(k: &str) -> String {
    match k.strip_prefix("left-").or_else(|| k.strip_prefix("right-")) {
        Some(rest) => format!("{}{rest}", &k[..k.len() - rest.len() - 1]),
        None => k.to_string(),
    }
}

/// `192.0.2.101-192.0.2.200` or `192.0.2.0/24`: the addresses a pool hands out.
fn pool(v: &Val) -> Option<AddrSpec> {
    let t = v.text.trim();
    if let Ok(n) = t.parse::<ipnet::IpNet>() {
        return Some(AddrSpec::Net { net: n.trunc() });
    }
    let (a, b) = t.split_once('-')?;
    Some(AddrSpec::Range {
        first: a.trim().parse().ok()?,
        last: b.trim().parse().ok()?,
    })
}

const KNOWN: &[&str] = &[
    "ipsec-interface",
    "vti-interface",
    "mark",
    "leftmodecfgclient",
    "rightmodecfgclient",
    "leftaddresspool",
    "rightaddresspool",
    "left",
    "right",
    "leftid",
    "rightid",
    "leftauth",
    "rightauth",
    "authby",
    "leftcert",
    "rightcert",
    "leftsubnet",
    "rightsubnet",
    "leftsubnets",
    "rightsubnets",
    "leftprotoport",
    "rightprotoport",
    "keyexchange",
    "ikev2",
    "ike",
    "esp",
    "ah",
    "phase2",
    "phase2alg",
    "pfs",
    "ikelifetime",
    "salifetime",
    "lifetime",
    "keylife",
    "type",
    "auto",
    "also",
    "narrowing",
    "fragmentation",
];

/// One host's ipsec.conf into `out`, each conn seen from this host's end. Returns how each
/// conn's end was decided.
pub fn read(
    path: &str,
    text: &str,
    hint: &Hint,
    out: &mut Parsed,
    clients: &mut Vec<String>,
) -> Vec<(String, Side, Why)> {
    let file: Arc<str> = Arc::from(path);
    let secs: Vec<Section> = stroke::sections(path, text, &mut out.skipped);
    let mut sides = Vec::new();
    let mut used = std::collections::HashSet::new();
    // `ikev1-policy=reject|drop` in `config setup`: pluto refuses to load IKEv1 conns.
    let no_ikev1 = secs
        .iter()
        .filter(|s| s.kind == "config")
        .flat_map(|s| s.kvs.iter())
        .rfind(|(k, _)| k == "ikev1-policy")
        .is_some_and(|(_, v)| matches!(v.text.trim(), "reject" | "drop"));
    for s in &secs {
        if s.kind != "conn" || s.name == "%default" {
            continue;
        }
        let kv = stroke::settings_of(&secs, &s.name);
        // libreswan 5 also spells `leftsubnet` as `left-subnet`; the later value wins.
        let kv: Vec<(String, &Val)> = kv.into_iter().map(|(k, v)| (canonical(k), v)).collect();
        let get = |k: &str| kv.iter().rfind(|(x, _)| x == k).map(|(_, v)| (*v).clone());
        let low = |k: &str| get(k).map(|v| v.text.trim().to_ascii_lowercase());
        let not_loaded = hint.loaded.as_ref().is_some_and(|l| !l.contains(&s.name));
        // A conn other conns include with `also=`, that has no `auto=` of its own, is a
        // template: libreswan loads no conn without `auto=` at startup.
        let template = secs.iter().any(|o| {
            o.kvs
                .iter()
                .any(|(k, v)| k == "also" && v.text.trim() == s.name)
        }) && !s.kvs.iter().any(|(k, _)| k == "auto");
        if not_loaded
            || (hint.loaded.is_none() && (template || low("auto").as_deref() == Some("ignore")))
            || matches!(
                low("type").as_deref(),
                Some("passthrough" | "pass" | "drop" | "reject")
            )
        {
            continue;
        }
        for (k, v) in &kv {
            if KNOWN.contains(&k.as_str()) {
                used.insert((v.loc.line, v.loc.text.clone()));
            }
        }
        let (me, why) = side_of(&get, &s.name, hint);
        sides.push((s.name.clone(), me, why));
        let them = me.other_end();
        let ours = |k: &str| get(&format!("{}{k}", me.prefix()));
        let theirs = |k: &str| get(&format!("{}{k}", them.prefix()));
        let v = version(&get);
        if no_ikev1 && v == IkeVersion::V1 {
            out.skipped.push(s.loc.clone());
            continue;
        }
        let mut c = Conn::new(&s.name, s.loc.clone(), true);
        c.version = Some(v);
        // libreswan narrows traffic selectors only when told to.
        c.narrowing = low("narrowing").as_deref() == Some("yes");
        c.fragmentation = get("fragmentation");
        c.local_addrs = ours("").map(|v| stroke::split(&v)).unwrap_or_default();
        c.remote_addrs = theirs("").map(|v| stroke::split(&v)).unwrap_or_default();
        c.local_id = ours("id").filter(|v| v.text.trim() != "%fromcert");
        c.remote_id = theirs("id").filter(|v| v.text.trim() != "%fromcert");
        c.certs = ours("cert").into_iter().collect();
        let by = auth(get("authby"), &file);
        c.local_auth = Some(
            ours("auth")
                .map(|v| auth(Some(v), &file))
                .unwrap_or(by.clone()),
        );
        c.remote_auth = Some(theirs("auth").map(|v| auth(Some(v), &file)).unwrap_or(by));
        let ike_items = get("ike").map(|p| (algs::list(&p.text, algs::For::Ike(v)), p.loc));
        let ike_list: Vec<Item> = ike_items
            .as_ref()
            .map(|(i, _)| i.clone())
            .unwrap_or_default();
        c.proposals = Some(match ike_items {
            Some(x) => x,
            None => (vec![algs::default_ike(v)], s.loc.clone()),
        });
        c.lifetime = Some(
            get("ikelifetime")
                .and_then(|v| proposals::seconds(&v.text).map(|s| (s, v.loc.clone())))
                .unwrap_or_else(|| {
                    (
                        28800,
                        Loc::implied(&file, "ikelifetime=8h (libreswan default)"),
                    )
                }),
        );
        // The pool on the peer's end is where the peer's address comes from (mode config).
        c.pools
            .extend(theirs("addresspool").as_ref().and_then(pool));
        let mut ch = Child::new(&s.name, s.loc.clone());
        let ts = |k: &str| {
            let v = ours(k).or_else(|| ours(&format!("{k}s")));
            subnets(v)
        };
        let rts = |k: &str| {
            let v = theirs(k).or_else(|| theirs(&format!("{k}s")));
            subnets(v)
        };
        // `0/0` is any protocol, any port: no restriction at all.
        let pp = |v: Option<Val>| v.filter(|v| !matches!(v.text.trim(), "0/0" | "0" | "%any"));
        ch.local_ts = stroke::with_protoport(ts("subnet"), pp(ours("protoport")).as_ref(), &s.loc);
        ch.remote_ts =
            stroke::with_protoport(rts("subnet"), pp(theirs("protoport")).as_ref(), &s.loc);
        // A mode-config client's own address comes from the server's pool: what it writes as
        // its subnet is not what it will propose.
        if ours("modecfgclient").is_some_and(|v| v.text.trim() == "yes") {
            clients.push(s.name.clone());
        }
        let pfs = low("pfs").as_deref() != Some("no");
        let ah = low("phase2").as_deref() == Some("ah");
        let p2 = get("phase2alg").or_else(|| get(if ah { "ah" } else { "esp" }));
        let items = match &p2 {
            Some(p) => with_pfs(algs::list(&p.text, algs::For::Esp), pfs, v, &ike_list),
            None if ah => vec![algs::default_ah()],
            None => with_pfs(vec![algs::default_esp()], pfs, v, &ike_list),
        };
        let p2loc = p2.map(|v| v.loc).unwrap_or_else(|| s.loc.clone());
        if ah {
            ch.ah = Some((items, p2loc));
        } else {
            ch.esp = Some((items, p2loc));
        }
        if low("type").as_deref() == Some("transport") {
            ch.mode = EncapMode::Transport;
        }
        // Route-based: an XFRM interface (`ipsec-interface=`), a VTI (`vti-interface=`) or a
        // mark; only traffic routed into the interface meets the selectors.
        ch.interface = ["ipsec-interface", "vti-interface", "mark"]
            .iter()
            .filter_map(|k| get(k))
            .find(|v| !matches!(v.text.trim(), "no" | "0" | ""))
            .map(|v| v.loc);
        ch.lifetime = Some(
            get("salifetime")
                .or(get("lifetime"))
                .or(get("keylife"))
                .and_then(|v| proposals::seconds(&v.text).map(|s| (s, v.loc.clone())))
                .unwrap_or_else(|| {
                    (
                        28800,
                        Loc::implied(&file, "salifetime=8h (libreswan default)"),
                    )
                }),
        );
        c.children.push(ch);
        out.conns.push(c);
    }
    for s in &secs {
        for (k, v) in &s.kvs {
            let setup = s.kind == "config";
            if !setup
                && (!KNOWN.contains(&k.as_str())
                    || !used.contains(&(v.loc.line, v.loc.text.clone())))
            {
                out.skipped.push(v.loc.clone());
            }
        }
    }
    sides
}

/// The model of one libreswan host from its ipsec.conf and ipsec.secrets files.
pub fn device(
    name: &str,
    files: &[(&str, &str)],
    hint: &Hint,
) -> (Device, Vec<(String, Side, Why)>) {
    let mut parsed = Parsed::default();
    let mut sides = Vec::new();
    // Mode-config clients: their address comes from the server.
    let mut clients = Vec::new();
    for (path, text) in files {
        parsed.files.push(path.to_string());
        if path.ends_with(".secrets") || stroke::looks_like_secrets(text) {
            stroke::read_secrets(path, text, &mut parsed);
        } else {
            sides.extend(read(path, text, hint, &mut parsed, &mut clients));
        }
    }
    let first: Arc<str> = Arc::from(files.first().map(|(p, _)| *p).unwrap_or(""));
    let mut d = build::device(name, &first, parsed);
    d.platform = Platform::Libreswan;
    if let Some(i) = d.interfaces.first_mut() {
        i.name = "this host's end (left or right)".into();
    }
    for pol in &mut d.policies {
        // pluto answers a child in the other mode with NO_PROPOSAL_CHOSEN.
        for p in &mut pol.proposals {
            p.other_mode_ok = false;
        }
        pol.assigned_address =
            matches!(&pol.kind, PolicyKind::Connection { name } if clients.contains(name));
    }
    for (conn, side, _) in &sides {
        for p in d.ike_profiles.iter_mut().filter(|p| p.name == *conn) {
            p.local_end = Some(side.prefix());
        }
    }
    (d, sides)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AuthMethod, DhGroup, Encr, PeerMatch};

    const CONF: &str = "version 2.0\n\nconfig setup\n\tplutodebug=all\n\nconn %default\n\tkeyexchange=ikev1\n\nconn base\n\tleft=192.1.2.45\n\tright=192.1.2.23\n\tleftid=@west\n\trightid=@east\n\tauthby=secret\n\nconn westnet-eastnet\n\talso=base\n\tleftsubnet=192.0.1.0/24\n\trightsubnets={192.0.2.0/24 192.0.3.0/24}\n\tike=aes128-sha1;modp2048\n\tesp=aes-sha2_256\n";
    const SECRETS: &str = "@west @east : PSK \"not-printed\"\n";

    fn host(name: &str, hint: Hint) -> (Device, Vec<(String, Side, Why)>) {
        let hint = Hint {
            name: name.into(),
            ..hint
        };
        device(
            name,
            &[("ipsec.conf", CONF), ("ipsec.secrets", SECRETS)],
            &hint,
        )
    }

    #[test]
    fn each_host_reads_the_conn_from_its_own_end() {
        let (west, sides) = host("west", Hint::default());
        assert_eq!(sides[0].1, Side::Left, "leftid=@west: {sides:?}");
        let (east, sides) = host("east", Hint::default());
        assert_eq!(sides[0].1, Side::Right);
        assert_eq!(east.platform, Platform::Libreswan);
        assert_eq!(
            east.addresses().next().map(|a| a.to_string()).as_deref(),
            Some("192.1.2.23")
        );
        let pol = &east.policies[0];
        assert_eq!(pol.ike_version, IkeVersion::V1);
        assert_eq!(pol.peers[0].0.to_string(), "192.1.2.45");
        // rightsubnets={...} are east's own networks, two selectors towards west's one.
        let flows: Vec<String> = pol
            .selectors
            .iter()
            .map(|s| format!("{} -> {}", s.flow.src, s.flow.dst))
            .collect();
        assert_eq!(flows.len(), 2, "{flows:?}");
        assert!(flows[0].starts_with("192.0.2.0/24"), "{flows:?}");
        // IKEv1 quick mode with pfs=yes (the default) uses the phase-1 group.
        assert_eq!(pol.pfs.as_ref().map(|(g, _)| *g), Some(DhGroup(14)));
        assert_eq!(east.ike_profiles[0].local_end, Some("right"));
        assert_eq!(west.ike_profiles[0].local_end, Some("left"));
        // The key for the peer, found by the ids, compared by fingerprint only.
        assert!(east.psks.iter().any(|k| k.peer
            == PeerMatch::Address(crate::model::AddrSpec::host("192.1.2.45".parse().unwrap()))));
        assert_eq!(west.psks[0].key, east.psks[0].key);
        assert_eq!(east.ike_profiles[0].auth_local, Some(AuthMethod::PreShared));
    }

    #[test]
    fn evidence_and_pairing_decide_an_end_the_files_do_not() {
        let anon = "conn t\n\tleft=10.0.0.1\n\tright=10.0.0.2\n\tauthby=secret\n\tikev2=insist\n";
        let hint = |peers: Vec<IpAddr>| Hint {
            name: "gw".into(),
            peers,
            ..Hint::default()
        };
        let mut p = Parsed::default();
        let s = read("a.conf", anon, &hint(vec![]), &mut p, &mut Vec::new());
        assert_eq!((s[0].1, &s[0].2), (Side::Left, &Why::Guess));
        let s = read(
            "a.conf",
            anon,
            &hint(vec!["10.0.0.1".parse().unwrap()]),
            &mut p,
            &mut Vec::new(),
        );
        assert_eq!(s[0].1, Side::Right, "its log talks to 10.0.0.1");
        let any = "conn rw\n\tleft=%any\n\tright=10.0.0.2\n";
        let s = read("a.conf", any, &hint(vec![]), &mut p, &mut Vec::new());
        assert_eq!(s[0].1, Side::Right);
        let dr = "conn rw\n\tleft=%defaultroute\n\tright=10.0.0.2\n";
        let s = read("a.conf", dr, &hint(vec![]), &mut p, &mut Vec::new());
        assert_eq!(s[0].1, Side::Left);
    }

    #[test]
    fn libreswan_defaults_and_loaded_conns() {
        let t = "conn a\n\tleft=10.0.0.1\n\tright=10.0.0.2\n\tauto=add\n\nconn b\n\tleft=10.0.0.1\n\tright=10.0.0.3\n\tauto=add\n";
        let (d, _) = device(
            "gw",
            &[("ipsec.conf", t)],
            &Hint {
                name: "gw".into(),
                ..Hint::default()
            },
        );
        assert!(d.ike_proposals.iter().all(|p| p.builtin));
        assert!(
            d.ike_proposals
                .iter()
                .any(|p| p.encr.contains(&Encr::AesGcm { bits: 256, icv: 16 }))
        );
        assert!(d.ike_proposals[0].loc.text.contains("libreswan default"));
        assert_eq!(d.ike_profiles[0].auth_local, Some(AuthMethod::RsaSig));
        assert_eq!(d.ike_proposals[0].lifetime_secs, 28800);
        assert_eq!(d.policies.len(), 2);
        // Its log shows only `a` loaded: `b` is not in play.
        let (d, _) = device(
            "gw",
            &[("ipsec.conf", t)],
            &Hint {
                name: "gw".into(),
                loaded: Some(vec!["a".into()]),
                ..Hint::default()
            },
        );
        assert_eq!(d.policies.len(), 1);
    }

    #[test]
    fn ikev1_policy_reject_loads_no_ikev1_conn() {
        let t = "config setup\n\tikev1-policy=reject\n\nconn v1\n\tleft=10.0.0.1\n\tright=10.0.0.2\n\tkeyexchange=ikev1\n\tauto=add\n\nconn v2\n\tleft=10.0.0.1\n\tright=10.0.0.2\n\tauto=add\n";
        let (d, _) = device("gw", &[("ipsec.conf", t)], &Hint::default());
        assert_eq!(d.policies.len(), 1);
        assert_eq!(d.policies[0].ike_version, IkeVersion::V2);
    }

    #[test]
    fn route_based_conns_are_bound_to_their_interface() {
        let t = "conn v\n\tleft=10.0.0.1\n\tright=10.0.0.2\n\tleftsubnet=0.0.0.0/0\n\trightsubnet=0.0.0.0/0\n\tipsec-interface=1\n\tauto=add\n";
        let (d, _) = device("gw", &[("ipsec.conf", t)], &Hint::default());
        assert!(d.policies[0].interface_bound.is_some());
        assert!(d.policies[0].route_based());
    }

    #[test]
    fn fragmentation_as_written() {
        let t = "conn f\n\tleft=10.0.0.1\n\tright=10.0.0.2\n\tfragmentation=no\n\tauto=add\n";
        let (d, _) = device("gw", &[("ipsec.conf", t)], &Hint::default());
        let (on, loc) = d.ike_profiles[0].fragmentation.clone().expect("written");
        assert!(!on && loc.line == Some(4));
    }

    #[test]
    fn detection() {
        assert!(looks_like(CONF));
        assert!(!looks_like("conn x\n\tleft=1.2.3.4\n"), "strongSwan's too");
        assert!(!looks_like(SECRETS));
    }
}
