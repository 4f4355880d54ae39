import type { Dependency, EnvVar, ExternalResource, ServiceResource } from "./types.js";
import { envPrefix } from "./names.js";

/**
 * The env a job or app receives: for each service it uses, the password (from the service's
 * Secret), one connection URL and what else its clients read; for each external service, its
 * variables from its Secret; then the spec's own env. The password comes first because
 * Kubernetes expands `$(VAR)` only from variables defined earlier in the list.
 */
export function wireEnv(
  uses: readonly string[],
  literal: Record<string, string>,
  services: ReadonlyMap<string, Dependency>,
): EnvVar[] {
  const dependencies = uses.map((name) => services.get(name)!);
  const used = dependencies.filter((d): d is ServiceResource => d.sort === "service");
  const clientNames = (s: ServiceResource) =>
    Object.keys(s.profile.clientEnv?.({ host: "", port: 0 }, "") ?? {});
  const setBy = new Map<string, ServiceResource[]>();
  for (const s of used)
    for (const n of [s.profile.urlEnv, ...clientNames(s)])
      setBy.set(n, [...(setBy.get(n) ?? []), s]);
  // A variable a service yields is left to another that sets it and does not yield it.
  const yielded = (s: ServiceResource, n: string) =>
    (s.profile.yields?.includes(n) ?? false) &&
    setBy.get(n)!.some((other) => other !== s && !other.profile.yields?.includes(n));
  const names = (s: ServiceResource) =>
    [s.profile.urlEnv, ...clientNames(s)].filter((n) => !yielded(s, n));
  const count = new Map<string, number>();
  for (const s of used) for (const n of names(s)) count.set(n, (count.get(n) ?? 0) + 1);

  const env: EnvVar[] = [];
  for (const service of used) {
    const main = service.profile.ports[0]!;
    // Two services cannot both be DATABASE_URL (or both AWS_ACCESS_KEY_ID): where a name would
    // repeat, each service's variables take its name as a prefix (<NAME>_URL, <NAME>_AWS_…).
    const clash = names(service).some((n) => count.get(n)! > 1);
    const prefix = envPrefix(service.name);
    const urlEnv = clash ? `${prefix}_URL` : service.profile.urlEnv;
    env.push({
      name: service.passwordEnv,
      source: "secret",
      secret: service.secretName,
      key: "password",
      value: service.password,
    });
    const cluster = { host: service.clusterHost, port: main.port };
    const host = { host: "127.0.0.1", port: service.forward ?? main.port };
    const clusterPassword = `$(${service.passwordEnv})`;
    const hostPassword = encodeURIComponent(service.password);
    env.push({
      name: urlEnv,
      source: "connection",
      service: service.name,
      cluster: service.profile.url(cluster, clusterPassword),
      host: service.profile.url(host, hostPassword),
    });
    const inCluster = service.profile.clientEnv?.(cluster, clusterPassword) ?? {};
    const onHost = service.profile.clientEnv?.(host, hostPassword) ?? {};
    for (const [name, value] of Object.entries(inCluster)) {
      if (yielded(service, name)) continue;
      env.push({
        name: clash ? `${prefix}_${name}` : name,
        source: "connection",
        service: service.name,
        cluster: value,
        host: onHost[name]!,
      });
    }
  }
  for (const ext of dependencies.filter((d): d is ExternalResource => d.sort === "external"))
    for (const variable of ext.variables)
      env.push({
        name: variable,
        source: "secret",
        secret: ext.secretName,
        key: variable,
        value: ext.values[variable] ?? "",
      });
  for (const [name, value] of Object.entries(literal)) env.push({ name, source: "literal", value });
  return env;
}
