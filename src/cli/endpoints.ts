import type { Plan } from "../plan/types.js";
import { appHostPort } from "../run/local/env.js";

/** A URL with its password replaced, for anything printed by default. */
export function redact(url: string, secrets: readonly string[]): string {
  let out = url;
  for (const secret of secrets) {
    if (!secret) continue;
    out = out.split(encodeURIComponent(secret)).join("***").split(secret).join("***");
  }
  return out;
}

/** Every generated password of a plan (what must never be printed unasked). */
export function planSecrets(plan: Plan): string[] {
  return plan.resources.flatMap((r) =>
    r.sort === "service"
      ? [r.password]
      : r.sort === "external"
        ? // The developer's values are all treated as secrets: a URL may carry a key.
          Object.values(r.values).filter((v): v is string => Boolean(v))
        : [],
  );
}

export interface Endpoint {
  resource: string;
  /** What to call it: the resource, or `<resource> UI` for a management UI. */
  label: string;
  url: string;
}

/** Where each long-running resource answers on this machine, passwords redacted. */
export function localEndpoints(plan: Plan): Endpoint[] {
  const secrets = planSecrets(plan);
  const out: Endpoint[] = [];
  for (const r of plan.resources) {
    if (r.sort === "service") {
      const port = r.forward ?? r.profile.ports[0]!.port;
      const url = r.profile.url({ host: "127.0.0.1", port }, encodeURIComponent(r.password));
      out.push({ resource: r.name, label: r.name, url: redact(url, secrets) });
      for (const extra of r.extraForwards) {
        out.push({
          resource: r.name,
          label: `${r.name} UI`,
          url: `http://127.0.0.1:${extra.host}/`,
        });
      }
    } else if (r.sort === "app") {
      const port = appHostPort(r);
      if (port !== undefined)
        out.push({ resource: r.name, label: r.name, url: `http://127.0.0.1:${port}/` });
    }
  }
  return out;
}
