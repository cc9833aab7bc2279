#!/usr/bin/env bash
# pptpgw as the PPTP client of the real poptop server (pptpd 1.4.0 + pppd
# 2.4.9 in a qemu VM), with a LAN host behind the appliance.
#
#   lab netns:   bridge br0 -- tap of the server VM (192.168.62.1, tunnel 10.0.0.1)
#                           -- wan0-br ==veth== wan0 in the appliance netns
#   appliance:   pptpgw ether1 = wan0 (192.168.62.2, net_af_packet)
#                pptpgw ether2 = lan0 (10.1.1.1) ==veth== eth0 in lanhost (10.1.1.2)
#                /interface/pptp-client pptp-out1 connect-to=192.168.62.1,
#                add-default-route=yes: the LAN host reaches 10.0.0.1 through it
#
# Each case boots the server VM with one MPPE mode, enables the client from
# the CLI, and checks: the link runs (R in /interface/pptp-client/print), the
# VM's pppd logs the MPPE mode, the default route via pptp-out1 is in
# /ip/route/print, the LAN host pings the server's tunnel address with 56
# and 1400 bytes, and the appliance itself does too. The reconnect case
# restarts the server VM under a running link: the client notices, logs
# why, and comes back by itself.
#
#   tests/interop/test_client_poptop.sh [CASE...]
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${PPTPGW_BUILD:=$ROOT/build}"
# shellcheck source=../../scripts/interop/lib.sh
source "$ROOT/scripts/interop/lib.sh"
pg_trap_cleanup
[[ $(id -u) == 0 ]] || { echo "1..0 # SKIP needs root"; exit 0; }

PPTPGW=$PPTPGW_BUILD/app/pptpgw
CLI=$PPTPGW_BUILD/app/pptpgw-cli
SRV_IP=192.168.62.1
WAN_IP=192.168.62.2
TUN_SRV=10.0.0.1
LAN_HOST=10.1.1.2
USER_NAME=MT-User
USER_PASS=StrongPass
UP_WAIT=${UP_WAIT:-90}   # seconds: VM boot under TCG, client back-off

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
ip -n "$LANHOST" route add default via 10.1.1.1

RUN=$PG_RUNDIR
SOCK=$RUN/pptpgw.sock
PREFIX=pgtest-cli-$$
APP_PID=

# write_config MPPE-MODE: the client's profile; the entry itself comes from the CLI.
write_config() {
	cat >"$RUN/pptpgw.json" <<JSON
{
  "system": { "identity": "pptpgw-client-interop" },
  "dataplane": { "lcores": "0-1", "workers": [1], "memory-mb": 256, "file-prefix": "$PREFIX" },
  "management": { "socket": "$SOCK" },
  "interface": {
    "ethernet": [ { "name": "ether1", "device": "net_af_packet0,iface=wan0" },
                  { "name": "ether2", "device": "net_af_packet1,iface=lan0" } ]
  },
  "ip": { "address": [ { "address": "$WAN_IP/24", "interface": "ether1" },
                       { "address": "10.1.1.1/24", "interface": "ether2" } ] },
  "ppp": { "profile": [ { "name": "poptop", "use-encryption": "yes", "mppe-mode": "$1" } ] }
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
trap 'app_stop; pg_cleanup' EXIT

cli() { ip netns exec "$APP" "$CLI" -s "$SOCK" "$@"; }

client_running() { cli /interface/pptp-client/print 2>/dev/null | grep -Eq '^ *0 +R +name="pptp-out1"'; }
wait_running() {
	for _ in $(seq $((UP_WAIT * 2))); do client_running && return 0; sleep 0.5; done
	return 1
}
wait_down() {
	for _ in $(seq $((UP_WAIT * 2))); do client_running || return 0; sleep 0.5; done
	return 1
}

# server_vm NAME MPPE: the poptop VM; it answers for 10.1.1.0/24 through ppp0.
server_vm() {
	vm_start "$LAB" br0 "$1" 52:54:00:62:00:01 pg.role=server pg.ip=$SRV_IP/24 \
		pg.localip=$TUN_SRV pg.remoteip=10.0.0.100-109 pg.routes=10.1.1.0/24 \
		pg.user=$USER_NAME "pg.pass=$USER_PASS" pg.auth=mschap-v2 "pg.mppe=$2"
}

# pings WHAT: the LAN host and the appliance itself reach the server's tunnel address.
pings() {
	local size
	for size in 56 1400; do
		tap_check "$1: LAN host pings $TUN_SRV through the tunnel ($size bytes)" \
			ip netns exec "$LANHOST" ping -c 3 -i 0.3 -W 3 -s $size $TUN_SRV
	done
	tap_check "$1: the appliance itself pings $TUN_SRV" \
		ip netns exec "$APP" ping -c 2 -W 3 $TUN_SRV
}

# run_case NAME VM-MPPE PROFILE-MPPE-MODE "PPPD-MODE" [reconnect]
run_case() {
	local name=$1 vm_mppe=$2 mode=$3 pppd_mode=$4 reconnect=${5:-} vm log out
	echo "# ---- case $name"
	write_config "$mode"
	: >"$RUN/pptpgw.log"
	CASE_N=$((CASE_N + 1))
	vm=s$CASE_N
	server_vm "$vm" "$vm_mppe" || { tap_not_ok "$name: server VM starts"; return; }
	log=$(vm_log "$vm")
	app_start || { tap_not_ok "$name: appliance starts"; vm_stop "$vm"; return; }
	tap_check "$name: poptop is listening" vm_wait_for "$log" '^PGTEST ready' $UP_WAIT
	tap_check "$name: pptp-client added from the CLI" cli /interface/pptp-client/add \
		connect-to=$SRV_IP disabled=no name=pptp-out1 "password=$USER_PASS" user=$USER_NAME \
		profile=poptop add-default-route=yes
	if ! tap_check "$name: the link runs (R)" wait_running; then
		tail -n 30 "$RUN/pptpgw.log" | sed 's/^/#   /'
		tr -d '\r' <"$log" | grep -E 'pppd|pptpd' | tail -15 | sed 's/^/#   /'
		vm_stop "$vm"
		app_stop
		return
	fi
	tap_check "$name: poptop's pppd reports $pppd_mode" vm_grep "$vm" "MPPE 128-bit $pppd_mode compression enabled"
	out=$(cli /ip/route/print)
	echo "$out" | sed 's/^/#   /'
	tap_check "$name: /ip/route/print: 0.0.0.0/0 via pptp-out1, active" \
		bash -c "grep -Eq 'A.* +0\.0\.0\.0/0 +pptp-out1 ' <<<\"\$1\"" _ "$out"
	pings "$name"
	if [[ -n $reconnect ]]; then
		# The server goes away under a running link and comes back.
		vm_stop "$vm"
		tap_check "$name: the link goes down when the server vanishes" wait_down
		tap_check "$name: the client logs why it is down and that it retries" bash -c \
			"for _ in \$(seq 60); do grep -qE 'pptp-client=pptp-out1 .* down: .*; retrying in' $RUN/pptpgw.log && exit 0; sleep 0.5; done; exit 1"
		CASE_N=$((CASE_N + 1))
		vm=s$CASE_N
		server_vm "$vm" "$vm_mppe" || tap_not_ok "$name: server VM restarts"
		log=$(vm_log "$vm")
		tap_check "$name: the link comes back by itself" wait_running
		pings "$name (after the restart)"
	fi
	tap_check "$name: pptp-client disabled from the CLI" cli /interface/pptp-client/disable pptp-out1
	tap_check "$name: the link is down and flagged X" bash -c \
		"ip netns exec $APP $CLI -s $SOCK /interface/pptp-client/print | grep -Eq '^ *0 +X +name=\"pptp-out1\"'"
	tap_check "$name: the default route via pptp-out1 is gone" bash -c \
		"! ip netns exec $APP $CLI -s $SOCK /ip/route/print | grep -Eq '0\.0\.0\.0/0 +pptp-out1'"
	vm_stop "$vm"
	tap_check "$name: appliance stops cleanly" app_stop
}

CASE_N=0
cases=("$@")
want() { [[ ${#cases[@]} -eq 0 || " ${cases[*]} " == *" $1 "* ]]; }

want mschap2-mppe128-stateless &&
	run_case mschap2-mppe128-stateless required,stateless,128 any stateless
# pppd with mppe-stateful still asks for stateless; the profile's mppe-mode
# makes our client Nak it to stateful, which pppd then accepts.
want mschap2-mppe128-stateful &&
	run_case mschap2-mppe128-stateful required,stateful,128 stateful stateful
want reconnect &&
	run_case reconnect required,stateless,128 any stateless reconnect

if ((PG_TAP_FAIL)); then
	echo "# ---- tail of pptpgw.log"
	tail -n 60 "$RUN/pptpgw.log" | sed 's/^/#   /'
fi
tap_done
