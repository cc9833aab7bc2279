#!/usr/bin/env bash
# pptpgw as the PPTP client of the real poptop server (pptpd 1.4.0 + pppd
# 2.4.9 in a qemu VM), with a LAN host behind the appliance, in the lab of
# scripts/interop/lab.sh:
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
# shellcheck source=../../scripts/interop/lab.sh
source "$ROOT/scripts/interop/lab.sh"

SRV_IP=192.168.62.1
TUN_SRV=10.0.0.1
# shellcheck disable=SC2034 # lab_setup and lab_config read LAN_GW
LAN_GW=10.1.1.1
LAN_HOST=10.1.1.2
UP_WAIT=${UP_WAIT:-90}   # seconds: VM boot under TCG, client back-off

lab_setup cli

# write_config MPPE-MODE: the client's profile; the entry itself comes from the CLI.
write_config() {
	lab_config pptpgw-client-interop "" <<JSON
  "ppp": { "profile": [ { "name": "poptop", "use-encryption": "yes", "mppe-mode": "$1" } ] }
JSON
}

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
	tap_check "$name: the default route via pptp-out1 is gone" \
		cli_lacks '0\.0\.0\.0/0 +pptp-out1' /ip/route/print
	case_end "$name" "$vm"
}

CASE_N=0
# shellcheck disable=SC2034 # read by want (lab.sh)
cases=("$@")

want mschap2-mppe128-stateless &&
	run_case mschap2-mppe128-stateless required,stateless,128 any stateless
# pppd with mppe-stateful still asks for stateless; the profile's mppe-mode
# makes our client Nak it to stateful, which pppd then accepts.
want mschap2-mppe128-stateful &&
	run_case mschap2-mppe128-stateful required,stateful,128 stateful stateful
want reconnect &&
	run_case reconnect required,stateless,128 any stateless reconnect

lab_done
