#!/usr/bin/env python3
"""Prepares moto for the cold-start runs and reads back what the handlers sent.

  moto_fixtures.py seed  ENDPOINT CAPTURE_DIR   buckets and bundle from CAPTURE_DIR/seed.json; an SQS
                                                queue subscribed (EventBridge rule) to every
                                                com.amazon.smus.cicd event on the default bus
  moto_fixtures.py count ENDPOINT               drains the queue and prints the events per detail-type

Uses the same dummy credentials and region as the handlers (from the environment).
"""
import collections
import json
import os
import sys

import boto3

QUEUE = "smus-coldstart-events"
RULE = "smus-coldstart-all-events"


def client(service, endpoint):
    return boto3.client(service, endpoint_url=endpoint, region_name=os.environ.get("AWS_REGION", "us-east-1"))


def seed(endpoint, capture_dir):
    with open(os.path.join(capture_dir, "seed.json"), encoding="utf-8") as f:
        spec = json.load(f)
    s3 = client("s3", endpoint)
    for bucket in spec["buckets"]:
        s3.create_bucket(Bucket=bucket)
    bundle = spec["bundle"]
    with open(os.path.join(capture_dir, bundle["file"]), "rb") as f:
        s3.put_object(Bucket=bundle["bucket"], Key=bundle["key"], Body=f.read())
    sqs = client("sqs", endpoint)
    queue_url = sqs.create_queue(QueueName=QUEUE)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events = client("events", endpoint)
    events.put_rule(Name=RULE, EventPattern=json.dumps({"source": ["com.amazon.smus.cicd"]}), State="ENABLED")
    events.put_targets(Rule=RULE, Targets=[{"Id": "queue", "Arn": queue_arn}])
    print(f"seeded {len(spec['buckets'])} buckets, s3://{bundle['bucket']}/{bundle['key']}, rule {RULE} -> {QUEUE}")


def count(endpoint):
    sqs = client("sqs", endpoint)
    queue_url = sqs.get_queue_url(QueueName=QUEUE)["QueueUrl"]
    by_type = collections.Counter()
    while True:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if not messages:
            break
        for message in messages:
            by_type[json.loads(message["Body"])["detail-type"]] += 1
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    for detail_type, n in sorted(by_type.items()):
        print(f"  {n:4d}  {detail_type}")
    print(f"  {sum(by_type.values()):4d}  events delivered by EventBridge (moto) to the queue")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "seed":
        seed(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "count":
        count(sys.argv[2])
    else:
        sys.exit(__doc__)
