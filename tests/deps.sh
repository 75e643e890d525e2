#!/bin/bash
# tests/deps.sh [build|lab|all]: installs the Debian 12 packages ipsecd needs to build and test.
# Idempotent and quiet when everything is there already. Needs root (apt-get).
set -u
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
BUILD="meson ninja-build pkg-config gcc g++ libmnl-dev libbotan-2-dev libyaml-cpp-dev libsystemd-dev
  libboost-program-options-dev libmimalloc-dev libgtest-dev libgmock-dev python3 clang libclang-rt-14-dev libnm-dev"
LAB="user-mode-linux strongswan-charon strongswan-swanctl libstrongswan-standard-plugins libcharon-extra-plugins libcharon-extauth-plugins iproute2 iputils-ping kmod procps
  psmisc dbus systemd tshark network-manager
  libnss3-tools libnss3 libnspr4 libevent-core-2.1-7 libevent-pthreads-2.1-7 libldns3 libunbound8 libcurl3-nss
  libcap-ng0 libaudit1 libpam0g libldap-2.5-0 libselinux1 libcrypt1"
case "${1:-all}" in
  build) want=$BUILD ;;
  lab) want=$LAB ;;
  all) want="$BUILD $LAB" ;;
  *) echo "usage: $0 [build|lab|all]" >&2; exit 2 ;;
esac
# LAB_RESOLVED: systemd-resolved for the lab's guest (tests/interop/rw-ipsecd-gets-vip-charon),
# unpacked here and NEVER installed: installing it takes over the host's /etc/resolv.conf. Its
# version is the host's systemd's (it links libsystemd-shared of that version).
LAB_RESOLVED=$ROOT/build-tests/lab-debs/systemd-resolved
fetch_resolved() {
  local version dir=$LAB_RESOLVED
  version=$(dpkg-query -W -f='${Version}' systemd 2>/dev/null) || { echo "deps: systemd is not installed" >&2; return 2; }
  [ "$(cat "$dir/version" 2>/dev/null)" = "$version" ] && [ -x "$dir/lib/systemd/systemd-resolved" ] && return 0
  echo "deps: fetching systemd-resolved $version into $dir (unpacked, not installed)"
  rm -rf "$dir" "$dir.deb" && mkdir -p "$dir.deb" || return 2
  if ! ( cd "$dir.deb" && { apt-get download -qq "systemd-resolved=$version" > /dev/null 2>&1 \
      || { apt-get update -qq && apt-get download -qq "systemd-resolved=$version" > /dev/null 2>&1; }; } ); then
    # The archive keeps only the newest point release: bring systemd to it, then fetch that one.
    echo "deps: systemd-resolved $version is no longer in the archive: upgrading systemd to match"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --only-upgrade systemd > /tmp/ipsecd-deps.log 2>&1 \
      || { tail -20 /tmp/ipsecd-deps.log; echo "deps: could not upgrade systemd" >&2; return 2; }
    version=$(dpkg-query -W -f='${Version}' systemd)
  fi
  ( cd "$dir.deb" && { ls systemd-resolved_*.deb > /dev/null 2>&1 || apt-get download -qq "systemd-resolved=$version"; } ) \
    && dpkg-deb -x "$dir.deb"/systemd-resolved_*.deb "$dir" && echo "$version" > "$dir/version" \
    || { echo "deps: could not fetch systemd-resolved $version" >&2; return 2; }
  rm -rf "$dir.deb"
}

# LAB_LIBRESWAN: Libreswan's pluto for the lab's guest (tests/interop/libreswan.sh), unpacked here
# and NEVER installed: the package conflicts with strongSwan's (both ship /usr/sbin/ipsec). Its
# libraries (libnss3-tools for the NSS database among them) are in LAB above.
LAB_LIBRESWAN=$ROOT/build-tests/lab-debs/libreswan
fetch_libreswan() {
  local version dir=$LAB_LIBRESWAN
  version=$(apt-cache policy libreswan 2>/dev/null | sed -n 's/^ *Candidate: //p')
  case $version in ""|"(none)") apt-get update -qq; version=$(apt-cache policy libreswan | sed -n 's/^ *Candidate: //p') ;; esac
  [ -n "$version" ] && [ "$version" != "(none)" ] || { echo "deps: no libreswan package in apt's sources" >&2; return 2; }
  [ "$(cat "$dir/version" 2>/dev/null)" = "$version" ] && [ -x "$dir/usr/libexec/ipsec/pluto" ] && return 0
  echo "deps: fetching libreswan $version into $dir (unpacked, not installed)"
  rm -rf "$dir" "$dir.deb" && mkdir -p "$dir.deb" || return 2
  ( cd "$dir.deb" && apt-get download -qq "libreswan=$version" > /dev/null 2>&1 ) \
    && dpkg-deb -x "$dir.deb"/libreswan_*.deb "$dir" && echo "$version" > "$dir/version" \
    || { echo "deps: could not fetch libreswan $version" >&2; return 2; }
  rm -rf "$dir.deb"
}

need=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need="$need $p"
done
if [ -n "$need" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "deps: missing packages:$need (run as root to install them)" >&2; exit 2
  fi
  echo "deps: installing$need"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || { echo "deps: apt-get update failed" >&2; exit 2; }
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $need > /tmp/ipsecd-deps.log 2>&1 \
    || { tail -20 /tmp/ipsecd-deps.log; echo "deps: apt-get install failed" >&2; exit 2; }
fi
case "${1:-all}" in lab|all) { fetch_resolved && fetch_libreswan; } || exit 2 ;; esac
exit 0
