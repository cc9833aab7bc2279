#!/usr/bin/env bash
# The whole test suite: install what is missing, build (plain and ASan+UBSan),
# run unit tests, then the integration tests (network namespaces) and the
# interop tests (real pppd / pptpd in qemu VMs) against each build.
# Ends with one line "N passed, N failed".
#
#   scripts/test.sh              everything
#   scripts/test.sh --unit       unit tests only (both builds)
#   scripts/test.sh --no-asan    skip the sanitizer build
#   scripts/test.sh --only NAME  integration/interop tests whose file name contains NAME
#   scripts/test.sh --no-fuzz    skip the fuzz smoke run (every libFuzzer target,
#                                FUZZ_SECONDS each, default 10)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

unit_only=0 asan=1 fuzz=1 only=""
while [ $# -gt 0 ]; do
	case "$1" in
	--unit) unit_only=1 ;;
	--no-asan) asan=0 ;;
	--no-fuzz) fuzz=0 ;;
	--only) only=$2; shift ;;
	*) echo "usage: $0 [--unit] [--no-asan] [--only NAME]" >&2; exit 2 ;;
	esac
	shift
done

[ "$(id -u)" -eq 0 ] || { echo "test.sh: run as root (network namespaces, TAP devices)" >&2; exit 2; }
scripts/deps.sh || { echo "test.sh: dependency install failed" >&2; exit 2; }

passed=0 failed=0 failures=()
pass() { passed=$((passed + 1)); echo "PASS: $1"; }
fail() { failed=$((failed + 1)); failures+=("$1"); echo "FAIL: $1"; }

build() { # build DIR [meson options...]
	local dir=$1; shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 ||
			{ cat "$dir.setup.log"; return 1; }
	fi
	ninja -C "$dir" -j"$(nproc)" >"$dir.build.log" 2>&1 || { tail -50 "$dir.build.log"; return 1; }
}

run_unit() { # DIR LABEL
	local dir=$1 label=$2 name
	if ! meson test -C "$dir" --no-rebuild --print-errorlogs >"$dir.unit.log" 2>&1; then
		tail -60 "$dir.unit.log"
	fi
	# One result per test executable, read from meson's machine log.
	while IFS=$'\t' read -r name result; do
		if [ "$result" = OK ]; then pass "$label unit $name"; else fail "$label unit $name ($result)"; fi
	done < <(python3 - "$dir/meson-logs/testlog.json" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    t = json.loads(line)
    print(f"{t['name']}\t{t['result']}")
PY
)
}

run_scripts() { # DIR LABEL GLOB...
	local dir=$1 label=$2 t name; shift 2
	for t in "$@"; do
		[ -f "$t" ] || continue
		name=$(basename "$t" .sh)
		[ -z "$only" ] || [[ "$name" == *"$only"* ]] || continue
		echo "--- $label $name"
		if PPTPGW_BUILD="$root/$dir" PPTPGW_SOURCE_ROOT="$root" timeout 900 bash "$t"; then
			pass "$label $name"
		else
			fail "$label $name"
		fi
	done
}

builds=("build:plain")
[ $asan -eq 1 ] && builds+=("build-asan:asan")
for b in "${builds[@]}"; do
	dir=${b%%:*} label=${b##*:}
	opts=()
	[ "$label" = asan ] && opts=(-Db_sanitize=address,undefined -Db_lundef=false)
	if ! build "$dir" "${opts[@]}"; then
		fail "$label build"
		continue
	fi
	pass "$label build"
	[ -n "$only" ] || run_unit "$dir" "$label"
	[ $unit_only -eq 1 ] && continue
	run_scripts "$dir" "$label" tests/integration/test_*.sh
	# The qemu VMs are slow under TCG: run the interop suite once, on the plain build.
	[ "$label" = plain ] && run_scripts "$dir" "$label" tests/interop/test_*.sh
done

# Fuzz smoke: every parser's libFuzzer target runs briefly from an empty
# corpus (the config fuzzer starts from conf/); a crash, leak or sanitizer
# report fails it. Long runs are done by hand (tests/fuzz/meson.build).
if [ $fuzz -eq 1 ] && [ $unit_only -eq 0 ] && [ -z "$only" ]; then
	if CC=clang build build-fuzz -Dfuzz=true; then
		for target in build-fuzz/tests/fuzz/fuzz_*; do
			[ -x "$target" ] && [ -f "$target" ] || continue
			name=$(basename "$target")
			corpus=$(mktemp -d)
			[ "$name" = fuzz_config ] && cp conf/*.json "$corpus/"
			if "$target" -max_total_time="${FUZZ_SECONDS:-10}" -rss_limit_mb=2048 "$corpus" \
				>"build-fuzz/$name.log" 2>&1; then
				pass "fuzz $name"
			else
				tail -30 "build-fuzz/$name.log"
				fail "fuzz $name"
			fi
			rm -rf "$corpus"
		done
	else
		fail "fuzz build"
	fi
fi

if [ ${#failures[@]} -gt 0 ]; then
	echo "failed:"
	printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
