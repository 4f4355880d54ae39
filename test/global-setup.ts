import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { ensureBinaries } from "../testbed/build.js";
import { startTestbed, stopTestbed } from "../testbed/control-plane.js";
import { ensurePythonClients } from "./helpers/python.js";

/** What the cluster suite gets: the testbed's kubeconfig, or why there is none. */
export type TestbedContext =
  | { ok: true; kubeconfig: string; dir: string; server: string; kubectl: string }
  | { ok: false; reason: string };

declare module "vitest" {
  export interface ProvidedContext {
    testbed: TestbedContext;
    /** Where test/python/requirements.txt is installed (PYTHONPATH), or why it is not. */
    python: { ok: true; site: string } | { ok: false; reason: string };
  }
}

/**
 * The CLI tests run the real `bin/parity.js`, which runs the bundle: build it first. The cluster
 * suite needs the Kubernetes testbed: one control plane for the whole run, started here and
 * stopped after it. Where it cannot start, the cluster tests fail with the reason; the rest run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = join(import.meta.dirname, "..");
  execFileSync(process.execPath, [join(root, "scripts/build.js")], { cwd: root, stdio: "inherit" });

  try {
    project.provide("python", { ok: true, site: ensurePythonClients() });
  } catch (error) {
    project.provide("python", { ok: false, reason: (error as Error).message });
  }
  // The server builds the new kinds run locally (Kafka from Maven, versitygw built with Go, moto
  // from PyPI): fetched once here, into the shared cache, rather than inside a test's timeout.
  const doctor = spawnSync(
    process.execPath,
    [
      join(root, "bin/parity.js"),
      "-f",
      join(root, "examples/receipts/parity.yaml"),
      "doctor",
      "--install",
    ],
    { encoding: "utf8" },
  );
  if (doctor.status !== 0)
    process.stderr.write(`servers for the cloud-stack tests: ${doctor.stdout}${doctor.stderr}\n`);

  const dir = mkdtempSync(join(tmpdir(), "parity-testbed-"));
  try {
    const binaries = await ensureBinaries((line) => process.stderr.write(`${line}\n`));
    const state = await startTestbed(binaries, dir);
    process.stderr.write(
      `testbed: Kubernetes control plane at ${state.server} for the cluster suite\n`,
    );
    project.provide("testbed", {
      ok: true,
      kubeconfig: state.kubeconfig,
      dir,
      server: state.server,
      kubectl: binaries.kubectl,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`testbed: cannot start, the cluster suite will fail: ${reason}\n`);
    project.provide("testbed", { ok: false, reason });
  }
  return async () => {
    await stopTestbed(dir);
    rmSync(dir, { recursive: true, force: true });
  };
}
