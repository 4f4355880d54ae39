/** What the AWS SDKs and CLIs read from the environment, shared by the kinds that speak AWS APIs. */

export const REGION = "us-east-1";

/**
 * Credentials and region under the SDKs' standard names. Both region names: the JS SDK and the
 * CLI v2 read AWS_REGION, boto3 and the CLI v1 read AWS_DEFAULT_REGION. Path-style addressing,
 * because `<bucket>.<service>` does not resolve in a cluster or on 127.0.0.1; the SDKs have no
 * standard variable for it, so apps read this one (as the examples do).
 */
export function awsClientEnv(accessKey: string, secretKey: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: accessKey,
    AWS_SECRET_ACCESS_KEY: secretKey,
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_S3_FORCE_PATH_STYLE: "true",
  };
}

export interface AwsEndpoint {
  endpoint: string;
  accessKey: string;
  secretKey: string;
}

/**
 * The SDK warns on Node 20 that releases after January 2027 will need Node 22; the versions the
 * lock file pins support Node 20, and the warning would land in the middle of `up`'s output.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const clientConfig = (e: AwsEndpoint) => ({
  endpoint: e.endpoint,
  region: REGION,
  credentials: { accessKeyId: e.accessKey, secretAccessKey: e.secretKey },
  maxAttempts: 1,
});

/**
 * Lists the buckets with the credentials (a signed round trip: the server checks them) and
 * creates those missing; what ready means for S3 storage.
 */
export async function ensureBuckets(e: AwsEndpoint, buckets: readonly string[]): Promise<void> {
  const { S3Client, ListBucketsCommand, CreateBucketCommand } = await import("@aws-sdk/client-s3");
  const s3 = new S3Client({ ...clientConfig(e), forcePathStyle: true });
  try {
    const listed = await s3.send(new ListBucketsCommand({}), {
      abortSignal: AbortSignal.timeout(3000),
    });
    const have = new Set((listed.Buckets ?? []).map((b) => b.Name));
    for (const bucket of buckets.filter((b) => !have.has(b)))
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    s3.destroy();
  }
}

export async function ensureQueues(e: AwsEndpoint, queues: readonly string[]): Promise<void> {
  const { SQSClient, ListQueuesCommand, CreateQueueCommand } = await import("@aws-sdk/client-sqs");
  const sqs = new SQSClient(clientConfig(e));
  try {
    await sqs.send(new ListQueuesCommand({}), { abortSignal: AbortSignal.timeout(3000) });
    // CreateQueue is idempotent for the same name and attributes.
    for (const queue of queues)
      await sqs.send(
        new CreateQueueCommand({
          QueueName: queue,
          ...(queue.endsWith(".fifo") ? { Attributes: { FifoQueue: "true" } } : {}),
        }),
      );
  } finally {
    sqs.destroy();
  }
}

export async function ensureTables(e: AwsEndpoint, tables: readonly string[]): Promise<void> {
  const { DynamoDBClient, ListTablesCommand, CreateTableCommand } =
    await import("@aws-sdk/client-dynamodb");
  const dynamo = new DynamoDBClient(clientConfig(e));
  try {
    const listed = await dynamo.send(new ListTablesCommand({}), {
      abortSignal: AbortSignal.timeout(3000),
    });
    const have = new Set(listed.TableNames ?? []);
    for (const table of tables.filter((t) => !have.has(t)))
      await dynamo.send(
        new CreateTableCommand({
          TableName: table,
          AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
          BillingMode: "PAY_PER_REQUEST",
        }),
      );
  } finally {
    dynamo.destroy();
  }
}
