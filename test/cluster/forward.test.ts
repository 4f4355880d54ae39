import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORWARD_OFFSET } from "../../testbed/control-plane.js";
import { parity } from "../helpers/cli.js";
import { prepareStack } from "../helpers/stack.js";
import { clusterProject, kubectl, parityOnCluster, testbed } from "../helpers/testbed.js";

const HOST_PORT = 24432;

/** `select 1` with the real psql, through 127.0.0.1:port. */
function psql(port: number, password: string) {
  return spawnSync(
    "psql",
    [
      `postgresql://shop:${encodeURIComponent(password)}@127.0.0.1:${port}/shop`,
      "-XtAc",
      "select 1",
    ],
    { encoding: "utf8", timeout: 15_000 },
  );
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

/**
 * The port forwards of the cluster target, end to end: psql → parity's listener on 127.0.0.1 →
 * the API server's port-forward subresource → the (simulated) kubelet → a real PostgreSQL, which
 * the testbed's KWOK carries a pod's port 5432 to (127.0.0.1:5432 + FORWARD_OFFSET).
 */
describe("port forwards of the cluster target", { timeout: 120_000 }, () => {
  const server = prepareStack(
    { postgres: 5432 + FORWARD_OFFSET, redis: 21979, rabbitmq: 11172, app: 21580 },
    { withoutRabbitmq: true },
  );
  let password: string;
  const dir = clusterProject(`name: forwarded
services:
  postgres:
    database: shop
    user: shop
    forward: ${HOST_PORT}
`);

  beforeAll(() => {
    testbed();
    const up = parity(["up", "--detach", "postgres"], server);
    expect(up.code, up.stderr).toBe(0);
    password = /^POSTGRES_PASSWORD=(.*)$/m.exec(
      readFileSync(join(server, ".parity/secrets.env"), "utf8"),
    )![1]!;
  });
  afterAll(() => {
    parityOnCluster(["down", "--target", "cluster", "--volumes"], dir);
    parity(["down", "--volumes"], server);
  });

  it("holds them in a detached forwarder, follows a replaced pod, and down stops it", async () => {
    const up = parityOnCluster(["up", "--target", "cluster", "--detach"], dir);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toMatch(
      new RegExp(`postgres\\s+postgresql://shop:\\*\\*\\*@127\\.0\\.0\\.1:${HOST_PORT}/shop`),
    );
    const first = psql(HOST_PORT, password);
    expect(first.stdout.trim(), first.stderr).toBe("1");

    // The StatefulSet makes a new postgres-0: the forward finds it on the next connection.
    const podUid = () =>
      kubectl(["-n", "forwarded", "get", "pod", "postgres-0", "-o", "jsonpath={.metadata.uid}"])
        .stdout;
    const before = podUid();
    expect(kubectl(["-n", "forwarded", "delete", "pod", "postgres-0", "--wait=true"]).code).toBe(0);
    expect(
      kubectl([
        "-n",
        "forwarded",
        "wait",
        "--for=condition=Ready",
        "pod/postgres-0",
        "--timeout=60s",
      ]).code,
    ).toBe(0);
    const after = podUid();
    expect(after).not.toBe(before);
    const again = psql(HOST_PORT, password);
    expect(again.stdout.trim(), again.stderr).toBe("1");

    const down = parityOnCluster(["down", "--target", "cluster"], dir);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stderr).toContain("stopped the port forwards");
    expect(await refused(HOST_PORT)).toBe(true);
  });

  it("holds them in the foreground until Ctrl-C, and leaves the stack in the cluster", async () => {
    const bed = testbed();
    const child = spawn(
      process.execPath,
      [join(import.meta.dirname, "../../bin/parity.js"), "up", "--target", "cluster"],
      {
        cwd: dir,
        env: { ...process.env, KUBECONFIG: bed.kubeconfig, CI: "1" },
      },
    );
    let stderr = "";
    const holding = new Promise<void>((resolve) =>
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes("Ctrl-C stops the port forwards")) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    await Promise.race([holding, exited]);
    expect(stderr).toContain("Ctrl-C stops the port forwards");
    const through = psql(HOST_PORT, password);
    expect(through.stdout.trim(), through.stderr).toBe("1");
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(await refused(HOST_PORT)).toBe(true);
    expect(
      kubectl(["-n", "forwarded", "get", "statefulset", "postgres", "-o", "name"]).stdout.trim(),
    ).toBe("statefulset.apps/postgres");
  });
});
