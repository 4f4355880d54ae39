import { findCycle } from "../graph/dag.js";
import { COMMON_SERVICE_OPTIONS, type KindRules } from "./kinds.js";
import type { PathSegment } from "./positions.js";
import { didYouMean } from "./suggest.js";

export interface RawIssue {
  path: PathSegment[];
  message: string;
  /** Point at the key rather than its value (unknown or misplaced keys). */
  atKey?: boolean;
}

type Raw = Record<string, unknown>;
const SECTIONS = ["services", "jobs", "apps"] as const;

const isRecord = (value: unknown): value is Raw =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Checks across the spec that a schema cannot express: kinds, references, duplicates, cycles.
 * It reads the raw document defensively so that its problems are reported together with the
 * schema's, not one round later.
 */
export function checkSemantics(raw: unknown, rules: KindRules): RawIssue[] {
  if (!isRecord(raw)) return [];
  const issues: RawIssue[] = [];
  const section = (name: string): Raw => (isRecord(raw[name]) ? (raw[name] as Raw) : {});
  const services = section("services");
  const jobs = section("jobs");
  const apps = section("apps");
  const allNames = [...Object.keys(services), ...Object.keys(jobs), ...Object.keys(apps)];

  checkKinds(services, rules, issues);
  checkUniqueNames(raw, issues);

  const deps = new Map<string, string[]>();
  for (const sectionName of SECTIONS) {
    for (const [name, body] of Object.entries(section(sectionName))) {
      if (!isRecord(body)) {
        deps.set(name, []);
        continue;
      }
      const uses = checkRefs(
        body.uses,
        [sectionName, name, "uses"],
        Object.keys(services),
        "service",
        issues,
      );
      const after = checkRefs(
        body.after,
        [sectionName, name, "after"],
        allNames,
        "resource",
        issues,
      );
      for (const [i, ref] of after.entries()) {
        if (ref === name)
          issues.push({
            path: [sectionName, name, "after", i],
            message: `${name} cannot run after itself`,
          });
      }
      deps.set(
        name,
        [...uses, ...after].filter((ref) => ref !== name),
      );
    }
  }
  checkJobs(jobs, apps, issues);
  checkApps(apps, issues);
  checkForwards(services, apps, rules, issues);

  const cycle = findCycle(deps);
  if (cycle) {
    const first = cycle[0]!;
    const where = SECTIONS.find((s) => first in section(s)) ?? "jobs";
    issues.push({
      path: [where, first],
      message: `dependency cycle: ${cycle.join(" → ")}`,
      atKey: true,
    });
  }
  return issues;
}

function checkKinds(services: Raw, rules: KindRules, issues: RawIssue[]): void {
  const kinds = [...rules.kinds.keys()];
  for (const [name, body] of Object.entries(services)) {
    const options = isRecord(body) ? body : {};
    const declared = options.kind;
    let kind: string | undefined;
    if (declared === undefined) {
      if (rules.kinds.has(name)) kind = name;
      else
        issues.push({
          path: ["services", name],
          atKey: true,
          message: `kind is required: "${name}" is not a kind${didYouMean(name, kinds)}; kinds: ${kinds.join(", ")}`,
        });
    } else if (typeof declared === "string") {
      if (rules.kinds.has(declared)) kind = declared;
      else
        issues.push({
          path: ["services", name, "kind"],
          message: `unknown kind "${declared}"${didYouMean(declared, kinds)}; kinds: ${kinds.join(", ")}`,
        });
    }
    if (!kind) continue;
    const rule = rules.kinds.get(kind);
    for (const option of rule?.required ?? [])
      if (!(option in options))
        issues.push({
          path: ["services", name],
          atKey: true,
          message: `kind ${kind} needs ${option}`,
        });
    const variables = Array.isArray(options.variables) ? options.variables : [];
    if (typeof options.check === "string" && !variables.includes(options.check))
      issues.push({
        path: ["services", name, "check"],
        message: `check must name one of the service's variables (${variables.join(", ") || "none given"})`,
      });
    const specific = rule?.options ?? [];
    const common: readonly string[] = rule?.commonOptions ?? COMMON_SERVICE_OPTIONS;
    for (const option of Object.keys(options)) {
      if (
        (COMMON_SERVICE_OPTIONS as readonly string[]).includes(option) &&
        !common.includes(option)
      ) {
        issues.push({
          path: ["services", name, option],
          atKey: true,
          message: `"${option}" is not an option of kind ${kind}: parity does not run it (its options: ${[...common.filter((o) => o !== "kind"), ...specific].join(", ")})`,
        });
        continue;
      }
      const isCommon = common.includes(option);
      const isOtherKinds = [...rules.kinds.values()].some((k) => k.options.includes(option));
      if (!isCommon && !specific.includes(option) && isOtherKinds) {
        issues.push({
          path: ["services", name, option],
          atKey: true,
          message: `"${option}" is not an option of kind ${kind}${specific.length ? ` (its options: ${specific.join(", ")})` : ""}`,
        });
      }
    }
  }
}

function checkUniqueNames(raw: Raw, issues: RawIssue[]): void {
  const owner = new Map<string, string>();
  for (const sectionName of SECTIONS) {
    const body = raw[sectionName];
    if (!isRecord(body)) continue;
    for (const name of Object.keys(body)) {
      const first = owner.get(name);
      if (first)
        issues.push({
          path: [sectionName, name],
          atKey: true,
          message: `"${name}" is already defined in ${first}: names are shared by services, jobs and apps (they become Kubernetes object names)`,
        });
      else owner.set(name, sectionName);
    }
  }
}

function checkRefs(
  value: unknown,
  path: PathSegment[],
  known: string[],
  what: string,
  issues: RawIssue[],
): string[] {
  if (!Array.isArray(value)) return [];
  const refs: string[] = [];
  for (const [i, ref] of value.entries()) {
    if (typeof ref !== "string") continue;
    if (known.includes(ref)) refs.push(ref);
    else
      issues.push({
        path: [...path, i],
        message: `unknown ${what} "${ref}"${didYouMean(ref, known)}`,
      });
  }
  return refs;
}

function checkJobs(jobs: Raw, apps: Raw, issues: RawIssue[]): void {
  const appNames = Object.keys(apps);
  for (const [name, body] of Object.entries(jobs)) {
    if (!isRecord(body)) continue;
    if (typeof body.app === "string" && !appNames.includes(body.app)) {
      issues.push({
        path: ["jobs", name, "app"],
        message: `unknown app "${body.app}"${didYouMean(body.app, appNames)}`,
      });
    }
    if (body.image === undefined && appNames.length === 0) {
      issues.push({
        path: ["jobs", name],
        atKey: true,
        message: "image is required: the spec has no app whose image the job could use",
      });
    }
  }
}

function checkApps(apps: Raw, issues: RawIssue[]): void {
  for (const [name, body] of Object.entries(apps)) {
    if (!isRecord(body)) continue;
    if (body.readiness !== undefined && body.port === undefined) {
      issues.push({
        path: ["apps", name, "readiness"],
        atKey: true,
        message: "readiness needs a port to probe: set port",
      });
    }
    if (body.forward !== undefined && body.forward !== false && body.port === undefined) {
      issues.push({
        path: ["apps", name, "forward"],
        atKey: true,
        message: "forward needs a port to forward to: set port",
      });
    }
  }
}

/** Two resources forwarded to one host port cannot both run; defaults count (two postgres on 5432). */
function checkForwards(services: Raw, apps: Raw, rules: KindRules, issues: RawIssue[]): void {
  const taken = new Map<number, string>();
  const claim = (port: unknown, path: PathSegment[], owner = path.slice(0, 2).join(".")) => {
    if (typeof port !== "number") return;
    const holder = taken.get(port);
    if (holder)
      issues.push({
        path,
        message: `host port ${port} is already taken by ${holder}: set forward to another port, or false`,
      });
    else taken.set(port, owner);
  };
  for (const [name, raw] of Object.entries(services)) {
    const body = isRecord(raw) ? raw : {};
    const kind = typeof body.kind === "string" ? body.kind : name;
    const rule = rules.kinds.get(kind);
    const path = ["services", name, "forward"];
    const main = body.forward === false ? rule?.port : (body.forward ?? rule?.port);
    if (body.forward !== false) claim(main, path);
    for (const [what, offset] of Object.entries(rule?.companionPorts ?? {})) {
      if (typeof main !== "number") continue;
      if (main + offset > 65535) {
        issues.push({
          path,
          message: `${kind} also binds its ${what} port at ${main} + ${offset} on this machine: forward must be at most ${65535 - offset}`,
        });
      } else claim(main + offset, path, `services.${name} (its ${what} port)`);
    }
    if (body.forward === false) continue;
    for (const [option, port] of Object.entries(rule?.optionPorts ?? {})) {
      const value = body[option];
      if (value === true || typeof value === "number")
        claim(value === true ? port : value, ["services", name, option]);
    }
  }
  for (const [name, body] of Object.entries(apps)) {
    if (isRecord(body)) claim(body.forward ?? body.port, ["apps", name, "forward"]);
  }
}
