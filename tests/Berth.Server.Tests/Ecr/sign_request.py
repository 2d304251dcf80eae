"""Signs one ECR JSON request with botocore's SigV4 at a chosen time, for protocol tests of the verifier's edges.

usage: sign_request.py URL TARGET BODY ACCESS_KEY SECRET REGION OFFSET_SECONDS [SERVICE] [base64] [unsigned-target]
SERVICE is the signing name (ecr unless given); "base64" says BODY is base64, for bodies that are not UTF-8.
prints the headers to send, one "Name: value" per line. With "unsigned-target" the request is signed without its
X-Amz-Target header, which is printed after the signed ones (a captured request replayed as another operation).
"""
import base64
import datetime
import sys
from unittest import mock

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

url, target, body, key, secret, region, offset = sys.argv[1:8]
flags = sys.argv[8:]
unsigned_target = "unsigned-target" in flags
services = [f for f in flags if f not in ("unsigned-target", "base64")]
service = services[0] if services else "ecr"
data = base64.b64decode(body) if "base64" in flags else body.encode()
when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=int(offset))
request = AWSRequest(method="POST", url=url, data=data, headers={
    "Content-Type": "application/x-amz-json-1.1",
})
if not unsigned_target:
    request.headers["X-Amz-Target"] = target
with mock.patch("botocore.auth.get_current_datetime", return_value=when.replace(tzinfo=None)):
    SigV4Auth(Credentials(key, secret), service, region).add_auth(request)
for name, value in request.headers.items():
    print(f"{name}: {value}")
if unsigned_target:
    print(f"X-Amz-Target: {target}")
