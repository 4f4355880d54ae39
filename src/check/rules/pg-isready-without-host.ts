import { isSeq, type Node } from "yaml";
import type { SourceFile } from "../source.js";
import { addItemsAfter } from "../edit.js";
import type { Fix, Rule, RuleFinding } from "../types.js";
import { called, composeEnv, composeServices, env, workloads } from "../workloads.js";
import { get, getIn, stringOf } from "../yaml.js";

/** A command found in a file: its words (list items) or one shell string, and what it is. */
interface Command {
  nodes: Node[];
  /** The list the words are items of (undefined for one shell string). */
  list?: Node;
  /** e.g. "the readinessProbe of container `db`". */
  where: string;
  /** The postgres server's own health check (rather than a client waiting for a server). */
  own: boolean;
}

const OWN_ADVICE =
  'Add `-h 127.0.0.1`, e.g. `pg_isready -h 127.0.0.1 -p 5432 -U "$POSTGRES_USER"` (in an exec probe: `["sh", "-c", "pg_isready -h 127.0.0.1 -p 5432 -U \\"$POSTGRES_USER\\""]`), so that it waits for the server that listens on TCP.';
const CLIENT_ADVICE =
  "Point it at the server: `pg_isready -h <the postgres Service or compose service> -p 5432`, or set PGHOST in the container's environment.";

/** pg_isready that asks the unix socket: too early in the server's own probe, never elsewhere. */
export const pgIsreadyWithoutHostRule: Rule = {
  meta: {
    id: "pg-isready-without-host",
    severity: "warning",
    description: "pg_isready without -h in probes, wait commands and compose healthchecks",
    docs:
      "Without `-h` (or PGHOST) pg_isready asks the unix socket. On a first start the postgres " +
      "image's entrypoint runs initdb and init scripts under a temporary server that listens on " +
      "the socket only (listen_addresses=''), then stops it and starts the real one: a socket " +
      "probe in the server's own container reports ready during that window, so clients connect " +
      "to a server that is about to stop. In any other container (an init container or a job " +
      "waiting for the database) there is no server on the local socket, so the wait never " +
      "ends. The rule reads exec probes, container command/args (`sh -c` strings too) in " +
      "Kubernetes workloads, and healthcheck/command/entrypoint of compose services; a " +
      "container or service that sets PGHOST is not reported, nor the server's own liveness " +
      "and startup probes (the socket answers while the process is alive, and over TCP they " +
      "could kill it during its first-start init), nor quoted text (`echo 'pg_isready failed'`) " +
      "and other programs (`pg_isready.sh`). Helm templates are not read.",
    advice: OWN_ADVICE,
  },
  fileTypes: ["manifest", "compose"],
  triggers: ["pg_isready"],
  *check(file) {
    for (const command of file.type === "compose" ? compose(file) : manifests(file)) {
      yield* findings(file, command);
    }
  },
};

function* manifests(file: SourceFile): Generator<Command> {
  for (const workload of workloads(file)) {
    for (const container of workload.containers) {
      if (env(container, "PGHOST")) continue;
      const what = called(
        container.init ? "init container" : "container",
        container.node,
        ["name"],
        file,
      );
      // The server: a postgres image, or one built on it (set up by the entrypoint's settings).
      const own =
        !container.init &&
        (container.kind === "postgres" ||
          !!env(container, "PGDATA") ||
          !!env(container, "POSTGRES_INITDB_ARGS"));
      // The server's own liveness and startup probes may ask the socket: the process is alive
      // during its first-start init, when TCP is not up yet (over TCP they could kill it then).
      const probes = own ? ["readinessProbe"] : ["readinessProbe", "livenessProbe", "startupProbe"];
      for (const probe of probes) {
        const command = getIn(container.node, [probe, "exec", "command"]);
        if (!command) continue;
        yield { nodes: words(command), list: command, where: `the ${probe} of ${what}`, own };
      }
      const run = [...words(get(container.node, "command")), ...words(get(container.node, "args"))];
      yield { nodes: run, where: `the command of ${what}`, own: false };
    }
  }
}

function* compose(file: SourceFile): Generator<Command> {
  for (const service of composeServices(file)) {
    if (composeEnv(service, "PGHOST") !== undefined) continue;
    const what = `service \`${service.name}\``;
    const test = getIn(service.node, ["healthcheck", "test"]);
    const own = service.kind === "postgres";
    yield { nodes: words(test), list: test, where: `the healthcheck of ${what}`, own };
    for (const key of ["command", "entrypoint"]) {
      yield { nodes: words(get(service.node, key)), where: `the ${key} of ${what}`, own: false };
    }
  }
}

/** The words of a command: the items of a list, or the one scalar of a string form. */
function words(node: Node | undefined): Node[] {
  if (!node) return [];
  return isSeq(node) ? node.items.filter((item): item is Node => !!item) : [node];
}

const PROGRAM = /^(?:\S*\/)?pg_isready$/;
/** The program's name in a shell string: not part of another name (`pg_isready.sh`). */
const WORD = /(?<![\w.-])pg_isready(?![\w.-])/g;

/** Whether list item `i` is a script: after `sh -c` (`-ec`, …) or compose's `CMD-SHELL`. */
function isScript(values: readonly (string | undefined)[], i: number): boolean {
  return (
    i > 0 && (/^-[a-z]*c$/.test(values[i - 1] ?? "") || (i === 1 && values[0] === "CMD-SHELL"))
  );
}

/**
 * Whether a shell string's offset lies inside a quoted string that is data (`echo 'pg_isready
 * failed'`), not a script (`sh -c 'until pg_isready; …'`).
 */
function quoted(text: string, at: number): boolean {
  let open = -1;
  for (let k = 0; k < at; k++) {
    const c = text[k]!;
    if (open !== -1) {
      if (c === text[open]) open = -1;
      else if (c === "\\" && text[open] === '"') k++;
    } else if (c === "'" || c === '"') open = k;
    else if (c === "\\") k++;
  }
  return open !== -1 && !/(?:^|\s)-[a-z]*c\s+$/.test(text.slice(0, open));
}

function* findings(file: SourceFile, command: Command): Generator<RuleFinding> {
  const values = command.nodes.map((n) => stringOf(n));
  for (const [i, value] of values.entries()) {
    if (value === undefined) continue;
    // `["pg_isready", "-U", "app"]`: the next words are its arguments. After `sh -c` (or
    // compose's CMD-SHELL) a word is a script, whose arguments are in it.
    const argv = PROGRAM.test(value) && !isScript(values, i);
    const uses = argv
      ? [{ nth: 0, args: values.slice(i + 1).map((v) => v ?? "") }]
      : [...value.matchAll(WORD)].flatMap((m, nth) =>
          // `echo 'pg_isready failed'` runs no pg_isready.
          quoted(value, m.index) ? [] : [{ nth, args: shellArgs(value, m) }],
        );
    for (const { nth, args } of uses) {
      if (hasHost(args) || (!PROGRAM.test(value) && /\bPGHOST=/.test(value))) continue;
      const start = nthIndex(file.text, command.nodes[i]!, nth);
      const fix = command.own ? ownHost(file, command, i, argv, start) : undefined;
      yield {
        ...(fix ? { fix } : {}),
        start,
        end: start + "pg_isready".length,
        message: command.own
          ? `\`pg_isready\` without \`-h\` in ${command.where} asks the unix socket, where the entrypoint's temporary first-start server answers: ready before the real server listens on TCP`
          : `\`pg_isready\` without \`-h\` in ${command.where} asks the unix socket of its own container, where no server runs: the wait never ends`,
        advice: command.own ? OWN_ADVICE : CLIENT_ADVICE,
      };
    }
  }
}

/**
 * `-h 127.0.0.1` right after the server's own pg_isready: two list items after the word when it
 * is the program of an argv list (`argv`), else words inserted after it in its string. (A
 * client's host is the server's Service, which only its author knows.)
 */
function ownHost(
  file: SourceFile,
  command: Command,
  i: number,
  argv: boolean,
  start: number,
): Fix | undefined {
  const edit =
    argv && isSeq(command.list)
      ? addItemsAfter(file.text, command.list, command.nodes[i]!, ["-h", "127.0.0.1"])
      : file.text.startsWith("pg_isready", start)
        ? {
            range: [start + "pg_isready".length, start + "pg_isready".length] as const,
            text: " -h 127.0.0.1",
          }
        : undefined;
  return edit && { description: "add `-h 127.0.0.1` to pg_isready", edits: [edit] };
}

/** The arguments of one pg_isready call in a shell string, up to the end of that command. */
function shellArgs(text: string, match: RegExpExecArray | RegExpMatchArray): string[] {
  const rest = text.slice((match.index ?? 0) + match[0].length).split(/[;&|)`\n]/)[0]!;
  return (rest.match(/"[^"]*"|'[^']*'|[^\s"']+/g) ?? []).map((w) => w.replace(/^["']|["']$/g, ""));
}

/** Whether pg_isready's arguments name a host: -h, --host, or a conninfo/URL with one in -d. */
function hasHost(args: readonly string[]): boolean {
  const conninfo = (v: string | undefined) =>
    !!v && (/(^|[\s?&])(host|hostaddr)=/.test(v) || /^postgres(ql)?:\/\/([^@/]*@)?[^/?:@]/.test(v));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") break;
    if (arg.startsWith("--")) {
      const [option, value] = arg.split(/=(.*)/s);
      if (option === "--host") return true;
      const takesValue = ["--dbname", "--port", "--timeout", "--username"].includes(option!);
      const v = value ?? (takesValue ? args[++i] : undefined);
      if (option === "--dbname" && conninfo(v)) return true;
    } else if (arg.startsWith("-")) {
      // Clustered short options, as getopt reads them: `-qh db`; in `-Uh` the h is U's value.
      for (let j = 1; j < arg.length; j++) {
        if (!"dhptU".includes(arg[j]!)) continue;
        const v = arg.slice(j + 1) || args[++i];
        if (arg[j] === "h" || (arg[j] === "d" && conninfo(v))) return true;
        break;
      }
    }
  }
  return false;
}

/** Offset of the nth `pg_isready` in a node's source (the word has no escapes to shift it). */
function nthIndex(text: string, node: Node, nth: number): number {
  const [from, to] = node.range ?? [0, 0];
  const match = [...text.slice(from, to).matchAll(WORD)][nth];
  return match ? from + match.index : from;
}
