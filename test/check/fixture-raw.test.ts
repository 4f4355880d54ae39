import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCheck } from "../../src/check/index.js";
import { formatJson } from "../../src/check/reporters/json.js";

const FIXTURE = join(import.meta.dirname, "..", "fixtures", "check", "raw-manifests-compose");
const EXPECTED = `${FIXTURE}.expected.json`;
/** The developer's local override: committed here as a fixture, left untracked in the copy. */
const UNTRACKED = "docker-compose.override.yml";
const MINE = ["plaintext-credentials", "migration-in-init-container"];

/** A copy of the fixture: a git work tree that tracks all but {@link UNTRACKED}, or no repo. */
function copy(git: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), "parity-check-raw-"));
  cpSync(FIXTURE, dir, { recursive: true });
  if (git) {
    const run = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
    run("init", "-q");
    run("add", "-A");
    run("rm", "-q", "--cached", UNTRACKED);
  }
  return dir;
}

/**
 * Raw Kubernetes manifests and a docker-compose.yml for the same app (PostgreSQL, Redis,
 * RabbitMQ, an API with a migration), with committed passwords, migrations in init containers,
 * and the right ways of doing both, which must not be reported. It is scanned as a copy in a
 * git work tree of its own (whether the fixture is committed yet must not matter), and its
 * findings compared, whole, with a committed JSON file. After an intended change:
 * UPDATE_GOLDEN=1 npx vitest run test/check/fixture-raw.test.ts, then
 * `npx prettier --write test/fixtures/check` and review the diff.
 */
describe("the raw-manifests-compose fixture repository", () => {
  const dir = copy(true);
  const result = runCheck(dir);
  const json = formatJson(result);
  if (process.env.UPDATE_GOLDEN) writeFileSync(EXPECTED, json + "\n");
  const lines = (file: string) => readFileSync(join(FIXTURE, file), "utf8").split("\n");
  const at = (f: (typeof result.findings)[number]) =>
    lines(f.file)[f.line - 1]!.slice(f.column - 1, f.endColumn - 1);

  it("has exactly the expected findings", () => {
    expect(JSON.parse(json)).toEqual(JSON.parse(readFileSync(EXPECTED, "utf8")));
  });

  it("points every finding at one line of text; messages quote it, but never a password", () => {
    for (const f of result.findings) {
      const where = `${f.file}:${f.line}:${f.column}`;
      expect(f.endLine, where).toBe(f.line);
      expect(at(f).length, where).toBeGreaterThan(0);
      if (f.ruleId === "plaintext-credentials") {
        expect(f.message, where).toMatch(/a literal password/);
        expect(`${f.message} ${f.advice}`, where).not.toContain(at(f));
      } else expect(f.message, where).toContain(at(f));
    }
  });

  it("reports the committed passwords and the concurrent migrations as errors", () => {
    const errors = result.findings
      .filter((f) => MINE.includes(f.ruleId) && f.severity === "error")
      .map((f) => `${f.file}:${f.line} ${at(f)}`);
    expect(errors).toEqual([
      "docker-compose.yml:8 shop-dev-pw",
      "docker-compose.yml:20 guest",
      "docker-compose.yml:32 shop-dev-pw",
      "k8s/api.yaml:21 prisma",
      "k8s/api.yaml:38 guest",
      "k8s/redis.yaml:21 changeme",
      "k8s/worker.yaml:23 alembic -c /app/alembic.ini upgrade",
    ]);
  });

  it.each([
    ["docker-compose.yml", "${POSTGRES_PASSWORD:?set it in .env}"],
    ["docker-compose.yml", "RABBITMQ_URL"],
    ["docker-compose.yml", "MYSQL_ALLOW_EMPTY_PASSWORD"],
    ["docker-compose.yml", "POSTGRES_PASSWORD_FILE"],
    ["docker-compose.yml", '"prisma", "migrate"'],
    ["k8s/postgres.yaml", "POSTGRES_PASSWORD"],
    ["k8s/rabbitmq.yaml", "RABBITMQ_DEFAULT_PASS"],
    ["k8s/redis.yaml", "requirepass"],
    ["k8s/secret.yaml", "username"],
    ["k8s/api.yaml", "until pg_isready"],
    ["k8s/api.yaml", "# built from the Secret"],
    ["k8s/jobs.yaml", '"prisma", "migrate"'],
    ["k8s/admin.yaml", "showmigrations"],
  ])("does not report %s on the line with %s", (file, marker) => {
    const text = lines(file);
    const line = text.findIndex((l) => l.includes(marker)) + 1;
    expect(line, `${marker} is in ${file}`).toBeGreaterThan(0);
    // An env entry's value is on the line after its `name:`.
    const last = /-\s+name:/.test(text[line - 1]!) ? line + 1 : line;
    const near = (f: { file: string; line: number; ruleId: string }) =>
      f.file === file && f.line >= line && f.line <= last && MINE.includes(f.ruleId);
    expect(result.findings.filter(near)).toEqual([]);
  });

  it("reads credentials only in files git tracks, in every file outside git", () => {
    expect(result.findings.filter((f) => f.file === UNTRACKED)).toEqual([]);
    const untracked = runCheck(copy(false)).findings.filter((f) => f.file === UNTRACKED);
    expect(untracked.map((f) => `${f.line}:${f.column} ${f.ruleId} ${f.severity}`)).toEqual([
      "6:26 plaintext-credentials error",
    ]);
  });
});
