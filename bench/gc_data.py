#!/usr/bin/env python3
"""Writes the same blobs into a Berth data directory (filesystem blobs + SQLite rows) and a Distribution storage root,
for bench/gc.sh. Usage: gc_data.py BERTH_DATA DIST_ROOT BLOBS BLOB_BYTES [UNIQUE SHARED]

Half of BLOBS are referenced: in Distribution by image manifests (config + 99 layers each, tagged, with their
_layers and _manifests links), in Berth by the same repositories' blob_links and manifests rows. The other half is
garbage: stored, referenced by nothing. With UNIQUE and SHARED, two more repositories "app" and "base" are written:
"app" has UNIQUE blobs of its own and SHARED blobs it shares with "base" (the repository-deletion row).
(bench/gc-s3.sh seeds S3 with bench/gc_s3_data.py.)"""
import hashlib, json, os, sqlite3, sys, time

berth, dist, total, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
unique = int(sys.argv[5]) if len(sys.argv) > 5 else 0
shared = int(sys.argv[6]) if len(sys.argv) > 6 else 0
v2 = os.path.join(dist, "docker", "registry", "v2")
db = sqlite3.connect(os.path.join(berth, "berth.db"))
now = int(time.time() * 1000)
old = time.time() - 7200
counter = 0

def blob(tag: bytes) -> str:
    global counter
    counter += 1
    content = (tag + counter.to_bytes(8, "big")) * (size // (len(tag) + 8) + 1)
    content = content[:size]
    hexd = hashlib.sha256(content).hexdigest()
    for path in (os.path.join(berth, "blobs", "sha256", hexd[:2], hexd), os.path.join(v2, "blobs", "sha256", hexd[:2], hexd, "data")):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(content)
        os.utime(path, (old, old))
    return "sha256:" + hexd

def link(path: str, digest: str) -> None:
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "link"), "w") as f:
        f.write(digest)

def repository(name: str, digests: list) -> None:
    """Images of config + 99 layers over `digests`, in both registries."""
    db.execute("INSERT INTO repositories (account_id, region, name, created_at) VALUES ('000000000000', 'us-east-1', ?, ?)", (name, now))
    rid = db.execute("SELECT id FROM repositories WHERE name = ?", (name,)).fetchone()[0]
    repo = os.path.join(v2, "repositories", name)
    for i in range(0, len(digests), 100):
        group = digests[i:i + 100]
        manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": size, "digest": group[0]},
            "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": size, "digest": d} for d in group[1:]]}).encode()
        mdigest = "sha256:" + hashlib.sha256(manifest).hexdigest()
        if repo:
            path = os.path.join(v2, "blobs", "sha256", mdigest[7:9], mdigest[7:], "data")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(manifest)
            link(os.path.join(repo, "_manifests", "revisions", "sha256", mdigest[7:]), mdigest)
            link(os.path.join(repo, "_manifests", "tags", f"t{i}", "current"), mdigest)
            link(os.path.join(repo, "_manifests", "tags", f"t{i}", "index", "sha256", mdigest[7:]), mdigest)
        db.execute("INSERT INTO manifests (repository_id, digest, media_type, size, content, pushed_at) VALUES (?, ?, ?, ?, ?, ?)",
                   (rid, mdigest, "application/vnd.docker.distribution.manifest.v2+json", len(manifest), manifest, now))
        db.execute("INSERT INTO tags (repository_id, name, manifest_digest, updated_at) VALUES (?, ?, ?, ?)", (rid, f"t{i}", mdigest, now))
        for d in group:
            if repo:
                link(os.path.join(repo, "_layers", "sha256", d[7:]), d)
            db.execute("INSERT OR IGNORE INTO blob_links (repository_id, digest, size, linked_at) VALUES (?, ?, ?, ?)", (rid, d, size, now))
            db.execute("INSERT OR IGNORE INTO manifest_references (repository_id, manifest_digest, kind, digest) VALUES (?, ?, 'blob', ?)", (rid, mdigest, d))

referenced = [blob(b"ref") for _ in range(total // 2)]
for r in range(0, len(referenced), 10_000):
    repository(f"bench/r{r // 10_000}", referenced[r:r + 10_000])
for _ in range(total - total // 2):
    blob(b"garbage")
if unique or shared:
    common = [blob(b"shared") for _ in range(shared)]
    repository("bench/base", common)
    repository("bench/app", [blob(b"unique") for _ in range(unique)] + common)
db.commit()
