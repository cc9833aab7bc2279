# Shared helpers for the integration tests: network namespaces, a running
# appliance, checks. Sourced by tests/integration/test_*.sh (and interop tests).
# Every test runs as root, creates its own namespaces with a per-run suffix and
# removes them (and every process it started) on exit.

: "${PPTPGW_SOURCE_ROOT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${PPTPGW_BUILD:=$PPTPGW_SOURCE_ROOT/build}"
PPTPGW="$PPTPGW_BUILD/app/pptpgw"
PPTPGW_CLI="$PPTPGW_BUILD/app/pptpgw-cli"

TEST_ID="${TEST_ID:-$$}"
TEST_TMP=$(mktemp -d "/tmp/pptpgw-test.XXXXXX")
TEST_NETNS=()
TEST_PIDS=()
TEST_CHECKS=0
TEST_FAILED=0

# Sanitizer builds: report, don't abort on the EAL's deliberate leaks at exit.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

test_cleanup() {
	local pid ns
	for pid in "${TEST_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${TEST_PIDS[@]}"; do
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null
	done
	for ns in "${TEST_NETNS[@]}"; do
		# Anything still running in the namespace goes with it.
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	if [ "${TEST_KEEP_TMP:-0}" = 1 ] || [ "$TEST_FAILED" -ne 0 ]; then
		echo "# logs kept in $TEST_TMP"
	else
		rm -rf "$TEST_TMP"
	fi
}
trap test_cleanup EXIT

# ok CONDITION-DESCRIPTION: record a check result from the last command's status.
check() { # DESCRIPTION COMMAND...
	local what=$1; shift
	TEST_CHECKS=$((TEST_CHECKS + 1))
	if "$@"; then
		echo "ok $TEST_CHECKS - $what"
	else
		echo "not ok $TEST_CHECKS - $what"
		TEST_FAILED=$((TEST_FAILED + 1))
	fi
}

test_done() {
	echo "1..$TEST_CHECKS"
	[ "$TEST_FAILED" -eq 0 ]
	exit $?
}

netns_add() { # NAME -> creates, records for cleanup
	ip netns add "$1" || return 1
	TEST_NETNS+=("$1")
	ip -n "$1" link set lo up
}

in_ns() { # NS COMMAND...
	local ns=$1; shift
	ip netns exec "$ns" "$@"
}

# veth_pair NS_A IF_A NS_B IF_B: a cable between two namespaces; both ends up.
veth_pair() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" || return 1
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
	# AF_PACKET sees whole frames only with offloads off (no partial checksums, no GSO).
	in_ns "$1" ethtool -K "$2" tx off rx off gso off tso off gro off >/dev/null 2>&1 || true
	in_ns "$3" ethtool -K "$4" tx off rx off gso off tso off gro off >/dev/null 2>&1 || true
}

# appliance_start NS CONFIG LOG: runs pptpgw in NS, waits for its management socket.
appliance_start() {
	local ns=$1 config=$2 log=$3 sock
	sock=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["management"]["socket"])' "$config")
	# Not through a function: $! must be the process that becomes pptpgw.
	ip netns exec "$ns" "$PPTPGW" -c "$config" >"$log" 2>&1 &
	APPLIANCE_PID=$!
	TEST_PIDS+=("$APPLIANCE_PID")
	for _ in $(seq 300); do
		[ -S "$sock" ] && return 0
		kill -0 "$APPLIANCE_PID" 2>/dev/null || { echo "# appliance exited:"; sed 's/^/#   /' "$log"; return 1; }
		sleep 0.1
	done
	echo "# appliance did not open $sock:"; sed 's/^/#   /' "$log"
	return 1
}

# appliance_stop PID: SIGTERM and wait; returns the exit status.
appliance_stop() {
	local pid=$1 rc
	kill -TERM "$pid" 2>/dev/null || return 1
	wait "$pid"
	rc=$?
	return $rc
}

# telemetry PREFIX COMMAND: one DPDK telemetry command's JSON reply.
telemetry() {
	echo "$2" | python3 /usr/bin/dpdk-telemetry.py -f "$1" 2>/dev/null |
		python3 -c 'import sys,json
text = sys.stdin.read()
# dpdk-telemetry.py prints the reply as JSON after a "--> " prompt
start = text.find("{")
print(json.dumps(json.loads(text[start:text.rfind("}") + 1])))'
}

# json_get JSON PYTHON-EXPR: evaluate EXPR with the parsed JSON bound to d.
json_get() {
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"
}
