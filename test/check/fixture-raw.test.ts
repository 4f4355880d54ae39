import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCheck } from "../../src/check/index.js";
import { expectQuotedText, fixture, fixtureDir, itDoesNotReport } from "./fixture-helpers.js";

const NAME = "raw-manifests-compose";
/** The developer's local override: committed here as a fixture, left untracked in the copy. */
const UNTRACKED = "docker-compose.override.yml";
const MINE = ["plaintext-credentials", "migration-in-init-container"];

/** A copy of the fixture: a git work tree that tracks all but {@link UNTRACKED}, or no repo. */
function copy(git: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), "parity-check-raw-"));
  cpSync(fixtureDir(NAME), dir, { recursive: true });
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
  const fx = fixture(NAME, copy(true));
  const { result, at } = fx;

  it("points every finding at one line of text; messages quote it, but never a password", () => {
    expectQuotedText(fx, (f, text, where) => {
      if (f.ruleId === "plaintext-credentials") {
        expect(f.message, where).toMatch(/a literal password/);
        expect(`${f.message} ${f.advice}`, where).not.toContain(text);
      } else expect(f.message, where).toContain(text);
    });
  });

  it("reports the committed passwords and the concurrent migrations as errors", () => {
    const errors = result.findings
      .filter((f) => MINE.includes(f.ruleId) && f.severity === "error")
      .map((f) => `${f.file}:${f.line} ${at(f)}`);
    expect(errors).toEqual([
      "k8s/api.yaml:21 prisma",
      "k8s/api.yaml:38 guest",
      "k8s/redis.yaml:21 changeme",
      "k8s/worker.yaml:23 alembic -c /app/alembic.ini upgrade",
    ]);
  });

  itDoesNotReport(
    fx,
    [
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
    ],
    {
      rules: MINE,
      // An env entry's value is on the line after its `name:`.
      through: (text, line) => (/-\s+name:/.test(text[line - 1]!) ? line + 1 : line),
    },
  );

  it("leaves the compose file's throwaway passwords to the opt-in compose-credentials", () => {
    const compose = (f: { file: string }) => f.file.startsWith("docker-compose");
    expect(result.findings.filter((f) => compose(f) && MINE.includes(f.ruleId))).toEqual([]);
    const optIn = runCheck(copy(true), { rules: ["compose-credentials=error"] }).findings;
    expect(
      optIn
        .filter((f) => f.ruleId === "compose-credentials")
        .map((f) => `${f.file}:${f.line} ${at(f)}`),
    ).toEqual([
      "docker-compose.yml:8 shop-dev-pw",
      "docker-compose.yml:20 guest",
      "docker-compose.yml:32 shop-dev-pw",
    ]);
  });

  it("reads credentials only in files git tracks, in every file outside git", () => {
    const rules = ["compose-credentials=error"];
    const tracked = runCheck(copy(true), { rules }).findings;
    expect(tracked.filter((f) => f.file === UNTRACKED)).toEqual([]);
    const untracked = runCheck(copy(false), { rules }).findings.filter((f) => f.file === UNTRACKED);
    expect(untracked.map((f) => `${f.line}:${f.column} ${f.ruleId} ${f.severity}`)).toEqual([
      "6:26 compose-credentials error",
    ]);
  });
});
