import type { AppResource, Plan } from "../../plan/types.js";
import { containerEnv } from "./env.js";
import { metadata, selector, type K8sObject } from "./object.js";
import { containerResources } from "./probe.js";
import { waitContainers } from "./wait.js";

/** The app: a Deployment that waits for its services, and a Service when it has a port. */
export function appObjects(plan: Plan, app: AppResource): K8sObject[] {
  const port = app.port;
  const container = {
    name: app.name,
    image: app.image.image,
    ...(app.command ? { command: app.command } : {}),
    ...(port ? { ports: [{ name: "http", containerPort: port }] } : {}),
    env: containerEnv(app.env),
    ...(port && app.readiness
      ? {
          readinessProbe: {
            httpGet: { path: app.readiness, port: "http" },
            periodSeconds: 5,
            timeoutSeconds: 3,
          },
        }
      : {}),
    ...(port
      ? {
          livenessProbe: {
            tcpSocket: { port: "http" },
            initialDelaySeconds: 10,
            periodSeconds: 20,
            timeoutSeconds: 3,
          },
        }
      : {}),
    resources: containerResources(app.resources),
  };
  const deployment: K8sObject = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: metadata(plan, app.name, "app"),
    spec: {
      replicas: app.replicas,
      selector: { matchLabels: selector(plan, app.name) },
      template: {
        metadata: { labels: metadata(plan, app.name, "app").labels },
        spec: {
          initContainers: waitContainers(plan, app.uses, app.schemaWaits),
          containers: [container],
        },
      },
    },
  };
  if (!port) return [deployment];
  const service: K8sObject = {
    apiVersion: "v1",
    kind: "Service",
    metadata: metadata(plan, app.name, "app"),
    spec: {
      selector: selector(plan, app.name),
      ports: [{ name: "http", port, targetPort: "http" }],
    },
  };
  return [service, deployment];
}
