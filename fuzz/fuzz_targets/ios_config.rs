//! The IOS configuration parser must turn any bytes into a Device without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = ipsec_doctor::ingest::cisco_ios::looks_like(&text);
    let _ = ipsec_doctor::ingest::cisco_ios::parse("fuzz.cfg", &text);
});
