#!/usr/bin/env bash
# Builds the container image of Berth with the .NET SDK's container support (dotnet publish /t:PublishContainer),
# without pulling anything from a container registry on the internet:
#   1. a Debian bookworm root filesystem with what a self-contained .NET app needs (libc, libstdc++, OpenSSL, zlib,
#      CA certificates, tzdata), a user "app" (uid/gid 1654) and /var/lib/berth (0700, owned by it), made by
#      mmdebstrap from a Debian mirror (cached in $BERTH_IMAGE_CACHE: made once);
#   2. that rootfs as a one-layer OCI image (packaging/oci_layout.py, /var/lib/berth declared a volume), pushed by
#      skopeo into a Berth started for the build on 127.0.0.1 (the SDK pulls base images from a registry only);
#   3. dotnet publish -r linux-x64 --self-contained /t:PublishContainer on that base, pushed to the same Berth
#      (SDK_CONTAINER_INSECURE_REGISTRIES lets the SDK use plain HTTP there);
#   4. the result copied out by skopeo, byte for byte, as an OCI layout ($OUT/oci, tag $TAG) and as a docker-archive
#      ($OUT/berth-image.tar: docker load -i), then the build's Berth is stopped.
#
# Usage: packaging/build-image.sh [OUT]      (default OUT: packaging/out)
# Environment: BERTH_IMAGE_TAG (latest), BERTH_IMAGE_CACHE (~/.cache/berth-image), DEBIAN_MIRROR (http://deb.debian.org/debian),
#   BERTH_REGISTRY_DLL (a built berth.dll for the build's registry; default: build one)
# Needs: mmdebstrap, skopeo, python3, curl, the .NET SDK (and its NuGet source for the linux-x64 runtime packs).
# The builds go to OUT/artifacts (--artifacts-path), not to the source tree's bin/ and obj/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(mkdir -p "${1:-$ROOT/packaging/out}" && cd "${1:-$ROOT/packaging/out}" && pwd)
TAG=${BERTH_IMAGE_TAG:-latest}
CACHE=${BERTH_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/berth-image}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
PACKAGES=ca-certificates,libssl3,libstdc++6,zlib1g,tzdata,libgcc-s1
log() { printf '%s build-image: %s\n' "$(date +%T)" "$*" >&2; }
for tool in mmdebstrap skopeo python3 curl dotnet; do
    command -v "$tool" >/dev/null || { echo "build-image: $tool is needed (apt-get install $tool)" >&2; exit 3; }
done

# 1. The base root filesystem, made once per package list.
ROOTFS_VERSION=1   # raise when the hooks below change, so that a cached rootfs is made again
key=$(printf '%s %s bookworm %s' "$PACKAGES" "$MIRROR" "$ROOTFS_VERSION" | sha256sum | cut -c1-16)
rootfs=$CACHE/rootfs-$key.tar
if [[ ! -s $rootfs ]]; then
    log "making the Debian root filesystem with mmdebstrap (once; cached as $rootfs)"
    mkdir -p "$CACHE"
    rm -rf "$rootfs.partial.tar"
    # force-unsafe-io: no fsync per unpacked file (the chroot is thrown away if the build stops; the tar is renamed
    # into place only when complete).
    mmdebstrap --variant=essential --format=tar --include="$PACKAGES" --dpkgopt=force-unsafe-io \
        --customize-hook='echo "app:x:1654:1654:app:/home/app:/usr/sbin/nologin" >> "$1/etc/passwd"' \
        --customize-hook='echo "app:x:1654:" >> "$1/etc/group"' \
        --customize-hook='mkdir -p "$1/home/app" "$1/var/lib/berth" && chown 1654:1654 "$1/home/app" "$1/var/lib/berth" && chmod 0700 "$1/var/lib/berth"' \
        --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/* "$1"/var/log/*' \
        bookworm "$rootfs.partial.tar" "$MIRROR" >"$CACHE/mmdebstrap.log" 2>&1 || { tail -20 "$CACHE/mmdebstrap.log" >&2; exit 2; }
    mv "$rootfs.partial.tar" "$rootfs"
fi
base=$CACHE/base-$key
if [[ ! -s $base/index.json ]]; then
    log "wrapping it as an OCI image (once; cached as $base)"
    python3 "$ROOT/packaging/oci_layout.py" "$rootfs" "$base.partial" bookworm /var/lib/berth
    rm -rf "$base"; mv "$base.partial" "$base"
fi

# 2. A Berth on loopback as the registry of the build (BERTH_REGISTRY_DLL: an already built berth.dll to use).
registry_dll=${BERTH_REGISTRY_DLL:-}
if [[ -z $registry_dll ]]; then
    log "building Berth for the build's registry"
    dotnet build "$ROOT/src/Berth.Server" -c Release -nologo -v quiet --artifacts-path "$OUT/artifacts" -o "$OUT/registry-app" >"$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log" >&2; exit 2; }
    registry_dll=$OUT/registry-app/berth.dll
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
registry=127.0.0.1:$port
rm -rf "$OUT/registry-data"
Berth__RequireRegistryAuthentication=false Berth__CreateRepositoryOnPush=true Berth__AuditTrail__Enabled=false \
Berth__PublicRegistryUrls=none Logging__LogLevel__Default=Warning \
    dotnet "$registry_dll" serve --urls "http://$registry" --data "$OUT/registry-data" >"$OUT/registry.log" 2>&1 &
berth_pid=$!
trap 'kill "$berth_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1200); do curl -sf -o /dev/null "http://$registry/healthz" && break; sleep 0.1; done
curl -sf -o /dev/null "http://$registry/healthz" || { cat "$OUT/registry.log" >&2; exit 2; }
skopeo copy --quiet --dest-tls-verify=false "oci:$base:bookworm" "docker://$registry/berth-base:bookworm"

# 3. The SDK's container build, self-contained on the base image, pushed to the build's registry.
log "dotnet publish /t:PublishContainer (base $registry/berth-base:bookworm)"
SDK_CONTAINER_INSECURE_REGISTRIES=$registry DOTNET_CONTAINER_INSECURE_REGISTRIES=$registry \
    dotnet publish "$ROOT/src/Berth.Server" -c Release -r linux-x64 --self-contained -nologo -v quiet --artifacts-path "$OUT/artifacts" /t:PublishContainer \
    -p:ContainerBaseImage="$registry/berth-base:bookworm" -p:ContainerRegistry="$registry" \
    -p:ContainerImageTag="$TAG" \
    >"$OUT/publish.log" 2>&1 || { tail -30 "$OUT/publish.log" >&2; exit 2; }

# 4. Out of the registry, as published.
rm -rf "$OUT/oci" "$OUT/berth-image.tar"
skopeo copy --quiet --src-tls-verify=false "docker://$registry/berth:$TAG" "oci:$OUT/oci:$TAG"
skopeo copy --quiet --src-tls-verify=false "docker://$registry/berth:$TAG" "docker-archive:$OUT/berth-image.tar:berth:$TAG"
kill "$berth_pid"; wait "$berth_pid" 2>/dev/null || true
trap - EXIT
rm -rf "$OUT/registry-data" "$OUT/registry-app" "$OUT/artifacts"
log "done: $OUT/oci (OCI layout, tag $TAG) and $OUT/berth-image.tar (docker load -i)"
