import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { helmBinary } from "../helpers/helm.js";
import { kubectlJson, parityOnCluster, testbed } from "../helpers/testbed.js";

const FIXTURE = join(import.meta.dirname, "..", "fixtures", "third-party-chart");

type Workload = {
  spec: {
    template: {
      spec: {
        containers: Array<{ env?: Array<{ name: string; value?: string }> }>;
        initContainers?: Array<{ name: string; command: string[] }>;
      };
    };
  };
  status?: { readyReplicas?: number };
};

/** A service from a third-party chart on the real control plane: installed by the real helm. */
describe("a service from a third-party chart on the cluster target", { timeout: 180_000 }, () => {
  let dir: string;
  let up: ReturnType<typeof parityOnCluster>;
  const helm = (args: string[]) =>
    spawnSync(helmBinary(), [...args, "--kube-context", "parity-testbed"], {
      encoding: "utf8",
      env: { ...process.env, KUBECONFIG: testbed().kubeconfig },
    });

  beforeAll(() => {
    testbed();
    dir = mkdtempSync(join(tmpdir(), "parity-third-party-chart-"));
    cpSync(FIXTURE, dir, { recursive: true });
    up = parityOnCluster(["up", "--target", "cluster", "--no-forward"], dir);
  });
  afterAll(() => {
    parityOnCluster(["down", "--target", "cluster"], dir);
  });

  it("installs the chart with helm as a release of the stack's namespace, and waits for it", () => {
    expect(up.code, up.stderr).toBe(0);
    const releases = JSON.parse(helm(["list", "-n", "charted", "-o", "json"]).stdout) as Array<{
      name: string;
      chart: string;
      status: string;
    }>;
    expect(releases).toEqual([
      expect.objectContaining({ name: "cache", chart: "kv-1.2.0", status: "deployed" }),
    ]);
    const kv = kubectlJson<Workload>(["get", "statefulset", "cache-kv", "-n", "charted"]);
    expect(kv.status?.readyReplicas).toBe(1);
    // The chart took parity's Secret, which the setup objects created before the walk.
    const secret = kubectlJson<{ data: Record<string, string> }>([
      "get",
      "secret",
      "cache-credentials",
      "-n",
      "charted",
    ]);
    expect(Buffer.from(secret.data.password!, "base64").toString()).toBe(
      /^CACHE_PASSWORD=(.+)$/m.exec(readFileSync(join(dir, ".parity/secrets.env"), "utf8"))![1],
    );
  });

  it("still feeds the app its connection env, at the chart's Service, and makes it wait there", () => {
    const api = kubectlJson<Workload>(["get", "deployment", "api", "-n", "charted"]);
    const env = api.spec.template.spec.containers[0]!.env ?? [];
    expect(env).toContainEqual({
      name: "REDIS_URL",
      value: "redis://default:$(CACHE_PASSWORD)@cache-kv:6379/0",
    });
    const wait = api.spec.template.spec.initContainers!.find((c) => c.name === "wait-for-cache")!;
    expect(wait.command.join(" ")).toContain("redis-cli -h cache-kv -p 6379");
    const lines = up.stderr.split("\n");
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    expect(at(/cache\s+ready/)).toBeGreaterThanOrEqual(0);
    expect(at(/cache\s+ready/)).toBeLessThan(at(/api\s+starting/));
  });

  it("reports the release's workloads in status", () => {
    const status = parityOnCluster(["status", "--target", "cluster", "--json"], dir);
    expect(status.code, status.stderr).toBe(0);
    const report = JSON.parse(status.stdout) as {
      resources: Array<{ name: string; state: string; outdated: boolean; images: string[] }>;
    };
    expect(report.resources.find((r) => r.name === "cache")).toMatchObject({
      state: "ready",
      outdated: false,
      images: ["redis:8.4.0"],
    });
  });

  it("leaves a release that is up alone on the next up, and upgrades it when named", () => {
    const again = parityOnCluster(["up", "--target", "cluster", "--no-forward"], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/cache\s+already running/);
    const revision = () =>
      (
        JSON.parse(helm(["list", "-n", "charted", "-o", "json"]).stdout) as Array<{
          revision: string;
        }>
      )[0]!.revision;
    expect(revision()).toBe("1");
    const named = parityOnCluster(["up", "--target", "cluster", "--no-forward", "cache"], dir);
    expect(named.code, named.stderr).toBe(0);
    expect(revision()).toBe("2");
  });

  it("removes the release with down", () => {
    const down = parityOnCluster(["down", "--target", "cluster"], dir);
    expect(down.code, down.stderr).toBe(0);
    const releases = JSON.parse(helm(["list", "-n", "charted", "-o", "json"]).stdout) as unknown[];
    expect(releases).toEqual([]);
  });
});
