use super::*;

/// Test-only classic-pcap walker: UDP payloads with their ports.
pub(super) fn udp_payloads(file: &[u8]) -> Vec<(u16, u16, Vec<u8>)> {
    let mut out = Vec::new();
    let Some(magic) = file.get(0..4) else {
        return out;
    };
    let le = match magic {
        [0xd4, 0xc3, 0xb2, 0xa1] | [0x4d, 0x3c, 0xb2, 0xa1] => true,
        [0xa1, 0xb2, 0xc3, 0xd4] | [0xa1, 0xb2, 0x3c, 0x4d] => false,
        _ => return out,
    };
    let rd32 = |b: &[u8]| {
        let a = [b[0], b[1], b[2], b[3]];
        if le {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        }
    };
    let linktype = rd32(&file[20..24]);
    let mut off = 24;
    while off + 16 <= file.len() {
        let incl = rd32(&file[off + 8..off + 12]) as usize;
        let Some(frame) = file.get(off + 16..off + 16 + incl) else {
            break;
        };
        off += 16 + incl;
        let ip = match linktype {
            0 => frame.get(4..),
            1 => {
                let mut o = 12;
                let mut et = u16::from_be_bytes([frame[o], frame[o + 1]]);
                while et == 0x8100 {
                    o += 4;
                    et = u16::from_be_bytes([frame[o], frame[o + 1]]);
                }
                frame.get(o + 2..)
            }
            101 => Some(frame),
            113 => frame.get(16..),
            _ => None,
        };
        let Some(ip) = ip else { continue };
        let Some(v) = ip.first() else { continue };
        let udp = match v >> 4 {
            4 => {
                let ihl = usize::from(v & 0x0f) * 4;
                let frag = u16::from_be_bytes([ip[6], ip[7]]);
                if ip[9] != 17 || frag & 0x3fff != 0 {
                    continue;
                }
                let tot = usize::from(u16::from_be_bytes([ip[2], ip[3]]));
                ip.get(ihl..tot.min(ip.len()))
            }
            6 => {
                if ip[6] != 17 {
                    continue;
                }
                ip.get(40..)
            }
            _ => None,
        };
        let Some(udp) = udp else { continue };
        if udp.len() < 8 {
            continue;
        }
        let sp = u16::from_be_bytes([udp[0], udp[1]]);
        let dp = u16::from_be_bytes([udp[2], udp[3]]);
        let ulen = usize::from(u16::from_be_bytes([udp[4], udp[5]]));
        let end = ulen.clamp(8, udp.len());
        out.push((sp, dp, udp[8..end].to_vec()));
    }
    out
}

#[test]
#[ignore]
fn explore() {
    let path = std::env::var("PCAP").unwrap();
    let f = std::fs::read(&path).unwrap();
    for (i, (sp, dp, p)) in udp_payloads(&f).into_iter().enumerate() {
        let p = if (sp == 4500 || dp == 4500) && p.starts_with(&[0, 0, 0, 0]) {
            p[4..].to_vec()
        } else if sp == 4500 || dp == 4500 {
            println!("{i} {sp}>{dp} ESP/keepalive len {}", p.len());
            continue;
        } else {
            p
        };
        match decode(&p) {
            Ok(m) => {
                println!(
                    "{i} {sp}>{dp} v{} {} ({}) mid {:08x} ispi {} rspi {} flags {:02x} len {} R={:?} I={:?}",
                    m.version,
                    m.exchange_name,
                    m.exchange,
                    m.message_id,
                    hex(&m.ispi),
                    hex(&m.rspi),
                    m.flags,
                    m.length,
                    m.response,
                    m.from_original_initiator
                );
                for (t, pl) in m.payload_types.iter().zip(&m.payloads) {
                    match pl {
                        Payload::VendorId { data, name } => {
                            println!("   [{t}] VID {} {:?}", hex(data), name)
                        }
                        Payload::Sa { proposals } => {
                            for p in proposals {
                                println!(
                                    "   [{t}] P#{} {} spi {}",
                                    p.number,
                                    p.protocol_name,
                                    hex(&p.spi)
                                );
                                for tr in &p.transforms {
                                    println!(
                                        "       {} {} {:?} {:?}",
                                        tr.kind, tr.id, tr.name, tr.attributes
                                    );
                                }
                            }
                        }
                        Payload::Notify {
                            protocol,
                            kind,
                            name,
                            spi,
                            data,
                        } => println!(
                            "   [{t}] N {kind} {name} proto {protocol} spi {} data {}",
                            hex(spi),
                            hex(data)
                        ),
                        Payload::NatD { hash } => println!("   [{t}] NAT-D {}", hex(hash)),
                        other => println!("   [{t}] {other:?}"),
                    }
                }
            }
            Err(e) => println!("{i} {sp}>{dp} ERR {e}"),
        }
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
