# Sourced by bench scripts: start_swift DIR PORT [PROXY-LOGGING-LINES] writes a single-node OpenStack Swift with
# s3api (one-replica rings, plain directories as the device, tempauth user test:tester / testing) under DIR, listening
# on PORT (backends on PORT+1..3, memcached on PORT+4), and starts it, appending the pids to the caller's PIDS array
# and setting SWIFT_PIDS to them, comma-separated (workers = 0: each server is that one process, no children).
# The optional third argument goes into the proxy-logging filter (gc-s3.sh counts requests from its UDP access log).
start_swift() {
    SWIFT=$1
    SWIFT_PORT=$2
    SWIFT_LOGGING=${3:-}
    mkdir -p "$SWIFT/devices/d1"
    swift_backend() { # swift_backend SERVER PORT EXTRA
        printf '[DEFAULT]\nbind_ip = 127.0.0.1\nbind_port = %s\ndevices = %s\nmount_check = false\nswift_dir = %s\nuser = %s\nworkers = 0\nlog_level = WARNING\n\n[pipeline:main]\npipeline = %s-server\n\n[app:%s-server]\nuse = egg:swift#%s\n%s\n' \
            "$2" "$SWIFT/devices" "$SWIFT" "$(id -un)" "$1" "$1" "$1" "$3" >"$SWIFT/$1-server.conf"
    }
    swift_backend account $((SWIFT_PORT + 1)) ""
    swift_backend container $((SWIFT_PORT + 2)) ""
    # Container updates of object PUTs must not time out under load, or listings miss objects.
    swift_backend object $((SWIFT_PORT + 3)) "container_update_timeout = 30"
    cat >"$SWIFT/proxy-server.conf" <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $SWIFT_PORT
swift_dir = $SWIFT
user = $(id -un)
workers = 0
log_level = WARNING

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk s3api tempauth copy slo dlo versioned_writes proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true

[filter:s3api]
use = egg:swift#s3api
location = us-east-1
allow_multipart_uploads = true

[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$((SWIFT_PORT + 4))

[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
$SWIFT_LOGGING
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:bulk]
use = egg:swift#bulk
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
[filter:versioned_writes]
use = egg:swift#versioned_writes
EOF
    port=$((SWIFT_PORT + 1))
    for kind in account container object; do
        swift-ring-builder "$SWIFT/$kind.builder" create 8 1 1 >/dev/null
        swift-ring-builder "$SWIFT/$kind.builder" add "r1z1-127.0.0.1:$port/d1" 100 >/dev/null
        swift-ring-builder "$SWIFT/$kind.builder" rebalance >/dev/null || (($? == 1))  # 1 is a warning: one device
        port=$((port + 1))
    done
    memcached -l 127.0.0.1 -p $((SWIFT_PORT + 4)) -U 0 -u "$(id -un)" >"$SWIFT/memcached.log" 2>&1 &
    PIDS+=("$!")
    SWIFT_PIDS=$!
    for kind in account container object proxy; do
        "swift-$kind-server" "$SWIFT/$kind-server.conf" >"$SWIFT/$kind.log" 2>&1 &
        PIDS+=("$!")
        SWIFT_PIDS+=,$!
    done
}
