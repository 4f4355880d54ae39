/**
 * What a real readiness check is, per dependency kind: whether a probe in a file asks the server
 * if it accepts clients, in any of the forms people write (its own client, a TCP connect to its
 * port, a script of the chart's), or only looks at something that is true before it does (a
 * file, a process, `true`), or can never pass (HTTP to a server that does not speak it).
 */
import { isMap, isScalar, isSeq, type Node } from "yaml";
import type { Container, DependencyKind } from "./workloads.js";
import { get, getIn, stringOf } from "./yaml.js";

/**
 * The port clients use, where none of these servers answers HTTP (an httpGet there never
 * passes). RabbitMQ's management API (15672) does answer HTTP health checks; its AMQP port not.
 */
const CLIENT_PORT: Partial<Record<DependencyKind, number>> = {
  postgres: 5432,
  redis: 6379,
  valkey: 6379,
  rabbitmq: 5672,
  mysql: 3306,
  mariadb: 3306,
  mongo: 27017,
};

/** Commands that succeed before the server accepts a client: they look at files or processes. */
const NOT_A_CHECK = new Set([
  "true",
  ":",
  "exit",
  "echo",
  "printf",
  "ls",
  "test",
  "[",
  "cat",
  "stat",
  "pgrep",
  "pidof",
  "ps",
  "sleep",
]);

export type ProbeVerdict =
  | { adequate: true }
  /** `why` completes "its readinessProbe …". */
  | { adequate: false; why: string };

/** The probe (`readinessProbe`, `startupProbe`) of a container of a known kind, judged. */
export function judgeProbe(kind: DependencyKind, container: Container, probe: Node): ProbeVerdict {
  const port = CLIENT_PORT[kind];
  if (port === undefined || !isMap(probe)) return { adequate: true };
  const http = get(probe, "httpGet");
  if (http && portOf(container, get(http, "port")) === port) {
    return {
      adequate: false,
      why: `sends HTTP to port ${port}, where ${kind} does not answer HTTP: it never passes`,
    };
  }
  const command = getIn(probe, ["exec", "command"]);
  if (command) {
    const programs = commandPrograms(command);
    // An unknown program or script (the chart's own `ping_readiness.sh`) may well ask the server.
    if (programs.length && programs.every((p) => NOT_A_CHECK.has(p))) {
      return {
        adequate: false,
        why: `runs \`${programs.join(" … ")}\`, which passes before ${kind} accepts connections (it looks at a file or a process, not the server)`,
      };
    }
  }
  return { adequate: true };
}

/** Whether a probe checks the server in a way that counts: a client, a TCP connect, a script. */
export function asksServer(kind: DependencyKind, container: Container, probe: Node): boolean {
  const handler = ["exec", "tcpSocket", "grpc", "httpGet"].some((key) => get(probe, key));
  return handler && judgeProbe(kind, container, probe).adequate;
}

/** The programs a command runs: its first word, or each command of a `sh -c` script. */
function commandPrograms(command: Node): string[] {
  const words = isSeq(command) ? command.items.map((item) => stringOf(item as Node) ?? "") : [];
  if (!words.length) return [];
  const shell = /^(?:\S*\/)?(?:ba|da|a)?sh$/.test(words[0]!);
  const script = shell
    ? words.find((w, i) => i > 0 && /^-[a-z]*c$/.test(words[i - 1]!))
    : undefined;
  // A command substitution (`test "$(redis-cli ping)" = PONG`) runs programs this cannot judge.
  if ((shell && script === undefined) || /\$\(|`/.test(script ?? "")) return [];
  const commands = script !== undefined ? script.split(/&&|\|\||[;|\n]/) : [words.join(" ")];
  return commands
    .map(
      (c) =>
        c
          .trim()
          .replace(/^(?:\w+=\S*\s+)+/, "")
          .split(/\s+/)[0] ?? "",
    )
    .filter(Boolean)
    .map((p) => p.replace(/^.*\//, ""));
}

/** A probe's port: a number, or a named port of the container (`ports[].name`). */
function portOf(container: Container, port: Node | undefined): number | undefined {
  const value = isScalar(port) ? port.value : undefined;
  if (typeof value === "number") return value;
  if (typeof value !== "string") return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const ports = get(container.node, "ports");
  for (const entry of isSeq(ports) ? ports.items : []) {
    if (stringOf(get(entry, "name")) === value) {
      const number = get(entry, "containerPort");
      return isScalar(number) ? Number(number.value) : undefined;
    }
  }
  return undefined;
}
