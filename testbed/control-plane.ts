import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { request } from "node:https";
import { createServer } from "node:net";
import { join } from "node:path";
import { identityOf, isAlive, spawnLogged, type ProcessIdentity } from "../src/run/local/proc.js";
import { pollUntil, systemClock } from "../src/run/local/poll.js";
import { stopGroup } from "../src/run/local/stop.js";
import type { Binaries } from "./build.js";
import { createPki, kubeconfig, signCert, type KeyPair, type Pki } from "./pki.js";
import { TESTBED_DIR } from "./versions.js";

/** The simulated node that every pod of the testbed lands on. */
export const NODE_NAME = "testbed-node";

export type Component =
  "etcd" | "kube-apiserver" | "kube-controller-manager" | "kube-scheduler" | "kwok" | "provisioner";

/** The line every simulated container's log holds: what `kubectl logs` gets through the API server. */
export const POD_LOG_LINE = "parity testbed: KWOK simulates this container; nothing ran";

/**
 * A pod's port P is carried to 127.0.0.1:(P + this): a test starts the real server there and
 * reaches it through the API server's port-forward, as a user reaches a real pod.
 */
export const FORWARD_OFFSET = 30_000;
export const FORWARDED_PORTS = [5432, 6379, 5672, 15672, 8080] as const;

/** KWOK's logs and port-forward configuration: what its kubelet API answers. */
function writeKwokIo(dir: string): void {
  const podLog = join(dir, "pod.log");
  // KWOK serves container logs in the CRI format a kubelet keeps them in.
  writeFileSync(podLog, `2026-01-01T00:00:00.000000000Z stdout F ${POD_LOG_LINE}\n`);
  const forwards = FORWARDED_PORTS.map(
    (p) => `    - ports: [${p}]\n      target: { address: 127.0.0.1, port: ${p + FORWARD_OFFSET} }`,
  );
  writeFileSync(
    join(dir, "kwok-io.yaml"),
    [
      "apiVersion: kwok.x-k8s.io/v1alpha1",
      "kind: ClusterLogs",
      "metadata: { name: every-pod }",
      "spec:",
      "  logs:",
      `    - logsFile: ${podLog}`,
      `      previousLogsFile: ${podLog}`,
      "---",
      "apiVersion: kwok.x-k8s.io/v1alpha1",
      "kind: ClusterPortForward",
      "metadata: { name: every-pod }",
      "spec:",
      "  forwards:",
      ...forwards,
      "",
    ].join("\n"),
  );
}

/** How to start one component again: what `restart` needs, recorded in the state file. */
interface ComponentRecord {
  command: string;
  args: string[];
  process: ProcessIdentity;
  log: string;
}

export interface TestbedState {
  dir: string;
  kubeconfig: string;
  server: string;
  ports: { etcd: number; etcdPeer: number; apiserver: number; kwok: number };
  components: Partial<Record<Component, ComponentRecord>>;
}

const START_TIMEOUT_MS = 60_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

function statePath(dir: string): string {
  return join(dir, "testbed.json");
}

export function readState(dir: string): TestbedState | undefined {
  const path = statePath(dir);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as TestbedState) : undefined;
}

function writeState(state: TestbedState): void {
  writeFileSync(statePath(state.dir), `${JSON.stringify(state, null, 2)}\n`);
}

/** GET a path of the API server as the admin; resolves with the status code and body. */
export function apiGet(
  state: Pick<TestbedState, "server">,
  pki: Pick<Pki, "ca" | "admin">,
  path: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${state.server}${path}`,
      {
        ca: readFileSync(pki.ca.cert),
        cert: readFileSync(pki.admin.cert),
        key: readFileSync(pki.admin.key),
        timeout: 5000,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.once("timeout", () => req.destroy(new Error("timed out")));
    req.once("error", reject);
    req.end();
  });
}

function pkiOf(dir: string): Pki {
  const pair = (name: string): KeyPair => ({
    cert: join(dir, "pki", `${name}.crt`),
    key: join(dir, "pki", `${name}.key`),
  });
  return {
    ca: pair("ca"),
    apiserver: pair("apiserver"),
    admin: pair("admin"),
    controllerManager: pair("controller-manager"),
    scheduler: pair("scheduler"),
    kwok: pair("kwok"),
    kubeletClient: pair("apiserver-kubelet-client"),
    serviceAccount: {
      publicKey: join(dir, "pki", "sa.pub"),
      privateKey: join(dir, "pki", "sa.key"),
    },
  };
}

function componentArgs(
  binaries: Binaries,
  state: TestbedState,
  pki: Pki,
  kubeconfigs: Record<"controllerManager" | "scheduler" | "kwok", string>,
): Array<[Component, string, string[]]> {
  const { dir, ports } = state;
  return [
    [
      "etcd",
      binaries.etcd,
      [
        `--name=testbed`,
        `--data-dir=${join(dir, "etcd")}`,
        `--listen-client-urls=http://127.0.0.1:${ports.etcd}`,
        `--advertise-client-urls=http://127.0.0.1:${ports.etcd}`,
        `--listen-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
        `--initial-cluster=testbed=http://127.0.0.1:${ports.etcdPeer}`,
        // A throwaway cluster: durability on power loss buys nothing, and fsync is most of etcd's latency here.
        "--unsafe-no-fsync",
        "--log-level=warn",
      ],
    ],
    [
      "kube-apiserver",
      binaries["kube-apiserver"],
      [
        `--etcd-servers=http://127.0.0.1:${ports.etcd}`,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        // The endpoint reconciler refuses a loopback address; nothing in a simulated pod dials kubernetes.default.
        "--endpoint-reconciler-type=none",
        `--secure-port=${ports.apiserver}`,
        `--tls-cert-file=${pki.apiserver.cert}`,
        `--tls-private-key-file=${pki.apiserver.key}`,
        `--client-ca-file=${pki.ca.cert}`,
        `--kubelet-client-certificate=${pki.kubeletClient.cert}`,
        `--kubelet-client-key=${pki.kubeletClient.key}`,
        "--kubelet-preferred-address-types=InternalIP",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        `--service-account-key-file=${pki.serviceAccount.publicKey}`,
        `--service-account-signing-key-file=${pki.serviceAccount.privateKey}`,
        "--service-cluster-ip-range=10.96.0.0/16",
        "--authorization-mode=Node,RBAC",
        "--allow-privileged=true",
        "--profiling=false",
      ],
    ],
    [
      "kube-controller-manager",
      binaries["kube-controller-manager"],
      [
        `--kubeconfig=${kubeconfigs.controllerManager}`,
        "--secure-port=0",
        "--leader-elect=false",
        "--use-service-account-credentials=true",
        `--service-account-private-key-file=${pki.serviceAccount.privateKey}`,
        `--root-ca-file=${pki.ca.cert}`,
        `--cluster-signing-cert-file=${pki.ca.cert}`,
        `--cluster-signing-key-file=${pki.ca.key}`,
        "--profiling=false",
      ],
    ],
    [
      "kube-scheduler",
      binaries["kube-scheduler"],
      [
        `--kubeconfig=${kubeconfigs.scheduler}`,
        "--secure-port=0",
        "--leader-elect=false",
        "--profiling=false",
      ],
    ],
    [
      "kwok",
      binaries.kwok,
      [
        `--kubeconfig=${kubeconfigs.kwok}`,
        `--config=${join(TESTBED_DIR, "stages.yaml")}`,
        `--config=${join(dir, "kwok-io.yaml")}`,
        "--manage-all-nodes=true",
        "--node-ip=127.0.0.1",
        `--server-address=127.0.0.1:${ports.kwok}`,
        // The node's kubelet port, which the API server dials for logs and port-forward.
        `--node-port=${ports.kwok}`,
        "--node-lease-duration-seconds=40",
        "--cidr=10.244.0.0/16",
      ],
    ],
    [
      "provisioner",
      process.execPath,
      [
        "--import",
        "tsx",
        join(TESTBED_DIR, "provisioner.ts"),
        state.kubeconfig,
        join(dir, "volumes"),
      ],
    ],
  ];
}

function start(state: TestbedState, component: Component, command: string, args: string[]): void {
  const log = join(state.dir, "logs", `${component}.log`);
  const spawned = spawnLogged({
    command,
    args,
    env: process.env,
    cwd: join(TESTBED_DIR, ".."),
    logPath: log,
    outlive: true,
  });
  state.components[component] = { command, args, process: spawned.identity, log };
  writeState(state);
}

function lastLines(path: string, n = 15): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-n).join("\n");
  } catch {
    return "(no log)";
  }
}

async function waitFor(
  state: TestbedState,
  component: Component,
  what: string,
  attempt: () => Promise<void>,
): Promise<void> {
  const record = state.components[component]!;
  const outcome = await pollUntil(attempt, {
    timeoutMs: START_TIMEOUT_MS,
    stop: () => (isAlive(record.process) ? undefined : `${component} exited`),
  });
  if (!outcome.ok) {
    throw new Error(
      `testbed: ${what}: ${outcome.reason}\n--- ${record.log}\n${lastLines(record.log)}`,
    );
  }
}

async function apiReady(
  state: TestbedState,
  pki: Pki,
  path: string,
  check?: (body: string) => boolean,
) {
  const { status, body } = await apiGet(state, pki, path);
  if (status !== 200 || (check && !check(body)))
    throw new Error(`${path}: ${status} ${body.slice(0, 200)}`);
}

/**
 * Starts a Kubernetes control plane on 127.0.0.1 in `dir` (emptied first): etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler, KWOK with one simulated node, and a volume provisioner
 * for parity's StorageClass. Resolves once the node is Ready and the controllers have made the
 * default ServiceAccount, with the state that `stopTestbed` needs.
 */
export async function startTestbed(binaries: Binaries, dir: string): Promise<TestbedState> {
  if (readState(dir)) await stopTestbed(dir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "logs"), { recursive: true });
  const pki = createPki(join(dir, "pki"));
  const ports = {
    etcd: await freePort(),
    etcdPeer: await freePort(),
    apiserver: await freePort(),
    kwok: await freePort(),
  };
  const server = `https://127.0.0.1:${ports.apiserver}`;
  const state: TestbedState = {
    dir,
    kubeconfig: join(dir, "kubeconfig"),
    server,
    ports,
    components: {},
  };
  const configs = {
    admin: state.kubeconfig,
    controllerManager: join(dir, "controller-manager.kubeconfig"),
    scheduler: join(dir, "scheduler.kubeconfig"),
    kwok: join(dir, "kwok.kubeconfig"),
  };
  writeFileSync(configs.admin, kubeconfig(server, pki.ca.cert, pki.admin, "admin"), {
    mode: 0o600,
  });
  writeFileSync(
    configs.controllerManager,
    kubeconfig(server, pki.ca.cert, pki.controllerManager, "system:kube-controller-manager"),
  );
  writeFileSync(
    configs.scheduler,
    kubeconfig(server, pki.ca.cert, pki.scheduler, "system:kube-scheduler"),
  );
  writeFileSync(configs.kwok, kubeconfig(server, pki.ca.cert, pki.kwok, "kwok"));
  writeKwokIo(dir);
  writeState(state);

  const plan = componentArgs(binaries, state, pki, configs);
  const startNamed = (name: Component) => {
    const [, command, args] = plan.find(([n]) => n === name)!;
    start(state, name, command, args);
  };
  try {
    startNamed("etcd");
    await waitFor(state, "etcd", "etcd did not become healthy", async () => {
      const res = await fetch(`http://127.0.0.1:${ports.etcd}/health`);
      if (!res.ok) throw new Error(`health ${res.status}`);
    });
    startNamed("kube-apiserver");
    await waitFor(state, "kube-apiserver", "kube-apiserver did not become ready", () =>
      apiReady(state, pki, "/readyz"),
    );
    for (const name of [
      "kube-controller-manager",
      "kube-scheduler",
      "kwok",
      "provisioner",
    ] as const)
      startNamed(name);
    await createNode(state, pki);
    await waitFor(state, "kwok", `node ${NODE_NAME} did not become Ready`, () =>
      apiReady(state, pki, `/api/v1/nodes/${NODE_NAME}`, (body) =>
        /"type":"Ready","status":"True"/.test(body),
      ),
    );
    await waitFor(
      state,
      "kube-controller-manager",
      "the controllers did not create the default ServiceAccount",
      () => apiReady(state, pki, "/api/v1/namespaces/default/serviceaccounts/default"),
    );
  } catch (error) {
    await stopTestbed(dir);
    throw error;
  }
  return state;
}

async function createNode(state: TestbedState, pki: Pki): Promise<void> {
  const node = {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: NODE_NAME,
      annotations: { "kwok.x-k8s.io/node": "fake" },
      labels: { "kubernetes.io/hostname": NODE_NAME, "kubernetes.io/os": "linux", type: "kwok" },
    },
  };
  await new Promise<void>((resolve, reject) => {
    const req = request(
      `${state.server}/api/v1/nodes`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        ca: readFileSync(pki.ca.cert),
        cert: readFileSync(pki.admin.cert),
        key: readFileSync(pki.admin.key),
      },
      (res) => {
        res.resume();
        res.on("end", () =>
          res.statusCode === 201 || res.statusCode === 409
            ? resolve()
            : reject(new Error(`creating node ${NODE_NAME}: HTTP ${res.statusCode}`)),
        );
      },
    );
    req.once("error", reject);
    req.end(JSON.stringify(node));
  });
}

/** A kubeconfig for a user the cluster knows by its certificate but grants nothing (RBAC). */
export function userKubeconfig(dir: string, user: string): string {
  const state = readState(dir);
  if (!state) throw new Error(`testbed: not running in ${dir}`);
  const pki = pkiOf(dir);
  const pair = signCert(join(dir, "pki"), pki.ca, `user-${user}`, {
    subject: `/CN=${user}`,
    usage: "clientAuth",
    days: 2,
  });
  const path = join(dir, `${user}.kubeconfig`);
  writeFileSync(path, kubeconfig(state.server, pki.ca.cert, pair, user), { mode: 0o600 });
  return path;
}

/** Stops one component and starts it again with the same arguments (a kube-apiserver restart, say). */
export async function restartComponent(dir: string, component: Component): Promise<void> {
  const state = readState(dir);
  const record = state?.components[component];
  if (!state || !record) throw new Error(`testbed: no ${component} running in ${dir}`);
  await stopGroup(record.process, "SIGTERM", systemClock);
  start(state, component, record.command, record.args);
  if (component === "kube-apiserver") {
    await waitFor(state, component, "kube-apiserver did not become ready again", () =>
      apiReady(state, pkiOf(dir), "/readyz"),
    );
  }
}

/** Stops every component, newest first, and leaves no process behind. Data stays for a post-mortem. */
export async function stopTestbed(dir: string): Promise<string[]> {
  const state = readState(dir);
  if (!state) return [];
  const stopped: string[] = [];
  const order: Component[] = [
    "provisioner",
    "kwok",
    "kube-scheduler",
    "kube-controller-manager",
    "kube-apiserver",
    "etcd",
  ];
  await Promise.all(
    order.map(async (name) => {
      const record = state.components[name];
      if (!record || !identityOf(record.process.pid)) return;
      if ((await stopGroup(record.process, "SIGTERM", systemClock, 5000)) !== "gone")
        stopped.push(name);
    }),
  );
  rmSync(statePath(dir));
  return stopped;
}
