import { majorOf } from "../../catalog/kind.js";
import { localLayout } from "../../run/local/layout.js";
import { localStatus } from "../../run/local/status.js";
import { LocalTarget } from "../../run/local/target.js";
import { localEndpoints } from "../endpoints.js";
import type { Output } from "../output.js";
import { openProject } from "../project.js";

/** `parity status [--json]`: state, pid, ports, uptime and URL of each resource; no secrets. */
export async function statusCommand(
  options: { file: string; json?: boolean },
  output: Output,
): Promise<number> {
  const { plan, dir } = openProject(options.file);
  const target = new LocalTarget({ projectDir: dir, plan, binaries: new Map() });
  const statuses = await localStatus(plan, target);
  const urls = new Map(localEndpoints(plan).map((e) => [e.label, e.url]));
  const rows = statuses.map((s) => ({ ...s, url: urls.get(s.name) }));
  if (options.json) {
    output.print(
      JSON.stringify(
        { stack: plan.stack, target: "local", dir: localLayout(dir).root, resources: rows },
        null,
        2,
      ),
    );
    return 0;
  }
  const width = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) {
    const state =
      r.state === "exited"
        ? "exited 0"
        : r.state === "failed"
          ? `failed (exit ${r.exitCode})`
          : r.state;
    const extras = [
      r.pid && r.version ? versionNote(r.version, r.image) : "",
      r.pid ? `pid ${r.pid}` : "",
      r.uptimeSeconds !== undefined && r.pid ? `up ${formatUptime(r.uptimeSeconds)}` : "",
      r.url && (r.state === "ready" || r.state === "running") ? r.url : "",
    ].filter(Boolean);
    output.print(`${r.name.padEnd(width)}  ${state.padEnd(14)} ${extras.join("  ")}`.trimEnd());
  }
  return 0;
}

/** `18.1`, or `7.0.15 (redis:8.4.0 in a cluster)` when the majors differ. */
function versionNote(version: string, image: string | undefined): string {
  const tag = image?.split(":").pop() ?? "";
  return majorOf(version) === majorOf(tag) ? version : `${version} (${image} in a cluster)`;
}

function formatUptime(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${seconds % 60}s`;
  return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
}
