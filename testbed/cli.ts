/**
 * `npm run testbed -- up|down|build|status [--dir DIR]`: the Kubernetes control plane the cluster
 * tests run against, on 127.0.0.1. `up` builds the binaries when the cache lacks them, starts a
 * fresh control plane and prints `KUBECONFIG=<path>` as its last line.
 */
import { ensureBinaries } from "./build.js";
import { defaultTestbedDir } from "./dir.js";
import { readState, startTestbed, stopTestbed } from "./control-plane.js";

const [command = "up", ...rest] = process.argv.slice(2);
const dirFlag = rest.indexOf("--dir");
const dir = dirFlag >= 0 && rest[dirFlag + 1] ? rest[dirFlag + 1]! : defaultTestbedDir();
const log = (line: string) => process.stderr.write(`${line}\n`);

try {
  switch (command) {
    case "build":
      await ensureBinaries(log);
      break;
    case "up": {
      const started = Date.now();
      const state = await startTestbed(await ensureBinaries(log), dir);
      log(`testbed: control plane up at ${state.server} in ${Date.now() - started} ms (${dir})`);
      console.log(`KUBECONFIG=${state.kubeconfig}`);
      break;
    }
    case "down": {
      const stopped = await stopTestbed(dir);
      log(stopped.length ? `testbed: stopped ${stopped.join(", ")}` : "testbed: nothing running");
      break;
    }
    case "status": {
      const state = readState(dir);
      console.log(state ? JSON.stringify(state, null, 2) : "testbed: not running");
      break;
    }
    default:
      log(`usage: npm run testbed -- up|down|build|status [--dir DIR]`);
      process.exitCode = 2;
  }
} catch (error) {
  log(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
