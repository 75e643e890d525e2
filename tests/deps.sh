#!/bin/bash
# tests/deps.sh [build|lab|all]: installs the Debian 12 packages ipsecd needs to build and test.
# Idempotent and quiet when everything is there already. Needs root (apt-get).
set -u
BUILD="meson ninja-build pkg-config gcc g++ libmnl-dev libbotan-2-dev libyaml-cpp-dev libsystemd-dev
  libboost-program-options-dev libgtest-dev libgmock-dev python3 clang libclang-rt-14-dev libnm-dev"
LAB="user-mode-linux strongswan-charon strongswan-swanctl libstrongswan-standard-plugins libcharon-extra-plugins libcharon-extauth-plugins iproute2 iputils-ping kmod procps
  psmisc dbus systemd tshark network-manager"
case "${1:-all}" in
  build) want=$BUILD ;;
  lab) want=$LAB ;;
  all) want="$BUILD $LAB" ;;
  *) echo "usage: $0 [build|lab|all]" >&2; exit 2 ;;
esac
need=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need="$need $p"
done
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "deps: missing packages:$need (run as root to install them)" >&2; exit 2
fi
echo "deps: installing$need"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || { echo "deps: apt-get update failed" >&2; exit 2; }
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $need > /tmp/ipsecd-deps.log 2>&1 \
  || { tail -20 /tmp/ipsecd-deps.log; echo "deps: apt-get install failed" >&2; exit 2; }
