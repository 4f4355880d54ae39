import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import type { AppChart } from "../../plan/charts.js";
import type { ServiceChart } from "../../plan/types.js";
import type { K8sObject } from "../../render/k8s/object.js";
import { ClusterError } from "./errors.js";

/** The helm binary: `PARITY_HELM`, else `helm` on PATH. */
export function helmCommand(): string {
  return process.env.PARITY_HELM ?? "helm";
}

/**
 * An app's chart as Tilt's helm() renders it: `helm template` with the release named after the
 * app, the stack's namespace, the spec's values files and `set`. Hooks are plain objects here, as
 * there; the objects come back in the order helm printed them.
 */
export function helmTemplate(
  chart: AppChart,
  release: string,
  namespace: string,
  projectDir: string,
): Promise<K8sObject[]> {
  const args = [
    "template",
    release,
    resolve(projectDir, chart.path),
    "--namespace",
    namespace,
    ...chart.values.flatMap((v) => ["--values", resolve(projectDir, v)]),
    ...Object.entries(chart.set).flatMap(([k, v]) => ["--set", `${k}=${v}`]),
  ];
  return helm(args, release, chart.path, projectDir).then(objectsOf);
}

/**
 * Installs (or upgrades) a third-party chart that runs a service, as Tilt's helm_resource does:
 * `helm upgrade --install` in the stack's namespace, then the objects of the release as helm
 * applied them (`helm get manifest`), for parity to wait on its workloads.
 */
export async function helmInstall(
  chart: ServiceChart,
  release: string,
  namespace: string,
  projectDir: string,
  cluster: { kubeconfig: string; context: string },
): Promise<K8sObject[]> {
  const ref =
    chart.repo || chart.chart.startsWith("oci://") ? chart.chart : resolve(projectDir, chart.chart);
  const common = ["--namespace", namespace, "--kube-context", cluster.context];
  await helm(
    [
      "upgrade",
      "--install",
      release,
      ref,
      ...common,
      ...(chart.repo ? ["--repo", chart.repo] : []),
      ...(chart.version ? ["--version", chart.version] : []),
      ...chart.values.flatMap((v) => ["--values", resolve(projectDir, v)]),
      ...Object.entries(chart.set).flatMap(([k, v]) => ["--set", `${k}=${v}`]),
    ],
    release,
    chart.chart,
    projectDir,
    cluster.kubeconfig,
  );
  return (await releaseObjects(release, namespace, projectDir, cluster)) ?? [];
}

/** The objects of a release as helm applied them (`helm get manifest`); undefined when there is none. */
export async function releaseObjects(
  release: string,
  namespace: string,
  projectDir: string,
  cluster: { kubeconfig: string; context: string },
): Promise<K8sObject[] | undefined> {
  let manifest: string;
  try {
    manifest = await helm(
      ["get", "manifest", release, "--namespace", namespace, "--kube-context", cluster.context],
      release,
      release,
      projectDir,
      cluster.kubeconfig,
    );
  } catch (error) {
    if (/release: not found/.test(String((error as Error).message))) return undefined;
    throw error;
  }
  return objectsOf(manifest);
}

/** The objects of a YAML stream helm printed, in its order, empty documents left out. */
function objectsOf(yaml: string): K8sObject[] {
  return parseAllDocuments(yaml)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => Boolean(o?.kind && o.metadata?.name));
}

/** Removes a service's chart release; a release that is not there is no error. */
export async function helmUninstall(
  release: string,
  namespace: string,
  projectDir: string,
  cluster: { kubeconfig: string; context: string },
): Promise<void> {
  await helm(
    [
      "uninstall",
      release,
      "--namespace",
      namespace,
      "--kube-context",
      cluster.context,
      "--ignore-not-found",
    ],
    release,
    release,
    projectDir,
    cluster.kubeconfig,
  );
}

/** Runs helm (against `kubeconfig`'s cluster, when given); its output, or one line of why not. */
function helm(
  args: string[],
  release: string,
  chart: string,
  cwd: string,
  kubeconfig?: string,
): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      helmCommand(),
      args,
      {
        cwd,
        maxBuffer: 64 << 20,
        env: kubeconfig ? { ...process.env, KUBECONFIG: kubeconfig } : process.env,
      },
      (error, stdout, stderr) => {
        if (!error) return resolvePromise(stdout);
        const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
        reject(
          new ClusterError(
            missing
              ? `${release}: its chart ${chart} needs helm, which is not on PATH: install helm 3 or 4 (or set PARITY_HELM)`
              : `${release}: helm ${args[0]} ${chart} failed: ${stderr.trim().split("\n").slice(-3).join(" ")}`,
            { cause: error },
          ),
        );
      },
    );
  });
}
