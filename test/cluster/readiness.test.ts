import { describe, expect, it } from "vitest";
import {
  deploymentVerdict,
  jobVerdict,
  podProblem,
  statefulSetVerdict,
  type LiveObject,
} from "../../src/run/cluster/readiness.js";

const obj = (
  spec: Record<string, unknown>,
  status: Record<string, unknown>,
  generation = 2,
): LiveObject => ({
  metadata: { name: "x", generation },
  spec,
  status,
});

describe("deploymentVerdict (as kubectl rollout status)", () => {
  it.each([
    ["not observed yet", obj({ replicas: 1 }, { observedGeneration: 1 }), "waiting"],
    [
      "updated short",
      obj(
        { replicas: 2 },
        { observedGeneration: 2, updatedReplicas: 1, replicas: 2, availableReplicas: 2 },
      ),
      "waiting",
    ],
    [
      "old replicas left",
      obj(
        { replicas: 1 },
        { observedGeneration: 2, updatedReplicas: 1, replicas: 2, availableReplicas: 1 },
      ),
      "waiting",
    ],
    [
      "not available",
      obj(
        { replicas: 1 },
        { observedGeneration: 2, updatedReplicas: 1, replicas: 1, availableReplicas: 0 },
      ),
      "waiting",
    ],
    [
      "rolled out",
      obj(
        { replicas: 1 },
        { observedGeneration: 2, updatedReplicas: 1, replicas: 1, availableReplicas: 1 },
      ),
      "ready",
    ],
    [
      "past its deadline",
      obj(
        { replicas: 1 },
        {
          observedGeneration: 2,
          conditions: [
            { type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" },
          ],
        },
      ),
      "failed",
    ],
  ])("%s → %s", (_name, d, state) => expect(deploymentVerdict(d).state).toBe(state));
});

describe("statefulSetVerdict", () => {
  it.each([
    ["not ready", obj({ replicas: 1 }, { observedGeneration: 2, readyReplicas: 0 }), "waiting"],
    [
      "revisions differ",
      obj(
        { replicas: 1 },
        { observedGeneration: 2, readyReplicas: 1, currentRevision: "a", updateRevision: "b" },
      ),
      "waiting",
    ],
    [
      "rolled out",
      obj(
        { replicas: 1 },
        { observedGeneration: 2, readyReplicas: 1, currentRevision: "b", updateRevision: "b" },
      ),
      "ready",
    ],
    [
      "OnDelete, ready",
      obj(
        { replicas: 1, updateStrategy: { type: "OnDelete" } },
        { observedGeneration: 2, readyReplicas: 1, currentRevision: "a", updateRevision: "b" },
      ),
      "ready",
    ],
    [
      "partitioned, the partition's share updated",
      obj(
        { replicas: 3, updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 2 } } },
        { observedGeneration: 2, readyReplicas: 3, updatedReplicas: 1 },
      ),
      "ready",
    ],
  ])("%s → %s", (_name, s, state) => expect(statefulSetVerdict(s).state).toBe(state));
});

describe("jobVerdict", () => {
  it.each([
    ["running", obj({}, { active: 1 }), "waiting"],
    ["complete", obj({}, { conditions: [{ type: "Complete", status: "True" }] }), "ready"],
    [
      "failed",
      obj({}, { conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded" }] }),
      "failed",
    ],
    [
      "about to fail",
      obj(
        {},
        { conditions: [{ type: "FailureTarget", status: "True", reason: "PodFailurePolicy" }] },
      ),
      "failed",
    ],
  ])("%s → %s", (_name, j, state) => expect(jobVerdict(j).state).toBe(state));

  it("names the reason and message of a failure", () => {
    const verdict = jobVerdict(
      obj(
        {},
        {
          conditions: [
            {
              type: "Failed",
              status: "True",
              reason: "DeadlineExceeded",
              message: "Job was active longer than specified deadline",
            },
          ],
        },
      ),
    );
    expect(verdict).toEqual({
      state: "failed",
      reason: "job failed: DeadlineExceeded: Job was active longer than specified deadline",
    });
  });
});

describe("podProblem", () => {
  const pod = (
    containerStatuses: unknown[],
    initContainerStatuses: unknown[] = [],
  ): LiveObject => ({
    metadata: { name: "api-1" },
    status: { containerStatuses, initContainerStatuses },
  });
  it("is nothing while containers start or run", () => {
    expect(
      podProblem(pod([{ name: "api", state: { waiting: { reason: "ContainerCreating" } } }])),
    ).toBeUndefined();
    expect(podProblem(pod([{ name: "api", state: { running: {} } }]))).toBeUndefined();
  });
  it.each(["CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError"])(
    "is the reason for %s, with the last exit code",
    (reason) => {
      const problem = podProblem(
        pod([
          {
            name: "api",
            state: { waiting: { reason, message: "m" } },
            lastState: { terminated: { exitCode: 3, reason: "Error" } },
          },
        ]),
      );
      expect(problem).toBe(`pod api-1: container api: ${reason}: m (last exit code 3, Error)`);
    },
  );
  it("looks at init containers too", () => {
    expect(
      podProblem(
        pod(
          [],
          [{ name: "wait-for-postgres", state: { waiting: { reason: "ImagePullBackOff" } } }],
        ),
      ),
    ).toBe("pod api-1: container wait-for-postgres: ImagePullBackOff");
  });
});
