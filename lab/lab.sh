#!/usr/bin/env bash
# The strongSwan fault-injection lab: two gateways and an "ISP" router in network namespaces,
# one charon per gateway (userspace libipsec, so no kernel ESP is needed), one fault per
# scenario. For each scenario it collects what a user would have from each gateway — configs,
# charon log, outside-interface capture, `swanctl --list-sas` and `--list-conns` — under OUT/<scenario>/{left,right}/
# (the lab's own notes, the initiate output and the user pings, go to OUT/<scenario>/).
# It never reads the middle router's own state into the evidence. In the libreswan-* scenarios
# the right gateway is libreswan's pluto instead (ipsec.conf, ipsec.secrets, pluto.log,
# capture): IKE-level faults only, since this kernel has no ESP for pluto to install.
#
#   lab/lab.sh OUT [SCENARIO...]     (root; installs its Debian packages when missing)
#
# Addresses are documentation ranges: left 198.51.100.1, right 203.0.113.1, the ISP router
# .254 on both; LANs 192.0.2.0/26 (left) and 192.0.2.64/26 (right).
set -euo pipefail
OUT=$(realpath -m "${1:?usage: lab.sh OUT [SCENARIO...]}")
shift
HERE=$(cd "$(dirname "$0")" && pwd)
ALL=(healthy-v2 healthy-v1 invalid-ke-recovers ike-proposal-v2 ike-proposal-v1 psk-v2 psk-v1
     child-proposal ts-v2 udp500-blocked esp-blocked-one-way frag-dropped frag-dropped-ikev2-fragmentation
     nat-healthy nat-udp4500-blocked pmtu-black-hole ts-v1 frag-dropped-v1 pmtu-black-hole-ike
     pmtu-ike-icmp-passes libreswan-ike-proposal libreswan-psk libreswan-ts ike-version pfs-v1 no-psk
     peer-address esp-blocked-both)
SCENARIOS=("${@:-${ALL[@]}}")

need() { command -v "$1" >/dev/null 2>&1; }
if ! need charon-systemd || ! need swanctl || ! need tcpdump || ! need nft || ! need ping; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq charon-systemd strongswan-swanctl \
    libcharon-extra-plugins libstrongswan-extra-plugins tcpdump nftables iproute2 iputils-ping >/dev/null
fi

# libreswan's pluto for the libreswan-* scenarios (right gateway). Debian's libreswan package
# conflicts with strongSwan's, so it is unpacked into a private directory (never installed),
# with its libraries from Debian; pluto looks for /usr/libexec/ipsec/addconn, which is
# overlaid in pluto's own mount namespace only.
LSW=${IPSEC_DOCTOR_LIBRESWAN:-/var/tmp/ipsec-doctor-libreswan}
need_pluto() {
  [ -x "$LSW/root/usr/libexec/ipsec/pluto" ] && need certutil && return
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libldns3 libevent-core-2.1-7 \
    libevent-pthreads-2.1-7 libnss3-tools libunbound8 libcurl3-nss libcap-ng0 >/dev/null
  mkdir -p "$LSW"
  (cd "$LSW" && rm -f libreswan_*.deb && apt-get download -qq libreswan 2>/dev/null && dpkg -x libreswan_*.deb root)
}

P="ipd$$"            # namespace prefix: only what this run made is touched
PIDS=()
RUNDIRS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  sleep 0.2
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  PIDS=()
  for d in "${RUNDIRS[@]:-}"; do [ -n "$d" ] && rm -rf "$d"; done
  RUNDIRS=()
  for n in l m r la ra; do ip netns del "$P$n" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

net_up() {
  for n in l m r la ra; do ip netns add "$P$n"; ip -n "$P$n" link set lo up; done
  ip link add "${P}lo" netns "$P"l type veth peer name "${P}mo" netns "$P"m  # left outside
  ip link add "${P}ro" netns "$P"r type veth peer name "${P}mr" netns "$P"m  # right outside
  ip link add "${P}li" netns "$P"l type veth peer name "${P}ha" netns "$P"la # left LAN
  ip link add "${P}ri" netns "$P"r type veth peer name "${P}hb" netns "$P"ra # right LAN
  ip -n "$P"l addr add 198.51.100.1/24 dev "${P}lo";  ip -n "$P"l link set "${P}lo" up
  ip -n "$P"m addr add 198.51.100.254/24 dev "${P}mo"; ip -n "$P"m link set "${P}mo" up
  ip -n "$P"r addr add 203.0.113.1/24 dev "${P}ro";   ip -n "$P"r link set "${P}ro" up
  ip -n "$P"m addr add 203.0.113.254/24 dev "${P}mr"; ip -n "$P"m link set "${P}mr" up
  ip -n "$P"l addr add 192.0.2.1/26 dev "${P}li";     ip -n "$P"l link set "${P}li" up
  ip -n "$P"la addr add 192.0.2.10/26 dev "${P}ha";   ip -n "$P"la link set "${P}ha" up
  ip -n "$P"r addr add 192.0.2.65/26 dev "${P}ri";    ip -n "$P"r link set "${P}ri" up
  ip -n "$P"ra addr add 192.0.2.74/26 dev "${P}hb";   ip -n "$P"ra link set "${P}hb" up
  ip -n "$P"l route add default via 198.51.100.254
  ip -n "$P"r route add default via 203.0.113.254
  ip -n "$P"la route add default via 192.0.2.1
  ip -n "$P"ra route add default via 192.0.2.65
  for n in l m r; do ip netns exec "$P$n" sysctl -qw net.ipv4.ip_forward=1; done
}

# strongswan.conf for one gateway: own socket, own log with millisecond stamps, explicit
# plugins (no resolve), short retransmits so a failing scenario takes seconds.
charon_conf() {
  local dir=$1 frag=$2
  cat > "$dir/strongswan.conf" <<CONF
charon-systemd {
  load = random nonce openssl pem pkcs1 x509 pubkey curve25519 gmp kdf kernel-libipsec kernel-netlink socket-default vici updown
  port = 500
  port_nat_t = 4500
  retransmit_timeout = 1.5
  retransmit_base = 1.5
  retransmit_tries = 3
  fragment_size = 500
  install_routes = yes
  plugins {
    vici { socket = unix://$dir/charon.vici }
    kernel-netlink { fwmark = !0x42 }
    socket-default { fwmark = 0x42 }
  }
  filelog {
    lab {
      path = $dir/charon.log
      time_format = %b %e %T
      time_add_ms = yes
      ike_name = yes
      append = no
      default = 1
      ike = 2
      net = 2
      cfg = 2
      enc = 1
    }
  }
  journal { default = -1 }
}
CONF
}

# swanctl.conf for one gateway. Arguments name what the scenario changes.
swanctl_conf() {
  local dir=$1 me=$2 peer=$3 my_net=$4 peer_net=$5 id=$6 peer_id=$7 version=$8 ike=$9 esp=${10} psk=${11} frag=${12}
  local psk_ids=${13:-}  # the identities the secret is for (none: any peer)
  cat > "$dir/swanctl.conf" <<CONF
connections {
  lab {
    version = $version
    local_addrs = $me
    remote_addrs = $peer
    proposals = $ike
    fragmentation = $frag
    local {
      auth = psk
      id = $id
    }
    remote {
      auth = psk
      id = $peer_id
    }
    children {
      net {
        local_ts = $my_net
        remote_ts = $peer_net
        esp_proposals = $esp
        start_action = none
      }
    }
  }
}
secrets {
  ike-lab {
    secret = $psk$psk_ids
  }
}
CONF
}

# libreswan's ipsec.conf/ipsec.secrets for the right gateway (responder): the same tunnel.
pluto_conf() {
  local dir=$1 me=$2 peer=$3 my_net=$4 peer_net=$5 id=$6 peer_id=$7 ike=$8 esp=$9 psk=${10}
  cat > "$dir/ipsec.conf" <<CONF
config setup
	logfile=$dir/pluto.log
	logtime=yes
	logappend=no

conn lab
	ikev2=yes
	authby=secret
	left=$me
	leftid=@$id
	leftsubnet=$my_net
	right=$peer
	rightid=@$peer_id
	rightsubnet=$peer_net
	ike=$ike
	esp=$esp
	auto=add
CONF
  cat > "$dir/ipsec.secrets" <<CONF
@$id @$peer_id : PSK "$psk"
CONF
}

start_pluto() {  # ns dir
  local ns=$1 dir=$2 run
  run=$(mktemp -d); RUNDIRS+=("$run")
  mkdir -p "$run/nss"
  certutil -N -d "sql:$run/nss" --empty-password
  ip netns exec "$ns" unshare -m sh -c 'mount -t overlay overlay -o "lowerdir=$1:/usr/libexec" /usr/libexec && shift && exec "$@"' \
    sh "$LSW/root/usr/libexec" /usr/libexec/ipsec/pluto --nofork --config "$dir/ipsec.conf" \
    --secretsfile "$dir/ipsec.secrets" --rundir "$run" --nssdir "$run/nss" --ipsecdir "$run" \
    --logfile "$dir/pluto.log" --log-no-append --no-dnssec >"$run/stdout" 2>&1 &
  PIDS+=($!)
  # pluto loads the connection itself (addconn --autoall) once its socket is up.
  for _ in $(seq 1 50); do grep -q "added IKEv2 connection" "$dir/pluto.log" 2>/dev/null && break; sleep 0.1; done
}

start_gw() {  # ns dir
  local ns=$1 dir=$2
  ip netns exec "$ns" env STRONGSWAN_CONF="$dir/strongswan.conf" charon-systemd >/dev/null 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 50); do [ -S "$dir/charon.vici" ] && break; sleep 0.1; done
  ip netns exec "$ns" swanctl --load-all --file "$dir/swanctl.conf" --uri "unix://$dir/charon.vici" >/dev/null 2>&1
}

capture() {  # ns iface file
  ip netns exec "$1" tcpdump -i "$2" -U -s 0 -w "$3" 'udp port 500 or udp port 4500 or esp or ah or icmp or (ip[6:2] & 0x3fff != 0)' >/dev/null 2>&1 &
  PIDS+=($!)
}

run_scenario() {
  local s=$1 dir="$OUT/$1"
  rm -rf "$dir"; mkdir -p "$dir/left" "$dir/right"
  local v=2 v_r="" ike_l=aes256-sha256-modp2048 ike_r=aes256-sha256-modp2048
  local esp_l=aes256-sha256 esp_r=aes256-sha256 psk_l=lab-secret-1 psk_r=lab-secret-1
  local ts_r=192.0.2.0/26 frag=no id_l=left.example id_r=right.example
  local peer_l=203.0.113.1 psk_ids_r=""
  case "$s" in
    healthy-v1) v=1 ;;
    invalid-ke-recovers) ike_l=aes256-sha256-modp2048-ecp256; ike_r=aes256-sha256-ecp256 ;;
    ike-proposal-v2) ike_r=aes128-sha1-modp1024 ;;
    ike-proposal-v1) v=1; ike_r=aes128-sha1-modp1024 ;;
    psk-v2) psk_r=another-secret ;;
    psk-v1) v=1; psk_r=another-secret ;;
    child-proposal) esp_r=aes128-sha1 ;;
    ts-v2) ts_r=192.0.2.32/27 ;;
    ts-v1) v=1; ts_r=192.0.2.32/27 ;;
    # The left speaks IKEv1 only, the right IKEv2 only.
    ike-version) v=1; v_r=2 ;;
    # IKEv1 quick mode: the right's child demands PFS (a DH group), the left offers none.
    pfs-v1) v=1; esp_r=aes256-sha256-modp2048 ;;
    # The right's only secret is for another peer's identity.
    no-psk) psk_ids_r=$'\n    id = other.example' ;;
    # The left names an address on the right's ISP link that no host has.
    peer-address) peer_l=203.0.113.99 ;;
    libreswan-ike-proposal) ike_r=aes128-sha1-modp2048 ;;
    libreswan-psk) psk_r=another-secret ;;
    libreswan-ts) ts_r=192.0.2.32/27 ;;
    frag-dropped|frag-dropped-ikev2-fragmentation|frag-dropped-v1|pmtu-black-hole-ike|pmtu-ike-icmp-passes)
      [ "$s" = frag-dropped-v1 ] && v=1
      ike_l=aes256-sha256-ecp256; ike_r=aes256-sha256-ecp256
      id_l="left.$(printf 'a%.0s' $(seq 1 60)).$(printf 'b%.0s' $(seq 1 60)).$(printf 'c%.0s' $(seq 1 60)).$(printf 'd%.0s' $(seq 1 60)).$(printf 'e%.0s' $(seq 1 60)).$(printf 'f%.0s' $(seq 1 60)).$(printf 'g%.0s' $(seq 1 60)).$(printf 'h%.0s' $(seq 1 60)).example"
      id_r="right.$(printf 'a%.0s' $(seq 1 60)).$(printf 'b%.0s' $(seq 1 60)).$(printf 'c%.0s' $(seq 1 60)).$(printf 'd%.0s' $(seq 1 60)).$(printf 'e%.0s' $(seq 1 60)).$(printf 'f%.0s' $(seq 1 60)).$(printf 'g%.0s' $(seq 1 60)).$(printf 'h%.0s' $(seq 1 60)).example"
      [ "$s" = frag-dropped-ikev2-fragmentation ] && frag=yes
      ;;
  esac
  net_up
  charon_conf "$dir/left" "$frag"
  case "$s" in libreswan-*) ;; *) charon_conf "$dir/right" "$frag" ;; esac
  swanctl_conf "$dir/left" 198.51.100.1 "$peer_l" 192.0.2.0/26 192.0.2.64/26 "$id_l" "$id_r" $v "$ike_l" "$esp_l" "$psk_l" "$frag"
  local right_peer=198.51.100.1
  case "$s" in nat-*) right_peer=%any ;; esac
  case "$s" in
    libreswan-*)
      # libreswan spells the same proposals its own way (sha2_256, modp2048).
      pluto_conf "$dir/right" 203.0.113.1 198.51.100.1 192.0.2.64/26 "$ts_r" "$id_r" "$id_l" \
        "$(echo "$ike_r" | sed 's/sha256/sha2_256/')" "$(echo "$esp_r" | sed 's/sha256/sha2_256/')" "$psk_r"
      ;;
    *)
      swanctl_conf "$dir/right" 203.0.113.1 "$right_peer" 192.0.2.64/26 "$ts_r" "$id_r" "$id_l" "${v_r:-$v}" "$ike_r" "$esp_r" "$psk_r" "$frag" "$psk_ids_r"
      ;;
  esac
  # Faults on the path (the ISP router), before the kernel reassembles fragments (-450).
  case "$s" in
    udp500-blocked)
      ip netns exec "$P"m nft -f - <<NFT
table inet lab {
  chain c1 {
    type filter hook forward priority 0;
    udp dport 500 drop
  }
}
NFT
      ;;
    esp-blocked-one-way)
      # libipsec carries ESP in UDP 4500: drop left -> right ESP only (not IKE: non-ESP marker 0).
      ip netns exec "$P"m nft -f - <<NFT
table inet lab {
  chain c1 {
    type filter hook forward priority 0;
    ip saddr 198.51.100.1 udp dport 4500 @th,64,32 != 0 drop
  }
}
NFT
      ;;
    esp-blocked-both)
      # ESP (UDP 4500 with a non-zero non-ESP marker) dropped both ways; IKE still passes.
      ip netns exec "$P"m nft -f - <<NFT
table inet lab {
  chain c1 {
    type filter hook forward priority 0;
    udp dport 4500 @th,64,32 != 0 drop
  }
}
NFT
      ;;
    pmtu-black-hole|pmtu-black-hole-ike|pmtu-ike-icmp-passes)
      # A smaller MTU towards the right gateway, and the ISP router's own ICMP
      # "fragmentation needed" is dropped: packets with DF too large for the link vanish.
      # (pmtu-ike-icmp-passes: the same link with ICMP working, so PMTUD can adapt.)
      ip -n "$P"m link set "${P}mr" mtu 1000
      [ "$s" = pmtu-ike-icmp-passes ] || ip netns exec "$P"m nft -f - <<NFT
table ip lab {
  chain c5 {
    type filter hook output priority 0;
    icmp type destination-unreachable icmp code frag-needed drop
  }
}
NFT
      ;;
    nat-healthy|nat-udp4500-blocked)
      # The ISP router hides the left gateway behind its own address (port-translating NAT).
      local block=""
      [ "$s" = nat-udp4500-blocked ] && block="udp dport 4500 drop"
      ip netns exec "$P"m nft -f - <<NFT
table ip lab {
  chain c3 {
    type nat hook postrouting priority 100;
    ip saddr 198.51.100.1 oifname "${P}mr" masquerade
  }
  chain c4 {
    type filter hook forward priority 0;
    $block
  }
}
NFT
      ;;
    frag-dropped|frag-dropped-ikev2-fragmentation|frag-dropped-v1)
      ip netns exec "$P"m nft -f - <<NFT
table ip lab {
  chain c2 {
    type filter hook prerouting priority -450;
    ip frag-off & 0x1fff != 0 drop
  }
}
NFT
      ;;
  esac
  # Certificate-sized IKE messages: long identities make IKE_AUTH (not IKE_SA_INIT, which
  # cannot be fragmented by IKE) larger than the 576-byte outside MTU, so the kernel sends it
  # in IP fragments, and the ISP router drops all but the first.
  case "$s" in
    frag-dropped|frag-dropped-ikev2-fragmentation|frag-dropped-v1)
      for side in l r; do ip -n "$P$side" link set "${P}${side}o" mtu 576; done
      ;;
  esac
  capture "$P"l "${P}lo" "$dir/left/outside.pcap"
  capture "$P"r "${P}ro" "$dir/right/outside.pcap"
  sleep 0.5
  start_gw "$P"l "$dir/left"
  case "$s" in
    libreswan-*) start_pluto "$P"r "$dir/right" ;;
    *) start_gw "$P"r "$dir/right" ;;
  esac
  timeout 20 ip netns exec "$P"l swanctl --initiate --child net --timeout 12 --uri "unix://$dir/left/charon.vici" >"$dir/initiate.txt" 2>&1 || true
  # User traffic across the tunnel (only between our namespaces).
  ip netns exec "$P"la ping -c 3 -i 0.2 -W 1 192.0.2.74 >"$dir/ping.txt" 2>&1 || true
  # Traffic the other way too, where the fault is in both directions.
  if [ "$s" = esp-blocked-both ]; then
    ip netns exec "$P"ra ping -c 3 -i 0.2 -W 1 192.0.2.10 >>"$dir/ping.txt" 2>&1 || true
  fi
  # Full-size packets with DF, as file transfers send them (the black-hole scenario).
  if [ "$s" = pmtu-black-hole ]; then
    ip netns exec "$P"la ping -c 3 -i 0.2 -W 1 -M do -s 1300 192.0.2.74 >>"$dir/ping.txt" 2>&1 || true
  fi
  sleep 1
  for side in left right; do
    local ns="$P"l; [ $side = right ] && ns="$P"r
    [ -f "$dir/$side/swanctl.conf" ] || continue
    ip netns exec "$ns" swanctl --list-sas --uri "unix://$dir/$side/charon.vici" >"$dir/$side/list-sas.txt" 2>&1 || true
    ip netns exec "$ns" swanctl --list-conns --uri "unix://$dir/$side/charon.vici" >"$dir/$side/list-conns.txt" 2>&1 || true
  done
  cleanup
  rm -f "$dir"/*/charon.vici
  echo "$s: $(grep -c . "$dir/left/charon.log" 2>/dev/null || echo 0) left log lines, $(stat -c %s "$dir/left/outside.pcap") bytes of left capture"
}

mkdir -p "$OUT"
case " ${SCENARIOS[*]} " in *" libreswan-"*) need_pluto ;; esac
for s in "${SCENARIOS[@]}"; do
  run_scenario "$s"
done
