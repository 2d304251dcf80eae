#!/usr/bin/env bash
# Side-by-side benchmark of Berth against CNCF Distribution v3.1.1 (the current release, the main anchor: every ratio
# "Berth / v3.1.1") and Debian's docker-registry, Distribution 2.8.2 (the first round's anchor, kept as a second
# ratio) on this machine.
#
# Builds Berth and the load generator (bench/Berth.Bench) in Release, measures the machine's ceilings (openssl and .NET
# single-core SHA-256, 1 GiB dd with fsync, loopback TCP with iperf3, a bare Kestrel server that hashes and fsyncs an
# upload), starts Berth (open, and a second instance with ECR authentication), Distribution v3.1.1 and Distribution
# 2.8.2 on 127.0.0.1 on fresh storage, drives them with the same generator and real clients REPEATS times (the
# servers' order rotating), prints one table of medians and writes bench/RESULTS.md.
#
# Distribution v3.1.1 is the binary of /work/shared/anchors/distribution-v3.1.1 (DIST3=path to use another), run as
# that folder's README says: `registry serve CONFIG` with OTEL_TRACES_EXPORTER=none, filesystem storage, delete
# enabled, blobdescriptor cache inmemory, access log off (the same settings as 2.8.2's).
#
# Server CPU: every push and pull row reports the server's CPU seconds per GiB, and its user and kernel seconds apart
# (utime and stime of /proc/PID/stat, read before and after the workload). Memory: idle RSS after start and after the
# run, and the peak RSS (VmHWM, reset through /proc/PID/clear_refs before each workload) of every workload.
#
# WORKLOADS (all by default):
#   push        1 GiB monolithic, chunked (10 MiB PATCHes) and streamed pushes, and a 1 GiB pull (the generator)
#   push2g      one 2 GiB monolithic push and its pull (the peak-RSS case)
#   concurrent  16 concurrent pushes and pulls of distinct 64 MiB blobs
#   small       manifest GET by tag and blob HEAD at 16 connections, tags/list of 1,000 tags (the generator)
#   curl        right after the servers start, before any other workload: CURL_PUSHES (10) consecutive 1 GiB
#               monolithic pushes with curl per server, interleaved across the servers (push i goes to every server
#               before push i+1, the order rotating): `curl -X POST .../blobs/uploads/`, then `curl -T FILE
#               LOCATION&digest=sha256:...` (PUT with the body, Expect: 100-continue as curl sends it). Each push is a
#               new blob (a per-push nonce in the file's first bytes); its wall time, the server's user and kernel CPU
#               and its peak RSS are measured around the two requests. The first push after the start against the
#               tenth is the warm-up row. After each push the blob is removed from the server's storage outside the
#               timing (the file under its data directory, or the objects in its bucket), so ten pushes need one
#               blob's disk; CURL_KEEP=1 keeps them (ten blobs per server)
#   wrk         clients that are not ours, 16 connections, 5 s of warm-up then 10 s measured, on a repository seeded
#               per repeat by `berth-bench seed` (one-layer image tagged latest and t0001..t0999: 1,000 tags): `wrk -t2 -c16
#               --latency` for manifest GET by tag and tags/list of 1,000 tags, and `ab -i -k -c 16` (ApacheBench) for
#               blob HEAD, since Debian's wrk 4.1.0 waits for a body after a HEAD answer with Content-Length and
#               completes no request; requests/s, p50, p99 and server CPU per request; on the authenticated Berth
#               too (the same Authorization header as the generator's); not on the two-node cluster. Needs wrk and
#               apache2-utils (Debian packages, installed if missing)
#   auth        manifest GET and blob HEAD at 16 connections on a second Berth with authentication on (Basic AWS:token
#               from aws ecr get-login-password, repository made by aws ecr create-repository); needs the aws CLI
#   clients     a new five-layer ~300 MB image (tar+gzip layers of random bytes, an OCI layout written offline by
#               berth-bench image) per repeat: skopeo push, the same push again (every layer exists), skopeo pull
#   docker      the same image docker-loaded into a dockerd started here (vfs, own data root): docker push, docker pull
#               after docker rmi, and the push again; needs docker, dockerd and skopeo
#   s3          two more columns on one single-node OpenStack Swift with s3api started here (as
#               tests/Berth.Storage.Tests/S3 does; Debian swift-proxy, swift-account, swift-container, swift-object and
#               memcached): "Berth on S3" (a third Berth, open, blobs in bucket berth-bench) and "v3.1.1 on S3"
#               (Distribution v3.1.1 with its s3 driver: region us-east-1, regionendpoint the Swift proxy,
#               forcepathstyle true, v4auth true, secure false, bucket dist-bench; its default redirect of blob GET and
#               HEAD to a presigned URL on, so its pulls are served by Swift; S3_REDIRECT=1, the default, gives
#               Berth on S3 the same, Berth__Storage__Blobs__S3__PresignedRedirects=true: 0 streams Berth's pulls
#               through it, to measure that path), both driven with the other selected
#               workloads (curl pushes included). Swift's own CPU (the proxy, object, container and account servers
#               and memcached, one process each) is counted per GiB and per request for both columns; "Berth on S3"
#               shows its ratio to "v3.1.1 on S3"
#   cluster     Berth on S3 (the same Swift) with metadata in PostgreSQL 15 (a private cluster started here: initdb,
#               pg_ctl -w start on 127.0.0.1 and a free port, fsync on; Debian postgresql-15), as one node and as two
#               nodes on one database and bucket (each configuration on a database and bucket of its own), driven
#               with the other selected workloads except curl; the generator spreads the requests across the two
#               nodes, and the real clients reach them through a round-robin TCP balancer (berth-bench balance);
#               columns "Berth S3+PG (1 node)" and "Berth S3+PG (2 nodes)", each with its ratio to "v3.1.1 on S3"
#               when the s3 workload ran (else to v3.1.1 on its filesystem)
#
# Usage: bench/run.sh            (REPEATS=3 WORKLOADS="curl push push2g concurrent small wrk auth clients docker s3 cluster"
#                                 KEEP=0 BENCH_DIR=/tmp/... OUT=bench/RESULTS.md CURL_PUSHES=10 CURL_KEEP=0 S3_REDIRECT=1
#                                 WRK_WARMUP=5 WRK_SECONDS=10 DIST3=/work/shared/anchors/distribution-v3.1.1/registry)
#        BLOB_MIB=1024 is the size of the "1 GiB" blobs (the curl pushes' too; twice that for push2g, a sixteenth each
#        for concurrent); a smaller one only checks the script quickly (REPEATS=1 BLOB_MIB=32 WORKLOADS="cluster push"
#        OUT=/tmp/x.md), and the table then says that its figures are no result. STORE_REPEATS=1: in how many of the
#        repeats the S3 and S3+PG columns are measured. The script checks the disk first: every server keeps what the
#        generator and the clients send it, until the run ends or, for the S3 and S3+PG columns, their last repeat does.
set -euo pipefail

REPEATS=${REPEATS:-3}
# The S3 and S3+PG columns are measured in the first STORE_REPEATS repeats only: each takes minutes and ~7 GiB of disk
# per repeat, and they are not set against Distribution.
STORE_REPEATS=${STORE_REPEATS:-1}
WORKLOADS=${WORKLOADS:-curl push push2g concurrent small wrk auth clients docker s3 cluster}
for w in $WORKLOADS; do
    case $w in
        curl | push | push2g | concurrent | small | wrk | auth | clients | docker | s3 | cluster) ;;
        *) echo "run.sh: unknown workload '$w' (curl push push2g concurrent small wrk auth clients docker s3 cluster)" >&2; exit 2 ;;
    esac
done
KEEP=${KEEP:-0}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/bench/RESULTS.md}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/berth-bench.XXXXXX)}
mkdir -p "$WORK/results"
DIST_PORT=${DIST_PORT:-15001}            # Distribution 2.8.2 (Debian)
DIST3_PORT=${DIST3_PORT:-15020}          # Distribution v3.1.1, filesystem
DIST3_S3_PORT=${DIST3_S3_PORT:-15021}    # Distribution v3.1.1, s3 driver on the Swift below
DIST3=${DIST3:-/work/shared/anchors/distribution-v3.1.1/registry}
CURL_PUSHES=${CURL_PUSHES:-10}
export S3_REDIRECT=${S3_REDIRECT:-1}  # read by bench/table.py too
CURL_KEEP=${CURL_KEEP:-0}
BERTH_PORT=${BERTH_PORT:-15002}
KESTREL_PORT=${KESTREL_PORT:-15003}
BERTH_AUTH_PORT=${BERTH_AUTH_PORT:-15004}
BERTH_S3_PORT=${BERTH_S3_PORT:-15005}
BERTH_PG1_PORT=${BERTH_PG1_PORT:-15006}   # Berth S3+PG, one node
BERTH_PG2_PORT=${BERTH_PG2_PORT:-15007}   # Berth S3+PG, two nodes: this port and the next
BALANCER_PORT=${BALANCER_PORT:-15009}     # the two nodes behind a round-robin TCP balancer, for skopeo and docker
PG_PORT=${PG_PORT:-}                      # PostgreSQL; empty: a free port
SWIFT_PORT=${SWIFT_PORT:-15010}  # Swift's proxy (the S3 endpoint); account, container, object and memcached on the next four
BLOB_MIB=${BLOB_MIB:-1024}
export BERTH_BENCH_BLOB_MIB=$BLOB_MIB
IMAGE_LAYERS=${IMAGE_LAYERS:-5}
IMAGE_LAYER_MIB=${IMAGE_LAYER_MIB:-57}  # 5 x 57 MiB of random bytes: about 300 MB compressed (gzip cannot shrink them)
IPERF_PORT=${IPERF_PORT:-15201}
PIDS=()
DOCKERD_PID=
DOCKER_ROOT=
# shellcheck source=bench/postgres.sh
. "$ROOT/bench/postgres.sh"

want() { [[ " $WORKLOADS " == *" $1 "* ]]; }
# The generator's own workloads, in the order it runs them.
GEN_WORKLOADS=$(for w in push push2g concurrent small; do want "$w" && printf '%s ' "$w"; done || true)


cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    stop_postgres
    if [[ -n $DOCKERD_PID ]]; then
        # dockerd leaves vfs layers and its exec root behind if it is killed; give it time to stop cleanly.
        kill "$DOCKERD_PID" 2>/dev/null || true
        for _ in $(seq 300); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$DOCKERD_PID" 2>/dev/null || true
        wait "$DOCKERD_PID" 2>/dev/null || true
        rm -rf "$DOCKER_ROOT"
    fi
    [[ $KEEP == 1 ]] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT  # a signal ends the script through its EXIT trap, so the servers stop with it
trap 'exit 143' TERM
trap 'echo "run.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
put() { printf '%s\t%s\n' "$1" "$2" >>"$WORK/results/$3.machine.tsv"; }
# A server is one PID or, for a cluster, its nodes' PIDs separated by commas: memory is the largest node's (what a
# node needs), CPU the sum over the nodes (what the servers spent together).
status_files() { local pid; for pid in ${1//,/ }; do printf '/proc/%s/status\n' "$pid"; done; }
rss_mb() { status_files "$1" | xargs awk '/^VmRSS:/ { if ($2 > m) m = $2 } END { printf "%.1f", m / 1024 }'; }
hwm_mb() { status_files "$1" | xargs awk '/^VmHWM:/ { if ($2 > m) m = $2 } END { printf "%.1f", m / 1024 }'; }
# Writing 5 to clear_refs resets the kernel's peak RSS (VmHWM) to the current RSS, so the next hwm_mb is that span's peak.
reset_peak() { local pid; for pid in ${1//,/ }; do echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || true; done; }
cpu_s() { # utime + stime
    local pid
    for pid in ${1//,/ }; do cat "/proc/$pid/stat"; done | awk '{ sub(/.*\) /, ""); t += $12 + $13 } END { printf "%.2f", t / 100 }'
}
cpu_uk() { # "utime stime" in seconds, summed over the PIDs
    local pid
    for pid in ${1//,/ }; do cat "/proc/$pid/stat"; done | awk '{ sub(/.*\) /, ""); u += $12; k += $13 } END { printf "%.2f %.2f", u / 100, k / 100 }'
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }

# ---- Debian packages: Distribution and the ceilings' tools always, the clients and stores of the selected workloads ----
packages=(docker-registry iperf3 openssl curl)
want wrk && packages+=(wrk apache2-utils)
want clients && packages+=(skopeo)
want docker && packages+=(docker.io skopeo)
{ want s3 || want cluster; } && packages+=(swift-proxy swift-account swift-container swift-object memcached)
want cluster && packages+=(postgresql-15)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [[ ${#missing[@]} -gt 0 ]]; then
    [[ $(id -u) == 0 ]] || { log "missing Debian packages: ${missing[*]} (run as root, or apt-get install them)"; exit 2; }
    log "installing ${missing[*]} (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$WORK/apt.log" 2>&1 ||
        { cat "$WORK/apt.log"; exit 2; }
    # The packages' services (docker-registry, memcached, postgresql) would start where systemd runs: stop them, the
    # benchmark runs its own instances on its own ports and storage.
    for svc in docker-registry memcached postgresql; do
        command -v systemctl >/dev/null && systemctl stop "$svc" >/dev/null 2>&1 || true
    done
fi

# ---- disk: every server keeps what it is sent (about six blobs of BLOB_MIB and two client images per repeat) ----
fs_servers=3
store_servers=0
want s3 && store_servers=$((store_servers + 2))
want cluster && store_servers=$((store_servers + 2))
store_runs=$((STORE_REPEATS < REPEATS ? STORE_REPEATS : REPEATS))
# The store columns' storage is removed once their repeats end (retire_stores), so the disk holds at most the larger
# of: every repeat of theirs with as many of the filesystem servers', or every repeat of the filesystem servers'.
store_phase=$((store_runs * (fs_servers + store_servers)))
fs_phase=$((REPEATS * fs_servers))
((store_runs == REPEATS)) && store_phase=$((REPEATS * fs_servers + store_runs * store_servers))
need_mib=$(((store_phase > fs_phase ? store_phase : fs_phase) * (6 * BLOB_MIB + 700) * 11 / 10 + 4096))
# The curl pushes: the body file, and one blob per server at a time (or every push's with CURL_KEEP=1).
if want curl; then
    curl_blobs=1
    [[ $CURL_KEEP != 1 ]] || curl_blobs=$CURL_PUSHES
    need_mib=$((need_mib + BLOB_MIB + (fs_servers + store_servers) * curl_blobs * BLOB_MIB))
fi
free_mib=$(df --output=avail -m "$WORK" | tail -1 | tr -d ' ')
if ((free_mib < need_mib)); then
    log "not enough disk under $WORK: about $need_mib MiB needed, $free_mib MiB free (fewer REPEATS, STORE_REPEATS or WORKLOADS, or another BENCH_DIR)"
    exit 2
fi

[[ -x $DIST3 ]] || { log "Distribution v3.1.1 not found at $DIST3 (DIST3=path of its registry binary)"; exit 2; }

log "building Berth and the load generator (Release)"
dotnet build "$ROOT/src/Berth.Server" -c Release -nologo -v quiet >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 2; }
dotnet build "$ROOT/bench/Berth.Bench" -c Release -nologo -v quiet >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 2; }
BERTH_DLL=$ROOT/src/Berth.Server/bin/Release/net10.0/berth.dll
GEN=(dotnet "$ROOT/bench/Berth.Bench/bin/Release/net10.0/berth-bench.dll")

# ---- machine ceilings ----
put blob_mib "$BLOB_MIB" ceiling
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

start_dist3() { # start_dist3 NAME PORT STORAGE-YAML -> its PID in DIST3_STARTED, its start time in WORK/NAME.start
    printf 'version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n%s\n  delete:\n    enabled: true\n  cache:\n    blobdescriptor: inmemory\nhttp:\n  addr: 127.0.0.1:%s\n' \
        "$3" "$2" >"$WORK/$1.yml"
    # v3 traces every request and would otherwise export the traces to localhost:4318 (the anchor's README).
    OTEL_TRACES_EXPORTER=none "$DIST3" serve "$WORK/$1.yml" >"$WORK/$1.log" 2>&1 &
    DIST3_STARTED=$!
    PIDS+=("$DIST3_STARTED")
    wait_http "http://127.0.0.1:$2/v2/" "$DIST3_STARTED" >"$WORK/$1.start" || { cat "$WORK/$1.log"; exit 2; }
}
log "starting Distribution v3.1.1 on fresh storage"
mkdir -p "$WORK/dist3"
start_dist3 dist3 "$DIST3_PORT" "  filesystem:
    rootdirectory: $WORK/dist3"
DIST3_PID=$DIST3_STARTED
put startup_s "$(cat "$WORK/dist3.start")" dist3

log "starting Berth on fresh storage (open registry: no authentication, create on push, blob mounting)"
Logging__LogLevel__Default=Warning Berth__RequireRegistryAuthentication=false Berth__CreateRepositoryOnPush=true \
    Berth__BlobMounting=ENABLED dotnet "$BERTH_DLL" serve --urls "http://127.0.0.1:$BERTH_PORT" --data "$WORK/berth" \
    >"$WORK/berth.log" 2>&1 &
BERTH_PID=$!
PIDS+=("$BERTH_PID")
wait_http "http://127.0.0.1:$BERTH_PORT/v2/" "$BERTH_PID" >"$WORK/berth.start" || { cat "$WORK/berth.log"; exit 2; }
put startup_s "$(cat "$WORK/berth.start")" berth

AUTH_KEY_ID=AKIABERTHBENCH0000001
AUTH_SECRET=$(head -c 30 /dev/urandom | base64 | tr -d '/+=')
AUTH_REPOSITORY=bench/auth
if want auth; then
    command -v aws >/dev/null || { log "auth: the aws CLI is missing (pip install awscli)"; exit 2; }
    log "starting a second Berth on fresh storage with ECR authentication (the default), repositories made by create-repository"
    Logging__LogLevel__Default=Warning BERTH_ROOT_ACCESS_KEY_ID=$AUTH_KEY_ID BERTH_ROOT_SECRET_ACCESS_KEY=$AUTH_SECRET \
        dotnet "$BERTH_DLL" serve --urls "http://127.0.0.1:$BERTH_AUTH_PORT" --data "$WORK/berth-auth" >"$WORK/berth-auth.log" 2>&1 &
    BERTH_AUTH_PID=$!
    PIDS+=("$BERTH_AUTH_PID")
    wait_http "http://127.0.0.1:$BERTH_AUTH_PORT/v2/" "$BERTH_AUTH_PID" >/dev/null || { cat "$WORK/berth-auth.log"; exit 2; }
    ecr() {
        env -u AWS_PROFILE -u AWS_SESSION_TOKEN AWS_ACCESS_KEY_ID="$AUTH_KEY_ID" AWS_SECRET_ACCESS_KEY="$AUTH_SECRET" \
            aws ecr "$@" --endpoint-url "http://127.0.0.1:$BERTH_AUTH_PORT" --region us-east-1
    }
    ecr create-repository --repository-name "$AUTH_REPOSITORY" >/dev/null
    AUTH_HEADER="Basic $(printf 'AWS:%s' "$(ecr get-login-password)" | base64 -w0)"
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$BERTH_AUTH_PORT/v2/")
    [[ $code == 401 ]] || { log "auth: /v2/ without a token answered $code, expected 401"; exit 2; }
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: $AUTH_HEADER" "http://127.0.0.1:$BERTH_AUTH_PORT/v2/")
    [[ $code == 200 ]] || { log "auth: /v2/ with the token answered $code, expected 200"; exit 2; }
fi

if want s3 || want cluster; then
    for tool in swift-proxy-server swift-account-server swift-container-server swift-object-server swift-ring-builder memcached aws; do
        command -v "$tool" >/dev/null || { log "s3: $tool is missing (apt-get install swift-proxy swift-account swift-container swift-object memcached)"; exit 2; }
    done
    log "starting a single-node OpenStack Swift with s3api (one-replica rings, plain directories as the device)"
    # shellcheck source=bench/swift.sh
    . "$ROOT/bench/swift.sh"
    start_swift "$WORK/swift" "$SWIFT_PORT"
    printf '[default]\ns3 =\n    addressing_style = path\n' >"$SWIFT/aws.config"
    s3api() {
        env -u AWS_PROFILE -u AWS_SESSION_TOKEN AWS_CONFIG_FILE="$SWIFT/aws.config" AWS_ACCESS_KEY_ID=test:tester \
            AWS_SECRET_ACCESS_KEY=testing aws s3api "$@" --endpoint-url "http://127.0.0.1:$SWIFT_PORT" --region us-east-1
    }
    for i in $(seq 240); do  # the Python servers take a few seconds to listen
        s3api create-bucket --bucket berth-bench >/dev/null 2>&1 && break
        ((i < 240)) || { log "s3: Swift did not start"; tail -n 20 "$SWIFT"/*.log; exit 2; }
        sleep 0.5
    done
fi

if want s3; then
    log "starting Berth on fresh storage with blobs on S3 (Swift), open registry as the first"
    Logging__LogLevel__Default=Warning Berth__RequireRegistryAuthentication=false Berth__CreateRepositoryOnPush=true \
        Berth__BlobMounting=ENABLED Berth__Storage__Blobs__Type=S3 \
        Berth__Storage__Blobs__S3__ServiceUrl="http://127.0.0.1:$SWIFT_PORT/" Berth__Storage__Blobs__S3__Region=us-east-1 \
        Berth__Storage__Blobs__S3__Bucket=berth-bench Berth__Storage__Blobs__S3__Prefix=bench \
        Berth__Storage__Blobs__S3__AccessKeyId=test:tester Berth__Storage__Blobs__S3__SecretAccessKey=testing \
        Berth__Storage__Blobs__S3__PresignedRedirects="$([[ $S3_REDIRECT == 1 ]] && echo true || echo false)" \
        dotnet "$BERTH_DLL" serve --urls "http://127.0.0.1:$BERTH_S3_PORT" --data "$WORK/berth-s3" >"$WORK/berth-s3.log" 2>&1 &
    BERTH_S3_PID=$!
    PIDS+=("$BERTH_S3_PID")
    wait_http "http://127.0.0.1:$BERTH_S3_PORT/v2/" "$BERTH_S3_PID" >"$WORK/berth-s3.start" || { cat "$WORK/berth-s3.log"; exit 2; }
    put startup_s "$(cat "$WORK/berth-s3.start")" berth_s3

    log "starting Distribution v3.1.1 with its s3 driver on the same Swift (bucket dist-bench)"
    s3api create-bucket --bucket dist-bench >/dev/null
    start_dist3 dist3-s3 "$DIST3_S3_PORT" "  s3:
    region: us-east-1
    regionendpoint: http://127.0.0.1:$SWIFT_PORT
    forcepathstyle: true
    v4auth: true
    secure: false
    bucket: dist-bench
    accesskey: test:tester
    secretkey: testing"
    DIST3_S3_PID=$DIST3_STARTED
    put startup_s "$(cat "$WORK/dist3-s3.start")" dist3_s3
fi

if want cluster; then
    PG_PORT=${PG_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
    log "starting a private PostgreSQL 15 cluster on 127.0.0.1:$PG_PORT (initdb, pg_ctl -w start; fsync on)"
    start_postgres "$PG_PORT" || exit 2
    # Each configuration on fresh storage: a database (owned by the login Berth uses, as the README's production
    # section asks) and a bucket of its own.
    pg_sql -c "CREATE DATABASE berth_one OWNER berth" -c "CREATE DATABASE berth_two OWNER berth" >"$WORK/psql.log" 2>&1 || { cat "$WORK/psql.log"; exit 2; }
    s3api create-bucket --bucket berth-cluster-1 >/dev/null
    s3api create-bucket --bucket berth-cluster-2 >/dev/null
    # Every node of a cluster needs the same master key (it encrypts the signing keys kept in the database).
    CLUSTER_MASTER_KEY=$(head -c 32 /dev/urandom | base64 -w0)
    start_cluster_node() { # start_cluster_node NAME PORT DATABASE BUCKET -> the node's PID in NODE_PID, its start time in WORK/NAME.start
        Logging__LogLevel__Default=Warning Berth__RequireRegistryAuthentication=false Berth__CreateRepositoryOnPush=true \
            Berth__BlobMounting=ENABLED Berth__MasterKey="$CLUSTER_MASTER_KEY" Berth__Storage__Blobs__Type=S3 \
            Berth__Storage__Blobs__S3__ServiceUrl="http://127.0.0.1:$SWIFT_PORT/" Berth__Storage__Blobs__S3__Region=us-east-1 \
            Berth__Storage__Blobs__S3__Bucket="$4" Berth__Storage__Blobs__S3__Prefix=bench \
            Berth__Storage__Blobs__S3__AccessKeyId=test:tester Berth__Storage__Blobs__S3__SecretAccessKey=testing \
            Berth__Storage__Metadata__Type=Postgres \
            Berth__Storage__Metadata__Postgres__ConnectionString="Host=127.0.0.1;Port=$PG_PORT;Database=$3;Username=berth;Password=$PG_PASSWORD" \
            dotnet "$BERTH_DLL" serve --urls "http://127.0.0.1:$2" --data "$WORK/$1" >"$WORK/$1.log" 2>&1 &
        NODE_PID=$!
        PIDS+=("$NODE_PID")
        wait_http "http://127.0.0.1:$2/v2/" "$NODE_PID" >"$WORK/$1.start" || { cat "$WORK/$1.log"; exit 2; }
    }
    log "starting Berth S3+PG, one node (blobs on Swift, metadata in PostgreSQL database berth_one)"
    start_cluster_node berth-pg1 "$BERTH_PG1_PORT" berth_one berth-cluster-1
    BERTH_PG1_PID=$NODE_PID
    put startup_s "$(cat "$WORK/berth-pg1.start")" berth_pg1
    log "starting Berth S3+PG, two nodes on one database (berth_two) and one bucket"
    start_cluster_node berth-pg2a "$BERTH_PG2_PORT" berth_two berth-cluster-2
    BERTH_PG2_PIDS=$NODE_PID
    start_cluster_node berth-pg2b $((BERTH_PG2_PORT + 1)) berth_two berth-cluster-2
    BERTH_PG2_PIDS+=,$NODE_PID
    put startup_s "$(sort -n "$WORK/berth-pg2a.start" "$WORK/berth-pg2b.start" | tail -1)" berth_pg2
    BERTH_PG2_BASES=http://127.0.0.1:$BERTH_PG2_PORT,http://127.0.0.1:$((BERTH_PG2_PORT + 1))
    if want clients || want docker; then
        log "starting a round-robin TCP balancer on 127.0.0.1:$BALANCER_PORT in front of the two nodes, for skopeo and docker"
        "${GEN[@]}" balance "$BALANCER_PORT" "127.0.0.1:$BERTH_PG2_PORT,127.0.0.1:$((BERTH_PG2_PORT + 1))" >"$WORK/balancer.log" 2>&1 &
        BALANCER_PID=$!
        PIDS+=("$BALANCER_PID")
        wait_http "http://127.0.0.1:$BALANCER_PORT/v2/" "$BALANCER_PID" >/dev/null || { cat "$WORK/balancer.log"; exit 2; }
    fi
fi

if want docker; then
    for tool in docker dockerd skopeo; do command -v "$tool" >/dev/null || { log "docker: $tool is missing"; exit 2; }; done
    log "starting dockerd as a plain process (vfs storage driver, own data root, no networking set-up)"
    # unix socket paths must stay under 108 bytes: a short directory of its own.
    DOCKER_ROOT=$(mktemp -d /tmp/berth-dk.XXXXXX)
    mkdir -p "$DOCKER_ROOT/config"
    # An explicit config keeps a host /etc/docker/daemon.json out; 127.0.0.0/8 is insecure by default, listed anyway.
    printf '{"insecure-registries": ["127.0.0.1:%s", "127.0.0.1:%s", "127.0.0.1:%s", "127.0.0.1:%s", "127.0.0.1:%s", "127.0.0.1:%s", "127.0.0.1:%s"]}\n' \
        "$BERTH_PORT" "$DIST_PORT" "$DIST3_PORT" "$BERTH_S3_PORT" "$DIST3_S3_PORT" "$BERTH_PG1_PORT" "$BALANCER_PORT" >"$DOCKER_ROOT/daemon.json"
    dockerd --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs --data-root "$DOCKER_ROOT/data" \
        --exec-root "$DOCKER_ROOT/exec" --pidfile "$DOCKER_ROOT/docker.pid" --config-file "$DOCKER_ROOT/daemon.json" \
        -H "unix://$DOCKER_ROOT/docker.sock" >"$WORK/dockerd.log" 2>&1 &
    DOCKERD_PID=$!
    dk() { DOCKER_CONFIG=$DOCKER_ROOT/config docker -H "unix://$DOCKER_ROOT/docker.sock" "$@"; }
    for _ in $(seq 1200); do
        grep -q 'API listen on' "$WORK/dockerd.log" && break
        kill -0 "$DOCKERD_PID" 2>/dev/null || { cat "$WORK/dockerd.log"; exit 2; }
        sleep 0.1
    done
    dk info >/dev/null || { tail -50 "$WORK/dockerd.log"; exit 2; }
fi

sleep 3
put idle_rss_mb "$(rss_mb "$BERTH_PID")" berth
put idle_rss_mb "$(rss_mb "$DIST_PID")" distribution
put idle_rss_mb "$(rss_mb "$DIST3_PID")" dist3
[[ -n ${DIST3_S3_PID:-} ]] && put idle_rss_mb "$(rss_mb "$DIST3_S3_PID")" dist3_s3
[[ -n ${BERTH_AUTH_PID:-} ]] && put idle_rss_mb "$(rss_mb "$BERTH_AUTH_PID")" berth_auth
[[ -n ${BERTH_S3_PID:-} ]] && put idle_rss_mb "$(rss_mb "$BERTH_S3_PID")" berth_s3
[[ -n ${BERTH_PG1_PID:-} ]] && put idle_rss_mb "$(rss_mb "$BERTH_PG1_PID")" berth_pg1
[[ -n ${BERTH_PG2_PIDS:-} ]] && put idle_rss_mb "$(rss_mb "$BERTH_PG2_PIDS")" berth_pg2

# server_of NAME -> port (where the clients go), pid (the server's PIDs), store (Swift's PIDs when its blobs are on
# Swift, else empty), bases (the generator's base URLs) and storage (its data directory, or s3:BUCKET)
server_of() {
    store= bases=
    case $1 in
        berth) port=$BERTH_PORT pid=$BERTH_PID storage=$WORK/berth ;;
        distribution) port=$DIST_PORT pid=$DIST_PID storage=$WORK/distribution ;;
        dist3) port=$DIST3_PORT pid=$DIST3_PID storage=$WORK/dist3 ;;
        berth_s3) port=$BERTH_S3_PORT pid=$BERTH_S3_PID store=$SWIFT_PIDS storage=s3:berth-bench ;;
        dist3_s3) port=$DIST3_S3_PORT pid=$DIST3_S3_PID store=$SWIFT_PIDS storage=s3:dist-bench ;;
        berth_pg1) port=$BERTH_PG1_PORT pid=$BERTH_PG1_PID store=$SWIFT_PIDS storage=s3:berth-cluster-1 ;;
        berth_pg2) port=${BALANCER_PORT} pid=$BERTH_PG2_PIDS store=$SWIFT_PIDS storage=s3:berth-cluster-2 bases=$BERTH_PG2_BASES ;;
        berth_auth) port=$BERTH_AUTH_PORT pid=$BERTH_AUTH_PID storage=$WORK/berth-auth ;;
    esac
    [[ -n $bases ]] || bases=http://127.0.0.1:$port
}

timed() { # timed KEY PID FILE COMMAND... -> KEY_s, KEY_cpu_s, KEY_user_s, KEY_kernel_s (server CPU), KEY_store_cpu_s
    # (Swift's, when STORE holds its PIDs) and KEY_peak_rss_mb lines in FILE
    local key=$1 pid=$2 file=$3 t0 uk0 uk1 st0=
    shift 3
    reset_peak "$pid"
    uk0=$(cpu_uk "$pid")
    [[ -z ${STORE:-} ]] || st0=$(cpu_s "$STORE")
    t0=$(now)
    "$@" >>"$WORK/clients.log" 2>&1 || { log "$key failed: $*"; tail -30 "$WORK/clients.log" >&2; return 1; }
    uk1=$(cpu_uk "$pid")
    awk -v k="$key" -v t="$(since "$t0")" -v a="$uk0" -v b="$uk1" 'BEGIN {
        split(a, x, " "); split(b, y, " "); u = y[1] - x[1]; s = y[2] - x[2]
        printf "%s_s\t%s\n%s_cpu_s\t%.2f\n%s_user_s\t%.2f\n%s_kernel_s\t%.2f\n", k, t, k, u + s, k, u, k, s }' >>"$file"
    [[ -z $st0 ]] || printf '%s_store_cpu_s\t%s\n' "$key" "$(minus "$(cpu_s "$STORE")" "$st0")" >>"$file"
    printf '%s_peak_rss_mb\t%s\n' "$key" "$(hwm_mb "$pid")" >>"$file"
}

# ---- curl: ten consecutive 1 GiB monolithic pushes per server, interleaved, right after the start ----
curl_push() { # curl_push PORT REPOSITORY FILE DIGEST: POST, then PUT LOCATION?digest= with the file as body (curl -T)
    local location code
    location=$(curl -sS -X POST -D - -o /dev/null "http://127.0.0.1:$1/v2/$2/blobs/uploads/" |
        tr -d '\r' | awk 'tolower($1) == "location:" { print $2 }')
    [[ -n $location ]] || { echo "POST /v2/$2/blobs/uploads/: no Location" >&2; return 1; }
    [[ $location == http* ]] || location=http://127.0.0.1:$1$location
    [[ $location == *\?* ]] && location+="&" || location+="?"
    code=$(curl -sS -o "$WORK/curl.answer" -w '%{http_code}' -T "$3" "${location}digest=$4")
    [[ $code == 201 ]] || { echo "PUT: $code $(head -c 300 "$WORK/curl.answer")" >&2; return 1; }
}
drop_blob() { # drop_blob STORAGE HEX: removes a blob from a server's storage (the curl pushes' disk, outside timing)
    local key
    if [[ $1 == s3:* ]]; then
        # Through Swift's own API (a bucket is a container; tempauth's token): one curl per object, where the aws
        # CLI would take seconds of CPU per call.
        if [[ -z ${SWIFT_TOKEN:-} ]]; then
            swift_auth=$(curl -sS -D - -o /dev/null -H 'X-Auth-User: test:tester' -H 'X-Auth-Key: testing' \
                "http://127.0.0.1:$SWIFT_PORT/auth/v1.0" | tr -d '\r')
            SWIFT_TOKEN=$(awk 'tolower($1) == "x-auth-token:" { print $2 }' <<<"$swift_auth")
            SWIFT_URL=$(awk 'tolower($1) == "x-storage-url:" { print $2 }' <<<"$swift_auth")
        fi
        # s3api keeps the parts of a multipart object in the container BUCKET+segments, named after its key.
        local keys container found=
        for container in "${1#s3:}" "${1#s3:}+segments"; do
            keys=$(curl -sS -H "X-Auth-Token: $SWIFT_TOKEN" "$SWIFT_URL/$container" | grep -F "$2" || true)
            for key in $keys; do
                curl -sS --fail -X DELETE -H "X-Auth-Token: $SWIFT_TOKEN" "$SWIFT_URL/$container/$key" -o /dev/null
                found=1
            done
        done
        [[ -n $found ]] || log "curl: no object of $2 in bucket ${1#s3:} to remove"
    else
        # Berth: ROOT/.../sha256/xx/HEX; Distribution: .../blobs/sha256/xx/HEX/data and the repository's link directory.
        [[ -n $(find "$1" -name "$2*" -print -quit) ]] || log "curl: no file of $2 under $1 to remove"
        find "$1" -name "$2*" -prune -exec rm -rf {} +
    fi
}
if want curl; then
    curl_servers=(berth dist3 distribution)
    [[ -z ${BERTH_S3_PID:-} ]] || curl_servers+=(berth_s3 dist3_s3)
    log "curl: a $BLOB_MIB MiB body file of random bytes; $CURL_PUSHES pushes to each of ${curl_servers[*]}"
    head -c $((BLOB_MIB << 20)) /dev/urandom >"$WORK/curl.body"
    for i in $(seq "$CURL_PUSHES"); do
        # A new blob for every push: a nonce over the file's first bytes (the same blob goes to each server once).
        printf 'berth-bench curl push %04d %s' "$i" "$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')" |
            dd of="$WORK/curl.body" conv=notrunc status=none
        hex=$(sha256sum "$WORK/curl.body" | cut -c1-64)
        n=${#curl_servers[@]}
        for j in $(seq 0 $((n - 1))); do
            server=${curl_servers[$(((i - 1 + j) % n))]}  # the first server rotates from one push to the next
            server_of "$server"
            log "curl: push $i/$CURL_PUSHES to $server"
            STORE=$store timed "curl_push_$i" "$pid" "$WORK/results/$server.curl.tsv" curl_push "$port" curl/push "$WORK/curl.body" "sha256:$hex"
            [[ $CURL_KEEP == 1 ]] || drop_blob "$storage" "$hex"
        done
    done
    rm -f "$WORK/curl.body"
fi

# ---- wrk: manifest GET, blob HEAD, tags/list of 1,000 tags ----
WRK_SECONDS=${WRK_SECONDS:-10}
WRK_WARMUP=${WRK_WARMUP:-5}
# The lines both request tools report (awk END block over: k key, a/b "user kernel" CPU before/after, s0/s1 store
# CPU before/after, and n, rps, p50, p99, errors gathered by the tool's own parsing).
REQUEST_FIGURES='
        END {
            split(a, x, " "); split(b, y, " "); u = y[1] - x[1]; s = y[2] - x[2]
            printf "%s_rps\t%s\n%s_requests\t%d\n%s_errors\t%d\n", k, rps, k, n, k, errors
            if (n > 0) printf "%s_p50_ms\t%s\n%s_p99_ms\t%s\n", k, p50, k, p99
            if (n > 0) printf "%s_cpu_us\t%.1f\n%s_user_us\t%.1f\n%s_kernel_us\t%.1f\n", k, (u + s) * 1e6 / n, k, u * 1e6 / n, k, s * 1e6 / n
            if (n > 0 && s0 != "") printf "%s_store_cpu_us\t%.1f\n", k, (s1 - s0) * 1e6 / n
        }'
wrk_one() { # wrk_one KEY PID FILE WRK-ARGS... -> KEY_rps, _p50_ms, _p99_ms, _cpu_us (server CPU per request), _user_us,
    # _kernel_us, _store_cpu_us (Swift's, when STORE holds its PIDs), _errors (non-2xx/3xx and socket errors), _peak_rss_mb
    local key=$1 pid=$2 file=$3 uk0 uk1 st0= st1=
    shift 3
    # --timeout: wrk's default 2 s would drop a slow answer (tags/list of v3.1.1 on S3) as a socket error.
    wrk -t2 -c16 -d"${WRK_WARMUP}s" --timeout 30s "$@" >/dev/null
    reset_peak "$pid"
    uk0=$(cpu_uk "$pid")
    [[ -z ${STORE:-} ]] || st0=$(cpu_s "$STORE")
    wrk -t2 -c16 -d"${WRK_SECONDS}s" --timeout 30s --latency "$@" >"$WORK/wrk.out"
    uk1=$(cpu_uk "$pid")
    [[ -z $st0 ]] || st1=$(cpu_s "$STORE")
    awk -v k="$key" -v a="$uk0" -v b="$uk1" -v s0="$st0" -v s1="$st1" '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /[0-9]m$/) return v * 60000; return v * 1000 }
        /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } / requests in / { n = $1 } /^Requests\/sec:/ { rps = $2 }
        /Non-2xx or 3xx responses:/ { errors += $NF }
        /Socket errors:/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) errors += $i + 0 }
        '"$REQUEST_FIGURES" "$WORK/wrk.out" >>"$file"
    printf '%s_peak_rss_mb\t%s\n' "$key" "$(hwm_mb "$pid")" >>"$file"
    grep -q "^${key}_errors	0$" "$file" || log "wrk $key: $(grep -E 'Non-2xx|Socket errors' "$WORK/wrk.out" | tr -s ' ')"
}
ab_one() { # ab_one KEY PID FILE AB-ARGS... -> the lines of wrk_one, from ab -k -c 16 (whole-millisecond percentiles)
    local key=$1 pid=$2 file=$3 uk0 uk1 st0= st1=
    shift 3
    # ab ends with status 1 on a socket error (it says which); the measured run's figures stay, with its failed count.
    ab -q -k -c 16 -t "$WRK_WARMUP" -n 100000000 "$@" >/dev/null || log "ab $key warm-up: exit status $?"
    reset_peak "$pid"
    uk0=$(cpu_uk "$pid")
    [[ -z ${STORE:-} ]] || st0=$(cpu_s "$STORE")
    ab -q -k -c 16 -t "$WRK_SECONDS" -n 100000000 "$@" >"$WORK/ab.out" || log "ab $key: exit status $?"
    uk1=$(cpu_uk "$pid")
    [[ -z $st0 ]] || st1=$(cpu_s "$STORE")
    awk -v k="$key" -v a="$uk0" -v b="$uk1" -v s0="$st0" -v s1="$st1" '
        /^Complete requests:/ { n = $3 } /^Requests per second:/ { rps = $4 } /^ +50% / { p50 = $2 } /^ +99% / { p99 = $2 }
        /^Failed requests:/ { errors += $3 } /^Non-2xx responses:/ { errors += $3 }
        '"$REQUEST_FIGURES" "$WORK/ab.out" >>"$file"
    printf '%s_peak_rss_mb\t%s\n' "$key" "$(hwm_mb "$pid")" >>"$file"
    grep -q "^${key}_errors	0$" "$file" || log "ab $key: $(grep -E 'Failed requests|Non-2xx' "$WORK/ab.out" | tr -s ' ' | tr '\n' ' ')"
}
wrk_all() { # wrk_all SERVER REPOSITORY FILE [AUTHORIZATION]: seeds REPOSITORY, then wrk (GET) and ab (HEAD)
    local layer base auth=()
    server_of "$1"
    base=${bases%%,*}
    [[ -z ${4:-} ]] || auth=(-H "Authorization: $4")
    layer=$(BERTH_BENCH_AUTHORIZATION=${4:-} "${GEN[@]}" seed "$base" "${pid%%,*}" "$2" | awk -F'\t' '$1 == "layer" { print $2 }')
    [[ -n $layer ]] || { log "wrk: seeding $2 on $1 failed"; return 1; }
    STORE=$store wrk_one wrk_manifest_get "$pid" "$3" "${auth[@]}" -H "Accept: application/vnd.oci.image.manifest.v1+json" "$base/v2/$2/manifests/latest"
    STORE=$store ab_one ab_blob_head "$pid" "$3" -i "${auth[@]}" "$base/v2/$2/blobs/$layer"
    STORE=$store wrk_one wrk_tags_list "$pid" "$3" "${auth[@]}" "$base/v2/$2/tags/list"
}

# The S3 and S3+PG columns are measured in the first STORE_REPEATS repeats only. When those end before the run does,
# their servers are done: their idle RSS after the run is read then, and they, the balancer, Swift and PostgreSQL
# stop and their storage is removed, so the later repeats have that disk (with the cluster, ~30 GB at BLOB_MIB=1024).
retire_stores() {
    [[ -n ${BERTH_S3_PID:-}${DIST3_S3_PID:-}${BERTH_PG1_PID:-} ]] || return 0
    log "the S3 and S3+PG columns are done (STORE_REPEATS=$STORE_REPEATS): stopping them, Swift and PostgreSQL; removing their storage"
    if [[ -n ${BALANCER_PID:-} ]]; then  # its connections per node, printed when it stops
        kill "$BALANCER_PID"
        wait "$BALANCER_PID" || true
        log "$(cat "$WORK/balancer.log")"
        BALANCER_PID=
    fi
    sleep 12  # as before the other columns' idle RSS after the run (IdleMemoryRelease)
    local name pid pids=
    for name in berth_s3 dist3_s3 berth_pg1 berth_pg2; do
        server_of "$name"
        [[ -n $pid ]] || continue
        put idle_rss_after_mb "$(rss_mb "$pid")" "$name"
        pids+=",$pid"
    done
    for pid in ${pids//,/ } ${SWIFT_PIDS//,/ }; do kill "$pid" 2>/dev/null || true; done
    for pid in ${pids//,/ } ${SWIFT_PIDS//,/ }; do wait "$pid" 2>/dev/null || true; done
    stop_postgres
    rm -rf "$WORK/swift" "$WORK/berth-s3" "$WORK"/berth-pg1 "$WORK"/berth-pg2a "$WORK"/berth-pg2b
    BERTH_S3_PID= DIST3_S3_PID= BERTH_PG1_PID= BERTH_PG2_PIDS=
}

# ---- workloads, alternating the servers in each repeat ----
for r in $(seq "$REPEATS"); do
    if want push || want small; then
        log "repeat $r/$REPEATS: bare Kestrel"
        # shellcheck disable=SC2086
        "${GEN[@]}" run "http://127.0.0.1:$KESTREL_PORT" "$KESTREL_PID" kestrel $GEN_WORKLOADS >"$WORK/results/kestrel.$r.tsv"
    fi
    if want clients || want docker; then
        log "repeat $r/$REPEATS: writing a new ${IMAGE_LAYERS}-layer image ($IMAGE_LAYERS x $IMAGE_LAYER_MIB MiB random, tar+gzip)"
        rm -rf "$WORK/image"
        image_line=$("${GEN[@]}" image "$WORK/image" v1 "$IMAGE_LAYERS" "$IMAGE_LAYER_MIB")
        put image_bytes "${image_line%%$'\t'*}" ceiling
    fi
    # The servers' order rotates from one repeat to the next (Berth, v3.1.1, 2.8.2; then v3.1.1, 2.8.2, Berth; ...), and
    # the two S3 columns alternate, so no server always meets a warmer machine or client.
    order=(berth dist3 distribution)
    order=("${order[@]:$(((r - 1) % 3))}" "${order[@]:0:$(((r - 1) % 3))}")
    if [[ -n ${BERTH_S3_PID:-} ]] && ((r <= STORE_REPEATS)); then
        ((r % 2 == 1)) && order+=(berth_s3 dist3_s3) || order+=(dist3_s3 berth_s3)
    fi
    if [[ -n ${BERTH_PG1_PID:-} ]] && ((r <= STORE_REPEATS)); then order+=(berth_pg1 berth_pg2); fi
    for server in "${order[@]}"; do
        # bases: the generator's base URLs (a cluster's nodes, comma-separated); port: where skopeo and docker go;
        # store: Swift's PIDs for a column whose blobs are on Swift (its CPU is counted apart).
        server_of "$server"
        export STORE=$store
        out=$WORK/results/$server.$r.tsv
        : >"$out"
        if [[ -n $GEN_WORKLOADS ]]; then
            log "repeat $r/$REPEATS: $server: $GEN_WORKLOADS"
            # shellcheck disable=SC2086
            BERTH_BENCH_STORE_PIDS=$store "${GEN[@]}" run "$bases" "$pid" registry $GEN_WORKLOADS >>"$out"
        fi
        if want wrk && [[ $server != berth_pg2 ]]; then
            log "repeat $r/$REPEATS: $server: wrk manifest GET and tags/list, ab blob HEAD"
            wrk_all "$server" "wrk/r$r" "$out"
        fi
        if want clients; then
            log "repeat $r/$REPEATS: $server: skopeo push, re-push, pull"
            remote=docker://127.0.0.1:$port/clients/skopeo-$r:v1
            timed skopeo_push "$pid" "$out" skopeo copy --quiet --dest-tls-verify=false "oci:$WORK/image:v1" "$remote"
            timed skopeo_repush "$pid" "$out" skopeo copy --quiet --dest-tls-verify=false "oci:$WORK/image:v1" "$remote"
            rm -rf "$WORK/pulled"
            timed skopeo_pull "$pid" "$out" skopeo copy --quiet --src-tls-verify=false "$remote" "dir:$WORK/pulled"
            rm -rf "$WORK/pulled"
        fi
        if want docker; then
            log "repeat $r/$REPEATS: $server: docker push, pull after rmi, re-push"
            local_ref=berth-bench/local:r$r
            remote=127.0.0.1:$port/clients/docker-$r:v1
            rm -f "$WORK/image.tar"
            skopeo copy --quiet "oci:$WORK/image:v1" "docker-archive:$WORK/image.tar:$local_ref" >>"$WORK/clients.log" 2>&1
            dk load --quiet --input "$WORK/image.tar" >>"$WORK/clients.log"
            rm -f "$WORK/image.tar"
            dk tag "$local_ref" "$remote"
            # docker push recompresses every layer from its store (gzip in the client), the same work for both servers.
            timed docker_push "$pid" "$out" dk push --quiet "$remote"
            # Untag both names so the layers leave the daemon and the pull downloads every one of them.
            dk rmi "$remote" "$local_ref" >>"$WORK/clients.log"
            timed docker_pull "$pid" "$out" dk pull --quiet "$remote"
            timed docker_repush "$pid" "$out" dk push --quiet "$remote"
            dk rmi "$remote" >>"$WORK/clients.log"
        fi
    done
    export STORE=
    ((r != STORE_REPEATS || r == REPEATS)) || retire_stores
    if [[ -n ${BERTH_AUTH_PID:-} ]]; then
        log "repeat $r/$REPEATS: authenticated Berth: manifest GET and blob HEAD"
        BERTH_BENCH_AUTHORIZATION=$AUTH_HEADER BERTH_BENCH_REPOSITORY=$AUTH_REPOSITORY "${GEN[@]}" run \
            "http://127.0.0.1:$BERTH_AUTH_PORT" "$BERTH_AUTH_PID" registry requests >"$WORK/results/berth_auth.$r.tsv"
        if want wrk; then
            log "repeat $r/$REPEATS: authenticated Berth: wrk manifest GET and tags/list, ab blob HEAD"
            wrk_all berth_auth "$AUTH_REPOSITORY" "$WORK/results/berth_auth.$r.tsv" "$AUTH_HEADER"
        fi
    fi
done

if [[ -n ${BALANCER_PID:-} ]]; then  # its connections per node, printed when it stops
    kill "$BALANCER_PID"
    wait "$BALANCER_PID" || true
    log "$(cat "$WORK/balancer.log")"
fi

# Berth gives a burst's buffers and heap back after a quiet look (every 5 s, IdleMemoryRelease): two looks' time.
sleep 12
put idle_rss_after_mb "$(rss_mb "$BERTH_PID")" berth
put idle_rss_after_mb "$(rss_mb "$DIST_PID")" distribution
put idle_rss_after_mb "$(rss_mb "$DIST3_PID")" dist3
[[ -n ${DIST3_S3_PID:-} ]] && put idle_rss_after_mb "$(rss_mb "$DIST3_S3_PID")" dist3_s3
[[ -n ${BERTH_AUTH_PID:-} ]] && put idle_rss_after_mb "$(rss_mb "$BERTH_AUTH_PID")" berth_auth
[[ -n ${BERTH_S3_PID:-} ]] && put idle_rss_after_mb "$(rss_mb "$BERTH_S3_PID")" berth_s3
[[ -n ${BERTH_PG1_PID:-} ]] && put idle_rss_after_mb "$(rss_mb "$BERTH_PG1_PID")" berth_pg1
[[ -n ${BERTH_PG2_PIDS:-} ]] && put idle_rss_after_mb "$(rss_mb "$BERTH_PG2_PIDS")" berth_pg2

# ---- the table ----
COMMANDS=$(cat <<EOF
Berth:        Berth__RequireRegistryAuthentication=false Berth__CreateRepositoryOnPush=true Berth__BlobMounting=ENABLED dotnet src/Berth.Server/bin/Release/net10.0/berth.dll serve --urls http://127.0.0.1:$BERTH_PORT --data \$WORK/berth
v3.1.1:       OTEL_TRACES_EXPORTER=none $DIST3 serve \$WORK/dist3.yml   (the same settings as 2.8.2's, on 127.0.0.1:$DIST3_PORT)
2.8.2:        /usr/bin/docker-registry serve \$WORK/distribution.yml   (filesystem storage, delete enabled, blobdescriptor cache inmemory, access log off)
Berth (auth): BERTH_ROOT_ACCESS_KEY_ID=... BERTH_ROOT_SECRET_ACCESS_KEY=... dotnet src/Berth.Server/bin/Release/net10.0/berth.dll serve --urls http://127.0.0.1:$BERTH_AUTH_PORT --data \$WORK/berth-auth   (defaults: authentication on, no create on push)
              aws ecr create-repository --repository-name $AUTH_REPOSITORY; aws ecr get-login-password   (--endpoint-url http://127.0.0.1:$BERTH_AUTH_PORT --region us-east-1)
Berth (S3):   the open Berth's settings and Berth__Storage__Blobs__Type=S3 Berth__Storage__Blobs__S3__PresignedRedirects=$([[ $S3_REDIRECT == 1 ]] && echo true || echo false) Berth__Storage__Blobs__S3__ServiceUrl=http://127.0.0.1:$SWIFT_PORT/ Berth__Storage__Blobs__S3__Bucket=berth-bench (Prefix bench, AccessKeyId test:tester, SecretAccessKey testing) ... --urls http://127.0.0.1:$BERTH_S3_PORT --data \$WORK/berth-s3
              Swift: swift-{account,container,object,proxy}-server (workers = 0, one-replica rings, s3api + tempauth, memcached), as tests/Berth.Storage.Tests/S3
v3.1.1 (S3):  OTEL_TRACES_EXPORTER=none $DIST3 serve \$WORK/dist3-s3.yml   (storage s3: region us-east-1, regionendpoint http://127.0.0.1:$SWIFT_PORT, forcepathstyle true, v4auth true, secure false, bucket dist-bench, accesskey test:tester, secretkey testing; on 127.0.0.1:$DIST3_S3_PORT)
Berth S3+PG:  the S3 Berth's settings (buckets berth-cluster-1, berth-cluster-2) and Berth__Storage__Metadata__Type=Postgres Berth__Storage__Metadata__Postgres__ConnectionString="Host=127.0.0.1;Port=PG_PORT;Database=berth_one|berth_two;Username=berth;Password=..." Berth__MasterKey=... (the same on both nodes)
              one node: --urls http://127.0.0.1:$BERTH_PG1_PORT; two nodes: --urls http://127.0.0.1:$BERTH_PG2_PORT and http://127.0.0.1:$((BERTH_PG2_PORT + 1)) on one database and bucket
              PostgreSQL 15: initdb -U postgres --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8; pg_ctl -w start -o "-c listen_addresses=127.0.0.1 -p PG_PORT -c max_connections=400" (fsync on)
              two nodes: berth-bench run http://127.0.0.1:$BERTH_PG2_PORT,http://127.0.0.1:$((BERTH_PG2_PORT + 1)) PID_A,PID_B registry ...   (requests round-robin)
              skopeo and docker on two nodes: berth-bench balance $BALANCER_PORT 127.0.0.1:$BERTH_PG2_PORT,127.0.0.1:$((BERTH_PG2_PORT + 1))   (round-robin per TCP connection)
Bare Kestrel: dotnet bench/Berth.Bench/bin/Release/net10.0/berth-bench.dll kestrel $KESTREL_PORT \$WORK/kestrel
Generator:    dotnet bench/Berth.Bench/bin/Release/net10.0/berth-bench.dll run http://127.0.0.1:PORT PID registry|kestrel ${GEN_WORKLOADS:-(none)}  ($REPEATS repeats, servers alternating)
              BERTH_BENCH_AUTHORIZATION="Basic base64(AWS:token)" BERTH_BENCH_REPOSITORY=$AUTH_REPOSITORY berth-bench run http://127.0.0.1:$BERTH_AUTH_PORT PID registry requests
curl:         curl -X POST -D - http://127.0.0.1:PORT/v2/curl/push/blobs/uploads/; curl -T \$WORK/curl.body "LOCATION&digest=sha256:..."   ($CURL_PUSHES pushes of $BLOB_MIB MiB per server right after the start, interleaved; a new blob each)
wrk:          berth-bench seed http://127.0.0.1:PORT PID wrk/rR; wrk -t2 -c16 --timeout 30s -d${WRK_WARMUP}s URL (warm-up), then wrk -t2 -c16 --timeout 30s -d${WRK_SECONDS}s --latency URL, for
              -H "Accept: application/vnd.oci.image.manifest.v1+json" /v2/wrk/rR/manifests/latest; /v2/wrk/rR/tags/list
ab:           ab -k -c 16 -t $WRK_WARMUP (warm-up), then ab -k -c 16 -t $WRK_SECONDS -i http://127.0.0.1:PORT/v2/wrk/rR/blobs/LAYER   (HEAD)
Image:        berth-bench image \$WORK/image v1 $IMAGE_LAYERS $IMAGE_LAYER_MIB   (a new OCI layout per repeat: $IMAGE_LAYERS tar+gzip layers of $IMAGE_LAYER_MIB MiB random bytes)
skopeo:       skopeo copy --dest-tls-verify=false oci:\$WORK/image:v1 docker://127.0.0.1:PORT/clients/skopeo-R:v1   (twice: push, re-push)
              skopeo copy --src-tls-verify=false docker://127.0.0.1:PORT/clients/skopeo-R:v1 dir:\$WORK/pulled
docker:       dockerd --storage-driver=vfs --bridge=none --iptables=false (own data root); skopeo copy oci:... docker-archive:...; docker load
              docker push 127.0.0.1:PORT/clients/docker-R:v1; docker rmi (every name); docker pull ...; docker push ... (again)
Workloads:    $WORKLOADS
Ceilings:     openssl speed -evp sha256 -bytes 16384 -seconds 3; berth-bench sha256; dd if=/dev/zero of=\$WORK/dd bs=1M count=1024 conv=fsync; iperf3 -c 127.0.0.1 -t 5
EOF
)
MACHINE="$(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1024 / 1024 }' /proc/meminfo) RAM, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg), .NET SDK $(dotnet --version), $("$DIST3" --version 2>/dev/null | head -1), $(/usr/bin/docker-registry --version 2>/dev/null | head -1), $(wrk --version 2>/dev/null | head -1 | cut -d' ' -f1-2), $(curl --version | head -1 | cut -d' ' -f1-2)"
python3 "$ROOT/bench/table.py" "$WORK/results" "$REPEATS" "$MACHINE" "$COMMANDS" "$OUT"
log "wrote $OUT"
