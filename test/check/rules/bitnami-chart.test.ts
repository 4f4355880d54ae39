import { describe, expect, it } from "vitest";
import { runCheck } from "../../../src/check/index.js";
import { bitnamiChartRule } from "../../../src/check/rules/bitnami-chart.js";
import { code, repo, testRule } from "../helpers.js";

const STALE = /Bitnami chart repository: no longer updated/;

testRule(bitnamiChartRule, {
  valid: [
    {
      name: "Chart.yaml dependencies from other repositories",
      path: "charts/app/Chart.yaml",
      code: code(`
        apiVersion: v2
        name: app
        # was: https://charts.bitnami.com/bitnami
        dependencies:
          - name: cloudnative-pg
            repository: https://cloudnative-pg.github.io/charts
          - name: sealed-secrets
            repository: https://bitnami-labs.github.io/sealed-secrets
      `),
    },
    {
      name: "other charts, images and comments in scripts",
      path: "scripts/install.sh",
      code: code(`
        helm repo add cnpg https://cloudnative-pg.github.io/charts
        helm install sealed-secrets sealed-secrets/sealed-secrets
        helm install db cnpg/cluster --set image.repository=bitnami/postgresql
        docker run --rm bitnami/redis:7 redis-cli ping
        # helm install old bitnami/mongodb
        echo "see https://github.com/bitnami/charts/issues/35164"
      `),
    },
    {
      name: "values: allowInsecureImages false, or not under global.security",
      path: "values.yaml",
      code: code(`
        global:
          security:
            allowInsecureImages: false
        security:
          allowInsecureImages: true
      `),
    },
    {
      name: "Argo CD Application from another repository",
      path: "apps/pg.yaml",
      code: code(`
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        spec:
          source:
            repoURL: https://cloudnative-pg.github.io/charts
            chart: cloudnative-pg
      `),
    },
    {
      name: "helmfile releases of other repositories",
      path: "helmfile.yaml",
      code: code(`
        repositories:
          - name: cnpg
            url: https://cloudnative-pg.github.io/charts
        releases:
          - name: db
            chart: cnpg/cluster
      `),
    },
    {
      name: "Tiltfile with other charts",
      path: "Tiltfile",
      code: "helm_resource('db', 'cnpg/cluster')\nhelm_repo('cnpg', 'https://cloudnative-pg.github.io/charts')\n",
    },
    {
      name: "look-alike hosts",
      path: "apps/x.yaml",
      code: "repoURL: oci://mydocker.io/bitnamicharts\nurl: https://charts.bitnami.com.example.org/x\n",
    },
  ],
  invalid: [
    {
      name: "Chart.yaml: HTTP, OCI, @bitnami and alias:bitnami repositories",
      path: "charts/app/Chart.yaml",
      code: code(`
        apiVersion: v2
        name: app
        dependencies:
          - name: postgresql
            version: 16.7.27
            repository: https://charts.bitnami.com/bitnami
          - name: redis
            repository: "oci://registry-1.docker.io/bitnamicharts"
          - name: rabbitmq
            repository: "@bitnami"
          - name: kafka
            repository: alias:bitnami
      `),
      errors: [
        {
          line: 6,
          column: 17,
          severity: "error",
          text: "https://charts.bitnami.com/bitnami",
          message: STALE,
          advice: /CloudNativePG.*cnpg\/cloudnative-pg.*cnpg\/cluster/,
        },
        {
          line: 8,
          column: 18,
          severity: "error",
          text: "oci://registry-1.docker.io/bitnamicharts",
          advice: "valkey-io/valkey-helm",
        },
        {
          line: 10,
          column: 18,
          severity: "error",
          text: "@bitnami",
          advice: "RabbitMQ Cluster Operator",
        },
        {
          line: 12,
          column: 17,
          severity: "error",
          text: "alias:bitnami",
          advice: "cloudpirates/kafka",
        },
      ],
    },
    {
      name: "Chart.lock, with Bitnami's library chart",
      path: "charts/app/Chart.lock",
      code: "dependencies:\n  - name: common\n    repository: https://charts.bitnami.com/bitnami/\n    version: 2.31.4\n",
      errors: [
        {
          line: 3,
          column: 17,
          severity: "error",
          text: "https://charts.bitnami.com/bitnami/",
          advice: "library chart",
        },
      ],
    },
    {
      name: "shell: repo add, install across continuation lines, OCI pull, template",
      path: "scripts/install.sh",
      code: code(`
        helm repo add bitnami https://charts.bitnami.com/bitnami
        helm upgrade --install pg \\
          bitnami/postgresql \\
          --set global.security.allowInsecureImages=true
        helm pull oci://registry-1.docker.io/bitnamicharts/redis --version 21.2.13
        helm template x "bitnami/nginx"
      `),
      errors: [
        { line: 1, column: 23, severity: "error", text: "https://charts.bitnami.com/bitnami" },
        {
          line: 3,
          column: 3,
          severity: "error",
          text: "bitnami/postgresql",
          advice: "CloudNativePG",
        },
        {
          line: 4,
          column: 9,
          severity: "warning",
          text: "global.security.allowInsecureImages=true",
          message: "allowInsecureImages",
        },
        {
          line: 5,
          column: 11,
          severity: "error",
          text: "oci://registry-1.docker.io/bitnamicharts/redis",
          advice: "valkey",
        },
        {
          line: 6,
          column: 18,
          severity: "error",
          text: "bitnami/nginx",
          advice: "cloudpirates/nginx",
        },
      ],
    },
    {
      name: "Tiltfile: helm_repo, helm_resource, helm_remote",
      path: "Tiltfile",
      code: code(`
        helm_repo('bitnami', 'https://charts.bitnami.com/bitnami')
        helm_resource('mq', 'bitnami/rabbitmq', flags=['--version', '16.0.14'])
        helm_remote('postgresql', repo_url='https://charts.bitnami.com/bitnami')
        helm_resource('cache', chart='oci://registry-1.docker.io/bitnamicharts/valkey')
      `),
      errors: [
        { line: 1, column: 23, severity: "error" },
        {
          line: 2,
          column: 22,
          severity: "error",
          text: "bitnami/rabbitmq",
          advice: "RabbitMQ Cluster Operator",
        },
        { line: 3, column: 37, severity: "error", advice: "CloudNativePG" },
        { line: 4, column: 31, severity: "error", advice: "valkey" },
      ],
    },
    {
      name: "CI: helm in a run block",
      path: ".github/workflows/deploy.yml",
      code: code(`
        jobs:
          deploy:
            steps:
              - run: |
                  helm upgrade --install cache bitnami/redis --wait
      `),
      errors: [{ line: 5, column: 40, severity: "error", text: "bitnami/redis" }],
    },
    {
      name: "Argo CD: Application without oci://, ApplicationSet with sources",
      path: "argocd/apps.yaml",
      code: code(`
        kind: Application
        spec:
          source:
            repoURL: registry-1.docker.io/bitnamicharts
            chart: postgresql
        ---
        kind: ApplicationSet
        spec:
          template:
            spec:
              sources:
                - repoURL: https://charts.bitnami.com/bitnami
                  chart: rabbitmq
      `),
      errors: [
        { line: 4, column: 14, severity: "error", advice: "CloudNativePG" },
        { line: 12, column: 20, severity: "error", advice: "RabbitMQ Cluster Operator" },
      ],
    },
    {
      name: "helmfile: repository and the releases that use it (OCI too)",
      path: "helmfile.yaml",
      code: code(`
        repositories:
          - name: bitnami-oci
            url: registry-1.docker.io/bitnamicharts
            oci: true
        releases:
          - name: db
            chart: bitnami-oci/postgresql
          - name: cache
            chart: bitnami/valkey
      `),
      errors: [
        { line: 3, column: 10, severity: "error", text: "registry-1.docker.io/bitnamicharts" },
        {
          line: 7,
          column: 12,
          severity: "error",
          text: "bitnami-oci/postgresql",
          advice: "CloudNativePG",
        },
        { line: 9, column: 12, severity: "error", text: "bitnami/valkey" },
      ],
    },
    {
      name: "kustomize helmCharts and Flux HelmRepository",
      path: "deploy/kustomization.yaml",
      code: "helmCharts:\n  - name: redis\n    repo: https://charts.bitnami.com/bitnami\n",
      errors: [{ line: 3, column: 11, severity: "error", advice: "valkey" }],
    },
    {
      name: "Flux HelmRepository and the full-index archive",
      path: "flux/repos.yaml",
      code: code(`
        kind: HelmRepository
        spec:
          url: https://raw.githubusercontent.com/bitnami/charts/archive-full-index/bitnami
      `),
      errors: [{ line: 3, column: 8, severity: "error" }],
    },
    {
      name: "values: global.security.allowInsecureImages is a warning",
      path: "charts/app/values.yaml",
      code: "global:\n  security:\n    allowInsecureImages: true\n",
      errors: [
        { line: 3, column: 26, severity: "warning", text: "true", advice: "replace the chart" },
      ],
    },
    {
      name: "Helm template (app of apps) scanned by lines",
      path: "apps/templates/apps.yaml",
      code: code(`
        {{- range .Values.apps }}
        kind: Application
        spec:
          source:
            repoURL: https://charts.bitnami.com/bitnami
            chart: {{ .chart }}
        {{- end }}
      `),
      errors: [{ line: 5, column: 14, severity: "error" }],
    },
    {
      name: "templated helmfile (.gotmpl) scanned by lines",
      path: "helmfile.yaml.gotmpl",
      code: code(`
        repositories:
          - name: bitnami
            url: {{ env "CHARTS" | default "https://charts.bitnami.com/bitnami" }}
        releases:
          - name: cache
            chart: bitnami/redis
            version: {{ .Values.redisVersion }}
          - name: db
            chart: cnpg/cluster
      `),
      errors: [
        { line: 3, column: 37, severity: "error", text: "https://charts.bitnami.com/bitnami" },
        { line: 6, column: 12, severity: "error", text: "bitnami/redis", advice: "valkey" },
      ],
    },
    {
      name: "suppressed by disable-line and disable-next-line, with a reason",
      path: "scripts/x.sh",
      code: code(`
        helm repo add bitnami https://charts.bitnami.com/bitnami # parity-check-disable-line bitnami-chart
        # parity-check-disable-next-line bitnami-image, bitnami-chart -- migrating in #42
        helm install a bitnami/redis
        helm install b bitnami/redis
      `),
      errors: [{ line: 4, column: 16, severity: "error" }],
    },
  ],
});

describe("bitnami-chart in a Tiltfile's chart references", () => {
  const found = (files: Record<string, string>) =>
    runCheck(repo(files), { helm: false })
      .findings.filter((f) => f.ruleId === "bitnami-chart")
      .map((f) => `${f.file}:${f.line}:${f.column} ${f.message.split(": ")[0]}`);

  it("follows helm_repo aliases and calls spread over lines", () => {
    const tiltfile = code(`
      load('ext://helm_resource', 'helm_resource', 'helm_repo')
      helm_repo('charts', 'https://charts.bitnami.com/bitnami')
      helm_resource(
          'cache',
          'charts/redis',
          flags=['--set', 'architecture=standalone'],
      )
      helm_resource(
          'db',
          chart='bitnami/postgresql',
      )
      helm_repo('cnpg', 'https://cloudnative-pg.github.io/charts')
      helm_resource('pg', 'cnpg/cluster')
    `);
    expect(found({ Tiltfile: tiltfile })).toEqual([
      "Tiltfile:2:22 `https://charts.bitnami.com/bitnami` is a Bitnami chart repository",
      "Tiltfile:5:6 `charts/redis` is a chart from the Bitnami repository (`helm_repo('charts', …)` points at it)",
      "Tiltfile:10:12 `bitnami/postgresql` is a chart from the Bitnami repository",
    ]);
  });

  it("reports helm() on a vendored copy of a Bitnami chart, not on a local chart of the same path form", () => {
    const tiltfile = "k8s_yaml(helm('vendor/redis'))\nk8s_yaml(helm('charts/api'))\n";
    const files = {
      Tiltfile: tiltfile,
      "vendor/redis/Chart.yaml":
        "apiVersion: v2\nname: redis\nversion: 20.0.0\nhome: https://bitnami.com\nsources:\n  - https://github.com/bitnami/charts/tree/main/bitnami/redis\n",
      "charts/api/Chart.yaml": "apiVersion: v2\nname: api\nversion: 0.1.0\n",
    };
    expect(found(files)).toEqual([
      "Tiltfile:1:16 `vendor/redis` is a vendored copy of Bitnami's `redis` chart",
    ]);
  });
});
