import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parity } from "../helpers/cli.js";
import { runHelm } from "../helpers/helm.js";
import { clusterProject, kubectl, testbed } from "../helpers/testbed.js";

const EXAMPLE = join(import.meta.dirname, "..", "..", "examples", "myapp");

/**
 * Applies files as a user would (`kubectl apply --server-side --validate=strict`) and returns
 * kubectl's stderr, where the API server's warnings appear.
 */
function applyStrict(files: string[], input?: string): string {
  // --force-conflicts: the shared StorageClass is already applied by the other stacks of the run.
  const args = [
    "apply",
    "--server-side",
    "--force-conflicts",
    "--field-manager=render-test",
    "--validate=strict",
  ];
  const result = kubectl([...args, ...files.flatMap((f) => ["-f", f])], input);
  expect(result.code, result.stderr).toBe(0);
  return result.stderr;
}

/** Waits, as `kubectl wait` does, for the controllers and the simulated kubelet to finish. */
function waitAll(
  namespace: string,
  what: { deployments: boolean; jobs: boolean; statefulSets: boolean },
) {
  const wait = (args: string[]) => {
    const result = kubectl(["-n", namespace, "wait", "--timeout=60s", ...args]);
    expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(0);
  };
  if (what.deployments) wait(["--for=condition=Available", "deployment", "--all"]);
  if (what.jobs) wait(["--for=condition=Complete", "job", "--all"]);
  if (what.statefulSets) wait(["--for=jsonpath={.status.readyReplicas}=1", "statefulset", "--all"]);
}

describe("what `parity render` writes, applied to a real API server", () => {
  it("accepts every manifest of examples/myapp and its chart, strictly and without a warning", () => {
    testbed();
    const dir = mkdtempSync(join(tmpdir(), "parity-render-accepted-"));
    cpSync(EXAMPLE, dir, {
      recursive: true,
      filter: (source) => !/[/\\](\.parity|node_modules|dist)$/.test(source),
    });
    // Its own namespace, beside the other cluster tests.
    const spec = join(dir, "parity.yaml");
    writeFileSync(spec, readFileSync(spec, "utf8").replace(/^name: myapp$/m, "name: myapp-render"));
    expect(parity(["render"], dir).code).toBe(0);

    const warnings = applyStrict(
      ["k8s/namespace.yaml", "k8s/dev/storage-class.yaml", ".parity/secrets.yaml"].map((f) =>
        join(dir, f),
      ),
    );
    const rest = applyStrict([join(dir, "k8s"), join(dir, "k8s/dev")]);
    const chart = runHelm(
      [
        "template",
        "myapp",
        "charts/myapp",
        "--namespace",
        "myapp-render",
        "--values",
        "charts/myapp/dev-values.yaml",
      ],
      dir,
    );
    expect(chart.status, chart.stderr).toBe(0);
    const fromChart = applyStrict(
      ["-"],
      chart.stdout.replace(/namespace: myapp$/gm, "namespace: myapp-render"),
    );
    expect(`${warnings}${rest}${fromChart}`).not.toMatch(/warning/i);

    waitAll("myapp-render", { deployments: true, jobs: true, statefulSets: true });
  });

  it("accepts a stack that uses every catalog kind and option", () => {
    const dir = clusterProject(`name: every-option
services:
  postgres:
    version: "17.7"
    database: shop
    user: shopper
    persistent: false
    resources: { cpu: 200m, memory: 256Mi, memoryLimit: 1Gi }
    env: { POSTGRES_INITDB_ARGS: --data-checksums }
  cache:
    kind: redis
    persistent: false
    forward: false
  redis:
    storage: 2Gi
    forward: 16379
  rabbitmq:
    management: 15673
    vhost: shop
    user: shopper
  kafka:
    topics: [orders, orders.dlq]
    user: shopper
  s3:
    buckets: [receipts, avatars]
  localstack:
    emulate: [sns]
    queues: [jobs, jobs.fifo]
    tables: [carts]
    forward: false
jobs:
  migrate:
    image: shop-migrate:1
    command: migrate up
    uses: [postgres]
    timeout: 120
    env: { MIGRATIONS: /migrations }
    resources: { cpu: 50m }
  seed:
    image: shop-migrate:1
    command: [seed, --dev]
    uses: [postgres]
    after: [migrate]
    dev: true
apps:
  api:
    image: shop-api:1
    command: [api, serve]
    port: 8080
    readiness: /ready
    replicas: 2
    uses: [postgres, cache, redis, rabbitmq]
    env: { LOG_LEVEL: debug, WORKERS: 4 }
    resources: { memoryLimit: 512Mi }
  worker:
    image: shop-api:1
    command: [worker]
    uses: [rabbitmq, kafka, s3, localstack]
`);
    expect(parity(["render"], dir).code).toBe(0);
    const warnings =
      applyStrict([join(dir, "k8s/namespace.yaml"), join(dir, "k8s/dev/storage-class.yaml")]) +
      applyStrict([join(dir, ".parity/secrets.yaml"), join(dir, "k8s"), join(dir, "k8s/dev")]);
    expect(warnings).not.toMatch(/warning/i);
    waitAll("every-option", { deployments: true, jobs: true, statefulSets: true });
  });
});
