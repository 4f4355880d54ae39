import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where `npm run testbed -- up` keeps the control plane's data, certificates and logs. */
export function defaultTestbedDir(): string {
  return process.env.PARITY_TESTBED_DIR ?? join(tmpdir(), "parity-testbed");
}
