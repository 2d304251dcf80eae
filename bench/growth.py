#!/usr/bin/env python3
"""The growth rows of bench/growth.sh: how listings cost as one repository and a registry grow.

  growth.py push ENDPOINT REPO                 pushes one real image (config + one layer) with the ECR layer API
  growth.py seed-sqlite DB REPO IMAGES REPOS   adds IMAGES manifests to REPO (one tag each, all referencing that
                                               image's config and layer) and REPOS empty repositories, in SQL
  growth.py seed-postgres-copy OUT REPO_ID IMAGES ACCOUNT REGION REPOS
                                               writes the same rows as COPY files (manifests.tsv, refs.tsv,
                                               tags.tsv, repositories.tsv) for psql's \\copy
  growth.py walk ENDPOINT REPO                 walks every listing page by page and prints, per listing, the first
                                               page, the last page and the slowest page in ms, and the whole walk

Each seeded manifest is a real OCI image manifest (distinct by an annotation) stored under its true sha256 digest, with
the references and the tag a push writes, so the catalog is in the state pushes would have left. Seeding by SQL
instead of pushing is what makes a million images take minutes instead of hours; the listings read only these rows.
"""
import hashlib
import json
import os
import sys
import time

import boto3
from botocore.config import Config

MEDIA = "application/vnd.oci.image.manifest.v1+json"
CONFIG_MEDIA = "application/vnd.oci.image.config.v1+json"
LAYER_MEDIA = "application/vnd.oci.image.layer.v1.tar"


def client(endpoint):
    return boto3.client("ecr", endpoint_url=endpoint, region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
                        config=Config(retries={"max_attempts": 1}))


def upload(ecr, repo, data):
    upload_id = ecr.initiate_layer_upload(repositoryName=repo)["uploadId"]
    ecr.upload_layer_part(repositoryName=repo, uploadId=upload_id, partFirstByte=0, partLastByte=len(data) - 1, layerPartBlob=data)
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    ecr.complete_layer_upload(repositoryName=repo, uploadId=upload_id, layerDigests=[digest])
    return {"digest": digest, "size": len(data)}


def base_image(ecr_or_none, repo):
    config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}}).encode()
    layer = b"growth bench layer\n" * 64
    if ecr_or_none is not None:
        c, l = upload(ecr_or_none, repo, config), upload(ecr_or_none, repo, layer)
    else:
        c = {"digest": "sha256:" + hashlib.sha256(config).hexdigest(), "size": len(config)}
        l = {"digest": "sha256:" + hashlib.sha256(layer).hexdigest(), "size": len(layer)}
    return c, l


def manifest(c, l, i):
    body = json.dumps({
        "schemaVersion": 2, "mediaType": MEDIA,
        "config": {"mediaType": CONFIG_MEDIA, **c},
        "layers": [{"mediaType": LAYER_MEDIA, **l}],
        "annotations": {"bench.growth.index": str(i)},
    }, separators=(",", ":")).encode()
    return body, "sha256:" + hashlib.sha256(body).hexdigest()


def rows(c, l, images, now):
    size = c["size"] + l["size"]
    for i in range(images):
        body, digest = manifest(c, l, i)
        yield i, body, digest, now - (images - i) * 10, size


def push(endpoint, repo):
    ecr = client(endpoint)
    c, l = base_image(ecr, repo)
    body, _ = manifest(c, l, -1)
    ecr.put_image(repositoryName=repo, imageManifest=body.decode(), imageManifestMediaType=MEDIA, imageTag="base")


def seed_sqlite(db, repo, images, repos):
    import sqlite3
    c, l = base_image(None, repo)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    (repo_id, account, region), = con.execute("SELECT id, account_id, region FROM repositories WHERE name = ?", (repo,))
    now = int(time.time() * 1000)
    annotations = None
    with con:
        for i, body, digest, pushed, size in rows(c, l, images, now):
            annotations = json.dumps({"bench.growth.index": str(i)}, separators=(",", ":"))
            con.execute("INSERT INTO manifests (repository_id, digest, media_type, annotations, size, content, pushed_at, config_media_type, image_size) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (repo_id, digest, MEDIA, annotations, len(body), body, pushed, CONFIG_MEDIA, size))
            con.execute("INSERT INTO manifest_references (repository_id, manifest_digest, kind, digest) VALUES (?, ?, 'blob', ?), (?, ?, 'blob', ?)",
                        (repo_id, digest, c["digest"], repo_id, digest, l["digest"]))
            con.execute("INSERT INTO tags (repository_id, name, manifest_digest, updated_at) VALUES (?, ?, ?, ?)", (repo_id, f"v{i:07d}", digest, pushed))
        for r in range(repos):
            con.execute("INSERT INTO repositories (account_id, region, name, created_at) VALUES (?, ?, ?, ?)", (account, region, f"many/repo-{r:06d}", now))
    con.execute("ANALYZE")
    con.close()


def seed_postgres_copy(out, repo_id, images, account, region, repos):
    c, l = base_image(None, "")
    now = int(time.time() * 1000)
    with open(os.path.join(out, "manifests.tsv"), "w") as m, open(os.path.join(out, "refs.tsv"), "w") as refs, open(os.path.join(out, "tags.tsv"), "w") as tags:
        for i, body, digest, pushed, size in rows(c, l, images, now):
            annotations = json.dumps({"bench.growth.index": str(i)}, separators=(",", ":"))
            m.write(f"{repo_id}\t{digest}\t{MEDIA}\t{annotations}\t{len(body)}\t\\\\x{body.hex()}\t{pushed}\t{CONFIG_MEDIA}\t{size}\n")
            refs.write(f"{repo_id}\t{digest}\tblob\t{c['digest']}\n{repo_id}\t{digest}\tblob\t{l['digest']}\n")
            tags.write(f"{repo_id}\tv{i:07d}\t{digest}\t{pushed}\n")
    with open(os.path.join(out, "repositories.tsv"), "w") as r:
        for n in range(repos):
            r.write(f"{account}\t{region}\tmany/repo-{n:06d}\t{now}\n")


def walk(endpoint, repo):
    ecr = client(endpoint)
    listings = [
        ("list-images", lambda tok: ecr.list_images(repositoryName=repo, maxResults=1000, **tok), "imageIds"),
        ("list-images TAGGED", lambda tok: ecr.list_images(repositoryName=repo, maxResults=1000, filter={"tagStatus": "TAGGED"}, **tok), "imageIds"),
        ("list-images UNTAGGED", lambda tok: ecr.list_images(repositoryName=repo, maxResults=1000, filter={"tagStatus": "UNTAGGED"}, **tok), "imageIds"),
        ("describe-images", lambda tok: ecr.describe_images(repositoryName=repo, maxResults=1000, **tok), "imageDetails"),
        ("describe-images TAGGED", lambda tok: ecr.describe_images(repositoryName=repo, maxResults=1000, filter={"tagStatus": "TAGGED"}, **tok), "imageDetails"),
        ("describe-images UNTAGGED", lambda tok: ecr.describe_images(repositoryName=repo, maxResults=1000, filter={"tagStatus": "UNTAGGED"}, **tok), "imageDetails"),
        ("describe-repositories", lambda tok: ecr.describe_repositories(maxResults=1000, **tok), "repositories"),
    ]
    for name, call, key in listings:
        call({})  # warm the connection and the server's caches for this listing
        token, pages, items, times = None, 0, 0, []
        started = time.perf_counter()
        while True:
            t = time.perf_counter()
            response = call({"nextToken": token} if token else {})
            times.append((time.perf_counter() - t) * 1000)
            pages += 1
            items += len(response[key])
            token = response.get("nextToken")
            if not token:
                break
        total = time.perf_counter() - started
        print(f"{name}\t{items} items\t{pages} pages\tfirst {times[0]:.1f} ms\tlast {times[-1]:.1f} ms\tslowest {max(times):.1f} ms\twhole {total:.2f} s", flush=True)


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "push":
        push(*args)
    elif command == "seed-sqlite":
        seed_sqlite(args[0], args[1], int(args[2]), int(args[3]))
    elif command == "seed-postgres-copy":
        seed_postgres_copy(args[0], args[1], int(args[2]), args[3], args[4], int(args[5]))
    elif command == "walk":
        walk(*args)
    else:
        sys.exit(f"unknown command {command}")
