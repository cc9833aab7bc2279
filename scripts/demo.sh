#!/usr/bin/env bash
# The appliance on its embedded default: installs what is missing, builds,
# then runs pptpgw in a network namespace on one end of a veth pair (DPDK
# net_af_packet) with a "host" namespace on the other end. Shows ARP and ping
# answered through the exception path, TCP 1723 answered, and the CLI and
# telemetry reading the running appliance. Ctrl-C stops it and cleans up.
#
#   scripts/demo.sh          run until Ctrl-C
#   scripts/demo.sh --once   show everything, then stop (used by the tests)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
once=0
[ "${1:-}" = --once ] && once=1
[ "$(id -u)" -eq 0 ] || { echo "demo.sh: run as root (network namespaces, TAP devices)" >&2; exit 2; }
"$root/scripts/build.sh" >/dev/null || { echo "demo.sh: build failed" >&2; exit 1; }

export PPTPGW_SOURCE_ROOT=$root PPTPGW_BUILD=$root/build TEST_ID=demo
. "$root/tests/integration/lib.sh"
TEST_KEEP_TMP=0

app=pg-demo-app host=pg-demo-host
config=$root/conf/demo.json
sock=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["management"]["socket"])' "$config")
prefix=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["dataplane"]["file-prefix"])' "$config")
for ns in "$app" "$host"; do ip netns del "$ns" 2>/dev/null; done
netns_add "$app" && netns_add "$host" || exit 1
veth_pair "$app" pg-demo0 "$host" eth0 || exit 1
ip -n "$host" addr add 192.0.2.2/24 dev eth0

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
say "starting pptpgw -c conf/demo.json in namespace $app (log: $TEST_TMP/pptpgw.log)"
appliance_start "$app" "$config" "$TEST_TMP/pptpgw.log" || exit 1
cli() { echo "[admin@gw] > $*"; in_ns "$app" "$PPTPGW_CLI" -s "$sock" "$@"; }

say "host 192.0.2.2 pings the appliance at 192.0.2.1 (ARP + ICMP through the TAP exception path)"
in_ns "$host" ping -c 3 -i 0.3 192.0.2.1
say "host opens TCP 1723 and sends a Start-Control-Connection-Request"
in_ns "$host" python3 "$root/tests/tools/pptp_peer.py" 192.0.2.1 1723
say "the CLI reads the running appliance"
cli /interface/ethernet/print
cli /ip/address/print
cli /ip/route/print
cli /system/resource/print
say "DPDK telemetry (dpdk-telemetry.py -f $prefix)"
echo /pptpgw/ports | python3 /usr/bin/dpdk-telemetry.py -f "$prefix" 2>/dev/null | python3 -c "import sys,json; t=sys.stdin.read(); print(json.dumps(json.loads(t[t.find('{'):]), indent=2))"

if [ $once -eq 1 ]; then
	appliance_stop "$APPLIANCE_PID"
	exit $?
fi
say "running; try: ip netns exec $app $PPTPGW_CLI -s $sock /log/print   (Ctrl-C to stop)"
wait "$APPLIANCE_PID"
