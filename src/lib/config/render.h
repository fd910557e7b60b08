/*
 * render.h - rendering Helm charts and Kustomize directories into manifests.
 */
#ifndef VIGIL_CONFIG_RENDER_H
#define VIGIL_CONFIG_RENDER_H

#include "config/config.h"

enum { VIGIL_RENDER_HELM = 1, VIGIL_RENDER_KUSTOMIZE };

/* Runs `helm template DIR` or `kubectl kustomize DIR` and appends its output to out (at
 * most `max` bytes). VIGIL_ENOTFOUND when the tool is not installed, VIGIL_EIO when it
 * fails or takes more than two minutes (the message carries its first error line),
 * VIGIL_ELIMIT past max. */
int vigil_config__render(vigil_buf *out, vigil_ctx *ctx, int kind, const char *dir, size_t max);

#endif
