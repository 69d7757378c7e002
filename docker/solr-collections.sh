#!/bin/bash
# Run once by the `solr-init` service of docker-compose.yml, as scripts/cluster does on one machine: each
# SnapMode configset uploaded to ZooKeeper (chroot /solr) and one collection per configset, one shard with a
# replica on each of the two Solr nodes. A collection that exists keeps its data; its configset is updated
# and the collection reloaded.
set -euo pipefail
ZK=${ZK_HOST:?set ZK_HOST, e.g. zookeeper:2181/solr}
SOLR=${SOLR_URL:-http://solr:8983/solr}
REPLICAS=${SOLR_REPLICAS:-2}

solr zk mkroot "/${ZK#*/}" -z "${ZK%%/*}" 2>/dev/null || true  # exists after the first run
existing=$(curl -fsS "$SOLR/admin/collections?action=LIST&wt=json")
for configset in /opt/snapmode/configsets/*/; do
  name=$(basename "$configset")
  conf="${configset%/}/conf"
  [[ -d $conf ]] || conf=${configset%/}
  solr zk upconfig -n "$name" -d "$conf" -z "$ZK"
  if grep -q "\"$name\"" <<<"$existing"; then
    curl -fsS "$SOLR/admin/collections?action=RELOAD&name=$name&wt=json" >/dev/null
  else
    curl -fsS "$SOLR/admin/collections?action=CREATE&name=$name&collection.configName=$name&numShards=1&replicationFactor=$REPLICAS&waitForFinalState=true&wt=json" >/dev/null
  fi
done
