//! Packet captures (pcap, pcapng) → evidence events: IKE messages, fragments, ESP flows,
//! ICMP errors, each pointing at its capture file and frame number.

pub mod frag;
pub mod frame;
pub mod ike;
pub mod net;
pub mod wire;

/// True when the bytes start like a pcap or pcapng file.
pub fn looks_like(head: &[u8]) -> bool {
    matches!(
        head.get(..4),
        Some([0xa1, 0xb2, 0xc3, 0xd4])
            | Some([0xd4, 0xc3, 0xb2, 0xa1])
            | Some([0xa1, 0xb2, 0x3c, 0x4d])
            | Some([0x4d, 0x3c, 0xb2, 0xa1])
            | Some([0x0a, 0x0d, 0x0d, 0x0a])
    )
}

/// What one capture shows.
pub struct Capture {
    pub events: Vec<crate::evidence::Event>,
    pub frames: u64,
    pub dropped: u64,
    pub undecodable: u64,
    /// The file is damaged after the frames read: what they show is still evidence.
    pub damage: Option<frame::FrameError>,
}

/// Reads a capture from any reader, streaming.
pub fn parse_reader(
    path: &str,
    reader: impl std::io::Read + Send,
) -> Result<Capture, frame::FrameError> {
    let mut a = wire::Analyzer::new(path);
    let (frames, damage) = match frame::each_frame(reader, |f| a.frame(f)) {
        Ok(n) => (n, None),
        Err(e @ frame::FrameError::Damaged { after, .. }) => (after, Some(e)),
        Err(e) => return Err(e),
    };
    let undecodable = a.undecodable;
    let (events, dropped) = a.finish();
    Ok(Capture {
        events,
        frames,
        dropped,
        undecodable,
        damage,
    })
}
