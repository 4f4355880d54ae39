import { statefulReadinessProbeRule } from "../../../src/check/rules/stateful-readiness-probe.js";
import { code, testRule } from "../helpers.js";

/** A Deployment (or another kind) with one container, plus extra container lines. */
const workload = (kind: string, image: string, extra = "") =>
  code(`
    apiVersion: apps/v1
    kind: ${kind}
    metadata:
      name: db
    spec:
      template:
        spec:
          containers:
            - name: db
              image: ${image}
  `) + extra;

const NOT_READY = /without a readinessProbe: it counts as ready before/;

testRule(statefulReadinessProbeRule, {
  valid: [
    {
      name: "a merge key may bring the probe",
      path: "k8s/db.yaml",
      code: code(`
        kind: StatefulSet
        metadata: {name: db}
        spec:
          template:
            spec:
              containers:
                - &pg {name: primary, image: "postgres:16.11", readinessProbe: {tcpSocket: {port: 5432}}}
                - <<: *pg
                  name: replica
      `),
    },
    {
      name: "postgres with a readinessProbe",
      path: "k8s/db.yaml",
      code: workload(
        "StatefulSet",
        "postgres:18.1",
        "          readinessProbe:\n            exec:\n              command: [pg_isready, -h, 127.0.0.1]\n",
      ),
    },
    { name: "an app image", path: "k8s/app.yaml", code: workload("Deployment", "ghcr.io/x/app:1") },
    {
      name: "an exporter is not the server",
      path: "k8s/m.yaml",
      code: workload("Deployment", "oliver006/redis_exporter:v1.67.0"),
    },
    {
      name: "kafka, minio and elasticsearch are not in this rule's list",
      path: "k8s/k.yaml",
      code: workload("StatefulSet", "apache/kafka:4.1.1"),
    },
    {
      name: "Job and CronJob use these images as clients",
      path: "k8s/jobs.yaml",
      code: workload("Job", "postgres:18.1") + "---\n" + workload("CronJob", "redis:8.4.0"),
    },
    {
      name: "init containers run to completion",
      path: "k8s/app.yaml",
      code: code(`
        kind: Deployment
        spec:
          template:
            spec:
              initContainers:
                - name: wait
                  image: postgres:18.1
                  command: ["sh", "-c", "until pg_isready -h db; do sleep 1; done"]
              containers:
                - name: app
                  image: ghcr.io/x/app:1
      `),
    },
    {
      name: "a bare Pod (nothing replaces it: examples, debugging)",
      path: "k8s/pod.yaml",
      code: "kind: Pod\nspec:\n  containers:\n    - image: postgres:18.1\n",
    },
    {
      name: "the forms people use that ask the server: TCP, clients in sh -c, scripts, named ports",
      path: "k8s/db.yaml",
      code: code(`
        kind: StatefulSet
        metadata: {name: db}
        spec:
          template:
            spec:
              containers:
                - {name: a, image: "postgres:16.11", readinessProbe: {tcpSocket: {port: 5432}}}
                - name: b
                  image: postgres:16.11
                  readinessProbe:
                    exec: {command: [/bin/sh, -c, 'exec pg_isready -U "postgres" -h 127.0.0.1']}
                - {name: c, image: "redis:8.4.0", readinessProbe: {exec: {command: [redis-cli, ping]}}}
                - {name: d, image: "rabbitmq:4.2", readinessProbe: {exec: {command: [rabbitmq-diagnostics, -q, ping]}}}
                - name: e
                  image: rabbitmq:4.2-management
                  readinessProbe: {httpGet: {path: /api/health/checks/alarms, port: 15672}}
                - name: f
                  image: mysql:8.4
                  ports: [{name: mysql, containerPort: 3306}]
                  readinessProbe: {tcpSocket: {port: mysql}}
                - {name: g, image: "mongo:8.0", readinessProbe: {exec: {command: [/scripts/ping-readiness.sh]}}}
                - {name: h, image: "mariadb:11.4", readinessProbe: {exec: {command: [sh, -c, 'test -S /run/mysqld/mysqld.sock && mariadb-admin ping']}}}
      `),
    },
    {
      name: "a readinessProbe whose value is a template expression (masked: a key with no value)",
      path: "k8s/db.yaml",
      code: workload("StatefulSet", "postgres:18.1", "          readinessProbe:\n"),
    },
    {
      name: "without a readinessProbe, a startupProbe that asks the server gates readiness",
      path: "k8s/db.yaml",
      code: workload(
        "StatefulSet",
        "postgres:18.1",
        "          startupProbe:\n            exec: {command: [pg_isready, -h, 127.0.0.1]}\n",
      ),
    },
    {
      name: "a templated image is not known",
      path: "k8s/db.yaml",
      code: workload("Deployment", '"{{ .Values.image }}"'),
    },
    {
      name: "not a workload",
      path: "k8s/cm.yaml",
      code: "kind: ConfigMap\ndata:\n  containers: |\n    - image: redis\n",
    },
  ],
  invalid: [
    {
      name: "redis Deployment without a probe",
      path: "k8s/redis.yaml",
      code: workload("Deployment", "redis:8.4.0"),
      errors: [
        {
          line: 10,
          column: 18,
          severity: "warning",
          text: "redis:8.4.0",
          message: NOT_READY,
          advice: /redis-cli ping.*REDISCLI_AUTH/,
        },
      ],
      output:
        workload("Deployment", "redis:8.4.0") +
        code(`
          readinessProbe:
            exec:
              command:
                - sh
                - -c
                - test "$(redis-cli ping)" = PONG
            periodSeconds: 5
            failureThreshold: 6
        `).replace(/^(?=.)/gm, "          "),
    },
    {
      name: "fixed in its own container, above comments after its last list and an empty key",
      path: "k8s/db.yaml",
      code: code(`
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          template:
            spec:
              containers:
                - name: db
                  image: postgres:16.11
                  ports:
                    - containerPort: 5432
                    # - containerPort: 9187
                - name: cache
                  image: redis:8.4.0
                  args:   # none yet
                - name: sidecar
                  image: busybox:1.37
              volumes: []
      `),
      errors: [
        { line: 9, column: 18, severity: "warning" },
        { line: 14, column: 18, severity: "warning" },
      ],
      output: code(`
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          template:
            spec:
              containers:
                - name: db
                  image: postgres:16.11
                  ports:
                    - containerPort: 5432
                  readinessProbe:
                    exec:
                      command:
                        - sh
                        - -c
                        - pg_isready -h 127.0.0.1 -p 5432 -U "$POSTGRES_USER"
                    periodSeconds: 5
                    failureThreshold: 6
                    # - containerPort: 9187
                - name: cache
                  image: redis:8.4.0
                  args:   # none yet
                  readinessProbe:
                    exec:
                      command:
                        - sh
                        - -c
                        - test "$(redis-cli ping)" = PONG
                    periodSeconds: 5
                    failureThreshold: 6
                - name: sidecar
                  image: busybox:1.37
              volumes: []
      `),
    },
    {
      name: "not fixed: a redis that may need a password answers NOAUTH to ping",
      path: "k8s/redis.yaml",
      code: workload(
        "Deployment",
        "redis:8.4.0",
        "          args: [--requirepass, $(REDIS_PASSWORD)]\n",
      ),
      errors: [{ line: 10, column: 18, severity: "warning" }],
      output: null,
    },
    {
      name: "a liveness probe is not a readiness probe",
      path: "k8s/db.yaml",
      code: workload(
        "StatefulSet",
        "postgres:18.1",
        "          livenessProbe:\n            tcpSocket: {port: 5432}\n",
      ),
      errors: [
        {
          line: 10,
          column: 18,
          severity: "warning",
          text: "postgres:18.1",
          message: "container `db` of StatefulSet `db` runs `postgres:18.1`",
          advice: "pg_isready -h 127.0.0.1",
        },
      ],
      // Before the liveness probe, the order people write them in.
      output: workload(
        "StatefulSet",
        "postgres:18.1",
        code(`
          readinessProbe:
            exec:
              command:
                - sh
                - -c
                - pg_isready -h 127.0.0.1 -p 5432 -U "$POSTGRES_USER"
            periodSeconds: 5
            failureThreshold: 6
          livenessProbe:
            tcpSocket: {port: 5432}
        `).replace(/^(?=.)/gm, "          "),
      ),
    },
    {
      name: "every kind in its list, each with its own probe (Bitnami left to bitnami-image)",
      path: "k8s/all.yaml",
      code: code(`
        kind: ReplicationController
        metadata: {name: all}
        spec:
          template:
            spec:
              containers:
                - {name: a, image: "docker.io/valkey/valkey:9.0.1"}
                - {name: b, image: rabbitmq:4.2.2-management}
                - {name: c, image: mysql:8.4}
                - {name: d, image: mariadb:11.4}
                - {name: e, image: mongo:8.0}
                - {name: f, image: bitnamilegacy/postgresql:16}
                - {name: g, image: app:1, readinessProbe: {httpGet: {path: /, port: 80}}}
      `),
      errors: [
        {
          line: 7,
          column: 29,
          severity: "warning",
          text: "docker.io/valkey/valkey:9.0.1",
          advice: "valkey-cli ping",
        },
        { line: 8, column: 28, severity: "warning", advice: "check_port_connectivity" },
        { line: 9, column: 28, severity: "warning", advice: "mysqladmin" },
        { line: 10, column: 28, severity: "warning", advice: "healthcheck.sh" },
        { line: 11, column: 28, severity: "warning", advice: "mongosh" },
      ],
    },
    {
      name: "probes that pass before the server accepts clients, or never pass",
      path: "k8s/db.yaml",
      code: code(`
        kind: StatefulSet
        metadata: {name: db}
        spec:
          template:
            spec:
              containers:
                - {name: a, image: "postgres:16.11", readinessProbe: {exec: {command: [test, -f, /var/lib/postgresql/data/PG_VERSION]}}}
                - {name: b, image: "redis:8.4.0", readinessProbe: {exec: {command: [sh, -c, "pgrep redis-server || exit 1"]}}}
                - {name: c, image: "mongo:8.0", readinessProbe: {httpGet: {path: /, port: 27017}}}
                - {name: d, image: "mysql:8.4", startupProbe: {exec: {command: ["true"]}}}
      `),
      errors: [
        {
          line: 7,
          column: 46,
          severity: "warning",
          text: "readinessProbe",
          message:
            "the readinessProbe of container `a` of StatefulSet `db` runs `test`, which passes before postgres accepts connections",
          advice:
            /^Make it ask the server, e\.g\. `readinessProbe: \{exec: .*pg_isready -h 127\.0\.0\.1/,
        },
        {
          line: 8,
          column: 43,
          severity: "warning",
          message: "runs `pgrep … exit`, which passes before redis accepts connections",
        },
        {
          line: 9,
          column: 41,
          severity: "warning",
          message: "sends HTTP to port 27017, where mongo does not answer HTTP: it never passes",
        },
        {
          line: 10,
          column: 29,
          severity: "warning",
          message: "container `d` of StatefulSet `db` runs `mysql:8.4` without a readinessProbe",
        },
      ],
    },
    {
      name: "DaemonSet, ReplicaSet and a List item",
      path: "k8s/more.yaml",
      code:
        workload("DaemonSet", "redis") +
        "---\n" +
        workload("ReplicaSet", "mongo:8.0") +
        "---\nkind: List\nitems:\n  - kind: Deployment\n    spec: {template: {spec: {containers: [{image: mariadb:11.4}]}}}\n",
      errors: [
        { line: 10, column: 18, severity: "warning", text: "redis" },
        { line: 21, column: 18, severity: "warning", text: "mongo:8.0" },
        {
          line: 26,
          column: 51,
          severity: "warning",
          text: "mariadb:11.4",
          message: "a container with no name of a Deployment with no name runs `mariadb:11.4`",
        },
      ],
    },
  ],
});
