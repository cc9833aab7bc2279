#!/usr/bin/env bash
# The appliance on its embedded default (conf/demo.json): installs what is
# missing, builds, then runs pptpgw in a network namespace on one end of a
# veth (DPDK net_af_packet). On the other end, a "lan" namespace holds a
# bridge with a host (192.0.2.2), a real Linux PPTP client (pppd +
# pptp-linux) in a qemu VM (192.0.2.10), and a second pptpgw, the "branch"
# (conf/demo-branch.json, 192.0.2.3), whose /interface/pptp-client dials the
# first one and routes its own LAN (a host at 10.20.0.2) through the tunnel.
#
#   branch host 10.20.0.2 -- [pptpgw branch: pptp-client] ==PPTP==\
#                                                                [pptpgw: pptp-server] -- host 192.0.2.2
#   VM 192.0.2.10 (pppd + pptp-linux) ================PPTP======/
#
# Shows ARP and ping answered through the exception path, the branch's
# client and the VM's client connecting with MS-CHAPv2 + MPPE-128, traffic
# crossing the tunnels both ways (branch LAN <-> VM, through the server), and
# the CLI and telemetry reading both appliances. Ctrl-C stops it and cleans up.
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
# shellcheck source=interop/lib.sh
. "$root/scripts/interop/lib.sh"
trap 'pg_cleanup; test_cleanup' EXIT

app=pg-demo-app lan=pg-demo-lan branch=pg-demo-br bhost=pg-demo-bh
config=$root/conf/demo.json
bconfig=$root/conf/demo-branch.json
json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$config" "$1"; }
sock=$(json 'd["management"]["socket"]')
prefix=$(json 'd["dataplane"]["file-prefix"]')
user=$(json 'd["ppp"]["secret"][0]["name"]')
pass=$(json 'd["ppp"]["secret"][0]["password"]')
local_addr=$(json 'd["ppp"]["profile"][0]["local-address"]')
bsock=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["management"]["socket"])' "$bconfig")

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
say "building the client VM image (cached after the first run)"
vm_image_ensure || exit 1

for ns in "$app" "$lan" "$branch" "$bhost"; do ip netns del "$ns" 2>/dev/null; done
for ns in "$app" "$lan" "$branch" "$bhost"; do netns_add "$ns" || exit 1; done
ip link add pg-demo0 netns "$app" type veth peer name eth0 netns "$lan"
ip link add pg-demo1 netns "$branch" type veth peer name eth1 netns "$lan"
ip link add pg-demo2 netns "$branch" type veth peer name eth0 netns "$bhost"
for l in "$app pg-demo0" "$branch pg-demo1" "$branch pg-demo2"; do
	set -- $l
	ip -n "$1" link set "$2" up
	in_ns "$1" ethtool -K "$2" tx off rx off gso off tso off gro off >/dev/null 2>&1
done
ip -n "$lan" link add br0 type bridge
ip -n "$lan" link set eth0 master br0 up
ip -n "$lan" link set eth1 master br0 up
ip -n "$lan" link set br0 up
ip -n "$lan" addr add 192.0.2.2/24 dev br0
# The host reaches the tunnel clients through the appliance.
ip -n "$lan" route add 10.10.0.0/24 via 192.0.2.1

ip -n "$bhost" link set eth0 up
ip -n "$bhost" addr add 10.20.0.2/24 dev eth0
ip -n "$bhost" route add default via 10.20.0.1

say "starting pptpgw -c conf/demo.json in namespace $app (log: $TEST_TMP/pptpgw.log)"
appliance_start "$app" "$config" "$TEST_TMP/pptpgw.log" || exit 1
server_pid=$APPLIANCE_PID
cli() { echo "[admin@pptpgw-demo] > $*"; in_ns "$app" "$PPTPGW_CLI" -s "$sock" "$@"; }
bcli() { echo "[admin@pptpgw-branch] > $*"; in_ns "$branch" "$PPTPGW_CLI" -s "$bsock" "$@"; }

say "host 192.0.2.2 pings the appliance at 192.0.2.1 (ARP + ICMP through the TAP exception path)"
in_ns "$lan" ping -c 3 -i 0.3 192.0.2.1

say "starting the branch: pptpgw -c conf/demo-branch.json in namespace $branch, its pptp-client dials 192.0.2.1"
appliance_start "$branch" "$bconfig" "$TEST_TMP/branch.log" || exit 1
branch_pid=$APPLIANCE_PID
for _ in $(seq 120); do
	in_ns "$branch" "$PPTPGW_CLI" -s "$bsock" /interface/pptp-client/print 2>/dev/null |
		grep -Eq '^ *0 +R ' && break
	sleep 0.5
done
bcli /interface/pptp-client/print
bcli /ip/route/print
say "branch host 10.20.0.2 pings the server's tunnel address $local_addr (branch LAN -> MPPE -> GRE -> server)"
in_ns "$bhost" ping -c 3 -i 0.3 "$local_addr"

hold=15
[ $once -eq 1 ] || hold=86400
say "booting a Linux PPTP client (pppd + pptp-linux) in a qemu VM: MS-CHAPv2, MPPE-128 stateless"
vm_start "$lan" br0 demo 52:54:00:00:02:10 pg.role=client pg.ip=192.0.2.10/24 pg.server=192.0.2.1 \
	"pg.user=$user" "pg.pass=$pass" pg.auth=mschap-v2 pg.mppe=required,stateless \
	"pg.ping=$local_addr,10.20.0.2" pg.routes=10.20.0.0/24 pg.pingsizes=56,1400 \
	"pg.hold=$hold" pg.retries=3 || exit 1
vmlog=$(vm_log demo)
if ! vm_wait_for "$vmlog" '^PGTEST link ppp0 up ' 120; then
	echo "the client did not connect; its console:"; tr -d '\r' <"$vmlog" | tail -30
	exit 1
fi
vm_wait_for "$vmlog" '^PGTEST ping 10\.20\.0\.2 size 1400 ' 60
say "the client's pppd (in the VM)"
tr -d '\r' <"$vmlog" | grep -E 'MPPE|CHAP auth|local  IP|remote IP|^PGTEST (link|ping)'

say "the CLI reads the running appliance"
cli /interface/pptp-server/print
cli /ppp/active/print
client_ip=$(in_ns "$app" "$PPTPGW_CLI" -s "$sock" --json /ppp/active/print |
	python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')
say "host 192.0.2.2 pings the client's tunnel address $client_ip (LAN -> MPPE -> GRE -> VM)"
in_ns "$lan" ping -c 3 -i 0.3 "$client_ip"
say "branch host 10.20.0.2 pings the VM's tunnel address $client_ip (branch -> tunnel -> server -> tunnel -> VM)"
in_ns "$bhost" ping -c 3 -i 0.3 "$client_ip"
cli /interface/ethernet/print
cli /ip/address/print
cli /system/resource/print
say "DPDK telemetry (dpdk-telemetry.py -f $prefix)"
echo /pptpgw/sessions | python3 /usr/bin/dpdk-telemetry.py -f "$prefix" 2>/dev/null |
	python3 -c "import sys,json; print(json.dumps(json.loads(sys.stdin.read()), indent=2))"

if [ $once -eq 1 ]; then
	vm_wait_for "$vmlog" '^PGTEST done' 60
	say "the client left: the session is gone"
	for _ in $(seq 30); do
		in_ns "$app" "$PPTPGW_CLI" -s "$sock" /ppp/active/print | grep -q "$user" || break
		sleep 0.5
	done
	cli /ppp/active/print
	appliance_stop "$branch_pid"
	brc=$?
	appliance_stop "$server_pid"
	rc=$?
	[ $brc -eq 0 ] && exit $rc
	exit $brc
fi
say "running; the client stays connected. Try: ip netns exec $app $PPTPGW_CLI -s $sock /log/print   (Ctrl-C to stop)"
wait "$server_pid"
