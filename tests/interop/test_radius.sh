#!/usr/bin/env bash
# pptpgw authenticating and accounting through a real FreeRADIUS 3.2
# (Debian's freeradius, started here on loopback with its own raddb), for
# the real Linux client (pppd 2.4.9 + pptp-linux 1.10 in a qemu VM), in the
# lab of scripts/interop/lab.sh:
#
#   lab netns:   bridge br0 -- tap of the client VM (192.168.62.10)
#                           -- wan0-br ==veth== wan0 in the appliance netns
#   appliance:   pptpgw ether1 = wan0 (192.168.62.2, net_af_packet)
#                pptpgw ether2 = lan0 (10.20.0.1) ==veth== eth0 in lanhost (10.20.0.2)
#                FreeRADIUS on 127.0.0.1:1812/1813 (same namespace: loopback)
#
# /radius lists a dead server (127.0.0.9, nothing listens) before the real
# one: every request fails over after its timeout and retransmits.
# FreeRADIUS 3.2.1 sends Message-Authenticator only when told to (BlastRADIUS
# came with 3.2.5): the site adds it to every reply; one case takes it away
# and expects the reply dropped.
#
#   tests/interop/test_radius.sh [CASE...]
#   cases: mschap2 mschap1 chap pap reject error-code framed-route session-timeout outage
#          coa rate-limit shutdown no-msg-auth
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../../scripts/interop/lab.sh
source "$ROOT/scripts/interop/lab.sh"
command -v freeradius >/dev/null && command -v radclient >/dev/null ||
	{ echo "1..0 # SKIP freeradius / freeradius-utils not installed (scripts/deps.sh)"; exit 0; }

SECRET=testing123
COA_PORT=1700
# Mikrotik-Rate-Limit measured with a ping flood from the LAN host (flood_bps,
# as tests/interop/test_server_limits.sh): 1400-byte packets, 500/s offered.
RATE_BPS=1000000

lab_setup rad

FR_PID=
FR=$RUN/fr
DETAIL_DIR=$FR/log/radacct/127.0.0.1

# ---- FreeRADIUS -------------------------------------------------------------

# A copy of Debian's raddb with one virtual server: PAP, CHAP, MS-CHAP from the
# users file, accounting to the detail file, Message-Authenticator on replies.
fr_setup() {
	local d=$FR/raddb
	rm -rf "$FR"
	mkdir -p "$FR/log" "$FR/run"
	cp -a /etc/freeradius/3.0 "$d"
	rm -f "$d"/sites-enabled/* "$d"/mods-enabled/eap "$d"/mods-enabled/radutmp "$d"/mods-enabled/sradutmp
	sed -i -e "s|^logdir = .*|logdir = $FR/log|" -e "s|^run_dir = .*|run_dir = $FR/run|" \
		-e 's|^\s*user = freerad|#&|' -e 's|^\s*group = freerad|#&|' "$d/radiusd.conf"
	cat >"$d/sites-enabled/pptpgw" <<'EOF'
server default {
listen {
	type = auth
	ipaddr = 127.0.0.1
	port = 1812
}
listen {
	type = acct
	ipaddr = 127.0.0.1
	port = 1813
}
authorize {
	preprocess
	chap
	mschap
	files
	pap
}
authenticate {
	Auth-Type PAP {
		pap
	}
	Auth-Type CHAP {
		chap
	}
	Auth-Type MS-CHAP {
		mschap
	}
}
preacct {
	preprocess
}
accounting {
	detail
}
post-auth {
	update reply {
		Message-Authenticator := 0x00
	}
	Post-Auth-Type REJECT {
		attr_filter.access_reject
		update reply {
			Message-Authenticator := 0x00
		}
	}
}
}
EOF
	cat >"$d/clients.conf" <<EOF
client pptpgw {
	ipaddr = 127.0.0.1
	secret = $SECRET
	require_message_authenticator = yes
}
EOF
	cat >"$d/mods-config/files/authorize" <<'EOF'
raduser Cleartext-Password := "radpass"
	Framed-IP-Address = 10.0.0.77,
	Class = "pg-class-1",
	Acct-Interim-Interval = 3,
	Mikrotik-Rate-Limit = "1M/2M 4M/4M"
shortuser Cleartext-Password := "shortpass"
	Session-Timeout = 12
rejuser Cleartext-Password := "right-password"
expuser Auth-Type := Reject
	MS-CHAP-Error = "\001E=648 R=0 V=3 M=Password expired"
routeuser Cleartext-Password := "routepass"
	Framed-Route = "192.168.77.0/24 0.0.0.0 1",
	Framed-Route = "172.31.0.0/16 192.0.2.99 1"
rateuser Cleartext-Password := "ratepass"
	Mikrotik-Rate-Limit = "1M/1M"
EOF
}

# The users-file reply without Message-Authenticator (no-msg-auth case).
fr_no_msg_auth() {
	sed -i '/update reply {/,/}/d' "$FR/raddb/sites-enabled/pptpgw"
}

fr_start() {
	ip netns exec "$APP" freeradius -f -l "$FR/log/radius.log" -d "$FR/raddb" &
	FR_PID=$!
	bg_ready "$FR_PID" 100 grep -qs 'Ready to process requests' "$FR/log/radius.log" && return 0
	kill -0 "$FR_PID" 2>/dev/null || FR_PID=
	return 1
}

fr_stop() {
	[[ -n $FR_PID ]] || return 0
	kill -TERM "$FR_PID" 2>/dev/null
	wait "$FR_PID" 2>/dev/null
	FR_PID=
}
LAB_AT_EXIT+=(fr_stop)

# detail_has USER STATUS [ATTR-REGEX...]: a record in FreeRADIUS's detail
# file for USER with that Acct-Status-Type and lines matching every regex.
detail_has() {
	python3 - "$DETAIL_DIR" "$@" <<'EOF'
import glob, re, sys
d, user, status, pats = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
recs, cur = [], []
for f in sorted(glob.glob(d + "/detail-*")):
    for line in open(f, errors="replace"):
        if not line.strip():
            if cur: recs.append(cur)
            cur = []
        else:
            cur.append(line.strip())
if cur: recs.append(cur)
for r in recs:
    if f'User-Name = "{user}"' not in r or f"Acct-Status-Type = {status}" not in r:
        continue
    if all(any(re.search(p, l) for l in r) for p in pats):
        sys.exit(0)
sys.exit(1)
EOF
}

# wait_detail SECONDS USER STATUS [ATTR-REGEX...]
wait_detail() {
	local secs=$1; shift
	for _ in $(seq $((secs * 5))); do
		detail_has "$@" && return 0
		sleep 0.2
	done
	return 1
}

# ---- pptpgw -----------------------------------------------------------------

write_config() {
	lab_config pptpgw-radius '"authentication": ["pap", "chap", "mschap1", "mschap2"],
                                 "default-profile": "radius", "keepalive-timeout": 10' <<JSON
  "ppp": {
    "profile": [ { "name": "radius", "use-encryption": "default", "local-address": "$LOCAL_ADDR",
                   "remote-address": "pptp-pool" } ],
    "aaa": { "use-radius": true, "accounting": true, "interim-update": 0 }
  },
  "radius": [
    { "address": "127.0.0.9", "secret": "nobody-listens", "service": ["ppp"], "timeout": "300ms" },
    { "address": "127.0.0.1", "secret": "$SECRET", "service": ["ppp"], "timeout": "2s" }
  ],
  "radius-incoming": { "accept": true }
JSON
}

# session_rate: the dataplane's rate limit of the first session (/pptpgw/session).
session_rate() {
	local sid
	sid=$(cli /ppp/active/print detail | sed -n 's/.*session-id=\([0-9]*\).*/\1/p' | head -1)
	[[ -n $sid ]] || return 0
	telemetry_eval "/pptpgw/session,$sid" 'print(d.get("/pptpgw/session", {}).get("rate_limit", ""))'
}

# radius_counter ADDRESS PORT NAME: one of /pptpgw/radius's per-server counters (DPDK telemetry).
radius_counter() {
	telemetry_eval /pptpgw/radius 'for s in d.get("/pptpgw/radius", {}).values():
    if isinstance(s, dict) and s.get("address") == sys.argv[1] and s.get("port") == int(sys.argv[2]):
        print(s.get(sys.argv[3], 0)); break
else:
    print(0)' "$1" "$2" "$3"
}

# radclient_send TYPE SECRET ATTRS...: one Disconnect/CoA request to the
# appliance; prints radclient's output.
radclient_send() {
	local type=$1 secret=$2; shift 2
	printf '%s\n' "$*" | ip netns exec "$APP" timeout 20 radclient -x -r 1 -t 3 \
		"127.0.0.1:$COA_PORT" "$type" "$secret" 2>&1
}

# ---- cases ------------------------------------------------------------------

CASE_N=0
VM=

# boot_client USER PASS AUTH MPPE HOLD [extra pg.*]: the client VM in the lab.
boot_client() {
	local user=$1 pass=$2 auth=$3 mppe=$4 hold=$5
	shift 5
	CASE_N=$((CASE_N + 1))
	VM=r$CASE_N
	client_vm "$VM" "pg.user=$user" "pg.pass=$pass" "pg.auth=$auth" "pg.mppe=$mppe" \
		"pg.ping=$LOCAL_ADDR" pg.pingsizes=56,1400 "pg.hold=$hold" "$@"
}

# rad_case_begin NAME: case_begin (lab.sh), and each case reads only its own
# accounting records.
rad_case_begin() {
	mkdir -p "$FR/old"
	for f in "$DETAIL_DIR"/detail-*; do [[ -e $f ]] && mv "$f" "$FR/old/$1-${f##*/}"; done
	case_begin "$1"
}

# A login through RADIUS: tunnel, pings, the session listed, the client's address.
check_up() {
	local name=$1 user=$2 encoding=$3 addr=${4:-}
	local log
	log=$(vm_log "$VM")
	if ! tap_check "$name: tunnel up" vm_wait_for "$log" '^PGTEST link ppp0 up ' 120; then
		tr -d '\r' <"$log" | grep -E 'pppd|PGTEST|MS-CHAP|CHAP|PAP' | tail -15 | sed 's/^/#   /'
		return 1
	fi
	tap_check "$name: ping through the tunnel" \
		vm_wait_for "$log" "^PGTEST ping ${LOCAL_ADDR//./\\.} size 1400 ok " 60
	tap_check "$name: session listed${encoding:+ with $encoding}" \
		wait_cli 10 "$user +pptp +$VM_IP.*$encoding" /ppp/active/print
	if [[ $user == raduser ]]; then
		tap_check "$name: Mikrotik-Rate-Limit 1M/2M applied to the session" \
			wait_cli 5 "rate-limit=1M/2M" /ppp/active/print detail
		tap_check "$name: ... and metered by the dataplane (telemetry rate_limit 1M/2M)" \
			test "$(session_rate)" = 1M/2M
	fi
	tap_check "$name: authenticated by RADIUS (after failing over the dead server)" \
		grep -qE "server=127\.0\.0\.9:1812 .*no reply after 3 tries" "$RUN/pptpgw.log"
	if [[ -n $addr ]]; then
		tap_check "$name: Framed-IP-Address $addr given to the client" \
			vm_wait_for "$log" "^PGTEST link ppp0 up .* local ${addr//./\\.} " 5
	fi
	if [[ $encoding == MPPE* ]]; then
		tap_check "$name: client pppd reports MPPE 128" \
			vm_wait_for "$(vm_log "$VM")" 'MPPE 128-bit (stateless|stateful) compression enabled' 10
	fi
}

# check_acct NAME USER CAUSE: Start and Stop (with traffic and cause) in the detail file.
check_acct() {
	local name=$1 user=$2 cause=$3
	tap_check "$name: Accounting Start in the detail file" \
		wait_detail 20 "$user" Start 'NAS-Port-Type = Virtual' "Calling-Station-Id = \"$VM_IP\"" \
		'Acct-Session-Id = "[0-9A-F]{20}"'
	tap_check "$name: Accounting Stop with counters and Acct-Terminate-Cause = $cause" \
		wait_detail 30 "$user" Stop "Acct-Terminate-Cause = $cause" 'Acct-Input-Octets = [1-9]' \
		'Acct-Output-Octets = [1-9]' 'Acct-Input-Packets = [1-9]' 'Acct-Session-Time = [0-9]' \
		'Acct-Input-Gigawords = 0'
}

run_login_case() { # NAME AUTH MPPE ENCODING
	local name=$1 auth=$2 mppe=$3 encoding=$4
	rad_case_begin "$name" || return
	boot_client raduser radpass "$auth" "$mppe" 8
	if check_up "$name" raduser "$encoding" 10.0.0.77; then
		tap_check "$name: client disconnects" vm_wait_for "$(vm_log "$VM")" '^PGTEST (disconnect clean|done)' 90
		tap_check "$name: no session left" wait_cli_gone 20 raduser /ppp/active/print
		check_acct "$name" raduser User-Request
		if [[ $name == mschap2 ]]; then
			tap_check "$name: telemetry: the dead server's retransmits and timeouts counted" \
				bash -c '[[ $1 -ge 2 && $2 -ge 1 ]]' _ "$(radius_counter 127.0.0.9 1812 retransmits)" \
				"$(radius_counter 127.0.0.9 1812 timeouts)"
			tap_check "$name: telemetry: the live server's accept counted" \
				bash -c '[[ $1 -ge 1 ]]' _ "$(radius_counter 127.0.0.1 1812 accepts)"
			tap_check "$name: Interim-Update (Acct-Interim-Interval 3) with Class echoed" \
				wait_detail 5 raduser Interim-Update 'Class = 0x70672d636c6173732d31' \
				'Framed-IP-Address = 10\.0\.0\.77'
			tap_check "$name: /radius/print lists both servers" \
				wait_cli 5 '127\.0\.0\.9' /radius/print
		fi
	fi
	case_end "$name" "$VM"
}

run_reject_case() {
	local name=reject log
	rad_case_begin "$name" || return
	boot_client rejuser wrong-password mschap-v2 required,stateless 0
	log=$(vm_log "$VM")
	tap_check "$name: link refused" vm_wait_for "$log" '^PGTEST link ppp0 fail' 120
	tap_check "$name: rejected by RADIUS, logged" wait_log 5 "user=rejuser .*rejected by RADIUS"
	# "Authentication rejected" is FreeRADIUS's M= text; ours would be "Authentication failure".
	tap_check "$name: the server's MS-CHAP-Error text reached the client" \
		vm_grep "$VM" 'MS-CHAP authentication failed: Authentication rejected'
	tap_check "$name: nothing left behind" cli_lacks rejuser /ppp/active/print
	tap_check "$name: no accounting for a refused login" bash -c "! grep -qs 'rejuser' $DETAIL_DIR/detail-*"
	case_end "$name" "$VM"
}

# A reject whose MS-CHAP-Error carries another code than 691 (a directory
# behind RADIUS saying "password expired", E=648): the code reaches the client.
run_error_code_case() {
	local name=error-code log
	rad_case_begin "$name" || return
	boot_client expuser exppass mschap-v2 required,stateless 0
	log=$(vm_log "$VM")
	tap_check "$name: link refused" vm_wait_for "$log" '^PGTEST link ppp0 fail' 120
	tap_check "$name: the client got E=648 (password expired) in our MS-CHAP Failure" \
		vm_grep "$VM" 'rcvd \[CHAP Failure .*E=648 R=0'
	case_end "$name" "$VM"
}

# RFC 2865 5.22 Framed-Route: the client's network (192.168.77.1 on the VM's
# lo) is routed into its session, in /ip/route, the kernel and the workers,
# and goes with it; a Framed-Route via another gateway is left out.
run_framed_route_case() {
	local name=framed-route log client
	rad_case_begin "$name" || return
	boot_client routeuser routepass mschap-v2 required,stateless 20 pg.routes=10.20.0.0/24 \
		pg.lanaddr=192.168.77.1/32
	log=$(vm_log "$VM")
	if check_up "$name" routeuser MPPE128 && vm_wait_for "$log" '^PGTEST hold ' 60; then
		client=$(vm_ppp_local "$log")
		tap_check "$name: /ip/route/print: 192.168.77.0/24 via the session's interface" \
			wait_cli 5 'A.* +192\.168\.77\.0/24 +<pptp-routeuser> +1' /ip/route/print
		tap_check "$name: the kernel routes it via the client ($client)" \
			bash -c "ip -n $APP route show 192.168.77.0/24 | grep -qF 'via $client '"
		tap_check "$name: the LAN host reaches the network behind the client" \
			ip netns exec "$LANHOST" ping -c 3 -W 3 192.168.77.1
		tap_check "$name: a Framed-Route via another gateway left out, logged" \
			wait_log 5 'Framed-Route 172\.31\.0\.0/16 via 192\.0\.2\.99 ignored'
		tap_check "$name: client disconnects" vm_wait_for "$log" '^PGTEST (disconnect clean|done)' 90
		tap_check "$name: the route goes with the session" \
			wait_cli_gone 20 '192\.168\.77\.0/24' /ip/route/print
		tap_check "$name: ... from the kernel too" \
			bash -c "! ip -n $APP route show 192.168.77.0/24 | grep -q ."
	fi
	case_end "$name" "$VM"
}

run_session_timeout_case() {
	local name=session-timeout log
	rad_case_begin "$name" || return
	boot_client shortuser shortpass mschap-v2 required,stateless 60
	log=$(vm_log "$VM")
	if check_up "$name" shortuser MPPE128; then
		tap_check "$name: session ends on Session-Timeout 12" wait_log 40 'user=shortuser cause="session timeout"'
		tap_check "$name: the client lost its link" vm_wait_for "$log" '^PGTEST link ppp0 lost during hold' 90
		tap_check "$name: Stop with Acct-Terminate-Cause = Session-Timeout" \
			wait_detail 30 shortuser Stop 'Acct-Terminate-Cause = Session-Timeout' 'Acct-Session-Time = 1[0-4]$'
	fi
	case_end "$name" "$VM"
}

# FreeRADIUS goes away while a session runs: its Stop waits in the queue and
# arrives once FreeRADIUS is back; a login meanwhile is refused clearly.
run_outage_case() {
	local name=outage log
	rad_case_begin "$name" || return
	boot_client raduser radpass mschap-v2 required,stateless 10
	log=$(vm_log "$VM")
	if check_up "$name" raduser MPPE128; then
		tap_check "$name: Start arrived" wait_detail 20 raduser Start
		fr_stop
		tap_check "$name: client disconnects while FreeRADIUS is down" \
			vm_wait_for "$log" '^PGTEST (disconnect clean|done)' 90
		sleep 3
		tap_check "$name: Stop not delivered yet" bash -c "! grep -qs 'Acct-Status-Type = Stop' $DETAIL_DIR/detail-*"
		vm_stop "$VM"
		boot_client raduser radpass mschap-v2 required,stateless 0
		tap_check "$name: a login while no server answers is refused" \
			vm_wait_for "$(vm_log "$VM")" '^PGTEST link ppp0 fail' 120
		tap_check "$name: refusal says why" wait_log 10 'no RADIUS server answered'
		fr_start || tap_not_ok "$name: FreeRADIUS restarts"
		tap_check "$name: the queued Stop arrives after the restart" \
			wait_detail 30 raduser Stop 'Acct-Terminate-Cause = User-Request' 'Acct-Delay-Time = [1-9]'
	fi
	case_end "$name" "$VM"
}

run_coa_case() {
	local name=coa log out
	rad_case_begin "$name" || return
	boot_client raduser radpass mschap-v2 required,stateless 90
	log=$(vm_log "$VM")
	if check_up "$name" raduser MPPE128; then
		out=$(radclient_send coa "$SECRET" 'User-Name = "raduser", Mikrotik-Rate-Limit = "2M/4M", Session-Timeout = 600')
		tap_check "$name: CoA-Request answered with CoA-ACK" grep -q 'Received CoA-ACK' <<<"$out" ||
			sed 's/^/#   /' <<<"$out"
		tap_check "$name: limits changed, logged" wait_log 5 'user=raduser .*limits changed by CoA'
		tap_check "$name: the session shows the CoA's rate-limit=2M/4M and session-timeout=10m" \
			wait_cli 5 "rate-limit=2M/4M.*session-timeout=10m|session-timeout=10m.*rate-limit=2M/4M" \
			/ppp/active/print detail
		tap_check "$name: the dataplane meters the new rate (telemetry rate_limit 2M/4M)" \
			test "$(session_rate)" = 2M/4M
		out=$(radclient_send coa "$SECRET" 'User-Name = "nobody", Session-Timeout = 600')
		tap_check "$name: CoA for an unknown user gets CoA-NAK Session-Context-Not-Found" \
			grep -qE 'Received CoA-NAK|Error-Cause = Session-Context-Not-Found' <<<"$out"
		out=$(radclient_send disconnect wrong-secret 'User-Name = "raduser"')
		tap_check "$name: Disconnect-Request with the wrong secret gets no answer" \
			bash -c "! grep -q 'Received Disconnect' <<<\"\$1\"" _ "$out"
		tap_check "$name: ... and is counted as dropped" wait_log 5 'incoming request from 127\.0\.0\.1 .*dropped: bad authenticator'
		tap_check "$name: session still up after the forged request" \
			wait_cli 3 'raduser +pptp' /ppp/active/print
		out=$(radclient_send disconnect "$SECRET" 'Acct-Session-Id = "nope", User-Name = "raduser"')
		tap_check "$name: Disconnect naming a wrong Acct-Session-Id gets a NAK" grep -q 'Received Disconnect-NAK' <<<"$out"
		out=$(radclient_send disconnect "$SECRET" 'User-Name = "raduser"')
		tap_check "$name: Disconnect-Request answered with Disconnect-ACK" grep -q 'Received Disconnect-ACK' <<<"$out" ||
			sed 's/^/#   /' <<<"$out"
		tap_check "$name: session gone" wait_cli_gone 20 raduser /ppp/active/print
		tap_check "$name: the client lost its link" vm_wait_for "$log" '^PGTEST link ppp0 lost during hold' 120
		tap_check "$name: Stop with Acct-Terminate-Cause = Admin-Reset" \
			wait_detail 30 raduser Stop 'Acct-Terminate-Cause = Admin-Reset'
	fi
	case_end "$name" "$VM"
}

# Mikrotik-Rate-Limit 1M/1M from the Access-Accept held on the wire; a CoA
# lifts it to 20M/20M live and more gets through.
run_rate_limit_case() {
	local name=rate-limit log client bps out
	rad_case_begin "$name" || return
	boot_client rateuser ratepass mschap-v2 required,stateless 90 pg.routes=10.20.0.0/24
	log=$(vm_log "$VM")
	if check_up "$name" rateuser MPPE128 && vm_wait_for "$log" '^PGTEST hold ' 60; then
		client=$(vm_ppp_local "$log")
		tap_check "$name: Mikrotik-Rate-Limit 1M/1M in the dataplane" test "$(session_rate)" = 1M/1M
		bps=$(flood_bps "$client")
		echo "# $name: $bps bit/s of replies under Mikrotik-Rate-Limit 1M/1M"
		tap_check "$name: throughput held near 1 Mbit/s ($bps bit/s)" \
			test "$bps" -ge $((RATE_BPS / 2)) -a "$bps" -le $((RATE_BPS * 13 / 10))
		out=$(radclient_send coa "$SECRET" 'User-Name = "rateuser", Mikrotik-Rate-Limit = "20M/20M"')
		tap_check "$name: CoA to 20M/20M acknowledged" grep -q 'Received CoA-ACK' <<<"$out"
		bps=$(flood_bps "$client")
		echo "# $name: $bps bit/s of replies after the CoA"
		tap_check "$name: more than the old limit gets through after the CoA ($bps bit/s)" \
			test "$bps" -gt $((RATE_BPS * 3 / 2))
	fi
	case_end "$name" "$VM"
}

# SIGTERM with a session up: its Stop (NAS-Request) goes out before the exit.
run_shutdown_case() {
	local name=shutdown
	rad_case_begin "$name" || return
	boot_client raduser radpass mschap-v2 required,stateless 60
	if check_up "$name" raduser MPPE128; then
		tap_check "$name: appliance stops cleanly with the session up" app_stop
		tap_check "$name: the Stop was sent before exit: Acct-Terminate-Cause = NAS-Request" \
			detail_has raduser Stop 'Acct-Terminate-Cause = NAS-Request'
	fi
	vm_stop "$VM"
	app_stop
}

run_no_msg_auth_case() {
	local name=no-msg-auth
	fr_stop
	fr_no_msg_auth
	fr_start || { tap_not_ok "$name: FreeRADIUS starts"; return; }
	rad_case_begin "$name" || return
	boot_client raduser radpass mschap-v2 required,stateless 0
	tap_check "$name: link refused" vm_wait_for "$(vm_log "$VM")" '^PGTEST link ppp0 fail' 120
	tap_check "$name: reply without Message-Authenticator dropped, logged" \
		wait_log 5 'reply dropped: no Message-Authenticator'
	case_end "$name" "$VM"
}

# shellcheck disable=SC2034 # read by want (lab.sh)
cases=("$@")

fr_setup
write_config
fr_start || { tap_not_ok "FreeRADIUS starts"; tail -20 "$FR/log/radius.log" | sed 's/^/#   /'; tap_done; exit 1; }
tap_ok "FreeRADIUS $(freeradius -v | sed -n 's/.*Version \([0-9.]*\).*/\1/p;q') running on 127.0.0.1"

want mschap2 && run_login_case mschap2 mschap-v2 required,stateless "MPPE128 stateless"
want mschap1 && run_login_case mschap1 mschap required,stateless "MPPE128 stateless"
want chap && run_login_case chap chap no ""
want pap && run_login_case pap pap no ""
want reject && run_reject_case
want error-code && run_error_code_case
want framed-route && run_framed_route_case
want session-timeout && run_session_timeout_case
want outage && run_outage_case
want coa && run_coa_case
want rate-limit && run_rate_limit_case
want shutdown && run_shutdown_case
# Last: it changes the server's configuration.
want no-msg-auth && run_no_msg_auth_case

if ((PG_TAP_FAIL)); then
	echo "# ---- tail of radius.log"
	tail -n 20 "$FR/log/radius.log" | sed 's/^/#   /'
fi
lab_done
