import { charts } from "../../plan/charts.js";
import type { Plan } from "../../plan/types.js";
import { appObjects } from "../../render/k8s/app.js";
import { jobObjects } from "../../render/k8s/job.js";
import { labels, type K8sObject } from "../../render/k8s/object.js";
import { serviceObjects } from "../../render/k8s/service.js";
import { helmTemplate } from "./chart.js";

/**
 * The objects of each resource, exactly as `render` writes them; an app with a chart gets what
 * its chart renders. A chart shared by several apps is rendered once: each workload goes to the
 * app it is named after, the rest (Services, ConfigMaps…) to the first app. Chart objects get
 * parity's labels added, so `down` finds them, as it finds everything else.
 */
export async function resourceObjects(
  plan: Plan,
  projectDir: string,
): Promise<Map<string, K8sObject[]>> {
  const out = new Map<string, K8sObject[]>();
  for (const r of plan.resources) {
    if (r.sort === "service") out.set(r.name, r.chart ? [] : serviceObjects(plan, r));
    else if (r.sort === "job") out.set(r.name, jobObjects(plan, r));
    else if (r.sort === "app" && !r.chart) out.set(r.name, appObjects(plan, r));
  }
  for (const [chart, apps] of charts(plan)) {
    const objects = await helmTemplate(chart, apps[0]!.name, plan.namespace, projectDir);
    for (const app of apps) out.set(app.name, []);
    for (const object of objects) {
      const owner = apps.find((a) => a.name === object.metadata.name) ?? apps[0]!;
      out.get(owner.name)!.push(stackLabelled(plan, object, owner.name));
    }
  }
  return out;
}

function stackLabelled(plan: Plan, object: K8sObject, owner: string): K8sObject {
  return {
    ...object,
    metadata: {
      ...object.metadata,
      labels: { ...labels(plan, owner), ...object.metadata.labels, ...stackOnly(plan) },
    },
  };
}

function stackOnly(plan: Plan): Record<string, string> {
  const { "app.kubernetes.io/part-of": partOf, "app.kubernetes.io/managed-by": managedBy } = labels(
    plan,
    "",
  );
  return { "app.kubernetes.io/part-of": partOf!, "app.kubernetes.io/managed-by": managedBy! };
}
