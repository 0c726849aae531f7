//! Generates a hub with N crypto map entries and N spoke configs (IOS), for the benchmark and
//! for `cargo run --release --example gen_hub`. Every 100th spoke has a transform-set
//! mismatch so the diagnosis has real work to do.

use std::fmt::Write;

/// Spoke i's WAN address in 198.18.0.0/15 (the benchmarking range), as /30 pairs.
pub fn spoke_wan(i: u32) -> (String, String) {
    let base = (198u32 << 24) | (18 << 16) | (i * 4);
    let ip = |x: u32| {
        format!(
            "{}.{}.{}.{}",
            x >> 24,
            (x >> 16) & 255,
            (x >> 8) & 255,
            x & 255
        )
    };
    (ip(base + 2), ip(base + 1))
}

/// Spoke i's LAN, a unique /24 in 10.64.0.0/10, and the spoke's address on it.
pub fn spoke_lan(i: u32) -> String {
    format!("10.{}.{}.0", 64 + i / 256, i % 256)
}

fn spoke_lan_host(i: u32) -> String {
    format!("10.{}.{}.1", 64 + i / 256, i % 256)
}

pub fn psk(i: u32) -> String {
    format!("bench-key-{i:05}")
}

pub fn broken(i: u32) -> bool {
    i.is_multiple_of(100)
}

pub fn hub(n: u32) -> String {
    let mut s = String::with_capacity(n as usize * 400);
    let _ = writeln!(s, "version 15.7\nhostname HUB\n!\ncrypto keyring SPOKES");
    for i in 1..=n {
        let _ = writeln!(
            s,
            "  pre-shared-key address {} key {}",
            spoke_wan(i).0,
            psk(i)
        );
    }
    let _ = writeln!(
        s,
        "!\ncrypto isakmp policy 10\n encr aes 256\n hash sha256\n authentication pre-share\n group 14\n!\ncrypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac\n!"
    );
    for i in 1..=n {
        let _ = writeln!(
            s,
            "crypto map VPN {} ipsec-isakmp\n set peer {}\n set transform-set TS\n match address SPOKE-{i}\n!",
            i * 10,
            spoke_wan(i).0
        );
    }
    for i in 1..=n {
        let _ = writeln!(
            s,
            "ip access-list extended SPOKE-{i}\n permit ip 10.0.0.0 0.0.255.255 {} 0.0.0.255",
            spoke_lan(i)
        );
    }
    let _ = writeln!(
        s,
        "!\ninterface GigabitEthernet0/0\n ip address 198.19.255.1 255.255.255.0\n crypto map VPN\n!\ninterface GigabitEthernet0/1\n ip address 10.0.0.1 255.255.0.0\n!\nip route 0.0.0.0 0.0.0.0 198.19.255.254\nend"
    );
    s
}

pub fn spoke(i: u32) -> String {
    let (wan, gw) = spoke_wan(i);
    let integ = if broken(i) {
        "esp-sha-hmac"
    } else {
        "esp-sha256-hmac"
    };
    format!(
        "version 15.4\nhostname SPOKE-{i:05}\n!\ncrypto isakmp policy 10\n encr aes 256\n hash sha256\n authentication pre-share\n group 14\ncrypto isakmp key {} address 198.19.255.1\n!\ncrypto ipsec transform-set TS esp-aes 256 {integ}\n!\ncrypto map HUB 10 ipsec-isakmp\n set peer 198.19.255.1\n set transform-set TS\n match address 101\n!\ninterface GigabitEthernet0/0\n ip address {wan} 255.255.255.252\n crypto map HUB\n!\ninterface GigabitEthernet0/1\n ip address {} 255.255.255.0\n!\nip route 0.0.0.0 0.0.0.0 {gw}\n!\naccess-list 101 permit ip {} 0.0.0.255 10.0.0.0 0.0.255.255\nend\n",
        psk(i),
        spoke_lan_host(i),
        spoke_lan(i)
    )
}
