#!/bin/bash
# tests/docs/test_install.sh -- make install / make uninstall, as a packager
# and as a user would run them, in a copy of the tree (the build of the
# checkout keeps its own paths):
#   1. make install DESTDIR=STAGE PREFIX=/usr: every file where it belongs;
#      the staged binary runs the demo from the staged data; the staged man
#      pages render; make uninstall leaves no file behind;
#   2. make install PREFIX=DIR (a real prefix): `crossvisor --demo batch -n 1`
#      from DIR/bin with the data of DIR/share, from outside the tree.
set -u
cd "$(dirname "$0")/../.."
root=$PWD

fail=0
ok()  { printf 'ok: %s\n' "$*"; }
bad() { printf 'FAIL: %s\n' "$*" >&2; fail=$((fail + 1)); }

T=$(mktemp -d "${TMPDIR:-/tmp}/cv-install.XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/src" "$T/home"
git ls-files -co --exclude-standard -z | xargs -0 tar cf - --no-recursion | tar xf - -C "$T/src"

# demo_ok BIN: the installed demo answers with its four hosts up.
demo_ok() {
    local out
    out=$(cd / && HOME=$T/home XDG_STATE_HOME=$T/home/state timeout 60 "$1" --demo batch -n 1 --format json 2>"$T/demo.err")
    case $out in
        *'"demo":true'*) ;;
        *) echo "no demo JSON: $(head -c 200 "$T/demo.err")"; return 1 ;;
    esac
    n=$(printf '%s' "$out" | grep -o '"state":"up"' | wc -l)
    [ "$n" -eq 4 ] || { echo "$n of 4 demo hosts up: $(head -c 300 <<<"$out")"; return 1; }
}

# ---- 1. DESTDIR, PREFIX=/usr ----
S=$T/stage
if make -C "$T/src" -s -j2 install DESTDIR="$S" PREFIX=/usr >"$T/install.log" 2>&1; then
    ok "make install DESTDIR=STAGE PREFIX=/usr"
else
    tail -n 20 "$T/install.log" >&2
    bad "make install DESTDIR=STAGE PREFIX=/usr failed"
fi
want="usr/bin/crossvisor
usr/libexec/crossvisor/hvsim
usr/share/bash-completion/completions/crossvisor
usr/share/crossvisor/certifications.conf
usr/share/crossvisor/crossvisor.conf.example
usr/share/man/man1/crossvisor.1
usr/share/man/man5/crossvisor.conf.5"
for f in demo/*; do want="$want
usr/share/crossvisor/$f"; done
for f in themes/*.theme; do [ -f "$f" ] && want="$want
usr/share/crossvisor/$f"; done
missing=$(comm -23 <(sort <<<"$want") <(cd "$S" && find . -type f | sed 's|^\./||' | sort))
[ -z "$missing" ] && ok "installed: $(wc -l <<<"$want") files where they belong" ||
    bad "not installed: $(echo $missing)"
[ -x "$S/usr/bin/crossvisor" ] && [ -x "$S/usr/libexec/crossvisor/hvsim" ] &&
    ok "crossvisor and hvsim are executable" || bad "crossvisor or hvsim not executable"
if r=$(demo_ok "$S/usr/bin/crossvisor"); then
    ok "the staged crossvisor --demo batch -n 1 finds the staged demo: 4 hosts up"
else
    bad "staged demo: $r"
fi
[ "$("$S/usr/bin/crossvisor" --version)" = "crossvisor $(sed -n 's/^VERSION[[:space:]]*=[[:space:]]*//p' Makefile)" ] &&
    ok "crossvisor --version: $("$S/usr/bin/crossvisor" --version)" || bad "--version: $("$S/usr/bin/crossvisor" --version)"
if command -v man >/dev/null; then
    m=$(MANPATH=$S/usr/share/man MANWIDTH=80 man crossvisor 2>&1 | head -n 1)
    case $m in *'CROSSVISOR(1)'*) ok "man crossvisor finds the staged page (MANPATH)" ;;
        *) bad "man crossvisor with MANPATH: $m" ;; esac
fi
make -C "$T/src" -s uninstall DESTDIR="$S" PREFIX=/usr >>"$T/install.log" 2>&1 ||
    bad "make uninstall failed"
left=$(cd "$S" && find . -type f | sed 's|^\./||')
[ -z "$left" ] && ok "make uninstall DESTDIR=STAGE PREFIX=/usr removes every file" ||
    bad "left after make uninstall: $(echo $left)"

# ---- 2. a real PREFIX ----
P=$T/prefix
if make -C "$T/src" -s -j2 install PREFIX="$P" >>"$T/install.log" 2>&1; then
    ok "make install PREFIX=DIR"
    if r=$(demo_ok "$P/bin/crossvisor"); then
        ok "DIR/bin/crossvisor --demo batch -n 1 finds DIR/share/crossvisor: 4 hosts up"
    else
        bad "installed demo: $r"
    fi
    make -C "$T/src" -s uninstall PREFIX="$P" >>"$T/install.log" 2>&1
    left=$(find "$P" -type f)
    [ -z "$left" ] && ok "make uninstall PREFIX=DIR removes every file" ||
        bad "left after make uninstall: $(echo $left)"
else
    tail -n 20 "$T/install.log" >&2
    bad "make install PREFIX=DIR failed"
fi

[ "$fail" -eq 0 ] || { echo "test_install: $fail check(s) failed" >&2; exit 1; }
echo "test_install: all checks passed"
