//! ipsec-doctor: evidence in → model → diagnosis → report out.
//!
//! - [`ingest`] detects and parses inputs into the shared [`model`] and [`evidence`] events.
//! - [`diagnose`] walks the troubleshooting flowchart over the model only.
//! - [`advice`] turns abstract remedies and probes into each platform's own commands.
//! - [`report`] renders findings as text, JSON, Markdown or HTML.

pub mod advice;
pub mod cases;
pub mod diagnose;
pub mod evidence;
pub mod ingest;
pub mod model;
pub mod report;
