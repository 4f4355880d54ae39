import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { ParityError } from "../../errors.js";
import { identityOf, isAlive, type ProcessIdentity } from "./proc.js";

interface LockOwner extends ProcessIdentity {
  command: string;
}

/**
 * One parity at a time changes a stack. The lock file names its owner by pid and start time, so
 * the lock of a parity that was killed is recognised as stale and taken over.
 */
export class StackLock {
  private held = false;
  constructor(private readonly path: string) {}

  owner(): LockOwner | undefined {
    try {
      const owner = JSON.parse(readFileSync(this.path, "utf8")) as LockOwner;
      return isAlive(owner) ? owner : undefined;
    } catch {
      return undefined;
    }
  }

  acquire(command: string): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const me: LockOwner = { ...identityOf(process.pid)!, command };
    for (let attempt = 0; attempt < 2; attempt++) {
      // Written whole under a temporary name, then linked into place: link fails when a lock
      // exists, and nobody ever reads a half-written one.
      const temp = `${this.path}.${process.pid}`;
      writeFileSync(temp, JSON.stringify(me), { mode: 0o600 });
      try {
        linkSync(temp, this.path);
        this.held = true;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        const owner = this.owner();
        if (owner) {
          throw new ParityError(
            `another \`parity ${owner.command}\` (pid ${owner.pid}) is running for this stack: wait for it, or stop it with \`parity down\``,
          );
        }
        // Stale: its parity is gone. Renamed aside rather than deleted, so that of two parities
        // that found it stale together only one removes it; the other's link then fails.
        try {
          renameSync(this.path, `${this.path}.stale.${process.pid}`);
          rmSync(`${this.path}.stale.${process.pid}`, { force: true });
        } catch {
          // the other one took it
        }
      } finally {
        rmSync(temp, { force: true });
      }
    }
    throw new ParityError(`cannot take the lock ${this.path}`);
  }

  release(): void {
    if (this.held) rmSync(this.path, { force: true });
    this.held = false;
  }
}
