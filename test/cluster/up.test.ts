import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { POD_LOG_LINE } from "../../testbed/control-plane.js";
import { kubectl, kubectlJson, parityOnCluster, progress, testbed } from "../helpers/testbed.js";

const EXAMPLE = join(import.meta.dirname, "..", "..", "examples", "myapp");

type Obj = {
  metadata: {
    name: string;
    labels?: Record<string, string>;
    managedFields?: Array<{ manager: string; operation: string }>;
    uid: string;
  };
  status?: { conditions?: Array<{ type: string; status: string }> };
};

function condition(o: Obj, type: string): string | undefined {
  return o.status?.conditions?.find((c) => c.type === type)?.status;
}

/** The index of the first progress line of `name` that starts with `what`. */
function at(lines: ReturnType<typeof progress>, name: string, what: string): number {
  const i = lines.findIndex((l) => l.name === name && l.what.startsWith(what));
  expect(i, `${name} ${what}`).toBeGreaterThanOrEqual(0);
  return i;
}

describe("examples/myapp on the cluster target (a real control plane, pods by KWOK)", () => {
  let dir: string;
  let first: ReturnType<typeof parityOnCluster>;

  beforeAll(() => {
    testbed();
    dir = mkdtempSync(join(tmpdir(), "parity-myapp-cluster-"));
    cpSync(EXAMPLE, dir, {
      recursive: true,
      filter: (source) => !/[/\\](\.parity|node_modules|dist)$/.test(source),
    });
    first = parityOnCluster(["up", "--target", "cluster", "--no-forward"], dir);
  }, 120_000);

  it("brings the stack up and exits 0", () => {
    expect(first.stderr).toContain("myapp is up in namespace myapp of context parity-testbed");
    expect(first.code).toBe(0);
  });

  it("keeps the order postgres → migrate → seed → myapp, and redis, rabbitmq before the apps", () => {
    const lines = progress(first.stderr);
    expect(at(lines, "postgres", "ready")).toBeLessThan(at(lines, "migrate", "starting"));
    expect(at(lines, "migrate", "exited 0")).toBeLessThan(at(lines, "seed", "starting"));
    expect(at(lines, "seed", "exited 0")).toBeLessThan(at(lines, "myapp", "starting"));
    for (const dep of ["redis", "rabbitmq"]) {
      expect(at(lines, dep, "ready")).toBeLessThan(at(lines, "myapp", "starting"));
      expect(at(lines, dep, "ready")).toBeLessThan(at(lines, "myapp-worker", "starting"));
    }
  });

  it("leaves every workload ready as the controllers report it, and the Jobs Complete", () => {
    for (const name of ["postgres", "redis", "rabbitmq"]) {
      const sts = kubectlJson<Obj & { status: { readyReplicas?: number } }>([
        "-n",
        "myapp",
        "get",
        "statefulset",
        name,
      ]);
      expect(sts.status.readyReplicas, name).toBe(1);
    }
    for (const name of ["myapp", "myapp-worker"]) {
      const deployment = kubectlJson<Obj>(["-n", "myapp", "get", "deployment", name]);
      expect(condition(deployment, "Available"), name).toBe("True");
    }
    for (const name of ["migrate", "seed"]) {
      const job = kubectlJson<Obj>(["-n", "myapp", "get", "job", name]);
      expect(condition(job, "Complete"), name).toBe("True");
    }
    const claims = kubectlJson<{ items: Array<{ status: { phase: string } }> }>([
      "-n",
      "myapp",
      "get",
      "pvc",
    ]);
    expect(claims.items.map((c) => c.status.phase)).toEqual(["Bound", "Bound", "Bound"]);
  });

  it("applies with field manager parity and the design's labels, chart objects included", () => {
    for (const [kind, name] of [
      ["statefulset", "postgres"],
      ["service", "redis"],
      ["job", "migrate"],
      ["deployment", "myapp"],
      ["deployment", "myapp-worker"],
      ["secret", "postgres-credentials"],
    ] as const) {
      const o = kubectlJson<Obj>(["-n", "myapp", "get", kind, name, "--show-managed-fields"]);
      expect(
        o.metadata.managedFields?.some((f) => f.manager === "parity" && f.operation === "Apply"),
        `${kind}/${name}`,
      ).toBe(true);
      expect(o.metadata.labels?.["app.kubernetes.io/part-of"]).toBe("myapp");
      expect(o.metadata.labels?.["app.kubernetes.io/managed-by"]).toBe("parity");
    }
  });

  it("writes nothing on a second up with nothing changed, and says how much it asked", () => {
    const before = kubectlJson<Obj>(["-n", "myapp", "get", "job", "migrate"]);
    const again = parityOnCluster(["up", "--target", "cluster", "--no-forward"], dir);
    expect(again.code).toBe(0);
    const counts = /\((\d+) API requests, (\d+) writes\)/.exec(again.stderr);
    expect(counts, again.stderr).not.toBeNull();
    expect(Number(counts![2])).toBe(0);
    expect(Number(counts![1])).toBeLessThan(20);
    expect(progress(again.stderr).map((l) => l.what)).toEqual(
      expect.arrayContaining(["already running", "done earlier"]),
    );
    expect(kubectlJson<Obj>(["-n", "myapp", "get", "job", "migrate"]).metadata.uid).toBe(
      before.metadata.uid,
    );
  });

  it("runs a named job anew: a new Job object, waited to Complete", () => {
    const before = kubectlJson<Obj>(["-n", "myapp", "get", "job", "migrate"]);
    const again = parityOnCluster(["up", "--target", "cluster", "--no-forward", "migrate"], dir);
    expect(again.code, again.stderr).toBe(0);
    const after = kubectlJson<Obj>(["-n", "myapp", "get", "job", "migrate"]);
    expect(after.metadata.uid).not.toBe(before.metadata.uid);
    expect(condition(after, "Complete")).toBe("True");
  });

  it("reports each resource's state and image in status --json, with no secret in it", () => {
    const status = parityOnCluster(["status", "--target", "cluster", "--json"], dir);
    expect(status.code, status.stderr).toBe(0);
    const parsed = JSON.parse(status.stdout) as {
      target: string;
      serverVersion: string;
      namespace: string;
      resources: Array<{ name: string; state: string; images: string[]; outdated: boolean }>;
    };
    expect(parsed.target).toBe("cluster");
    expect(parsed.serverVersion).toBe("v1.37.2");
    const byName = Object.fromEntries(parsed.resources.map((r) => [r.name, r]));
    expect(byName.postgres).toMatchObject({
      state: "ready",
      images: ["postgres:18.1"],
      outdated: false,
    });
    expect(byName.migrate!.state).toBe("exited");
    expect(byName.myapp!.state).toBe("ready");
    expect(status.stdout).not.toMatch(/password|secret-/i);
  });

  it("prints each resource's pod logs, prefixed by the resource", () => {
    const logs = parityOnCluster(["logs", "--target", "cluster", "postgres", "myapp"], dir);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout.trim().split("\n").sort()).toEqual([
      `myapp    | ${POD_LOG_LINE}`,
      `postgres | ${POD_LOG_LINE}`,
    ]);
  });

  it("deletes only the stack's objects on down, dependents first; claims only with --volumes", () => {
    const down = parityOnCluster(["down", "--target", "cluster"], dir);
    expect(down.code, down.stderr).toBe(0);
    const deleted = [...down.stderr.matchAll(/deleted (\S+)/g)].map((m) => m[1]!);
    expect(deleted.indexOf("deployment/myapp")).toBeLessThan(deleted.indexOf("job/seed"));
    expect(deleted.indexOf("job/seed")).toBeLessThan(deleted.indexOf("job/migrate"));
    expect(deleted.indexOf("job/migrate")).toBeLessThan(deleted.indexOf("statefulset/postgres"));
    expect(deleted.at(-1)).toMatch(/^secret\//);
    expect(
      kubectl([
        "-n",
        "myapp",
        "get",
        "statefulsets,deployments,jobs,services,secrets",
        "-o",
        "name",
      ]).stdout.trim(),
    ).toBe("");
    expect(
      kubectl(["-n", "myapp", "get", "pvc", "-o", "name"]).stdout.trim().split("\n"),
    ).toHaveLength(3);
    expect(kubectl(["get", "namespace", "myapp", "-o", "name"]).stdout.trim()).toBe(
      "namespace/myapp",
    );

    const volumes = parityOnCluster(["down", "--target", "cluster", "--volumes"], dir);
    expect(volumes.code, volumes.stderr).toBe(0);
    expect(kubectl(["-n", "myapp", "get", "pvc", "-o", "name"]).stdout.trim()).toBe("");
  });
});
