//! libreswan (and Openswan): pluto's output → evidence events.

mod pluto;

pub use pluto::{looks_like, parse};
