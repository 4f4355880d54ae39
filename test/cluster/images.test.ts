import { chmodSync, mkdirSync, mkdtempSync, renameSync, utimesSync } from "node:fs";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { fakeBin } from "../helpers/fake-bin.js";
import {
  buildCommands,
  clusterKindOf,
  CommandFailed,
  contentTag,
  contextFiles,
  detectEngine,
  ensureImage,
  imageRef,
  loadCommands,
  resolveBuild,
  ToolMissing,
  type ClusterKind,
  type Engine,
  type ImageStep,
} from "../../src/run/cluster/images.js";

function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `parity-${prefix}-`));
}

function write(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

/** A build context with a Dockerfile and a few files. */
function context(files: Record<string, string> = {}): string {
  const dir = tempDir("ctx");
  write(dir, {
    Dockerfile: "FROM scratch\nCOPY . /app\n",
    "src/index.js": "console.log(1)\n",
    ...files,
  });
  return dir;
}

/** A docker with buildx whose store is a marker file: inspect succeeds once a build ran. */
const DOCKER = `case "$1 $2" in
  "buildx version") exit 0 ;;
  "image inspect") [ -f "$STATE/built" ] && exit 0; echo "Error: No such image" >&2; exit 1 ;;
  "buildx build") : > "$STATE/built"; echo "built"; exit 0 ;;
esac
exit 0`;

describe("contentTag", () => {
  it("is parity-<12 hex>, stable across runs and mtime changes", () => {
    const dir = context();
    const tag = contentTag(dir);
    expect(tag).toMatch(/^parity-[0-9a-f]{12}$/);
    utimesSync(join(dir, "src/index.js"), new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(contentTag(dir)).toBe(tag);
    // The same content elsewhere gives the same tag: nothing machine- or path-specific goes in.
    expect(contentTag(context())).toBe(tag);
  });

  it("changes with a file's bytes, a file's path, a new file, the Dockerfile and the target", () => {
    const dir = context();
    const tags = [contentTag(dir)];
    writeFileSync(join(dir, "src/index.js"), "console.log(2)\n");
    tags.push(contentTag(dir));
    renameSync(join(dir, "src/index.js"), join(dir, "src/main.js"));
    tags.push(contentTag(dir));
    write(dir, { "README.md": "hi" });
    tags.push(contentTag(dir));
    write(dir, { Dockerfile: "FROM scratch\n" });
    tags.push(contentTag(dir));
    tags.push(contentTag(dir, undefined, "dev"));
    chmodSync(join(dir, "src/main.js"), 0o755);
    tags.push(contentTag(dir, undefined, "dev"));
    expect(new Set(tags).size).toBe(tags.length);
  });

  it("reads a Dockerfile outside the context, and says when there is none", () => {
    const dir = context();
    const other = join(tempDir("df"), "Dockerfile.dev");
    writeFileSync(other, "FROM busybox\n");
    expect(contentTag(dir, other)).not.toBe(contentTag(dir));
    expect(() => contentTag(dir, join(dir, "nope"))).toThrow(/no Dockerfile at .*nope/);
  });

  it("ignores what .dockerignore excludes", () => {
    const dir = context({ ".dockerignore": "*.log\n" });
    const tag = contentTag(dir);
    write(dir, { "debug.log": "noise" });
    expect(contentTag(dir)).toBe(tag);
    write(dir, { "src/debug.log": "not at the root: included" });
    expect(contentTag(dir)).not.toBe(tag);
  });
});

describe(".dockerignore", () => {
  const files = {
    Dockerfile: "FROM scratch",
    "secret.txt": "x",
    "node_modules/a/index.js": "x",
    "build/out.js": "x",
    "app.log": "x",
    "keep.log": "x",
    "src/app.log": "x",
    "src/x.tmp": "x",
    "src/deep/y.tmp": "x",
    "src/main.ts": "x",
    ".git/HEAD": "x",
    "docs/a.md": "x",
    "docs/keep.md": "x",
  };

  it("without one, everything is sent, .git and node_modules included", () => {
    const dir = tempDir("ign");
    write(dir, files);
    expect(contextFiles(dir)).toEqual(Object.keys(files).sort());
  });

  it("handles plain names, dir/, root-anchored *.ext, **, comments and ! negation", () => {
    const dir = tempDir("ign");
    write(dir, {
      ...files,
      ".dockerignore": [
        "# comment",
        "",
        "secret.txt",
        "node_modules/",
        "/build",
        "*.log",
        "!keep.log",
        "**/*.tmp",
        "docs",
        "!docs/keep.md",
      ].join("\n"),
    });
    expect(contextFiles(dir)).toEqual(
      [
        ".dockerignore",
        ".git/HEAD",
        "Dockerfile",
        "docs/keep.md",
        "keep.log",
        "src/app.log",
        "src/main.ts",
      ].sort(),
    );
  });

  it("ignores .git only when told to", () => {
    const dir = tempDir("ign");
    write(dir, { ...files, ".dockerignore": ".git\nnode_modules\n" });
    const sent = contextFiles(dir);
    expect(sent.some((f) => f.startsWith(".git/"))).toBe(false);
    expect(sent.some((f) => f.startsWith("node_modules/"))).toBe(false);
    expect(sent).toContain("src/main.ts");
  });
});

describe("engine and cluster detection", () => {
  it("takes docker first, with buildx only when `docker buildx version` works", () => {
    const withBuildx = fakeBin({ docker: "exit 0", podman: "exit 0" });
    expect(detectEngine(withBuildx.path)).toEqual({ name: "docker", buildx: true });
    expect(withBuildx.calls()).toEqual(["docker info", "docker buildx version"]);
    const legacy = fakeBin({ docker: '[ "$1" = info ] && exit 0; exit 1' });
    expect(detectEngine(legacy.path)).toEqual({ name: "docker", buildx: false });
  });

  it("passes over a docker client whose daemon does not answer", () => {
    const clientOnly =
      '[ "$1" = info ] && { echo "Cannot connect to the Docker daemon" >&2; exit 1; }; exit 0';
    expect(detectEngine(fakeBin({ docker: clientOnly, podman: "" }).path)?.name).toBe("podman");
    expect(detectEngine(fakeBin({ docker: clientOnly }).path)).toBeUndefined();
  });

  it("falls back to nerdctl, then podman, else none", () => {
    expect(detectEngine(fakeBin({ nerdctl: "", podman: "" }).path)?.name).toBe("nerdctl");
    expect(detectEngine(fakeBin({ podman: "" }).path)?.name).toBe("podman");
    expect(detectEngine(fakeBin({ k3d: "" }).path)).toBeUndefined();
  });

  it("reads the cluster type from the context name and a local server", () => {
    expect(clusterKindOf("k3d-dev", "https://0.0.0.0:43121")).toEqual({ type: "k3d", name: "dev" });
    expect(clusterKindOf("kind-my-app", "https://127.0.0.1:40000")).toEqual({
      type: "kind",
      name: "my-app",
    });
    expect(clusterKindOf("kind-x", "https://10.0.0.5:6443")).toEqual({ type: "registry" });
    expect(clusterKindOf("gke_p_z_c", "https://34.1.2.3")).toEqual({ type: "registry" });
    expect(clusterKindOf("minikube", "https://192.168.49.2:8443")).toEqual({ type: "registry" });
  });
});

describe("argv", () => {
  const build = { context: "/p/app", dockerfile: "/p/app/Dockerfile", target: "prod" };

  it("resolves context and Dockerfile against the spec's directory", () => {
    expect(
      resolveBuild("/p", { context: "app", dockerfile: undefined, target: undefined }),
    ).toEqual({ context: "/p/app", dockerfile: "/p/app/Dockerfile", target: undefined });
    expect(
      resolveBuild("/p", { context: ".", dockerfile: "docker/Dockerfile", target: "t" }),
    ).toEqual({ context: "/p", dockerfile: "/p/docker/Dockerfile", target: "t" });
  });

  it("builds with each engine", () => {
    const ref = "myapp:parity-0123456789ab";
    const tail = ["-t", ref, "-f", "/p/app/Dockerfile", "--target", "prod", "/p/app"];
    expect(buildCommands({ name: "docker", buildx: true }, build, ref)).toEqual([
      ["docker", "buildx", "build", "--load", ...tail],
    ]);
    expect(buildCommands({ name: "docker", buildx: false }, build, ref)).toEqual([
      ["docker", "build", ...tail],
    ]);
    expect(buildCommands({ name: "nerdctl", buildx: false }, build, ref)).toEqual([
      ["nerdctl", "build", ...tail],
    ]);
    expect(buildCommands({ name: "podman", buildx: false }, build, ref)).toEqual([
      ["podman", "build", ...tail],
    ]);
    expect(
      buildCommands({ name: "docker", buildx: false }, { ...build, target: undefined }, ref),
    ).toEqual([["docker", "build", "-t", ref, "-f", "/p/app/Dockerfile", "/p/app"]]);
  });

  const k3d: ClusterKind = { type: "k3d", name: "dev" };
  const kind: ClusterKind = { type: "kind", name: "dev" };
  const registry: ClusterKind = { type: "registry" };
  const engines: Engine[] = [
    { name: "docker", buildx: true },
    { name: "nerdctl", buildx: false },
    { name: "podman", buildx: false },
  ];
  const ref = "myapp:parity-0123456789ab";
  const tar = "/tmp/x/image.tar";
  const expected: Record<string, string[][]> = {
    "docker k3d": [["k3d", "image", "import", ref, "-c", "dev"]],
    "docker kind": [["kind", "load", "docker-image", ref, "--name", "dev"]],
    "docker registry": [["docker", "push", ref]],
    "nerdctl k3d": [
      ["nerdctl", "save", "-o", tar, ref],
      ["k3d", "image", "import", tar, "-c", "dev"],
    ],
    "nerdctl kind": [
      ["nerdctl", "save", "-o", tar, ref],
      ["kind", "load", "image-archive", tar, "--name", "dev"],
    ],
    "nerdctl registry": [["nerdctl", "push", ref]],
    "podman k3d": [
      ["podman", "save", "-o", tar, ref],
      ["k3d", "image", "import", tar, "-c", "dev"],
    ],
    "podman kind": [
      ["podman", "save", "-o", tar, ref],
      ["kind", "load", "image-archive", tar, "--name", "dev"],
    ],
    "podman registry": [["podman", "push", ref]],
  };
  for (const engine of engines) {
    for (const cluster of [k3d, kind, registry]) {
      const key = `${engine.name} ${cluster.type}`;
      it(`loads: ${key}`, () => {
        expect(loadCommands(engine, cluster, ref, tar)).toEqual(expected[key]);
      });
    }
  }

  it("names the image after the registry, which a registry cluster needs", () => {
    expect(imageRef("myapp", "parity-1", k3d, "ignored:5000")).toBe("myapp:parity-1");
    expect(imageRef("myapp", "parity-1", registry, "registry.example.com/team/")).toBe(
      "registry.example.com/team/myapp:parity-1",
    );
    expect(() => imageRef("myapp", "parity-1", registry, undefined)).toThrow(/PARITY_REGISTRY/);
  });
});

describe("ensureImage", () => {
  const k3d: ClusterKind = { type: "k3d", name: "dev" };

  it("builds and imports on a cold run; a warm run builds nothing", async () => {
    const dir = context();
    const bin = fakeBin({ docker: DOCKER, k3d: "exit 0" });
    const build = resolveBuild(dir, { context: ".", dockerfile: undefined, target: undefined });
    const steps: ImageStep[] = [];
    const cold = await ensureImage({
      image: "myapp",
      build,
      cluster: k3d,
      path: bin.path,
      report: (s) => steps.push(s),
    });
    const ref = `myapp:${contentTag(dir)}`;
    expect(cold).toEqual({ ref, built: true, loaded: true });
    expect(bin.calls()).toEqual([
      "docker info",
      "docker buildx version",
      `docker image inspect ${ref}`,
      `docker buildx build --load -t ${ref} -f ${join(dir, "Dockerfile")} ${dir}`,
      `k3d image import ${ref} -c dev`,
    ]);
    expect(steps.map((s) => s.step)).toEqual(["build", "load"]);

    writeFileSync(bin.log, "");
    steps.length = 0;
    const warm = await ensureImage({
      image: "myapp",
      build,
      cluster: k3d,
      path: bin.path,
      report: (s) => steps.push(s),
    });
    expect(warm).toEqual({ ref, built: false, loaded: true });
    expect(bin.calls().filter((c) => c.includes(" build "))).toEqual([]);
    expect(steps.map((s) => s.step)).toEqual(["cached", "load"]);
  });

  it("pushes to PARITY_REGISTRY for other clusters, and saves an archive for podman on kind", async () => {
    const dir = context();
    const bin = fakeBin({ docker: DOCKER, podman: "exit 0", kind: "exit 0" });
    const build = resolveBuild(dir, { context: ".", dockerfile: undefined, target: undefined });
    const tag = contentTag(dir);
    const pushed = await ensureImage({
      image: "myapp",
      build,
      cluster: { type: "registry" },
      registry: "reg.local:5000",
      path: bin.path,
    });
    expect(pushed.ref).toBe(`reg.local:5000/myapp:${tag}`);
    expect(bin.calls().at(-1)).toBe(`docker push reg.local:5000/myapp:${tag}`);

    writeFileSync(bin.log, "");
    await ensureImage({
      image: "myapp",
      build,
      cluster: { type: "kind", name: "dev" },
      engine: { name: "podman", buildx: false },
      path: bin.path,
    });
    const calls = bin.calls();
    const save = calls.find((c) => c.startsWith("podman save -o "))!;
    const archive = save.split(" ")[3]!;
    expect(calls.at(-1)).toBe(`kind load image-archive ${archive} --name dev`);
  });

  it("reports a failing build with its command and the tail of its output", async () => {
    const dir = context();
    const failing = `case "$1 $2" in
  "info ") exit 0 ;;
  "buildx version") exit 0 ;;
  "image inspect") exit 1 ;;
esac
i=1; while [ $i -le 30 ]; do echo "step $i"; i=$((i+1)); done
echo "ERROR: failed to solve: process \\"/bin/sh -c npm ci\\" did not complete" >&2
exit 1`;
    const bin = fakeBin({ docker: failing, k3d: "exit 0" });
    const build = resolveBuild(dir, { context: ".", dockerfile: undefined, target: undefined });
    const error = await ensureImage({ image: "myapp", build, cluster: k3d, path: bin.path }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CommandFailed);
    const failed = error as CommandFailed;
    expect(failed.exitCode).toBe(1);
    expect(failed.message).toMatch(/^`docker buildx build --load -t myapp:parity-[0-9a-f]{12} /);
    expect(failed.message).toContain("exit code 1");
    expect(failed.message).toContain("ERROR: failed to solve");
    expect(failed.message).toContain("step 30");
    expect(failed.message).toContain("step 17");
    expect(failed.message).not.toContain("step 16");
    expect(bin.calls().some((c) => c.startsWith("k3d"))).toBe(false);
  });

  it("without an engine names what to install, or skips when simulated", async () => {
    const dir = context();
    const bin = fakeBin({ k3d: "exit 0" });
    const build = resolveBuild(dir, { context: ".", dockerfile: undefined, target: undefined });
    const error = await ensureImage({ image: "myapp", build, cluster: k3d, path: bin.path }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ToolMissing);
    expect((error as Error).message).toMatch(
      /^no container engine on PATH to build myapp:parity-\w+ \(docker, nerdctl or podman\): install Docker/,
    );

    const steps: ImageStep[] = [];
    const skipped = await ensureImage({
      image: "myapp",
      build,
      cluster: k3d,
      path: bin.path,
      simulated: true,
      report: (s) => steps.push(s),
    });
    expect(skipped).toEqual({ ref: `myapp:${contentTag(dir)}`, built: false, loaded: false });
    expect(steps).toEqual([expect.objectContaining({ step: "skipped" })]);
    expect(steps[0]!.message).toContain("simulated");
    expect(bin.calls()).toEqual([]);
  });

  it("a missing k3d says what to install", async () => {
    const dir = context();
    const bin = fakeBin({ docker: DOCKER });
    const build = resolveBuild(dir, { context: ".", dockerfile: undefined, target: undefined });
    await expect(
      ensureImage({ image: "myapp", build, cluster: k3d, path: bin.path }),
    ).rejects.toThrow("k3d is not on PATH: install k3d (https://k3d.io)");
  });
});
