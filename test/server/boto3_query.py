"""Drives sluice with Debian's boto3 1.26 (query protocol) and prints what it saw as JSON.

Run by boto3.test.ts with /usr/bin/python3; the assertions live there. Every call
goes through botocore's own query serialiser and XML parser, MD5 checks included.
"""
import json
import os
import sys

import boto3
from botocore.exceptions import ClientError

sqs = boto3.client("sqs", endpoint_url=os.environ["SLUICE_URL"])
out = {"protocol": sqs.meta.service_model.protocol}


def error(fn, **kw):
    try:
        fn(**kw)
    except ClientError as e:
        r = e.response
        return {"Error": r["Error"], "Status": r["ResponseMetadata"]["HTTPStatusCode"],
                "RequestId": r["ResponseMetadata"].get("RequestId")}
    return None


url = sqs.create_queue(QueueName="boto-q", Attributes={"VisibilityTimeout": "40"}, tags={"team": "a"})["QueueUrl"]
out["url"] = url
out["get_url"] = sqs.get_queue_url(QueueName="boto-q")["QueueUrl"]
out["list"] = sqs.list_queues(QueueNamePrefix="boto-")["QueueUrls"]
sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "0", "Policy": ""})
out["attrs"] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
sqs.tag_queue(QueueUrl=url, Tags={"env": "test"})
sqs.untag_queue(QueueUrl=url, TagKeys=["team"])
out["tags"] = sqs.list_queue_tags(QueueUrl=url)["Tags"]
sqs.add_permission(QueueUrl=url, Label="p", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
sqs.remove_permission(QueueUrl=url, Label="p")

body = "h\u00e9llo\r\n<&> \U0001F600"
sent = sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes={
    "s": {"DataType": "String", "StringValue": "v<&>"},
    "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xfe\xff"},
}, MessageSystemAttributes={"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793"}})
batch = sqs.send_message_batch(QueueUrl=url, Entries=[
    {"Id": "a", "MessageBody": "one"},
    {"Id": "b", "MessageBody": "two", "DelaySeconds": 0},
    {"Id": "bad", "MessageBody": "x\u0001"},
])
out["batch"] = {"Successful": sorted(e["Id"] for e in batch["Successful"]), "Failed": batch.get("Failed", [])}
got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"],
                          MessageAttributeNames=["All"])["Messages"]
first = next(m for m in got if m["MessageId"] == sent["MessageId"])
out["received"] = {"count": len(got), "body_ok": first["Body"] == body,
                   "binary_ok": first["MessageAttributes"]["b"]["BinaryValue"] == b"\x00\x01\xfe\xff",
                   "string_attr": first["MessageAttributes"]["s"]["StringValue"],
                   "trace": first["Attributes"].get("AWSTraceHeader"),
                   "md5_ok": first["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]}
m1, m2, m3 = got[0], got[1], got[2]
sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m1["ReceiptHandle"], VisibilityTimeout=60)
cv = sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
    {"Id": "x", "ReceiptHandle": m2["ReceiptHandle"], "VisibilityTimeout": 60},
    {"Id": "y", "ReceiptHandle": "garbage", "VisibilityTimeout": 60}])
out["cv"] = {"Successful": [e["Id"] for e in cv["Successful"]], "Failed": [e["Code"] for e in cv.get("Failed", [])]}
sqs.delete_message(QueueUrl=url, ReceiptHandle=m1["ReceiptHandle"])
dm = sqs.delete_message_batch(QueueUrl=url, Entries=[
    {"Id": "p", "ReceiptHandle": m2["ReceiptHandle"]}, {"Id": "q", "ReceiptHandle": m3["ReceiptHandle"]}])
out["dm"] = sorted(e["Id"] for e in dm["Successful"])

dlq = sqs.create_queue(QueueName="boto-dlq")["QueueUrl"]
sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": json.dumps(
    {"deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:boto-dlq", "maxReceiveCount": 2})})
out["dlq_sources"] = sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"]

out["errors"] = {
    "too_many": error(sqs.send_message_batch, QueueUrl=url,
                      Entries=[{"Id": f"e{i}", "MessageBody": "x"} for i in range(20)]),
    "bad_id": error(sqs.delete_message_batch, QueueUrl=url, Entries=[{"Id": "invalid:id", "ReceiptHandle": "r"}]),
    "max_messages": error(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=11),
    "no_queue": error(sqs.get_queue_url, QueueName="boto-nope"),
}
sqs.purge_queue(QueueUrl=url)
out["errors"]["purge"] = error(sqs.purge_queue, QueueUrl=url)
sqs.delete_queue(QueueUrl=dlq)
out["after_delete"] = sqs.list_queues(QueueNamePrefix="boto-").get("QueueUrls", [])
json.dump(out, sys.stdout)
