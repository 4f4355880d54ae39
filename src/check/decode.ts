const UTF8 = new TextDecoder("utf-8", { fatal: true });
const LATIN1 = new TextDecoder("latin1");

/** The text of a file, or why it is not read as text. */
export type Decoded = { text: string; note?: string } | { skip: string };

/**
 * Bytes to text, never failing: UTF-16 by its byte-order mark, a NUL byte means binary (as git
 * decides), invalid UTF-8 is read as Latin-1 so that ASCII text (all a rule looks for) keeps its
 * columns.
 */
export function decode(bytes: Uint8Array): Decoded {
  const utf16 =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? "utf-16le"
      : bytes[0] === 0xfe && bytes[1] === 0xff
        ? "utf-16be"
        : undefined;
  if (utf16) {
    try {
      return { text: new TextDecoder(utf16).decode(bytes.subarray(2)) };
    } catch {
      // A Node built without full ICU lacks utf-16be.
      return { skip: `${utf16} text, which this Node cannot decode` };
    }
  }
  if (bytes.includes(0)) return { skip: "binary file (it has a NUL byte)" };
  try {
    // ignoreBOM: false drops a UTF-8 byte-order mark, so columns match what editors show.
    return { text: UTF8.decode(bytes) };
  } catch {
    return { text: LATIN1.decode(bytes), note: "not UTF-8: read as Latin-1" };
  }
}
