# shellcheck shell=bash
# Helpers for interop tests that run the qemu test VMs (source this file).
#
#   source scripts/interop/lib.sh
#   pg_trap_cleanup                       # pg_cleanup on EXIT, INT, TERM
#   vm_image_ensure                       # build or reuse the image
#   pg_netns_create; NS=$PG_NETNS         # fresh netns with lo up
#   pg_bridge_add "$NS" br0               # bridge inside it
#   pg_veth_add "$NS" br0 dp0             # veth: dp0 for AF_PACKET, peer on br0
#   vm_start "$NS" br0 srv 02:00:00:00:00:01 pg.role=server pg.ip=192.168.62.1/24
#   vm_wait_for "$(vm_log srv)" 'PGTEST ready' 30
#   tap_check "server is up" vm_wait_for "$(vm_log srv)" 'PGTEST ready' 30
#   tap_done                              # prints the plan and "N passed, N failed"
#
# Every namespace and VM made through these helpers is removed by pg_cleanup.

PG_INTEROP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PG_REPO=$(cd "$PG_INTEROP_DIR/../.." && pwd)
: "${PGVM_IMAGE:=$PG_REPO/build-interop/image}"
# Per-run scratch: VM logs and pidfiles. Kept on failure when PG_KEEP_LOGS=1.
: "${PG_RUNDIR:=$(mktemp -d "${TMPDIR:-/tmp}/pg-interop.XXXXXX")}"
export PGVM_IMAGE PG_RUNDIR

PG_NETNS_LIST=()
PG_VM_LIST=()

pg_log() { printf '# %s\n' "$*" >&2; }

# Build the image unless it is already current (cheap when cached).
vm_image_ensure() {
	"$PG_INTEROP_DIR/build-image.sh" "${1:-$PGVM_IMAGE}" >"$PG_RUNDIR/build-image.log" 2>&1 || {
		cat "$PG_RUNDIR/build-image.log" >&2
		return 1
	}
}

# pg_netns_create [NAME]: create a namespace (unique name by default) with
# lo up, and set PG_NETNS to its name. Not in $(...): the list that
# pg_cleanup walks would be lost in the subshell.
pg_netns_create() {
	local ns=${1:-pgt$$-${#PG_NETNS_LIST[@]}-$RANDOM}
	ip netns add "$ns" || return 1
	PG_NETNS_LIST+=("$ns")
	# shellcheck disable=SC2034 # read by the caller
	PG_NETNS=$ns
	ip -n "$ns" link set lo up
}

# pg_bridge_add NS BR [CIDR]: a bridge inside NS, optionally with an address
# (for tools run in the namespace that talk to the VMs directly).
pg_bridge_add() {
	local ns=$1 br=$2 cidr=${3:-}
	ip -n "$ns" link add "$br" type bridge forward_delay 0 stp_state 0 || return 1
	ip -n "$ns" link set "$br" up
	[[ -z $cidr ]] || ip -n "$ns" addr add "$cidr" dev "$br"
	# No IPv6 chatter from the bridge itself.
	ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$br.disable_ipv6=1" >/dev/null 2>&1 || true
}

# pg_veth_add NS BR NAME: a veth pair inside NS; NAME stays free for an
# AF_PACKET user (e.g. DPDK net_af_packet), its peer NAME-br joins BR.
pg_veth_add() {
	local ns=$1 br=$2 name=$3
	ip -n "$ns" link add "$name" type veth peer name "${name}-br" || return 1
	ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$name.disable_ipv6=1" >/dev/null 2>&1 || true
	ip netns exec "$ns" sysctl -qw "net.ipv6.conf.${name}-br.disable_ipv6=1" >/dev/null 2>&1 || true
	ip -n "$ns" link set "${name}-br" master "$br"
	ip -n "$ns" link set "${name}-br" up
	ip -n "$ns" link set "$name" up
}

vm_log() { printf '%s/%s.log\n' "$PG_RUNDIR" "$1"; }
vm_pidfile() { printf '%s/%s.pid\n' "$PG_RUNDIR" "$1"; }

# vm_start NS BR NAME MAC [run-vm options ... --] pg.params...
# The tap is named tNAME (max 15 chars). Extra run-vm.sh options may come
# before a literal "--"; without one, all arguments are kernel parameters.
vm_start() {
	local ns=$1 br=$2 name=$3 mac=$4
	shift 4
	local opts=() params=() seen=0 a
	for a in "$@"; do
		if ((seen)); then
			params+=("$a")
		elif [[ $a == -- ]]; then
			seen=1
		else
			opts+=("$a")
		fi
	done
	if ((!seen)); then
		params=("${opts[@]}")
		opts=()
	fi
	PG_VM_LIST+=("$name")
	"$PG_INTEROP_DIR/run-vm.sh" --netns "$ns" --bridge "$br" --tap "t$name" --mac "$mac" \
		--image "$PGVM_IMAGE" --log "$(vm_log "$name")" --pidfile "$(vm_pidfile "$name")" \
		"${opts[@]}" -- "${params[@]}"
}

# log_grep LOG PATTERN: does the console log hold a line matching the
# extended regex PATTERN? (The serial console ends lines with CR LF.)
log_grep() { [[ -f $1 ]] && tr -d '\r' <"$1" | grep -aqE -- "$2"; }

# vm_wait_for LOG PATTERN TIMEOUT: wait until LOG has a line matching the
# extended regex PATTERN; 0 when found, 1 on timeout.
vm_wait_for() {
	local log=$1 pat=$2 timeout=${3:-30} end
	end=$((SECONDS + timeout))
	while ((SECONDS < end)); do
		log_grep "$log" "$pat" && return 0
		sleep 0.2
	done
	log_grep "$log" "$pat"
}

# vm_grep NAME PATTERN: does the VM's console log hold PATTERN (ERE)?
vm_grep() { log_grep "$(vm_log "$1")" "$2"; }

vm_pid() {
	local f pid
	f=$(vm_pidfile "$1")
	[[ -s $f ]] || return 1
	pid=$(<"$f")
	# Only ever a qemu we started.
	[[ $(cat "/proc/$pid/comm" 2>/dev/null) == qemu-system-* ]] || return 1
	printf '%s\n' "$pid"
}

vm_running() { vm_pid "$1" >/dev/null; }

# vm_wait_exit NAME TIMEOUT: wait for the VM to power off by itself.
vm_wait_exit() {
	local name=$1 timeout=${2:-30} end
	end=$((SECONDS + timeout))
	while ((SECONDS < end)); do
		vm_running "$name" || return 0
		sleep 0.2
	done
	! vm_running "$name"
}

vm_stop() {
	local pid
	pid=$(vm_pid "$1") || return 0
	kill "$pid" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null || true
}

# Run pg_cleanup on exit, also when interrupted or terminated.
pg_trap_cleanup() {
	trap pg_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# Stop every VM and remove every namespace made through this file.
pg_cleanup() {
	local rc=$? name ns
	for name in "${PG_VM_LIST[@]}"; do vm_stop "$name"; done
	for ns in "${PG_NETNS_LIST[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
	PG_VM_LIST=()
	PG_NETNS_LIST=()
	if [[ ${PG_KEEP_LOGS:-0} == 1 || ($rc != 0 && ${PG_KEEP_LOGS_ON_FAIL:-1} == 1) ]]; then
		pg_log "VM logs kept in $PG_RUNDIR"
	else
		rm -rf "$PG_RUNDIR"
	fi
	return "$rc"
}

# ---- TAP-like output --------------------------------------------------------
PG_TAP_N=0
PG_TAP_PASS=0
PG_TAP_FAIL=0

tap_ok() {
	PG_TAP_N=$((PG_TAP_N + 1))
	PG_TAP_PASS=$((PG_TAP_PASS + 1))
	printf 'ok %d - %s\n' "$PG_TAP_N" "$1"
}

tap_not_ok() {
	PG_TAP_N=$((PG_TAP_N + 1))
	PG_TAP_FAIL=$((PG_TAP_FAIL + 1))
	printf 'not ok %d - %s\n' "$PG_TAP_N" "$1"
	[[ -z ${2:-} ]] || printf '#   %s\n' "$2"
}

# tap_check DESC COMMAND...: one TAP line from the command's exit status.
tap_check() {
	local desc=$1
	shift
	if "$@"; then
		tap_ok "$desc"
	else
		tap_not_ok "$desc" "failed: $*"
		return 1
	fi
}

# Print the plan and the closing count line; status 0 only if all passed.
tap_done() {
	printf '1..%d\n' "$PG_TAP_N"
	printf '%d passed, %d failed\n' "$PG_TAP_PASS" "$PG_TAP_FAIL"
	((PG_TAP_FAIL == 0 && PG_TAP_N > 0))
}
