import { tiltMissingResourceDepsRule } from "../../../src/check/rules/tilt-missing-resource-deps.js";
import { testFilesRule } from "../files-helpers.js";

/** A workload running `image`, with `env` (name → value) in its first container. */
function workload(kind: string, name: string, image: string, env: Record<string, string> = {}) {
  const vars = Object.entries(env)
    .map(([k, v]) => `\n                - name: ${k}\n                  value: "${v}"`)
    .join("");
  return `
    apiVersion: apps/v1
    kind: ${kind}
    metadata:
      name: ${name}
    spec:
      selector:
        matchLabels:
          app: ${name}
      template:
        metadata:
          labels:
            app: ${name}
        spec:
          containers:
            - name: main
              image: ${image}${vars ? `\n              env:${vars}` : ""}
  `;
}

const SERVICE = (name: string, app: string) =>
  `\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    app: ${app}\n  ports:\n    - port: 5432\n`;

const POSTGRES = workload("StatefulSet", "postgres", "postgres:18.1", { POSTGRES_USER: "app" });
const APP = workload("Deployment", "myapp", "ghcr.io/example/myapp:1.0", {
  DATABASE_URL: "postgres://app@postgres:5432/app",
  POSTGRES_USER: "postgres",
});

testFilesRule(tiltMissingResourceDepsRule, {
  valid: [
    {
      name: "resource_deps names the database",
      files: {
        Tiltfile: "k8s_resource('postgres')\nk8s_resource('myapp', resource_deps=['postgres'])\n",
        "k8s/postgres.yaml": POSTGRES,
        "k8s/app.yaml": APP,
      },
    },
    {
      name: "the app waits for it through another resource (postgres → migrate → myapp)",
      files: {
        Tiltfile: `
          k8s_resource('postgres', port_forwards='5432')
          deps = ['migrate']
          k8s_resource('migrate', resource_deps=['postgres'])
          k8s_resource(workload='myapp', resource_deps=deps)
        `,
        "k8s/postgres.yaml": POSTGRES,
        "k8s/app.yaml": APP,
        "k8s/migrate.yaml": workload("Job", "migrate", "ghcr.io/example/myapp:1.0", {
          DATABASE_URL: "postgres://app@postgres:5432/app",
        }),
      },
    },
    {
      name: "the database is not a k8s_resource of the Tiltfile",
      files: {
        Tiltfile: "k8s_resource('myapp', port_forwards='8080')\nk8s_resource('web')\n",
        "k8s/postgres.yaml": POSTGRES,
        "k8s/app.yaml": APP,
      },
    },
    {
      name: "resource_deps the text does not tell",
      files: {
        Tiltfile:
          "k8s_resource('postgres')\nk8s_resource('myapp', resource_deps=common + ['redis'])\n",
        "k8s/postgres.yaml": POSTGRES,
        "k8s/app.yaml": APP,
      },
    },
    {
      name: "database names as values that are not addresses, and hosts elsewhere",
      files: {
        Tiltfile: "k8s_resource('postgres')\nk8s_resource('myapp')\n",
        "k8s/postgres.yaml": POSTGRES,
        "k8s/app.yaml": workload("Deployment", "myapp", "ghcr.io/example/myapp:1.0", {
          POSTGRES_DB: "postgres",
          PGUSER: "postgres",
          REPORTS_URL: "https://postgres.example.com/x",
          OTHER_DB: "postgres://app@postgres.other.svc.cluster.local/app",
        }),
      },
    },
    {
      name: "an image that is not a database (the app's own Service name in env)",
      files: {
        Tiltfile: "k8s_resource('api')\nk8s_resource('web')\n",
        "k8s/api.yaml": workload("Deployment", "api", "ghcr.io/example/api:1.0"),
        "k8s/web.yaml": workload("Deployment", "web", "ghcr.io/example/web:1.0", {
          API_URL: "http://api:8080",
        }),
      },
    },
    {
      name: "local and helm resources, and a workload without a name",
      files: {
        Tiltfile:
          "k8s_resource('postgres')\nk8s_resource('myapp', resource_deps=['postgres'])\n" +
          "local_resource('lint', cmd='make lint')\nhelm_resource('search', 'charts/search')\n",
        "k8s/postgres.yaml": POSTGRES,
        "k8s/app.yaml": APP,
        "k8s/nameless.yaml": APP.replace("name: myapp", "labels: {}"),
      },
    },
  ],
  invalid: [
    {
      name: "no resource_deps at all",
      files: {
        Tiltfile:
          "k8s_resource('postgres', port_forwards='5432')\nk8s_resource(\n    'myapp',\n    port_forwards='8080',\n)\n",
        "k8s/postgres.yaml": POSTGRES,
        "k8s/app.yaml": APP,
      },
      errors: [
        {
          file: "Tiltfile",
          line: 3,
          column: 6,
          severity: "warning",
          text: "myapp",
          message:
            "`myapp` connects to `postgres` (DATABASE_URL in k8s/app.yaml), but its resource_deps do not include it",
          advice: "k8s_resource('myapp', …, resource_deps=['postgres'])",
        },
      ],
      output: {
        Tiltfile:
          "k8s_resource('postgres', port_forwards='5432')\nk8s_resource(\n    'myapp',\n    port_forwards='8080', resource_deps=['postgres'],\n)\n",
      },
    },
    {
      name: "through a Service of another name, a renamed resource, host:port and *_HOST values",
      files: {
        Tiltfile: code(`
          k8s_resource('postgres', new_name='db')
          k8s_resource('redis')
          k8s_resource('worker:deployment', resource_deps=['migrate'])
        `),
        "k8s/postgres.yaml": POSTGRES + SERVICE("pg", "postgres"),
        "k8s/redis.yaml": workload("Deployment", "redis", "redis:8.4.0"),
        "k8s/worker.yaml": workload("Deployment", "worker", "ghcr.io/example/worker:1.0", {
          DB_HOST: "pg.default.svc.cluster.local",
          CACHE: "redis:6379",
        }),
      },
      errors: [
        {
          file: "Tiltfile",
          line: 3,
          column: 15,
          severity: "warning",
          text: "worker:deployment",
          message:
            /`db` \(DB_HOST in k8s\/worker\.yaml\) and `redis` \(CACHE in k8s\/worker\.yaml\), but its resource_deps do not include them/,
          advice: "resource_deps=['migrate', 'db', 'redis']",
        },
      ],
      output: {
        Tiltfile: code(`
          k8s_resource('postgres', new_name='db')
          k8s_resource('redis')
          k8s_resource('worker:deployment', resource_deps=['migrate', 'db', 'redis'])
        `),
      },
    },
    {
      name: "fixed: an empty list, in double quotes",
      files: {
        Tiltfile: 'k8s_resource("postgres")\nk8s_resource("seed", resource_deps=[])\n',
        "k8s/postgres.yaml": POSTGRES,
        "k8s/seed.yaml": workload("Job", "seed", "postgres:18.1", { PGHOST: "postgres" }),
      },
      errors: [{ file: "Tiltfile", line: 2, column: 15, severity: "warning", text: "seed" }],
      output: {
        Tiltfile: 'k8s_resource("postgres")\nk8s_resource("seed", resource_deps=["postgres"])\n',
      },
    },
    {
      name: "a Job that runs psql with the postgres image is a client, not the database",
      files: {
        Tiltfile: "k8s_resource('postgres')\nk8s_resource('seed')\n",
        "k8s/postgres.yaml": POSTGRES,
        "k8s/seed.yaml": workload("Job", "seed", "postgres:18.1", { PGHOST: "postgres" }),
      },
      errors: [{ file: "Tiltfile", line: 2, column: 15, severity: "warning", text: "seed" }],
    },
  ],
});

function code(text: string): string {
  return text.replace(/^\n/, "").replace(/^ {10}/gm, "");
}
