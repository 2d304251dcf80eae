"""Pushes an image with boto3 through the ECR layer API only, then reads it back.

Usage: python3 layer_push.py <endpoint_url> <repository>; credentials come from AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY. The layer goes up in parts of 5 MiB, 6 MiB and a short last one; the config in one part.
The manifest goes up with PutImage, so nothing of the push touches /v2/. The manifest and every blob are then pulled
over /v2/ with a registry token (GetAuthorizationToken) and through GetDownloadUrlForLayer, and their digests
checked. Prints a JSON summary.
"""
import base64
import hashlib
import json
import os
import sys
import urllib.request

import boto3

MIB = 1024 * 1024


def digest_of(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def upload(ecr, repository, data, part_sizes):
    upload_id = ecr.initiate_layer_upload(repositoryName=repository)["uploadId"]
    first = 0
    last_bytes = []
    for size in part_sizes:
        part = data[first:first + size]
        response = ecr.upload_layer_part(
            repositoryName=repository, uploadId=upload_id, partFirstByte=first,
            partLastByte=first + len(part) - 1, layerPartBlob=part)
        last_bytes.append(response["lastByteReceived"])
        first += len(part)
    assert first == len(data), "parts must cover the data"
    completed = ecr.complete_layer_upload(repositoryName=repository, uploadId=upload_id, layerDigests=[digest_of(data)])
    return completed["layerDigest"], last_bytes


def main():
    endpoint, repository = sys.argv[1], sys.argv[2]
    ecr = boto3.client("ecr", endpoint_url=endpoint, region_name="us-east-1")
    ecr.create_repository(repositoryName=repository)

    layer = os.urandom(11 * MIB + 12345)
    config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}}).encode()
    layer_digest, last_bytes = upload(ecr, repository, layer, [5 * MIB, 6 * MIB, 12345])
    config_digest, _ = upload(ecr, repository, config, [len(config)])

    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer_digest, "size": len(layer)}],
    }).encode()

    put = ecr.put_image(repositoryName=repository, imageManifest=manifest.decode(), imageTag="v1",
                        imageManifestMediaType="application/vnd.oci.image.manifest.v1+json")
    manifest_digest = put["image"]["imageId"]["imageDigest"]

    token = ecr.get_authorization_token()["authorizationData"][0]["authorizationToken"]
    headers = {"Authorization": "Basic " + token}
    request = urllib.request.Request(
        f"{endpoint}/v2/{repository}/manifests/v1",
        headers={**headers, "Accept": "application/vnd.oci.image.manifest.v1+json"})
    with urllib.request.urlopen(request) as response:
        manifest_status = response.status
        pulled_manifest = response.read()

    pulled = {}
    for digest in (layer_digest, config_digest):
        with urllib.request.urlopen(urllib.request.Request(f"{endpoint}/v2/{repository}/blobs/{digest}", headers=headers)) as response:
            pulled[digest] = digest_of(response.read())

    downloaded = {}
    for digest in (layer_digest, config_digest):
        url = ecr.get_download_url_for_layer(repositoryName=repository, layerDigest=digest)["downloadUrl"]
        with urllib.request.urlopen(url) as response:
            downloaded[digest] = digest_of(response.read())

    availability = ecr.batch_check_layer_availability(repositoryName=repository, layerDigests=[layer_digest, config_digest])
    print(json.dumps({
        "layerDigest": layer_digest,
        "expectedLayerDigest": digest_of(layer),
        "configDigest": config_digest,
        "expectedConfigDigest": digest_of(config),
        "lastBytes": last_bytes,
        "manifestStatus": manifest_status,
        "manifestDigest": manifest_digest,
        "expectedManifestDigest": digest_of(manifest),
        "pulledManifestDigest": digest_of(pulled_manifest),
        "pulled": pulled,
        "downloaded": downloaded,
        "available": [(l["layerDigest"], l["layerAvailability"], l["layerSize"]) for l in availability["layers"]],
        "failures": availability["failures"],
    }))


if __name__ == "__main__":
    main()
