import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";
import { runProgram } from "./helpers.js";

const GOOD = {
  DATABASE_URL: "postgresql://myapp:pw@127.0.0.1:5432/myapp",
  REDIS_URL: "redis://default:pw@127.0.0.1:6379/0",
  AMQP_URL: "amqp://myapp:pw@127.0.0.1:5672/%2F",
};
const ALL = ["DATABASE_URL", "REDIS_URL", "AMQP_URL", "PORT", "HOST", "LOG_LEVEL"] as const;

/** The problems loadConfig reports for `env`, or [] when it accepts it. */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(ALL, env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe("configuration from the environment", () => {
  it("accepts the URLs parity wires, with PORT 8080 and LOG_LEVEL info by default", () => {
    expect(loadConfig(ALL, GOOD)).toEqual({
      ...GOOD,
      PORT: 8080,
      HOST: "0.0.0.0",
      LOG_LEVEL: "info",
    });
    expect(loadConfig(ALL, { ...GOOD, HOST: "127.0.0.1" }).HOST).toBe("127.0.0.1");
    expect(loadConfig(ALL, { ...GOOD, HOST: "::1" }).HOST).toBe("::1");
    expect(loadConfig(ALL, { ...GOOD, HOST: "" }).HOST).toBe("0.0.0.0");
    expect(loadConfig(ALL, { ...GOOD, PORT: "46080", LOG_LEVEL: "debug" })).toMatchObject({
      PORT: 46080,
      LOG_LEVEL: "debug",
    });
    expect(loadConfig(ALL, { ...GOOD, PORT: "", LOG_LEVEL: "" })).toMatchObject({
      PORT: 8080,
      LOG_LEVEL: "info",
    });
  });

  it.each([
    [{ DATABASE_URL: undefined }, ["DATABASE_URL is not set"]],
    [{ DATABASE_URL: "" }, ["DATABASE_URL is empty"]],
    [
      { DATABASE_URL: "mysql://u:p@h/db" },
      ["DATABASE_URL is not a URL of the form postgres:// or postgresql://…"],
    ],
    [{ REDIS_URL: "not a url" }, ["REDIS_URL is not a URL of the form redis:// or rediss://…"]],
    [{ AMQP_URL: "http://x" }, ["AMQP_URL is not a URL of the form amqp:// or amqps://…"]],
    [{ PORT: "http" }, ["PORT is not a port number"]],
    [{ PORT: "70000" }, ["PORT is not a port number (1-65535)"]],
    [{ HOST: "http://x" }, ["HOST is not an address or host name"]],
    [
      { LOG_LEVEL: "loud" },
      ["LOG_LEVEL is not one of fatal, error, warn, info, debug, trace, silent"],
    ],
    [
      { DATABASE_URL: undefined, REDIS_URL: undefined },
      ["DATABASE_URL is not set", "REDIS_URL is not set"],
    ],
  ] as Array<[Record<string, string | undefined>, string[]]>)("rejects %j", (change, expected) => {
    const env = Object.fromEntries(
      Object.entries({ ...GOOD, ...change }).filter(([, v]) => v !== undefined),
    ) as Record<string, string>;
    expect(problems(env)).toEqual(expected);
  });

  it("asks each program only for what it uses", () => {
    expect(loadConfig(["DATABASE_URL", "LOG_LEVEL"], { DATABASE_URL: GOOD.DATABASE_URL })).toEqual({
      DATABASE_URL: GOOD.DATABASE_URL,
      LOG_LEVEL: "info",
    });
  });
});

describe("start-up with a bad environment", () => {
  // Every program, really started: one clear line naming the variable, exit 1, no stack trace,
  // and never the value (a URL holds a password).
  const cases = [
    {
      program: "server",
      env: { ...GOOD, DATABASE_URL: "" },
      line: "myapp: invalid configuration: DATABASE_URL is empty",
    },
    {
      program: "server",
      env: { DATABASE_URL: GOOD.DATABASE_URL, AMQP_URL: GOOD.AMQP_URL },
      line: "myapp: invalid configuration: REDIS_URL is not set",
    },
    {
      program: "server",
      env: { ...GOOD, PORT: "eighty" },
      line: "myapp: invalid configuration: PORT is not a port number",
    },
    {
      program: "worker",
      env: { ...GOOD, AMQP_URL: "https://myapp:hunter2@rabbitmq/" },
      line: "myapp-worker: invalid configuration: AMQP_URL is not a URL of the form amqp:// or amqps://…",
    },
    {
      program: "migrate",
      env: {},
      line: "myapp-migrate: invalid configuration: DATABASE_URL is not set",
    },
    {
      program: "seed",
      env: { DATABASE_URL: GOOD.DATABASE_URL, LOG_LEVEL: "chatty" },
      line: "myapp-seed: invalid configuration: LOG_LEVEL is not one of fatal, error, warn, info, debug, trace, silent",
    },
  ] as const;

  it.concurrent.each(cases)("$program exits 1: $line", async ({ program, env, line }) => {
    const result = await runProgram(program, env);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`${line}\n`);
    expect(result.stdout).toBe("");
    expect(result.stderr).not.toContain("hunter2");
  });
});
