import { archivedImageRule } from "../../../src/check/rules/archived-image.js";
import { code, testRule } from "../helpers.js";

const ARCHIVED = /is MinIO, archived: no new images since 2025-10/;
const TOKEN = /needs LOCALSTACK_AUTH_TOKEN since 2026-03 and exits with code 55 without it/;

testRule(archivedImageRule, {
  valid: [
    {
      name: "LocalStack pinned to a community tag",
      path: "compose.yaml",
      code: "services:\n  aws:\n    image: localstack/localstack:4.14.0\n  old:\n    image: localstack/localstack:3.8\n",
    },
    {
      name: "LocalStack latest with an auth token in the file",
      path: "compose.yaml",
      code: code(`
        services:
          aws:
            image: localstack/localstack
            environment:
              LOCALSTACK_AUTH_TOKEN: \${LOCALSTACK_AUTH_TOKEN:?}
      `),
    },
    {
      name: "templated or digest-pinned LocalStack",
      path: "compose.yaml",
      code: `services:\n  a:\n    image: localstack/localstack:\${TAG}\n  b:\n    image: localstack/localstack@sha256:${"a".repeat(64)}\n`,
    },
    {
      name: "look-alikes: the MinIO client, forks, bitnami (bitnami-image reports it), comments",
      path: "k8s/pod.yaml",
      code: code(`
        kind: Pod
        spec:
          containers:
            - image: minio/mc:RELEASE.2025-08-13T08-35-41Z
            - image: ghcr.io/example/minio/minio-fork:1
            - image: bitnami/minio:2025.7.23
            # - image: minio/minio
      `),
    },
    {
      name: "localstack-pro is another image",
      path: "k8s/pod.yaml",
      code: "kind: Pod\nspec:\n  containers:\n    - image: localstack/localstack-pro\n",
    },
  ],
  invalid: [
    {
      name: "MinIO on Docker Hub and quay.io, pinned or not",
      path: "k8s/minio.yaml",
      code: code(`
        kind: Deployment
        spec:
          template:
            spec:
              containers:
                - image: minio/minio
                - image: "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z"
      `),
      errors: [
        {
          line: 6,
          column: 18,
          severity: "warning",
          text: "minio/minio",
          message: ARCHIVED,
          advice: "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z",
        },
        {
          line: 7,
          column: 19,
          severity: "warning",
          text: "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z",
        },
      ],
    },
    {
      name: "LocalStack untagged, latest, stable and calendar versions",
      path: "docker-compose.yml",
      code: code(`
        services:
          a:
            image: localstack/localstack
          b:
            image: localstack/localstack:latest
          c:
            image: docker.io/localstack/localstack:stable
          d:
            image: localstack/localstack:2026.3.0
      `),
      errors: [
        {
          line: 3,
          column: 12,
          severity: "warning",
          text: "localstack/localstack",
          message: "`localstack/localstack` (no tag: `latest`) needs",
          advice: "`localstack/localstack:4.14.0`",
        },
        { line: 5, column: 12, severity: "warning", message: TOKEN },
        {
          line: 7,
          column: 12,
          severity: "warning",
          text: "docker.io/localstack/localstack:stable",
        },
        { line: 9, column: 12, severity: "warning", text: "localstack/localstack:2026.3.0" },
      ],
    },
    {
      name: "Dockerfile FROM",
      path: "ci/Dockerfile",
      code: "FROM minio/minio:RELEASE.2025-04-22T22-12-26Z AS s3\n",
      errors: [
        {
          line: 1,
          column: 6,
          severity: "warning",
          text: "minio/minio:RELEASE.2025-04-22T22-12-26Z",
        },
      ],
    },
    {
      name: "GitHub Actions: services and docker run in a step",
      path: ".github/workflows/test.yml",
      code: code(`
        jobs:
          test:
            services:
              aws:
                image: localstack/localstack
            steps:
              - run: docker run -d quay.io/minio/minio server /data
      `),
      errors: [
        { line: 5, column: 16, severity: "warning", text: "localstack/localstack" },
        { line: 7, column: 28, severity: "warning", text: "quay.io/minio/minio" },
      ],
    },
  ],
});
