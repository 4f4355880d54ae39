import { join } from "node:path";
import type { PypiDistribution } from "../../../catalog/index.js";
import type { BuildFetcher } from "./index.js";
import { writeLauncher } from "./launcher.js";
import { runTool } from "./run.js";

const PIP = ["-m", "pip", "--disable-pip-version-check"];

/** Through the user's python3 and pip (its index and proxy), into a directory of the build's own. */
export const pypiFetcher: BuildFetcher<PypiDistribution> = {
  id: (dist) => dist.project,
  async versions(dist) {
    const out = await runTool("python3", [...PIP, "index", "versions", dist.project]);
    const listed = /Available versions:\s*(.+)/.exec(out)?.[1] ?? "";
    return listed
      .split(",")
      .map((v) => v.trim())
      .filter((v) => /^\d+(\.\d+)*$/.test(v));
  },
  async fetch(dist, _id, version, root) {
    const site = join(root, "site");
    await runTool("python3", [
      ...PIP,
      "install",
      "--quiet",
      "--no-warn-script-location",
      "--target",
      site,
      dist.requirement(version),
    ]);
    // The interpreter pip installed for: compiled wheels load only in that one.
    const python = (await runTool("python3", ["-c", "import sys; print(sys.executable)"])).trim();
    for (const [name, module] of Object.entries(dist.scripts))
      writeLauncher(
        root,
        name,
        `PYTHONPATH="$here/site\${PYTHONPATH:+:$PYTHONPATH}" exec ${python} -m ${module} "$@"`,
      );
  },
};
