#!/usr/bin/env bash
# mrru between two pptpgw appliances: pptpgw as the PPTP client of pptpgw as
# the PPTP server, both with mrru=1600 and the RouterOS default 1450
# max-mtu/max-mru, a LAN host behind each.
#
#   clan (10.1.1.2) == lan0 [client appliance] wan0 == wan0 [server appliance] lan0 == slan (10.2.2.2)
#                      10.1.1.1        192.0.2.2       192.0.2.1        10.2.2.1
#
# For MPPE-128 stateless, stateful and no encryption: both appliances log
# the agreed multilink, and 1500-byte packets with DF (ping -M do -s 1472)
# cross the 1450-MTU tunnel whole, both ways, with no multilink drop. Then
# the client's mrru=disabled (set from the CLI): the link comes back without
# multilink, a 1428-byte DF ping still passes, the 1500-byte one does not
# (too big for the tunnel: the sender gets ICMP fragmentation needed).
#
#   tests/integration/test_client_server_mrru.sh
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pair_lib.sh"
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit 0; }

pair_setup mr || exit 1

cat >"$TEST_TMP/server.json" <<JSON
{
  "system": { "identity": "pptpgw-server" },
  "dataplane": { "lcores": "0-1", "workers": [1], "memory-mb": 256, "file-prefix": "$sprefix" },
  "management": { "socket": "$ssock" },
  "interface": {
    "ethernet": [ { "name": "ether1", "device": "net_af_packet0,iface=wan0" },
                  { "name": "ether2", "device": "net_af_packet1,iface=lan0" } ],
    "pptp-server": {
      "server": { "enabled": true, "authentication": ["mschap2"], "mrru": 1600 },
      "static": [ { "name": "pptp-in1", "user": "MT-User" } ] } },
  "ip": {
    "address": [ { "address": "192.0.2.1/24", "interface": "ether1" },
                 { "address": "10.2.2.1/24", "interface": "ether2" } ],
    "route": [ { "dst-address": "10.1.1.0/24", "gateway": "pptp-in1", "distance": 1 } ] },
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

cat >"$TEST_TMP/client.json" <<JSON
{
  "system": { "identity": "pptpgw-client" },
  "dataplane": { "lcores": "0-1", "workers": [1], "memory-mb": 256, "file-prefix": "$cprefix" },
  "management": { "socket": "$csock" },
  "interface": {
    "ethernet": [ { "name": "ether1", "device": "net_af_packet0,iface=wan0" },
                  { "name": "ether2", "device": "net_af_packet1,iface=lan0" } ],
    "pptp-client": [ { "name": "pptp-out1", "connect-to": "192.0.2.1", "user": "MT-User",
                       "password": "StrongPass", "disabled": false, "mrru": 1600 } ] },
  "ip": {
    "address": [ { "address": "192.0.2.2/24", "interface": "ether1" },
                 { "address": "10.1.1.1/24", "interface": "ether2" } ],
    "route": [ { "dst-address": "10.2.2.0/24", "gateway": "pptp-out1", "distance": 1 } ] },
  "ppp": { "profile": [ { "name": "noenc", "use-encryption": "no" } ] }
}
JSON

pair_start || exit 1

wait_down() {
	for _ in $(seq $((UP_WAIT * 2))); do client_running || return 0; sleep 0.5; done
	return 1
}
# drops PREFIX NAME: a dataplane drop counter; mp_drops PREFIX: all mp_* together.
drops() { json_get "$(telemetry "$1" /pptpgw/drops)" "d['/pptpgw/drops'].get('$2', {}).get('count', 0)"; }
mp_drops() {
	json_get "$(telemetry "$1" /pptpgw/drops)" \
		"sum(v.get('count', 0) for k, v in d['/pptpgw/drops'].items() if k.startswith('mp_'))"
}
df_ping() { # NS ADDR SIZE: DF pings with SIZE octets of payload
	in_ns "$1" ping -M do -c 3 -i 0.3 -W 2 -s "$3" "$2" >/dev/null 2>&1
}
no_df_ping() { ! df_ping "$@"; }
# count_lines FILE PATTERN: how many lines match.
count_lines() { grep -cE "$2" "$1"; }

# CASE: server-profile client-profile
CASES=("enc-stateless default-encryption" "enc-stateful default-encryption" "noenc noenc")
n=0
for c in "${CASES[@]}"; do
	read -r sprof cprof <<<"$c"
	n=$((n + 1))
	scli /ppp/secret/set MT-User profile="$sprof" >/dev/null
	ccli /interface/pptp-client/disable pptp-out1 >/dev/null
	wait_down
	ccli /interface/pptp-client/set pptp-out1 profile="$cprof" disabled=no >/dev/null
	if ! check "$sprof: the link comes up" wait_running; then
		tail -n 30 "$TEST_TMP/client.log" | show
		continue
	fi
	check "$sprof: the server agreed multilink" \
		test "$(count_lines "$TEST_TMP/server.log" 'multilink mrru=1600 peer-mrru=1600')" -ge "$n"
	check "$sprof: the client agreed multilink" \
		test "$(count_lines "$TEST_TMP/client.log" 'multilink mrru=1600 peer-mrru=1600')" -ge "$n"
	check "$sprof: client LAN -> server LAN, DF, 1500 octets" df_ping "$clan" 10.2.2.2 1472
	check "$sprof: server LAN -> client LAN, DF, 1500 octets" df_ping "$slan" 10.1.1.2 1472
	check "$sprof: small packets too" df_ping "$clan" 10.2.2.2 56
	check "$sprof: no multilink drops on the client" test "$(mp_drops "$cprefix")" -eq 0
	check "$sprof: no multilink drops on the server" test "$(mp_drops "$sprefix")" -eq 0
	check "$sprof: no session_mtu drops" \
		test "$(($(drops "$cprefix" session_mtu) + $(drops "$sprefix" session_mtu)))" -eq 0
done

# --- without multilink: today's MTU limit -------------------------------------
ccli /interface/pptp-client/disable pptp-out1 >/dev/null
wait_down
scli /ppp/secret/set MT-User profile=enc-stateless >/dev/null
ccli /interface/pptp-client/set pptp-out1 mrru=disabled profile=default-encryption disabled=no >/dev/null
check "mrru=disabled on the client: the link comes up" wait_running
check "mrru=disabled: print says so" bash -c "ip netns exec $capp $PPTPGW_CLI -s $csock /interface/pptp-client/print | grep -q 'mrru=disabled'"
check "mrru=disabled: a 1428-octet DF packet passes (tunnel MTU 1446)" df_ping "$clan" 10.2.2.2 1400
check "mrru=disabled: a 1500-octet DF packet does not" no_df_ping "$clan" 10.2.2.2 1472
check "mrru=disabled: ... the sender hears fragmentation needed, mtu 1446 (RFC 1191)" bash -c \
	"ip netns exec $clan ping -M do -c 2 -i 0.3 -W 2 -s 1472 10.2.2.2 2>&1 | grep -Eq 'mtu ?= ?1446'"

appliance_stop "$cpid"; rc=$?
check "client appliance stops cleanly" test "$rc" -eq 0
appliance_stop "$spid"; rc=$?
check "server appliance stops cleanly" test "$rc" -eq 0
for l in "$TEST_TMP"/*.log; do
	grep -E 'runtime error|AddressSanitizer' "$l" && TEST_FAILED=$((TEST_FAILED + 1))
done
test_done
