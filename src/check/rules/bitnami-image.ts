import {
  bitnamiImage as classify,
  imageReplacement,
  knownChartAlternative,
  type BitnamiImageKind,
} from "../bitnami.js";
import { imageReferences } from "../images.js";
import type { Rule, RuleFinding, Severity } from "../types.js";

const WHY: Record<BitnamiImageKind, { severity: Severity; why: (tag?: string) => string }> = {
  bitnami: {
    severity: "error",
    why: () => "no longer exists: the public docker.io/bitnami catalog was deleted on 2025-09-29",
  },
  ecr: {
    severity: "error",
    why: () => "no longer exists: public.ecr.aws/bitnami was retired on 2026-06-10",
  },
  legacy: {
    severity: "warning",
    why: () => "is frozen: bitnamilegacy holds copies of the old tags and gets no security fixes",
  },
  secure: {
    severity: "warning",
    why: (tag) =>
      tag && tag !== "latest"
        ? `does not exist: the free bitnamisecure images publish only the \`latest\` tag, not \`${tag}\``
        : "moves under you: the free bitnamisecure images publish only the `latest` tag",
  },
  mirror: {
    severity: "warning",
    why: () => "is a copy of a Bitnami image: its source stopped updating in 2025",
  },
};

/** Images from the deleted, frozen or retired Bitnami registries. */
export const bitnamiImageRule: Rule = {
  meta: {
    id: "bitnami-image",
    severity: "error",
    description: "Container images from Bitnami's deleted, frozen or retired registries",
    docs:
      "Bitnami stopped publishing free images in 2025. From 2025-09-29 the public docker.io/bitnami " +
      "catalog is deleted, so pulls of `bitnami/*` fail and pods sit in ImagePullBackOff. The old " +
      "versioned tags were copied to docker.io/bitnamilegacy, frozen: they get no security fixes. " +
      "docker.io/bitnamisecure has a small free set of hardened images with the `latest` tag only. " +
      "public.ecr.aws/bitnami was retired on 2026-06-10. Not affected: bitnami/sealed-secrets-* " +
      "and bitnami/minideb. The rule looks at `image:` keys in manifests, compose files and CI " +
      "files, registry/repository maps in Helm values (including global.imageRegistry and " +
      "sub-images such as volumePermissions.image and metrics.image), Dockerfile FROM and " +
      "--from=, and docker run / --image= / image.repository= in scripts and Tiltfiles.",
    advice:
      "Move to the official image of the software (postgres, redis, rabbitmq, valkey/valkey, " +
      "apache/kafka, mongo, mysql, mariadb, …), pinned to a version. Its environment variables, " +
      "data paths and user differ from Bitnami's: adjust them (e.g. POSTGRES_PASSWORD instead " +
      "of POSTGRESQL_PASSWORD). Where a Bitnami chart deploys it, replace the chart too " +
      "(see bitnami-chart).",
  },
  fileTypes: [
    "manifest",
    "helm-values",
    "helm-template",
    "compose",
    "ci",
    "dockerfile",
    "kustomization",
    "helmfile",
    "shell",
    "tiltfile",
  ],
  triggers: ["bitnami"],
  *check(file) {
    for (const image of imageReferences(file)) {
      const affected = classify(image.ref);
      if (!affected) continue;
      const { severity, why } = WHY[affected.kind];
      const advice = [
        imageReplacement(affected.name),
        image.inChart ? (knownChartAlternative(affected.name) ?? "") : "",
        affected.kind === "legacy" ? "Keep bitnamilegacy only as a stopgap." : "",
      ];
      const finding: RuleFinding = {
        start: image.start,
        end: image.end,
        severity,
        message: `\`${image.display}\` ${why(image.ref.tag)}`,
        advice: advice.filter(Boolean).join(" "),
      };
      yield finding;
    }
  },
};
