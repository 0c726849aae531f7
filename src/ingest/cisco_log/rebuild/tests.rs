use crate::ingest::cisco_log::parse;
use crate::model::{Device, PeerMatch};

fn model(text: &str) -> Device {
    parse("r1.txt", text).model.expect("a model")
}

#[test]
fn modern_routing_table_gives_routes_and_local_addresses() {
    let d = model(
        "R1#show ip route\n\
Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP\n\
\n\
Gateway of last resort is 198.51.100.1 to network 0.0.0.0\n\
\n\
S*    0.0.0.0/0 [1/0] via 198.51.100.1\n\
      10.0.0.0/8 is variably subnetted, 2 subnets, 2 masks\n\
C        10.1.1.0/24 is directly connected, GigabitEthernet0/1\n\
L        10.1.1.1/32 is directly connected, GigabitEthernet0/1\n\
O E2     10.9.0.0/16 [110/20] via 10.1.1.2, 00:01:02, GigabitEthernet0/1\n\
                     [110/20] via 10.1.1.3, 00:01:02, GigabitEthernet0/1\n\
      198.51.100.0/24 is variably subnetted, 2 subnets, 2 masks\n\
C        198.51.100.0/30 is directly connected, GigabitEthernet0/0\n\
L        198.51.100.2/32 is directly connected, GigabitEthernet0/0\n",
    );
    assert!(d.known.routes && !d.known.interfaces && !d.known.keys);
    let r = d
        .route_to("203.0.113.9".parse().unwrap())
        .expect("default route");
    assert_eq!(r.exit.map(|i| i.name.as_str()), Some("GigabitEthernet0/0"));
    assert!(d.owns("198.51.100.2".parse().unwrap()));
    let g0 = d.interface("GigabitEthernet0/0").unwrap();
    assert_eq!(g0.addresses[0].to_string(), "198.51.100.2/30");
    // Both paths of the OSPF route are kept.
    let ospf: Vec<_> = d
        .routes
        .iter()
        .filter(|r| r.prefix.to_string() == "10.9.0.0/16")
        .collect();
    assert_eq!(ospf.len(), 2);
    // Evidence cites the line of the table, not a rebuilt statement.
    assert!(
        d.routes
            .iter()
            .any(|r| r.loc.text.contains("S*    0.0.0.0/0"))
    );
}

#[test]
fn keyring_keys_are_read_and_masked() {
    let d = model(
        "R1#show crypto isakmp key\n\
Keyring      Hostname/Address                            Preshared Key\n\
\n\
default      192.0.2.2                                   s3cr3t-one\n\
VPN-RING     198.51.100.9 [255.255.255.255]              s3cr3t-two\n",
    );
    assert!(d.known.keys);
    assert_eq!(d.psks.len(), 2);
    for k in &d.psks {
        assert!(!k.loc.text.contains("s3cr3t"), "{}", k.loc.text);
        assert!(k.loc.shown(true).contains("s3cr3t"));
        assert!(matches!(k.peer, PeerMatch::Address(_)));
    }
    assert_eq!(d.psks[1].keyring.as_deref(), Some("VPN-RING"));
    // Same key text, same fingerprint; different text, different fingerprint.
    assert_ne!(d.psks[0].key, d.psks[1].key);
}

#[test]
fn isakmp_policy_and_transform_sets_become_proposals() {
    let d = model(
        "R1#show crypto isakmp policy\n\
\n\
Global IKE policy\n\
Protection suite of priority 10\n\
\tencryption algorithm:\tAES - Advanced Encryption Standard (256 bit keys).\n\
\thash algorithm:\t\tSecure Hash Standard 2 (256 bit)\n\
\tauthentication method:\tPre-Shared Key\n\
\tDiffie-Hellman group:\t#14 (2048 bit)\n\
\tlifetime:\t\t28800 seconds, no volume limit\n\
R1#show crypto ipsec transform-set\n\
Transform set TS-AES: { esp-256-aes esp-sha256-hmac  }\n\
   will negotiate = { Transport,  },\n",
    );
    assert!(d.known.ike_policies && d.known.transforms);
    let p = d.ike_proposals.iter().find(|p| p.priority == 10).unwrap();
    assert_eq!(p.lifetime_secs, 28800);
    assert_eq!(format!("{:?}", p.groups), "[DhGroup(14)]");
    assert!(format!("{:?}", p.encr).contains("256"));
    let ts = d.proposals.iter().find(|p| p.name == "TS-AES").unwrap();
    assert!(ts.uses_esp());
}

#[test]
fn interface_and_access_list_with_sequence_numbers_and_hit_counts() {
    let d = model(
        "R1#show ip interface GigabitEthernet0/0\n\
GigabitEthernet0/0 is up, line protocol is up\n\
  Internet address is 198.51.100.2/30\n\
  Outgoing access list is not set\n\
  Inbound  access list is EDGE-IN\n\
R1#show ip access-lists EDGE-IN\n\
Extended IP access list EDGE-IN\n\
    10 permit udp any any eq isakmp (12 matches)\n\
    20 deny   ip any any log (3402 matches)\n\
R1#show ip interface Loopback9\n\
Loopback9 is administratively down, line protocol is down\n\
  Internet address is 10.99.0.1/32\n",
    );
    let g = d.interface("GigabitEthernet0/0").unwrap();
    assert_eq!(g.acl_in.as_ref().map(|(n, _)| n.as_str()), Some("EDGE-IN"));
    let acl = d.acl("EDGE-IN").unwrap();
    assert_eq!(acl.entries.len(), 2);
    assert!(acl.entries[1].loc.text.contains("(3402 matches)"));
    assert!(d.interface("Loopback9").unwrap().shutdown);
}

#[test]
fn clock_and_certificates() {
    let d = model(
        "R1#show clock\n\
*10:15:02.123 UTC Mon Nov 30 2026\n\
R1#show crypto pki certificates\n\
Certificate\n\
  Status: Available\n\
  Subject:\n\
    Name: r1.example.net\n\
  Validity Date: \n\
    start date: 00:00:00 UTC Jan 1 2025\n\
    end   date: 00:00:00 UTC Jan 1 2026\n\
CA Certificate\n\
  Status: Available\n\
  Validity Date: \n\
    start date: 00:00:00 UTC Jan 1 2020\n\
    end   date: 00:00:00 UTC Jan 1 2040\n",
    );
    let c = d.clock.as_ref().unwrap();
    assert_eq!(crate::model::known::date_of(c.at), "2026-11-30");
    assert_eq!(d.certificates.len(), 2);
    assert_eq!(d.certificates[0].subject.as_deref(), Some("r1.example.net"));
    assert!(d.certificates[1].is_ca());
    let end = d.certificates[0].not_after.as_ref().unwrap().0;
    assert!(end < c.at);
}

#[test]
fn unrelated_lines_rebuild_nothing() {
    assert!(
        parse("x", "R1#show version\nCisco IOS Software\n")
            .model
            .is_none()
    );
}
