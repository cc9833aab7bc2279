#!/usr/bin/env bash
# pptpgw as the PPTP client of pptpgw as the PPTP server: two appliances in
# network namespaces, each with a LAN host behind it.
#
#   clan (10.1.1.2) == lan0 [client appliance] wan0 == wan0 [server appliance] lan0 == slan (10.2.2.2)
#                      10.1.1.1        192.0.2.2       192.0.2.1        10.2.2.1
#                                                                     slan also holds 10.3.3.3
#
# The client dials with /interface/pptp-client (set up from the CLI, as the
# seed does), routes 10.2.2.0/24 via its pptp-client interface; the server
# routes 10.1.1.0/24 via its static interface pptp-in1 (user MT-User). For
# each method and MPPE mode the two LAN hosts ping each other through the
# tunnel (56 and 1400 bytes). Then: `allow` refusing the server's method
# keeps the link down with a clear log line; add-default-route with its
# distance against a static default route, in /ip/route/print and in
# traffic (10.3.3.3 is reachable only through the default route); the link
# comes back by itself after the server appliance is restarted.
#
#   tests/integration/test_client_server.sh [CASE...]    (cases: see CASES below)
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pair_lib.sh"
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit 0; }

pair_setup cs || exit 1
ip -n "$slan" addr add 10.3.3.3/32 dev lo

cat >"$TEST_TMP/server.json" <<JSON
{
  "system": { "identity": "pptpgw-server" },
  "dataplane": { "lcores": "0-1", "workers": [1], "memory-mb": 256, "file-prefix": "$sprefix" },
  "management": { "socket": "$ssock" },
  "interface": {
    "ethernet": [ { "name": "ether1", "device": "net_af_packet0,iface=wan0" },
                  { "name": "ether2", "device": "net_af_packet1,iface=lan0" } ],
    "pptp-server": {
      "server": { "enabled": true, "authentication": ["mschap2", "mschap1", "chap", "pap"] },
      "static": [ { "name": "pptp-in1", "user": "MT-User" } ] } },
  "ip": {
    "address": [ { "address": "192.0.2.1/24", "interface": "ether1" },
                 { "address": "10.2.2.1/24", "interface": "ether2" } ],
    "route": [ { "dst-address": "10.1.1.0/24", "gateway": "pptp-in1", "distance": 1 },
               { "dst-address": "10.3.3.0/24", "gateway": "10.2.2.2", "distance": 1 } ] },
  "ppp": {
    "profile": [
      { "name": "enc-stateless", "use-encryption": "yes", "mppe-mode": "stateless" },
      { "name": "enc-stateful", "use-encryption": "yes", "mppe-mode": "stateful" },
      { "name": "noenc", "use-encryption": "no" } ],
    "secret": [ { "name": "MT-User", "password": "StrongPass", "service": "pptp",
                  "profile": "enc-stateless", "local-address": "10.0.0.1",
                  "remote-address": "10.0.0.5" } ] }
}
JSON

# The client's pptp-client entry comes from the CLI (the seed's command).
cat >"$TEST_TMP/client.json" <<JSON
{
  "system": { "identity": "pptpgw-client" },
  "dataplane": { "lcores": "0-1", "workers": [1], "memory-mb": 256, "file-prefix": "$cprefix" },
  "management": { "socket": "$csock" },
  "interface": {
    "ethernet": [ { "name": "ether1", "device": "net_af_packet0,iface=wan0" },
                  { "name": "ether2", "device": "net_af_packet1,iface=lan0" } ] },
  "ip": {
    "address": [ { "address": "192.0.2.2/24", "interface": "ether1" },
                 { "address": "10.1.1.1/24", "interface": "ether2" } ] },
  "ppp": { "profile": [ { "name": "noenc", "use-encryption": "no" } ] }
}
JSON

pair_start || exit 1

not_running() { ! client_running; }
no_ping() { ! in_ns "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1; }
wait_down() {
	for _ in $(seq $((UP_WAIT * 2))); do client_running || return 0; sleep 0.5; done
	return 1
}
# The server's view of the session: /ppp/active/print's ENCODING.
server_encoding() {
	scli --json /ppp/active/print 2>/dev/null |
		python3 -c 'import json,sys; a=json.load(sys.stdin); print(a[0].get("encoding","") if a else "-")'
}
pings() { # WHAT: both ways, 56 and 1400 bytes
	check "$1: client LAN pings server LAN (56)" in_ns "$clan" ping -c 3 -i 0.3 -W 2 10.2.2.2
	check "$1: client LAN pings server LAN (1400)" in_ns "$clan" ping -c 3 -i 0.3 -W 2 -s 1400 10.2.2.2
	check "$1: server LAN pings client LAN (56)" in_ns "$slan" ping -c 3 -i 0.3 -W 2 10.1.1.2
	check "$1: server LAN pings client LAN (1400)" in_ns "$slan" ping -c 3 -i 0.3 -W 2 -s 1400 10.1.1.2
}

# --- the seed's client, as typed -------------------------------------------------
check "the seed's add command is taken" ccli /interface/pptp-client/add connect-to=192.0.2.1 \
	disabled=no name=pptp-out1 password=StrongPass user=MT-User
check "the link comes up (default-encryption)" wait_running
if ! client_running; then tail -n 40 "$TEST_TMP/client.log" | show; tail -n 40 "$TEST_TMP/server.log" | show; test_done; fi
out=$(ccli /interface/pptp-client/print)
echo "$out" | show
check "print: the seed's lines" test "$out" = 'Flags: X - disabled; R - running
0 R name="pptp-out1" max-mtu=1450 max-mru=1450 mrru=disabled connect-to=192.0.2.1 user="MT-User" password="StrongPass" profile=default-encryption keepalive-timeout=60 add-default-route=no dial-on-demand=no allow=pap,chap,mschap1,mschap2'
check "the server reports MPPE128 stateless" test "$(server_encoding)" = "MPPE128 stateless"
out=$(ccli /ip/route/print)
echo "$out" | show
check "/ip/route/print: the server's tunnel address via pptp-out1 (DAc)" \
	bash -c "grep -Eq 'DAc +10.0.0.1/32 +pptp-out1 +0' <<<\"\$1\"" _ "$out"
check "the client's kernel holds its tunnel address and the /32" \
	bash -c "ip -n $capp addr | grep -q '10.0.0.5/32' && ip -n $capp route | grep -q '10.0.0.1 dev ether1'"
check "the appliance itself reaches the server's tunnel address" in_ns "$capp" ping -c 2 -W 2 10.0.0.1
ccli /interface/pptp-client/set pptp-out1 add-default-route=yes >/dev/null
check "add-default-route=yes: up again" wait_running
out=$(ccli /ip/route/print)
echo "$out" | show
check "/ip/route/print: 0.0.0.0/0 via pptp-out1 at distance 1, active (DAv)" \
	bash -c "grep -Eq 'DAv +0.0.0.0/0 +pptp-out1 +1' <<<\"\$1\"" _ "$out"
check "the client's kernel default route goes via the tunnel" \
	bash -c "ip -n $capp route | grep -q 'default via 10.0.0.1 dev ether1'"
pings "mschap2/MPPE128 stateless"

# --- every method and MPPE mode ---------------------------------------------------
# CASE: method server-profile client-profile expected-encoding
CASES=(
	"pap noenc default -"
	"chap noenc default -"
	"mschap1 noenc default -"
	"mschap1 enc-stateless default-encryption MPPE128_stateless"
	"mschap2 noenc noenc -"
	"mschap2 enc-stateless default-encryption MPPE128_stateless"
	"mschap2 enc-stateful default-encryption MPPE128_stateful"
)
for c in "${CASES[@]}"; do
	read -r method sprof cprof enc <<<"$c"
	enc=${enc//_/ }
	[ "$enc" = "-" ] && enc=""
	scli /ppp/secret/set MT-User profile="$sprof" >/dev/null
	# Down first: the same client settings twice would not redial.
	ccli /interface/pptp-client/disable pptp-out1 >/dev/null
	wait_down
	ccli /interface/pptp-client/set pptp-out1 allow="$method" profile="$cprof" disabled=no >/dev/null
	sleep 1
	if ! check "$method/${enc:-unencrypted}: the link comes up" wait_running; then
		tail -n 30 "$TEST_TMP/client.log" | show
		continue
	fi
	got=$(server_encoding)
	check "$method/${enc:-unencrypted}: the server reports encoding \"$enc\" (got \"$got\")" test "$got" = "$enc"
	check "$method/${enc:-unencrypted}: the client logged auth=$method" \
		bash -c "grep -q 'user=MT-User auth=$method result=ok' '$TEST_TMP/client.log'"
	pings "$method/${enc:-unencrypted}"
done
scli /ppp/secret/set MT-User profile=enc-stateless >/dev/null

# --- allow refusing the server's method --------------------------------------------
scli /interface/pptp-server/server/set authentication=mschap2 >/dev/null
ccli /interface/pptp-client/set pptp-out1 allow=pap profile=default >/dev/null
sleep 8
check "allow=pap against a mschap2-only server: the link stays down" not_running
check "... with a clear log line" \
	grep -q 'pptp-client=pptp-out1 connect-to=192.0.2.1 down: server ended the link: peer refused authentication methods we allow; retrying in' "$TEST_TMP/client.log"
grep 'pptp-client=pptp-out1' "$TEST_TMP/client.log" | tail -n 3 | show
check "... and the client's LCP says what it refused" \
	grep -q 'peer asked auth=mschap2, suggesting pap' "$TEST_TMP/client.log"
check "... and no ping crosses" no_ping "$clan" 10.2.2.2
scli /interface/pptp-server/server/set authentication=mschap2,mschap1,chap,pap >/dev/null
ccli /interface/pptp-client/set pptp-out1 allow=pap,chap,mschap1,mschap2 profile=default-encryption >/dev/null
check "allow restored: the link comes back" wait_running

# --- add-default-route and its distance -------------------------------------------
# Routes come from the config file: the one the CLI wrote, plus a route to the
# server's LAN via the tunnel interface and a static default at distance 1.
appliance_stop "$cpid"; rc=$?
check "client appliance stops cleanly" test "$rc" -eq 0
check "the pptp-client entry was persisted by the CLI" grep -q '"connect-to": "192.0.2.1"' "$TEST_TMP/client.json"
python3 - "$TEST_TMP/client.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["ip"]["route"] = [{"dst-address": "10.2.2.0/24", "gateway": "pptp-out1", "distance": 1},
                    {"dst-address": "0.0.0.0/0", "gateway": "192.0.2.254", "distance": 1}]
c["interface"]["pptp-client"][0]["default-route-distance"] = 5
json.dump(c, open(sys.argv[1], "w"), indent=2)
PY
check "client config with routes via pptp-out1 validates" "$PPTPGW" -c "$TEST_TMP/client.json" --check
appliance_start "$capp" "$TEST_TMP/client.json" "$TEST_TMP/client2.log" || exit 1
cpid=$APPLIANCE_PID
check "add-default-route=yes distance=5: up after the client's restart" wait_running
out=$(ccli /ip/route/print)
echo "$out" | show
check "/ip/route/print: 0.0.0.0/0 via pptp-out1 at 5, not active (static 1 wins)" \
	bash -c "grep -Eq '^ *[0-9]+ +Dv +0.0.0.0/0 +pptp-out1 +5' <<<\"\$1\" && grep -Eq 'As +0.0.0.0/0 +192.0.2.254 +1' <<<\"\$1\"" _ "$out"
check "/ip/route/print: 10.2.2.0/24 via pptp-out1 active" \
	bash -c "grep -Eq 'As +10.2.2.0/24 +pptp-out1 +1' <<<\"\$1\"" _ "$out"
check "the client's kernel routes 10.2.2.0/24 via the tunnel" \
	bash -c "ip -n $capp route | grep -q '10.2.2.0/24 via 10.0.0.1'"
pings "route via the interface"
check "10.3.3.3 (only behind the server) is not reached via the static default" \
	no_ping "$clan" 10.3.3.3
ccli /interface/pptp-client/set pptp-out1 default-route-distance=0 >/dev/null
check "default-route-distance=0: up" wait_running
out=$(ccli /ip/route/print)
echo "$out" | show
check "/ip/route/print: 0.0.0.0/0 via pptp-out1 at 0 active, the static default not" \
	bash -c "grep -Eq 'DAv +0.0.0.0/0 +pptp-out1 +0' <<<\"\$1\" && grep -Eq '^ *[0-9]+ +s +0.0.0.0/0 +192.0.2.254' <<<\"\$1\"" _ "$out"
check "the client's kernel default route goes via the tunnel" \
	bash -c "ip -n $capp route | grep -q 'default via 10.0.0.1 dev ether1'"
check "10.3.3.3 answers through the tunnel's default route (56)" in_ns "$clan" ping -c 3 -i 0.3 -W 2 10.3.3.3
check "with the default via the tunnel the appliance still reaches the server's tunnel address" \
	in_ns "$capp" ping -c 2 -W 2 10.0.0.1
check "... and the server's LAN reaches the client appliance's tunnel address" \
	in_ns "$slan" ping -c 2 -W 2 10.0.0.5
check "10.3.3.3 answers through the tunnel's default route (1400)" in_ns "$clan" ping -c 3 -i 0.3 -W 2 -s 1400 10.3.3.3

# --- the server appliance restarts ----------------------------------------------------
# A server that stops says goodbye (CDN, Stop-Control-Connection-Request; its
# workers stop after its control plane): the client hears it at once, well
# before the 60 s keepalive would tell it.
appliance_stop "$spid"; rc=$?
check "server appliance stops cleanly" test "$rc" -eq 0
check "the client sees the link go down within 10 s" bash -c \
	"for _ in \$(seq 20); do ip netns exec $capp $PPTPGW_CLI -s $csock /interface/pptp-client/print | grep -Eq '^ *0 +R ' || exit 0; sleep 0.5; done; exit 1"
check "... and the default route goes with it" \
	bash -c "! ip -n $capp route | grep -q 'default via 10.0.0.1'"
sleep 3
check "the client logs why and retries" grep -q 'pptp-client=pptp-out1 connect-to=192.0.2.1 down: .*retrying in' "$TEST_TMP/client2.log"
check "... the reason is the server's goodbye, not keepalive" bash -c \
	"grep 'pptp-client=pptp-out1 connect-to=192.0.2.1 down: ' $TEST_TMP/client2.log | tail -1 | grep -qv keepalive"
appliance_start "$sapp" "$TEST_TMP/server.json" "$TEST_TMP/server2.log" || exit 1
spid=$APPLIANCE_PID
check "the link comes back after the server restart" wait_running
pings "after the server restart"

# --- larger than the tunnel (MTU 1446 with MPPE) -------------------------------------
# DF clear: the appliance's kernel fragments (the route to the session carries the
# tunnel MTU) and both halves cross. DF set: ICMP "fragmentation needed" with the
# tunnel's MTU comes back to the sender (RFC 1191), from the server appliance.
check "1500-byte packet without DF crosses in fragments" \
	in_ns "$slan" ping -c 2 -i 0.3 -W 2 -M dont -s 1472 10.1.1.2
out=$(in_ns "$slan" ping -c 2 -i 0.3 -W 2 -M do -s 1472 10.1.1.2 2>&1)
echo "$out" | show
check "1500-byte packet with DF: fragmentation needed, mtu 1446" \
	bash -c "grep -Eq 'mtu ?= ?1446' <<<\"\$1\"" _ "$out"

ccli /interface/pptp-client/disable pptp-out1 >/dev/null
check "disable: the link goes down" wait_down
out=$(ccli /interface/pptp-client/print)
check "disable: printed with X" bash -c "grep -Eq '^ *0 +X +name=\"pptp-out1\"' <<<\"\$1\"" _ "$out"
check "disable: the routes are withdrawn" bash -c "! ip -n $capp route | grep -q '10.0.0.1'"
check "disable: persisted" grep -q '"disabled": true' "$TEST_TMP/client.json"

appliance_stop "$cpid"; rc=$?
check "client appliance stops cleanly" test "$rc" -eq 0
appliance_stop "$spid"; rc=$?
check "server appliance stops cleanly" test "$rc" -eq 0
for l in "$TEST_TMP"/*.log; do
	grep -E 'runtime error|AddressSanitizer' "$l" && TEST_FAILED=$((TEST_FAILED + 1))
done
test_done
