import { startAccount } from "../helpers/stack.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterProject, kubectlJson, parityOnCluster, testbed } from "../helpers/testbed.js";

const TOKEN = "tok-cluster-managed-dev-account";

/** An external service on the cluster target: a Secret of the developer's values, no workload. */
describe("an external service on the cluster target", { timeout: 120_000 }, () => {
  let account: Awaited<ReturnType<typeof startAccount>>;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    testbed();
    account = await startAccount(200);
    url = account.url;
    dir = clusterProject(`name: ext-cluster
services:
  payments:
    kind: external
    variables: [PAYMENTS_URL, PAYMENTS_TOKEN]
    check: PAYMENTS_URL
apps:
  api:
    image: ext-api:1
    port: 8080
    uses: [payments]
`);
  });
  afterAll(() => {
    parityOnCluster(["down", "--target", "cluster"], dir, {
      PAYMENTS_URL: url,
      PAYMENTS_TOKEN: TOKEN,
    });
    account.stop();
  });

  it("refuses an up while a value is missing, and writes nothing to the cluster", () => {
    const up = parityOnCluster(["up", "--target", "cluster", "--no-forward"], dir, {
      PAYMENTS_URL: url,
    });
    expect(up.code).toBe(1);
    expect(up.stderr).toContain("services.payments: PAYMENTS_TOKEN is not set");
    const namespaces = kubectlJson<{ items: Array<{ metadata: { name: string } }> }>([
      "get",
      "namespaces",
    ]);
    expect(namespaces.items.map((n) => n.metadata.name)).not.toContain("ext-cluster");
  });

  it("creates its Secret from the developer's values and points the app's env at it", () => {
    const up = parityOnCluster(["up", "--target", "cluster", "--no-forward"], dir, {
      PAYMENTS_URL: url,
      PAYMENTS_TOKEN: TOKEN,
    });
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout + up.stderr).not.toContain(TOKEN);
    const secret = kubectlJson<{ data: Record<string, string> }>([
      "get",
      "secret",
      "payments-credentials",
      "-n",
      "ext-cluster",
    ]);
    const decoded = Object.fromEntries(
      Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]),
    );
    expect(decoded).toEqual({ PAYMENTS_URL: url, PAYMENTS_TOKEN: TOKEN });
    const deployment = kubectlJson<{
      spec: {
        template: {
          spec: {
            containers: Array<{ env: Array<Record<string, unknown>> }>;
            initContainers?: unknown[];
          };
        };
      };
    }>(["get", "deployment", "api", "-n", "ext-cluster"]);
    const env = deployment.spec.template.spec.containers[0]!.env;
    expect(env).toContainEqual({
      name: "PAYMENTS_TOKEN",
      valueFrom: { secretKeyRef: { name: "payments-credentials", key: "PAYMENTS_TOKEN" } },
    });
    expect(deployment.spec.template.spec.initContainers ?? []).toEqual([]);
    // No workload of its own.
    const workloads = kubectlJson(["get", "statefulsets,deployments", "-n", "ext-cluster"]);
    expect(workloads.items.map((o) => (o.metadata as { name: string }).name)).toEqual(["api"]);
  });
});
