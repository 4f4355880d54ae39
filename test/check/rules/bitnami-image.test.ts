import { bitnamiImageRule } from "../../../src/check/rules/bitnami-image.js";
import { code, testRule } from "../helpers.js";

const pod = (image: string) =>
  code(`
    apiVersion: v1
    kind: Pod
    metadata:
      name: db
    spec:
      containers:
        - name: db
          image: ${image}
  `);

const GONE = /no longer exists: the public docker.io\/bitnami catalog was deleted on 2025-09-29/;

testRule(bitnamiImageRule, {
  valid: [
    { name: "official image", path: "k8s/pod.yaml", code: pod("postgres:18.1") },
    {
      name: "sealed-secrets controller",
      path: "k8s/pod.yaml",
      code: pod("docker.io/bitnami/sealed-secrets-controller:0.30.0"),
    },
    { name: "kubeseal", path: "k8s/pod.yaml", code: pod("bitnami/sealed-secrets-kubeseal:0.30.0") },
    { name: "minideb", path: "k8s/pod.yaml", code: pod("bitnami/minideb:bookworm") },
    { name: "bitnami-labs images", path: "k8s/pod.yaml", code: pod("ghcr.io/bitnami-labs/x:1") },
    {
      name: "bitnami in a value that is not an image",
      path: "k8s/cm.yaml",
      code: code(`
        kind: ConfigMap
        data:
          note: "bitnami/postgresql:16 was replaced"
        # image: bitnami/redis:7
      `),
    },
    {
      name: "templated registry: unknowable",
      path: "compose.yaml",
      code: "services:\n  cache:\n    image: ${REGISTRY}/bitnami/redis:7\n",
    },
    {
      name: "values: registry/repository of an official image",
      path: "values.yaml",
      code: code(`
        image:
          registry: docker.io
          repository: library/postgres
          tag: "18.1"
      `),
    },
    {
      name: "Dockerfile stages and official bases",
      path: "Dockerfile",
      code: code(`
        FROM node:22 AS build
        FROM scratch
        FROM build AS final
        COPY --from=build /app /app
        # FROM bitnami/node:18
      `),
    },
    {
      name: "kustomize image replaced by newName",
      path: "kustomization.yaml",
      code: "images:\n  - name: bitnami/redis\n    newName: redis\n    newTag: 8.4.0\n",
    },
    {
      name: "a chart argument is not an image",
      path: "install.sh",
      code: "helm install pg bitnami/postgresql\n# docker run bitnami/redis\n",
    },
    {
      name: "Helm template with templated image",
      path: "chart/templates/deployment.yaml",
      code: code(`
        {{- if .Values.enabled }}
        containers:
          - image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
        {{- end }}
      `),
    },
    {
      name: "a GitHub repository is not an image",
      path: ".github/workflows/sync.yml",
      code: code(`
        jobs:
          sync:
            steps:
              - uses: actions/checkout@v4
                with:
                  repository: bitnami/charts
                  ref: main
      `),
    },
    {
      name: "files of types the rule does not read",
      path: "Chart.yaml",
      code: "name: x\nimage: bitnami/redis:7\n",
    },
  ],
  invalid: [
    {
      name: "pod image on docker.io/bitnami",
      path: "k8s/pod.yaml",
      code: pod("bitnami/postgresql:16"),
      errors: [
        {
          line: 8,
          column: 14,
          severity: "error",
          text: "bitnami/postgresql:16",
          message: GONE,
          advice: "`postgres:18.1`",
        },
      ],
    },
    {
      name: "explicit docker.io, quoted",
      path: "k8s/pod.yaml",
      code: pod('"docker.io/bitnami/redis:7.2"'),
      errors: [
        {
          line: 8,
          column: 15,
          severity: "error",
          text: "docker.io/bitnami/redis:7.2",
          advice: "`redis:8.4.0`",
        },
      ],
    },
    {
      name: "registry-1.docker.io, single-quoted",
      path: "k8s/pod.yaml",
      code: pod("'registry-1.docker.io/bitnami/rabbitmq:3.13'"),
      errors: [{ line: 8, column: 15, severity: "error", advice: "`rabbitmq:4.2.2-management`" }],
    },
    {
      name: "digest",
      path: "k8s/pod.yaml",
      code: pod(`bitnami/valkey@sha256:${"a".repeat(64)}`),
      errors: [{ line: 8, column: 14, severity: "error", advice: "`valkey/valkey:9.0.1`" }],
    },
    {
      name: "bitnamilegacy is a warning",
      path: "k8s/pod.yaml",
      code: pod("bitnamilegacy/kafka:3.9"),
      errors: [
        {
          line: 8,
          column: 14,
          severity: "warning",
          message: "is frozen",
          advice: /`apache\/kafka:4\.1\.1`.*stopgap/,
        },
      ],
    },
    {
      name: "bitnamisecure latest is a warning",
      path: "k8s/pod.yaml",
      code: pod("bitnamisecure/mongodb:latest"),
      errors: [
        {
          line: 8,
          column: 14,
          severity: "warning",
          message: "only the `latest` tag",
          advice: "`mongo:8`",
        },
      ],
    },
    {
      name: "bitnamisecure with a versioned tag does not exist",
      path: "k8s/pod.yaml",
      code: pod("bitnamisecure/mysql:8.4"),
      errors: [
        { line: 8, column: 14, severity: "warning", message: "not `8.4`", advice: "`mysql:8.4`" },
      ],
    },
    {
      name: "public.ecr.aws/bitnami is retired",
      path: "k8s/pod.yaml",
      code: pod("public.ecr.aws/bitnami/mariadb:11.4"),
      errors: [
        {
          line: 8,
          column: 14,
          severity: "error",
          message: "retired on 2026-06-10",
          advice: "`mariadb:11.4`",
        },
      ],
    },
    {
      name: "a mirror of a Bitnami image",
      path: "k8s/pod.yaml",
      code: pod("harbor.example.com/dockerhub/bitnami/nginx:1.25"),
      errors: [
        {
          line: 8,
          column: 14,
          severity: "warning",
          message: "copy of a Bitnami image",
          advice: "`nginx:1.27`",
        },
      ],
    },
    {
      name: "memcached",
      path: "k8s/pod.yaml",
      code: pod("bitnami/memcached:1.6"),
      errors: [{ line: 8, column: 14, severity: "error", advice: "`memcached:1.6`" }],
    },
    {
      name: "minio is archived",
      path: "k8s/pod.yaml",
      code: pod("bitnami/minio:2025"),
      errors: [
        { line: 8, column: 14, severity: "error", advice: /archived.*quay\.io\/minio\/minio/ },
      ],
    },
    {
      name: "unknown images get the project's official image",
      path: "k8s/pod.yaml",
      code: pod("bitnami/keycloak:26"),
      errors: [
        {
          line: 8,
          column: 14,
          severity: "error",
          advice: "the project's official image for keycloak",
        },
      ],
    },
    {
      name: "every document of a multi-document file, init containers too",
      path: "k8s/all.yaml",
      code: code(`
        kind: Job
        spec:
          template:
            spec:
              initContainers:
                - image: bitnami/os-shell:12
        ---
        kind: ConfigMap
        ---
        kind: CronJob
        spec:
          jobTemplate:
            spec:
              template:
                spec:
                  containers:
                    - image: bitnami/postgresql:16
      `),
      errors: [
        { line: 6, column: 18, severity: "error", advice: "`busybox:1.37`" },
        { line: 17, column: 22, severity: "error", text: "bitnami/postgresql:16" },
      ],
    },
    {
      name: "compose",
      path: "docker-compose.yml",
      code: "services:\n  cache:\n    image: bitnami/redis:7.2\n  db:\n    image: postgres:18.1\n",
      errors: [{ line: 3, column: 12, severity: "error", text: "bitnami/redis:7.2" }],
    },
    {
      name: "values: registry and repository as separate keys, sub-images too",
      path: "charts/app/values.yaml",
      code: code(`
        image:
          registry: docker.io
          repository: bitnami/postgresql
          tag: 16.4.0-debian-12-r0
        volumePermissions:
          image:
            registry: docker.io
            repository: bitnami/os-shell
        metrics:
          image:
            repository: bitnamilegacy/postgres-exporter
      `),
      errors: [
        {
          line: 3,
          column: 15,
          severity: "error",
          text: "bitnami/postgresql",
          message: "`docker.io/bitnami/postgresql:16.4.0-debian-12-r0`",
          advice: /postgres:18\.1.*CloudNativePG/,
        },
        { line: 8, column: 17, severity: "error", text: "bitnami/os-shell" },
        { line: 11, column: 17, severity: "warning", advice: "postgres-exporter" },
      ],
    },
    {
      name: "values: global.imageRegistry overrides every image's registry",
      path: "values-dev.yaml",
      code: code(`
        global:
          imageRegistry: public.ecr.aws
        redis:
          image:
            registry: docker.io
            repository: bitnami/redis
      `),
      errors: [
        {
          line: 6,
          column: 17,
          severity: "error",
          message: "`public.ecr.aws/bitnami/redis` no longer exists",
          advice: /valkey-io\/valkey-helm/,
        },
      ],
    },
    {
      name: "Dockerfile FROM with --platform and AS, COPY --from, RUN --mount from=",
      path: "docker/api.Dockerfile",
      code: code(`
        ARG V=22
        FROM --platform=$BUILDPLATFORM bitnami/node:\${V} AS build
        from bitnami/git:2
        COPY --from=docker.io/bitnami/kubectl:1.31 /opt/bitnami/kubectl/bin/kubectl /usr/local/bin/
        RUN --mount=type=bind,from=bitnamilegacy/jq:1.7,source=/opt,target=/jq true
      `),
      errors: [
        { line: 2, column: 32, severity: "error", text: "bitnami/node" },
        { line: 3, column: 6, severity: "error", text: "bitnami/git:2" },
        { line: 4, column: 13, severity: "error", text: "docker.io/bitnami/kubectl:1.31" },
        { line: 5, column: 28, severity: "warning", text: "bitnamilegacy/jq:1.7" },
      ],
    },
    {
      name: "GitHub Actions: container, services, docker:// steps",
      path: ".github/workflows/ci.yml",
      code: code(`
        jobs:
          test:
            container: bitnamilegacy/node:20
            services:
              pg:
                image: bitnami/postgresql:16
            steps:
              - uses: docker://bitnami/kubectl:1.31
              - name: not an image
                run: echo bitnami/redis
      `),
      errors: [
        { line: 3, column: 16, severity: "warning", text: "bitnamilegacy/node:20" },
        { line: 6, column: 16, severity: "error", text: "bitnami/postgresql:16" },
        { line: 8, column: 24, severity: "error", text: "bitnami/kubectl:1.31" },
      ],
    },
    {
      name: "GitLab CI: image.name and services",
      path: ".gitlab-ci.yml",
      code: code(`
        image:
          name: bitnami/kubectl:1.31
        services:
          - docker.io/bitnami/redis:7.2
          - name: bitnami/postgresql:16
            alias: db
      `),
      errors: [
        { line: 2, column: 9, severity: "error", text: "bitnami/kubectl:1.31" },
        { line: 4, column: 5, severity: "error", text: "docker.io/bitnami/redis:7.2" },
        { line: 5, column: 11, severity: "error", text: "bitnami/postgresql:16" },
      ],
    },
    {
      name: "kustomize images: a name kept by newTag, a newName",
      path: "overlays/dev/kustomization.yaml",
      code: code(`
        images:
          - name: bitnami/redis
            newTag: "7.4"
          - name: postgres
            newName: bitnami/postgresql
      `),
      errors: [
        { line: 2, column: 11, severity: "error", text: "bitnami/redis" },
        { line: 5, column: 14, severity: "error", text: "bitnami/postgresql" },
      ],
    },
    {
      name: "shell: docker run past its options, kubectl --image, helm --set",
      path: "scripts/dev.sh",
      code: code(`
        docker run --rm -e A=1 --network host -p 6379:6379 bitnami/redis:7.2
        kubectl run debug --image=bitnami/kubectl:1.31 -- sh
        helm install pg cnpg/cluster \\
          --set image.repository=bitnamilegacy/postgresql
      `),
      errors: [
        { line: 1, column: 52, severity: "error", text: "bitnami/redis:7.2" },
        { line: 2, column: 27, severity: "error", text: "bitnami/kubectl:1.31" },
        { line: 4, column: 26, severity: "warning", text: "bitnamilegacy/postgresql" },
      ],
    },
    {
      name: "Tiltfile: set= values and docker run commands",
      path: "Tiltfile",
      code: code(`
        k8s_yaml(helm('chart', set=['redis.image.repository=bitnami/redis']))
        local_resource('ping', cmd='docker run --rm bitnami/redis:7.2 redis-cli ping')
      `),
      errors: [
        { line: 1, column: 53, severity: "error", text: "bitnami/redis" },
        { line: 2, column: 45, severity: "error", text: "bitnami/redis:7.2" },
      ],
    },
    {
      name: "Helm template (not YAML): literal images, templated tags and defaults",
      path: "charts/app/templates/statefulset.yaml",
      code: code(`
        {{- if .Values.enabled }}
        spec:
          containers:
            - image: docker.io/bitnami/postgresql:16
            - image: "bitnami/redis:{{ .Values.tag }}"
            - image: {{ .Values.waitImage | default "bitnami/os-shell:12" }}
        {{- end }}
      `),
      errors: [
        {
          line: 4,
          column: 14,
          severity: "error",
          text: "docker.io/bitnami/postgresql:16",
          advice: /CloudNativePG/,
        },
        { line: 5, column: 15, severity: "error", text: "bitnami/redis" },
        { line: 6, column: 46, severity: "error", text: "bitnami/os-shell:12" },
      ],
    },
    {
      name: "CRLF line endings keep columns",
      path: "k8s/pod.yaml",
      code: pod("bitnami/redis:7").replace(/\n/g, "\r\n"),
      errors: [{ line: 8, column: 14, severity: "error", text: "bitnami/redis:7" }],
    },
    {
      name: "a suppression names another rule only",
      path: "k8s/pod.yaml",
      code: "# parity-check-disable-next-line bitnami-chart\nimage: bitnami/redis:7\n",
      errors: [{ line: 2, column: 8, severity: "error" }],
    },
  ],
});
