#!/usr/bin/env bash
# wxgate beside a bare Jetty (the limit) and WxJava, in one run of the side-by-side harness (issue 16):
#
#   bench/peers.sh                 limit, wxjava, gateway: 1 run each, 60 s warm-up, S1 plain, S2 safe, S3 retry storm
#   RUNS=2 WARMUP=120 bench/peers.sh
#
# The gateway is README's production launch (the packaged jar, extracted, with a CDS archive trained here) started
# from a folder holding the shipped application.yaml and routes, with bench/peers/echo-reply.camel.yaml in place of
# the keyword reply: every message is forwarded to the durable queue before its answer, as shipped.
# PEERS names the harness (default ../shared/peers); it is copied to bench/target/peers/harness and built there
# (needs wrk). Any other env var of the harness (RUNS, WARMUP, DURATION, CONNS, SCENARIOS, ...) passes through;
# GATEWAY_JAVA_OPTS adds gateway JVM options; GATEWAY_ROUTES (space-separated files) adds routes to the gateway's;
# TARGETS="gateway" (default "limit wxjava gateway") runs fewer targets, for a quick try (the report then has no
# ratios). Report: bench/results/<date>-peers.md (ratios to the limit and to WxJava, from the same run), raw TSV and
# log beside the harness.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PEERS=${PEERS:-$ROOT/../shared/peers}
OUT=$ROOT/bench/target/peers
[ -x "$PEERS/run-bench.sh" ] || { echo "peers: no harness at $PEERS (set PEERS)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "peers: the harness needs wrk (apt-get install wrk)" >&2; exit 1; }

echo "[peers] packaging the gateway (mvn package) and preparing its folder"
mvn -q -B -Dstyle.color=never -DskipTests package
rm -rf "$OUT/app" "$OUT/gw"
mkdir -p "$OUT/gw/routes"
java -Djarmode=tools -jar "$(ls "$ROOT"/target/wxgate-*.jar | head -1)" extract --destination "$OUT/app" >/dev/null
JAR=$(ls "$OUT"/app/wxgate-*.jar | head -1)
cp application.yaml "$OUT/gw/"
for f in routes/*.camel.yaml; do
  [ "$(basename "$f")" = keyword-reply.camel.yaml ] || cp "$f" "$OUT/gw/routes/"
done
cp bench/peers/echo-reply.camel.yaml "$OUT/gw/routes/"
for f in ${GATEWAY_ROUTES:-}; do cp "$f" "$OUT/gw/routes/"; done

echo "[peers] copying and building the harness from $PEERS"
mkdir -p "$OUT/harness"
(cd "$PEERS" && tar --exclude=./work --exclude=./results -cf - .) | (cd "$OUT/harness" && tar -xf -)
(cd "$OUT/harness" && ./build.sh >/dev/null)

# The harness's account (its defaults), for the CDS training start too.
export WECHAT_APP_ID=${WECHAT_APP_ID:-wx5a1b2c3d4e5f6a7b}
export WECHAT_APP_SECRET=${WECHAT_APP_SECRET:-benchsecret}
export WECHAT_TOKEN=${WECHAT_TOKEN:-benchtoken}
export WECHAT_ENCODING_AES_KEY=${WECHAT_ENCODING_AES_KEY:-benchEncodingAesKey0123456789abcdefghijklmA}
echo "[peers] training the class-data-sharing archive (one start that stops once started)"
(cd "$OUT/gw" && rm -rf data && HTTP_PORT=0 java -XX:ArchiveClassesAtExit="$OUT/app/wxgate.jsa" \
  -jar "$JAR" --gateway.exit-once-started=true > "$OUT/cds-training.log" 2>&1 && rm -rf data)
[ -f "$OUT/app/wxgate.jsa" ] || { echo "peers: no CDS archive; see $OUT/cds-training.log" >&2; exit 1; }

STAMP=$(date -u +%Y-%m-%d-%H%M%S)
export RUNS=${RUNS:-1} WARMUP=${WARMUP:-60}
export OUT_TSV="$OUT/harness/results/$STAMP.tsv"
mkdir -p "$OUT/harness/results"
GATEWAY="sh -c 'cd $OUT/gw && rm -rf data && exec java ${GATEWAY_JAVA_OPTS:-} -XX:SharedArchiveFile=$OUT/app/wxgate.jsa -jar $JAR'"
TARGETS=${TARGETS:-limit wxjava gateway}
ARGS=()
for t in $TARGETS; do
  if [ "$t" = gateway ]; then ARGS+=(gateway="$GATEWAY"); else ARGS+=("$t"); fi
done
echo "[peers] running: $TARGETS (RUNS=$RUNS, WARMUP=$WARMUP s)"
(cd "$OUT/harness" && OUT="$OUT_TSV" ./run-bench.sh "${ARGS[@]}")

COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff-index --quiet HEAD -- 2>/dev/null || COMMIT="$COMMIT + uncommitted changes"
REPORT="$ROOT/bench/results/$STAMP-peers.md"
java "$ROOT/bench/peers/PeersReport.java" "$OUT_TSV" "$COMMIT" "$(cd "$OUT/harness" && ./run-bench.sh --summary "$OUT_TSV")" \
  | tee "$REPORT"
echo "[peers] report: $REPORT; raw: $OUT_TSV and ${OUT_TSV%.tsv}.log"
