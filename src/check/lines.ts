import type { SourceFile } from "./source.js";

/** A command as a shell reads it: physical lines joined by trailing backslashes. */
export interface LogicalLine {
  /** Offset of its first character in the file. */
  start: number;
  /**
   * The raw text, line breaks and backslashes included, so that an index into it plus `start`
   * is an offset into the file. Comments (`#` at the start or after whitespace) are blanked
   * with spaces, so that matches never come from commented-out code.
   */
  text: string;
}

/**
 * The logical lines of a `#`-commented file (shell, Dockerfile, Starlark, YAML), for rules that
 * scan text rather than structure: templates, scripts, commands embedded in CI files.
 */
export function logicalLines(file: SourceFile): LogicalLine[] {
  const out: LogicalLine[] = [];
  let current: LogicalLine | undefined;
  for (const line of file.lines()) {
    const code = blankComment(line.text);
    if (current) current.text += "\n" + code;
    else current = { start: line.start, text: code };
    // `\r\n` files: the `\r` is gone from line.text but counts in offsets.
    if (file.text[line.start + line.text.length] === "\r") current.text += " ";
    if (!/\\\s*$/.test(code)) {
      out.push(current);
      current = undefined;
    }
  }
  if (current) out.push(current);
  return out;
}

function blankComment(text: string): string {
  const match = /(^|\s)#/.exec(text);
  if (!match) return text;
  const at = match.index + match[1]!.length;
  return text.slice(0, at) + " ".repeat(text.length - at);
}
