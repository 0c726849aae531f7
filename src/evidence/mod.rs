//! Evidence events: what logs, show outputs and captures say happened, in one vocabulary.
//! Each event carries where it was read (file and line, or capture and frame).

use crate::model::{IkeVersion, Loc};
use serde::Serialize;
use std::net::IpAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Sent,
    Received,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum EventKind {
    IkeMessage {
        version: IkeVersion,
        exchange: String,
        direction: Direction,
        message_id: Option<u32>,
        local: Option<IpAddr>,
        remote: Option<IpAddr>,
        local_port: Option<u16>,
        remote_port: Option<u16>,
        length: Option<u32>,
    },
    Retransmit {
        attempt: Option<u32>,
        exchange: Option<String>,
    },
    StateChange {
        from: Option<String>,
        to: String,
    },
    ProposalRejected {
        attribute: Option<String>,
    },
    Notify {
        direction: Direction,
        code: u16,
        name: String,
    },
    AuthResult {
        ok: bool,
    },
    SaUp {
        phase: u8,
        spi_in: Option<u32>,
        spi_out: Option<u32>,
    },
    SaDown {
        phase: u8,
    },
    Counters {
        spi: Option<u32>,
        packets_out: u64,
        packets_in: u64,
        errors_in: u64,
        errors_out: u64,
    },
    Message {
        severity: u8,
        code: String,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub at: Loc,
    /// Seconds since the Unix epoch (or since boot when the log gives uptime only).
    pub time: Option<f64>,
    pub peer: Option<IpAddr>,
    pub kind: EventKind,
}
