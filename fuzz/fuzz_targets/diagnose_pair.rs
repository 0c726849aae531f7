//! Two arbitrary inputs (split at the first 0xFF byte) through the whole pipeline: detection,
//! parsing, pairing, the flowchart and every renderer.
#![no_main]

use ipsec_doctor::ingest::{self, Input};
use ipsec_doctor::report::{self, Format, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let cut = data.iter().position(|b| *b == 0xff).unwrap_or(data.len() / 2);
    let (a, b) = data.split_at(cut);
    let b = b.get(1..).unwrap_or_default();
    let inputs = [
        Input { path: "a.cfg".into(), peer: None, text: String::from_utf8_lossy(a).into_owned(), stream: None },
        Input { path: "b.cfg".into(), peer: None, text: String::from_utf8_lossy(b).into_owned(), stream: None },
    ];
    let case = ingest::parse(&inputs);
    let diag = ipsec_doctor::diagnose::diagnose(&case);
    let rep = report::build(&case, &diag, &Options { show_secrets: false, verbose: true });
    for f in [Format::Json, Format::Text, Format::Markdown, Format::Html] {
        let _ = report::render(&rep, f, false);
    }
});
