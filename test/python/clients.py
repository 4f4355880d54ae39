"""Each kind's main Python driver, configured only from the environment parity hands out.

`python3 clients.py <kind>` does one real round trip and prints what it read back as JSON.
"""
import json
import os
import sys
import uuid

env = os.environ


def kafka():
    from kafka import KafkaConsumer, KafkaProducer

    auth = dict(
        bootstrap_servers=env["KAFKA_BOOTSTRAP_SERVERS"].split(","),
        security_protocol=env["KAFKA_SECURITY_PROTOCOL"],
        sasl_mechanism=env["KAFKA_SASL_MECHANISM"],
        sasl_plain_username=env["KAFKA_SASL_USERNAME"],
        sasl_plain_password=env["KAFKA_SASL_PASSWORD"],
    )
    token = f"python-{uuid.uuid4()}".encode()
    producer = KafkaProducer(acks="all", **auth)
    producer.send("orders", token).get(timeout=20)
    producer.close()
    consumer = KafkaConsumer(
        "orders", group_id=f"py-{uuid.uuid4()}", auto_offset_reset="earliest",
        consumer_timeout_ms=15000, **auth,
    )
    found = any(m.value == token for m in consumer)  # stops at the token, or at the timeout
    consumer.close()
    return {"found": found}


def aws():
    import boto3
    from botocore.config import Config

    # Path style, as AWS_S3_FORCE_PATH_STYLE says; boto3 reads the endpoint, keys and region itself.
    style = "path" if env.get("AWS_S3_FORCE_PATH_STYLE") == "true" else "auto"
    s3 = boto3.client("s3", config=Config(s3={"addressing_style": style}))
    bucket = sys.argv[2]
    s3.put_object(Bucket=bucket, Key="python.txt", Body=b"from boto3")
    body = s3.get_object(Bucket=bucket, Key="python.txt")["Body"].read().decode()
    out = {"s3": body}
    if len(sys.argv) > 3:
        sqs = boto3.client("sqs")
        url = sqs.get_queue_url(QueueName=sys.argv[3])["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="from boto3")
        got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2, MaxNumberOfMessages=10)
        out["sqs"] = [m["Body"] for m in got.get("Messages", [])]
        table = boto3.resource("dynamodb").Table(sys.argv[4])
        table.put_item(Item={"id": "python"})
        out["dynamodb"] = table.get_item(Key={"id": "python"})["Item"]["id"]
    return out


def postgres():
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        return {"version": conn.execute("show server_version").fetchone()[0]}


def redis():
    import redis as client

    return {"ping": client.Redis.from_url(env["REDIS_URL"]).ping()}


def rabbitmq():
    import pika

    connection = pika.BlockingConnection(pika.URLParameters(env["AMQP_URL"]))
    channel = connection.channel()
    queue = channel.queue_declare(queue="", exclusive=True).method.queue
    channel.basic_publish(exchange="", routing_key=queue, body=b"from pika")
    _, _, body = next(channel.consume(queue, inactivity_timeout=5))
    connection.close()
    return {"body": body.decode()}


print(json.dumps(globals()[sys.argv[1]]()))
