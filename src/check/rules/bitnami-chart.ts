import { isScalar, type Document, type Node } from "yaml";
import {
  ALL_CHART_ALTERNATIVES,
  chartAlternative,
  findChartUrls,
  isBitnamiRepository,
} from "../bitnami.js";
import { logicalLines } from "../lines.js";
import type { SourceFile } from "../source.js";
import { argument, stringValue } from "../starlark.js";
import { directoryOf, inDirectory, resolve, tiltProgram } from "../tilt.js";
import type { Rule, RuleFinding, ScanContext } from "../types.js";
import { get, offsetIn, stringOf, valueStart, walk } from "../yaml.js";

const STALE = "no longer updated, and its charts default to images that are gone";

const insecure = (setting: string) =>
  `\`${setting}\` forces a Bitnami chart onto images it was not built for (usually frozen bitnamilegacy copies)`;
const INSECURE_ADVICE =
  "This is the stopgap that keeps a Bitnami chart running; replace the chart instead (see the bitnami-chart findings for what to use).";

/** Bitnami Helm charts: repositories, dependencies, installs and the workaround that hides them. */
export const bitnamiChartRule: Rule = {
  meta: {
    id: "bitnami-chart",
    severity: "error",
    description: "Helm charts from Bitnami's repositories, which are no longer updated",
    docs:
      "The Bitnami chart repositories (https://charts.bitnami.com/bitnami and " +
      "oci://registry-1.docker.io/bitnamicharts) are no longer updated since the 2025 change, " +
      "and most charts default to docker.io/bitnami images, which were deleted on 2025-09-29. " +
      "Keeping them running needs image overrides to frozen bitnamilegacy copies plus " +
      "`global.security.allowInsecureImages: true`, which this rule reports as a warning. " +
      "The rule reads Chart.yaml and Chart.lock dependencies, Argo CD `repoURL`s, helmfile " +
      "repositories and releases, kustomize `helmCharts`, and `helm repo add`, `helm install` / " +
      "`upgrade` / `pull` / `template`, `helm_resource`, `helm_remote` and `helm_repo` in " +
      "scripts, CI files and Tiltfiles.",
    advice: ALL_CHART_ALTERNATIVES,
  },
  fileTypes: [
    "helm-chart",
    "helm-lock",
    "helm-values",
    "helm-template",
    "manifest",
    "kustomization",
    "helmfile",
    "ci",
    "shell",
    "tiltfile",
  ],
  triggers: ["bitnami", "allowInsecureImages", /\bhelm(?:_resource)?\s*\(/],
  *check(file, context) {
    const lineBased = ["ci", "shell", "tiltfile", "helm-template"].includes(file.type);
    const found = [...(lineBased ? scanLines(file) : scanYaml(file))];
    if (file.type === "tiltfile") {
      const seen = new Set(found.map((f) => f.start));
      for (const f of tiltCharts(file, context)) if (!seen.has(f.start)) found.push(f);
    }
    yield* found;
  },
};

function urlFinding(start: number, url: string, chart: string | undefined): RuleFinding {
  return {
    start,
    end: start + url.length,
    message: `\`${url}\` is a Bitnami chart repository: ${STALE}`,
    advice: chart ? chartAlternative(chart) : ALL_CHART_ALTERNATIVES,
  };
}

// A helm command, Tilt's helm extensions or a templated helmfile's `chart:` on a line make
// `bitnami/<chart>` a chart reference.
const HELM =
  /\bhelm\s+(?:upgrade|install|pull|fetch|template|show|inspect)\b|\bhelm_(?:resource|remote)\s*\(|^\s*(?:-\s+)?chart\s*:/;
const REPO_CHART = /(?<=^|[\s'"(,])bitnami\/([a-z0-9][a-z0-9.-]*)(?=$|[\s'"),])/g;
const INSECURE_SET = /global\.security\.allowInsecureImages=true\b/g;

function* scanLines(file: SourceFile): Generator<RuleFinding> {
  for (const line of logicalLines(file)) {
    const remote = /\bhelm_remote\s*\(\s*["']([\w.-]+)["']/.exec(line.text)?.[1];
    for (const url of findChartUrls(line.text)) {
      yield urlFinding(line.start + url.index, url.text, url.chart ?? remote);
    }
    if (HELM.test(line.text)) {
      for (const m of line.text.matchAll(REPO_CHART)) {
        yield {
          start: line.start + m.index,
          end: line.start + m.index + m[0].length,
          message: `\`${m[0]}\` is a chart from the Bitnami repository: ${STALE}`,
          advice: chartAlternative(m[1]),
        };
      }
    }
    for (const m of line.text.matchAll(INSECURE_SET)) {
      const start = line.start + m.index;
      yield {
        start,
        end: start + m[0].length,
        severity: "warning",
        message: insecure(m[0]),
        advice: INSECURE_ADVICE,
      };
    }
  }
}

/** Tilt calls that take a chart: `helm_resource(name, chart)`, `helm(path)`, `helm_remote(chart)`. */
const CHART_ARG: Record<string, [position: number, keyword: string]> = {
  helm_resource: [1, "chart"],
  helm: [0, "pathToChartDir"],
};

/**
 * A Tiltfile's charts by what they refer to: a `<repo>/<chart>` whose repository alias a
 * `helm_repo()` points at Bitnami (or is `bitnami` itself), spread over lines as calls are; and a
 * local chart directory that is a vendored copy of a Bitnami chart (its Chart.yaml says so).
 */
function* tiltCharts(file: SourceFile, context: ScanContext): Generator<RuleFinding> {
  const program = tiltProgram(file);
  const aliases = new Set(["bitnami"]);
  for (const call of program.calls) {
    if (call.callee !== "helm_repo") continue;
    const name = stringValue(argument(call, 0, "name"), program);
    const url = stringValue(argument(call, 1, "url"), program);
    if (name && url && isBitnamiRepository(url)) aliases.add(name);
  }
  for (const call of program.calls) {
    const position = CHART_ARG[call.callee];
    if (!position) continue;
    const arg = argument(call, ...position);
    const chart = stringValue(arg, program);
    if (!arg || !chart) continue;
    const [start, end] = [arg.start, arg.end];
    const aliased = /^([\w.-]+)\/([a-z0-9][a-z0-9.-]*)$/.exec(chart);
    if (aliased && aliases.has(aliased[1]!) && !existsLocally(file, context, chart)) {
      yield {
        start,
        end,
        message:
          aliased[1] === "bitnami"
            ? `\`${chart}\` is a chart from the Bitnami repository: ${STALE}`
            : `\`${chart}\` is a chart from the Bitnami repository (\`helm_repo('${aliased[1]}', …)\` points at it): ${STALE}`,
        advice: chartAlternative(aliased[2]),
      };
      continue;
    }
    const dir = resolve(directoryOf(file.path), chart);
    const manifest = dir === undefined ? undefined : context.read?.(inDirectory(dir, "Chart.yaml"));
    if (manifest && isBitnamiChart(manifest)) {
      const name = /^name:\s*["']?([\w.-]+)/m.exec(manifest)?.[1];
      yield {
        start,
        end,
        message: `\`${chart}\` is a vendored copy of ${name ? `Bitnami's \`${name}\` chart` : "a Bitnami chart"}: ${STALE}`,
        advice: chartAlternative(name),
      };
    }
  }
}

/** Whether a `repo/chart` argument is in fact a directory of the repository. */
function existsLocally(file: SourceFile, context: ScanContext, path: string): boolean {
  const dir = resolve(directoryOf(file.path), path);
  return dir !== undefined && context.read?.(inDirectory(dir, "Chart.yaml")) !== undefined;
}

/** A Chart.yaml of Bitnami's own: it names Bitnami as its home, source or maintainer. */
function isBitnamiChart(manifest: string): boolean {
  return (
    /^\s*(?:home|-\s+(?:name|url)|url|\s*-)\s*:?\s*["']?https?:\/\/(?:bitnami\.com|github\.com\/bitnami\/charts)/m.test(
      manifest,
    ) || /^\s*-?\s*name:\s*(?:Bitnami|Broadcom)\b/m.test(manifest)
  );
}

function* scanYaml(file: SourceFile): Generator<RuleFinding> {
  for (const doc of file.yaml() ?? []) {
    const helmfileRepos = file.type === "helmfile" ? bitnamiRepositories(doc) : undefined;
    for (const { node, path, parent } of walk(doc)) {
      const key = path[path.length - 1];
      const value = stringOf(node);
      if (value !== undefined) {
        // The sibling that names the chart: Chart.yaml `name`, Argo CD / helmfile `chart`; a
        // helmfile repository's `name` is the repository's.
        const chart =
          path[0] === "repositories"
            ? undefined
            : (stringOf(get(parent, "chart")) ?? stringOf(get(parent, "name")));
        for (const url of findChartUrls(value)) {
          yield urlFinding(offsetIn(file.text, node, url.text), url.text, url.chart ?? chart);
        }
        if (key === "repository" && /^(@|alias:)bitnami$/.test(value.trim())) {
          yield {
            ...urlFinding(valueStart(node), value.trim(), chart),
            message: `\`${value.trim()}\` refers to the Bitnami chart repository: ${STALE}`,
          };
        }
        // helmfile `releases[].chart: <repository>/<chart>`
        const release = /^([\w.-]+)\/([a-z0-9][a-z0-9.-]*)$/.exec(value);
        if (helmfileRepos && key === "chart" && release && helmfileRepos.has(release[1]!)) {
          const start = valueStart(node);
          yield {
            start,
            end: start + value.length,
            message: `\`${value}\` is a chart from the Bitnami repository: ${STALE}`,
            advice: chartAlternative(release[2]),
          };
        }
      }
      if (key === "allowInsecureImages" && isInsecure(node, path)) {
        const start = valueStart(node);
        yield {
          start,
          end: node.range?.[1] ?? start,
          severity: "warning",
          message: insecure("global.security.allowInsecureImages: true"),
          advice: INSECURE_ADVICE,
        };
      }
    }
  }
}

/** The names a helmfile gives Bitnami repositories (`bitnami` even when defined elsewhere). */
function bitnamiRepositories(doc: Document): Set<string> {
  const names = new Set(["bitnami"]);
  for (const { node, path, parent } of walk(doc)) {
    const name = stringOf(get(parent, "name"));
    if (path[0] === "repositories" && path[path.length - 1] === "url" && name) {
      if (isBitnamiRepository(stringOf(node) ?? "")) names.add(name);
    }
  }
  return names;
}

function isInsecure(node: Node, path: readonly (string | number)[]): boolean {
  const n = path.length;
  return (
    isScalar(node) &&
    (node.value === true || node.value === "true") &&
    path[n - 2] === "security" &&
    path[n - 3] === "global"
  );
}
