/**
 * Everything the service reads, from the variables parity hands it: each ecosystem's standard
 * names, so the same code runs against a managed Kafka, real S3 and the real AWS services.
 */
function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run the service with \`parity up\` or \`parity env\``);
  return value;
}

export const config = {
  port: Number(process.env.PORT ?? 8080),

  host: process.env.HOST ?? "127.0.0.1",
  kafka: {
    brokers: required("KAFKA_BOOTSTRAP_SERVERS").split(","),
    ssl: process.env.KAFKA_SECURITY_PROTOCOL === "SASL_SSL",
    sasl: process.env.KAFKA_SASL_MECHANISM
      ? {
          mechanism: process.env.KAFKA_SASL_MECHANISM.toLowerCase() as "plain",
          username: required("KAFKA_SASL_USERNAME"),
          password: required("KAFKA_SASL_PASSWORD"),
        }
      : undefined,
  },
  // The AWS SDK reads AWS_ENDPOINT_URL(_S3), the keys and the region by itself; S3-compatible
  // storage needs path-style addressing, which no standard variable sets.
  forcePathStyle: process.env.AWS_S3_FORCE_PATH_STYLE === "true",
  bucket: process.env.RECEIPTS_BUCKET ?? "receipts",
  queue: process.env.RECEIPTS_QUEUE ?? "receipt-jobs",
  table: process.env.RECEIPTS_TABLE ?? "receipts",
};
