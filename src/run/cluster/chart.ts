import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import type { AppChart } from "../../plan/charts.js";
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
  return new Promise((resolvePromise, reject) => {
    execFile(
      helmCommand(),
      args,
      { cwd: projectDir, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        if (error) {
          const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
          reject(
            new ClusterError(
              missing
                ? `${release}: its chart ${chart.path} needs helm, which is not on PATH: install helm 3 or 4 (or set PARITY_HELM)`
                : `${release}: helm template ${chart.path} failed: ${stderr.trim().split("\n").slice(-3).join(" ")}`,
              { cause: error },
            ),
          );
          return;
        }
        const objects = parseAllDocuments(stdout)
          .map((d) => d.toJS() as K8sObject | null)
          .filter((o): o is K8sObject => Boolean(o?.kind && o.metadata?.name));
        resolvePromise(objects);
      },
    );
  });
}
