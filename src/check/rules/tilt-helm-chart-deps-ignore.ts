import { isSeq } from "yaml";
import { posix } from "node:path";
import { lineBreak } from "../edit.js";
import type { SourceFile } from "../source.js";
import {
  chartLabel,
  directoryOf,
  helmCharts,
  ignorePatterns,
  inDirectory,
  tiltIgnores,
  type HelmChart,
} from "../tilt.js";
import type { Rule, RuleFinding, ScanContext } from "../types.js";
import { get } from "../yaml.js";

/** Tiltfiles whose helm() charts have dependencies that Tilt would watch being rewritten. */
export const tiltHelmChartDepsIgnoreRule: Rule = {
  meta: {
    id: "tilt-helm-chart-deps-ignore",
    severity: "error",
    description:
      "Tilt's helm() on a chart with dependencies whose charts/ and tmpcharts/ Tilt watches",
    docs:
      "Tilt watches the directory of every chart its built-in `helm()` renders. For a chart with " +
      "`dependencies:` (Chart.yaml, or requirements.yaml for apiVersion v1), `helm dependency " +
      "build` rewrites the chart's charts/ folder and passes through tmpcharts/; each rewrite is a " +
      "change to the chart, so Tilt runs the Tiltfile again, which builds the dependencies again: " +
      "Tilt restarts forever. The `.tiltignore` next to the Tiltfile must ignore both folders. " +
      "It reads like .dockerignore: patterns are anchored at the Tiltfile's directory, so `*.tgz` " +
      "or `charts/` alone do not cover a chart's subfolders. `watch_settings(ignore=…)` counts too.",
    advice:
      "Add the chart's folders to the .tiltignore next to the Tiltfile, e.g. `charts/app/charts/` " +
      "and `charts/app/tmpcharts/` (or `**/charts/` and `**/tmpcharts/` for every chart).",
  },
  fileTypes: ["tiltfile"],
  triggers: ["helm"],
  scope: "files",
  *check(file, context) {
    const files = context.files?.();
    if (!files) return;
    let patterns: string[] | undefined;
    for (const chart of helmCharts(file)) {
      if (!hasDependencies(files, chart.dir)) continue;
      patterns ??= ignorePatterns(file, context);
      if (!patterns) return;
      // Paths from the Tiltfile's directory, as .tiltignore lines are written.
      const base = posix.relative(directoryOf(file.path), chart.dir);
      const missing = ["charts", "tmpcharts"]
        .map((folder) => `${inDirectory(base, folder)}/`)
        // A file inside the folder: `**/*.tgz` ignores what helm writes there, which is enough.
        .filter((folder) => !tiltIgnores(patterns!, `${folder}dependency-1.0.0.tgz`));
      if (missing.length) yield finding(file, chart, missing, context.read);
    }
  },
};

/** Whether the chart in `dir` declares dependencies (Chart.yaml, or v1 requirements.yaml). */
function hasDependencies(files: readonly SourceFile[], dir: string): boolean {
  const declares = (name: string) => {
    const source = files.find((f) => f.path === inDirectory(dir, name));
    const dependencies = source?.yaml()?.map((doc) => get(doc.contents, "dependencies"));
    return dependencies?.some((d) => isSeq(d) && d.items.length > 0) ?? false;
  };
  return (
    files.some((f) => f.path === inDirectory(dir, "Chart.yaml")) &&
    (declares("Chart.yaml") || declares("requirements.yaml"))
  );
}

function finding(
  file: SourceFile,
  chart: HelmChart,
  missing: string[],
  read: ScanContext["read"],
): RuleFinding {
  const tiltignore = inDirectory(directoryOf(file.path), ".tiltignore");
  // The lines appended to the .tiltignore (created when there is none).
  const text = read?.(tiltignore) ?? "";
  const newline = lineBreak(text);
  const lead = text && !text.endsWith("\n") ? newline : "";
  const fix = {
    description: `add ${missing.join(" and ")} to ${tiltignore}`,
    edits: [
      {
        file: tiltignore,
        range: [text.length, text.length] as const,
        text: lead + missing.map((m) => m + newline).join(""),
      },
    ],
  };
  const folders = missing.map((m) => `\`${m}\``).join(" and ");
  return {
    fix,
    start: chart.arg.start,
    end: chart.arg.end,
    message:
      `helm() renders ${chartLabel(chart)}, a chart with dependencies, but ${tiltignore} does not ` +
      `ignore ${folders}: \`helm dependency build\` rewrites them, each rewrite makes Tilt run the ` +
      "Tiltfile again, and Tilt restarts forever",
    advice: `Add these lines to ${tiltignore}:\n${missing.join("\n")}`,
  };
}
