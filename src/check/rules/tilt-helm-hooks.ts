import { logicalLines } from "../lines.js";
import type { SourceFile } from "../source.js";
import { stringList, stringValue, argument } from "../starlark.js";
import { chartLabel, helmCharts, inDirectory, tiltProgram, type HelmChart } from "../tilt.js";
import type { Rule, RuleFinding } from "../types.js";

// The annotation key itself, not helm.sh/hook-weight or helm.sh/hook-delete-policy.
const HOOK = /(?<![\w./-])["']?helm\.sh\/hook["']?\s*:\s*["']?([^"'#\n]*)/;

interface Hook {
  file: SourceFile;
  events: string;
}

/** Charts whose Helm hooks Tilt's built-in helm() would apply as ordinary objects. */
export const tiltHelmHooksRule: Rule = {
  meta: {
    id: "tilt-helm-hooks",
    severity: "warning",
    description: "Tilt's built-in helm() on a chart whose templates are Helm hooks",
    docs:
      "Tilt's built-in `helm()` renders a chart with `helm template` and applies what it renders " +
      "itself: objects annotated `helm.sh/hook` are not run as hooks at their point of the " +
      "release (pre-install, post-upgrade, …) but applied as ordinary objects, all at once and " +
      "in no order (tilt-dev/tilt#3658). A pre-install migration Job then races the app it " +
      "should precede, and a hook's delete policy never applies. The rule follows `helm()` calls " +
      "whose chart is a local directory in the repository and reads the chart's templates " +
      "(subcharts in its charts/ included) as text.",
    advice:
      "Deploy the chart with the helm_resource extension, which runs `helm upgrade --install` so " +
      "hooks run: `load('ext://helm_resource', 'helm_resource')`, then " +
      "`helm_resource('app', 'charts/app')`. Or move the hook's work into a Job of its own and " +
      "make the app wait for it with `resource_deps`.",
  },
  fileTypes: ["tiltfile"],
  triggers: ["helm"],
  scope: "files",
  *check(file, context) {
    const files = context.files?.();
    if (!files) return;
    for (const chart of helmCharts(file)) {
      if (!files.some((f) => f.path === inDirectory(chart.dir, "Chart.yaml"))) continue;
      const prefix = inDirectory(chart.dir, "");
      const hooks = files
        // Tilt's helm() drops a chart's tests (templates whose path has `/tests/`), as helm does.
        .filter((f) => f.type === "helm-template" && f.path.startsWith(prefix))
        .filter((f) => !f.path.slice(prefix.length).includes("/tests/"))
        .flatMap((f) => hooksOf(f));
      if (hooks.length) yield finding(file, chart, hooks);
    }
  },
};

function hooksOf(file: SourceFile): Hook[] {
  for (const line of logicalLines(file)) {
    const m = HOOK.exec(line.text);
    // `pre-install{{ end }}`: the events end where a template action starts.
    const events = m?.[1]!.replace(/(?<=\S)\s*\{\{.*$/, "").trim();
    // `helm test` hooks run only under `helm test`: Tilt never applies them.
    if (events !== undefined && !/^test(-success|-failure)?$/.test(events))
      return [{ file, events }];
  }
  return [];
}

function finding(file: SourceFile, chart: HelmChart, hooks: Hook[]): RuleFinding {
  const [first] = hooks;
  const more = hooks.length > 1 ? ` and ${hooks.length - 1} more template(s)` : "";
  return {
    start: chart.arg.start,
    end: chart.arg.end,
    message:
      `helm() renders ${chartLabel(chart)}, whose templates are Helm hooks ` +
      `(\`helm.sh/hook: ${first!.events}\` in ${first!.file.path}${more}): Tilt applies them ` +
      "as ordinary objects, at the same time as everything else, instead of running them as hooks",
    advice: advice(file, chart),
  };
}

/** The helm_resource call that replaces this helm() call, values and set flags included. */
function advice(file: SourceFile, chart: HelmChart): string {
  const program = tiltProgram(file);
  const name = stringValue(argument(chart.call, 1, "name"), program) ?? chart.dir.split("/").pop();
  const flags = [
    ...(stringList(argument(chart.call, 3, "values"), program) ?? []).flatMap((v) => [
      "--values",
      v,
    ]),
    ...(stringList(argument(chart.call, 4, "set"), program) ?? []).flatMap((s) => ["--set", s]),
  ];
  const path = chart.arg.kind === "string" ? chart.arg.value : chart.written;
  const call = `helm_resource('${name || "app"}', ${chart.arg.kind === "string" ? `'${path}'` : path}${
    flags.length ? `, flags=[${flags.map((f) => `'${f}'`).join(", ")}]` : ""
  })`;
  return (
    "Deploy the chart with the helm_resource extension, which runs `helm upgrade --install` so " +
    `the hooks run: \`load('ext://helm_resource', 'helm_resource')\` then \`${call}\` in place ` +
    "of this helm() call (and of the k8s_yaml() around it). Or move the hook's work (a " +
    "migration, say) into a Job of its own, deployed with k8s_yaml, and make the app wait for it " +
    "with `k8s_resource('app', resource_deps=['migrate'])`."
  );
}
