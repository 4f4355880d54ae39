import { execFileSync } from "node:child_process";
import { realpathSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import type { Discovered } from "./discover.js";
import { readSource } from "./scan.js";
import { SourceFile } from "./source.js";
import type { Note, ScanContext } from "./types.js";

/** One thread's view of a run: its context, and how it reads the files it checks. */
export interface ThreadContext {
  context: ScanContext;
  /**
   * A file as the scanner reads it: from the {@link ScanContext.files} view when the view holds
   * it (its text is not read again, its parse is shared), else from disk.
   */
  read: (file: Discovered) => { source?: SourceFile; notes: Note[]; oversized?: number };
  /** Tells the view which file is being checked (undefined when none), to share its parse. */
  checking: (file: SourceFile | undefined) => void;
}

/**
 * The context of a run over `files` below `root`, as one thread of it sees it. `tracked` and the
 * `files` view are computed on a rule's first question and kept for the run, so a run whose
 * rules never ask costs nothing. The view is read from what the thread has read so far and from
 * the disk; the thread then checks files from the view, so no file is read twice. A file checked
 * after the view was read reuses the YAML the view's SourceFile of it parsed (for another file's
 * rule), and the view reuses the parse of the file being checked when it is read; the view does
 * not keep the parses of files checked later, which would hold every parsed file for the run.
 */
export function threadContext(root: string, files: readonly Discovered[]): ThreadContext {
  let tracked: ReadonlySet<string> | null | undefined;
  let sources: SourceFile[] | undefined;
  let current: SourceFile | undefined;
  // What this thread read, by path: texts before the view exists, then the view's files.
  const seen = new Map<string, { text?: string; notes: Note[] }>();
  let viewed: Map<string, { source?: SourceFile; notes: Note[] }> | undefined;
  const context: ScanContext = {
    tracked: (path) => {
      if (tracked === undefined) tracked = gitTrackedFiles(root);
      return tracked === null || tracked.has(path);
    },
    files: () => {
      if (!sources) {
        const view = new Map<string, { source?: SourceFile; notes: Note[] }>();
        sources = files.flatMap((file) => {
          const twin = current?.path === file.relative ? current : undefined;
          const known = seen.get(file.relative);
          const read = known
            ? {
                source:
                  known.text === undefined
                    ? undefined
                    : new SourceFile(file.relative, file.type, known.text, twin),
                notes: known.notes,
              }
            : readSource(file, twin);
          view.set(file.relative, read);
          return read.source ? [read.source] : [];
        });
        seen.clear();
        viewed = view;
      }
      return sources;
    },
    read: (path) => {
      const full = join(root, path);
      try {
        // Below the root only, and never through a link that leads out of it.
        const inside = relative(root, realpathSync(full));
        if (inside.startsWith("..") || isAbsolute(inside)) return undefined;
      } catch {
        return undefined;
      }
      return readSource({ path: full, relative: path, type: "manifest" }).source?.text;
    },
  };
  return {
    context,
    read: (file) => {
      const entry = viewed?.get(file.relative);
      // An oversized manifest has neither: read again, to be streamed.
      if (entry && (entry.source || entry.notes.length)) {
        const { source, notes } = entry;
        return {
          source: source && new SourceFile(file.relative, file.type, source.text, source),
          notes,
        };
      }
      const read = readSource(file);
      if (!viewed) seen.set(file.relative, { text: read.source?.text, notes: read.notes });
      return read;
    },
    checking: (file) => {
      current = file;
    },
  };
}

/**
 * The files git tracks below `root` (relative to it, `/`-separated, submodules included), or
 * null when `root` is not in a git work tree or git cannot say (not installed, unsafe owner).
 */
export function gitTrackedFiles(root: string): ReadonlySet<string> | null {
  try {
    // In a subdirectory, ls-files lists only what lies below it, relative to it: our paths.
    const out = execFileSync("git", ["ls-files", "-z", "--recurse-submodules"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      maxBuffer: 1 << 28,
      env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" },
    });
    return new Set(out.split("\0").filter(Boolean));
  } catch {
    return null;
  }
}
