import type { FileType } from "./types.js";

/**
 * The type of a file from its path (`/`-separated), or undefined when no rule reads such files.
 * `isChartDir` says whether a directory (a prefix of `path`, "" for the root) holds a Chart.yaml:
 * only a chart's templates/ holds Go templates.
 */
export function classify(path: string, isChartDir: (dir: string) => boolean): FileType | undefined {
  const segments = path.split("/");
  const name = segments[segments.length - 1]!;
  for (let i = segments.length - 2; i >= 0; i--) {
    if (segments[i] === "templates" && isChartDir(segments.slice(0, i).join("/"))) {
      return "helm-template";
    }
  }
  if (name === "Chart.yaml") return "helm-chart";
  if (name === "Chart.lock") return "helm-lock";
  if (name.endsWith(".gotmpl")) return "helm-template"; // helmfile's templated YAML
  if (name === "Tiltfile" || name.startsWith("Tiltfile.") || /\.tiltfile$/i.test(name)) {
    return "tiltfile";
  }
  if (
    /^(Dockerfile|Containerfile)(\..+)?$/.test(name) ||
    /\.(Dockerfile|Containerfile)$/i.test(name)
  ) {
    return "dockerfile";
  }
  if (/\.(sh|bash)$/.test(name)) return "shell";
  if (!/\.ya?ml$/i.test(name) || name === ".paritycheck.yaml" || name === ".paritycheck.yml") {
    return undefined;
  }
  if (/(^|\/)\.github\/workflows\/[^/]+$/.test(path) || /(^|\.)gitlab-ci\.ya?ml$/.test(name)) {
    return "ci";
  }
  // A chart's tests (helm-unittest suites), ci/ values (chart-testing) and lint values feed
  // throwaway installs in CI, never a cluster that lasts.
  const inChartTests = segments.some(
    (segment, i) =>
      i < segments.length - 1 &&
      (segment === "tests" || segment === "ci") &&
      isChartDir(segments.slice(0, i).join("/")),
  );
  if (inChartTests || /^values[.-](?:lint|test|ci)\.ya?ml$/.test(name)) return undefined;
  if (/^(docker-)?compose([.-][\w.-]*)?\.ya?ml$/.test(name)) return "compose";
  if (/^kustomization\.ya?ml$/i.test(name)) return "kustomization";
  if (/^helmfile([.-][\w.-]*)?\.ya?ml$/.test(name) || segments.includes("helmfile.d")) {
    return "helmfile";
  }
  if (/^values([.-][\w.-]*)?\.ya?ml$/.test(name) || /[.-]values\.ya?ml$/.test(name)) {
    return "helm-values";
  }
  return "manifest";
}
