/**
 * Manifest bundles over the whole-file limit (operator installs, CRD sets, rendered charts) are
 * what people lint: they are read document by document, in segments of whole documents, each
 * checked as a file of its own and its findings moved to the bundle's lines. Memory holds one
 * segment (about {@link SEGMENT_CHARS}) and a read buffer, never the file.
 */
import { closeSync, openSync, readSync } from "node:fs";
import type { Discovered } from "./discover.js";
import { checkSource, type ScanOptions } from "./scan.js";
import { SourceFile } from "./source.js";
import type { Finding, Note } from "./types.js";

/** Documents are gathered into segments of about this many characters. */
export const SEGMENT_CHARS = 1 << 20;
/** A single document larger than this is not read (no manifest is; a dump may be). */
export const MAX_DOCUMENT_CHARS = 16 << 20;

/** A YAML document separator (or end marker) line. */
const SEPARATOR = /^(?:---|\.\.\.)(?:\s|$)/;

export interface StreamedFile {
  findings: Finding[];
  notes: Note[];
  checked: boolean;
}

/** Checks a large manifest file segment by segment (see the module's comment). */
export function checkLargeFile(file: Discovered, size: number, options: ScanOptions): StreamedFile {
  const findings: Finding[] = [];
  const notes: Note[] = [
    {
      file: file.relative,
      message: `${(size / 1024 / 1024).toFixed(1)} MiB: read document by document`,
    },
  ];
  // The segment being gathered: its first line in the file and its lines so far.
  let first = 1;
  let lines: string[] = [];
  let chars = 0;
  /** Where the document being read starts, within `lines`. */
  let documentAt = 0;
  /** The characters of the document being read. */
  let documentChars = 0;
  let lineNumber = 0;
  let skipping = false;

  const flush = (upTo: number) => {
    if (upTo === 0) return;
    const text = lines.slice(0, upTo).join("\n") + "\n";
    for (const finding of checkSource(new SourceFile(file.relative, file.type, text), options)) {
      const moved: Finding = {
        ...finding,
        line: finding.line + first - 1,
        endLine: finding.endLine + first - 1,
      };
      // A fix's edits are offsets into the segment, not the file.
      delete moved.fix;
      findings.push(moved);
    }
    first += upTo;
    lines = lines.slice(upTo);
    chars = lines.reduce((n, line) => n + line.length + 1, 0);
    documentAt -= upTo;
  };

  const take = (line: string) => {
    lineNumber++;
    if (SEPARATOR.test(line)) {
      if (skipping) {
        // The oversized document's lines were dropped: the segment starts after them.
        skipping = false;
        first = lineNumber;
        lines = [];
        chars = 0;
        documentAt = 0;
      } else if (chars >= SEGMENT_CHARS) flush(lines.length);
      documentAt = lines.length;
      documentChars = 0;
    } else if (skipping) return;
    lines.push(line);
    chars += line.length + 1;
    documentChars += line.length + 1;
    if (documentChars > MAX_DOCUMENT_CHARS) {
      const start = first + documentAt;
      notes.push({
        file: file.relative,
        message: `the document at line ${start} is over ${MAX_DOCUMENT_CHARS / 1024 / 1024} MiB: not read`,
      });
      flush(documentAt);
      skipping = true;
      lines = [];
      chars = 0;
      documentAt = 0;
    }
  };

  const decoder = new TextDecoder("utf-8");
  const buffer = Buffer.allocUnsafe(256 * 1024);
  const fd = openSync(file.path, "r");
  let rest = "";
  try {
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0;) {
      const text = rest + decoder.decode(buffer.subarray(0, n), { stream: true });
      const parts = text.split(/\r?\n/);
      rest = parts.pop()!;
      for (const line of parts) take(line);
    }
    rest += decoder.decode();
    if (rest) take(rest);
  } finally {
    closeSync(fd);
  }
  if (!skipping) flush(lines.length);
  return { findings, notes, checked: true };
}
