#!/usr/bin/env python3
"""Turns a root filesystem tar (mmdebstrap's output) into a one-layer OCI image layout that skopeo can push.

Usage: oci_layout.py ROOTFS.tar LAYOUT_DIR TAG [VOLUME...]
The layer is the tar gzip-compressed (mtime 0, so the same tar gives the same digest); the config declares linux/amd64,
the PATH of Debian's images and the given volumes.
"""
import gzip
import hashlib
import json
import os
import shutil
import sys


def write_blob(layout, data):
    digest = hashlib.sha256(data).hexdigest()
    path = os.path.join(layout, "blobs", "sha256", digest)
    with open(path, "wb") as f:
        f.write(data)
    return "sha256:" + digest


def main():
    rootfs, layout, tag, volumes = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    shutil.rmtree(layout, ignore_errors=True)
    os.makedirs(os.path.join(layout, "blobs", "sha256"))
    diff = hashlib.sha256()
    compressed_path = os.path.join(layout, "layer.tmp")
    with open(rootfs, "rb") as source, open(compressed_path, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as target:
            while chunk := source.read(1 << 20):
                diff.update(chunk)
                target.write(chunk)
    layer = hashlib.sha256()
    with open(compressed_path, "rb") as f:
        while chunk := f.read(1 << 20):
            layer.update(chunk)
    layer_digest = "sha256:" + layer.hexdigest()
    layer_size = os.path.getsize(compressed_path)
    os.rename(compressed_path, os.path.join(layout, "blobs", "sha256", layer.hexdigest()))

    config = {
        "architecture": "amd64",
        "os": "linux",
        "config": {
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            "Volumes": {v: {} for v in volumes},
        },
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + diff.hexdigest()]},
        "history": [{"created_by": "mmdebstrap (packaging/build-image.sh)"}],
    }
    config_bytes = json.dumps(config, separators=(",", ":"), sort_keys=True).encode()
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": write_blob(layout, config_bytes), "size": len(config_bytes)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer_digest, "size": layer_size}],
    }
    manifest_bytes = json.dumps(manifest, separators=(",", ":")).encode()
    index = {
        "schemaVersion": 2,
        "manifests": [{
            "mediaType": manifest["mediaType"], "digest": write_blob(layout, manifest_bytes), "size": len(manifest_bytes),
            "annotations": {"org.opencontainers.image.ref.name": tag},
        }],
    }
    with open(os.path.join(layout, "index.json"), "w") as f:
        json.dump(index, f)
    with open(os.path.join(layout, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)


if __name__ == "__main__":
    main()
