/* audit.c - vigil audit host: CIS Docker host, daemon and container checks (to be written). */
#include <stdio.h>

#include "cli.h"

void help_audit(void)
{
	printf("Usage: vigil audit host [--root DIR] [--docker-inspect FILE] [options]\n");
}

int cmd_audit(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	print_error("vigil audit is not built yet");
	return EXIT_ERR;
}
