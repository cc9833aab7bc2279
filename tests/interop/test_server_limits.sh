#!/usr/bin/env bash
# pptpgw's per-session limits against the real Linux client (pppd 2.4.9 +
# pptp-linux 1.10 in a qemu VM), in the lab of scripts/interop/lab.sh:
#
#   lab netns:   bridge br0 -- tap of the client VM (192.168.62.10)
#                           -- wan0-br ==veth== wan0 in the appliance netns
#   appliance:   pptpgw ether1 = wan0 (192.168.62.2, net_af_packet)
#                pptpgw ether2 = lan0 (10.20.0.1) ==veth== eth0 in lanhost (10.20.0.2)
#
# Cases (profile values, /ppp/profile):
#   session-timeout  session-timeout=15s: the session ends about 15 s after it
#                    came up, cause "session timeout" in the accounting line,
#                    the client sees its link go.
#   rate-limit       rate-limit=1M/1M: a ping flood from the LAN host (about
#                    5.6 Mbit/s of 1400-byte packets, for 10 s) gets about
#                    1 Mbit/s of replies back; the excess is counted as
#                    rate_limit_tx drops; the prints show the limit. The same
#                    flood without a limit is measured for comparison.
#   idle-timeout     idle-timeout=10s: a client that only keeps LCP echoes
#                    going (pppd lcp-echo-interval 2, our keepalive) is ended
#                    10 s after its last data, cause "idle timeout".
#
#   tests/interop/test_server_limits.sh [CASE...]
#   PPTPGW_BUILD=build-limits tests/interop/test_server_limits.sh rate-limit
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../../scripts/interop/lab.sh
source "$ROOT/scripts/interop/lab.sh"

RATE=1M/1M
RATE_BPS=1000000

lab_setup limits

# write_config PROFILE-EXTRA-JSON: the profile's limits, e.g. "session-timeout": "15s"
write_config() {
	lab_config pptpgw-limits '"authentication": ["mschap2"], "keepalive-timeout": 5' <<JSON
  "ppp": {
    "profile": [ { "name": "limits", "use-encryption": "yes",
                   "local-address": "$LOCAL_ADDR", "remote-address": "pptp-pool"
                   ${1:+, $1} } ],
    "secret": [ $(lab_secret limits) ]
  }
JSON
}

# telemetry CMD KEY [SUBKEY]: one value from the DPDK telemetry socket.
telemetry() {
	telemetry_eval "$1" 'v = d[sys.argv[1].split(",")[0]].get(sys.argv[2], "")
print(v.get(sys.argv[3], 0) if len(sys.argv) > 3 else v)' "$1" "$2" ${3:+"$3"}
}

# The accounting line's uptime in seconds ("uptime=15s", "uptime=1m2s").
acct_uptime() {
	grep -E "user=$USER_NAME cause=\"$1\"" "$RUN/pptpgw.log" | tail -1 |
		sed -n 's/.* uptime=\([0-9hms]*\) .*/\1/p' |
		awk '{ t = 0; s = $0
		       if (match(s, /[0-9]+h/)) t += substr(s, RSTART, RLENGTH - 1) * 3600
		       if (match(s, /[0-9]+m/)) t += substr(s, RSTART, RLENGTH - 1) * 60
		       if (match(s, /[0-9]+s/)) t += substr(s, RSTART, RLENGTH - 1)
		       print t }'
}

# boot_client NAME [pg.*...]: the client VM, MS-CHAPv2 + MPPE-128 stateless.
boot_client() {
	local vm=$1; shift
	client_vm "$vm" pg.user=$USER_NAME "pg.pass=$USER_PASS" pg.auth=mschap-v2 pg.mppe=required,stateless \
		"pg.ping=$LOCAL_ADDR" pg.pingsizes=56 "$@"
}

# profile_case NAME PROFILE-JSON: appliance up with that profile; 1 if it did not start.
profile_case() {
	write_config "$2"
	CASE_N=$((CASE_N + 1))
	case_begin "$1"
}

# ---- session-timeout ----
run_session_timeout() {
	local name=session-timeout vm=lim$CASE_N log up
	profile_case $name '"session-timeout": "15s"' || return
	vm=lim$CASE_N
	boot_client "$vm" pg.hold=40
	log=$(vm_log "$vm")
	if tap_check "$name: tunnel up" vm_wait_for "$log" '^PGTEST link ppp0 up ' 90; then
		tap_check "$name: /ppp/active/print detail shows session-timeout=15s" \
			wait_cli 5 "session-timeout=15s" /ppp/active/print detail
		tap_check "$name: ended with cause \"session timeout\"" \
			wait_log 40 "user=$USER_NAME cause=\"session timeout\" "
		tap_check "$name: \"session-timeout 15s reached\" logged with the user" \
			grep -qE "user=$USER_NAME .*session-timeout 15s reached" "$RUN/pptpgw.log"
		up=$(acct_uptime "session timeout")
		tap_check "$name: on time (uptime ${up:-?}s, want 15)" test "${up:-0}" -ge 15 -a "${up:-0}" -le 17
		tap_check "$name: session and interface gone" \
			wait_cli_gone 10 "<pptp-$USER_NAME>" /interface/pptp-server/print
		tap_check "$name: pool address released" cli_lacks '10\.0\.0\.' /ip/pool/used/print
		tap_check "$name: the client saw its link go" vm_wait_for "$log" '^PGTEST link ppp0 lost during hold' 60
	fi
	case_end $name "$vm"
}

# ---- rate-limit ----
run_rate_limit() {
	local name=rate-limit vm log sid client bps free_bps drops
	profile_case $name "\"rate-limit\": \"$RATE\"" || return
	vm=lim$CASE_N
	boot_client "$vm" pg.hold=60 pg.routes=10.20.0.0/24
	log=$(vm_log "$vm")
	if tap_check "$name: tunnel up" vm_wait_for "$log" '^PGTEST hold ' 120; then
		client=$(vm_ppp_local "$log")
		sid=$(cli /ppp/active/print detail | sed -n 's/.*session-id=\([0-9]*\).*/\1/p' | head -1)
		tap_check "$name: /ppp/active/print detail shows rate-limit=$RATE" \
			wait_cli 5 "rate-limit=$RATE" /ppp/active/print detail
		tap_check "$name: telemetry /pptpgw/session,$sid shows rate_limit $RATE" \
			test "$(telemetry "/pptpgw/session,$sid" rate_limit)" = "$RATE"
		bps=$(flood_bps "$client")
		echo "# $name: $bps bit/s of replies under a $RATE limit"
		tap_check "$name: throughput held near the limit ($bps bit/s, limit $RATE_BPS)" \
			test "$bps" -ge $((RATE_BPS / 2)) -a "$bps" -le $((RATE_BPS * 13 / 10))
		drops=$(telemetry /pptpgw/drops rate_limit_tx count)
		tap_check "$name: the excess counted as rate_limit_tx drops ($drops)" test "${drops:-0}" -gt 0
		tap_check "$name: per-session rate drops in telemetry" \
			test "$(telemetry "/pptpgw/session,$sid" rate_limit_tx_drops)" -gt 0
		# Live: lift the limit (what a RADIUS CoA does through session_apply_limits())
		# is covered by the unit tests; here the same flood on an unlimited
		# session, for comparison.
	fi
	case_end $name "$vm"

	profile_case $name-unlimited "" || return
	vm=lim$CASE_N
	boot_client "$vm" pg.hold=40 pg.routes=10.20.0.0/24
	log=$(vm_log "$vm")
	if tap_check "$name-unlimited: tunnel up" vm_wait_for "$log" '^PGTEST hold ' 120; then
		client=$(vm_ppp_local "$log")
		free_bps=$(flood_bps "$client")
		echo "# $name-unlimited: $free_bps bit/s of replies without a limit"
		tap_check "$name-unlimited: no rate_limit drops" \
			test "$(telemetry /pptpgw/drops rate_limit_tx count)" -eq 0
		tap_check "$name-unlimited: more than the limit gets through ($free_bps bit/s)" \
			test "$free_bps" -gt $((RATE_BPS * 3 / 2))
	fi
	case_end $name-unlimited "$vm"
}

# ---- idle-timeout ----
run_idle_timeout() {
	local name=idle-timeout vm log up
	profile_case $name '"idle-timeout": "10s"' || return
	vm=lim$CASE_N
	# pppd sends LCP echoes every 2 s: control traffic that must not count.
	boot_client "$vm" pg.hold=60 pg.echo=2,5
	log=$(vm_log "$vm")
	if tap_check "$name: tunnel up" vm_wait_for "$log" '^PGTEST link ppp0 up ' 90; then
		tap_check "$name: /ppp/active/print detail shows idle-timeout=10s" \
			wait_cli 5 "idle-timeout=10s" /ppp/active/print detail
		tap_check "$name: ended with cause \"idle timeout\"" \
			wait_log 45 "user=$USER_NAME cause=\"idle timeout\" "
		tap_check "$name: \"idle-timeout 10s reached\" logged with the user" \
			grep -qE "user=$USER_NAME .*idle-timeout 10s reached" "$RUN/pptpgw.log"
		up=$(acct_uptime "idle timeout")
		# Up, a few pings, then silence: 10 s after the last ping.
		tap_check "$name: not before 10 s idle, not much after (uptime ${up:-?}s)" \
			test "${up:-0}" -ge 10 -a "${up:-0}" -le 30
		tap_check "$name: session gone" \
			wait_cli_gone 10 "<pptp-$USER_NAME>" /interface/pptp-server/print
		tap_check "$name: LCP echoes were answered meanwhile (no keepalive teardown)" \
			bash -c "! grep -q 'LCP missed echo reply' $RUN/pptpgw.log"
	fi
	case_end $name "$vm"
}

CASE_N=0
# shellcheck disable=SC2034 # read by want (lab.sh)
cases=("$@")

want session-timeout && run_session_timeout
want rate-limit && run_rate_limit
want idle-timeout && run_idle_timeout

lab_done
