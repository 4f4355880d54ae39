import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import type { LocalRecipe } from "../../src/catalog/index.js";
import { resolveBinaries } from "../../src/run/local/binaries.js";
import { tempDir } from "../helpers/run-fakes.js";

let dir: string;
let remove: () => void;

beforeEach(() => {
  ({ dir, remove } = tempDir("binaries"));
});
afterEach(() => remove());

/** An executable shell script at `path` that prints `output`. */
function executable(path: string, output = ""): string {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, `#!/bin/sh\necho '${output}'\n`);
  chmodSync(path, 0o755);
  return path;
}

/**
 * A recipe with only what resolveBinaries reads (binaries, searchDirs, versionProbe); the
 * server-running half of LocalRecipe is never touched by it.
 */
function recipe(
  binaries: string[],
  searchDirs: (major: number | undefined) => string[],
  versionProbe: LocalRecipe["versionProbe"],
): LocalRecipe {
  const read: Pick<LocalRecipe, "binaries" | "searchDirs" | "versionProbe"> = {
    binaries,
    searchDirs,
    versionProbe,
  };
  return read as LocalRecipe;
}

const VERSION_ARGS = { bin: "fakesrv", args: ["--version"], pattern: /fakesrv (\d+(?:\.\d+)*)/ };

describe("resolveBinaries", () => {
  it("takes the highest version directory a `*` pattern matches", () => {
    for (const version of ["9", "10", "16", "2"])
      executable(join(dir, "lib", version, "bin", "fakesrv"), `fakesrv ${version}.0`);
    const found = resolveBinaries(
      recipe(["fakesrv"], () => [join(dir, "lib", "*", "bin")], VERSION_ARGS),
      undefined,
      "",
    );
    expect(found).toEqual({
      bin: { fakesrv: join(dir, "lib", "16", "bin", "fakesrv") },
      version: "16.0",
    });
  });

  it("compares version directories numerically, not as text", () => {
    for (const version of ["10.2", "10.10", "9.6"])
      executable(join(dir, "opt", `${version}`, "fakesrv"), `fakesrv ${version}`);
    const found = resolveBinaries(
      recipe(["fakesrv"], () => [join(dir, "opt", "*")], VERSION_ARGS),
      undefined,
      "",
    );
    expect(found).toMatchObject({ version: "10.10" });
  });

  it("searches the directories in order: the spec's major before the newest", () => {
    executable(join(dir, "lib", "17", "bin", "fakesrv"), "fakesrv 17.7");
    executable(join(dir, "lib", "18", "bin", "fakesrv"), "fakesrv 18.1");
    const dirs = (major: number | undefined) => [
      ...(major ? [join(dir, "lib", String(major), "bin")] : []),
      join(dir, "lib", "*", "bin"),
    ];
    const r = recipe(["fakesrv"], dirs, VERSION_ARGS);
    expect(resolveBinaries(r, 17, "")).toMatchObject({ version: "17.7" });
    expect(resolveBinaries(r, undefined, "")).toMatchObject({ version: "18.1" });
    expect(resolveBinaries(r, 15, "")).toMatchObject({ version: "18.1" });
  });

  it("skips a version directory without the binary, and a file that is not executable", () => {
    mkdirSync(join(dir, "lib", "20", "bin"), { recursive: true }); // empty
    mkdirSync(join(dir, "lib", "19", "bin"), { recursive: true });
    writeFileSync(join(dir, "lib", "19", "bin", "fakesrv"), "echo fakesrv 19.0\n", { mode: 0o644 });
    executable(join(dir, "lib", "18", "bin", "fakesrv"), "fakesrv 18.0");
    const found = resolveBinaries(
      recipe(["fakesrv"], () => [join(dir, "lib", "*", "bin")], VERSION_ARGS),
      undefined,
      "",
    );
    expect(found).toMatchObject({ bin: { fakesrv: join(dir, "lib", "18", "bin", "fakesrv") } });
  });

  it("falls back to PATH, and prefers the search directories to it", () => {
    const pathDir = join(dir, "path-bin");
    executable(join(pathDir, "fakesrv"), "fakesrv 1.0 (from PATH)");
    executable(join(pathDir, "fakecli"));
    executable(join(dir, "lib", "7", "bin", "fakesrv"), "fakesrv 7.0");
    const r = recipe(["fakesrv", "fakecli"], () => [join(dir, "lib", "*", "bin")], VERSION_ARGS);
    expect(resolveBinaries(r, undefined, `${join(dir, "nowhere")}:${pathDir}`)).toEqual({
      bin: {
        fakesrv: join(dir, "lib", "7", "bin", "fakesrv"),
        fakecli: join(pathDir, "fakecli"),
      },
      version: "7.0",
    });
  });

  it("finds everything on PATH when no search directory exists", () => {
    const pathDir = join(dir, "path-bin");
    executable(join(pathDir, "fakesrv"), "fakesrv 3.1.4");
    const r = recipe(
      ["fakesrv"],
      () => [join(dir, "missing", "*", "bin"), "/nonexistent"],
      VERSION_ARGS,
    );
    expect(resolveBinaries(r, undefined, pathDir)).toEqual({
      bin: { fakesrv: join(pathDir, "fakesrv") },
      version: "3.1.4",
    });
  });

  it("reports the names it cannot find", () => {
    const pathDir = join(dir, "path-bin");
    executable(join(pathDir, "fakesrv"));
    const r = recipe(["initdb", "fakesrv", "pg_ctl"], () => [], VERSION_ARGS);
    expect(resolveBinaries(r, undefined, pathDir)).toEqual({ missing: ["initdb", "pg_ctl"] });
  });

  it("gives no version when the probe's output does not match", () => {
    const pathDir = join(dir, "path-bin");
    executable(join(pathDir, "fakesrv"), "something else entirely");
    expect(
      resolveBinaries(
        recipe(["fakesrv"], () => [], VERSION_ARGS),
        undefined,
        pathDir,
      ),
    ).toEqual({ bin: { fakesrv: join(pathDir, "fakesrv") }, version: undefined });
  });

  it("reads the version from the resolved path of a symlinked executable", () => {
    const real = executable(
      join(
        dir,
        "usr",
        "lib",
        "rabbitmq",
        "lib",
        "rabbitmq_server-3.10.8",
        "sbin",
        "rabbitmq-server",
      ),
    );
    const links = join(dir, "usr", "lib", "rabbitmq", "bin");
    mkdirSync(links, { recursive: true });
    symlinkSync(real, join(links, "rabbitmq-server"));
    // A chain of links: /usr/sbin → …/bin → the versioned directory.
    const sbin = join(dir, "usr", "sbin");
    mkdirSync(sbin, { recursive: true });
    symlinkSync(join(links, "rabbitmq-server"), join(sbin, "rabbitmq-server"));

    const r = recipe(["rabbitmq-server"], () => [sbin], {
      bin: "rabbitmq-server",
      pattern: /rabbitmq_server-(\d+(?:\.\d+)*)/,
    });
    expect(resolveBinaries(r, undefined, "")).toEqual({
      bin: { "rabbitmq-server": join(sbin, "rabbitmq-server") },
      version: "3.10.8",
    });
  });

  it("gives no version from a path without one", () => {
    const pathDir = join(dir, "path-bin");
    executable(join(pathDir, "rabbitmq-server"));
    const r = recipe(["rabbitmq-server"], () => [], {
      bin: "rabbitmq-server",
      pattern: /rabbitmq_server-(\d+(?:\.\d+)*)/,
    });
    expect(resolveBinaries(r, undefined, pathDir)).toMatchObject({ version: undefined });
  });
});

describe("resolveBinaries: a locator", () => {
  it("searches the directory a locator command prints, before PATH", () => {
    const { dir: root, remove } = tempDir("locator");
    onTestFinished(remove);
    const located = join(root, "pg", "bin");
    const onPath = join(root, "path");
    mkdirSync(located, { recursive: true });
    mkdirSync(onPath, { recursive: true });
    for (const dir of [located, onPath]) {
      writeFileSync(join(dir, "postgres"), "#!/bin/sh\necho 'postgres (PostgreSQL) 16.4'\n", {
        mode: 0o755,
      });
    }
    writeFileSync(join(onPath, "pg_config"), `#!/bin/sh\necho ${located}\n`, { mode: 0o755 });
    const recipe = {
      binaries: ["postgres"],
      searchDirs: () => [],
      locator: { bin: "pg_config", args: ["--bindir"] },
      versionProbe: { bin: "postgres", args: ["--version"], pattern: /\(PostgreSQL\) (\S+)/ },
    } as unknown as LocalRecipe;
    expect(resolveBinaries(recipe, undefined, onPath)).toEqual({
      bin: { postgres: join(located, "postgres") },
      version: "16.4",
    });
  });
});
