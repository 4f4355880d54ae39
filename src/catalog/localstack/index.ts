import { AWS_SERVICES } from "../../spec/schema.js";
import { awsClientEnv } from "../aws.js";
import { majorOf, type DependencyKind } from "../kind.js";
import { localstackLocal } from "./local.js";

const PORT = 4566;
const PROVISIONED = "/tmp/parity-provisioned";

type AwsService = (typeof AWS_SERVICES)[number];

/** The services to emulate: those named, and those the spec's resources need. */
export function emulated(service: {
  emulate?: readonly AwsService[] | undefined;
  buckets?: readonly string[] | undefined;
  queues?: readonly string[] | undefined;
  tables?: readonly string[] | undefined;
}): AwsService[] {
  const needed: AwsService[] = [
    ...(service.buckets?.length ? (["s3"] as const) : []),
    ...(service.queues?.length ? (["sqs"] as const) : []),
    ...(service.tables?.length ? (["dynamodb"] as const) : []),
  ];
  const all = new Set<AwsService>([...(service.emulate ?? []), ...needed]);
  return all.size ? AWS_SERVICES.filter((s) => all.has(s)) : ["s3"];
}

/** awslocal commands that create the spec's resources, each a no-op when it exists. */
function provisionScript(buckets: string[], queues: string[], tables: string[]): string[] {
  return [
    ...buckets.map(
      (b) =>
        `(awslocal s3api head-bucket --bucket ${b} 2>/dev/null || awslocal s3api create-bucket --bucket ${b} >/dev/null)`,
    ),
    ...queues.map(
      (q) =>
        `awslocal sqs create-queue --queue-name ${q}${q.endsWith(".fifo") ? " --attributes FifoQueue=true" : ""} >/dev/null`,
    ),
    ...tables.map(
      (t) =>
        `(awslocal dynamodb describe-table --table-name ${t} >/dev/null 2>&1 || awslocal dynamodb create-table --table-name ${t} --attribute-definitions AttributeName=id,AttributeType=S --key-schema AttributeName=id,KeyType=HASH --billing-mode PAY_PER_REQUEST >/dev/null)`,
    ),
  ];
}

/**
 * An emulator of managed AWS services: LocalStack's community image in the cluster (its last free
 * release; later ones need an account's auth token). Not the cloud: IAM is not enforced, and
 * consistency, limits and error details differ.
 */
export const localstack: DependencyKind = {
  name: "localstack",
  description: "AWS emulator: LocalStack (official image localstack/localstack); moto locally",
  options: ["emulate", "buckets", "queues", "tables"],
  port: PORT,
  local: localstackLocal,
  profile(service, stack) {
    const version = service.version ?? "4.14.0";
    const services = emulated(service);
    const steps = provisionScript(
      service.buckets ?? [],
      service.queues ?? [],
      service.tables ?? [],
    );
    const health = `curl -fs http://127.0.0.1:${PORT}/_localstack/health | grep -q '"${services[0]}": "\\(available\\|running\\)"'`;
    // Ready once the services answer and the spec's resources exist; later, once they answer.
    const probe = steps.length
      ? `if [ ! -f ${PROVISIONED} ]; then ${health} && ${steps.join(" && ")} && touch ${PROVISIONED}; else ${health}; fi`
      : health;
    return {
      image: `${service.image ?? "localstack/localstack"}:${version}`,
      version,
      major: majorOf(version),
      ports: [{ name: "edge", port: PORT }],
      component: "emulator",
      env: [
        { name: "SERVICES", value: services.join(",") },
        { name: "LOCALSTACK_HOST", value: "localhost:4566" },
      ],
      args: [],
      dataPath: "/var/lib/localstack",
      readiness: {
        exec: ["bash", "-c", probe],
        timeoutSeconds: 60,
        periodSeconds: 5,
        initialDelaySeconds: 5,
      },
      liveness: { tcpPort: PORT, timeoutSeconds: 3, periodSeconds: 20, initialDelaySeconds: 30 },
      resources: { cpu: "250m", memory: "512Mi", memoryLimit: "2Gi" },
      user: stack,
      database: undefined,
      urlEnv: "AWS_ENDPOINT_URL",
      url: ({ host, port }) => `http://${host}:${port}`,
      // The emulator takes any key; the generated one keeps the app's credential path real.
      clientEnv: (_endpoint, password) => awsClientEnv(stack, password),
      // It takes any key: beside S3 storage, the app's one set of AWS credentials is the storage's.
      yields: Object.keys(awsClientEnv("", "")),
      waitScript: (host, port) =>
        `until curl -fs http://${host}:${port}/_localstack/health >/dev/null; do echo waiting for ${host}; sleep 2; done`,
    };
  },
};
