/* Fuzzes the host audit's JSON checks: each input is given to the `docker inspect`
 * parser and to the daemon.json parser, and to the image checks' text rules (history
 * steps, account files, leftover paths, secret-looking names). */
#include <stdlib.h>
#include <string.h>

#include "config/host.h"
#include "config/img_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_config_result *r;
	host_daemon d;
	char err[256], *s;
	img_step st;
	img_leftover lo;
	img_acct_issue issues[8];
	if (vigil_config__result_new(&r, NULL) < 0)
		return 0;
	vigil_config__host_inspect(r, "inspect.json", (const char *)data, size, err);
	vigil_config__host_daemon(r, &d, "daemon.json", (const char *)data, size);
	vigil_config_result_free(r);
	if ((s = malloc(size + 1)) != NULL) {
		memcpy(s, data, size);
		s[size] = 0;
		vigil_config__img_step(&st, s);
		vigil_config__img_update_alone(s);
		vigil_config__img_pipe_shell(s);
		vigil_config__img_add_kind(s);
		vigil_config__img_leftover(&lo, s);
		vigil_config__img_ref_tag(s);
		vigil_config__img_passwd_uid0(s, size, "root");
		vigil_config__img_secret_name(s, size);
		vigil_config__img_accounts(issues, 8, "passwd", s, size);
		vigil_config__img_accounts(issues, 8, "shadow", s, size);
		vigil_config__img_accounts(issues, 8, "group", s, size);
		free(s);
	}
	return 0;
}
