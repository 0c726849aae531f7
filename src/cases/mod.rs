//! The case embedded in the binary: the reference chapter's Tokyo and Osaka routers with the
//! transform-set fault of its Examples 8-80 and 8-81.

pub const TOKYO: &str = include_str!("tokyo.cfg");
pub const OSAKA: &str = include_str!("osaka.cfg");

pub fn default_inputs() -> Vec<crate::ingest::Input> {
    vec![
        crate::ingest::Input {
            path: "embedded/tokyo.cfg".into(),
            peer: None,
            text: TOKYO.into(),
            stream: None,
        },
        crate::ingest::Input {
            path: "embedded/osaka.cfg".into(),
            peer: None,
            text: OSAKA.into(),
            stream: None,
        },
    ]
}
