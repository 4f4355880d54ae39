import { describe, expect, it } from "vitest";
import { runCheck } from "../../../src/check/index.js";
import { imageLatestTagRule } from "../../../src/check/rules/image-latest-tag.js";
import { code, repo, testRule } from "../helpers.js";

const pod = (...images: string[]) =>
  "kind: Pod\nspec:\n  containers:\n" + images.map((i) => `    - image: ${i}\n`).join("");

const DIGEST = `@sha256:${"a".repeat(64)}`;

testRule(imageLatestTagRule, {
  valid: [
    {
      name: "versions, digests, templated tags",
      path: "k8s/pod.yaml",
      code: pod(
        "nginx:1.29.3",
        `ghcr.io/acme/api${DIGEST}`,
        `busybox:latest${DIGEST}`,
        "app:${TAG}",
      ),
    },
    {
      name: "databases and brokers (stateful-image-tag), gone and archived images (their own rules)",
      path: "k8s/pod.yaml",
      code: pod(
        "postgres",
        "redis:latest",
        "bitnami/nginx",
        "minio/minio",
        "localstack/localstack",
      ),
    },
    {
      name: "a compose service that builds its image, a container that is never pulled",
      path: "k8s/pod.yaml",
      code: code(`
        kind: Pod
        spec:
          containers:
            - name: api
              image: acme/api
              imagePullPolicy: Never
      `),
    },
    {
      name: "compose build",
      path: "docker-compose.yml",
      code: code(`
        services:
          api:
            build: .
            image: acme/api:latest
      `),
    },
  ],
  invalid: [
    {
      name: "latest and no tag, Bitnami's successors included",
      path: "k8s/pod.yaml",
      code: pod(
        "nginx",
        "ghcr.io/acme/api:latest",
        "bitnamilegacy/nginx:latest",
        "bitnamisecure/nginx",
      ),
      errors: [
        { line: 4, column: 14, severity: "warning", message: "`nginx` has no tag", text: "nginx" },
        { line: 5, column: 14, severity: "warning", message: "`ghcr.io/acme/api:latest` runs" },
        { line: 6, column: 14, severity: "warning", message: "bitnamilegacy/nginx:latest" },
        {
          line: 7,
          column: 14,
          severity: "warning",
          message: "`bitnamisecure/nginx` has no tag",
          advice: "publish only `latest` for free",
        },
      ],
    },
    {
      name: "the other container of a pod whose first is never pulled",
      path: "k8s/pod.yaml",
      code: code(`
        kind: Pod
        spec:
          containers:
            - name: api
              image: acme/api
              imagePullPolicy: Never
            - name: proxy
              image: envoyproxy/envoy
      `),
      errors: [{ line: 8, column: 14, severity: "warning", text: "envoyproxy/envoy" }],
    },
    {
      name: "values files and CI services",
      path: "chart/values.yaml",
      code: code(`
        image:
          repository: acme/worker
          tag: latest
      `),
      errors: [{ line: 2, column: 15, severity: "warning", message: "`acme/worker:latest`" }],
    },
  ],
});

describe("image-latest-tag in a repository", () => {
  it("leaves alone the images the Tiltfile and skaffold.yaml build", () => {
    const root = repo({
      Tiltfile: "docker_build('acme/api', '.')\ncustom_build(ref='acme/worker', command='make')\n",
      "skaffold.yaml": "build:\n  artifacts:\n    - image: acme/jobs\n",
      "k8s/pods.yaml": pod("acme/api", "acme/worker", "acme/jobs", "acme/other"),
    });
    const found = runCheck(root, { helm: false }).findings.filter(
      (f) => f.ruleId === "image-latest-tag",
    );
    expect(found.map((f) => `${f.file}:${f.line} ${f.message.split(" ")[0]}`)).toEqual([
      "k8s/pods.yaml:7 `acme/other`",
    ]);
  });
});
