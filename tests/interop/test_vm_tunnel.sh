#!/usr/bin/env bash
# Proves the interop VM image: a real poptop pptpd VM and a real pptp-linux
# client VM on one bridge in a fresh network namespace, MS-CHAPv2 + MPPE-128
# stateless; the client pings the server's tunnel address with 56 and 1400
# bytes, then disconnects cleanly. Prints one TAP line per check.
#
#   tests/interop/test_vm_tunnel.sh          (root; needs scripts/interop/deps.txt)
#
# Environment: PGVM_IMAGE (image dir), PG_KEEP_LOGS=1 (keep VM logs).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../../scripts/interop/lib.sh
source "$ROOT/scripts/interop/lib.sh"
pg_trap_cleanup

if [[ $(id -u) != 0 ]]; then
	echo "1..0 # SKIP needs root (network namespaces, taps)"
	exit 0
fi

T0=$SECONDS
elapsed() { echo "$((SECONDS - T0))s"; }

SRV_IP=192.168.62.1
CLI_IP=192.168.62.2
TUN_LOCAL=10.0.0.1
USER_NAME=pgtest
USER_PASS='s3cret-Pass'

if ! vm_image_ensure; then
	tap_not_ok "VM image builds" "see the build-image.sh output above (host packages: scripts/interop/deps.txt)"
	tap_done
	exit 1
fi
tap_ok "VM image is ready ($(elapsed))"

pg_netns_create || { tap_not_ok "create network namespace"; tap_done; exit 1; }
NS=$PG_NETNS
pg_bridge_add "$NS" br0 || { tap_not_ok "create bridge"; tap_done; exit 1; }

common=("pg.user=$USER_NAME" "pg.pass=$USER_PASS" pg.auth=mschap-v2 "pg.mppe=required,stateless")

# Both VMs boot at once; the client retries while pptpd is not listening yet.
if ! vm_start "$NS" br0 srv 52:54:00:62:00:01 \
	pg.role=server pg.ip=$SRV_IP/24 pg.localip=$TUN_LOCAL pg.remoteip=10.0.0.100-109 \
	"${common[@]}"; then
	tap_not_ok "start server VM"
	tap_done
	exit 1
fi
if ! vm_start "$NS" br0 cli 52:54:00:62:00:02 \
	pg.role=client pg.ip=$CLI_IP/24 pg.server=$SRV_IP pg.ping=$TUN_LOCAL pg.pingsizes=56,1400 \
	"${common[@]}"; then
	tap_not_ok "start client VM"
	tap_done
	exit 1
fi

SRV=$(vm_log srv)
CLI=$(vm_log cli)

# Once a step that everything else needs has failed, stop waiting.
BROKEN=0
t() { if ((BROKEN)); then echo 1; else echo "$1"; fi; }
need() { # DESC COMMAND...: like tap_check, but a failure ends the waiting
	tap_check "$@" || BROKEN=1
}

need "server VM: pptpd listening (PGTEST ready)" vm_wait_for "$SRV" '^PGTEST ready' 40
echo "# server ready at $(elapsed)"
need "client VM: network up (PGTEST ready)" vm_wait_for "$CLI" '^PGTEST ready' 40
need "client: tunnel up" vm_wait_for "$CLI" '^PGTEST link ppp0 up ' "$(t 60)"
echo "# tunnel up at $(elapsed)"
tap_check "client: IPCP gave local 10.0.0.10x, remote $TUN_LOCAL" \
	vm_grep cli "^PGTEST ipup ppp0 local 10\.0\.0\.10[0-9] remote ${TUN_LOCAL//./\\.} "
tap_check "server: peer $USER_NAME authenticated, ppp0 up" \
	vm_grep srv "^PGTEST ipup ppp0 local ${TUN_LOCAL//./\\.} remote 10\.0\.0\.10[0-9] peer $USER_NAME "
tap_check "server: MS-CHAPv2 success with authenticator response" \
	vm_grep srv 'sent \[CHAP Success id=0x[0-9a-f]+ "S=[0-9A-F]{40} '
tap_check "server: MPPE 128-bit stateless compression enabled" \
	vm_grep srv 'MPPE 128-bit stateless compression enabled'
tap_check "client: MPPE 128-bit stateless compression enabled" \
	vm_grep cli 'MPPE 128-bit stateless compression enabled'
tap_check "client: ping $TUN_LOCAL size 56 through the tunnel" \
	vm_wait_for "$CLI" "^PGTEST ping ${TUN_LOCAL//./\\.} size 56 ok " "$(t 30)"
tap_check "client: ping $TUN_LOCAL size 1400 through the tunnel" \
	vm_wait_for "$CLI" "^PGTEST ping ${TUN_LOCAL//./\\.} size 1400 ok " "$(t 30)"
tap_check "client: clean disconnect" vm_wait_for "$CLI" '^PGTEST disconnect clean' "$(t 30)"
tap_check "client: no failed step" vm_wait_for "$CLI" '^PGTEST summary pass=[0-9]+ fail=0$' "$(t 10)"
tap_check "server: saw the link go down" vm_wait_for "$SRV" '^PGTEST ipdown ppp0 ' "$(t 20)"
tap_check "client VM powers off after PGTEST done" vm_wait_exit cli "$(t 20)"
tap_check "server VM still running" vm_running srv
echo "# finished at $(elapsed)"

if ((PG_TAP_FAIL)); then
	for f in "$SRV" "$CLI"; do
		echo "# ---- tail of $f"
		tail -n 40 "$f" | sed 's/^/#   /'
	done
fi
tap_done
