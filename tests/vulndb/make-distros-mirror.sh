#!/usr/bin/env bash
# Builds a mirror directory (OUT/<feed>.tar.gz) of the redhat-oval, oracle-oval,
# suse-oval, rocky-osv and osv-distros feeds from the hand-written fixtures in
# tests/vulndb/fixtures/distros/, with the member names and compression upstream uses.
# Used by tests/vulndb/test_feeds_distros.sh and tests/severity/test_severity.sh.
set -euo pipefail
fx=$(cd "$(dirname "$0")" && pwd)/fixtures/distros
m=${1:?usage: make-distros-mirror.sh OUT}
mkdir -p "$m/redhat-oval/RHEL8" "$m/oracle-oval" "$m/suse-oval" "$m/rocky-osv/Rocky Linux" "$m/osv-distros"
bzip2 -c "$fx/redhat/rhel-8.oval.xml" >"$m/redhat-oval/RHEL8/rhel-8.oval.xml.bz2"
bzip2 -c "$fx/oracle/com.oracle.elsa-all.xml" >"$m/oracle-oval/com.oracle.elsa-all.xml.bz2"
gzip -nc "$fx/suse/suse.linux.enterprise.server.15.xml" >"$m/suse-oval/suse.linux.enterprise.server.15.xml.gz"
gzip -nc "$fx/suse/opensuse.leap.15.5.xml" >"$m/suse-oval/opensuse.leap.15.5.xml.gz"
rm -f "$m/rocky-osv/Rocky Linux/all.zip"
(cd "$fx/rocky" && zip -qX "$m/rocky-osv/Rocky Linux/all.zip" ./*.json)
for e in "$fx"/osv-distros/*/; do
    e=$(basename "$e")
    mkdir -p "$m/osv-distros/$e"
    rm -f "$m/osv-distros/$e/all.zip"
    (cd "$fx/osv-distros/$e" && zip -qX "$m/osv-distros/$e/all.zip" ./*.json)
done
for f in redhat-oval oracle-oval suse-oval rocky-osv osv-distros; do
    tar -czf "$m/$f.tar.gz" -C "$m" "$f"
done
