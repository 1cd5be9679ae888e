# bash completion for crossvisor(1)
#
# Completes commands, global and command options, actions, host names (from
# the configuration, through `crossvisor hosts`) and HOST/GUEST targets
# (from the fleet cache that the console and `batch` write to
# ${XDG_STATE_HOME:-~/.local/state}/crossvisor/fleet-cache, or
# fleet-cache-demo with --demo).
# Installed as $(datadir)/bash-completion/completions/crossvisor; to try it
# from a build tree: . completion/crossvisor.bash

_crossvisor_actions='start shutdown reboot reset poweroff pause resume save snapshot'
_crossvisor_commands='batch audit act hosts'
_crossvisor_globals='-c --config --demo --read-only --no-color --version -h --help'

# The state directory, as crossvisor finds it (a relative XDG_STATE_HOME is
# ignored, as the XDG specification says).
_crossvisor_state_dir()
{
    case ${XDG_STATE_HOME:-} in
        /*) printf '%s/crossvisor' "$XDG_STATE_HOME" ;;
        *) printf '%s/.local/state/crossvisor' "$HOME" ;;
    esac
}

# Adds to COMPREPLY each of the words on stdin (one a line, blanks allowed)
# that starts with $1, quoted for the shell.
_crossvisor_add()
{
    local cur=$1 w
    while IFS= read -r w; do
        [ -n "$w" ] || continue
        case $w in
            "$cur"*) COMPREPLY+=("$(printf '%q' "$w")") ;;
        esac
    done
}

_crossvisor()
{
    local cur prev words cword
    if declare -F _get_comp_words_by_ref >/dev/null; then
        _get_comp_words_by_ref -n =: cur prev words cword
    else
        words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
        cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    fi
    COMPREPLY=()

    # The command, its position, and the global options given so far
    # (passed on to `crossvisor hosts`, so -c and --demo are honoured).
    local i w cmd='' cmdi=0 demo='' cfgargs=()
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        case $w in
            -c|--config) cfgargs=(-c "${words[i+1]}"); i=$((i + 1)) ;;
            --config=*) cfgargs=("$w") ;;
            --demo) demo=--demo ;;
            -*) ;;
            *) [ -z "$cmd" ] && { cmd=$w; cmdi=$i; } ;;
        esac
    done

    case $prev in
        -c|--config)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
        --format|-f)
            COMPREPLY=($(compgen -W 'text csv json' -- "$cur"))
            return ;;
        --fail-on)
            COMPREPLY=($(compgen -W 'unsupported unknown community conditional certified' -- "$cur"))
            return ;;
        -n|-d)
            [ "$cmd" = batch ] && return ;;
    esac

    if [[ $cur == -* ]]; then
        case $cmd in
            batch) COMPREPLY=($(compgen -W "-n -d --format $_crossvisor_globals" -- "$cur")) ;;
            audit) COMPREPLY=($(compgen -W "--format --fail-on $_crossvisor_globals" -- "$cur")) ;;
            *) COMPREPLY=($(compgen -W "$_crossvisor_globals" -- "$cur")) ;;
        esac
        return
    fi

    case $cmd in
        '')
            COMPREPLY=($(compgen -W "$_crossvisor_commands" -- "$cur")) ;;
        act)
            if [ "$cword" -eq $((cmdi + 1)) ]; then
                COMPREPLY=($(compgen -W "$_crossvisor_actions" -- "$cur"))
                return
            fi
            local hosts cache h
            hosts=$(crossvisor "${cfgargs[@]}" $demo hosts 2>/dev/null)
            cache=$(_crossvisor_state_dir)/fleet-cache${demo:+-demo}
            if [[ $cur != */* ]]; then
                # Host names first: HOST/ then the guests of that host.
                _crossvisor_add "$cur" < <(printf '%s/\n' $hosts)
                compopt -o nospace 2>/dev/null
            elif [ -r "$cache" ]; then
                h=${cur%%/*}
                # Only the guests of a configured host.
                case " $(echo $hosts) " in
                    *" $h "*) _crossvisor_add "$cur" <"$cache" ;;
                esac
            fi ;;
    esac
    if declare -F __ltrim_colon_completions >/dev/null; then
        __ltrim_colon_completions "$cur"
    fi
}
complete -F _crossvisor crossvisor
