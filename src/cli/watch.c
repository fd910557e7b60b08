/* watch.c - `vigil watch`: runtime detection with the eBPF sensor. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static volatile int stop_flag; /* sig_atomic_t is int on Linux */

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void help_watch(void)
{
	printf("Usage: vigil watch [OPTIONS]\n"
	       "Watch what processes and containers do (eBPF: exec, opens of system and sensitive\n"
	       "files, connects, ptrace, setuid, mount, module loads, memfd, packet sockets, "
	       "links,\n"
	       "namespaces) and print an alert for every rule that matches. Needs root.\n\n"
	       "  --rules FILE          add a rules file (repeatable; after the built-in rules)\n"
	       "  --no-builtin          do not load the built-in rules\n"
	       "  --action kill|deny|pause|none\n"
	       "                        default action of rules without `action:` (default none;\n"
	       "                        none never acts, also for rules that say kill); deny\n"
	       "                        blocks the container's egress, pause freezes it\n"
	       "  --deny-exec           guard every container: executing a file that is not in\n"
	       "                        its image fails with EPERM (fanotify)\n"
	       "  --syslog              also send every alert to syslog (facility daemon)\n"
	       "  --serve URL           also post every alert to vigil serve at URL\n"
	       "  --token-file FILE     bearer token for --serve (one line)\n"
	       "  --webhook URL         also post alerts in signed batches to URL "
	       "(X-Vigil-Signature)\n"
	       "  --webhook-secret-file FILE\n"
	       "                        HMAC-SHA256 key for --webhook (first line)\n"
	       "  --output FILE         alerts to FILE (default stdout)\n"
	       "  --format json|text    one JSON object per alert (default) or one text line\n"
	       "  --containers-only     ignore processes outside containers\n"
	       "  --self-check          list which probes and actions this kernel allows, then "
	       "exit\n"
	       "  --check-rules         load and compile the rules, list them, then exit\n"
	       "  --replay FILE         match events from FILE (JSON lines) instead of the kernel\n"
	       "  --rate N              alerts per second before rate limiting (default 100)\n"
	       "  --dedup SECONDS       print identical alerts once per window (default 10, 0 "
	       "off)\n"
	       "  --duration SECONDS    stop after this long (default: until SIGINT/SIGTERM)\n"
	       "  --runc-root DIR[:DIR] runc state roots (default /run/runc and those of\n"
	       "                        containerd and Docker below /run)\n"
	       "  --containerd-root DIR containerd's root, for images (default "
	       "/var/lib/containerd)\n"
	       "  --docker-root DIR     Docker's data root, for images (default "
	       "/var/lib/docker)\n");
}

int cmd_watch(int argc, char **argv)
{
	enum {
		O_RULES = 300,
		O_NOBUILTIN,
		O_ACTION,
		O_OUTPUT,
		O_FORMAT,
		O_CONT,
		O_SELF,
		O_CHECK,
		O_REPLAY,
		O_RATE,
		O_DEDUP,
		O_DURATION,
		O_RUNC,
		O_DENYEXEC,
		O_SYSLOG,
		O_SERVE,
		O_TOKENFILE,
		O_WEBHOOK,
		O_WEBHOOKSECRET,
		O_CTRDROOT,
		O_DOCKERROOT,
		O_HELP
	};
	static const struct option opts[] = {
		{"rules", required_argument, 0, O_RULES},
		{"no-builtin", no_argument, 0, O_NOBUILTIN},
		{"action", required_argument, 0, O_ACTION},
		{"output", required_argument, 0, O_OUTPUT},
		{"format", required_argument, 0, O_FORMAT},
		{"containers-only", no_argument, 0, O_CONT},
		{"self-check", no_argument, 0, O_SELF},
		{"check-rules", no_argument, 0, O_CHECK},
		{"replay", required_argument, 0, O_REPLAY},
		{"rate", required_argument, 0, O_RATE},
		{"dedup", required_argument, 0, O_DEDUP},
		{"duration", required_argument, 0, O_DURATION},
		{"runc-root", required_argument, 0, O_RUNC},
		{"deny-exec", no_argument, 0, O_DENYEXEC},
		{"syslog", no_argument, 0, O_SYSLOG},
		{"serve", required_argument, 0, O_SERVE},
		{"token-file", required_argument, 0, O_TOKENFILE},
		{"webhook", required_argument, 0, O_WEBHOOK},
		{"webhook-secret-file", required_argument, 0, O_WEBHOOKSECRET},
		{"containerd-root", required_argument, 0, O_CTRDROOT},
		{"docker-root", required_argument, 0, O_DOCKERROOT},
		{"help", no_argument, 0, O_HELP},
		{0, 0, 0, 0},
	};
	vigil_watch_opts o = VIGIL_WATCH_OPTS_INIT;
	const char **files = NULL;
	size_t nfiles = 0;
	const char *output = NULL, *token_file = NULL, *secret_file = NULL;
	char token[512], secret[4098];
	int builtin = 1, check = 0, c, rc = EXIT_ERR, error;
	vigil_rules *rules = NULL;
	char err[512];
	struct sigaction sa;

	if (!(files = calloc((size_t)argc + 1, sizeof(*files)))) {
		print_error("out of memory");
		return EXIT_ERR;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case O_RULES:
			files[nfiles++] = optarg;
			break;
		case O_NOBUILTIN:
			builtin = 0;
			break;
		case O_ACTION:
			if (!strcmp(optarg, "kill"))
				o.action = VIGIL_WATCH_ACTION_KILL;
			else if (!strcmp(optarg, "deny"))
				o.action = VIGIL_WATCH_ACTION_DENY;
			else if (!strcmp(optarg, "pause"))
				o.action = VIGIL_WATCH_ACTION_PAUSE;
			else if (!strcmp(optarg, "none"))
				o.action = VIGIL_WATCH_ACTION_NONE;
			else
				die_usage("watch", "--action must be kill, deny, pause or none");
			break;
		case O_OUTPUT:
			output = optarg;
			break;
		case O_FORMAT:
			if (!strcmp(optarg, "json"))
				o.format = VIGIL_WATCH_JSON;
			else if (!strcmp(optarg, "text"))
				o.format = VIGIL_WATCH_TEXT;
			else
				die_usage("watch", "--format must be json or text");
			break;
		case O_CONT:
			o.containers_only = 1;
			break;
		case O_SELF:
			o.self_check = 1;
			break;
		case O_CHECK:
			check = 1;
			break;
		case O_REPLAY:
			o.replay = optarg;
			break;
		case O_RATE:
			o.rate = (unsigned)num_arg("watch", "--rate", optarg, 0, 1000000);
			break;
		case O_DEDUP: {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (*end || end == optarg || v > 86400)
				die_usage("watch", "--dedup must be 0 to 86400 seconds");
			o.dedup_secs = (unsigned)v;
			break;
		}
		case O_DURATION: {
			char *end;
			double v = strtod(optarg, &end);
			if (*end || end == optarg || !(v > 0) || v > 1e7)
				die_usage("watch",
					  "--duration must be a positive number of seconds");
			o.duration = v;
			break;
		}
		case O_RUNC:
			o.runc_root = optarg;
			break;
		case O_DENYEXEC:
			o.deny_exec = 1;
			break;
		case O_SYSLOG:
			o.syslog = 1;
			break;
		case O_SERVE:
			o.serve_url = optarg;
			break;
		case O_TOKENFILE:
			token_file = optarg;
			break;
		case O_WEBHOOK:
			o.webhook_url = optarg;
			break;
		case O_WEBHOOKSECRET:
			secret_file = optarg;
			break;
		case O_CTRDROOT:
			o.containerd_root = optarg;
			break;
		case O_DOCKERROOT:
			o.docker_root = optarg;
			break;
		case O_HELP:
			help_watch();
			free(files);
			return 0;
		default:
			die_usage("watch", "unknown option");
		}
	}
	if (optind < argc)
		die_usage("watch", "unexpected argument");
	if (!o.serve_url != !token_file)
		die_usage("watch", "--serve and --token-file go together");
	if (token_file) {
		FILE *tf = fopen(token_file, "re");
		size_t tl;
		if (!tf || !fgets(token, sizeof(token), tf)) {
			if (tf)
				fclose(tf);
			snprintf(err, sizeof(err), "%s: cannot read the token", token_file);
			print_error(err);
			free(files);
			return EXIT_ERR;
		}
		fclose(tf);
		tl = strcspn(token, "\r\n");
		token[tl] = 0;
		if (!tl)
			die_usage("watch", "the token file is empty");
		o.serve_token = token;
	}
	if (!o.webhook_url != !secret_file)
		die_usage("watch", "--webhook and --webhook-secret-file go together");
	if (secret_file) {
		FILE *sf = fopen(secret_file, "re");
		size_t sl;
		if (!sf || !fgets(secret, sizeof(secret), sf)) {
			if (sf)
				fclose(sf);
			snprintf(err, sizeof(err), "%s: cannot read the webhook secret",
				 secret_file);
			print_error(err);
			free(files);
			return EXIT_ERR;
		}
		fclose(sf);
		sl = strcspn(secret, "\r\n");
		secret[sl] = 0;
		if (!sl)
			die_usage("watch", "the webhook secret file is empty");
		o.webhook_secret = secret;
	}
	if (o.self_check) {
		o.log = stdout;
		rc = vigil_watch_run(&o, err, sizeof(err)) < 0 ? EXIT_ERR : 0;
		free(files);
		return rc;
	}
	if ((error = vigil_rules_new(&rules)) < 0 ||
	    (builtin && (error = vigil_rules_load_builtin(rules)) < 0))
		goto fail;
	for (size_t i = 0; i < nfiles; i++)
		if ((error = vigil_rules_load_file(rules, files[i])) < 0)
			goto fail;
	if ((error = vigil_rules_compile(rules)) < 0)
		goto fail;
	if (check) {
		size_t en, n = vigil_rules_count(rules, &en);
		for (size_t i = 0; i < n; i++) {
			const char *prio;
			int on;
			const char *name = vigil_rules_name(rules, i, &prio, &on);
			printf("%-13s %-8s %s\n", prio, on ? "enabled" : "disabled", name);
		}
		vigil_rules_describe_exec(rules, stdout);
		printf("%zu rules, %zu enabled\n", n, en);
		rc = 0;
		goto out;
	}
	o.rules = rules;
	o.log = stderr;
	o.out = stdout;
	if (output && !(o.out = fopen(output, "a"))) {
		snprintf(err, sizeof(err), "%s: cannot open for writing", output);
		print_error(err);
		goto out;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	o.stop = &stop_flag;
	if (vigil_watch_run(&o, err, sizeof(err)) < 0) {
		print_error(err);
		rc = EXIT_ERR;
	} else
		rc = 0;
	if (output)
		fclose(o.out);
	goto out;
fail:
	print_error(rules && vigil_rules_error(rules)[0] ? vigil_rules_error(rules)
							 : vigil_strerror(error));
out:
	vigil_rules_free(rules);
	free(files);
	return rc;
}
