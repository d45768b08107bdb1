# SPDX-License-Identifier: MIT
# Fish completion for gwgen(1): commands, options, their values, profile names.
#
# Installed as PREFIX/share/fish/vendor_completions.d/gwgen.fish, where fish
# loads it on first use; or copy it to ~/.config/fish/completions/.
# Profile names come from 'gwgen list' (gwgen's own search path).

# The profiles on the search path, one name per line.
function __gwgen_profiles
    set -l cmd (commandline -opc)[1]
    command -q -- $cmd; or return 0
    command $cmd list 2>/dev/null | string replace -r '\s.*$' ''
end

# The command named by the first argument, if any.
function __gwgen_command
    set -l words (commandline -opc)
    if test (count $words) -ge 2
        switch $words[2]
            case generate verify check list render schema init plan rules
                echo $words[2]
                return 0
        end
    end
    return 1
end

# True when the word being completed is the first argument.
function __gwgen_first
    test (count (commandline -opc)) -eq 1
end

# True when the command is one of the arguments ("" for none).
function __gwgen_in
    set -l c (__gwgen_command)
    contains -- "$c" $argv
end

complete -c gwgen -f

# The commands, as in 'gwgen --help'.
complete -c gwgen -n __gwgen_first -a generate -d 'verify and write DIR/NAME/ (the default)'
complete -c gwgen -n __gwgen_first -a verify -d 'verify only, write nothing'
complete -c gwgen -n __gwgen_first -a check -d 'compare DIR/NAME/ with what gwgen generates'
complete -c gwgen -n __gwgen_first -a list -d 'list the profiles on the search path'
complete -c gwgen -n __gwgen_first -a render -d 'render a mustache template with JSON data'
complete -c gwgen -n __gwgen_first -a schema -d "print the profile format's JSON Schema"
complete -c gwgen -n __gwgen_first -a init -d 'write a commented starter profile'
complete -c gwgen -n __gwgen_first -a plan -d 'what a change does in AWS: replacements, data at risk, IAM broadened'
complete -c gwgen -n __gwgen_first -a rules -d 'print the rule book'

# generate, verify, check and list (and no command).
set -l main '__gwgen_in "" generate verify check list'
complete -c gwgen -n $main -s p -l profile -r -F -a '(__gwgen_profiles)' -d 'a profile name, a .yaml file or a DIR/'
complete -c gwgen -n $main -l all -d 'every profile in DIR, or on the search path'
complete -c gwgen -n $main -s o -l out -x -a '(__fish_complete_directories)' -d 'output directory (default: out)'
complete -c gwgen -n $main -s T -l templates -x -a '(__fish_complete_directories)' -d 'use the templates in DIR'
complete -c gwgen -n $main -l verify-only -d 'verify only, write nothing'
complete -c gwgen -n $main -l check -d 'compare with DIR/NAME/'
complete -c gwgen -n $main -l list -d 'list the profiles'
complete -c gwgen -n $main -l diff -d '(check) print a unified diff'
complete -c gwgen -n $main -l template -r -F -d '(verify) check a CloudFormation template file'
complete -c gwgen -n $main -l strict -d 'treat warnings as errors'
complete -c gwgen -n $main -l format -x -a 'text json github sarif' -d 'diagnostics format'
complete -c gwgen -n $main -l color -x -a 'auto always never' -d 'colour diagnostics'
complete -c gwgen -n $main -s v -l verbose -d 'name each file written or checked'
complete -c gwgen -n $main -s q -l quiet -d 'no closing line saying what was written'
complete -c gwgen -n $main -s h -l help -d 'show the help'
complete -c gwgen -n $main -s V -l version -d 'show the version'

# render TEMPLATE DATA.json
complete -c gwgen -n '__gwgen_in render' -F
complete -c gwgen -n '__gwgen_in render' -s p -l partials -x -a '(__fish_complete_directories)' -d 'partials directory'
complete -c gwgen -n '__gwgen_in render' -s e -l escape -x -a 'html json yaml shell none' -d 'escaper for {{name}}'
complete -c gwgen -n '__gwgen_in render' -l strict -d 'an undefined name is an error'
complete -c gwgen -n '__gwgen_in render' -l format -x -a 'text json github sarif' -d 'diagnostics format'
complete -c gwgen -n '__gwgen_in render' -s h -l help -d 'show the help'

# schema [-o FILE]
complete -c gwgen -n '__gwgen_in schema' -s o -l out -r -F -d 'write the schema to FILE'
complete -c gwgen -n '__gwgen_in schema' -s h -l help -d 'show the help'

# init NAME [--engine E] [--region R] [--from PROFILE] [-o FILE] [--force]
complete -c gwgen -n '__gwgen_in init' -s e -l engine -x -a 'nextflow nextstrain snakemake miniwdl none' -d 'what the starter is for'
complete -c gwgen -n '__gwgen_in init' -s r -l region -x -d 'the AWS region'
complete -c gwgen -n '__gwgen_in init' -l from -r -F -a '(__gwgen_profiles)' -d 'extend this profile instead'
complete -c gwgen -n '__gwgen_in init' -s o -l out -r -F -d "write FILE, '-' for stdout"
complete -c gwgen -n '__gwgen_in init' -s f -l force -d 'replace FILE if it exists'
complete -c gwgen -n '__gwgen_in init' -l format -x -a 'text json github sarif' -d 'diagnostics format'
complete -c gwgen -n '__gwgen_in init' -s h -l help -d 'show the help'

# plan --profile NAME [-o DIR] | --template OLD NEW [--format FORMAT]
complete -c gwgen -n '__gwgen_in plan' -F
complete -c gwgen -n '__gwgen_in plan' -s p -l profile -r -F -a '(__gwgen_profiles)' -d 'the profile to plan'
complete -c gwgen -n '__gwgen_in plan' -s o -l out -x -a '(__fish_complete_directories)' -d 'where its committed output is'
complete -c gwgen -n '__gwgen_in plan' -l template -d 'compare two template files, OLD and NEW'
complete -c gwgen -n '__gwgen_in plan' -l format -x -a 'text markdown json sarif' -d 'plan format'
complete -c gwgen -n '__gwgen_in plan' -s h -l help -d 'show the help'
