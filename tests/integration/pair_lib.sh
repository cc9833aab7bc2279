# shellcheck shell=bash
# Two appliances back to back, for the pptp-client tests (source after lib.sh):
#
#   clan 10.1.1.2 -- lan0 [capp: the pptp-client] wan0 ==== wan0 [sapp: the server] lan0 -- slan 10.2.2.2
#
#   pair_setup TAG        namespaces capp sapp clan slan (suffixed per run), the
#                         veths and the LAN hosts; cprefix/sprefix (EAL file
#                         prefixes) and csock/ssock (management sockets) for the
#                         configs the test writes to $TEST_TMP/{server,client}.json
#   pair_start            both configs validated, both appliances started (spid, cpid)
#   ccli / scli ARGS      the client's / the server's CLI
#   wait_running          until pptp-out1 shows R (at most UP_WAIT seconds, default 40:
#                         2 shared cores, PPP restart timers)

UP_WAIT=${UP_WAIT:-40}

pair_setup() {
	local tag=$1 ns
	capp=pg-$tag-ca-$TEST_ID sapp=pg-$tag-sa-$TEST_ID
	clan=pg-$tag-cl-$TEST_ID slan=pg-$tag-sl-$TEST_ID
	cprefix=pgtest-$tag-c-$TEST_ID sprefix=pgtest-$tag-s-$TEST_ID
	csock=$TEST_TMP/client.sock ssock=$TEST_TMP/server.sock
	for ns in "$capp" "$sapp" "$clan" "$slan"; do netns_add "$ns" || return 1; done
	veth_pair "$capp" wan0 "$sapp" wan0 || return 1
	veth_pair "$capp" lan0 "$clan" eth0 || return 1
	veth_pair "$sapp" lan0 "$slan" eth0 || return 1
	ip -n "$clan" addr add 10.1.1.2/24 dev eth0
	ip -n "$clan" route add default via 10.1.1.1
	ip -n "$slan" addr add 10.2.2.2/24 dev eth0
	ip -n "$slan" route add default via 10.2.2.1
}

pair_start() {
	check "server config validates" "$PPTPGW" -c "$TEST_TMP/server.json" --check
	check "client config validates" "$PPTPGW" -c "$TEST_TMP/client.json" --check
	appliance_start "$sapp" "$TEST_TMP/server.json" "$TEST_TMP/server.log" || return 1
	spid=$APPLIANCE_PID
	appliance_start "$capp" "$TEST_TMP/client.json" "$TEST_TMP/client.log" || return 1
	cpid=$APPLIANCE_PID
}

ccli() { in_ns "$capp" "$PPTPGW_CLI" -s "$csock" "$@"; }
scli() { in_ns "$sapp" "$PPTPGW_CLI" -s "$ssock" "$@"; }
show() { sed 's/^/#   /'; }

# client_running: the R flag of pptp-out1.
client_running() { ccli /interface/pptp-client/print 2>/dev/null | grep -Eq '^ *0 +R +name="pptp-out1"'; }
wait_running() {
	for _ in $(seq $((UP_WAIT * 2))); do client_running && return 0; sleep 0.5; done
	return 1
}
