import { describe, expect, it } from "vitest";
import { runCheck } from "../../src/check/index.js";
import { helmBinary } from "../helpers/helm.js";
import { code, repo } from "./helpers.js";

/**
 * The patterns seen when parity check ran on public repositories (bench/corpus/repos.json lists
 * them, pinned; `npm run bench -- corpus` runs them all), each as a small case written here:
 * the files that show it, and every finding the case must have, as `file:line rule`. Nothing
 * else may be reported: the rest of each case is a trap that must stay quiet.
 */
interface Case {
  name: string;
  /** The public repository where the pattern was seen. */
  seenIn: string;
  files: Record<string, string>;
  expected: string[];
  /** Check with helm (default), or read the charts' templates as text, as without helm. */
  render?: false;
  /** Text the first finding's message holds. */
  message?: string;
}

const CHART = "apiVersion: v2\nname: app\nversion: 0.1.0\nappVersion: 1.2.3\n";

const STATEFULSET = (image: string, container = "") =>
  code(`
    apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: db}
    spec:
      serviceName: db
      template:
        spec:
          containers:
            - name: db
              image: ${image}
  `) + container;

const CASES: Case[] = [
  {
    name: "third-party charts by a Tiltfile's repository alias, over several lines",
    seenIn: "5stackgg/5stack-panel",
    files: {
      Tiltfile: code(`
        load('ext://helm_resource', 'helm_resource', 'helm_repo')
        helm_repo('bitnami', 'https://charts.bitnami.com/bitnami')
        helm_resource(
            'redis',
            'bitnami/redis',
            flags=['--set', 'architecture=standalone'],
        )
      `),
    },
    expected: ["Tiltfile:2 bitnami-chart", "Tiltfile:5 bitnami-chart"],
  },
  {
    name: "a chart checked as rendered: a probe-less database in a template, a values image without a tag",
    seenIn: "instana/robot-shop, Azure-Samples/aks-store-demo",
    files: {
      "chart/Chart.yaml": CHART,
      "chart/values.yaml": code(`
        image:
          repository: ghcr.io/acme/app
          tag: ""
        # Not rendered (disabled): its template gives it the chart's appVersion.
        runners:
          enabled: false
          image:
            repository: ghcr.io/acme/runners
        db:
          image: mongo:8.0.4
      `),
      "chart/templates/app.yaml": code(`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{ .Release.Name }}-app
        spec:
          template:
            spec:
              containers:
                - name: app
                  image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
      `),
      "chart/templates/db.yaml": code(`
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: {{ .Release.Name }}-db
        spec:
          serviceName: db
          template:
            spec:
              containers:
                - name: mongo
                  image: {{ .Values.db.image }}
      `),
    },
    expected: ["chart/templates/db.yaml:11 stateful-readiness-probe"],
  },
  {
    name: "a password in values, written into a Secret by the template: reported once, in values",
    seenIn: "windmill-labs/windmill-helm-charts, kubernetes-sigs/apisnoop, Unleash/helm-charts",
    files: {
      "chart/Chart.yaml": CHART,
      "chart/values.yaml": "auth:\n  password: s3cr3t-pw\nempty:\n",
      "chart/templates/secret.yaml": code(`
        apiVersion: v1
        kind: Secret
        metadata:
          name: {{ .Release.Name }}-auth
        stringData:
          POSTGRES_PASSWORD: "{{ .Values.auth.password }}"
          ADMIN_PASSWORD: {{ randAlphaNum 32 | quote }}
        data:
          EMPTY_PASSWORD: {{ .Values.empty | toString | b64enc }}
      `),
    },
    expected: ["chart/values.yaml:2 plaintext-credentials"],
  },
  {
    name: "a chart's tests, ci/ values, lint values and helm test pods feed throwaway installs",
    seenIn: "temporalio/helm-charts, langfuse/langfuse-k8s, SysBind/docker-pg-logical-backup",
    files: {
      Tiltfile: "k8s_yaml(helm('chart'))\n",
      "chart/Chart.yaml": CHART,
      "chart/values.yaml": "replicas: 1\n",
      "chart/values.lint.yaml": "auth:\n  password: lint-only\n",
      "chart/ci/postgres-values.yaml": "postgresql:\n  auth:\n    password: temporal\n",
      "chart/tests/secret_test.yaml": code(`
        suite: secret
        tests:
          - it: sets the password
            set: {password: "test1"}
      `),
      "chart/templates/tests/test-connection.yaml": code(`
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{ .Release.Name }}-test
          annotations:
            "helm.sh/hook": test
        spec:
          containers:
            - name: wget
              image: busybox
      `),
    },
    expected: [],
  },
  {
    name: "a kustomization's images: rewrite rules, not references; only newTag: latest is one",
    seenIn: "GoogleCloudPlatform/microservices-demo",
    files: {
      "k8s/kustomization.yaml": code(`
        resources: [app.yaml]
        images:
          - name: ghcr.io/acme/app
            newTag: 0.5.0
          - name: ghcr.io/acme/worker
            newName: registry.example.com/acme/worker
          - name: ghcr.io/acme/web
            newTag: latest
      `),
      "k8s/app.yaml":
        "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: ghcr.io/acme/app:0.4.0\n",
    },
    expected: ["k8s/kustomization.yaml:8 image-latest-tag"],
  },
  {
    name: "images built by a Tiltfile that the root Tiltfile includes",
    seenIn: "brownjedi/divolte-example",
    files: {
      Tiltfile: "include('./svc/Tiltfile')\n",
      "svc/Tiltfile": "docker_build('svc', '.')\nk8s_yaml('deploy.yaml')\n",
      "svc/deploy.yaml": "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: svc\n",
      "other.yaml":
        "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: ghcr.io/acme/tool\n",
    },
    expected: ["other.yaml:5 image-latest-tag"],
  },
  {
    name: "a local compose file's throwaway passwords, and a postgres tag from a variable",
    seenIn: "temporalio/docker-compose, docker/awesome-compose",
    files: {
      "docker-compose.yml": code(`
        services:
          db:
            image: postgres:\${POSTGRESQL_VERSION}
            environment:
              POSTGRES_PASSWORD: postgres
            volumes:
              - data:/var/lib/postgresql/data
        volumes:
          data: {}
      `),
      ".env": "POSTGRESQL_VERSION=16\n",
    },
    expected: [],
  },
  {
    name: "a Secret: passwords inside URLs and secret keys, not access key ids or flags",
    seenIn: "vetchium/vetchium, langfuse/langfuse-k8s, temporalio/helm-charts",
    files: {
      "k8s/secret.yaml": code(`
        apiVersion: v1
        kind: Secret
        metadata: {name: app}
        stringData:
          DATABASE_URL: postgres://app:hunter2@db:5432/app
          access_key: minioadmin
          secret_key: minio-secret-123
          placeholder_password: _PASSWORD_
      `),
      "k8s/app.yaml": code(`
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: app}
        spec:
          template:
            spec:
              containers:
                - name: app
                  image: ghcr.io/acme/app:1.0.0
                  env:
                    - {name: AUTH_DISABLE_USERNAME_PASSWORD, value: "true"}
                    - {name: AWS_SECRET_ACCESS_KEY, value: "q1w2e3r4t5y6"}
                    - {name: AWS_DOCS_SECRET_KEY, value: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
      `),
    },
    expected: [
      "k8s/app.yaml:12 plaintext-credentials",
      "k8s/secret.yaml:5 plaintext-credentials",
      "k8s/secret.yaml:7 plaintext-credentials",
    ],
  },
  {
    name: "readiness probes in the forms people use, and one that asks nothing",
    seenIn: "n8n-io/n8n-hosting, dockersamples/example-voting-app",
    files: {
      "k8s/pg.yaml": STATEFULSET(
        "postgres:16.4",
        "          readinessProbe:\n            tcpSocket: {port: 5432}\n",
      ),
      "k8s/redis.yaml": STATEFULSET(
        "redis:7.4.1",
        "          readinessProbe:\n            exec: {command: [redis-cli, ping]}\n",
      ),
      "k8s/pg-local.yaml": STATEFULSET(
        "postgres:16.4",
        "          readinessProbe:\n            exec: {command: [sh, -c, pg_isready -U postgres -h localhost]}\n",
      ),
      "k8s/mongo.yaml": STATEFULSET(
        "mongo:8.0.4",
        "          readinessProbe:\n            exec: {command: [test, -d, /data/db]}\n",
      ),
    },
    expected: ["k8s/mongo.yaml:11 stateful-readiness-probe"],
  },
  {
    name: "an image built FROM postgres: its own liveness probe may ask the socket",
    seenIn: "kubernetes-sigs/apisnoop",
    files: {
      "k8s/db.yaml": STATEFULSET(
        "gcr.io/acme/snoopdb:v1.2.6",
        code(`
          env:
            - {name: PGDATA, value: /var/lib/postgresql/data/pgdata}
          livenessProbe:
            exec: {command: [sh, -c, "pg_isready -U $POSTGRES_USER"]}
        `).replace(/^(?=.)/gm, "          "),
      ),
    },
    expected: [],
  },
  {
    name: "a CronJob is not waiting at tilt up; vendored Tilt extensions are not the repository's",
    seenIn: "5stackgg/5stack-panel, flashbots/mev-inspect-py",
    files: {
      Tiltfile: code(`
        k8s_yaml(['k8s/db.yaml', 'k8s/backup.yaml'])
        k8s_resource('db')
        k8s_resource('backup')
      `),
      "k8s/db.yaml": STATEFULSET(
        "postgres:16.4",
        "          readinessProbe: {tcpSocket: {port: 5432}}\n",
      ),
      "k8s/backup.yaml": code(`
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: backup}
        spec:
          schedule: "0 3 * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  containers:
                    - name: backup
                      image: postgres:16.4
                      env: [{name: PGHOST, value: db}]
      `),
      "tilt_modules/helm_remote/test/job.yaml":
        "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: alpine\n",
    },
    expected: [],
  },
  {
    name: "secret_from_dict() with a literal password in a Tiltfile",
    seenIn: "flashbots/mev-inspect-py",
    files: {
      Tiltfile: code(`
        load('ext://secret', 'secret_from_dict')
        k8s_yaml(secret_from_dict('db', inputs = {
            'user': 'postgres',
            'password': 'hunter2-pg',
        }))
        # k8s_yaml(secret_from_dict('export', inputs = {
        #     'password': 'commented-out',
        # }))
        k8s_yaml(secret_from_dict('s3', inputs = {
            'export-aws-access-key-id': 'foobar',
        }))
      `),
    },
    expected: ["Tiltfile:4 plaintext-credentials"],
  },
  {
    name: "latest on the registries that took over Bitnami's images",
    seenIn: "vetchium/vetchium",
    files: {
      "k8s/tools.yaml": code(`
        apiVersion: batch/v1
        kind: Job
        metadata: {name: tools}
        spec:
          template:
            spec:
              containers:
                - {name: kubectl, image: "bitnamilegacy/kubectl:latest"}
                - {name: shell, image: docker.io/bitnamilegacy/os-shell}
      `),
    },
    expected: [
      "k8s/tools.yaml:8 bitnami-image",
      "k8s/tools.yaml:8 image-latest-tag",
      "k8s/tools.yaml:9 bitnami-image",
      "k8s/tools.yaml:9 image-latest-tag",
    ],
  },
  {
    name: "a chart read as text (it does not render): probes from an include are not missing",
    seenIn: "langfuse/langfuse-k8s",
    render: false,
    files: {
      "chart/Chart.yaml": CHART,
      "chart/templates/db.yaml": code(`
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: {{ include "app.fullname" . }}-db
        spec:
          template:
            spec:
              containers:
                - name: postgres
                  image: postgres:16.4
                  {{- include "app.probes" . | nindent 10 }}
                - name: cache
                  image: redis:7.4.1
                  {{- with .Values.resources }}
                  resources:
                    {{- toYaml . | nindent 12 }}
                  {{- end }}
      `),
    },
    expected: ["chart/templates/db.yaml:13 stateful-readiness-probe"],
    message: "container `cache` of a StatefulSet with a templated name runs `redis:7.4.1`",
  },
];

describe("patterns from public repositories (bench/corpus)", () => {
  const helm = helmBinary();
  for (const c of CASES) {
    it(`${c.name} (seen in ${c.seenIn})`, () => {
      const result = runCheck(repo(c.files), { helm: c.render ?? helm });
      const found = result.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`).sort();
      const detail = result.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}: ${f.message}`);
      expect(found, detail.join("\n")).toEqual([...c.expected].sort());
      if (c.message) expect(result.findings[0]?.message).toContain(c.message);
    });
  }
});
