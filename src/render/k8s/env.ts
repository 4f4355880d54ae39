import type { EnvVar } from "../../plan/types.js";

/** Plan env as container env: passwords from their Secret, URLs by `$(VAR)` expansion; no value inline. */
export function containerEnv(env: readonly EnvVar[]): Array<Record<string, unknown>> {
  return env.map((v) => {
    switch (v.source) {
      case "secret":
        return { name: v.name, valueFrom: { secretKeyRef: { name: v.secret, key: v.key } } };
      case "connection":
        return { name: v.name, value: v.cluster };
      case "literal":
        return { name: v.name, value: v.value };
    }
  });
}

export function secretEnv(name: string, secret: string): Record<string, unknown> {
  return { name, valueFrom: { secretKeyRef: { name: secret, key: "password" } } };
}
