import { randomInt } from "node:crypto";

/** Where generated credentials come from: the plan asks, the store remembers. */
export interface SecretSource {
  /** The value stored under `key`, generated (and remembered) on first use. */
  get(key: string): string;
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * 32 characters from a crypto RNG (about 190 bits). Letters and digits only: no escaping in URLs,
 * YAML, shells or `$(VAR)` expansion, and never a leading `-` that a server reads as a flag.
 */
export function generatePassword(length = 32): string {
  let password = "";
  for (let i = 0; i < length; i++) password += ALPHABET[randomInt(ALPHABET.length)];
  return password;
}
