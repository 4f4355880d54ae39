import type { KindRule, KindRules } from "../spec/kinds.js";
import { external } from "./external/index.js";
import type { DependencyKind } from "./kind.js";
import { kafka } from "./kafka/index.js";
import { localstack } from "./localstack/index.js";
import { s3 } from "./s3/index.js";
import { postgres } from "./postgres/index.js";
import { rabbitmq } from "./rabbitmq/index.js";
import { redis } from "./redis/index.js";

/** Every dependency kind parity knows; adding one is one module and one line here. */
export const catalog: ReadonlyMap<string, DependencyKind> = new Map(
  [postgres, redis, rabbitmq, kafka, s3, localstack].map((kind) => [kind.name, kind]),
);

/** What the spec layer needs to validate services against the catalog. */
export const kindRules: KindRules = {
  kinds: new Map<string, KindRule>([...catalog, [external.name, external]]),
};

export function kindOf(name: string): DependencyKind {
  const kind = catalog.get(name);
  if (!kind) throw new Error(`unknown kind ${name}`); // the spec loader rejects these first
  return kind;
}

export type {
  DependencyKind,
  ServiceProfile,
  Check,
  ServerEnv,
  NamedPort,
  LocalRecipe,
  LocalContext,
  LocalProcess,
  NpmDistribution,
  MavenDistribution,
  GoDistribution,
  PypiDistribution,
  ServerDistribution,
} from "./kind.js";
