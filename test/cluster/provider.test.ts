import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeBin } from "../helpers/fake-bin.js";
import { clusterCommand } from "../../src/cli/commands/cluster.js";
import type { Output } from "../../src/cli/output.js";
import { ParityError } from "../../src/errors.js";
import { openProject } from "../../src/cli/project.js";
import { renderClusterConfigs } from "../../src/render/cluster-configs.js";
import { copyFixture } from "../helpers/cli.js";

/** k3d with no cluster yet: `cluster get` fails; create records where it ran. */
const K3D = `case "$1 $2" in
  "cluster get") echo "FATA[0000] No nodes found for given cluster" >&2; exit 1 ;;
  "cluster create") printf '%s' "$PWD" > "$STATE/cwd" ;;
esac
exit 0`;
const KIND = `case "$1 $2" in
  "get clusters") echo "No kind clusters found." >&2 ;;
  "create cluster") printf '%s' "$PWD" > "$STATE/cwd" ;;
esac
exit 0`;
/** kubectl that keeps what `apply -f -` received. */
const KUBECTL = `if [ "$3" = apply ]; then
  while IFS= read -r line || [ -n "$line" ]; do printf '%s\\n' "$line" >> "$STATE/stdin"; done
fi
exit 0`;

const WAIT = "--for=condition=Ready nodes --all --timeout=120s";
const APPLY = "apply --server-side --field-manager=parity -f -";

/** A temp copy of the myapp fixture whose cluster is named `dev` (not the stack's name). */
function project(): string {
  const dir = copyFixture("myapp");
  appendFileSync(join(dir, "parity.yaml"), "\ncluster:\n  name: dev\n");
  return dir;
}

function capture(): Output & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    print: (t) => lines.push(t),
    info: (t) => lines.push(t),
    error: (t) => lines.push(t),
  };
}

const originalPath = process.env.PATH;
beforeEach(() => {
  process.env.PATH = "";
});
afterEach(() => {
  process.env.PATH = originalPath;
});

function run(dir: string, action: "create" | "delete", provider?: string) {
  const output = capture();
  const promise = clusterCommand({ file: join(dir, "parity.yaml"), action, provider }, output);
  return { output, promise };
}

describe("parity cluster create", () => {
  it("k3d: creates from cluster/k3d.yaml in the spec's directory, waits, applies the StorageClass", async () => {
    const dir = project();
    const bin = fakeBin({ k3d: K3D, kubectl: KUBECTL });
    process.env.PATH = bin.path;
    const { output, promise } = run(dir, "create", "k3d");
    expect(await promise).toBe(0);
    expect(bin.calls()).toEqual([
      "k3d cluster get dev",
      "k3d cluster create --config cluster/k3d.yaml",
      `kubectl --context k3d-dev wait ${WAIT}`,
      `kubectl --context k3d-dev ${APPLY}`,
    ]);
    expect(readFileSync(join(bin.state, "cwd"), "utf8")).toBe(realpathSync(dir));
    const { plan } = openProject(join(dir, "parity.yaml"));
    const rendered = renderClusterConfigs(plan).find((f) => f.path === "cluster/k3d.yaml")!;
    expect(readFileSync(join(dir, "cluster/k3d.yaml"), "utf8")).toBe(rendered.content);
    expect(existsSync(join(dir, ".parity/storage"))).toBe(true);
    const applied = JSON.parse(readFileSync(join(bin.state, "stdin"), "utf8"));
    expect(applied).toMatchObject({
      kind: "StorageClass",
      metadata: { name: "parity-retain" },
      reclaimPolicy: "Retain",
    });
    expect(output.lines).toContain("wrote cluster/k3d.yaml");
    expect(output.lines.at(-1)).toBe("k3d cluster dev is ready (context k3d-dev)");
  });

  it("kind: kind create cluster --config cluster/kind.yaml, then the same kubectl steps", async () => {
    const dir = project();
    const bin = fakeBin({ kind: KIND, kubectl: KUBECTL });
    process.env.PATH = bin.path;
    expect(await run(dir, "create", "kind").promise).toBe(0);
    expect(bin.calls()).toEqual([
      "kind get clusters",
      "kind create cluster --config cluster/kind.yaml",
      `kubectl --context kind-dev wait ${WAIT}`,
      `kubectl --context kind-dev ${APPLY}`,
    ]);
    expect(readFileSync(join(bin.state, "cwd"), "utf8")).toBe(realpathSync(dir));
    expect(readFileSync(join(dir, "cluster/kind.yaml"), "utf8")).toMatch(/^name: dev$/m);
  });

  it("leaves an existing cluster standing", async () => {
    const dir = project();
    const bin = fakeBin({ k3d: "exit 0", kubectl: KUBECTL });
    process.env.PATH = bin.path;
    const { output, promise } = run(dir, "create");
    expect(await promise).toBe(0);
    expect(bin.calls()).toEqual([
      "k3d cluster get dev",
      `kubectl --context k3d-dev wait ${WAIT}`,
      `kubectl --context k3d-dev ${APPLY}`,
    ]);
    expect(output.lines).toContain("k3d cluster dev already exists");
    expect(output.lines.at(-1)).toBe(
      "k3d cluster dev is already there and ready (context k3d-dev)",
    );
  });

  it("rewrites the config only when it is not current", async () => {
    const dir = project();
    const bin = fakeBin({ kind: KIND, kubectl: KUBECTL });
    process.env.PATH = bin.path;
    const { plan } = openProject(join(dir, "parity.yaml"));
    const config = renderClusterConfigs(plan).find((f) => f.path === "cluster/kind.yaml")!;
    const file = join(dir, "cluster/kind.yaml");
    mkdirSync(join(dir, "cluster"));
    writeFileSync(file, config.content);
    utimesSync(file, new Date(2001, 1, 1), new Date(2001, 1, 1));
    const current = run(dir, "create", "kind");
    expect(await current.promise).toBe(0);
    expect(statSync(file).mtime.getFullYear()).toBe(2001);
    expect(current.output.lines).not.toContain("wrote cluster/kind.yaml");

    writeFileSync(file, "# stale\n");
    const stale = run(dir, "create", "kind");
    expect(await stale.promise).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(config.content);
    expect(stale.output.lines).toContain("wrote cluster/kind.yaml");
  });

  it("reports a failing create with its command and the tail of its output", async () => {
    const dir = project();
    const failing = `case "$1 $2" in
  "cluster get") exit 1 ;;
esac
i=1; while [ $i -le 20 ]; do echo "INFO[0000] line $i"; i=$((i+1)); done
echo "FATA[0001] Failed to create cluster 'dev': port 6443 is already allocated" >&2
exit 1`;
    const bin = fakeBin({ k3d: failing, kubectl: KUBECTL });
    process.env.PATH = bin.path;
    const error = await run(dir, "create", "k3d").promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParityError);
    const message = (error as ParityError).message;
    expect((error as ParityError).exitCode).toBe(1);
    expect(message).toMatch(
      /^`k3d cluster create --config cluster\/k3d\.yaml` failed \(exit code 1\):/,
    );
    expect(message).toContain("port 6443 is already allocated");
    expect(message).toContain("line 7");
    expect(message).not.toContain("line 6");
    expect(bin.calls().some((c) => c.startsWith("kubectl"))).toBe(false);
  });
});

describe("parity cluster delete", () => {
  it("k3d cluster delete <name>", async () => {
    const bin = fakeBin({ k3d: "exit 0", kind: "exit 0" });
    process.env.PATH = bin.path;
    const { output, promise } = run(project(), "delete", "k3d");
    expect(await promise).toBe(0);
    expect(bin.calls()).toEqual(["k3d cluster delete dev"]);
    expect(output.lines.at(-1)).toBe(
      "deleted k3d cluster dev; its volumes stay in .parity/storage",
    );
  });

  it("kind delete cluster --name <name>", async () => {
    const bin = fakeBin({ k3d: "exit 0", kind: "exit 0" });
    process.env.PATH = bin.path;
    expect(await run(project(), "delete", "kind").promise).toBe(0);
    expect(bin.calls()).toEqual(["kind delete cluster --name dev"]);
  });
});

describe("the provider", () => {
  it("defaults to k3d when on PATH, else kind", async () => {
    const both = fakeBin({ k3d: "exit 0", kind: "exit 0" });
    process.env.PATH = both.path;
    await run(project(), "delete").promise;
    expect(both.calls()).toEqual(["k3d cluster delete dev"]);

    const kindOnly = fakeBin({ kind: "exit 0" });
    process.env.PATH = kindOnly.path;
    await run(project(), "delete").promise;
    expect(kindOnly.calls()).toEqual(["kind delete cluster --name dev"]);
  });

  const cases: Array<[string, string | undefined, Record<string, string>, string]> = [
    [
      "k3d",
      "k3d",
      { kind: "", kubectl: "" },
      "k3d is not on PATH: install k3d (https://k3d.io) or pass --provider kind",
    ],
    [
      "kind",
      "kind",
      { k3d: "", kubectl: "" },
      "kind is not on PATH: install kind (go install sigs.k8s.io/kind@v0.33.0) or pass --provider k3d",
    ],
    [
      "either",
      undefined,
      { kubectl: "" },
      "neither k3d nor kind is on PATH: install k3d (https://k3d.io) or kind (go install sigs.k8s.io/kind@v0.33.0)",
    ],
    [
      "kubectl",
      "k3d",
      { k3d: "" },
      "kubectl is not on PATH: install kubectl (https://kubernetes.io/docs/tasks/tools/)",
    ],
  ];
  for (const [what, provider, tools, message] of cases) {
    it(`a missing ${what} is one line naming the install`, async () => {
      const bin = fakeBin(tools);
      process.env.PATH = bin.path;
      const error = await run(project(), "create", provider).promise.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ParityError);
      expect((error as ParityError).exitCode).toBe(1);
      expect((error as ParityError).message).toBe(message);
      expect(message).not.toMatch(/curl|install\.sh/);
      expect(bin.calls()).toEqual([]);
    });
  }

  it("an unknown provider is a usage error", async () => {
    const error = await run(project(), "create", "minikube").promise.catch((e: unknown) => e);
    expect((error as ParityError).exitCode).toBe(2);
    expect((error as ParityError).message).toBe("--provider minikube: expected k3d or kind");
  });
});
