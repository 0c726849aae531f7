//! IKE message decoding on any UDP payload: never panics, and what it returns is consistent
//! with the input (lengths within the buffer).
#![no_main]

use ipsec_doctor::ingest::pcap::ike;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = ike::decode(data) {
        assert!(m.length as usize <= data.len());
        assert_eq!(m.payloads.len(), m.payload_types.len());
        assert!(m.payloads.len() <= ike::MAX_PAYLOADS);
        // The helpers walk the decoded payloads; they must not panic either.
        let _ = m.notifies().count();
        let _ = m.vendor_ids().count();
        let _ = (
            m.nat_t_supported(),
            m.invalid_ke_group(),
            m.cookie(),
            m.ke_group(),
        );
        let _ = m.payload_names().count();
    }
});
