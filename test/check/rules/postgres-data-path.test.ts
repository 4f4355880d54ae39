import { postgresDataPathRule } from "../../../src/check/rules/postgres-data-path.js";
import { code, testRule } from "../helpers.js";

/** A StatefulSet running `image`, mounting claim `data` at `path`, with optional env lines. */
const sts = (image: string, path: string, env = "", mountExtra = "") =>
  code(`
    kind: StatefulSet
    spec:
      template:
        spec:
          containers:
            - name: db
              image: ${image}
              env: [${env}]
              volumeMounts:
                - name: data
                  mountPath: ${path}${mountExtra}
      volumeClaimTemplates:
        - metadata: {name: data}
  `);

const OLD = "/var/lib/postgresql/data";
const EXITS = /whose entrypoint exits when a volume is mounted at `\/var\/lib\/postgresql\/data`/;
const LOST_FOUND = /initdb fails when the disk's root holds lost\+found/;

testRule(postgresDataPathRule, {
  valid: [
    {
      name: "18 at /var/lib/postgresql",
      path: "k8s/db.yaml",
      code: sts("postgres:18.1", "/var/lib/postgresql"),
    },
    {
      name: "17 with PGDATA in a subdirectory",
      path: "k8s/db.yaml",
      code: sts("postgres:17.7", OLD, `{name: PGDATA, value: ${OLD}/pgdata}`),
    },
    {
      name: "17 with a subPath mount",
      path: "k8s/db.yaml",
      code: sts("postgres:17.7", OLD, "", "\n                  subPath: pgdata"),
    },
    {
      name: "18 with PGDATA moved below the mount (the entrypoint checks only its default)",
      path: "k8s/db.yaml",
      code: sts("postgres:18.1", OLD, `{name: PGDATA, value: ${OLD}/pgdata}`),
    },
    {
      name: "PGDATA from a ConfigMap is taken as set on purpose",
      path: "k8s/db.yaml",
      code: sts(
        "postgres:18.1",
        OLD,
        "{name: PGDATA, valueFrom: {configMapKeyRef: {name: pg, key: pgdata}}}",
      ),
    },
    {
      name: "17 on an emptyDir has no lost+found",
      path: "k8s/db.yaml",
      code: code(`
        kind: Deployment
        spec:
          template:
            spec:
              containers:
                - name: db
                  image: postgres:16.11
                  volumeMounts: [{name: scratch, mountPath: /var/lib/postgresql/data}]
              volumes: [{name: scratch, emptyDir: {}}]
      `),
    },
    {
      name: "images with another layout, and unknown versions",
      path: "k8s/db.yaml",
      code:
        sts("bitnami/postgresql:18", OLD) +
        "---\n" +
        sts("ghcr.io/cloudnative-pg/postgresql:18.1", OLD) +
        "---\n" +
        sts("postgis/postgis", OLD) +
        "---\n" +
        sts(`postgres@sha256:${"a".repeat(64)}`, OLD),
    },
    {
      name: "other mounts of a postgres 18 container",
      path: "k8s/db.yaml",
      code:
        sts("postgres:18.1", "/var/lib/postgresql/data-old") +
        "---\n" +
        sts("postgres:18.1", "/docker-entrypoint-initdb.d"),
    },
    {
      name: "compose: 18 at /var/lib/postgresql, 17 at the old path (Docker volumes have no lost+found)",
      path: "compose.yaml",
      code: code(`
        services:
          db:
            image: postgres:18.1
            volumes: ["pgdata:/var/lib/postgresql"]
          old:
            image: postgres:17.7
            volumes:
              - olddata:/var/lib/postgresql/data
          app:
            image: ghcr.io/x/app:1
            volumes: ["./data:/var/lib/postgresql/data"]
      `),
    },
    {
      name: "a command that replaces the entrypoint does not initialize PGDATA",
      path: "k8s/db.yaml",
      code: code(`
        kind: StatefulSet
        spec:
          template:
            spec:
              initContainers:
                - name: fix-permissions
                  image: postgres:18.1
                  command: ["chown", "-R", "999:999", "/var/lib/postgresql/data"]
                  volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]
          volumeClaimTemplates: [{metadata: {name: data}}]
      `),
    },
    {
      name: "compose: an entrypoint that is not the image's",
      path: "compose.yaml",
      code: "services:\n  dump:\n    image: postgres:18.1\n    entrypoint: [pg_dump]\n    volumes: [x:/var/lib/postgresql/data]\n",
    },
  ],
  invalid: [
    {
      name: "the image's entrypoint named in command, PGDATA at the default of 18 on latest",
      path: "k8s/db.yaml",
      code: code(`
        kind: Deployment
        spec:
          template:
            spec:
              containers:
                - image: postgres
                  command: [docker-entrypoint.sh, postgres, -c, shared_buffers=256MB]
                  env: [{name: PGDATA, value: /var/lib/postgresql/18/docker/}]
                  volumeMounts: [{name: d, mountPath: /var/lib/postgresql/data}]
              volumes: [{name: d, emptyDir: {}}]
      `),
      errors: [{ line: 9, column: 47, severity: "error", text: OLD, message: "18 or later" }],
    },
    {
      name: "18 with a claim template at the old path",
      path: "k8s/db.yaml",
      code: sts("postgres:18.1", OLD),
      errors: [
        {
          line: 11,
          column: 26,
          severity: "error",
          text: OLD,
          message: EXITS,
          advice: "Mount the volume at `/var/lib/postgresql`",
        },
      ],
    },
    {
      name: "untagged, latest and distribution-only tags are 18 or later; pgvector pg18; PGDATA at the 18 default",
      path: "k8s/db.yaml",
      code:
        sts("postgres", `${OLD}/`) +
        "---\n" +
        sts("postgres:alpine", OLD) +
        "---\n" +
        sts("pgvector/pgvector:0.8.1-pg18", OLD) +
        "---\n" +
        sts(
          '"docker.io/library/postgres:18-alpine"',
          OLD,
          "{name: PGDATA, value: /var/lib/postgresql/18/docker}",
        ),
      errors: [
        {
          line: 11,
          column: 26,
          severity: "error",
          message: "`postgres` is PostgreSQL 18 or later",
        },
        {
          line: 25,
          column: 26,
          severity: "error",
          message: "`postgres:alpine` is PostgreSQL 18 or later",
        },
        { line: 39, column: 26, severity: "error", message: "PostgreSQL 18," },
        { line: 53, column: 26, severity: "error", text: OLD },
      ],
    },
    {
      name: "17 on a claim with PGDATA unset or at the volume's root is a warning",
      path: "k8s/db.yaml",
      code:
        sts("postgres:17.7", OLD) +
        "---\n" +
        sts("postgis/postgis:16-3.5", OLD, `{name: PGDATA, value: ${OLD}}`) +
        "---\n" +
        code(`
          kind: Deployment
          spec:
            template:
              spec:
                containers:
                  - image: timescale/timescaledb:2.17.2-pg17
                    volumeMounts: [{name: d, mountPath: "/var/lib/postgresql/data"}]
                volumes: [{name: d, persistentVolumeClaim: {claimName: tsdb}}]
        `),
      errors: [
        {
          line: 11,
          column: 26,
          severity: "warning",
          text: OLD,
          message: LOST_FOUND,
          advice: "PGDATA=/var/lib/postgresql/data/pgdata",
        },
        { line: 25, column: 26, severity: "warning", text: OLD },
        { line: 35, column: 48, severity: "warning", text: OLD },
      ],
    },
    {
      name: "18 with PGDATA at the root of a claim: no exit, but lost+found",
      path: "k8s/db.yaml",
      code: sts("postgres:18.1", OLD, `{name: PGDATA, value: ${OLD}}`),
      errors: [{ line: 11, column: 26, severity: "warning", message: LOST_FOUND }],
    },
    {
      name: "compose: named, anonymous and long-syntax volumes on 18",
      path: "docker-compose.yml",
      code: code(`
        services:
          db:
            image: postgres:18
            volumes:
              - pgdata:/var/lib/postgresql/data
              - /var/lib/postgresql/data
              - type: volume
                source: pgdata
                target: /var/lib/postgresql/data
          latest:
            image: postgres
            environment: [POSTGRES_DB=app]
            volumes: ["./pg:/var/lib/postgresql/data:rw"]
      `),
      errors: [
        {
          line: 5,
          column: 16,
          severity: "error",
          text: OLD,
          message: "`postgres:18` is PostgreSQL 18",
        },
        { line: 6, column: 9, severity: "error", text: OLD },
        { line: 9, column: 17, severity: "error", text: OLD },
        { line: 13, column: 21, severity: "error", text: OLD },
      ],
    },
  ],
});
