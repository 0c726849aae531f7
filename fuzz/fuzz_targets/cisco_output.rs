//! IOS/ASA debug, syslog and show output: any bytes become events without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = ipsec_doctor::ingest::cisco_log::looks_like(&text);
    let _ = ipsec_doctor::ingest::cisco_log::parse("fuzz.log", &text);
});
