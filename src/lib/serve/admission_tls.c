/*
 * admission_tls.c - client-certificate authentication of the API server calling the
 * admission webhook (--admission-client-ca): libmicrohttpd asks every TLS client for a
 * certificate (MHD_OPTION_HTTPS_MEM_TRUST) but lets connections without one through, so
 * the dashboard and the API keep working with tokens; POST /k8s/admission then needs a
 * certificate chain that GnuTLS verifies against that CA, valid now and usable for TLS
 * client authentication.
 */
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "serve/admission.h"

int vigil_serve__adm_client_verified(void *conn, char *why, size_t whylen)
{
	const union MHD_ConnectionInfo *ci =
		conn ? MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION) : NULL;
	gnutls_session_t s = ci ? (gnutls_session_t)ci->tls_session : NULL;
	gnutls_typed_vdata_st purpose = {GNUTLS_DT_KEY_PURPOSE_OID,
					 (unsigned char *)GNUTLS_KP_TLS_WWW_CLIENT, 0};
	gnutls_datum_t text = {NULL, 0};
	unsigned status = 0, npeers = 0;
	int rc;
	if (!s) {
		snprintf(why, whylen, "not a TLS connection");
		return 0;
	}
	if (!gnutls_certificate_get_peers(s, &npeers) || !npeers) {
		snprintf(why, whylen, "no client certificate was presented");
		return 0;
	}
	if ((rc = gnutls_certificate_verify_peers(s, &purpose, 1, &status)) < 0) {
		snprintf(why, whylen, "the client certificate cannot be verified: %s",
			 gnutls_strerror(rc));
		return 0;
	}
	if (status) {
		if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &text,
								 0) == 0) {
			snprintf(why, whylen, "%s", (const char *)text.data);
			gnutls_free(text.data);
		} else
			snprintf(why, whylen, "the client certificate is not valid");
		return 0;
	}
	return 1;
}
