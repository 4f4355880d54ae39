import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { kindRules } from "../../src/catalog/index.js";
import { buildPlan } from "../../src/plan/build.js";
import type { SecretSource } from "../../src/plan/secrets.js";
import { renderAll, type RenderedFile, type RenderLayout } from "../../src/render/index.js";
import { loadSpec } from "../../src/spec/load.js";

const FIXTURE = readFileSync(new URL("../fixtures/myapp/parity.yaml", import.meta.url), "utf8");

const secrets = (overrides: Record<string, string> = {}): SecretSource => ({
  get: (key) => overrides[key] ?? `secret-${key.toLowerCase()}`,
});

/** Loads, plans and renders from scratch, so no state is shared between two renders. */
function render(source: SecretSource, layout?: RenderLayout): RenderedFile[] {
  return renderAll(buildPlan(loadSpec(FIXTURE, "parity.yaml", kindRules), source), layout);
}

/** Paths whose content differs between two renders of the same file list. */
function changed(a: readonly RenderedFile[], b: readonly RenderedFile[]): string[] {
  expect(b.map((f) => f.path)).toEqual(a.map((f) => f.path));
  return a.filter((f, i) => f.content !== b[i]!.content).map((f) => f.path);
}

describe("rendering is deterministic", () => {
  it.each<[string, RenderLayout | undefined]>([
    ["the default layout", undefined],
    ["an --out layout", { root: "..", secretsFile: "../.parity/secrets.yaml" }],
  ])("yields byte-identical files for the same spec and secrets (%s)", (_, layout) => {
    const first = render(secrets(), layout);
    const second = render(secrets(), layout);
    expect(first.length).toBeGreaterThan(10);
    expect(second).toEqual(first);
    expect(changed(first, second)).toEqual([]);
  });

  it("changes only the sensitive file when a secret value changes", () => {
    const before = render(secrets());
    const after = render(secrets({ POSTGRES_PASSWORD: "another-postgres-password" }));
    const sensitive = before.filter((f) => f.sensitive).map((f) => f.path);
    expect(sensitive).toEqual([".parity/secrets.yaml"]);
    expect(changed(before, after)).toEqual(sensitive);

    const secretsFile = (files: RenderedFile[]) =>
      files.find((f) => f.path === ".parity/secrets.yaml")!.content;
    expect(secretsFile(before)).toContain("secret-postgres_password");
    expect(secretsFile(after)).toContain("another-postgres-password");
    expect(secretsFile(after)).not.toContain("secret-postgres_password");
  });

  it("keeps every secret value out of the non-sensitive files", () => {
    const files = render(secrets());
    const values = ["POSTGRES_PASSWORD", "REDIS_PASSWORD", "RABBITMQ_PASSWORD"].map((k) =>
      secrets().get(k),
    );
    for (const file of files.filter((f) => !f.sensitive))
      for (const value of values) expect(file.content, file.path).not.toContain(value);
    const secretsFile = files.find((f) => f.sensitive)!;
    for (const value of values) expect(secretsFile.content).toContain(value);
  });
});
