import { BACKING_KINDS } from "../connections.js";
import { bitnamiImage } from "../bitnami.js";
import { imageReferences } from "../images.js";
import type { Rule } from "../types.js";
import { dependencyKind, dependencyWords, type DependencyKind } from "../workloads.js";

/** Versions to pin, for the official images (the ones parity's catalog runs). */
const PINS: Record<string, string> = {
  postgres: "postgres:18.1",
  redis: "redis:8.4.0",
  "valkey/valkey": "valkey/valkey:9.0.1",
  rabbitmq: "rabbitmq:4.2.2-management",
  "apache/kafka": "apache/kafka:4.1.1",
  mysql: "mysql:8.4",
  mariadb: "mariadb:11.4",
};

// Reported elsewhere: minio's own images by archived-image (with the tag to pin), Bitnami's
// by bitnami-image (they are gone or frozen, whatever the tag).
const ARCHIVED = /^(docker\.io|quay\.io)\/minio\/minio$/;

/** Backing services, plus the stores whose data outlives a pod. */
const STATEFUL = new Set<DependencyKind>([...BACKING_KINDS, "elasticsearch", "minio"]);

/** Databases and brokers on a floating tag: a new major arrives with the next pull. */
export const statefulImageTagRule: Rule = {
  meta: {
    id: "stateful-image-tag",
    severity: "warning",
    description: "Database and broker images on `latest`, no tag, or a tag without a version",
    docs:
      "A stateful server's data outlives its image, and a new major version may not read it: " +
      "postgres needs pg_upgrade between majors (and 18 moved its data directory), RabbitMQ " +
      "refuses to skip feature flags, Kafka and Elasticsearch have upgrade paths. An image on " +
      "`latest`, on no tag (which is `latest`) or on a tag with no version in it (`alpine`, " +
      "`management`) changes whenever a node pulls it, so a restart can upgrade the server " +
      "under its data. The rule reads Kubernetes manifests and compose files for postgres, " +
      "redis, valkey, rabbitmq, mysql, mariadb, mongo, kafka, elasticsearch/opensearch and " +
      "minio images (official or a common distribution); a digest pins the image and is fine, " +
      "and a templated tag (`postgres:${PG_VERSION}`) is not judged.",
    advice: "Pin the version you run in production, e.g. `postgres:18.1`.",
  },
  fileTypes: ["manifest", "compose"],
  // An image of a dependency names it (postgres, bitnami/postgresql, cp-kafka…).
  triggers: [dependencyWords()],
  *check(file) {
    for (const image of imageReferences(file)) {
      const { ref, display } = image;
      const kind = dependencyKind(ref);
      if (!kind || !STATEFUL.has(kind) || bitnamiImage(ref)) continue;
      if (ARCHIVED.test(`${ref.registry}/${ref.repository}`)) continue;
      // A digest pins it; `:` or `@` right after the literal text starts a templated tag.
      if (display.includes("@") || /[:@]/.test(file.text[image.end] ?? "")) continue;
      if (ref.tag !== undefined && /\d/.test(ref.tag) && ref.tag !== "latest") continue;
      const repository = ref.repository.replace(/^library\//, "");
      const pin = ref.registry === "docker.io" ? PINS[repository] : undefined;
      yield {
        start: image.start,
        end: image.end,
        message: `${
          ref.tag === undefined
            ? `\`${display}\` has no tag, so it runs \`latest\``
            : ref.tag === "latest"
              ? `\`${display}\` moves with every release`
              : `\`${display}\` names no version`
        }: the next pull can bring a new major version of ${kind} over existing data`,
        advice: pin
          ? `Pin a version, e.g. \`${pin}\`.`
          : `Pin a version tag (e.g. \`${display.split(/[:@]/)[0]}:<version>\`), ideally with its digest.`,
      };
    }
  },
};
