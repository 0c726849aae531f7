//! libreswan ipsec.conf and ipsec.secrets: any bytes become a model without panicking, read
//! from either end, with and without a log's hints.
#![no_main]

use ipsec_doctor::ingest::libreswan::conf::{self, Hint};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = conf::looks_like(&text);
    let files = [("west.conf", &*text), ("west.secrets", &*text)];
    let plain = Hint {
        name: "west".into(),
        ..Hint::default()
    };
    let _ = conf::device("west", &files, &plain);
    let hinted = Hint {
        peers: vec!["192.1.2.23".parse().expect("literal address")],
        loaded: Some(vec!["westnet-eastnet".into()]),
        ..plain
    };
    let _ = conf::device("west", &files, &hinted);
});
