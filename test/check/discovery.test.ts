import { describe, expect, it } from "vitest";
import { bitnamiImage, findChartUrls, parseImage } from "../../src/check/bitnami.js";
import { classify } from "../../src/check/classify.js";
import { discover } from "../../src/check/discover.js";
import { repo } from "./helpers.js";

describe("file types, decided once from the path", () => {
  const chartDirs = new Set(["charts/app", ""]);
  it.each([
    ["k8s/deploy.yaml", "manifest"],
    ["k8s/deploy.YML", "manifest"],
    ["charts/app/Chart.yaml", "helm-chart"],
    ["charts/app/Chart.lock", "helm-lock"],
    ["charts/app/values.yaml", "helm-values"],
    ["charts/app/values-dev.yaml", "helm-values"],
    ["deploy/postgres-values.yaml", "helm-values"],
    ["charts/app/templates/deployment.yaml", "helm-template"],
    ["charts/app/templates/tests/test.yaml", "helm-template"],
    ["charts/app/templates/_helpers.tpl", "helm-template"],
    ["charts/app/templates/NOTES.txt", "helm-template"],
    ["templates/x.yaml", "helm-template"],
    ["other/templates/x.yaml", "manifest"],
    ["helmfile.yaml.gotmpl", "helm-template"],
    ["helmfile.yaml", "helmfile"],
    ["helmfile.d/10-db.yaml", "helmfile"],
    ["overlays/dev/kustomization.yaml", "kustomization"],
    ["Tiltfile", "tiltfile"],
    ["tilt/db.tiltfile", "tiltfile"],
    ["docker-compose.yml", "compose"],
    ["docker-compose.override.yaml", "compose"],
    ["compose.yaml", "compose"],
    ["compose.dev.yml", "compose"],
    ["Dockerfile", "dockerfile"],
    ["api.Dockerfile", "dockerfile"],
    ["Dockerfile.dev", "dockerfile"],
    ["Containerfile", "dockerfile"],
    [".github/workflows/ci.yml", "ci"],
    [".gitlab-ci.yml", "ci"],
    ["ci/deploy.gitlab-ci.yml", "ci"],
    ["scripts/setup.sh", "shell"],
    ["README.md", undefined],
    ["package.json", undefined],
    [".paritycheck.yaml", undefined],
  ])("%s is %s", (path, type) => {
    expect(classify(path, (dir) => chartDirs.has(dir))).toBe(type);
  });

  it("discovers files in a stable order, typing templates by their chart", () => {
    const dir = repo({
      "b.yaml": "",
      "a/Chart.yaml": "",
      "a/templates/x.yaml": "",
      "a/README.md": "",
      Tiltfile: "",
    });
    expect(discover(dir, []).files.map((f) => [f.relative, f.type])).toEqual([
      ["Tiltfile", "tiltfile"],
      ["a/Chart.yaml", "helm-chart"],
      ["a/templates/x.yaml", "helm-template"],
      ["b.yaml", "manifest"],
    ]);
  });
});

describe("image references", () => {
  it.each([
    ["postgres", { registry: "docker.io", repository: "postgres", tag: undefined }],
    ["bitnami/redis:7.2", { registry: "docker.io", repository: "bitnami/redis", tag: "7.2" }],
    [
      "index.docker.io/bitnami/redis",
      { registry: "docker.io", repository: "bitnami/redis", tag: undefined },
    ],
    [
      "localhost:5000/a/b:1@sha256:abc",
      { registry: "localhost:5000", repository: "a/b", tag: "1" },
    ],
    [
      "public.ecr.aws/bitnami/x:1",
      { registry: "public.ecr.aws", repository: "bitnami/x", tag: "1" },
    ],
  ])("parses %s", (text, ref) => {
    expect(parseImage(text)).toEqual(ref);
  });

  it.each(["", "https://charts.bitnami.com/bitnami", "oci://x/y", "a b", "{{ x }}", "a//b", "-x"])(
    "rejects %j",
    (text) => {
      expect(parseImage(text)).toBeUndefined();
    },
  );

  it.each([
    ["bitnami/postgresql", "bitnami"],
    ["bitnamilegacy/postgresql", "legacy"],
    ["bitnamisecure/postgresql", "secure"],
    ["public.ecr.aws/bitnami/postgresql", "ecr"],
    ["mirror.example.com/proxy/bitnami/postgresql", "mirror"],
    ["bitnami/sealed-secrets-controller", undefined],
    ["bitnami/minideb", undefined],
    ["quay.io/bitnami-labs/x", undefined],
    ["postgres", undefined],
  ])("classifies %s as %s", (text, kind) => {
    expect(bitnamiImage(parseImage(text)!)?.kind).toBe(kind);
  });
});

describe("chart repository URLs", () => {
  it("finds the HTTP repository, the full-index archive and the OCI namespace, with the chart", () => {
    const text =
      "a https://charts.bitnami.com/bitnami b oci://registry-1.docker.io/bitnamicharts/redis " +
      "c docker.io/bitnamicharts https://raw.githubusercontent.com/bitnami/charts/archive-full-index/bitnami";
    expect(findChartUrls(text).map((u) => [u.text, u.chart])).toEqual([
      ["https://charts.bitnami.com/bitnami", undefined],
      ["oci://registry-1.docker.io/bitnamicharts/redis", "redis"],
      ["docker.io/bitnamicharts", undefined],
      ["https://raw.githubusercontent.com/bitnami/charts/archive-full-index/bitnami", undefined],
    ]);
  });
});
