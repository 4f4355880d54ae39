import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { copyFixture, parity, snapshotTree } from "../helpers/cli.js";

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}

function passwords(dir: string): string[] {
  return readFileSync(join(dir, ".parity/secrets.env"), "utf8")
    .split("\n")
    .filter((l) => /^[A-Z_]+=/.test(l))
    .map((l) => l.split("=")[1]!);
}

describe("parity render", () => {
  it("writes manifests, Tiltfile, .tiltignore and cluster configs; secrets only under .parity/", () => {
    const dir = copyFixture("myapp");
    const result = parity(["render"], dir);
    expect(result.code).toBe(0);
    for (const file of [
      "Tiltfile",
      ".tiltignore",
      "k8s/postgres.yaml",
      "k8s/myapp.yaml",
      "k8s/dev/seed.yaml",
      "cluster/k3d.yaml",
      "cluster/kind.yaml",
    ]) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    expect(statSync(join(dir, ".parity/secrets.env")).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, ".parity/secrets.yaml")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, ".gitignore"), "utf8")).toMatch(/^\.parity\/$/m);

    const secrets = passwords(dir);
    expect(secrets).toHaveLength(3);
    for (const file of allFiles(dir).filter((f) => !f.startsWith(".parity/"))) {
      const text = readFileSync(join(dir, file), "utf8");
      for (const secret of secrets)
        expect(text.includes(secret), `${file} holds a password`).toBe(false);
    }
    for (const secret of secrets) {
      expect(result.stdout + result.stderr).not.toContain(secret);
      expect(readFileSync(join(dir, ".parity/secrets.yaml"), "utf8")).toContain(secret);
    }
  });

  it("is byte-identical on a second run, reusing the credentials, and rewrites nothing", () => {
    const dir = copyFixture("myapp");
    parity(["render"], dir);
    const before = snapshotTree(dir);
    const secrets = passwords(dir);
    const again = parity(["render"], dir);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/0 written/);
    expect(snapshotTree(dir)).toEqual(before);
    expect(passwords(dir)).toEqual(secrets);
  });

  it("--check passes when up to date and fails, writing nothing, when the spec changed", () => {
    const dir = copyFixture("myapp");
    parity(["render"], dir);
    expect(parity(["render", "--check"], dir).code).toBe(0);
    const spec = readFileSync(join(dir, "parity.yaml"), "utf8").replace("port: 8080", "port: 9090");
    writeFileSync(join(dir, "parity.yaml"), spec);
    const before = snapshotTree(dir);
    const check = parity(["render", "--check"], dir);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain("k8s/myapp.yaml");
    expect(snapshotTree(dir)).toEqual(before);
  });

  it("removes the manifests of a service that left the spec, and nothing hand-written", () => {
    const dir = copyFixture("myapp");
    parity(["render"], dir);
    writeFileSync(join(dir, "k8s/extra.yaml"), "# mine\nkind: ConfigMap\n");
    const spec = readFileSync(join(dir, "parity.yaml"), "utf8")
      .replace("  redis: {}\n", "")
      .replace("postgres, redis, rabbitmq", "postgres, rabbitmq");
    writeFileSync(join(dir, "parity.yaml"), spec);
    const result = parity(["render"], dir);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("removed  k8s/redis.yaml");
    expect(existsSync(join(dir, "k8s/redis.yaml"))).toBe(false);
    expect(existsSync(join(dir, "k8s/extra.yaml"))).toBe(true);
  });

  it("--out writes elsewhere, with paths back to the project and secrets kept in the project", () => {
    const dir = copyFixture("myapp");
    const out = join(dir, "deploy");
    expect(parity(["render", "--out", "deploy"], dir).code).toBe(0);
    const tiltfile = readFileSync(join(out, "Tiltfile"), "utf8");
    expect(tiltfile).toContain('secrets_file = "../.parity/secrets.yaml"');
    expect(tiltfile).toContain('docker_build("myapp", "..")');
    expect(existsSync(join(dir, ".parity/secrets.yaml"))).toBe(true);
    expect(existsSync(join(out, ".parity"))).toBe(false);
  });

  it("finds the spec through --file from another directory", () => {
    const dir = copyFixture("myapp");
    const result = parity(["--file", join(dir, "parity.yaml"), "render"], tmpdir());
    expect(result.code).toBe(0);
    expect(existsSync(join(dir, "Tiltfile"))).toBe(true);
  });
});

/** Bad specs through the real CLI: the position, exit code 2, no stack trace, nothing written. */
const badSpecs: Array<[string, string, RegExp]> = [
  [
    "unknown key",
    "name: a\nservices:\n  postgres:\n    versoin: '17'\n",
    /^parity\.yaml:4:5: services\.postgres\.versoin: unknown key "versoin" \(did you mean "version"\?\)$/m,
  ],
  [
    "cycle",
    "name: a\nservices:\n  postgres: {}\njobs:\n  migrate:\n    command: m\n    image: x\n    after: [seed]\n  seed:\n    command: s\n    image: x\n    after: [migrate]\n",
    /^parity\.yaml:5:3: jobs\.migrate: dependency cycle: migrate → seed → migrate$/m,
  ],
  [
    "unknown kind",
    "name: a\nservices:\n  db:\n    kind: mongo\n",
    /^parity\.yaml:4:11: services\.db\.kind: unknown kind "mongo"/m,
  ],
  ["bad YAML", "name: a\nservices:\n  postgres: {\n", /^parity\.yaml:\d+:\d+: /m],
  [
    "undefined reference",
    "name: a\napps:\n  web:\n    uses: [redis]\n",
    /^parity\.yaml:4:12: apps\.web\.uses\.0: unknown service "redis"$/m,
  ],
];

describe("parity render: bad specs", () => {
  it.each(badSpecs)("%s: exit 2, file:line:col, nothing written", (_, text, expected) => {
    const dir = mkdtempSync(join(tmpdir(), "parity-bad-"));
    writeFileSync(join(dir, "parity.yaml"), text);
    const before = snapshotTree(dir);
    const result = parity(["render"], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(expected);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe("");
    expect(snapshotTree(dir)).toEqual(before);
  });

  it("says where the spec is missing", () => {
    const dir = mkdtempSync(join(tmpdir(), "parity-none-"));
    const result = parity(["render"], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^parity\.yaml: no such file/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("exits 2 on an unknown option", () => {
    const result = parity(["render", "--nope"], tmpdir());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--nope'");
  });
});

describe("parity schema and graph", () => {
  it("prints a JSON Schema that accepts the fixture and rejects typos", () => {
    const result = parity(["schema"], tmpdir());
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout);
    const validate = new Ajv2020({ strict: false }).compile(schema);
    const fixture = parse(readFileSync(join(copyFixture("myapp"), "parity.yaml"), "utf8"));
    expect(validate(fixture), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ name: "a", services: { postgres: { versoin: "17" } } })).toBe(false);
    expect(validate({ name: "a", services: { db: { kind: "mongo" } } })).toBe(false);
    expect(validate({ services: {} })).toBe(false);
  });

  it("prints the graph as mermaid and dot", () => {
    const dir = copyFixture("myapp");
    const mermaid = parity(["graph"], dir);
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout).toContain("migrate --> seed");
    const dot = parity(["graph", "--format", "dot"], dir);
    expect(dot.stdout).toContain('"seed" -> "myapp";');
    expect(parity(["graph", "--format", "svg"], dir).code).toBe(2);
  });
});
