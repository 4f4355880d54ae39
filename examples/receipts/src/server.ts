import { createServer, type IncomingMessage } from "node:http";
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { Kafka, logLevel } from "kafkajs";
import { config } from "./config.js";

const kafka = new Kafka({
  clientId: "receipts",
  brokers: config.kafka.brokers,
  ssl: config.kafka.ssl,
  ...(config.kafka.sasl ? { sasl: config.kafka.sasl } : {}),
  logLevel: logLevel.WARN,
});
const producer = kafka.producer();
await producer.connect();
const s3 = new S3Client({ forcePathStyle: config.forcePathStyle });
const sqs = new SQSClient({});
const dynamo = new DynamoDBClient({});
const queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: config.queue }))).QueueUrl!;

type Reply = [number, unknown];

/** POST /receipts?id=… records an order everywhere; GET /receipts?id=… reads it back. */
async function handle(req: IncomingMessage): Promise<Reply> {
  const url = new URL(req.url ?? "/", "http://receipts");
  if (url.pathname === "/readyz") return [200, { ready: true }];
  const id = url.searchParams.get("id");
  if (url.pathname !== "/receipts" || !id) return [404, { error: "not found" }];
  if (req.method === "POST") {
    await producer.send({ topic: "orders", messages: [{ key: id, value: id }] });
    await s3.send(
      new PutObjectCommand({ Bucket: config.bucket, Key: `${id}.txt`, Body: `receipt ${id}` }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: id }));
    await dynamo.send(new PutItemCommand({ TableName: config.table, Item: { id: { S: id } } }));
    return [201, { id }];
  }
  const object = await s3.send(new GetObjectCommand({ Bucket: config.bucket, Key: `${id}.txt` }));
  const row = await dynamo.send(
    new GetItemCommand({ TableName: config.table, Key: { id: { S: id } } }),
  );
  const jobs = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }),
  );
  return [
    200,
    {
      receipt: await object.Body!.transformToString(),
      row: row.Item?.id?.S ?? null,
      job: jobs.Messages?.[0]?.Body ?? null,
    },
  ];
}

const server = createServer((req, res) => {
  handle(req).then(
    ([status, body]) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body)),
    (error: unknown) => res.writeHead(500).end(JSON.stringify({ error: String(error) })),
  );
});
server.listen(config.port, config.host);
const stop = () => server.close(() => void producer.disconnect().then(() => process.exit(0)));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
