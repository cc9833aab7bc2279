#!/usr/bin/env bash
# Control-plane bench (DESIGN.md 6): complete PPTP session set-ups per second
# (TCP, PPTP, LCP, MS-CHAPv2, CCP/MPPE, IPCP) and 65,536 sessions held, with
# pptpgw-loadgen in one network namespace and the appliance (net_af_packet
# over a veth) in another. Prints the loadgen's reports, what the appliance
# holds (/ppp/active/print count-only) and the CPU time its control-plane
# thread spent per set-up. Results go to docs/PERFORMANCE.md by hand.
#
#   tests/bench/cp_bench.sh [all|rate|rate-k1|rate-k64|rate-r1000|hold]   (default all; as root)
#
#   BUILD=build-loadgen   build dir (meson setup BUILD -Dtests=true; ninja -C BUILD)
#   RATE_N=10000 RATE_K1_N=4000 RATE_C=200   rate runs: sessions (64 / 1 per connection), in flight
#   HOLD_N=65536 HOLD_C=200 HOLD_K=64 HOLD_S=30    hold run
#   LOG_LEVEL=info               the appliance's system log-level
#   PERF=1                       perf profile of the control-plane thread during set-up
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PPTPGW_BUILD=$ROOT/${BUILD:-build-loadgen}
export PPTPGW_BUILD PPTPGW_SOURCE_ROOT=$ROOT
. "$ROOT/tests/integration/lib.sh"
. "$ROOT/tests/integration/loadgen_lib.sh"
[ "$(id -u)" = 0 ] || { echo "cp_bench: run as root (network namespaces)" >&2; exit 2; }
for f in "$PPTPGW" "$PPTPGW_CLI" "$LOADGEN"; do
	[ -x "$f" ] || { echo "cp_bench: $f missing: meson setup ${BUILD:-build-loadgen} -Dtests=true; ninja -C ${BUILD:-build-loadgen}" >&2; exit 2; }
done
what=${1:-all}
RATE_N=${RATE_N:-10000} RATE_C=${RATE_C:-200} RATE_K1_N=${RATE_K1_N:-4000}
HOLD_N=${HOLD_N:-65536} HOLD_C=${HOLD_C:-200} HOLD_K=${HOLD_K:-64} HOLD_S=${HOLD_S:-30}
TEST_KEEP_TMP=1   # the logs are the bench's output

# CPU seconds (user+system) of one thread: /proc/PID/task/TID/stat fields 14, 15.
thread_cpu() { # PID TID
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / hz }' \
		"/proc/$1/task/$2/stat" 2>/dev/null || echo 0
}

# run NAME LOADGEN-ARGS...: one loadgen run. All runs share one appliance; each
# ends with the loadgen clearing every call, which the report checks.
run() {
	local name=$1; shift
	local out=$TEST_TMP/$name.out cpu0 cpu1 up lgcpu
	echo "=== $name: pptpgw-loadgen $*"
	cpu0=$(thread_cpu "$LG_APP_PID" "$LG_APP_PID")
	lg_run_bg "$out" "$@"
	local perf_pid=
	if [ -n "${PERF:-}" ]; then
		# The control-plane thread only (its TID is the process's PID), during set-up.
		perf record -q -g -t "$LG_APP_PID" -o "$TEST_TMP/$name.perf.data" >/dev/null 2>&1 &
		perf_pid=$!
		TEST_PIDS+=("$perf_pid")
	fi
	if lg_wait_line "$out" '^hold: [0-9]+ sessions up' 900; then
		cpu1=$(thread_cpu "$LG_APP_PID" "$LG_APP_PID")
		lgcpu=$(thread_cpu "$LG_PID" "$LG_PID")
		if [ -n "$perf_pid" ]; then
			kill -INT "$perf_pid"; wait "$perf_pid"; perf_pid=
			perf report -i "$TEST_TMP/$name.perf.data" --no-children --percent-limit 1.5 \
				--stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -40 |
				sed 's/^/perf: /'
		fi
		sleep 1
		echo "appliance holds: $(lg_active) sessions (/ppp/active/print count-only)," \
			"$(lg_pool_used) pool addresses in use"
		# What holding them costs: the control-plane thread over the rest of the hold.
		local h0 h1 t0=$SECONDS
		h0=$(thread_cpu "$LG_APP_PID" "$LG_APP_PID")
		if lg_wait_line "$out" '^hold: [0-9]+ s over' 86400; then
			h1=$(thread_cpu "$LG_APP_PID" "$LG_APP_PID")
			awk -v a="$h0" -v b="$h1" -v t=$((SECONDS - t0)) 'BEGIN {
				if (t >= 10) printf "appliance control-plane thread while holding: %.1f %% of a core (%.2f s CPU in %d s)\n", (b - a) * 100 / t, b - a, t }'
		fi
		up=$(sed -n 's/^setup: attempted [0-9]* up \([0-9]*\).*/\1/p' "$out")
		awk -v a="$cpu0" -v b="$cpu1" -v n="${up:-0}" 'BEGIN {
			d = b - a; printf "appliance control-plane thread: %.2f s CPU for %d set-ups", d, n
			if (n > 0 && d > 0) printf " = %.3f ms each (%.0f set-ups/s per core of CPU)", d * 1000 / n, n / d
			printf "\n" }'
		# The load generator must not be the bottleneck: its own CPU for the set-ups.
		echo "loadgen: $lgcpu s CPU for the set-ups"
	fi
	[ -z "$perf_pid" ] || kill -INT "$perf_pid" 2>/dev/null
	wait "$LG_PID"
	cat "$out"
	grep -v '^\[' "$out.err" | head -5
	echo "appliance after the run: $(lg_active) sessions, $(lg_pool_used) pool addresses"
	echo "appliance drops (/pptpgw/drops, non-zero, cumulative): $(drops)"
	echo "appliance wire port (/ethdev/stats,0, cumulative): $(port_stats)"
	echo "loadgen kernel: raw GRE socket drops (/proc/net/raw) $(in_ns "$LG_NS" awk 'NR > 1 { d += $NF } END { print d + 0 }' /proc/net/raw)," \
		"TCP retransmits $(in_ns "$LG_NS" nstat -az TcpRetransSegs 2>/dev/null | awk '/TcpRetransSegs/ { print $2 }')"
}

# The wire port's loss counters.
port_stats() {
	telemetry "$LG_PREFIX" /ethdev/stats,0 >"$TEST_TMP/port.json" 2>/dev/null
	python3 - "$TEST_TMP/port.json" <<'PY' 2>/dev/null || echo "(telemetry unavailable)"
import json, sys
d = json.load(open(sys.argv[1]))["/ethdev/stats"]
print(" ".join(f"{k}={d[k]}" for k in ("ipackets", "opackets", "imissed", "ierrors", "oerrors", "rx_nombuf") if k in d))
PY
}

# The dataplane's non-zero drop counters, "name=count ...".
drops() {
	telemetry "$LG_PREFIX" /pptpgw/drops >"$TEST_TMP/drops.json" 2>/dev/null
	python3 - "$TEST_TMP/drops.json" <<'PY' 2>/dev/null || echo "(telemetry unavailable)"
import json, sys
d = json.load(open(sys.argv[1]))["/pptpgw/drops"]
def n(v):
    return v.get("count", 0) if isinstance(v, dict) else v
print(" ".join(f"{k}={n(v)}" for k, v in d.items() if n(v)) or "none")
PY
}

lg_setup cpb "${LOG_LEVEL:-info}" || { echo "cp_bench: appliance did not start" >&2; exit 1; }
echo "# $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg); logs in $TEST_TMP"

want() { [ "$what" = all ] || [ "$what" = "$1" ] || [ "$what" = "${1%%-*}" ]; }
# One TCP connection per session (as Windows and pppd clients do): the whole
# set-up, TCP included. Every session stays up until all are; 4,000 by
# default (RATE_K1_N; the loadgen's one source address has ~28,000 ports).
want rate-k1 && run rate-k1 -n "$RATE_K1_N" -c "$RATE_C" -k 1 -H 2 -t 120
# Many calls on one control connection (how 65,536 are reached).
want rate-k64 && run rate-k64 -n "$RATE_N" -c "$RATE_C" -k 64 -H 2 -t 120
# The target as an offered load: 1,000 set-ups started per second, whatever is in flight.
want rate-r1000 && run rate-r1000 -n "$RATE_N" -c 1000 -k 64 -r 1000 -H 2 -t 120
want hold && run hold -n "$HOLD_N" -c "$HOLD_C" -k "$HOLD_K" -H "$HOLD_S" -t 300
appliance_stop "$LG_APP_PID" && echo "appliance stopped cleanly"
grep -cE '^pptpgw: [a-z]+,(warning|error) ' "$TEST_TMP/pptpgw.log" |
	xargs echo "appliance log: warning/error lines:"
