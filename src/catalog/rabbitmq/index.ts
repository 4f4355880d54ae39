import { majorOf, type DependencyKind } from "../kind.js";
import { rabbitmqLocal } from "./local.js";
import {
  AMQP_PORT as PORT,
  COMPANION_PORTS,
  MANAGEMENT_PORT,
  managementHostPort,
} from "./ports.js";

/** RabbitMQ, the official `rabbitmq` image; `-management` tags when the UI is asked for. */
export const rabbitmq: DependencyKind = {
  name: "rabbitmq",
  description: "RabbitMQ (official image rabbitmq)",
  options: ["user", "vhost", "management"],
  port: PORT,
  local: rabbitmqLocal,
  optionPorts: { management: MANAGEMENT_PORT },
  companionPorts: COMPANION_PORTS,
  profile(service, stack) {
    const version = service.version ?? "4.2.2";
    const tag =
      service.management && !version.endsWith("-management") ? `${version}-management` : version;
    // guest may only log in from localhost: always a user of our own.
    const user = service.user ?? stack;
    const vhost = service.vhost ?? "/";
    return {
      image: `${service.image ?? "rabbitmq"}:${tag}`,
      version,
      major: majorOf(version),
      ports: [
        { name: "amqp", port: PORT },
        ...(service.management
          ? [
              {
                name: "management",
                port: MANAGEMENT_PORT,
                hostPort: managementHostPort(service.management),
              },
            ]
          : []),
      ],
      component: "broker",
      env: [
        { name: "RABBITMQ_DEFAULT_USER", value: user },
        { name: "RABBITMQ_DEFAULT_PASS", password: true },
        { name: "RABBITMQ_DEFAULT_VHOST", value: vhost },
      ],
      args: [],
      dataPath: "/var/lib/rabbitmq",
      readiness: {
        exec: ["rabbitmq-diagnostics", "-q", "check_port_connectivity"],
        timeoutSeconds: 10,
        periodSeconds: 10,
        initialDelaySeconds: 10,
      },
      // rabbitmq-diagnostics starts a VM of its own: generous timeouts, or a busy node gets killed.
      liveness: {
        exec: ["rabbitmq-diagnostics", "-q", "ping"],
        timeoutSeconds: 15,
        periodSeconds: 30,
        initialDelaySeconds: 60,
        failureThreshold: 4,
      },
      resources: { cpu: "100m", memory: "256Mi", memoryLimit: "1Gi" },
      user,
      database: vhost,
      urlEnv: "AMQP_URL",
      url: ({ host, port }, password) =>
        `amqp://${user}:${password}@${host}:${port}/${encodeURIComponent(vhost)}`,
      // The image has bash, so a TCP connect needs no extra tool.
      waitScript: (host, port) =>
        `until bash -c 'exec 3<>/dev/tcp/${host}/${port}' 2>/dev/null; do echo waiting for ${host}; sleep 2; done`,
    };
  },
};
