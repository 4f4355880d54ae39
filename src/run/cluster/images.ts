import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  accessSync,
  constants,
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, posix, resolve } from "node:path";
import { ParityError } from "../../errors.js";
import type { ImageSource } from "../../plan/types.js";

/** A command-line tool parity needs is not on PATH: one line naming what to install. */
export class ToolMissing extends ParityError {
  readonly tool: string;
  constructor(tool: string, hint: string, message = `${tool} is not on PATH: ${hint}`) {
    super(message, { exitCode: 1 });
    this.tool = tool;
  }
}

/** A command exited non-zero: the message names the command and ends with its last lines. */
export class CommandFailed extends ParityError {
  readonly argv: readonly string[];
  readonly outputTail: readonly string[];
  constructor(argv: readonly string[], code: number | string, outputTail: readonly string[]) {
    const tail = outputTail.map((l) => `  │ ${l}`).join("\n");
    super(`\`${argv.join(" ")}\` failed (${code})${tail ? `:\n${tail}` : ""}`, { exitCode: 1 });
    this.argv = argv;
    this.outputTail = outputTail;
  }
}

/** The executable `name` in the directories of `path` (a PATH string), or undefined. */
export function which(name: string, path = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here: keep looking
    }
  }
  return undefined;
}

export interface RunOptions {
  /** PATH used both to find argv[0] and as the child's PATH. */
  path?: string | undefined;
  cwd?: string | undefined;
  /** Written to the child's stdin (e.g. a manifest for `kubectl apply -f -`). */
  input?: string | undefined;
  /** Hint for the ToolMissing error when argv[0] is not found. */
  missingHint?: string | undefined;
  signal?: AbortSignal | undefined;
}

const TAIL_LINES = 15;

/**
 * Runs argv to completion, stdout and stderr interleaved into one bounded buffer (builds print a
 * lot; the last 64 KiB are kept). Resolves with the exit code, that output and its last lines;
 * rejects only when argv[0] is not found.
 */
export function runTool(
  argv: readonly string[],
  options: RunOptions = {},
): Promise<{ code: number; output: string; tail: string[] }> {
  const path = options.path ?? process.env.PATH ?? "";
  const executable = which(argv[0]!, path);
  if (!executable) {
    return Promise.reject(new ToolMissing(argv[0]!, options.missingHint ?? `install ${argv[0]}`));
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(executable, argv.slice(1), {
      cwd: options.cwd,
      env: { ...process.env, PATH: path },
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      signal: options.signal,
    });
    // Keep only the end: the tail is all an error message shows.
    let buffer = "";
    const collect = (chunk: Buffer) => {
      buffer = (buffer + chunk.toString("utf8")).slice(-64 * 1024);
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const lines = buffer.split(/\r?\n/).filter((l) => l.trim() !== "");
      resolvePromise({
        code: code ?? (signal ? 128 : 1),
        output: buffer,
        tail: lines.slice(-TAIL_LINES),
      });
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
  });
}

/** runTool, turning a non-zero exit into CommandFailed. */
export async function runChecked(argv: readonly string[], options: RunOptions = {}): Promise<void> {
  const { code, tail } = await runTool(argv, options);
  if (code !== 0) throw new CommandFailed(argv, `exit code ${code}`, tail);
}

// ---------------------------------------------------------------------------------------------
// Content tag

/** A `.dockerignore` line compiled: what it matches and whether it re-includes (`!`). */
interface IgnoreRule {
  regex: RegExp;
  negated: boolean;
}

/**
 * `.dockerignore` as Docker reads it, in a simple form: `#` comments and blank lines skipped,
 * patterns relative to the context root (a leading `/` and a trailing `/` are dropped, so `dir/`
 * is `dir`), `*` and `?` within one path segment, `**` across segments, `[…]` classes, `!`
 * re-includes, the last matching line wins, and a pattern that matches a directory matches
 * everything below it. As in Docker, `*.log` matches only at the root; `**\/*.log` anywhere.
 * Not handled: `<Dockerfile>.dockerignore` files beside the Dockerfile.
 */
export function parseDockerignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const negated = line.startsWith("!");
    if (negated) line = line.slice(1).trim();
    const cleaned = posix.normalize(line).replace(/^\/+/, "").replace(/\/+$/, "");
    if (!cleaned || cleaned === ".") continue;
    rules.push({ regex: new RegExp(`^${globToRegex(cleaned)}(?:/.*)?$`), negated });
  }
  return rules;
}

function globToRegex(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      // `**/` is zero or more directories; a bare `**` is anything.
      if (glob[i + 2] === "/") {
        out += "(?:.*/)?";
        i += 2;
      } else {
        out += ".*";
        i += 1;
      }
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 1);
      if (end < 0) out += "\\[";
      else {
        const body = glob
          .slice(i + 1, end)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\");
        out += `[${body}]`;
        i = end;
      }
    } else if (c === "\\" && i + 1 < glob.length) out += escapeRegex(glob[++i]!);
    else out += escapeRegex(c);
  }
  return out;
}

function escapeRegex(c: string): string {
  return /[.+^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/** Whether a context-relative POSIX path is excluded by the rules (last match wins). */
export function isIgnored(rules: readonly IgnoreRule[], path: string): boolean {
  let ignored = false;
  for (const rule of rules) if (rule.regex.test(path)) ignored = !rule.negated;
  return ignored;
}

/** The files of a build context that Docker would send, context-relative and sorted. */
export function contextFiles(contextDir: string): string[] {
  const ignoreFile = join(contextDir, ".dockerignore");
  const rules = existsSync(ignoreFile) ? parseDockerignore(readFileSync(ignoreFile, "utf8")) : [];
  // With no `!` line nothing below an ignored folder can come back, so it is not even read
  // (node_modules can be large).
  const prune = !rules.some((r) => r.negated);
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      const ignored = isIgnored(rules, path);
      if (entry.isDirectory()) {
        if (!(ignored && prune)) walk(join(dir, entry.name), path);
      } else if (!ignored) out.push(path);
    }
  };
  walk(contextDir, "");
  return out.sort();
}

/**
 * A content-addressed tag, `parity-<12 hex>`: a SHA-256 over every file of the build context that
 * `.dockerignore` lets through (path, executable bit, bytes; symlinks by their target), the
 * Dockerfile's content and the build target. Equal content gives the same tag on every machine
 * and run, whatever the mtimes; any change to an included file's path, mode or bytes gives another.
 * `dockerfile` defaults to `<contextDir>/Dockerfile`.
 */
export function contentTag(contextDir: string, dockerfile?: string, target?: string): string {
  const dockerfilePath = dockerfile ?? join(contextDir, "Dockerfile");
  if (!existsSync(dockerfilePath)) {
    throw new ParityError(`no Dockerfile at ${dockerfilePath}`, { exitCode: 1 });
  }
  const hash = createHash("sha256");
  // Length-prefixed fields: no two different inputs concatenate to the same stream.
  const field = (data: string | Buffer) => {
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    hash.update(`${bytes.length}:`);
    hash.update(bytes);
  };
  field("parity-image-v1");
  field(readFileSync(dockerfilePath));
  field(target ?? "");
  for (const rel of contextFiles(contextDir)) {
    const abs = join(contextDir, rel);
    const stat = lstatSync(abs);
    field(rel);
    if (stat.isSymbolicLink()) field(`link:${readlinkSync(abs)}`);
    else {
      field(stat.mode & 0o111 ? "x" : "-");
      field(readFileSync(abs));
    }
  }
  return `parity-${hash.digest("hex").slice(0, 12)}`;
}

// ---------------------------------------------------------------------------------------------
// Engines and clusters

export type EngineName = "docker" | "nerdctl" | "podman";

/** The container engine that builds: its command, and for docker whether buildx is there. */
export interface Engine {
  name: EngineName;
  buildx: boolean;
}

export const ENGINE_HINT =
  "install Docker (https://docs.docker.com/engine/install/), nerdctl or Podman (apt-get install podman)";

/**
 * The first of docker, nerdctl, podman on `path` whose daemon answers (`info`): a client without
 * its engine, as on a machine that only has the docker CLI, builds nothing. Docker builds through
 * buildx when `docker buildx version` works (the legacy builder is deprecated), else `docker build`.
 */
export function detectEngine(path = process.env.PATH ?? ""): Engine | undefined {
  const answers = (executable: string, args: string[]) =>
    spawnSync(executable, args, {
      stdio: "ignore",
      timeout: 10_000,
      env: { ...process.env, PATH: path },
    }).status === 0;
  for (const name of ["docker", "nerdctl", "podman"] as const) {
    const executable = which(name, path);
    if (!executable || !answers(executable, ["info"])) continue;
    return { name, buildx: name === "docker" && answers(executable, ["buildx", "version"]) };
  }
  return undefined;
}

/** Where the image has to go for the cluster to run it. */
export type ClusterKind =
  { type: "k3d"; name: string } | { type: "kind"; name: string } | { type: "registry" };

/** Local clusters' API servers are on this machine (k3d may write 0.0.0.0 or Docker's host). */
const LOCAL_SERVER =
  /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|0\.0\.0\.0|\[::1\]|host\.docker\.internal)(:\d+)?(\/|$)/;

/**
 * The cluster type from the kube context: k3d and kind name their contexts `k3d-<name>` and
 * `kind-<name>` and serve on this machine; anything else gets images through a registry.
 */
export function clusterKindOf(context: string, server: string): ClusterKind {
  const match = /^(k3d|kind)-(.+)$/.exec(context);
  if (match && LOCAL_SERVER.test(server)) {
    return { type: match[1] as "k3d" | "kind", name: match[2]! };
  }
  return { type: "registry" };
}

/** A build with its paths resolved: absolute context and Dockerfile. */
export interface ResolvedBuild {
  context: string;
  dockerfile: string;
  target: string | undefined;
}

/** A plan's build, resolved as render and Tilt do: context and Dockerfile relative to the spec. */
export function resolveBuild(
  projectDir: string,
  build: NonNullable<ImageSource["build"]>,
): ResolvedBuild {
  const context = resolve(projectDir, build.context);
  return {
    context,
    dockerfile: build.dockerfile
      ? resolve(projectDir, build.dockerfile)
      : join(context, "Dockerfile"),
    target: build.target,
  };
}

/**
 * The reference the cluster runs: `image:tag` for k3d and kind, which load it into their nodes;
 * `<registry>/image:tag` otherwise, `registry` from PARITY_REGISTRY.
 */
export function imageRef(
  image: string,
  tag: string,
  cluster: ClusterKind,
  registry?: string,
): string {
  if (cluster.type !== "registry") return `${image}:${tag}`;
  if (!registry) {
    throw new ParityError(
      "this cluster is neither k3d nor kind, so built images are pushed to a registry: set PARITY_REGISTRY (e.g. registry.example.com/team) to one the cluster pulls from",
      { exitCode: 1 },
    );
  }
  return `${registry.replace(/\/+$/, "")}/${image}:${tag}`;
}

/** The argv that builds `ref` (`--load` so buildx leaves the image in the local store). */
export function buildCommands(engine: Engine, build: ResolvedBuild, ref: string): string[][] {
  const head = engine.buildx ? [engine.name, "buildx", "build", "--load"] : [engine.name, "build"];
  const target = build.target ? ["--target", build.target] : [];
  return [[...head, "-t", ref, "-f", build.dockerfile, ...target, build.context]];
}

/**
 * The argv that gets `ref` from the engine's store into the cluster. k3d and kind read Docker's
 * store directly; from nerdctl or podman the image goes through an archive (`archive`, a file path).
 */
export function loadCommands(
  engine: Engine,
  cluster: ClusterKind,
  ref: string,
  archive: string,
): string[][] {
  const save = [engine.name, "save", "-o", archive, ref];
  switch (cluster.type) {
    case "k3d":
      return engine.name === "docker"
        ? [["k3d", "image", "import", ref, "-c", cluster.name]]
        : [save, ["k3d", "image", "import", archive, "-c", cluster.name]];
    case "kind":
      return engine.name === "docker"
        ? [["kind", "load", "docker-image", ref, "--name", cluster.name]]
        : [save, ["kind", "load", "image-archive", archive, "--name", cluster.name]];
    case "registry":
      return [[engine.name, "push", ref]];
  }
}

/** One step of ensureImage, for progress output. */
export interface ImageStep {
  step: "cached" | "build" | "load" | "skipped";
  message: string;
  argv?: string[];
}

export interface EnsureImageOptions {
  /** The image repository from the plan (`AppResource.image.image`). */
  image: string;
  build: ResolvedBuild;
  cluster: ClusterKind;
  /** Default: detectEngine(path). */
  engine?: Engine | undefined;
  /** Default: PARITY_REGISTRY. */
  registry?: string | undefined;
  /** No engine is fine: the test control plane has none, and its simulated nodes pull nothing. */
  simulated?: boolean | undefined;
  /** Default: PATH. */
  path?: string | undefined;
  report?: (step: ImageStep) => void;
  signal?: AbortSignal | undefined;
}

export interface EnsuredImage {
  /** The reference the manifests must name. */
  ref: string;
  built: boolean;
  loaded: boolean;
}

const TOOL_HINTS: Record<string, string> = {
  k3d: "install k3d (https://k3d.io)",
  kind: "install kind (go install sigs.k8s.io/kind@v0.33.0)",
};

/**
 * Makes the image of a build available to the cluster: tags it by content, builds it unless the
 * engine already has that tag (so a warm run builds nothing), then loads or pushes it. Each step
 * goes to `report`. Without an engine it throws ToolMissing, unless `simulated`.
 */
export async function ensureImage(options: EnsureImageOptions): Promise<EnsuredImage> {
  const report = options.report ?? (() => {});
  const path = options.path ?? process.env.PATH ?? "";
  const tag = contentTag(options.build.context, options.build.dockerfile, options.build.target);
  const ref = imageRef(
    options.image,
    tag,
    options.cluster,
    options.registry ?? process.env.PARITY_REGISTRY,
  );
  const engine = options.engine ?? detectEngine(path);
  if (!engine) {
    if (options.simulated) {
      report({ step: "skipped", message: `${ref}: no container engine, not built (simulated)` });
      return { ref, built: false, loaded: false };
    }
    throw new ToolMissing(
      "docker",
      ENGINE_HINT,
      `no container engine on PATH to build ${ref} (docker, nerdctl or podman): ${ENGINE_HINT}`,
    );
  }
  const run = { path, signal: options.signal };

  const inspect = [engine.name, "image", "inspect", ref];
  const built = (await runTool(inspect, run)).code !== 0;
  if (built) {
    for (const argv of buildCommands(engine, options.build, ref)) {
      report({ step: "build", message: `building ${ref}`, argv });
      await runChecked(argv, run);
    }
  } else {
    report({ step: "cached", message: `${ref}: already built` });
  }

  const where =
    options.cluster.type === "registry"
      ? `pushing ${ref}`
      : `loading ${ref} into ${options.cluster.type} cluster ${options.cluster.name}`;
  const scratch = mkdtempSync(join(tmpdir(), "parity-image-"));
  try {
    for (const argv of loadCommands(engine, options.cluster, ref, join(scratch, "image.tar"))) {
      report({ step: "load", message: where, argv });
      await runChecked(argv, { ...run, missingHint: TOOL_HINTS[argv[0]!] });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { ref, built, loaded: true };
}
