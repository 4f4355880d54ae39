import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { renderAll } from "../../src/render/index.js";
import { fixtureText, planOf } from "../helpers/spec.js";

const GOLDEN = join(import.meta.dirname, "..", "golden");

/**
 * The myapp-shaped spec's render, file by file, against files committed under test/golden/.
 * After an intended change: UPDATE_GOLDEN=1 npx vitest run test/render/golden.test.ts, then
 * review the diff like any other change.
 */
describe.each(["myapp"])("golden render of %s", (fixture) => {
  const dir = join(GOLDEN, fixture);
  const files = renderAll(planOf(fixtureText(fixture)));

  if (process.env.UPDATE_GOLDEN) {
    rmSync(dir, { recursive: true, force: true });
    for (const file of files) {
      mkdirSync(dirname(join(dir, file.path)), { recursive: true });
      writeFileSync(join(dir, file.path), file.content);
    }
  }

  it("renders exactly the golden set of files", () => {
    const golden = existsSync(dir)
      ? readdirSync(dir, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => relative(dir, join(e.parentPath, e.name)))
      : [];
    expect(files.map((f) => f.path).sort()).toEqual(golden.sort());
  });

  it.each(files.map((f) => [f.path, f.content]))("%s", (path, content) => {
    expect(content).toBe(readFileSync(join(dir, path), "utf8"));
  });
});
