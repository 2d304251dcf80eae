#!/usr/bin/env bash
# Replication: time from push to COMPLETE for a five-layer image (default 300 MB: 5 x 60 MB random layers), to a
# registry of the same deployment (us-east-1 -> eu-west-1 of one account: a metadata copy, no blob byte moves) and to
# a second Berth on another port (a remote destination: every byte over the OCI distribution API, loopback HTTP).
#
# The figure is the outbox row's own clock: created_at (written in the manifest push's transaction) to updated_at
# (the COMPLETE update), so the client's polling adds nothing. It includes the wait for the worker's next look
# (Berth:Replication:PollInterval, default 1 s, left at its default here). Blobs are pushed before the timed manifest
# push, as a client pushes them. Each run uses new random layers and a new repository.
# Usage: bench/replication.sh   (RUNS=3 LAYER_MB=60 OUT=bench/RESULTS-REPLICATION.md)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
LAYER_MB=${LAYER_MB:-60}
OUT=${OUT:-bench/RESULTS-REPLICATION.md}
WORK=$(mktemp -d /tmp/berth-replication-bench.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

dotnet build src/Berth.Server -c Release -warnaserror -v q >/dev/null
BERTH=(dotnet src/Berth.Server/bin/Release/net10.0/berth.dll)
export AWS_ACCESS_KEY_ID=AKIABENCHREPLICATION AWS_SECRET_ACCESS_KEY=bench-replication-secret-access-key-0001 AWS_DEFAULT_REGION=us-east-1
export BERTH_ROOT_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID BERTH_ROOT_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY
export Berth__RequireRegistryAuthentication=false Berth__CreateRepositoryOnPush=true Logging__LogLevel__Default=Warning

start() { # name port
    "${BERTH[@]}" serve --urls "http://127.0.0.1:$2" --data "$WORK/$1" >"$WORK/$1.log" 2>&1 &
    PIDS+=($!)
    until curl -fsS "http://127.0.0.1:$2/healthz" >/dev/null 2>&1; do sleep 0.5; done
}
A=$(free_port); B=$(free_port)
start source "$A"; start remote "$B"
aws --endpoint-url "http://127.0.0.1:$A" ecr put-replication-configuration \
    --replication-configuration '{"rules":[{"destinations":[{"region":"eu-west-1","registryId":"000000000000"}]}]}' >/dev/null
"${BERTH[@]}" replication destination add remote --endpoint "http://127.0.0.1:$B" --data "$WORK/source" >/dev/null

push_blob() { # repo file -> digest
    local digest="sha256:$(sha256sum "$2" | cut -d' ' -f1)" location
    location=$(curl -fsS -X POST -D - -o /dev/null "http://127.0.0.1:$A/v2/$1/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:" {print $2}')
    case "$location" in http*) ;; *) location="http://127.0.0.1:$A$location" ;; esac
    case "$location" in *\?*) location="$location&digest=$digest" ;; *) location="$location?digest=$digest" ;; esac
    curl -fsS -X PUT -H 'Content-Type: application/octet-stream' --data-binary @"$2" "$location" >/dev/null
    echo "$digest"
}

rows=()
for run in $(seq 1 "$RUNS"); do
    repo="bench/app$run"
    printf '{"architecture":"amd64","os":"linux","run":"%s"}' "$run-$RANDOM" >"$WORK/config.json"
    config=$(push_blob "$repo" "$WORK/config.json")
    layers=""
    for i in 1 2 3 4 5; do
        head -c $((LAYER_MB * 1024 * 1024)) /dev/urandom >"$WORK/layer$i"
        digest=$(push_blob "$repo" "$WORK/layer$i")
        layers="$layers${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"$digest\",\"size\":$((LAYER_MB * 1024 * 1024))}"
    done
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},"layers":[%s]}' \
        "$config" "$(stat -c %s "$WORK/config.json")" "$layers" >"$WORK/manifest.json"
    rm -f "$WORK"/layer*
    log "run $run: pushing the manifest of $repo ($((5 * LAYER_MB)) MB)"
    curl -fsS -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary @"$WORK/manifest.json" \
        "http://127.0.0.1:$A/v2/$repo/manifests/v1" >/dev/null
    q="SELECT COALESCE(remote_destination, destination_region), status, updated_at - created_at FROM replication_outbox WHERE repository = '$repo' ORDER BY 1"
    until [ "$(sqlite3 "$WORK/source/berth.db" "SELECT count(*) FROM replication_outbox WHERE repository = '$repo' AND status <> 'IN_PROGRESS'")" = 2 ]; do sleep 0.5; done
    result=$(sqlite3 -separator ' ' "$WORK/source/berth.db" "$q")
    log "run $run: $(echo "$result" | tr '\n' ';')"
    same=$(echo "$result" | awk '$1=="eu-west-1" {print $2=="COMPLETE" ? $3 : "FAILED"}')
    remote=$(echo "$result" | awk '$1=="remote" {print $2=="COMPLETE" ? $3 : "FAILED"}')
    rows+=("| $run | $same | $remote |")
done

{
    echo
    echo "## $(date -u +%F) $(git rev-parse --short HEAD), $((5 * LAYER_MB)) MB in five layers, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "| run | same deployment (us-east-1 -> eu-west-1), ms | remote Berth (loopback HTTP), ms |"
    echo "|---|---|---|"
    printf '%s\n' "${rows[@]}"
} >>"$OUT"
log "appended to $OUT"
