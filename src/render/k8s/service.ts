import type { Plan, ServiceResource } from "../../plan/types.js";
import { metadata, selector, type K8sObject } from "./object.js";
import { containerResources, probe } from "./probe.js";

/** A dependency: a StatefulSet (stable identity and its own volume) and a Service named after it. */
export function serviceObjects(plan: Plan, service: ServiceResource): K8sObject[] {
  const { profile } = service;
  const component = profile.component;
  const env = [
    ...profile.env.map((e) =>
      "password" in e
        ? {
            name: e.name,
            valueFrom: { secretKeyRef: { name: service.secretName, key: "password" } },
          }
        : { name: e.name, value: e.value },
    ),
    ...Object.entries(service.extraEnv).map(([name, value]) => ({ name, value })),
  ];
  const container = {
    name: service.name,
    image: profile.image,
    imagePullPolicy: "IfNotPresent",
    ...(profile.args.length ? { args: profile.args } : {}),
    ports: profile.ports.map((p) => ({ name: p.name, containerPort: p.port })),
    env,
    readinessProbe: probe(profile.readiness),
    livenessProbe: probe(profile.liveness),
    resources: containerResources(service.resources),
    volumeMounts: [{ name: "data", mountPath: profile.dataPath }],
  };
  const statefulSet: K8sObject = {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: metadata(plan, service.name, component),
    spec: {
      serviceName: service.name,
      replicas: 1,
      selector: { matchLabels: selector(plan, service.name) },
      template: {
        metadata: { labels: metadata(plan, service.name, component).labels },
        spec: {
          // Databases flush on SIGTERM; the default 30 s can cut that short.
          terminationGracePeriodSeconds: 60,
          ...profile.pod,
          ...(profile.setupScript
            ? {
                initContainers: [
                  {
                    name: "setup",
                    image: profile.image,
                    imagePullPolicy: "IfNotPresent",
                    command: ["sh", "-c", profile.setupScript],
                    volumeMounts: container.volumeMounts,
                    resources: {
                      requests: { cpu: "10m", memory: "16Mi" },
                      limits: { memory: "64Mi" },
                    },
                  },
                ],
              }
            : {}),
          containers: [container],
          ...(service.persistent ? {} : { volumes: [{ name: "data", emptyDir: {} }] }),
        },
      },
      ...(service.persistent
        ? {
            volumeClaimTemplates: [
              {
                metadata: { name: "data", labels: metadata(plan, service.name, component).labels },
                spec: {
                  accessModes: ["ReadWriteOnce"],
                  storageClassName: plan.cluster.storageClass,
                  resources: { requests: { storage: service.storage } },
                },
              },
            ],
            persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
          }
        : {}),
    },
  };
  const svc: K8sObject = {
    apiVersion: "v1",
    kind: "Service",
    metadata: metadata(plan, service.name, component),
    spec: {
      selector: selector(plan, service.name),
      ports: profile.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name })),
    },
  };
  return [svc, statefulSet];
}
