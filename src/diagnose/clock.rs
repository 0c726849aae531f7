//! Certificates against clocks: a certificate is refused when the verifier's clock lies
//! outside its validity. With the clocks and certificates `show clock` and
//! `show crypto ca certificates` print, the engine can say which side is wrong.

use crate::model::known::date_of;
use crate::model::{Certificate, Device, Loc};

pub struct Verdict {
    pub summary: String,
    pub evidence: Vec<Loc>,
    /// The device whose clock is wrong, when the evidence tells.
    pub wrong_clock: Option<String>,
}

fn validity(c: &Certificate) -> Option<(i64, &Loc, i64, &Loc)> {
    let (nb, nbl) = c.not_before.as_ref()?;
    let (na, nal) = c.not_after.as_ref()?;
    Some((*nb, nbl, *na, nal))
}

/// Why `verifier` would refuse a certificate it is shown (a peer's, or its own that the
/// peer will check against the same dates), if its clock says so.
pub fn judge(verifier: &Device, devices: &[Device]) -> Option<Verdict> {
    let clock = verifier.clock.as_ref()?;
    let owners = devices
        .iter()
        .filter(|d| d.name != verifier.name)
        .chain(std::iter::once(verifier));
    for owner in owners {
        for c in owner.certificates.iter().filter(|c| !c.is_ca()) {
            let Some((nb, nbl, na, nal)) = validity(c) else {
                continue;
            };
            if (nb..=na).contains(&clock.at) {
                continue;
            }
            let whose = if owner.name == verifier.name {
                format!("its own certificate{}", subject(c))
            } else {
                format!("{}'s certificate{}", owner.name, subject(c))
            };
            let side = if clock.at > na {
                "after the end"
            } else {
                "before the start"
            };
            // Another clock inside the validity (the owner's, typically) shows the verifier's
            // clock is the one that is off; without one, either may be.
            let sane = devices.iter().find(|d| {
                d.name != verifier.name
                    && d.clock.as_ref().is_some_and(|k| (nb..=na).contains(&k.at))
            });
            let (wrong_clock, cause) = match sane {
                Some(d) => (
                    Some(verifier.name.clone()),
                    format!(
                        "{}'s clock is wrong ({} reads {}, inside the validity): set it and keep it with NTP.",
                        verifier.name,
                        d.name,
                        date_of(d.clock.as_ref().map(|k| k.at).unwrap_or(0))
                    ),
                ),
                None if clock.at > na => (
                    None,
                    format!(
                        "either {}'s clock is wrong (a router without a hardware clock loses it at reboot; NTP keeps it) or the certificate has expired and must be renewed.",
                        verifier.name
                    ),
                ),
                None => (
                    None,
                    format!(
                        "either {}'s clock is wrong (a router without a hardware clock loses it at reboot; NTP keeps it) or the certificate is not valid yet.",
                        verifier.name
                    ),
                ),
            };
            let mut evidence = vec![clock.loc.clone(), nbl.clone(), nal.clone()];
            if let Some(k) = sane.and_then(|d| d.clock.as_ref()) {
                evidence.push(k.loc.clone());
            }
            return Some(Verdict {
                summary: format!(
                    "{}'s clock reads {}, {side} of {whose} (valid {} to {}): {cause}",
                    verifier.name,
                    date_of(clock.at),
                    date_of(nb),
                    date_of(na),
                ),
                evidence,
                wrong_clock,
            });
        }
    }
    None
}

fn subject(c: &Certificate) -> String {
    c.subject
        .as_ref()
        .map(|s| format!(" ({s})"))
        .unwrap_or_default()
}
