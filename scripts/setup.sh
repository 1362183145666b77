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
  # the kernel matrix (npm run test:kernels, scripts/kernels/): QEMU, the guest's busybox, depmod/modprobe, cpio
  [qemu-system-x86]=qemu-system-x86_64 [busybox-static]=busybox [kmod]=depmod [cpio]=cpio
  [docker.io]=dockerd [tar]=tar
  [prometheus]=promtool [prometheus-alertmanager]=prometheus-alertmanager [systemd]=systemd-analyze
  [jq]=jq [bsdutils]=script
)
# Debian package -> a file that proves it is installed (packages without a command).
declare -A PKG_FILE=(
  [libc6-dev]=/usr/include/stdio.h
)
missing=()
for pkg in "${!PKG_CMD[@]}"; do
  PATH="$PATH:/usr/sbin:/sbin" command -v "${PKG_CMD[$pkg]}" >/dev/null 2>&1 || missing+=("$pkg")
done
# scripts/kernels puts /bin/busybox in the guest's initramfs: it must be busybox-static's (no shared libraries).
if [ -x /bin/busybox ] && ldd /bin/busybox >/dev/null 2>&1 && [[ " ${missing[*]} " != *" busybox-static "* ]]; then missing+=(busybox-static); fi
for pkg in "${!PKG_FILE[@]}"; do
  [ -e "${PKG_FILE[$pkg]}" ] || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  need_root
  echo "tcpscope setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Packages such as prometheus ship init scripts: install them without starting servers on public ports (the
  # tests start their own on loopback). policy-rc.d exit 101 = "action forbidden", only while we install.
  policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ -n "$policy" ]; then rm -f "$policy"; trap - EXIT; fi
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
