import type { Plan, Resource } from "../../plan/types.js";
import { isAlive } from "./proc.js";
import type { LocalTarget } from "./target.js";

export interface ResourceStatus {
  name: string;
  sort: Resource["sort"];
  /** ready; running (but not answering); exited 0; failed; stopped (was started, is gone); not started. */
  state:
    | "ready"
    | "running"
    | "exited"
    | "failed"
    | "stopped"
    | "not started"
    // A service parity does not run: no check given, or its check does not answer.
    | "external"
    | "unreachable";
  pid?: number;
  ports: number[];
  uptimeSeconds?: number;
  exitCode?: number | null;
  /** Services: the image a cluster runs, and the server version that runs here. */
  image?: string;
  version?: string;
}

/** What each resource of the plan is doing right now, with a real readiness check for what runs. */
export async function localStatus(
  plan: Plan,
  target: LocalTarget,
  now = Date.now(),
): Promise<ResourceStatus[]> {
  const records = target.state.read().resources;
  return Promise.all(
    plan.resources.map(async (resource): Promise<ResourceStatus> => {
      const record = records[resource.name];
      const base = {
        name: resource.name,
        sort: resource.sort,
        ports: record?.ports ?? [],
        ...(resource.sort === "service" ? { image: resource.profile.image } : {}),
        ...(record?.version ? { version: record.version } : {}),
      };
      if (resource.sort === "external")
        return {
          ...base,
          state: !resource.check
            ? "external"
            : (await target.isReady(resource))
              ? "ready"
              : "unreachable",
        };
      if (!record) return { ...base, state: "not started" };
      const uptimeSeconds = Math.round((now - Date.parse(record.startedAt)) / 1000);
      if (resource.sort === "job") {
        if (record.process && isAlive(record.process))
          return { ...base, state: "running", pid: record.process.pid, uptimeSeconds };
        if (record.exitCode === undefined) return { ...base, state: "stopped" };
        return {
          ...base,
          state: record.exitCode === 0 ? "exited" : "failed",
          exitCode: record.exitCode,
        };
      }
      if (!record.process || !isAlive(record.process)) return { ...base, state: "stopped" };
      const ready = await target.isReady(resource);
      return {
        ...base,
        state: ready ? "ready" : "running",
        pid: record.process.pid,
        uptimeSeconds,
      };
    }),
  );
}
