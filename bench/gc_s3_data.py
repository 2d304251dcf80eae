#!/usr/bin/env python3
"""Seeds Berth on S3 + PostgreSQL for bench/gc-s3.sh, and checks the bucket afterwards.

  gc_s3_data.py seed WORK BLOBS BLOB_BYTES UNIQUE SHARED   (env: GC_S3_ENDPOINT, GC_S3_BUCKET, GC_S3_PREFIX,
                                                            BERTH_ENDPOINT, PSQL (a psql command line), AWS_* keys
                                                            of Swift, ECR_KEY and ECR_SECRET of Berth)
  gc_s3_data.py check WORK [MINUS]                          (bucket blobs against the referenced set: count, bytes)
  gc_s3_data.py bytes                                       (the bucket's blobs: count, bytes)

BLOBS blobs of BLOB_BYTES, half referenced and half garbage, in S3BlobStore's layout (<prefix>/blobs/sha256/xx/hex):
  referenced  images of one config + 99 layers in repositories bench/r0, r1, … (10,000 blobs each), plus "bench/app"
              (UNIQUE blobs of its own and SHARED it shares with "bench/base": the repository-deletion row);
  garbage     half of it the blobs of images pushed to bench/d0, d1, … and deleted with BatchDeleteImage (their links
              stay until a cycle unlinks them), the other half stored blobs that no row names (an upload completed
              whose manifest never came).
How each part is written, and why:
  bytes       Swift's bulk middleware (PUT ?extract-archive=tar, 500 objects a tar, SEED_PARALLEL tars at once): the
              same Swift objects an S3 PutObject through s3api makes (key, size, ETag = MD5, Last-Modified); one
              request per 500 objects instead of one signed S3 request each (the client's and the proxy's share of
              the CPU per object, measured in bench/RESULTS-GC-S3.md).
  repositories CreateRepository (ECR API, boto3).
  links       the blob_links rows the upload path writes when a blob upload completes (repository, digest, size,
              linked_at), copied into PostgreSQL with psql \\copy: the bytes did not go through Berth.
  manifests   PUT /v2/<name>/manifests/<tag> on the running Berth (the real push path: manifests, references, tags,
              outbox rows written by Berth), 8 at a time; deleted images by BatchDeleteImage (ECR API).
WORK/expected.tsv lists the digests and sizes that must stay (the referenced half), WORK/app-unique.tsv those only
bench/app has."""
import hashlib, http.client, io, json, os, subprocess, sys, tarfile, time
from concurrent.futures import ThreadPoolExecutor
import boto3, botocore.config

MEDIA = "application/vnd.docker.distribution.manifest.v2+json"
PER_REPOSITORY = 10_000
PER_TAR = 500


def s3_client():
    return boto3.client("s3", endpoint_url=os.environ["GC_S3_ENDPOINT"], region_name="us-east-1",
                        config=botocore.config.Config(s3={"addressing_style": "path"}, retries={"max_attempts": 10}))


def blob_keys(s3, bucket, prefix):
    """Every blob in the bucket: {digest: size}."""
    found = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{prefix}/blobs/"):
        for item in page.get("Contents", []):
            found["sha256:" + item["Key"].rsplit("/", 1)[1]] = item["Size"]
    return found


def seed(work, total, size, unique, shared):
    endpoint, bucket, prefix = os.environ["GC_S3_ENDPOINT"], os.environ["GC_S3_BUCKET"], os.environ["GC_S3_PREFIX"].strip("/")
    berth = os.environ["BERTH_ENDPOINT"]
    parallel = int(os.environ.get("SEED_PARALLEL", "6"))
    counter = 0
    contents = {}  # digest -> bytes, until uploaded

    def blob(tag):
        nonlocal counter
        counter += 1
        content = ((tag + counter.to_bytes(8, "big")) * (size // (len(tag) + 8) + 1))[:size]
        digest = "sha256:" + hashlib.sha256(content).hexdigest()
        contents[digest] = content
        return digest

    referenced_count = total // 2
    garbage_count = total - referenced_count
    deleted_count = garbage_count // 2
    common = [blob(b"shared") for _ in range(shared)]
    own = [blob(b"unique") for _ in range(unique)]
    plain = [blob(b"ref") for _ in range(referenced_count - unique - shared)]
    doomed = [blob(b"deleted") for _ in range(deleted_count)]
    stray = [blob(b"garbage") for _ in range(garbage_count - deleted_count)]
    repositories = {f"bench/r{i // PER_REPOSITORY}": plain[i:i + PER_REPOSITORY] for i in range(0, len(plain), PER_REPOSITORY)}
    repositories.update({f"bench/d{i // PER_REPOSITORY}": doomed[i:i + PER_REPOSITORY] for i in range(0, len(doomed), PER_REPOSITORY)})
    if unique or shared:
        repositories["bench/base"] = common
        repositories["bench/app"] = own + common

    # The bytes: tars of PER_TAR objects through Swift's bulk middleware, with a tempauth token.
    host, port = endpoint.split("//", 1)[1].split(":")
    c = http.client.HTTPConnection(host, int(port))
    c.request("GET", "/auth/v1.0", headers={"X-Auth-User": os.environ["AWS_ACCESS_KEY_ID"], "X-Auth-Key": os.environ["AWS_SECRET_ACCESS_KEY"]})
    r = c.getresponse(); r.read()
    token, account = r.getheader("X-Auth-Token"), "/" + r.getheader("X-Storage-Url").split("/", 3)[3]

    def upload(digests):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tf:
            for d in digests:
                info = tarfile.TarInfo(f"{prefix}/blobs/sha256/{d[7:9]}/{d[7:]}")
                info.size = size
                tf.addfile(info, io.BytesIO(contents[d]))
        for attempt in range(5):
            conn = http.client.HTTPConnection(host, int(port), timeout=3600)
            conn.request("PUT", f"{account}/{bucket}?extract-archive=tar", body=buf.getvalue(), headers={"X-Auth-Token": token, "Accept": "application/json"})
            answer = conn.getresponse()
            out = json.loads(answer.read())
            if out.get("Number Files Created") == len(digests) and not out.get("Errors"):
                return
            time.sleep(2)
        raise SystemExit(f"extract-archive failed: {out}")

    everything = list(contents)
    t = time.time()
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(upload, [everything[i:i + PER_TAR] for i in range(0, len(everything), PER_TAR)]))
    print(f"bytes: {len(everything)} objects in {time.time() - t:.1f} s", file=sys.stderr)
    contents.clear()

    # Repositories by the ECR API, links by \copy, manifests by /v2/.
    t = time.time()
    ecr = boto3.client("ecr", endpoint_url=berth, region_name="us-east-1",
                       aws_access_key_id=os.environ["ECR_KEY"], aws_secret_access_key=os.environ["ECR_SECRET"])
    for name in repositories:
        ecr.create_repository(repositoryName=name)
    links = os.path.join(work, "links.tsv")
    with open(links, "w") as f:
        for name, digests in repositories.items():
            for d in dict.fromkeys(digests):
                f.write(f"{name}\t{d}\t{size}\n")
    os.chmod(links, 0o644)
    psql = os.environ["PSQL"].split()
    subprocess.run(psql + ["-v", "ON_ERROR_STOP=1", "-q",
                           "-c", "CREATE TEMP TABLE seed_links (name TEXT, digest TEXT, size BIGINT)",
                           "-c", f"\\copy seed_links FROM '{links}'",
                           "-c", "INSERT INTO blob_links (repository_id, digest, size, linked_at) "
                                 "SELECT r.id, s.digest, s.size, (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT "
                                 "FROM seed_links s JOIN repositories r ON r.name = s.name",
                           "-c", "ANALYZE blob_links"], check=True)
    print(f"repositories and links: {time.time() - t:.1f} s", file=sys.stderr)

    t = time.time()
    images = []  # (repository, tag, manifest bytes)
    for name, digests in repositories.items():
        for i in range(0, len(digests), 100):
            group = digests[i:i + 100]
            manifest = json.dumps({"schemaVersion": 2, "mediaType": MEDIA,
                                   "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": size, "digest": group[0]},
                                   "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": size, "digest": d} for d in group[1:]]}).encode()
            images.append((name, f"t{i // 100}", manifest))
    bhost, bport = berth.split("//", 1)[1].split(":")

    def put(image):
        name, tag, manifest = image
        conn = http.client.HTTPConnection(bhost, int(bport), timeout=600)
        conn.request("PUT", f"/v2/{name}/manifests/{tag}", body=manifest, headers={"Content-Type": MEDIA})
        answer = conn.getresponse()
        body = answer.read()
        if answer.status != 201:
            raise SystemExit(f"PUT {name}:{tag}: {answer.status} {body[:300]!r}")
        return name, "sha256:" + hashlib.sha256(manifest).hexdigest()

    with ThreadPoolExecutor(8) as pool:
        pushed = list(pool.map(put, images))
    for name in [n for n in repositories if n.startswith("bench/d")]:
        digests = [d for n, d in pushed if n == name]
        for i in range(0, len(digests), 100):
            out = ecr.batch_delete_image(repositoryName=name, imageIds=[{"imageDigest": d} for d in digests[i:i + 100]])
            assert not out.get("failures"), out["failures"]
    print(f"manifests: {len(images)} pushed, {len(doomed) // 100} of them deleted, in {time.time() - t:.1f} s", file=sys.stderr)

    with open(os.path.join(work, "expected.tsv"), "w") as f:
        for d in dict.fromkeys(plain + own + common):
            f.write(f"{d}\t{size}\n")
    with open(os.path.join(work, "app-unique.tsv"), "w") as f:
        for d in own:
            f.write(f"{d}\t{size}\n")


def check(work, minus=None):
    """Prints "blobs bytes same database-digests expected-blobs expected-bytes": the bucket's blobs against
    expected.tsv (less the digests of MINUS) and against the digests PostgreSQL references (links, manifests)."""
    s3 = s3_client()
    found = blob_keys(s3, os.environ["GC_S3_BUCKET"], os.environ["GC_S3_PREFIX"].strip("/"))
    expected = dict(line.rstrip("\n").split("\t") for line in open(os.path.join(work, "expected.tsv")))
    expected = {d: int(s) for d, s in expected.items()}
    for line in open(os.path.join(work, minus)) if minus else []:
        expected.pop(line.split("\t")[0], None)
    psql = os.environ["PSQL"].split()
    rows = subprocess.run(psql + ["-At", "-c", "SELECT digest FROM blob_links UNION SELECT digest FROM manifest_references WHERE kind = 'blob'"],
                          check=True, capture_output=True, text=True).stdout.split()
    database = set(rows)
    same = found == expected and set(found) == database
    print(len(found), sum(found.values()), "yes" if same else "no", len(database), len(expected), sum(expected.values()))
    if not same:
        print(f"bucket-not-expected {len(set(found) - set(expected))}, expected-not-in-bucket {len(set(expected) - set(found))}, "
              f"bucket-not-in-database {len(set(found) - database)}, database-not-in-bucket {len(database - set(found))}", file=sys.stderr)


if __name__ == "__main__":
    if sys.argv[1] == "seed":
        seed(sys.argv[2], *map(int, sys.argv[3:7]))
    elif sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
    elif sys.argv[1] == "bytes":
        found = blob_keys(s3_client(), os.environ["GC_S3_BUCKET"], os.environ["GC_S3_PREFIX"].strip("/"))
        print(len(found), sum(found.values()))
