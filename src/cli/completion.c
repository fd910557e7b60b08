/*
 * completion.c - vigil completion bash|zsh|fish: a completion script for the shell. The
 * commands are listed here; each command's options are read from its own --help text
 * when completing, so the completion never disagrees with the help (nor with the man page,
 * generated from the same texts by scripts/gen-man.sh).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define COMMANDS                                                                                   \
	"inspect ls sbom scan pull config audit watch db serve vercmp verify version "             \
	"completion convert admission-config help"

void help_completion(void)
{
	printf("Usage: vigil completion bash|zsh|fish\n"
	       "\n"
	       "Print a completion script for the shell: commands, options (read from each\n"
	       "command's --help) and file names.\n"
	       "  bash: source <(vigil completion bash)     (or save it in\n"
	       "        /etc/bash_completion.d/vigil)\n"
	       "  zsh:  source <(vigil completion zsh)\n"
	       "  fish: vigil completion fish > ~/.config/fish/completions/vigil.fish\n"
	       "\n"
	       "Exit status: 0 success, 2 usage error.\n");
}

static const char BASH[] =
	"# bash completion for vigil (vigil completion bash)\n"
	"_vigil() {\n"
	"    local cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]:-}\n"
	"    if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
	"        COMPREPLY=($(compgen -W \"" COMMANDS "\" -- \"$cur\"))\n"
	"        return\n"
	"    fi\n"
	"    case $cur in\n"
	"    -*) COMPREPLY=($(compgen -W \"$(\"${COMP_WORDS[0]}\" \"$cmd\" --help 2>/dev/null |\n"
	"            grep -oE -- '--[a-z][a-z0-9-]*' | sort -u) --config --quiet --no-progress\" "
	"-- \"$cur\")) ;;\n"
	"    *) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
	"    esac\n"
	"}\n"
	"complete -o filenames -F _vigil vigil\n";

static const char ZSH[] =
	"#compdef vigil\n"
	"# zsh completion for vigil (vigil completion zsh)\n"
	"_vigil() {\n"
	"    if (( CURRENT == 2 )); then\n"
	"        compadd -- " COMMANDS "\n"
	"        return\n"
	"    fi\n"
	"    if [[ $PREFIX == -* ]]; then\n"
	"        compadd -- ${(f)\"$(vigil $words[2] --help 2>/dev/null |\n"
	"            grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)\"} --config --quiet --no-progress\n"
	"    else\n"
	"        _files\n"
	"    fi\n"
	"}\n"
	"if (( $+functions[compdef] )); then compdef _vigil vigil; fi\n";

static const char FISH[] =
	"# fish completion for vigil (vigil completion fish)\n"
	"function __vigil_opts\n"
	"    set -l cmd (commandline -opc)[2]\n"
	"    vigil $cmd --help 2>/dev/null | string match -ar -- '--[a-z][a-z0-9-]*' | sort -u\n"
	"    printf '%s\\n' --config --quiet --no-progress\n"
	"end\n"
	"complete -c vigil -f -n __fish_use_subcommand -a '" COMMANDS "'\n"
	"complete -c vigil -F -n 'not __fish_use_subcommand' -a '(__vigil_opts)'\n";

int cmd_completion(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		help_completion();
		return 0;
	}
	if (argc != 2)
		die_usage("completion", "give one shell: bash, zsh or fish");
	if (strcmp(argv[1], "bash") == 0)
		fputs(BASH, stdout);
	else if (strcmp(argv[1], "zsh") == 0)
		fputs(ZSH, stdout);
	else if (strcmp(argv[1], "fish") == 0)
		fputs(FISH, stdout);
	else
		die_usage("completion", "the shell must be bash, zsh or fish");
	return fflush(stdout) == 0 ? 0 : EXIT_ERR;
}
