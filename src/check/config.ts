import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { UsageError } from "../errors.js";
import type { RuleLevel } from "./types.js";

/** What a run is told, from .paritycheck.yaml and the command line. */
export interface CheckConfig {
  /** Levels that differ from the rules' defaults. */
  levels: Map<string, RuleLevel>;
  /** Globs of paths not to scan, relative to the root. */
  ignore: string[];
}

export const CONFIG_FILES = [".paritycheck.yaml", ".paritycheck.yml"];
const LEVELS = new Set(["off", "warning", "error"]);

function checkLevel(
  id: string,
  level: string,
  known: ReadonlySet<string>,
  where: string,
): RuleLevel {
  if (!known.has(id)) {
    throw new UsageError(`${where}unknown rule "${id}" (rules: ${[...known].join(", ")})`);
  }
  if (!LEVELS.has(level)) {
    throw new UsageError(`${where}level of ${id} must be off, warning or error, not "${level}"`);
  }
  return level as RuleLevel;
}

/** `--rule ID=LEVEL`, repeatable; later ones win. */
export function parseRuleOptions(
  values: readonly string[],
  known: ReadonlySet<string>,
): Map<string, RuleLevel> {
  const levels = new Map<string, RuleLevel>();
  for (const value of values) {
    const m = /^\s*([\w-]+)\s*[=:]\s*(\w+)\s*$/.exec(value);
    if (!m) throw new UsageError(`--rule ${value}: expected ID=off|warning|error`);
    levels.set(m[1]!, checkLevel(m[1]!, m[2]!, known, "--rule: "));
  }
  return levels;
}

/** `.paritycheck.yaml` at the root: `rules: {ID: LEVEL}` and `ignore: [GLOB]`. Absent: empty. */
export function loadConfigFile(root: string, known: ReadonlySet<string>): CheckConfig {
  const config: CheckConfig = { levels: new Map(), ignore: [] };
  const name = CONFIG_FILES.find((f) => existsSync(join(root, f)));
  if (!name) return config;
  const lines = new LineCounter();
  const doc = parseDocument(readFileSync(join(root, name), "utf8"), { lineCounter: lines });
  const at = (node: { range?: unknown } | null | undefined) => {
    const offset = (node?.range as [number] | undefined)?.[0] ?? 0;
    const { line, col } = lines.linePos(offset);
    return `${name}:${line}:${col}: `;
  };
  const error = doc.errors[0];
  if (error) throw new UsageError(`${at({ range: error.pos })}${error.message.split("\n")[0]}`);
  const root_ = doc.contents as Node | null;
  if (root_ === null || (isScalar(root_) && root_.value === null)) return config;
  if (!isMap(root_)) throw new UsageError(`${at(root_)}expected a mapping with rules and ignore`);
  for (const pair of root_.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    const value = pair.value as Node | null;
    if (key === "rules" && isMap(value)) {
      for (const rule of value.items) {
        const id = isScalar(rule.key) ? String(rule.key.value) : "";
        const level = isScalar(rule.value) ? String(rule.value.value) : "";
        config.levels.set(id, checkLevel(id, level, known, at(rule.value as Node)));
      }
    } else if (key === "ignore" && isSeq(value)) {
      for (const item of value.items) {
        if (!isScalar(item) || typeof item.value !== "string") {
          throw new UsageError(`${at(item as Node)}ignore entries must be glob strings`);
        }
        config.ignore.push(item.value);
      }
    } else if (key === "rules" || key === "ignore") {
      throw new UsageError(
        `${at(value ?? (pair.key as Node))}${key} must be a ${key === "rules" ? "mapping" : "list"}`,
      );
    } else {
      throw new UsageError(`${at(pair.key as Node)}unknown key "${key}" (expected rules, ignore)`);
    }
  }
  return config;
}
