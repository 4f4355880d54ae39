import { composeAndManifestsDriftRule } from "../../../src/check/rules/compose-and-manifests-drift.js";
import { testFilesRule } from "../files-helpers.js";

const statefulSet = (name: string, image: string) => `
  apiVersion: apps/v1
  kind: StatefulSet
  metadata:
    name: ${name}
  spec:
    template:
      spec:
        containers:
          - name: ${name}
            image: ${image}
`;

testFilesRule(composeAndManifestsDriftRule, {
  valid: [
    {
      name: "compose only",
      files: { "docker-compose.yml": "services:\n  db:\n    image: postgres:18.1\n" },
    },
    {
      name: "the app's own image in both, and different repositories of the same software",
      files: {
        "compose.yaml":
          "services:\n  api:\n    image: ghcr.io/example/api:1.0\n  db:\n    image: postgres:18.1\n",
        "k8s/api.yaml": statefulSet("api", "ghcr.io/example/api:1.0"),
        "k8s/db.yaml": statefulSet("db", "postgis/postgis:17-3.5"),
      },
    },
    {
      name: "an image mentioned outside a workload (a ConfigMap), or in a Helm chart",
      files: {
        "compose.yaml": "services:\n  cache:\n    image: redis:8.4.0\n",
        "k8s/config.yaml": "apiVersion: v1\nkind: ConfigMap\ndata:\n  image: redis:8.4.0\n",
        "charts/app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n",
        "charts/app/templates/redis.yaml": "spec:\n  containers:\n    - image: redis:8.4.0\n",
      },
    },
    {
      name: "a Job and an init container that use the image as a client",
      files: {
        "compose.yaml": "services:\n  db:\n    image: postgres:18.1\n",
        "k8s/jobs.yaml": `
          apiVersion: batch/v1
          kind: Job
          metadata:
            name: backup
          spec:
            template:
              spec:
                containers:
                  - name: dump
                    image: postgres:18.1
        `,
        "k8s/api.yaml": `
          apiVersion: apps/v1
          kind: Deployment
          metadata:
            name: api
          spec:
            template:
              spec:
                initContainers:
                  - name: wait
                    image: postgres:18.1
                containers:
                  - name: api
                    image: ghcr.io/example/api:1.0
        `,
      },
    },
  ],
  invalid: [
    {
      name: "the same image repository, whatever the tag and registry spelling",
      files: {
        "docker-compose.yml": `
          services:
            db:
              image: postgres:16
            cache:
              image: "docker.io/library/redis:7.4"
            queue:
              image: rabbitmq:\${RABBITMQ_VERSION:-4.2}-management
        `,
        "k8s/postgres.yaml": statefulSet("postgres", "postgres:18.1"),
        "k8s/redis.yaml": statefulSet("redis", "redis:8.4.0"),
        "deploy/redis-replica.yaml": statefulSet("redis-replica", "redis:8.4.0"),
        "k8s/rabbitmq.yaml": statefulSet("rabbitmq", "rabbitmq:4.2.2-management"),
      },
      errors: [
        {
          file: "docker-compose.yml",
          line: 3,
          column: 12,
          severity: "warning",
          text: "postgres:16",
          message:
            "`postgres:16` (compose service `db`) is also deployed by k8s/postgres.yaml (`postgres:18.1`): two descriptions of the same dependency",
          advice: /parity\.yaml/,
        },
        {
          file: "docker-compose.yml",
          line: 5,
          column: 13,
          severity: "warning",
          text: "docker.io/library/redis:7.4",
          message: /deploy\/redis-replica\.yaml \(`redis:8\.4\.0`\) and 1 more/,
        },
        { file: "docker-compose.yml", line: 7, column: 12, severity: "warning", text: "rabbitmq" },
      ],
    },
  ],
});
