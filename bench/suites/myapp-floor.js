// The floors of the `myapp` suite, run as their own process: the least a Fastify route that reads
// the order's cache entry from Redis can cost, without the app around it (no validation, no
// logger, no error handling, no fallback). Same fastify as the example (argv[2]), same ioredis,
// same Redis (REDIS_URL), same entry format ("<version>|<json>"):
//   GET /get/:id   one GET per request, as cache-aside is usually written;
//   GET /mget/:id  the reads of one turn of the event loop as one MGET, as the example does.
// Prints {"port": N} once listening and Redis is ready; exits on SIGTERM.
import { pathToFileURL } from "node:url";
import { Redis } from "ioredis";

const fastifyPath = process.argv[2];
if (!fastifyPath || !process.env.REDIS_URL) {
  process.stderr.write("usage: REDIS_URL=… node myapp-floor.js <path of fastify's entry point>\n");
  process.exit(2);
}
const { default: Fastify } = await import(pathToFileURL(fastifyPath).href);
const redis = new Redis(process.env.REDIS_URL, { lazyConnect: true });
await redis.connect();

const KEY_PREFIX = "myapp:order:";
const SEPARATOR = 0x7c; // "|"

let pending = [];
const flush = () => {
  const batch = pending;
  pending = [];
  redis.mgetBuffer(batch.map((read) => read.key)).then(
    (entries) => batch.forEach((read, i) => read.resolve(entries[i])),
    (error) => batch.forEach((read) => read.reject(error)),
  );
};
const batched = (key) =>
  new Promise((resolve, reject) => {
    if (pending.length === 0) setImmediate(flush);
    pending.push({ key, resolve, reject });
  });

const answer = (reply, entry) => {
  if (!entry) return reply.code(404).send();
  return reply.type("application/json").send(entry.subarray(entry.indexOf(SEPARATOR) + 1));
};

const app = Fastify({ logger: false });
app.get("/get/:id", async (request, reply) =>
  answer(reply, await redis.getBuffer(KEY_PREFIX + request.params.id)),
);
app.get("/mget/:id", async (request, reply) =>
  answer(reply, await batched(KEY_PREFIX + request.params.id)),
);
await app.listen({ port: 0, host: "127.0.0.1" });
process.stdout.write(`${JSON.stringify({ port: app.server.address().port })}\n`);

const stop = () =>
  app
    .close()
    .then(() => redis.quit())
    .then(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
