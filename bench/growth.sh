#!/usr/bin/env bash
# How listings cost as a repository and a registry grow (issue #23's growth rows), on both metadata backends:
# one repository with IMAGES images (one tag each, one in 500 archived) and REPOS more repositories, then every listing
# walked page by page (ListImages and DescribeImages: all, TAGGED, UNTAGGED, imageStatus ARCHIVED; DescribeRepositories;
# /v2/ tags/list and _catalog), printing
# the first, the last, the median and the slowest page, the whole walk and Berth's CPU per page, and appending them to
# RESULTS (bench/RESULTS-GROWTH.md). The images are seeded in SQL (bench/growth.py: real manifests under their digests,
# with the references and tags a push writes, the tags through the stores' own triggers) — pushing a million manifests
# would take hours; listings read only these rows. PostgreSQL is vacuumed and analyzed after the seed, as autovacuum
# would do after that many writes (it would otherwise run during the walk).
#   IMAGES=1000000 REPOS=10000 BACKENDS="sqlite postgres" bench/growth.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
IMAGES=${IMAGES:-100000}
REPOS=${REPOS:-10000}
BACKENDS=${BACKENDS:-sqlite postgres}
PORT=${PORT:-15077}
RESULTS=${RESULTS:-$ROOT/bench/RESULTS-GROWTH.md}
WORK=$(mktemp -d /tmp/berth-growth.XXXXXX)
PIDS=()
# shellcheck source=bench/postgres.sh
. "$ROOT/bench/postgres.sh"
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; stop_postgres; [[ ${KEEP:-0} == 1 ]] || rm -rf "$WORK"; }
trap cleanup EXIT

export AWS_ACCESS_KEY_ID=AKIAGROWTHBENCH00000 AWS_SECRET_ACCESS_KEY=growthbenchsecret000000000000000000000000 AWS_DEFAULT_REGION=us-east-1
export BERTH_ROOT_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID BERTH_ROOT_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY
dotnet build "$ROOT/src/Berth.Server" -c Release -v q -nologo >/dev/null
BERTH="$ROOT/src/Berth.Server/bin/Release/net10.0/berth"
ENDPOINT="http://127.0.0.1:$PORT"

start() { # start DATA [ENV=VALUE...]
    local data=$1; shift
    env "$@" Logging__LogLevel__Default=Warning "$BERTH" serve --urls "$ENDPOINT" --data "$data" >>"$data.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 600); do [[ $(curl -so /dev/null -w '%{http_code}' "$ENDPOINT/v2/" || true) != 000 ]] && return; sleep 0.1; done
    cat "$data.log"; exit 2
}
stop() { kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true; unset 'PIDS[-1]'; }

[[ -f $RESULTS ]] || printf '# Listing cost as the registry grows (bench/growth.sh)\n\nPages of 1,000 (maxResults / n); times through the API, measured by a raw SigV4 client (bench/growth.py walk), so boto3'"'"'s own parsing is not counted. "server CPU" is Berth'"'"'s process only.\n' >"$RESULTS"
for backend in $BACKENDS; do
    echo "== $backend: $IMAGES images in one repository, $REPOS more repositories"
    data="$WORK/$backend"
    settings=()
    if [[ $backend == postgres ]]; then
        start_postgres "$((PORT + 1))"
        pg_sql -c "CREATE DATABASE growth OWNER berth" >/dev/null
        settings=(Berth__Storage__Metadata__Type=Postgres
            "Berth__Storage__Metadata__Postgres__ConnectionString=Host=127.0.0.1;Port=$PG_PORT;Database=growth;Username=berth;Password=$PG_PASSWORD")
    fi
    start "$data" "${settings[@]}"
    aws ecr create-repository --repository-name big --endpoint-url "$ENDPOINT" >/dev/null
    python3 "$ROOT/bench/growth.py" push "$ENDPOINT" big
    stop
    started=$(date +%s)
    if [[ $backend == sqlite ]]; then
        python3 "$ROOT/bench/growth.py" seed-sqlite "$data/berth.db" big "$IMAGES" "$REPOS"
    else
        read -r repo_id account region < <(pg_sql -d growth -At -F ' ' -c "SELECT id, account_id, region FROM repositories WHERE name = 'big'")
        mkdir -p "$WORK/copy" && chmod 755 "$WORK" "$WORK/copy"
        python3 "$ROOT/bench/growth.py" seed-postgres-copy "$WORK/copy" "$repo_id" "$IMAGES" "$account" "$region" "$REPOS"
        chmod 644 "$WORK"/copy/*
        pg_sql -d growth -c "\\copy manifests (repository_id, digest, media_type, annotations, size, content, pushed_at, config_media_type, image_size) FROM '$WORK/copy/manifests.tsv'" \
            -c "\\copy manifest_references (repository_id, manifest_digest, kind, digest) FROM '$WORK/copy/refs.tsv'" \
            -c "\\copy tags (repository_id, name, manifest_digest, updated_at) FROM '$WORK/copy/tags.tsv'" \
            -c "\\copy repositories (account_id, region, name, created_at) FROM '$WORK/copy/repositories.tsv'" \
            -c "\\copy image_storage (repository_id, digest, status, last_archived_at) FROM '$WORK/copy/storage.tsv'" \
            -c "VACUUM (ANALYZE)" >/dev/null
    fi
    seeded=$(( $(date +%s) - started ))
    echo "seeded in $seeded s"
    start "$data" "${settings[@]}"
    {
        printf '\n## %s: %s images in one repository, %s more repositories\n\n' "$backend" "$IMAGES" "$REPOS"
        printf '%s, commit %s, load average before the walk %s; seeded by SQL in %s s.\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" \
            "$(git -C "$ROOT" rev-parse --short HEAD)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$seeded"
    } >>"$RESULTS"
    python3 "$ROOT/bench/growth.py" walk "$ENDPOINT" big "${PIDS[-1]}" | tee "$WORK/walk.tsv"
    awk -F'\t' '{ row = "|"; for (i = 1; i <= NF; i++) row = row " " $i " |"; print row; if (NR == 1) { sep = "|"; for (i = 1; i <= NF; i++) sep = sep "---|"; print sep } }' "$WORK/walk.tsv" >>"$RESULTS"
    stop
    stop_postgres
    PG_DIR=
done
