/* bench-watch: load generators for bench/watch.sh.
 *   bench-watch open N PATH       open+close PATH N times; prints ns per open
 *   bench-watch exec N            spawn+wait ourselves ("noop") N times; prints ns per exec
 *   bench-watch rate R SECS PATH  open+close PATH R times a second for SECS; prints the count
 *   bench-watch mt T SECS PATH    open+close PATH in T threads as fast as they go for SECS;
 *                                 prints "opens seconds opens_per_second"
 *   bench-watch mtns T SECS       the same with unshare(0), a no-op system call the sensor
 *                                 reports (the cheapest reported event, to push the rate)
 *   bench-watch noop              exits at once */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *mt_path; /* NULL: unshare(0) */
static double mt_end;

static void *mt_run(void *arg)
{
	long *n = arg;
	while (now() < mt_end)
		for (int i = 0; i < 100; i++) { /* the clock read once per 100 events */
			if (mt_path) {
				int fd = open(mt_path, O_RDONLY);
				if (fd >= 0)
					close(fd);
			} else
				syscall(SYS_unshare, 0);
			(*n)++;
		}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "noop"))
		return 0;
	if (argc > 3 && !strcmp(argv[1], "open")) {
		long n = atol(argv[2]);
		double t = now();
		for (long i = 0; i < n; i++) {
			int fd = open(argv[3], O_RDONLY);
			if (fd >= 0)
				close(fd);
		}
		printf("%.1f\n", (now() - t) * 1e9 / n);
		return 0;
	}
	if (argc > 2 && !strcmp(argv[1], "exec")) {
		long n = atol(argv[2]);
		char *args[] = {argv[0], "noop", NULL};
		double t = now();
		for (long i = 0; i < n; i++) {
			pid_t p;
			if (posix_spawn(&p, "/proc/self/exe", NULL, NULL, args, environ) != 0)
				return 1;
			waitpid(p, NULL, 0);
		}
		printf("%.1f\n", (now() - t) * 1e9 / n);
		return 0;
	}
	if (argc > 4 && !strcmp(argv[1], "rate")) {
		long rate = atol(argv[2]), secs = atol(argv[3]), done = 0;
		double t0 = now();
		while (now() - t0 < secs) {
			long due = (long)((now() - t0) * rate);
			for (; done < due; done++) {
				int fd = open(argv[4], O_RDONLY);
				if (fd >= 0)
					close(fd);
			}
			usleep(1000);
		}
		printf("%ld\n", done);
		return 0;
	}
	if ((argc > 4 && !strcmp(argv[1], "mt")) || (argc > 3 && !strcmp(argv[1], "mtns"))) {
		int nt = atoi(argv[2]);
		pthread_t th[64];
		long counts[64] = {0}, total = 0;
		double t0;
		if (nt < 1 || nt > 64)
			return 2;
		mt_path = strcmp(argv[1], "mt") ? NULL : argv[4];
		t0 = now();
		mt_end = t0 + atof(argv[3]);
		for (int i = 0; i < nt; i++)
			pthread_create(&th[i], NULL, mt_run, &counts[i]);
		for (int i = 0; i < nt; i++) {
			pthread_join(th[i], NULL);
			total += counts[i];
		}
		printf("%ld %.2f %.0f\n", total, now() - t0, total / (now() - t0));
		return 0;
	}
	fprintf(stderr,
		"usage: bench-watch open N PATH | exec N | rate R SECS PATH | mt T SECS PATH\n");
	return 2;
}
