import type { AppResource, Plan } from "./types.js";

export type AppChart = NonNullable<AppResource["chart"]>;

/**
 * Apps grouped by chart, so a chart shared by an app and its worker is rendered once (by Tilt's
 * helm() and by the cluster target alike), with the first app's name as the release name.
 */
export function charts(plan: Plan): Map<AppChart, AppResource[]> {
  const byKey = new Map<string, [AppChart, AppResource[]]>();
  for (const r of plan.resources) {
    if (r.sort !== "app" || !r.chart) continue;
    const key = JSON.stringify(r.chart);
    const entry = byKey.get(key) ?? [r.chart, []];
    entry[1].push(r);
    byKey.set(key, entry);
  }
  return new Map([...byKey.values()]);
}
