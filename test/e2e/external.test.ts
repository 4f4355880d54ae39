import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFixture, parity } from "../helpers/cli.js";
import { getJson, recordedProcesses, startAccount } from "../helpers/stack.js";

const TOKEN = "tok-3f9a-managed-dev-account";

/**
 * A service parity does not run, standing for a managed dev account: a real HTTP server the test
 * starts. Its URL comes from the environment, its key from the git-ignored file, never the spec.
 */
describe("an external service on the local target", { timeout: 120_000 }, () => {
  let account: Awaited<ReturnType<typeof startAccount>>;
  let url: string;
  const dir = copyFixture("local-stack");

  beforeAll(async () => {
    // A service that wants a key answers 401 without one: it is there all the same.
    account = await startAccount(401);
    url = account.url;
    writeFileSync(
      join(dir, "parity.yaml"),
      `name: pay
services:
  redis:
    forward: 23579
  payments:
    kind: external
    variables: [PAYMENTS_URL, PAYMENTS_TOKEN]
    check: PAYMENTS_URL
apps:
  api:
    port: 8080
    forward: 23580
    readiness: /
    command: >-
      node -e "require('http').createServer((q, r) => r.end(JSON.stringify({
      url: process.env.PAYMENTS_URL, token: process.env.PAYMENTS_TOKEN,
      redis: Boolean(process.env.REDIS_URL) }))).listen(process.env.PORT, '127.0.0.1')"
    uses: [redis, payments]
`,
    );
  });
  afterAll(() => {
    parity(["down", "--volumes"], dir, { PAYMENTS_URL: url });
    account.stop();
  });

  it("refuses to start while a variable is not set, naming it and where to set it", () => {
    const up = parity(["up", "--detach"], dir, { PAYMENTS_URL: url });
    expect(up.code).toBe(1);
    expect(up.stderr).toContain(
      "services.payments: PAYMENTS_TOKEN is not set: export it, or add PAYMENTS_TOKEN=… to .parity/external.env (git-ignored)",
    );
    expect(up.stderr).not.toContain("PAYMENTS_URL is not set");
    expect(Object.keys(recordedProcesses(dir))).toEqual([]);
    const render = parity(["render"], dir, { PAYMENTS_URL: url });
    expect(render.code).toBe(1);
    expect(existsSync(join(dir, "k8s"))).toBe(false);
  });

  it("hands the app the developer's values once they are set, from the environment and the file", async () => {
    writeFileSync(join(dir, ".parity/external.env"), `PAYMENTS_TOKEN="${TOKEN}"\n`);
    const up = parity(["up", "--detach"], dir, { PAYMENTS_URL: url });
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toMatch(/payments\s+reachable/);
    expect((await getJson("http://127.0.0.1:23580/")).body).toEqual({
      url,
      token: TOKEN,
      redis: true,
    });
    expect(up.stdout + up.stderr).not.toContain(TOKEN);
    // Nothing of parity's runs for it.
    expect(Object.keys(recordedProcesses(dir)).sort()).toEqual(["api", "redis"]);
  });

  it("masks its values like passwords, and reports it by its check", () => {
    const env = parity(["env"], dir, { PAYMENTS_URL: url });
    expect(env.stdout).toContain("PAYMENTS_TOKEN=***");
    expect(env.stdout).not.toContain(TOKEN);
    const status = JSON.parse(parity(["status", "--json"], dir, { PAYMENTS_URL: url }).stdout) as {
      resources: Array<{ name: string; state: string }>;
    };
    expect(status.resources.find((r) => r.name === "payments")!.state).toBe("ready");
    expect(JSON.stringify(status)).not.toContain(TOKEN);
  });

  it("renders a Secret reference, its values only in the git-ignored file, and no workload", () => {
    expect(parity(["render"], dir, { PAYMENTS_URL: url }).code).toBe(0);
    expect(existsSync(join(dir, "k8s/payments.yaml"))).toBe(false);
    const api = readFileSync(join(dir, "k8s/api.yaml"), "utf8");
    expect(api).toContain("name: payments-credentials\n                  key: PAYMENTS_TOKEN");
    expect(api).not.toContain(TOKEN);
    expect(readFileSync(join(dir, "Tiltfile"), "utf8")).toContain('new_name = "payments"');
    expect(readFileSync(join(dir, ".parity/secrets.yaml"), "utf8")).toContain(
      `PAYMENTS_TOKEN: ${TOKEN}`,
    );
  });

  it("stops the walk when its check does not answer, with the reason; dependents are not started", () => {
    parity(["down"], dir, { PAYMENTS_URL: url });
    const closed = "http://127.0.0.1:9/health"; // the discard port: nothing listens there
    const up = parity(["up", "--detach"], dir, { PAYMENTS_URL: closed });
    expect(up.code).toBe(1);
    expect(up.stderr).toContain("✖ payments: PAYMENTS_URL does not answer");
    expect(recordedProcesses(dir).api).toBeUndefined();
  }, 60_000);
});
