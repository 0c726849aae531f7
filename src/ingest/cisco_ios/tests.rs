use super::parse;
use crate::model::{AddrSpec, AuthMethod, DhGroup, Encr, IkeAttr, Integ, PeerMatch, PolicyKind};

const TOKYO: &str = include_str!("../../cases/tokyo.cfg");

#[test]
fn book_config_maps_onto_the_model() {
    let d = parse("tokyo.cfg", TOKYO);
    assert_eq!(d.name, "Tokyo");
    // Policy 10 plus the legacy built-in 65535 of a 12.x release.
    let p = &d.ike_proposals[0];
    assert_eq!(p.priority, 10);
    assert_eq!(p.encr, vec![Encr::Des], "encryption defaults to DES");
    assert_eq!(p.integ, vec![Integ::Md5]);
    assert_eq!(p.groups, vec![DhGroup(1)], "group defaults to 1");
    assert_eq!(p.auth, Some(AuthMethod::PreShared));
    assert_eq!(p.lifetime_secs, 86_400);
    assert_eq!(
        p.attr_loc(IkeAttr::Integrity).and_then(|l| l.line),
        Some(17)
    );
    assert!(p.attr_loc(IkeAttr::Encryption).is_none());
    let builtin = d.ike_proposals.last().unwrap();
    assert!(
        builtin.builtin && builtin.priority == 65535 && builtin.auth == Some(AuthMethod::RsaSig)
    );

    assert_eq!(d.psks.len(), 1);
    assert!(matches!(&d.psks[0].peer, PeerMatch::Address(a) if a.to_string() == "172.16.6.2"));
    assert!(
        !d.psks[0].loc.text.contains("cisco"),
        "key text is redacted"
    );
    assert!(d.psks[0].loc.shown(true).contains("cisco"));

    let pol = &d.policies[0];
    assert_eq!(
        pol.kind,
        PolicyKind::CryptoMap {
            map: "mjlnetmap".into(),
            seq: 10
        }
    );
    assert_eq!(pol.peers[0].0.to_string(), "172.16.6.2");
    assert_eq!(pol.proposals[0].esp_integ, vec![Integ::Sha1]);
    assert_eq!(pol.selectors.len(), 1);
    assert_eq!(pol.selectors[0].flow.src.to_string(), "10.1.1.0/24");
    assert_eq!(pol.selectors[0].loc.line, Some(40));

    let wan = d.interface("Serial4/0").unwrap();
    assert_eq!(wan.crypto_map.as_ref().unwrap().0, "mjlnetmap");
    assert_eq!(d.routes[0].prefix.to_string(), "0.0.0.0/0");
    let l = d.route_to("172.16.6.2".parse().unwrap()).unwrap();
    assert_eq!(l.exit.unwrap().name, "Serial4/0");
}

#[test]
fn keys_keyrings_profiles_and_type7() {
    let cfg = "hostname R\n\
crypto isakmp key 7 02050D480809 address 192.0.2.1\n\
crypto isakmp key 6 ABCDEF address 192.0.2.2 255.255.255.255\n\
crypto isakmp key wild address 0.0.0.0 0.0.0.0 no-xauth\n\
crypto keyring KR\n  pre-shared-key address 198.51.100.0 255.255.255.0 key 0 ringkey\n\
crypto isakmp profile P\n   keyring KR\n   match identity address 198.51.100.7 255.255.255.255\n\
no crypto isakmp enable\n";
    let d = parse("r.cfg", cfg);
    assert_eq!(d.psks.len(), 4);
    let plain = crate::model::SecretFingerprint::of_cleartext("cisco");
    assert_eq!(d.psks[0].key.same_as(&plain), Some(true), "type 7 decodes");
    assert_eq!(d.psks[1].key.same_as(&plain), None, "type 6 is opaque");
    assert!(matches!(d.psks[2].peer, PeerMatch::Address(AddrSpec::Any)));
    assert_eq!(d.psks[3].keyring.as_deref(), Some("KR"));
    assert_eq!(d.ike_profiles[0].keyrings, vec!["KR".to_string()]);
    assert!(d.ike_disabled.is_some());
    for k in &d.psks {
        assert!(
            !k.loc.text.contains("ringkey")
                && !k.loc.text.contains("wild ")
                && !k.loc.text.contains("02050D480809")
        );
    }
}

#[test]
fn dynamic_maps_vti_named_acls_and_modern_defaults() {
    let cfg = "version 15.2\nhostname HUB\n\
crypto ipsec transform-set T esp-aes 256 esp-sha256-hmac\n mode transport\n\
crypto ipsec profile PROF\n set transform-set T\n set pfs group14\n\
crypto dynamic-map DYN 5\n set transform-set T\n match address NAMED\n\
crypto map VPN 65535 ipsec-isakmp dynamic DYN\n\
ip access-list extended NAMED\n 10 permit ip 10.0.0.0 0.0.255.255 any\n 20 deny udp any any eq non500-isakmp\n remark x\n\
interface Tunnel1\n ip address 169.254.0.1 255.255.255.252\n tunnel source GigabitEthernet1\n tunnel mode ipsec ipv4\n tunnel destination 203.0.113.9\n tunnel protection ipsec profile PROF\n\
interface GigabitEthernet1\n ip address 198.51.100.1 255.255.255.0\n crypto map VPN\n ip access-group EDGE in\n\
ip route 10.9.0.0 255.255.0.0 Tunnel1 250 name spoke\n";
    let d = parse("hub.cfg", cfg);
    assert_eq!(
        d.ike_proposals.len(),
        8,
        "15.x with no policy uses the 8 default suites"
    );
    let dynp = d
        .policies
        .iter()
        .find(|p| matches!(p.kind, PolicyKind::DynamicMap { .. }))
        .unwrap();
    assert!(!dynp.can_initiate());
    assert!(
        matches!(&dynp.kind, PolicyKind::DynamicMap { parent: Some((m, 65535)), .. } if m == "VPN")
    );
    assert_eq!(dynp.selectors.len(), 2);
    assert_eq!(dynp.proposals[0].esp_encr, vec![Encr::Aes { bits: 256 }]);
    let vti = d
        .policies
        .iter()
        .find(|p| matches!(p.kind, PolicyKind::Vti { .. }))
        .unwrap();
    assert_eq!(vti.peers[0].0.to_string(), "203.0.113.9");
    assert_eq!(vti.pfs.as_ref().unwrap().0, DhGroup(14));
    assert!(vti.selectors[0].flow.src.is_any());
    assert_eq!(d.routes[0].distance, 250);
    assert_eq!(d.routes[0].interface.as_deref(), Some("Tunnel1"));
    assert_eq!(
        d.interface("GigabitEthernet1")
            .unwrap()
            .acl_in
            .as_ref()
            .unwrap()
            .0,
        "EDGE"
    );
}

#[test]
fn unknown_lines_are_kept_not_dropped() {
    let d = parse(
        "x.cfg",
        "hostname X\nrouter ospf 1\n network 10.0.0.0 0.255.255.255 area 0\ncrypto isakmp policy 10\n frobnicate on\n",
    );
    let lines: Vec<u32> = d.skipped.iter().filter_map(|l| l.line).collect();
    assert_eq!(lines, vec![2, 3, 5]);
}

#[test]
fn garbage_never_panics() {
    for text in [
        "crypto map",
        "crypto map X",
        "crypto map X notanumber ipsec-isakmp",
        "ip route",
        "ip route 1.2.3.4",
        "access-list 101 permit",
        "access-list 101 permit tcp any eq",
        "crypto isakmp key",
        "crypto isakmp key 7 zz address 1.2.3.4",
        "interface\n ip address 1 2",
        "crypto keyring K\n pre-shared-key address key",
        "crypto ipsec transform-set T esp-aes abc",
        "banner motd ^C\nnever closed",
        "\u{0}\u{1}#",
        "hostname",
        "crypto isakmp policy 99999999999",
    ] {
        let _ = parse("g.cfg", text);
    }
}
