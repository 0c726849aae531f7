//! Helpers shared by the integration tests.

use serde_json::Value;

/// The peer names of a JSON report, in order.
pub fn peer_names(r: &Value) -> Vec<String> {
    r["peers"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
