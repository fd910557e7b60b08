/* serve/harbor.h - media types of Harbor's Pluggable Scanner API v1.2, shared by harbor.c
 * (routes and reports) and harbor_req.c (the scan request parser). docs/harbor.md. */
#ifndef VIGIL_SERVE_HARBOR_H
#define VIGIL_SERVE_HARBOR_H

#define ERROR_TYPE "application/vnd.scanner.adapter.error+json; version=1.0"
#define META_TYPE "application/vnd.scanner.adapter.metadata+json; version=1.1"
#define SCAN_RESP_TYPE "application/vnd.scanner.adapter.scan.response+json; version=1.0"
#define MT_OCI "application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER "application/vnd.docker.distribution.manifest.v2+json"
#define R_HARBOR "application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0"
#define R_SECURITY "application/vnd.security.vulnerability.report; version=1.1"
#define R_RAW "application/vnd.scanner.adapter.vuln.report.raw"
#define R_SBOM "application/vnd.security.sbom.report+json; version=1.0"
#define SBOM_SPDX "application/spdx+json"
#define SBOM_CDX "application/vnd.cyclonedx+json"

#endif
