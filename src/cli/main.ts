import { Command, CommanderError } from "commander";
import { ParityError, UsageError } from "../errors.js";
import type { CheckOptions } from "./commands/check.js";
import { consoleOutput, type Output } from "./output.js";

/**
 * The parity command line. Each command imports its module only when it runs, so that
 * `parity --help` and light commands start fast. Returns the exit code.
 */
export async function main(
  argv: readonly string[],
  output: Output = consoleOutput,
): Promise<number> {
  let code = 0;
  const program = new Command("parity")
    .description("Production-parity development dependencies from one parity.yaml")
    .version("0.1.0")
    .option("-f, --file <path>", "the spec", "parity.yaml")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => output.print(s.trimEnd()),
      writeErr: (s) => output.error(s.trimEnd()),
    });

  const file = () => program.opts<{ file: string }>().file;
  /** The options that pick a target, and a cluster for the cluster target. */
  const targeted = (command: Command) =>
    command
      .option(
        "--target <target>",
        "local (processes on this machine) or cluster (the kube context)",
        "local",
      )
      .option(
        "--context <name>",
        "cluster target: the kubeconfig context (default: the current one)",
      )
      .option(
        "--kubeconfig <path>",
        "cluster target: the kubeconfig file (default: $KUBECONFIG, ~/.kube/config)",
      )
      .option("-n, --namespace <name>", "cluster target: the namespace (default: the spec's)");

  program
    .command("render")
    .description("write Kubernetes manifests, Tiltfile, .tiltignore and k3d/kind configs")
    .option("-o, --out <dir>", "output directory (default: the directory of parity.yaml)")
    .option("--check", "change nothing; exit 1 when the rendered files are out of date")
    .action(async (opts: { out?: string; check?: boolean }) => {
      const { renderCommand } = await import("./commands/render.js");
      code = renderCommand({ file: file(), ...opts }, output);
    });

  targeted(program.command("up"))
    .description("start the stack (or the named resources and what they need) in dependency order")
    .argument("[resources...]", "resources to start; default: all")
    .option("-d, --detach", "return once everything is ready and leave it running")
    .option("--fresh", "wipe the data of the named services (default: all) first")
    .option("--no-forward", "cluster target: no port forwards; return once the stack is ready")
    .action(async (names: string[], opts: UpFlags) => {
      const tty = process.stderr.isTTY && !process.env.CI ? process.stderr : undefined;
      if (clusterTarget(opts)) {
        const { upClusterCommand } = await import("./commands/up-cluster.js");
        code = await upClusterCommand({ file: file(), names, ...opts }, output, tty);
        return;
      }
      const { upCommand } = await import("./commands/up.js");
      code = await upCommand({ file: file(), names, ...opts }, output, tty);
    });

  targeted(program.command("down"))
    .description("stop what the stack runs, in reverse order; data is kept")
    .option("--volumes", "also remove the services' data")
    .action(async (opts: ClusterFlags & { volumes?: boolean }) => {
      if (clusterTarget(opts)) {
        const { downClusterCommand } = await import("./commands/cluster-target.js");
        code = await downClusterCommand({ file: file(), ...opts }, output);
        return;
      }
      const { downCommand } = await import("./commands/down.js");
      code = await downCommand({ file: file(), ...opts }, output);
    });

  targeted(program.command("status"))
    .description("state, pid, port, uptime and URL of each resource")
    .option("--json", "machine-readable output")
    .action(async (opts: ClusterFlags & { json?: boolean }) => {
      if (clusterTarget(opts)) {
        const { statusClusterCommand } = await import("./commands/cluster-target.js");
        code = await statusClusterCommand({ file: file(), ...opts }, output);
        return;
      }
      const { statusCommand } = await import("./commands/status.js");
      code = await statusCommand({ file: file(), ...opts }, output);
    });

  targeted(program.command("logs"))
    .description("the logs of the stack's resources (local: .parity/logs/; cluster: its pods)")
    .argument("[resources...]", "resources; default: all")
    .option("-f, --follow", "keep printing new lines")
    .action(async (names: string[], opts: ClusterFlags & { follow?: boolean }) => {
      if (clusterTarget(opts)) {
        const { logsClusterCommand } = await import("./commands/cluster-target.js");
        code = await logsClusterCommand({ file: file(), names, ...opts }, output);
        return;
      }
      const { logsCommand } = await import("./commands/logs.js");
      code = await logsCommand({ file: file(), names, ...opts }, output);
    });

  // The cluster target's forwards listen on the same 127.0.0.1 ports as the local target's
  // servers, so the environment is the same for both: --target is accepted and checked.
  targeted(program.command("env"))
    .description("the environment an app receives, with this machine's values (for IDEs)")
    .option("--for <name>", "the app or job (default: the first app)")
    .option("--format <format>", "dotenv, shell or json", "dotenv")
    .option("--show-secrets", "print passwords instead of ***")
    .action(
      async (opts: ClusterFlags & { for?: string; format: string; showSecrets?: boolean }) => {
        clusterTarget(opts);
        const { envCommand } = await import("./commands/env.js");
        code = envCommand({ file: file(), ...opts }, output);
      },
    );

  program
    .command("doctor")
    .description("what the local target needs for this spec, and what is missing")
    .option("--install", "install missing packages with apt-get (as root)")
    .action(async (opts: { install?: boolean }) => {
      const { doctorCommand } = await import("./commands/doctor.js");
      code = await doctorCommand({ file: file(), ...opts }, output);
    });

  program
    .command("graph")
    .description("print the resource graph")
    .option("--format <format>", "mermaid or dot", "mermaid")
    .action(async (opts: { format: string }) => {
      const { graphCommand } = await import("./commands/graph.js");
      code = graphCommand({ file: file(), format: opts.format }, output);
    });

  program
    .command("check")
    .description("lint any repository for local-Kubernetes dependency pitfalls")
    .argument("[path]", "directory or file to check", ".")
    .option("--format <format>", "text, json, sarif or github (workflow annotations)", "text")
    .option(
      "--rule <id=level>",
      "set a rule to off, warning or error (repeatable)",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option("--max-warnings <n>", "exit 1 when there are more than n warnings")
    .option("--fix", "apply the safe fixes, then report what is left")
    .option("--dry-run", "with --fix: print the fixes as a diff and change nothing")
    .action(
      async (
        path: string,
        opts: Omit<CheckOptions, "path" | "rule" | "version"> & { rule?: string[] },
      ) => {
        const { checkCommand } = await import("./commands/check.js");
        const version = program.version() ?? "";
        code = checkCommand({ path, ...opts, rule: opts.rule ?? [], version }, output);
      },
    );

  // The detached holder of the cluster target's port forwards, started by `up --detach`.
  targeted(program.command("forward", { hidden: true })).action(async (opts: ClusterFlags) => {
    clusterTarget(opts);
    const { forwardCommand } = await import("./commands/up-cluster.js");
    code = await forwardCommand({ file: file(), ...opts }, output);
  });

  program
    .command("cluster")
    .description("create or delete a local k3d or kind cluster from the rendered config")
    .argument("<action>", "create or delete")
    .option("--provider <provider>", "k3d or kind (default: whichever is installed, k3d first)")
    .action(async (action: string, opts: { provider?: string }) => {
      if (action !== "create" && action !== "delete")
        throw new UsageError(`parity cluster ${action}: the action is create or delete`);
      const { clusterCommand } = await import("./commands/cluster.js");
      code = await clusterCommand({ file: file(), action, ...opts }, output);
    });

  program
    .command("schema")
    .description("print the JSON Schema of parity.yaml (for editors)")
    .action(async () => {
      const { schemaCommand } = await import("./commands/schema.js");
      code = schemaCommand(output);
    });

  try {
    await program.parseAsync(argv);
    return code;
  } catch (error) {
    return report(error, output);
  }
}

interface ClusterFlags {
  target: string;
  context?: string;
  kubeconfig?: string;
  namespace?: string;
}

interface UpFlags extends ClusterFlags {
  detach?: boolean;
  fresh?: boolean;
  forward?: boolean;
}

/** Whether a command goes to the cluster target; cluster flags without it are a usage error. */
function clusterTarget(opts: ClusterFlags): boolean {
  if (opts.target !== "local" && opts.target !== "cluster")
    throw new UsageError(`--target must be local or cluster, not "${opts.target}"`);
  if (opts.target === "local") {
    const stray = (["context", "kubeconfig", "namespace"] as const).filter((k) => opts[k]);
    if (stray.length)
      throw new UsageError(`--${stray[0]} is for the cluster target: add --target cluster`);
  }
  return opts.target === "cluster";
}

/** The one place errors become messages and exit codes; no stack trace unless PARITY_DEBUG is set. */
function report(error: unknown, output: Output): number {
  if (error instanceof CommanderError) {
    // help and --version end through here with exit code 0.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof ParityError) {
    output.error(error.message);
    return error.exitCode;
  }
  output.error(
    `parity: unexpected error: ${error instanceof Error ? error.message : String(error)}`,
  );
  if (process.env.PARITY_DEBUG) output.error(error instanceof Error ? (error.stack ?? "") : "");
  else output.error("(set PARITY_DEBUG=1 for details, and please report it)");
  return 1;
}
