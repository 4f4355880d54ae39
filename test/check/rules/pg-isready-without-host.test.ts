import { pgIsreadyWithoutHostRule } from "../../../src/check/rules/pg-isready-without-host.js";
import { code, testRule } from "../helpers.js";

/** A postgres StatefulSet whose readinessProbe runs this exec command (a YAML flow list). */
const probe = (command: string, image = "postgres:18.1") =>
  code(`
    kind: StatefulSet
    spec:
      template:
        spec:
          containers:
            - name: db
              image: ${image}
              readinessProbe:
                exec:
                  command: ${command}
  `);

const TOO_EARLY = /asks the unix socket, where the entrypoint's temporary first-start server/;
const NEVER = /asks the unix socket of its own container, where no server runs/;

testRule(pgIsreadyWithoutHostRule, {
  valid: [
    {
      name: "the server's own liveness and startup probes may ask the socket (alive during init)",
      path: "k8s/db.yaml",
      code: code(`
        kind: Deployment
        spec:
          template:
            spec:
              containers:
                - name: db
                  image: postgis/postgis:17-3.5
                  livenessProbe:
                    exec:
                      command: ["sh", "-c", "pg_isready -U \\"$POSTGRES_USER\\""]
                  startupProbe:
                    exec:
                      command: [pg_isready, -q]
      `),
    },
    { name: "-h in a list", path: "k8s/db.yaml", code: probe('["pg_isready", "-h", "127.0.0.1"]') },
    { name: "-hHOST", path: "k8s/db.yaml", code: probe('["pg_isready", "-h127.0.0.1"]') },
    { name: "--host=", path: "k8s/db.yaml", code: probe('["pg_isready", "--host=localhost"]') },
    { name: "--host HOST", path: "k8s/db.yaml", code: probe('["pg_isready", "--host", "db"]') },
    { name: "clustered -qh", path: "k8s/db.yaml", code: probe("[pg_isready, -qh, 127.0.0.1]") },
    {
      name: "conninfo and URL in -d",
      path: "k8s/db.yaml",
      code:
        probe('["pg_isready", "-d", "host=127.0.0.1 dbname=app"]') +
        "---\n" +
        probe('["pg_isready", "--dbname=postgresql://app@127.0.0.1:5432/app"]'),
    },
    {
      name: "sh -c with -h, and a full path",
      path: "k8s/db.yaml",
      code: probe(
        `["sh", "-c", 'exec /usr/lib/postgresql/18/bin/pg_isready -U "$POSTGRES_USER" -h 127.0.0.1']`,
      ),
    },
    {
      name: "PGHOST in the container env or in the shell string",
      path: "k8s/db.yaml",
      code:
        probe('["sh", "-c", "PGHOST=127.0.0.1 pg_isready"]') +
        "---\n" +
        probe("[pg_isready]").replace(
          "          readinessProbe:",
          "          env: [{name: PGHOST, value: 127.0.0.1}]\n          readinessProbe:",
        ),
    },
    {
      name: "a wait loop in an init container with -h",
      path: "k8s/app.yaml",
      code: code(`
        kind: Deployment
        spec:
          template:
            spec:
              initContainers:
                - name: wait
                  image: postgres:18.1
                  command: ["sh", "-c"]
                  args:
                    - |
                      until pg_isready -h db -p 5432; do
                        sleep 1
                      done
      `),
    },
    {
      name: "-U h is the user, -h comes later",
      path: "k8s/db.yaml",
      code: probe('["pg_isready", "-Uh", "-h", "db"]'),
    },
    {
      name: "compose healthchecks with -h",
      path: "docker-compose.yml",
      code: code(`
        services:
          db:
            image: postgres:18.1
            healthcheck:
              test: ["CMD-SHELL", "pg_isready -h 127.0.0.1 -U $\${POSTGRES_USER}"]
          other:
            image: postgres:17.7
            healthcheck:
              test: pg_isready --host 127.0.0.1
          third:
            image: postgres:17.7
            environment: [PGHOST=127.0.0.1]
            healthcheck:
              test: [CMD, pg_isready]
      `),
    },
    {
      name: "mentions that are not a pg_isready call",
      path: "k8s/db.yaml",
      code: probe('["pg_isready_wrapper"]') + "# readinessProbe: pg_isready\n",
    },
  ],
  invalid: [
    {
      name: "the server's own exec probe",
      path: "k8s/db.yaml",
      code: probe('["pg_isready", "-U", "app"]'),
      errors: [
        {
          line: 10,
          column: 26,
          severity: "warning",
          text: "pg_isready",
          message: TOO_EARLY,
          advice: "-h 127.0.0.1",
        },
      ],
      output: probe('["pg_isready", "-h", "127.0.0.1", "-U", "app"]'),
    },
    {
      name: "fixed: a block list, a block scalar and a path to the program",
      path: "k8s/db.yaml",
      code: code(`
        kind: StatefulSet
        spec:
          template:
            spec:
              containers:
                - name: db
                  image: postgres:17.7
                  readinessProbe:
                    exec:
                      command:
                        - /usr/bin/pg_isready   # the client
                        - -U
                        - app
                - name: db2
                  image: postgres:17.7
                  readinessProbe:
                    exec:
                      command:
                        - sh
                        - -c
                        - >-
                          pg_isready -q
                          && echo ok
      `),
      errors: [
        { line: 11, column: 28, severity: "warning", message: TOO_EARLY },
        { line: 22, column: 19, severity: "warning", message: TOO_EARLY },
      ],
      output: code(`
        kind: StatefulSet
        spec:
          template:
            spec:
              containers:
                - name: db
                  image: postgres:17.7
                  readinessProbe:
                    exec:
                      command:
                        - /usr/bin/pg_isready   # the client
                        - -h
                        - 127.0.0.1
                        - -U
                        - app
                - name: db2
                  image: postgres:17.7
                  readinessProbe:
                    exec:
                      command:
                        - sh
                        - -c
                        - >-
                          pg_isready -h 127.0.0.1 -q
                          && echo ok
      `),
    },
    {
      name: "sh -c strings and compose's CMD-SHELL: the script's own arguments count",
      path: "k8s/db.yaml",
      code: code(`
        kind: Deployment
        spec:
          template:
            spec:
              containers:
                - name: db
                  image: postgis/postgis:17-3.5
                  readinessProbe:
                    exec:
                      command: ["sh", "-c", "pg_isready -U \\"$POSTGRES_USER\\" -d \\"$POSTGRES_DB\\""]
                - name: db2
                  image: postgres:17.7
                  readinessProbe:
                    exec:
                      # The words after the script are $0 and $1, not pg_isready's.
                      command: [sh, -c, pg_isready, -h, db]
      `),
      errors: [
        {
          line: 10,
          column: 38,
          severity: "warning",
          text: "pg_isready",
          message: "in the readinessProbe of container `db`",
        },
        { line: 16, column: 33, severity: "warning", text: "pg_isready", message: TOO_EARLY },
      ],
      output: code(`
        kind: Deployment
        spec:
          template:
            spec:
              containers:
                - name: db
                  image: postgis/postgis:17-3.5
                  readinessProbe:
                    exec:
                      command: ["sh", "-c", "pg_isready -h 127.0.0.1 -U \\"$POSTGRES_USER\\" -d \\"$POSTGRES_DB\\""]
                - name: db2
                  image: postgres:17.7
                  readinessProbe:
                    exec:
                      # The words after the script are $0 and $1, not pg_isready's.
                      command: [sh, -c, pg_isready -h 127.0.0.1, -h, db]
      `),
    },
    {
      name: "quoted text is data, a script name is another program; a fix edits only the call",
      path: "compose.yaml",
      code: code(`
        services:
          db:
            image: postgres:18.1
            healthcheck:
              test: ["CMD-SHELL", "pg_isready -U app || (echo 'pg_isready failed' >&2; exit 1)"]
          db2:
            image: postgres:18.1
            healthcheck:
              test: ["CMD-SHELL", "/scripts/pg_isready.sh -U postgres"]
      `),
      errors: [
        { line: 5, column: 28, severity: "warning", text: "pg_isready", message: TOO_EARLY },
      ],
      output: code(`
        services:
          db:
            image: postgres:18.1
            healthcheck:
              test: ["CMD-SHELL", "pg_isready -h 127.0.0.1 -U app || (echo 'pg_isready failed' >&2; exit 1)"]
          db2:
            image: postgres:18.1
            healthcheck:
              test: ["CMD-SHELL", "/scripts/pg_isready.sh -U postgres"]
      `),
    },
    {
      name: "an init container's wait loop never ends",
      path: "k8s/app.yaml",
      code: code(`
        kind: Deployment
        spec:
          template:
            spec:
              initContainers:
                - name: wait-for-db
                  image: postgres:18.1
                  command: ["sh", "-c", "until pg_isready -U app; do sleep 1; done; pg_isready -h db"]
              containers:
                - name: app
                  image: ghcr.io/x/app:1
                  readinessProbe:
                    exec:
                      command: [pg_isready]
      `),
      errors: [
        {
          line: 14,
          column: 25,
          severity: "warning",
          message:
            "the readinessProbe of container `app` asks the unix socket of its own container",
        },
        {
          line: 8,
          column: 40,
          severity: "warning",
          text: "pg_isready",
          message: NEVER,
          advice: "-h <the postgres Service",
        },
      ],
      // A client's host is the server's Service: only its author knows the name.
      output: null,
    },
    {
      name: "a block scalar: each call is judged on its own",
      path: "k8s/job.yaml",
      code: code(`
        kind: Job
        spec:
          template:
            spec:
              containers:
                - name: migrate
                  image: ghcr.io/x/app:1
                  command:
                    - sh
                    - -c
                    - |
                      pg_isready -h db || exit 1
                      until pg_isready; do sleep 1; done
      `),
      errors: [{ line: 13, column: 21, severity: "warning", text: "pg_isready", message: NEVER }],
    },
    {
      name: "command and args together",
      path: "k8s/app.yaml",
      code: code(`
        kind: Pod
        spec:
          initContainers:
            - name: wait
              image: postgres:18.1
              command: [pg_isready]
              args: [-U, app, -t, "30"]
      `),
      errors: [
        {
          line: 6,
          column: 17,
          severity: "warning",
          message: "the command of init container `wait`",
        },
      ],
    },
    {
      name: "compose: CMD-SHELL, CMD and string healthchecks, and a command",
      path: "compose.yaml",
      code: code(`
        services:
          db:
            image: postgres:18.1
            healthcheck:
              test: ["CMD-SHELL", "pg_isready -U postgres"]
          db2:
            image: postgres:17.7
            healthcheck:
              test: [CMD, pg_isready, -U, postgres]
          db3:
            image: postgres:16.11
            healthcheck:
              test: pg_isready
          migrate:
            image: ghcr.io/x/app:1
            command: sh -c 'until pg_isready; do sleep 1; done && npm run migrate'
      `),
      errors: [
        {
          line: 5,
          column: 28,
          severity: "warning",
          text: "pg_isready",
          message: "the healthcheck of service `db`",
          advice: "-h 127.0.0.1",
        },
        { line: 9, column: 19, severity: "warning", message: TOO_EARLY },
        { line: 13, column: 13, severity: "warning", text: "pg_isready" },
        { line: 16, column: 27, severity: "warning", message: "the command of service `migrate`" },
      ],
      output: code(`
        services:
          db:
            image: postgres:18.1
            healthcheck:
              test: ["CMD-SHELL", "pg_isready -h 127.0.0.1 -U postgres"]
          db2:
            image: postgres:17.7
            healthcheck:
              test: [CMD, pg_isready, "-h", "127.0.0.1", -U, postgres]
          db3:
            image: postgres:16.11
            healthcheck:
              test: pg_isready -h 127.0.0.1
          migrate:
            image: ghcr.io/x/app:1
            command: sh -c 'until pg_isready; do sleep 1; done && npm run migrate'
      `),
    },
  ],
});
