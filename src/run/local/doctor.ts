import { kindOf } from "../../catalog/index.js";
import type { Plan, ServiceResource } from "../../plan/types.js";
import { resolveBinaries } from "./binaries.js";

export interface KindCheck {
  kind: string;
  services: string[];
  package: string;
  /** Resolved executables, or the names missing. */
  found: Record<string, string> | undefined;
  missing: string[];
  hostVersion: string | undefined;
  specVersion: string;
  /** The host's major version differs from the image's: parity says where parity breaks. */
  mismatch: boolean;
}

/** What the local target needs for this spec's services, and what this machine has. */
export function checkLocalRequirements(plan: Plan): KindCheck[] {
  const byKind = new Map<string, ServiceResource[]>();
  for (const r of plan.resources)
    if (r.sort === "service") byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r]);
  return [...byKind].map(([kind, services]) => {
    const first = services[0]!;
    const recipe = kindOf(kind).local;
    const resolved = resolveBinaries(recipe, first.profile.major);
    const found = "missing" in resolved ? undefined : resolved.bin;
    const hostVersion = "missing" in resolved ? undefined : resolved.version;
    const hostMajor = hostVersion ? Number(hostVersion.split(".")[0]) : undefined;
    return {
      kind,
      services: services.map((s) => s.name),
      package: recipe.package,
      found,
      missing: "missing" in resolved ? resolved.missing : [],
      hostVersion,
      specVersion: first.profile.image.split(":").pop()!,
      mismatch:
        hostMajor !== undefined &&
        first.profile.major !== undefined &&
        hostMajor !== first.profile.major,
    };
  });
}
