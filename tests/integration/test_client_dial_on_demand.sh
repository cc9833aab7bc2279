#!/usr/bin/env bash
# Dial-on-demand (RouterOS /interface/pptp-client dial-on-demand=yes;
# docs/client.md): pptpgw as the PPTP client of pptpgw as the PPTP server,
# the same two appliances as test_client_server.sh.
#
#   clan (10.1.1.2) == lan0 [client appliance] wan0 == wan0 [server appliance] lan0 == slan (10.2.2.2)
#                      10.1.1.1        192.0.2.2       192.0.2.1        10.2.2.1
#
# The client's pptp-out1 has dial-on-demand=yes and add-default-route=yes, and
# /ip/route sends 10.2.2.0/24 via pptp-out1. Checked: nothing dials at start,
# the routes stand via the placeholder gateway 10.112.112.1 (/ip/route/print
# and the kernel), the server has no session; one ping from the client's LAN
# brings the link up and that very packet gets its answer (the kernel held
# it); the kernel's ARP for the placeholder never reaches the wire; the
# server appliance stopping brings the placeholder back and nothing redials
# until traffic comes again; disabling removes everything.
#
#   tests/integration/test_client_dial_on_demand.sh
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pair_lib.sh"
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit 0; }

pair_setup dod || exit 1
PING_WAIT=${PING_WAIT:-20}    # seconds the first packet may take: dial, PPP, then its answer

cat >"$TEST_TMP/server.json" <<JSON
{
  "system": { "identity": "pptpgw-server" },
  "dataplane": { "lcores": "0-1", "workers": [1], "memory-mb": 256, "file-prefix": "$sprefix" },
  "management": { "socket": "$ssock" },
  "interface": {
    "ethernet": [ { "name": "ether1", "device": "net_af_packet0,iface=wan0" },
                  { "name": "ether2", "device": "net_af_packet1,iface=lan0" } ],
    "pptp-server": {
      "server": { "enabled": true, "authentication": ["mschap2"] },
      "static": [ { "name": "pptp-in1", "user": "MT-User" } ] } },
  "ip": {
    "address": [ { "address": "192.0.2.1/24", "interface": "ether1" },
                 { "address": "10.2.2.1/24", "interface": "ether2" } ],
    "route": [ { "dst-address": "10.1.1.0/24", "gateway": "pptp-in1", "distance": 1 } ] },
  "ppp": {
    "profile": [ { "name": "enc-stateless", "use-encryption": "yes", "mppe-mode": "stateless" } ],
    "secret": [ { "name": "MT-User", "password": "StrongPass", "service": "pptp",
                  "profile": "enc-stateless", "local-address": "10.0.0.1",
                  "remote-address": "10.0.0.5" } ] }
}
JSON

cat >"$TEST_TMP/client.json" <<JSON
{
  "system": { "identity": "pptpgw-client" },
  "dataplane": { "lcores": "0-1", "workers": [1], "memory-mb": 256, "file-prefix": "$cprefix" },
  "management": { "socket": "$csock" },
  "interface": {
    "ethernet": [ { "name": "ether1", "device": "net_af_packet0,iface=wan0" },
                  { "name": "ether2", "device": "net_af_packet1,iface=lan0" } ],
    "pptp-client": [ { "name": "pptp-out1", "connect-to": "192.0.2.1", "user": "MT-User",
                       "password": "StrongPass", "disabled": false,
                       "add-default-route": true, "dial-on-demand": true } ] },
  "ip": {
    "address": [ { "address": "192.0.2.2/24", "interface": "ether1" },
                 { "address": "10.1.1.1/24", "interface": "ether2" } ],
    "route": [ { "dst-address": "10.2.2.0/24", "gateway": "pptp-out1", "distance": 1 } ] }
}
JSON

wait_down() {
	for _ in $(seq $((UP_WAIT * 2))); do client_running || return 0; sleep 0.5; done
	return 1
}
server_sessions() {
	scli --json /ppp/active/print 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'
}
dials() { grep -c 'pptp-client=pptp-out1 connect-to=192.0.2.1 dialling user=' "$1"; }
grep_in() { grep -Eq "$1" <<<"$2"; }
placeholder_routes() { # /ip/route/print and the kernel: the routes via 10.112.112.1
	local out
	out=$(ccli /ip/route/print)
	echo "$out" | show
	check "$1: /ip/route/print: 0.0.0.0/0 via the placeholder 10.112.112.1 (DAv)" \
		grep_in 'DAv +0.0.0.0/0 +10.112.112.1 +1' "$out"
	check "$1: /ip/route/print: 10.2.2.0/24 via pptp-out1 active" \
		grep_in 'As +10.2.2.0/24 +pptp-out1 +1' "$out"
	check "$1: the kernel routes the default and 10.2.2.0/24 via 10.112.112.1" bash -c \
		"ip -n $capp route | grep -q 'default via 10.112.112.1 dev ether1' &&
		 ip -n $capp route | grep -q '10.2.2.0/24 via 10.112.112.1 dev ether1'"
}
# The server's wire: every ARP asking for 10.112.112.0/24, while a command runs.
sniff_start() {
	# Not through in_ns: $! must be the process that becomes python.
	ip netns exec "$sapp" python3 - "$TEST_TMP/arp.txt" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806))
s.bind(("wan0", 0))
with open(sys.argv[1], "w") as out:
    while True:
        f = s.recv(2048)
        if len(f) >= 42 and f[38:41] == bytes([10, 112, 112]):
            out.write("ARP for %s\n" % socket.inet_ntoa(f[38:42])); out.flush()
PY
	SNIFF_PID=$!
	TEST_PIDS+=("$SNIFF_PID")
	sleep 0.5
}

pair_start || exit 1

# --- armed: nothing dials ------------------------------------------------------------
sleep 4
check "at start nothing dials" test "$(dials "$TEST_TMP/client.log")" -eq 0
check "... the client says it waits for traffic" \
	grep -q 'pptp-client=pptp-out1 connect-to=192.0.2.1 dial-on-demand: waiting for traffic gateway=10.112.112.1' "$TEST_TMP/client.log"
check "... the server has no session" test "$(server_sessions)" = 0
out=$(ccli /interface/pptp-client/print)
echo "$out" | show
check "print: not running, dial-on-demand=yes" bash -c \
	"grep -Eq '^ *0 +name=\"pptp-out1\" .* add-default-route=yes default-route-distance=1 dial-on-demand=yes ' <<<\"\$1\"" _ "$out"
placeholder_routes "armed"

# --- the first packet dials, and is answered -----------------------------------------
sniff_start
check "the first ping from the client's LAN is answered (the link came up for it)" \
	in_ns "$clan" ping -c 1 -W "$PING_WAIT" 10.2.2.2
check "... the link runs" wait_running
check "... the client logged the traffic that dialled" \
	grep -q 'pptp-client=pptp-out1 connect-to=192.0.2.1 dial-on-demand: traffic for 10.112.112.1, dialling' "$TEST_TMP/client.log"
check "... one dial" test "$(dials "$TEST_TMP/client.log")" -eq 1
check "... the server has the session" test "$(server_sessions)" = 1
out=$(ccli /ip/route/print)
echo "$out" | show
check "up: /ip/route/print: 0.0.0.0/0 via pptp-out1 (DAv), no placeholder" bash -c \
	"grep -Eq 'DAv +0.0.0.0/0 +pptp-out1 +1' <<<\"\$1\" && ! grep -q 10.112.112 <<<\"\$1\"" _ "$out"
check "up: the kernel routes via the tunnel, no placeholder left" bash -c \
	"ip -n $capp route | grep -q 'default via 10.0.0.1 dev ether1' && ! ip -n $capp route | grep -q 10.112.112 &&
	 ! ip -n $capp neigh | grep -q 10.112.112"
check "up: pings both ways" bash -c \
	"ip netns exec $clan ping -c 3 -i 0.3 -W 2 10.2.2.2 >/dev/null && ip netns exec $slan ping -c 3 -i 0.3 -W 2 10.1.1.2 >/dev/null"
drops=$(telemetry "$cprefix" /pptpgw/drops)
check "the worker dropped (and counted) the kernel's ARP for the placeholder (dod_arp)" \
	test "$(json_get "$drops" 'd["/pptpgw/drops"]["dod_arp"]["count"]')" -ge 1
kill "$SNIFF_PID" 2>/dev/null; wait "$SNIFF_PID" 2>/dev/null
check "the kernel's ARP for the placeholder never reached the wire" \
	bash -c "[ -f '$TEST_TMP/arp.txt' ] && [ ! -s '$TEST_TMP/arp.txt' ]"

# --- the server goes: placeholder back, no redial --------------------------------------
appliance_stop "$spid"; rc=$?
check "server appliance stops cleanly" test "$rc" -eq 0
check "the client sees the link go down" wait_down
sleep 2
check "... it says it waits for traffic again" \
	grep -q 'pptp-client=pptp-out1 connect-to=192.0.2.1 down: .*; dial-on-demand: no redial until traffic comes' "$TEST_TMP/client.log"
placeholder_routes "down again"
sleep 5
check "... and does not redial by itself" test "$(dials "$TEST_TMP/client.log")" -eq 1

# --- traffic dials again -------------------------------------------------------------------
appliance_start "$sapp" "$TEST_TMP/server.json" "$TEST_TMP/server2.log" || exit 1
spid=$APPLIANCE_PID
sleep 3
check "server back: still no dial without traffic" test "$(dials "$TEST_TMP/client.log")" -eq 1
# A dial slower than the kernel's patience: unanswered, the kernel gives up on
# a neighbour after 3 ARPs a second apart and drops what it queued (the ping
# would say "Destination Host Unreachable"); held, the packet waits. The
# server appliance is frozen for 5 s while the client dials it.
kill -STOP "$spid"
in_ns "$clan" ping -c 1 -W $((PING_WAIT + 5)) 10.2.2.2 >"$TEST_TMP/ping-slow.txt" 2>&1 &
ping_pid=$!
sleep 5
kill -CONT "$spid"
wait "$ping_pid"; rc=$?
show <"$TEST_TMP/ping-slow.txt"
check "the next ping dials again and is answered, though the dial took over 3 s" bash -c \
	"[ $rc -eq 0 ] && grep -Eq 'time=([3-9][0-9]{3}|[0-9]{5,})' '$TEST_TMP/ping-slow.txt'"
check "... the link runs" wait_running
check "... a second dial" test "$(dials "$TEST_TMP/client.log")" -eq 2

# --- disabled: nothing left --------------------------------------------------------------------
ccli /interface/pptp-client/disable pptp-out1 >/dev/null
check "disable: the link goes down" wait_down
sleep 1
out=$(ccli /ip/route/print)
echo "$out" | show
check "disable: no route via the tunnel or the placeholder" bash -c \
	"! grep -q 10.112.112 <<<\"\$1\" && ! ip -n $capp route | grep -Eq '10.112.112|10.0.0.1' &&
	 ! ip -n $capp neigh | grep -q 10.112.112" _ "$out"
check "disable: no dial" test "$(dials "$TEST_TMP/client.log")" -eq 2

appliance_stop "$cpid"; rc=$?
check "client appliance stops cleanly" test "$rc" -eq 0
appliance_stop "$spid"; rc=$?
check "server appliance stops cleanly" test "$rc" -eq 0
for l in "$TEST_TMP"/*.log; do
	grep -E 'runtime error|AddressSanitizer' "$l" && TEST_FAILED=$((TEST_FAILED + 1))
done
test_done
