import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EXAMPLE, parity } from "./helpers.js";

/** The files `parity render` writes that are committed with the example. */
const COMMITTED = [
  "Tiltfile",
  ".tiltignore",
  "k8s/namespace.yaml",
  "k8s/postgres.yaml",
  "k8s/redis.yaml",
  "k8s/rabbitmq.yaml",
  "k8s/migrate.yaml",
  "k8s/dev/seed.yaml",
  "k8s/dev/storage-class.yaml",
  "cluster/k3d.yaml",
  "cluster/kind.yaml",
];

describe("examples/myapp's rendered files", () => {
  const copies: string[] = [];
  afterAll(() => {
    for (const dir of copies) rmSync(dir, { recursive: true, force: true });
  });

  it("are committed and up to date with parity.yaml (`parity render --check`)", () => {
    for (const file of COMMITTED) expect(existsSync(join(EXAMPLE, file)), file).toBe(true);
    const hadState = existsSync(join(EXAMPLE, ".parity"));
    const check = parity(["render", "--check"], EXAMPLE);
    expect(check.stderr + check.stdout).toContain("up to date");
    expect(check.code, check.stderr).toBe(0);
    // --check writes nothing, not even the credentials a real render generates.
    expect(existsSync(join(EXAMPLE, ".parity"))).toBe(hadState);
  });

  it("include no Deployment of parity's own for the apps: their chart renders those", () => {
    expect(existsSync(join(EXAMPLE, "k8s/myapp.yaml"))).toBe(false);
    expect(existsSync(join(EXAMPLE, "k8s/myapp-worker.yaml"))).toBe(false);
    const tiltfile = readFileSync(join(EXAMPLE, "Tiltfile"), "utf8");
    expect(tiltfile).toContain('helm(\n        "charts/myapp"');
  });

  it("are reported stale when parity.yaml changes and they are not rendered again", () => {
    const dir = mkdtempSync(join(tmpdir(), "parity-example-myapp-render-"));
    copies.push(dir);
    for (const file of ["parity.yaml", "charts", ...COMMITTED])
      cpSync(join(EXAMPLE, file), join(dir, file), { recursive: true });
    expect(parity(["render", "--check"], dir).code).toBe(0);
    const spec = readFileSync(join(dir, "parity.yaml"), "utf8");
    writeFileSync(join(dir, "parity.yaml"), spec.replace("port: 8080", "port: 8081"));
    const stale = parity(["render", "--check"], dir);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("Tiltfile");
  });
});
