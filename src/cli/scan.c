/* scan.c - vigil scan: every scanner on one image, reports and gates (being written). */
#include <stdio.h>

#include "cli.h"

void help_scan(void)
{
	printf("Usage: vigil scan IMAGE [options]\n");
}

int cmd_scan(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	print_error("vigil scan is not built yet");
	return EXIT_ERR;
}
