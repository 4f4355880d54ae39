import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { runCheck } from "../../../src/check/index.js";
import { composeCredentialsRule } from "../../../src/check/rules/compose-credentials.js";
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
      name: "a CI file's service containers and the job env that reaches them (compose-credentials)",
      path: ".github/workflows/ci.yml",
      code: code(`
        jobs:
          t:
            services:
              db:
                image: postgres:18.1
                env: {POSTGRES_PASSWORD: postgres}
            env:
              DATABASE_URL: postgres://postgres:postgres@localhost:5432/postgres
      `),
    },
    {
      name: "compose files (compose-credentials)",
      path: "docker-compose.yml",
      code: "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: postgres\n",
    },
    {
      name: "a Tiltfile that reads passwords from the environment",
      path: "Tiltfile",
      code: code(`
        helm_resource('db', 'charts/db', flags=['--set', 'auth.password=' + os.getenv('DB_PASSWORD')])
        k8s_yaml(helm('charts/api', set=['auth.existingSecret=db-credentials']))
      `),
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
    {
      name: "a Tiltfile: helm set flags and a URL in a command",
      path: "Tiltfile",
      code: code(`
        k8s_yaml(helm('charts/db', set=['auth.postgresPassword=hunter2', 'auth.username=app']))
        local('helm upgrade --install cache charts/cache --set auth.password="cachepw"')
        local_resource('seed', 'psql postgres://app:seedpw@localhost:5432/app -f seed.sql')
      `),
      errors: [
        {
          line: 1,
          column: 56,
          severity: "error",
          message: "`auth.postgresPassword` is set to a literal password",
          advice: "os.getenv('DB_PASSWORD')",
          text: "hunter2",
        },
        { line: 2, column: 71, severity: "error", text: "cachepw" },
        {
          line: 3,
          column: 45,
          severity: "error",
          message: "a `postgres://` URL embeds a literal password",
          text: "seedpw",
        },
      ],
    },
    {
      name: "kustomize secretGenerator literals",
      path: "k8s/kustomization.yaml",
      code: code(`
        secretGenerator:
          - name: db-credentials
            literals:
              - username=app
              - password=s3cr3t
      `),
      errors: [
        {
          line: 5,
          column: 18,
          severity: "error",
          message: "`password` of a secretGenerator is set to a literal password",
          advice: "envs: [.env.secret]",
          text: "s3cr3t",
        },
      ],
    },
    {
      name: "a password in a URL's query, and a deploy job's env",
      path: ".github/workflows/deploy.yml",
      code: code(`
        jobs:
          deploy:
            env:
              SPRING_DATASOURCE_URL: jdbc:postgresql://db.prod:5432/app?user=app&password=prodpw
              REDIS_PASSWORD: cachepw
      `),
      errors: [
        {
          line: 4,
          column: 83,
          severity: "error",
          message:
            "`SPRING_DATASOURCE_URL` embeds a literal password in its `jdbc:postgresql://` connection URL",
          text: "prodpw",
        },
        { line: 5, column: 23, severity: "error", text: "cachepw" },
      ],
    },
    {
      name: "a Secret with no name, its password inside a URL",
      path: "k8s/secret.yaml",
      code: code(`
        apiVersion: v1
        kind: Secret
        stringData:
          config: "spring.datasource.url=jdbc:postgresql://db/app?password=hidden1"
          DATABASE_URL: postgres://app:hidden2@db/app
      `),
      errors: [
        {
          line: 4,
          column: 12,
          severity: "warning",
          message:
            "A Secret with no name commits a literal password, inside a connection URL, in `stringData.config`",
        },
        { line: 5, column: 17, severity: "warning", text: "postgres://app:hidden2@db/app" },
      ],
    },
  ],
});

describe("plaintext-credentials: messages", () => {
  it("never print the password", () => {
    const text =
      "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: hunter2\n      URL: redis://:hunter2@cache\n";
    const found = check("compose.yaml", text, { rules: [composeCredentialsRule] });
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
