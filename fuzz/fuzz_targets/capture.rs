//! pcap/pcapng framing, link layers, IP fragments, UDP/ESP/ICMP and the capture diagnosis:
//! any bytes read as a capture never panic, and memory stays bounded.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(c) = ipsec_doctor::ingest::pcap::parse_reader("fuzz.pcap", data) {
        let case = ipsec_doctor::ingest::Case {
            events: c.events,
            ..Default::default()
        };
        let _ = ipsec_doctor::diagnose::diagnose(&case);
    }
});
