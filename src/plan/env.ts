import type { ServiceResource, EnvVar } from "./types.js";
import { envPrefix } from "./names.js";

/**
 * The env a job or app receives: for each service it uses, the password (from the service's
 * Secret) and one connection URL; then the spec's own env. The password comes first because
 * Kubernetes expands `$(VAR)` only from variables defined earlier in the list.
 */
export function wireEnv(
  uses: readonly string[],
  literal: Record<string, string>,
  services: ReadonlyMap<string, ServiceResource>,
): EnvVar[] {
  const used = uses.map((name) => services.get(name)!);
  const kindCount = new Map<string, number>();
  for (const s of used) kindCount.set(s.kind, (kindCount.get(s.kind) ?? 0) + 1);

  const env: EnvVar[] = [];
  for (const service of used) {
    const main = service.profile.ports[0]!;
    // Two services of one kind cannot both be DATABASE_URL: each gets its own <NAME>_URL.
    const urlEnv =
      kindCount.get(service.kind)! > 1 ? `${envPrefix(service.name)}_URL` : service.profile.urlEnv;
    env.push({
      name: service.passwordEnv,
      source: "secret",
      secret: service.secretName,
      key: "password",
      value: service.password,
    });
    env.push({
      name: urlEnv,
      source: "connection",
      service: service.name,
      cluster: service.profile.url(
        { host: service.name, port: main.port },
        `$(${service.passwordEnv})`,
      ),
      host: service.profile.url(
        { host: "127.0.0.1", port: service.forward ?? main.port },
        encodeURIComponent(service.password),
      ),
    });
  }
  for (const [name, value] of Object.entries(literal)) env.push({ name, source: "literal", value });
  return env;
}
