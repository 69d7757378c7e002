#!/bin/bash
# Run by the Solr image before it starts (docker-entrypoint-initdb.d): one core per SnapMode configset.
set -euo pipefail
for configset in /opt/snapmode/configsets/*/; do
  precreate-core "$(basename "$configset")" "$configset"
done
