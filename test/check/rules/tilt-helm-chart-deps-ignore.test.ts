import { describe, expect, it } from "vitest";
import { tiltHelmChartDepsIgnoreRule } from "../../../src/check/rules/tilt-helm-chart-deps-ignore.js";
import { tiltIgnores } from "../../../src/check/tilt.js";
import { testFilesRule } from "../files-helpers.js";

const WITH_DEPS = `
  apiVersion: v2
  name: shop
  version: 0.1.0
  dependencies:
    - name: postgres
      version: 1.2.0
      repository: https://charts.example.com
`;
const TILTFILE = "k8s_yaml(helm('charts/shop', values=['charts/shop/values-dev.yaml']))\n";

testFilesRule(tiltHelmChartDepsIgnoreRule, {
  valid: [
    {
      name: "the chart's folders in .tiltignore, as parity render writes them",
      files: {
        Tiltfile: TILTFILE,
        ".tiltignore": "# generated\n.parity/*\ncharts/shop/charts/\ncharts/shop/tmpcharts/\n",
        "charts/shop/Chart.yaml": WITH_DEPS,
      },
    },
    {
      name: "**/ patterns, and Tilt's own advice (**/*.tgz)",
      files: {
        Tiltfile: TILTFILE,
        ".tiltignore": "**/*.tgz\n",
        "charts/shop/Chart.yaml": WITH_DEPS,
      },
    },
    {
      name: "watch_settings(ignore=…) in the Tiltfile",
      files: {
        Tiltfile: TILTFILE + "watch_settings(ignore=['**/charts', '**/tmpcharts'])\n",
        "charts/shop/Chart.yaml": WITH_DEPS,
      },
    },
    {
      name: "a chart without dependencies (or with an empty list)",
      files: {
        Tiltfile: TILTFILE,
        "charts/shop/Chart.yaml": "apiVersion: v2\nname: shop\nversion: 0.1.0\ndependencies: []\n",
      },
    },
    {
      name: "helm_resource and helm_remote are not the built-in helm()",
      files: {
        Tiltfile: "helm_resource('shop', 'charts/shop')\nhelm_remote('shop')\n",
        "charts/shop/Chart.yaml": WITH_DEPS,
      },
    },
    {
      name: "a Tiltfile in a subdirectory with its own .tiltignore",
      files: {
        "deploy/Tiltfile": "k8s_yaml(helm('shop'))\n",
        "deploy/.tiltignore": "shop/charts\nshop/tmpcharts\n",
        "deploy/shop/Chart.yaml": WITH_DEPS,
      },
    },
  ],
  invalid: [
    {
      name: "no .tiltignore at all",
      files: { Tiltfile: TILTFILE, "charts/shop/Chart.yaml": WITH_DEPS },
      errors: [
        {
          file: "Tiltfile",
          line: 1,
          column: 16,
          severity: "error",
          text: "charts/shop",
          message:
            "helm() renders `charts/shop`, a chart with dependencies, but .tiltignore does not ignore `charts/shop/charts/` and `charts/shop/tmpcharts/`",
          advice: "Add these lines to .tiltignore:\ncharts/shop/charts/\ncharts/shop/tmpcharts/",
        },
      ],
      output: { ".tiltignore": "charts/shop/charts/\ncharts/shop/tmpcharts/\n" },
    },
    {
      name: "unanchored patterns do not reach into subdirectories (.dockerignore rules)",
      files: {
        Tiltfile: TILTFILE,
        ".tiltignore": "*.tgz\nshop/charts/\ncharts/shop/tmpcharts/\n",
        "charts/shop/Chart.yaml": WITH_DEPS,
      },
      errors: [
        {
          file: "Tiltfile",
          line: 1,
          column: 16,
          severity: "error",
          text: "charts/shop",
          advice: /^Add these lines to \.tiltignore:\ncharts\/shop\/charts\/$/,
        },
      ],
    },
    {
      name: "two charts: both fixes append to one .tiltignore in one run, with its CRLF line breaks",
      files: {
        Tiltfile: "k8s_yaml(helm('charts/shop'))\nk8s_yaml(helm('charts/cart'))\n",
        ".tiltignore": "*.tmp\r\n",
        "charts/shop/Chart.yaml": WITH_DEPS,
        "charts/cart/Chart.yaml": WITH_DEPS.replace("name: shop", "name: cart"),
      },
      errors: [
        { file: "Tiltfile", line: 1, column: 16, severity: "error", text: "charts/shop" },
        { file: "Tiltfile", line: 2, column: 16, severity: "error", text: "charts/cart" },
      ],
      output: {
        ".tiltignore":
          "*.tmp\r\ncharts/shop/charts/\r\ncharts/shop/tmpcharts/\r\ncharts/cart/charts/\r\ncharts/cart/tmpcharts/\r\n",
      },
    },
    {
      name: "a negation re-includes the folder",
      files: {
        Tiltfile: TILTFILE,
        ".tiltignore": "**/charts\n**/tmpcharts\n!charts/shop/tmpcharts\n",
        "charts/shop/Chart.yaml": WITH_DEPS,
      },
      errors: [
        {
          file: "Tiltfile",
          line: 1,
          column: 16,
          severity: "error",
          message: /`charts\/shop\/tmpcharts\/`:/,
        },
      ],
      // Appended: the last matching line wins, as in .dockerignore.
      output: {
        ".tiltignore": "**/charts\n**/tmpcharts\n!charts/shop/tmpcharts\ncharts/shop/tmpcharts/\n",
      },
    },
    {
      name: "apiVersion v1: dependencies in requirements.yaml; paths from the Tiltfile's directory",
      files: {
        "deploy/Tiltfile": "shop = 'charts/shop'\nk8s_yaml(helm(shop))\n",
        "deploy/.tiltignore": "charts/shop/charts/\n",
        "deploy/charts/shop/Chart.yaml": "apiVersion: v1\nname: shop\nversion: 0.1.0\n",
        "deploy/charts/shop/requirements.yaml":
          "dependencies:\n  - name: redis\n    version: 1.0.0\n",
      },
      errors: [
        {
          file: "deploy/Tiltfile",
          line: 2,
          column: 15,
          severity: "error",
          text: "shop",
          message:
            /`shop` \(`deploy\/charts\/shop`\).*deploy\/\.tiltignore does not ignore `charts\/shop\/tmpcharts\/`/,
          advice: "Add these lines to deploy/.tiltignore:\ncharts/shop/tmpcharts/",
        },
      ],
      output: { "deploy/.tiltignore": "charts/shop/charts/\ncharts/shop/tmpcharts/\n" },
    },
  ],
});

describe("tiltIgnores (.dockerignore semantics)", () => {
  it.each([
    [["charts/shop/charts"], "charts/shop/charts/a.tgz", true],
    [["/charts/shop/charts/"], "charts/shop/charts/a.tgz", true],
    [["charts/*/charts"], "charts/shop/charts/a.tgz", true],
    [["**/charts"], "charts/shop/charts/a.tgz", true],
    [["charts"], "charts/shop/charts/a.tgz", true],
    [["*.tgz"], "charts/shop/charts/a.tgz", false],
    [["*/charts"], "charts/shop/charts/a.tgz", false],
    [["shop/charts"], "charts/shop/charts/a.tgz", false],
    [["**", "!charts/shop/charts"], "charts/shop/charts/a.tgz", false],
    [["!x", "**/charts"], "charts/shop/charts/a.tgz", true],
  ])("%j ignores %s: %s", (patterns, path, expected) => {
    expect(tiltIgnores(patterns, path)).toBe(expected);
  });
});
