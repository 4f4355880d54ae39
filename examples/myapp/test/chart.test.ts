import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { kindRules } from "../../../src/catalog/index.js";
import { buildPlan } from "../../../src/plan/build.js";
import type { AppResource } from "../../../src/plan/types.js";
import { containerEnv } from "../../../src/render/k8s/env.js";
import { loadSpec } from "../../../src/spec/load.js";
import { helmObjects, runHelm, tiltHelmArgs, type HelmResult } from "../../../test/helpers/helm.js";
import { validateObject } from "../../../test/helpers/k8s-validate.js";
import { tiltCalls, type StarCall } from "../../../test/helpers/starlark.js";
import { EXAMPLE } from "./helpers.js";

interface K8sEnv {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: K8sEnv[];
  ports?: Array<{ name: string; containerPort: number }>;
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
}
interface K8s {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: {
    ports?: Array<{ name: string; port: number; targetPort: string | number }>;
    template?: { spec: { containers: Container[] } };
  };
}

// The plan of the example's own parity.yaml, with passwords that are easy to look for.
const handed = new Map<string, string>();
const plan = buildPlan(
  loadSpec(readFileSync(join(EXAMPLE, "parity.yaml"), "utf8"), "parity.yaml", kindRules),
  {
    get(key: string) {
      const value = `Pw4${key.replace(/[^A-Z0-9]/g, "")}x9Q`;
      handed.set(key, value);
      return value;
    },
  },
);
const apps = plan.resources.filter((r): r is AppResource => r.sort === "app");
const tiltfile = readFileSync(join(EXAMPLE, "Tiltfile"), "utf8");

const deployment = (objects: K8s[], name: string) =>
  objects.find((o) => o.kind === "Deployment" && o.metadata.name === name);

describe("the myapp Helm chart, as the Tiltfile renders it", () => {
  let helmCall: StarCall;
  let result: HelmResult;
  let objects: K8s[];

  beforeAll(() => {
    const calls = tiltCalls(tiltfile).filter(
      (c) => c.fn === "k8s_yaml" && (c.args[0] as StarCall | undefined)?.call === "helm",
    );
    expect(calls).toHaveLength(1);
    helmCall = calls[0]!.args[0] as StarCall;
    result = runHelm(tiltHelmArgs(helmCall), EXAMPLE);
    objects = helmObjects<K8s>(result);
  });

  it("is `helm template myapp charts/myapp -f charts/myapp/dev-values.yaml` in namespace myapp", () => {
    expect(tiltHelmArgs(helmCall)).toEqual([
      "template",
      "myapp",
      "charts/myapp",
      "--namespace",
      "myapp",
      "--values",
      "charts/myapp/dev-values.yaml",
    ]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("renders the API and worker Deployments, named as the parity apps, and the API's Service", () => {
    expect(apps.map((a) => a.name)).toEqual(["myapp", "myapp-worker"]);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      "Deployment/myapp",
      "Deployment/myapp-worker",
      "Service/myapp",
    ]);
    // Every app's k8s_resource in the Tiltfile refers to a Deployment that the chart renders.
    for (const app of apps) {
      expect(
        tiltCalls(tiltfile).some((c) => c.fn === "k8s_resource" && c.args[0] === app.name),
      ).toBe(true);
      expect(deployment(objects, app.name), app.name).toBeDefined();
    }
  });

  it("renders only objects that validate, all in the stack's namespace", () => {
    const problems = objects.flatMap((o) =>
      validateObject(o).map((p) => `${o.kind} ${o.metadata.name}: ${p}`),
    );
    expect(problems).toEqual([]);
    for (const o of objects) expect(o.metadata.namespace).toBe(plan.namespace);
  });

  it("runs the image Tilt builds, with the commands parity.yaml gives each app", () => {
    const build = tiltCalls(tiltfile).find((c) => c.fn === "docker_build");
    expect(build?.args).toEqual(["myapp", "."]);
    const api = deployment(objects, "myapp")!.spec!.template!.spec.containers[0]!;
    const worker = deployment(objects, "myapp-worker")!.spec!.template!.spec.containers[0]!;
    expect(api.image).toBe("myapp");
    expect(worker.image).toBe("myapp");
    expect(api.command).toBeUndefined(); // the image's CMD: node dist/server.js
    expect(worker.command).toEqual(apps.find((a) => a.name === "myapp-worker")!.command);
    expect(worker.command).toEqual(["node", "dist/worker.js"]);
  });

  it("probes the API where parity does: readiness /readyz, liveness /healthz, on the app's port", () => {
    const app = apps.find((a) => a.name === "myapp")!;
    const api = deployment(objects, "myapp")!.spec!.template!.spec.containers[0]!;
    expect(api.ports).toEqual([{ name: "http", containerPort: app.port }]);
    expect(api.readinessProbe?.httpGet).toEqual({ path: app.readiness, port: "http" });
    expect(api.livenessProbe?.httpGet).toEqual({ path: "/healthz", port: "http" });
    const service = objects.find((o) => o.kind === "Service")!;
    expect(service.spec!.ports).toEqual([{ name: "http", port: app.port, targetPort: "http" }]);
    const forward = tiltCalls(tiltfile).find(
      (c) => c.fn === "k8s_resource" && c.args[0] === "myapp",
    );
    expect(forward?.kwargs.port_forwards).toEqual([`${app.port}:${app.port}`]);
  });

  it("wires each app's environment exactly as parity wires its own workloads", () => {
    for (const app of apps) {
      const env = deployment(objects, app.name)!.spec!.template!.spec.containers[0]!.env!;
      const wired = containerEnv(app.env) as unknown as K8sEnv[];
      // What parity renders for its own workloads: the same variables, in the same order (each
      // password before the URL that expands it)...
      expect(env.slice(0, wired.length)).toEqual(wired);
      // ...and nothing after them that parity's wiring already sets.
      const rest = env.slice(wired.length).map((e) => e.name);
      expect(rest.filter((name) => wired.some((w) => w.name === name))).toEqual([]);
    }
    const env = deployment(objects, "myapp")!.spec!.template!.spec.containers[0]!.env!;
    expect(env.find((e) => e.name === "DATABASE_URL")?.value).toBe(
      "postgresql://myapp:$(POSTGRES_PASSWORD)@postgres:5432/myapp",
    );
    expect(env.find((e) => e.name === "AMQP_URL")?.value).toBe(
      "amqp://myapp:$(RABBITMQ_PASSWORD)@rabbitmq:5672/%2F",
    );
  });

  it("has no Helm hooks (Tilt's helm() would apply them as plain objects, out of order)", () => {
    const annotations: string[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) return v.forEach(walk);
      if (typeof v !== "object" || v === null) return;
      for (const [k, child] of Object.entries(v)) {
        if (k === "annotations" && typeof child === "object" && child !== null)
          annotations.push(...Object.keys(child));
        walk(child);
      }
    };
    walk(objects);
    expect(annotations.filter((k) => k.startsWith("helm.sh/hook"))).toEqual([]);
    expect(result.stdout).not.toContain("helm.sh/hook");
    const templates = join(EXAMPLE, "charts/myapp/templates");
    for (const file of readdirSync(templates))
      expect(readFileSync(join(templates, file), "utf8"), file).not.toContain("helm.sh/hook");
  });

  it("holds no password: every one comes from parity's Secrets", () => {
    expect(objects.filter((o) => o.kind === "Secret")).toEqual([]);
    for (const o of objects.filter((o) => o.kind === "Deployment")) {
      for (const e of o.spec!.template!.spec.containers.flatMap((c) => c.env ?? [])) {
        if (!/PASSWORD/.test(e.name)) continue;
        expect(e.value, e.name).toBeUndefined();
        const service = e.name.replace(/_PASSWORD$/, "").toLowerCase();
        expect(e.valueFrom).toEqual({
          secretKeyRef: { name: `${service}-credentials`, key: "password" },
        });
      }
    }
    // Neither the generated passwords nor any other value named like one, in files or output.
    const chartFiles = ["Chart.yaml", "values.yaml", "dev-values.yaml"].map((f) =>
      readFileSync(join(EXAMPLE, "charts/myapp", f), "utf8"),
    );
    const local = join(EXAMPLE, ".parity/secrets.env");
    const passwords = [
      ...handed.values(),
      ...(existsSync(local)
        ? readFileSync(local, "utf8")
            .split("\n")
            .filter((l) => l.includes("="))
            .map((l) => l.slice(l.indexOf("=") + 1))
        : []),
    ];
    expect(passwords.length).toBeGreaterThanOrEqual(3);
    for (const password of passwords) {
      expect(result.stdout).not.toContain(password);
      for (const text of chartFiles) expect(text).not.toContain(password);
    }
    const keys: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v !== "object" || v === null) return;
      for (const [k, child] of Object.entries(v)) {
        keys.push(k);
        walk(child);
      }
    };
    for (const text of chartFiles.slice(1)) walk(parse(text));
    expect(keys.filter((k) => /^(pass|password|passwd|pwd)$/i.test(k))).toEqual([]);
  });
});

describe("the myapp Helm chart on its own", () => {
  it("passes `helm lint --strict`, with and without the development values", () => {
    for (const values of [["--values", "charts/myapp/dev-values.yaml"], []]) {
      const lint = runHelm(["lint", "charts/myapp", "--strict", ...values], EXAMPLE);
      expect(lint.stdout + lint.stderr).toContain("0 chart(s) failed");
      expect(lint.status).toBe(0);
    }
  });

  it("renders valid objects with the production defaults too (two API replicas, a registry image)", () => {
    const result = runHelm(["template", "myapp", "charts/myapp", "--namespace", "prod"], EXAMPLE);
    expect(result.status, result.stderr).toBe(0);
    const objects = helmObjects<K8s>(result);
    expect(objects.flatMap((o) => validateObject(o))).toEqual([]);
    const api = deployment(objects, "myapp") as K8s & { spec: { replicas: number } };
    expect(api.spec.replicas).toBe(2);
    expect(api.spec.template!.spec.containers[0]!.image).toBe("registry.example.com/myapp:0.1.0");
  });
});
