//! Golden field checks: our show-output parsing against the parsed expectations that
//! genieparser (JSON) and ntc-templates (YAML) ship with the same raw outputs
//! (copied under tests/fixtures/corpus/show with their manifest rows).

use ipsec_doctor::evidence::EventKind;
use ipsec_doctor::ingest::cisco_log;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn show(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/corpus/show")
        .join(rel)
}

fn events(rel: &str) -> Vec<EventKind> {
    let p = show(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(cisco_log::looks_like(&text), "{rel} is recognised");
    cisco_log::parse(&p.display().to_string(), &text)
        .events
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

fn counters(ev: &[EventKind]) -> Vec<(u64, u64, u64, u64)> {
    ev.iter()
        .filter_map(|k| match k {
            EventKind::Counters {
                encaps,
                decaps,
                send_errors,
                recv_errors,
                ..
            } => Some((*encaps, *decaps, *send_errors, *recv_errors)),
            _ => None,
        })
        .collect()
}

/// `- key: "value"` items of an ntc-templates parsed_sample, as (key, value) maps.
fn ntc_items(rel: &str) -> Vec<Vec<(String, String)>> {
    let text = std::fs::read_to_string(show(rel)).unwrap();
    let mut items: Vec<Vec<(String, String)>> = Vec::new();
    for l in text.lines() {
        let t = l.trim_start();
        let (new, kv) = match t.strip_prefix("- ") {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let Some((k, v)) = kv.split_once(": ") else {
            continue;
        };
        if new {
            items.push(Vec::new());
        }
        if let Some(cur) = items.last_mut() {
            cur.push((k.to_string(), v.trim_matches('"').to_string()));
        }
    }
    items
}

fn field<'a>(item: &'a [(String, String)], k: &str) -> &'a str {
    item.iter()
        .find(|(x, _)| x == k)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

#[test]
fn ios_show_crypto_isakmp_sa_matches_genieparser() {
    let base = "cisco-ios/genieparser/iosxe/ShowCryptoIsakmpSa/golden_output_isakmp";
    let exp: Value = serde_json::from_str(
        &std::fs::read_to_string(show(&format!("{base}_expected.json"))).unwrap(),
    )
    .unwrap();
    let ev = events(&format!("{base}_output.txt"));
    let rows = exp["isakmp_stats"]["IPv4"].as_object().unwrap();
    let live: Vec<&Value> = rows
        .values()
        .filter(|r| r["current_status"] != "deleted")
        .collect();
    let states: Vec<(String, String)> = ev
        .iter()
        .zip(std::iter::repeat(()))
        .filter_map(|(k, _)| match k {
            EventKind::SaState { state, role, .. } => {
                Some((state.clone(), role.clone().unwrap_or_default()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        states.len(),
        live.len(),
        "deleted rows are not live SAs: {states:?}"
    );
    for r in live {
        assert!(
            states
                .iter()
                .any(|(s, role)| s == r["session_state"].as_str().unwrap() && role == "responder"),
            "{r}: the destination common to all rows is this router, so it responded"
        );
    }
}

#[test]
fn ios_show_crypto_ipsec_sa_counters_match_genieparser() {
    for base in [
        "cisco-ios/genieparser/iosxe/ShowCryptoIpsecSa/golden_output",
        "cisco-ios/genieparser/iosxe/ShowCryptoIpsecSaDetail/golden_output",
    ] {
        let exp: Value = serde_json::from_str(
            &std::fs::read_to_string(show(&format!("{base}_expected.json"))).unwrap(),
        )
        .unwrap();
        let mut want = Vec::new();
        for (_, iface) in exp["interface"].as_object().unwrap() {
            for (_, id) in iface["ident"].as_object().unwrap() {
                want.push((
                    id["pkts_encaps"].as_u64().unwrap(),
                    id["pkts_decaps"].as_u64().unwrap(),
                    id["send_errors"].as_u64().unwrap_or(0),
                    id["recv_errors"].as_u64().unwrap_or(0),
                ));
            }
        }
        assert_eq!(
            counters(&events(&format!("{base}_output.txt"))),
            want,
            "{base}"
        );
    }
}

#[test]
fn asa_show_crypto_ipsec_sa_counters_match_ntc_templates() {
    let dir = "cisco-asa/ntc-templates/show_crypto_ipsec_sa/cisco_asa_show_crypto_ipsec_sa";
    let want: Vec<(u64, u64, u64, u64)> = ntc_items(&format!("{dir}.yml"))
        .iter()
        .map(|i| {
            let n = |k: &str| field(i, k).parse::<u64>().unwrap_or(0);
            (
                n("packets_encapsulated"),
                n("packets_decapsulated"),
                n("send_errors"),
                n("receive_errors"),
            )
        })
        .collect();
    assert!(!want.is_empty());
    assert_eq!(counters(&events(&format!("{dir}.raw"))), want);
}

#[test]
fn asa_show_crypto_ikev1_sa_matches_ntc_templates() {
    let dir =
        "cisco-asa/ntc-templates/show_crypto_ikev1_sa_detail/cisco_asa_show_crypto_ikev1_sa_detail";
    let want: Vec<(String, String)> = ntc_items(&format!("{dir}.yml"))
        .iter()
        .map(|i| {
            (
                field(i, "peer").to_string(),
                field(i, "state").to_ascii_uppercase(),
            )
        })
        .collect();
    let p = show(&format!("{dir}.raw"));
    let got: Vec<(String, String)> = cisco_log::parse("x", &std::fs::read_to_string(p).unwrap())
        .events
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::SaState { state, .. } => {
                Some((e.peer.map(|a| a.to_string()).unwrap_or_default(), state))
            }
            _ => None,
        })
        .collect();
    assert_eq!(got, want);
}

#[test]
fn every_copied_show_output_parses_without_panic() {
    let mut stack = vec![show("")];
    let mut n = 0;
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "txt" || x == "raw") {
                let text = std::fs::read_to_string(&p).unwrap();
                let _ = cisco_log::parse(&p.display().to_string(), &text);
                n += 1;
            }
        }
    }
    assert!(n >= 10, "{n} show outputs");
}

fn model(rel: &str) -> ipsec_doctor::model::Device {
    let p = show(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(cisco_log::looks_like(&text), "{rel} is recognised");
    cisco_log::parse(&p.display().to_string(), &text)
        .model
        .unwrap_or_else(|| panic!("{rel}: no model rebuilt"))
}

#[test]
fn ios_show_crypto_map_matches_genieparser() {
    use ipsec_doctor::model::PolicyKind;
    let dir = "cisco-ios/genieparser/iosxe/ShowCryptoMap";
    for n in 1..=3 {
        let want: Value = serde_json::from_str(
            &std::fs::read_to_string(show(&format!("{dir}/golden_output_{n}_expected.json")))
                .unwrap(),
        )
        .unwrap();
        let isakmp = want.to_string().contains("ipsec-isakmp");
        let dev = model(&format!("{dir}/golden_output_{n}_output.txt"));
        assert!(dev.known.crypto_maps, "{n}");
        if !isakmp {
            continue;
        }
        for fam in ["ipv4", "ipv6"] {
            let Some(maps) = want[fam]["crypto_map_tag"].as_object() else {
                continue;
            };
            for (tag, m) in maps {
                if m["ipsec"] != "ipsec-isakmp" {
                    continue;
                }
                let seq = m["sequence_number"].as_u64().unwrap() as u32;
                let pol = dev
                    .policies
                    .iter()
                    .find(|p| matches!(&p.kind, PolicyKind::CryptoMap { map, seq: s } if map.eq_ignore_ascii_case(tag) && *s == seq))
                    .unwrap_or_else(|| panic!("{n}: map {tag} {seq} not in {:?}", dev.policies.iter().map(|p| p.label()).collect::<Vec<_>>()));
                let peers: Vec<String> = pol.peers.iter().map(|(a, _)| a.to_string()).collect();
                let want_peers: Vec<String> = m["peer"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p.as_str().unwrap().to_string())
                    .collect();
                assert_eq!(peers, want_peers, "{n}: {tag} peers");
                if let Some(acl) = m["extended_ip_access_list"].as_str() {
                    assert_eq!(
                        pol.selector_source.as_ref().map(|(a, _)| a.as_str()),
                        Some(acl),
                        "{n}: {tag} ACL"
                    );
                }
                for (ts, transforms) in m["transform_sets"].as_object().unwrap() {
                    let p = pol
                        .proposals
                        .iter()
                        .find(|p| p.name == *ts)
                        .unwrap_or_else(|| panic!("{n}: {tag}: transform set {ts} not resolved"));
                    let text: Vec<&str> = transforms
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter_map(|t| t.as_str())
                        .collect();
                    assert!(
                        p.loc.text.split_whitespace().any(|w| w == text[0]),
                        "{n}: {ts}: {text:?} vs {}",
                        p.loc.text
                    );
                    assert!(p.uses_esp(), "{n}: {ts} uses ESP");
                }
                if let Some(ifs) = m["interfaces_crypto_map"]["interfaces"].as_array() {
                    for i in ifs {
                        let i = i.as_str().unwrap();
                        let iface = dev.interface(i).unwrap_or_else(|| panic!("{n}: {i}"));
                        assert_eq!(
                            iface
                                .crypto_map
                                .as_ref()
                                .map(|(m, _)| m.to_ascii_lowercase()),
                            Some(tag.to_ascii_lowercase()),
                            "{n}: {i}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn ios_show_crypto_session_and_ikev2_sa_states_match_genieparser() {
    let states = |rel: &str| -> Vec<(String, String)> {
        events(rel)
            .into_iter()
            .filter_map(|k| match k {
                EventKind::SaState { state, .. } => Some(state),
                _ => None,
            })
            .map(|s| (s, String::new()))
            .collect()
    };
    let dir = "cisco-ios/genieparser/ios/ShowCryptoSession";
    let want: Value = serde_json::from_str(
        &std::fs::read_to_string(show(&format!("{dir}/golden_output_expected.json"))).unwrap(),
    )
    .unwrap();
    let want_states: Vec<String> = want["interface"]
        .as_object()
        .unwrap()
        .values()
        .map(|i| i["session_status"].as_str().unwrap().to_string())
        .collect();
    let got: Vec<String> = states(&format!("{dir}/golden_output_output.txt"))
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    assert_eq!(got, want_states);
    let dir = "cisco-ios/genieparser/iosxe/ShowCryptoIkev2Sa";
    let want: Value = serde_json::from_str(
        &std::fs::read_to_string(show(&format!("{dir}/golden_output_expected.json"))).unwrap(),
    )
    .unwrap();
    let text = want.to_string();
    let got = states(&format!("{dir}/golden_output_output.txt"));
    assert!(!got.is_empty());
    for (s, _) in got {
        assert!(text.contains(&format!("\"{s}\"")), "{s} in {text}");
    }
}
