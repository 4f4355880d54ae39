import { isMap, isSeq, isScalar, type Node } from "yaml";
import { parseImage, type ImageRef } from "./bitnami.js";
import { logicalLines } from "./lines.js";
import type { SourceFile } from "./source.js";
import { get, getIn, offsetIn, stringOf, walk } from "./yaml.js";

/** A container image named in a file, located at its literal text. */
export interface ImageOccurrence {
  ref: ImageRef;
  /** The reference as the user would recognize it (registry and repository joined if split). */
  display: string;
  start: number;
  end: number;
  /** Configured through a Helm chart (values files, templates): a chart replacement applies. */
  inChart: boolean;
  /** Its tag is a template or a variable (`:${TAG}`, `:{{ .Values.tag }}`), cut off `display`. */
  variableTag?: true;
  /** Helm values' `{repository, tag}` map, whose template joins the parts (and fills the tag). */
  split?: true;
}

/**
 * Every image a file names, wherever its type puts them: `image:` keys and registry/repository
 * maps in YAML, `FROM` and `--from=` in Dockerfiles, `image:` lines in templates, `docker run`,
 * `--image=` and `image.repository=` in commands. Shared so that image rules agree on what an
 * image is; found once per file (callers must not change the list).
 */
export function imageReferences(file: SourceFile): readonly ImageOccurrence[] {
  let found = imagesOf.get(file);
  if (!found) imagesOf.set(file, (found = findImages(file)));
  return found;
}

const imagesOf = new WeakMap<SourceFile, readonly ImageOccurrence[]>();

function findImages(file: SourceFile): ImageOccurrence[] {
  switch (file.type) {
    case "dockerfile":
      return dockerfileImages(file);
    case "helm-template":
      return templateImages(file);
    case "shell":
    case "tiltfile":
      return commandImages(file);
    case "ci":
      return [...yamlImages(file), ...commandImages(file)];
    default:
      return yamlImages(file);
  }
}

/**
 * The literal image at the start of `raw`: a templated or variable tail (`:{{ .Values.tag }}`,
 * `:${TAG}`) is cut off; a templated registry or repository makes it unknowable.
 */
function literal(raw: string): string | undefined {
  const cut = raw.search(/\{\{|\$/);
  let text = cut === -1 ? raw : raw.slice(0, cut);
  if (cut !== -1) {
    if (!text.endsWith(":")) return undefined;
    text = text.slice(0, -1);
  }
  return parseImage(text) ? text : undefined;
}

function occurrence(text: string, start: number, inChart: boolean): ImageOccurrence | undefined {
  const image = literal(text);
  const ref = image === undefined ? undefined : parseImage(image);
  if (!ref || !image) return undefined;
  const found: ImageOccurrence = { ref, display: image, start, end: start + image.length, inChart };
  if (image.length < text.trimEnd().length && /[{$]/.test(text)) found.variableTag = true;
  return found;
}

function yamlImages(file: SourceFile): ImageOccurrence[] {
  const out: ImageOccurrence[] = [];
  const inChart = file.type === "helm-values" || file.fromChart;
  const add = (node: Node, value: string, skip = 0) => {
    const found = occurrence(value.slice(skip), offsetIn(file.text, node, value) + skip, inChart);
    if (found) out.push(found);
  };
  for (const doc of file.yaml() ?? []) {
    // Bitnami charts let global.imageRegistry override every image's registry.
    const globalRegistry = inChart
      ? stringOf(getIn(doc.contents, ["global", "imageRegistry"]))
      : "";
    for (const { node, path, parent } of walk(doc)) {
      const key = path[path.length - 1];
      const value = stringOf(node);
      if (value !== undefined && typeof key === "string") {
        if (key === "image") add(node, value);
        else if (file.type === "ci" && key === "container") add(node, value);
        else if (file.type === "ci" && key === "uses" && value.startsWith("docker://")) {
          add(node, value, "docker://".length);
        } else if (file.type === "ci" && key === "name" && ciImageName(path)) add(node, value);
        else if (file.type === "kustomization" && path[0] === "images") {
          // `newName` replaces `name`; a `name` alone (with newTag) stays the image that runs.
          if (key === "newName" || (key === "name" && !get(parent, "newName"))) add(node, value);
        }
      }
      if (file.type === "ci" && key === "services" && isSeq(node)) {
        for (const item of node.items) if (isScalar(item)) add(item, stringOf(item) ?? "");
      }
      if (isMap(node)) {
        const split = splitImage(file, node, path, globalRegistry, inChart);
        if (split) out.push(split);
      }
    }
  }
  return out;
}

/** GitLab CI: `image: {name: …}` and `services: [{name: …}]`. */
function ciImageName(path: readonly (string | number)[]): boolean {
  return path[path.length - 2] === "image" || path[path.length - 3] === "services";
}

/** Helm values style: `{registry: docker.io, repository: bitnami/postgresql, tag: "16"}`. */
function splitImage(
  file: SourceFile,
  map: Node,
  path: readonly (string | number)[],
  globalRegistry: string | undefined,
  inChart: boolean,
): ImageOccurrence | undefined {
  // Only image maps: `repository` is also a GitHub repository (actions/checkout `with:`).
  const key = path[path.length - 1];
  const imageMap =
    (typeof key === "string" && /image$/i.test(key)) ||
    get(map, "registry") !== undefined ||
    get(map, "tag") !== undefined;
  if (!imageMap) return undefined;
  const repoNode = get(map, "repository");
  const repository = stringOf(repoNode);
  if (!repoNode || !repository || literal(repository) !== repository) return undefined;
  const registry = globalRegistry || stringOf(get(map, "registry"));
  const tagNode = get(map, "tag");
  const tag = isScalar(tagNode) && tagNode.value !== null ? String(tagNode.value) : "";
  const display = `${registry ? `${registry}/` : ""}${repository}${tag && !/[{$]/.test(tag) ? `:${tag}` : ""}`;
  const ref = parseImage(display);
  const start = offsetIn(file.text, repoNode, repository);
  return ref
    ? { ref, display, start, end: start + repository.length, inChart, split: true }
    : undefined;
}

function dockerfileImages(file: SourceFile): ImageOccurrence[] {
  const out: ImageOccurrence[] = [];
  for (const line of logicalLines(file)) {
    // FROM [--platform=…] image [AS name]; COPY --from=image; RUN --mount=…,from=image
    const from = /^\s*from\s+(?:--\S+\s+)*(\S+)/i.exec(line.text);
    const refs = from ? [{ text: from[1]!, index: from[0].length - from[1]!.length }] : [];
    if (/^\s*(copy|add|run)\b/i.test(line.text)) {
      for (const m of line.text.matchAll(/(?:--from=|[\s,]from=)([^\s,]+)/gi)) {
        refs.push({ text: m[1]!, index: m.index + m[0].length - m[1]!.length });
      }
    }
    for (const ref of refs) {
      // A stage name has no `/`; only references with a repository path are images to check.
      const found = ref.text.includes("/")
        ? occurrence(ref.text, line.start + ref.index, false)
        : undefined;
      if (found) out.push(found);
    }
  }
  return out;
}

function templateImages(file: SourceFile): ImageOccurrence[] {
  const out: ImageOccurrence[] = [];
  for (const line of logicalLines(file)) {
    const m = /^\s*(?:-\s+)?image\s*:\s*["']?([^\s"']+)/.exec(line.text);
    if (!m) continue;
    const valueAt = m[0].length - m[1]!.length;
    const found = occurrence(m[1]!, line.start + valueAt, true);
    if (found) out.push(found);
    // `image: {{ .Values.image | default "bitnami/redis:7" }}`: the default is what runs.
    if (m[1]!.startsWith("{{")) {
      for (const q of line.text.slice(valueAt).matchAll(/"([^"{}\s]+\/[^"{}\s]+)"/g)) {
        const quoted = occurrence(q[1]!, line.start + valueAt + q.index + 1, true);
        if (quoted) out.push(quoted);
      }
    }
  }
  return out;
}

// Options of `docker run` that take a value as the next word.
const VALUE_OPTIONS =
  /^(-[epvwulm]|--(env|env-file|publish|name|volume|network|platform|workdir|entrypoint|user|label|mount|restart|hostname|add-host|cpus|memory|cap-add|device|health-cmd|pull|tmpfs))$/;

function commandImages(file: SourceFile): ImageOccurrence[] {
  const out: ImageOccurrence[] = [];
  const add = (text: string, offset: number) => {
    const found = occurrence(
      text.replace(/^["']|["']$/g, ""),
      offset + (/^["']/.test(text) ? 1 : 0),
      false,
    );
    if (found) out.push(found);
  };
  for (const line of logicalLines(file)) {
    // kubectl run --image=…; helm --set image.repository=…; Tilt set=['image.repository=…']
    for (const m of line.text.matchAll(
      /(?:--image[= ]|\b(?:image|repository)=)["']?([^\s"',)\]]+)/g,
    )) {
      add(m[1]!, line.start + m.index + m[0].length - m[1]!.length);
    }
    const run =
      /\b(?:docker|podman|nerdctl)\s+(?:container\s+|image\s+)?(?:run|pull|create)\b/.exec(
        line.text,
      );
    if (!run) continue;
    let expectValue = false;
    for (const word of line.text.slice(run.index + run[0].length).matchAll(/[^\s\\]+/g)) {
      const token = word[0];
      if (expectValue) expectValue = false;
      else if (token.startsWith("-")) expectValue = VALUE_OPTIONS.test(token);
      else {
        add(token, line.start + run.index + run[0].length + word.index);
        break;
      }
    }
  }
  return out;
}
