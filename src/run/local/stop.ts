import type { Clock } from "./poll.js";
import { groupMembers, identityOf, isAlive, signalGroup, type ProcessIdentity } from "./proc.js";

/**
 * Stops a process and its process group when it leads one: the polite signal, then SIGKILL when
 * something is still there after `graceMs`. Resolves once nothing is left (or, for a process the
 * kernel will not let go, after a last bounded wait).
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
  const send = (sig: NodeJS.Signals) => {
    // A process that leads no group of its own (a daemon such as epmd) is signalled alone.
    if (!signalGroup(pgid, sig) && isAlive(identity)) {
      try {
        process.kill(pgid, sig);
      } catch {
        // gone meanwhile
      }
    }
  };
  if (!alive()) return "gone";
  send(signal);
  const deadline = clock.now() + graceMs;
  while (clock.now() < deadline) {
    if (!alive()) return "stopped";
    await clock.sleep(50);
  }
  send("SIGKILL");
  const last = clock.now() + 5000;
  while (alive() && clock.now() < last) await clock.sleep(20);
  return "killed";
}
