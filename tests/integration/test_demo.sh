#!/usr/bin/env bash
# The README's demo command must keep working: run it once, non-interactively,
# and check what it shows a person: the appliance answering ping, a real Linux
# client in its VM and a second pptpgw (the branch's pptp-client) connecting
# with MPPE, traffic crossing the tunnels, the CLI of both.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=${PPTPGW_SOURCE_ROOT:-$here/../..}
# The demo builds ./build; under the sanitizer suite it is the plain build that matters.
case "${PPTPGW_BUILD:-}" in *asan*) echo "# skipped under the sanitizer build"; exit 0 ;; esac
out=$("$root/scripts/demo.sh" --once 2>&1); rc=$?
echo "$out" | sed 's/^/#   /'
fails=0
expect() { # DESCRIPTION EXTENDED-REGEX [MIN-COUNT]
	local n
	n=$(grep -cE -- "$2" <<<"$out")
	if [ "$n" -ge "${3:-1}" ]; then echo "ok - $1"; else echo "not ok - $1"; fails=$((fails + 1)); fi
}
[ $rc -eq 0 ] && echo "ok - demo exited 0" || { echo "not ok - demo exited $rc"; fails=$((fails + 1)); }
expect "pings answered (appliance, branch to server, LAN to VM, branch to VM)" ' 0% packet loss' 4
expect "the VM's pppd negotiated MPPE-128 stateless" 'MPPE 128-bit stateless compression enabled'
expect "pings from the VM crossed the tunnel" '^PGTEST ping 10\.10\.0\.1 size 1400 ok'
expect "/interface/pptp-server/print lists the client running" '^ *[0-9]+ +DR +<pptp-demo> +demo .*MPPE128 stateless'
expect "/ppp/active/print lists the session" 'demo +pptp +192\.0\.2\.10'
expect "the branch's pptp-client runs (the seed's print layout)" '^0 R name="pptp-out1" max-mtu=1450 max-mru=1450 mrru=disabled connect-to=192\.0\.2\.1 user="branch"'
expect "the branch routes the server's LAN via pptp-out1" '10\.10\.0\.0/24 +pptp-out1'
expect "/interface/pptp-server/print lists the branch on its static name" '^ *[0-9]+ +R +pptp-branch +branch .*MPPE128 stateless'
expect "pings from the VM reached the branch host" '^PGTEST ping 10\.20\.0\.2 size 1400 ok'
expect "/interface/ethernet/print lists ether1 running" '^ *0 +R +ether1'
[ $fails -eq 0 ]
