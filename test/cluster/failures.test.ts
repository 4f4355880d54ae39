import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { POD_LOG_LINE, restartComponent, userKubeconfig } from "../../testbed/control-plane.js";
import {
  clusterProject,
  kubectl,
  parityOnCluster,
  parityOnClusterAsync,
  progress,
  testbed,
} from "../helpers/testbed.js";

/** A stack whose job or app the testbed's KWOK makes misbehave, by a container env. */
function stack(name: string, simulate: { job?: string; app?: string }): string {
  const env = (value?: string) =>
    value ? `\n    env:\n      PARITY_TESTBED_SIMULATE: ${value}` : "";
  return `name: ${name}
services:
  postgres: {}
jobs:
  migrate:
    image: ${name}-migrate:1
    command: [migrate, up]
    uses: [postgres]${env(simulate.job)}
apps:
  api:
    image: ${name}-api:1
    port: 8080
    uses: [postgres]${env(simulate.app)}
`;
}

describe("the cluster target when things go wrong", () => {
  it("stops the walk at a failed Job, at once, with its reason; the app never starts", () => {
    testbed();
    const dir = clusterProject(stack("fail-job", { job: "fail" }));
    const up = parityOnCluster(["up", "--target", "cluster", "--no-forward"], dir);
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(
      /✖ migrate: job\/migrate: job failed: PodFailurePolicy: .*exit code 1/,
    );
    // The tail of the failed pod's log, through the API server from the (simulated) kubelet.
    expect(up.stderr).toContain(`  │ ${POD_LOG_LINE}`);
    expect(progress(up.stderr)).toContainEqual({
      name: "api",
      what: "skipped: not started: migrate failed",
    });
    expect(kubectl(["-n", "fail-job", "get", "deployment", "api"]).code).not.toBe(0);
    expect(up.stderr).not.toMatch(/at \S+ \(/); // no stack trace
  });

  it.each([
    [
      "crash-loop",
      /✖ api: pod api-\S+: container api: CrashLoopBackOff: .*\(last exit code 1, Error\)/,
    ],
    [
      "image-pull",
      /✖ api: pod api-\S+: container api: ImagePullBackOff: Back-off pulling image "image-pull-api:1"/,
    ],
  ])("fails an app whose pod is in %s without waiting for a timeout", (simulate, message) => {
    const dir = clusterProject(stack(simulate, { app: simulate }));
    const started = Date.now();
    const up = parityOnCluster(["up", "--target", "cluster", "--no-forward"], dir);
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(message);
    // Far below the 300 s readiness deadline: the state of the pod decided it.
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it("never takes over or deletes an object of the same name that parity did not create", () => {
    const dir = clusterProject(stack("foreign", {}));
    kubectl(["create", "namespace", "foreign"]);
    expect(
      kubectl(["-n", "foreign", "create", "deployment", "api", "--image=someone/else:1"]).code,
    ).toBe(0);
    const up = parityOnCluster(["up", "--target", "cluster", "--no-forward"], dir);
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(
      /deployment\/api already exists in namespace "foreign" and parity did not create it \(managed by: [^)]*kubectl-create/,
    );
    // Refused before any of the app's objects was applied: no Service of parity's either.
    expect(kubectl(["-n", "foreign", "get", "service", "api"]).code).not.toBe(0);
    const down = parityOnCluster(["down", "--target", "cluster"], dir);
    expect(down.code).toBe(0);
    expect(down.stderr).toMatch(
      /left alone: deployment\/api was not created by parity \(managed by: .*kubectl-create/,
    );
    const image = kubectl([
      "-n",
      "foreign",
      "get",
      "deployment",
      "api",
      "-o",
      "jsonpath={.spec.template.spec.containers[0].image}",
    ]);
    expect(image.stdout).toBe("someone/else:1");
  });

  it("survives a kube-apiserver restart during up: its watches re-list and resume", async () => {
    const bed = testbed();
    const dir = clusterProject(stack("resume", { app: "slow" }));
    let restarted: Promise<void> | undefined;
    const up = await parityOnClusterAsync(
      ["up", "--target", "cluster", "--no-forward"],
      dir,
      (stderr) => {
        // The app's pod turns ready only after 8 s: restart the API server while parity waits.
        if (!restarted && /api\s+starting/.test(stderr))
          restarted = restartComponent(bed.dir, "kube-apiserver");
      },
    );
    expect(restarted).toBeDefined();
    await restarted;
    expect(up.stderr).toContain("resume is up in namespace resume");
    expect(up.code).toBe(0);
  }, 90_000);
});

describe("the cluster target's one-line errors", () => {
  const dir = () => clusterProject(stack("errors", {}));

  it("names the context, the server and why, when the API server does not answer", () => {
    const bed = testbed();
    const config = join(dir(), "closed.kubeconfig");
    // The testbed's own kubeconfig, pointed at a port nothing listens on.
    const text = kubectl(["config", "view", "--raw", "--minify"]).stdout.replace(
      bed.server,
      "https://127.0.0.1:1",
    );
    writeFileSync(config, text);
    const up = parityOnCluster(
      ["up", "--target", "cluster", "--no-forward", "--kubeconfig", config],
      dir(),
    );
    expect(up.code).toBe(1);
    expect(up.stderr.trim()).toBe(
      'cannot reach the cluster of context "parity-testbed" (https://127.0.0.1:1): connection refused (is the cluster running?)',
    );
  });

  it("names the verb and the resource of a 403", () => {
    const project = dir();
    const config = userKubeconfig(testbed().dir, "nobody");
    const up = parityOnCluster(
      ["up", "--target", "cluster", "--no-forward", "--kubeconfig", config],
      project,
    );
    expect(up.code).toBe(1);
    expect(up.stderr.trim().split("\n")).toHaveLength(1);
    expect(up.stderr).toMatch(/forbidden to get \S+ .*: .*User "nobody" cannot/);
  });

  it("says which kubeconfig does not parse", () => {
    const project = dir();
    const config = join(project, "broken.kubeconfig");
    writeFileSync(config, "apiVersion: v1\nclusters: [\n");
    const up = parityOnCluster(
      ["up", "--target", "cluster", "--no-forward", "--kubeconfig", config],
      project,
    );
    expect(up.code).toBe(1);
    expect(up.stderr.trim()).toMatch(new RegExp(`^kubeconfig ${config} does not parse: `));
    expect(up.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("names a context that does not exist, and the ones that do", () => {
    const up = parityOnCluster(
      ["up", "--target", "cluster", "--no-forward", "--context", "nope"],
      dir(),
    );
    expect(up.code).toBe(1);
    expect(up.stderr.trim()).toMatch(/^no context "nope" in \S+ \(contexts: parity-testbed\)$/);
  });

  it("refuses cluster flags without --target cluster (usage, exit 2)", () => {
    const up = parityOnCluster(["status", "--context", "x"], dir());
    expect(up.code).toBe(2);
    expect(up.stderr.trim()).toBe("--context is for the cluster target: add --target cluster");
  });
});
