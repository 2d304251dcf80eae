#!/usr/bin/env bash
# Memory of the Berth server while a large blob streams in and out.
#
# Builds Berth in Release, starts it on fresh storage, pushes a blob of SIZE bytes (default 2 GiB) three ways and
# pulls it back after each, sampling the server's resident set size (/proc/PID/status VmRSS every 0.1 s, plus the
# kernel's own peak VmHWM, reset before each phase through /proc/PID/clear_refs) the whole time:
#
#   push-post-put      POST ?digest= with the whole body (curl -T, Content-Length), the monolithic upload
#   push-patch-chunked POST, one PATCH streamed with Transfer-Encoding: chunked (as docker pushes), PUT ?digest=
#   push-patch-ranged  POST, PATCH chunks of CHUNK bytes with Content-Range, PUT ?digest=
#   pull               GET of the blob, sha256 checked
#
# Prints the peak RSS per phase and exits 1 if any peak exceeds LIMIT_MB (default 200).
#
# Usage: bench/memory.sh                      (SIZE=2G CHUNK=256M LIMIT_MB=200 KEEP=0 BENCH_DIR=/tmp/...)
set -euo pipefail

SIZE=${SIZE:-2G}
CHUNK=${CHUNK:-256M}
LIMIT_MB=${LIMIT_MB:-200}
KEEP=${KEEP:-0}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${BENCH_DIR:-$(mktemp -d /tmp/berth-memory.XXXXXX)}
mkdir -p "$WORK"
DATA=$WORK/data
LOG=$WORK/server.log
SAMPLES=$WORK/samples.tsv
PHASE_FILE=$WORK/phase
SERVER_PID=
SAMPLER_PID=

cleanup() {
    [[ -n $SAMPLER_PID ]] && kill "$SAMPLER_PID" 2>/dev/null || true
    if [[ -n $SERVER_PID ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    [[ $KEEP == 1 ]] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "memory.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }

log "building Berth (Release)"
dotnet build "$ROOT/src/Berth.Server" -c Release -nologo -v quiet >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 2; }
DLL=$ROOT/src/Berth.Server/bin/Release/net10.0/berth.dll

log "generating $SIZE of random data in $WORK/blob"
head -c "$SIZE" /dev/urandom >"$WORK/blob"
BYTES=$(stat -c %s "$WORK/blob")
DIGEST=sha256:$(sha256sum "$WORK/blob" | cut -d' ' -f1)
log "blob: $BYTES bytes, $DIGEST"

log "starting berth on fresh storage in $DATA"
Logging__LogLevel__Default=Warning dotnet "$DLL" serve --urls http://127.0.0.1:0 --data "$DATA" >"$LOG" 2>&1 &
SERVER_PID=$!
for _ in $(seq 300); do
    grep -q 'Berth listening on' "$LOG" && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$LOG"; exit 2; }
    sleep 0.1
done
BASE=$(grep -o 'Berth listening on http://[^;, ]*' "$LOG" | head -1 | sed 's/Berth listening on //')
[[ -n $BASE ]] || { cat "$LOG"; exit 2; }
curl -fsS "$BASE/healthz" >/dev/null
log "server pid $SERVER_PID at $BASE"

# The sampler: one "phase<TAB>VmRSS kB" line every 0.1 s while the server lives.
echo idle >"$PHASE_FILE"
(
    while [[ -r /proc/$SERVER_PID/status ]]; do
        rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null || true)
        [[ -n $rss ]] && printf '%s\t%s\n' "$(cat "$PHASE_FILE")" "$rss"
        sleep 0.1
    done
) >"$SAMPLES" &
SAMPLER_PID=$!

declare -A HWM
HWM[idle]=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status")
begin_phase() {
    echo "$1" >"$PHASE_FILE"
    # Writing 5 resets the kernel's peak RSS (VmHWM) to the current RSS, so the next reading is this phase's peak.
    echo 5 >"/proc/$SERVER_PID/clear_refs"
    log "phase $1"
}
end_phase() {
    HWM[$1]=$(awk '/^VmHWM:/ { print $2 }' "/proc/$SERVER_PID/status")
    echo between >"$PHASE_FILE"
}

header() { # header NAME FILE
    grep -i "^$1:" "$2" | head -1 | cut -d' ' -f2- | tr -d '\r'
}

start_upload() { # start_upload REPO -> Location (absolute)
    curl -fsS -X POST -D "$WORK/h" -o /dev/null "$BASE/v2/$1/blobs/uploads/"
    echo "$BASE$(header Location "$WORK/h")"
}

with_query() { # with_query URL KEY=VALUE
    if [[ $1 == *\?* ]]; then echo "$1&$2"; else echo "$1?$2"; fi
}

pull() { # pull REPO
    begin_phase "pull"
    local got
    got=sha256:$(curl -fsS "$BASE/v2/$1/blobs/$DIGEST" | sha256sum | cut -d' ' -f1)
    end_phase "pull"
    [[ $got == "$DIGEST" ]] || { log "pull of $1 returned $got, expected $DIGEST"; exit 1; }
    PULL_PEAKS+=("${HWM[pull]}")
}
PULL_PEAKS=()

# 1. Monolithic: POST ?digest= with the body (curl -T streams the file with Content-Length).
begin_phase push-post-put
curl -fsS -X POST -T "$WORK/blob" -H 'Content-Type: application/octet-stream' -o /dev/null \
    "$BASE/v2/bench/monolithic/blobs/uploads?digest=$DIGEST"  # no trailing slash: curl -T would append the file name
end_phase push-post-put
pull bench/monolithic

# 2. Docker-style: one PATCH whose body streams from stdin with Transfer-Encoding: chunked, then PUT ?digest=.
begin_phase push-patch-chunked
location=$(start_upload bench/chunked)
curl -fsS -X PATCH -T - -H 'Transfer-Encoding: chunked' -H 'Content-Type: application/octet-stream' \
    -D "$WORK/h" -o /dev/null "$location" <"$WORK/blob"
location=$BASE$(header Location "$WORK/h")
curl -fsS -X PUT -o /dev/null "$(with_query "$location" "digest=$DIGEST")"
end_phase push-patch-chunked
pull bench/chunked

# 3. Chunked upload: PATCH CHUNK bytes at a time with Content-Range, then PUT ?digest=.
begin_phase push-patch-ranged
location=$(start_upload bench/ranged)
chunk=$(numfmt --from=iec "$CHUNK")
offset=0
while ((offset < BYTES)); do
    length=$((BYTES - offset < chunk ? BYTES - offset : chunk))
    dd if="$WORK/blob" iflag=skip_bytes,count_bytes skip="$offset" count="$length" bs=1M status=none |
        curl -fsS -X PATCH -T - -H "Content-Length: $length" -H "Content-Range: $offset-$((offset + length - 1))" \
            -H 'Content-Type: application/octet-stream' -D "$WORK/h" -o /dev/null "$location"
    location=$BASE$(header Location "$WORK/h")
    offset=$((offset + length))
done
curl -fsS -X PUT -o /dev/null "$(with_query "$location" "digest=$DIGEST")"
end_phase push-patch-ranged
pull bench/ranged

echo idle >"$PHASE_FILE"
kill "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=

mb() { awk -v kb="$1" 'BEGIN { printf "%.1f", kb / 1024 }'; }
sampled_peak() { awk -F'\t' -v p="$1" '$1 == p && $2 > m { m = $2 } END { print m + 0 }' "$SAMPLES"; }

status=0
printf '\n%-20s %14s %14s\n' phase 'sampled MB' 'VmHWM MB'
for phase in idle push-post-put push-patch-chunked push-patch-ranged; do
    sampled=$(sampled_peak "$phase")
    [[ $phase == idle ]] && sampled=${HWM[idle]}  # one reading after start; the first push follows at once
    hwm=${HWM[$phase]:-$sampled}
    printf '%-20s %14s %14s\n' "$phase" "$(mb "$sampled")" "$(mb "$hwm")"
    peak=$((hwm > sampled ? hwm : sampled))
    ((peak <= LIMIT_MB * 1024)) || { log "$phase: peak $(mb "$peak") MB exceeds $LIMIT_MB MB"; status=1; }
done
pull_peak=0
for p in "${PULL_PEAKS[@]}"; do ((p > pull_peak)) && pull_peak=$p; done
sampled=$(sampled_peak pull)
printf '%-20s %14s %14s\n' "pull (x${#PULL_PEAKS[@]})" "$(mb "$sampled")" "$(mb "$pull_peak")"
peak=$((pull_peak > sampled ? pull_peak : sampled))
((peak <= LIMIT_MB * 1024)) || { log "pull: peak $(mb "$peak") MB exceeds $LIMIT_MB MB"; status=1; }

printf '\nblob %s bytes; .NET SDK %s; limit %s MB; %s\n' "$BYTES" "$(dotnet --version)" "$LIMIT_MB" \
    "$([[ $status == 0 ]] && echo PASS || echo FAIL)"
exit $status
