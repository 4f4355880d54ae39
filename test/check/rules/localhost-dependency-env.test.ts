import { localhostDependencyEnvRule } from "../../../src/check/rules/localhost-dependency-env.js";
import { code, testRule } from "../helpers.js";

/** Pod spec lines (containers, initContainers), dedented, then indented into {@link pod}. */
const spec = (text: string) => code(text).replace(/^(?=.)/gm, "      ");

/** A Deployment whose pod has these containers (YAML items, indented for the list). */
const pod = (containers: string) =>
  code(`
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      template:
        spec:
          containers:
  `) + containers;

testRule(localhostDependencyEnvRule, {
  valid: [
    {
      name: "Service names, and localhost for what is not a dependency",
      path: "k8s/api.yaml",
      code: pod(
        spec(`
          - name: api
            image: ghcr.io/example/api:1.0
            env:
              - name: DATABASE_URL
                value: postgres://app@postgres:5432/app
              - name: REDIS_URL
                value: redis://redis.cache.svc.cluster.local:6379/0
              - name: OTEL_EXPORTER_OTLP_ENDPOINT
                value: http://localhost:4317
              - name: HEALTH_URL
                value: http://127.0.0.1:8080/healthz
              - name: LISTEN_ADDR
                value: 0.0.0.0:8080
              - name: POSTGRES_DB
                value: localhost
              - name: DATABASE_URL_FROM_SECRET
                valueFrom:
                  secretKeyRef: { name: db, key: url }
        `),
      ),
    },
    {
      name: "a sidecar serves the database on the pod's loopback (Cloud SQL proxy)",
      path: "k8s/api.yaml",
      code: pod(
        spec(`
          - name: api
            image: ghcr.io/example/api:1.0
            env:
              - name: DATABASE_URL
                value: postgres://app@127.0.0.1:5432/app
          - name: cloud-sql-proxy
            image: gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.0
        `),
      ),
    },
    {
      name: "an exporter beside its database, and the database's own env",
      path: "k8s/redis.yaml",
      code: pod(
        spec(`
          - name: redis
            image: redis:8.4.0
            env:
              - name: REDIS_HOST
                value: localhost
          - name: exporter
            image: oliver006/redis_exporter:v1.67.0
            env:
              - name: REDIS_ADDR
                value: redis://localhost:6379
        `),
      ),
    },
    {
      name: "a native sidecar (an init container that keeps running) serves the database",
      path: "k8s/api.yaml",
      code:
        pod(
          spec(`
          - name: api
            image: ghcr.io/example/api:1.0
            env:
              - name: REDIS_URL
                value: redis://localhost:6379
        `),
        ) +
        spec(`
          initContainers:
            - name: envoy
              image: envoyproxy/envoy:v1.33.0
              restartPolicy: Always
        `),
    },
    {
      name: "a *_HOST without a dependency's port",
      path: "k8s/api.yaml",
      code: pod(
        spec(`
          - name: api
            image: ghcr.io/example/api:1.0
            env:
              - name: SMTP_HOST
                value: localhost
              - name: SMTP_PORT
                value: "25"
        `),
      ),
    },
    {
      name: "env outside a pod spec (a ConfigMap of a local tool)",
      path: "k8s/config.yaml",
      code: "kind: ConfigMap\ndata:\n  env:\n    - name: DATABASE_URL\n      value: postgres://localhost/app\n",
    },
    {
      name: "Helm values of a chart with a sidecar",
      path: "charts/api/values.yaml",
      code: code(`
        extraContainers:
          - name: pgbouncer
            image: bitnami/pgbouncer:1
        env:
          DATABASE_URL: postgres://app@localhost:6432/app
      `),
    },
  ],
  invalid: [
    {
      name: "clients using a database image: an init container's pg_isready, a Job's psql",
      path: "k8s/jobs.yaml",
      code:
        pod(
          spec(`
            - name: api
              image: ghcr.io/example/api:1.0
          `),
        ) +
        spec(`
          initContainers:
            - name: wait
              image: postgres:18.1
              env:
                - name: PGHOST
                  value: localhost
        `) +
        code(`
          ---
          kind: Job
          spec:
            template:
              spec:
                containers:
                  - name: psql
                    image: postgres:18.1
                    env:
                      - name: DATABASE_URL
                        value: postgres://app@localhost/app
        `),
      errors: [
        { line: 16, column: 22, severity: "error", text: "localhost", message: /container `wait`/ },
        { line: 27, column: 37, severity: "error", text: "localhost", message: /container `psql`/ },
      ],
    },
    {
      name: "URLs of every dependency scheme, in containers and init containers",
      path: "k8s/api.yaml",
      code:
        pod(
          spec(`
            - name: api
              image: ghcr.io/example/api:1.0
              env:
                - name: DATABASE_URL
                  value: "postgresql+asyncpg://app:s3cret@localhost:5432/app"
                - name: CACHE
                  value: rediss://127.0.0.1:6380/0
                - name: BROKER
                  value: amqp://guest:guest@[::1]:5672/
                - name: MONGO
                  value: mongodb://db1:27017,localhost:27017/app
                - name: JDBC
                  value: jdbc:mysql://localhost/app
          `),
        ) +
        spec(`
          initContainers:
            - name: wait
              image: busybox:1.37
              env:
                - name: KAFKA_BOOTSTRAP_SERVERS
                  value: localhost:9092
        `),
      errors: [
        {
          line: 13,
          column: 53,
          severity: "error",
          text: "localhost",
          message:
            "`DATABASE_URL` in container `api` points at `localhost`, which inside a pod is the pod itself: the postgres server runs in another pod",
          advice:
            "`DATABASE_URL: postgresql+asyncpg://app:****@postgres:5432/app` (`postgres` being the name of its Service",
        },
        {
          line: 15,
          column: 29,
          severity: "error",
          text: "127.0.0.1",
          advice: "rediss://redis:6380/0",
        },
        {
          line: 17,
          column: 39,
          severity: "error",
          text: "[::1]",
          advice: "amqp://guest:****@rabbitmq:5672/",
        },
        { line: 19, column: 40, severity: "error", text: "localhost" },
        {
          line: 21,
          column: 33,
          severity: "error",
          text: "localhost",
          advice: "jdbc:mysql://mysql/app",
        },
        { line: 27, column: 22, severity: "error", text: "localhost", message: /container `wait`/ },
      ],
    },
    {
      name: "*_HOST with the matching *_PORT, PGHOST, and named variables without a port",
      path: "k8s/api.yaml",
      code: pod(
        spec(`
          - name: api
            image: ghcr.io/example/api:1.0
            env:
              - name: DB_HOST
                value: localhost
              - name: DB_PORT
                value: "5432"
              - name: PGHOST
                value: 127.0.0.1
              - name: REDIS_HOST
                value: localhost
              - name: CELERY_BROKER_URL
                value: localhost
        `),
      ),
      errors: [
        {
          line: 13,
          column: 20,
          severity: "error",
          text: "localhost",
          message: /the postgres server runs/,
        },
        {
          line: 17,
          column: 20,
          severity: "error",
          text: "127.0.0.1",
          message: /the postgres server runs/,
        },
        {
          line: 19,
          column: 20,
          severity: "error",
          text: "localhost",
          message: /the redis server runs/,
        },
        {
          line: 21,
          column: 20,
          severity: "error",
          text: "localhost",
          message: /the broker runs/,
          advice: "`CELERY_BROKER_URL: <service>` (the name of the broker's Service",
        },
      ],
    },
    {
      name: "Helm values: env lists and maps",
      path: "charts/api/values-dev.yaml",
      code: code(`
        env:
          - name: DATABASE_URL
            value: postgres://app@localhost:5432/app
        worker:
          extraEnv:
            REDIS_URL: "redis://localhost:6379"
      `),
      errors: [
        {
          line: 3,
          column: 27,
          severity: "error",
          text: "localhost",
          message: /^`DATABASE_URL` points at/,
        },
        { line: 6, column: 25, severity: "error", text: "localhost" },
      ],
    },
  ],
});
