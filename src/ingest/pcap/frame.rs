//! Frames of a pcap or pcapng file, streamed from any reader with a fixed buffer.

use pcap_parser::{Linktype, PcapBlockOwned, PcapError, create_reader, pcapng::Block};

/// One captured frame.
pub struct Frame<'a> {
    /// 1-based, as Wireshark numbers frames.
    pub no: u64,
    /// Seconds since the epoch.
    pub time: f64,
    pub linktype: Linktype,
    pub data: &'a [u8],
    /// The frame was cut by the capture's snap length.
    pub truncated: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("not a pcap or pcapng file")]
    NotACapture,
    #[error("damaged after frame {after}: {reason}")]
    Damaged { after: u64, reason: String },
}

/// Largest block the reader accepts; a larger one is damage, not a packet.
const MAX_BLOCK: usize = 1 << 20;

/// Calls `f` for every frame in file order. Memory is the reader's buffer, whatever the size.
pub fn each_frame(
    reader: impl std::io::Read + Send,
    mut f: impl FnMut(&Frame<'_>),
) -> Result<u64, FrameError> {
    // 1 MiB: fewer read calls than the default, small enough that shifts stay cheap
    // (measured: 64 KiB 0.58 s, 1 MiB 0.40 s, 4 MiB 0.6 s on 2 GB).
    let mut rd = create_reader(1 << 20, reader).map_err(|_| FrameError::NotACapture)?;
    let mut no = 0u64;
    let mut stalls = 0u32;
    // pcap: one link type and resolution for the file; pcapng: per interface.
    let mut legacy: Option<(Linktype, f64)> = None;
    let mut ifaces: Vec<(Linktype, u64, i64)> = Vec::new();
    loop {
        match rd.next() {
            Ok((offset, block)) => {
                match block {
                    PcapBlockOwned::LegacyHeader(h) => {
                        let unit = if h.is_nanosecond_precision() {
                            1e-9
                        } else {
                            1e-6
                        };
                        legacy = Some((h.network, unit));
                    }
                    PcapBlockOwned::Legacy(b) => {
                        no += 1;
                        let (lt, unit) = legacy.unwrap_or((Linktype::ETHERNET, 1e-6));
                        let len = (b.caplen as usize).min(b.data.len());
                        f(&Frame {
                            no,
                            time: b.ts_sec as f64 + b.ts_usec as f64 * unit,
                            linktype: lt,
                            data: &b.data[..len],
                            truncated: b.caplen < b.origlen,
                        });
                    }
                    PcapBlockOwned::NG(Block::SectionHeader(_)) => ifaces.clear(),
                    PcapBlockOwned::NG(Block::InterfaceDescription(i)) => {
                        let res = i.ts_resolution().unwrap_or(1_000_000);
                        ifaces.push((i.linktype, res, i.if_tsoffset));
                    }
                    PcapBlockOwned::NG(Block::EnhancedPacket(b)) => {
                        no += 1;
                        let (lt, res, off) = ifaces.get(b.if_id as usize).copied().unwrap_or((
                            Linktype::ETHERNET,
                            1_000_000,
                            0,
                        ));
                        let len = (b.caplen as usize).min(b.data.len());
                        f(&Frame {
                            no,
                            time: b.decode_ts_f64(off as u64, res.max(1)),
                            linktype: lt,
                            data: &b.data[..len],
                            truncated: b.caplen < b.origlen,
                        });
                    }
                    PcapBlockOwned::NG(Block::SimplePacket(b)) => {
                        no += 1;
                        let lt = ifaces.first().map(|x| x.0).unwrap_or(Linktype::ETHERNET);
                        f(&Frame {
                            no,
                            time: 0.0,
                            linktype: lt,
                            data: b.data,
                            truncated: (b.data.len() as u32) < b.origlen,
                        });
                    }
                    PcapBlockOwned::NG(_) => {}
                }
                rd.consume(offset);
                stalls = 0;
            }
            Err(PcapError::Eof) => break,
            Err(PcapError::Incomplete(_)) => {
                stalls += 1;
                if rd.reader_exhausted() && stalls > 1 {
                    // A file cut mid-frame (a capture still being written): keep what we have.
                    break;
                }
                // A block larger than the buffer: grow once, up to a sane bound.
                if stalls > 2 && !rd.grow(MAX_BLOCK) {
                    return Err(FrameError::Damaged {
                        after: no,
                        reason: "a block larger than 1 MiB".into(),
                    });
                }
                if let Err(e) = rd.refill() {
                    return Err(FrameError::Damaged {
                        after: no,
                        reason: format!("{e:?}"),
                    });
                }
            }
            Err(e) => {
                return Err(FrameError::Damaged {
                    after: no,
                    reason: format!("{e:?}"),
                });
            }
        }
    }
    Ok(no)
}
