#!/usr/bin/env bash
# Garbage collection of Berth on S3 (issue #17's S3 row): blobs in a single-node OpenStack Swift with s3api
# (bench/swift.sh), metadata in PostgreSQL (bench/postgres.sh), a Berth server running on both throughout (the cycle
# is online). GC_S3_BLOBS blobs (default 100,000) of GC_BLOB_BYTES, half referenced and half garbage, written by
# bench/gc_s3_data.py (how each part is written is said there). Then:
#   collect     one `berth gc --grace-period 0` against the cluster's settings: wall time, and the S3 requests it
#               made by kind, from Swift's access log (the outer proxy-logging's lines, sent over UDP to a collector
#               here; Swift's own subrequests, under /v1/, are not S3 requests); afterwards the bucket must hold
#               exactly the referenced blobs (count and bytes, against the seed's list and PostgreSQL's references)
#   repository  DeleteRepository --force of "bench/app" (GC_UNIQUE blobs of its own, GC_SHARED shared with
#               "bench/base"), one more cycle: bytes reclaimed against the unique bytes, requests, bucket check again
# Distribution is not run on S3 here (bench/gc.sh compares it on the filesystem).
# The run's section (its table and the first cycle's output) is written to $OUT.new, to be added to OUT, which keeps
# earlier runs.
# Usage: bench/gc-s3.sh   (GC_S3_BLOBS=100000 GC_BLOB_BYTES=1024 GC_UNIQUE=1000 GC_SHARED=1000 SEED_PARALLEL=6
#                          SWIFT_PORT=15110 OUT=bench/RESULTS-GC-S3.md; KEEP=1 keeps the work directory)
set -euo pipefail
cd "$(dirname "$0")/.."
GC_S3_BLOBS=${GC_S3_BLOBS:-100000}
GC_BLOB_BYTES=${GC_BLOB_BYTES:-1024}
GC_UNIQUE=${GC_UNIQUE:-1000}
GC_SHARED=${GC_SHARED:-1000}
SWIFT_PORT=${SWIFT_PORT:-15110}
LOG_PORT=$((SWIFT_PORT + 5))
PG_PORT=$((SWIFT_PORT + 6))
BERTH_PORT=$((SWIFT_PORT + 7))
OUT=${OUT:-bench/RESULTS-GC-S3.md}
WORK=$(mktemp -d /tmp/berth-gc-s3-bench.XXXXXX)
chmod 755 "$WORK"
PIDS=()
# shellcheck source=bench/postgres.sh
. bench/postgres.sh
# shellcheck source=bench/swift.sh
. bench/swift.sh
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; stop_postgres; [[ ${KEEP:-0} == 1 ]] || rm -rf "$WORK"; }
trap cleanup EXIT
log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# BERTH_DLL: a berth.dll built beforehand (a copy, so rebuilding the worktree meanwhile does not change it).
if [[ -z ${BERTH_DLL:-} ]]; then
    dotnet build src/Berth.Server -c Release -warnaserror -v q >/dev/null
    BERTH_DLL=src/Berth.Server/bin/Release/net10.0/berth.dll
fi
LOAD_START=$(load)

# Swift's access-log lines of S3 requests (not its /v1/ subrequests), one a line, appended to WORK/access.log.
cat >"$WORK/collect.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
s.bind(("127.0.0.1", int(sys.argv[1])))
with open(sys.argv[2], "a", buffering=1) as f:
    while True:
        line = s.recv(65536).decode(errors="replace")
        if " /v1/" not in line and " /auth/" not in line and "HTTP/1." in line:
            f.write(line.split(": ", 1)[-1].strip() + "\n")
PY
: >"$WORK/access.log"
python3 "$WORK/collect.py" "$LOG_PORT" "$WORK/access.log" & PIDS+=("$!")
# kinds FROM-LINE: the S3 requests logged after line FROM, by kind ("ListObjectsV2 100, DeleteObjects 50, …").
kinds() {
    tail -n +"$(($1 + 1))" "$WORK/access.log" | python3 -c '
import sys, collections, urllib.parse
kinds = collections.Counter()
for line in sys.stdin:
    f = line.split()
    method, target = f[3], urllib.parse.unquote(f[4])
    path, _, query = target.partition("?")
    keyed = "/" in path.strip("/")
    q = urllib.parse.parse_qs(query, keep_blank_values=True)
    if method == "GET" and q.get("list-type") == ["2"]: k = "ListObjectsV2"
    elif method == "GET" and "uploads" in q: k = "ListMultipartUploads"
    elif method == "GET" and not keyed: k = "ListObjects(v1)"
    elif method == "POST" and "delete" in q: k = "DeleteObjects"
    elif method == "HEAD": k = "HeadObject" if keyed else "HeadBucket"
    else: k = {"GET": "GetObject", "PUT": "PutObject", "DELETE": "DeleteObject"}.get(method, method) + ("" if keyed else " (bucket)")
    kinds[k] += 1
print(", ".join(f"{k} {n}" for k, n in kinds.most_common()) or "none")'
}
lines() { wc -l <"$WORK/access.log"; }

log "starting Swift and PostgreSQL"
start_swift "$WORK/swift" "$SWIFT_PORT" "access_log_udp_host = 127.0.0.1
access_log_udp_port = $LOG_PORT
access_log_level = INFO"
start_postgres "$PG_PORT"
pg_sql -c "CREATE DATABASE berth_gc OWNER berth"
export AWS_ACCESS_KEY_ID=test:tester AWS_SECRET_ACCESS_KEY=testing
export GC_S3_ENDPOINT="http://127.0.0.1:$SWIFT_PORT" GC_S3_BUCKET=berth-gc GC_S3_PREFIX=bench
for i in $(seq 240); do
    python3 -c "import boto3, botocore.config; boto3.client('s3', endpoint_url='$GC_S3_ENDPOINT', region_name='us-east-1', config=botocore.config.Config(s3={'addressing_style': 'path'})).create_bucket(Bucket='berth-gc')" 2>/dev/null && break
    ((i < 240)) || { log "Swift did not start"; tail -n 20 "$WORK/swift"/*.log; exit 2; }
    sleep 0.5
done

# The ECR API's keys (Berth's account root); Swift's tempauth user is passed to Berth by its settings.
ROOT_KEY=AKIAGCS3BENCH0000000
ROOT_SECRET=gcs3benchsecret0000000000000000000000000
BERTH_ENV=(env Logging__LogLevel__Default=Warning BERTH_ROOT_ACCESS_KEY_ID=$ROOT_KEY BERTH_ROOT_SECRET_ACCESS_KEY=$ROOT_SECRET
    Berth__MasterKey="$(head -c 32 /dev/urandom | base64 -w0)"
    Berth__Storage__Blobs__Type=S3 Berth__Storage__Blobs__S3__ServiceUrl="$GC_S3_ENDPOINT/"
    Berth__Storage__Blobs__S3__Region=us-east-1 Berth__Storage__Blobs__S3__Bucket=berth-gc Berth__Storage__Blobs__S3__Prefix=bench
    Berth__Storage__Blobs__S3__AccessKeyId=test:tester Berth__Storage__Blobs__S3__SecretAccessKey=testing
    Berth__Storage__Metadata__Type=Postgres
    Berth__Storage__Metadata__Postgres__ConnectionString="Host=127.0.0.1;Port=$PG_PORT;Database=berth_gc;Username=berth;Password=$PG_PASSWORD")
# The server serves throughout; its own cycles are off so that only `berth gc` sweeps.
"${BERTH_ENV[@]}" Berth__RequireRegistryAuthentication=false Berth__GarbageCollection__Enabled=false \
    dotnet "$BERTH_DLL" serve --urls "http://127.0.0.1:$BERTH_PORT" --data "$WORK/berth" >"$WORK/berth.log" 2>&1 & PIDS+=("$!")
for i in $(seq 600); do
    [[ $(curl -so /dev/null -w '%{http_code}' "http://127.0.0.1:$BERTH_PORT/v2/" || true) != 000 ]] && break
    ((i < 600)) || { cat "$WORK/berth.log"; exit 2; }
    sleep 0.2
done

log "seeding $GC_S3_BLOBS blobs (load $(load))"; t=$(now)
BERTH_ENDPOINT="http://127.0.0.1:$BERTH_PORT" PSQL="psql -h 127.0.0.1 -p $PG_PORT -U berth -d berth_gc" PGPASSWORD=$PG_PASSWORD \
    ECR_KEY=$ROOT_KEY ECR_SECRET=$ROOT_SECRET python3 bench/gc_s3_data.py seed "$WORK" "$GC_S3_BLOBS" "$GC_BLOB_BYTES" "$GC_UNIQUE" "$GC_SHARED" 2>&1 | tee "$WORK/seed.txt" >&2
SEED_S=$(since "$t")
log "seeded in $SEED_S s (load $(load))"
check() { PSQL="psql -h 127.0.0.1 -p $PG_PORT -U berth -d berth_gc" PGPASSWORD=$PG_PASSWORD python3 bench/gc_s3_data.py check "$WORK" "$@"; }
read -r before_blobs before_bytes < <(python3 bench/gc_s3_data.py bytes)
sleep 2  # the last access-log datagrams of the seeding

cycle() { # cycle NAME: one berth gc, figures in CYCLE_S, CYCLE_REQ, CYCLE_LOAD
    local from t
    sleep 1; from=$(lines); CYCLE_LOAD="$(load) →"
    t=$(now)
    # The server's settings, and the collector ahead of it in the same environment (the server keeps serving).
    "${BERTH_ENV[@]}" dotnet "$BERTH_DLL" gc --data "$WORK/berth" --grace-period 0 >"$WORK/gc-$1.txt"
    CYCLE_S=$(since "$t"); CYCLE_LOAD="$CYCLE_LOAD $(load)"
    sleep 2
    CYCLE_REQ=$(kinds "$from")
    log "cycle $1: $CYCLE_S s, requests: $CYCLE_REQ"; cat "$WORK/gc-$1.txt" >&2
}

cycle collect
COLLECT_S=$CYCLE_S COLLECT_REQ=$CYCLE_REQ COLLECT_LOAD=$CYCLE_LOAD
read -r after_blobs after_bytes same1 db1 exp1 expbytes1 < <(check)
log "after: $after_blobs blobs, $after_bytes bytes; exactly the referenced: $same1 (database $db1, expected $exp1)"

python3 -c "import boto3; boto3.client('ecr', endpoint_url='http://127.0.0.1:$BERTH_PORT', region_name='us-east-1', aws_access_key_id='$ROOT_KEY', aws_secret_access_key='$ROOT_SECRET').delete_repository(repositoryName='bench/app', force=True)"
cycle repository
REPO_S=$CYCLE_S REPO_REQ=$CYCLE_REQ REPO_LOAD=$CYCLE_LOAD
read -r final_blobs final_bytes same2 db2 exp2 expbytes2 < <(check app-unique.tsv)
reclaimed=$((after_bytes - final_bytes))
unique_bytes=$((GC_UNIQUE * GC_BLOB_BYTES))
log "repository: reclaimed $reclaimed of $unique_bytes unique bytes; exactly the referenced: $same2"
LOAD_END=$(load)

{
    echo "## $GC_S3_BLOBS blobs, metadata in PostgreSQL ($(date -u +%F))"
    echo
    echo "bench/gc-s3.sh, $(date -u '+%F %H:%M') UTC, $(nproc) cores, GC_S3_BLOBS=$GC_S3_BLOBS GC_BLOB_BYTES=$GC_BLOB_BYTES"
    echo "GC_UNIQUE=$GC_UNIQUE GC_SHARED=$GC_SHARED; one run. Load average (1, 5, 15 min): $LOAD_START at the start, $LOAD_END at the end."
    echo "Seeding ($(sed -n 's/^bytes: //p' "$WORK/seed.txt"); the whole seed $SEED_S s)."
    echo
    echo "| Workload | Berth on S3 (online: a server serves beside the cycle) |"
    echo "|---|---|"
    echo "| GC of $before_blobs blobs ($before_bytes B), half garbage: wall time | $COLLECT_S s (load $COLLECT_LOAD) |"
    echo "| the same: requests to S3 | $COLLECT_REQ |"
    echo "| the same: bucket afterwards | $after_blobs blobs, $after_bytes B; exactly the referenced blobs: $same1 ($exp1 expected, $expbytes1 B; $db1 digests referenced in PostgreSQL) |"
    echo "| Delete a repository ($GC_UNIQUE unique + $GC_SHARED shared blobs of $GC_BLOB_BYTES B), one cycle: bytes reclaimed | $reclaimed of $unique_bytes unique ($REPO_S s, load $REPO_LOAD) |"
    echo "| the same: requests to S3 | $REPO_REQ |"
    echo "| the same: bucket afterwards | $final_blobs blobs, $final_bytes B; exactly the referenced blobs: $same2 |"
    echo
    echo "berth gc output, first cycle:"
    echo
    sed 's/^/    /' "$WORK/gc-collect.txt"
} >"$OUT.new"
cat "$OUT.new"
