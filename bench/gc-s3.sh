#!/usr/bin/env bash
# Garbage collection of Berth with blobs on S3: a single-node OpenStack Swift with s3api started here (as bench/run.sh
# and tests/Berth.Storage.Tests/S3 do), metadata in SQLite. GC_S3_BLOBS blobs (default 10,000: uploading 100,000
# objects into this Swift takes longer than the rest of the benchmark) of GC_BLOB_BYTES, half referenced, half
# garbage, written by bench/gc_data.py; one `berth gc --grace-period 0`: wall time and the S3 requests it made,
# counted from Swift's access log (its proxy-logging lines sent over UDP to a counter here; Swift's own subrequests,
# logged under /v1/, are not counted). Distribution is not run on S3 here.
# Usage: bench/gc-s3.sh   (GC_S3_BLOBS=10000 GC_BLOB_BYTES=1024 SWIFT_PORT=15110 OUT=bench/RESULTS-GC-S3.md)
set -euo pipefail
cd "$(dirname "$0")/.."
GC_S3_BLOBS=${GC_S3_BLOBS:-10000}
GC_BLOB_BYTES=${GC_BLOB_BYTES:-1024}
SWIFT_PORT=${SWIFT_PORT:-15110}
LOG_PORT=$((SWIFT_PORT + 5))
OUT=${OUT:-bench/RESULTS-GC-S3.md}
WORK=$(mktemp -d /tmp/berth-gc-s3-bench.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# BERTH_DLL: a berth.dll built beforehand (a copy, so rebuilding the worktree meanwhile does not change it).
if [[ -z ${BERTH_DLL:-} ]]; then
    dotnet build src/Berth.Server -c Release -warnaserror -v q >/dev/null
    BERTH_DLL=src/Berth.Server/bin/Release/net10.0/berth.dll
fi
SWIFT=$WORK/swift
# The request counter: every access-log datagram of an S3 request (the outer proxy-logging's, not under /v1/) adds one.
cat >"$WORK/count.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", int(sys.argv[1])))
n = 0
while True:
    line = s.recv(65536).decode(errors="replace")
    if " /v1/" not in line and "HTTP/1." in line:
        n += 1
        with open(sys.argv[2], "w") as f:
            f.write(str(n))
PY
echo 0 >"$WORK/requests"
python3 "$WORK/count.py" "$LOG_PORT" "$WORK/requests" & PIDS+=("$!")
# shellcheck source=bench/swift.sh
. bench/swift.sh
start_swift "$SWIFT" "$SWIFT_PORT" "access_log_udp_host = 127.0.0.1
access_log_udp_port = $LOG_PORT"
export AWS_ACCESS_KEY_ID=test:tester AWS_SECRET_ACCESS_KEY=testing
export GC_S3_ENDPOINT="http://127.0.0.1:$SWIFT_PORT" GC_S3_BUCKET=berth-gc GC_S3_PREFIX=bench
for i in $(seq 240); do
    python3 -c "import boto3, botocore.config; boto3.client('s3', endpoint_url='$GC_S3_ENDPOINT', region_name='us-east-1', config=botocore.config.Config(s3={'addressing_style': 'path'})).create_bucket(Bucket='berth-gc')" 2>/dev/null && break
    ((i < 240)) || { log "Swift did not start"; tail -n 20 "$SWIFT"/*.log; exit 2; }
    sleep 0.5
done

BERTH_ENV=(env Logging__LogLevel__Default=Warning Berth__Storage__Blobs__Type=S3 Berth__Storage__Blobs__S3__ServiceUrl="$GC_S3_ENDPOINT/"
    Berth__Storage__Blobs__S3__Region=us-east-1 Berth__Storage__Blobs__S3__Bucket=berth-gc Berth__Storage__Blobs__S3__Prefix=bench
    Berth__Storage__Blobs__S3__AccessKeyId=test:tester Berth__Storage__Blobs__S3__SecretAccessKey=testing)
BERTH=("${BERTH_ENV[@]}" dotnet "$BERTH_DLL")
mkdir -p "$WORK/berth"
"${BERTH[@]}" gc --data "$WORK/berth" --dry-run >/dev/null
log "writing $GC_S3_BLOBS blobs to Swift"; t=$(now)
python3 bench/gc_data.py "$WORK/berth" "$WORK/unused" "$GC_S3_BLOBS" "$GC_BLOB_BYTES"; log "written in $(since "$t") s"
sleep 2  # the last access-log datagrams of the upload
before=$(cat "$WORK/requests")
t=$(now); "${BERTH[@]}" gc --data "$WORK/berth" --grace-period 0 >"$WORK/berth-gc.txt"; seconds=$(since "$t")
sleep 2
requests=$(( $(cat "$WORK/requests") - before ))
cat "$WORK/berth-gc.txt" >&2
left=$(python3 -c "
import boto3, botocore.config
c = boto3.client('s3', endpoint_url='$GC_S3_ENDPOINT', region_name='us-east-1', config=botocore.config.Config(s3={'addressing_style': 'path'}))
print(sum(p.get('KeyCount', 0) for p in c.get_paginator('list_objects_v2').paginate(Bucket='berth-gc', Prefix='bench/blobs/')))")
log "berth gc on S3: $seconds s, $requests S3 requests, $left blobs left"
{
    echo "# Garbage collection: Berth with blobs on S3 (OpenStack Swift + s3api, single node, on this machine)"
    echo
    echo "bench/gc-s3.sh, $(date -u +%F), $(nproc) cores, GC_S3_BLOBS=$GC_S3_BLOBS GC_BLOB_BYTES=$GC_BLOB_BYTES; one run, metadata in SQLite."
    echo "Requests are those Swift's access log shows for the cycle (ListObjectsV2 pages, DeleteObjects batches, and the"
    echo "start-up bucket check); reduced scale: uploading 100,000 objects into this Swift takes longer than this session had."
    echo
    echo "| Workload | Berth on S3 |"
    echo "|---|---|"
    echo "| GC of $GC_S3_BLOBS blobs, half garbage: wall time | $seconds s |"
    echo "| the same: requests to S3 | $requests |"
    echo "| blobs left | $left of $GC_S3_BLOBS |"
} >"$OUT"
cat "$OUT"
