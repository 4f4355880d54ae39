import { describe, expect, it } from "vitest";
import { rwoPvcRollingUpdateRule } from "../../../src/check/rules/rwo-pvc-rolling-update.js";
import { SourceFile } from "../../../src/check/source.js";
import type { RuleFinding } from "../../../src/check/types.js";
import { code, testRule } from "../helpers.js";

const pvc = (name: string, modes: string, namespace = "") =>
  code(`
    apiVersion: v1
    kind: PersistentVolumeClaim
    metadata: {name: ${name}${namespace ? `, namespace: ${namespace}` : ""}}
    spec:
      accessModes: [${modes}]
  `);

/** A Deployment mounting claim `data`, with optional lines under its spec. */
const deployment = (spec = "", namespace = "") =>
  code(`
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: app${namespace ? `, namespace: ${namespace}` : ""}}
    spec:
      template:
        spec:
          containers: [{name: app, image: "ghcr.io/x/app:1"}]
          volumes:
            - name: files
              persistentVolumeClaim:
                claimName: data
  `) + spec;

const HANGS = /mounts the ReadWriteOnce claim `data` with the RollingUpdate strategy/;

testRule(rwoPvcRollingUpdateRule, {
  valid: [
    {
      name: "Recreate",
      path: "k8s/app.yaml",
      code: pvc("data", "ReadWriteOnce") + "---\n" + deployment("  strategy: {type: Recreate}\n"),
    },
    {
      name: "RollingUpdate with maxSurge 0 stops the old pod first",
      path: "k8s/app.yaml",
      code:
        pvc("data", "ReadWriteOnce") +
        "---\n" +
        deployment("  strategy:\n    rollingUpdate: {maxSurge: 0, maxUnavailable: 1}\n") +
        "---\n" +
        deployment('  strategy:\n    type: RollingUpdate\n    rollingUpdate: {maxSurge: "0%"}\n'),
    },
    {
      name: "ReadWriteMany and ReadOnlyMany claims",
      path: "k8s/app.yaml",
      code: pvc("data", "ReadWriteMany, ReadWriteOnce") + "---\n" + deployment(),
    },
    {
      name: "a claim that is not in the set",
      path: "k8s/app.yaml",
      code: deployment(),
    },
    {
      name: "a claim in another namespace",
      path: "k8s/app.yaml",
      code: pvc("data", "ReadWriteOnce", "other") + "---\n" + deployment("", "shop"),
    },
    {
      name: "a StatefulSet",
      path: "k8s/app.yaml",
      code:
        pvc("data", "ReadWriteOnce") +
        "---\n" +
        deployment().replace("kind: Deployment", "kind: StatefulSet"),
    },
    {
      name: "a claim without access modes",
      path: "k8s/app.yaml",
      code: "kind: PersistentVolumeClaim\nmetadata: {name: data}\n---\n" + deployment(),
    },
  ],
  invalid: [
    {
      name: "the default strategy",
      path: "k8s/app.yaml",
      code: pvc("data", "ReadWriteOnce") + "---\n" + deployment(),
      errors: [
        {
          line: 17,
          column: 24,
          severity: "error",
          text: "data",
          message: HANGS,
          advice: "strategy: {type: Recreate}",
        },
      ],
    },
    {
      name: "an explicit RollingUpdate, ReadWriteOncePod, the claim after the Deployment",
      path: "k8s/app.yaml",
      code:
        deployment(
          "  strategy:\n    type: RollingUpdate\n    rollingUpdate: {maxSurge: 1}\n",
          "shop",
        ) +
        "---\n" +
        pvc("data", "ReadWriteOncePod", "shop"),
      errors: [{ line: 11, column: 24, severity: "error", text: "data" }],
      // Recreate rejects rollingUpdate settings: removing them is the owner's call.
      output: null,
    },
    {
      name: "fixed: a strategy added before the template",
      path: "k8s/app.yaml",
      code: pvc("data", "ReadWriteOnce") + "---\n" + deployment(),
      errors: [{ line: 17, column: 24, severity: "error" }],
      output:
        pvc("data", "ReadWriteOnce") +
        "---\n" +
        deployment().replace(
          "spec:\n  template:",
          "spec:\n  strategy:\n    type: Recreate\n  template:",
        ),
    },
    {
      name: "fixed: an explicit RollingUpdate type becomes Recreate; one fix for two mounts",
      path: "k8s/app.yaml",
      code:
        pvc("data", "ReadWriteOnce") +
        "---\n" +
        deployment("  strategy:\n    type: RollingUpdate # default\n").replace(
          "            claimName: data\n",
          "            claimName: data\n        - name: again\n          persistentVolumeClaim: {claimName: data}\n",
        ),
      errors: [
        { line: 17, column: 24, severity: "error" },
        { line: 19, column: 46, severity: "error" },
      ],
      output:
        pvc("data", "ReadWriteOnce") +
        "---\n" +
        deployment("  strategy:\n    type: Recreate # default\n").replace(
          "            claimName: data\n",
          "            claimName: data\n        - name: again\n          persistentVolumeClaim: {claimName: data}\n",
        ),
    },
  ],
});

describe("rwo-pvc-rolling-update across the scanned set", () => {
  const app = new SourceFile("app/base/deployment.yaml", "manifest", deployment());
  const run = (...others: SourceFile[]) =>
    [...rwoPvcRollingUpdateRule.check(app, { files: () => [app, ...others] })] as RuleFinding[];
  const claim = (path: string, modes: string) =>
    new SourceFile(path, "manifest", pvc("data", modes));

  it("finds the claim in another file of the run, and names that file", () => {
    const [found, ...rest] = run(claim("app/base/pvc.yaml", "ReadWriteOnce"));
    expect(rest).toEqual([]);
    expect(found!.message).toContain("(app/base/pvc.yaml)");
    expect(app.text.slice(found!.start, found!.end)).toBe("data");
  });

  it("prefers the claim beside the Deployment over same-named claims elsewhere", () => {
    expect(
      run(claim("other/pvc.yaml", "ReadWriteOnce"), claim("app/base/pvc.yaml", "ReadWriteMany")),
    ).toEqual([]);
    expect(
      run(claim("other/pvc.yaml", "ReadWriteOnce"), claim("app/base/pvc.yaml", "ReadWriteOnce")),
    ).toHaveLength(1);
  });

  it("skips claims whose access modes disagree at the same distance", () => {
    expect(run(claim("a/pvc.yaml", "ReadWriteOnce"), claim("b/pvc.yaml", "ReadWriteMany"))).toEqual(
      [],
    );
  });

  it("reads only manifests of the run", () => {
    const values = new SourceFile(
      "app/base/values.yaml",
      "helm-values",
      pvc("data", "ReadWriteOnce"),
    );
    expect(run(values)).toEqual([]);
  });
});
