import { describe, expect, it } from "vitest";
import { runCheck } from "../../../src/check/index.js";
import { migrationInInitContainerRule } from "../../../src/check/rules/migration-in-init-container.js";
import { code, repo, testRule } from "../helpers.js";

/** A workload whose init container runs `command` (a YAML flow value or block, as written). */
const workload = (kind: string, spec: string, init: string) =>
  code(`
    apiVersion: apps/v1
    kind: ${kind}
    metadata:
      name: api
    spec:
      ${spec}
      template:
        spec:
          initContainers:
            - name: migrate
              image: ghcr.io/example/api:1.0
              ${init}
          containers:
            - name: api
              image: ghcr.io/example/api:1.0
  `);

const deployment = (init: string, spec = "replicas: 3") => workload("Deployment", spec, init);

const hpa = (target: string, extra = "") =>
  code(`
    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    metadata:
      name: api${extra}
    spec:
      scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: ${target}}
      minReplicas: 2
      maxReplicas: 10
  `);

const CONCURRENT = /it has 3 replicas, so several pods run it at the same time/;

testRule(migrationInInitContainerRule, {
  valid: [
    {
      name: "the init container only waits for the database",
      path: "k8s/api.yaml",
      code: deployment(`command: ["sh", "-c", "until pg_isready -h db; do sleep 1; done"]`),
    },
    {
      name: "read-only migration commands",
      path: "k8s/api.yaml",
      code: deployment(
        `args: ["sh", "-c", "alembic current; echo upgrade; prisma migrate status; rails db:migrate:status; manage.py showmigrations; flyway info; liquibase update-sql; npm run migrate:status"]`,
      ),
    },
    {
      name: "the migration runs as a Job, and in the app container",
      path: "k8s/jobs.yaml",
      code: code(`
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: migrate
        spec:
          template:
            spec:
              initContainers:
                - name: wait
                  command: [pg_isready, -h, db]
              containers:
                - name: migrate
                  command: [alembic, upgrade, head]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          template:
            spec:
              initContainers: []
              containers:
                - name: api
                  command: ["sh", "-c", "alembic upgrade head && exec gunicorn app:app"]
      `),
    },
    {
      name: "a chart template whose init container waits",
      path: "charts/api/templates/deployment.yaml",
      code: code(`
        apiVersion: apps/v1
        kind: Deployment
        spec:
          replicas: {{ .Values.replicaCount }}
          template:
            spec:
              initContainers:
                {{- if .Values.waitForDb }}
                - name: wait
                  command: ["sh", "-c", "until pg_isready -h {{ .Release.Name }}-db; do sleep 1; done"]
                {{- end }}
      `),
    },
  ],
  invalid: [
    {
      name: "alembic in sh -c, with replicas: 3",
      path: "k8s/api.yaml",
      code: deployment(
        `command: ["sh", "-c", "until pg_isready -h db; do sleep 1; done; alembic upgrade head"]`,
      ),
      errors: [
        {
          line: 12,
          column: 76,
          severity: "error",
          message: CONCURRENT,
          advice:
            /^Run the migration \(`alembic upgrade head`\) once, as a Job with the same image \(`ghcr.io\/example\/api:1.0`\).*pg_isready -h db/,
          text: "alembic upgrade",
        },
      ],
    },
    ...(
      [
        ["prisma", `command: [npx, prisma, migrate, deploy]`, 26, "prisma"],
        ["knex", `command: [npx, knex, "migrate:latest"]`, 26, "knex"],
        ["rails", `command: [bundle, exec, rails, "db:migrate"]`, 35, "rails"],
        ["rake", `command: [bundle, exec, rake, db:migrate]`, 35, "rake"],
        ["Django", `command: [python, manage.py, migrate, --noinput]`, 29, "manage.py"],
        ["flyway", `command: [flyway, -url=jdbc:postgresql://db/app, migrate]`, 21, "flyway"],
        ["liquibase", `command: [liquibase, --changelog-file=db.xml, update]`, 21, "liquibase"],
        [
          "goose",
          `command: ["goose", "-dir", "/migrations", "postgres", "$(DSN)", "up"]`,
          22,
          "goose",
        ],
        ["sequelize", `command: [npx, sequelize-cli, "db:migrate"]`, 26, "sequelize-cli"],
        ["typeorm", `command: [npx, typeorm, "migration:run", -d, dist/ds.js]`, 26, "typeorm"],
        ["node-pg-migrate", `command: [npx, node-pg-migrate, up]`, 26, "node-pg-migrate"],
        [
          "golang-migrate",
          `args: [migrate, -path, /migrations, -database, "$(URL)", up]`,
          18,
          "migrate",
        ],
        ["npm run migrate", `command: [npm, run, migrate]`, 21, "npm"],
        ["yarn migrate", `command: ["sh", "-c", "yarn migrate"]`, 34, "yarn migrate"],
        ["pnpm run db:migrate", `args: ["pnpm run db:migrate:up"]`, 19, "pnpm run db:migrate:up"],
      ] as const
    ).map(([name, init, column, text]) => ({
      name,
      path: "k8s/api.yaml",
      code: deployment(init),
      errors: [{ line: 12, column, severity: "error" as const, message: CONCURRENT, text }],
    })),
    {
      name: "one replica: a warning",
      path: "k8s/api.yaml",
      code: deployment(`command: [alembic, upgrade, head]`, "replicas: 1"),
      errors: [
        {
          line: 12,
          column: 21,
          severity: "warning",
          message: /every pod runs it as it starts/,
          text: "alembic",
        },
      ],
    },
    {
      name: "an autoscaled Deployment without replicas, in the same file",
      path: "k8s/api.yaml",
      code: deployment(`command: [alembic, upgrade, head]`, "selector: {}") + "---\n" + hpa("api"),
      errors: [
        {
          line: 12,
          column: 21,
          severity: "error",
          message:
            "HorizontalPodAutoscaler `api` scales it, so several pods run it at the same time",
        },
      ],
    },
    {
      name: "an autoscaler of another Deployment does not count",
      path: "k8s/api.yaml",
      code: deployment(`command: [alembic, upgrade, head]`, "selector: {}") + "---\n" + hpa("web"),
      errors: [{ line: 12, column: 21, severity: "warning" }],
    },
    {
      name: "StatefulSet: one by one unless Parallel",
      path: "k8s/api.yaml",
      code:
        workload("StatefulSet", "replicas: 3", `command: [alembic, upgrade, head]`) +
        "---\n" +
        workload("StatefulSet", "replicas: 3", `command: [alembic, upgrade, head]`).replace(
          "replicas: 3",
          "replicas: 3\n  podManagementPolicy: Parallel",
        ),
      errors: [
        {
          line: 12,
          column: 21,
          severity: "warning",
          message: /it has 3 replicas: each pod runs it again as it starts, one after another/,
        },
        { line: 29, column: 21, severity: "error" },
      ],
    },
    {
      name: "DaemonSet: a warning",
      path: "k8s/api.yaml",
      code: workload("DaemonSet", "selector: {}", `command: [alembic, upgrade, head]`),
      errors: [{ line: 12, column: 21, severity: "warning", message: /one pod per node/ }],
    },
    {
      name: "a chart template: a warning at the command",
      path: "charts/api/templates/deployment.yaml",
      code: code(`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{ include "api.fullname" . }}
        spec:
          replicas: {{ .Values.replicaCount }}
          template:
            spec:
              initContainers:
                {{- if .Values.migrations.enabled }}
                - name: migrate
                  image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
                  command:
                    - sh
                    - -c
                    - |
                      until pg_isready -h {{ .Release.Name }}-db; do sleep 1; done
                      bundle exec rake db:migrate
                {{- end }}
      `),
      errors: [
        {
          line: 18,
          column: 27,
          severity: "warning",
          message:
            "init container `migrate` of a Deployment with a templated name runs `rake db:migrate`",
          text: "rake db:migrate",
        },
      ],
    },
  ],
});

describe("migration-in-init-container: autoscalers elsewhere in the scanned set", () => {
  const api = deployment(`command: [alembic, upgrade, head]`, "selector: {}");
  const severity = (files: Record<string, string>) =>
    runCheck(repo(files))
      .findings.filter((f) => f.ruleId === "migration-in-init-container")
      .map((f) => `${f.file}:${f.line} ${f.severity}`);

  it("is an error when an HPA in another file scales the Deployment", () => {
    expect(severity({ "k8s/api.yaml": api, "k8s/hpa.yaml": hpa("api") })).toEqual([
      "k8s/api.yaml:12 error",
    ]);
  });

  it("is a warning when no HPA scales it, or one of another namespace does", () => {
    expect(severity({ "k8s/api.yaml": api, "k8s/hpa.yaml": hpa("web") })).toEqual([
      "k8s/api.yaml:12 warning",
    ]);
    const other = hpa("api").replace("name: api\n", "name: api\n  namespace: other\n");
    const mine = api.replace("name: api\n", "name: api\n  namespace: shop\n");
    expect(severity({ "k8s/api.yaml": mine, "k8s/hpa.yaml": other })).toEqual([
      "k8s/api.yaml:13 warning",
    ]);
  });
});
