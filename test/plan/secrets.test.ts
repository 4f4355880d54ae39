import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensureGitignored } from "../../src/plan/gitignore.js";
import { SecretStore } from "../../src/plan/secret-store.js";
import { generatePassword } from "../../src/plan/secrets.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "parity-secrets-"));

describe("generatePassword", () => {
  it("gives 32 letters and digits, different each time", () => {
    const passwords = new Set(Array.from({ length: 200 }, () => generatePassword()));
    expect(passwords.size).toBe(200);
    for (const p of passwords) expect(p).toMatch(/^[A-Za-z0-9]{32}$/);
  });
});

describe("SecretStore", () => {
  it("generates on first use, saves with mode 0600, and reuses on the next run", () => {
    const dir = tempDir();
    const first = new SecretStore(dir);
    const password = first.get("POSTGRES_PASSWORD");
    expect(first.save()).toBe(true);
    expect(statSync(first.path).mode & 0o777).toBe(0o600);

    const second = new SecretStore(dir, () => "never-used");
    expect(second.get("POSTGRES_PASSWORD")).toBe(password);
    expect(second.save()).toBe(false);
  });

  it("keeps existing keys when adding a new one", () => {
    const dir = tempDir();
    const store = new SecretStore(dir, () => "a");
    store.get("A_PASSWORD");
    store.save();
    const again = new SecretStore(dir, () => "b");
    again.get("B_PASSWORD");
    again.save();
    expect(readFileSync(again.path, "utf8")).toMatch(/^A_PASSWORD=a\nB_PASSWORD=b\n$/m);
  });
});

describe("ensureGitignored", () => {
  it("adds .parity/ once, keeping what the file had", () => {
    const dir = tempDir();
    writeFileSync(join(dir, ".gitignore"), "node_modules");
    expect(ensureGitignored(dir)).toBe(true);
    expect(ensureGitignored(dir)).toBe(false);
    const text = readFileSync(join(dir, ".gitignore"), "utf8");
    expect(text.startsWith("node_modules\n")).toBe(true);
    expect(text.match(/^\.parity\/$/gm)).toHaveLength(1);
  });

  it("recognises an existing entry written another way", () => {
    const dir = tempDir();
    writeFileSync(join(dir, ".gitignore"), "/.parity\n");
    expect(ensureGitignored(dir)).toBe(false);
  });
});
