/*
 * admission.c - `vigil admission-config --service NS/NAME`: prints the
 * ValidatingWebhookConfiguration that points the Kubernetes API server at the
 * admission webhook of `vigil serve` (docs/admission.md).
 */
#include <errno.h>
#include <getopt.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util/util.h"
#include "cli.h"

void help_admission(void)
{
	printf("Usage: vigil admission-config --service NAMESPACE/NAME [options]\n"
	       "\n"
	       "Print a ValidatingWebhookConfiguration (YAML) that sends Pods and workloads\n"
	       "(Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job,\n"
	       "CronJob) to POST /k8s/admission of a `vigil serve` behind the Service\n"
	       "NAMESPACE/NAME. kube-system and the Service's namespace are excluded by a\n"
	       "namespaceSelector. Apply it with kubectl apply -f -. See docs/admission.md.\n"
	       "\n"
	       "Options:\n"
	       "  --service NS/NAME     the Service in front of vigil serve (required)\n"
	       "  --ca-file FILE        the CA (PEM) that signed the server's --tls-cert; its\n"
	       "                        base64 becomes caBundle\n"
	       "  --port N              the Service port (default 443)\n"
	       "  --name NAME           the configuration's name (default vigil)\n"
	       "  --failure-policy P    Fail (default) or Ignore when vigil cannot answer\n"
	       "  --timeout SEC         timeoutSeconds, 1 to 30 (default 10)\n"
	       "  --exclude-namespace NS  also exclude NS (repeat)\n"
	       "\n"
	       "Exit status: 0, 2 error.\n");
}

/* A DNS-1123 label: lower case letters, digits and '-', 1 to 63 characters. */
static int label_ok(const char *s, size_t n)
{
	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

/* The file's bytes in base64 (malloc'd), or NULL with the reason printed. */
static char *base64_file(const char *path)
{
	FILE *f = vigil_fopen_regular(path);
	vigil_buf b = VIGIL_BUF_INIT;
	char *out = NULL;
	int error;
	if (!f) {
		fprintf(stderr, "vigil: error: cannot read %s: %s\n", path,
			vigil_open_strerror(errno));
		return NULL;
	}
	b.limit = 1 << 20;
	error = vigil_buf_fread_all(&b, f);
	fclose(f);
	if (error < 0 || !memmem(b.data, b.len, "-----BEGIN CERTIFICATE-----", 27))
		fprintf(stderr, "vigil: error: %s is not a PEM certificate (at most 1 MiB)\n",
			path);
	else if ((out = malloc(4 * ((b.len + 2) / 3) + 1)))
		EVP_EncodeBlock((unsigned char *)out, b.data, (int)b.len);
	vigil_buf_free(&b);
	return out;
}

int cmd_admission_config(int argc, char **argv)
{
	enum { O_SERVICE = 300, O_CA, O_PORT, O_NAME, O_FAIL, O_TIMEOUT, O_EXCLUDE };
	static const struct option opts[] = {
		{"service", required_argument, NULL, O_SERVICE},
		{"ca-file", required_argument, NULL, O_CA},
		{"port", required_argument, NULL, O_PORT},
		{"name", required_argument, NULL, O_NAME},
		{"failure-policy", required_argument, NULL, O_FAIL},
		{"timeout", required_argument, NULL, O_TIMEOUT},
		{"exclude-namespace", required_argument, NULL, O_EXCLUDE},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	const char *service = NULL, *ca = NULL, *name = "vigil", *fail = "Fail";
	const char *exclude[33] = {NULL};
	int nexclude = 0, o;
	uint64_t port = 443, timeout = 10;
	optind = 1;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case O_SERVICE:
			service = optarg;
			break;
		case O_CA:
			ca = optarg;
			break;
		case O_PORT:
			port = num_arg("admission-config", "--port", optarg, 0, 65535);
			break;
		case O_NAME:
			name = optarg;
			break;
		case O_FAIL:
			if (strcmp(optarg, "Fail") && strcmp(optarg, "Ignore"))
				die_usage("admission-config", "--failure-policy: Fail or Ignore");
			fail = optarg;
			break;
		case O_TIMEOUT:
			timeout = num_arg("admission-config", "--timeout", optarg, 0, 30);
			break;
		case O_EXCLUDE:
			if (nexclude == 32 || !label_ok(optarg, strlen(optarg)))
				die_usage("admission-config",
					  "--exclude-namespace: a namespace name (at most 32)");
			exclude[nexclude++] = optarg;
			break;
		case 'h':
			help_admission();
			return 0;
		default:
			die_usage("admission-config", "unknown option");
		}
	}
	if (optind != argc)
		die_usage("admission-config", "unexpected argument");
	const char *slash = service ? strchr(service, '/') : NULL;
	if (!slash || !label_ok(service, (size_t)(slash - service)) ||
	    !label_ok(slash + 1, strlen(slash + 1)))
		die_usage("admission-config", "--service NAMESPACE/NAME (DNS labels) is required");
	if (!label_ok(name, strlen(name)))
		die_usage("admission-config", "--name: a DNS label");
	char *bundle = ca ? base64_file(ca) : NULL;
	if (ca && !bundle)
		return EXIT_ERR;
	int nsl = (int)(slash - service);
	printf("apiVersion: admissionregistration.k8s.io/v1\n"
	       "kind: ValidatingWebhookConfiguration\n"
	       "metadata:\n"
	       "  name: %s\n"
	       "webhooks:\n"
	       "  - name: %s.admission.vigil.dev\n"
	       "    admissionReviewVersions: [\"v1\"]\n"
	       "    sideEffects: None\n"
	       "    failurePolicy: %s\n"
	       "    timeoutSeconds: %u\n"
	       "    matchPolicy: Equivalent\n"
	       "    namespaceSelector:\n"
	       "      matchExpressions:\n"
	       "        - key: kubernetes.io/metadata.name\n"
	       "          operator: NotIn\n"
	       "          values: [\"kube-system\", \"%.*s\"",
	       name, name, fail, (unsigned)timeout, nsl, service);
	for (int i = 0; i < nexclude; i++)
		printf(", \"%s\"", exclude[i]);
	printf("]\n"
	       "    rules:\n"
	       "      - apiGroups: [\"\"]\n"
	       "        apiVersions: [\"v1\"]\n"
	       "        operations: [\"CREATE\", \"UPDATE\"]\n"
	       "        resources: [\"pods\", \"pods/ephemeralcontainers\", "
	       "\"replicationcontrollers\"]\n"
	       "        scope: Namespaced\n"
	       "      - apiGroups: [\"apps\"]\n"
	       "        apiVersions: [\"v1\"]\n"
	       "        operations: [\"CREATE\", \"UPDATE\"]\n"
	       "        resources: [\"deployments\", \"statefulsets\", \"daemonsets\", "
	       "\"replicasets\"]\n"
	       "        scope: Namespaced\n"
	       "      - apiGroups: [\"batch\"]\n"
	       "        apiVersions: [\"v1\"]\n"
	       "        operations: [\"CREATE\", \"UPDATE\"]\n"
	       "        resources: [\"jobs\", \"cronjobs\"]\n"
	       "        scope: Namespaced\n"
	       "    clientConfig:\n"
	       "      service:\n"
	       "        namespace: %.*s\n"
	       "        name: %s\n"
	       "        path: /k8s/admission\n"
	       "        port: %u\n",
	       nsl, service, slash + 1, (unsigned)port);
	if (bundle)
		printf("      caBundle: %s\n", bundle);
	else
		fprintf(stderr, "vigil: warning: no --ca-file: the configuration has no caBundle "
				"(the API server then trusts only its own CAs)\n");
	free(bundle);
	return 0;
}
