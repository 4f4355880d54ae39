import { kindOf } from "../../catalog/index.js";
import { majorOf } from "../../catalog/kind.js";
import { ParityError } from "../../errors.js";
import type { Plan, Resource, ServiceResource } from "../../plan/types.js";
import { resolveServer } from "./binaries.js";
import { missingExternalValues } from "../external.js";
import { appHostPort } from "./env.js";
import type { LocalLayout } from "./layout.js";
import { portHolder, portIsFree } from "./ports.js";
import { blockedAncestors, type RunAs } from "./run-as.js";
import { serviceContext, serviceHostPorts } from "./service-context.js";

export interface PreflightResult {
  binaries: Map<string, Record<string, string>>;
  /** The server version each service runs, as its executable reports it. */
  versions: Map<string, string>;
  warnings: string[];
}

/**
 * Everything checked before anything starts: the servers are installed, the ports are free, an
 * unprivileged server can reach its data. All problems are reported together; nothing is started.
 */
export async function preflight(
  plan: Plan,
  toStart: readonly Resource[],
  layout: LocalLayout,
  projectDir: string,
  runAs: RunAs | undefined,
  note: (message: string) => void = () => {},
): Promise<PreflightResult> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const binaries = new Map<string, Record<string, string>>();
  const versions = new Map<string, string>();

  for (const service of toStart.filter((r): r is ServiceResource => r.sort === "service")) {
    const recipe = kindOf(service.kind).local;
    const resolved = await resolveServer(recipe, service.profile, { fetch: true, note });
    const why = resolved.unavailable
      ? ` (no build of ${service.profile.version}: ${resolved.unavailable})`
      : "";
    if ("missing" in resolved) {
      problems.push(
        recipe.package
          ? `${service.name}: ${resolved.missing.join(", ")} not found${why}: install the Debian/Ubuntu package ${recipe.package} (apt-get install ${recipe.package}), or run \`parity doctor --install\``
          : `${service.name}: no ${service.kind} ${service.profile.version} to run${why}: \`parity doctor --install\` fetches it${recipe.distribution?.needs ? ` (needs ${recipe.distribution.needs})` : ""}`,
      );
      continue;
    }
    binaries.set(service.name, resolved.bin);
    if (resolved.version) versions.set(service.name, resolved.version);
    const hostMajor = resolved.version ? majorOf(resolved.version) : undefined;
    if (recipe.substitute) {
      warnings.push(`${service.name}: ${recipe.substitute}; ${service.profile.image} in a cluster`);
    } else if (
      service.profile.major !== undefined &&
      hostMajor !== undefined &&
      hostMajor !== service.profile.major
    ) {
      warnings.push(
        `${service.name} runs ${service.kind} ${resolved.version} here but ${service.profile.image} in a cluster${why}: behaviour may differ`,
      );
    }
    const dataDir = serviceContext(service, plan.stack, layout).dataDir;
    const madeBy = recipe.dataVersion?.(dataDir);
    if (madeBy && hostMajor !== undefined && Number(madeBy) !== hostMajor) {
      problems.push(
        `${service.name}: its data in ${dataDir} was made by ${service.kind} ${madeBy}, which ${resolved.version} cannot open: set services.${service.name}.version to ${madeBy}, or start over with \`parity up --fresh ${service.name}\` (deletes the data)`,
      );
    }
    const blocked = recipe.unprivileged && runAs ? blockedAncestors(runAs, projectDir) : [];
    if (runAs && blocked.length) {
      problems.push(
        `${service.name}: ${service.kind} refuses to run as root, so it runs as ${runAs.user}, which cannot enter ${projectDir}: allow it with \`chmod o+x ${blocked.join(" ")}\`, or run parity as a normal user`,
      );
    }
  }

  problems.push(...missingExternalValues(plan));

  const claims: Array<[number, string]> = [];
  for (const resource of toStart) {
    if (resource.sort === "service") {
      for (const port of serviceHostPorts(serviceContext(resource, plan.stack, layout)))
        claims.push([port, resource.name]);
    } else if (resource.sort === "app") {
      const port = appHostPort(resource);
      if (port !== undefined) claims.push([port, resource.name]);
      if (!resource.localCommand) {
        problems.push(
          `${resource.name}: no command to run it on this machine: set apps.${resource.name}.local.command (or command)`,
        );
      }
    }
  }
  const seen = new Map<number, string>();
  for (const [port, name] of claims) {
    const other = seen.get(port);
    if (other) problems.push(`port ${port} is wanted by both ${other} and ${name}`);
    seen.set(port, name);
  }
  const busy = await Promise.all(
    claims.map(async ([port, name]) =>
      (await portIsFree(port)) ? undefined : ([port, name] as const),
    ),
  );
  for (const entry of busy) {
    if (!entry) continue;
    const [port, name] = entry;
    const holder = portHolder(port);
    const who = holder ? ` by pid ${holder.pid} (${holder.command.slice(0, 80)})` : "";
    problems.push(
      `port ${port} for ${name} is already in use${who}: stop it, or forward ${name} to another port in parity.yaml`,
    );
  }

  if (problems.length)
    throw new ParityError(`cannot start:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return { binaries, versions, warnings };
}
