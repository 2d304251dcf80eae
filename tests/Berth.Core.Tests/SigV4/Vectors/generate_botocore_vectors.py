#!/usr/bin/env python3
"""Regenerates botocore-vectors.json: requests signed by botocore exactly as the aws CLI signs them.

Run from this directory:  python3 generate_botocore_vectors.py > botocore-vectors.json
The tests read only the JSON; this script is kept so the vectors can be rebuilt or extended.
The clock and the credentials are fixed, so the output is deterministic for a given botocore version.
"""
import datetime
import hashlib
import json
import logging
import sys
import uuid

import botocore
import botocore.auth
import botocore.session
from botocore.awsrequest import AWSRequest, AWSResponse
from botocore.credentials import Credentials

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQExampleToken+/="
NOW = datetime.datetime(2015, 8, 30, 12, 36, 0, tzinfo=datetime.timezone.utc)

botocore.auth.get_current_datetime = lambda: NOW
# amz-sdk-invocation-id is random per call; pin it so regenerating gives the same file.
uuid.uuid4 = lambda: uuid.UUID(int=0)


class _Capture(logging.Handler):
    """botocore logs the canonical request and the string to sign at DEBUG; keep the last of each."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.canonical_request = None
        self.string_to_sign = None

    def emit(self, record):
        if record.msg.startswith("CanonicalRequest:"):
            self.canonical_request = record.args[0] if isinstance(record.args, tuple) else record.args
        elif record.msg.startswith("StringToSign:"):
            self.string_to_sign = record.args[0] if isinstance(record.args, tuple) else record.args


CAPTURE = _Capture()
_auth_logger = logging.getLogger("botocore.auth")
_auth_logger.setLevel(logging.DEBUG)
_auth_logger.addHandler(CAPTURE)


def _split_url(url):
    rest = url.split("://", 1)[1]
    path_and_query = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    path, _, query = path_and_query.partition("?")
    return path, query


def _vector(name, description, service, region, method, url, headers, body, path_style, token):
    body_bytes = body if isinstance(body, bytes) else (body or "").encode("utf-8")
    path, query = _split_url(url)
    signature = None
    for header_name, value in headers:
        if header_name.lower() == "authorization":
            signature = value.rsplit("Signature=", 1)[1]
    if signature is None and "X-Amz-Signature=" in query:
        signature = query.split("X-Amz-Signature=", 1)[1].split("&", 1)[0]
    return {
        "name": name,
        "description": description,
        "service": service,
        "region": region,
        "accessKeyId": ACCESS_KEY,
        "secretAccessKey": SECRET_KEY,
        "sessionToken": token,
        "timestamp": NOW.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "pathStyle": path_style,
        "method": method,
        "path": path,
        "query": query,
        "headers": [[k, v] for k, v in headers],
        "body": body_bytes.decode("utf-8"),
        "payloadSha256": hashlib.sha256(body_bytes).hexdigest(),
        "canonicalRequest": CAPTURE.canonical_request,
        "stringToSign": CAPTURE.string_to_sign,
        "signature": signature,
    }


def client_call(name, description, operation, params, token=None, service="ecr", region="us-east-1"):
    """Calls the operation through a real botocore client (what the aws CLI runs) and captures the wire request."""
    session = botocore.session.get_session()
    session.set_credentials(ACCESS_KEY, SECRET_KEY, token)
    client = session.create_client(service, region_name=region)
    captured = {}

    def before_send(request, **kwargs):
        captured["request"] = request
        return AWSResponse(request.url, 200, {}, _Raw(b"{}"))

    client.meta.events.register("before-send", before_send)
    try:
        getattr(client, operation)(**params)
    except Exception:  # noqa: BLE001
        pass  # the fake response does not parse for every protocol; the request is already captured
    request = captured["request"]
    host = request.url.split("://", 1)[1].split("/", 1)[0]
    headers = [("Host", host)] + [(k, v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()]
    return _vector(name, description, service, region, request.method, request.url, headers, request.body,
                   "Standard", token)


class _Raw:
    def __init__(self, data):
        self._data = data

    def stream(self, **kwargs):
        yield self._data


def signed_request(name, description, signer_class, service, method, url, headers, body=b"", token=None,
                   path_style="Standard", **signer_args):
    """Signs a hand-built AWSRequest with the given botocore signer (SigV4Auth, S3SigV4Auth, SigV4QueryAuth)."""
    request = AWSRequest(method=method, url=url, headers=dict(headers), data=body)
    signer = signer_class(Credentials(ACCESS_KEY, SECRET_KEY, token), service, "us-east-1", **signer_args)
    signer.add_auth(request)
    prepared = request.prepare()
    host = prepared.url.split("://", 1)[1].split("/", 1)[0]
    wire_headers = [("Host", host)] + [(k, v) for k, v in prepared.headers.items()]
    return _vector(name, description, service, "us-east-1", method, prepared.url, wire_headers, body,
                   path_style, token)


def main():
    vectors = [
        client_call("ecr-get-authorization-token",
                    "aws ecr get-authorization-token: JSON 1.1 POST / with X-Amz-Target",
                    "get_authorization_token", {}),
        client_call("ecr-describe-repositories-session-token",
                    "aws ecr describe-repositories with temporary credentials (x-amz-security-token is signed)",
                    "describe_repositories", {"repositoryNames": ["team/app"]}, token=SESSION_TOKEN),
        client_call("ecr-put-image-unicode-body",
                    "aws ecr put-image with a manifest whose JSON body holds non-ASCII text",
                    "put_image", {"repositoryName": "app", "imageTag": "v1",
                                  "imageManifest": "{\"annotations\":{\"title\":\"caf\u00e9 \u1234\"}}"}),
        client_call("ecr-eu-west-1",
                    "aws ecr list-images in another region",
                    "list_images", {"repositoryName": "app"}, region="eu-west-1"),
        client_call("sts-get-caller-identity",
                    "aws sts get-caller-identity: query protocol, form-encoded body",
                    "get_caller_identity", {}, service="sts"),
        signed_request("execute-api-encoded-path-and-query",
                       "Non-S3 service: the wire path is already percent-encoded, so each segment is encoded again",
                       botocore.auth.SigV4Auth, "execute-api", "GET",
                       "https://abc.execute-api.us-east-1.amazonaws.com/prod/caf%C3%A9/a%20b/./x/../y"
                       "?z=1&b=%2F&a=2&a=1&empty=&%E1%88%B4=%20",
                       [("X-Custom", "  a   b  "), ("Content-Type", "text/plain")]),
        signed_request("s3-key-with-space-and-dots",
                       "S3: no normalization, no double encoding; UNSIGNED-PAYLOAD style content hash header",
                       botocore.auth.S3SigV4Auth, "s3", "PUT",
                       "https://bucket.s3.amazonaws.com/dir/./my%20file%2Bv1.txt",
                       [("Content-Type", "text/plain")], body=b"hello", path_style="S3"),
        signed_request("ecr-presigned-query",
                       "Presigned (query-string) SigV4 for a non-S3 service",
                       botocore.auth.SigV4QueryAuth, "ecr", "GET",
                       "https://api.ecr.us-east-1.amazonaws.com/?Action=Ping&Version=2015-09-21",
                       [], expires=300),
        signed_request("ecr-presigned-query-session-token",
                       "Presigned (query-string) SigV4 with X-Amz-Security-Token",
                       botocore.auth.SigV4QueryAuth, "ecr", "GET",
                       "https://api.ecr.us-east-1.amazonaws.com/",
                       [], token=SESSION_TOKEN, expires=900),
    ]
    json.dump({"botocore": botocore.__version__, "vectors": vectors}, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
