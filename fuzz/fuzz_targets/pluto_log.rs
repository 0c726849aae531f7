//! libreswan/Openswan pluto and whack output: any bytes, no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = ipsec_doctor::ingest::libreswan::looks_like(&text);
    let _ = ipsec_doctor::ingest::libreswan::parse("fuzz.log", &text);
});
