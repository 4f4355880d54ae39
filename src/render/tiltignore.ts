import type { Plan } from "../plan/types.js";
import { fromRoot, GENERATED, type RenderLayout } from "./files.js";

/**
 * What Tilt must not watch: parity's own state (data directories change all the time, and would
 * rebuild the app), and the folders `helm dependency build` rewrites (Tilt would restart forever).
 */
export function renderTiltignore(plan: Plan, layout: RenderLayout): string {
  const lines = [`# ${GENERATED}`, `${fromRoot(layout, ".parity")}/*`, `!${layout.secretsFile}`];
  const charts = new Set<string>();
  for (const r of plan.resources)
    if (r.sort === "app" && r.chart) charts.add(fromRoot(layout, r.chart.path));
  for (const chart of [...charts].sort()) lines.push(`${chart}/charts/`, `${chart}/tmpcharts/`);
  return lines.join("\n") + "\n";
}
