/** RabbitMQ's ports, shared by its profile and its local recipe. */
export const AMQP_PORT = 5672;
export const MANAGEMENT_PORT = 15672;

/** Erlang distribution and epmd follow the AMQP port, as RabbitMQ's own defaults do. */
export const COMPANION_PORTS = { distribution: 20000, epmd: 20001 } as const;

/** `management: true` forwards the UI to 15672; a number forwards it there instead. */
export function managementHostPort(management: boolean | number): number {
  return typeof management === "number" ? management : MANAGEMENT_PORT;
}
