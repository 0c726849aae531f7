//! Writes the benchmark case (hub.cfg + N spoke configs) into a folder:
//! `cargo run --release --example gen_hub -- DIR [N]`.

#[path = "../benches/support/hubgen.rs"]
mod hubgen;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "bench-data/hub".into());
    let n: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(2000);
    std::fs::create_dir_all(&dir)?;
    std::fs::write(format!("{dir}/hub.cfg"), hubgen::hub(n))?;
    for i in 1..=n {
        std::fs::write(format!("{dir}/spoke-{i:05}.cfg"), hubgen::spoke(i))?;
    }
    println!("wrote {} configs to {dir}", n + 1);
    Ok(())
}
