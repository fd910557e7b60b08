/*
 * Fuzzes the lockfile catalogers (src/lib/catalog/lock_*.c, opkg.c, composer.lock and
 * npm's lockfiles): the first byte chooses the format (modulo the table below), the
 * rest is the file. Every package reported must have a type, a name, a version and a
 * location, and its flags must be known ones.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog/lock.h"

/* Checks what a parser reports. */
static int check(const vigil_pkg *p, void *payload)
{
	(void)payload;
	if (!p->type || !p->name || !*p->name || !p->version || !*p->version || !p->location)
		abort();
	if (p->flags &
	    ~(unsigned)(VIGIL_PKG_DIRECT | VIGIL_PKG_INDIRECT | VIGIL_PKG_DEV | VIGIL_PKG_OPTIONAL))
		abort();
	if ((p->flags & VIGIL_PKG_DIRECT) && (p->flags & VIGIL_PKG_INDIRECT))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		const vigil_cataloger *c;
		const char *path;
	} runs[] = {
		{&vigil_cataloger_lock_js, "/app/pnpm-lock.yaml"},
		{&vigil_cataloger_lock_js, "/app/bun.lock"},
		{&vigil_cataloger_lock_python, "/app/poetry.lock"},
		{&vigil_cataloger_lock_python, "/app/uv.lock"},
		{&vigil_cataloger_lock_python, "/app/pdm.lock"},
		{&vigil_cataloger_lock_python, "/app/pylock.toml"},
		{&vigil_cataloger_lock_python, "/app/Pipfile.lock"},
		{&vigil_cataloger_lock_python, "/app/requirements.txt"},
		{&vigil_cataloger_lock_python, "/opt/conda/conda-meta/x-1.0-0.json"},
		{&vigil_cataloger_lock_ruby, "/app/Gemfile.lock"},
		{&vigil_cataloger_lock_rust, "/app/Cargo.lock"},
		{&vigil_cataloger_lock_go, "/app/go.mod"},
		{&vigil_cataloger_lock_go, "/app/go.sum"},
		{&vigil_cataloger_lock_dotnet, "/app/packages.lock.json"},
		{&vigil_cataloger_lock_dotnet, "/app/packages.config"},
		{&vigil_cataloger_lock_jvm, "/app/pom.xml"},
		{&vigil_cataloger_lock_jvm, "/app/gradle.lockfile"},
		{&vigil_cataloger_lock_misc, "/app/conan.lock"},
		{&vigil_cataloger_lock_misc, "/app/pubspec.lock"},
		{&vigil_cataloger_lock_misc, "/app/mix.lock"},
		{&vigil_cataloger_lock_misc, "/app/Package.resolved"},
		{&vigil_cataloger_lock_misc, "/app/Podfile.lock"},
		{&vigil_cataloger_lock_misc, "/app/renv.lock"},
		{&vigil_cataloger_lock_misc, "/app/stack.yaml.lock"},
		{&vigil_cataloger_opkg, "/usr/lib/opkg/status"},
		{&vigil_cataloger_composer, "/app/composer.lock"},
		{&vigil_cataloger_npm, "/app/yarn.lock"},
		{&vigil_cataloger_npm, "/app/package-lock.json"},
	};
	if (size < 1)
		return 0;
	size_t k = data[0] % (sizeof(runs) / sizeof(runs[0]));
	if (vigil_catalog__parse_buffer(runs[k].c, runs[k].path, data + 1, size - 1, check, NULL,
					NULL) == VIGIL_ENOMEM)
		abort(); /* issue 22: malformed input is never "out of memory" */
	return 0;
}
