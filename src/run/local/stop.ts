import type { Clock } from "./poll.js";
import { groupMembers, identityOf, isAlive, signalGroup, type ProcessIdentity } from "./proc.js";

/**
 * Stops a process group: the polite signal, then SIGKILL when it is still there after `graceMs`.
 * Resolves once no member of the group is left.
 */
export async function stopGroup(
  identity: ProcessIdentity,
  signal: NodeJS.Signals,
  clock: Clock,
  graceMs = 8000,
): Promise<"stopped" | "killed" | "gone"> {
  const pgid = identity.pid;
  // The leader may be gone while its children live on (rabbitmq-server's shell and its beam).
  // A pid in use by another process means the group number was reused: not ours to touch.
  const alive = () =>
    isAlive(identity) || (identityOf(pgid) === undefined && groupMembers(pgid).length > 0);
  if (!alive()) return "gone";
  signalGroup(pgid, signal);
  const deadline = clock.now() + graceMs;
  while (clock.now() < deadline) {
    if (!alive()) return "stopped";
    await clock.sleep(50);
  }
  signalGroup(pgid, "SIGKILL");
  while (alive()) await clock.sleep(20);
  return "killed";
}
