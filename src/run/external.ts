import { checkExternal } from "../catalog/external/check.js";
import { EXTERNAL_FILE } from "../catalog/external/index.js";
import type { ExternalResource, Plan } from "../plan/types.js";
import { ResourceFailed } from "./errors.js";
import { pollUntil } from "./local/poll.js";

const CHECK_TIMEOUT_MS = 15_000;

/**
 * An external service is "ready" once its check answers (when the spec gives one): both targets
 * check it from this machine, which reaches the managed dev account as the cluster does.
 */
export async function awaitExternal(service: ExternalResource, signal: AbortSignal): Promise<void> {
  if (!service.check) return;
  const value = service.values[service.check] ?? "";
  const outcome = await pollUntil(() => checkExternal(value), {
    timeoutMs: CHECK_TIMEOUT_MS,
    signal,
  });
  if (!outcome.ok)
    throw new ResourceFailed(service.name, `${service.check} does not answer: ${outcome.reason}`);
}

/** Each variable of an external service that the developer has not set, as a line to show. */
export function missingExternalValues(plan: Plan): string[] {
  return plan.resources.flatMap((r) =>
    r.sort === "external"
      ? r.variables
          .filter((v) => !r.values[v])
          .map(
            (v) =>
              `services.${r.name}: ${v} is not set: export it, or add ${v}=… to ${EXTERNAL_FILE} (git-ignored); parity never reads it from the spec`,
          )
      : [],
  );
}
