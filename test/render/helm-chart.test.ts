import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { kindRules } from "../../src/catalog/index.js";
import { buildPlan } from "../../src/plan/build.js";
import type { AppResource, Plan } from "../../src/plan/types.js";
import { DEFAULT_LAYOUT, renderAll, type RenderLayout } from "../../src/render/index.js";
import { manifestFiles } from "../../src/render/manifests.js";
import { loadSpec } from "../../src/spec/load.js";
import { helmObjects, runHelm, tiltHelmArgs, type HelmResult } from "../helpers/helm.js";
import { validateObject } from "../helpers/k8s-validate.js";
import { tiltCalls, type StarCall } from "../helpers/starlark.js";

const ROOT = join(import.meta.dirname, "..", "..");
const FIXTURE = join(ROOT, "test", "fixtures", "chart-app");

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface K8s {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: {
    template?: {
      metadata?: { annotations?: Record<string, string> };
      spec: {
        containers: Array<{
          name: string;
          image: string;
          env?: EnvVar[];
          ports?: Array<{ name: string; containerPort: number }>;
        }>;
      };
    };
  };
}

const handed = new Map<string, string>();
const secrets = {
  get(key: string) {
    const value = `Hm4${key.replace(/[^A-Z0-9]/g, "")}p8Wt`;
    handed.set(key, value);
    return value;
  },
};
const plan: Plan = buildPlan(
  loadSpec(readFileSync(join(FIXTURE, "parity.yaml"), "utf8"), "parity.yaml", kindRules),
  secrets,
);
const app = plan.resources.find((r): r is AppResource => r.sort === "app" && r.name === "shop")!;

/**
 * Two ways parity is run: rendering into the spec's own directory (Tilt runs there), and from the
 * repository root with the spec in a subdirectory (`parity render -f test/fixtures/chart-app/...
 * --out .`), where every path in the Tiltfile must carry the prefix.
 */
const layouts: Array<{ label: string; layout: RenderLayout; cwd: string; prefix: string }> = [
  { label: "rendered next to parity.yaml", layout: DEFAULT_LAYOUT, cwd: FIXTURE, prefix: "" },
  {
    label: "rendered from the repository root",
    layout: {
      root: "test/fixtures/chart-app",
      secretsFile: "test/fixtures/chart-app/.parity/secrets.yaml",
    },
    cwd: ROOT,
    prefix: "test/fixtures/chart-app/",
  },
];

describe.each(layouts)("chart-app $label", ({ layout, cwd, prefix }) => {
  const files = renderAll(plan, layout);
  const file = (path: string) => files.find((f) => f.path === path);
  const tiltfile = file("Tiltfile")!.content;
  const chartPath = `${prefix}charts/shop`;
  const valuesPath = `${prefix}charts/shop/dev-values.yaml`;

  let helmCall: StarCall;
  let result: HelmResult;
  let objects: K8s[];

  beforeAll(() => {
    const calls = tiltCalls(tiltfile).filter(
      (c) => c.fn === "k8s_yaml" && (c.args[0] as StarCall | undefined)?.call === "helm",
    );
    expect(calls).toHaveLength(1);
    helmCall = calls[0]!.args[0] as StarCall;
    result = runHelm(tiltHelmArgs(helmCall), cwd);
    objects = helmObjects<K8s>(result);
  });

  it("puts a helm() call in the Tiltfile with the chart's path, name, namespace and values", () => {
    expect(tiltfile).toContain("helm(");
    expect(helmCall).toEqual({
      call: "helm",
      args: [chartPath],
      kwargs: { name: "shop", namespace: "shop", values: [valuesPath] },
    });
    expect(tiltHelmArgs(helmCall)).toEqual([
      "template",
      "shop",
      chartPath,
      "--namespace",
      "shop",
      "--values",
      valuesPath,
    ]);
  });

  it("runs real `helm template` with exactly those arguments, and it succeeds", () => {
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      "Deployment/shop",
      "Service/shop",
    ]);
  });

  it("renders only objects that validate, all in the stack's namespace", () => {
    expect(objects.length).toBeGreaterThan(0);
    const problems = objects.flatMap((o) =>
      validateObject(o).map((p) => `${o.kind} ${o.metadata.name}: ${p}`),
    );
    expect(problems).toEqual([]);
    for (const o of objects) expect(o.metadata.namespace).toBe(plan.namespace);
  });

  it("has a Deployment named after the app, which the Tiltfile's k8s_resource refers to", () => {
    const deployment = objects.find((o) => o.kind === "Deployment");
    expect(deployment?.metadata.name).toBe(app.name);
    const resource = tiltCalls(tiltfile).find(
      (c) => c.fn === "k8s_resource" && c.args[0] === app.name,
    );
    expect(resource?.kwargs.resource_deps).toEqual(["postgres", "migrate"]);
    expect(resource?.kwargs.port_forwards).toEqual([`${app.port}:${app.port}`]);
    const container = deployment!.spec!.template!.spec.containers[0]!;
    expect(container.ports).toContainEqual({ name: "http", containerPort: app.port });
    // The image Tilt builds, so Tilt substitutes its build into the chart's Deployment.
    const build = tiltCalls(tiltfile).find((c) => c.fn === "docker_build");
    expect(build?.args[0]).toBe(container.image);
  });

  it("has no Helm hooks (Tilt applies hooks as plain objects, out of order)", () => {
    const annotations: Array<[string, string]> = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) return v.forEach(walk);
      if (typeof v !== "object" || v === null) return;
      for (const [k, child] of Object.entries(v)) {
        if (k === "annotations" && typeof child === "object" && child !== null)
          annotations.push(...Object.entries(child as Record<string, string>));
        walk(child);
      }
    };
    walk(objects);
    expect(annotations.filter(([k]) => k.startsWith("helm.sh/hook"))).toEqual([]);
    expect(result.stdout).not.toContain("helm.sh/hook");
  });

  it("wires DATABASE_URL exactly as parity would, from the Secret parity renders", () => {
    const env = objects.find((o) => o.kind === "Deployment")!.spec!.template!.spec.containers[0]!
      .env!;
    const names = env.map((e) => e.name);
    const password = env.find((e) => e.name === "POSTGRES_PASSWORD")!;
    expect(password.valueFrom).toEqual({
      secretKeyRef: { name: "postgres-credentials", key: "password" },
    });
    expect(names.indexOf("POSTGRES_PASSWORD")).toBeLessThan(names.indexOf("DATABASE_URL"));
    const url = env.find((e) => e.name === "DATABASE_URL")!.value;
    const wired = app.env.find((e) => e.name === "DATABASE_URL");
    expect(wired?.source).toBe("connection");
    expect(url).toBe(wired?.source === "connection" ? wired.cluster : undefined);
    expect(url).toBe("postgresql://shop:$(POSTGRES_PASSWORD)@postgres:5432/shop");

    const secretsFile = files.find((f) => f.sensitive)!;
    expect(secretsFile.path).toBe(layout.secretsFile);
    const secret = parseAllDocuments(secretsFile.content)
      .map((d) => d.toJS() as K8s & { stringData: Record<string, string> })
      .find((o) => o.kind === "Secret" && o.metadata.name === "postgres-credentials");
    expect(Object.keys(secret?.stringData ?? {})).toEqual(["password"]);
  });

  it("keeps every password out of the chart's output and the values files", () => {
    expect(handed.size).toBe(1);
    const values = readFileSync(join(cwd, valuesPath), "utf8");
    for (const password of handed.values()) {
      expect(result.stdout).not.toContain(password);
      expect(values).not.toContain(password);
      expect(files.find((f) => f.sensitive)!.content).toContain(password);
    }
  });

  it("renders no Deployment of its own for the app, but still postgres and the job", () => {
    const paths = files.map((f) => f.path);
    expect(paths).not.toContain("k8s/shop.yaml");
    expect(paths).toEqual(expect.arrayContaining(["k8s/postgres.yaml", "k8s/migrate.yaml"]));
    const parityObjects = manifestFiles(plan, layout).flatMap((f) => f.objects);
    expect(
      parityObjects.filter((o) => o.metadata.name === "shop" && o.kind !== "Namespace"),
    ).toEqual([]);
    expect(parityObjects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(
      expect.arrayContaining(["StatefulSet/postgres", "Service/postgres", "Job/migrate"]),
    );
    expect(parityObjects.flatMap((o) => validateObject(o))).toEqual([]);
    // the job runs in the app's image and waits for postgres
    const job = parityObjects.find((o) => o.kind === "Job") as unknown as K8s;
    expect(job.spec!.template!.spec.containers[0]!.image).toBe("shop");
    const yamlList = tiltCalls(tiltfile).find((c) => c.fn === "k8s_yaml")!.args[0];
    expect(yamlList).not.toContain("k8s/shop.yaml");
    expect(yamlList).toEqual(expect.arrayContaining(["k8s/postgres.yaml", "k8s/migrate.yaml"]));
  });

  it("makes Tilt ignore the folders `helm dependency build` rewrites", () => {
    const lines = file(".tiltignore")!.content.split("\n");
    expect(lines).toContain(`${chartPath}/charts/`);
    expect(lines).toContain(`${chartPath}/tmpcharts/`);
  });
});

describe("chart-app chart", () => {
  it("passes `helm lint` with the development values", () => {
    const lint = runHelm(
      ["lint", "charts/shop", "--values", "charts/shop/dev-values.yaml", "--strict"],
      FIXTURE,
    );
    expect(lint.stdout + lint.stderr).toContain("0 chart(s) failed");
    expect(lint.status).toBe(0);
  });

  it("reports a failing `helm template` (a values file that is not there) as a failure", () => {
    const missing = runHelm(
      [
        "template",
        "shop",
        "charts/shop",
        "--namespace",
        "shop",
        "--values",
        "charts/shop/nope.yaml",
      ],
      FIXTURE,
    );
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain("nope.yaml");
  });
});
