import { UsageError } from "../../errors.js";
import { renderGraph } from "../../render/graph.js";
import { openProject } from "../project.js";
import type { Output } from "../output.js";

/** `parity graph`: the resource graph as Mermaid or Graphviz dot. */
export function graphCommand(options: { file: string; format: string }, output: Output): number {
  if (options.format !== "mermaid" && options.format !== "dot") {
    throw new UsageError(`--format must be mermaid or dot, not "${options.format}"`);
  }
  const { plan } = openProject(options.file);
  output.print(renderGraph(plan, options.format).trimEnd());
  return 0;
}
