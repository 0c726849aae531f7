//! swanctl.conf, ipsec.conf, ipsec.secrets and `swanctl --list-conns`: any bytes become a model without panicking,
//! read alone and as the files of one host.
#![no_main]

use ipsec_doctor::ingest::strongswan;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = strongswan::flavor(&text);
    let _ = strongswan::parse_config("fuzz/swanctl.conf", &text);
    let _ = strongswan::parse_listing("fuzz/list-conns.txt", &text);
    // The same bytes as a legacy pair: a conn file and its secrets.
    let _ = strongswan::parse_configs("fuzz", &[("ipsec.conf", &text), ("ipsec.secrets", &text)]);
});
