import { spawnSync } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { ParityError } from "../../errors.js";
import { checkLocalRequirements } from "../../run/local/doctor.js";
import type { Output } from "../output.js";
import { openProject } from "../project.js";

/** Keeps apt from starting the services it installs: they would take the ports parity uses. */
const POLICY_RC_D = "/usr/sbin/policy-rc.d";

/**
 * `parity doctor [--install]`: the server binaries the local target needs for this spec, their
 * versions against the spec's, and the Debian/Ubuntu packages that provide what is missing.
 * `--install` installs them with apt-get when run as root, without starting their services.
 */
export async function doctorCommand(
  options: { file: string; install?: boolean },
  output: Output,
): Promise<number> {
  const { plan } = openProject(options.file);
  const fetch = { fetch: Boolean(options.install), note: (m: string) => output.info(m) };
  const checks = await checkLocalRequirements(plan, fetch);
  for (const c of checks) {
    const who =
      c.services.length === 1 && c.services[0] === c.kind
        ? c.kind
        : `${c.kind} (${c.services.join(", ")})`;
    if (c.found) {
      const from = c.build ? ` (${c.build})` : "";
      const note = c.substitute
        ? `  ⚠ ${c.substitute}`
        : c.mismatch
          ? `  ⚠ the cluster runs ${c.specVersion}: major versions differ${c.unavailable ? ` (no build of ${c.specVersion}: ${c.unavailable}; \`parity doctor --install\` fetches it)` : ""}`
          : "";
      output.print(
        `✔ ${who}: ${c.hostVersion ?? "version unknown"} at ${Object.values(c.found)[0]}${from}${note}`,
      );
    } else {
      const fetch = c.unavailable
        ? `no build of ${c.specVersion} (${c.unavailable}); \`parity doctor --install\` fetches it${c.needs ? ` with ${c.needs}` : ""}`
        : "";
      const apt = c.package ? `Debian/Ubuntu package ${c.package}` : "";
      output.print(
        `✖ ${who}: ${c.missing.join(", ")} missing: ${[fetch, apt].filter(Boolean).join("; or ")}`,
      );
    }
  }
  const missing = [...new Set(checks.flatMap((c) => (!c.found && c.package ? [c.package] : [])))];
  const unfetched = checks.filter((c) => !c.found && !c.package);
  if (unfetched.length && options.install)
    throw new ParityError(
      unfetched
        .map((c) => `${c.kind}: cannot fetch a build of ${c.specVersion}: ${c.unavailable}`)
        .join("\n"),
    );
  if (!missing.length && !unfetched.length) {
    output.print(
      checks.length ? "everything the local target needs is here" : "the spec has no services",
    );
    return 0;
  }
  if (!options.install) {
    output.print(
      missing.length
        ? `\ninstall with: sudo apt-get install ${missing.join(" ")}   (or: parity doctor --install, as root)`
        : "\nfetch with: parity doctor --install",
    );
    return 1;
  }
  if (!missing.length) return 0;
  if (process.getuid?.() !== 0) {
    throw new ParityError(`--install needs root: sudo apt-get install ${missing.join(" ")}`);
  }
  if (!existsSync("/usr/bin/apt-get"))
    throw new ParityError(
      `no apt-get here: install ${missing.join(" ")} with this system's package manager`,
    );
  const guard = !existsSync(POLICY_RC_D);
  if (guard)
    writeFileSync(
      POLICY_RC_D,
      "#!/bin/sh\n# parity doctor: do not start services during install\nexit 101\n",
      { mode: 0o755 },
    );
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    for (const args of [
      ["update", "-qq"],
      ["install", "-y", "-qq", "--no-install-recommends", ...missing],
    ]) {
      output.info(`$ apt-get ${args.join(" ")}`);
      const result = spawnSync("apt-get", args, { stdio: "inherit", env });
      if (result.status !== 0)
        throw new ParityError(`apt-get ${args[0]} failed (exit ${result.status})`);
    }
  } finally {
    if (guard) rmSync(POLICY_RC_D, { force: true });
  }
  const after = (await checkLocalRequirements(plan, fetch)).filter((c) => !c.found);
  if (after.length)
    throw new ParityError(
      `still missing after install: ${after.map((c) => c.missing.join(", ")).join("; ")}`,
    );
  output.print(`installed ${missing.join(", ")}`);
  return 0;
}
