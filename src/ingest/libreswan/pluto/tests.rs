use super::*;

#[test]
fn whack_lines_become_events() {
    let t = "west #\n ipsec auto --up westnet\n\"westnet\" #1: sent IKE_SA_INIT request to 192.1.2.23:UDP/500\n\"westnet\" #1: processed IKE_SA_INIT response from 192.1.2.23:UDP/500 {cipher=AES}\n\"westnet\" #1: IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED\n| debug line NO_PROPOSAL_CHOSEN\n\"westnet\" #2: IKE_AUTH response rejected Child SA with TS_UNACCEPTABLE\nIMPAIR: \"westnet\" #3: retransmit so timing out SA (may retry)\n\"westnet\" #1: received unauthenticated INVALID_KE_PAYLOAD response to DH MODP1536; resending with suggested DH19\n";
    let (ev, host) = parse("west.console.txt", t);
    assert_eq!(host.as_deref(), Some("west"));
    let k: Vec<String> = ev.iter().map(|e| format!("{:?}", e.kind)).collect();
    assert!(
        k[0].contains("Sent") && k[0].contains("IKE_SA_INIT"),
        "{k:?}"
    );
    assert_eq!(
        ev[0].peer.map(|p| p.to_string()).as_deref(),
        Some("192.1.2.23")
    );
    assert!(k[1].contains("Received"));
    assert!(k[2].contains("AUTHENTICATION_FAILED"));
    assert!(k[3].contains("TS_UNACCEPTABLE") && k[3].contains("Some(2)"));
    assert!(k[4].contains("GaveUp"));
    assert_eq!(ev.len(), 5, "INVALID_KE that is resent is no event: {k:?}");
    assert!(looks_like(t));
    assert!(!looks_like(
        "interface Gi0/0\n ip address 1.2.3.4 255.0.0.0\n"
    ));
}

fn kinds_of(t: &str) -> Vec<String> {
    parse("t.console.txt", t)
        .0
        .iter()
        .map(|e| format!("{:?}", e.kind))
        .collect()
}

#[test]
fn instance_prefix_names_the_peer() {
    let t = "\"road\"[1] 192.1.2.23 #1: processed IKE_SA_INIT response from 192.1.2.23:UDP/500 {cipher=AES}\n\"road\"[1] 192.1.2.23 #2: initiator established Child SA using #1; IPsec tunnel\n";
    let (ev, _) = parse("road.console.txt", t);
    assert_eq!(ev.len(), 2);
    assert!(
        ev.iter()
            .all(|e| e.peer.map(|p| p.to_string()).as_deref() == Some("192.1.2.23"))
    );
    assert!(matches!(ev[1].kind, EventKind::PhaseComplete { phase: 2 }));
    assert!(looks_like(t));
}

#[test]
fn ikev1_informational_phase_follows_its_protection() {
    let k = kinds_of(
        "\"c\" #1: ignoring secured informational payload NO_PROPOSAL_CHOSEN, msgid=MSGID, length=12\n\"c\" #1: ignoring unsecured informational payload INVALID_MAJOR_VERSION, length=12\n",
    );
    assert!(
        k[0].contains("Received")
            && k[0].contains("NO_PROPOSAL_CHOSEN")
            && k[0].contains("Some(2)"),
        "{k:?}"
    );
    assert!(
        k[1].contains("Received")
            && k[1].contains("INVALID_MAJOR_VERSION")
            && k[1].contains("Some(1)"),
        "{k:?}"
    );
}

#[test]
fn responder_refusals() {
    let t = "packet from 192.1.2.45:500: sending notification INVALID_MAJOR_VERSION to 192.1.2.45:500\n\"c\" #2: sending encrypted notification NO_PROPOSAL_CHOSEN to 192.1.2.45:500\n";
    let (ev, _) = parse("east.console.txt", t);
    assert!(
        matches!(&ev[0].kind, EventKind::Notify { direction: Direction::Sent, name, phase: Some(1) } if name == "INVALID_MAJOR_VERSION")
    );
    assert_eq!(
        ev[0].peer.map(|p| p.to_string()).as_deref(),
        Some("192.1.2.45")
    );
    assert!(matches!(
        &ev[1].kind,
        EventKind::Notify {
            direction: Direction::Sent,
            phase: Some(2),
            ..
        }
    ));
    assert!(matches!(
        ev[2].kind,
        EventKind::NoProposalAccepted { phase: 2 }
    ));
}

#[test]
fn a_state_keeps_its_phase() {
    // #2 is the quick mode: its impaired timeout is a phase-2 give-up.
    let k = kinds_of(
        "\"c\" #1: sent Main Mode I2\n\"c\" #1: ISAKMP SA established {auth=PRESHARED_KEY}\n\"c\" #2: sent Quick Mode request\nIMPAIR: \"c\" #2: retransmit so timing out SA (may retry)\n\"c\" #1: sent IKE_AUTH request to 192.1.2.23:UDP/500 with shared-key-mac; Child SA #3 {ESP <0xESPESP}\n\"c\" #3: retransmit so timing out SA (may retry)\n",
    );
    assert!(k[0].contains("Received"), "MR1 answered: {k:?}");
    assert!(k.iter().any(|x| x == "GaveUp { phase: Some(2) }"), "{k:?}");
    assert_eq!(
        k.iter()
            .filter(|x| x.starts_with("GaveUp { phase: Some(2)"))
            .count(),
        2,
        "{k:?}"
    );
}

#[test]
fn status_and_kernel_dumps_show_sas_up() {
    let t = "#2: \"west\", type=ESP, add_time=1234567890, inBytes=84, outBytes=84, maxBytes=2^63B, id='@east'\n#4: \"east-any\"[3] 192.1.2.254, username=xroad, type=ESP, add_time=1, inBytes=0, outBytes=0\n#1: \"west\":500 established IKE SA; REKEY in XXs; newest; idle;\nsrc 192.1.2.23 dst 192.1.2.45\n\tproto esp spi 0xSPISPI reqid REQID mode tunnel\nsrc 192.1.2.45 dst 192.1.2.23\n\tproto esp spi 0xSPISPI reqid REQID mode tunnel\nsrc 192.1.3.209 dst 192.1.2.23\n\tproto esp spi 0x00000000 reqid 0 mode transport\n";
    let (ev, _) = parse("x.console.txt", t);
    let k: Vec<String> = ev.iter().map(|e| format!("{:?}", e.kind)).collect();
    assert_eq!(
        k,
        [
            "PhaseComplete { phase: 2 }",
            "PhaseComplete { phase: 2 }",
            "PhaseComplete { phase: 1 }",
            "PhaseComplete { phase: 2 }"
        ]
    );
    assert_eq!(
        ev[1].peer.map(|p| p.to_string()).as_deref(),
        Some("192.1.2.254")
    );
    assert_eq!(
        ev[3].at.line,
        Some(6),
        "the kernel pair is cited at the src line that completes it"
    );
}

#[test]
fn authentication_failures_by_kind() {
    let k = kinds_of(
        "\"c\" #1: authentication failed: peer attempted NULL authentication but we want RSASIG\n\"c\" #1: X509: authentication failed; peer certificate subjectAltName extension does not match USER_FQDN 'x'\n\"c\" #1: NSS: ERROR: IPsec certificate CN=east-expired invalid: SEC_ERROR_EXPIRED_CERTIFICATE: Peer's Certificate has expired.\n\"c\" #1: authentication failed: no PSK found for '@west'\n",
    );
    assert_eq!(k[0], "ProposalRejected { attribute: Some(Auth) }");
    assert_eq!(k[1], "NoProposalAccepted { phase: 1 }");
    assert_eq!(k[2], "CertInvalid");
    assert_eq!(k[3], "CertInvalid");
    // Said when the conn loads: this host's own certificate, not the peer's.
    let (ev, _) = parse(
        "east.console.txt",
        "\"east\": WARNING: groundhog right certificate 'east-expired' has expired\n",
    );
    assert!(matches!(ev[0].kind, EventKind::OwnCertInvalid));
    assert_eq!(k[4], "NoKey");
}

#[test]
fn initiator_refusing_the_child_answer() {
    let k = kinds_of(
        "\"c\" #1: response for Child SA #2 was rejected with TS_UNACCEPTABLE; initiating delete of Child SA (IKE SA will remain UP)\n\"c\" #1: response for Child SA #2 was rejected with NO_PROPOSAL_CHOSEN; initiating delete of Child SA (IKE SA will remain UP)\n",
    );
    assert_eq!(k, ["SelectorsRejected", "NoProposalAccepted { phase: 2 }"]);
}

#[test]
fn odd_lines_do_not_panic() {
    for t in [
        "\"",
        "\"a\"[",
        "\"a\"[1]",
        "\"a\"[1] ",
        "\"a\" #",
        "\"a\" #x: y",
        "#",
        "#: \"",
        "#1: \"a",
        "packet from ",
        "packet from x: ",
        "src 1.2.3.4 dst",
        "src 1.2.3.4 dst 5.6.7.8\n",
        "\"é\"[1] é #1: é",
        "\"c\" #1: sent IKE_AUTH request; Child SA #",
        "#18446744073709551616: \"c\", type=ESP, inBytes=1",
        "Nov 29 21:23:59.1: \"",
        "Nov 29 21:23:59.1: | x",
        "Nov 29 99:99:99.1: \"a\" #1: x",
        "\"a\":   1:IKE=",
        "\"a\":   1:IKE=---",
        "\"a\" #1: no local proposal matches remote proposals 1:IKE:",
        "\"a\" #1: no local proposal matches remote proposals 1:IKE:ENCR;=;DH=[",
        "\"a\" #1: proposal 1:IKE= chosen from remote proposals 1:IKE:[",
        "\"a\" #1: responding to",
        "\"a\" #1: responding to X message with notification NO_PROPOSAL_CHOSEN",
        "\"a\" #1: processing decrypted",
        "#1: \"",
        "x pluto[1]: ",
        "2024-13-45T99:99 x pluto[1]: \"a\" #1: established IKE SA",
    ] {
        let _ = parse("x", t);
        let _ = looks_like(t);
    }
}

#[test]
fn logtime_prefix_is_read() {
    let near = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-6);
    let (t, m) = logtime("Nov 29 21:23:59.075068: \"lab\" #1: x").unwrap_or_default();
    assert!(
        near(Some(t), 77_039.075_068) && m == "\"lab\" #1: x",
        "{t} {m}"
    );
    assert_eq!(logtime("Nov  3 01:02:03.5: msg"), Some((3723.5, "msg")));
    assert_eq!(logtime("Nov 29 21:23:59.075068:").map(|x| x.1), Some(""));
    for t in [
        "\"lab\" #1: x",
        "Nov 29 21:23:59 09[IKE] charon",
        "Nov 29 25:23:59.1: x",
        "Nov 299 21:23:59.1: x",
        "Nov 29 21:23:59.1 x",
        "N",
        "Nov ",
        "Nov 2",
        "é29 21:23:59.1: x",
        "Nov 29 :: x",
    ] {
        assert!(logtime(t).is_none(), "{t}");
    }
    let log = "Nov 29 21:23:55.493590: Starting Pluto (Libreswan Version 4.10 IKEv2 IKEv1 XFRM) pid:24192\nNov 29 21:23:55.499152: \"lab\": added IKEv2 connection\nNov 29 21:23:55.495402: using Linux xfrm kernel support code on #1 SMP PREEMPT_DYNAMIC @0\nNov 29 21:23:59.070016: | debug NO_PROPOSAL_CHOSEN\nNov 29 21:23:59.071272: \"lab\" #1: sent IKE_SA_INIT reply {cipher=AES_CBC_256 integ=HMAC_SHA2_256_128 prf=HMAC_SHA2_256 group=MODP2048}\nNov 29 21:24:02.561659: \"lab\" #1: responder established IKE SA; authenticated peer using authby=secret and ID_FQDN '@left.example'\n";
    assert!(looks_like(log));
    assert_eq!(
        crate::ingest::detect(log),
        crate::ingest::Kind::LibreswanLog
    );
    let (ev, host) = parse("pluto.log", log);
    assert_eq!(host, None, "a timestamp is no prompt");
    let k: Vec<String> = ev.iter().map(|e| format!("{:?}", e.kind)).collect();
    assert_eq!(ev.len(), 2, "{k:?}");
    assert!(
        matches!(&ev[0].kind, EventKind::IkeMessage { direction: Direction::Sent, state: Some(s), phase: Some(1), .. } if s == "IKE_SA_INIT"),
        "{k:?}"
    );
    assert!(near(ev[0].time, 77_039.071_272), "{:?}", ev[0].time);
    assert!(matches!(ev[1].kind, EventKind::PhaseComplete { phase: 1 }));
    assert!(near(ev[1].time, 77_042.561_659), "{:?}", ev[1].time);
    // The syslog prefix gives the time too.
    let (ev, _) = parse(
        "messages",
        "Nov 29 21:23:59 east pluto[123]: \"lab\" #1: responder established IKE SA; x\n2024-11-29T08:00:01.5+01:00 east pluto[9]: \"lab\" #1: established IKE SA\n",
    );
    assert_eq!(ev[0].time, Some(77_039.0));
    assert_eq!(ev[1].time, Some(28_801.5));
}

/// The lines of the lab's pluto.log (libreswan 4.10 as responder to strongSwan): each
/// refusal this host makes.
#[test]
fn responder_refusals_in_pluto_log() {
    let ike = "Nov 29 21:23:55.499094: \"lab\":   1:IKE=AES_CBC_128-HMAC_SHA1-HMAC_SHA1_96-MODP2048\nNov 29 21:23:55.598107: \"lab\" #1: no local proposal matches remote proposals 1:IKE:ENCR=AES_CBC_256;INTEG=HMAC_SHA2_256_128;PRF=HMAC_SHA2_256;DH=MODP2048\nNov 29 21:23:55.598130: \"lab\" #1: responding to IKE_SA_INIT message (ID 0) from 198.51.100.1:500 with unencrypted notification NO_PROPOSAL_CHOSEN\nNov 29 21:23:55.598135: \"lab\" #1: encountered fatal error in state STATE_V2_PARENT_R0\nNov 29 21:23:55.598181: \"lab\" #1: deleting state (STATE_V2_PARENT_R0) aged 0.000096s and NOT sending notification\n";
    let (ev, _) = parse("pluto.log", ike);
    let k: Vec<String> = ev.iter().map(|e| format!("{:?}", e.kind)).collect();
    assert_eq!(
        k,
        [
            "IkeMessage { direction: Received, state: Some(\"IKE_SA_INIT\"), phase: Some(1), port: None }",
            "ProposalRejected { attribute: Some(Encryption) }",
            "ProposalRejected { attribute: Some(Hash) }",
            "NoProposalAccepted { phase: 1 }",
            "IkeMessage { direction: Received, state: Some(\"IKE_SA_INIT\"), phase: Some(1), port: None }",
            "Notify { direction: Sent, name: \"NO_PROPOSAL_CHOSEN\", phase: Some(1) }",
            "NoProposalAccepted { phase: 1 }",
        ]
    );
    assert_eq!(
        ev[5].peer.map(|p| p.to_string()).as_deref(),
        Some("198.51.100.1")
    );

    let psk = "Nov 29 21:23:59.070016: \"lab\" #1: proposal 1:IKE=AES_CBC_256-HMAC_SHA2_256-HMAC_SHA2_256_128-MODP2048 chosen from remote proposals 1:IKE:ENCR=AES_CBC_256;INTEG=HMAC_SHA2_256_128;PRF=HMAC_SHA2_256;DH=MODP2048[first-match]\nNov 29 21:23:59.075016: \"lab\" #1: processing decrypted IKE_AUTH request: SK{IDi,N(INITIAL_CONTACT),IDr,AUTH,SA,TSi,TSr}\nNov 29 21:23:59.075036: \"lab\" #1: WARNING: '@right.example' PSK length of 14 bytes is too short for PRF HMAC_SHA2_256 in FIPS mode (16 bytes required)\nNov 29 21:23:59.075061: \"lab\" #1: authentication failed: computed hash does not match hash received from peer ID_FQDN '@left.example'\nNov 29 21:23:59.075068: \"lab\" #1: responding to IKE_AUTH message (ID 1) from 198.51.100.1:4500 with encrypted notification AUTHENTICATION_FAILED\n";
    let k = kinds_of(psk);
    assert_eq!(
        k,
        [
            "IkeMessage { direction: Received, state: Some(\"IKE_SA_INIT\"), phase: Some(1), port: None }",
            "IkeMessage { direction: Received, state: Some(\"IKE_AUTH\"), phase: Some(1), port: None }",
            "Notify { direction: Sent, name: \"AUTHENTICATION_FAILED\", phase: Some(1) }",
            "IkeMessage { direction: Received, state: Some(\"IKE_AUTH\"), phase: Some(1), port: None }",
            "Notify { direction: Sent, name: \"AUTHENTICATION_FAILED\", phase: Some(1) }",
        ]
    );

    let ts = "Nov 29 21:24:02.561659: \"lab\" #1: responder established IKE SA; authenticated peer using authby=secret and ID_FQDN '@left.example'\nNov 29 21:24:02.561808: \"lab\" #2: No IKEv2 connection found with compatible Traffic Selectors\nNov 29 21:24:05.001038: \"lab\" #1: deleting state (STATE_V2_ESTABLISHED_IKE_SA) aged 2.444802s and sending notification\n";
    let k = kinds_of(ts);
    assert_eq!(
        k,
        [
            "PhaseComplete { phase: 1 }",
            "SelectorsRejected",
            "Notify { direction: Sent, name: \"TS_UNACCEPTABLE\", phase: Some(2) }",
        ]
    );
}

#[test]
fn refused_ike_attributes() {
    let l = |s: &str| local_proposal(s).into_iter().collect::<Vec<_>>();
    let r = remote_proposals;
    use crate::evidence::Rejected::*;
    // Only the DH group differs.
    assert_eq!(
        rejected_attrs(
            &l("1:IKE=AES_CBC-HMAC_SHA2_256-HMAC_SHA2_256_128-MODP2048+MODP3072"),
            &r("1:IKE:ENCR=AES_CBC_256;INTEG=HMAC_SHA2_256_128;PRF=HMAC_SHA2_256;DH=DH19")
        ),
        [Group]
    );
    // AEAD: no integrity on either side; a second remote proposal matches.
    assert!(
        rejected_attrs(
            &l("1:IKE=AES_GCM_16_256-HMAC_SHA2_512-NONE-DH19"),
            &r(
                "1:IKE:ENCR=AES_CBC_128;PRF=HMAC_SHA1;INTEG=HMAC_SHA1_96;DH=MODP1024 2:IKE:ENCR=AES_GCM_16_256;PRF=HMAC_SHA2_512;DH=DH19[first-match]"
            )
        )
        .is_empty()
    );
    assert!(rejected_attrs(&[], &r("1:IKE:ENCR=AES_CBC_256")).is_empty());
    assert!(local_proposal("1:ESP=AES_CBC_256-HMAC_SHA2_256_128").is_none());
    assert!(local_proposal("x:IKE=A-B").is_none());
}

/// `ipsec status` lists pluto's interfaces as `interface eth1 192.1.2.45:UDP/500`: not an
/// IOS configuration, and nothing in it is an event but its states.
#[test]
fn status_dump_is_pluto_output() {
    let t = "west #\n ipsec status\nusing kernel interface: xfrm\n \ninterface lo 127.0.0.1:UDP/4500 (NAT)\ninterface lo 127.0.0.1:UDP/500\ninterface eth0 192.0.1.254:UDP/4500 (NAT)\ninterface eth1 192.1.2.45:UDP/500\n \nfips mode=disabled;\n \nConnection list:\n \n\"westnet-eastnet\": 192.0.1.0/24===192.1.2.45[@west]...192.1.2.23[@east]===192.0.2.0/24; unrouted; my_ip=unset; their_ip=unset;\n\"westnet-eastnet\":   policy: IKEv1+RSASIG+ENCRYPT+TUNNEL+PFS+IKE_FRAG_ALLOW+ESN_NO+ESN_YES;\n\"westnet-eastnet\":   retransmit-interval: 9999ms; retransmit-timeout: 99s; iketcp:no; iketcp-port:4500;\n\"westnet-eastnet\":   dpd: passive; delay:0s; timeout:0s\n \nTotal IPsec connections: loaded 1, routed 0, active 0\n \nState Information: DDoS cookies not required, Accepting new IKE connections\nIKE SAs: total(0), half-open(0), open(0), authenticated(0), anonymous(0)\nIPsec SAs: total(0), authenticated(0), anonymous(0)\n \n#1: \"westnet-eastnet\":500 STATE_MAIN_I4 (ISAKMP SA established); REPLACE in 2000s; newest;\n#2: \"westnet-eastnet\":500 STATE_QUICK_I2 (IPsec SA established); REPLACE in 2000s; newest; eroute owner;\n";
    assert!(!crate::ingest::cisco_ios::looks_like(t));
    assert_eq!(crate::ingest::detect(t), crate::ingest::Kind::LibreswanLog);
    assert_eq!(
        kinds_of(t),
        ["PhaseComplete { phase: 1 }", "PhaseComplete { phase: 2 }"]
    );
    // IOS interfaces still count.
    for ios in [
        "hostname r1\ninterface GigabitEthernet0/0.100\n",
        "interface Tunnel 1\ninterface Serial0/0 point-to-point\n",
        "interface Virtual-Template1 type tunnel\n!\n",
    ] {
        assert!(crate::ingest::cisco_ios::looks_like(ios), "{ios}");
    }
    for not in [
        "interface eth0 192.0.1.254:UDP/4500 (NAT)\ninterface eth1 192.1.2.45:UDP/500\n",
        "interface ID, so static routes\ninterface lo 127.0.0.1:UDP/500\n",
        "interface \ninterface -1\ninterface Gi\n",
    ] {
        assert!(!crate::ingest::cisco_ios::looks_like(not), "{not}");
    }
}

#[test]
fn openswan_test_output() {
    let t = "./parentR2 STATE_PARENT_R1: NO_PROPOSAL_CHOSEN\n./parentR2 sending notification ISAKMP_v2_SA_INIT/v2N_NO_PROPOSAL_CHOSEN to 192.168.1.1:500\n";
    let (ev, _) = parse("output1.txt", t);
    assert!(matches!(
        ev[0].kind,
        EventKind::NoProposalAccepted { phase: 1 }
    ));
    assert!(
        matches!(&ev[1].kind, EventKind::Notify { direction: Direction::Sent, name, phase: Some(1) } if name == "NO_PROPOSAL_CHOSEN")
    );
    assert_eq!(
        ev[1].peer.map(|p| p.to_string()).as_deref(),
        Some("192.168.1.1")
    );
}
