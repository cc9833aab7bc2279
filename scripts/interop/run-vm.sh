#!/usr/bin/env bash
# Start one interop test VM (qemu TCG, no KVM) in the background.
#
#   run-vm.sh --netns NS --tap TAP --mac MAC --log FILE --pidfile FILE
#             [--bridge BR] [--image DIR] [--mem MB] [--machine TYPE]
#             [--bzimage] [--foreground] [--qemu-arg ARG]...
#             -- pg.role=... [pg.NAME=VALUE | kernel-param]...
#
# The tap is created inside NS when it does not exist yet (and put on BR when
# --bridge is given); qemu runs inside NS, writes the serial console to FILE
# and its pid to the pidfile. Everything after "--" is appended to the kernel
# command line. See docs/interop.md for the pg.* parameters.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

usage() {
	sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
die() { printf 'run-vm: error: %s\n' "$*" >&2; exit 1; }

NETNS="" TAP="" MAC="" LOG="" PIDFILE="" BRIDGE=""
IMAGE=${PGVM_IMAGE:-$REPO/build-interop/image}
MEM=256 MACHINE=${PGVM_MACHINE:-q35} BZIMAGE=0 FOREGROUND=0
QEMU_EXTRA=()
while (($#)); do
	case $1 in
	--netns) NETNS=$2; shift 2 ;;
	--tap) TAP=$2; shift 2 ;;
	--mac) MAC=$2; shift 2 ;;
	--log) LOG=$2; shift 2 ;;
	--pidfile) PIDFILE=$2; shift 2 ;;
	--bridge) BRIDGE=$2; shift 2 ;;
	--image) IMAGE=$2; shift 2 ;;
	--mem) MEM=$2; shift 2 ;;
	--machine) MACHINE=$2; shift 2 ;;
	--bzimage) BZIMAGE=1; shift ;;
	--foreground) FOREGROUND=1; shift ;;
	--qemu-arg) QEMU_EXTRA+=("$2"); shift 2 ;;
	--) shift; break ;;
	-h | --help) usage ;;
	*) die "unknown option '$1' (try --help)" ;;
	esac
done
PARAMS=("$@")

[[ -n $NETNS && -n $TAP && -n $LOG ]] || die "--netns, --tap and --log are required"
((FOREGROUND)) || [[ -n $PIDFILE ]] || die "--pidfile is required unless --foreground"
[[ ${#TAP} -le 15 ]] || die "tap name '$TAP' is longer than 15 characters"
[[ " ${PARAMS[*]} " == *" pg.role="* ]] || die "no pg.role= after --"
ip netns pids "$NETNS" >/dev/null 2>&1 || die "network namespace '$NETNS' does not exist"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (scripts/interop/deps.txt)"

[[ -f $IMAGE/initrd.gz ]] || die "no image in $IMAGE: run scripts/interop/build-image.sh $IMAGE"
IMAGE=$(realpath -m "$IMAGE")
KERNEL=$IMAGE/vmlinux
if ((BZIMAGE)) || [[ ! -f $KERNEL ]]; then
	KERNEL=$IMAGE/bzImage
fi

if [[ -z $MAC ]]; then
	# Stable per tap name: locally administered, unicast.
	h=$(printf '%s' "$TAP" | sha256sum | cut -c1-8)
	MAC=52:54:${h:0:2}:${h:2:2}:${h:4:2}:${h:6:2}
fi

# A persistent tap made beforehand, so it can be bridged before qemu starts.
if ! ip -n "$NETNS" link show "$TAP" >/dev/null 2>&1; then
	ip -n "$NETNS" tuntap add dev "$TAP" mode tap
fi
if [[ -n $BRIDGE ]]; then
	ip -n "$NETNS" link set "$TAP" master "$BRIDGE"
fi
ip -n "$NETNS" link set "$TAP" up

mkdir -p "$(dirname "$LOG")"
# qemu -daemonize changes to /: only absolute paths from here on.
LOG=$(realpath -m "$LOG")
[[ -z $PIDFILE ]] || PIDFILE=$(realpath -m "$PIDFILE")
: >"$LOG"
[[ -n $PIDFILE ]] && rm -f "$PIDFILE"

# i8042.*: no PS/2 probing (saves time); panic=-1 + -no-reboot: a kernel
# panic ends qemu instead of hanging.
APPEND="console=ttyS0 quiet loglevel=4 panic=-1 i8042.noaux i8042.nokbd i8042.nopnp ${PARAMS[*]}"

QEMU=(qemu-system-x86_64
	-machine "$MACHINE" -m "$MEM" -smp 1
	-nodefaults -no-user-config -display none -no-reboot
	-chardev "file,id=con0,path=$LOG" -serial chardev:con0
	-kernel "$KERNEL" -initrd "$IMAGE/initrd.gz" -append "$APPEND"
	-netdev "tap,id=n0,ifname=$TAP,script=no,downscript=no"
	# csum=off: with offloads, TCP leaves the guest with partial checksums
	# that a userspace stack on the bridge rejects.
	-device "virtio-net-pci,netdev=n0,mac=$MAC,csum=off"
	"${QEMU_EXTRA[@]}")

if ((FOREGROUND)); then
	exec ip netns exec "$NETNS" "${QEMU[@]}"
fi
ip netns exec "$NETNS" "${QEMU[@]}" -daemonize -pidfile "$PIDFILE"
[[ -s $PIDFILE ]] || die "qemu did not write $PIDFILE"
