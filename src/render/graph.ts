import type { Plan, Resource } from "../plan/types.js";

export type GraphFormat = "mermaid" | "dot";

const MERMAID_SHAPE: Record<Resource["sort"], (name: string) => string> = {
  service: (n) => `[("${n}")]`,
  job: (n) => `[["${n}"]]`,
  app: (n) => `("${n}")`,
  external: (n) => `[/"${n}"/]`,
};
const DOT_SHAPE: Record<Resource["sort"], string> = {
  service: "cylinder",
  job: "box",
  app: "ellipse",
  external: "parallelogram",
};

/** The resource graph, prerequisites pointing at what waits for them. */
export function renderGraph(plan: Plan, format: GraphFormat): string {
  const edges = plan.resources.flatMap((r) =>
    (plan.deps.get(r.name) ?? []).map((d) => [d, r.name] as const),
  );
  if (format === "mermaid") {
    // `end` closes a subgraph in Mermaid, so that one id gets a suffix.
    const id = (name: string) => (name === "end" ? "end_" : name.replace(/-/g, "_"));
    return (
      [
        "flowchart LR",
        ...plan.resources.map((r) => `  ${id(r.name)}${MERMAID_SHAPE[r.sort](r.name)}`),
        ...edges.map(([from, to]) => `  ${id(from)} --> ${id(to)}`),
      ].join("\n") + "\n"
    );
  }
  return (
    [
      `digraph "${plan.stack}" {`,
      "  rankdir=LR;",
      ...plan.resources.map((r) => `  "${r.name}" [shape=${DOT_SHAPE[r.sort]}];`),
      ...edges.map(([from, to]) => `  "${from}" -> "${to}";`),
      "}",
    ].join("\n") + "\n"
  );
}
