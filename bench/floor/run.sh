#!/usr/bin/env bash
# Start-up floors (issue 16): wxgate's start beside the frameworks it is built on, timed alike in one run.
#
#   bench/floor/run.sh            5 starts of each, alternated
#   STARTS=9 bench/floor/run.sh
#
# Targets: floor-boot (Spring Boot 3.5, Spring MVC on Tomcat, one handler), floor-camel (Spring Boot 3.5 and
# Camel 4.17, one route on camel-jetty), and wxgate (README's production launch: the extracted jar from `mvn package`,
# shipped application.yaml and routes). Each runs from the extracted jar with a class-data-sharing archive trained by
# one full start (README "Going to production", Launch). A start is timed from the process start to the first
# correct answer to WeChat's signed GET (the echostr back), polled every 20 ms; the process's CPU time (all threads)
# and its main thread's and JIT compilers' shares are read from /proc at that moment. Report: the medians and every
# start, on stdout and in bench/results/<date>-floor.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
OUT=$ROOT/bench/target/floor
STARTS=${STARTS:-5}
export WECHAT_APP_ID=wx5a1b2c3d4e5f6a7b WECHAT_APP_SECRET=floorsecret WECHAT_TOKEN=floortoken
export WECHAT_ENCODING_AES_KEY=floorEncodingAesKey0123456789abcdefghijklmA
rm -rf "$OUT" && mkdir -p "$OUT"

echo "[floor] building the floors and the gateway"
(cd bench/floor && mvn -q -B -Pboot package && mvn -q -B -Pcamel package)
mvn -q -B -DskipTests package
for t in boot camel; do
  java -Djarmode=tools -jar "bench/floor/target/$t/floor-$t.jar" extract --destination "$OUT/$t" >/dev/null
done
java -Djarmode=tools -jar "$(ls target/wxgate-*.jar | head -1)" extract --destination "$OUT/wxgate" >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
jar_of() { ls "$OUT/$1"/*.jar | head -1; }
# Where target $1 runs: wxgate from the repository (its application.yaml and routes), a floor from its own folder,
# so that wxgate's application.yaml does not apply to it.
dir_of() { if [ "$1" = wxgate ]; then echo "$ROOT"; else echo "$OUT/$1"; fi; }
# The arguments of one start of target $1 on port $2 with data directory $3.
args_of() {
  case $1 in
    wxgate) echo "--gateway.http-port=$2 --gateway.data-dir=$3 --server.port=0" ;;
    boot) echo "--server.port=$2" ;;
    camel) echo "--server.port=$2 --camel.main.run-controller=true" ;;
  esac
}
signed_get() {
  local ts nonce sig
  ts=$(date +%s); nonce=$RANDOM$RANDOM
  sig=$(printf '%s\n' "$WECHAT_TOKEN" "$ts" "$nonce" | sort | tr -d '\n' | sha1sum | cut -d' ' -f1)
  echo "http://127.0.0.1:$1/wechat/callback?signature=$sig&timestamp=$ts&nonce=$nonce&echostr=floor42"
}
cpu_ms() { awk '{ print ($14 + $15) * 10 }' "$1"; }

# One start of $1 with JVM options $2...; prints "ms cpu_ms main_ms jit_ms" and stops the process (kill -9: the
# data directory is thrown away).
start_once() {
  local target=$1; shift
  local port data pid t0 t1 url main jit t
  port=$(free_port); data=$(mktemp -d)
  url=$(signed_get "$port")
  t0=$(date +%s%N)
  # shellcheck disable=SC2046
  (cd "$(dir_of "$target")" && exec java "$@" -jar "$(jar_of "$target")" $(args_of "$target" "$port" "$data")) \
    > "$OUT/$target.log" 2>&1 &
  pid=$!
  until [ "$(curl -s -m 2 "$url" 2>/dev/null || true)" = floor42 ]; do
    kill -0 "$pid" 2>/dev/null || { echo "[floor] $target exited during start-up; $OUT/$target.log" >&2; exit 1; }
    sleep 0.02
  done
  t1=$(date +%s%N)
  main=0; jit=0
  for t in /proc/"$pid"/task/*; do
    case $(cat "$t/comm") in
      java) main=$(cpu_ms "$t/stat") ;;
      C1\ CompilerThre|C2\ CompilerThre) jit=$((jit + $(cpu_ms "$t/stat"))) ;;
    esac
  done
  echo "$(( (t1 - t0) / 1000000 )) $(cpu_ms /proc/$pid/stat) $main $jit"
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true; rm -rf "$data"
}

echo "[floor] training a class-data-sharing archive for each (one full start each)"
for target in boot camel wxgate; do
  port=$(free_port); data=$(mktemp -d)
  if [ "$target" = wxgate ]; then
    # shellcheck disable=SC2046
    (cd "$ROOT" && java -XX:ArchiveClassesAtExit="$OUT/$target.jsa" -jar "$(jar_of wxgate)" \
      $(args_of wxgate "$port" "$data") --gateway.exit-once-started=true > "$OUT/$target-training.log" 2>&1)
  else
    # The floors have no such switch: stopped with SIGTERM once they answer; the archive is written at exit.
    url=$(signed_get "$port")
    # shellcheck disable=SC2046
    (cd "$(dir_of "$target")" && exec java -XX:ArchiveClassesAtExit="$OUT/$target.jsa" -jar "$(jar_of "$target")" \
      $(args_of "$target" "$port" "$data")) > "$OUT/$target-training.log" 2>&1 &
    pid=$!
    until [ "$(curl -s -m 2 "$url" 2>/dev/null || true)" = floor42 ]; do
      kill -0 "$pid" 2>/dev/null || { echo "[floor] $target exited during training; $OUT/$target-training.log" >&2; exit 1; }
      sleep 0.1
    done
    kill -TERM "$pid"; wait "$pid" || true
  fi
  rm -rf "$data"
  [ -f "$OUT/$target.jsa" ] || { echo "[floor] no archive for $target; $OUT/$target-training.log" >&2; exit 1; }
done

echo "[floor] $STARTS starts of each, alternated"
for i in $(seq "$STARTS"); do
  for target in boot camel wxgate; do
    echo "$target $(start_once "$target" -XX:SharedArchiveFile="$OUT/$target.jsa")" | tee -a "$OUT/starts.txt"
  done
done

STAMP=$(date -u +%Y-%m-%d-%H%M%S)
REPORT=$ROOT/bench/results/$STAMP-floor.md
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$ROOT" diff --quiet HEAD 2>/dev/null || COMMIT="$COMMIT + uncommitted changes"
{
  echo "# Start-up floors, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "- command: \`bench/floor/run.sh\` (STARTS=$STARTS); gateway commit \`$COMMIT\`"
  echo "- machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), $(java -version 2>&1 | head -1)"
  echo "- each target from its extracted jar with a CDS archive trained by one full start; timed from the process start to the first correct answer to a signed GET"
  echo
  echo "| target | starts | median s | min s | max s | median CPU s (all threads) | main thread s | JIT compilers s |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for target in boot camel wxgate; do
    grep "^$target " "$OUT/starts.txt" | awk -v t="$target" '
      { ms[NR] = $2; cpu[NR] = $3; main[NR] = $4; jit[NR] = $5 }
      function med(a, n,   i, j, x, b) { for (i = 1; i <= n; i++) b[i] = a[i];
        for (i = 2; i <= n; i++) { x = b[i]; for (j = i - 1; j > 0 && b[j] > x; j--) b[j + 1] = b[j]; b[j + 1] = x }
        return n % 2 ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2 }
      END { lo = ms[1]; hi = ms[1]; for (i = 2; i <= NR; i++) { if (ms[i] < lo) lo = ms[i]; if (ms[i] > hi) hi = ms[i] }
        printf "| %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n", t, NR, med(ms, NR) / 1000, lo / 1000,
          hi / 1000, med(cpu, NR) / 1000, med(main, NR) / 1000, med(jit, NR) / 1000 }'
  done
  echo
  echo "Every start (target, ms to the first answer, CPU ms, main thread ms, JIT ms), in the order run:"
  echo
  echo '```'
  cat "$OUT/starts.txt"
  echo '```'
} > "$REPORT"
cat "$REPORT"
echo "[floor] written to $REPORT"
