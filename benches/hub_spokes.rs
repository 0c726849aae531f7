//! Hub with 2,000 crypto map entries against 2,000 spoke configs: parse + diagnose.
//! Peak memory is measured by scripts/bench-hub.sh (the binary under /usr/bin/time).

#[path = "support/hubgen.rs"]
mod hubgen;

use criterion::{Criterion, criterion_group, criterion_main};
use ipsec_doctor::ingest::{self, Input};
use std::hint::black_box;
use std::time::Duration;

const SPOKES: u32 = 2000;

fn inputs() -> Vec<Input> {
    let mut v = vec![Input {
        path: "hub.cfg".into(),
        peer: None,
        text: hubgen::hub(SPOKES),
        stream: None,
    }];
    for i in 1..=SPOKES {
        v.push(Input {
            path: format!("spoke-{i:05}.cfg"),
            peer: None,
            text: hubgen::spoke(i),
            stream: None,
        });
    }
    v
}

fn bench(c: &mut Criterion) {
    let inputs = inputs();
    let case = ingest::parse(&inputs);
    let diag = ipsec_doctor::diagnose::diagnose(&case);
    let broken = (1..=SPOKES).filter(|i| hubgen::broken(*i)).count();
    assert_eq!(diag.findings.len(), broken, "one finding per broken spoke");

    let mut g = c.benchmark_group("hub-2000-spokes");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("parse hub config", |b| {
        b.iter(|| ingest::cisco_ios::parse("hub.cfg", black_box(&inputs[0].text)))
    });
    g.bench_function("parse all 2001 configs", |b| {
        b.iter(|| ingest::parse(black_box(&inputs)))
    });
    g.bench_function("diagnose (pairing + flowchart)", |b| {
        b.iter(|| ipsec_doctor::diagnose::diagnose(black_box(&case)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
