#!/usr/bin/env bash
# Build the interop test VM image: Debian's kernel plus a busybox initramfs
# holding pppd, pptp-linux and pptpd, with scripts/interop/vm/init as /init.
#
#   scripts/interop/build-image.sh [OUTDIR]     (default: build-interop/image)
#
# OUTDIR gets: vmlinux (uncompressed, PVH boot; absent if extraction failed),
# bzImage, initrd.gz, manifest.txt. Packages come from `apt-get download` and
# are unpacked with `dpkg -x` in a temp dir: nothing is installed on the host.
# The build is skipped when manifest.txt already records the same package
# versions and the same VM scripts.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=${1:-$REPO/build-interop/image}
ARCH_TRIPLET=x86_64-linux-gnu

# Userspace packages; their library dependencies are resolved below.
PKGS=(busybox-static ppp pptp-linux pptpd libwrap0)
# Binaries copied into the image (paths inside the unpacked packages).
BINS=(usr/sbin/pppd usr/sbin/pptp usr/sbin/pptpd usr/sbin/pptpctrl)
# Modules wanted; their dependencies are added from each .ko's depends=.
MODS=(virtio_net virtio_pci ppp_generic ppp_async ppp_synctty ppp_deflate ppp_mppe)

log() { printf 'build-image: %s\n' "$*" >&2; }
die() { printf 'build-image: error: %s\n' "$*" >&2; exit 1; }

for t in apt-get apt-cache dpkg-deb cpio gzip ldd flock sha256sum; do
	command -v "$t" >/dev/null || die "missing host tool '$t' (see scripts/interop/deps.txt)"
done

kernel_pkg() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ {print $2; exit}'
}

KPKG=$(kernel_pkg)
if [[ -z $KPKG ]]; then
	log "package lists look empty: running apt-get update"
	apt-get update -qq >&2 || die "apt-get update failed"
	KPKG=$(kernel_pkg)
fi
[[ -n $KPKG ]] || die "cannot resolve the kernel package linux-image-amd64 depends on"

# Direct library dependencies of the userspace packages (first level); the
# deeper ones are taken from the host's /lib if it has them, else downloaded.
mapfile -t LIBPKGS < <(apt-cache depends --no-recommends --no-suggests "${PKGS[@]}" 2>/dev/null |
	awk '$1 == "Depends:" && $2 ~ /^lib/ && $2 !~ /^libpam-/ {print $2}' | sort -u |
	grep -vxF -f <(printf '%s\n' "${PKGS[@]}"))

manifest() {
	local p v
	declare -A ver=()
	# One apt-cache call for all candidates: each call costs ~0.5 s.
	while read -r p v; do ver[$p]=$v; done < <(apt-cache policy "$KPKG" "${PKGS[@]}" "${LIBPKGS[@]}" |
		awk '/^[^ ].*:$/ {sub(/:$/, "", $1); p = $1} /^  Candidate:/ {print p, $2}')
	for p in "$KPKG" "${PKGS[@]}" "${LIBPKGS[@]}"; do
		v=${ver[$p]:-}
		[[ -n $v && $v != "(none)" ]] || die "no candidate version for package $p"
		printf 'pkg %s %s\n' "$p" "$v"
	done
	for p in build-image.sh vm/init vm/ip-up vm/ip-down; do
		printf 'script %s %s\n' "$p" "$(sha256sum <"$HERE/$p" | cut -d' ' -f1)"
	done
}
WANT=$(manifest)

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
exec 9>"$OUT/.lock"
flock 9

if [[ -f $OUT/manifest.txt && -f $OUT/initrd.gz && -f $OUT/bzImage ]] &&
	[[ $(cat "$OUT/manifest.txt") == "$WANT" ]]; then
	log "up to date: $OUT"
	exit 0
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/pg-image.XXXXXX")
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/deb" "$W/pkgroot" "$W/kroot" "$W/rd"

download() { # packages...
	(cd "$W/deb" && apt-get download -q -o APT::Sandbox::User=root "$@" >&2) ||
		die "apt-get download $* failed"
}

log "downloading $KPKG ${PKGS[*]} ${LIBPKGS[*]}"
download "$KPKG" "${PKGS[@]}" "${LIBPKGS[@]}"
for d in "$W"/deb/*.deb; do
	case $(basename "$d") in
	linux-image-*) dpkg-deb -x "$d" "$W/kroot" ;;
	*) dpkg-deb -x "$d" "$W/pkgroot" ;;
	esac
done

# ---------------------------------------------------------------- kernel ----
KVER=$(basename "$(ls -d "$W"/kroot/lib/modules/*/ | head -n1)")
[[ -n $KVER ]] || die "no modules directory in $KPKG"
BZ=$W/kroot/boot/vmlinuz-$KVER
[[ -f $BZ ]] || die "no $BZ in $KPKG"

# bzImage -> vmlinux: the compressed payload sits at (setup_sects+1)*512 +
# payload_offset (boot protocol >= 2.08, header fields at 0x1f1 and 0x248).
# If the header route fails, scan for the first known compression magic.
u8() { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '; }
u32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
is_elf() { [[ $(head -c4 "$1" | od -An -c | tr -d ' ') == '177ELF' ]]; }
decompress_at() { # file offset out -> 0 if out is an ELF
	local f=$1 off=$2 out=$3 magic
	magic=$(od -An -tx1 -j "$off" -N6 "$f" | tr -d ' ')
	case $magic in
	1f8b*) tail -c +$((off + 1)) "$f" | gzip -dc 2>/dev/null >"$out" || true ;;
	fd377a585a00) tail -c +$((off + 1)) "$f" | xz -dc --single-stream 2>/dev/null >"$out" || true ;;
	28b52ffd*) tail -c +$((off + 1)) "$f" | zstd -dc 2>/dev/null >"$out" || true ;;
	5d0000*) tail -c +$((off + 1)) "$f" | xz -dc --format=lzma 2>/dev/null >"$out" || true ;;
	*) return 1 ;;
	esac
	[[ -s $out ]] && is_elf "$out"
}
extract_vmlinux() { # bzImage out
	local bz=$1 out=$2 setup payload off
	setup=$(u8 "$bz" $((0x1f1)))
	((setup == 0)) && setup=4
	payload=$(u32 "$bz" $((0x248)))
	off=$(((setup + 1) * 512 + payload))
	decompress_at "$bz" "$off" "$out" && return 0
	log "bzImage header route failed, scanning for a compressed payload"
	local magic pos
	for magic in 'fd377a585a00' '1f8b0800' '28b52ffd'; do
		for pos in $(od -An -v -tx1 -w1 "$bz" | tr -d ' \n' |
			grep -ob "$magic" | cut -d: -f1 | head -n 20); do
			((pos % 2 == 0)) || continue
			decompress_at "$bz" $((pos / 2)) "$out" && return 0
		done
	done
	return 1
}
cp "$BZ" "$W/bzImage"
if extract_vmlinux "$BZ" "$W/vmlinux"; then
	log "vmlinux extracted ($(du -h "$W/vmlinux" | cut -f1))"
else
	log "warning: could not extract vmlinux; run-vm.sh will boot the bzImage"
	rm -f "$W/vmlinux"
fi

# --------------------------------------------------------------- modules ----
declare -A MODPATH=() SEEN=()
while IFS= read -r -d '' ko; do
	n=$(basename "$ko" .ko)
	MODPATH[${n//-/_}]=$ko
done < <(find "$W/kroot/lib/modules/$KVER" -name '*.ko' -print0)

mod_depends() {
	if command -v modinfo >/dev/null; then
		modinfo -F depends "$1"
	else
		tr '\0' '\n' <"$1" | sed -n 's/^depends=//p' | head -n1
	fi
}
ORDER=()
resolve() {
	local m=${1//-/_} d
	[[ -n ${SEEN[$m]:-} ]] && return 0
	SEEN[$m]=1
	[[ -n ${MODPATH[$m]:-} ]] || die "module $m not found in $KPKG"
	for d in $(mod_depends "${MODPATH[$m]}" | tr ',' ' '); do
		resolve "$d"
	done
	ORDER+=("$m")
}
for m in "${MODS[@]}"; do resolve "$m"; done
mkdir -p "$W/rd/lib/modules/$KVER" "$W/rd/etc"
for m in "${ORDER[@]}"; do
	cp "${MODPATH[$m]}" "$W/rd/lib/modules/$KVER/$m.ko"
done
printf '%s\n' "${ORDER[@]}" >"$W/rd/etc/pg-modules"
log "modules: ${ORDER[*]}"

# ------------------------------------------------------------- userspace ----
R=$W/rd
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,lib/$ARCH_TRIPLET,lib64,proc,sys,dev,run,tmp,root,mnt}
mkdir -p "$R"/etc/ppp/peers "$R"/var
ln -s ../run "$R/var/run"
ln -s ../run/lock "$R/var/lock"
ln -s ../lib "$R/usr/lib"

cp "$W/pkgroot/bin/busybox" "$R/bin/busybox"
"$R/bin/busybox" --list-full | while read -r app; do
	[[ -e $R/$app || -L $R/$app ]] || ln -s /bin/busybox "$R/$app"
done

for b in "${BINS[@]}"; do
	[[ -f $W/pkgroot/$b ]] || die "$b missing from the packages"
	cp "$W/pkgroot/$b" "$R/$b"
done

# Shared libraries: ldd on the unpacked binaries, preferring the downloaded
# libraries, then the host's (the same Debian release). Libraries found in
# neither make us download the next level of library dependencies.
LIBDIRS=$W/pkgroot/lib/$ARCH_TRIPLET:$W/pkgroot/usr/lib/$ARCH_TRIPLET
ldd_all() {
	local b
	for b in "${BINS[@]}"; do
		LD_LIBRARY_PATH=$LIBDIRS ldd "$W/pkgroot/$b" 2>/dev/null || true
	done
}
fetched=" $KPKG ${PKGS[*]} ${LIBPKGS[*]} "
for round in 1 2 3 4; do
	missing=$(ldd_all | awk '/not found/ {print $1}' | sort -u)
	[[ -z $missing ]] && break
	log "libraries not found (round $round): $missing"
	mapfile -t more < <(for d in "$W"/deb/*.deb; do dpkg-deb -f "$d" Depends; done |
		tr ',' '\n' | sed 's/[|(].*//; s/ //g' | grep '^lib' | sort -u)
	next=()
	for p in "${more[@]}"; do
		[[ $fetched == *" $p "* ]] && continue
		fetched+="$p "
		next+=("$p")
	done
	((${#next[@]})) || die "cannot find libraries: $missing"
	download "${next[@]}"
	for p in "${next[@]}"; do
		dpkg-deb -x "$W"/deb/"${p}"_*.deb "$W/pkgroot"
	done
done
while read -r name _ path _; do
	[[ $path == /* ]] || continue
	cp -L "$path" "$R/lib/$ARCH_TRIPLET/$name"
done < <(ldd_all | grep '=> /' | sort -u)
ldso=$(ldd_all | awk '$1 ~ /^\/lib64\/ld-linux/ {print $1; exit}')
[[ -n $ldso ]] || die "no dynamic loader reported by ldd"
cp -L "$ldso" "$R$ldso"

if [[ -d $W/pkgroot/usr/lib/pptpd ]]; then
	cp -r "$W/pkgroot/usr/lib/pptpd" "$R/usr/lib/"
fi

install -m 0755 "$HERE/vm/init" "$R/init"
install -m 0755 "$HERE/vm/ip-up" "$R/etc/ppp/ip-up"
install -m 0755 "$HERE/vm/ip-down" "$R/etc/ppp/ip-down"
: >"$R/etc/ppp/options"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$R/etc/passwd"
printf 'root:x:0:\ntty:x:5:\n' >"$R/etc/group"
printf '127.0.0.1 localhost\n' >"$R/etc/hosts"
printf 'passwd: files\ngroup: files\nhosts: files\n' >"$R/etc/nsswitch.conf"
mknod -m 600 "$R/dev/console" c 5 1
mknod -m 666 "$R/dev/null" c 1 3

(cd "$R" && find . -print0 | LC_ALL=C sort -z |
	cpio --null --reproducible -o -H newc -R 0:0 --quiet) | gzip -9n >"$W/initrd.gz"
log "initrd.gz $(du -h "$W/initrd.gz" | cut -f1), kernel $KVER"

# ------------------------------------------------------------- install ------
rm -f "$OUT/vmlinux" "$OUT/manifest.txt"
[[ -f $W/vmlinux ]] && mv "$W/vmlinux" "$OUT/vmlinux"
mv "$W/bzImage" "$OUT/bzImage"
mv "$W/initrd.gz" "$OUT/initrd.gz"
printf '%s\n' "$WANT" >"$OUT/manifest.txt"
log "image ready in $OUT"
