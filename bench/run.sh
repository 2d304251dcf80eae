#!/usr/bin/env bash
# Side-by-side benchmark of Berth against CNCF Distribution (Debian docker-registry 2.8.2) on this machine.
#
# Builds Berth and the load generator (bench/Berth.Bench) in Release, measures the machine's ceilings (openssl and .NET
# single-core SHA-256, 1 GiB dd with fsync, loopback TCP with iperf3, a bare Kestrel server that hashes and fsyncs an
# upload), starts Berth and Distribution on 127.0.0.1 on fresh storage, drives both with the same generator REPEATS
# times (alternating), prints one table of medians with the ratio Berth / Distribution and writes bench/RESULTS.md.
#
# Usage: bench/run.sh            (REPEATS=3 WORKLOADS="push concurrent small" KEEP=0 BENCH_DIR=/tmp/... OUT=bench/RESULTS.md)
set -euo pipefail

REPEATS=${REPEATS:-3}
WORKLOADS=${WORKLOADS:-push concurrent small}
KEEP=${KEEP:-0}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/bench/RESULTS.md}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/berth-bench.XXXXXX)}
mkdir -p "$WORK/results"
DIST_PORT=${DIST_PORT:-15001}
BERTH_PORT=${BERTH_PORT:-15002}
KESTREL_PORT=${KESTREL_PORT:-15003}
IPERF_PORT=${IPERF_PORT:-15201}
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    [[ $KEEP == 1 ]] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "run.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
put() { printf '%s\t%s\n' "$1" "$2" >>"$WORK/results/$3.machine.tsv"; }
rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

log "building Berth and the load generator (Release)"
dotnet build "$ROOT/src/Berth.Server" -c Release -nologo -v quiet >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 2; }
dotnet build "$ROOT/bench/Berth.Bench" -c Release -nologo -v quiet >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 2; }
BERTH_DLL=$ROOT/src/Berth.Server/bin/Release/net10.0/berth.dll
GEN=(dotnet "$ROOT/bench/Berth.Bench/bin/Release/net10.0/berth-bench.dll")

# ---- machine ceilings ----
log "ceiling: openssl speed -evp sha256 (16 KiB blocks)"
openssl_kbs=$(openssl speed -evp sha256 -bytes 16384 -seconds 3 2>/dev/null | awk '/^sha256|^SHA256/ { v = $NF } END { sub(/k$/, "", v); print v }')
put openssl_sha256_gbps "$(awk -v k="$openssl_kbs" 'BEGIN { printf "%.3f", k * 1000 / 1e9 }')" ceiling
log "ceiling: .NET SHA-256"
"${GEN[@]}" sha256 >>"$WORK/results/ceiling.machine.tsv"
log "ceiling: dd 1 GiB with fsync"
dd_out=$(dd if=/dev/zero of="$WORK/dd" bs=1M count=1024 conv=fsync 2>&1 | tail -1)
rm -f "$WORK/dd"
put dd_fsync_gbps "$(awk -v l="$dd_out" 'BEGIN { split(l, a, " "); for (i = 1; i <= length(a); i++) if (a[i] ~ /^s,?$/) s = a[i-1]; sub(/,/, ".", s); printf "%.3f", 1073741824 / s / 1e9 }')" ceiling
if command -v iperf3 >/dev/null; then
    log "ceiling: iperf3 loopback"
    iperf3 -s -1 -p "$IPERF_PORT" >/dev/null 2>&1 &
    ipid=$!
    sleep 0.5
    bps=$(iperf3 -c 127.0.0.1 -p "$IPERF_PORT" -t 5 -J | python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"])')
    wait "$ipid" 2>/dev/null || true
    put loopback_gbps "$(awk -v b="$bps" 'BEGIN { printf "%.3f", b / 8 / 1e9 }')" ceiling
fi

wait_http() { # wait_http URL PID -> seconds from now until the first HTTP answer
    local t0 code
    t0=$(date +%s.%N)
    for _ in $(seq 3000); do
        code=$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)
        [[ $code != 000 ]] && { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }'; return 0; }
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.01
    done
    return 1
}

# ---- servers ----
log "starting the bare Kestrel ceiling server"
"${GEN[@]}" kestrel "$KESTREL_PORT" "$WORK/kestrel" >"$WORK/kestrel.log" 2>&1 &
KESTREL_PID=$!
PIDS+=("$KESTREL_PID")
wait_http "http://127.0.0.1:$KESTREL_PORT/small" "$KESTREL_PID" >/dev/null || { cat "$WORK/kestrel.log"; exit 2; }

log "starting Distribution on fresh storage"
mkdir -p "$WORK/distribution"
cat >"$WORK/distribution.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $WORK/distribution
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: 127.0.0.1:$DIST_PORT
EOF
t0=$(date +%s.%N)
/usr/bin/docker-registry serve "$WORK/distribution.yml" >"$WORK/distribution.log" 2>&1 &
DIST_PID=$!
PIDS+=("$DIST_PID")
wait_http "http://127.0.0.1:$DIST_PORT/v2/" "$DIST_PID" >"$WORK/dist.start" || { cat "$WORK/distribution.log"; exit 2; }
put startup_s "$(cat "$WORK/dist.start")" distribution

log "starting Berth on fresh storage (open registry: no authentication, create on push, blob mounting)"
Logging__LogLevel__Default=Warning Berth__RequireRegistryAuthentication=false Berth__CreateRepositoryOnPush=true \
    Berth__BlobMounting=ENABLED dotnet "$BERTH_DLL" serve --urls "http://127.0.0.1:$BERTH_PORT" --data "$WORK/berth" \
    >"$WORK/berth.log" 2>&1 &
BERTH_PID=$!
PIDS+=("$BERTH_PID")
wait_http "http://127.0.0.1:$BERTH_PORT/v2/" "$BERTH_PID" >"$WORK/berth.start" || { cat "$WORK/berth.log"; exit 2; }
put startup_s "$(cat "$WORK/berth.start")" berth

sleep 3
put idle_rss_mb "$(rss_mb "$BERTH_PID")" berth
put idle_rss_mb "$(rss_mb "$DIST_PID")" distribution

# ---- workloads, alternating the servers in each repeat ----
for r in $(seq "$REPEATS"); do
    log "repeat $r/$REPEATS: bare Kestrel"
    # shellcheck disable=SC2086
    "${GEN[@]}" run "http://127.0.0.1:$KESTREL_PORT" "$KESTREL_PID" kestrel $WORKLOADS >"$WORK/results/kestrel.$r.tsv"
    for server in berth distribution; do
        if [[ $server == berth ]]; then port=$BERTH_PORT pid=$BERTH_PID; else port=$DIST_PORT pid=$DIST_PID; fi
        log "repeat $r/$REPEATS: $server"
        # shellcheck disable=SC2086
        "${GEN[@]}" run "http://127.0.0.1:$port" "$pid" registry $WORKLOADS >"$WORK/results/$server.$r.tsv"
    done
done

sleep 5
put idle_rss_after_mb "$(rss_mb "$BERTH_PID")" berth
put idle_rss_after_mb "$(rss_mb "$DIST_PID")" distribution

# ---- the table ----
COMMANDS=$(cat <<EOF
Berth:        Berth__RequireRegistryAuthentication=false Berth__CreateRepositoryOnPush=true Berth__BlobMounting=ENABLED dotnet src/Berth.Server/bin/Release/net10.0/berth.dll serve --urls http://127.0.0.1:$BERTH_PORT --data \$WORK/berth
Distribution: /usr/bin/docker-registry serve \$WORK/distribution.yml   (filesystem storage, delete enabled, blobdescriptor cache inmemory, access log off)
Bare Kestrel: dotnet bench/Berth.Bench/bin/Release/net10.0/berth-bench.dll kestrel $KESTREL_PORT \$WORK/kestrel
Generator:    dotnet bench/Berth.Bench/bin/Release/net10.0/berth-bench.dll run http://127.0.0.1:PORT PID registry|kestrel $WORKLOADS   ($REPEATS repeats, servers alternating)
Ceilings:     openssl speed -evp sha256 -bytes 16384 -seconds 3; berth-bench sha256; dd if=/dev/zero of=\$WORK/dd bs=1M count=1024 conv=fsync; iperf3 -c 127.0.0.1 -t 5
EOF
)
MACHINE="$(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1024 / 1024 }' /proc/meminfo) RAM, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg), .NET SDK $(dotnet --version), $(/usr/bin/docker-registry --version 2>/dev/null | head -1)"
python3 "$ROOT/bench/table.py" "$WORK/results" "$REPEATS" "$MACHINE" "$COMMANDS" "$OUT"
log "wrote $OUT"
