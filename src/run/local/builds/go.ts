import type { GoDistribution } from "../../../catalog/index.js";
import type { BuildFetcher } from "./index.js";
import { join } from "node:path";
import { runTool } from "./run.js";

/** Through the user's Go toolchain and module proxy: `go list -m -versions`, then `go install`. */
export const goFetcher: BuildFetcher<GoDistribution> = {
  id: (dist) => dist.module,
  async versions(dist) {
    const out = await runTool("go", ["list", "-m", "-versions", "-json", dist.module], {
      // Outside any module, so a go.mod around the project cannot interfere.
      env: { ...process.env, GO111MODULE: "on", GOFLAGS: "" },
    });
    return ((JSON.parse(out) as { Versions?: string[] }).Versions ?? []).filter(
      (v) => !v.includes("-"), // releases only, no pre-releases
    );
  },
  async fetch(dist, _id, version, root, work) {
    await runTool(
      "go",
      ["install", "-trimpath", `-ldflags=${dist.ldflags(version)}`, `${dist.package}@${version}`],
      {
        cwd: work,
        // Static, as the project's release binaries are.
        env: { ...process.env, GOBIN: join(root, "bin"), CGO_ENABLED: "0", GOFLAGS: "" },
      },
    );
  },
};
