#!/usr/bin/env bash
# What the audit trail costs on the small-request rows: two authenticated Berths on fresh storage (the default: ECR
# authentication, repository made by aws ecr create-repository), one with Berth:AuditTrail:Enabled=false and one with
# the audit trail on (the default), driven alternately REPEATS times with berth-bench's "requests" workload (manifest GET
# by tag and blob HEAD at 16 connections, 5 s warm-up, 10 s measured). Manifest GETs are audited (BatchGetImage); blob
# HEADs are not (see OciAudit), so their row shows the cost of the machinery alone. Prints requests/s per row and
# server, and the events the audited server stored against the requests it answered (a full queue drops events).
# BASELINE=<git revision> adds a third server, audit trail on, built from that revision (git archive), driven in the same
# rotation: a change measured before and after in one interleaved run.
#
# Usage: bench/audit.sh   (REPEATS=3 BENCH_DIR=/tmp/... BASELINE=HEAD~1)
set -euo pipefail
REPEATS=${REPEATS:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${BENCH_DIR:-$(mktemp -d /tmp/berth-audit-bench.XXXXXX)}
PORT_OFF=${PORT_OFF:-$((20000 + RANDOM % 20000))}
PORT_ON=$((PORT_OFF + 1))
log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }

mkdir -p "$WORK"
# Built into the work directory, so that a build in the worktree during the run does not replace the servers' files.
dotnet build "$ROOT/src/Berth.Server" -c Release -nologo -v quiet -o "$WORK/app" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 2; }
dotnet build "$ROOT/bench/Berth.Bench" -c Release -nologo -v quiet -o "$WORK/bench" >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 2; }
BERTH_DLL=$WORK/app/berth.dll
if [[ -n ${BASELINE:-} ]]; then
    mkdir -p "$WORK/base-src"
    git -C "$ROOT" archive "$BASELINE" | tar -x -C "$WORK/base-src"
    dotnet build "$WORK/base-src/src/Berth.Server" -c Release -nologo -v quiet -o "$WORK/base-app" >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 2; }
fi
GEN=(dotnet "$WORK/bench/berth-bench.dll")
KEY=AKIABERTHAUDITBENCH01
SECRET=$(head -c 30 /dev/urandom | base64 | tr -d '/+=')
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

start() { # start NAME PORT ENABLED [DLL] -> pid
    Logging__LogLevel__Default=Warning Berth__AuditTrail__Enabled=$3 BERTH_ROOT_ACCESS_KEY_ID=$KEY BERTH_ROOT_SECRET_ACCESS_KEY=$SECRET \
        dotnet "${4:-$BERTH_DLL}" serve --urls "http://127.0.0.1:$2" --data "$WORK/$1" >"$WORK/$1.log" 2>&1 &
    echo $!
}
ecr() { local port=$1; shift; env -u AWS_PROFILE AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET aws ecr "$@" --endpoint-url "http://127.0.0.1:$port" --region us-east-1; }
wait_up() { for _ in $(seq 3000); do [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/v2/" || true) != 000 ]] && return 0; sleep 0.01; done; return 1; }

PID_OFF=$(start off "$PORT_OFF" false); PIDS+=("$PID_OFF")
PID_ON=$(start on "$PORT_ON" true); PIDS+=("$PID_ON")
SIDES=(off on)
PORTS=("$PORT_OFF" "$PORT_ON")
if [[ -n ${BASELINE:-} ]]; then
    PORT_BASE=$((PORT_OFF + 2))
    PID_BASE=$(start base "$PORT_BASE" true "$WORK/base-app/berth.dll"); PIDS+=("$PID_BASE")
    wait_up "$PORT_BASE"
    SIDES+=(base); PORTS+=("$PORT_BASE")
fi
wait_up "$PORT_OFF"; wait_up "$PORT_ON"
declare -A HEADER
for port in "${PORTS[@]}"; do
    ecr "$port" create-repository --repository-name bench/audit >/dev/null
    HEADER[$port]="Basic $(printf 'AWS:%s' "$(ecr "$port" get-login-password)" | base64 -w0)"
done

for r in $(seq "$REPEATS"); do
    for side in "${SIDES[@]}"; do
        case $side in off) port=$PORT_OFF pid=$PID_OFF ;; on) port=$PORT_ON pid=$PID_ON ;; base) port=$PORT_BASE pid=$PID_BASE ;; esac
        log "repeat $r/$REPEATS: audit trail $side"
        BERTH_BENCH_AUTHORIZATION=${HEADER[$port]} BERTH_BENCH_REPOSITORY=bench/audit "${GEN[@]}" run "http://127.0.0.1:$port" "$pid" registry requests \
            | sed "s/^/$side\t$r\t/" >>"$WORK/results.tsv"
    done
done

sleep 2
events=$(sqlite3 "$WORK/on/berth.db" "SELECT COUNT(*) FROM audit_events WHERE event_name = 'BatchGetImage'" 2>/dev/null || echo "?")
dropped=$(grep -c "audit events were dropped" "$WORK/on.log" || true)
echo "# results in $WORK/results.tsv; audited server stored $events BatchGetImage events; 'dropped' warnings: $dropped"
if [[ -n ${BASELINE:-} ]]; then
    events=$(sqlite3 "$WORK/base/berth.db" "SELECT COUNT(*) FROM audit_events WHERE event_name = 'BatchGetImage'" 2>/dev/null || echo "?")
    echo "# baseline $BASELINE ($(git -C "$ROOT" rev-parse --short "$BASELINE")): stored $events BatchGetImage events; 'dropped' warnings: $(grep -c "audit events were dropped" "$WORK/base.log" || true)"
fi
awk -F'\t' '$3 ~ /rps|requests_per_s|_rps$/ { print }' "$WORK/results.tsv"
cat "$WORK/results.tsv"
