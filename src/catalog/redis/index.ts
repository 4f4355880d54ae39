import { majorOf, type DependencyKind } from "../kind.js";
import { redisLocal } from "./local.js";

const PORT = 6379;

/** Redis, the official `redis` image, password-protected. */
export const redis: DependencyKind = {
  name: "redis",
  description: "Redis (official image redis)",
  options: [],
  port: PORT,
  local: redisLocal,
  profile(service) {
    const version = service.version ?? "8.4.0";
    // Redis keeps nothing on restart unless asked; AOF is the durable choice for a dev volume.
    const persistence = service.persistent
      ? ["--appendonly", "yes"]
      : ["--save", "", "--appendonly", "no"];
    return {
      image: `${service.image ?? "redis"}:${version}`,
      version,
      major: majorOf(version),
      ports: [{ name: "redis", port: PORT }],
      component: "cache",
      env: [
        { name: "REDIS_PASSWORD", password: true },
        // redis-cli reads the password from here, so probes keep it off the command line.
        { name: "REDISCLI_AUTH", password: true },
      ],
      args: ["--requirepass", "$(REDIS_PASSWORD)", ...persistence],
      dataPath: "/data",
      // PONG only: LOADING means alive but not ready.
      readiness: {
        exec: ["sh", "-c", "redis-cli -h 127.0.0.1 ping | grep -q PONG"],
        timeoutSeconds: 3,
        periodSeconds: 5,
      },
      liveness: { tcpPort: PORT, timeoutSeconds: 3, periodSeconds: 15, initialDelaySeconds: 15 },
      resources: { cpu: "50m", memory: "64Mi", memoryLimit: "256Mi" },
      user: undefined,
      database: "0",
      urlEnv: "REDIS_URL",
      // The `default` user by name: redis-cli 7 sends an empty user for `redis://:pw@`, which
      // Redis 6+ refuses (WRONGPASS); every client accepts `default:pw`.
      url: ({ host, port }, password) => `redis://default:${password}@${host}:${port}/0`,
      waitScript: (host, port) =>
        `until REDISCLI_AUTH="$PASSWORD" redis-cli -h ${host} -p ${port} ping | grep -q PONG; do echo waiting for ${host}; sleep 2; done`,
    };
  },
};
