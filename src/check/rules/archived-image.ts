import { imageReferences } from "../images.js";
import type { Rule } from "../types.js";

const LAST_MINIO = "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z";
const LAST_LOCALSTACK = "localstack/localstack:4.14.0";

/** Images whose free line has ended: MinIO (archived) and LocalStack's floating tags. */
export const archivedImageRule: Rule = {
  meta: {
    id: "archived-image",
    severity: "warning",
    description: "MinIO images (archived) and LocalStack tags that now need an account",
    docs:
      "MinIO's repository is archived and no new images have been published since 2025-10, so " +
      `\`minio/minio\` and \`quay.io/minio/minio\` get no fixes (the last image is \`${LAST_MINIO}\`). ` +
      "From 2026-03 `localstack/localstack:latest` (and the calendar-versioned releases it " +
      "points to, as does `stable`) needs LOCALSTACK_AUTH_TOKEN and exits with code 55 " +
      `without it; \`${LAST_LOCALSTACK}\` is the last community tag. The rule reads manifests, ` +
      "compose files, Helm values and templates, kustomizations, Dockerfile FROM, CI files, " +
      "scripts and Tiltfiles; LocalStack is not reported in a file that sets " +
      "LOCALSTACK_AUTH_TOKEN.",
    advice: `Pin \`${LAST_MINIO}\` knowingly or move to another S3-compatible server; pin \`${LAST_LOCALSTACK}\` or set LOCALSTACK_AUTH_TOKEN.`,
  },
  fileTypes: [
    "manifest",
    "compose",
    "helm-values",
    "helm-template",
    "kustomization",
    "dockerfile",
    "ci",
    "shell",
    "tiltfile",
  ],
  triggers: ["minio/minio", "localstack/localstack"],
  *check(file) {
    const authenticated = file.text.includes("LOCALSTACK_AUTH_TOKEN");
    for (const image of imageReferences(file)) {
      const { ref, display, start, end } = image;
      if (
        ref.repository === "minio/minio" &&
        (ref.registry === "docker.io" || ref.registry === "quay.io")
      ) {
        yield {
          start,
          end,
          message: `\`${display}\` is MinIO, archived: no new images since 2025-10, so no security fixes`,
          advice: `The last image is \`${LAST_MINIO}\`: pin it knowingly, or move to another S3-compatible server (for tests, \`${LAST_LOCALSTACK}\` serves S3 too).`,
        };
      } else if (ref.registry === "docker.io" && ref.repository === "localstack/localstack") {
        // The last community tag is 4.14.0; releases since 2026.03 are calendar-versioned.
        const floating = ref.tag === undefined || /^(latest|stable|20\d\d\..*)$/.test(ref.tag);
        // A digest or a templated tag (`:${TAG}`) is not ours to judge.
        const unknown = display.includes("@") || /[:@]/.test(file.text[end] ?? "");
        if (!floating || unknown || authenticated) continue;
        yield {
          start,
          end,
          message: `\`${display}\` ${ref.tag === undefined ? "(no tag: `latest`) " : ""}needs LOCALSTACK_AUTH_TOKEN since 2026-03 and exits with code 55 without it`,
          advice: `Pin \`${LAST_LOCALSTACK}\`, the last community tag, or give it LOCALSTACK_AUTH_TOKEN from a LocalStack account.`,
        };
      }
    }
  },
};
