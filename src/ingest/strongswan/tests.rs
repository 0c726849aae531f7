use super::*;
use crate::evidence::{Direction, EventKind};
use crate::model::{AddrSpec, DhGroup, Encr, IkeVersion, Integ, PeerMatch, PolicyKind};

fn kinds(text: &str) -> Vec<EventKind> {
    parse_output("t.log", text)
        .0
        .events
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

#[test]
fn proposal_keywords() {
    use proposals::{Item, algs, list, seconds};
    let a = algs("aes128gcm16-prfsha256-ecp256");
    assert_eq!(a.encr, [Encr::AesGcm { bits: 128, icv: 16 }]);
    assert_eq!(
        (a.prf.as_slice(), a.groups.as_slice()),
        ([Integ::Sha256].as_slice(), [DhGroup(19)].as_slice())
    );
    let a = algs("aes256-aes128-sha512-sha1-modp2048-x25519-ke1_mlkem768-esn");
    assert_eq!(a.encr, [Encr::Aes { bits: 256 }, Encr::Aes { bits: 128 }]);
    assert_eq!(a.integ, [Integ::Sha512, Integ::Sha1]);
    assert_eq!(a.groups, [DhGroup(14), DhGroup(31)]);
    assert!(a.unknown.is_empty());
    assert_eq!(
        algs("aes128gcm8").encr,
        [Encr::AesGcm { bits: 128, icv: 8 }]
    );
    assert_eq!(
        algs("aes256gcm128").encr,
        [Encr::AesGcm { bits: 256, icv: 16 }]
    );
    assert_eq!(algs("camellia256-sha256").unknown, ["camellia256"]);
    // ipsec.conf appends the defaults unless `!`; swanctl only when `default` is listed.
    assert_eq!(list("aes128-sha1", true).last(), Some(&Item::Default));
    assert!(!list("aes128-sha1!", true).contains(&Item::Default));
    assert!(!list("aes128-sha1", false).contains(&Item::Default));
    assert_eq!(list("aes128-sha1, default", false).len(), 2);
    assert_eq!(seconds("20m"), Some(1200));
    assert_eq!(seconds("1d"), Some(86400));
    assert_eq!(seconds("4h"), Some(14400));
    assert_eq!(seconds("3600"), Some(3600));
    assert_eq!(seconds("x"), None);
    assert_eq!(seconds("99999999999d"), None);
}

#[test]
fn hex_and_base64_keys_compare_as_bytes() {
    // ikev2/rw-psk-fqdn writes the same key both ways.
    let hex = build::fingerprint("0x16964066a10de938bdb2ab7864fe4459cab1");
    let b64 = build::fingerprint("0sFpZAZqEN6Ti9sqt4ZP5EWcqx");
    assert_eq!(hex.same_as(&b64), Some(true));
    // A key in clear compares with any vendor's cleartext key.
    let clear = build::fingerprint("cisco123");
    assert_eq!(
        clear.same_as(&crate::model::SecretFingerprint::of_cleartext("cisco123")),
        Some(true)
    );
    assert_eq!(
        build::fingerprint("0xZZ").same_as(&crate::model::SecretFingerprint::of_cleartext("0xZZ")),
        Some(true)
    );
}

const NET2NET: &str = r#"
# a comment
connections {
   gw-gw {
      local_addrs  = 192.168.0.1
      remote_addrs = 192.168.0.2
      local { auth = psk
         id = moon.strongswan.org }
      remote
      {
         auth = psk
         id = sun.strongswan.org   # trailing comment
      }
      children {
         net-net {
            local_ts  = 10.1.0.0/16, 10.3.0.0/16[tcp/80]
            remote_ts = 10.2.0.0/16
            esp_proposals = aes128-sha256-modp2048
            mode = transport
         }
      }
      version = 1
      proposals = aes256-sha384-ecp384, aes128-sha256-modp2048
      rekey_time = 2h
      updown = /usr/local/libexec/ipsec/_updown iptables
   }
}
secrets {
   ike-1 {
      id-moon = moon.strongswan.org
      id-sun = sun.strongswan.org
      secret = "this is # not a comment"
   }
   eap-carol {
      id = carol
      secret = Ar3etTnp
   }
}
"#;

#[test]
fn swanctl_syntax_and_model() {
    let d = parse_config("moon/swanctl.conf", NET2NET);
    assert_eq!(d.name, "moon");
    let v1: Vec<_> = d
        .ike_proposals
        .iter()
        .filter(|p| p.version == IkeVersion::V1)
        .collect();
    assert_eq!(v1.len(), 2);
    assert_eq!(v1[0].lifetime_secs, 7200);
    assert_eq!(v1[1].groups, [DhGroup(14)]);
    let pol = &d.policies[0];
    assert_eq!(
        pol.kind,
        PolicyKind::Connection {
            name: "gw-gw child net-net".into()
        }
    );
    assert_eq!(pol.ike_version, IkeVersion::V1);
    assert_eq!(pol.selectors.len(), 2);
    let web = &pol.selectors[1].flow;
    // The local selector's port is the flow's source port.
    assert_eq!((web.proto, web.src_ports[0].lo), (Some(6), 80));
    assert_eq!(web.dst_ports.len(), 1);
    assert_eq!(pol.proposals[0].mode, crate::model::EncapMode::Transport);
    assert_eq!(pol.pfs.as_ref().map(|(g, _)| *g), Some(DhGroup(14)));
    let prof = &d.ike_profiles[0];
    assert_eq!(prof.match_identities.len(), 1);
    // The key is for the peer's address; its line never shows the value, quoted `#` and all.
    let k = &d.psks[0];
    assert_eq!(
        k.peer,
        PeerMatch::Address(AddrSpec::host("192.168.0.2".parse().unwrap()))
    );
    assert_eq!(
        k.key
            .same_as(&build::fingerprint("this is # not a comment")),
        Some(true)
    );
    assert!(
        k.loc.text.ends_with("secret = <secret hidden>"),
        "{}",
        k.loc.text
    );
    assert!(
        k.loc
            .secret_text
            .as_deref()
            .is_some_and(|t| t.contains("not a comment"))
    );
    // Unmodelled lines are kept, secrets in them redacted.
    let skipped: Vec<&str> = d.skipped.iter().map(|l| &*l.text).collect();
    assert!(skipped.iter().any(|t| t.contains("updown")));
    assert!(
        skipped.iter().all(|t| !t.contains("Ar3etTnp")),
        "{skipped:?}"
    );
}

#[test]
fn includes_references_and_bad_input() {
    let mut mem = std::collections::HashMap::new();
    mem.insert(
        "gw/conf.d/a.conf".to_string(),
        "a { remote_addrs = 10.0.0.2\n children { c { } } }",
    );
    mem.insert("gw/conf.d/b.conf".to_string(), "b : a { }");
    let top = "connections {\n include conf.d/*.conf\n}\n";
    let (d, used) = parse_group("gw", &[("gw/swanctl.conf", top)], mem, false);
    assert_eq!(used, ["gw/conf.d/a.conf", "gw/conf.d/b.conf"]);
    // `b : a` inherits a's remote address and child.
    let peers: Vec<String> = d
        .policies
        .iter()
        .map(|p| format!("{} {:?}", p.label(), p.peers.first().map(|x| x.0)))
        .collect();
    assert!(
        peers.contains(&"connection b child c Some(10.0.0.2)".to_string()),
        "{peers:?}"
    );
    // Unbalanced braces, stray tokens, a self-including file: no panic, bounded.
    for t in [
        "connections { a { b {",
        "}}} = = {",
        "include x\ninclude x",
        "\"unterminated",
        "a : : {",
        "connections { x : connections.x { } }",
    ] {
        let _ = parse_config("x.conf", t);
    }
    let mut mem = std::collections::HashMap::new();
    mem.insert(
        "loop.conf".to_string(),
        "include loop.conf\nconnections { l { } }",
    );
    let (d, _) = parse_group(
        "l",
        &[("loop.conf", "include loop.conf\nconnections { l { } }")],
        mem,
        false,
    );
    assert_eq!(d.ike_profiles.len(), 1);
}

const IPSEC_CONF: &str = "config setup\n    charondebug=\"ike 2\"\n\nconn %default\n\tkeyexchange=ikev1\n\tauthby=secret\n\tike=aes128-sha256-modp3072!\n\nconn base\n\tauto=ignore\n\tleft=192.168.0.1\n\tleftsubnet=10.1.0.0/16\n\nconn net-net\n\talso=base\n\tright=192.168.0.2\n\trightsubnet=10.2.0.0/16\n\trightid=@sun\n\tesp=aes256gcm16\n\tauto=start\n\nconn off\n\tauto=ignore\n";

#[test]
fn stroke_inheritance_and_secrets() {
    let secrets = "# ipsec.secrets\n@moon @sun : PSK \"Strong 1\"\n: PSK 'fallback'\ncarol : EAP \"carol-pw\"\n192.168.0.2 : PSK 0x3132\n  \n";
    let d = parse_configs(
        "moon",
        &[
            ("moon/ipsec.conf", IPSEC_CONF),
            ("moon/ipsec.secrets", secrets),
        ],
    );
    assert!(d.known.keys);
    let labels: Vec<String> = d.policies.iter().map(|p| p.label()).collect();
    assert_eq!(labels, ["connection net-net"]);
    let p = &d.policies[0];
    assert_eq!(p.ike_version, IkeVersion::V1);
    assert_eq!(p.peers[0].0.to_string(), "192.168.0.2");
    assert_eq!(
        p.selectors[0].flow.src,
        AddrSpec::Net {
            net: "10.1.0.0/16".parse().unwrap()
        }
    );
    // esp= without `!` is supplemented by the defaults; ike= with `!` is not.
    assert!(p.proposals.len() > 1);
    assert!(
        d.ike_proposals
            .iter()
            .filter(|x| x.name == "net-net")
            .all(|x| !x.builtin)
    );
    // rightid=@sun: the key naming sun beats the catch-all and the address key.
    let k = d.psks.iter().find(|k| matches!(&k.peer, PeerMatch::Address(a) if a.contains("192.168.0.2".parse().unwrap()))).unwrap();
    assert_eq!(k.key.same_as(&build::fingerprint("Strong 1")), Some(true));
    for l in d.psks.iter().map(|k| &k.loc).chain(d.skipped.iter()) {
        for s in ["Strong 1", "fallback", "carol-pw", "0x3132"] {
            assert!(!l.text.contains(s), "{}", l.text);
        }
    }
    // ipsec.conf alone: the keys are elsewhere, so none is missing.
    let alone = parse_config("moon/ipsec.conf", IPSEC_CONF);
    assert!(!alone.known.keys);
}

#[test]
fn detection() {
    assert_eq!(flavor(NET2NET), Some(Flavor::Swanctl));
    assert_eq!(flavor(IPSEC_CONF), Some(Flavor::Stroke));
    assert_eq!(flavor("@moon @sun : PSK \"x\"\n"), Some(Flavor::Secrets));
    assert_eq!(
        flavor("09[IKE] initiating IKE_SA home[1] to 192.168.0.2\n"),
        Some(Flavor::Output)
    );
    // libreswan's ipsec.conf is not ours; strongswan.conf is no connection file.
    assert_eq!(
        flavor("version 2.0\nconfig setup\n\tplutodebug=all\nconn west\n\tleft=1.2.3.4\n"),
        None
    );
    assert_eq!(flavor("charon {\n  load_modular = yes\n}\n"), None);
    assert_eq!(
        name_from_path("x/hosts/moon/etc/swanctl/swanctl.conf"),
        "moon"
    );
    assert_eq!(name_from_path("/etc/ipsec.conf"), "ipsec");
    assert_eq!(name_from_path("logs/sun.log"), "sun");
}

#[test]
fn charon_line_forms_and_times() {
    let forms = [
        "09[NET] sending packet: from 192.168.0.1[500] to 192.168.0.2[500] (240 bytes)",
        "Nov 29 10:00:01 09[NET] sending packet: from 192.168.0.1[500] to 192.168.0.2[500] (240 bytes)",
        "Nov 29 10:00:01 moon charon: 09[NET] sending packet: from 192.168.0.1[500] to 192.168.0.2[500] (240 bytes)",
        "Nov 29 10:00:01 moon charon-systemd[123]: sending packet: from 192.168.0.1[500] to 192.168.0.2[500] (240 bytes)",
        "2024-11-29T10:00:01.500+01:00 moon charon[7]: 09[NET] <gw-gw|1> sending packet: from 192.168.0.1[500] to 192.168.0.2[500] (240 bytes)",
    ];
    for (i, f) in forms.iter().enumerate() {
        let (o, hosts) = parse_output("t.log", f);
        // The packet, and the size the line gives.
        assert_eq!(o.events.len(), 2, "{f}");
        assert!(
            matches!(
                o.events[1].kind,
                EventKind::IkeSize {
                    direction: Direction::Sent,
                    bytes: 240,
                    port: Some(500),
                }
            ),
            "{f}"
        );
        let e = &o.events[0];
        assert_eq!(
            e.peer.map(|p| p.to_string()).as_deref(),
            Some("192.168.0.2"),
            "{f}"
        );
        assert!(
            matches!(
                e.kind,
                EventKind::IkeMessage {
                    direction: Direction::Sent,
                    port: Some(500),
                    ..
                }
            ),
            "{f}"
        );
        if i >= 2 {
            assert_eq!(hosts, ["moon"], "{f}");
        }
        if i >= 1 {
            assert!(
                e.time.is_some_and(|t| (t - 36001.0).abs() < 1.0),
                "{f}: {:?}",
                e.time
            );
        }
    }
    assert_eq!(time_of("2024-11-29T10:00:01.25Z"), Some(36001.25));
}

#[test]
fn refusals_and_recoveries() {
    // INVALID_KE_PAYLOAD asked for and retried: no refusal event.
    let k = kinds(
        "05[IKE] DH group CURVE_25519 unacceptable, requesting MODP_3072\n11[IKE] peer didn't accept DH group CURVE_25519, it requested MODP_3072\n",
    );
    assert!(k.is_empty(), "{k:?}");
    // A CHILD_SA proposal refused: phase 2 (the proposals were ESP ones).
    let k = kinds(
        "07[CFG] received proposals: ESP:AES_CBC_256/HMAC_SHA2_256_128/NO_EXT_SEQ\n07[IKE] no acceptable proposal found\n",
    );
    assert!(
        matches!(k[..], [EventKind::NoProposalAccepted { phase: 2 }]),
        "{k:?}"
    );
    let k = kinds(
        "05[CFG] no IKE config found for 192.168.0.2...192.168.0.1, sending NO_PROPOSAL_CHOSEN\n",
    );
    assert!(
        matches!(k[..], [EventKind::NoProposalAccepted { phase: 1 }]),
        "{k:?}"
    );
    // The initiator refuses the selectors the responder narrowed to: charon only says the
    // child failed right after choosing selectors.
    let k = kinds(
        "01[CFG] <lab|1> selecting traffic selectors for us:\n01[CFG] <lab|1> selecting traffic selectors for other:\n01[IKE] <lab|1> failed to establish CHILD_SA, keeping IKE_SA\n",
    );
    assert!(matches!(k[..], [EventKind::SelectorsRejected]), "{k:?}");
    let k = kinds(
        "01[CFG] selecting traffic selectors for us:\n01[IKE] CHILD_SA net{1} established with SPIs a_i b_o and TS 10.1.0.0/16 === 10.2.0.0/16\n01[IKE] failed to establish CHILD_SA, keeping IKE_SA\n",
    );
    assert!(
        matches!(k[..], [EventKind::PhaseComplete { phase: 2 }]),
        "{k:?}"
    );
    let k = kinds("06[IKE] no shared key found for 'moon' - 'sun'\n");
    assert!(matches!(k[..], [EventKind::NoKey]), "{k:?}");
    // Retransmission of IKE_AUTH (message 1): phase 1, attempt 2, peer from the packet.
    let (o, _) = parse_output(
        "t",
        "10[ENC] generating IKE_AUTH request 1 [ IDi AUTH SA TSi TSr ]\n10[NET] sending packet: from 192.168.0.1[4500] to 192.168.0.2[4500] (256 bytes)\n14[IKE] retransmit 2 of request with message ID 1\n14[NET] sending packet: from 192.168.0.1[4500] to 192.168.0.2[4500] (256 bytes)\n",
    );
    let r = o
        .events
        .iter()
        .find(|e| matches!(e.kind, EventKind::Retransmit { .. }))
        .unwrap();
    assert!(matches!(
        r.kind,
        EventKind::Retransmit {
            phase: Some(1),
            attempt: Some(2)
        }
    ));
    assert_eq!(
        r.peer.map(|p| p.to_string()).as_deref(),
        Some("192.168.0.2")
    );
}

#[test]
fn sa_listings() {
    let (o, hosts) = parse_output(
        "t",
        "gw# swanctl --list-sas\ngw-gw: #1, ESTABLISHED, IKEv2, 3f7c_i 5a4b_r*\n  local  'sun' @ 192.168.0.2[4500]\n  remote 'moon' @ 192.168.0.1[4500]\n  net: #1, reqid 1, INSTALLED, TUNNEL, ESP:AES_GCM_16-128\n    in  c3b9d2f1 (-|0x00000064),  840 bytes,    10 packets,     2s ago\n    out c8a4e7b2,      0 bytes,     0 packets\n    local  10.2.0.0/16\n    remote 10.1.0.0/16\n",
    );
    assert_eq!(hosts, ["gw"]);
    let c = o.events.iter().find_map(|e| match &e.kind {
        EventKind::Counters {
            encaps,
            decaps,
            local,
            remote_ident,
            ..
        } => Some((*encaps, *decaps, *local, *remote_ident, e.peer)),
        _ => None,
    });
    let (enc, dec, local, remote, peer) = c.unwrap();
    assert_eq!((enc, dec), (0, 10));
    assert_eq!(local.map(|l| l.to_string()).as_deref(), Some("192.168.0.2"));
    assert_eq!(
        remote,
        Some(AddrSpec::Net {
            net: "10.1.0.0/16".parse().unwrap()
        })
    );
    assert_eq!(peer.map(|l| l.to_string()).as_deref(), Some("192.168.0.1"));
    assert!(
        o.events.iter().any(
            |e| matches!(&e.kind, EventKind::SaState { role: Some(r), .. } if r == "responder")
        )
    );
    let k = kinds(
        "Security Associations (1 up, 0 connecting):\n  net-net[1]: ESTABLISHED 2 seconds ago, 192.168.0.1[moon]...192.168.0.2[sun]\n  net-net{1}:  INSTALLED, TUNNEL, reqid 1, ESP SPIs: c1_i c2_o\n  net-net{1}:  AES_CBC_128/HMAC_SHA2_256_128, 84 bytes_i (1 pkt, 1s ago), 168 bytes_o (2 pkts, 1s ago), rekeying in 14 minutes\n  net-net{1}:   10.1.0.0/16 === 10.2.0.0/16\n",
    );
    assert!(
        k.iter().any(|k| matches!(
            k,
            EventKind::Counters {
                encaps: 2,
                decaps: 1,
                local_ident: Some(_),
                ..
            }
        )),
        "{k:?}"
    );
    assert!(
        k.iter()
            .any(|k| matches!(k, EventKind::PhaseComplete { phase: 2 }))
    );
}

#[test]
fn sa_listing_bytes_and_spis() {
    // The lab's pmtu-black-hole run: left sent 6 packets / 4236 bytes, 3 / 252 came back.
    let k = kinds(
        "lab: #1, ESTABLISHED, IKEv2, 3925d64940cfd38f_i* d59e461983cad434_r\n  local  'left.example' @ 198.51.100.1[4500]\n  remote 'right.example' @ 203.0.113.1[4500]\n  net: #1, reqid 1, INSTALLED, TUNNEL-in-UDP, ESP:AES_CBC-256/HMAC_SHA2_256_128\n    installed 3s ago, rekeying in 3554s, expires in 3957s\n    in  6e5b09b0,    252 bytes,     3 packets,     3s ago\n    out df528f98,   4236 bytes,     6 packets,     2s ago\n    local  192.0.2.0/26\n    remote 192.0.2.64/26\n",
    );
    let c = k.iter().find_map(|k| match k {
        EventKind::Counters {
            encaps,
            decaps,
            encaps_bytes,
            decaps_bytes,
            spi_in,
            spi_out,
            out_at,
            ..
        } => Some((
            (*encaps, *decaps, *encaps_bytes, *decaps_bytes),
            (*spi_in, *spi_out),
            out_at.as_ref().map(|l| (l.line, l.text.to_string())),
        )),
        _ => None,
    });
    let Some((counts, spis, out_at)) = c else {
        panic!("no counters: {k:?}")
    };
    assert_eq!(counts, (6, 3, Some(4236), Some(252)));
    assert_eq!(spis, (Some(0x6e5b09b0), Some(0xdf528f98)));
    assert_eq!(
        out_at,
        Some((
            Some(7),
            "    out df528f98,   4236 bytes,     6 packets,     2s ago".to_string()
        ))
    );
    // A mark after the SPI, an IPComp CPI, no packets yet.
    let k = kinds(
        "x: #1, ESTABLISHED, IKEv2, a_i* b_r\n  net: #2, reqid 2, INSTALLED, TUNNEL, ESP:AES_GCM_16-128\n    in  c3b9d2f1 (-|0x00000064),  840 bytes,    10 packets,     2s ago\n    out c9ba5f34/0000c3e3,      0 bytes,     0 packets\n",
    );
    assert!(
        k.iter().any(|k| matches!(
            k,
            EventKind::Counters {
                encaps: 0,
                decaps: 10,
                encaps_bytes: Some(0),
                decaps_bytes: Some(840),
                spi_in: Some(0xc3b9d2f1),
                spi_out: Some(0xc9ba5f34),
                ..
            }
        )),
        "{k:?}"
    );
    // ipsec statusall: SPIs on the INSTALLED line, bytes and packets on the next.
    let k = kinds(
        "Security Associations (1 up, 0 connecting):\n  net-net[1]: ESTABLISHED 2 seconds ago, 192.168.0.1[moon]...192.168.0.2[sun]\n  net-net{1}:  INSTALLED, TUNNEL, reqid 1, ESP in UDP SPIs: c1a2b3c4_i c5d6e7f8_o\n  net-net{1}:  AES_CBC_128/HMAC_SHA2_256_128, 84 bytes_i (1 pkt, 1s ago), 4236 bytes_o (6 pkts, 1s ago), rekeying in 14 minutes\n  net-net{1}:   10.1.0.0/16 === 10.2.0.0/16\n  other{2}:  INSTALLED, TUNNEL, reqid 2, ESP SPIs: zz_i\n  other{2}:  AES_CBC_128/HMAC_SHA2_256_128, 0 bytes_i, 0 bytes_o, rekeying in 14 minutes\n",
    );
    assert!(
        k.iter().any(|k| matches!(
            k,
            EventKind::Counters {
                encaps: 6,
                decaps: 1,
                encaps_bytes: Some(4236),
                decaps_bytes: Some(84),
                spi_in: Some(0xc1a2b3c4),
                spi_out: Some(0xc5d6e7f8),
                ..
            }
        )),
        "{k:?}"
    );
    assert!(
        k.iter().any(|k| matches!(
            k,
            EventKind::Counters {
                encaps: 0,
                decaps: 0,
                encaps_bytes: Some(0),
                decaps_bytes: Some(0),
                spi_in: None,
                spi_out: None,
                ..
            }
        )),
        "{k:?}"
    );
}

/// `swanctl --initiate` prints charon's messages with their group tag and no thread number
/// (libreswan's interop-ikev2-xfrmi-strongswan-01, west.console.txt).
#[test]
fn initiate_output_without_thread_numbers() {
    let text = "west #\n swanctl --initiate --child westnet-eastnet\n[IKE] initiating IKE_SA west[1] to 192.1.2.23\n[ENC] generating IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) N(REDIR_SUP) ]\n[NET] sending packet: from 192.1.2.45[500] to 192.1.2.23[500] (XXX bytes)\n[NET] received packet: from 192.1.2.23[500] to 192.1.2.45[500] (XXX bytes)\n[ENC] parsed IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) N(CHDLESS_SUP) N(MULT_AUTH) ]\n[CFG] selected proposal: IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256\n[IKE] authentication of 'west' (myself) with pre-shared key\n[IKE] establishing CHILD_SA westnet-eastnet{1}\n[ENC] generating IKE_AUTH request 1 [ IDi N(INIT_CONTACT) IDr AUTH SA TSi TSr N(MULT_AUTH) N(EAP_ONLY) N(MSG_ID_SYN_SUP) ]\n[NET] sending packet: from 192.1.2.45[500] to 192.1.2.23[500] (XXX bytes)\n[NET] received packet: from 192.1.2.23[500] to 192.1.2.45[500] (XXX bytes)\n[ENC] parsed IKE_AUTH response 1 [ IDr AUTH SA TSi TSr ]\n[IKE] authentication of 'east' with pre-shared key successful\n[IKE] IKE_SA west[1] established between 192.1.2.45[west]...192.1.2.23[east]\n[IKE] scheduling rekeying in XXXs\n[CFG] selected proposal: ESP:AES_GCM_16_128/NO_EXT_SEQ\n[IKE] CHILD_SA westnet-eastnet{1} established with SPIs SPISPI_i SPISPI_o and TS 192.0.1.0/24 === 192.0.2.0/24\ninitiate completed successfully\n";
    assert!(looks_like_output(text));
    let (o, _) = parse_output("west.console.txt", text);
    let peer = Some("192.1.2.23".parse().unwrap());
    let states: Vec<(Direction, Option<&str>)> = o
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::IkeMessage {
                direction, state, ..
            } => Some((*direction, state.as_deref())),
            _ => None,
        })
        .collect();
    assert_eq!(
        states,
        [
            (Direction::Sent, Some("IKE_SA_INIT")),
            (Direction::Received, Some("IKE_SA_INIT")),
            (Direction::Sent, Some("IKE_AUTH")),
            (Direction::Received, Some("IKE_AUTH")),
        ]
    );
    assert!(
        o.events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::IkeMessage { .. }))
            .all(|e| e.peer == peer)
    );
    assert!(
        o.events
            .iter()
            .any(|e| matches!(e.kind, EventKind::Authenticated))
    );
    for phase in [1, 2] {
        assert!(
            o.events.iter().any(
                |e| matches!(e.kind, EventKind::PhaseComplete { phase: p } if p == phase)
                    && e.peer == peer
            ),
            "phase {phase}: {:?}",
            o.events
        );
    }
    // The sanitised `(XXX bytes)` gives no size.
    assert!(
        !o.events
            .iter()
            .any(|e| matches!(e.kind, EventKind::IkeSize { .. }))
    );
    // A tag alone (an INI section) or in the middle of prose is no log line.
    assert!(!looks_like_output("[IKE]\nlifetime = 3600\n"));
    assert!(kinds("see [IKE] CHILD_SA x{1} established\n").is_empty());
}

/// A test script cut charon's line down to its message (libreswan's
/// interop-ikev1-strongswan-01-xauth, east.console.txt).
#[test]
fn sed_trimmed_established_lines() {
    let k = kinds(
        "Security Associations (0 up, 0 connecting):\n  none\neast #\n ../../guestbin/wait-for.sh --match 'CHILD_SA .* established' -- cat /tmp/charon.log | sed -e 's/.*\\(CHILD.*established\\).*/\\1/'\nCHILD_SA westnet-eastnet-ikev1{1} established\n",
    );
    assert!(
        k.iter()
            .any(|k| matches!(k, EventKind::PhaseComplete { phase: 2 })),
        "{k:?}"
    );
    let k = kinds(
        "Security Associations (0 up, 0 connecting):\nIKE_SA home[3] established between 10.0.0.1[a]...10.0.0.2[b]\n",
    );
    assert!(
        k.iter()
            .any(|k| matches!(k, EventKind::PhaseComplete { phase: 1 })),
        "{k:?}"
    );
    // Prose about a CHILD_SA, a name with no number, a line that only starts the same way.
    for l in [
        "received DELETE for ESP CHILD_SA with SPI c1\n",
        "CHILD_SA westnet{1} establishing\n",
        "CHILD_SA westnet established\n",
        "CHILD_SA {1} established\n",
        "CHILD_SA x{} established\n",
        "IKE_SA x{1} established\n",
    ] {
        assert!(
            !kinds(&format!("Security Associations (0 up, 0 connecting):\n{l}"))
                .iter()
                .any(|k| matches!(k, EventKind::PhaseComplete { .. })),
            "{l}"
        );
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    // A cheap deterministic scramble of the fixtures' characters.
    let seed = format!(
        "{NET2NET}{IPSEC_CONF}09[IKE] IKE_SA a[1] established between 1.2.3.4[a]...5.6.7.8[b]\nx: #1, ESTABLISHED, IKEv2, a_i* b_r\n  in  c, 1 bytes, 1 packets\n  out ffffffffff/1, 99999999999999999999 bytes, 18446744073709551615 packets\n[IKE] CHILD_SA b{{1}} established\nCHILD_SA c{{2}} established\n  n{{1}}:  INSTALLED, TUNNEL, reqid 1, ESP SPIs: 1_i 2_o\n  n{{1}}:  A, 9 bytes_i (1 pkt, 1s ago), 7 bytes_o (3 pkts)\n"
    );
    let b = seed.as_bytes();
    let mut x = 0x9e3779b9u32;
    for n in 0..300 {
        let mut v = Vec::new();
        for _ in 0..(n * 7 % 400) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            v.push(b[(x as usize) % b.len()]);
        }
        let t = String::from_utf8_lossy(&v);
        let _ = flavor(&t);
        let _ = parse_config("f.conf", &t);
        let _ = parse_configs("f", &[("ipsec.conf", &t), ("ipsec.secrets", &t)]);
        let _ = parse_output("f.log", &t);
    }
}
