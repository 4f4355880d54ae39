import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** The unprivileged account that runs servers which refuse root (postgres, initdb). */
export interface RunAs {
  user: string;
  uid: number;
  gid: number;
}

/**
 * When parity runs as root: the `postgres` account the Debian package creates, else `nobody`.
 * Otherwise undefined: servers run as the current user.
 */
export function unprivilegedAccount(passwd = "/etc/passwd"): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const accounts = new Map<string, RunAs>();
  for (const line of readFileSync(passwd, "utf8").split("\n")) {
    const [user, , uid, gid] = line.split(":");
    if (user && uid && gid) accounts.set(user, { user, uid: Number(uid), gid: Number(gid) });
  }
  return accounts.get("postgres") ?? accounts.get("nobody");
}

/** Whether the account can enter `dir` (every parent needs the search bit for it). */
export function canReach(account: RunAs, dir: string): boolean {
  const result = spawnSync("test", ["-x", dir], { uid: account.uid, gid: account.gid });
  return result.status === 0;
}
