/**
 * Ignore globs as users know them from .gitignore: `*` and `?` stay within a path segment,
 * `**` crosses segments, `{a,b}` alternates, a pattern without `/` matches at any depth, a
 * leading `/` anchors to the root, a trailing `/` matches directories only.
 */
export interface Glob {
  pattern: string;
  /** Whether a path (relative to the root, `/`-separated) is ignored. */
  matches(path: string, isDirectory: boolean): boolean;
}

export function compileGlob(pattern: string): Glob {
  let body = pattern.trim().replace(/^\.\//, "");
  const directoryOnly = body.endsWith("/");
  body = body.replace(/\/+$/, "");
  const anchored = body.includes("/");
  body = body.replace(/^\//, "");
  const source = (anchored ? "" : "(?:.*/)?") + toRegex(body);
  const regex = new RegExp(`^${source}$`);
  return {
    pattern,
    matches: (path, isDirectory) => (!directoryOnly || isDirectory) && regex.test(path),
  };
}

/** The regular expression source of a glob: `*` and `?` within a segment, `**` across. */
export function toRegex(glob: string): string {
  let out = "";
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      const slash = glob[i + 2] === "/";
      out += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "{") {
      braces++;
      out += "(?:";
    } else if (c === "}" && braces > 0) {
      braces--;
      out += ")";
    } else if (c === "," && braces > 0) out += "|";
    else out += c.replace(/[.+^$()|[\]\\{}]/g, "\\$&");
  }
  return out + ")".repeat(braces);
}
