//! Route lookup over a device's connected and static routes: longest prefix wins and
//! next hops are resolved recursively to the interface a packet leaves by.

use super::device::Device;
use super::net::{Interface, Route};
use std::net::IpAddr;

#[derive(Debug, Clone)]
pub enum RouteSource<'a> {
    Connected(&'a Interface),
    Static(&'a Route),
}

#[derive(Debug, Clone)]
pub struct Lookup<'a> {
    pub source: RouteSource<'a>,
    /// The interface the packet leaves by, when it can be resolved.
    pub exit: Option<&'a Interface>,
}

impl Device {
    pub fn route_to(&self, dst: IpAddr) -> Option<Lookup<'_>> {
        self.route_to_depth(dst, 0)
    }

    fn route_to_depth(&self, dst: IpAddr, depth: u8) -> Option<Lookup<'_>> {
        // Recursion through next hops stops after a few levels: real loops exist in configs.
        if depth > 4 {
            return None;
        }
        let connected = self
            .interfaces
            .iter()
            .filter(|i| !i.shutdown && i.vrf.is_none())
            .flat_map(|i| i.addresses.iter().map(move |n| (n.trunc(), i)))
            .filter(|(n, _)| n.contains(&dst))
            .max_by_key(|(n, _)| n.prefix_len());
        let stat = self
            .routes
            .iter()
            .filter(|r| r.vrf.is_none() && r.prefix.contains(&dst))
            .filter(|r| {
                // A static route out of a shut interface is not installed.
                r.interface
                    .as_ref()
                    .and_then(|n| self.interface(n))
                    .is_none_or(|i| !i.shutdown)
            })
            .max_by_key(|r| (r.prefix.prefix_len(), u8::MAX - r.distance));
        match (connected, stat) {
            (Some((n, i)), Some(r)) if n.prefix_len() >= r.prefix.prefix_len() => Some(Lookup {
                source: RouteSource::Connected(i),
                exit: Some(i),
            }),
            (_, Some(r)) => {
                let exit = match (&r.interface, r.next_hop) {
                    (Some(name), _) => self.interface(name),
                    (None, Some(nh)) if nh != dst => {
                        self.route_to_depth(nh, depth + 1).and_then(|l| l.exit)
                    }
                    _ => None,
                };
                if r.interface.is_none() && exit.is_none() {
                    // A next hop that is itself unreachable leaves the route uninstalled.
                    return connected.map(|(_, i)| Lookup {
                        source: RouteSource::Connected(i),
                        exit: Some(i),
                    });
                }
                Some(Lookup {
                    source: RouteSource::Static(r),
                    exit,
                })
            }
            (Some((_, i)), None) => Some(Lookup {
                source: RouteSource::Connected(i),
                exit: Some(i),
            }),
            (None, None) => None,
        }
    }
}
