/**
 * The entry of a `parity check` worker thread, bundled as dist/check-worker.cjs: pass 1 of a
 * run on the chunks of files it takes (see run.ts).
 */
import { workerData } from "node:worker_threads";
import { workerMain } from "./run.js";

workerMain(workerData);
