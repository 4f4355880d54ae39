// A large, deterministic repository for the `check` suite: Kubernetes manifests, kustomize
// overlays, Helm charts (Chart.yaml, values files, Go templates), Dockerfiles, and now and then a
// compose file and a Tiltfile. Most of it is clean; a seeded few per cent carries the mistakes
// the rules look for (Bitnami images and charts, committed passwords, localhost addresses,
// postgres 18 on the old data path, RabbitMQ in a Deployment, migrations in init containers, …),
// so that a run has findings to report, as a real monorepo would.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The seeded choices a generator makes: the same seed, the same tree. */
export function seeded(seed) {
  const rand = prng(seed);
  return {
    rand,
    pick: (list) => list[Math.floor(rand() * list.length)],
    chance: (p) => rand() < p,
    int: (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1)),
  };
}

/** Writes files below `dir`, making each directory once; returns the bytes written. */
export function writer(dir) {
  const made = new Set();
  return (path, text) => {
    const full = join(dir, path);
    const parent = dirname(full);
    if (!made.has(parent)) {
      mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    writeFileSync(full, text);
    return Buffer.byteLength(text);
  };
}

/** mulberry32: a small seeded PRNG, so that every run generates the same tree. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const WORDS = [
  "orders",
  "billing",
  "catalog",
  "search",
  "payments",
  "ledger",
  "gateway",
  "accounts",
  "inventory",
  "shipping",
  "pricing",
  "reviews",
  "notify",
  "media",
  "auth",
  "reports",
  "audit",
  "export",
  "import",
  "tenant",
];
export const TEAMS = [
  "core",
  "growth",
  "platform",
  "data",
  "commerce",
  "identity",
  "infra",
  "mobile",
];
const LANGS = [
  { base: "node:22-alpine", cmd: '["node", "dist/server.js"]', build: "npm ci && npm run build" },
  { base: "golang:1.24-alpine", cmd: '["/app/server"]', build: "go build -o /app/server ./cmd" },
  { base: "python:3.13-slim", cmd: '["gunicorn", "app:wsgi"]', build: "pip install -r req.txt" },
  { base: "eclipse-temurin:21-jre", cmd: '["java", "-jar", "/app/app.jar"]', build: "gradle jar" },
];
/** Backing services, clean and with the mistakes the rules report. */
const STATEFUL = [
  { kind: "postgres", image: "postgres:17.6", port: 5432, path: "/var/lib/postgresql/data" },
  { kind: "postgres", image: "postgres:18.1", port: 5432, path: "/var/lib/postgresql/data" },
  { kind: "redis", image: "redis:8.4.0", port: 6379, path: "/data" },
  { kind: "redis", image: "redis:latest", port: 6379, path: "/data" },
  { kind: "redis", image: "bitnami/redis:7.2", port: 6379, path: "/bitnami/redis/data" },
  { kind: "rabbitmq", image: "rabbitmq:4.2-management", port: 5672, path: "/var/lib/rabbitmq" },
  { kind: "postgres", image: "docker.io/bitnami/postgresql:16", port: 5432, path: "/bitnami" },
  { kind: "mongo", image: "mongo:8.0", port: 27017, path: "/data/db" },
  { kind: "minio", image: "minio/minio:RELEASE.2025-04-22T22-12-26Z", port: 9000, path: "/data" },
  { kind: "kafka", image: "apache/kafka:3.9.1", port: 9092, path: "/var/lib/kafka/data" },
];

/**
 * Writes the tree below `dir`: `target` YAML files (*.yaml, *.yml; the last service is cut short
 * to hit it exactly) and the other files of the services (Dockerfiles, Tiltfiles, Helm helpers
 * and NOTES.txt). Returns `{ yaml, files, bytes }`: YAML files, all files, all bytes.
 */
export function generateTree(dir, { target = 5000, seed = 20240611 } = {}) {
  const { rand, pick, chance, int } = seeded(seed);
  let yaml = 0;
  let files = 0;
  let bytes = 0;
  let limit = target;
  const put = writer(dir);
  const write = (path, text) => {
    if (yaml >= limit) return;
    bytes += put(path, text);
    files++;
    if (/\.ya?ml$/.test(path)) yaml++;
  };

  write("README.md", "# monorepo\n\nServices, their charts and their manifests.\n");
  const groups = [];
  // Each group of 25 services gets a compose file (and a Tiltfile) at the end: keep room for it.
  const reserve = (apps) => Math.ceil(apps / 25);
  for (let app = 0; yaml < target - reserve(app + 1); app++) {
    limit = target - reserve(app + 1);
    const team = TEAMS[app % TEAMS.length];
    const name = `${WORDS[app % WORDS.length]}-${Math.floor(app / WORDS.length) + 1}`;
    const base = `services/${team}/${name}`;
    const ns = `${team}-${name}`;
    const lang = pick(LANGS);
    const replicas = int(1, 6);
    const deps = [];
    for (let d = int(0, 2); d > 0; d--) deps.push(pick(STATEFUL));
    const group = (groups[Math.floor(app / 25)] ??= { apps: [] });
    group.apps.push({ name, base, ns, deps });

    // Raw manifests.
    write(
      `${base}/k8s/deployment.yaml`,
      deployment({ name, ns, replicas, deps, rand, pick, chance, int }),
    );
    write(`${base}/k8s/service.yaml`, service(name, ns, 8080));
    write(`${base}/k8s/configmap.yaml`, configMap({ name, ns, rand, pick, int, chance }));
    write(`${base}/k8s/serviceaccount.yaml`, serviceAccount(name, ns));
    write(`${base}/k8s/hpa.yaml`, hpa(name, ns, replicas, int));
    write(`${base}/k8s/pdb.yaml`, pdb(name, ns));
    write(`${base}/k8s/networkpolicy.yaml`, networkPolicy(name, ns, deps));
    if (chance(0.4)) write(`${base}/k8s/ingress.yaml`, ingress(name, ns, team));
    if (chance(0.3)) write(`${base}/k8s/cronjob.yaml`, cronJob({ name, ns, lang, chance, int }));
    deps.forEach((dep, i) => {
      const depName = `${name}-${dep.kind}${i ? `-${i}` : ""}`;
      write(
        `${base}/k8s/${dep.kind}${i ? `-${i}` : ""}.yaml`,
        stateful({ depName, ns, dep, chance, int }),
      );
    });
    if (chance(0.15)) write(`${base}/k8s/secret.yaml`, secret(name, ns, chance));

    // Kustomize: a base and three overlays.
    const resources = ["deployment.yaml", "service.yaml", "configmap.yaml", "serviceaccount.yaml"];
    write(`${base}/k8s/kustomization.yaml`, kustomization({ ns, resources }));
    for (const env of ["dev", "staging", "prod"]) {
      write(`${base}/overlays/${env}/kustomization.yaml`, overlay(name, env, ns, replicas));
    }

    // The app's Helm chart.
    const chart = `${base}/chart`;
    write(`${chart}/Chart.yaml`, chartYaml({ name, deps, chance, int }));
    write(`${chart}/values.yaml`, values({ name, lang, replicas, deps, chance, int, rand }));
    write(`${chart}/values-dev.yaml`, valuesEnv({ name, env: "dev", chance, int }));
    write(`${chart}/values-prod.yaml`, valuesEnv({ name, env: "prod", chance, int }));
    for (const [file, text] of Object.entries(templates(name, chance))) {
      write(`${chart}/templates/${file}`, text);
    }

    write(`${base}/Dockerfile`, dockerfile(lang, chance));
  }

  // A compose file and a Tiltfile per group of 25 services, as teams add them for local work.
  limit = target;
  groups.forEach((group, g) => {
    const at = `dev/stack-${g + 1}`;
    write(`${at}/Tiltfile`, tiltfile(group, chance));
    write(`${at}/.tiltignore`, "**/tmpcharts/\n");
    write(`${at}/docker-compose.yml`, compose(group, chance));
  });
  return { yaml, files, bytes };
}

function labels(name, indent) {
  const pad = " ".repeat(indent);
  return (
    `${pad}app.kubernetes.io/name: ${name}\n` +
    `${pad}app.kubernetes.io/part-of: monorepo\n` +
    `${pad}app.kubernetes.io/managed-by: kustomize\n`
  );
}

function deployment({ name, ns, replicas, deps, rand, pick, chance, int }) {
  const env = [
    `            - name: LOG_LEVEL\n              value: ${pick(["info", "debug", "warn"])}\n`,
    `            - name: PORT\n              value: "8080"\n`,
    `            - name: OTEL_EXPORTER_OTLP_ENDPOINT\n              value: http://otel-collector.observability:4317\n`,
    `            - name: FEATURE_FLAGS\n              valueFrom:\n                configMapKeyRef:\n                  name: ${name}-config\n                  key: flags\n`,
  ];
  for (const dep of deps) {
    const host = chance(0.08) ? "localhost" : `${name}-${dep.kind}`;
    if (dep.kind === "postgres") {
      env.push(
        chance(0.1)
          ? `            - name: DATABASE_URL\n              value: postgres://${name}:hunter2@${host}:5432/${name.replace(/-/g, "_")}\n`
          : `            - name: DATABASE_URL\n              valueFrom:\n                secretKeyRef:\n                  name: ${name}-db\n                  key: url\n`,
      );
      env.push(`            - name: DB_HOST\n              value: ${host}\n`);
    } else if (dep.kind === "redis") {
      env.push(`            - name: REDIS_URL\n              value: redis://${host}:6379/0\n`);
    } else {
      env.push(
        `            - name: ${dep.kind.toUpperCase()}_HOST\n              value: ${host}\n`,
      );
    }
  }
  if (chance(0.05))
    env.push(
      `            - name: ADMIN_PASSWORD\n              value: changeme-${int(100, 999)}\n`,
    );
  for (let i = int(6, 24); i > 0; i--) {
    env.push(
      `            - name: SETTING_${i}_${Math.floor(rand() * 1e6)
        .toString(36)
        .toUpperCase()}\n              value: "${int(1, 5000)}"\n`,
    );
  }
  const image = chance(0.03)
    ? `docker.io/bitnami/nginx:1.25`
    : `registry.example.com/monorepo/${name}:${int(1, 9)}.${int(0, 40)}.${int(0, 20)}`;
  const init = chance(0.06)
    ? `      initContainers:\n        - name: migrate\n          image: registry.example.com/monorepo/${name}:1.0.0\n          command: ["npm", "run", "migrate"]\n`
    : chance(0.05)
      ? `      initContainers:\n        - name: wait-for-db\n          image: postgres:17.6\n          command: ["sh", "-c", "until pg_isready; do sleep 1; done"]\n`
      : "";
  return (
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  labels:\n${labels(name, 4)}` +
    `  annotations:\n    deployment.kubernetes.io/revision: "${int(1, 90)}"\n` +
    `spec:\n  replicas: ${replicas}\n  revisionHistoryLimit: 5\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: ${name}\n` +
    `  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 25%\n      maxUnavailable: 0\n` +
    `  template:\n    metadata:\n      labels:\n${labels(name, 8)}      annotations:\n        prometheus.io/scrape: "true"\n        prometheus.io/port: "9090"\n` +
    `    spec:\n      serviceAccountName: ${name}\n      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n        fsGroup: 10001\n` +
    init +
    `      containers:\n        - name: ${name}\n          image: ${image}\n          imagePullPolicy: IfNotPresent\n` +
    `          ports:\n            - name: http\n              containerPort: 8080\n            - name: metrics\n              containerPort: 9090\n` +
    `          env:\n${env.join("")}` +
    `          resources:\n            requests:\n              cpu: ${int(50, 500)}m\n              memory: ${int(64, 1024)}Mi\n            limits:\n              memory: ${int(256, 2048)}Mi\n` +
    `          readinessProbe:\n            httpGet:\n              path: /readyz\n              port: http\n            periodSeconds: 5\n` +
    `          livenessProbe:\n            httpGet:\n              path: /healthz\n              port: http\n            initialDelaySeconds: 10\n` +
    `          securityContext:\n            allowPrivilegeEscalation: false\n            readOnlyRootFilesystem: true\n            capabilities:\n              drop: ["ALL"]\n` +
    `          volumeMounts:\n            - name: config\n              mountPath: /etc/${name}\n            - name: tmp\n              mountPath: /tmp\n` +
    `        - name: envoy\n          image: envoyproxy/envoy:v1.31.${int(0, 5)}\n          args: ["-c", "/etc/envoy/envoy.yaml", "--log-level", "warn"]\n` +
    `          ports:\n            - name: proxy\n              containerPort: 15001\n          resources:\n            requests:\n              cpu: 50m\n              memory: 64Mi\n` +
    `          readinessProbe:\n            httpGet:\n              path: /ready\n              port: 15021\n` +
    `      volumes:\n        - name: config\n          configMap:\n            name: ${name}-config\n        - name: tmp\n          emptyDir: {}\n` +
    `      topologySpreadConstraints:\n        - maxSkew: 1\n          topologyKey: topology.kubernetes.io/zone\n          whenUnsatisfiable: ScheduleAnyway\n          labelSelector:\n            matchLabels:\n              app.kubernetes.io/name: ${name}\n`
  );
}

function service(name, ns, port) {
  return (
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  labels:\n${labels(name, 4)}` +
    `spec:\n  type: ClusterIP\n  selector:\n    app.kubernetes.io/name: ${name}\n  ports:\n    - name: http\n      port: 80\n      targetPort: ${port}\n    - name: metrics\n      port: 9090\n      targetPort: 9090\n`
  );
}

function configMap({ name, ns, rand, pick, int, chance }) {
  const lines = [];
  for (let i = int(3, 40); i > 0; i--) {
    lines.push(
      `  ${name.replace(/-/g, "_")}_key_${i}: "${Math.floor(rand() * 1e12).toString(36)}"\n`,
    );
  }
  const json = chance(0.5)
    ? `  settings.json: |\n    {\n      "timeoutMs": ${int(100, 9000)},\n      "retries": ${int(0, 5)},\n      "regions": ["eu-west-1", "us-east-1"]\n    }\n`
    : "";
  const local = chance(0.05) ? `  CACHE_HOST: 127.0.0.1\n` : "";
  const app = [];
  for (let i = int(80, 250); i > 0; i--) {
    app.push(
      `      ${pick(["timeout", "retries", "batch", "window", "limit", "ttl"])}_${i}: ${int(1, 100000)}\n`,
    );
  }
  const appConfig =
    `  application.yaml: |\n    server:\n      port: 8080\n      shutdownGracePeriod: 30s\n    logging:\n      level: info\n      format: json\n` +
    `    tracing:\n      sampler: parentbased_traceidratio\n      ratio: 0.${int(1, 9)}\n    tuning:\n${app.join("")}`;
  return (
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}-config\n  namespace: ${ns}\n  labels:\n${labels(name, 4)}` +
    `data:\n  flags: "new-checkout,fast-search"\n${local}${lines.join("")}${json}${appConfig}`
  );
}

function serviceAccount(name, ns) {
  return `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  labels:\n${labels(name, 4)}automountServiceAccountToken: false\n`;
}

function hpa(name, ns, replicas, int) {
  return (
    `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n` +
    `spec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: ${name}\n  minReplicas: ${replicas}\n  maxReplicas: ${replicas * int(2, 5)}\n` +
    `  metrics:\n    - type: Resource\n      resource:\n        name: cpu\n        target:\n          type: Utilization\n          averageUtilization: ${int(50, 85)}\n`
  );
}

function pdb(name, ns) {
  return `apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: ${name}\n`;
}

function networkPolicy(name, ns, deps) {
  const egress = deps
    .map(
      (d) =>
        `    - to:\n        - podSelector:\n            matchLabels:\n              app.kubernetes.io/name: ${name}-${d.kind}\n      ports:\n        - port: ${d.port}\n`,
    )
    .join("");
  return (
    `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n` +
    `spec:\n  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: ${name}\n  policyTypes: [Ingress, Egress]\n` +
    `  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: ingress-nginx\n  egress:\n${egress || "    - {}\n"}`
  );
}

function ingress(name, ns, team) {
  return (
    `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  annotations:\n    cert-manager.io/cluster-issuer: letsencrypt\n` +
    `spec:\n  ingressClassName: nginx\n  tls:\n    - hosts: [${name}.${team}.example.com]\n      secretName: ${name}-tls\n` +
    `  rules:\n    - host: ${name}.${team}.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: ${name}\n                port:\n                  name: http\n`
  );
}

function cronJob({ name, ns, chance, int }) {
  return (
    `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: ${name}-cleanup\n  namespace: ${ns}\n` +
    `spec:\n  schedule: "${int(0, 59)} ${int(0, 23)} * * *"\n  concurrencyPolicy: Forbid\n  jobTemplate:\n    spec:\n      backoffLimit: 2\n      template:\n        spec:\n          restartPolicy: OnFailure\n` +
    `          containers:\n            - name: cleanup\n              image: ${chance(0.1) ? "bitnami/kubectl:1.30" : `registry.example.com/monorepo/${name}:1.0.0`}\n              args: ["cleanup", "--older-than", "${int(1, 90)}d"]\n`
  );
}

function stateful({ depName, ns, dep, chance, int }) {
  const kind = dep.kind === "rabbitmq" && chance(0.5) ? "Deployment" : "StatefulSet";
  const password = chance(0.25)
    ? `            - name: ${dep.kind === "postgres" ? "POSTGRES_PASSWORD" : "PASSWORD"}\n              value: "${depName}-pw"\n`
    : `            - name: ${dep.kind === "postgres" ? "POSTGRES_PASSWORD" : "PASSWORD"}\n              valueFrom:\n                secretKeyRef:\n                  name: ${depName}\n                  key: password\n`;
  const probe = chance(0.7)
    ? dep.kind === "postgres"
      ? `          readinessProbe:\n            exec:\n              command: ["pg_isready", ${chance(0.3) ? "" : '"-h", "127.0.0.1", '}"-U", "app"]\n`
      : `          readinessProbe:\n            tcpSocket:\n              port: ${dep.port}\n`
    : "";
  const volumes =
    kind === "StatefulSet"
      ? `  volumeClaimTemplates:\n    - metadata:\n        name: data\n      spec:\n        accessModes: ["ReadWriteOnce"]\n        resources:\n          requests:\n            storage: ${int(1, 50)}Gi\n`
      : `      volumes:\n        - name: data\n          persistentVolumeClaim:\n            claimName: ${depName}-data\n`;
  return (
    `apiVersion: apps/v1\nkind: ${kind}\nmetadata:\n  name: ${depName}\n  namespace: ${ns}\n  labels:\n${labels(depName, 4)}` +
    `spec:\n${kind === "StatefulSet" ? `  serviceName: ${depName}\n` : ""}  replicas: 1\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: ${depName}\n` +
    `  template:\n    metadata:\n      labels:\n${labels(depName, 8)}    spec:\n      containers:\n        - name: ${dep.kind}\n          image: ${dep.image}\n` +
    `          ports:\n            - containerPort: ${dep.port}\n          env:\n${password}${probe}` +
    `          resources:\n            requests:\n              cpu: 100m\n              memory: 256Mi\n` +
    `          volumeMounts:\n            - name: data\n              mountPath: ${dep.path}\n` +
    (kind === "StatefulSet" ? volumes : "") +
    (kind === "Deployment" ? volumes : "") +
    `---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ${depName}\n  namespace: ${ns}\nspec:\n  clusterIP: None\n  selector:\n    app.kubernetes.io/name: ${depName}\n  ports:\n    - port: ${dep.port}\n`
  );
}

function secret(name, ns, chance) {
  return chance(0.5)
    ? `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}-db\n  namespace: ${ns}\ntype: Opaque\nstringData:\n  password: not-a-real-password\n  url: postgres://${name}:not-a-real-password@${name}-postgres:5432/app\n`
    : `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: ${name}-db\n  namespace: ${ns}\nspec:\n  encryptedData:\n    password: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq0Zqu1tqF2r6w8xBLc1dDqZ6iY5v8jW2n3Zt\n`;
}

function kustomization({ ns, resources }) {
  return (
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${ns}\nresources:\n${resources.map((r) => `  - ${r}\n`).join("")}` +
    `commonLabels:\n  app.kubernetes.io/part-of: monorepo\n`
  );
}

function overlay(name, env, ns, replicas) {
  return (
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${ns}-${env}\nresources:\n  - ../../k8s\n` +
    `patches:\n  - target:\n      kind: Deployment\n      name: ${name}\n    patch: |-\n      - op: replace\n        path: /spec/replicas\n        value: ${env === "prod" ? replicas * 2 : 1}\n` +
    `images:\n  - name: registry.example.com/monorepo/${name}\n    newTag: ${env}\nconfigMapGenerator:\n  - name: ${name}-env\n    literals:\n      - ENVIRONMENT=${env}\n`
  );
}

function chartYaml({ name, deps, chance, int }) {
  const dependencies = deps.length
    ? `dependencies:\n${deps
        .map((d) =>
          chance(0.3)
            ? `  - name: ${d.kind === "postgres" ? "postgresql" : d.kind}\n    version: ${int(12, 16)}.${int(0, 9)}.${int(0, 9)}\n    repository: https://charts.bitnami.com/bitnami\n    condition: ${d.kind}.enabled\n`
            : `  - name: ${d.kind}\n    version: 1.${int(0, 9)}.0\n    repository: oci://registry.example.com/charts\n    condition: ${d.kind}.enabled\n`,
        )
        .join("")}`
    : "";
  return (
    `apiVersion: v2\nname: ${name}\ndescription: The ${name} service\ntype: application\nversion: 0.${int(1, 30)}.${int(0, 9)}\nappVersion: "${int(1, 9)}.${int(0, 40)}.${int(0, 20)}"\n` +
    `maintainers:\n  - name: ${name} team\n    email: ${name}@example.com\n${dependencies}`
  );
}

/** The commented sections `helm create` writes, which most charts keep. */
const HELM_VALUES_TAIL = `
podSecurityContext:
  {}
  # fsGroup: 2000

securityContext:
  {}
  # capabilities:
  #   drop:
  #   - ALL
  # readOnlyRootFilesystem: true
  # runAsNonRoot: true
  # runAsUser: 1000

# Additional volumes on the output Deployment definition.
volumes: []
# - name: foo
#   secret:
#     secretName: mysecret
#     optional: false

# Additional volumeMounts on the output Deployment definition.
volumeMounts: []
# - name: foo
#   mountPath: "/etc/foo"
#   readOnly: true

livenessProbe:
  httpGet:
    path: /healthz
    port: http
readinessProbe:
  httpGet:
    path: /readyz
    port: http

nodeSelector: {}

tolerations: []

affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              app.kubernetes.io/part-of: monorepo
`;

function values({ name, lang, replicas, deps, chance, int, rand }) {
  const env = [];
  for (let i = int(3, 12); i > 0; i--)
    env.push(`  - name: OPTION_${i}\n    value: "${Math.floor(rand() * 1e9).toString(36)}"\n`);
  const depValues = deps
    .map((d) =>
      d.kind === "postgres"
        ? `postgresql:\n  enabled: true\n  auth:\n    username: ${name.replace(/-/g, "_")}\n    ${chance(0.3) ? `password: ${name}-dev-password` : "existingSecret: db-credentials"}\n    database: app\n  primary:\n    persistence:\n      size: ${int(1, 20)}Gi\n`
        : `${d.kind}:\n  enabled: true\n  ${chance(0.2) ? `image:\n    repository: bitnami/${d.kind}\n    tag: latest\n  ` : ""}persistence:\n    size: ${int(1, 8)}Gi\n`,
    )
    .join("");
  const config = [];
  for (let i = int(50, 160); i > 0; i--) {
    config.push(
      `  ${name.replace(/-/g, "_")}.setting_${i}: ${Math.floor(rand() * 1e9).toString(36)}\n`,
    );
  }
  const local = chance(0.06) ? `  - name: CACHE_URL\n    value: redis://localhost:6379\n` : "";
  return (
    `# Default values for ${name}.\nreplicaCount: ${replicas}\n\nimage:\n  repository: registry.example.com/monorepo/${name}\n  tag: ""\n  pullPolicy: IfNotPresent\n\n` +
    `imagePullSecrets: []\nnameOverride: ""\nfullnameOverride: ""\n\nserviceAccount:\n  create: true\n  annotations: {}\n\n` +
    `podAnnotations:\n  prometheus.io/scrape: "true"\n\nservice:\n  type: ClusterIP\n  port: 80\n  targetPort: 8080\n\n` +
    `ingress:\n  enabled: ${chance(0.5)}\n  className: nginx\n  hosts:\n    - host: ${name}.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n\n` +
    `resources:\n  requests:\n    cpu: ${int(50, 500)}m\n    memory: ${int(64, 1024)}Mi\n\nautoscaling:\n  enabled: true\n  minReplicas: ${replicas}\n  maxReplicas: ${replicas * 3}\n\n` +
    `command: ${lang.cmd}\n\nenv:\n${env.join("")}${local}\n${depValues}\n# Application settings, rendered into the ConfigMap.\nconfig:\n${config.join("")}` +
    HELM_VALUES_TAIL
  );
}

function valuesEnv({ name, env, chance, int }) {
  return (
    `replicaCount: ${env === "prod" ? int(2, 8) : 1}\nimage:\n  tag: ${env}\ningress:\n  enabled: ${env === "prod"}\n  hosts:\n    - host: ${name}.${env}.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n` +
    `resources:\n  requests:\n    cpu: ${int(50, 1000)}m\n    memory: ${int(128, 2048)}Mi\n` +
    (env === "dev" && chance(0.1)
      ? `env:\n  - name: DATABASE_URL\n    value: postgres://app:app@localhost:5432/app\n`
      : "")
  );
}

function templates(name, chance) {
  const fullname = '{{ include "chart.fullname" . }}';
  const labels = '{{- include "chart.labels" . | nindent 4 }}';
  const out = {
    "_helpers.tpl":
      `{{/* Expand the name of the chart. */}}\n{{- define "chart.name" -}}\n{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}\n{{- end }}\n\n` +
      `{{- define "chart.fullname" -}}\n{{- if .Values.fullnameOverride }}\n{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}\n{{- else }}\n{{- printf "%s-%s" .Release.Name (include "chart.name" .) | trunc 63 | trimSuffix "-" }}\n{{- end }}\n{{- end }}\n\n` +
      `{{- define "chart.labels" -}}\napp.kubernetes.io/name: {{ include "chart.name" . }}\napp.kubernetes.io/instance: {{ .Release.Name }}\nhelm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}\n{{- end }}\n`,
    "deployment.yaml":
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${fullname}\n  labels:\n    ${labels}\nspec:\n  {{- if not .Values.autoscaling.enabled }}\n  replicas: {{ .Values.replicaCount }}\n  {{- end }}\n` +
      `  selector:\n    matchLabels:\n      app.kubernetes.io/name: {{ include "chart.name" . }}\n  template:\n    metadata:\n      {{- with .Values.podAnnotations }}\n      annotations:\n        {{- toYaml . | nindent 8 }}\n      {{- end }}\n` +
      `      labels:\n        app.kubernetes.io/name: {{ include "chart.name" . }}\n    spec:\n      serviceAccountName: ${fullname}\n` +
      (chance(0.08)
        ? `      initContainers:\n        - name: migrate\n          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"\n          command: ["./manage.py", "migrate"]\n`
        : "") +
      `      containers:\n        - name: {{ .Chart.Name }}\n          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"\n          imagePullPolicy: {{ .Values.image.pullPolicy }}\n` +
      `          command: {{ toJson .Values.command }}\n          ports:\n            - name: http\n              containerPort: {{ .Values.service.targetPort }}\n          env:\n            {{- toYaml .Values.env | nindent 12 }}\n` +
      `          resources:\n            {{- toYaml .Values.resources | nindent 12 }}\n`,
    "service.yaml": `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${fullname}\n  labels:\n    ${labels}\nspec:\n  type: {{ .Values.service.type }}\n  ports:\n    - port: {{ .Values.service.port }}\n      targetPort: http\n  selector:\n    app.kubernetes.io/name: {{ include "chart.name" . }}\n`,
    "serviceaccount.yaml": `{{- if .Values.serviceAccount.create -}}\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${fullname}\n  labels:\n    ${labels}\n  {{- with .Values.serviceAccount.annotations }}\n  annotations:\n    {{- toYaml . | nindent 4 }}\n  {{- end }}\n{{- end }}\n`,
    "hpa.yaml": `{{- if .Values.autoscaling.enabled }}\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: ${fullname}\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: ${fullname}\n  minReplicas: {{ .Values.autoscaling.minReplicas }}\n  maxReplicas: {{ .Values.autoscaling.maxReplicas }}\n{{- end }}\n`,
    "ingress.yaml": `{{- if .Values.ingress.enabled -}}\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ${fullname}\nspec:\n  ingressClassName: {{ .Values.ingress.className }}\n  rules:\n    {{- range .Values.ingress.hosts }}\n    - host: {{ .host | quote }}\n      http:\n        paths:\n          {{- range .paths }}\n          - path: {{ .path }}\n            pathType: {{ .pathType }}\n            backend:\n              service:\n                name: ${fullname.replace(" . ", " $ ")}\n                port:\n                  number: {{ $.Values.service.port }}\n          {{- end }}\n    {{- end }}\n{{- end }}\n`,
    "NOTES.txt": `1. Get the application URL by running these commands:\n  kubectl port-forward svc/${fullname} 8080:{{ .Values.service.port }}\n`,
  };
  if (chance(0.2)) {
    out["migrate-job.yaml"] =
      `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: ${fullname}-migrate\n  annotations:\n    "helm.sh/hook": pre-install,pre-upgrade\n    "helm.sh/hook-delete-policy": before-hook-creation\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n` +
      `      containers:\n        - name: migrate\n          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"\n          args: ["migrate", "up"]\n`;
  }
  void name;
  return out;
}

function dockerfile(lang, chance) {
  return (
    `# syntax=docker/dockerfile:1\nFROM ${lang.base} AS build\nWORKDIR /src\nCOPY . .\nRUN ${lang.build}\n\n` +
    `FROM ${chance(0.05) ? "bitnami/minideb:bookworm" : "gcr.io/distroless/base-debian12"}\nCOPY --from=build /src /app\nUSER 10001\nEXPOSE 8080\nCMD ${lang.cmd}\n`
  );
}

function compose(group, chance) {
  const services = [
    `  postgres:\n    image: postgres:${chance(0.5) ? "16" : "17.6"}\n    environment:\n      POSTGRES_USER: app\n      POSTGRES_PASSWORD: app\n    ports: ["5432:5432"]\n    volumes:\n      - pg:/var/lib/postgresql/data\n`,
    `  redis:\n    image: redis:8.4.0\n    ports: ["6379:6379"]\n`,
  ];
  for (const app of group.apps.slice(0, 6)) {
    services.push(
      `  ${app.name}:\n    build: ../../${app.base}\n    environment:\n      DATABASE_URL: postgres://app:app@postgres:5432/app\n      REDIS_URL: redis://redis:6379\n    depends_on: [postgres, redis]\n`,
    );
  }
  return `# Local stack for docker compose up.\nservices:\n${services.join("")}volumes:\n  pg: {}\n`;
}

function tiltfile(group, chance) {
  const lines = ["# -*- mode: Python -*-", "load('ext://helm_resource', 'helm_resource')", ""];
  for (const app of group.apps) {
    lines.push(`k8s_yaml(kustomize('../../${app.base}/k8s'))`);
    lines.push(`docker_build('registry.example.com/monorepo/${app.name}', '../../${app.base}')`);
  }
  const [first, second] = group.apps;
  if (first) lines.push(`k8s_yaml(helm('../../${first.base}/chart', name='${first.name}'))`);
  if (second) lines.push(`helm_resource('${second.name}-chart', '../../${second.base}/chart')`);
  for (const app of group.apps) {
    app.deps.forEach((dep, i) =>
      lines.push(`k8s_resource('${app.name}-${dep.kind}${i ? `-${i}` : ""}')`),
    );
    const waits = app.deps.map((dep, i) => `'${app.name}-${dep.kind}${i ? `-${i}` : ""}'`);
    const deps = chance(0.8) ? waits : waits.slice(1);
    lines.push(
      `k8s_resource('${app.name}', port_forwards='8080', resource_deps=[${deps.join(", ")}])`,
    );
  }
  return lines.join("\n") + "\n";
}
