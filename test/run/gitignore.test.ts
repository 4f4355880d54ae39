import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureGitignored } from "../../src/plan/gitignore.js";
import { snapshotTree } from "../helpers/cli.js";
import { tempDir } from "../helpers/run-fakes.js";

const HEADER = "# parity: generated secrets, data and logs";

let dir: string;
let remove: () => void;

beforeEach(() => {
  ({ dir, remove } = tempDir("gitignore"));
});
afterEach(() => remove());

function gitInit(root: string): void {
  execFileSync("git", ["init", "-q", root], { stdio: "pipe" });
}

/** Whether git (not parity's own reading) considers `.parity/` below `cwd` ignored. */
function gitIgnores(cwd: string): boolean {
  return spawnSync("git", ["check-ignore", "-q", ".parity/"], { cwd }).status === 0;
}

describe("ensureGitignored in a git work tree", () => {
  it("writes nothing in a subdirectory when the repository root already ignores .parity/", () => {
    gitInit(dir);
    writeFileSync(join(dir, ".gitignore"), "node_modules/\n.parity/\n");
    const project = join(dir, "services", "orders");
    mkdirSync(project, { recursive: true });
    const before = snapshotTree(dir);

    expect(ensureGitignored(project)).toBe(false);
    expect(existsSync(join(project, ".gitignore"))).toBe(false);
    expect(snapshotTree(dir)).toEqual(before);
    expect(gitIgnores(project)).toBe(true);
  });

  it("adds the entry once in a repository that does not ignore it", () => {
    gitInit(dir);
    writeFileSync(join(dir, ".gitignore"), "node_modules/");
    expect(gitIgnores(dir)).toBe(false);

    expect(ensureGitignored(dir)).toBe(true);
    expect(readFileSync(join(dir, ".gitignore"), "utf8")).toBe(
      `node_modules/\n${HEADER}\n.parity/\n`,
    );
    expect(gitIgnores(dir)).toBe(true);

    expect(ensureGitignored(dir)).toBe(false);
    const text = readFileSync(join(dir, ".gitignore"), "utf8");
    expect(text.match(/^\.parity\/$/gm)).toHaveLength(1);
  });

  it("creates the project's .gitignore in a subdirectory when nothing ignores it", () => {
    gitInit(dir);
    const project = join(dir, "app");
    mkdirSync(project);
    expect(ensureGitignored(project)).toBe(true);
    expect(readFileSync(join(project, ".gitignore"), "utf8")).toBe(`${HEADER}\n.parity/\n`);
    expect(existsSync(join(dir, ".gitignore"))).toBe(false);
    expect(gitIgnores(project)).toBe(true);
  });

  it("counts a rule anchored at the root as not covering a subdirectory's .parity/", () => {
    gitInit(dir);
    writeFileSync(join(dir, ".gitignore"), "/.parity/\n");
    const project = join(dir, "app");
    mkdirSync(project);
    expect(ensureGitignored(project)).toBe(true);
    expect(gitIgnores(project)).toBe(true);
  });
});

describe("ensureGitignored outside a git work tree", () => {
  beforeEach(() => {
    // The premise: the temp directory is in no repository.
    const inside = spawnSync("git", ["rev-parse", "--is-inside-work-tree"], { cwd: dir });
    expect(inside.status).not.toBe(0);
  });

  it.each([".parity/", "/.parity/", ".parity", ".parity/*", "  .parity/  "])(
    "reads the project's .gitignore: %j counts",
    (line) => {
      writeFileSync(join(dir, ".gitignore"), `dist\n${line}\n`);
      expect(ensureGitignored(dir)).toBe(false);
      expect(readFileSync(join(dir, ".gitignore"), "utf8")).toBe(`dist\n${line}\n`);
    },
  );

  it("adds the entry on a line of its own when the file lacks a final newline", () => {
    writeFileSync(join(dir, ".gitignore"), "dist");
    expect(ensureGitignored(dir)).toBe(true);
    expect(readFileSync(join(dir, ".gitignore"), "utf8")).toBe(`dist\n${HEADER}\n.parity/\n`);
    expect(ensureGitignored(dir)).toBe(false);
  });

  it("does not take a longer name for the entry", () => {
    writeFileSync(join(dir, ".gitignore"), ".parity-old/\n");
    expect(ensureGitignored(dir)).toBe(true);
  });
});
