#!/usr/bin/env bash
# pptpgw-loadgen against the appliance, lightly: 200 sessions (TCP, PPTP,
# LCP, MS-CHAPv2, CCP/MPPE, IPCP) set up over 4 calls per control
# connection, held, and torn down (LCP Terminate, CCRQ/CDN, StopCCRQ). Every
# one must come up and be cleared, and the appliance must hold them all
# while they are up and nothing afterwards: no session, no pool address.
# Correctness only; the rate is the bench's business (tests/bench/cp_bench.sh).
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/loadgen_lib.sh"
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit 0; }
[ -x "$LOADGEN" ] || { echo "1..0 # SKIP $LOADGEN not built (-Dtests=true)"; exit 0; }

N=200
lg_setup lgt || { echo "not ok 1 - appliance starts"; exit 1; }
out=$TEST_TMP/loadgen.out

lg_run_bg "$out" -n $N -c 50 -k 4 -H 3 -t 60
check "loadgen: all $N sessions up (IPCP and CCP open)" lg_wait_line "$out" "^hold: $N sessions up" 120
check "appliance holds $N sessions (/ppp/active/print count-only)" lg_wait_value 10 $N lg_active
check "appliance handed out $N pool addresses" lg_wait_value 5 $N lg_pool_used
wait "$LG_PID"
rc=$?
sed 's/^/#   /' "$out"
check "loadgen reports success (exit 0)" test "$rc" -eq 0
check "loadgen: setup attempted $N up $N failed 0" grep -q "^setup: attempted $N up $N failed 0" "$out"
check "loadgen: no session dropped while held" grep -q "^hold: 3 s over, dropped 0" "$out"
check "loadgen: all $N cleared, control connections closed" \
	grep -qE "^teardown: cleared $N in .* timeouts 0, control connections left open 0" "$out"
check "no session left on the appliance" lg_wait_value 20 0 lg_active
check "every pool address released" lg_wait_value 5 0 lg_pool_used
check "appliance stops cleanly" appliance_stop "$LG_APP_PID"
[ "$TEST_FAILED" -eq 0 ] || { echo "# appliance log tail:"; tail -30 "$TEST_TMP/pptpgw.log" | sed 's/^/#   /'; }
test_done
