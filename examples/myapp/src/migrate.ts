import { fileURLToPath } from "node:url";
import { runner } from "node-pg-migrate";
import { configOrExit } from "./config.js";
import { createLogger } from "./log.js";

/**
 * Applies the SQL migrations in ../migrations (the same files from src/ and dist/). node-pg-migrate
 * holds a PostgreSQL advisory lock while it runs and waits for it ("wait": its default, "fail",
 * would fail the second of two migrators started together), so any number of migrators may start
 * at once: one applies, the others then find nothing to do, and running it again is harmless.
 * Migrations still run as a Job, once per release, never as an initContainer of every replica.
 */
const config = configOrExit("myapp-migrate", ["DATABASE_URL", "LOG_LEVEL"]);
const log = createLogger("myapp-migrate", config.LOG_LEVEL);

try {
  const applied = await runner({
    databaseUrl: config.DATABASE_URL,
    dir: fileURLToPath(new URL("../migrations", import.meta.url)),
    migrationsTable: "pgmigrations",
    direction: "up",
    advisoryLockMode: "wait",
    checkOrder: true,
    singleTransaction: true,
    logger: {
      debug: (msg: string) => log.debug(msg),
      info: (msg: string) => log.info(msg),
      warn: (msg: string) => log.warn(msg),
      error: (msg: string) => log.error(msg),
    },
  });
  log.info({ applied: applied.map((m) => m.name) }, `migrated: ${applied.length} applied`);
} catch (error) {
  log.fatal({ err: (error as Error).message }, "migration failed");
  process.exit(1);
}
