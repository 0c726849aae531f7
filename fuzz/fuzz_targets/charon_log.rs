//! charon logs (filelog, syslog, journal) and `swanctl --list-sas` / `ipsec statusall`
//! listings: any bytes become events without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = ipsec_doctor::ingest::strongswan::looks_like_output(&text);
    let _ = ipsec_doctor::ingest::strongswan::parse_output("fuzz.log", &text);
});
