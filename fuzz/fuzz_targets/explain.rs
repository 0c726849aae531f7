//! `ipsec-doctor explain` on any pasted text: never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = ipsec_doctor::explain::render(&ipsec_doctor::explain::explain(&text));
});
