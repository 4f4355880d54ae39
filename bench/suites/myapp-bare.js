// The baseline of the `myapp` suite, run as its own process: a bare Fastify server (the very
// fastify the example resolves, passed as argv[2]), logger off, one route with a constant JSON
// body, on a free loopback port. It prints {"port": N} once listening and exits on SIGTERM.
import { pathToFileURL } from "node:url";

const fastifyPath = process.argv[2];
if (!fastifyPath) {
  process.stderr.write("usage: node myapp-bare.js <path of fastify's entry point>\n");
  process.exit(2);
}
const { default: Fastify } = await import(pathToFileURL(fastifyPath).href);
const app = Fastify({ logger: false });
const body = { status: "ok", service: "bare" };
app.get("/", async () => body);
await app.listen({ port: 0, host: "127.0.0.1" });
process.stdout.write(`${JSON.stringify({ port: app.server.address().port })}\n`);

const stop = () => app.close().then(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
