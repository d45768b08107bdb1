#!/usr/bin/env zsh
# SPDX-License-Identifier: MIT
# Print the matches zsh's completion system offers for a command line, one per line.
#
# usage: zsh -f zsh_complete.zsh FPATH_DIR LINE
# Starts an interactive zsh on a pseudo-terminal (zsh/zpty) with FPATH_DIR
# first on $fpath and compinit run, types LINE and a Tab, and prints each
# match the completion functions add (compadd is wrapped to print them).
# The technique is zsh-capture-completion's (github.com/Valodim).
zmodload zsh/zpty || { echo 'no zsh/zpty' >&2; exit 2 }
zpty z zsh -f -i
local line init
init="$(mktemp)"
cat >"$init" <<INIT
PROMPT=
fpath=($1 \$fpath)
autoload -U compinit
compinit -u -d "$(mktemp -u)"
bindkey '^I' complete-word
null-line () { echo -E - \$'\\\\0' }
compprefuncs=( null-line )
comppostfuncs=( null-line exit )
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
compadd () {
	if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then
		builtin compadd "\$@"
		return \$?
	fi
	typeset -a __hits
	builtin compadd -A __hits "\$@"
	local h
	for h in \$__hits; do
		echo -E - "MATCH:\$h"
	done
}
echo ok
INIT
zpty -w z "source $init"
repeat 20; do
	zpty -r z line
	[[ $line == ok* ]] && break
done
shift
zpty -w z "$*"$'\t'
integer tog=0
while zpty -r z line; do
	[[ $line == *MATCH:* ]] && print -r -- "${${line#*MATCH:}%$'\r'}"
	[[ $line == *$'\0'* ]] && (( tog++ )) && (( tog >= 2 )) && break
done
rm -f "$init"
