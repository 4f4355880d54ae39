import type { Check } from "../../catalog/index.js";

/** A catalog check as a Kubernetes probe. */
export function probe(check: Check): Record<string, unknown> {
  const handler =
    "exec" in check ? { exec: { command: check.exec } } : { tcpSocket: { port: check.tcpPort } };
  return {
    ...handler,
    ...(check.initialDelaySeconds ? { initialDelaySeconds: check.initialDelaySeconds } : {}),
    periodSeconds: check.periodSeconds,
    timeoutSeconds: check.timeoutSeconds,
    ...(check.failureThreshold ? { failureThreshold: check.failureThreshold } : {}),
  };
}

export function containerResources(r: { cpu: string; memory: string; memoryLimit: string }) {
  return { requests: { cpu: r.cpu, memory: r.memory }, limits: { memory: r.memoryLimit } };
}
