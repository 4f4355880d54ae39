import { join } from "node:path";
import type { LocalRecipe } from "../kind.js";
import { COMPANION_PORTS, managementHostPort } from "./ports.js";

/**
 * RabbitMQ as a process: a node of its own (name, ports, mnesia, Erlang cookie and epmd), so it
 * never meets another node on this machine, with the spec's user and vhost rather than guest.
 */
export const rabbitmqLocal: LocalRecipe = {
  package: "rabbitmq-server",
  binaries: ["rabbitmq-server", "epmd"],
  searchDirs: () => ["/usr/lib/rabbitmq/bin", "/usr/sbin", "/usr/lib/erlang/bin"],
  versionProbe: { bin: "rabbitmq-server", pattern: /rabbitmq_server-(\d+(?:\.\d+)*)/ },
  unprivileged: false,
  extraPorts: (service, port) => ({
    ...(service.management ? { management: managementHostPort(service.management) } : {}),
    dist: port + COMPANION_PORTS.distribution,
    epmd: port + COMPANION_PORTS.epmd,
  }),
  files: (ctx) => [
    {
      path: join(ctx.runDir, "rabbitmq.conf"),
      content: [
        `listeners.tcp.local = 127.0.0.1:${ctx.port}`,
        `default_user = ${ctx.user}`,
        `default_pass = ${ctx.password}`,
        `default_vhost = ${ctx.database}`,
        "log.console = true",
        "log.console.level = info",
        "log.file = false",
        ...(ctx.ports.management !== undefined
          ? [`management.tcp.port = ${ctx.ports.management}`, "management.tcp.ip = 127.0.0.1"]
          : []),
        "",
      ].join("\n"),
    },
    {
      path: join(ctx.runDir, "enabled_plugins"),
      content: ctx.ports.management !== undefined ? "[rabbitmq_management].\n" : "[].\n",
    },
  ],
  init: () => [],
  server: (ctx) => ({
    bin: "rabbitmq-server",
    args: [],
    env: {
      ...nodeEnv(ctx),
      RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
      RABBITMQ_NODE_PORT: String(ctx.port),
      RABBITMQ_DIST_PORT: String(ctx.ports.dist),
      RABBITMQ_MNESIA_BASE: join(ctx.dataDir, "mnesia"),
      RABBITMQ_LOG_BASE: join(ctx.runDir, "log"),
      RABBITMQ_LOGS: "-",
      RABBITMQ_CONFIG_FILE: join(ctx.runDir, "rabbitmq.conf"),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(ctx.runDir, "enabled_plugins"),
      RABBITMQ_PID_FILE: join(ctx.runDir, "rabbitmq.pid"),
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: "-kernel inet_dist_use_interface {127,0,0,1}",
    },
  }),
  async ready(ctx) {
    const amqp = await import("amqplib");
    const vhost = encodeURIComponent(ctx.database ?? "/");
    const connection = await amqp.connect(
      `amqp://${encodeURIComponent(ctx.user!)}:${encodeURIComponent(ctx.password)}@127.0.0.1:${ctx.port}/${vhost}`,
      { timeout: 2000 },
    );
    connection.on("error", () => {});
    await connection.close();
  },
  stopSignal: "SIGTERM",
  // The node starts a daemonised epmd on its own port, which outlives it.
  strays: (ctx) => [{ port: ctx.ports.epmd!, command: /\bepmd\b/ }],
};

function nodeEnv(ctx: Parameters<LocalRecipe["server"]>[0]): Record<string, string> {
  return {
    RABBITMQ_NODENAME: `parity-${ctx.stack}-${ctx.name}@localhost`,
    ERL_EPMD_PORT: String(ctx.ports.epmd),
    ERL_EPMD_ADDRESS: "127.0.0.1",
    // The Erlang cookie lives in $HOME: a private home keeps it with the node's data.
    HOME: ctx.dataDir,
  };
}
