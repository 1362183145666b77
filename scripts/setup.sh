#!/usr/bin/env bash
# One-command set-up for tcpscope on Debian/Ubuntu with Node 20: installs only what is missing, builds, then
#   scripts/setup.sh top    -> opens the live dashboard
#   scripts/setup.sh test   -> runs the whole test suite (npm test)
#   scripts/setup.sh        -> set-up only
# Idempotent and quick (a few seconds) when everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "tcpscope setup: installing system packages needs root: run with sudo" >&2
    exit 4
  fi
}

# Debian package -> a command that proves it is installed.
declare -A PKG_CMD=(
  [bpftrace]=bpftrace [nftables]=nft [hping3]=hping3 [iproute2]=ss [libbpf-tools]=tcpstates
  [bpftool]=bpftool [tmux]=tmux [util-linux]=nsenter [gcc]=cc [procps]=pgrep
  [jq]=jq [bsdutils]=script
)
missing=()
for pkg in "${!PKG_CMD[@]}"; do
  command -v "${PKG_CMD[$pkg]}" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  need_root
  echo "tcpscope setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm dependencies: only when missing or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

# Build when dist is missing or any source is newer.
if [ ! -f dist/cli/main.js ] || [ -n "$(find src probes -newer dist/cli/main.js -print -quit 2>/dev/null)" ]; then
  npx --no-install tsc -p tsconfig.json
  chmod +x dist/cli/main.js
fi

# tracefs is not mounted at boot on many hosts; bpftrace then misreports "tracepoint not found".
if [ "$(id -u)" -eq 0 ] && [ ! -d /sys/kernel/tracing/events ] && [ ! -d /sys/kernel/debug/tracing/events ]; then
  mount -t tracefs tracefs /sys/kernel/tracing || echo "tcpscope setup: could not mount tracefs; eBPF mode unavailable" >&2
fi

case "${1:-}" in
  top) shift; exec node dist/cli/main.js top "$@" ;;
  test) shift; exec npm test -- "$@" ;;
  "") echo "tcpscope setup: ready (node dist/cli/main.js doctor to check eBPF mode)" >&2 ;;
  *) echo "usage: scripts/setup.sh [top|test] [args...]" >&2; exit 2 ;;
esac
