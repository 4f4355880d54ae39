import type { Resource } from "../../plan/types.js";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { ProcessIdentity } from "./proc.js";

/** What the local target remembers of a resource between commands. */
export interface ResourceRecord {
  sort: Resource["sort"];
  /** The process while it runs (services and apps; a job while it runs). */
  process?: ProcessIdentity;
  /** Host ports it listens on. */
  ports: number[];
  startedAt: string;
  /** Services: the server version that runs, as its executable reported it. */
  version?: string;
  /** Jobs: the exit code of the last run. */
  exitCode?: number | null;
  finishedAt?: string;
}

export interface StackState {
  version: 1;
  stack: string;
  resources: Record<string, ResourceRecord>;
}

/** `.parity/state.json`: pids and ports, rewritten whole (write + rename) so a crash never leaves half a file. */
export class StateFile {
  constructor(
    readonly path: string,
    private readonly stack: string,
  ) {}

  read(): StackState {
    try {
      const state = JSON.parse(readFileSync(this.path, "utf8")) as StackState;
      if (state.version === 1 && state.resources) return state;
    } catch {
      // missing or unreadable: nothing is known to run
    }
    return { version: 1, stack: this.stack, resources: {} };
  }

  update(change: (state: StackState) => void): StackState {
    const state = this.read();
    change(state);
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}`;
    writeFileSync(temp, JSON.stringify(state, null, 2) + "\n", { mode: 0o600 });
    renameSync(temp, this.path);
    return state;
  }
}
