import { tiltHelmHooksRule } from "../../../src/check/rules/tilt-helm-hooks.js";
import { testFilesRule } from "../files-helpers.js";

const CHART = "apiVersion: v2\nname: api\nversion: 0.1.0\n";
const HOOK_JOB = `
  apiVersion: batch/v1
  kind: Job
  metadata:
    name: {{ .Release.Name }}-migrate
    annotations:
      "helm.sh/hook": pre-install,pre-upgrade
      "helm.sh/hook-delete-policy": before-hook-creation
  spec:
    template:
      spec:
        restartPolicy: Never
        containers:
          - name: migrate
            image: ghcr.io/example/api:1.0
`;
const DEPLOYMENT = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n";

testFilesRule(tiltHelmHooksRule, {
  valid: [
    {
      name: "a chart without hooks (only hook-weight look-alikes and comments)",
      files: {
        Tiltfile: "k8s_yaml(helm('charts/api'))\n",
        "charts/api/Chart.yaml": CHART,
        "charts/api/templates/deployment.yaml": `
          # "helm.sh/hook": pre-install   (commented out)
          metadata:
            annotations:
              helm.sh/hook-weight: "5"
        `,
      },
    },
    {
      name: "the helm_resource extension runs hooks",
      files: {
        Tiltfile: `
          load('ext://helm_resource', 'helm_resource')
          helm_resource('api', 'charts/api')
        `,
        "charts/api/Chart.yaml": CHART,
        "charts/api/templates/migrate.yaml": HOOK_JOB,
      },
    },
    {
      name: "hooks in another chart than the one rendered",
      files: {
        Tiltfile: "k8s_yaml(helm('charts/web'))\n",
        "charts/web/Chart.yaml": CHART,
        "charts/web/templates/deployment.yaml": DEPLOYMENT,
        "charts/api/Chart.yaml": CHART,
        "charts/api/templates/migrate.yaml": HOOK_JOB,
      },
    },
    {
      name: "a path that is no chart in the repository, a remote one, a packaged one",
      files: {
        Tiltfile: `
          k8s_yaml(helm('vendor/missing'))
          k8s_yaml(helm('oci://registry.example.com/charts/api'))
          k8s_yaml(helm('charts/api-0.1.0.tgz'))
          # k8s_yaml(helm('charts/api'))
        `,
        "charts/api/Chart.yaml": CHART,
        "charts/api/templates/migrate.yaml": HOOK_JOB,
      },
    },
    {
      name: "a chart path the text does not tell",
      files: {
        Tiltfile: "k8s_yaml(helm(os.path.join('charts', 'api')))\n",
        "charts/api/Chart.yaml": CHART,
        "charts/api/templates/migrate.yaml": HOOK_JOB,
      },
    },
  ],
  invalid: [
    {
      name: "k8s_yaml(helm(…)) on a chart with a pre-install Job",
      files: {
        Tiltfile: `
          k8s_yaml(helm(
              'charts/api',
              name='api',
              values=['charts/api/values-dev.yaml'],
          ))
        `,
        "charts/api/Chart.yaml": CHART,
        "charts/api/templates/deployment.yaml": DEPLOYMENT,
        "charts/api/templates/migrate.yaml": HOOK_JOB,
      },
      errors: [
        {
          file: "Tiltfile",
          line: 2,
          column: 6,
          severity: "warning",
          text: "charts/api",
          message:
            /`charts\/api`, whose templates are Helm hooks \(`helm\.sh\/hook: pre-install,pre-upgrade` in charts\/api\/templates\/migrate\.yaml\)/,
          advice:
            "helm_resource('api', 'charts/api', flags=['--values', 'charts/api/values-dev.yaml'])",
        },
      ],
    },
    {
      name: "a Tiltfile in a subdirectory, the chart path through a variable, a subchart's hook",
      files: {
        "deploy/Tiltfile": "chart = '../charts/api/'\nobjects = helm(chart)\nk8s_yaml(objects)\n",
        "charts/api/Chart.yaml": CHART,
        "charts/api/charts/db/Chart.yaml": CHART,
        "charts/api/charts/db/templates/hook.yaml":
          "metadata:\n  annotations:\n    helm.sh/hook: post-install\n",
      },
      errors: [
        {
          file: "deploy/Tiltfile",
          line: 2,
          column: 16,
          severity: "warning",
          text: "chart",
          message:
            /`chart` \(`charts\/api`\).*post-install.*charts\/api\/charts\/db\/templates\/hook\.yaml/,
          advice: "helm_resource('api', chart)",
        },
      ],
    },
    {
      name: "one finding per call, counting the hook templates",
      files: {
        Tiltfile:
          "k8s_yaml(helm('./charts/api', name='a'))\nk8s_yaml(helm(\"charts/api\", name='b'))\n",
        "charts/api/Chart.yaml": CHART,
        "charts/api/templates/_hooks.tpl": '{{- define "x" }}helm.sh/hook: post-delete{{ end }}\n',
        "charts/api/templates/migrate.yaml": HOOK_JOB.replace(
          "pre-install,pre-upgrade",
          "{{ .Values.migrations.hook }}",
        ),
      },
      errors: [
        {
          file: "Tiltfile",
          line: 1,
          column: 16,
          severity: "warning",
          text: "./charts/api",
          message:
            /`helm\.sh\/hook: post-delete` in charts\/api\/templates\/_hooks\.tpl and 1 more template/,
        },
        {
          file: "Tiltfile",
          line: 2,
          column: 16,
          severity: "warning",
          text: "charts/api",
          advice: "helm_resource('b'",
        },
      ],
    },
  ],
});
