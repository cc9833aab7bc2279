# The appliance and pptpgw-loadgen in two network namespaces, for the
# control-plane bench (tests/bench/cp_bench.sh) and its light CI run
# (tests/integration/test_loadgen.sh). Source tests/integration/lib.sh first:
# its cleanup removes the namespaces and the processes started here.
#
#   loadgen ns  eth0 192.0.2.2 ==veth== wan0  appliance ns (pptpgw ether1 = wan0,
#                                             net_af_packet, 192.0.2.1)
#
# One /ppp/secret (MS-CHAPv2, use-encryption yes), a pool of 131,072
# addresses, keepalive long enough never to fire during a run.

LG_SERVER=192.0.2.1
LG_CLIENT=192.0.2.2
LG_USER=bench
LG_PASS=BenchPass-1
LOADGEN="$PPTPGW_BUILD/tests/bench/loadgen/pptpgw-loadgen"

# lib.sh's cleanup, then the EAL's runtime directory of our --file-prefix (the
# appliance is gone by then; DPDK leaves the directory behind).
lg_cleanup() {
	test_cleanup
	[ -z "${LG_PREFIX:-}" ] || rm -rf "/var/run/dpdk/$LG_PREFIX"
}
trap lg_cleanup EXIT

# lg_setup TAG [LOG-LEVEL]: namespaces pg-TAG-app-ID / pg-TAG-lg-ID, config, appliance.
lg_setup() {
	local tag=$1 level=${2:-info}
	LG_APP=pg-$tag-app-$TEST_ID
	LG_NS=pg-$tag-lg-$TEST_ID
	LG_SOCK=$TEST_TMP/pptpgw.sock
	LG_PREFIX=pg$tag-$TEST_ID
	netns_add "$LG_APP" || return 1
	netns_add "$LG_NS" || return 1
	veth_pair "$LG_NS" eth0 "$LG_APP" wan0 || return 1
	ip -n "$LG_NS" addr add $LG_CLIENT/24 dev eth0
	# memory-mb 512: the session tables may take a quarter, enough for all
	# 65,536 dataplane sessions (dataplane.c sessions_that_fit).
	cat >"$TEST_TMP/pptpgw.json" <<JSON
{
  "system": { "identity": "pptpgw-bench", "log-level": "$level" },
  "dataplane": { "lcores": "0-1", "workers": [1], "memory-mb": 512, "file-prefix": "$LG_PREFIX" },
  "management": { "socket": "$LG_SOCK" },
  "interface": {
    "ethernet": [ { "name": "ether1", "device": "net_af_packet0,iface=wan0" } ],
    "pptp-server": { "server": { "enabled": true, "authentication": ["mschap2"],
                                 "keepalive-timeout": "24h" } } },
  "ip": { "address": [ { "address": "$LG_SERVER/24", "interface": "ether1" } ],
          "pool": [ { "name": "bench-pool", "ranges": ["10.128.0.0/15"] } ] },
  "ppp": {
    "profile": [ { "name": "bench", "use-encryption": "yes", "local-address": "10.127.0.1",
                   "remote-address": "bench-pool" } ],
    "secret": [ { "name": "$LG_USER", "password": "$LG_PASS", "service": "pptp",
                  "profile": "bench" } ] }
}
JSON
	"$PPTPGW" -c "$TEST_TMP/pptpgw.json" --check >"$TEST_TMP/check.log" 2>&1 ||
		{ sed 's/^/#   /' "$TEST_TMP/check.log"; return 1; }
	appliance_start "$LG_APP" "$TEST_TMP/pptpgw.json" "$TEST_TMP/pptpgw.log" || return 1
	LG_APP_PID=$APPLIANCE_PID
}

lg_cli() { in_ns "$LG_APP" "$PPTPGW_CLI" -s "$LG_SOCK" "$@"; }

# lg_active: sessions the appliance holds (/ppp/active/print count-only).
lg_active() { lg_cli /ppp/active/print count-only 2>/dev/null | tr -dc '0-9'; }

# lg_pool_used: addresses handed out (/ip/pool/used/print count-only).
lg_pool_used() { lg_cli /ip/pool/used/print count-only 2>/dev/null | tr -dc '0-9'; }

# lg_run OUT ARGS...: the load generator in its namespace, output to OUT; its status.
lg_run() {
	local out=$1; shift
	in_ns "$LG_NS" "$LOADGEN" -s $LG_SERVER -u $LG_USER -p $LG_PASS "$@" >"$out" 2>"$out.err"
}

# lg_run_bg OUT ARGS...: the same in the background; LG_PID is its process.
lg_run_bg() {
	local out=$1; shift
	ip netns exec "$LG_NS" "$LOADGEN" -s $LG_SERVER -u $LG_USER -p $LG_PASS "$@" \
		>"$out" 2>"$out.err" &
	LG_PID=$!
	TEST_PIDS+=("$LG_PID")
}

# lg_wait_line OUT PATTERN SECONDS: until the loadgen's output has the line (or it exited).
lg_wait_line() {
	local out=$1 pattern=$2 secs=$3
	for _ in $(seq $((secs * 5))); do
		grep -qE -- "$pattern" "$out" 2>/dev/null && return 0
		kill -0 "$LG_PID" 2>/dev/null || { grep -qE -- "$pattern" "$out" 2>/dev/null; return; }
		sleep 0.2
	done
	return 1
}

# lg_wait_value SECONDS WANT COMMAND...: until COMMAND prints WANT.
lg_wait_value() {
	local secs=$1 want=$2; shift 2
	for _ in $(seq $((secs * 5))); do
		[ "$("$@")" = "$want" ] && return 0
		sleep 0.2
	done
	return 1
}
