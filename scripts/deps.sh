#!/usr/bin/env bash
# Install every Debian package that pptpgw's build, demo and tests need.
# Idempotent: does nothing (not even apt-get update) when all are present.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

packages=(
	# build
	build-essential meson ninja-build pkg-config
	dpdk dpdk-dev libdpdk-dev
	libssl-dev libjansson-dev libevent-dev
	# tests: unit framework, fuzzing/sanitizer runtime, netns peers, captures
	libcmocka-dev clang libclang-rt-14-dev
	iproute2 iputils-ping ethtool python3 procps tshark
	# tests/interop/test_radius.sh: a real RADIUS server and radclient
	freeradius freeradius-utils
)
# The interop VM image (real pppd / pptp-linux / pptpd peers under qemu).
if [ -f "$here/interop/deps.txt" ]; then
	while read -r pkg; do
		case "$pkg" in ''|'#'*) continue ;; esac
		packages+=("$pkg")
	done < "$here/interop/deps.txt"
fi

missing=()
for pkg in "${packages[@]}"; do
	case "$pkg" in '#'*) continue ;; esac
	if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$pkg")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
# The tests start their own FreeRADIUS; the packaged service must not hold its ports.
if [[ " ${missing[*]} " == *" freeradius "* ]]; then
	$SUDO systemctl disable --now freeradius 2>/dev/null || $SUDO service freeradius stop 2>/dev/null || true
fi
