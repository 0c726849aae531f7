//! Platforms without an advisor of their own get the remedy in words.

use super::{Advisor, Style};
use crate::diagnose::{Probe, Remedy};
use crate::model::Device;

pub struct Generic;

impl Advisor for Generic {
    fn fix(&self, _dev: &Device, remedies: &[Remedy], _style: &Style) -> Vec<String> {
        remedies
            .iter()
            .map(|r| match r {
                Remedy::Text { text } => text.clone(),
                other => format!("{:?}", other),
            })
            .collect()
    }

    fn probe(&self, _dev: &Device, probe: &Probe) -> Vec<String> {
        vec![format!("{:?}", probe)]
    }
}
