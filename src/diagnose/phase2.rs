//! Phase 2 of the flowchart: does the responder find a policy for the initiator's proxy
//! identities, from this peer, with a common transform, PFS and an admitted identity?

use super::cause::{Cause, Step};
use super::finding::{Finding, Probe, Remedy, Severity};
use super::lookup;
use super::pairing::Leg;
use super::phase1::b_interface;
use crate::model::{
    DhGroup, Flow, IkeVersion, IpsecProposal, Loc, PolicyKind, SelectorRule, TunnelPolicy,
};

/// The responder's policy that will carry the tunnel, once phase 2 succeeds.
pub struct Chosen<'a> {
    pub resp: &'a TunnelPolicy,
    pub transform: Option<(&'a IpsecProposal, &'a IpsecProposal)>,
    pub flows: Vec<&'a SelectorRule>,
}

fn admits(pol: &TunnelPolicy, f: &Flow) -> bool {
    let m = f.mirrored();
    pol.protected().any(|r| m.is_subset_of(&r.flow))
}

fn peer_ok(pol: &TunnelPolicy, leg: &Leg<'_>) -> bool {
    lookup::any_peer(pol)
        || leg
            .a_seen
            .is_some_and(|s| pol.peers.iter().any(|(p, _)| *p == s))
}

pub fn negotiate<'a>(
    leg: &Leg<'a>,
    skip_selectors: bool,
    out: &mut Vec<Finding>,
) -> Option<Chosen<'a>> {
    let b = leg.b?;
    let a = leg.a;
    let bif = b_interface(leg)?;
    let vti = matches!(leg.pol.kind, PolicyKind::Vti { .. });
    let candidates: Vec<&TunnelPolicy> = b
        .policies
        .iter()
        .filter(|p| matches!(p.kind, PolicyKind::Vti { .. }) == vti)
        .filter(|p| {
            lookup::applied_interfaces(b, p)
                .iter()
                .any(|i| i.name == bif.name)
        })
        .collect();
    if candidates.is_empty() {
        let shut: Vec<&crate::model::Interface> = b
            .interfaces
            .iter()
            .filter(|i| {
                i.shutdown
                    && i.tunnel
                        .as_ref()
                        .is_some_and(|t| t.destination.is_some() && t.destination == leg.a_seen)
            })
            .collect();
        let summary = if vti {
            match shut.first() {
                Some(t) => format!(
                    "{}'s tunnel interface {} towards {} is shut down, so {} has nothing to answer {}'s tunnel with.",
                    b.name, t.name, a.name, b.name, a.name
                ),
                None => format!(
                    "{} has no protected tunnel interface whose destination is {} ({}), so it has nothing to answer the route-based tunnel with.",
                    b.name,
                    a.name,
                    leg.a_seen.map(|x| x.to_string()).unwrap_or_default()
                ),
            }
        } else {
            format!(
                "{} has no crypto map on {}, the interface that receives {}'s negotiation, so it has no IPsec policy to answer quick mode with.",
                b.name, bif.name, a.name
            )
        };
        if !b.policies.is_empty() || vti {
            let mut f = Finding::new(Cause::CryptoMapNotApplied, &b.name, summary)
                .certain()
                .direction(&a.name, &b.name)
                .evidence(shut.iter().map(|i| &i.loc))
                .evidence([&bif.loc])
                .evidence(b.policies.iter().filter(|_| !vti).map(|p| &p.loc).take(3))
                .check(
                    &b.name,
                    "see where IPsec is applied",
                    vec![Probe::ShowPolicies],
                );
            if !vti {
                f = f.fix(
                    &b.name,
                    b.policies
                        .iter()
                        .filter_map(lookup::map_name)
                        .take(1)
                        .map(|m| Remedy::ApplyCryptoMap {
                            map: m.to_string(),
                            interface: bif.name.clone(),
                            remove_from: None,
                        })
                        .collect(),
                );
            } else if let Some(t) = shut.first() {
                f = f.fix(
                    &b.name,
                    vec![Remedy::NoShutdown {
                        interface: t.name.clone(),
                    }],
                );
            }
            out.push(f);
        }
        return None;
    }
    let flows: Vec<&SelectorRule> = leg.pol.protected().collect();
    let first = *flows.first()?;
    let matching: Vec<&TunnelPolicy> = candidates
        .iter()
        .copied()
        .filter(|p| admits(p, &first.flow))
        .collect();
    let from_peer: Vec<&TunnelPolicy> = candidates
        .iter()
        .copied()
        .filter(|p| peer_ok(p, leg))
        .collect();
    // IKEv2 narrowing (RFC 7296 2.9): a responder whose selectors take only part of the
    // proposal answers with the intersection, and the initiator installs that. IKEv1 has
    // none: the responder must accept the proxy identities as proposed (strongSwan narrows
    // even there, and an IKEv1 initiator, strongSwan's too, refuses the answer).
    let narrowing: Vec<&TunnelPolicy> =
        if leg.pol.ike_version == IkeVersion::V2 && leg.pol.narrowing {
            candidates
                .iter()
                .copied()
                .filter(|p| p.narrowing && !admits(p, &first.flow) && narrows(p, &first.flow))
                .collect()
        } else {
            Vec::new()
        };
    let chosen = matching
        .iter()
        .chain(narrowing.iter())
        .copied()
        .find(|p| peer_ok(p, leg));
    // A mode-config client proposes the address its server assigns: the server's policy
    // towards it is the one, whatever the files say of the selectors.
    let assigned = leg.pol.assigned_address || from_peer.iter().any(|p| p.assigned_address);
    let chosen = chosen.or(from_peer.first().copied().filter(|_| assigned));
    let Some(resp) = chosen else {
        if skip_selectors {
            return None;
        }
        if let Some(m) = matching.first().or(narrowing.first()) {
            let seen = leg.a_seen?;
            out.push(
                Finding::new(
                    Cause::ResponderSetPeerMismatch,
                    &b.name,
                    format!(
                        "{}'s {} matches {}'s traffic ({}) but its set peer does not name {} ({seen}), so quick mode is refused.",
                        b.name,
                        m.label(),
                        a.name,
                        first.flow,
                        a.name
                    ),
                )
                .certain()
                .step(Step::Phase2)
                .direction(&a.name, &b.name)
                .evidence(m.peers.iter().map(|(_, l)| l))
                .evidence([&m.loc, &first.loc])
                .fix(&b.name, vec![Remedy::SetPeer { policy: m.label(), old: m.peers.first().map(|(p, _)| *p), new: seen }])
                .check(&b.name, "see the map's peer", vec![Probe::ShowPolicies, Probe::DebugIke]),
            );
        } else {
            let target = from_peer.first().copied().or(candidates.first().copied())?;
            asymmetric(leg, target, first, out);
        }
        return None;
    };
    if !assigned && !admits(resp, &first.flow) {
        narrowed(leg, first, &narrowing, out);
    }
    // Transform sets: the responder picks a proposal that agrees on the algorithms and on
    // PFS; one that agrees on the algorithms only fails on the key exchange.
    let mut transform = None;
    let mut algorithms_only = None;
    'outer: for ip in &leg.pol.proposals {
        for rp in &resp.proposals {
            if ip.agrees_with(rp).is_ok() {
                if pfs_agrees(&ip.pfs_groups(leg.pol), &rp.pfs_groups(resp)) {
                    transform = Some((ip, rp));
                    break 'outer;
                }
                algorithms_only.get_or_insert((ip, rp));
            }
        }
    }
    if transform.is_none() && algorithms_only.is_none() && a.known.transforms && b.known.transforms
    {
        transform_mismatch(leg, resp, out);
    }
    if leg.pol.proposals.is_empty() || resp.proposals.is_empty() {
        // Transform sets not in the evidence: the policies' PFS settings alone.
        pfs(leg, resp, None, out);
    } else if transform.is_none() {
        pfs(leg, resp, algorithms_only, out);
    }
    let transform = transform.or(algorithms_only);
    if b.known.identities {
        identity(leg, resp, out);
    }
    Some(Chosen {
        resp,
        transform,
        flows,
    })
}

/// Some of the flow, mirrored, falls inside what `pol` protects.
fn narrows(pol: &TunnelPolicy, f: &Flow) -> bool {
    let m = f.mirrored();
    pol.protected().any(|r| m.overlaps(&r.flow))
}

/// The responder narrowed the initiator's proposal: not a fault (the SAs come up), but the
/// initiator's traffic outside the intersection gets none, which is worth knowing.
fn narrowed(
    leg: &Leg<'_>,
    first: &SelectorRule,
    narrowing: &[&TunnelPolicy],
    out: &mut Vec<Finding>,
) {
    let (a, Some(b)) = (leg.a, leg.b) else {
        return;
    };
    let from_peer: Vec<&TunnelPolicy> = narrowing
        .iter()
        .copied()
        .filter(|p| peer_ok(p, leg))
        .collect();
    let m = first.flow.mirrored();
    let theirs: Vec<&SelectorRule> = from_peer
        .iter()
        .flat_map(|p| p.protected())
        .filter(|r| m.overlaps(&r.flow))
        .collect();
    let txt: Vec<String> = theirs
        .iter()
        .map(|r| r.flow.mirrored().to_string())
        .collect();
    out.push(
        Finding::new(
            Cause::CryptoAclAsymmetric,
            &b.name,
            format!(
                "{} proposes {} and {} narrows it (IKEv2 traffic-selector narrowing) to {}: the SAs come up for {}, and {}'s traffic outside {} is not tunnelled. Not a fault if that is the intent.",
                a.name,
                first.flow,
                b.name,
                txt.join(", "),
                if txt.len() > 1 { "those flows" } else { "that flow" },
                a.name,
                if txt.len() > 1 { "them" } else { "it" },
            ),
        )
        .severity(Severity::Info)
        .step(Step::Phase2)
        .direction(&a.name, &b.name)
        .evidence([&first.loc])
        .evidence(theirs.iter().map(|r| &r.loc))
        .check(
            &a.name,
            "see the narrowed selectors of the SAs",
            vec![Probe::ShowIpsecSa { peer: leg.target }],
        ),
    );
}

fn asymmetric(leg: &Leg<'_>, resp: &TunnelPolicy, first: &SelectorRule, out: &mut Vec<Finding>) {
    let (a, Some(b)) = (leg.a, leg.b) else {
        return;
    };
    let theirs: Vec<&SelectorRule> = resp.protected().collect();
    let reverse_ok = theirs.iter().all(|r| admits(leg.pol, &r.flow));
    let who = if reverse_ok && !theirs.is_empty() {
        format!(
            "{} can still initiate (its selectors fall inside {}'s mirrored ACL), but {} cannot",
            b.name, a.name, a.name
        )
    } else {
        "neither side can bring the tunnel up".into()
    };
    let b_acl = resp
        .selector_source
        .as_ref()
        .map(|(n, _)| n.clone())
        .unwrap_or_default();
    let a_acl = leg
        .pol
        .selector_source
        .as_ref()
        .map(|(n, _)| n.clone())
        .unwrap_or_default();
    let theirs_txt: Vec<String> = theirs.iter().map(|r| r.flow.to_string()).collect();
    out.push(
        Finding::new(
            Cause::CryptoAclAsymmetric,
            &b.name,
            format!(
                "The crypto ACLs are not mirror images: {} proposes {} but {} protects {} and refuses the proposal (PROPOSAL_NOT_CHOSEN); {who}.",
                a.name,
                first.flow,
                b.name,
                if theirs_txt.is_empty() { "nothing".into() } else { theirs_txt.join(", ") }
            ),
        )
        .certain()
        .step(Step::Phase2)
        .direction(&a.name, &b.name)
        .evidence(leg.pol.protected().map(|r| &r.loc))
        .evidence(theirs.iter().map(|r| &r.loc))
        .fix(&a.name, vec![Remedy::ReplaceSelectors {
            acl: a_acl,
            old: leg.pol.protected().map(|r| r.loc.clone()).collect(),
            new: theirs.iter().map(|r| r.flow.mirrored()).collect(),
        }])
        .fix(&b.name, vec![Remedy::ReplaceSelectors {
            acl: b_acl,
            old: theirs.iter().map(|r| r.loc.clone()).collect(),
            new: leg.pol.protected().map(|r| r.flow.mirrored()).collect(),
        }])
        .check(&a.name, "compare the proxy identities", vec![Probe::ShowPolicies, Probe::ShowIpsecSa { peer: leg.target }])
        .check(&b.name, "compare the proxy identities", vec![Probe::ShowPolicies, Probe::DebugIke]),
    );
}

fn transform_mismatch(leg: &Leg<'_>, resp: &TunnelPolicy, out: &mut Vec<Finding>) {
    let (a, Some(b)) = (leg.a, leg.b) else {
        return;
    };
    let missing: Vec<_> = leg
        .pol
        .missing_proposals
        .iter()
        .chain(resp.missing_proposals.iter())
        .collect();
    let pair = leg
        .pol
        .proposals
        .iter()
        .flat_map(|i| {
            resp.proposals
                .iter()
                .map(move |r| (i, r, i.agrees_with(r).err().unwrap_or_default()))
        })
        .min_by_key(|(_, _, d)| d.len());
    let mut f = match pair {
        Some((i, r, diff)) => Finding::new(
            Cause::TransformSetMismatch,
            &b.name,
            format!(
                "No IPsec transform set in common: {} offers {} and {} accepts {}; they differ in {}, so {} answers PROPOSAL_NOT_CHOSEN.",
                a.name,
                leg.pol.proposals.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", "),
                b.name,
                resp.proposals.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", "),
                diff.join(" and "),
                b.name
            ),
        )
        .evidence([&i.loc, &r.loc])
        .fix(&a.name, vec![Remedy::SetTransforms { policy: i.name.clone(), proposal: Box::new(IpsecProposal { name: i.name.clone(), ..(*r).clone() }) }])
        .fix(&b.name, vec![Remedy::SetTransforms { policy: r.name.clone(), proposal: Box::new(IpsecProposal { name: r.name.clone(), ..(*i).clone() }) }]),
        None => Finding::new(
            Cause::TransformSetMismatch,
            &b.name,
            format!(
                "{} refers to transform sets that are not defined ({}), so the entry offers nothing IPsec can use.",
                if leg.pol.proposals.is_empty() { &a.name } else { &b.name },
                missing.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ")
            ),
        )
        .evidence(missing.iter().map(|(_, l)| l)),
    };
    f = f
        .certain()
        .step(Step::Phase2)
        .direction(&a.name, &b.name)
        .check(
            &a.name,
            "compare transform sets",
            vec![Probe::ShowTransformSets, Probe::DebugIke],
        )
        .check(
            &b.name,
            "compare transform sets",
            vec![Probe::ShowTransformSets],
        );
    out.push(f);
}

/// A responder that asks for no key exchange accepts the initiator's; one that asks for one
/// needs a group the initiator offers.
fn pfs_agrees(offered: &[DhGroup], required: &[DhGroup]) -> bool {
    required.is_empty() || offered.iter().any(|g| required.contains(g))
}

fn groups_text(g: &[DhGroup]) -> String {
    g.iter()
        .map(|g| g.to_string())
        .collect::<Vec<_>>()
        .join(" or ")
}

/// PFS differs: between the policies (`pair` None: IOS `set pfs`, transform sets unknown), or
/// within the one proposal pair whose algorithms agree (strongSwan ties the group to each
/// ESP proposal).
fn pfs(
    leg: &Leg<'_>,
    resp: &TunnelPolicy,
    pair: Option<(&IpsecProposal, &IpsecProposal)>,
    out: &mut Vec<Finding>,
) {
    let (a, Some(b)) = (leg.a, leg.b) else {
        return;
    };
    let pol_groups = |p: &TunnelPolicy| -> Vec<DhGroup> { p.pfs.iter().map(|(g, _)| *g).collect() };
    let (ga, gb) = match pair {
        Some((ip, rp)) => (ip.pfs_groups(leg.pol), rp.pfs_groups(resp)),
        None => (pol_groups(leg.pol), pol_groups(resp)),
    };
    if pfs_agrees(&ga, &gb) {
        return;
    }
    // Where each side says it: the proposal that names its groups, else the policy's PFS.
    let loc_of = |p: Option<&IpsecProposal>, pol: &TunnelPolicy| -> Option<Loc> {
        match p {
            Some(p) if !p.groups.is_empty() => Some(p.loc.clone()),
            _ => pol.pfs.as_ref().map(|(_, l)| l.clone()),
        }
    };
    let bloc = loc_of(pair.map(|(_, r)| r), resp);
    let aloc = loc_of(pair.map(|(i, _)| i), leg.pol);
    let with = |p: Option<&IpsecProposal>| match p {
        Some(p) if !p.groups.is_empty() => format!(" with {p}"),
        _ => String::new(),
    };
    let msg = if ga.is_empty() {
        format!(
            "{} demands PFS ({}) on {} but {} offers none, so quick mode initiated by {} fails; {} can still initiate (a responder without PFS accepts the peer's PFS offer).",
            b.name,
            groups_text(&gb),
            resp.label(),
            a.name,
            a.name,
            b.name
        )
    } else {
        format!(
            "PFS groups differ: {} offers {}{}, {} requires {}{}, so quick mode fails in this direction (for an IKEv2 child created with IKE_AUTH, at its first rekeying).",
            a.name,
            groups_text(&ga),
            with(pair.map(|(i, _)| i)),
            b.name,
            groups_text(&gb),
            with(pair.map(|(_, r)| r)),
        )
    };
    out.push(
        Finding::new(Cause::PfsMismatch, &b.name, msg)
            .certain()
            .direction(&a.name, &b.name)
            .evidence(bloc.iter())
            .evidence(aloc.iter())
            .evidence([&leg.pol.loc])
            .fix(
                &a.name,
                vec![Remedy::SetPfs {
                    policy: leg.pol.label(),
                    group: gb.first().copied(),
                }],
            )
            .fix(
                &b.name,
                vec![Remedy::SetPfs {
                    policy: resp.label(),
                    group: ga.first().copied(),
                }],
            )
            .check(
                &b.name,
                "the responder logs the missing KE payload",
                vec![Probe::DebugIke, Probe::ShowPolicies],
            ),
    );
}

fn identity(leg: &Leg<'_>, resp: &TunnelPolicy, out: &mut Vec<Finding>) {
    let (a, Some(b)) = (leg.a, leg.b) else {
        return;
    };
    let Some((list_name, list_loc)) = &resp.identity_list else {
        return;
    };
    let Some(list) = b.identity_lists.iter().find(|l| &l.name == list_name) else {
        return;
    };
    let Some(id) = lookup::identity_of(a, leg.a_seen) else {
        return;
    };
    if list.permits.iter().any(|(m, _)| m.admits(&id)) {
        return;
    }
    out.push(
        Finding::new(
            Cause::IdentityNotPermitted,
            &b.name,
            format!(
                "{}'s {} only admits the identities in list {list_name}, which does not include {} ({id}); quick mode fails with IKE_QUICKMODE_BAD_CERT.",
                b.name,
                resp.label(),
                a.name
            ),
        )
        .certain()
        .direction(&a.name, &b.name)
        .evidence([list_loc, &list.loc])
        .evidence(list.permits.iter().map(|(_, l)| l))
        .fix(&b.name, vec![Remedy::AllowIdentity { list: list_name.clone(), identity: id }])
        .check(&b.name, "see the identity list", vec![Probe::ShowIdentity { name: list_name.clone() }, Probe::ShowPolicies]),
    );
}

/// Phase 2 lifetimes: IOS settles on the lower one, so a difference is only worth a note.
pub fn lifetimes(leg: &Leg<'_>, chosen: &Chosen<'_>, out: &mut Vec<Finding>) {
    let (a, Some(b)) = (leg.a, leg.b) else {
        return;
    };
    let (Some((la, loc_a)), Some((lb, loc_b))) =
        (&leg.pol.lifetime_secs, &chosen.resp.lifetime_secs)
    else {
        return;
    };
    if la != lb {
        out.push(
            Finding::new(
                Cause::LifetimeMismatch,
                &a.name,
                format!(
                    "IPsec SA lifetimes differ ({}: {la} s, {}: {lb} s); the lower one is used.",
                    a.name, b.name
                ),
            )
            .severity(Severity::Info)
            .step(Step::Phase2)
            .certain()
            .evidence([loc_a, loc_b]),
        );
    }
}
