import type { KubeClient } from "./client.js";
import type { LiveObject } from "./readiness.js";

const TAIL_LINES = 20;

function podPath(pod: LiveObject): string {
  return `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/log`;
}

/** The container a failure is about: the first one not ready, else the first. */
function failingContainer(pod: LiveObject): { name: string; restarted: boolean } | undefined {
  type Status = { name: string; ready?: boolean; restartCount?: number };
  const statuses = [
    ...((pod.status?.initContainerStatuses ?? []) as Status[]),
    ...((pod.status?.containerStatuses ?? []) as Status[]),
  ];
  const pick = statuses.find((s) => !s.ready) ?? statuses[0];
  return pick && { name: pick.name, restarted: (pick.restartCount ?? 0) > 0 };
}

/**
 * The last lines a pod's failing container wrote (its previous run, after a restart), through the
 * API server's log subresource. When the kubelet cannot give them, one line says why.
 */
export async function podLogTail(client: KubeClient, pod: LiveObject): Promise<string[]> {
  const container = failingContainer(pod);
  if (!container) return [];
  const fetch = (previous: boolean) =>
    client.request<string>(podPath(pod), {
      query: { container: container.name, tailLines: TAIL_LINES, previous: previous || undefined },
      text: true,
      // A kubelet that cannot give logs answers 500: that is the answer, not a server away.
      retry: false,
    });
  try {
    const text = await fetch(container.restarted).catch(() => fetch(false));
    return String(text ?? "")
      .trimEnd()
      .split("\n")
      .filter(Boolean)
      .slice(-TAIL_LINES);
  } catch (error) {
    return [
      `(no log from ${pod.metadata.name}/${container.name}: ${error instanceof Error ? error.message : String(error)})`,
    ];
  }
}

/** Streams (or prints) one container's log, line by line. */
export async function podLog(
  client: KubeClient,
  pod: LiveObject,
  container: string,
  options: { follow: boolean; tailLines?: number },
  onLine: (line: string) => void,
  signal: AbortSignal,
): Promise<void> {
  await client.stream(
    podPath(pod),
    { container, follow: options.follow || undefined, tailLines: options.tailLines },
    onLine,
    signal,
  );
}
