#!/usr/bin/env bash
# /radius/incoming follows the CLI at run time: the appliance starts with
# accept=no and nothing answers radclient's Disconnect-Request; after
# `/radius/incoming/set accept=yes port=N` it answers (a NAK with Error-Cause
# Session-Context-Not-Found: no session runs); after a port change the old
# port is silent and the new one answers; accept=no silences it again. A
# request with the wrong secret is dropped. /ppp/aaa/print shows
# interim-update as a duration. No PPTP client is needed: radclient runs in
# the appliance's namespace and asks from 127.0.0.1, a /radius entry.
set -u
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit 0; }
command -v radclient >/dev/null || { echo "1..0 # SKIP radclient (freeradius-utils) not installed"; exit 0; }

app=pg-rin-a-$TEST_ID host=pg-rin-h-$TEST_ID
prefix=pgtest-rin-$TEST_ID
sock=$TEST_TMP/pptpgw.sock
secret=incoming-test
port1=3799 port2=3800
netns_add "$app" && netns_add "$host" || exit 1
veth_pair "$app" wan0 "$host" eth0 || exit 1

cat >"$TEST_TMP/pptpgw.json" <<JSON
{
  "system": { "identity": "gw-incoming" },
  "dataplane": { "lcores": "0-1", "workers": [1], "memory-mb": 256, "file-prefix": "$prefix" },
  "management": { "socket": "$sock" },
  "interface": { "ethernet": [ { "name": "ether1", "device": "net_af_packet0,iface=wan0" } ] },
  "ip": { "address": [ { "address": "192.0.2.1/24", "interface": "ether1" } ] },
  "ppp": { "aaa": { "use-radius": true, "accounting": false } },
  "radius": [ { "address": "127.0.0.1", "secret": "$secret", "service": ["ppp"] } ],
  "radius-incoming": { "accept": false, "port": $port1 }
}
JSON

appliance_start "$app" "$TEST_TMP/pptpgw.json" "$TEST_TMP/pptpgw.log" || exit 1
pid=$APPLIANCE_PID
cli() { in_ns "$app" "$PPTPGW_CLI" -s "$sock" "$@"; }

# disconnect PORT [SECRET]: one Disconnect-Request for a user nobody is; radclient's output.
disconnect() {
	echo 'User-Name = "nobody"' | in_ns "$app" timeout 20 radclient -x -r 1 -t 2 \
		"127.0.0.1:$1" disconnect "${2:-$secret}" 2>&1
}
# answers_nak PORT: a Disconnect-NAK with Session-Context-Not-Found comes back.
answers_nak() {
	local out
	out=$(disconnect "$1")
	grep -q 'Received Disconnect-NAK' <<<"$out" &&
		grep -q 'Error-Cause = Session-Context-Not-Found' <<<"$out" ||
		{ sed 's/^/#   /' <<<"$out"; return 1; }
}
# silent PORT [SECRET]: no answer at all, and (right secret) no UDP socket on the port.
silent() {
	local out
	out=$(disconnect "$@")
	if grep -q 'Received' <<<"$out"; then
		sed 's/^/#   /' <<<"$out"
		return 1
	fi
	[ $# -gt 1 ] || ! in_ns "$app" ss -Hlun "sport = :$1" | grep -q .
}
# set_incoming ARGS...: /radius/incoming/set through the CLI, shown.
set_incoming() {
	echo "# /radius/incoming/set $*"
	cli /radius/incoming/set "$@"
}

out=$(cli /radius/incoming/print)
echo "$out" | sed 's/^/#   /'
check "/radius/incoming/print shows accept=no at start" grep -q 'accept: no' <<<"$out"
check "accept=no: port $port1 is silent" silent "$port1"

check "/radius/incoming/set accept=yes port=$port1 succeeds" set_incoming accept=yes port=$port1
out=$(cli /radius/incoming/print)
echo "$out" | sed 's/^/#   /'
check "/radius/incoming/print shows accept=yes port=$port1" \
	bash -c "grep -q 'accept: yes' <<<\"\$1\" && grep -q 'port: $port1' <<<\"\$1\"" _ "$out"
check "accept=yes: port $port1 answers Disconnect-NAK Session-Context-Not-Found" answers_nak "$port1"
check "a Disconnect-Request with the wrong secret gets no answer" silent "$port1" wrong-secret
check "... and is logged as dropped" grep -q 'incoming request from 127.0.0.1 .*dropped: bad authenticator' \
	"$TEST_TMP/pptpgw.log"

check "/radius/incoming/set port=$port2 succeeds" set_incoming port=$port2
check "after the port change the old port $port1 is silent" silent "$port1"
check "the new port $port2 answers Disconnect-NAK" answers_nak "$port2"
check "the change is saved in the config file" \
	test "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["radius-incoming"]; print(d["accept"], d["port"])' \
		"$TEST_TMP/pptpgw.json")" = "True $port2"

check "/radius/incoming/set accept=no succeeds" set_incoming accept=no
check "accept=no again: port $port2 is silent" silent "$port2"
check "the log says the listener opened, moved and closed" \
	bash -c 'for line in "listening port=$2" "closed port=$2" "listening port=$3" "closed port=$3"; do
			 grep -q "radius-incoming $line" "$1" || exit 1; done' _ "$TEST_TMP/pptpgw.log" "$port1" "$port2"

# /ppp/aaa/print: interim-update as RouterOS shows it.
out=$(cli /ppp/aaa/print)
echo "$out" | sed 's/^/#   /'
check "/ppp/aaa/print shows interim-update: 0s when off" grep -q 'interim-update: 0s' <<<"$out"
cli /ppp/aaa/set interim-update=1h30m
out=$(cli /ppp/aaa/print)
echo "$out" | sed 's/^/#   /'
check "/ppp/aaa/print shows interim-update: 1h30m" grep -q 'interim-update: 1h30m' <<<"$out"

appliance_stop "$pid"; rc=$?
check "SIGTERM stops the appliance with status 0" test "$rc" -eq 0
check "no sanitizer report in the log" bash -c '! grep -qE "runtime error|AddressSanitizer" "$1"' _ \
	"$TEST_TMP/pptpgw.log"
test_done
