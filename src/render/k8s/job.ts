import type { JobResource, Plan } from "../../plan/types.js";
import { containerEnv } from "./env.js";
import { metadata, type K8sObject } from "./object.js";
import { containerResources } from "./probe.js";
import { waitContainers } from "./wait.js";

/** A job: runs to completion once its services answer; never an initContainer of the app. */
export function jobObjects(plan: Plan, job: JobResource): K8sObject[] {
  return [
    {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: metadata(plan, job.name, "job"),
      spec: {
        // A failing migration should surface quickly, not retry for minutes: a non-zero exit of
        // the job's own container fails the Job at once. Only a pod that was evicted or
        // preempted is retried, within the backoff limit.
        backoffLimit: 2,
        podFailurePolicy: {
          rules: [
            { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] },
            {
              action: "FailJob",
              onExitCodes: { containerName: job.name, operator: "NotIn", values: [0] },
            },
          ],
        },
        activeDeadlineSeconds: job.timeout,
        // Long enough to read its logs; gone before the next day's `up` re-applies it.
        ttlSecondsAfterFinished: 3600,
        template: {
          metadata: { labels: metadata(plan, job.name, "job").labels },
          spec: {
            restartPolicy: "Never",
            initContainers: waitContainers(plan, job.uses),
            containers: [
              {
                name: job.name,
                image: job.image.image,
                command: job.command,
                env: containerEnv(job.env),
                resources: containerResources(job.resources),
              },
            ],
          },
        },
      },
    },
  ];
}
