import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kindRules } from "../../src/catalog/index.js";
import { SpecError } from "../../src/errors.js";
import { loadSpec } from "../../src/spec/load.js";
import { fixtureText } from "../helpers/spec.js";

const load = (text: string) => loadSpec(text, "parity.yaml", kindRules);

function issuesOf(text: string): string[] {
  try {
    load(text);
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    return (error as SpecError).message.split("\n");
  }
  throw new Error("expected a SpecError");
}

describe("loadSpec: valid specs", () => {
  it("applies the defaults of the common case", () => {
    const spec = load("name: shop\nservices:\n  postgres:\n  redis: {}\n");
    expect(spec.namespace).toBeUndefined();
    expect(spec.services.postgres).toMatchObject({ persistent: true, storage: "1Gi", env: {} });
    expect(spec.services.redis).toMatchObject({ persistent: true });
    expect(spec.jobs).toEqual({});
    expect(spec.cluster.storage).toBe(".parity/storage");
  });

  it("loads the myapp fixture", () => {
    const spec = load(fixtureText("myapp"));
    expect(Object.keys(spec.services)).toEqual(["postgres", "redis", "rabbitmq"]);
    expect(spec.jobs.seed).toMatchObject({ dev: true, after: ["migrate"], uses: ["postgres"] });
    expect(spec.apps.myapp).toMatchObject({
      port: 8080,
      replicas: 1,
      uses: ["postgres", "redis", "rabbitmq"],
    });
  });

  it("accepts an integer version written as a number", () => {
    expect(
      load("name: a\nservices:\n  postgres:\n    version: 17\n").services.postgres!.version,
    ).toBe("17");
  });
});

/** Each bad spec: the full first line of the report, `file:line:col: path: message`. */
const badSpecs: Array<[string, string, string]> = [
  ["missing name", "services: {}\n", "parity.yaml:1:1: name: is required (a string)"],
  [
    "name not DNS-1123",
    "name: My_App\n",
    "parity.yaml:1:7: name: must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit",
  ],
  [
    "unknown top-level key",
    "name: a\nservice: {}\n",
    'parity.yaml:2:1: service: unknown key "service" (did you mean "services"?)',
  ],
  [
    "unknown service option with did-you-mean",
    "name: a\nservices:\n  postgres:\n    versoin: '17'\n",
    'parity.yaml:4:5: services.postgres.versoin: unknown key "versoin" (did you mean "version"?)',
  ],
  [
    "version that YAML turned into a float",
    "name: a\nservices:\n  postgres:\n    version: 18.10\n",
    'parity.yaml:4:14: services.postgres.version: write a version with a dot as a string ("18.10"): YAML reads 18.10 as the number 18.1',
  ],
  [
    "unknown kind",
    "name: a\nservices:\n  db:\n    kind: postgress\n",
    'parity.yaml:4:11: services.db.kind: unknown kind "postgress" (did you mean "postgres"?); kinds: postgres, redis, rabbitmq',
  ],
  [
    "service name that is no kind, without kind",
    "name: a\nservices:\n  cache: {}\n",
    'parity.yaml:3:3: services.cache: kind is required: "cache" is not a kind; kinds: postgres, redis, rabbitmq',
  ],
  [
    "an AWS service the emulator does not know",
    "name: a\nservices:\n  localstack:\n    emulate: [s3, kinesis]\n",
    'parity.yaml:4:19: services.localstack.emulate.1: must be one of "s3", "sqs", "dynamodb", "sns", "secretsmanager", "ssm"',
  ],
  [
    "a bucket name S3 refuses",
    "name: a\nservices:\n  s3:\n    buckets: [Receipts]\n",
    "parity.yaml:4:15: services.s3.buckets.0: must be an S3 bucket name: lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
  ],
  [
    "topics on a kind that has none",
    "name: a\nservices:\n  s3:\n    topics: [orders]\n",
    'parity.yaml:4:5: services.s3.topics: "topics" is not an option of kind s3',
  ],
  [
    "an external service without variables",
    "name: a\nservices:\n  payments:\n    kind: external\n",
    "parity.yaml:3:3: services.payments: kind external needs variables",
  ],
  [
    "an image for a service parity does not run",
    "name: a\nservices:\n  payments:\n    kind: external\n    variables: [PAYMENTS_URL]\n    version: '2'\n",
    'parity.yaml:6:5: services.payments.version: "version" is not an option of kind external: parity does not run it (its options: variables, check)',
  ],
  [
    "a check that names no variable of the service",
    "name: a\nservices:\n  payments:\n    kind: external\n    variables: [PAYMENTS_URL]\n    check: PAYMENT_URL\n",
    "parity.yaml:6:12: services.payments.check: check must name one of the service's variables (PAYMENTS_URL)",
  ],
  [
    "option of another kind",
    "name: a\nservices:\n  redis:\n    database: x\n",
    'parity.yaml:4:5: services.redis.database: "database" is not an option of kind redis',
  ],
  [
    "reference to an undefined service",
    "name: a\nservices:\n  postgres: {}\napps:\n  web:\n    port: 80\n    uses: [postgre]\n",
    'parity.yaml:7:12: apps.web.uses.0: unknown service "postgre" (did you mean "postgres"?)',
  ],
  [
    "after an undefined resource",
    "name: a\napps:\n  web:\n    after: [migrate]\n",
    'parity.yaml:4:13: apps.web.after.0: unknown resource "migrate"',
  ],
  [
    "cycle",
    "name: a\napps:\n  web: {}\njobs:\n  migrate:\n    command: m\n    after: [seed]\n  seed:\n    command: s\n    after: [migrate]\n",
    "parity.yaml:5:3: jobs.migrate: dependency cycle: migrate → seed → migrate",
  ],
  [
    "wrong type",
    "name: a\napps:\n  web:\n    port: '8080'\n",
    'parity.yaml:4:11: apps.web.port: expected a number, got the string "8080"',
  ],
  [
    "port out of range",
    "name: a\napps:\n  web:\n    port: 70000\n",
    "parity.yaml:4:11: apps.web.port: must be at most 65535",
  ],
  [
    "duplicate name across sections",
    "name: a\nservices:\n  postgres: {}\njobs:\n  postgres:\n    command: x\n    image: busybox\n",
    'parity.yaml:5:3: jobs.postgres: "postgres" is already defined in services: names are shared by services, jobs and apps (they become Kubernetes object names)',
  ],
  [
    "two services on one host port",
    "name: a\nservices:\n  postgres: {}\n  other:\n    kind: postgres\n",
    "parity.yaml:5:5: services.other.forward: host port 5432 is already taken by services.postgres: set forward to another port, or false",
  ],
  [
    "job without an image and no app",
    "name: a\njobs:\n  migrate:\n    command: m\n",
    "parity.yaml:3:3: jobs.migrate: image is required: the spec has no app whose image the job could use",
  ],
  [
    "readiness without port",
    "name: a\napps:\n  web:\n    readiness: /ready\n",
    "parity.yaml:4:5: apps.web.readiness: readiness needs a port to probe: set port",
  ],
  [
    "two management UIs on one host port",
    "name: a\nservices:\n  rabbitmq:\n    management: true\n  events:\n    kind: rabbitmq\n    forward: 5680\n    management: true\n",
    "parity.yaml:8:17: services.events.management: host port 15672 is already taken by services.rabbitmq",
  ],
  [
    "a service name starting with a digit (not a valid Service name)",
    "name: a\nservices:\n  1cache:\n    kind: redis\n",
    "parity.yaml:3:3: services.1cache: must be a DNS-1035 label (it names a Kubernetes Service)",
  ],
  [
    "a service name too long for its derived names",
    `name: a\nservices:\n  ${"p".repeat(52)}:\n    kind: redis\n`,
    `parity.yaml:3:3: services.${"p".repeat(52)}: at most 51 characters: parity derives <name>-credentials from it`,
  ],
  [
    "a management UI moved onto a port already forwarded",
    "name: a\nservices:\n  rabbitmq:\n    management: 5432\n  postgres: {}\n",
    "parity.yaml:5:13: services.postgres.forward: host port 5432 is already taken by services.rabbitmq",
  ],
  [
    "a RabbitMQ forward whose distribution port would pass 65535",
    "name: a\nservices:\n  rabbitmq:\n    forward: 45672\n",
    "parity.yaml:4:14: services.rabbitmq.forward: rabbitmq also binds its distribution port at 45672 + 20000 on this machine: forward must be at most 45535",
  ],
  [
    "a forward onto RabbitMQ's distribution port",
    "name: a\nservices:\n  rabbitmq: {}\n  postgres:\n    forward: 25672\n",
    "parity.yaml:5:14: services.postgres.forward: host port 25672 is already taken by services.rabbitmq (its distribution port)",
  ],
  ["duplicate key", "name: a\nname: b\n", "parity.yaml:2:1: Map keys must be unique"],
  ["YAML syntax error", "name: a\nservices: [\n", "parity.yaml:3:1: "],
  [
    "a list instead of a mapping",
    "- a\n- b\n",
    "parity.yaml:1:1: the spec must be a mapping with at least `name:`",
  ],
  [
    "unknown key in a nested object",
    "name: a\napps:\n  web:\n    build: {contxt: .}\n",
    'parity.yaml:4:13: apps.web.build.contxt: unknown key "contxt" (did you mean "context"?)',
  ],
];

describe("loadSpec: bad specs", () => {
  it.each(badSpecs)("%s", (_, text, expected) => {
    const issues = issuesOf(text);
    expect(issues.some((line) => line.startsWith(expected))).toBe(true);
    for (const line of issues) expect(line).toMatch(/^parity\.yaml:\d+:\d+: /);
  });

  it("reports every problem at once, in file order", () => {
    const issues = issuesOf(
      "name: a\nservices:\n  postgres:\n    versoin: '17'\n  db:\n    kind: mysql\napps:\n  web:\n    port: x\n",
    );
    expect(issues.map((l) => l.split(": ")[0])).toEqual([
      "parity.yaml:4:5",
      "parity.yaml:6:11",
      "parity.yaml:9:11",
    ]);
  });

  it("carries structured issues", () => {
    try {
      load("name: a\napps:\n  web:\n    port: x\n");
      expect.unreachable();
    } catch (error) {
      expect((error as SpecError).issues).toEqual([
        {
          file: "parity.yaml",
          line: 4,
          col: 11,
          path: "apps.web.port",
          message: 'expected a number, got the string "x"',
        },
      ]);
      expect((error as SpecError).exitCode).toBe(2);
    }
  });
});

describe("loadSpec: arbitrary input", () => {
  const neverThrowsAnythingButSpecError = (text: string) => {
    try {
      load(text);
    } catch (error) {
      if (!(error instanceof SpecError)) throw error;
      for (const issue of error.issues) {
        expect(issue.line).toBeGreaterThanOrEqual(1);
        expect(issue.col).toBeGreaterThanOrEqual(1);
      }
    }
  };

  it("never throws anything but a SpecError on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), neverThrowsAnythingButSpecError),
      { numRuns: 400 },
    );
  });

  it("never throws anything but a SpecError on arbitrary YAML documents", () => {
    const key = fc.constantFrom(
      "name",
      "services",
      "jobs",
      "apps",
      "postgres",
      "redis",
      "kind",
      "uses",
      "after",
      "port",
      "version",
      "command",
      "cluster",
      "x",
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        fc.string({ maxLength: 8 }),
        fc.integer(),
        fc.double(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie("node"), { maxLength: 3 }),
        fc.dictionary(key, tie("node"), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 5 }), (doc) => {
        neverThrowsAnythingButSpecError(JSON.stringify(doc));
      }),
      { numRuns: 400 },
    );
  });

  it("survives YAML aliases that expand exponentially", () => {
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x]",
      ...Array.from(
        { length: 9 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
      ),
    ].join("\n");
    expect(() => load(bomb)).toThrow(SpecError);
  });
});
