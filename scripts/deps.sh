#!/bin/sh
# Installs what crossvisor needs to build and test, when missing.
# As root it runs apt-get; otherwise it prints the exact command to run.
set -u

BUILD="gcc make pkg-config libncurses-dev libvirt-dev libssh-dev libconfig-dev \
libjson-c-dev libcmocka-dev"
TEST="libvirt-daemon-system libvirt-clients qemu-system-x86 qemu-utils \
openssh-server openssh-client tmux python3 iproute2 iptables clang valgrind"

missing=""
for p in $BUILD $TEST; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" \
	    || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing:$missing" >&2
	echo "deps: run: sudo apt-get update && sudo $cmd" >&2
	exit 1
fi
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && $cmd -qq >/dev/null || {
	echo "deps: apt-get failed; run: apt-get update && $cmd" >&2
	exit 1
}
