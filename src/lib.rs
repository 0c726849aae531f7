//! ipsec-doctor: evidence in → model → diagnosis → report out.
//!
//! - [`ingest`] detects and parses inputs into the shared [`model`] and [`evidence`] events.
//! - [`diagnose`] walks the troubleshooting flowchart over the model only.
//! - [`advice`] turns abstract remedies and probes into each platform's own commands.
//! - [`report`] renders findings as text, JSON, Markdown or HTML.
//!
//! ```
//! use ipsec_doctor::{cases, diagnose, ingest, report};
//!
//! // The reference chapter's Tokyo and Osaka, with the transform-set fault of Example 8-80.
//! let case = ingest::parse(&cases::default_inputs());
//! let diagnosis = diagnose::diagnose(&case);
//! let (verdict, _step) = diagnosis.verdict(&case.devices);
//! assert_eq!(verdict, "transform-set-mismatch");
//! let r = report::build(&case, &diagnosis, &report::Options { show_secrets: false, verbose: false });
//! assert!(report::render(&r, report::Format::Markdown, false).contains("esp-md5-hmac"));
//! ```

pub mod advice;
pub mod cases;
pub mod diagnose;
pub mod evidence;
pub mod explain;
pub mod ingest;
pub mod model;
pub mod report;
