#!/usr/bin/env bash
# Garbage collection, Berth against CNCF Distribution (Debian docker-registry 2.8.2, and v3.1.1 from DIST3 —
# default /work/shared/anchors/distribution-v3.1.1/registry — when that binary exists), on the filesystem.
#
# Two rows, each on fresh storage written by bench/gc_data.py with the same blobs for both registries:
#   collect     GC_BLOBS blobs (default 100,000) of GC_BLOB_BYTES (default 1,024), half referenced by images, half
#               garbage: wall time of one cycle (berth gc --grace-period 0; registry garbage-collect)
#   repository  repository "app" (GC_UNIQUE blobs of its own and GC_SHARED shared with "base") is deleted (Berth: the
#               row delete DeleteRepository makes, cascading to links, manifests and tags; Distribution: its directory
#               removed, as it has no repository delete), then one cycle: bytes reclaimed against the unique bytes
# Berth runs its cycle beside a live registry (it is online); Distribution's garbage-collect must run with the registry
# stopped or in read-only mode (distribution#1609), so its figure is a stopped registry's.
# Usage: bench/gc.sh   (GC_BLOBS=100000 GC_BLOB_BYTES=1024 GC_UNIQUE=1000 GC_SHARED=1000 OUT=bench/RESULTS-GC.md)
set -euo pipefail
cd "$(dirname "$0")/.."
GC_BLOBS=${GC_BLOBS:-100000}
GC_BLOB_BYTES=${GC_BLOB_BYTES:-1024}
GC_UNIQUE=${GC_UNIQUE:-1000}
GC_SHARED=${GC_SHARED:-1000}
OUT=${OUT:-bench/RESULTS-GC.md}
WORK=$(mktemp -d /tmp/berth-gc-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
bytes() { find "$1" -type f -path "$2" -printf '%s\n' | awk '{ s += $1 } END { printf "%d", s }'; }
count() { find "$1" -type f -path "$2" | wc -l; }

command -v docker-registry >/dev/null || { apt-get install -y -q docker-registry >/dev/null && { systemctl stop docker-registry 2>/dev/null || true; }; }
# BERTH_DLL: a berth.dll built beforehand (a copy, so rebuilding the worktree meanwhile does not change it).
if [[ -z ${BERTH_DLL:-} ]]; then
    dotnet build src/Berth.Server -c Release -warnaserror -v q >/dev/null
    BERTH_DLL=src/Berth.Server/bin/Release/net10.0/berth.dll
fi
BERTH=(dotnet "$BERTH_DLL")
DIST3=${DIST3:-/work/shared/anchors/distribution-v3.1.1/registry}
[[ -x $DIST3 ]] || DIST3=
load() { cut -d' ' -f1-3 /proc/loadavg; }
LOAD_START=$(load)
# garbage-collect of Distribution 2.8.2 or (with "3") v3.1.1 on a storage root prepared for it
dist_gc() { # version config
    if [[ $1 == 3 ]]; then OTEL_TRACES_EXPORTER=none "$DIST3" garbage-collect "$2"; else docker-registry garbage-collect "$2"; fi
}

prepare() { # name unique shared
    mkdir -p "$WORK/$1/berth" "$WORK/$1/dist"
    "${BERTH[@]}" gc --data "$WORK/$1/berth" --dry-run >/dev/null   # creates and migrates the database
    python3 bench/gc_data.py "$WORK/$1/berth" "$WORK/$1/dist" "$GC_BLOBS" "$GC_BLOB_BYTES" "$2" "$3"
    for v in 2 3; do
        cat >"$WORK/$1/dist$v.yml" <<YML
version: 0.1
log: {level: error}
storage:
  filesystem:
    rootdirectory: $WORK/$1/dist$v
YML
    done
    mv "$WORK/$1/dist" "$WORK/$1/dist2"
    [[ -z $DIST3 ]] || cp -a "$WORK/$1/dist2" "$WORK/$1/dist3"
    sync
}

log "collect: writing $GC_BLOBS blobs twice"
prepare collect 0 0
berth_before=$(count "$WORK/collect/berth/blobs" '*/sha256/*')
t=$(now); "${BERTH[@]}" gc --data "$WORK/collect/berth" --grace-period 0 >"$WORK/berth-collect.txt"; berth_s=$(since "$t")
berth_after=$(count "$WORK/collect/berth/blobs" '*/sha256/*')
declare -A dist_s dist_before dist_after dist_reclaimed dist_repo_s
VERSIONS=(2); [[ -z $DIST3 ]] || VERSIONS+=(3)
for v in "${VERSIONS[@]}"; do
    dist_before[$v]=$(count "$WORK/collect/dist$v" '*/blobs/sha256/*/data')
    t=$(now); dist_gc "$v" "$WORK/collect/dist$v.yml" >"$WORK/dist$v-collect.txt" 2>&1; dist_s[$v]=$(since "$t")
    dist_after[$v]=$(count "$WORK/collect/dist$v" '*/blobs/sha256/*/data')
    log "berth: $berth_before -> $berth_after blobs in $berth_s s; distribution $v: ${dist_before[$v]} -> ${dist_after[$v]} in ${dist_s[$v]} s"
done

log "repository: $GC_UNIQUE unique + $GC_SHARED shared blobs"
GC_BLOBS_SAVED=$GC_BLOBS; GC_BLOBS=0
prepare repository "$GC_UNIQUE" "$GC_SHARED"
GC_BLOBS=$GC_BLOBS_SAVED
unique_bytes=$((GC_UNIQUE * GC_BLOB_BYTES))
b0=$(bytes "$WORK/repository/berth/blobs" '*/sha256/*')
sqlite3 "$WORK/repository/berth/berth.db" "PRAGMA foreign_keys=ON; DELETE FROM repositories WHERE name = 'bench/app';"
t=$(now); "${BERTH[@]}" gc --data "$WORK/repository/berth" --grace-period 0 >"$WORK/berth-repo.txt"; berth_repo_s=$(since "$t")
berth_reclaimed=$((b0 - $(bytes "$WORK/repository/berth/blobs" '*/sha256/*')))
for v in "${VERSIONS[@]}"; do
    d0=$(bytes "$WORK/repository/dist$v" '*/blobs/sha256/*/data')
    rm -rf "$WORK/repository/dist$v/docker/registry/v2/repositories/bench/app"
    t=$(now); dist_gc "$v" "$WORK/repository/dist$v.yml" >"$WORK/dist$v-repo.txt" 2>&1; dist_repo_s[$v]=$(since "$t")
    dist_reclaimed[$v]=$((d0 - $(bytes "$WORK/repository/dist$v" '*/blobs/sha256/*/data')))
    log "berth reclaimed $berth_reclaimed bytes in $berth_repo_s s; distribution $v ${dist_reclaimed[$v]} in ${dist_repo_s[$v]} s (unique: $unique_bytes)"
done
LOAD_END=$(load)
name() { if [[ $1 == 3 ]]; then echo "Distribution v3.1.1"; else echo "Distribution 2.8.2 (Debian)"; fi; }

{
    echo "# Garbage collection: Berth and Distribution on the filesystem"
    echo
    echo "bench/gc.sh, $(date -u +%F), $(nproc) cores. GC_BLOBS=$GC_BLOBS GC_BLOB_BYTES=$GC_BLOB_BYTES GC_UNIQUE=$GC_UNIQUE GC_SHARED=$GC_SHARED; one run."
    echo "Berth: \`berth gc --grace-period 0\` on the data directory (online: a server may run beside it). Distribution:"
    echo "\`registry garbage-collect\`, which needs the registry stopped or read-only (distribution#1609)."
    echo
    echo "Load average (1, 5, 15 min) at the start: $LOAD_START; at the end: $LOAD_END (the machine is shared)."
    echo
    printf '| Workload | Berth (online) |'; for v in "${VERSIONS[@]}"; do printf ' %s (registry stopped) |' "$(name "$v")"; done; echo
    printf '|---|---|'; for v in "${VERSIONS[@]}"; do printf -- '---|'; done; echo
    printf '| GC of %s blobs, half garbage: wall time | %s s (%s → %s blobs) |' "$GC_BLOBS" "$berth_s" "$berth_before" "$berth_after"
    for v in "${VERSIONS[@]}"; do printf ' %s s (%s → %s blobs, manifests included) |' "${dist_s[$v]}" "${dist_before[$v]}" "${dist_after[$v]}"; done; echo
    printf '| Delete a repository (%s unique + %s shared blobs of %s B), one cycle: bytes reclaimed | %s of %s unique (%s s) |' \
        "$GC_UNIQUE" "$GC_SHARED" "$GC_BLOB_BYTES" "$berth_reclaimed" "$unique_bytes" "$berth_repo_s"
    for v in "${VERSIONS[@]}"; do printf ' %s of %s unique + its manifests (%s s) |' "${dist_reclaimed[$v]}" "$unique_bytes" "${dist_repo_s[$v]}"; done; echo
} >"$OUT"
cat "$OUT"
