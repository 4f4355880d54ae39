import type { Resource } from "../plan/types.js";
import type { LifecycleEvent, Phase } from "./lifecycle.js";

/** What the orchestrator tells a reporter: a resource moved to a phase. */
export interface ResourceEvent {
  resource: string;
  sort: Resource["sort"];
  phase: Phase;
  event: LifecycleEvent;
  /** Milliseconds since the walk began (injected clock). */
  at: number;
  /** For failures: the last lines of the resource's log. */
  logTail?: string[];
  detail?: string;
}

export type Reporter = (event: ResourceEvent) => void;
