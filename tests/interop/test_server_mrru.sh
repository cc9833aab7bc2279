#!/usr/bin/env bash
# mrru (RFC 1990 multilink) against the real Linux client: pppd 2.4.9 with
# `multilink mrru 1600` over pptp-linux 1.10 in a qemu VM, pptpgw as the
# server with mrru=1600 and the RouterOS default max-mtu/max-mru 1450.
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
: "${PPTPGW_BUILD:=$ROOT/build}"
# shellcheck source=../../scripts/interop/lib.sh
source "$ROOT/scripts/interop/lib.sh"
pg_trap_cleanup
[[ $(id -u) == 0 ]] || { echo "1..0 # SKIP needs root"; exit 0; }

PPTPGW=$PPTPGW_BUILD/app/pptpgw
CLI=$PPTPGW_BUILD/app/pptpgw-cli
WAN_IP=192.168.62.2
VM_IP=192.168.62.10
LOCAL_ADDR=10.0.0.1
LAN_HOST=10.20.0.2
USER_NAME=MT-User
USER_PASS=StrongPass
MRRU=1600

vm_image_ensure || { tap_not_ok "VM image builds"; tap_done; exit 1; }

pg_netns_create || { tap_not_ok "lab namespace"; tap_done; exit 1; }
LAB=$PG_NETNS
pg_bridge_add "$LAB" br0
pg_netns_create || { tap_not_ok "appliance namespace"; tap_done; exit 1; }
APP=$PG_NETNS
pg_netns_create || { tap_not_ok "LAN host namespace"; tap_done; exit 1; }
LANHOST=$PG_NETNS
ip link add wan0 netns "$APP" type veth peer name wan0-br netns "$LAB"
ip -n "$LAB" link set wan0-br master br0 up
ip link add lan0 netns "$APP" type veth peer name eth0 netns "$LANHOST"
for ifc in wan0 lan0; do
	ip -n "$APP" link set "$ifc" up
	ip netns exec "$APP" ethtool -K "$ifc" tx off rx off gso off tso off gro off >/dev/null 2>&1 || true
done
ip -n "$LANHOST" link set eth0 up
ip -n "$LANHOST" addr add $LAN_HOST/24 dev eth0
ip -n "$LANHOST" route add default via 10.20.0.1

RUN=$PG_RUNDIR
SOCK=$RUN/pptpgw.sock
PREFIX=pgtest-mrru-$$
APP_PID=

# write_config MRRU ("disabled" or a number)
write_config() {
	local mrru=\"$1\"
	[[ $1 == disabled ]] || mrru=$1
	cat >"$RUN/pptpgw.json" <<JSON
{
  "system": { "identity": "pptpgw-mrru" },
  "dataplane": { "lcores": "0-1", "workers": [1], "memory-mb": 256, "file-prefix": "$PREFIX" },
  "management": { "socket": "$SOCK" },
  "interface": {
    "ethernet": [ { "name": "ether1", "device": "net_af_packet0,iface=wan0" },
                  { "name": "ether2", "device": "net_af_packet1,iface=lan0" } ],
    "pptp-server": { "server": { "enabled": true, "authentication": ["mschap2"],
                                 "keepalive-timeout": 10, "mrru": $mrru } }
  },
  "ip": { "address": [ { "address": "$WAN_IP/24", "interface": "ether1" },
                       { "address": "10.20.0.1/24", "interface": "ether2" } ],
          "pool": [ { "name": "pptp-pool", "ranges": ["10.0.0.10-10.0.0.99"] } ] },
  "ppp": {
    "profile": [ { "name": "interop", "use-encryption": "yes",
                   "local-address": "$LOCAL_ADDR",
                   "remote-address": "pptp-pool", "dns-server": ["$LOCAL_ADDR"] } ],
    "secret": [ { "name": "$USER_NAME", "password": "$USER_PASS", "service": "pptp",
                  "profile": "interop" } ]
  }
}
JSON
}

app_start() {
	ip netns exec "$APP" "$PPTPGW" -c "$RUN/pptpgw.json" >>"$RUN/pptpgw.log" 2>&1 &
	APP_PID=$!
	for _ in $(seq 200); do
		[[ -S $SOCK ]] && return 0
		kill -0 "$APP_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

app_stop() {
	[[ -n $APP_PID ]] || return 0
	kill -TERM "$APP_PID" 2>/dev/null
	wait "$APP_PID"
	local rc=$?
	APP_PID=
	return $rc
}

CAPTURE=$RUN/wan.pcapng
CAP_PID=
capture_start() {
	ip netns exec "$LAB" dumpcap -q -i wan0-br -w "$CAPTURE" >"$RUN/dumpcap.log" 2>&1 &
	CAP_PID=$!
	for _ in $(seq 50); do
		[[ -s $CAPTURE ]] && return 0
		sleep 0.1
	done
	return 1
}
capture_stop() {
	[[ -n $CAP_PID ]] || return 0
	kill -INT "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	CAP_PID=
}
trap 'app_stop; capture_stop; pg_cleanup' EXIT

# drop_count NAME: the dataplane's drop counter NAME (/pptpgw/drops).
drop_count() {
	echo /pptpgw/drops | python3 /usr/bin/dpdk-telemetry.py -f "$PREFIX" 2>/dev/null |
		python3 -c 'import sys, json
text = sys.stdin.read()
d = json.loads(text[text.find("{"):text.rfind("}") + 1])
print(d["/pptpgw/drops"].get(sys.argv[1], {}).get("count", 0))' "$1"
}

# mp_drops: the sum of every mp_* drop counter.
mp_drops() {
	echo /pptpgw/drops | python3 /usr/bin/dpdk-telemetry.py -f "$PREFIX" 2>/dev/null |
		python3 -c 'import sys, json
text = sys.stdin.read()
d = json.loads(text[text.find("{"):text.rfind("}") + 1])
print(sum(v.get("count", 0) for k, v in d["/pptpgw/drops"].items() if k.startswith("mp_")))'
}

cli() { ip netns exec "$APP" "$CLI" -s "$SOCK" "$@"; }

# lan_ping_df ADDR: the LAN host pings ADDR with DF and 1500-octet packets; 0 when any reply came.
lan_ping_df() {
	ip netns exec "$LANHOST" ping -M do -s 1472 -c 3 -W 2 -i 0.5 "$1" >"$RUN/lanping.log" 2>&1
}

CASE_N=0

# run_case NAME MRRU EXPECT-BIG(pass|drop) [extra pppd options, comma-separated]
run_case() {
	local name=$1 mrru=$2 expect=$3 more=${4:+,$4}
	echo "# ---- case $name"
	write_config "$mrru"
	: >"$RUN/pptpgw.log"
	app_start || { tap_not_ok "$name: appliance starts"; tail -20 "$RUN/pptpgw.log" | sed 's/^/#   /'; return; }
	CASE_N=$((CASE_N + 1))
	local vm=mr$CASE_N log   # the VM's tap is t<name>: at most 15 characters
	local sizes=56,1472
	[[ $expect == drop ]] && sizes=56
	vm_start "$LAB" br0 "$vm" 52:54:00:62:00:20 pg.role=client pg.ip=$VM_IP/24 pg.server=$WAN_IP \
		pg.user=$USER_NAME "pg.pass=$USER_PASS" pg.auth=mschap-v2 pg.mppe=required,stateless \
		"pg.ping=$LOCAL_ADDR,$LAN_HOST" "pg.pingsizes=$sizes" pg.hold=25 pg.retries=1 \
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
	vm_stop "$vm"
	tap_check "$name: appliance stops cleanly" app_stop
}

cases=("$@")
want() { [[ ${#cases[@]} -eq 0 || " ${cases[*]} " == *" $1 "* ]]; }

capture_start || tap_not_ok "capture starts on the wire port"
want mrru && run_case mrru "$MRRU" pass
# pppd's mpshortseq asks for 12-bit numbers (RFC 1990 5.1.2): we send them, it
# sends 24-bit ones (we never ask).
want mrru-shortseq && run_case mrru-shortseq "$MRRU" pass mpshortseq
want no-mrru && run_case no-mrru disabled drop

capture_stop
if tap_check "capture holds GRE traffic" bash -c "[ \$(tshark -r $CAPTURE -Y gre 2>/dev/null | wc -l) -gt 0 ]"; then
	if want mrru; then
		tap_check "capture holds multilink fragments (ppp.protocol 0x003d)" bash -c \
			"[ \$(tshark -r $CAPTURE -Y 'mp' 2>/dev/null | wc -l) -gt 0 ]"
	fi
	malformed=$(tshark -r "$CAPTURE" -Y _ws.malformed 2>/dev/null | wc -l)
	if ! tap_check "no malformed frame among $(tshark -r "$CAPTURE" 2>/dev/null | wc -l) captured ($malformed)" test "$malformed" -eq 0; then
		tshark -r "$CAPTURE" -Y _ws.malformed 2>/dev/null | head -10 | sed 's/^/#   /'
	fi
fi

if ((PG_TAP_FAIL)); then
	echo "# ---- tail of pptpgw.log"
	tail -n 60 "$RUN/pptpgw.log" | sed 's/^/#   /'
fi
tap_done
