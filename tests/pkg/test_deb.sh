#!/bin/bash
# tests/pkg/test_deb.sh -- build the Debian package and prove that it
# installs and runs on a clean Debian 12 tree.
#
#   1. copies the tracked (and new, not ignored) files of the checkout to
#      build/pkg/crossvisor-VERSION and runs `dpkg-buildpackage -us -uc -b`
#      there (the .deb lands in build/pkg/, never beside the checkout);
#   2. makes a minimal Debian 12 tree with debootstrap once, kept as
#      build/chroot/bookworm-base.tar (delete it to start over), and unpacks
#      a fresh copy of it in build/chroot/root for every run;
#   3. inside that tree (chroot, in a private mount namespace so that no
#      mount outlives the test): dpkg -i the package, apt-get -f install its
#      dependencies, install man-db, then checks `crossvisor --version`,
#      `man crossvisor`, `man 5 crossvisor.conf` and
#      `crossvisor --demo batch -n 1`.
#
# Needs root, network access to a Debian mirror, debootstrap and the build
# dependencies (debian/control). Not part of `make check` (it takes minutes
# and the network); run it with `make check-deb`.
# Environment: DEB_MIRROR overrides the mirror, which is otherwise the
# Debian 12 mirror of this machine's own apt sources.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build
fail=0
t0=$(date +%s)

say()  { printf '%s\n' "deb: $*"; }
ok()   { printf 'ok: %s\n' "$*"; }
bad()  { printf 'FAIL: %s\n' "$*" >&2; fail=$((fail + 1)); }
die()  { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
lap()  { say "$1 ($(( $(date +%s) - t0 )) s so far)"; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot)"
for c in dpkg-buildpackage debootstrap unshare chroot tar; do
    command -v "$c" >/dev/null || die "missing $c (apt-get install dpkg-dev debhelper debootstrap)"
done

# The mirror that serves bookworm in this machine's apt sources (deb822 or
# one-line format), so the test reaches no other server.
mirror() {
    if [ -n "${DEB_MIRROR:-}" ]; then echo "$DEB_MIRROR"; return; fi
    awk '
        /^URIs:/ { uri = $2 }
        /^Suites:/ && / bookworm( |$)/ && uri != "" { print uri; exit }
        /^$/ { uri = "" }
        /^deb / && $3 == "bookworm" { print $2; exit }
    ' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -n1
}
MIRROR=$(mirror)
[ -n "$MIRROR" ] || die "no bookworm mirror in the apt sources; set DEB_MIRROR"

# ---- 1. the package ----
version=$(sed -n '1s/^crossvisor (\([^)]*\)).*/\1/p' "$root/debian/changelog")
src=$build/pkg/crossvisor-$version
rm -rf "$build/pkg"
mkdir -p "$src"
(cd "$root" && git ls-files -co --exclude-standard -z |
    xargs -0 tar cf - --no-recursion) | tar xf - -C "$src"
say "building crossvisor $version in $src"
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$build/pkg/build.log" 2>&1; then
    tail -n 30 "$build/pkg/build.log" >&2
    die "dpkg-buildpackage failed (log: build/pkg/build.log)"
fi
deb=$(ls "$build"/pkg/crossvisor_"$version"_*.deb)
ok "dpkg-buildpackage built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"
lap "package built"

# ---- 2. a clean Debian 12 ----
base=$build/chroot/bookworm-base.tar
tree=$build/chroot/root
mkdir -p "$build/chroot"
if [ ! -s "$base" ]; then
    say "debootstrap bookworm from $MIRROR (once; kept in build/chroot)"
    rm -rf "$build/chroot/base"
    debootstrap --variant=minbase bookworm "$build/chroot/base" "$MIRROR" \
        >"$build/chroot/debootstrap.log" 2>&1 ||
        die "debootstrap failed (log: build/chroot/debootstrap.log)"
    tar cf "$base.tmp" -C "$build/chroot/base" . && mv "$base.tmp" "$base"
    rm -rf "$build/chroot/base"
    lap "base tree made"
fi
rm -rf "$tree"
mkdir -p "$tree"
tar xf "$base" -C "$tree"
cp "$deb" "$tree/tmp/"
cp /etc/resolv.conf "$tree/etc/resolv.conf" 2>/dev/null || true
# As an installed system has it (debootstrap writes none): libvirt logs a
# warning on every connection when the host name does not resolve.
printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n' "$(uname -n)" >"$tree/etc/hosts"

# ---- 3. install and run, in the tree ----
cat >"$tree/tmp/inside.sh" <<INSIDE
#!/bin/sh
set -e
export DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin
apt-get -q update >/tmp/apt.log 2>&1
# dpkg -i stops on the missing dependencies; apt-get -f install brings them.
dpkg -i /tmp/$(basename "$deb") >/tmp/dpkg.log 2>&1 || true
apt-get -q -y -f install >>/tmp/apt.log 2>&1
apt-get -q -y install --no-install-recommends man-db >>/tmp/apt.log 2>&1
dpkg -s crossvisor | sed -n 's/^Status: /status: /p'
echo "--- version"
crossvisor --version
echo "--- man"
MANPAGER=cat MANWIDTH=80 man crossvisor 2>&1 | head -n 5
echo "--- man5"
MANPAGER=cat MANWIDTH=80 man 5 crossvisor.conf 2>&1 | head -n 3
echo "--- batch"
cd /tmp && HOME=/tmp crossvisor --demo batch -n 1 --format json
echo "--- files"
ls /usr/share/bash-completion/completions/crossvisor \
    /usr/libexec/crossvisor/hvsim /usr/share/crossvisor/demo
INSIDE
chmod 755 "$tree/tmp/inside.sh"
say "installing in $tree"
out=$build/chroot/inside.out
rc=0
unshare -m --propagation private -- sh -c '
    t=$1
    mount -t proc proc "$t/proc"
    mount --rbind /dev "$t/dev"
    mount -t tmpfs tmpfs "$t/run"
    exec chroot "$t" /tmp/inside.sh' sh "$tree" >"$out" 2>&1 || rc=$?
lap "installed and ran"
if [ "$rc" -ne 0 ]; then
    cat "$out" >&2
    tail -n 20 "$tree/tmp/apt.log" "$tree/tmp/dpkg.log" >&2 2>/dev/null
    die "the run in the tree exited $rc"
fi

section() { awk -v s="--- $1" '$0 == s { on = 1; next } /^--- / { on = 0 } on' "$out"; }
grep -q '^status: install ok installed' "$out" &&
    ok "dpkg -i + apt-get -f install: crossvisor installed" ||
    bad "crossvisor not installed: $(head -n 3 "$out")"
v=$(section version)
[ "$v" = "crossvisor $version" ] && ok "crossvisor --version: $v" ||
    bad "crossvisor --version printed '$v'"
section man | grep -q 'CROSSVISOR(1)' && ok "man crossvisor renders" ||
    bad "man crossvisor: $(section man | head -n 2)"
section man5 | grep -q 'CROSSVISOR.CONF(5)' && ok "man 5 crossvisor.conf renders" ||
    bad "man 5 crossvisor.conf: $(section man5 | head -n 2)"
b=$(section batch)
case $b in
    *'"demo":true'*'"hv-lab"'*) n=$(printf '%s' "$b" | grep -o '"host":"' | wc -l)
        ok "crossvisor --demo batch -n 1: one JSON line, $n guests" ;;
    *) bad "crossvisor --demo batch -n 1 printed: $(printf '%s' "$b" | head -c 300)" ;;
esac
[ "$(section files | wc -l)" -ge 3 ] && ok "completion, hvsim and demo files installed" ||
    bad "installed files: $(section files)"

say "total $(( $(date +%s) - t0 )) s"
[ "$fail" -eq 0 ] || exit 1
echo "test_deb: all checks passed"
