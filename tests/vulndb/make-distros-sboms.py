#!/usr/bin/env python3
"""Writes CycloneDX SBOMs (OUT/<name>.cdx.json) of rpm distributions whose packages the
hand-written fixtures of tests/vulndb/fixtures/distros/ rate: RHEL 8.7 (with a nodejs:14
module stream), Oracle Linux 8.7 and 7.9, Rocky 9.1, SLES 15.5, 15.4 and 12.5, openSUSE
Leap 15.5. Used by test_feeds_distros.sh and tests/severity/test_severity.sh."""
import json, sys

d = sys.argv[1]


def bom(name, osname, osver, pkgs):
    comps = [{"type": "operating-system", "name": osname, "version": osver, "bom-ref": "os"}]
    for n, v, *mod in pkgs:
        e, _, vr = v.rpartition(":")
        purl = f"pkg:rpm/{osname}/{n}@{vr}?arch=x86_64" + (f"&epoch={e}" if e else "")
        c = {"type": "library", "name": n, "version": vr, "purl": purl, "bom-ref": purl}
        if mod:
            c["properties"] = [{"name": "vigil:package:modularity", "value": mod[0]}]
        comps.append(c)
    json.dump({"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": comps},
              open(f"{d}/{name}.cdx.json", "w"))


bom("rhel", "rhel", "8.7", [("openssl-libs", "1:1.1.1k-7.el8_6"), ("openssl", "1:1.1.1k-9.el8_7"),
    ("nodejs", "1:14.20.0-2.module+el8.6.0+16231+7c1b33d9", "nodejs:14:8060020220714:ad008a3a"),
    ("npm", "1:6.14.17-1.14.21.1.2.module+el8.7.0+17528+a329cd47", "nodejs:14:8070020221121:bd7b6d7c")])
bom("ol", "ol", "8.7", [("openssl-libs", "1:1.1.1k-9.el8_7"), ("expat", "2.2.5-4.el8_5.3")])
bom("rocky", "rocky", "9.1", [("openssl-libs", "1:3.0.1-43.el9_0"), ("openssl", "1:3.0.1-47.el9_1")])
bom("sles155", "sles", "15.5", [("libopenssl1_1", "1.1.1l-150500.17.6.1"), ("libz1", "1.2.11-3.24.1")])
bom("sles154", "sles", "15.4", [("libopenssl1_1", "1.1.1l-150400.7.22.1"), ("openssl-1_1", "1.1.1l-150400.7.25.1")])
bom("leap", "opensuse-leap", "15.5", [("libopenssl1_1", "1.1.1l-150500.17.6.1")])
bom("sles12", "sles", "12.5", [("libopenssl1_0_0", "1.0.2p-3.49.1")])
bom("ol7", "ol", "7.9", [("openssl-libs", "1:1.0.2k-19.el7")])
