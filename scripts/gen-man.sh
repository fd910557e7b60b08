#!/usr/bin/env bash
# Generates the vigil(1) man page from the help texts of the built program, so the page
# always lists the options the program accepts:  scripts/gen-man.sh build/vigil > vigil.1
# (make man writes build/vigil.1; tests/ci/test_ci.sh checks every command's options).
set -euo pipefail
vigil=${1:-build/vigil}
cmds="scan sbom inspect ls pull config audit verify db serve watch vercmp version completion convert admission-config"
# roff-escape: backslashes, and a line starting with . or ' would be a request
esc() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }
version=$("$vigil" --version | awk '{print $2}')
cat <<HEAD
.TH VIGIL 1 "" "vigil $version" "User Commands"
.SH NAME
vigil \\- container image security toolkit: vulnerabilities, secrets, malware, misconfigurations
.SH SYNOPSIS
.B vigil
.I COMMAND
.RI [ options ]
.SH DESCRIPTION
.nf
HEAD
"$vigil" help | esc
echo ".fi"
echo ".SH COMMANDS"
for c in $cmds; do
    echo ".SS \"vigil $c\""
    echo ".nf"
    "$vigil" "$c" --help | esc
    echo ".fi"
done
cat <<'TAIL'
.SH "OPTIONS OF EVERY COMMAND"
.TP
.BI \-\-config " FILE"
read default option values from FILE (default: ./vigil.yaml when it exists, or $VIGIL_CONFIG)
.TP
.B \-\-quiet, \-\-no\-progress
no progress lines on standard error
.TP
.BI \-\-timeout " DURATION"
stop with exit status 2 after DURATION (90s, 5m, 1h) for image commands
.SH ENVIRONMENT
Every long option of a command can be given as an environment variable VIGIL_ followed by
the option's name in capitals with \- as _ (\-\-exit\-code 1 is VIGIL_EXIT_CODE=1; flags take
true or false). A command-line option wins over the environment, which wins over the
config file. Long options must be spelled out in full: abbreviations are refused.
.SH FILES
.TP
.I vigil.yaml
option defaults: a mapping of option names to values (lists for repeatable options), with
optional sections per command (scan:, sbom:, ...).
.TP
.I .vigil.yaml
the scan policy (ignore rules, VEX, trust), see docs/policy.md.
.SH "EXIT STATUS"
0 success (no finding failed the gate); 1 the gate failed (\-\-fail\-on, or \-\-exit\-code 1);
N with \-\-exit\-code N; 2 any error (usage, unreadable image or database).
TAIL
