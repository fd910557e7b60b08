/* vercmp.c - vigil vercmp: compare versions as an ecosystem does (to be written). */
#include <stdio.h>

#include "cli.h"

int cmd_vercmp(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	print_error("vigil vercmp is not built yet");
	return EXIT_ERR;
}
