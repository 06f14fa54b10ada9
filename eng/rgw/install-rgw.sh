#!/usr/bin/env bash
# install-rgw.sh — install what eng/rgw/start-rgw.sh needs, on Debian 12, only if missing:
#   radosgw ceph-mon ceph-osd (Ceph 16.2 "Pacific"), uuid-runtime (uuidgen), curl.
#
# Idempotent: when every binary is already on PATH it does nothing (no apt at all).
# Otherwise it runs, non-interactively, as root (or via passwordless sudo):
#   apt-get update
#   apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd uuid-runtime curl
# --no-install-recommends is enough: every binary the scripts use is in the hard Depends
# (mgr, mds, fuse and the mgr's Python web stack are only Recommends).
#
# Environment:
#   DIRECTUPLOAD_APT_UPDATED=1   skip "apt-get update" (a caller already ran it)
# Exit status non-zero, with a message saying why, if it cannot install.
set -euo pipefail

log() { printf '[install-rgw] %s\n' "$*" >&2; }
die() { printf '[install-rgw] ERROR: %s\n' "$*" >&2; exit 1; }

PACKAGES=(radosgw ceph-mon ceph-osd uuid-runtime curl)
BINARIES=(radosgw radosgw-admin ceph ceph-mon ceph-osd monmaptool ceph-authtool uuidgen curl)

missing=()
for b in "${BINARIES[@]}"; do
  command -v "$b" >/dev/null 2>&1 || missing+=("$b")
done
if [ "${#missing[@]}" -eq 0 ]; then
  log "RGW packages already installed ($(radosgw --version 2>/dev/null | head -n1 || echo 'radosgw'))"
  exit 0
fi
log "missing: ${missing[*]}; installing ${PACKAGES[*]}"

command -v apt-get >/dev/null 2>&1 \
  || die "apt-get not found: this needs Debian 12 (bookworm). Install ${PACKAGES[*]} (Ceph 16.2) by hand."

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    die "not root and no passwordless sudo: run as root, or install by hand: apt-get install -y --no-install-recommends ${PACKAGES[*]}"
  fi
fi

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -q -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300)

if [ "${DIRECTUPLOAD_APT_UPDATED:-0}" != 1 ]; then
  log "apt-get update"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" update \
    || die "apt-get update failed (see the output above)"
fi
log "apt-get install --no-install-recommends ${PACKAGES[*]}"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" install --no-install-recommends "${PACKAGES[@]}" \
  || die "apt-get install ${PACKAGES[*]} failed (see the output above); on Debian 12 these are in the main archive"

still=()
for b in "${BINARIES[@]}"; do
  command -v "$b" >/dev/null 2>&1 || still+=("$b")
done
[ "${#still[@]}" -eq 0 ] || die "installed ${PACKAGES[*]} but still missing: ${still[*]}"
log "installed ($(radosgw --version 2>/dev/null | head -n1 || echo 'radosgw'))"
