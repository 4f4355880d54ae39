import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decode } from "../../src/check/decode.js";
import { checkText } from "../../src/check/scan.js";
import type { FileType, Finding } from "../../src/check/types.js";
import { stringify } from "yaml";

const TYPES: FileType[] = [
  "manifest",
  "helm-chart",
  "helm-lock",
  "helm-values",
  "helm-template",
  "kustomization",
  "helmfile",
  "compose",
  "ci",
  "tiltfile",
  "dockerfile",
  "shell",
];

/** Runs every rule on the text as every file type; returns the findings. Must never throw. */
function checkAll(text: string): Finding[] {
  const all: Finding[] = [];
  for (const type of TYPES) all.push(...checkText(`f.${type}`, type, text));
  return all;
}

/** Findings are well-formed: no rule crashed, and every position is inside the text. */
function expectSane(text: string, findings: Finding[]): void {
  const lines = text.split("\n").length;
  for (const f of findings) {
    expect(f.ruleId).not.toBe("internal-error");
    expect(f.line).toBeGreaterThanOrEqual(1);
    expect(f.line).toBeLessThanOrEqual(lines);
    expect(f.column).toBeGreaterThanOrEqual(1);
    expect(f.endLine > f.line || (f.endLine === f.line && f.endColumn >= f.column)).toBe(true);
  }
}

// Pieces of the syntax the rules look at, so that random text reaches deep into them.
const TOKENS = [
  "image:",
  "repository:",
  "registry:",
  "tag:",
  "global:",
  "imageRegistry:",
  "security:",
  "allowInsecureImages:",
  "true",
  "services:",
  "container:",
  "uses:",
  "docker://",
  "name:",
  "newName:",
  "images:",
  "releases:",
  "repositories:",
  "chart:",
  "url:",
  "repoURL:",
  "dependencies:",
  "bitnami/",
  "bitnamilegacy/",
  "bitnamisecure/",
  "public.ecr.aws/",
  "docker.io/",
  "postgresql",
  "redis",
  ":16",
  "@sha256:",
  "https://charts.bitnami.com/bitnami",
  "oci://registry-1.docker.io/bitnamicharts/",
  "@bitnami",
  "helm install x ",
  "helm_resource(",
  "helm_remote(",
  "docker run ",
  "--image=",
  "FROM ",
  "--platform=x ",
  " AS b",
  "COPY --from=",
  "{{",
  "}}",
  "{{- if .Values.x }}",
  "${",
  "$",
  "\\",
  "\n",
  "\r\n",
  "  ",
  "- ",
  "---",
  "...",
  "'",
  '"',
  "#",
  "# parity-check-disable-next-line",
  "&a ",
  "*a",
  "!!str ",
  "? ",
  "[",
  "]",
  "{",
  "}",
  ",",
  "|",
  ">",
  "\t",
  "\u0000",
  "\uFFFD",
  "é",
];

const soup = fc
  .array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 4 })), { maxLength: 80 })
  .map((parts) => parts.join(""));

describe("the scanner never throws", () => {
  it("on arbitrary bytes, decoded as the scanner decodes files", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const decoded = decode(bytes);
        if ("skip" in decoded) return;
        expectSane(decoded.text, checkAll(decoded.text));
      }),
      { numRuns: 300 },
    );
  });

  it("on arbitrary text made of the syntax the rules read", () => {
    fc.assert(
      fc.property(soup, (text) => expectSane(text, checkAll(text))),
      { numRuns: 500 },
    );
  });

  it("on arbitrary valid YAML documents holding Bitnami references", () => {
    const leaf = fc.oneof(
      fc.constantFrom(
        "bitnami/redis:7",
        "https://charts.bitnami.com/bitnami",
        "bitnamilegacy/x",
        true,
        null,
      ),
      fc.string(),
      fc.integer(),
    );
    const key = fc.oneof(
      fc.constantFrom(
        "image",
        "repository",
        "registry",
        "global",
        "security",
        "allowInsecureImages",
        "chart",
        "url",
      ),
      fc.string(),
    );
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof(
        { depthSize: "small" },
        leaf,
        fc.array(tie("tree"), { maxLength: 4 }),
        fc.dictionary(key, tie("tree"), { maxKeys: 4 }),
      ),
    }));
    fc.assert(
      fc.property(fc.array(tree, { minLength: 1, maxLength: 3 }), (docs) => {
        const text = docs.map((d) => stringify(d)).join("---\n");
        expectSane(text, checkAll(text));
      }),
      { numRuns: 300 },
    );
  });
});

describe("positions", () => {
  it("point at the exact image text, however it is indented and quoted", () => {
    const image = fc
      .tuple(
        fc.constantFrom("", "docker.io/", "public.ecr.aws/"),
        fc.constantFrom("bitnami", "bitnamilegacy"),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/),
        fc.constantFrom("", ":16", ":7.2.4-debian-12-r0"),
      )
      .map(([registry, ns, name, tag]) => `${registry}${ns}/${name}${tag}`)
      .filter((i) => !/sealed-secrets-|\/minideb(:|$)/.test(i));
    fc.assert(
      fc.property(image, fc.nat(12), fc.constantFrom("", '"', "'"), (ref, indent, quote) => {
        const line = `${" ".repeat(indent)}- image: ${quote}${ref}${quote}`;
        const text = `containers:\n${line}\n`;
        const found = checkText("pod.yaml", "manifest", text);
        // bitnami-image, and image-latest-tag for an untagged successor image: both at the text.
        expect(found.map((f) => f.ruleId)).toContain("bitnami-image");
        for (const f of found) {
          expect(f.line).toBe(2);
          expect(line.slice(f.column - 1, f.endColumn - 1)).toBe(ref);
        }
      }),
      { numRuns: 300 },
    );
  });
});
