import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { runCheck } from "../../../src/check/index.js";
import { plaintextCredentialsRule } from "../../../src/check/rules/plaintext-credentials.js";
import { check, code, repo, testRule } from "../helpers.js";

const deployment = (env: string) =>
  code(`
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      template:
        spec:
          containers:
            - name: api
              image: ghcr.io/example/api:1.0
              env:
  `) + env;

const LITERAL = /is set to a literal password/;

testRule(plaintextCredentialsRule, {
  valid: [
    {
      name: "env from a Secret, placeholders, empty values",
      path: "k8s/api.yaml",
      code: deployment(
        code(`
                - name: POSTGRES_PASSWORD
                  valueFrom:
                    secretKeyRef: {name: db, key: password}
                - name: REDIS_PASSWORD
                  value: "$(REDIS_SECRET)"
                - name: RABBITMQ_DEFAULT_PASS
                  value: ""
                - name: MYSQL_ROOT_PASSWORD_FILE
                  value: /run/secrets/mysql
                - name: MYSQL_ALLOW_EMPTY_PASSWORD
                  value: "yes"
                - name: DATABASE_URL
                  value: postgres://app:$(DB_PASSWORD)@db:5432/app
                - name: CACHE_URL
                  value: redis://cache:6379/0
                - name: PWD
                  value: /app
        `).replace(/^/gm, "        "),
      ),
    },
    {
      name: "Bitnami-style values with an existing Secret",
      path: "charts/app/values.yaml",
      code: code(`
        postgresql:
          auth:
            existingSecret: db-credentials
            secretKeys:
              adminPasswordKey: postgres-password
              userPasswordKey: password
            password: ""
            usePasswordFiles: true
          allowEmptyPassword: true
        redis:
          auth:
            password: "{{ .Values.global.redisPassword }}"
      `),
    },
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
      name: "a SealedSecret, and a Secret without credentials",
      path: "k8s/secrets.yaml",
      code: code(`
        apiVersion: bitnami.com/v1alpha1
        kind: SealedSecret
        metadata:
          name: db
        spec:
          encryptedData:
            password: AgBy3i4OJSWK+PiTySYZZA==
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: db-config
        stringData:
          username: app
          host: db
          password: ""
      `),
    },
    {
      name: "a password key in a file no rule of this kind reads",
      path: ".github/workflows/ci.yml",
      code: "jobs:\n  t:\n    env:\n      POSTGRES_PASSWORD: postgres\n",
    },
  ],
  invalid: [
    {
      name: "manifest env with a literal value",
      path: "k8s/api.yaml",
      code: deployment(
        "            - name: POSTGRES_PASSWORD\n              value: s3cr3t\n" +
          '            - name: MYSQL_ROOT_PASSWORD\n              value: "changeme"\n',
      ),
      errors: [
        { line: 13, column: 22, severity: "error", message: LITERAL, text: "s3cr3t" },
        {
          line: 15,
          column: 23,
          severity: "error",
          message: "env `MYSQL_ROOT_PASSWORD` is set to a literal password",
          advice: /secretKeyRef/,
          text: "changeme",
        },
      ],
    },
    {
      name: "connection URLs with embedded passwords",
      path: "k8s/config.yaml",
      code: code(`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: api
        data:
          DATABASE_URL: postgresql://app:hunter2@db:5432/app
          CACHE_URL: "redis://:cachepw@cache:6379/0"
          BROKER_URL: amqp://app:brokerpw@queue:5672/
          MONGO_URL: mongodb+srv://app:mongopw@cluster.example/app
          MYSQL_DSN: mysql://root:rootpw@mysql/app
      `),
      errors: [
        {
          line: 6,
          column: 34,
          severity: "error",
          message: "`DATABASE_URL` embeds a literal password in its `postgresql://` connection URL",
          advice: /\$\(DB_PASSWORD\)/,
          text: "hunter2",
        },
        { line: 7, column: 24, severity: "error", text: "cachepw" },
        { line: 8, column: 26, severity: "error", text: "brokerpw" },
        { line: 9, column: 32, severity: "error", text: "mongopw" },
        { line: 10, column: 27, severity: "error", text: "rootpw" },
      ],
    },
    {
      name: "Helm values: chart password keys",
      path: "charts/app/values.yaml",
      code: code(`
        postgresql:
          auth:
            postgresPassword: admin123
            password: 'app-pass'
        mariadb:
          auth:
            rootPassword: 123456
        rabbitmq:
          extraEnvVars:
            - name: RABBITMQ_DEFAULT_PASS
              value: guest
      `),
      errors: [
        {
          line: 3,
          column: 23,
          severity: "error",
          message: "`postgresql.auth.postgresPassword` is set to a literal password",
          advice: "--set postgresql.auth.postgresPassword=$DB_PASSWORD",
          text: "admin123",
        },
        { line: 4, column: 16, severity: "error", text: "app-pass" },
        { line: 7, column: 19, severity: "error", text: "123456" },
        { line: 11, column: 14, severity: "error", text: "guest" },
      ],
    },
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
          severity: "error",
          message: "`POSTGRES_PASSWORD` of service `db` is set to a literal password",
          advice: /POSTGRES_PASSWORD: \$\{POSTGRES_PASSWORD:\?set it in \.env\}/,
          text: "postgres",
        },
        { line: 6, column: 29, severity: "error", text: "minio123" },
        {
          line: 10,
          column: 36,
          severity: "error",
          message: "`MONGO_INITDB_ROOT_PASSWORD` of service `mongo` is set to a literal password",
          text: "example",
        },
        { line: 11, column: 25, severity: "error", text: "REDIS_PASSWORD" },
        {
          line: 12,
          column: 37,
          severity: "error",
          message: "`DATABASE_URL` embeds a literal password",
          text: "apppw",
        },
      ],
    },
    {
      name: "a committed Secret: stringData and base64 data",
      path: "k8s/secret.yaml",
      code: code(`
        apiVersion: v1
        kind: Secret
        metadata:
          name: db-credentials
        stringData:
          username: app
          password: changeme
        data:
          POSTGRES_PASSWORD: c2VjcmV0
          uri: cG9zdGdyZXM6Ly9hcHA6cHdAZGIvYXBw
      `),
      errors: [
        {
          line: 7,
          column: 13,
          severity: "warning",
          message: "Secret `db-credentials` commits a literal password in `stringData.password`",
          advice: /SealedSecret/,
          text: "changeme",
        },
        {
          line: 9,
          column: 22,
          severity: "warning",
          message: /`data.POSTGRES_PASSWORD` \(base64 is an encoding, not encryption\)/,
          text: "c2VjcmV0",
        },
        { line: 10, column: 8, severity: "warning", text: "cG9zdGdyZXM6Ly9hcHA6cHdAZGIvYXBw" },
      ],
    },
  ],
});

describe("plaintext-credentials: messages", () => {
  it("never print the password", () => {
    const text =
      "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: hunter2\n      URL: redis://:hunter2@cache\n";
    const found = check("compose.yaml", text, { rules: [plaintextCredentialsRule] });
    expect(found).toHaveLength(2);
    for (const f of found) expect(`${f.message} ${f.advice}`).not.toContain("hunter2");
  });
});

describe("plaintext-credentials: only what git tracks", () => {
  const files = {
    "k8s/db.yaml": "kind: ConfigMap\ndata:\n  POSTGRES_PASSWORD: tracked\n",
    "local/override.yaml": "kind: ConfigMap\ndata:\n  POSTGRES_PASSWORD: untracked\n",
  };
  const flagged = (dir: string) =>
    runCheck(dir)
      .findings.filter((f) => f.ruleId === "plaintext-credentials")
      .map((f) => f.file);

  it("reads every file outside a git work tree", () => {
    expect(flagged(repo(files))).toEqual(["k8s/db.yaml", "local/override.yaml"]);
  });

  it("reads only tracked files inside one, also when a subdirectory is scanned", () => {
    const dir = repo(files);
    execFileSync("git", ["init", "-q"], { cwd: dir });
    execFileSync("git", ["add", "k8s/db.yaml"], { cwd: dir });
    expect(flagged(dir)).toEqual(["k8s/db.yaml"]);
    expect(flagged(`${dir}/k8s`)).toEqual(["db.yaml"]);
    expect(flagged(`${dir}/local`)).toEqual([]);
  });
});
