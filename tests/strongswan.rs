//! strongSwan: every swanctl.conf / ipsec.conf copied from the corpus parses into connections;
//! golden checks of what a few of them say (written from reading the files); scenario
//! verdicts through the real binary for the corpus' configuration pairs, the strongX509
//! console transcripts, and the hand-made logs and broken copies of
//! `tests/fixtures/strongswan/` (its README says what is hand-made).

mod common;

use common::{cites, codes, fixture, line_of, run};
use ipsec_doctor::ingest::{self, strongswan};
use ipsec_doctor::model::{
    AddrSpec, AuthMethod, Device, DhGroup, EncapMode, Encr, IkeVersion, Integ, PeerMatch, Platform,
    PolicyKind,
};
use std::collections::HashMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus(rel: &str) -> PathBuf {
    fixture(&format!("corpus/config/strongswan/{rel}"))
}

/// The devices the ingest layer makes of some paths (detection, grouping, includes).
fn devices(paths: &[&Path]) -> Vec<Device> {
    let args: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let inputs = ingest::load(&args).unwrap();
    ingest::parse(&inputs).devices
}

fn host(scenario: &str, host: &str) -> Device {
    let dir = corpus(&format!("{scenario}/hosts/{host}/etc"));
    let mut d = devices(&[&dir]);
    assert_eq!(d.len(), 1, "{scenario}/{host}");
    d.remove(0)
}

fn policy<'a>(d: &'a Device, name: &str) -> &'a ipsec_doctor::model::TunnelPolicy {
    d.policies
        .iter()
        .find(|p| p.kind == PolicyKind::Connection { name: name.into() })
        .unwrap_or_else(|| panic!("{}: no policy {name}", d.name))
}

fn net(s: &str) -> AddrSpec {
    AddrSpec::Net {
        net: s.parse().unwrap(),
    }
}

/// The secret values a file holds (`secret = X`, `: PSK X`), to prove none is printed.
fn secret_values(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let l = l.trim();
            let v = if let Some(r) = l.strip_prefix("secret") {
                r.trim_start().strip_prefix('=')?
            } else {
                l.split_once(": PSK")?.1
            };
            let v = v.trim().trim_matches(['"', '\'']);
            (v.len() >= 4).then(|| v.to_string())
        })
        .collect()
}

#[test]
fn every_copied_config_parses_into_connections_and_hides_its_secrets() {
    let mut all = Vec::new();
    common::files(&corpus(""), &mut all);
    let configs: Vec<&PathBuf> = all
        .iter()
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n == "swanctl.conf" || n == "ipsec.conf"
        })
        .collect();
    assert!(configs.len() > 140, "{} configs", configs.len());
    for path in configs {
        // The file with its neighbours (ipsec.secrets beside ipsec.conf, included files).
        let dir = path.parent().unwrap();
        let mut with: Vec<&Path> = vec![path.as_path()];
        let secrets = dir.join("ipsec.secrets");
        if secrets.exists() {
            with.push(&secrets);
        }
        let devs = devices(&with);
        assert_eq!(devs.len(), 1, "{}", path.display());
        let d = &devs[0];
        assert_eq!(d.platform, Platform::Strongswan, "{}", path.display());
        assert!(
            !d.ike_profiles.is_empty() && !d.policies.is_empty(),
            "{}: no connection",
            path.display()
        );
        let json = serde_json::to_string(d).unwrap();
        for p in &with {
            for s in secret_values(&std::fs::read_to_string(p).unwrap()) {
                assert!(!json.contains(&s), "{}: secret {s} leaked", p.display());
            }
        }
        // Each parses alone too, and a second time the same.
        let text = std::fs::read_to_string(path).unwrap();
        let a = strongswan::parse_config(&path.display().to_string(), &text);
        let b = strongswan::parse_config(&path.display().to_string(), &text);
        assert_eq!(a.policies.len(), b.policies.len());
    }
}

#[test]
fn swanctl_net2net_psk_golden() {
    let moon = host("ikev2/net2net-psk", "moon");
    assert_eq!(moon.name, "moon");
    let f = corpus("ikev2/net2net-psk/hosts/moon/etc/swanctl/swanctl.conf");
    // proposals = aes128-sha256-x25519 (the PRF follows the integrity algorithm).
    let p = moon
        .ike_proposals
        .iter()
        .find(|p| !p.builtin && p.version == IkeVersion::V2)
        .unwrap();
    assert_eq!(p.encr, [Encr::Aes { bits: 128 }]);
    assert_eq!(p.integ, [Integ::Sha256]);
    assert_eq!(p.prf, [Integ::Sha256]);
    assert_eq!(p.groups, [DhGroup(31)]);
    assert_eq!(
        p.loc.line,
        Some(line_of(&f, "proposals = aes128-sha256-x25519") as u32)
    );
    // No `version`: IKEv2 to start with; the profile carries the authentication.
    let pol = policy(&moon, "gw-gw child net-net");
    assert_eq!(pol.ike_version, IkeVersion::V2);
    assert_eq!(pol.peers[0].0.to_string(), "192.168.0.2");
    let sel = &pol.selectors[0].flow;
    assert_eq!((sel.src, sel.dst), (net("10.1.0.0/16"), net("10.2.0.0/16")));
    assert_eq!(
        pol.proposals[0].esp_encr,
        [Encr::AesGcm { bits: 128, icv: 16 }]
    );
    assert!(pol.proposals[0].esp_integ.is_empty());
    assert_eq!(pol.pfs.as_ref().map(|(g, _)| *g), Some(DhGroup(31)));
    let prof = moon
        .ike_profiles
        .iter()
        .find(|p| p.name == "gw-gw")
        .unwrap();
    assert_eq!(prof.auth_local, Some(AuthMethod::PreShared));
    assert_eq!(prof.auth_remote, Some(AuthMethod::PreShared));
    // moon's secrets: ike-3 names both identities, the best match for gw-gw.
    let key = moon
        .psks
        .iter()
        .find(|k| k.peer == PeerMatch::Address(AddrSpec::host("192.168.0.2".parse().unwrap())))
        .unwrap();
    assert_eq!(key.entry.as_deref(), Some("ike-3"));
    assert_eq!(
        key.loc.line,
        Some(line_of(&f, "secret = 0sv+NkxY9LLZvwj4qCC2o/gGrWDF2d21jL") as u32)
    );
    assert!(!key.loc.text.contains("0sv+Nk") && key.loc.text.contains("secret hidden"));
    // The local address stands for an interface; routes are not in a strongSwan file.
    assert_eq!(
        moon.addresses().next().map(|a| a.to_string()).as_deref(),
        Some("192.168.0.1")
    );
    assert!(!moon.known.routes && moon.known.keys && moon.known.ike_policies);
}

#[test]
fn stroke_net2net_psk_golden() {
    // The peer is a test-harness placeholder (`right=PH_IP_SUN`): as written, a host name
    // like any other, for the product knows no test network.
    let raw = corpus("ikev2-stroke/net2net-psk/hosts/moon/etc");
    let d = devices(&[&raw.join("ipsec.conf"), &raw.join("ipsec.secrets")]);
    let pol = policy(&d[0], "net-net");
    assert!(pol.peers.is_empty(), "{:?}", pol.peers);
    assert_eq!(
        pol.peer_names
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>(),
        ["PH_IP_SUN"]
    );
    // The harness fills in sun's address before charon reads the file: that copy's peer is
    // sun's address, cited on the filled-in line.
    let hosts = harnessed("ikev2-stroke/net2net-psk");
    let dir = hosts.join("moon/etc");
    let d = devices(&[&dir.join("ipsec.conf"), &dir.join("ipsec.secrets")]);
    assert_eq!(d.len(), 1, "ipsec.conf and ipsec.secrets are one host");
    let moon = &d[0];
    let conf = dir.join("ipsec.conf");
    let pol = policy(moon, "net-net");
    // keyexchange=ikev2 from %default; subnets.
    assert_eq!(pol.ike_version, IkeVersion::V2);
    let sel = &pol.selectors[0].flow;
    assert_eq!((sel.src, sel.dst), (net("10.1.0.0/16"), net("10.2.0.0/16")));
    assert!(pol.peer_names.is_empty());
    assert_eq!(pol.peers[0].0.to_string(), "192.168.0.2");
    let peer = &pol.peers[0].1;
    assert_eq!(peer.file.as_ref(), conf.display().to_string());
    assert_eq!(peer.line, Some(line_of(&conf, "right=192.168.0.2") as u32));
    assert!(peer.text.contains("right=192.168.0.2"), "{}", peer.text);
    // keylife=20m in %default.
    assert_eq!(pol.lifetime_secs.as_ref().map(|(s, _)| *s), Some(1200));
    // No ike=: strongSwan's default proposals, built in.
    assert!(moon.ike_proposals.iter().all(|p| p.builtin));
    // authby=secret in %default is the authentication of both sides.
    let prof = &moon.ike_profiles[0];
    assert_eq!(prof.auth_local, Some(AuthMethod::PreShared));
    // `@moon @sun : PSK ...` is the best of the five secrets for leftid/rightid.
    let secrets = dir.join("ipsec.secrets");
    let k = &moon.psks[0];
    assert_eq!(k.loc.file.as_ref(), secrets.display().to_string());
    assert_eq!(
        k.loc.line,
        Some(line_of(&secrets, "@moon.strongswan.org @sun.strongswan.org : PSK") as u32)
    );
    assert!(
        k.loc.text.ends_with("PSK <secret hidden>"),
        "{}",
        k.loc.text
    );
    assert_eq!(prof.loc.line, Some(line_of(&conf, "conn net-net") as u32));
}

#[test]
fn ikev1_algorithms_transport_certificates_and_inheritance() {
    // IKEv1: one algorithm of each type per proposal.
    let moon = host("ikev1/net2net-psk", "moon");
    let p = moon.ike_proposals.iter().find(|p| !p.builtin).unwrap();
    assert_eq!(p.version, IkeVersion::V1);
    assert_eq!((p.encr.len(), p.integ.len(), p.groups.len()), (1, 1, 1));
    assert_eq!(p.auth, Some(AuthMethod::PreShared));
    // Two proposals of different groups, in order.
    let moon = host("ikev2-algs/alg-ecp-high", "moon");
    let groups: Vec<Vec<DhGroup>> = moon
        .ike_proposals
        .iter()
        .filter(|p| !p.builtin && p.version == IkeVersion::V2)
        .map(|p| p.groups.clone())
        .collect();
    assert_eq!(groups, [vec![DhGroup(20)], vec![DhGroup(21)]]);
    // mode = transport; the selectors are the hosts themselves (`dynamic`).
    let moon = host("ikev2/host2host-transport", "moon");
    let pol = &moon.policies[0];
    assert_eq!(pol.proposals[0].mode, EncapMode::Transport);
    let f = &pol.selectors[0].flow;
    assert_eq!(f.src, AddrSpec::host("192.168.0.1".parse().unwrap()));
    assert_eq!(f.dst, AddrSpec::host("192.168.0.2".parse().unwrap()));
    // Certificates: pubkey authentication with `certs = moonCert.pem`.
    let moon = host("ikev2/net2net-cert", "moon");
    assert_eq!(moon.ike_profiles[0].auth_local, Some(AuthMethod::RsaSig));
    assert!(
        moon.trustpoints
            .iter()
            .any(|t| t.name == "moonCert.pem" && t.has_certificate)
    );
    // `net-2 : connections.gw-gw.children.net-1` inherits net-1's remote_ts.
    let moon = host("ikev2/net2net-route-narrow", "moon");
    let n2 = policy(&moon, "gw-gw child net-2");
    let f = &n2.selectors[0].flow;
    assert_eq!((f.src, f.dst), (net("10.1.0.16/28"), net("10.2.0.0/16")));
}

#[test]
fn road_warrior_gateway_and_included_files() {
    // moon answers any peer; its keys are owned by the road warriors' addresses.
    let moon = host("ikev2/rw-psk-ipv4", "moon");
    let pol = &moon.policies[0];
    assert!(pol.peers.is_empty() && !pol.can_initiate());
    let peers: Vec<String> = moon
        .psks
        .iter()
        .map(|k| match &k.peer {
            PeerMatch::Address(a) => a.to_string(),
            PeerMatch::Hostname(h) => h.clone(),
        })
        .collect();
    assert_eq!(peers, ["192.168.0.100", "192.168.0.200"]);
    // strongX509's server: `include rw.conf` inside `connections`, a pool for `dynamic`.
    let server = devices(&[&corpus("strongX509-docker/strongswan/server/swanctl.conf")]);
    let s = &server[0];
    assert_eq!(s.name, "server");
    let names: Vec<&str> = s.ike_profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["rw", "psk", "eap"]);
    let net = policy(s, "rw child net");
    assert_eq!(net.selectors[0].flow.dst, self::net("10.3.0.0/24"));
    assert!(
        s.source_files.iter().any(|f| f.ends_with("server/rw.conf")),
        "{:?}",
        s.source_files
    );
}

fn verdict(paths: &[PathBuf]) -> (i32, serde_json::Value) {
    run(paths)
}

/// Diagnoses one folder that must fail (exit 1) with `code`.
fn fails_with(dir: &Path, code: &str) -> serde_json::Value {
    let (exit, r) = verdict(&[dir.to_path_buf()]);
    assert_eq!((exit, r["verdict"].as_str()), (1, Some(code)), "{r:#}");
    r
}

/// Every scenario of strongSwan's test suite in the corpus, diagnosed from its `hosts`
/// folder (all hosts' configurations), with the verdict its description.txt implies.
/// strongSwan's tests are built to work unless their name says `-fail`; where the
/// configurations cannot show what makes a scenario work, `inconclusive` is the honest answer.
const SCENARIOS: &[(&str, &str)] = &[
    // IKEv1 and IKEv2 road warriors with IKE fragmentation (large certificates): they connect.
    ("ike/frags-ipv4", "healthy"),
    // The same over IPv6.
    ("ike/frags-ipv6", "healthy"),
    // moon-sun net-to-net over IKEv2 and road warrior carol over IKEv1 to the same moon.
    ("ike/rw_v1-net_v2", "healthy"),
    // carol proposes 3des-md5-modp1024 for IKE and ESP over IKEv1; the tunnel is established.
    ("ikev1-algs/alg-3des-md5", "healthy"),
    // carol proposes ESP null-sha256-x25519 over IKEv1; the tunnel is established.
    ("ikev1-algs/esp-alg-null", "healthy"),
    // alice and venus behind NAT router moon reach gateway sun with UDP encapsulation (stroke).
    ("ikev1-stroke/nat-rw", "healthy"),
    // IKEv1 PSK net-to-net in ipsec.conf syntax (PH_IP_* harness addresses): it comes up.
    ("ikev1-stroke/net2net-psk", "healthy"),
    // carol and dave with distinct PSKs bound to their IPv4 addresses (stroke).
    ("ikev1-stroke/rw-psk-ipv4", "healthy"),
    // PSK plus XAUTH for carol and dave; moon's key is `moon.strongswan.org %any` (stroke).
    ("ikev1-stroke/xauth-psk", "healthy"),
    // IPComp between carol and moon over IKEv1.
    ("ikev1/compress", "healthy"),
    // alice behind NAT router moon to bob behind NAT router sun: alice names sun by DNS and
    // sun forwards to bob, which configurations cannot show.
    ("ikev1/double-nat", "inconclusive"),
    // DPD restart after the link is cut: the tunnel itself comes up.
    ("ikev1/dpd-restart", "healthy"),
    // Host-to-host transport mode with certificates, IKEv1.
    ("ikev1/host2host-transport", "healthy"),
    // alice and venus behind NAT router moon to gateway sun, certificates, IKEv1.
    ("ikev1/nat-rw", "healthy"),
    // moon proposes AH sha256-sha384, sun selects sha256.
    ("ikev1/net2net-ah", "healthy"),
    // moon uses a wrong PSK: sun answers AUTHENTICATION_FAILED.
    ("ikev1/net2net-psk-fail", "psk-mismatch"),
    // IKEv1 Main Mode PSK net-to-net.
    ("ikev1/net2net-psk", "healthy"),
    // Two gateway connections with different IKE proposals, chosen by the peers' identities;
    // moon has no local address (answers on any).
    ("ikev1/rw-multi-ciphers", "healthy"),
    // IKEv1 Aggressive Mode with PSKs by FQDN.
    ("ikev1/rw-psk-aggressive", "healthy"),
    // IKEv1 PSKs by FQDN for carol and dave.
    ("ikev1/rw-psk-fqdn", "healthy"),
    // PSK plus XAUTH (swanctl).
    ("ikev1/xauth-psk", "healthy"),
    // IKEv2 with 3des-md5-modp1024 for IKE and ESP.
    ("ikev2-algs/alg-3des-md5", "healthy"),
    // IKE aes128gcm16-aesxcbc-x25519, ESP aes128gcm16-x25519.
    ("ikev2-algs/alg-aes-gcm", "healthy"),
    // carol offers ECP_256/ECP_384, dave ECP_256/ECP_521, moon has no ECP_256: each falls
    // back to a proposal (with its own ESP group) that moon shares.
    ("ikev2-algs/alg-ecp-high", "healthy"),
    // alice and venus behind NAT with their own PSKs (stroke, PH_IP_* secrets).
    ("ikev2-stroke/nat-rw-psk", "healthy"),
    // IKEv2 certificate net-to-net (stroke).
    ("ikev2-stroke/net2net-cert", "healthy"),
    // IKEv2 PSK net-to-net (stroke).
    ("ikev2-stroke/net2net-psk", "healthy"),
    // Two tunnels by left|rightprotoport: ICMP and SSH (stroke).
    ("ikev2-stroke/protoport-dual", "healthy"),
    // PSKs by FQDN (stroke).
    ("ikev2-stroke/rw-psk-fqdn", "healthy"),
    // IPComp over IKEv2.
    ("ikev2/compress", "healthy"),
    // Double NAT: as ikev1/double-nat, configurations cannot show the port forwarding.
    ("ikev2/double-nat", "inconclusive"),
    // DPD clears the connection after the link is cut: the tunnel itself comes up.
    ("ikev2/dpd-clear", "healthy"),
    // DPD restart: the tunnel comes up (and comes back).
    ("ikev2/dpd-restart", "healthy"),
    // Forced UDP encapsulation past sun's ESP-blocking firewall.
    ("ikev2/force-udp-encap", "healthy"),
    // Transport mode from natted alice to sun (venus' trouble needs traffic to show).
    ("ikev2/host2host-transport-nat", "healthy"),
    // Host-to-host transport mode with certificates, IKEv2.
    ("ikev2/host2host-transport", "healthy"),
    // carol's inactivity timeout deletes the idle CHILD_SA: it comes up first.
    ("ikev2/inactivity-timeout", "healthy"),
    // MOBIKE address update after the NAT mapping changes; alice has a virtual IP.
    ("ikev2/mobike-nat-mappings", "healthy"),
    // alice and venus behind NAT with PSKs (swanctl).
    ("ikev2/nat-rw-psk", "healthy"),
    // alice and venus behind NAT with certificates (swanctl).
    ("ikev2/nat-rw", "healthy"),
    // moon proposes AH sha256-sha384, sun selects sha256 (IKEv2).
    ("ikev2/net2net-ah", "healthy"),
    // IKEv2 certificate net-to-net.
    ("ikev2/net2net-cert", "healthy"),
    // Childless IKE_SA, then CREATE_CHILD_SA with its own key exchange.
    ("ikev2/net2net-childless", "healthy"),
    // moon offers ESN or not, sun requires ESN: they agree on ESN.
    ("ikev2/net2net-esn", "healthy"),
    // moon uses a wrong PSK: sun answers AUTHENTICATION_FAILED.
    ("ikev2/net2net-psk-fail", "psk-mismatch"),
    // IKEv2 PSK net-to-net.
    ("ikev2/net2net-psk", "healthy"),
    // The CHILD_SA is rekeyed after a short time.
    ("ikev2/net2net-rekey", "healthy"),
    // sun's trap policy proposes 10.2.0.0/16 - 10.1.0.0/16; moon narrows to one of two /28s.
    ("ikev2/net2net-route-narrow", "healthy"),
    // Two CHILD_SAs by protocol/port selectors: ICMP and SSH.
    ("ikev2/protoport-dual", "healthy"),
    // Three CHILD_SAs: ICMP requests, ICMP replies, TCP FTP-to-SSH ports.
    ("ikev2/protoport-range", "healthy"),
    // carol and dave with certificates.
    ("ikev2/rw-cert", "healthy"),
    // PSKs by FQDN.
    ("ikev2/rw-psk-fqdn", "healthy"),
    // PSKs by IPv4 address.
    ("ikev2/rw-psk-ipv4", "healthy"),
    // carol's two certificates, one per IKE_SA: moon tries each candidate key.
    ("ikev2/two-certs", "healthy"),
    // Access by DN wildcards in the certificates (not in the evidence): carol reaches alice,
    // dave reaches venus.
    ("ikev2/wildcards", "healthy"),
    // IPv6 net-to-net over IKEv1.
    ("ipv6/net2net-ikev1", "healthy"),
    // IPv6 net-to-net over IKEv2.
    ("ipv6/net2net-ikev2", "healthy"),
    // IPv6 road warriors with PSKs by IPv6 address.
    ("ipv6/rw-psk-ikev2", "healthy"),
    // Route-based with VTI interfaces (mark_in/out), selectors 0.0.0.0/0.
    ("route-based/net2net-vti", "healthy"),
    // Route-based with XFRM interfaces (if_id_in/out), selectors 0.0.0.0/0.
    ("route-based/net2net-xfrmi", "healthy"),
];

#[test]
fn corpus_scenarios_get_the_verdict_their_description_implies() {
    let mut wrong = Vec::new();
    for (scenario, want) in SCENARIOS {
        assert!(
            corpus(&format!("{scenario}/description.txt")).exists(),
            "{scenario}: description copied"
        );
        let hosts = harnessed(scenario);
        let (exit, r) = verdict(&[hosts.to_path_buf()]);
        if r["verdict"] != *want || exit != i32::from(*want != "healthy" && *want != "inconclusive")
        {
            wrong.push(format!(
                "{scenario}: {} (exit {exit}), want {want}",
                r["verdict"]
            ));
            continue;
        }
        // No false finding: a working scenario has no error nor warning at all.
        if *want == "healthy" || *want == "inconclusive" {
            let bad: Vec<String> = ["error", "warning"]
                .iter()
                .flat_map(|s| codes(&r, s))
                .collect();
            if !bad.is_empty() {
                wrong.push(format!("{scenario}: false findings {bad:?}"));
            }
        }
        let paired = r["directions"].as_array().is_some_and(|d| !d.is_empty());
        if paired != (*want != "inconclusive") {
            wrong.push(format!("{scenario}: directions {}", r["directions"]));
        }
        let only_configs = r["inputs"]
            .as_array()
            .is_some_and(|i| i.iter().all(|i| i["kind"] == "strongswan-config"));
        if !only_configs {
            wrong.push(format!("{scenario}: inputs {}", r["inputs"]));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(SCENARIOS.len() >= 60);
}

#[test]
fn psk_mismatch_cites_both_secrets_never_their_values() {
    let moon = corpus("ikev2/net2net-psk-fail/hosts/moon/etc/swanctl/swanctl.conf");
    let sun = corpus("ikev2/net2net-psk-fail/hosts/sun/etc/swanctl/swanctl.conf");
    let (_, r) = verdict(&[moon.clone(), sun.clone()]);
    assert!(cites(&r, "psk-mismatch", &moon, line_of(&moon, "secret =")));
    assert!(cites(&r, "psk-mismatch", &sun, line_of(&sun, "secret =")));
    let text = r.to_string();
    assert!(!text.contains("0sv+NkxY9LLZvwj4qCC2o/gGrWDF2d"));
}

/// A scenario's `hosts` folder as strongSwan's test harness hands it to the daemons, in a
/// temporary folder removed when this is dropped. strongSwan's harness (testing/) fills in
/// `PH_IP_<HOST>` / `PH_IP6_<HOST>` with the host's address from its hosts file before
/// charon reads anything: the product knows no test network, so the tests do the same.
struct Harnessed(PathBuf);

impl std::ops::Deref for Harnessed {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Harnessed {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The placeholders of strongSwan's testing network and their addresses, read from its hosts
/// file (`_hosts/hosts`): `PH_IP_MOON` is the IPv4 address of `moon.strongswan.org`,
/// `PH_IP6_MOON` the IPv6 address of `ip6-moon.strongswan.org`.
fn testing_addresses() -> HashMap<String, String> {
    let text = std::fs::read_to_string(corpus("_hosts/hosts")).unwrap();
    let mut out = HashMap::new();
    for line in text.lines() {
        let mut fields = line.split('#').next().unwrap_or("").split_whitespace();
        let Some(addr) = fields.next() else { continue };
        let Ok(ip) = addr.parse::<IpAddr>() else {
            continue;
        };
        for name in fields {
            let Some(host) = name.strip_suffix(".strongswan.org") else {
                continue;
            };
            let key = match (ip, host.strip_prefix("ip6-")) {
                (IpAddr::V4(_), None) => format!("PH_IP_{}", host.to_uppercase()),
                (IpAddr::V6(_), Some(h)) => format!("PH_IP6_{}", h.to_uppercase()),
                _ => continue,
            };
            out.entry(key).or_insert_with(|| addr.to_string());
        }
    }
    out
}

/// `text` with every harness placeholder replaced by its address; a placeholder the hosts
/// file does not name fails the test rather than staying in the copy.
fn fill_placeholders(text: &str, addrs: &HashMap<String, String>, file: &Path) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("PH_IP") {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(tail.len());
        let token = &tail[..end];
        let addr = addrs
            .get(token)
            .unwrap_or_else(|| panic!("{}: {token} not in _hosts/hosts", file.display()));
        out.push_str(addr);
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// The harnessed copy of a scenario's `hosts` folder, each file's text (as filled in)
/// passed through `edit` with its path under `hosts`.
fn copy_hosts(scenario: &str, edit: impl Fn(&Path, String) -> String) -> Harnessed {
    let src = corpus(&format!("{scenario}/hosts"));
    let dst = Harnessed(std::env::temp_dir().join(format!(
        "ipsec-doctor-sw-{}-{}",
        std::process::id(),
        VARIANTS.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    )));
    let addrs = testing_addresses();
    let mut all = Vec::new();
    common::files(&src, &mut all);
    for f in all {
        let rel = f.strip_prefix(&src).unwrap();
        let out = dst.join(rel);
        std::fs::create_dir_all(out.parent().unwrap()).unwrap();
        let text = fill_placeholders(&std::fs::read_to_string(&f).unwrap(), &addrs, &f);
        std::fs::write(&out, edit(rel, text)).unwrap();
    }
    dst
}

/// A scenario's `hosts` folder as the harness runs it.
fn harnessed(scenario: &str) -> Harnessed {
    copy_hosts(scenario, |_, text| text)
}

/// The harnessed `hosts` folder with one host's text changed (`host` "" for every host).
fn variant(scenario: &str, host: &str, from: &str, to: &str) -> Harnessed {
    copy_hosts(scenario, |rel, text| {
        if rel.starts_with(host) && text.contains(from) {
            text.replace(from, to)
        } else {
            text
        }
    })
}

static VARIANTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

#[test]
fn ikev2_narrowing_is_no_mismatch_but_disjoint_selectors_and_ikev1_are() {
    // moon's children take /28s of what sun proposes: narrowed, a note and no fault.
    let (exit, r) = verdict(&[corpus("ikev2/net2net-route-narrow/hosts")]);
    assert_eq!((exit, r["verdict"].as_str()), (0, Some("healthy")), "{r:#}");
    assert_eq!(codes(&r, "info"), ["crypto-acl-asymmetric"], "{r:#}");
    assert!(codes(&r, "warning").is_empty(), "{r:#}");
    // Nothing in common: refused whichever IKE version.
    let dir = variant(
        "ikev2/net2net-route-narrow",
        "moon",
        "local_ts  = 10.1.0.0/28",
        "local_ts  = 10.9.0.0/28",
    );
    let dir = {
        let d2 = dir.join("moon/etc/swanctl/swanctl.conf");
        let t = std::fs::read_to_string(&d2).unwrap();
        std::fs::write(
            &d2,
            t.replace("local_ts  = 10.1.0.16/28", "local_ts  = 10.9.0.16/28"),
        )
        .unwrap();
        dir
    };
    fails_with(&dir, "crypto-acl-asymmetric");
    drop(dir);
    // IKEv1 has no narrowing: the same narrower children refuse sun's quick mode.
    let dir = variant(
        "ikev2/net2net-route-narrow",
        "",
        "version = 2",
        "version = 1",
    );
    fails_with(&dir, "crypto-acl-asymmetric");
    drop(dir);
}

#[test]
fn pfs_is_compared_per_esp_proposal() {
    // moon keeps aes192gcm16 but only with ECP_521: carol's aes192gcm16-ecp384 shares the
    // cipher, not the group; dave's aes256gcm16-ecp521 still matches.
    let dir = variant(
        "ikev2-algs/alg-ecp-high",
        "moon",
        "esp_proposals = aes192gcm16-ecp384,aes256gcm16-ecp521",
        "esp_proposals = aes192gcm16-ecp521,aes256gcm16-ecp521",
    );
    let r = fails_with(&dir, "pfs-mismatch");
    let dirs = r["directions"].as_array().unwrap();
    let outcome = |who: &str| {
        dirs.iter()
            .find(|d| d["initiator"] == who)
            .map(|d| d["outcome"].as_str().unwrap_or("").to_string())
    };
    assert_eq!(outcome("carol").as_deref(), Some("pfs-mismatch"), "{r:#}");
    assert_eq!(outcome("dave").as_deref(), Some("healthy"), "{r:#}");
    drop(dir);
    // No cipher in common at all: the transform, not PFS.
    let dir = variant(
        "ikev2-algs/alg-ecp-high",
        "moon",
        "esp_proposals = aes192gcm16-ecp384,aes256gcm16-ecp521",
        "esp_proposals = aes256-sha512-ecp384",
    );
    let (_, r) = verdict(&[dir.to_path_buf()]);
    assert_eq!(r["verdict"], "transform-set-mismatch", "{r:#}");
    drop(dir);
}

#[test]
fn harness_placeholders_pair_and_route_based_selectors_are_no_catch_all() {
    // `left=PH_IP_MOON`: strongSwan's test harness address, filled in as the harness does
    // before charon reads the files.
    let addrs = testing_addresses();
    assert_eq!(
        (addrs["PH_IP_MOON1"].as_str(), addrs["PH_IP6_SUN"].as_str()),
        ("10.1.0.1", "fec0::2")
    );
    let hosts = harnessed("ikev1-stroke/net2net-psk");
    let (_, r) = verdict(&[hosts.to_path_buf()]);
    let dirs: Vec<String> = r["directions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{}>{}", d["initiator"], d["responder"]))
        .collect();
    assert_eq!(dirs, [r#""moon">"sun""#, r#""sun">"moon""#], "{r:#}");
    assert_eq!(r["peers"][0]["addresses"][0], "192.168.0.1", "{r:#}");
    // 0.0.0.0/0 selectors bound to an XFRM interface or a VTI mark catch nothing else.
    for s in ["route-based/net2net-xfrmi", "route-based/net2net-vti"] {
        let hosts = harnessed(s);
        let (_, r) = verdict(&[hosts.to_path_buf()]);
        assert!(
            !codes(&r, "warning").contains(&"crypto-acl-any".to_string()),
            "{s}: {r:#}"
        );
    }
}

#[test]
fn broken_copies_get_their_cause_from_configs_alone() {
    let case = |c: &str, h: &str| fixture(&format!("strongswan/{c}/{h}/swanctl.conf"));
    // sun's proposals changed: no IKE proposal in common.
    let sun = case("proposal-mismatch", "sun");
    let (exit, r) = run(&[case("proposal-mismatch", "moon"), sun.clone()]);
    assert_eq!(
        (exit, r["verdict"].as_str()),
        (1, Some("ike-proposal-mismatch")),
        "{r:#}"
    );
    assert!(cites(
        &r,
        "ike-proposal-mismatch",
        &sun,
        line_of(&sun, "proposals = aes256-sha384-modp3072")
    ));
    // sun's remote_ts changed: moon's selectors are refused.
    let sun = case("ts-mismatch", "sun");
    let (_, r) = run(&[case("ts-mismatch", "moon"), sun.clone()]);
    assert_eq!(r["verdict"], "crypto-acl-asymmetric", "{r:#}");
    assert!(cites(
        &r,
        "crypto-acl-asymmetric",
        &sun,
        line_of(&sun, "local_ts  = 10.2.0.0/16")
    ));
}

#[test]
fn charon_logs_give_the_cause() {
    let s = |p: &str| fixture(&format!("strongswan/{p}"));
    // (files, verdict, file and line the finding must cite)
    let cases: &[(&[&str], &str, &str, &str)] = &[
        (
            &["psk-fail-ikev2/moon.log", "psk-fail-ikev2/sun.log"],
            "psk-mismatch",
            "psk-fail-ikev2/sun.log",
            "but MAC mismatched",
        ),
        (
            &["psk-fail-ikev2/moon.log"],
            "psk-mismatch",
            "psk-fail-ikev2/moon.log",
            "received AUTHENTICATION_FAILED notify error",
        ),
        (
            &["psk-fail-ikev1/moon.log", "psk-fail-ikev1/sun.log"],
            "psk-mismatch",
            "psk-fail-ikev1/moon.log",
            "invalid HASH_V1 payload length",
        ),
        (
            &["proposal-mismatch/moon.log", "proposal-mismatch/sun.log"],
            "ike-proposal-mismatch",
            "proposal-mismatch/sun.log",
            "received proposals unacceptable",
        ),
        (
            &["proposal-mismatch/moon.log"],
            "ike-proposal-mismatch",
            "proposal-mismatch/moon.log",
            "received NO_PROPOSAL_CHOSEN notify error",
        ),
        (
            &["ts-mismatch/moon.log", "ts-mismatch/sun.log"],
            "crypto-acl-asymmetric",
            "ts-mismatch/sun.log",
            "traffic selectors 10.2.0.0/16 === 10.1.0.0/16 unacceptable",
        ),
        (
            &["ts-mismatch/moon.log"],
            "crypto-acl-asymmetric",
            "ts-mismatch/moon.log",
            "received TS_UNACCEPTABLE notify",
        ),
        (
            &["ike-blocked/moon.log"],
            "ike-blocked",
            "ike-blocked/moon.log",
            "retransmit 1 of request with message ID 0",
        ),
        (
            &["one-way-esp/moon.txt", "one-way-esp/sun.txt"],
            "esp-blocked",
            "one-way-esp/moon.txt",
            "in  c3b9d2f1",
        ),
    ];
    for (paths, want, file, needle) in cases {
        let paths: Vec<PathBuf> = paths.iter().map(|p| s(p)).collect();
        let (exit, r) = run(&paths);
        assert_eq!(r["verdict"], *want, "{paths:?}: {r:#}");
        assert_eq!(exit, 1, "{paths:?}");
        let f = s(file);
        assert!(
            cites(&r, want, &f, line_of(&f, needle)),
            "{paths:?} cites {needle}: {r:#}"
        );
        assert!(
            r["inputs"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i["kind"] == "strongswan-output"),
            "{paths:?}"
        );
    }
}

#[test]
fn log_and_configs_join_into_one_certain_finding() {
    let logs = fixture("strongswan/psk-fail-ikev2");
    let (_, r) = run(&[logs, corpus("ikev2/net2net-psk-fail/hosts")]);
    assert_eq!(r["verdict"], "psk-mismatch");
    let errors = codes(&r, "error");
    assert_eq!(errors, ["psk-mismatch"], "{r:#}");
    let f = &r["findings"][0];
    assert_eq!(f["confidence"], "certain");
    let sun_log = fixture("strongswan/psk-fail-ikev2/sun.log");
    let moon_conf = corpus("ikev2/net2net-psk-fail/hosts/moon/etc/swanctl/swanctl.conf");
    assert!(cites(
        &r,
        "psk-mismatch",
        &sun_log,
        line_of(&sun_log, "MAC mismatched")
    ));
    assert!(cites(
        &r,
        "psk-mismatch",
        &moon_conf,
        line_of(&moon_conf, "secret =")
    ));
    // Both logs carry times: one clock, aligned on the packets both saw.
    assert!(
        !r["timeline"]["offsets"].as_array().unwrap().is_empty(),
        "{r:#}"
    );
    // The broken copy with its logs: still one cause, now proven by the responder.
    let dir = fixture("strongswan/proposal-mismatch");
    let (_, r) = run(&[dir]);
    assert_eq!(codes(&r, "error"), ["ike-proposal-mismatch"], "{r:#}");
    assert_eq!(r["findings"][0]["confidence"], "certain");
}

#[test]
fn invalid_ke_retried_is_no_fault() {
    let (exit, r) = run(&[fixture("strongswan/invalid-ke")]);
    assert_eq!(r["verdict"], "healthy", "{r:#}");
    assert_eq!(exit, 0);
    assert!(codes(&r, "error").is_empty() && codes(&r, "warning").is_empty());
}

#[test]
fn strongx509_console_transcripts() {
    let logs = fixture("corpus/log/strongswan/strongX509-docker");
    // carol's initiation succeeds; the prompts name both hosts.
    let (exit, r) = run(&[logs.join("pq-strongswan.console.txt")]);
    assert_eq!((exit, r["verdict"].as_str()), (0, Some("healthy")), "{r:#}");
    assert_eq!(common::peer_names(&r), ["moon", "carol"]);
    // The road-warrior demo with its configurations (includes read from the folders).
    let (exit, r) = run(&[
        logs.join("strongswan.console.txt"),
        corpus("strongX509-docker/strongswan"),
    ]);
    assert_eq!(exit, 0, "{r:#}");
    assert!(codes(&r, "error").is_empty(), "{r:#}");
    let names = common::peer_names(&r);
    assert!(names.contains(&"server".to_string()) && names.contains(&"client".to_string()));
    // rw.conf, psk.conf... are read through swanctl.conf's includes, not unrecognised.
    assert!(
        !r["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["kind"] == "unrecognised"
                && i["file"]
                    .as_str()
                    .is_some_and(|f| f.ends_with(".conf") && !f.ends_with("strongswan.conf"))),
        "{r:#}"
    );
}

#[test]
fn secrets_only_with_show_secrets_and_names_forced() {
    let dir = harnessed("ikev2-stroke/net2net-psk");
    let out = |extra: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_ipsec-doctor"))
            .arg("diagnose")
            .args(extra)
            .arg(dir.as_os_str())
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let plain = out(&["--verbose", "--format", "json"]);
    assert!(!plain.contains("This is a strong password") && !plain.contains("0x45a30759"));
    // NAME=PATH forces whose output a log is.
    let log = fixture("strongswan/psk-fail-ikev1/moon.log");
    let (_, r) = run(&[PathBuf::from(format!("GW={}", log.display()))]);
    assert_eq!(common::peer_names(&r), ["GW"]);
}

/// The commands of the fix a finding gives for one peer.
fn fix_for(r: &serde_json::Value, code: &str, peer: &str) -> Vec<String> {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .flat_map(|f| f["fix"].as_array().cloned().unwrap_or_default())
        .filter(|x| x["peer"] == peer)
        .flat_map(|x| x["commands"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c.as_str().map(str::to_string))
        .collect()
}

#[test]
fn legacy_pairs_and_fixes_in_strongswan_syntax() {
    // ipsec.conf + ipsec.secrets with the harness placeholders replaced (see the README).
    let (exit, r) = run(&[fixture("strongswan/stroke-net2net")]);
    assert_eq!((exit, r["verdict"].as_str()), (0, Some("healthy")), "{r:#}");
    let sun = fixture("strongswan/stroke-psk-fail/sun/ipsec.secrets");
    let (_, r) = run(&[fixture("strongswan/stroke-psk-fail")]);
    assert_eq!(r["verdict"], "psk-mismatch", "{r:#}");
    assert!(cites(&r, "psk-mismatch", &sun, 3));
    let fix = fix_for(&r, "psk-mismatch", "moon");
    assert!(fix.contains(&"ipsec rereadsecrets".to_string()), "{fix:?}");
    assert!(
        fix.iter()
            .any(|c| c.starts_with("@moon.strongswan.org @sun.strongswan.org : PSK"))
    );
    assert!(!r.to_string().contains("BrokenKey"));
    // swanctl.conf: the secret section that holds the key, and the selectors of the child.
    let (_, r) = run(&[corpus("ikev2/net2net-psk-fail/hosts")]);
    let fix = fix_for(&r, "psk-mismatch", "sun");
    assert_eq!(
        fix,
        [
            "# swanctl.conf: secrets { ike { secret = <the key configured on moon> } }",
            "swanctl --load-creds"
        ]
    );
    let dir = fixture("strongswan/ts-mismatch");
    let (_, r) = run(&[dir.join("moon"), dir.join("sun")]);
    let fix = fix_for(&r, "crypto-acl-asymmetric", "sun");
    assert!(
        fix.iter()
            .any(|c| c.contains("children { net-net { remote_ts = 10.1.0.0/16 } }")),
        "{fix:?}"
    );
    assert_eq!(fix.last().map(String::as_str), Some("swanctl --load-conns"));
    // What to look at, in strongSwan's commands.
    let steps = r["next_steps"].to_string();
    assert!(
        steps.contains("swanctl --list-conns") && steps.contains("ip xfrm policy"),
        "{steps}"
    );
}

#[test]
fn explain_reads_a_pasted_charon_line() {
    let x = ipsec_doctor::explain::explain("14[IKE] giving up after 5 retransmits");
    assert!(x.iter().any(|e| e.causes.contains(&"ike-blocked")), "{x:?}");
    let x = ipsec_doctor::explain::explain(
        "Nov 29 10:00:01 sun charon: 06[IKE] tried 1 shared key for 'sun' - 'moon', but MAC mismatched",
    );
    assert!(
        x.iter().any(|e| e.causes.contains(&"psk-mismatch")),
        "{x:?}"
    );
}

/// The lab's recordings of real charon (tests/fixtures/lab, from lab/lab.sh): each
/// gateway's charon log and `swanctl --list-sas` alone, without configurations or captures,
/// already tell the faults that show in charon's output.
#[test]
fn real_charon_logs_and_sa_listings_alone() {
    let lab = fixture("lab");
    for (scenario, want) in [
        ("healthy-v1", "healthy"),
        ("healthy-v2", "healthy"),
        ("invalid-ke-recovers", "healthy"),
        ("nat-healthy", "healthy"),
        ("ike-proposal-v1", "ike-proposal-mismatch"),
        ("ike-proposal-v2", "ike-proposal-mismatch"),
        ("psk-v1", "psk-mismatch"),
        ("psk-v2", "psk-mismatch"),
        ("child-proposal", "transform-set-mismatch"),
        ("ts-v2", "crypto-acl-asymmetric"),
        ("udp500-blocked", "ike-blocked"),
        ("esp-blocked-one-way", "esp-blocked"),
    ] {
        let d = lab.join(scenario);
        if !d.exists() {
            continue;
        }
        let mut args = Vec::new();
        for side in ["left", "right"] {
            for f in ["charon.log", "list-sas.txt"] {
                let p = d.join(side).join(f);
                // An empty listing (no SA at all) is no evidence of any kind.
                if p.metadata().is_ok_and(|m| m.len() > 0) {
                    args.push(PathBuf::from(format!("{side}={}", p.display())));
                }
            }
        }
        let (_, r) = run(&args);
        assert_eq!(r["verdict"], want, "{scenario}: {r:#}");
        assert!(
            r["inputs"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i["kind"] == "strongswan-output"),
            "{scenario}"
        );
    }
}
