"""Signs one AWS Query-protocol request (IAM, STS) with botocore's SigV4 at a chosen time.

usage: sign_query.py URL SERVICE REGION BODY ACCESS_KEY SECRET SESSION_TOKEN OFFSET_SECONDS
SESSION_TOKEN may be "-" for none. Prints the headers to send, one "Name: value" per line.
"""
import datetime
import sys
from unittest import mock

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

url, service, region, body, key, secret, token, offset = sys.argv[1:9]
when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=int(offset))
request = AWSRequest(method="POST", url=url, data=body.encode(), headers={
    "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
})
with mock.patch("botocore.auth.get_current_datetime", return_value=when.replace(tzinfo=None)):
    SigV4Auth(Credentials(key, secret, None if token == "-" else token), service, region).add_auth(request)
for name, value in request.headers.items():
    print(f"{name}: {value}")
