"""Signs one ECR JSON request with botocore's SigV4 at a chosen time, for protocol tests of the verifier's edges.

usage: sign_request.py URL TARGET BODY ACCESS_KEY SECRET REGION OFFSET_SECONDS [SERVICE [base64]]
SERVICE is the signing name (ecr unless given); "base64" says BODY is base64, for bodies that are not UTF-8.
prints the headers to send, one "Name: value" per line.
"""
import base64
import datetime
import sys
from unittest import mock

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

url, target, body, key, secret, region, offset = sys.argv[1:8]
service = sys.argv[8] if len(sys.argv) > 8 else "ecr"
data = base64.b64decode(body) if len(sys.argv) > 9 and sys.argv[9] == "base64" else body.encode()
when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=int(offset))
request = AWSRequest(method="POST", url=url, data=data, headers={
    "Content-Type": "application/x-amz-json-1.1",
    "X-Amz-Target": target,
})
with mock.patch("botocore.auth.get_current_datetime", return_value=when.replace(tzinfo=None)):
    SigV4Auth(Credentials(key, secret), service, region).add_auth(request)
for name, value in request.headers.items():
    print(f"{name}: {value}")
