import { spawn } from "node:child_process";
import { connect, createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { portHolder, portIsFree } from "../../src/run/local/ports.js";

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map(close));
});

function listen(host: string, port = 0): Promise<{ server: Server; port: number }> {
  const server = createServer();
  servers.push(server);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port }, () => {
      const address = server.address();
      if (!address || typeof address === "string") throw new Error("no TCP address");
      resolve({ server, port: address.port });
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
}

describe("portIsFree", () => {
  it("is false while a server listens on 127.0.0.1:P and true once it closed", async () => {
    const { server, port } = await listen("127.0.0.1");
    expect(await portIsFree(port)).toBe(false);
    await close(server);
    expect(await portIsFree(port)).toBe(true);
  });

  it("is false while a server listens on every interface", async () => {
    const { server, port } = await listen("0.0.0.0");
    expect(await portIsFree(port)).toBe(false);
    await close(server);
    expect(await portIsFree(port)).toBe(true);
  });

  it("leaves the port free after checking it", async () => {
    const { server, port } = await listen("127.0.0.1");
    await close(server);
    expect(await portIsFree(port)).toBe(true);
    expect(await portIsFree(port)).toBe(true); // the probe closed its own server
    const again = await listen("127.0.0.1", port);
    expect(again.port).toBe(port);
  });
});

describe("portHolder", () => {
  it("finds this process listening on a port, with its command line", async () => {
    const { server, port } = await listen("127.0.0.1");
    const holder = portHolder(port);
    expect(holder?.pid).toBe(process.pid);
    expect(holder?.command).toContain(process.execPath.split("/").at(-1)!);
    await close(server);
    expect(portHolder(port)).toBeUndefined();
  });

  it("finds a listener on IPv6 (::1) through /proc/net/tcp6", async (context) => {
    let port: number;
    try {
      ({ port } = await listen("::1"));
    } catch {
      context.skip("no IPv6 loopback here");
      return;
    }
    expect(portHolder(port)?.pid).toBe(process.pid);
  });

  it("does not count a connected (non-listening) socket as the holder", async () => {
    const { server, port } = await listen("127.0.0.1");
    const client = connect({ host: "127.0.0.1", port });
    await new Promise((resolve) => client.once("connect", resolve));
    const local = client.localPort!;
    try {
      expect(portHolder(local)).toBeUndefined();
      expect(portHolder(port)?.pid).toBe(process.pid);
    } finally {
      client.destroy();
      await close(server);
    }
  });

  it("shows a holder whose arguments hold line breaks on one line", async () => {
    // A script passed inline, as `node -e` and `sh -c` holders often are.
    const script =
      "const s = require('net').createServer().listen(0, '127.0.0.1', () => {\n  console.log(s.address().port);\n});\nsetTimeout(() => {}, 60000);";
    const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout.once("data", (chunk: Buffer) => resolve(Number(String(chunk).trim())));
        child.once("exit", (code) => reject(new Error(`the holder exited ${code}`)));
      });
      const holder = portHolder(port);
      expect(holder?.pid).toBe(child.pid);
      expect(holder?.command).not.toMatch(/[\n\r\t]/);
      expect(holder?.command).toContain("console.log(s.address().port); }); setTimeout");
    } finally {
      child.kill();
    }
  });
});
