import { renameSync } from "node:fs";
import { join } from "node:path";
import type { NpmDistribution } from "../../../catalog/index.js";
import type { BuildFetcher } from "./index.js";
import { runTool } from "./run.js";

/** Through the user's npm (its registry, proxy and auth): `npm view`, `npm pack`, then the hydrate step. */
export const npmFetcher: BuildFetcher<NpmDistribution> = {
  id: (dist, platform, arch) => dist.packageFor(platform, arch),
  async versions(_dist, pkg) {
    const parsed = JSON.parse(await runTool("npm", ["view", pkg, "versions", "--json"])) as
      string | string[];
    return Array.isArray(parsed) ? parsed : [parsed];
  },
  async fetch(dist, pkg, version, root, work) {
    const packed = JSON.parse(
      await runTool("npm", ["pack", `${pkg}@${version}`, "--json", "--pack-destination", work], {
        cwd: work,
      }),
    ) as Array<{ filename: string }>;
    await runTool("tar", ["-xzf", join(work, packed[0]!.filename), "-C", work]);
    renameSync(join(work, "package"), root);
    await dist.hydrate(root);
  },
};
