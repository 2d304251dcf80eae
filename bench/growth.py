#!/usr/bin/env python3
"""The growth rows of bench/growth.sh: how listings cost as one repository and a registry grow.

  growth.py push ENDPOINT REPO                 pushes one real image (config + one layer) with the ECR layer API
  growth.py seed-sqlite DB REPO IMAGES REPOS   adds IMAGES manifests to REPO (one tag each, all referencing that
                                               image's config and layer) and REPOS empty repositories, in SQL
  growth.py seed-postgres-copy OUT REPO_ID IMAGES ACCOUNT REGION REPOS
                                               writes the same rows as COPY files (manifests.tsv, refs.tsv,
                                               tags.tsv, repositories.tsv) for psql's \\copy
  growth.py walk ENDPOINT REPO [PID]           walks every listing page by page and prints, per listing, the first
                                               page, the last page and the slowest page in ms, the whole walk, and
                                               the CPU per page of the server process PID

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


def archived(i):
    """One image in 500 is archived (imageStatus ARCHIVED), as a lifecycle rule's archive action leaves them."""
    return i % 500 == 0


def seed_sqlite(db, repo, images, repos):
    import sqlite3
    c, l = base_image(None, repo)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    # A seed, not a workload: a page cache large enough for the indexes (with SQLite's default 2 MB every random insert
    # into the million-row indexes evicted a dirty page into the WAL: 500 MB of WAL in 12 minutes for a third of the
    # rows) and no fsync until the end. The rows are the same; the manifests go in in digest order (their primary key).
    con.execute("PRAGMA cache_size=-2000000")
    con.execute("PRAGMA synchronous=OFF")
    (repo_id, account, region), = con.execute("SELECT id, account_id, region FROM repositories WHERE name = ?", (repo,))
    now = int(time.time() * 1000)
    annotations = None
    with con:
        for i, body, digest, pushed, size in sorted(rows(c, l, images, now), key=lambda row: row[2]):
            annotations = json.dumps({"bench.growth.index": str(i)}, separators=(",", ":"))
            con.execute("INSERT INTO manifests (repository_id, digest, media_type, annotations, size, content, pushed_at, config_media_type, image_size) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (repo_id, digest, MEDIA, annotations, len(body), body, pushed, CONFIG_MEDIA, size))
            con.execute("INSERT INTO manifest_references (repository_id, manifest_digest, kind, digest) VALUES (?, ?, 'blob', ?), (?, ?, 'blob', ?)",
                        (repo_id, digest, c["digest"], repo_id, digest, l["digest"]))
            con.execute("INSERT INTO tags (repository_id, name, manifest_digest, updated_at) VALUES (?, ?, ?, ?)", (repo_id, f"v{i:07d}", digest, pushed))
            if archived(i):
                con.execute("INSERT INTO image_storage (repository_id, digest, status, last_archived_at) VALUES (?, ?, 'ARCHIVED', ?)", (repo_id, digest, now))
        for r in range(repos):
            con.execute("INSERT INTO repositories (account_id, region, name, created_at) VALUES (?, ?, ?, ?)", (account, region, f"many/repo-{r:06d}", now))
    con.execute("ANALYZE")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def seed_postgres_copy(out, repo_id, images, account, region, repos):
    c, l = base_image(None, "")
    now = int(time.time() * 1000)
    with open(os.path.join(out, "manifests.tsv"), "w") as m, open(os.path.join(out, "refs.tsv"), "w") as refs, open(os.path.join(out, "tags.tsv"), "w") as tags, \
            open(os.path.join(out, "storage.tsv"), "w") as storage:
        for i, body, digest, pushed, size in rows(c, l, images, now):
            if archived(i):
                storage.write(f"{repo_id}\t{digest}\tARCHIVED\t{now}\n")
            annotations = json.dumps({"bench.growth.index": str(i)}, separators=(",", ":"))
            m.write(f"{repo_id}\t{digest}\t{MEDIA}\t{annotations}\t{len(body)}\t\\\\x{body.hex()}\t{pushed}\t{CONFIG_MEDIA}\t{size}\n")
            refs.write(f"{repo_id}\t{digest}\tblob\t{c['digest']}\n{repo_id}\t{digest}\tblob\t{l['digest']}\n")
            tags.write(f"{repo_id}\tv{i:07d}\t{digest}\t{pushed}\n")
    with open(os.path.join(out, "repositories.tsv"), "w") as r:
        for n in range(repos):
            r.write(f"{account}\t{region}\tmany/repo-{n:06d}\t{now}\n")


class RawEcr:
    """ECR JSON calls signed by botocore (SigV4) but sent and parsed without boto3's response parsing, so that a page's
    time is the server's and the wire's: boto3 spends ~200 ms of CPU turning 1,000 image details into objects."""

    def __init__(self, endpoint):
        import http.client
        import urllib.parse
        from botocore.session import get_session
        url = urllib.parse.urlsplit(endpoint)
        self.endpoint = endpoint
        self.connection = http.client.HTTPConnection(url.hostname, url.port)
        self.credentials = get_session().get_credentials().get_frozen_credentials()
        self.region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")

    def call(self, operation, body):
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        data = json.dumps(body).encode()
        request = AWSRequest(method="POST", url=self.endpoint + "/", data=data, headers={
            "X-Amz-Target": f"AmazonEC2ContainerRegistry_V20150921.{operation}", "Content-Type": "application/x-amz-json-1.1"})
        SigV4Auth(self.credentials, "ecr", self.region).add_auth(request)
        self.connection.request("POST", "/", body=data, headers=dict(request.headers.items()))
        response = self.connection.getresponse()
        payload = response.read()
        if response.status != 200:
            raise RuntimeError(f"{operation}: {response.status} {payload[:300]!r}")
        return json.loads(payload)

    def v2(self, path):
        """GET PATH of the /v2/ API with the Basic credentials of GetAuthorizationToken; returns the JSON body and the
        path of the next page from the Link header (None on the last page)."""
        if not hasattr(self, "basic"):
            self.basic = self.call("GetAuthorizationToken", {})["authorizationData"][0]["authorizationToken"]
        self.connection.request("GET", path, headers={"Authorization": "Basic " + self.basic})
        response = self.connection.getresponse()
        payload = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status} {payload[:300]!r}")
        link = response.getheader("Link")
        return json.loads(payload), link.split(">", 1)[0].lstrip("<") if link else None


def cpu_seconds(pid):
    """User + system CPU seconds of process PID (0 when PID is empty)."""
    if not pid:
        return 0.0
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def walk(endpoint, repo, server_pid=""):
    """Walks each listing page by page (maxResults or n 1000) and prints one tab-separated row per listing: items,
    pages, the first, the last, the median and the slowest page in ms, the whole walk in s, and the server's CPU per page in ms (Berth's
    process only: PostgreSQL's backends are not counted)."""
    ecr = RawEcr(endpoint)
    images = lambda status, image_status=None: {"repositoryName": repo, "maxResults": 1000,
                                                 **({"filter": {"tagStatus": status}} if status else {}),
                                                 **({"filter": {"imageStatus": image_status}} if image_status else {})}
    listings = [
        ("list-images", "ListImages", images(None), "imageIds"),
        ("list-images TAGGED", "ListImages", images("TAGGED"), "imageIds"),
        ("list-images UNTAGGED", "ListImages", images("UNTAGGED"), "imageIds"),
        ("list-images ARCHIVED", "ListImages", images(None, "ARCHIVED"), "imageIds"),
        ("describe-images", "DescribeImages", images(None), "imageDetails"),
        ("describe-images TAGGED", "DescribeImages", images("TAGGED"), "imageDetails"),
        ("describe-images UNTAGGED", "DescribeImages", images("UNTAGGED"), "imageDetails"),
        ("describe-images ARCHIVED", "DescribeImages", images(None, "ARCHIVED"), "imageDetails"),
        ("describe-repositories", "DescribeRepositories", {"maxResults": 1000}, "repositories"),
    ]
    # The /v2/ listings, n=1000 per page, followed by their Link headers.
    listings += [("tags/list", f"/v2/{repo}/tags/list?n=1000", None, "tags"), ("_catalog", "/v2/_catalog?n=1000", None, "repositories")]
    print("listing\titems\tpages\tfirst ms\tlast ms\tmedian ms\tslowest ms\twhole s\tserver CPU ms/page", flush=True)
    for name, operation, body, key in listings:
        page = (lambda token: ecr.call(operation, {**body, "nextToken": token} if token else body)) if body is not None \
            else (lambda token: ecr.v2(token or operation))
        page(None)  # warm the connection and the server's caches for this listing
        token, pages, items, times = None, 0, 0, []
        started, cpu = time.perf_counter(), cpu_seconds(server_pid)
        while True:
            t = time.perf_counter()
            response = page(token)
            if body is None:
                response, token = response
            times.append((time.perf_counter() - t) * 1000)
            pages += 1
            items += len(response[key])
            if body is not None:
                token = response.get("nextToken")
            if not token:
                break
        total = time.perf_counter() - started
        per_page = (cpu_seconds(server_pid) - cpu) * 1000 / pages if server_pid else float("nan")
        median = sorted(times)[len(times) // 2]
        print(f"{name}\t{items}\t{pages}\t{times[0]:.1f}\t{times[-1]:.1f}\t{median:.1f}\t{max(times):.1f}\t{total:.2f}\t{per_page:.1f}", flush=True)


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
