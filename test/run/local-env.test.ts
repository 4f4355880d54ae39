import { describe, expect, it } from "vitest";
import { localEndpoints, planSecrets, redact } from "../../src/cli/endpoints.js";
import type { AppResource, JobResource, Plan } from "../../src/plan/types.js";
import { appHostPort, localEnv } from "../../src/run/local/env.js";
import { planOf } from "../helpers/spec.js";

const SPEC = `
name: shop
services:
  postgres:
    database: shop
    forward: 25432
  redis:
    forward: 26379
  rabbitmq: {}
jobs:
  migrate:
    command: node migrate.js
    uses: [postgres]
    env:
      MIGRATIONS: ./db
apps:
  shop:
    port: 8080
    forward: 28080
    command: node app.js
    uses: [postgres, redis, rabbitmq]
    env:
      LOG_LEVEL: debug
  fixed:
    port: 9000
    command: node fixed.js
    env:
      PORT: "7000"
      HOST: 0.0.0.0
  internal:
    port: 3000
    forward: false
    command: node internal.js
  worker:
    command: node worker.js
    uses: [redis]
`;

/** Passwords with characters that URLs must encode. */
const SECRETS: Record<string, string> = {
  POSTGRES_PASSWORD: "p@ss/w:rd",
  REDIS_PASSWORD: "r3d1s#key",
  RABBITMQ_PASSWORD: "plainrabbit",
};
const secrets = {
  get: (key: string) => {
    const value = SECRETS[key];
    if (!value) throw new Error(`unexpected secret ${key}`);
    return value;
  },
};

const plan: Plan = planOf(SPEC, secrets);
const job = (name: string) => plan.resources.find((r) => r.name === name) as JobResource;
const app = (name: string) => plan.resources.find((r) => r.name === name) as AppResource;
const BASE = { PATH: "/usr/bin:/bin", HOME: "/home/dev" };

describe("localEnv", () => {
  it("gives a job its services on 127.0.0.1 and their forwarded ports, with passwords", () => {
    expect(localEnv(job("migrate"), BASE)).toEqual({
      PATH: "/usr/bin:/bin",
      HOME: "/home/dev",
      POSTGRES_PASSWORD: "p@ss/w:rd",
      DATABASE_URL: "postgresql://shop:p%40ss%2Fw%3Ard@127.0.0.1:25432/shop",
      MIGRATIONS: "./db",
    });
  });

  it("gives an app every service it uses, its literal env and PORT = its forward", () => {
    expect(localEnv(app("shop"), BASE)).toEqual({
      PATH: "/usr/bin:/bin",
      HOME: "/home/dev",
      POSTGRES_PASSWORD: "p@ss/w:rd",
      DATABASE_URL: "postgresql://shop:p%40ss%2Fw%3Ard@127.0.0.1:25432/shop",
      REDIS_PASSWORD: "r3d1s#key",
      REDIS_URL: "redis://default:r3d1s%23key@127.0.0.1:26379/0",
      RABBITMQ_PASSWORD: "plainrabbit",
      AMQP_URL: "amqp://shop:plainrabbit@127.0.0.1:5672/%2F",
      LOG_LEVEL: "debug",
      PORT: "28080",
      HOST: "127.0.0.1",
    });
    expect(appHostPort(app("shop"))).toBe(28080);
  });

  it("leaves PORT and HOST to the spec when the spec's env sets them", () => {
    const env = localEnv(app("fixed"), { ...BASE, PORT: "1234" });
    expect(env.PORT).toBe("7000");
    // The spec asks to listen beyond loopback: its choice stands.
    expect(env.HOST).toBe("0.0.0.0");
  });

  it("uses the app's own port for PORT when it is not forwarded", () => {
    expect(localEnv(app("internal"), BASE).PORT).toBe("3000");
    expect(appHostPort(app("internal"))).toBe(3000);
  });

  it("sets no PORT for an app without a port (and keeps one from the base env)", () => {
    expect(localEnv(app("worker"), BASE)).not.toHaveProperty("PORT");
    expect(localEnv(app("worker"), BASE)).not.toHaveProperty("HOST");
    expect(localEnv(app("worker"), { ...BASE, PORT: "5" }).PORT).toBe("5");
    expect(appHostPort(app("worker"))).toBeUndefined();
  });

  it("lets wired variables win over the base environment, and leaves the base alone", () => {
    const base = { ...BASE, DATABASE_URL: "postgresql://elsewhere/db" };
    const env = localEnv(job("migrate"), base);
    expect(env.DATABASE_URL).toBe("postgresql://shop:p%40ss%2Fw%3Ard@127.0.0.1:25432/shop");
    expect(base.DATABASE_URL).toBe("postgresql://elsewhere/db");
  });

  it("starts from process.env by default", () => {
    expect(localEnv(job("migrate")).PATH).toBe(process.env.PATH);
  });
});

describe("redact", () => {
  it("masks a plain password", () => {
    expect(redact("amqp://shop:plainrabbit@127.0.0.1:5672/%2F", ["plainrabbit"])).toBe(
      "amqp://shop:***@127.0.0.1:5672/%2F",
    );
  });

  it("masks a percent-encoded password", () => {
    expect(redact("postgresql://shop:p%40ss%2Fw%3Ard@127.0.0.1:25432/shop", ["p@ss/w:rd"])).toBe(
      "postgresql://shop:***@127.0.0.1:25432/shop",
    );
  });

  it("masks every occurrence of every secret, and ignores empty ones", () => {
    expect(redact("a=s1 b=s2 c=s1 d=s%231", ["s1", "", "s2", "s#1"])).toBe(
      "a=*** b=*** c=*** d=***",
    );
  });

  it("leaves a text without secrets as it is", () => {
    expect(redact("redis://127.0.0.1:6379/0", ["r3d1s#key"])).toBe("redis://127.0.0.1:6379/0");
  });

  it("leaves no password in the local endpoints of a plan", () => {
    expect(planSecrets(plan).sort()).toEqual(Object.values(SECRETS).sort());
    const endpoints = localEndpoints(plan);
    expect(endpoints).toContainEqual({
      resource: "postgres",
      label: "postgres",
      url: "postgresql://shop:***@127.0.0.1:25432/shop",
    });
    expect(endpoints).toContainEqual({
      resource: "redis",
      label: "redis",
      url: "redis://default:***@127.0.0.1:26379/0",
    });
    expect(endpoints).toContainEqual({
      resource: "shop",
      label: "shop",
      url: "http://127.0.0.1:28080/",
    });
    const text = JSON.stringify(endpoints);
    for (const secret of Object.values(SECRETS)) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(encodeURIComponent(secret));
    }
  });
});
