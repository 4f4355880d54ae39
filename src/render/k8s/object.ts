import type { Plan } from "../../plan/types.js";

/** A Kubernetes object as plain data; rendering builds these, the YAML writer prints them. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** The labels every object carries; parity deletes only what carries managed-by: parity. */
export function labels(plan: Plan, name: string, component?: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": name,
    ...(component ? { "app.kubernetes.io/component": component } : {}),
    "app.kubernetes.io/part-of": plan.stack,
    "app.kubernetes.io/managed-by": "parity",
  };
}

/** The stable subset used in selectors (selectors are immutable, so no component here). */
export function selector(plan: Plan, name: string): Record<string, string> {
  return { "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": plan.stack };
}

export function metadata(plan: Plan, name: string, component?: string): K8sObject["metadata"] {
  return { name, namespace: plan.namespace, labels: labels(plan, name, component) };
}
