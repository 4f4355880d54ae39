import { z } from "zod";

/**
 * Configuration comes only from the environment (Twelve-Factor #3), checked once at start-up.
 * Each program asks for the variables it needs: the migrator needs no broker.
 */

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** A URL whose scheme is one of `schemes`; the message never repeats the value (it holds a password). */
function urlOf(schemes: readonly string[]) {
  const expected = schemes.map((s) => `${s}://`).join(" or ");
  return z
    .string({ error: (issue) => (issue.input === undefined ? "is not set" : "must be a string") })
    .min(1, { error: "is empty", abort: true })
    .refine(
      (value) => {
        try {
          return schemes.includes(new URL(value).protocol.slice(0, -1));
        } catch {
          return false;
        }
      },
      { message: `is not a URL of the form ${expected}…` },
    );
}

const fields = {
  DATABASE_URL: urlOf(["postgres", "postgresql"]),
  REDIS_URL: urlOf(["redis", "rediss"]),
  AMQP_URL: urlOf(["amqp", "amqps"]),
  PORT: z
    .string()
    .regex(/^\d+$/, "is not a port number")
    .transform(Number)
    .refine((port) => port >= 1 && port <= 65535, "is not a port number (1-65535)")
    .default(8080),
  // Where the server listens: every interface by default, as a container must; parity's local
  // target hands the app 127.0.0.1, so that nothing on the host listens beyond loopback.
  HOST: z
    .string()
    .regex(
      /^(?:[\d.]+|[\da-fA-F:]*:[\da-fA-F:.]*|[a-zA-Z\d][\w.-]*)$/,
      "is not an address or host name",
    )
    .default("0.0.0.0"),
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { error: () => `is not one of ${LOG_LEVELS.join(", ")}` })
    .default("info"),
} as const;

type Fields = typeof fields;
export type Config<K extends keyof Fields> = { [P in K]: z.output<Fields[P]> };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

/** The named variables, parsed; a ConfigError naming every bad variable otherwise. */
export function loadConfig<K extends keyof Fields>(
  keys: readonly K[],
  env: NodeJS.ProcessEnv = process.env,
): Config<K> {
  const shape = Object.fromEntries(keys.map((k) => [k, fields[k]]));
  // An empty variable is as good as unset for the optional ones (PORT=, HOST=, LOG_LEVEL=).
  const input = Object.fromEntries(
    keys.map((k) => [
      k,
      env[k] === "" && k in { PORT: 1, HOST: 1, LOG_LEVEL: 1 } ? undefined : env[k],
    ]),
  );
  const result = z.object(shape).safeParse(input);
  if (result.success) return result.data as Config<K>;
  const problems = result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
  throw new ConfigError([...new Set(problems)]);
}

/**
 * loadConfig for a program's entry point: a bad configuration is one clear line on stderr and
 * exit code 1, never a stack trace.
 */
export function configOrExit<K extends keyof Fields>(
  program: string,
  keys: readonly K[],
): Config<K> {
  try {
    return loadConfig(keys);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${program}: ${error.message}\n`);
    process.exit(1);
  }
}
