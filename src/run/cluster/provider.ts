import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { UsageError } from "../../errors.js";
import type { Plan } from "../../plan/types.js";
import { renderClusterConfigs } from "../../render/cluster-configs.js";
import { CLUSTER_DIR } from "../../render/files.js";
import { storageClassObject } from "../../render/k8s/cluster-objects.js";
import { runChecked, runTool, ToolMissing, which } from "./images.js";

/** The local-cluster tools `parity cluster` drives. */
export type Provider = "k3d" | "kind";

export const PROVIDERS: readonly Provider[] = ["k3d", "kind"];

/** What to do when a tool is missing: never a piped install script, a page or a pinned command. */
export const INSTALL_HINTS: Record<Provider | "kubectl", string> = {
  k3d: "install k3d (https://k3d.io) or pass --provider kind",
  kind: "install kind (go install sigs.k8s.io/kind@v0.33.0) or pass --provider k3d",
  kubectl: "install kubectl (https://kubernetes.io/docs/tasks/tools/)",
};

/**
 * The provider asked for, else k3d when it is on PATH, else kind. A requested provider that is
 * missing, or no provider at all, is a ToolMissing naming what to install.
 */
export function chooseProvider(
  requested: string | undefined,
  path = process.env.PATH ?? "",
): Provider {
  if (requested !== undefined) {
    if (!PROVIDERS.includes(requested as Provider)) {
      throw new UsageError(`--provider ${requested}: expected k3d or kind`);
    }
    const provider = requested as Provider;
    if (!which(provider, path)) throw new ToolMissing(provider, INSTALL_HINTS[provider]);
    return provider;
  }
  const found = PROVIDERS.find((p) => which(p, path));
  if (!found) {
    throw new ToolMissing(
      "k3d",
      INSTALL_HINTS.k3d,
      "neither k3d nor kind is on PATH: install k3d (https://k3d.io) or kind (go install sigs.k8s.io/kind@v0.33.0)",
    );
  }
  return found;
}

/** The kube context each provider writes for its cluster. */
export function contextOf(provider: Provider, name: string): string {
  return `${provider}-${name}`;
}

/** The argv that creates the cluster from its config, run from the spec's directory. */
export function createArgv(provider: Provider, config: string): string[] {
  return provider === "k3d"
    ? ["k3d", "cluster", "create", "--config", config]
    : ["kind", "create", "cluster", "--config", config];
}

/** The argv that deletes the cluster; its storage folder on the host stays. */
export function deleteArgv(provider: Provider, name: string): string[] {
  return provider === "k3d"
    ? ["k3d", "cluster", "delete", name]
    : ["kind", "delete", "cluster", "--name", name];
}

/** The argv whose exit code (k3d) or output (kind) says whether the cluster exists. */
export function existsArgv(provider: Provider, name: string): string[] {
  return provider === "k3d" ? ["k3d", "cluster", "get", name] : ["kind", "get", "clusters"];
}

/** kubectl argv that waits for every node of the new cluster to be Ready. */
export function waitArgv(context: string): string[] {
  return [
    "kubectl",
    "--context",
    context,
    "wait",
    "--for=condition=Ready",
    "nodes",
    "--all",
    "--timeout=120s",
  ];
}

/** kubectl argv that applies the StorageClass (given on stdin) as parity's field manager. */
export function applyArgv(context: string): string[] {
  return [
    "kubectl",
    "--context",
    context,
    "apply",
    "--server-side",
    "--field-manager=parity",
    "-f",
    "-",
  ];
}

/**
 * The provider's config as `parity render` writes it, written to `cluster/<provider>.yaml` when
 * missing or out of date, so the cluster is always created from what the spec says now and the
 * committed file says the same. Returns the spec-relative path and whether it was written.
 */
export function prepareConfig(
  plan: Plan,
  projectDir: string,
  provider: Provider,
): { config: string; written: boolean } {
  const config = `${CLUSTER_DIR}/${provider}.yaml`;
  const rendered = renderClusterConfigs(plan).find((f) => f.path === config)!;
  const abs = join(projectDir, config);
  if (existsSync(abs) && readFileSync(abs, "utf8") === rendered.content) {
    return { config, written: false };
  }
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, rendered.content);
  return { config, written: true };
}

export interface ProviderOptions {
  plan: Plan;
  projectDir: string;
  provider: Provider;
  /** Default: PATH. */
  path?: string | undefined;
  /** Progress lines. */
  report?: (line: string) => void;
}

/**
 * Creates the cluster (unless it exists), waits for its nodes to be Ready and applies the
 * `parity-retain` StorageClass. Everything runs from the spec's directory, where k3d expands
 * `${PWD}` and kind resolves the relative storage folder.
 */
export async function createCluster(options: ProviderOptions): Promise<{ created: boolean }> {
  const { plan, projectDir, provider } = options;
  const report = options.report ?? (() => {});
  const path = options.path ?? process.env.PATH ?? "";
  const name = plan.cluster.name;
  // Both tools before anything starts: a cluster with no StorageClass is a half-made one.
  if (!which(provider, path)) throw new ToolMissing(provider, INSTALL_HINTS[provider]);
  if (!which("kubectl", path)) throw new ToolMissing("kubectl", INSTALL_HINTS.kubectl);
  const run = { path, cwd: projectDir, missingHint: INSTALL_HINTS[provider] };

  const exists = await clusterExists(provider, name, run);
  if (exists) report(`${provider} cluster ${name} already exists`);
  else {
    const { config, written } = prepareConfig(plan, projectDir, provider);
    if (written) report(`wrote ${config}`);
    // Docker would create a missing bind-mount folder owned by root; make it the user's.
    mkdirSync(resolve(projectDir, plan.cluster.storage), { recursive: true });
    const argv = createArgv(provider, config);
    report(`creating ${provider} cluster ${name}: ${argv.join(" ")}`);
    await runChecked(argv, run);
  }

  const context = contextOf(provider, name);
  const kubectl = { ...run, missingHint: INSTALL_HINTS.kubectl };
  report(`waiting for the nodes of ${context} to be Ready`);
  await runChecked(waitArgv(context), kubectl);
  const storageClass = storageClassObject(plan);
  report(`applying StorageClass ${storageClass.metadata.name}`);
  await runChecked(applyArgv(context), { ...kubectl, input: JSON.stringify(storageClass) });
  return { created: !exists };
}

/** Deletes the cluster; data in its storage folder on the host is kept. */
export async function deleteCluster(options: ProviderOptions): Promise<void> {
  const { plan, projectDir, provider } = options;
  const path = options.path ?? process.env.PATH ?? "";
  const argv = deleteArgv(provider, plan.cluster.name);
  options.report?.(`deleting ${provider} cluster ${plan.cluster.name}: ${argv.join(" ")}`);
  await runChecked(argv, { path, cwd: projectDir, missingHint: INSTALL_HINTS[provider] });
}

async function clusterExists(
  provider: Provider,
  name: string,
  run: { path: string; cwd: string; missingHint: string },
): Promise<boolean> {
  const { code, output } = await runTool(existsArgv(provider, name), run);
  if (provider === "k3d") return code === 0;
  // `kind get clusters` prints one name a line (and "No kind clusters found." on stderr).
  return code === 0 && output.split(/\r?\n/).some((line) => line.trim() === name);
}
