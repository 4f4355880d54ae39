import { isSeq, type Node } from "yaml";
import type { SourceFile } from "../source.js";
import type { Rule, RuleFinding } from "../types.js";
import {
  composeEnv,
  composeServices,
  env,
  isPersistent,
  mounts,
  postgresMajor,
  workloads,
} from "../workloads.js";
import { get, offsetIn, stringOf } from "../yaml.js";

const OLD = "/var/lib/postgresql/data";
const PGDATA = `${OLD}/pgdata`;
const ADVICE_18 =
  "Mount the volume at `/var/lib/postgresql` (the 18+ image keeps its data in `/var/lib/postgresql/18/docker`, so `pg_upgrade --link` works across majors); an existing 17 data directory needs `pg_upgrade` first.";
const ADVICE_17 = `Set \`PGDATA=${PGDATA}\` (env: \`{name: PGDATA, value: ${PGDATA}}\`), or mount with \`subPath: pgdata\`, so that initdb gets an empty directory below the volume's root.`;

/** Volumes at the pre-18 data path: the 18 entrypoint exits; before 18, lost+found breaks initdb. */
export const postgresDataPathRule: Rule = {
  meta: {
    id: "postgres-data-path",
    severity: "error",
    description: "A postgres volume at /var/lib/postgresql/data that the image cannot use",
    docs:
      "PostgreSQL 18 images moved their data to `/var/lib/postgresql/18/docker` and their VOLUME " +
      "to `/var/lib/postgresql`. When PGDATA is left at that default, the 18 entrypoint refuses " +
      "to initialize while `/var/lib/postgresql/data` is a mount point and exits with 'in 18+, " +
      "these Docker images are configured to store database data in a format which is " +
      "compatible with pg_ctlcluster' (an error). Untagged and `latest` official images are 18 " +
      "or later. Up to 17, a persistent volume mounted at `/var/lib/postgresql/data` with PGDATA " +
      "at the volume's root makes initdb fail on real disks, whose root holds `lost+found` " +
      "('directory exists but is not empty'), so PGDATA must point to a subdirectory (a " +
      "warning; emptyDir and hostPath volumes, compose named volumes and `subPath` mounts have " +
      "no lost+found). The rule reads Kubernetes workloads and compose services running the " +
      "official image or images built on it (postgis, pgvector, timescaledb).",
    advice: ADVICE_18,
  },
  fileTypes: ["manifest", "compose"],
  triggers: [OLD],
  check(file) {
    return file.type === "compose" ? compose(file) : manifests(file);
  },
};

/** The finding for one mount at the old path, given the image's major and PGDATA, if any. */
function judge(
  file: SourceFile,
  at: Node,
  image: string,
  major: number | "latest",
  pgdata: string | undefined,
  lostFound: boolean,
): RuleFinding | undefined {
  const start = offsetIn(file.text, at, OLD);
  const end = start + OLD.length;
  const data = (pgdata ?? "").replace(/\/+$/, "");
  // The 18 entrypoint checks for a mount at the old path only when PGDATA is its default.
  if (
    (major === "latest" || major >= 18) &&
    (!data || /^\/var\/lib\/postgresql\/\d+\/docker$/.test(data))
  ) {
    return {
      start,
      end,
      message: `\`${image}\` is PostgreSQL ${major === "latest" ? "18 or later" : major}, whose entrypoint exits when a volume is mounted at \`${OLD}\``,
      advice: ADVICE_18,
    };
  }
  if (lostFound && (!data || data === OLD)) {
    return {
      start,
      end,
      severity: "warning",
      message: `\`${image}\` initializes its data at the root of the volume mounted at \`${OLD}\`: initdb fails when the disk's root holds lost+found`,
      advice: ADVICE_17,
    };
  }
  return undefined;
}

/** Whether a command replaces the image's entrypoint (which is what initializes PGDATA). */
function replaced(command: Node | undefined): boolean {
  const first = stringOf(isSeq(command) ? command.items[0] : command);
  return command !== undefined && !/docker-entrypoint/.test(first ?? "");
}

function* manifests(file: SourceFile): Generator<RuleFinding> {
  for (const workload of workloads(file)) {
    for (const container of workload.containers) {
      const major = container.image && postgresMajor(container.image);
      if (major === undefined || !container.image || replaced(get(container.node, "command"))) {
        continue;
      }
      const pgdata = env(container, "PGDATA");
      // PGDATA from valueFrom is unknowable: assume it was set on purpose.
      if (pgdata && pgdata.value === undefined) continue;
      for (const mount of mounts(workload, container)) {
        if (mount.path !== OLD) continue;
        const lostFound = isPersistent(mount.volume) && !mount.subPath;
        const display = container.image.display;
        const found = judge(file, mount.pathNode, display, major, pgdata?.value, lostFound);
        if (found) yield found;
      }
    }
  }
}

function* compose(file: SourceFile): Generator<RuleFinding> {
  for (const service of composeServices(file)) {
    const major = service.image && postgresMajor(service.image);
    if (major === undefined || !service.image || replaced(get(service.node, "entrypoint"))) {
      continue;
    }
    const list = get(service.node, "volumes");
    for (const volume of isSeq(list) ? list.items : []) {
      // `name:/var/lib/postgresql/data[:ro]`, a bare path (anonymous volume) or `{target: …}`.
      const short = stringOf(volume);
      const at = short === undefined ? get(volume, "target") : (volume as Node);
      const parts = (short ?? stringOf(at) ?? "").split(":");
      const target = short !== undefined && parts.length > 1 ? parts[1] : parts[0];
      if (!at || target?.replace(/(.)\/+$/, "$1") !== OLD) continue;
      // Docker volumes and bind mounts are directories: no lost+found, only the 18 exit.
      const pgdata = composeEnv(service, "PGDATA");
      const found = judge(file, at, service.image.display, major, pgdata, false);
      if (found) yield found;
    }
  }
}
