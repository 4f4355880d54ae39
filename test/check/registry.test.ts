import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DIAGNOSTICS } from "../../src/check/diagnostics.js";
import { RULES } from "../../src/check/rules/index.js";
import type { Rule } from "../../src/check/types.js";

const RULES_DIR = join(import.meta.dirname, "..", "..", "src", "check", "rules");
const files = readdirSync(RULES_DIR)
  .filter((f) => f.endsWith(".ts") && f !== "index.ts")
  .sort();

const isRule = (value: unknown): value is Rule =>
  typeof value === "object" && value !== null && "meta" in value && "check" in value;

/** Ties the registry to the files: a rule cannot be written and forgotten, or left untested. */
describe("the rule registry", () => {
  it("has rules, with unique ids that no built-in diagnostic uses", () => {
    expect(files.length).toBeGreaterThan(0);
    const ids = [...RULES.map((r) => r.meta.id), ...DIAGNOSTICS.map((d) => d.id)];
    expect(new Set(ids).size).toBe(ids.length);
    expect(RULES).toHaveLength(files.length);
  });

  it.each(files)("%s exports one rule, registered, named after the file", async (file) => {
    const module = (await import(join(RULES_DIR, file))) as Record<string, unknown>;
    const exported = Object.values(module).filter(isRule);
    expect(exported).toHaveLength(1);
    const rule = exported[0]!;
    expect(RULES).toContain(rule);
    expect(rule.meta.id).toBe(file.replace(/\.ts$/, ""));
  });

  it.each(files)("%s is documented and has its test file", async (file) => {
    const module = (await import(join(RULES_DIR, file))) as Record<string, unknown>;
    const rule = Object.values(module).find(isRule)!;
    const { id, severity, description, docs, advice } = rule.meta;
    expect(id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    expect(["error", "warning"]).toContain(severity);
    expect(description.length).toBeGreaterThan(10);
    expect(description).not.toMatch(/\n/);
    expect(docs.length).toBeGreaterThan(description.length);
    expect(advice.length).toBeGreaterThan(10);
    expect(rule.fileTypes.length).toBeGreaterThan(0);
    expect(
      existsSync(join(import.meta.dirname, "rules", `${id}.test.ts`)),
      `test/check/rules/${id}.test.ts`,
    ).toBe(true);
  });

  it("documents the built-in diagnostics like rules", () => {
    for (const d of DIAGNOSTICS) {
      expect(d.description && d.docs && d.advice, d.id).toBeTruthy();
    }
  });
});
