import { z } from "zod";

/** RFC 1123 label: what Kubernetes accepts as a Service, Deployment or namespace name. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const dnsLabel = z
  .string()
  .max(63, "must be at most 63 characters (a DNS-1123 label)")
  .regex(
    DNS1123_LABEL,
    "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit",
  );

/** RFC 1035 label: Service names must also start with a letter. */
export const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const serviceLikeName = (max: number, why: string) =>
  z
    .string()
    .max(max, why)
    .regex(
      DNS1035_LABEL,
      "must be a DNS-1035 label (it names a Kubernetes Service): lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
    );

/** `<service>-credentials` and `wait-for-<service>` must stay within 63 characters. */
const serviceName = serviceLikeName(
  51,
  "at most 51 characters: parity derives <name>-credentials from it",
);
const appName = serviceLikeName(63, "at most 63 characters");

const port = z.number().int().min(1).max(65535);

/** A host port to forward, or `false` for none. */
const forward = z.union([port, z.literal(false)]);

/** A version is a string; a YAML number is accepted when it cannot have lost digits (`17`, not `18.10`). */
const version = z.union([
  z.string().regex(/^[0-9A-Za-z][0-9A-Za-z._-]*$/, 'must be an image tag such as "17" or "17.7"'),
  z
    .number()
    .int('write a version with a dot as a string ("18.10"): YAML reads 18.10 as the number 18.1')
    .nonnegative()
    .transform(String),
]);

/** Kubernetes resource quantity, e.g. `1Gi`, `500Mi`. */
const quantity = z
  .string()
  .regex(
    /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?$/,
    "must be a Kubernetes quantity such as 1Gi or 500Mi",
  );

const command = z.union([z.string().min(1), z.array(z.string()).min(1)]);

const envMap = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name"),
  z.union([z.string(), z.number(), z.boolean()]).transform(String),
);

const resources = z.strictObject({
  cpu: z.string().optional().describe("CPU request, e.g. 100m"),
  memory: quantity.optional().describe("memory request, e.g. 256Mi"),
  memoryLimit: quantity.optional().describe("memory limit, e.g. 1Gi"),
});

/** How to run a job or app on the local target, where there is no image. */
const local = z.strictObject({
  command: command.optional().describe("command run on the local target instead of `command`"),
  dir: z
    .string()
    .optional()
    .describe("working directory, relative to parity.yaml (default: its directory)"),
});

const nameList = z.array(dnsLabel).default([]);

/**
 * A third-party chart in place of parity's manifests for a service: a chart directory, an
 * `oci://` reference, or a chart of a repository (`repo` + its name).
 */
const serviceChart = z.strictObject({
  chart: z
    .string()
    .min(1)
    .describe(
      "a chart directory (relative to parity.yaml), an oci:// reference, or the chart's name in `repo`",
    ),
  repo: z
    .string()
    .regex(/^https?:\/\//, "must be the chart repository's http(s) URL")
    .optional()
    .describe("the chart repository (helm repo add), for a chart given by name"),
  version: z.string().optional().describe("the chart's version (--version)"),
  values: z.array(z.string()).default([]).describe("values files, relative to parity.yaml"),
  set: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String))
    .default({})
    .describe("--set overrides: hand it parity's Secret here (<name>-credentials, key password)"),
  service: z
    .string()
    .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, "must be the name of a Kubernetes Service")
    .optional()
    .describe("the Service the chart makes that clients connect to (default: the service's name)"),
});

/** Kafka's own rule for topic names. */
const kafkaTopic = z
  .string()
  .max(249)
  .regex(/^[A-Za-z0-9._-]+$/, "must be a Kafka topic name: letters, digits, '.', '_' and '-'");

/** S3's rules for a bucket name that works with path- and virtual-host-style addressing. */
const bucketName = z
  .string()
  .min(3, "must be 3 to 63 characters (an S3 bucket name)")
  .max(63, "must be 3 to 63 characters (an S3 bucket name)")
  .regex(
    /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
    "must be an S3 bucket name: lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
  );

const queueName = z
  .string()
  .max(80)
  .regex(
    /^[A-Za-z0-9_-]+(\.fifo)?$/,
    "must be an SQS queue name: letters, digits, '-' and '_' (and .fifo at the end)",
  );

const tableName = z
  .string()
  .min(3)
  .max(255)
  .regex(/^[A-Za-z0-9_.-]+$/, "must be a DynamoDB table name: letters, digits, '_', '-' and '.'");

/** The managed AWS services the localstack kind emulates on both targets. */
export const AWS_SERVICES = ["s3", "sqs", "dynamodb", "sns", "secretsmanager", "ssm"] as const;

/** Options shared by every kind; the catalog says which ones a kind accepts. */
export const serviceSchema = z.strictObject({
  kind: z
    .string()
    .optional()
    .describe("catalog kind; defaults to the service's name (postgres, redis, rabbitmq)"),
  version: version.optional().describe("image tag; defaults to the catalog's pinned tag"),
  image: z
    .string()
    .optional()
    .describe("image repository override (the official image by default)"),
  database: dnsLabel.optional().describe("postgres: database name (default: the stack name)"),
  user: dnsLabel.optional().describe("postgres, rabbitmq: user name (default: the stack name)"),
  vhost: z.string().optional().describe("rabbitmq: virtual host (default: /)"),
  management: z
    .union([z.boolean(), port])
    .optional()
    .describe("rabbitmq: run the management UI (15672), forwarded to 15672 or to the port given"),
  topics: z
    .array(kafkaTopic)
    .optional()
    .describe("kafka: topics created at start (one partition each)"),
  buckets: z.array(bucketName).optional().describe("s3, localstack: buckets created at start"),
  queues: z.array(queueName).optional().describe("localstack: SQS queues created at start"),
  tables: z
    .array(tableName)
    .optional()
    .describe("localstack: DynamoDB tables created at start, keyed by a string attribute `id`"),
  emulate: z
    .array(z.enum(AWS_SERVICES))
    .min(1)
    .optional()
    .describe(
      "localstack: the AWS services to emulate (default: those the resources need, else s3)",
    ),
  variables: z
    .array(
      z
        .string()
        .regex(
          /^[A-Z_][A-Z0-9_]*$/,
          "must be an environment variable name in capitals (PAYMENTS_URL)",
        ),
    )
    .min(1)
    .optional()
    .describe(
      "external: the variables it hands out, read from the developer's environment or .parity/external.env, never from the spec",
    ),
  check: z
    .string()
    .optional()
    .describe(
      "external: the variable whose URL is checked before dependents start (HTTP answers, or a TCP connect)",
    ),
  chart: serviceChart
    .optional()
    .describe("a third-party Helm chart that runs it in a cluster instead of parity's manifests"),
  persistent: z.boolean().default(true).describe("keep data on a persistent volume"),
  storage: quantity.default("1Gi").describe("size of the persistent volume"),
  forward: forward
    .optional()
    .describe("host port to forward to the service (default: its own port); false for none"),
  env: envMap.default({}).describe("extra environment for the server"),
  resources: resources.optional(),
});

export const jobSchema = z.strictObject({
  command: command.describe("command the job runs (a string runs through sh -c)"),
  image: z
    .string()
    .optional()
    .describe("image to run; default: the image of the app the job belongs to"),
  app: dnsLabel
    .optional()
    .describe("app whose image and build the job uses (default: the first app)"),
  uses: nameList.describe("services whose connection env the job receives; it runs after them"),
  after: nameList.describe("resources that must be ready (jobs: completed) first"),
  dev: z
    .boolean()
    .default(false)
    .describe("development only (a seed): kept out of the staging manifests"),
  env: envMap.default({}),
  timeout: z.number().int().positive().default(600).describe("seconds before the job is failed"),
  schema: z
    .union([
      z.literal(false),
      z.strictObject({
        table: z
          .string()
          .regex(
            /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/,
            "must be a table name, optionally schema.table",
          )
          .optional()
          .describe(
            "the migration tool's history table (default: the first of the common tools' tables found)",
          ),
      }),
    ])
    .optional()
    .describe(
      "how the schema this job migrates is recognised, so apps wait for it; false: this job migrates nothing (default for a job that is not dev and uses a postgres service)",
    ),
  resources: resources.optional(),
  local: local.optional(),
});

const build = z.union([
  z.string().min(1),
  z.strictObject({
    context: z.string().default("."),
    dockerfile: z.string().optional(),
    target: z.string().optional(),
  }),
]);

const chart = z.union([
  z.string().min(1),
  z.strictObject({
    path: z.string().min(1).describe("chart directory, relative to parity.yaml"),
    values: z.array(z.string()).default([]).describe("values files, relative to parity.yaml"),
    set: envMapLike().default({}).describe("--set overrides"),
  }),
]);

function envMapLike() {
  return z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String));
}

export const appSchema = z.strictObject({
  image: z.string().optional().describe("image name (default: the app's name)"),
  build: build.optional().describe("docker build context, or {context, dockerfile, target}"),
  port: port.optional().describe("port the app listens on"),
  command: command.optional().describe("command to run instead of the image's"),
  readiness: z
    .string()
    .regex(/^\//, "must be an HTTP path starting with /")
    .optional()
    .describe("HTTP readiness path (default: /healthz when a port is set)"),
  replicas: z.number().int().min(0).default(1),
  env: envMap.default({}),
  uses: nameList.describe("services whose connection env the app receives; it starts after them"),
  after: nameList.describe("resources that must be ready first (the app also waits for every job)"),
  forward: forward
    .optional()
    .describe("host port forwarded to the app (default: its port); false for none"),
  chart: chart
    .optional()
    .describe("the app's own Helm chart; its objects replace the rendered Deployment"),
  resources: resources.optional(),
  local: local.optional(),
});

export const clusterSchema = z.strictObject({
  name: dnsLabel.optional().describe("cluster name (default: the stack name)"),
  storage: z
    .string()
    .default(".parity/storage")
    .describe("host directory that keeps volume data across cluster re-creation"),
  agents: z.number().int().min(0).max(9).default(0),
});

export const specSchema = z.strictObject({
  $schema: z.string().optional(),
  name: dnsLabel.describe("name of the stack (label app.kubernetes.io/part-of)"),
  namespace: dnsLabel.optional().describe("Kubernetes namespace (default: the stack name)"),
  services: z
    .record(
      serviceName,
      serviceSchema.nullable().transform((s) => s ?? serviceSchema.parse({})),
    )
    .default({}),
  jobs: z.record(dnsLabel, jobSchema).default({}),
  apps: z.record(appName, appSchema).default({}),
  cluster: clusterSchema.default(() => clusterSchema.parse({})),
});

/** The spec as written. */
export type SpecInput = z.input<typeof specSchema>;
/** The spec with every default applied. */
export type Spec = z.output<typeof specSchema>;
export type ServiceSpec = z.output<typeof serviceSchema>;
export type JobSpec = z.output<typeof jobSchema>;
export type AppSpec = z.output<typeof appSchema>;
export type ClusterSpec = z.output<typeof clusterSchema>;
export type Command = z.output<typeof command>;
export type ResourcesSpec = z.output<typeof resources>;
export type LocalSpec = z.output<typeof local>;
