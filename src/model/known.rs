//! Which parts of a device the evidence describes, and the live facts only show commands
//! tell (the clock, the installed certificates).
//!
//! A running configuration describes every part; `show crypto isakmp key` describes only the
//! keys. The engine must never read "absent" from a part it was never shown.

use super::source::Loc;
use serde::Serialize;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Known {
    pub ike_policies: bool,
    pub keys: bool,
    pub crypto_maps: bool,
    pub transforms: bool,
    pub acls: bool,
    pub interfaces: bool,
    pub routes: bool,
    pub identities: bool,
}

impl Known {
    /// What a full configuration tells.
    pub const ALL: Known = Known {
        ike_policies: true,
        keys: true,
        crypto_maps: true,
        transforms: true,
        acls: true,
        interfaces: true,
        routes: true,
        identities: true,
    };

    pub fn union(self, o: Known) -> Known {
        Known {
            ike_policies: self.ike_policies || o.ike_policies,
            keys: self.keys || o.keys,
            crypto_maps: self.crypto_maps || o.crypto_maps,
            transforms: self.transforms || o.transforms,
            acls: self.acls || o.acls,
            interfaces: self.interfaces || o.interfaces,
            routes: self.routes || o.routes,
            identities: self.identities || o.identities,
        }
    }

    pub fn is_complete(&self) -> bool {
        *self == Known::ALL
    }
}

/// A point in time as seconds since 1970-01-01 UTC (time zones other than UTC/GMT are read
/// as UTC: a device clock is compared with certificate dates the same device printed).
pub type Epoch = i64;

/// `show clock`: what the device believes the time is.
#[derive(Debug, Clone, Serialize)]
pub struct Clock {
    pub at: Epoch,
    pub loc: Loc,
}

/// One certificate from `show crypto ca certificates` / `show crypto pki certificates`.
#[derive(Debug, Clone, Serialize)]
pub struct Certificate {
    /// "Certificate" (the device's own), "CA Certificate", ...
    pub kind: String,
    pub subject: Option<String>,
    pub not_before: Option<(Epoch, Loc)>,
    pub not_after: Option<(Epoch, Loc)>,
    pub loc: Loc,
}

impl Certificate {
    pub fn is_ca(&self) -> bool {
        self.kind.to_ascii_lowercase().contains("ca ")
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Reads the date/time forms IOS prints: `14:18:58.579 UTC Sun Mar 14 2005` (show clock) and
/// `09:04:23 UTC Mar 13 2003` (certificate validity). Words may come in either order.
pub fn parse_cisco_time(text: &str) -> Option<Epoch> {
    let (mut hms, mut month, mut day, mut year) = (None, None, None, None);
    for w in text.split_whitespace() {
        let w = w.trim_start_matches(['*', '.']).trim_end_matches(',');
        if w.contains(':') && w.starts_with(|c: char| c.is_ascii_digit()) && hms.is_none() {
            let mut it = w.split(':');
            let h: i64 = it.next()?.parse().ok()?;
            let m: i64 = it.next()?.parse().ok()?;
            let s: f64 = it.next().unwrap_or("0").parse().ok()?;
            if !(0..24).contains(&h) || !(0..60).contains(&m) || !(0.0..61.0).contains(&s) {
                return None;
            }
            hms = Some(h * 3600 + m * 60 + s as i64);
        } else if let Some(i) = MONTHS
            .iter()
            .position(|m| w.get(..3).is_some_and(|head| head.eq_ignore_ascii_case(m)))
        {
            month = Some(i as u32 + 1);
        } else if let Ok(n) = w.parse::<i64>() {
            if n > 31 {
                year = Some(n);
            } else if day.is_none() {
                day = Some(n as u32);
            }
        }
    }
    let (hms, m, d, y) = (hms?, month?, day?, year?);
    if !(1..=31).contains(&d) || !(1970..=9999).contains(&y) {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86400 + hms)
}

/// `2005-03-14` for messages.
pub fn date_of(t: Epoch) -> String {
    let days = t.div_euclid(86400);
    // Inverse of days_from_civil.
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_show_clock_and_validity_dates() {
        let clock = parse_cisco_time(".14:18:58.579 UTC Sun Mar 14 2005").unwrap();
        let start = parse_cisco_time("09:04:23 UTC Mar 13 2003").unwrap();
        let end = parse_cisco_time("end date: 09:14:23 UTC Mar 13 2004").unwrap();
        assert!(start < end && end < clock);
        assert_eq!(date_of(clock), "2005-03-14");
        assert_eq!(date_of(start), "2003-03-13");
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(parse_cisco_time("no date here"), None);
        assert_eq!(parse_cisco_time("99:99 Foo 77"), None);
        // Found by fuzzing: a multi-byte character across the month test, huge hours.
        assert_eq!(parse_cisco_time("10:00:00 UTC m\u{11}é 3 2004"), None);
        assert_eq!(
            parse_cisco_time("ma\u{e9}x 99999999999999:00:00 Mar 3 2004"),
            None
        );
    }
}
