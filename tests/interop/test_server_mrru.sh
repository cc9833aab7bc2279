#!/usr/bin/env bash
# mrru (RFC 1990 multilink) against the real Linux client: pppd 2.4.9 with
# `multilink mrru 1600` over pptp-linux 1.10 in a qemu VM, pptpgw as the
# server with mrru=1600 and the RouterOS default max-mtu/max-mru 1450.
# The lab of scripts/interop/lab.sh:
#
#   lab netns:   bridge br0 -- tap of the client VM (192.168.62.10)
#                           -- wan0-br ==veth== wan0 in the appliance netns
#   appliance:   pptpgw ether1 = wan0 (192.168.62.2, net_af_packet)
#                pptpgw ether2 = lan0 (10.20.0.1) ==veth== eth0 in lanhost (10.20.0.2)
#
# Case mrru: pppd joins a multilink bundle (its log says so), both ends
# log the agreed MRRU, and 1500-byte packets cross the 1450-MTU tunnel
# whole both ways: the VM pings the appliance and the LAN host with 1472
# octets of payload (busybox ping: the kernel sets DF), and the LAN host
# pings the client with `ping -M do -s 1472` (DF, 1500 octets) while it
# holds the link up (the VM routes the LAN through ppp0). Our dataplane
# fragments and reassembles: nothing is dropped as session_mtu or mp_*.
# Case mrru-shortseq: the same with pppd's `mpshortseq` (we send 12-bit
# sequence numbers to it).
# Case no-mrru: the same with mrru disabled on the appliance: the DF ping
# from the LAN host gets no reply but ICMP fragmentation needed (mtu 1446)
# Everything on the lab bridge is captured and must decode in tshark with
# no malformed frame (MP fragments included).
#
#   tests/interop/test_server_mrru.sh [CASE...]
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../../scripts/interop/lab.sh
source "$ROOT/scripts/interop/lab.sh"

MRRU=1600

lab_setup mrru

# write_config MRRU ("disabled" or a number)
write_config() {
	local mrru=\"$1\"
	[[ $1 == disabled ]] || mrru=$1
	lab_config pptpgw-mrru "\"authentication\": [\"mschap2\"], \"keepalive-timeout\": 10, \"mrru\": $mrru" <<JSON
  "ppp": {
    "profile": [ { "name": "interop", "use-encryption": "yes",
                   "local-address": "$LOCAL_ADDR",
                   "remote-address": "pptp-pool", "dns-server": ["$LOCAL_ADDR"] } ],
    "secret": [ $(lab_secret interop) ]
  }
JSON
}

# mp_drops: the sum of every mp_* drop counter.
mp_drops() {
	telemetry_eval /pptpgw/drops \
		'print(sum(v.get("count", 0) for k, v in d["/pptpgw/drops"].items() if k.startswith("mp_")))'
}

# lan_ping_df ADDR: the LAN host pings ADDR with DF and 1500-octet packets; 0 when any reply came.
lan_ping_df() {
	ip netns exec "$LANHOST" ping -M do -s 1472 -c 3 -W 2 -i 0.5 "$1" >"$RUN/lanping.log" 2>&1
}

CASE_N=0

# run_case NAME MRRU EXPECT-BIG(pass|drop) [extra pppd options, comma-separated]
run_case() {
	local name=$1 mrru=$2 expect=$3 more=${4:+,$4}
	write_config "$mrru"
	case_begin "$name" || return
	CASE_N=$((CASE_N + 1))
	local vm=mr$CASE_N log   # the VM's tap is t<name>: at most 15 characters
	local sizes=56,1472
	[[ $expect == drop ]] && sizes=56
	client_vm "$vm" pg.user=$USER_NAME "pg.pass=$USER_PASS" pg.auth=mschap-v2 pg.mppe=required,stateless \
		"pg.ping=$LOCAL_ADDR,$LAN_HOST" "pg.pingsizes=$sizes" pg.hold=25 \
		"pg.pppdopts=multilink,mrru,$MRRU$more" pg.routes=10.20.0.0/24
	log=$(vm_log "$vm")
	if ! tap_check "$name: tunnel up" vm_wait_for "$log" '^PGTEST link ppp0 up ' 90; then
		tr -d '\r' <"$log" | grep -E 'pppd|PGTEST|multilink|bundle' | tail -20 | sed 's/^/#   /'
		vm_stop "$vm"
		app_stop
		return
	fi
	local client_ip
	client_ip=$(tr -d '\r' <"$log" | sed -n 's/^PGTEST link ppp0 up ifname [^ ]* local \([0-9.]*\) .*/\1/p' | head -1)
	if [[ $expect == pass ]]; then
		tap_check "$name: pppd joined a multilink bundle" vm_grep "$vm" 'New bundle ppp[0-9]+ created'
		tap_check "$name: pppd did not turn multilink off" bash -c "! tr -d '\r' <'$log' | grep -q 'disabling multilink'"
		local ssn=no
		[[ $more == *mpshortseq* ]] && ssn=yes
		tap_check "$name: we agreed multilink (log: multilink mrru=$MRRU peer-mrru=$MRRU short-seq=$ssn)" \
			grep -qE "multilink mrru=$MRRU peer-mrru=$MRRU short-seq=$ssn" "$RUN/pptpgw.log"
		for target in $LOCAL_ADDR $LAN_HOST; do
			for size in 56 1472; do
				tap_check "$name: VM pings $target with $size octets (IP $((size + 28)))" \
					vm_wait_for "$log" "^PGTEST ping ${target//./\\.} size $size ok " 40
			done
		done
		tap_check "$name: LAN host pings the client ($client_ip) with DF and 1500 octets" lan_ping_df "$client_ip"
		tail -3 "$RUN/lanping.log" | sed 's/^/#   /'
		tap_check "$name: nothing dropped as session_mtu" test "$(drop_count session_mtu)" -eq 0
		tap_check "$name: no multilink drops" test "$(mp_drops)" -eq 0
	else
		tap_check "$name: pppd has no bundle (we rejected MRRU)" bash -c "! tr -d '\r' <'$log' | grep -qE 'New bundle'"
		tap_check "$name: VM pings $LAN_HOST with 56 octets" \
			vm_wait_for "$log" "^PGTEST ping ${LAN_HOST//./\\.} size 56 ok " 40
		tap_check "$name: LAN host's DF 1500-octet ping to $client_ip gets no reply" bash -c "! ip netns exec $LANHOST ping -M do -s 1472 -c 3 -W 2 -i 0.5 $client_ip >/dev/null 2>&1"
		tap_check "$name: the LAN host hears fragmentation needed, mtu 1446 (RFC 1191)" bash -c \
			"ip netns exec $LANHOST ping -M do -s 1472 -c 2 -W 2 -i 0.5 $client_ip 2>&1 | grep -Eq 'mtu ?= ?1446'"
	fi
	tap_check "$name: client disconnects" vm_wait_for "$log" '^PGTEST (disconnect clean|done)' 90
	case_end "$name" "$vm"
}

# shellcheck disable=SC2034 # read by want (lab.sh)
cases=("$@")

capture_start || tap_not_ok "capture starts on the wire port"
want mrru && run_case mrru "$MRRU" pass
# pppd's mpshortseq asks for 12-bit numbers (RFC 1990 5.1.2): we send them, it
# sends 24-bit ones (we never ask).
want mrru-shortseq && run_case mrru-shortseq "$MRRU" pass mpshortseq
want no-mrru && run_case no-mrru disabled drop

capture_stop
if tap_check "capture holds GRE traffic" capture_has gre; then
	if want mrru; then
		tap_check "capture holds multilink fragments (ppp.protocol 0x003d)" capture_has mp
	fi
	capture_check_malformed
fi

lab_done
