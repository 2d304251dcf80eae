#!/usr/bin/env bash
# Pull through cache: skopeo pulls of one image (default 3 x 50 MB random layers) straight from CNCF Distribution
# (Debian's docker-registry, loopback, no auth), through a Berth rule pointing at it on the first pull (cold: Berth
# fetches and stores while it streams), and through Berth again (cached: no upstream request). Each run pushes new
# random layers to a new repository so that every first pull is cold. skopeo writes to a dir: target in every
# column, so disk writes are in all three. Afterwards eight concurrent curl GETs of one new 200 MB layer through
# the cache: the upstream GETs of it (Distribution's access log) and Berth's peak RSS (VmHWM) before and after.
# Usage: bench/ptc.sh   (RUNS=3 LAYER_MB=50 OUT=bench/RESULTS-PTC.md)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
LAYER_MB=${LAYER_MB:-50}
OUT=${OUT:-bench/RESULTS-PTC.md}
WORK=$(mktemp -d /tmp/berth-ptc-bench.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ms() { date +%s%3N; }

dotnet build src/Berth.Server -c Release -warnaserror -v q >/dev/null
BERTH=(dotnet src/Berth.Server/bin/Release/net10.0/berth.dll)
export AWS_ACCESS_KEY_ID=AKIABENCHPULLTHROUGH AWS_SECRET_ACCESS_KEY=bench-pull-through-secret-access-key-01 AWS_DEFAULT_REGION=us-east-1
export BERTH_ROOT_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID BERTH_ROOT_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY
export Berth__RootAccessKeyId=$AWS_ACCESS_KEY_ID Berth__RootSecretAccessKey=$AWS_SECRET_ACCESS_KEY
export Berth__RequireRegistryAuthentication=false Logging__LogLevel__Default=Warning

U=$(free_port); B=$(free_port)
cat >"$WORK/dist.yml" <<YAML
version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $WORK/dist
http:
  addr: 127.0.0.1:$U
YAML
docker-registry serve "$WORK/dist.yml" >"$WORK/dist.log" 2>&1 &
PIDS+=($!)
"${BERTH[@]}" serve --urls "http://127.0.0.1:$B" --data "$WORK/berth" >"$WORK/berth.log" 2>&1 &
BERTH_PID=$!
PIDS+=($BERTH_PID)
until curl -fsS "http://127.0.0.1:$U/v2/" >/dev/null 2>&1; do sleep 0.5; done
until curl -fsS "http://127.0.0.1:$B/healthz" >/dev/null 2>&1; do sleep 0.5; done
aws --endpoint-url "http://127.0.0.1:$B" ecr create-pull-through-cache-rule \
    --cli-input-json "{\"ecrRepositoryPrefix\":\"up\",\"upstreamRegistryUrl\":\"http://127.0.0.1:$U\"}" >/dev/null

push_blob() { # repo file -> digest (POST then PUT ?digest=, to Distribution)
    local digest="sha256:$(sha256sum "$2" | cut -d' ' -f1)" location
    location=$(curl -fsS -X POST -D - -o /dev/null "http://127.0.0.1:$U/v2/$1/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:" {print $2}')
    case "$location" in http*) ;; *) location="http://127.0.0.1:$U$location" ;; esac
    case "$location" in *\?*) location="$location&digest=$digest" ;; *) location="$location?digest=$digest" ;; esac
    curl -fsS -X PUT -H 'Content-Type: application/octet-stream' --data-binary @"$2" "$location" >/dev/null
    echo "$digest"
}
push_image() { # repo layers layer_mb -> digest of the last layer
    local layers="" config digest last
    printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"n":"%s"}' "$RANDOM$RANDOM" >"$WORK/config.json"
    config=$(push_blob "$1" "$WORK/config.json")
    for i in $(seq 1 "$2"); do
        head -c $(($3 * 1024 * 1024)) /dev/urandom >"$WORK/layer"
        digest=$(push_blob "$1" "$WORK/layer"); last=$digest
        layers="$layers${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"$digest\",\"size\":$(($3 * 1024 * 1024))}"
    done
    rm -f "$WORK/layer"
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},"layers":[%s]}' \
        "$config" "$(stat -c %s "$WORK/config.json")" "$layers" >"$WORK/manifest.json"
    curl -fsS -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary @"$WORK/manifest.json" \
        "http://127.0.0.1:$U/v2/$1/manifests/v1" >/dev/null
    echo "$last"
}
pull() { # host/repo -> ms
    rm -rf "$WORK/pulled"
    local t0; t0=$(ms)
    skopeo copy -q --src-tls-verify=false "docker://$1:v1" "dir:$WORK/pulled" >/dev/null
    echo $(($(ms) - t0))
}

rows=()
for run in $(seq 1 "$RUNS"); do
    repo="bench/app$run"
    push_image "$repo" 3 "$LAYER_MB" >/dev/null
    direct=$(pull "127.0.0.1:$U/$repo")
    first=$(pull "127.0.0.1:$B/up/$repo")
    cached=$(pull "127.0.0.1:$B/up/$repo")
    log "run $run: direct $direct ms, first through the cache $first ms, cached $cached ms"
    rows+=("| $run | $direct | $first | $cached |")
done

rss() { awk '/VmHWM|VmRSS/ {printf "%s=%d MB ", $1, $2/1024}' "/proc/$BERTH_PID/status"; }
before=$(rss)
layer=$(push_image bench/big 1 200)
curl -fsS -o /dev/null "http://127.0.0.1:$B/v2/up/bench/big/manifests/v1"
t0=$(ms)
CURLS=()
for i in $(seq 1 8); do
    (curl -fsS "http://127.0.0.1:$B/v2/up/bench/big/blobs/$layer" | sha256sum | cut -d' ' -f1 >"$WORK/sum$i") &
    CURLS+=($!)
done
wait "${CURLS[@]}"
elapsed=$(($(ms) - t0))
distinct=$(sort -u "$WORK"/sum* | wc -l)
gets=$(grep -c "\"GET /v2/bench/big/blobs/$layer HTTP" "$WORK/dist.log" || true)
after=$(rss)
log "8 concurrent: $elapsed ms, $distinct distinct digest(s) (expected sha256:$(sort -u "$WORK"/sum* | head -1)), upstream GETs $gets; before: $before; after: $after"

{
    echo
    echo "## $(date -u +%F) $(git rev-parse --short HEAD), 3 x $LAYER_MB MB layers, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (shared machine: other builds and tests ran meanwhile)"
    echo
    echo "| run | direct from Distribution, ms | first pull through the cache, ms | cached pull, ms |"
    echo "|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "Eight concurrent GETs of one uncached 200 MB layer through the cache: $elapsed ms, $distinct distinct SHA-256 of the bodies"
    echo "(sha256:$(sort -u "$WORK"/sum* | head -1 | cut -c1-16)…, the layer is ${layer:0:23}…), $gets upstream GET(s) of it in Distribution's access log."
    echo "Berth's memory before: $before; after: $after."
} >>"$OUT"
log "appended to $OUT"
