/* Internal declarations shared between libvigil modules. Not public API. */
#ifndef VIGIL_INTERNAL_H
#define VIGIL_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "util/util.h"
#include "vigil.h"

struct vigil_ctx {
	vigil_limits limits;
	int threads;
	vigil_progress_cb progress;
	void *progress_payload;
	vigil_warn_cb warn;
	void *warn_payload;
	pthread_mutex_t lock; /* guards error and warn from worker threads */
	char error[1024];
};

#endif
