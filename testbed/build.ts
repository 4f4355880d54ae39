import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  BINARIES,
  cacheDir,
  KUBERNETES_VERSION,
  sourceStamp,
  TESTBED_DIR,
  type BinaryName,
} from "./versions.js";

export type Binaries = Record<BinaryName, string>;

interface BuildRecord {
  stamp: string;
  seconds: number;
  builtAt: string;
}

/** The component version Kubernetes' own builds stamp in, so `kubectl version` and /version tell the truth. */
function versionFlags(version: string): string {
  const [major, minor] = version.slice(1).split(".");
  const vars = [
    `k8s.io/component-base/version.gitVersion=${version}`,
    `k8s.io/component-base/version.gitMajor=${major}`,
    `k8s.io/component-base/version.gitMinor=${minor}`,
    `k8s.io/component-base/version.gitTreeState=clean`,
    `k8s.io/client-go/pkg/version.gitVersion=${version}`,
    `k8s.io/client-go/pkg/version.gitMajor=${major}`,
    `k8s.io/client-go/pkg/version.gitMinor=${minor}`,
  ];
  return ["-s", "-w", ...vars.map((v) => `-X ${v}`)].join(" ");
}

function goVersion(): string {
  const result = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8" });
  if (result.error || result.status !== 0)
    throw new Error(
      `the testbed is built with Go, and \`go\` cannot run: ${result.error?.message ?? result.stderr.trim()}`,
    );
  return result.stdout.trim();
}

function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "inherit", "inherit"] });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited ${code}`)),
    );
  });
}

/** The binaries of the cache when they were built from the current sources, else undefined. */
export function cachedBinaries(): Binaries | undefined {
  const dir = cacheDir();
  const recordPath = join(dir, "build.json");
  if (!existsSync(recordPath)) return undefined;
  const record = JSON.parse(readFileSync(recordPath, "utf8")) as BuildRecord;
  if (record.stamp !== sourceStamp(goVersion())) return undefined;
  const binaries = binaryPaths(join(dir, "bin"));
  return Object.values(binaries).every((path) => existsSync(path)) ? binaries : undefined;
}

function binaryPaths(bin: string): Binaries {
  return Object.fromEntries(
    Object.keys(BINARIES).map((name) => [name, join(bin, name)]),
  ) as Binaries;
}

/**
 * Builds etcd, the control plane, kubectl and KWOK from their Go modules into the cache, unless
 * the cache already holds this release built from these sources. The new binaries replace the
 * old ones only once all of them are built, so an interrupted build leaves a usable cache or none.
 */
export async function ensureBinaries(log: (line: string) => void = () => {}): Promise<Binaries> {
  const cached = cachedBinaries();
  if (cached) return cached;
  const dir = cacheDir();
  const staging = join(dir, "bin.new");
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const started = Date.now();
  const ldflags = versionFlags(KUBERNETES_VERSION);
  for (const module of ["kube", "kwok"] as const) {
    const packages = Object.entries(BINARIES)
      .filter(([, b]) => b.module === module)
      .map(([, b]) => b.pkg);
    log(`testbed: go build ${packages.join(" ")}`);
    await run(
      "go",
      ["build", "-trimpath", `-ldflags=${ldflags}`, "-o", `${staging}/`, ...packages],
      join(TESTBED_DIR, module),
    );
  }
  const bin = join(dir, "bin");
  rmSync(bin, { recursive: true, force: true });
  renameSync(staging, bin);
  const seconds = Math.round((Date.now() - started) / 1000);
  const record: BuildRecord = {
    stamp: sourceStamp(goVersion()),
    seconds,
    builtAt: new Date().toISOString(),
  };
  writeFileSync(join(dir, "build.json"), `${JSON.stringify(record, null, 2)}\n`);
  log(`testbed: built in ${seconds} s into ${bin}`);
  return binaryPaths(bin);
}
