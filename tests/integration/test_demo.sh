#!/usr/bin/env bash
# The README's demo command must keep working: run it once, non-interactively.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=${PPTPGW_SOURCE_ROOT:-$here/../..}
# The demo builds ./build; under the sanitizer suite it is the plain build that matters.
case "${PPTPGW_BUILD:-}" in *asan*) echo "# skipped under the sanitizer build"; exit 0 ;; esac
out=$("$root/scripts/demo.sh" --once 2>&1); rc=$?
echo "$out" | sed 's/^/#   /'
[ $rc -eq 0 ] || { echo "not ok - demo exited $rc"; exit 1; }
grep -q ' 0% packet loss' <<<"$out" || { echo "not ok - demo ping failed"; exit 1; }
grep -q '"result": 1' <<<"$out" || { echo "not ok - demo SCCRP missing"; exit 1; }
grep -Eq '^ *0 +R +ether1' <<<"$out" || { echo "not ok - demo CLI listing missing"; exit 1; }
echo "ok - demo ran"
