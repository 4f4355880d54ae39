import type { ResourceEvent } from "../run/events.js";
import type { Phase } from "../run/lifecycle.js";

const SYMBOL: Record<Phase, string> = {
  waiting: "·",
  starting: "…",
  ready: "✔",
  exited: "✔",
  failed: "✖",
  skipped: "−",
  stopped: "■",
};

function describe(event: ResourceEvent): string {
  if (event.event.type === "ready" && event.event.reused)
    return event.sort === "job"
      ? "done earlier"
      : event.sort === "external"
        ? "reachable"
        : "already running";
  if (event.phase === "exited") return "exited 0";
  if (event.phase === "failed" || event.phase === "skipped")
    return `${event.phase}: ${event.detail ?? ""}`;
  return event.phase;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`.padStart(6);

/** Without a TTY (CI logs): one plain line per change. */
export function plainView(
  write: (line: string) => void,
  width: number,
): (event: ResourceEvent) => void {
  return (event) =>
    write(`${seconds(event.at)}  ${event.resource.padEnd(width)}  ${describe(event)}`);
}

/**
 * On a TTY: one line per resource, redrawn in place, with a running clock for what is starting.
 * Failures are printed in full by the command once the walk is over.
 */
export class TtyView {
  private readonly rows = new Map<string, { event?: ResourceEvent; since: number }>();
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    names: readonly string[],
    private readonly stream: NodeJS.WriteStream,
    private readonly now: () => number,
  ) {
    for (const name of names) this.rows.set(name, { since: now() });
    this.draw();
    this.timer = setInterval(() => this.draw(), 100);
  }

  readonly report = (event: ResourceEvent): void => {
    this.rows.set(event.resource, { event, since: this.now() });
    this.draw();
  };

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.draw();
  }

  private draw(): void {
    const width = Math.max(...[...this.rows.keys()].map((n) => n.length));
    const lines = [...this.rows].map(([name, { event, since }]) => {
      const phase = event?.phase ?? "waiting";
      const clock =
        phase === "starting"
          ? `  ${((this.now() - since) / 1000).toFixed(1)}s`
          : event
            ? `  at ${seconds(event.at).trim()}`
            : "";
      return `${SYMBOL[phase]} ${name.padEnd(width)}  ${event ? describe(event) : "waiting"}${clock}`;
    });
    const up = this.drawn ? `\x1b[${this.drawn}A` : "";
    this.stream.write(up + lines.map((l) => `\x1b[2K${l}`).join("\n") + "\n");
    this.drawn = lines.length;
  }
}
