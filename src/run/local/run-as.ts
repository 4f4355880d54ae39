import { readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";

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

/**
 * The directories on the way to `dir` (itself included) that the account may not enter, read from
 * their permission bits. Empty when it can reach `dir`.
 */
export function blockedAncestors(account: RunAs, dir: string): string[] {
  const blocked: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    const { uid, gid, mode } = statSync(current);
    const bit = uid === account.uid ? 0o100 : gid === account.gid ? 0o010 : 0o001;
    if (!(mode & bit)) blocked.unshift(current);
    if (dirname(current) === current) return blocked;
  }
}
