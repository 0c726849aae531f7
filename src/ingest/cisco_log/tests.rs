use super::{parse, show::known_stem};
use crate::evidence::{Direction, EventKind};

#[test]
fn modern_ios_debug_lines() {
    let log = "R1#debug crypto isakmp\n\
*Nov 24 10:02:11.123: ISAKMP:(0): sending packet to 192.0.2.2 my_port 500 peer_port 500 (I) MM_NO_STATE\n\
*Nov 24 10:02:21.123: ISAKMP:(0): retransmitting phase 1 MM_NO_STATE...\n\
*Nov 24 10:02:21.123: ISAKMP (0:0): incrementing error counter on sa, attempt 1 of 5: retransmit phase 1\n\
*Nov 24 10:03:01.123: ISAKMP:(0):deleting SA reason \"Death by retransmission P1\" state (I) MM_NO_STATE (peer 192.0.2.2)\n\
*Nov 24 10:04:00.001: ISAKMP (0): received packet from 192.0.2.9 dport 500 sport 500 Global (N) NEW SA\n\
*Nov 24 10:04:00.002: %CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from 192.0.2.9 failed its sanity check or is malformed\n";
    let o = parse("r1.log", log);
    assert_eq!(o.host.as_deref(), Some("R1"));
    let kinds: Vec<&EventKind> = o.events.iter().map(|e| &e.kind).collect();
    assert!(matches!(
        kinds[0],
        EventKind::IkeMessage {
            direction: Direction::Sent,
            phase: Some(1),
            port: Some(500),
            ..
        }
    ));
    assert_eq!(
        o.events[0].peer.map(|p| p.to_string()).as_deref(),
        Some("192.0.2.2")
    );
    assert!((o.events[0].time.unwrap() - 36131.123).abs() < 1e-6);
    assert!(matches!(
        kinds[1],
        EventKind::Retransmit {
            phase: Some(1),
            attempt: None
        }
    ));
    assert!(matches!(
        kinds[2],
        EventKind::Retransmit {
            attempt: Some(1),
            ..
        }
    ));
    assert!(matches!(kinds[3], EventKind::GaveUp { phase: Some(1) }));
    assert!(matches!(
        kinds[4],
        EventKind::IkeMessage {
            direction: Direction::Received,
            ..
        }
    ));
    assert!(matches!(kinds[5], EventKind::Malformed));
    assert_eq!(
        o.events[5].peer.map(|p| p.to_string()).as_deref(),
        Some("192.0.2.9")
    );
    assert!(o.events.iter().all(|e| e.device.as_deref() == Some("R1")));
}

#[test]
fn asa_blocks_and_unknown_suffixes() {
    assert_eq!(known_stem("AM_TM_INIT_XAUTH_V6C"), Some("AM_TM_INIT_XAUTH"));
    assert_eq!(known_stem("MM_WAIT_MSG4"), Some("MM_WAIT_MSG4"));
    assert_eq!(known_stem("BOGUS"), None);
    let o = parse(
        "asa.txt",
        "asa# show crypto isakmp sa\n1   IKE Peer: 203.0.113.1\n    Type    : L2L             Role    : initiator\n    Rekey   : no              State   : MM_WAIT_MSG2\n",
    );
    let EventKind::SaState { state, stem, role } = &o.events[0].kind else {
        panic!("{:?}", o.events)
    };
    assert_eq!(
        (state.as_str(), stem, role.as_deref()),
        ("MM_WAIT_MSG2", &None, Some("initiator"))
    );
}

#[test]
fn ipsec_sa_counters_ios_and_asa() {
    let ios = "interface: Serial4/0\n    Crypto map tag: m, local addr 172.16.5.1\n   current_peer 172.16.6.2 port 500\n     #pkts encaps: 12, #pkts encrypt: 12, #pkts digest: 12\n     #pkts decaps: 0, #pkts decrypt: 0, #pkts verify: 0\n     #send errors 0, #recv errors 3\n     local crypto endpt.: 172.16.5.1, remote crypto endpt.: 172.16.6.2\n     path mtu 1400, ip mtu 1400\n";
    let o = parse("s.txt", ios);
    let EventKind::Counters {
        encaps,
        decaps,
        recv_errors,
        path_mtu,
        local,
        ..
    } = &o.events[0].kind
    else {
        panic!()
    };
    assert_eq!(
        (*encaps, *decaps, *recv_errors, *path_mtu),
        (12, 0, 3, Some(1400))
    );
    assert_eq!(local.map(|a| a.to_string()).as_deref(), Some("172.16.5.1"));
    assert_eq!(
        o.events[0].peer.map(|a| a.to_string()).as_deref(),
        Some("172.16.6.2")
    );
}

#[test]
fn garbage_never_panics() {
    for t in [
        "ISAKMP",
        "ISAKMP (0:1): sending packet to",
        "Old State = ",
        "New State = ",
        "IKE Peer:",
        "State :",
        "#pkts encaps",
        "current_peer",
        "\u{0}ISAKMP\u{fffd}: from 1.2.3",
        "x#show crypto isakmp sa\n1.1.1.1 2.2.2.2 QM_IDLE",
    ] {
        let _ = parse("g", t);
    }
}

/// The parallel path (many blocks, lines on every core, state in order) reads exactly what
/// the single-block path reads, whatever the cut: debug, syslog, show blocks, IKEv2 packets.
#[test]
fn blocks_cut_anywhere_read_the_same() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/logs");
    let mut text = String::new();
    for dir in ["book", "book-show", "ikev2", "ios-modern", "asa"] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "log" || x == "txt"))
            .collect();
        files.sort();
        for f in files {
            text.push_str(&std::fs::read_to_string(f).unwrap());
        }
    }
    let summary = |o: &super::Output| {
        let ev: Vec<String> = o
            .events
            .iter()
            .map(|e| format!("{:?} {:?} {:?} {:?}", e.at.line, e.at.text, e.peer, e.kind))
            .collect();
        let model = o.model.as_ref().map(|d| {
            (
                d.policies.len(),
                d.psks.len(),
                d.interfaces.len(),
                d.routes.len(),
                d.acls.len(),
                d.certificates.len(),
            )
        });
        (ev, model, o.dropped, o.host.clone(), o.unrecognised.len())
    };
    let whole = super::parse_blocks("x", text.as_bytes(), usize::MAX);
    assert!(whole.events.len() > 100);
    for size in [1, 97, 4096] {
        let cut = super::parse_blocks("x", text.as_bytes(), size);
        assert_eq!(summary(&cut), summary(&whole), "blocks of {size} bytes");
    }
}
