import { posix } from "node:path";
import { BACKING_KINDS } from "../connections.js";
import { bitnamiImage } from "../bitnami.js";
import { imageReferences } from "../images.js";
import type { SourceFile } from "../source.js";
import type { Rule, RuleFinding, ScanContext } from "../types.js";
import { dependencyKind, items } from "../workloads.js";
import { get, stringOf, valueStart } from "../yaml.js";

/** Reported by stateful-image-tag, with what a new major does to their data. */
const STATEFUL = new Set<string>([...BACKING_KINDS, "elasticsearch", "minio"]);
const ARCHIVED = /^(?:minio\/minio|localstack\/localstack)$/;

/** Images a repository builds itself: Tilt and Skaffold put their own tag on them. */
const BUILT_BY_TILT =
  /\b(?:docker_build|custom_build|docker_build_with_restart)\(\s*(?:ref\s*=\s*)?["']([^"']+)["']/g;
const BUILT_BY_SKAFFOLD = /^\s*-\s*image:\s*["']?([^\s"'#]+)/gm;

const builtImages = new WeakMap<ScanContext, ReadonlySet<string>>();

/** Tiltfiles a Tiltfile runs: `include('./svc/Tiltfile')`. */
const INCLUDE = /\binclude\(\s*["']([^"']+)["']/g;

/**
 * The images the root's Tiltfile (with the Tiltfiles it includes) and skaffold.yaml build, read
 * once per run.
 */
function built(context: ScanContext): ReadonlySet<string> {
  let names = builtImages.get(context);
  if (!names) {
    const found = new Set<string>();
    const tiltfiles = ["Tiltfile"];
    for (let i = 0; i < tiltfiles.length && i < 50; i++) {
      const text = context.read?.(tiltfiles[i]!);
      for (const m of text?.matchAll(BUILT_BY_TILT) ?? []) found.add(m[1]!);
      for (const m of text?.matchAll(INCLUDE) ?? []) {
        const path = posix.normalize(posix.join(posix.dirname(tiltfiles[i]!), m[1]!));
        if (!path.startsWith("../") && !tiltfiles.includes(path)) tiltfiles.push(path);
      }
    }
    const skaffold = context.read?.("skaffold.yaml") ?? context.read?.("skaffold.yml");
    for (const m of skaffold?.matchAll(BUILT_BY_SKAFFOLD) ?? []) found.add(m[1]!);
    builtImages.set(context, (names = found));
  }
  return names;
}

/** Any image on `latest` or on no tag: a different image with every pull. */
export const imageLatestTagRule: Rule = {
  meta: {
    id: "image-latest-tag",
    severity: "warning",
    description: "Images on `latest` or on no tag",
    docs:
      "An image on `latest`, or on no tag (which is `latest`), is whatever was pushed last: two " +
      "nodes, two developers or two restarts run different software, and Kubernetes pulls it " +
      "again on every pod start (imagePullPolicy defaults to Always for `latest`). The rule " +
      "reads every image reference of manifests, rendered Helm templates, values files, compose " +
      "and CI files, and kustomize's `newTag: latest`, including the registries that took over " +
      "Bitnami's images (`bitnamilegacy/…`, `bitnamisecure/…`). Not reported: a digest " +
      "(`@sha256:…`), a templated tag, a values `{repository, tag}` map without a tag (its " +
      "template fills it, most often with the chart's appVersion; a chart that renders is judged " +
      "on what it renders), a kustomization's `images:` entry without `newTag` (it keeps its " +
      "resource's tag), databases and brokers (stateful-image-tag says what a new major does to " +
      "their data), images the repository builds itself (Tilt's `docker_build`/`custom_build`, " +
      "in the root Tiltfile and those it `include()`s, Skaffold's artifacts, a compose service " +
      "with `build:`, `imagePullPolicy: Never`), and a chart's `helm test` pods.",
    advice: "Pin a version tag, ideally with its digest (`image:1.2.3@sha256:…`).",
  },
  fileTypes: ["manifest", "compose", "helm-values", "kustomization", "ci"],
  // Only what can name an untagged or `latest` image: most manifests pin every tag, and are then
  // not parsed for this rule. `latest` anywhere (kustomize's newTag too); an `image:` value with
  // no tag or digest (a registry's port allowed), inline or in a flow map; an image as a map
  // (GitLab CI's `image: {name: …}`); GitHub's job `container:`, CI and compose `services:`.
  triggers: [
    "latest",
    /\bimage["']?\s*:\s*["']?(?:[\w.-]+(?::\d+)?\/)*[\w.-]+["']?\s*(?:[,}#]|$)/m,
    /\bimage\s*:\s*(?:\{|$)/m,
    /\bcontainer\s*:/,
    /^\s*services\s*:/m,
    "docker://",
  ],
  *check(file, context) {
    // A kustomization's `images:` rewrites images of its resources: the tag is theirs unless
    // `newTag` sets one.
    if (file.type === "kustomization") {
      yield* kustomizeLatest(file);
      return;
    }
    const images = imageReferences(file);
    if (!images.length) return;
    const local = built(context);
    for (const image of images) {
      const { ref, display } = image;
      if (display.includes("@") || /[:@]/.test(file.text[image.end] ?? "")) continue;
      if (ref.tag !== undefined && ref.tag !== "latest") continue;
      // A values map without a tag leaves it to the template, which most often defaults it to
      // the chart's appVersion (a chart that renders is judged on what it renders).
      if (image.split && ref.tag === undefined) continue;
      const bitnami = bitnamiImage(ref)?.kind;
      // Gone whatever the tag (bitnami-image); archived or account-bound (archived-image).
      if (bitnami === "bitnami" || ARCHIVED.test(ref.repository)) continue;
      const kind = dependencyKind(ref);
      if (kind && STATEFUL.has(kind) && !bitnami) continue;
      if (local.has(display) || local.has(display.replace(/:latest$/, ""))) continue;
      if (builtHere(file, image.start)) continue;
      yield {
        start: image.start,
        end: image.end,
        message:
          ref.tag === undefined
            ? `\`${display}\` has no tag, so it runs \`latest\`: whatever was pushed last, different from one pull to the next`
            : `\`${display}\` runs whatever was pushed last, different from one pull to the next`,
        advice:
          bitnami === "secure"
            ? "Bitnami Secure Images publish only `latest` for free: pin its digest (`@sha256:…`), or move to the project's official image, pinned to a version."
            : `Pin a version tag (\`${display.replace(/:latest$/, "")}:<version>\`), ideally with its digest.`,
      };
    }
  },
};

/**
 * Whether the image at `offset` is one the same block builds or never pulls: a compose service
 * with `build:`, a container with `imagePullPolicy: Never` (an image loaded into the cluster).
 */
function builtHere(file: SourceFile, offset: number): boolean {
  const lines = file.lines().map((line) => line.text);
  const at = file.position(offset).line - 1;
  // Indentation as the YAML block sees it: a sequence item's `- ` counts as indentation.
  const indentOf = (line: string) => /^[ \t-]*/.exec(line)![0].length;
  const indent = indentOf(lines[at]!);
  const itemStart = (line: string) => /^\s*-\s/.test(line);
  const siblings: string[] = [lines[at]!];
  for (let i = at - 1; i >= 0 && !itemStart(lines[i + 1]!); i--) {
    if (lines[i]!.trim() && indentOf(lines[i]!) < indent) break;
    siblings.push(lines[i]!);
  }
  for (let i = at + 1; i < lines.length; i++) {
    if (lines[i]!.trim() && (indentOf(lines[i]!) < indent || itemStart(lines[i]!))) break;
    siblings.push(lines[i]!);
  }
  return siblings.some((line) =>
    /^[\s-]*(?:build\s*:|imagePullPolicy\s*:\s*["']?Never\b)/.test(line),
  );
}

function* kustomizeLatest(file: SourceFile): Generator<RuleFinding> {
  for (const doc of file.yaml() ?? []) {
    for (const entry of items(get(doc.contents, "images"))) {
      const tag = get(entry, "newTag");
      if (stringOf(tag) !== "latest") continue;
      const name = stringOf(get(entry, "newName")) ?? stringOf(get(entry, "name")) ?? "the image";
      const start = valueStart(tag!);
      yield {
        start,
        end: start + "latest".length,
        message: `\`newTag: latest\` runs \`${name}\` at whatever was pushed last, different from one pull to the next`,
        advice:
          "Set `newTag` to a version tag, or `digest` to the image's digest (`kustomize edit set image`).",
      };
    }
  }
}
