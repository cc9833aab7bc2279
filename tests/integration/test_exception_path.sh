#!/usr/bin/env bash
# The foundation end to end: the appliance on an af_packet port in its own
# namespace, a host on the far side of the veth. ARP resolves, ping answers,
# TCP 1723 completes both ways (SCCRQ -> SCCRP), the CLI and DPDK telemetry
# read the running appliance, malformed frames are counted drops, and SIGTERM
# stops it cleanly.
set -u
. "$(dirname "$0")/lib.sh"

app=pg-app-$TEST_ID host=pg-host-$TEST_ID
prefix=pgtest-exc-$TEST_ID
sock=$TEST_TMP/pptpgw.sock
netns_add "$app" && netns_add "$host" || exit 1
veth_pair "$app" wan0 "$host" eth0 || exit 1
ip -n "$host" addr add 192.0.2.2/24 dev eth0

cat >"$TEST_TMP/pptpgw.json" <<JSON
{
  "system": { "identity": "gw-test" },
  "dataplane": { "lcores": "0-1", "workers": [1], "memory-mb": 256, "file-prefix": "$prefix" },
  "management": { "socket": "$sock" },
  "interface": { "ethernet": [ { "name": "ether1", "device": "net_af_packet0,iface=wan0" } ] },
  "ip": { "address": [ { "address": "192.0.2.1/24", "interface": "ether1" } ],
          "route": [ { "dst-address": "198.51.100.0/24", "gateway": "192.0.2.2" } ] }
}
JSON

check "config validates with --check" "$PPTPGW" -c "$TEST_TMP/pptpgw.json" --check
appliance_start "$app" "$TEST_TMP/pptpgw.json" "$TEST_TMP/pptpgw.log" || exit 1
pid=$APPLIANCE_PID
cli() { in_ns "$app" "$PPTPGW_CLI" -s "$sock" "$@"; }

check "ping to the appliance's address answers" in_ns "$host" ping -c 3 -i 0.2 -W 2 192.0.2.1
mac=$(cli --json /interface/ethernet/print | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["mac-address"].lower())')
check "ARP resolved the appliance's address to the port's MAC ($mac)" \
	bash -c "ip -n $host neigh show 192.0.2.1 | grep -qi '$mac'"
check "large ping (1400 bytes) answers" in_ns "$host" ping -c 2 -s 1400 -i 0.2 -W 2 192.0.2.1

reply=$(in_ns "$host" python3 "$PPTPGW_SOURCE_ROOT/tests/tools/pptp_peer.py" 192.0.2.1 1723 2>&1)
echo "# SCCRP: $reply"
check "TCP 1723 answers SCCRQ with a successful SCCRP" \
	test "$(json_get "$reply" 'd["control_type"] == 2 and d["result"] == 1 and d["hostname"] == "gw-test"' 2>/dev/null)" = True

out=$(cli /interface/ethernet/print)
echo "$out" | sed 's/^/#   /'
check "/interface/ethernet/print lists ether1 running" bash -c "grep -Eq '^ *0 +R +ether1' <<<\"\$1\"" _ "$out"
out=$(cli /ip/address/print)
echo "$out" | sed 's/^/#   /'
check "/ip/address/print lists 192.0.2.1/24 on ether1" bash -c "grep -q '192.0.2.1/24 *192.0.2.0 *ether1' <<<\"\$1\"" _ "$out"
out=$(cli ip route print)
echo "$out" | sed 's/^/#   /'
check "/ip/route/print lists the static route" bash -c "grep -q '198.51.100.0/24 *192.0.2.2' <<<\"\$1\"" _ "$out"
check "the kernel side has the static route" bash -c "ip -n $app route | grep -q '198.51.100.0/24 via 192.0.2.2'"
err=$(cli /interface/ethernet/frobnicate 2>&1); rc=$?
check "a bad command is refused in RouterOS words ($err)" \
	bash -c "[ $rc -eq 1 ] && grep -q 'bad command name frobnicate' <<<\"\$1\"" _ "$err"
check "the management socket is mode 0660" test "$(stat -c %a "$sock")" = 660

ports=$(telemetry "$prefix" /pptpgw/ports)
echo "# /pptpgw/ports: $ports"
check "dpdk-telemetry.py reads /pptpgw/ports with rx counted" \
	test "$(json_get "$ports" 'd["/pptpgw/ports"]["0"]["rx_packets"] > 0')" = True
neigh=$(telemetry "$prefix" /pptpgw/neighbours)
echo "# /pptpgw/neighbours: $neigh"
check "the dataplane learned the host's MAC from ARP" bash -c "grep -q '192.0.2.2' <<<\"\$1\"" _ "$neigh"

for kind in bad-ipv4-version bad-ipv4-ihl truncated-ipv4 short-ipv4; do
	in_ns "$host" python3 "$PPTPGW_SOURCE_ROOT/tests/tools/send_frames.py" eth0 "$mac" "$kind" 5
done
sleep 0.5
workers=$(telemetry "$prefix" /pptpgw/workers)
echo "# /pptpgw/workers: $workers"
check "malformed IPv4 frames are counted as drops" \
	test "$(json_get "$workers" 'sum(w["drops"]["ipv4_truncated"] + w["drops"]["ipv4_version"] + w["drops"]["ipv4_ihl"] for w in d["/pptpgw/workers"].values()) >= 20')" = True
check "the appliance still answers after malformed frames" in_ns "$host" ping -c 1 -W 2 192.0.2.1

appliance_stop "$pid"; rc=$?
check "SIGTERM stops the appliance with status 0" test "$rc" -eq 0
check "the management socket is removed on exit" test ! -e "$sock"
grep -E 'runtime error|AddressSanitizer' "$TEST_TMP/pptpgw.log" && TEST_FAILED=$((TEST_FAILED + 1))
test_done
