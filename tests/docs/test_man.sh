#!/bin/bash
# tests/docs/test_man.sh -- the man pages against the code, and their
# rendering. Fails when one of these is missing from the man pages:
#   * a key binding of tui/keymap.c        (crossvisor.1, a section named *KEYS*)
#   * an action of core/action.h           (crossvisor.1, ACTIONS)
#   * a config key of config/cfg_table.c   (crossvisor.conf.5, GLOBAL or HOST SETTINGS)
#   * a command, a command option          (crossvisor.1, COMMANDS and SYNOPSIS)
#   * a global option                      (crossvisor.1, GLOBAL OPTIONS)
#   * an environment variable read with getenv() anywhere in the program
#                                          (crossvisor.1, ENVIRONMENT)
# The keys, actions and config keys come from the tables themselves
# (tests/docs/names, built from them); commands and options from
# crossvisor.c. Commands, actions and options must also be in --help and in
# the bash completion. Both pages must render with `groff -ww -man` and
# `man -l` without a warning.
# A page counts a name as documented when it stands in bold (.B, .BR, \fB)
# in the section.
set -u
cd "$(dirname "$0")/../.."

fail=0
ok()  { printf 'ok: %s\n' "$*"; }
bad() { printf 'FAIL: %s\n' "$*" >&2; fail=$((fail + 1)); }

[ -x tests/docs/names ] || { echo "FAIL: tests/docs/names not built (make tests/docs/names)" >&2; exit 1; }
[ -x ./crossvisor ] || { echo "FAIL: ./crossvisor not built (make)" >&2; exit 1; }

M1=man/crossvisor.1
M5=man/crossvisor.conf.5
COMP=completion/crossvisor.bash
names=$(tests/docs/names) || { echo "FAIL: tests/docs/names failed" >&2; exit 1; }
help=$(./crossvisor --help)

# bold WORDS of SECTION-REGEX in PAGE, one a line; tag: only .TP tags
bold() { awk -v sect="$2" -f tests/docs/manwords.awk "$1" | sort -u; }
tag()  { awk -v sect="$2" -v tags=1 -f tests/docs/manwords.awk "$1" | sort -u; }

# has SET WORD: WORD is a line of SET
has() { printf '%s\n' "$1" | grep -qxF -- "$2"; }

# check WHAT SET PAGE-SECTION NAME...: each NAME must be in SET
check() {
    local what=$1 set=$2 where=$3 n missing=''
    shift 3
    for n in "$@"; do
        has "$set" "$n" || missing="$missing $n"
    done
    if [ -n "$missing" ]; then
        bad "$what missing from $where:$missing"
    else
        ok "$what: all $# in $where"
    fi
}

# ---- keys (tui/keymap.c) ----
keyset=$(bold "$M1" 'KEYS')
keys=() missing=''
while IFS= read -r k; do
    [ "$k" = - ] && continue
    keys+=("$k")
    case $k in
        Ctrl-?) c=${k#Ctrl-}
            lc=$(printf '%s' "$c" | tr 'A-Z' 'a-z')
            has "$keyset" "$k" || has "$keyset" "Ctrl-$lc" || has "$keyset" "^$c" ||
                missing="$missing $k" ;;
        *) has "$keyset" "$k" || missing="$missing $k" ;;
    esac
done < <(printf '%s\n' "$names" | awk -F'\t' '$1 == "key" { print $2 }' | sort -u)
if [ -n "$missing" ]; then
    bad "key bindings of tui/keymap.c missing from the KEYS section of $M1:$missing"
else
    ok "key bindings: all ${#keys[@]} of tui/keymap.c in the KEYS section of $M1"
fi

# ---- actions (core/action.h) ----
mapfile -t actions < <(printf '%s\n' "$names" | awk -F'\t' '$1 == "action" { print $2 }')
check "actions of core/action.h" "$(tag "$M1" '^ACTIONS$')" "ACTIONS of $M1" "${actions[@]}"
check "actions" "$(tr -s ' ' '\n' <<<"$help")" "crossvisor --help" "${actions[@]}"
check "actions" "$(grep -o "[a-z-]*" "$COMP" | sort -u)" "$COMP" "${actions[@]}"

# ---- config keys (config/cfg_table.c) ----
mapfile -t top < <(printf '%s\n' "$names" | awk -F'\t' '$1 == "config" && $2 == "top" { print $3 }')
mapfile -t hostkeys < <(printf '%s\n' "$names" | awk -F'\t' '$1 == "config" && $2 == "host" { print $3 }')
check "top-level config keys of config/cfg_table.c" "$(tag "$M5" '^GLOBAL SETTINGS$')" \
    "GLOBAL SETTINGS of $M5" "${top[@]}"
check "host config keys of config/cfg_table.c" "$(tag "$M5" '^HOST SETTINGS$')" \
    "HOST SETTINGS of $M5" "${hostkeys[@]}"

# ---- commands and their options (crossvisor.c) ----
mapfile -t cmds < <(grep -o 'strcmp(argv\[1\], "[a-z-]*")' crossvisor.c | sed 's/.*"\(.*\)".*/\1/' | sort -u)
[ "${#cmds[@]}" -ge 3 ] || bad "found only ${#cmds[@]} commands in crossvisor.c: the pattern is stale"
check "commands of crossvisor.c" "$(tag "$M1" '^COMMANDS$')" "COMMANDS of $M1" "${cmds[@]}"
check "commands" "$(bold "$M1" '^SYNOPSIS$')" "SYNOPSIS of $M1" "${cmds[@]}"
check "commands" "$(tr -s ' ' '\n' <<<"$help")" "crossvisor --help" "${cmds[@]}"
check "commands" "$(grep -o "[a-z-]*" "$COMP" | sort -u)" "$COMP" "${cmds[@]}"

# The options of each cmd_NAME function: getopt's letters and longopts.
cmdopts=()
for c in "${cmds[@]}"; do
    body=$(awk -v f="cmd_$c(" 'index($0, f) == 1 { on = 1 } on { print } on && /^}/ { exit }' crossvisor.c)
    for o in $(printf '%s\n' "$body" | grep -o '{ "[a-z-]*", [a-z_]*_argument' | sed 's/{ "\([^"]*\)".*/--\1/'); do
        cmdopts+=("$o")
    done
    for s in $(printf '%s\n' "$body" | grep -o 'getopt_long(argc, argv, "[^"]*"' | sed 's/.*"\(.*\)"/\1/' | tr -d ':' | fold -w1); do
        cmdopts+=("-$s")
    done
done
mapfile -t cmdopts < <(printf '%s\n' "${cmdopts[@]}" | sort -u)
check "command options of crossvisor.c" "$(tag "$M1" '^COMMANDS$')" "COMMANDS of $M1" "${cmdopts[@]}"
check "command options" "$(grep -o -- "-[a-z-]*" "$COMP" | sort -u)" "$COMP" \
    $(printf '%s\n' "${cmdopts[@]}" | grep -- '^--')

# ---- global options (take_globals in crossvisor.c) ----
mapfile -t globals < <(awk '/^take_globals\(/ { on = 1 } on { print } on && /^}/ { exit }' crossvisor.c |
    grep -o 'strn\?cmp(a, "-[^"]*"' | sed 's/.*"\(.*\)"/\1/; s/=$//' | grep -vx -- '--' | sort -u)
[ "${#globals[@]}" -ge 5 ] || bad "found only ${#globals[@]} global options in crossvisor.c: the pattern is stale"
check "global options of crossvisor.c" "$(tag "$M1" '^GLOBAL OPTIONS$')" "GLOBAL OPTIONS of $M1" "${globals[@]}"
check "global options" "$(grep -o -- "-[a-z-]*" <<<"$help" | sort -u)" "crossvisor --help" "${globals[@]}"
check "global options" "$(grep -o -- "-[a-z-]*" "$COMP" | sort -u)" "$COMP" "${globals[@]}"

# ---- environment (getenv anywhere in the program) ----
mapfile -t envs < <(grep -ho 'getenv("[A-Za-z_]*")' crossvisor.c core/*.c config/*.c backends/*.c tui/*.c |
    sed 's/.*"\(.*\)".*/\1/' | sort -u)
check "environment variables read by the program" "$(tag "$M1" '^ENVIRONMENT$')" \
    "ENVIRONMENT of $M1" "${envs[@]}"

# ---- rendering ----
for page in "$M1" "$M5"; do
    w=$(groff -ww -man -Tutf8 -z "$page" 2>&1)
    [ -z "$w" ] && ok "groff -ww -man $page: no warning" ||
        bad "groff -ww -man $page warns: $(head -n 3 <<<"$w")"
    if command -v man >/dev/null; then
        w=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
        rc=$?
        [ "$rc" -eq 0 ] && [ -z "$w" ] && ok "man -l $page: renders, no warning" ||
            bad "man -l $page (exit $rc): $(head -n 3 <<<"$w")"
    fi
done

[ "$fail" -eq 0 ] || { echo "test_man: $fail check(s) failed" >&2; exit 1; }
echo "test_man: all checks passed"
