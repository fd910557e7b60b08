/*
 * render.c - Helm charts and Kustomize directories are not manifests until rendered:
 * `helm template DIR` and `kubectl kustomize DIR` produce them. The tool runs with a
 * bounded output and a bounded time; VIGIL_HELM / VIGIL_KUBECTL name other binaries.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config/render.h"

#define RENDER_TIMEOUT_MS 120000
#define RENDER_MAX_ERR 512

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs argv with stdout captured into out (at most `max` bytes) and the first bytes of
 * stderr kept for the error message. */
static int run_capture(vigil_ctx *ctx, char *const argv[], size_t max, vigil_buf *out)
{
	int op[2] = {-1, -1}, ep[2] = {-1, -1}, status = 0, error = 0;
	char err[RENDER_MAX_ERR + 1];
	size_t errlen = 0;
	long long deadline = now_ms() + RENDER_TIMEOUT_MS;
	bool oopen = true, eopen = true, killed = false;
	pid_t pid;
	if (pipe2(op, O_CLOEXEC) < 0 || pipe2(ep, O_CLOEXEC) < 0) {
		error = vigil_error_set(ctx, VIGIL_EIO, "%s: %s", argv[0], strerror(errno));
		goto done;
	}
	if ((pid = fork()) < 0) {
		error = vigil_error_set(ctx, VIGIL_EIO, "%s: %s", argv[0], strerror(errno));
		goto done;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(op[1], 1);
		dup2(ep[1], 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(op[1]);
	close(ep[1]);
	op[1] = ep[1] = -1;
	out->limit = max + 1;
	while (oopen || eopen) {
		struct pollfd fds[2] = {{op[0], POLLIN, 0}, {ep[0], POLLIN, 0}};
		long long left = deadline - now_ms();
		char chunk[16384];
		ssize_t n;
		if (left <= 0) {
			kill(pid, SIGKILL);
			killed = true;
			break;
		}
		fds[0].fd = oopen ? op[0] : -1;
		fds[1].fd = eopen ? ep[0] : -1;
		if (poll(fds, 2, (int)(left > 1000 ? 1000 : left)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[0].revents) {
			n = read(op[0], chunk, sizeof(chunk));
			if (n <= 0)
				oopen = false;
			else if (vigil_buf_put(out, chunk, (size_t)n) < 0) {
				kill(pid, SIGKILL);
				killed = true;
				error = vigil_error_set(ctx, VIGIL_ELIMIT,
							"%s: rendered output larger than %zu bytes",
							argv[0], max);
				break;
			}
		}
		if (fds[1].revents) {
			n = read(ep[0], chunk, sizeof(chunk));
			if (n <= 0) {
				eopen = false;
			} else {
				size_t k = (size_t)n;
				if (k > RENDER_MAX_ERR - errlen)
					k = RENDER_MAX_ERR - errlen;
				memcpy(err + errlen, chunk, k);
				errlen += k;
			}
		}
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	err[errlen] = '\0';
	err[strcspn(err, "\n")] = '\0';
	if (error < 0)
		goto done;
	if (killed)
		error = vigil_error_set(ctx, VIGIL_EIO, "%s: no result within %d s", argv[0],
					RENDER_TIMEOUT_MS / 1000);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		error = vigil_error_set(ctx, VIGIL_ENOTFOUND, "%s is not installed", argv[0]);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		error = vigil_error_set(ctx, VIGIL_EIO, "%s failed: %s", argv[0],
					errlen ? err : "no message");
done:
	for (int i = 0; i < 2; i++) {
		if (op[i] >= 0)
			close(op[i]);
		if (ep[i] >= 0)
			close(ep[i]);
	}
	return error;
}

int vigil_config__render(vigil_buf *out, vigil_ctx *ctx, int kind, const char *dir, size_t max)
{
	const char *tool =
		kind == VIGIL_RENDER_HELM ? getenv("VIGIL_HELM") : getenv("VIGIL_KUBECTL");
	char *argv[4];
	if (!tool || !*tool)
		tool = kind == VIGIL_RENDER_HELM ? "helm" : "kubectl";
	argv[0] = (char *)tool;
	argv[1] = kind == VIGIL_RENDER_HELM ? "template" : "kustomize";
	argv[2] = (char *)dir;
	argv[3] = NULL;
	return run_capture(ctx, argv, max, out);
}
