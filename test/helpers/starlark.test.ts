import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildifierCheck, runTiltfile, tiltCalls, tiltModule } from "./starlark.js";

const SAMPLE = `secrets_file = ".parity/secrets.yaml"

k8s_yaml(["k8s/a.yaml", secrets_file])

docker_build("img", ".", target = "dev")

k8s_yaml(helm("chart", name = "web", set = ["a=1"]))

k8s_resource(
    "web",
    resource_deps = ["db", "migrate"],
    port_forwards = ["8080:8080"],
    labels = ["app"],
    trigger_mode = 2,
    auto_init = False,
)
`;

describe("buildifierCheck", () => {
  it("accepts a parsed and formatted Tiltfile (exit 0)", () => {
    expect(buildifierCheck(SAMPLE)).toEqual({ code: 0, stderr: "" });
  });

  it("reports a syntax error with exit 1 and file:line:col", () => {
    const result = buildifierCheck('k8s_yaml(["a.yaml",\n\nk8s_resource("x"\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Tiltfile:\d+:\d+: syntax error/);
  });

  it("reports a valid but unformatted Tiltfile with exit 4", () => {
    const result = buildifierCheck("k8s_resource( 'web',resource_deps=['db'] )\n");
    expect(result.code).toBe(4);
    expect(result.stderr).toContain("reformat");
  });
});

describe("tiltCalls", () => {
  it("extracts top-level calls with literal positional and keyword arguments", () => {
    const calls = tiltCalls(SAMPLE);
    expect(calls.map((c) => c.fn)).toEqual([
      "k8s_yaml",
      "docker_build",
      "k8s_yaml",
      "k8s_resource",
    ]);
    expect(calls[0]!.args).toEqual([["k8s/a.yaml", { name: "secrets_file" }]]);
    expect(calls[1]).toMatchObject({ args: ["img", "."], kwargs: { target: "dev" } });
    expect(calls[2]!.args).toEqual([
      { call: "helm", args: ["chart"], kwargs: { name: "web", set: ["a=1"] } },
    ]);
    expect(calls[3]).toEqual({
      fn: "k8s_resource",
      args: ["web"],
      kwargs: {
        resource_deps: ["db", "migrate"],
        port_forwards: ["8080:8080"],
        labels: ["app"],
        trigger_mode: 2,
        auto_init: false,
      },
      line: 9,
    });
  });

  it("returns top-level assignments and leaves calls inside blocks out", () => {
    const module = tiltModule('x = "a"\nif not os.path.exists(x):\n    fail(x + " missing")\n');
    expect(module.assignments).toEqual({ x: "a" });
    expect(module.calls).toEqual([]);
  });

  it("throws on a syntax error", () => {
    expect(() => tiltCalls("k8s_yaml([\n")).toThrow(/Tiltfile:\d+:\d+/);
  });
});

describe("runTiltfile", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("stops at fail() and records the calls made before it", () => {
    dir = mkdtempSync(join(tmpdir(), "parity-run-"));
    const text =
      'f = "present.txt"\nk8s_yaml(["a"])\nif not os.path.exists(f):\n    fail(f + " is missing")\nk8s_yaml(["b"])\n';
    expect(runTiltfile(text, dir)).toEqual({
      failed: "present.txt is missing",
      calls: [{ fn: "k8s_yaml", args: [["a"]], kwargs: {} }],
    });
    writeFileSync(join(dir, "present.txt"), "");
    expect(runTiltfile(text, dir).failed).toBeNull();
    expect(runTiltfile(text, dir).calls).toHaveLength(2);
  });
});
