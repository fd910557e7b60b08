#!/usr/bin/env python3
"""Writes the SBOM documents of tests/sbomin/test_sbomin.sh into DIR, and the expected
vulnerabilities (against the OSV mirror the test writes) as DIR/expect.tsv.

The documents follow the shape of the specifications' own examples (CycloneDX 1.4-1.6 with
metadata, nested components, CPE-only components and properties; SPDX 2.2 / 2.3 JSON and
tag-value with creation info, packages without package URLs, external references, files,
relationships and <text> blocks) and of other tools' output (Syft-style purls with
upstream / distro qualifiers, Trivy-style SrcName properties). Written here, not copied.

Also: tv FILE.json OUT.spdx converts an SPDX JSON document (e.g. Vigil's) to tag-value.
"""
import json
import os
import sys


def cdx(spec, components, meta_component=None, extra=None):
    d = {
        "bomFormat": "CycloneDX",
        "specVersion": spec,
        "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        "version": 1,
        "metadata": {
            "timestamp": "2024-01-01T00:00:00Z",
            "component": meta_component or {"type": "application", "bom-ref": "acme-app",
                                             "name": "Acme Application", "version": "9.1.1"},
        },
        "components": components,
    }
    if spec == "1.4":
        d["metadata"]["tools"] = [{"vendor": "Acme", "name": "sbom-writer", "version": "1.0"}]
    else:
        d["metadata"]["tools"] = {"components": [{"type": "application", "name": "sbom-writer",
                                                  "version": "1.0"}]}
    if extra:
        d.update(extra)
    return d


def lib(name, version, purl=None, group=None, **kw):
    c = {"type": "library", "bom-ref": purl or name, "name": name, "version": version}
    if group:
        c["group"] = group
    if purl:
        c["purl"] = purl
    c.update(kw)
    return c


def documents():
    docs = {}
    # CycloneDX 1.4, shaped like the specification's examples: Maven components with
    # hashes and licences, one known only by its CPE (not matchable), an npm package
    docs["cdx-1.4.json"] = cdx("1.4", [
        lib("apache-jena", "3.12.0", "pkg:maven/org.apache.jena/apache-jena@3.12.0?type=jar",
            group="org.apache.jena",
            hashes=[{"alg": "SHA-256", "content": "0" * 64}],
            licenses=[{"license": {"id": "Apache-2.0"}}]),
        lib("tomcat-catalina", "9.0.14", None, group="org.apache.tomcat",
            cpe="cpe:2.3:a:apache:tomcat:9.0.14:*:*:*:*:*:*:*"),
        lib("lodash", "4.17.15", "pkg:npm/lodash@4.17.15"),
    ])
    # CycloneDX 1.5, Syft-style: an operating-system component, deb packages whose purls
    # carry the source package as "upstream", nested components, properties of its own
    docs["cdx-1.5-syft.json"] = cdx("1.5", [
        {"type": "operating-system", "name": "debian", "version": "12",
         "description": "Debian GNU/Linux 12 (bookworm)"},
        lib("libssl3", "3.0.11-1~deb12u2",
            "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&upstream=openssl&distro=debian-12",
            cpe="cpe:2.3:a:libssl3:libssl3:3.0.11-1~deb12u2:*:*:*:*:*:*:*",
            properties=[{"name": "syft:package:type", "value": "deb"},
                        {"name": "syft:location:0:path", "value": "/var/lib/dpkg/status"}]),
        lib("app", "1.0.0", "pkg:npm/app@1.0.0", components=[
            lib("minimist", "1.2.0", "pkg:npm/minimist@1.2.0"),
            lib("core", "16.2.0", "pkg:npm/%40angular/core@16.2.0")]),
        {"type": "file", "name": "/usr/bin/app"},
    ], meta_component={"type": "container", "name": "registry.example/app", "version": "sha256:" + "1" * 64})
    # CycloneDX 1.6, Trivy-style: source packages in properties, Go and PyPI packages
    docs["cdx-1.6-trivy.json"] = cdx("1.6", [
        {"type": "operating-system", "bom-ref": "os", "name": "debian", "version": "12.4"},
        lib("libssl3", "3.0.11-1~deb12u2", "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12.4",
            properties=[{"name": "aquasecurity:trivy:SrcName", "value": "openssl"},
                        {"name": "aquasecurity:trivy:SrcVersion", "value": "3.0.11-1~deb12u2"},
                        {"name": "aquasecurity:trivy:PkgType", "value": "debian"}]),
        lib("github.com/gin-gonic/gin", "v1.9.0", "pkg:golang/github.com/gin-gonic/gin@v1.9.0"),
        lib("Flask", "2.0.0", "pkg:pypi/flask@2.0.0"),
    ])
    # SPDX 2.2 JSON, shaped like the specification's example document: glibc known by
    # CPE only, a Maven package with a purl, a package without any external reference
    spdx_ci = {"created": "2024-01-01T00:00:00Z",
               "creators": ["Tool: sbom-writer-1.0", "Organization: ExampleCodeInspect ()"],
               "licenseListVersion": "3.17"}
    docs["spdx-2.2.json"] = {
        "spdxVersion": "SPDX-2.2", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
        "name": "SPDX-Tools-v2.0", "documentNamespace": "http://spdx.org/spdxdocs/spdx-example-444504E0",
        "creationInfo": spdx_ci, "documentDescribes": ["SPDXRef-Package"],
        "packages": [
            {"SPDXID": "SPDXRef-Package", "name": "glibc", "versionInfo": "2.11.1",
             "downloadLocation": "http://ftp.gnu.org/gnu/glibc/glibc-ports-2.15.tar.gz",
             "filesAnalyzed": True, "licenseConcluded": "(LGPL-2.0-only OR LicenseRef-3)",
             "externalRefs": [{"referenceCategory": "SECURITY", "referenceType": "cpe23Type",
                               "referenceLocator": "cpe:2.3:a:pivotal_software:spring_framework:4.1.0:*:*:*:*:*:*:*"}]},
            {"SPDXID": "SPDXRef-fromDoap-0", "name": "Jena", "versionInfo": "3.12.0",
             "downloadLocation": "https://search.maven.org/remotecontent?filepath=org/apache/jena/apache-jena/3.12.0/apache-jena-3.12.0.tar.gz",
             "filesAnalyzed": False, "homepage": "http://www.openjena.org/",
             "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                               "referenceLocator": "pkg:maven/org.apache.jena/apache-jena@3.12.0"}]},
            {"SPDXID": "SPDXRef-Saxon", "name": "Saxon", "versionInfo": "8.8",
             "downloadLocation": "https://sourceforge.net/projects/saxon/files/Saxon-B/8.8.0.7/saxonb8-8-0-7j.zip/download",
             "filesAnalyzed": False, "licenseConcluded": "MPL-1.0"},
        ],
        "relationships": [{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
                           "relatedSpdxElement": "SPDXRef-Package"}],
    }
    # SPDX 2.3 JSON, Syft-style: an OPERATING-SYSTEM package, deb with upstream, Go, PyPI
    pk = [
        {"SPDXID": "SPDXRef-OS", "name": "debian", "versionInfo": "12",
         "primaryPackagePurpose": "OPERATING-SYSTEM", "downloadLocation": "NOASSERTION"},
        {"SPDXID": "SPDXRef-Package-deb-libssl3", "name": "libssl3", "versionInfo": "3.0.11-1~deb12u2",
         "downloadLocation": "NOASSERTION", "sourceInfo": "acquired package info from DPKG DB: /var/lib/dpkg/status",
         "externalRefs": [
             {"referenceCategory": "SECURITY", "referenceType": "cpe23Type",
              "referenceLocator": "cpe:2.3:a:libssl3:libssl3:3.0.11-1~deb12u2:*:*:*:*:*:*:*"},
             {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
              "referenceLocator": "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&upstream=openssl&distro=debian-12"}]},
        {"SPDXID": "SPDXRef-Package-go-gin", "name": "github.com/gin-gonic/gin", "versionInfo": "v1.9.0",
         "downloadLocation": "NOASSERTION",
         "externalRefs": [{"referenceCategory": "PACKAGE_MANAGER", "referenceType": "purl",
                           "referenceLocator": "pkg:golang/github.com/gin-gonic/gin@v1.9.0"}]},
        {"SPDXID": "SPDXRef-Package-python-flask", "name": "Flask", "versionInfo": "2.0.0",
         "downloadLocation": "NOASSERTION",
         "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                           "referenceLocator": "pkg:pypi/flask@2.0.0"}]},
    ]
    docs["spdx-2.3-syft.json"] = {
        "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
        "name": "registry.example/app", "documentNamespace": "https://example.invalid/app-1",
        "creationInfo": spdx_ci, "packages": pk,
        "relationships": [{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
                           "relatedSpdxElement": "SPDXRef-OS"}],
    }
    # SPDX 2.3 tag-value with the same packages, shaped like the specification's example
    tv = ["SPDXVersion: SPDX-2.3", "DataLicense: CC0-1.0", "SPDXID: SPDXRef-DOCUMENT",
          "DocumentName: registry.example/app", "DocumentNamespace: https://example.invalid/app-1",
          "Creator: Tool: sbom-writer-1.0", "Created: 2024-01-01T00:00:00Z",
          "DocumentComment: <text>This document was created using SPDX 2.3.",
          "It has several lines.</text>", ""]
    for p in pk:
        tv += ["##### Package: " + p["name"], "", "PackageName: " + p["name"],
               "SPDXID: " + p["SPDXID"], "PackageVersion: " + p["versionInfo"],
               "PackageDownloadLocation: NOASSERTION"]
        if "primaryPackagePurpose" in p:
            tv.append("PrimaryPackagePurpose: " + p["primaryPackagePurpose"])
        tv.append("PackageComment: <text>A package\nwith: a colon in a text block</text>")
        for r in p.get("externalRefs", []):
            tv.append("ExternalRef: %s %s %s" % (r["referenceCategory"], r["referenceType"],
                                                 r["referenceLocator"]))
        tv.append("")
    tv += ["FileName: ./lib/libssl.so.3", "SPDXID: SPDXRef-File-1", "PackageVersion: 9.9.9",
           "FileChecksum: SHA1: d6a770ba38583ed4bb4525bd96e50461655d2758", "",
           "Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-OS", ""]
    docs["spdx-2.3.spdx"] = "\n".join(tv)
    # the SPDX 2.2 example in tag-value form
    docs["spdx-2.2.spdx"] = "\n".join([
        "SPDXVersion: SPDX-2.2", "DataLicense: CC0-1.0", "SPDXID: SPDXRef-DOCUMENT",
        "DocumentName: SPDX-Tools-v2.0", "Creator: Tool: sbom-writer-1.0", "Created: 2024-01-01T00:00:00Z", "",
        "PackageName: glibc", "SPDXID: SPDXRef-Package", "PackageVersion: 2.11.1",
        "ExternalRef: SECURITY cpe23Type cpe:2.3:a:pivotal_software:spring_framework:4.1.0:*:*:*:*:*:*:*",
        "PackageLicenseComments: <text>The license for this project changed with the release of version x.y.",
        "The version of the project included here post-dates the license change.</text>", "",
        "PackageName: Jena", "SPDXID: SPDXRef-fromDoap-0", "PackageVersion: 3.12.0",
        "ExternalRef: PACKAGE-MANAGER purl pkg:maven/org.apache.jena/apache-jena@3.12.0", "",
        "PackageName: Saxon", "SPDXID: SPDXRef-Saxon", "PackageVersion: 8.8", ""])
    return docs


# what each document must produce against the mirror of test_sbomin.sh
EXPECT = {
    "cdx-1.4.json": ["CVE-2099-0203 apache-jena", "CVE-2099-0201 lodash"],
    "cdx-1.5-syft.json": ["CVE-2099-0205 libssl3", "CVE-2099-0202 minimist"],
    "cdx-1.6-trivy.json": ["CVE-2099-0205 libssl3", "CVE-2099-0206 github.com/gin-gonic/gin",
                           "CVE-2099-0204 flask"],
    "spdx-2.2.json": ["CVE-2099-0203 apache-jena"],
    "spdx-2.3-syft.json": ["CVE-2099-0205 libssl3", "CVE-2099-0206 github.com/gin-gonic/gin",
                           "CVE-2099-0204 flask"],
    "spdx-2.3.spdx": ["CVE-2099-0205 libssl3", "CVE-2099-0206 github.com/gin-gonic/gin",
                      "CVE-2099-0204 flask"],
    "spdx-2.2.spdx": ["CVE-2099-0203 apache-jena"],
}


def to_tag_value(doc):
    out = ["SPDXVersion: " + doc["spdxVersion"], "DataLicense: " + doc.get("dataLicense", "CC0-1.0"),
           "SPDXID: SPDXRef-DOCUMENT", "DocumentName: " + doc.get("name", "")]
    ci = doc.get("creationInfo", {})
    for c in ci.get("creators", []):
        out.append("Creator: " + c)
    if "created" in ci:
        out.append("Created: " + ci["created"])
    if "comment" in ci:
        out.append("CreatorComment: <text>" + ci["comment"] + "</text>")
    out.append("")
    for p in doc.get("packages", []):
        out += ["PackageName: " + p["name"], "SPDXID: " + p["SPDXID"]]
        if "versionInfo" in p:
            out.append("PackageVersion: " + p["versionInfo"])
        if "primaryPackagePurpose" in p:
            out.append("PrimaryPackagePurpose: " + p["primaryPackagePurpose"])
        if "sourceInfo" in p:
            out.append("PackageSourceInfo: <text>" + p["sourceInfo"] + "</text>")
        for r in p.get("externalRefs", []):
            out.append("ExternalRef: %s %s %s" % (r["referenceCategory"], r["referenceType"],
                                                 r["referenceLocator"]))
        out.append("")
    for r in doc.get("relationships", []):
        out.append("Relationship: %s %s %s" % (r["spdxElementId"], r["relationshipType"],
                                              r["relatedSpdxElement"]))
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "tv":
        with open(sys.argv[2]) as f, open(sys.argv[3], "w") as o:
            o.write(to_tag_value(json.load(f)))
        return
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, d in documents().items():
        with open(os.path.join(out, name), "w") as f:
            f.write(d if isinstance(d, str) else json.dumps(d, indent=1))
    with open(os.path.join(out, "expect.tsv"), "w") as f:
        for name, v in EXPECT.items():
            f.write("%s\t%s\n" % (name, ";".join(sorted(v))))


if __name__ == "__main__":
    main()
