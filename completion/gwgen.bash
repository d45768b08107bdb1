# SPDX-License-Identifier: MIT
# Bash completion for gwgen(1): commands, options, their values, profile names.
#
# Installed as PREFIX/share/bash-completion/completions/gwgen, where
# bash-completion loads it on first use; or source it from ~/.bashrc.
# Needs nothing beyond bash itself (bash-completion's helpers are not used).
#
# Profile names come from 'gwgen list' run with the command being completed,
# so they follow gwgen's own search path ($GWGEN_PROFILE_PATH, ./profiles,
# the installed profiles). When that command cannot run, the directories of
# $GWGEN_PROFILE_PATH, ./profiles and PREFIX/share/gwgen/profiles (PREFIX
# taken from where gwgen is installed) are read directly.

# The commands (first word) and the options of each mode, as in 'gwgen --help'.
_gwgen_commands='generate verify check list render schema init plan rules'
_gwgen_common_options='--format --color --strict -v --verbose -q --quiet
	-h --help -V --version'
_gwgen_profile_options='-p --profile --all -o --out -T --templates'
_gwgen_mode_options='--verify-only --check --list --diff --template'
_gwgen_render_options='-p --partials -e --escape --strict --format -h --help'
_gwgen_schema_options='-o --out -h --help'
_gwgen_init_options='-e --engine -r --region --from -o --out -f --force
	--format -h --help'
_gwgen_plan_options='-p --profile -o --out --template --format -h --help'
# The diagnostics formats, and plan's.
_gwgen_formats='text json github sarif'
_gwgen_plan_formats='text markdown json sarif'
# The engines of 'gwgen init --engine' (the profile's 'engine:').
_gwgen_engines='nextflow nextstrain snakemake miniwdl none'

# Reply with the words of $1 that start with $2 (one per COMPREPLY entry).
_gwgen_reply_words()
{
	local w
	for w in $1; do
		[[ $w == "$2"* ]] && COMPREPLY+=("$w")
	done
}

# Reply with directories (and, with $2 = files, also files) matching $1.
_gwgen_reply_paths()
{
	local IFS=$'\n' p
	if [[ $2 == files ]]; then
		for p in $(compgen -f -- "$1"); do
			if [[ -d $p ]]; then
				COMPREPLY+=("$p/")
			else
				COMPREPLY+=("$p")
			fi
		done
	else
		for p in $(compgen -d -- "$1"); do
			COMPREPLY+=("$p/")
		done
	fi
	# A directory completes to "DIR/": let the user go on typing in it.
	if ((${#COMPREPLY[@]} == 1)) && [[ ${COMPREPLY[0]} == */ ]]; then
		compopt -o nospace 2>/dev/null
	fi
}

# Print the names of the profiles on the search path, one per line.
_gwgen_profile_names()
{
	local cmd=$1 names d f IFS=$' \t\n'
	# A literal "~/bin/gwgen" on the command line: expand the tilde.
	[[ $cmd == \~/* ]] && cmd=$HOME/${cmd:2}
	if names=$("$cmd" list 2>/dev/null) && [[ -n $names ]]; then
		while read -r f _; do
			printf '%s\n' "$f"
		done <<<"$names"
		return
	fi
	local bin
	local -a dirs=()
	bin=$(type -P -- "$cmd" 2>/dev/null)
	[[ -n $GWGEN_PROFILE_PATH ]] &&
		IFS=: read -r -a dirs <<<"$GWGEN_PROFILE_PATH"
	dirs+=(profiles)
	[[ -n $bin ]] && dirs+=("${bin%/*}/../share/gwgen/profiles")
	for d in "${dirs[@]}"; do
		[[ -n $d && -d $d ]] || continue
		for f in "$d"/*.yaml; do
			[[ -f $f ]] || continue
			f=${f##*/}
			# Hidden files and base profiles (_NAME.yaml, for
			# extends: only), as 'gwgen list' leaves them out.
			[[ $f == [._]* ]] || printf '%s\n' "${f%.yaml}"
		done
	done
}

# --profile's value: a NAME, a FILE.yaml or a DIR/.
_gwgen_reply_profile()
{
	local cur=$1 cmd=$2 IFS=$'\n' n
	if [[ $cur == */* || $cur == .* || $cur == "~"* ]]; then
		local p
		for p in $(compgen -f -- "$cur"); do
			if [[ -d $p ]]; then
				COMPREPLY+=("$p/")
			elif [[ $p == *.yaml ]]; then
				COMPREPLY+=("$p")
			fi
		done
		if ((${#COMPREPLY[@]} == 1)) && [[ ${COMPREPLY[0]} == */ ]]; then
			compopt -o nospace 2>/dev/null
		fi
		return
	fi
	for n in $(_gwgen_profile_names "$cmd" | sort -u); do
		[[ $n == "$cur"* ]] && COMPREPLY+=("$n")
	done
}

# Complete the words of 'gwgen render ...' (its own option set).
_gwgen_render()
{
	local cur=$1 opt=$2
	case $opt in
	-p | --partials)
		_gwgen_reply_paths "$cur" dirs
		return
		;;
	-e | --escape)
		_gwgen_reply_words 'html json yaml shell none' "$cur"
		return
		;;
	--format)
		_gwgen_reply_words "$_gwgen_formats" "$cur"
		return
		;;
	esac
	if [[ $cur == -* ]]; then
		_gwgen_reply_words "$_gwgen_render_options" "$cur"
	else
		_gwgen_reply_paths "$cur" files
	fi
}

# Complete the words of 'gwgen schema ...' and 'gwgen init ...' ($3).
_gwgen_schema_init()
{
	local cur=$1 opt=$2 command=$3
	case $command:$opt in
	*:-o | *:--out)
		_gwgen_reply_paths "$cur" files
		return
		;;
	init:-e | init:--engine)
		_gwgen_reply_words "$_gwgen_engines" "$cur"
		return
		;;
	init:--from)
		_gwgen_reply_profile "$cur" "${COMP_WORDS[0]}"
		return
		;;
	init:-r | init:--region)
		return
		;;
	init:--format)
		_gwgen_reply_words "$_gwgen_formats" "$cur"
		return
		;;
	esac
	if [[ $cur == -* && $command == schema ]]; then
		_gwgen_reply_words "$_gwgen_schema_options" "$cur"
	elif [[ $cur == -* ]]; then
		_gwgen_reply_words "$_gwgen_init_options" "$cur"
	fi
}

# Complete the words of 'gwgen plan ...': --profile NAME [-o DIR], or
# --template OLD NEW.
_gwgen_plan()
{
	local cur=$1 opt=$2
	case $opt in
	-p | --profile)
		_gwgen_reply_profile "$cur" "${COMP_WORDS[0]}"
		return
		;;
	-o | --out)
		_gwgen_reply_paths "$cur" dirs
		return
		;;
	--format)
		_gwgen_reply_words "$_gwgen_plan_formats" "$cur"
		return
		;;
	esac
	if [[ $cur == -* ]]; then
		_gwgen_reply_words "$_gwgen_plan_options" "$cur"
	else
		_gwgen_reply_paths "$cur" files
	fi
}

# Complete the value of option $1 (the word so far: $2; $3 set when it
# follows an '='). Fails when $1 takes no value, so options may follow.
_gwgen_option_value()
{
	local opt=$1 cur=$2 attached=$3
	case $opt in
	-p | --profile)
		_gwgen_reply_profile "$cur" "${COMP_WORDS[0]}"
		return 0
		;;
	-o | --out | -T | --templates)
		_gwgen_reply_paths "$cur" dirs
		return 0
		;;
	--all)
		# '--all=DIR' or '--all DIR'; the value is optional, so an
		# option may follow '--all' instead.
		if [[ -n $attached || $cur != -* ]]; then
			_gwgen_reply_paths "$cur" dirs
			return 0
		fi
		;;
	--template)
		_gwgen_reply_paths "$cur" files
		return 0
		;;
	--format)
		_gwgen_reply_words "$_gwgen_formats" "$cur"
		return 0
		;;
	--color)
		_gwgen_reply_words 'auto always never' "$cur"
		return 0
		;;
	esac

	return 1
}

_gwgen()
{
	COMPREPLY=()
	local cword=$COMP_CWORD
	local cur=${COMP_WORDS[cword]} prev=
	((cword > 0)) && prev=${COMP_WORDS[cword - 1]}

	# "--format=j": bash splits at '=' (COMP_WORDBREAKS), giving the words
	# "--format" "=" "j"; take the option name from before the '='.
	# 'attached' is set when the value follows an '='.
	local opt='' attached='' inword=''
	if [[ $cur == = ]]; then
		opt=$prev attached=1 cur=
	elif [[ $prev == = ]] && ((cword > 1)); then
		opt=${COMP_WORDS[cword - 2]} attached=1
	elif [[ $cur == --*=* ]]; then
		# COMP_WORDBREAKS without '=': the value is part of the word.
		opt=${cur%%=*} attached=1 inword=1 cur=${cur#*=}
	elif [[ $prev == -* && $prev != --*=* ]]; then
		opt=$prev
	fi

	# The command, if the first argument names one.
	local command=
	if ((cword > 1)); then
		case ${COMP_WORDS[1]} in
		generate | verify | check | list | render | schema | init | plan | rules)
			command=${COMP_WORDS[1]}
			;;
		esac
	fi

	if [[ $command == render ]]; then
		_gwgen_render "$cur" "$opt"
		[[ -z $inword ]] || COMPREPLY=("${COMPREPLY[@]/#/$opt=}")
		return 0
	fi

	if [[ $command == plan ]]; then
		_gwgen_plan "$cur" "$opt"
		[[ -z $inword ]] || COMPREPLY=("${COMPREPLY[@]/#/$opt=}")
		return 0
	fi

	if [[ $command == rules ]]; then
		return 0
	fi

	if [[ $command == schema || $command == init ]]; then
		_gwgen_schema_init "$cur" "$opt" "$command"
		[[ -z $inword ]] || COMPREPLY=("${COMPREPLY[@]/#/$opt=}")
		return 0
	fi

	if _gwgen_option_value "$opt" "$cur" "$attached"; then
		# The value was part of the word ("--out=DIR" without '=' in
		# COMP_WORDBREAKS): keep "--out=" in front of each reply.
		if [[ -n $inword ]]; then
			COMPREPLY=("${COMPREPLY[@]/#/$opt=}")
		fi
		return 0
	fi

	if ((cword == 1)) && [[ $cur != -* ]]; then
		_gwgen_reply_words "$_gwgen_commands" "$cur"
		return 0
	fi

	if [[ $cur == -* ]]; then
		local options
		case $command in
		verify)
			options="$_gwgen_profile_options --template"
			;;
		check)
			options="$_gwgen_profile_options --diff"
			;;
		list)
			options=
			;;
		*)
			options="$_gwgen_profile_options $_gwgen_mode_options"
			;;
		esac
		_gwgen_reply_words "$options $_gwgen_common_options" "$cur"
	fi
	return 0
}

complete -F _gwgen gwgen
