import type { ImageRef } from "../bitnami.js";
import { BACKING_KINDS } from "../connections.js";
import type { Rule } from "../types.js";
import { runInventory } from "../inventory.js";
import { composeServices } from "../workloads.js";

/** A repository as its images are compared: `docker.io/postgres` is `docker.io/library/postgres`. */
function repositoryOf(ref: ImageRef): string {
  const repository =
    ref.registry === "docker.io" ? ref.repository.replace(/^library\//, "") : ref.repository;
  return `${ref.registry}/${repository}`;
}

/** A dependency described both by a compose file and by Kubernetes manifests. */
export const composeAndManifestsDriftRule: Rule = {
  meta: {
    id: "compose-and-manifests-drift",
    severity: "warning",
    description:
      "A database, cache or broker described both in a compose file and in Kubernetes manifests",
    docs:
      "A compose file beside the Kubernetes manifests describes the same dependency twice: image " +
      "tag, credentials, volumes and settings are kept in step by hand, and they drift (the " +
      "compose file gets postgres:16 while the cluster runs postgres:17, and the bug only shows " +
      "in one of them). The rule compares the images of compose services with the containers of " +
      "the repository's manifests, for PostgreSQL, Redis, Valkey, RabbitMQ, MySQL, MariaDB, " +
      "MongoDB and Kafka images: the same image repository (whatever the tag) in both is reported " +
      "on the compose service. Helm charts and templates are not compared.",
    advice:
      "Keep one description: let parity.yaml render the Kubernetes manifests and run the same " +
      "stack locally (`parity up`), and remove the service from the compose file (or the compose " +
      "file itself).",
  },
  fileTypes: ["compose"],
  triggers: ["image"],
  scope: "inventory",
  *check(file, context) {
    const services = composeServices(file).filter((s) => s.kind && BACKING_KINDS.has(s.kind));
    const inventory = services.length ? runInventory(context) : undefined;
    if (!inventory) return;
    const deployed = inventory.flatMap((f) =>
      f.objects.flatMap((w) =>
        // What runs the dependency: not a Job or an init container using its image as a client.
        (w.pods?.containers ?? []).flatMap((c) =>
          c.image && !c.init && !/Job$/.test(w.kind) ? [{ file: f.path, image: c.image }] : [],
        ),
      ),
    );
    for (const service of services) {
      const image = service.image!;
      const same = deployed.filter((d) => repositoryOf(d.image.ref) === repositoryOf(image.ref));
      if (!same.length) continue;
      const where = [...new Set(same.map((d) => `${d.file} (\`${d.image.display}\`)`))].sort();
      const more = where.length > 1 ? ` and ${where.length - 1} more` : "";
      yield {
        start: image.start,
        end: image.end,
        message:
          `\`${image.display}\` (compose service \`${service.name}\`) is also deployed by ` +
          `${where[0]}${more}: two descriptions of the same dependency, which drift apart`,
      };
    }
  },
};
