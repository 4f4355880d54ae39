// A dense, deterministic repository for the `check-peers` suite: every raw file is a multi-doc
// Kubernetes manifest with workloads (Deployments, StatefulSets of databases, queues and caches,
// CronJobs), tagged images, env lists with connection strings (postgres://app:pw@db:5432/app,
// redis://, amqp://, mongodb://, JDBC), Secrets, Services and ConfigMaps, so that every file has
// the words every rule's prefilter looks for and no linter, parity check included, can skip one
// unread or unparsed. Beside them, Helm charts (Chart.yaml, values files, templates) give
// checkov's helm framework and parity's chart rendering their share of the work.
import { seeded, TEAMS, WORDS, writer } from "./check-tree.js";

const PARTS = ["api", "worker", "consumer", "scheduler", "web", "admin", "sync", "indexer"];
/** Backing services a file runs beside its app (mostly clean; a few carry the rules' mistakes). */
const BACKING = [
  { kind: "postgres", image: "postgres:17.6", port: 5432, path: "/var/lib/postgresql/data" },
  { kind: "postgres", image: "postgres:16.10-alpine", port: 5432, path: "/var/lib/postgresql" },
  { kind: "redis", image: "redis:8.4.0", port: 6379, path: "/data" },
  { kind: "redis", image: "valkey/valkey:8.1.4", port: 6379, path: "/data" },
  { kind: "rabbitmq", image: "rabbitmq:4.2.1-management", port: 5672, path: "/var/lib/rabbitmq" },
  { kind: "mongo", image: "mongo:8.0.15", port: 27017, path: "/data/db" },
  { kind: "mysql", image: "mysql:8.4.6", port: 3306, path: "/var/lib/mysql" },
];
/** The mistakes, each drawn for a few per cent of the places it can go. */
const BAD_BACKING = [
  { kind: "postgres", image: "postgres:18.1", port: 5432, path: "/var/lib/postgresql/data" },
  { kind: "redis", image: "redis:latest", port: 6379, path: "/data" },
  { kind: "postgres", image: "docker.io/bitnami/postgresql:16", port: 5432, path: "/bitnami" },
];

/** A connection string to a backing service, with its credentials in it. */
function url(dep, host, user, pw) {
  switch (dep.kind) {
    case "postgres":
      return `postgres://${user}:${pw}@${host}:5432/${user}`;
    case "redis":
      return `redis://:${pw}@${host}:6379/0`;
    case "rabbitmq":
      return `amqp://${user}:${pw}@${host}:5672/%2f`;
    case "mongo":
      return `mongodb://${user}:${pw}@${host}:27017/${user}?authSource=admin`;
    default:
      return `mysql://${user}:${pw}@${host}:3306/${user}`;
  }
}

/**
 * Writes the tree below `dir`: exactly `files` files, about one in five in a Helm chart (a chart
 * that would not fit whole is left out for raw manifests). Returns `{ files, bytes, manifests,
 * charts, chartFiles, manifestPaths }`: manifestPaths are the raw manifests (not the charts),
 * relative to `dir`.
 */
export function generateDenseTree(dir, { files = 2000, seed = 20250214 } = {}) {
  const { rand, pick, chance, int } = seeded(seed);
  const g = { rand, pick, chance, int };
  let written = 0;
  let bytes = 0;
  let charts = 0;
  let chartFiles = 0;
  const manifestPaths = [];
  const put = writer(dir);
  const write = (path, text) => {
    bytes += put(path, text);
    written++;
  };

  for (let app = 0; written < files; app++) {
    const team = TEAMS[app % TEAMS.length];
    const name = `${WORDS[app % WORDS.length]}-${Math.floor(app / WORDS.length) + 1}`;
    const ns = `${team}-${name}`;
    const base = `services/${team}/${name}`;
    const deps = [pick(BACKING)];
    if (chance(0.6)) deps.push(pick(BACKING));
    if (chance(0.08)) deps.push(pick(BAD_BACKING));
    const app_ = { name, ns, deps, ...g };

    for (let i = 0, n = int(5, 8); i < n && written < files; i++) {
      const part = PARTS[i];
      const path = `${base}/k8s/${part}.yaml`;
      write(path, manifestFile({ ...app_, part }));
      manifestPaths.push(path);
    }
    if (chance(0.2)) {
      const chart = chartFilesOf({ ...app_ });
      const entries = Object.entries(chart);
      if (written + entries.length <= files) {
        for (const [file, text] of entries) write(`${base}/chart/${file}`, text);
        charts++;
        chartFiles += entries.length;
      }
    }
  }
  return {
    files: written,
    bytes,
    manifests: manifestPaths.length,
    charts,
    chartFiles,
    manifestPaths,
  };
}

function labels(name, indent, part = "app") {
  const pad = " ".repeat(indent);
  return (
    `${pad}app.kubernetes.io/name: ${name}\n` +
    `${pad}app.kubernetes.io/component: ${part}\n` +
    `${pad}app.kubernetes.io/part-of: monorepo\n`
  );
}

/** One raw file: a Deployment of the app's part, its Service, ConfigMap and Secret, and one or
 *  two of its backing services as StatefulSets with their Services and Secrets; now and then a
 *  CronJob. */
function manifestFile(a) {
  const { name, ns, deps, part, pick, chance, int } = a;
  const id = `${name}-${part}`;
  const docs = [deployment(a, id)];
  docs.push(service(id, ns, 8080));
  docs.push(configMap(a, id));
  docs.push(secret(a, id));
  const own = deps.slice(0, int(1, deps.length));
  own.forEach((dep, i) => {
    const depName = `${id}-${dep.kind}${i ? `-${i}` : ""}`;
    docs.push(statefulSet(a, dep, depName));
    docs.push(service(depName, ns, dep.port, true));
    docs.push(
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${depName}\n  namespace: ${ns}\ntype: Opaque\nstringData:\n` +
        `  username: app\n  password: ${depName}-${int(1000, 9999)}\n` +
        `  url: ${url(dep, depName, "app", `${depName}-pw`)}\n`,
    );
  });
  if (chance(0.3)) docs.push(cronJob(a, id, pick(deps)));
  return docs.join("---\n");
}

function envList(a, id, indent) {
  const { deps, rand, pick, chance, int } = a;
  const pad = " ".repeat(indent);
  const env = [
    `${pad}- name: LOG_LEVEL\n${pad}  value: ${pick(["info", "debug", "warn"])}\n`,
    `${pad}- name: PORT\n${pad}  value: "8080"\n`,
    `${pad}- name: OTEL_EXPORTER_OTLP_ENDPOINT\n${pad}  value: http://otel-collector.observability:4317\n`,
  ];
  deps.forEach((dep, i) => {
    const host = chance(0.04) ? "localhost" : `${id}-${dep.kind}${i ? `-${i}` : ""}`;
    const key = { postgres: "DATABASE_URL", redis: "REDIS_URL", rabbitmq: "AMQP_URL" }[dep.kind];
    const envName = key ?? `${dep.kind.toUpperCase()}_URL`;
    env.push(
      chance(0.5)
        ? `${pad}- name: ${envName}\n${pad}  value: ${url(dep, host, "app", "pw")}\n`
        : `${pad}- name: ${envName}\n${pad}  valueFrom:\n${pad}    secretKeyRef:\n${pad}      name: ${id}\n${pad}      key: ${envName.toLowerCase()}\n`,
    );
    if (dep.kind === "postgres") {
      env.push(`${pad}- name: DB_HOST\n${pad}  value: ${host}\n`);
      env.push(
        `${pad}- name: SPRING_DATASOURCE_URL\n${pad}  value: jdbc:postgresql://${host}:5432/app?user=app&password=pw\n`,
      );
    }
  });
  if (chance(0.05))
    env.push(`${pad}- name: ADMIN_PASSWORD\n${pad}  value: changeme-${int(1, 99)}\n`);
  for (let i = int(6, 18); i > 0; i--) {
    env.push(
      `${pad}- name: SETTING_${i}_${Math.floor(rand() * 1e6)
        .toString(36)
        .toUpperCase()}\n${pad}  value: "${int(1, 5000)}"\n`,
    );
  }
  return env.join("");
}

function deployment(a, id) {
  const { name, ns, part, chance, int } = a;
  const image = chance(0.03)
    ? "docker.io/bitnami/nginx:1.25"
    : chance(0.03)
      ? `registry.example.com/monorepo/${name}`
      : `registry.example.com/monorepo/${name}-${part}:${int(1, 9)}.${int(0, 40)}.${int(0, 20)}`;
  const init = chance(0.06)
    ? `      initContainers:\n        - name: migrate\n          image: registry.example.com/monorepo/${name}:1.0.0\n          command: ["npm", "run", "migrate"]\n`
    : chance(0.1)
      ? `      initContainers:\n        - name: wait-for-db\n          image: postgres:17.6\n          command: ["sh", "-c", "until pg_isready -h ${id}-postgres; do sleep 1; done"]\n`
      : "";
  return (
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${id}\n  namespace: ${ns}\n  labels:\n${labels(name, 4, part)}` +
    `spec:\n  replicas: ${int(1, 6)}\n  revisionHistoryLimit: 5\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: ${name}\n      app.kubernetes.io/component: ${part}\n` +
    `  template:\n    metadata:\n      labels:\n${labels(name, 8, part)}      annotations:\n        prometheus.io/scrape: "true"\n` +
    `    spec:\n      serviceAccountName: ${name}\n      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n` +
    init +
    `      containers:\n        - name: ${part}\n          image: ${image}\n          imagePullPolicy: IfNotPresent\n` +
    `          ports:\n            - name: http\n              containerPort: 8080\n` +
    `          env:\n${envList(a, id, 12)}` +
    `          envFrom:\n            - configMapRef:\n                name: ${id}\n` +
    `          resources:\n            requests:\n              cpu: ${int(50, 500)}m\n              memory: ${int(64, 1024)}Mi\n            limits:\n              memory: ${int(256, 2048)}Mi\n` +
    `          readinessProbe:\n            httpGet:\n              path: /readyz\n              port: http\n` +
    `          livenessProbe:\n            httpGet:\n              path: /healthz\n              port: http\n` +
    `          securityContext:\n            allowPrivilegeEscalation: false\n            readOnlyRootFilesystem: true\n` +
    `        - name: envoy\n          image: envoyproxy/envoy:v1.31.${int(0, 5)}\n          args: ["-c", "/etc/envoy/envoy.yaml"]\n` +
    `          resources:\n            requests:\n              cpu: 50m\n              memory: 64Mi\n`
  );
}

function service(name, ns, port, headless = false) {
  return (
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n` +
    `spec:\n${headless ? "  clusterIP: None\n" : "  type: ClusterIP\n"}  selector:\n    app.kubernetes.io/instance: ${name}\n  ports:\n    - name: main\n      port: ${port}\n      targetPort: ${port}\n`
  );
}

function configMap(a, id) {
  const { ns, deps, rand, pick, int, chance } = a;
  const lines = [];
  for (let i = int(10, 60); i > 0; i--) {
    lines.push(
      `  ${pick(["timeout", "retries", "batch", "window", "limit", "ttl"])}_${i}: "${Math.floor(rand() * 1e9).toString(36)}"\n`,
    );
  }
  const dep = deps[0];
  const props =
    `  application.properties: |\n    server.port=8080\n` +
    `    spring.datasource.url=jdbc:postgresql://${id}-postgres:5432/app\n    spring.datasource.username=app\n` +
    `    spring.rabbitmq.addresses=amqp://app:pw@${id}-rabbitmq:5672\n` +
    `    cache.url=${url(dep, `${id}-${dep.kind}`, "app", "pw")}\n` +
    (chance(0.05) ? "    cache.fallback=redis://127.0.0.1:6379\n" : "");
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${id}\n  namespace: ${ns}\ndata:\n${lines.join("")}${props}`;
}

function secret(a, id) {
  const { ns, deps, int } = a;
  const data = deps
    .map((dep, i) => {
      const key = { postgres: "database_url", redis: "redis_url", rabbitmq: "amqp_url" }[dep.kind];
      return `  ${key ?? `${dep.kind}_url`}: ${url(dep, `${id}-${dep.kind}${i ? `-${i}` : ""}`, "app", `s3cr3t-${int(100, 999)}`)}\n`;
    })
    .join("");
  return `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${id}\n  namespace: ${ns}\ntype: Opaque\nstringData:\n${data}  api_password: ${id}-${int(10000, 99999)}\n`;
}

function statefulSet(a, dep, depName) {
  const { ns, chance, int } = a;
  const envKey = {
    postgres: "POSTGRES_PASSWORD",
    mysql: "MYSQL_ROOT_PASSWORD",
    mongo: "MONGO_INITDB_ROOT_PASSWORD",
    rabbitmq: "RABBITMQ_DEFAULT_PASS",
  }[dep.kind];
  const password = !envKey
    ? ""
    : chance(0.2)
      ? `            - name: ${envKey}\n              value: "${depName}-pw"\n`
      : `            - name: ${envKey}\n              valueFrom:\n                secretKeyRef:\n                  name: ${depName}\n                  key: password\n`;
  const probe =
    dep.kind === "postgres"
      ? `          readinessProbe:\n            exec:\n              command: ["pg_isready", ${chance(0.2) ? "" : '"-h", "127.0.0.1", '}"-U", "app"]\n`
      : chance(0.8)
        ? `          readinessProbe:\n            tcpSocket:\n              port: ${dep.port}\n`
        : "";
  return (
    `apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: ${depName}\n  namespace: ${ns}\n` +
    `spec:\n  serviceName: ${depName}\n  replicas: 1\n  selector:\n    matchLabels:\n      app.kubernetes.io/instance: ${depName}\n` +
    `  template:\n    metadata:\n      labels:\n        app.kubernetes.io/instance: ${depName}\n    spec:\n      containers:\n        - name: ${dep.kind}\n          image: ${dep.image}\n` +
    `          ports:\n            - containerPort: ${dep.port}\n          env:\n            - name: TZ\n              value: UTC\n${password}${probe}` +
    `          resources:\n            requests:\n              cpu: 100m\n              memory: 256Mi\n            limits:\n              memory: 1Gi\n` +
    `          volumeMounts:\n            - name: data\n              mountPath: ${dep.path}\n` +
    `  volumeClaimTemplates:\n    - metadata:\n        name: data\n      spec:\n        accessModes: ["ReadWriteOnce"]\n        resources:\n          requests:\n            storage: ${int(1, 50)}Gi\n`
  );
}

function cronJob(a, id, dep) {
  const { ns, int } = a;
  return (
    `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: ${id}-cleanup\n  namespace: ${ns}\n` +
    `spec:\n  schedule: "${int(0, 59)} ${int(0, 23)} * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n` +
    `          containers:\n            - name: cleanup\n              image: registry.example.com/monorepo/${id}:1.0.${int(0, 9)}\n              args: ["cleanup"]\n` +
    `              env:\n                - name: TARGET_URL\n                  value: ${url(dep, `${id}-${dep.kind}`, "app", "pw")}\n`
  );
}

/** A chart of the app: its Deployment, a StatefulSet of its first backing service, their
 *  Services, a Secret and a ConfigMap, all from values (no dependencies: it renders offline). */
function chartFilesOf(a) {
  const { name, deps, rand, int, chance } = a;
  const dep = deps[0];
  const fullname = '{{ include "chart.fullname" . }}';
  const env = [];
  for (let i = int(4, 12); i > 0; i--)
    env.push(`  - name: OPTION_${i}\n    value: "${Math.floor(rand() * 1e9).toString(36)}"\n`);
  const [repo, tag] = dep.image.split(/:(?=[^:]*$)/);
  return {
    "Chart.yaml": `apiVersion: v2\nname: ${name}\ndescription: The ${name} service\ntype: application\nversion: 0.${int(1, 30)}.${int(0, 9)}\nappVersion: "${int(1, 9)}.${int(0, 40)}.${int(0, 20)}"\n`,
    "values.yaml":
      `replicaCount: ${int(1, 4)}\nimage:\n  repository: registry.example.com/monorepo/${name}\n  tag: "${int(1, 9)}.${int(0, 40)}.0"\n  pullPolicy: IfNotPresent\n` +
      `service:\n  port: 80\n  targetPort: 8080\n` +
      `env:\n  - name: DATABASE_URL\n    value: ${url(dep, `${name}-${dep.kind}`, "app", "pw")}\n  - name: AMQP_URL\n    value: amqp://app:pw@${name}-rabbitmq:5672/\n${env.join("")}` +
      (chance(0.08) ? "  - name: CACHE_URL\n    value: redis://localhost:6379\n" : "") +
      `backing:\n  kind: ${dep.kind}\n  image:\n    repository: ${repo}\n    tag: "${tag}"\n  port: ${dep.port}\n  dataPath: ${dep.path}\n  password: ${name}-backing-pw\n  storage: ${int(1, 20)}Gi\n` +
      `secrets:\n  redisUrl: redis://:pw@${name}-redis:6379/0\n  apiPassword: ${name}-api-pw\n` +
      `resources:\n  requests:\n    cpu: ${int(50, 500)}m\n    memory: ${int(64, 1024)}Mi\n`,
    "values-prod.yaml": `replicaCount: ${int(2, 8)}\nimage:\n  tag: prod\nresources:\n  requests:\n    cpu: ${int(100, 1000)}m\n    memory: ${int(128, 2048)}Mi\n`,
    "templates/_helpers.tpl":
      `{{- define "chart.name" -}}\n{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}\n{{- end }}\n\n` +
      `{{- define "chart.fullname" -}}\n{{- printf "%s-%s" .Release.Name (include "chart.name" .) | trunc 63 | trimSuffix "-" }}\n{{- end }}\n`,
    "templates/deployment.yaml":
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${fullname}\nspec:\n  replicas: {{ .Values.replicaCount }}\n` +
      `  selector:\n    matchLabels:\n      app.kubernetes.io/name: {{ include "chart.name" . }}\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: {{ include "chart.name" . }}\n` +
      `    spec:\n      containers:\n        - name: {{ .Chart.Name }}\n          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n          imagePullPolicy: {{ .Values.image.pullPolicy }}\n` +
      `          ports:\n            - name: http\n              containerPort: {{ .Values.service.targetPort }}\n          env:\n            {{- toYaml .Values.env | nindent 12 }}\n` +
      `            - name: REDIS_URL\n              valueFrom:\n                secretKeyRef:\n                  name: ${fullname}\n                  key: redis-url\n` +
      `          resources:\n            {{- toYaml .Values.resources | nindent 12 }}\n`,
    "templates/statefulset.yaml":
      `apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: ${fullname}-{{ .Values.backing.kind }}\nspec:\n  serviceName: ${fullname}-{{ .Values.backing.kind }}\n  replicas: 1\n` +
      `  selector:\n    matchLabels:\n      app.kubernetes.io/instance: ${fullname}-{{ .Values.backing.kind }}\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/instance: ${fullname}-{{ .Values.backing.kind }}\n` +
      `    spec:\n      containers:\n        - name: {{ .Values.backing.kind }}\n          image: "{{ .Values.backing.image.repository }}:{{ .Values.backing.image.tag }}"\n` +
      `          ports:\n            - containerPort: {{ .Values.backing.port }}\n          env:\n            - name: POSTGRES_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: ${fullname}\n                  key: backing-password\n` +
      `          volumeMounts:\n            - name: data\n              mountPath: {{ .Values.backing.dataPath }}\n` +
      `  volumeClaimTemplates:\n    - metadata:\n        name: data\n      spec:\n        accessModes: ["ReadWriteOnce"]\n        resources:\n          requests:\n            storage: {{ .Values.backing.storage }}\n`,
    "templates/service.yaml":
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${fullname}\nspec:\n  ports:\n    - port: {{ .Values.service.port }}\n      targetPort: http\n  selector:\n    app.kubernetes.io/name: {{ include "chart.name" . }}\n` +
      `---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ${fullname}-{{ .Values.backing.kind }}\nspec:\n  clusterIP: None\n  ports:\n    - port: {{ .Values.backing.port }}\n  selector:\n    app.kubernetes.io/instance: ${fullname}-{{ .Values.backing.kind }}\n`,
    "templates/secret.yaml": `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${fullname}\ntype: Opaque\nstringData:\n  backing-password: {{ .Values.backing.password | quote }}\n  redis-url: {{ .Values.secrets.redisUrl | quote }}\n  api-password: {{ .Values.secrets.apiPassword | quote }}\n`,
    "templates/configmap.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${fullname}\ndata:\n  DATABASE_HOST: ${fullname}-{{ .Values.backing.kind }}\n  LOG_LEVEL: info\n`,
  };
}
