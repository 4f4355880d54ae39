import { composeCredentialsRule } from "../../../src/check/rules/compose-credentials.js";
import { describe, expect, it } from "vitest";
import { runCheck } from "../../../src/check/index.js";
import { code, repo, testRule } from "../helpers.js";

testRule(composeCredentialsRule, {
  valid: [
    {
      name: "compose placeholders, map and list forms",
      path: "docker-compose.yml",
      code: code(`
        services:
          db:
            image: postgres:18.1
            environment:
              POSTGRES_PASSWORD: \${POSTGRES_PASSWORD:?set it in .env}
              POSTGRES_PASSWORD_FILE: /run/secrets/db
          queue:
            image: rabbitmq:4.2.2
            environment:
              - RABBITMQ_DEFAULT_PASS=\${RABBITMQ_PASS:-guest}
              - RABBITMQ_DEFAULT_USER=app
              - REDIS_PASSWORD
      `),
    },
    {
      name: "manifests and values files (plaintext-credentials)",
      path: "k8s/config.yaml",
      code: "kind: ConfigMap\ndata:\n  POSTGRES_PASSWORD: shipped\n",
    },
    {
      name: "a CI file without service containers (plaintext-credentials)",
      path: ".github/workflows/deploy.yml",
      code: "jobs:\n  d:\n    env:\n      POSTGRES_PASSWORD: shipped\n",
    },
  ],
  invalid: [
    {
      name: "compose environment, map and list forms",
      path: "compose.yaml",
      code: code(`
        services:
          db:
            image: postgres:18.1
            environment:
              POSTGRES_PASSWORD: postgres
              MINIO_ROOT_PASSWORD: "minio123"
          mongo:
            image: mongo:8
            environment:
              - MONGO_INITDB_ROOT_PASSWORD=example
              - "REDIS_PASSWORD=REDIS_PASSWORD"
              - DATABASE_URL=postgres://app:apppw@db/app
      `),
      errors: [
        {
          line: 5,
          column: 26,
          severity: "warning",
          message: "`POSTGRES_PASSWORD` of service `db` is set to a literal password",
          advice: /POSTGRES_PASSWORD: \$\{POSTGRES_PASSWORD:\?set it in \.env\}/,
          text: "postgres",
        },
        { line: 6, column: 29, severity: "warning", text: "minio123" },
        {
          line: 10,
          column: 36,
          severity: "warning",
          message: "`MONGO_INITDB_ROOT_PASSWORD` of service `mongo` is set to a literal password",
          text: "example",
        },
        { line: 11, column: 25, severity: "warning", text: "REDIS_PASSWORD" },
        {
          line: 12,
          column: 37,
          severity: "warning",
          message: "`DATABASE_URL` embeds a literal password",
          text: "apppw",
        },
      ],
    },
    {
      name: "a CI job's service containers",
      path: ".github/workflows/ci.yml",
      code: code(`
        jobs:
          t:
            services:
              db:
                image: postgres:18.1
                env: {POSTGRES_PASSWORD: postgres}
      `),
      errors: [{ line: 6, column: 34, severity: "warning", text: "postgres" }],
    },
  ],
});

describe("compose-credentials is opt-in", () => {
  const files = {
    "docker-compose.yml": "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: postgres\n",
  };
  it("is off unless configured", () => {
    const result = runCheck(repo(files), { helm: false });
    expect(result.findings).toEqual([]);
    expect(result.rules.find((r) => r.id === "compose-credentials")?.level).toBe("off");
  });
  it("reports when turned on", () => {
    const result = runCheck(repo(files), { helm: false, rules: ["compose-credentials=warning"] });
    expect(result.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`)).toEqual([
      "docker-compose.yml:4 compose-credentials",
    ]);
  });
});
