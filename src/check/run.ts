/**
 * How a run scans its files: in two passes, on one thread or several.
 *
 * Pass 1 checks every file except those that rules with a `scope` read (Tiltfiles, compose
 * files: rules that relate a file to the whole repository), and gathers what those need: which
 * files could be read and, when such a rule will ask, every manifest's inventory, taken on the
 * YAML the file's own rules parsed. Pass 2 then checks the remaining files on the main thread,
 * with a context built from what pass 1 gathered instead of reading and parsing the repository
 * again (the text of a file is read again only if a rule asks for it).
 *
 * For a large run pass 1 is shared with worker threads: every thread takes the next chunk of
 * files from a shared counter (a thread that starts late or runs slow takes fewer), checks it,
 * and the workers hand their results back as data. Results are put back in file order before
 * they are merged, so the output is the same however the files were shared, and the same as
 * on one thread. `runCheck` stays synchronous: the main thread scans its chunks, then blocks
 * (Atomics.wait) until each worker has posted its results.
 */
import { existsSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import {
  MessageChannel,
  receiveMessageOnPort,
  Worker,
  type MessagePort,
} from "node:worker_threads";
import { threadContext } from "./context.js";
import type { Discovered } from "./discover.js";
import { fileInventory, type FileInventory } from "./inventory.js";
import { RULES } from "./rules/index.js";
import { checkSource, readSource, triggered, type ScanOptions } from "./scan.js";
import { checkLargeFile } from "./stream.js";
import { SourceFile } from "./source.js";
import type { Finding, Note, RuleLevel, ScanContext } from "./types.js";

/**
 * A run with fewer files than this is scanned on one thread: a worker costs about what it saves.
 * A single-threaded run already keeps a second CPU partly busy (V8's garbage collector and
 * optimizing compiler run on helper threads), and each worker brings its own and warms its
 * compiler up again. Measured on 2 CPUs with bench/suites/check.js's repository: one worker is
 * even at 5,000 files (0.88× to 1.0×, within the machine's noise), 6% faster at 10,000 and 14%
 * faster at 20,000.
 */
export const PARALLEL_MIN_FILES = 8000;

/**
 * … or with more bytes than this: where every file holds what the rules look for, parsing is the
 * work, and one worker beside the main thread makes a run a quarter faster on 2 CPUs (the dense
 * tree of bench/suites/check-dense.js: 2,000 files, 10.8 MiB, 5.1 s on one thread, 3.8 s on two);
 * bench/suites/check.js's 5.3 MiB repository, mostly skipped by the trigger words, gains nothing.
 */
export const PARALLEL_MIN_BYTES = 8 * 1024 * 1024;

/** Files a thread takes at a time: consecutive files, so that a directory mostly stays together. */
const CHUNK = 16;

/** What pass 1 keeps of each file beyond its findings. */
export interface Gather {
  inventory: boolean;
}

/** One file's outcome, as data (a worker posts these). */
export interface FileResult {
  findings: Finding[];
  notes: Note[];
  checked: boolean;
  inventory?: FileInventory;
  /** Set when taking the inventory threw: the rules that ask for it fail as they would. */
  inventoryError?: string;
}

/** What every thread knows of a run. */
export interface Share {
  root: string;
  files: readonly Discovered[];
  levels: ReadonlyMap<string, RuleLevel>;
  gather: Gather;
  /** Indexes into `files` of the files pass 1 checks, in order. */
  pass1: readonly number[];
}

export interface ScanRun {
  /** Per file, in `files` order. */
  results: FileResult[];
  /** Worker threads that took part in pass 1. */
  workers: number;
}

export interface ParallelOptions {
  /**
   * Worker threads besides the main thread; default: one per further CPU (so that every CPU
   * scans) when pass 1 has more than {@link PARALLEL_MIN_FILES} files, else none.
   */
  workers?: number;
  /** The worker's script (default: check-worker.cjs beside the bundle). */
  workerFile?: string;
  /** Whether the main thread scans in pass 1 too (default true; tests leave it to the workers). */
  mainThread?: boolean;
}

/** Scans `files` (see the module's comment). */
export function scanRun(
  root: string,
  files: readonly Discovered[],
  levels: ReadonlyMap<string, RuleLevel>,
  options: ParallelOptions = {},
  /** Files checked elsewhere (rendered chart templates): not scanned, still read by rules. */
  checkedElsewhere: ReadonlySet<string> = new Set(),
): ScanRun {
  const enabled = RULES.filter((rule) => levels.get(rule.meta.id) !== "off");
  const scoped = enabled.filter((rule) => rule.scope);
  const lastTypes = new Set(scoped.flatMap((rule) => rule.fileTypes));
  const pass1: number[] = [];
  const pass2: number[] = [];
  const results: FileResult[] = new Array<FileResult>(files.length);
  files.forEach((file, index) => {
    if (checkedElsewhere.has(file.relative)) {
      results[index] = { findings: [], notes: [], checked: true };
    } else (lastTypes.has(file.type) ? pass2 : pass1).push(index);
  });

  // Pass 2's files are few (Tiltfiles, compose files): read them first to learn what they need.
  const main = threadContext(root, files);
  const read = new Map(pass2.map((index) => [index, readSource(files[index]!)]));
  const asksInventory = pass2.some((index) => {
    const source = read.get(index)!.source;
    return scoped.some(
      (rule) =>
        rule.scope === "inventory" &&
        source !== undefined &&
        rule.fileTypes.includes(source.type) &&
        triggered(rule, source.text),
    );
  });
  // Manifests checked in pass 2 would be missing from a gathered inventory: rules then take it
  // from the files, as when text is checked alone.
  const gather: Gather = {
    inventory: asksInventory && !pass2.some((index) => files[index]!.type === "manifest"),
  };
  const share: Share = { root, files, levels, gather, pass1 };

  const workers = pass1Parallel(share, results, main, options);

  // Pass 2, on this thread, with what pass 1 gathered.
  let sources: SourceFile[] | undefined;
  let inventory: FileInventory[] | undefined;
  const context: ScanContext = {
    ...main.context,
    // The files pass 1 could read, their texts read again on first use.
    files: () =>
      (sources ??= files.flatMap((file, index) => {
        if (read.has(index)) {
          const source = read.get(index)!.source;
          return source ? [new SourceFile(file.relative, file.type, source.text, source)] : [];
        }
        if (!results[index]!.checked) return [];
        return [
          new SourceFile(file.relative, file.type, () => readSource(file).source?.text ?? ""),
        ];
      })),
    ...(gather.inventory
      ? {
          inventory: () => {
            const failed = results.find((r) => r?.inventoryError);
            if (failed) throw new Error(failed.inventoryError);
            return (inventory ??= results.flatMap((r) => (r?.inventory ? [r.inventory] : [])));
          },
        }
      : {}),
  };
  const scan: ScanOptions = { rules: RULES, levels, context };
  for (const index of pass2) {
    const { source, notes } = read.get(index)!;
    results[index] = source
      ? { findings: checkSource(source, scan), notes, checked: true }
      : { findings: [], notes, checked: false };
  }
  return { results, workers };
}

/** A function that checks a file of the run by index, on this thread. */
function threadScanner(
  share: Share,
  thread = threadContext(share.root, share.files),
): (index: number) => FileResult {
  const scan: ScanOptions = { rules: RULES, levels: share.levels, context: thread.context };
  return (index) => {
    const { source, notes, oversized } = thread.read(share.files[index]!);
    if (oversized !== undefined) return checkLargeFile(share.files[index]!, oversized, scan);
    if (!source) return { findings: [], notes, checked: false };
    thread.checking(source);
    const findings = checkSource(source, scan);
    thread.checking(undefined);
    const result: FileResult = { findings, notes, checked: true };
    if (share.gather.inventory && source.type === "manifest") {
      try {
        result.inventory = fileInventory(source);
      } catch (error) {
        result.inventoryError = error instanceof Error ? error.message : String(error);
      }
    }
    return result;
  };
}

// A worker's state in the shared array: the main thread cancels one that has not started by the
// time the work is done, and waits for one that has.
const IDLE = 0;
const RUNNING = 1;
const DONE = 2;
const CANCELLED = 3;

interface WorkerData {
  share: Share;
  /** [0]: the next position in `pass1` to take; [1 + id]: worker `id`'s state. */
  state: SharedArrayBuffer;
  id: number;
  port: MessagePort;
}

/**
 * What a worker posts: its results by file index. A file it took and has no result for (it
 * failed, which checks never should) is checked again by the main thread.
 */
interface WorkerReport {
  results: [index: number, result: FileResult][];
  error?: string;
}

/** Pass 1 on this thread and `workers` more; fills `results`. Returns the workers that ran. */
function pass1Parallel(
  share: Share,
  results: FileResult[],
  main: ReturnType<typeof threadContext>,
  options: ParallelOptions,
): number {
  const { pass1 } = share;
  const scan = threadScanner(share, main);
  const file = options.workerFile ?? defaultWorkerFile();
  const count =
    file === undefined
      ? 0
      : (options.workers ?? (worthWorkers(share) ? Math.max(0, availableParallelism() - 1) : 0));
  if (count === 0) {
    for (const index of pass1) results[index] = scan(index);
    return 0;
  }

  const buffer = new SharedArrayBuffer(4 * (1 + count));
  const state = new Int32Array(buffer);
  const started = Array.from({ length: count }, (_, id) => {
    const { port1, port2 } = new MessageChannel();
    const data: WorkerData = { share, state: buffer, id, port: port2 };
    const worker = new Worker(file!, { workerData: data, transferList: [port2] });
    worker.unref(); // never keep the process alive for a worker
    return { worker, port: port1 };
  });
  const takeChunks = () => {
    for (;;) {
      const at = Atomics.add(state, 0, CHUNK);
      if (at >= pass1.length) break;
      for (const index of pass1.slice(at, at + CHUNK)) results[index] = scan(index);
    }
  };

  if (options.mainThread === false) {
    // Let the workers start (a worker that cannot is cancelled below after a while).
    for (let id = 0; id < count; id++) Atomics.wait(state, 1 + id, IDLE, 30_000);
  } else takeChunks();

  let ran = 0;
  started.forEach(({ worker, port }, id) => {
    // A worker that has not started by now never will take a chunk: cancel it.
    if (Atomics.compareExchange(state, 1 + id, IDLE, CANCELLED) === IDLE) {
      void worker.terminate();
      return;
    }
    while (Atomics.load(state, 1 + id) === RUNNING) Atomics.wait(state, 1 + id, RUNNING);
    ran++;
    const report = receiveMessageOnPort(port)?.message as WorkerReport | undefined;
    port.close();
    for (const [index, result] of report?.results ?? []) results[index] = result;
  });
  // Chunks no thread took (every worker was cancelled), and files a worker failed on.
  takeChunks();
  for (const index of pass1) results[index] ??= scan(index);
  return ran;
}

/** Whether pass 1 is large enough for workers: by files, else by bytes (stat is cheap). */
function worthWorkers({ files, pass1 }: Share): boolean {
  if (pass1.length > PARALLEL_MIN_FILES) return true;
  // Below this many files no repository of configuration reaches the bytes.
  if (pass1.length < 200) return false;
  let bytes = 0;
  for (const index of pass1) {
    try {
      bytes += statSync(files[index]!.path).size;
    } catch {
      // Gone since discovery: the scan reports it.
    }
    if (bytes > PARALLEL_MIN_BYTES) return true;
  }
  return false;
}

/** check-worker.cjs beside the running bundle; undefined when not running from one (tests). */
function defaultWorkerFile(): string | undefined {
  if (typeof __dirname !== "string") return undefined;
  const file = join(__dirname, "check-worker.cjs");
  return existsSync(file) ? file : undefined;
}

/** The body of a worker thread (src/check/worker.ts): pass 1 on the chunks it takes. */
export function workerMain(data: WorkerData): void {
  const state = new Int32Array(data.state);
  if (Atomics.compareExchange(state, 1 + data.id, IDLE, RUNNING) !== IDLE) return;
  Atomics.notify(state, 1 + data.id);
  const report: WorkerReport = { results: [] };
  const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
  try {
    const scan = threadScanner(data.share);
    const { pass1 } = data.share;
    for (;;) {
      const at = Atomics.add(state, 0, CHUNK);
      if (at >= pass1.length) break;
      for (const index of pass1.slice(at, at + CHUNK)) report.results.push([index, scan(index)]);
    }
  } catch (error) {
    report.error = message(error);
  }
  try {
    data.port.postMessage(report);
  } catch (error) {
    // Results that cannot be posted are redone by the main thread.
    data.port.postMessage({ results: [], error: message(error) } satisfies WorkerReport);
  } finally {
    Atomics.store(state, 1 + data.id, DONE);
    Atomics.notify(state, 1 + data.id);
  }
}
