# Shared by scripts/kernels/*: the kernel matrix (version -> Debian suite), the cache and the Debian mirror.
# shellcheck shell=bash

# A kernel version of the matrix -> the Debian suite whose linux-image-amd64 is that kernel.
declare -A KERNEL_SUITE=([5.10]=bullseye [6.1]=bookworm)
declare -A KERNEL_DISTRO=([5.10]="Debian 11 (bullseye)" [6.1]="Debian 12 (bookworm)")
PATH=$PATH:/usr/sbin:/sbin
KERNEL_CACHE=${TCPSCOPE_KERNEL_CACHE:-/var/cache/tcpscope-kernels}

# The Debian archive this host installs from (first non-security Debian entry of its apt sources), so the kernel
# packages come from the same mirror; $TCPSCOPE_DEBIAN_MIRROR overrides it.
debian_mirror() {
  if [ -n "${TCPSCOPE_DEBIAN_MIRROR:-}" ]; then echo "$TCPSCOPE_DEBIAN_MIRROR"; return; fi
  local codenames=' buster bullseye bookworm trixie forky sid '
  local f uri etc=${TCPSCOPE_APT_ETC:-/etc/apt}
  for f in "$etc/sources.list" "$etc"/sources.list.d/*.list "$etc"/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    case "$f" in
      *.sources)
        # deb822 stanzas: the URIs of a stanza whose Suites include a Debian release (not -security).
        uri=$(awk -v names="$codenames" '
          function flush() { if (uris != "" && ok) { split(uris, u, " "); print u[1]; found = 1; exit } uris = ""; ok = 0 }
          /^[[:space:]]*$/ { flush(); next }
          /^URIs:/ { sub(/^URIs:[[:space:]]*/, ""); uris = $0 }
          /^Suites:/ { for (i = 2; i <= NF; i++) if (index(names, " " $i " ")) ok = 1 }
          /^Enabled:[[:space:]]*no/ { uris = "" }
          END { if (!found) flush() }' "$f")
        ;;
      *)
        # one-line format: deb [options] URI suite components...
        uri=$(awk -v names="$codenames" '
          $1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                        if (index(names, " " $(i + 1) " ")) { print $i; exit } }' "$f")
        ;;
    esac
    if [ -n "$uri" ]; then echo "${uri%/}"; return; fi
  done
  echo "scripts/kernels: no Debian mirror in /etc/apt/sources.list(.d); set TCPSCOPE_DEBIAN_MIRROR=http://<mirror>/debian" >&2
  return 1
}

# The matrix's versions, oldest first, on one line.
kernel_versions() { printf '%s\n' "${!KERNEL_SUITE[@]}" | sort -V | paste -sd' '; }
