# shellcheck shell=bash disable=SC2034 # its variables are for the tests that source it
# The pptpgw appliance lab of the interop tests that run pptpgw against real
# peers in qemu VMs (source this file; it sources lib.sh). lib.sh knows VMs,
# namespaces and TAP output and nothing of pptpgw; this file knows pptpgw's
# build, its configuration, its CLI and its telemetry.
#
#   lab netns:   bridge br0 -- tap of the peer VM ($VM_IP for a client VM)
#                           -- wan0-br ==veth== wan0 in the appliance netns
#   appliance:   pptpgw ether1 = wan0 ($WAN_IP, net_af_packet)
#                pptpgw ether2 = lan0 ($LAN_GW) ==veth== eth0 in lanhost ($LAN_HOST)
#
#   ROOT=...; source "$ROOT/scripts/interop/lab.sh"  # lib.sh, pg_trap_cleanup, SKIP unless root
#   LAN_GW=10.1.1.1 LAN_HOST=10.1.1.2     # another LAN than 10.20.0.0/24 (optional)
#   lab_setup TAG                         # image, namespaces $LAB $APP $LANHOST, PREFIX=pgtest-TAG-PID
#   write_config() { lab_config IDENTITY 'SERVER MEMBERS' <<JSON ... JSON }
#   case_begin NAME || return             # "# ---- case NAME", fresh pptpgw.log, app_start
#   client_vm NAME pg.user=... pg.auth=...  # the Linux client VM, dials $WAN_IP
#   tap_check "..." wait_cli 10 PATTERN /ppp/active/print
#   case_end NAME VM                      # VM stopped, "appliance stops cleanly"
#   lab_done                              # pptpgw.log's tail on failure, tap_done
#
# On exit the appliance, the capture and the functions listed in LAB_AT_EXIT
# are stopped before pg_cleanup.

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
: "${PPTPGW_BUILD:=$PG_REPO/build}"

PPTPGW=$PPTPGW_BUILD/app/pptpgw
CLI=$PPTPGW_BUILD/app/pptpgw-cli
WAN_IP=192.168.62.2
LAB_WAN_IPS=("$WAN_IP")     # ether1's addresses; a test may add more
VM_IP=192.168.62.10
CLIENT_MAC=52:54:00:62:00:10
LOCAL_ADDR=10.0.0.1
LAN_GW=10.20.0.1
LAN_HOST=10.20.0.2
USER_NAME=MT-User
USER_PASS=StrongPass
# Ping flood from the LAN host (flood_bps): 1400-byte IPv4 packets, 500/s,
# about 5.6 Mbit/s offered, for 10 s.
FLOOD_SECS=10
FLOOD_SIZE=1372
FLOOD_INTERVAL=0.002

RUN=$PG_RUNDIR
SOCK=$RUN/pptpgw.sock
PREFIX=
APP_PID=
CAPTURE=$RUN/wan.pcapng
CAP_PID=
LAB_AT_EXIT=()
cases=()

# pg_cleanup keeps the logs when the script fails: hand it the script's status.
lab_exit() {
	local rc=$? f
	app_stop
	capture_stop
	for f in "${LAB_AT_EXIT[@]}"; do "$f"; done
	(exit $rc)
	pg_cleanup
}
pg_trap_cleanup
trap lab_exit EXIT
[[ $(id -u) == 0 ]] || { echo "1..0 # SKIP needs root"; exit 0; }

# lab_setup TAG: the VM image and the three namespaces; PREFIX (DPDK file
# prefix) is pgtest-TAG-PID. A failure here ends the script.
lab_setup() {
	PREFIX=pgtest-$1-$$
	vm_image_ensure || { tap_not_ok "VM image builds"; tap_done; exit 1; }
	# The VM's bridge lives in its own namespace, the appliance in another: the
	# lab's kernel must own no address the appliance answers for.
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
	local ifc
	for ifc in wan0 lan0; do
		ip -n "$APP" link set "$ifc" up
		ip netns exec "$APP" ethtool -K "$ifc" tx off rx off gso off tso off gro off >/dev/null 2>&1 || true
	done
	ip -n "$LANHOST" link set eth0 up
	ip -n "$LANHOST" addr add "$LAN_HOST/24" dev eth0
	ip -n "$LANHOST" route add default via "$LAN_GW"
}

# lab_config IDENTITY SERVER <<JSON: write $RUN/pptpgw.json. ether1 = wan0
# with LAB_WAN_IPS, ether2 = lan0 with LAN_GW. SERVER: the members of the
# pptp-server's "server" object after "enabled": true; when empty there is
# no pptp-server and no address pool. Standard input: the remaining
# top-level members ("ppp" and so on).
lab_config() {
	local identity=$1 server=$2 ip addrs="" pool=""
	for ip in "${LAB_WAN_IPS[@]}"; do
		addrs+="{ \"address\": \"$ip/24\", \"interface\": \"ether1\" },
                       "
	done
	if [[ -n $server ]]; then
		server=",
    \"pptp-server\": { \"server\": { \"enabled\": true, $server } }"
		pool=",
          \"pool\": [ { \"name\": \"pptp-pool\", \"ranges\": [\"10.0.0.10-10.0.0.99\"] } ]"
	fi
	{
		cat <<JSON
{
  "system": { "identity": "$identity" },
  "dataplane": { "lcores": "0-1", "workers": [1], "memory-mb": 256, "file-prefix": "$PREFIX" },
  "management": { "socket": "$SOCK" },
  "interface": {
    "ethernet": [ { "name": "ether1", "device": "net_af_packet0,iface=wan0" },
                  { "name": "ether2", "device": "net_af_packet1,iface=lan0" } ]$server
  },
  "ip": { "address": [ $addrs{ "address": "$LAN_GW/24", "interface": "ether2" } ]$pool },
JSON
		cat
		echo "}"
	} >"$RUN/pptpgw.json"
}

# lab_secret PROFILE: the /ppp/secret entry of USER_NAME for lab_config.
lab_secret() {
	printf '{ "name": "%s", "password": "%s", "service": "pptp", "profile": "%s" }' \
		"$USER_NAME" "$USER_PASS" "$1"
}

# bg_ready PID TENTHS TEST...: wait up to TENTHS tenths of a second for TEST
# to succeed; 1 on timeout or as soon as the background process PID is gone.
bg_ready() {
	local pid=$1 tenths=$2
	shift 2
	for _ in $(seq "$tenths"); do
		"$@" && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# app_start: pptpgw in the appliance namespace with $RUN/pptpgw.json, its
# output appended to $RUN/pptpgw.log; 0 once its CLI socket is there.
app_start() {
	ip netns exec "$APP" "$PPTPGW" -c "$RUN/pptpgw.json" >>"$RUN/pptpgw.log" 2>&1 &
	APP_PID=$!
	bg_ready "$APP_PID" 200 test -S "$SOCK"
}

app_stop() {
	[[ -n $APP_PID ]] || return 0
	kill -TERM "$APP_PID" 2>/dev/null
	wait "$APP_PID"
	local rc=$?
	APP_PID=
	return $rc
}

# case_begin NAME: a case's header, an empty pptpgw.log and the appliance
# started (with the configuration written before); 1 when it did not start.
case_begin() {
	echo "# ---- case $1"
	: >"$RUN/pptpgw.log"
	app_start || { tap_not_ok "$1: appliance starts"; tail -20 "$RUN/pptpgw.log" | sed 's/^/#   /'; return 1; }
}

# case_end NAME VM: the VM stopped, then the appliance, which must exit cleanly.
case_end() {
	vm_stop "$2"
	tap_check "$1: appliance stops cleanly" app_stop
}

# client_vm NAME [pg.*...]: the Linux client VM (pppd + pptp-linux) at VM_IP
# dialling WAN_IP, one try. A pg.* given again wins (vm/init: the last one).
client_vm() {
	local vm=$1
	shift
	vm_start "$LAB" br0 "$vm" "$CLIENT_MAC" pg.role=client "pg.ip=$VM_IP/24" "pg.server=$WAN_IP" \
		pg.retries=1 "$@"
}

# vm_ppp_local LOG: the address the client VM's ppp0 got (its last "link up").
vm_ppp_local() {
	tr -d '\r' <"$1" | sed -n 's/^PGTEST link ppp0 up ifname [^ ]* local \([0-9.]*\) .*/\1/p' | tail -1
}

cli() { ip netns exec "$APP" "$CLI" -s "$SOCK" "$@"; }

# wait_cli SECONDS PATTERN COMMAND...: until the command's output matches.
wait_cli() {
	local secs=$1 pattern=$2; shift 2
	for _ in $(seq $((secs * 5))); do
		cli "$@" 2>/dev/null | grep -qE -- "$pattern" && return 0
		sleep 0.2
	done
	return 1
}

# wait_cli_gone SECONDS PATTERN COMMAND...: until the output no longer matches.
wait_cli_gone() {
	local secs=$1 pattern=$2; shift 2
	for _ in $(seq $((secs * 5))); do
		cli "$@" 2>/dev/null | grep -qE -- "$pattern" || return 0
		sleep 0.2
	done
	return 1
}

# cli_lacks PATTERN COMMAND...: the command's output has no line matching
# PATTERN now (whatever the command's status).
cli_lacks() {
	local pattern=$1 out
	shift
	out=$(cli "$@")
	! grep -qE -- "$pattern" <<<"$out"
}

# wait_log SECONDS PATTERN: until pptpgw.log has a line matching PATTERN.
wait_log() {
	local secs=$1 pattern=$2
	for _ in $(seq $((secs * 5))); do
		grep -qE -- "$pattern" "$RUN/pptpgw.log" && return 0
		sleep 0.2
	done
	return 1
}

# telemetry_eval CMD PYTHON [ARGS...]: run PYTHON (sys.argv[1:] = ARGS) with d,
# the DPDK telemetry socket's JSON reply to CMD ({} when there is none).
telemetry_eval() {
	local cmd=$1 code=$2
	shift 2
	echo "$cmd" | python3 /usr/bin/dpdk-telemetry.py -f "$PREFIX" 2>/dev/null |
		python3 -c 'import sys, json
text = sys.stdin.read()
d = json.loads(text[text.find("{"):text.rfind("}") + 1] or "{}")
'"$code" "$@"
}

# drop_count NAME: the dataplane's drop counter NAME (/pptpgw/drops).
drop_count() {
	telemetry_eval /pptpgw/drops \
		'print(d["/pptpgw/drops"].get(sys.argv[1], {}).get("count", 0))' "$1"
}

# flood_bps TARGET: bit/s of echo replies the LAN host gets back from a
# FLOOD_SECS-long flood of FLOOD_SIZE-byte pings to TARGET.
flood_bps() {
	local out rx
	out=$(ip netns exec "$LANHOST" ping -q -n -i "$FLOOD_INTERVAL" -s "$FLOOD_SIZE" \
		-w "$FLOOD_SECS" "$1" 2>&1)
	rx=$(sed -n 's/.* \([0-9][0-9]*\) \(packets \)\{0,1\}received.*/\1/p' <<<"$out")
	echo "# flood: $(head -c 300 <<<"$(grep -E 'transmitted' <<<"$out")")" >&2
	echo $(((${rx:-0} * (FLOOD_SIZE + 28) * 8) / FLOOD_SECS))
}

# Everything the appliance's wire port sees, for the tshark checks at the end.
capture_start() {
	ip netns exec "$LAB" dumpcap -q -i wan0-br -w "$CAPTURE" >"$RUN/dumpcap.log" 2>&1 &
	CAP_PID=$!
	bg_ready "$CAP_PID" 50 test -s "$CAPTURE"
}

capture_stop() {
	[[ -n $CAP_PID ]] || return 0
	kill -INT "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	CAP_PID=
}

# capture_has FILTER...: the capture holds frames matching each display filter.
capture_has() {
	local f
	for f in "$@"; do
		[ "$(tshark -r "$CAPTURE" -Y "$f" 2>/dev/null | wc -l)" -gt 0 ] || return 1
	done
}

# capture_check_malformed: one check, no frame of the capture decodes as malformed.
capture_check_malformed() {
	local malformed
	malformed=$(tshark -r "$CAPTURE" -Y _ws.malformed 2>/dev/null | wc -l)
	if ! tap_check "no malformed frame among $(tshark -r "$CAPTURE" 2>/dev/null | wc -l) captured ($malformed)" test "$malformed" -eq 0; then
		tshark -r "$CAPTURE" -Y _ws.malformed 2>/dev/null | head -10 | sed 's/^/#   /'
	fi
}

# want CASE: run CASE? (all when the script got no arguments: cases=("$@")).
want() { [[ ${#cases[@]} -eq 0 || " ${cases[*]} " == *" $1 "* ]]; }

# lab_done: pptpgw.log's tail when a check failed, the plan and the counts.
lab_done() {
	if ((PG_TAP_FAIL)); then
		echo "# ---- tail of pptpgw.log"
		tail -n 60 "$RUN/pptpgw.log" | sed 's/^/#   /'
	fi
	tap_done
}
