#!/usr/bin/env bash
# Scanning benchmark: the import time of a 50,000-record OSV feed and the scan time of a ~300 MB image with ~400
# packages against it. Both inputs are SYNTHETIC, generated here by bench/scan_data.py: the image is five tar+gzip
# layers of random bytes (~300 MB, incompressible, so the scan decompresses and walks all of it) and a last layer with a
# Debian 12 os-release and a dpkg status of 400 made-up packages (200 source packages); the feed is a zip of 50,000
# Debian:12 records, 400 of them for the image's source packages (half affecting the installed versions), the rest for
# packages the image does not have. One Berth (SQLite + filesystem, fresh data directory, ECR authentication) is started;
# `berth vulnerabilities import` runs against its data directory while it serves (timed, wall clock); then, REPEATS
# times, the image is pushed with skopeo to a new scan-on-push repository and the scan time is the database's
# completed_at - queued_at of its image_scans row (Berth:Scanning:PollInterval=100ms, so at most 0.1 s of it is the
# wait for the worker). Prints a table and writes bench/RESULTS-SCANNING.md.
#
# Usage: bench/scan.sh   (REPEATS=3 IMAGE_MB=300 PACKAGES=400 RECORDS=50000 BENCH_DIR=/tmp/... OUT=bench/RESULTS-SCANNING.md)
set -euo pipefail
REPEATS=${REPEATS:-3}
IMAGE_MB=${IMAGE_MB:-300}
PACKAGES=${PACKAGES:-400}
RECORDS=${RECORDS:-50000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/bench/RESULTS-SCANNING.md}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/berth-scan-bench.XXXXXX)}
PORT=${PORT:-$((20000 + RANDOM % 20000))}
log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }

dotnet build "$ROOT/src/Berth.Server" -c Release -nologo -v quiet >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 2; }
BERTH=(dotnet "$ROOT/src/Berth.Server/bin/Release/net10.0/berth.dll")
KEY=AKIABERTHSCANBENCH001
SECRET=$(head -c 30 /dev/urandom | base64 | tr -d '/+=')
PID=
trap '[[ -n $PID ]] && kill "$PID" 2>/dev/null || true' EXIT

log "generating the image (${IMAGE_MB} MB, $PACKAGES packages) and the feed ($RECORDS records)"
# A BENCH_DIR of an earlier run keeps its inputs (same parameters assumed); only a fresh data directory is made.
[[ -f $WORK/layout/index.json ]] || python3 "$ROOT/bench/scan_data.py" image "$WORK/layout" "$IMAGE_MB" "$PACKAGES"
[[ -f $WORK/feed.zip ]] || python3 "$ROOT/bench/scan_data.py" feed "$WORK/feed.zip" "$RECORDS" "$PACKAGES"
rm -rf "$WORK/data"
image_bytes=$(du -sb "$WORK/layout/blobs" | cut -f1)
feed_bytes=$(stat -c %s "$WORK/feed.zip")

Logging__LogLevel__Default=Warning Berth__Scanning__PollInterval=00:00:00.100 BERTH_ROOT_ACCESS_KEY_ID=$KEY BERTH_ROOT_SECRET_ACCESS_KEY=$SECRET \
    "${BERTH[@]}" serve --urls "http://127.0.0.1:$PORT" --data "$WORK/data" >"$WORK/berth.log" 2>&1 &
PID=$!
for _ in $(seq 3000); do [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/v2/" || true) != 000 ]] && break; sleep 0.01; done
ecr() { env -u AWS_PROFILE AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET aws ecr "$@" --endpoint-url "http://127.0.0.1:$PORT" --region us-east-1; }

log "importing the feed"
start=$(date +%s.%N)
"${BERTH[@]}" vulnerabilities import "$WORK/feed.zip" --data "$WORK/data" >"$WORK/import.log" 2>&1
import_s=$(echo "$(date +%s.%N) - $start" | bc)
stored=$(sqlite3 "$WORK/data/berth.db" "SELECT COUNT(*) FROM vulnerabilities")
importer_s=$(grep -o 'records ([0-9]* files skipped) in [0-9.]* s' "$WORK/import.log" | grep -o 'in [0-9.]* s' | cut -d' ' -f2)

ecr put-registry-scanning-configuration --scan-type BASIC \
    --rules '[{"scanFrequency":"SCAN_ON_PUSH","repositoryFilters":[{"filter":"bench-scan-*","filterType":"WILDCARD"}]}]' >/dev/null
password=$(ecr get-login-password)
: >"$WORK/scans.tsv"
for r in $(seq "$REPEATS"); do
    repository=bench-scan-$r
    ecr create-repository --repository-name "$repository" >/dev/null
    log "repeat $r/$REPEATS: push and scan"
    skopeo copy -q --dest-tls-verify=false --dest-creds "AWS:$password" "oci:$WORK/layout:v1" "docker://127.0.0.1:$PORT/$repository:v1"
    ecr wait image-scan-complete --repository-name "$repository" --image-id imageTag=v1
    row=$(sqlite3 -separator $'\t' "$WORK/data/berth.db" \
        "SELECT (s.completed_at - s.queued_at) / 1000.0, (SELECT COUNT(*) FROM image_scan_findings f WHERE f.repository_id = s.repository_id AND f.digest = s.digest)
         FROM image_scans s JOIN repositories p ON p.id = s.repository_id WHERE p.name = '$repository'")
    echo "$r	$row" >>"$WORK/scans.tsv"
done

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
scan_median=$(cut -f2 "$WORK/scans.tsv" | median)
scan_all=$(cut -f2 "$WORK/scans.tsv" | paste -sd' ')
findings=$(cut -f3 "$WORK/scans.tsv" | head -1)
load=$(cut -d' ' -f1-3 /proc/loadavg)
{
    echo "# Scanning benchmark (bench/scan.sh)"
    echo
    echo "$(date -u +%Y-%m-%d), $(nproc) cores, load average $load when the run ended (a shared, busy machine: figures are upper bounds)."
    echo "Inputs are synthetic (bench/scan_data.py): a $((image_bytes / 1000000)) MB image (five tar+gzip layers of random bytes and a"
    echo "dpkg status of $PACKAGES made-up packages under Debian 12) and a $((feed_bytes / 1000000)) MB OSV zip of $RECORDS Debian:12 records."
    echo "Berth on SQLite + filesystem, one node."
    echo
    echo "| What | Result |"
    echo "| --- | --- |"
    echo "| \`berth vulnerabilities import\` of $RECORDS records (wall clock of the command, $stored stored) | ${import_s%???????} s |"
    echo "| the same import as the command reports it (reading the zip, parsing, upserting; no process start) | $importer_s s |"
    echo "| scan of the image, queued → COMPLETE (median of $REPEATS; all: $scan_all s) | $scan_median s |"
    echo "| findings per scan | $findings |"
} | tee "$OUT"
