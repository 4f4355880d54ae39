import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { addPair } from "../../src/check/edit.js";
import { applyFixPlan, fixDiff, planFixes } from "../../src/check/fix.js";
import { runCheck } from "../../src/check/index.js";
import type { Finding, Fix } from "../../src/check/types.js";
import { parity, snapshotTree } from "../helpers/cli.js";
import { repo } from "./helpers.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "check");
const ECOSYSTEMS = ["tilt-helm", "tilt-raw", "kustomize", "raw-manifests-compose"];

/** The rules whose advice is one mechanical, safe change. */
const FIXABLE = [
  "kafka-service-links",
  "pg-isready-without-host",
  "rwo-pvc-rolling-update",
  "stateful-readiness-probe",
  "tilt-helm-chart-deps-ignore",
  "tilt-missing-resource-deps",
];

function copy(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `parity-fix-${name}-`));
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** A finding in `file` whose fix is these edits. */
function finding(file: string, fix: Fix, line = 1): Finding {
  return {
    ruleId: "test-rule",
    severity: "warning",
    file,
    line,
    column: 1,
    endLine: line,
    endColumn: 1,
    message: "m",
    advice: "a",
    fix,
  };
}

const edit = (from: number, to: number, text: string, file?: string): Fix => ({
  description: "d",
  edits: [{ range: [from, to], text, ...(file ? { file } : {}) }],
});

describe("parity check --fix on each fixture repository", () => {
  it.each(ECOSYSTEMS)("%s: --dry-run's diff is what --fix writes; the rest is left", (name) => {
    const before = runCheck(join(FIXTURES, name));
    const fixable = before.findings.filter((f) => f.fix);
    // raw-manifests-compose's findings (credentials, drift, migrations) have no safe fix.
    expect(fixable.length > 0).toBe(name !== "raw-manifests-compose");
    // Only the rules with a mechanical, safe change offer one (no Bitnami rewrite, no guessed name).
    expect(new Set(fixable.map((f) => f.ruleId))).toSatisfy((ids: Set<string>) =>
      [...ids].every((id) => FIXABLE.includes(id)),
    );

    const dry = copy(name);
    const untouched = snapshotTree(dry);
    const preview = parity(["check", "--fix", "--dry-run"], dry);
    expect(preview.code).toBe(before.findings.some((f) => f.severity === "error") ? 1 : 0);
    expect(snapshotTree(dry)).toEqual(untouched);
    expect(preview.stderr).toMatch(/^parity check --fix: would fix \d+ findings? in \d+ files?/);

    // git applies the diff (as a reviewer would) to exactly what --fix writes.
    const patched = copy(name);
    const apply = spawnSync("git", ["apply", "--allow-empty", "-"], {
      cwd: patched,
      input: preview.stdout + "\n",
      encoding: "utf8",
    });
    expect(apply.stderr).toBe("");
    const fixed = copy(name);
    const run = parity(["check", "--fix", "--format", "json"], fixed);
    expect(run.stderr.split("\n")[0]).toBe(
      preview.stderr.split("\n")[0]!.replace("would fix", "fixed"),
    );
    const contents = (dir: string) =>
      Object.fromEntries(
        Object.keys(snapshotTree(dir)).map((file) => [file, readFileSync(join(dir, file), "utf8")]),
      );
    expect(contents(fixed)).toEqual(contents(patched));

    // The report after --fix is the check of the fixed tree: the fixed findings are gone.
    const after = JSON.parse(run.stdout) as { findings: Finding[] };
    expect(after.findings.filter((f) => f.fix)).toEqual([]);
    expect(after.findings).toHaveLength(before.findings.length - fixable.length);
    for (const file of Object.keys(snapshotTree(fixed)).filter((f) => /\.ya?ml$/.test(f))) {
      const text = readFileSync(join(fixed, file), "utf8");
      if (text.includes("{{")) continue; // Helm templates are not YAML
      expect(
        parseAllDocuments(text).flatMap((d) => d.errors),
        file,
      ).toEqual([]);
    }
    // Nothing is left to fix: a second run changes nothing.
    const again = parity(["check", "--fix"], fixed);
    expect(again.stderr).toMatch(/^parity check --fix: fixed 0 findings in 0 files$/m);
  });

  it("--dry-run alone, or with a report format, is bad usage", () => {
    const dir = copy("tilt-raw");
    const alone = parity(["check", "--dry-run"], dir);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain("--dry-run goes with --fix");
    const json = parity(["check", "--fix", "--dry-run", "--format", "json"], dir);
    expect(json.code).toBe(2);
    expect(json.stderr).toContain("--fix --dry-run prints a diff: leave out --format");
  });

  it("tells which findings --fix can fix, in text and SARIF", () => {
    const dir = copy("tilt-raw");
    const text = parity(["check"], dir).stdout;
    const fixable = runCheck(dir).findings.filter((f) => f.fix);
    expect(text).toContain(`${fixable.length} of them can be fixed with \`parity check --fix\``);
    expect(text).toContain(`      fix: ${fixable[0]!.fix!.description} (parity check --fix)`);

    const sarif = JSON.parse(parity(["check", "--format", "sarif"], dir).stdout);
    const results = sarif.runs[0].results as { fixes?: unknown[] }[];
    const first = results.find((r) => r.fixes)! as {
      fixes: {
        artifactChanges: {
          artifactLocation: { uri: string };
          replacements: {
            deletedRegion: { charOffset: number; charLength: number };
            insertedContent: { text: string };
          }[];
        }[];
      }[];
    };
    expect(results.filter((r) => r.fixes)).toHaveLength(fixable.length);
    const [change] = first.fixes[0]!.artifactChanges;
    const [replacement] = change!.replacements;
    const [expected] = fixable[0]!.fix!.edits;
    expect(change!.artifactLocation.uri).toBe(expected!.file ?? fixable[0]!.file);
    expect(replacement).toEqual({
      deletedRegion: {
        charOffset: expected!.range[0],
        charLength: expected!.range[1] - expected!.range[0],
      },
      insertedContent: { text: expected!.text },
    });
  });
});

describe("planFixes", () => {
  it("applies a fix shared by several findings once", () => {
    const root = repo({ "a.txt": "hello\n" });
    const fix = edit(5, 5, " world");
    const plan = planFixes(root, [finding("a.txt", fix), finding("a.txt", fix, 2)]);
    expect(plan.changes).toEqual([
      { file: "a.txt", before: "hello\n", after: "hello world\n", bom: false },
    ]);
    expect(plan.fixed).toHaveLength(2);
  });

  it("leaves a fix that overlaps one taken before it for the next run", () => {
    const root = repo({ "a.txt": "abcdef" });
    const plan = planFixes(root, [
      finding("a.txt", edit(0, 3, "X")),
      finding("a.txt", edit(2, 4, "Y")), // replaces text X replaces
      finding("a.txt", edit(3, 3, "Z")), // an insertion where X ends: no overlap
      finding("a.txt", edit(3, 3, "W")), // a second insertion there: after Z, in order
    ]);
    expect(plan.changes[0]!.after).toBe("XZWdef");
    expect(plan.skipped.map((s) => s.reason)).toEqual([
      "it overlaps the fix of test-rule at a.txt:1; run --fix again",
    ]);
  });

  it("creates a missing file from an insertion at its start, and keeps a byte-order mark", () => {
    const root = repo({ Tiltfile: "x", "b.txt": "\ufeffone\n" });
    const plan = planFixes(root, [
      finding("Tiltfile", edit(0, 0, "charts/\n", ".tiltignore")),
      finding("b.txt", edit(3, 3, " two")),
    ]);
    expect(plan.changes.map((c) => [c.file, c.before, c.after])).toEqual([
      [".tiltignore", undefined, "charts/\n"],
      ["b.txt", "one\n", "one two\n"],
    ]);
    applyFixPlan(root, plan);
    expect(readFileSync(join(root, "b.txt"))).toEqual(Buffer.from("\ufeffone two\n"));
    expect(fixDiff(plan)).toContain("--- /dev/null\n+++ b/.tiltignore\n");
  });

  it("refuses files it could not write back as they were: not UTF-8, links, outside the root", () => {
    const root = repo({ "latin1.yaml": Buffer.from([0x61, 0xe9, 0x0a]), "real.yaml": "a: 1\n" });
    symlinkSync(join(root, "real.yaml"), join(root, "link.yaml"));
    const plan = planFixes(root, [
      finding("latin1.yaml", edit(0, 0, "# x\n")),
      finding("link.yaml", edit(0, 0, "# x\n")),
      finding("../escape.yaml", edit(0, 0, "# x\n")),
      finding("real.yaml", edit(0, 99, "")),
    ]);
    expect(plan.changes).toEqual([]);
    expect(plan.skipped.map((s) => s.reason)).toEqual([
      "latin1.yaml is not UTF-8 text",
      "link.yaml is a symbolic link",
      "../escape.yaml is outside",
      "real.yaml changed since it was read",
    ]);
  });

  it("does not take a fix that would make a YAML file unparsable or repeat a key", () => {
    const root = repo({ "k.yaml": "a: 1\nb: 2\n" });
    const breaking = edit(10, 10, "  - : [\n");
    const plan = planFixes(root, [
      finding("k.yaml", edit(0, 0, "c: 3\n")),
      finding("k.yaml", breaking),
      finding("k.yaml", breaking, 2), // the same fix, for another finding: not fixed either
      finding("k.yaml", edit(10, 10, "a: 2\n")),
    ]);
    expect(plan.changes.map((c) => c.after)).toEqual(["c: 3\na: 1\nb: 2\n"]);
    expect(plan.fixed).toHaveLength(1);
    expect(plan.skipped.map((s) => [s.finding.line, s.reason])).toEqual([
      [1, "the edit would leave k.yaml unparsable"],
      [2, "the edit would leave k.yaml unparsable"],
      [1, "the edit would leave k.yaml unparsable"],
    ]);
  });
});

describe("addPair", () => {
  it("keeps a file's CRLF line breaks and indents like the mapping's keys", () => {
    const text = "spec:\r\n    replicas: 1\r\n    template: {}\r\n";
    const map = parseAllDocuments(text)[0]!.get("spec", true) as never;
    const change = addPair(text, map, "strategy", { type: "Recreate" }, ["template"])!;
    const after = text.slice(0, change.range[0]) + change.text + text.slice(change.range[1]);
    expect(after).toBe(
      "spec:\r\n    replicas: 1\r\n    strategy:\r\n      type: Recreate\r\n    template: {}\r\n",
    );
  });

  it("offers nothing for a flow mapping or a mapping that shares its line with another", () => {
    const flow = "spec: {replicas: 1}\n";
    expect(addPair(flow, parseAllDocuments(flow)[0]!.get("spec", true) as never, "a", 1)).toBe(
      undefined,
    );
    const shared = "spec: &s\n  a: 1\nother: x\n";
    const node = parseAllDocuments(shared)[0]!.get("spec", true) as never;
    expect(addPair(shared, node, "b", 2)?.text).toBe("  b: 2\n");
  });
});

it("writes the file --fix changes in place, keeping what it did not touch", () => {
  const root = repo({
    "k8s/redis.yaml":
      "# the cache\nkind: StatefulSet\nmetadata: {name: cache}\nspec:\n  template:\n    spec:\n      containers:\n        - name: redis\n          image: redis:8.4.0   # pinned\n",
  });
  writeFileSync(join(root, "README.md"), "not checked\n");
  const result = parity(["check", "--fix"], root);
  expect(result.code).toBe(0);
  expect(readFileSync(join(root, "k8s/redis.yaml"), "utf8")).toBe(
    "# the cache\nkind: StatefulSet\nmetadata: {name: cache}\nspec:\n  template:\n    spec:\n      containers:\n        - name: redis\n          image: redis:8.4.0   # pinned\n" +
      '          readinessProbe:\n            exec:\n              command:\n                - sh\n                - -c\n                - test "$(redis-cli ping)" = PONG\n            periodSeconds: 5\n            failureThreshold: 6\n',
  );
  expect(result.stdout.trim()).toBe("no problems; 1 file checked");
});
