//! The parallel block reader: any bytes, cut into blocks of any size, read without panicking
//! and exactly as the single-block reader reads them.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&cut, rest)) = data.split_first() else {
        return;
    };
    let cut = usize::from(cut).max(1);
    let whole = ipsec_doctor::ingest::cisco_log::parse_in_blocks("fuzz.log", rest, usize::MAX);
    let blocks = ipsec_doctor::ingest::cisco_log::parse_in_blocks("fuzz.log", rest, cut);
    assert_eq!(whole.events.len(), blocks.events.len());
    assert_eq!(whole.dropped, blocks.dropped);
    assert_eq!(whole.host, blocks.host);
});
