"""A boto3 SQS client (query protocol) driven one call at a time over stdin/stdout.

Run by boto3-session.ts with /usr/bin/python3. Each input line is JSON
{"op": "receive_message", "kw": {...}}; each output line answers it, in order:
{"ok": <response without ResponseMetadata>} or {"error": {"Code", "Message", "Status"}}.
The test drives the scenario (and the server's clock) between calls.
"""
import base64
import json
import os
import sys

import boto3
from botocore.exceptions import ClientError

sqs = boto3.client("sqs", endpoint_url=os.environ["SLUICE_URL"])


def plain(value):
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError(type(value).__name__)


for line in sys.stdin:
    request = json.loads(line)
    try:
        response = getattr(sqs, request["op"])(**request["kw"])
        response.pop("ResponseMetadata", None)
        answer = {"ok": response}
    except ClientError as e:
        r = e.response
        answer = {"error": {"Code": r["Error"].get("Code"), "Message": r["Error"].get("Message"),
                            "Status": r["ResponseMetadata"]["HTTPStatusCode"]}}
    print(json.dumps(answer, default=plain), flush=True)
