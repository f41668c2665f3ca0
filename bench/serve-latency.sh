#!/bin/bash
# Serving latency at a constant rate: the server and the load generator in separate JVMs on loopback.
# Build first: mvn -o -q -B -pl bench -am package -DskipTests
# usage: bench/serve-latency.sh PORT "server key=value..." "load key=value..."
#   e.g. bench/serve-latency.sh 18121 "dim=16 scoring=workers" "route=recommend rate=1000 warmup=10 seconds=20"
# Keys: see dev.funnel.bench.serve.ServeBenchmark. The server exits by itself after serveSeconds.
set -euo pipefail
DIR=$(cd "$(dirname "$0")" && pwd)
. "$DIR/../bin/jdk.sh"
funnel_pick_jdk
JAVA="$JAVA_HOME/bin/java"
CP="$DIR/target/funnel-bench.jar:$DIR/target/lib/*"
PORT=$1; SERVER_ARGS=$2; LOAD_ARGS=$3
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA" --add-modules jdk.incubator.vector -Xmx2g -cp "$CP" dev.funnel.bench.serve.ServeBenchmark mode=serve port="$PORT" serveSeconds=120 $SERVER_ARGS &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.2; done
"$JAVA" --add-modules jdk.incubator.vector -Xmx1g -cp "$CP" dev.funnel.bench.serve.ServeBenchmark mode=load base="http://127.0.0.1:$PORT" $LOAD_ARGS
curl -s "http://127.0.0.1:$PORT/metrics" | grep -E '^funnel_http_request(s_total|_duration_seconds_(sum|count))'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
