//! IP fragment sets: reassembled when complete (IKE needs its payload), reported when
//! incomplete (the pieces that never arrived are the evidence of a fragment-dropping path).
//! Memory is bounded: a set is given up after `MAX_BYTES`, and the oldest sets are closed as
//! incomplete when more than `MAX_SETS` are open.

use std::collections::HashMap;
use std::net::IpAddr;

const MAX_SETS: usize = 256;
const MAX_BYTES: usize = 64 << 10;

/// How long a set waits for its pieces (Linux's ipfrag_time).
pub const TIMEOUT_SECS: f64 = 30.0;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Key {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub proto: u8,
    pub id: u32,
}

#[derive(Debug, Clone)]
pub struct Piece {
    pub frame: u64,
    pub offset: u32,
    pub len: u32,
}

#[derive(Debug)]
pub struct Set {
    pub key: Key,
    pub first_time: f64,
    pub pieces: Vec<Piece>,
    /// Known once the last piece (more=0) arrives.
    pub total: Option<u32>,
    /// UDP ports, read from the first piece (the one holding the UDP header).
    pub ports: Option<(u16, u16)>,
    /// The datagram is ESP in UDP 4500, not IKE.
    pub esp_in_udp: bool,
    /// Payload bytes by offset, while under the size bound.
    data: Vec<(u32, Vec<u8>)>,
    overflow: bool,
}

impl Set {
    /// The byte ranges no piece covers (up to the total, or to the end of the last piece).
    pub fn missing(&self) -> Vec<(u32, u32)> {
        let mut have: Vec<(u32, u32)> = self
            .pieces
            .iter()
            .map(|p| (p.offset, p.offset.saturating_add(p.len)))
            .collect();
        have.sort();
        let end = self
            .total
            .unwrap_or_else(|| have.iter().map(|h| h.1).max().unwrap_or(0));
        let mut gaps = Vec::new();
        let mut at = 0u32;
        for (s, e) in have {
            if s > at {
                gaps.push((at, s));
            }
            at = at.max(e);
        }
        if at < end || self.total.is_none() {
            gaps.push((at, end.max(at)));
        }
        gaps.retain(|(s, e)| e > s || self.total.is_none());
        gaps
    }

    fn complete(&self) -> bool {
        self.total.is_some() && self.missing().is_empty()
    }

    /// The reassembled payload, when every byte was kept.
    fn bytes(&self) -> Option<Vec<u8>> {
        if self.overflow {
            return None;
        }
        let total = self.total? as usize;
        let mut out = vec![0u8; total];
        for (off, d) in &self.data {
            let s = *off as usize;
            let e = (s + d.len()).min(total);
            out.get_mut(s..e)?.copy_from_slice(d.get(..e - s)?);
        }
        Some(out)
    }
}

pub enum Outcome {
    /// The set is whole: its reassembled payload (None when too large to keep).
    Complete(Set, Option<Vec<u8>>),
    Pending,
}

#[derive(Default)]
pub struct Tracker {
    open: HashMap<Key, Set>,
    /// Sets closed without all their pieces.
    pub incomplete: Vec<Set>,
}

impl Tracker {
    pub fn add(
        &mut self,
        key: Key,
        frame: u64,
        time: f64,
        offset: u32,
        more: bool,
        payload: &[u8],
    ) -> Outcome {
        self.expire(time);
        if !self.open.contains_key(&key) && self.open.len() >= MAX_SETS {
            // Close the oldest: memory stays bounded, and it is reported, not lost.
            if let Some(k) = self
                .open
                .iter()
                .min_by(|a, b| a.1.first_time.total_cmp(&b.1.first_time))
                .map(|(k, _)| *k)
                && let Some(s) = self.open.remove(&k)
            {
                self.close(s);
            }
        }
        let set = self.open.entry(key).or_insert_with(|| Set {
            key,
            first_time: time,
            pieces: Vec::new(),
            total: None,
            ports: None,
            esp_in_udp: false,
            data: Vec::new(),
            overflow: false,
        });
        if offset == 0
            && key.proto == 17
            && let Some(h) = payload.get(..4)
        {
            set.ports = Some((
                u16::from_be_bytes([h[0], h[1]]),
                u16::from_be_bytes([h[2], h[3]]),
            ));
            // On UDP 4500 the non-ESP marker (four zero bytes) tells IKE from ESP.
            set.esp_in_udp = payload.get(8..12).is_some_and(|m| m != [0, 0, 0, 0])
                && set.ports.is_some_and(|(s, d)| s == 4500 || d == 4500);
        }
        let len = payload.len() as u32;
        set.pieces.push(Piece { frame, offset, len });
        if !more {
            set.total = Some(offset.saturating_add(len));
        }
        let kept: usize = set.data.iter().map(|d| d.1.len()).sum();
        if kept + payload.len() <= MAX_BYTES {
            set.data.push((offset, payload.to_vec()));
        } else {
            set.overflow = true;
            set.data.clear();
        }
        if set.complete()
            && let Some(s) = self.open.remove(&key)
        {
            let bytes = s.bytes();
            return Outcome::Complete(s, bytes);
        }
        Outcome::Pending
    }

    fn close(&mut self, mut s: Set) {
        s.data.clear();
        if self.incomplete.len() < 4096 {
            self.incomplete.push(s);
        }
    }

    fn expire(&mut self, now: f64) {
        if self.open.is_empty() {
            return;
        }
        let old: Vec<Key> = self
            .open
            .iter()
            .filter(|(_, s)| now - s.first_time > TIMEOUT_SECS)
            .map(|(k, _)| *k)
            .collect();
        for k in old {
            if let Some(s) = self.open.remove(&k) {
                self.close(s);
            }
        }
    }

    /// At the end of the capture every set still open is incomplete.
    pub fn finish(&mut self) {
        let rest: Vec<Set> = self.open.drain().map(|(_, s)| s).collect();
        for s in rest {
            self.close(s);
        }
    }
}
