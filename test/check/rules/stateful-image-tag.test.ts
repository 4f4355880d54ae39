import { statefulImageTagRule } from "../../../src/check/rules/stateful-image-tag.js";
import { code, testRule } from "../helpers.js";

const pod = (...images: string[]) =>
  "kind: Pod\nspec:\n  containers:\n" + images.map((i) => `    - image: ${i}\n`).join("");

const DIGEST = `@sha256:${"a".repeat(64)}`;

testRule(statefulImageTagRule, {
  valid: [
    {
      name: "versions, digests and a major-only tag",
      path: "k8s/pod.yaml",
      code: pod(
        "postgres:18.1",
        "redis:8.4.0-alpine",
        `mongo${DIGEST}`,
        `postgres:latest${DIGEST}`,
        "rabbitmq:4-management",
        "apache/kafka:4.1.1",
      ),
    },
    {
      name: "images that are not stateful, or reported by other rules",
      path: "k8s/pod.yaml",
      code: pod(
        "nginx",
        "ghcr.io/x/app:latest",
        "bitnami/redis",
        "minio/minio",
        "quay.io/minio/minio:latest",
        "localstack/localstack",
      ),
    },
    {
      name: "templated tags are not judged",
      path: "compose.yaml",
      code: code(`
        services:
          db:
            image: postgres:\${PG_VERSION:-18.1}
          cache:
            image: "redis:{{ .Values.tag }}"
      `),
    },
    {
      name: "file types the rule does not read",
      path: "Dockerfile",
      code: "FROM docker.io/library/postgres\n",
    },
  ],
  invalid: [
    {
      name: "untagged, latest and version-less tags in a manifest",
      path: "k8s/pod.yaml",
      code: pod("postgres", "redis:latest", "rabbitmq:management", '"docker.io/library/mariadb"'),
      errors: [
        {
          line: 4,
          column: 14,
          severity: "warning",
          text: "postgres",
          message:
            "`postgres` has no tag, so it runs `latest`: the next pull can bring a new major version of postgres",
          advice: "`postgres:18.1`",
        },
        {
          line: 5,
          column: 14,
          severity: "warning",
          text: "redis:latest",
          message: "moves with every release",
          advice: "`redis:8.4.0`",
        },
        {
          line: 6,
          column: 14,
          severity: "warning",
          text: "rabbitmq:management",
          message: "names no version",
          advice: "`rabbitmq:4.2.2-management`",
        },
        {
          line: 7,
          column: 15,
          severity: "warning",
          text: "docker.io/library/mariadb",
          advice: "`mariadb:11.4`",
        },
      ],
    },
    {
      name: "compose: forks and distributions, with a generic pin",
      path: "docker-compose.yml",
      code: code(`
        services:
          search:
            image: docker.elastic.co/elasticsearch/elasticsearch:latest
          kafka:
            image: confluentinc/cp-kafka
          cache:
            image: valkey/valkey:alpine
          blobs:
            image: cgr.dev/chainguard/minio
      `),
      errors: [
        {
          line: 3,
          column: 12,
          severity: "warning",
          text: "docker.elastic.co/elasticsearch/elasticsearch:latest",
          advice: "`docker.elastic.co/elasticsearch/elasticsearch:<version>`",
        },
        {
          line: 5,
          column: 12,
          severity: "warning",
          text: "confluentinc/cp-kafka",
          message: "of kafka",
        },
        { line: 7, column: 12, severity: "warning", advice: "`valkey/valkey:9.0.1`" },
        { line: 9, column: 12, severity: "warning", text: "cgr.dev/chainguard/minio" },
      ],
    },
  ],
});
