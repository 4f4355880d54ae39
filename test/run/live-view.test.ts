import { describe, expect, it } from "vitest";
import { plainView } from "../../src/cli/live-view.js";
import type { ResourceEvent } from "../../src/run/events.js";

function render(events: ResourceEvent[], width = 8): string[] {
  const lines: string[] = [];
  const view = plainView((line) => lines.push(line), width);
  for (const e of events) view(e);
  return lines;
}

describe("plainView", () => {
  it("writes one line per change: seconds, the padded name, what happened", () => {
    expect(
      render([
        {
          resource: "postgres",
          sort: "service",
          phase: "starting",
          event: { type: "start" },
          at: 0,
        },
        { resource: "redis", sort: "service", phase: "ready", event: { type: "ready" }, at: 1234 },
        {
          resource: "migrate",
          sort: "job",
          phase: "exited",
          event: { type: "exit", code: 0 },
          at: 12_345,
        },
      ]),
    ).toEqual([
      "  0.0s  postgres  starting",
      "  1.2s  redis     ready",
      " 12.3s  migrate   exited 0",
    ]);
  });

  it("says what was reused: a service already running, a job done earlier", () => {
    const reused = { type: "ready", reused: true } as const;
    expect(
      render([
        { resource: "redis", sort: "service", phase: "ready", event: reused, at: 0 },
        { resource: "myapp", sort: "app", phase: "ready", event: reused, at: 0 },
        { resource: "seed", sort: "job", phase: "ready", event: reused, at: 0 },
      ]),
    ).toEqual([
      "  0.0s  redis     already running",
      "  0.0s  myapp     already running",
      "  0.0s  seed      done earlier",
    ]);
  });

  it("gives the detail of failures and skips", () => {
    expect(
      render([
        {
          resource: "migrate",
          sort: "job",
          phase: "failed",
          event: { type: "fail", reason: "x" },
          at: 2000,
          detail: "migrate: exited with code 3",
        },
        {
          resource: "myapp",
          sort: "app",
          phase: "skipped",
          event: { type: "skip", reason: "x" },
          at: 2000,
          detail: "not started: migrate failed",
        },
      ]),
    ).toEqual([
      "  2.0s  migrate   failed: migrate: exited with code 3",
      "  2.0s  myapp     skipped: not started: migrate failed",
    ]);
  });
});
