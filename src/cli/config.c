/* config.c - vigil config: Dockerfile and Kubernetes checks (to be written). */
#include <stdio.h>

#include "cli.h"

void help_config(void)
{
	printf("Usage: vigil config PATH [options]\n");
}

int cmd_config(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	print_error("vigil config is not built yet");
	return EXIT_ERR;
}
