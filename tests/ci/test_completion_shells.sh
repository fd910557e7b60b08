#!/usr/bin/env bash
# The zsh and fish completion scripts (`vigil completion zsh|fish`) executed by the shells
# themselves: fish answers `complete -C` queries (commands, and every option of every
# command's --help); zsh completes in an interactive shell driven through zsh/zpty
# (compinit, then TAB after "vigil sc", "vigil scan --exit-c", "vigil db --rewr").
# zsh and fish come from scripts/deps.d/completion.txt; with CI=true a missing shell fails.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=${VIGIL:-$top/build/vigil}
fail=0
pass() { echo "PASS: completion: $1"; }
bad() { echo "FAIL: completion: $1${2:+: $2}"; fail=1; }
skip() { if [ "${CI:-}" = true ]; then bad "$1" "missing [CI=true]"; else echo "SKIP: completion: $1"; fi; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
mkdir bin && ln -s "$(readlink -f "$VIGIL")" bin/vigil
export PATH="$tmp/bin:$PATH"
cmds=$("$VIGIL" completion bash | sed -n 's/.*compgen -W "\([a-z -]*\)".*/\1/p' | head -1)
[ -n "$cmds" ] || cmds="scan sbom db convert version completion"

# ---- fish ----------------------------------------------------------------------------------
if command -v fish >/dev/null; then
    "$VIGIL" completion fish >comp.fish
    got=$(fish -N -c 'source comp.fish; complete -C "vigil sc"' 2>&1)
    [ "$got" = scan ] && pass "fish completes 'vigil sc' to scan" || bad "fish command completion" "$got"
    missing=() total=0
    for c in scan sbom db convert version; do
        want=$("$VIGIL" "$c" --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
        offered=$(fish -N -c "source comp.fish; complete -C 'vigil $c --'" 2>&1 | cut -f1)
        for o in $want; do
            total=$((total + 1))
            printf '%s\n' "$offered" | grep -qxF -- "$o" || missing+=("$c $o")
        done
    done
    [ ${#missing[@]} = 0 ] && pass "fish offers all $total options of scan, sbom, db, convert, version" ||
        bad "fish misses options" "${missing[*]:0:200}"
else
    skip "fish not installed (scripts/deps.d/completion.txt)"
fi

# ---- zsh, interactive through zpty -----------------------------------------------------------
if command -v zsh >/dev/null; then
    "$VIGIL" completion zsh >comp.zsh
    cat >drive.zsh <<'ZEOF'
zmodload zsh/zpty || exit 3
zpty z 'zsh -f -i'
zpty -w z 'PS1="> "; autoload -U compinit; compinit -u -D; source ./comp.zsh; print RE""ADY'
out=""
for i in {1..100}; do            # the shell is ready before the first TAB (typeahead is lost)
  zpty -r -t z chunk && out+=$chunk
  [[ $out == *READY* ]] && break
  sleep 0.1
done
sleep 0.2
zpty -r -t z chunk
out=""
n=0
for line in $'vigil sc\t' $'vigil scan --exit-c\t' $'vigil db --rewr\t'; do
  n=$((n + 1))
  zpty -w -n z "$line"
  zpty -w -n z $'\x15print DONE-'$n$'\n'
  for i in {1..100}; do          # bounded: at most 10 s per line
    zpty -r -t z chunk && out+=$chunk
    [[ $out == *DONE-$n$'\r'* || $out == *DONE-$n$'\n'* ]] && break
    sleep 0.1
  done
  print -r -- "$out" >seg$n
  out=""
done
zpty -d z
ZEOF
    timeout 60 zsh -f drive.zsh >zsh.out 2>&1
    # each line as zsh redrew it after TAB (escape sequences removed), one file per line
    n=0
    for w in "vigil scan" "vigil scan --exit-code" "vigil db --rewrite-url"; do
        n=$((n + 1))
        sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x08//g' "seg$n" 2>/dev/null | tr '\r' '\n' >"seg$n.txt"
        grep -qE -- "$w( |$)" "seg$n.txt" && pass "zsh completes line $n to '$w'" ||
            bad "zsh completion to '$w'" "$(tail -c 300 "seg$n.txt" | tr '\n' ' ') $(tail -c 200 zsh.out)"
    done
else
    skip "zsh not installed (scripts/deps.d/completion.txt)"
fi
exit $fail
