#!/usr/bin/env bash
# Demo: start a fake RTX router on loopback and drive it with rtxctl over SSH
# and Telnet. Run it with `make demo`. Nothing leaves 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

scenario=testdata/scenarios/article-ja.yaml
tmp=$(mktemp -d)
fake_pid=
cleanup() {
	if [[ -n $fake_pid ]]; then
		kill "$fake_pid" 2>/dev/null || true
		wait "$fake_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
# proved records one line of the summary printed at the end; the demo
# stops (set -e) before a claim whose check failed.
proved_lines=()
proved() { proved_lines+=("$*"); }
# ready waits until the fake started as PID has written the line KEY=... to
# its ready file FILE (the fake writes it once it listens), or says why not.
ready() {
	local pid=$1 file=$2 key=$3 log=$4
	for _ in $(seq 100); do
		grep -q "^$key=" "$file" 2>/dev/null && return 0
		if ! kill -0 "$pid" 2>/dev/null; then
			cat "$log" >&2
			echo "demo: fakertx exited" >&2
			exit 1
		fi
		sleep 0.1
	done
	echo "demo: fakertx did not become ready" >&2
	exit 1
}
run() {
	printf '$' >&2
	printf ' %q' "$@" >&2
	printf '\n' >&2
	"$@"
}

step "build bin/rtxctl and bin/fakertx"
make --no-print-directory build

step "start the fake router ($scenario)"
bin/fakertx --scenario "$scenario" --ssh 127.0.0.1:0 --telnet 127.0.0.1:0 \
	--known-hosts "$tmp/known_hosts" --ready-file "$tmp/ready" >"$tmp/fakertx.log" 2>&1 &
fake_pid=$!
ready "$fake_pid" "$tmp/ready" telnet "$tmp/fakertx.log"
ssh_port=$(sed -n 's/^ssh=.*://p' "$tmp/ready")
telnet_port=$(sed -n 's/^telnet=.*://p' "$tmp/ready")
echo "fake router: SSH on 127.0.0.1:$ssh_port, Telnet on 127.0.0.1:$telnet_port" >&2

# The scenario's demo credentials. rtxctl reads secrets from the environment
# (or a file, or a terminal prompt), never from its arguments.
user=$(sed -n 's/^  - name: *//p' "$scenario" | head -n 1)
user_password=$(sed -n 's/^    password: *//p' "$scenario" | head -n 1)
anon_password=$(sed -n 's/^login_password: *//p' "$scenario")
admin_password=$(sed -n 's/^admin_password: *//p' "$scenario")

step "show config over SSH (user $user, host key checked against the fake's known_hosts)"
RTXCTL_PASSWORD=$user_password \
	run bin/rtxctl show --host 127.0.0.1 --port "$ssh_port" --user "$user" \
	--known-hosts "$tmp/known_hosts" -- show config

step "show config | grep bgp over Telnet (anonymous login, administrator mode, JSON output)"
RTXCTL_PASSWORD=$anon_password RTXCTL_ADMIN_PASSWORD=$admin_password \
	run bin/rtxctl show --host 127.0.0.1 --port "$telnet_port" --transport telnet --admin \
	-o json -- 'show config | grep bgp'

# Backups and the change journal of `tunnel` go to a scratch state directory.
export XDG_STATE_HOME=$tmp/state
ssh_flags=(--host 127.0.0.1 --port "$ssh_port" --user "$user" --known-hosts "$tmp/known_hosts")
export RTXCTL_PASSWORD=$user_password RTXCTL_ADMIN_PASSWORD=$admin_password

step "forced tunnelling: status, on, status, off, status (over SSH)"
# The fake's BGP neighbor takes 3 seconds to come back after each change: on
# a terminal, tunnel on keeps one status line up to date while it waits
# (the neighbor's state, the default route, the time against
# --verify-timeout); -v writes the same as timestamped lines, for logs.
run bin/rtxctl status "${ssh_flags[@]}"
run bin/rtxctl tunnel on "${ssh_flags[@]}"
run bin/rtxctl status "${ssh_flags[@]}"
run bin/rtxctl tunnel off "${ssh_flags[@]}" -v
run bin/rtxctl status "${ssh_flags[@]}"
proved "tunnel on and off changed the router over SSH, each verified (BGP Established, default route advertised, then withdrawn) and saved"

step "tunnel off again: already off, nothing is sent"
run bin/rtxctl tunnel off "${ssh_flags[@]}" 2>"$tmp/rerun.err"
cat "$tmp/rerun.err" >&2
grep -q 'nothing to do' "$tmp/rerun.err"
proved "rerunning tunnel off sent nothing: the router was already in the requested state"

step "guard rail: a --rollback-in shorter than the verification needs is refused before connecting"
run bin/rtxctl tunnel on "${ssh_flags[@]}" --rollback-in 2s || echo "exit status: $? (usage error)" >&2

step "timed rollback: tunnel on, pending for 10 seconds, then undone by the router's own schedule"
# --rollback-in must cover --verify-timeout plus --timeout plus a second.
pending_flags=(--rollback-in 10s --verify-timeout 6s --timeout 3s)
run bin/rtxctl tunnel on "${ssh_flags[@]}" "${pending_flags[@]}" --dry-run
run bin/rtxctl tunnel on "${ssh_flags[@]}" "${pending_flags[@]}"
run bin/rtxctl status "${ssh_flags[@]}"
run bin/rtxctl tunnel off "${ssh_flags[@]}" || echo "exit status: $? (a change is pending)" >&2
sleep 11
run bin/rtxctl status "${ssh_flags[@]}" -o json >"$tmp/after-rollback.json"
cat "$tmp/after-rollback.json"
grep -q '"tunnel": "off"' "$tmp/after-rollback.json"
proved "the timed change left pending was undone by the router's own schedule at its deadline, with rtxctl gone"
# What cron runs every minute: the router already undid the change, so it
# only records that.
run bin/rtxctl rollback --expired -v

step "timed rollback confirmed: tunnel on --rollback-in 1m, then confirm (saved, schedule removed)"
run bin/rtxctl tunnel on "${ssh_flags[@]}" --rollback-in 1m --verify-timeout 20s
run bin/rtxctl confirm "${ssh_flags[@]}"
run bin/rtxctl tunnel off "${ssh_flags[@]}" -q
run bin/rtxctl history --host 127.0.0.1
proved "a pending change was confirmed (saved, the router's schedule removed); history shows each change's final state"

step "a refused command exits with status 2 before connecting"
set +e
run bin/rtxctl show --host 127.0.0.1 --port "$ssh_port" -- save
echo "exit status: $?" >&2
set -e

step "the Azure side: a fake Azure whose VPN gateway peers with a second fake router"
bin/fakertx --scenario "$scenario" --telnet off --known-hosts "$tmp/az_known_hosts" --ready-file "$tmp/az_ready" \
	--azure --azure-dir "$tmp/azure" --azure-delay 3s >"$tmp/fakertx-azure.log" 2>&1 &
az_pid=$!
trap 'kill "$az_pid" 2>/dev/null || true; cleanup' EXIT
ready "$az_pid" "$tmp/az_ready" azure "$tmp/fakertx-azure.log"
az_ssh_port=$(sed -n 's/^ssh=.*://p' "$tmp/az_ready")
# The router "azfake" with the azure: settings fakertx wrote, and the fake's
# credentials for the Azure SDK's default chain (environment credential).
{
	printf 'routers:\n  azfake:\n    host: 127.0.0.1\n    port: %s\n    user: %s\n    known_hosts: %s\n' \
		"$az_ssh_port" "$user" "$tmp/az_known_hosts"
	sed 's/^/    /' "$tmp/azure/azure.yaml"
} >"$tmp/azure-config.yaml"
set -a
. "$tmp/azure/env"
set +a
az=(--config "$tmp/azure-config.yaml")
run bin/rtxctl azure check azfake "${az[@]}"
# --azure: once the router is verified and saved, wait until the gateway has
# learned the default route (a live line on a terminal), then check it.
set +e
run bin/rtxctl tunnel on azfake "${az[@]}" --azure --wait-interval 1s | tee "$tmp/tunnel-azure.txt"
status=${PIPESTATUS[0]}
set -e
echo "exit status: $status (13: Azure learned the default route, but the KMS routes are missing; the change is kept)" >&2
[[ $status == 13 ]]
grep -q '^learned default: *yes$' "$tmp/tunnel-azure.txt"
grep -q 'default route to VirtualNetworkGateway, KMS routes 0 of 3$' "$tmp/tunnel-azure.txt"
proved "tunnel on --azure: router verified, then Azure learned 0.0.0.0/0 and the NIC's default route moved to the gateway; the missing KMS routes were reported (exit 13)"
run bin/rtxctl azure kms-routes --router azfake "${az[@]}" --apply
run bin/rtxctl status azfake "${az[@]}" --azure
proved "Azure agreed: its gateway learned the default route from the router, and the KMS routes are in place"

step "many routers: a fleet of 8 fake routers, one failing verification, one half configured, one unreachable"
bin/fakertx --routers 8 --failing 1 --partial 1 --down 1 --telnet off --fleet-dir "$tmp/fleet" \
	--ready-file "$tmp/fleet-ready" >"$tmp/fakertx-fleet.log" 2>&1 &
fleet_pid=$!
trap 'kill "$fleet_pid" "$az_pid" 2>/dev/null || true; cleanup' EXIT
ready "$fleet_pid" "$tmp/fleet-ready" config "$tmp/fakertx-fleet.log"
# rtx05 and rtx06 (the failing one) are a redundant pair: changed all or nothing.
sed -i -e '/^  rtx05:$/a\    pair: osaka' -e '/^  rtx06:$/a\    pair: osaka' "$tmp/fleet/config.yaml"
fleet=(--config "$tmp/fleet/config.yaml")
set +e
run bin/rtxctl "${fleet[@]}" status --all
run bin/rtxctl "${fleet[@]}" tunnel on --all --verify-timeout 5s
status=$?
set -e
echo "exit status: $status (the most severe of the routers': 10, rtx06 failed verification)" >&2
[[ $status == 10 ]]
grep -qx 'bgp import 65521 static filter 1 2' "$tmp/fleet/saved/rtx01.conf"
grep -qx 'bgp import 65521 static filter 1 2' "$tmp/fleet/saved/rtx07.conf"
grep -qx 'bgp import 65521 static filter 1' "$tmp/fleet/saved/rtx05.conf"
grep -qx 'bgp import 65521 static filter 1' "$tmp/fleet/running/rtx05.conf"
proved "tunnel on --all over 8 routers in parallel: the healthy ones and the half-configured one turned on and saved; rtx05 was undone because its pair partner rtx06 failed; the table and the exit status say which failed"

step "done: what this demo proved"
for line in "${proved_lines[@]}"; do
	printf '  - %s\n' "$line" >&2
done
