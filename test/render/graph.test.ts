import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { kindRules } from "../../src/catalog/index.js";
import { buildPlan } from "../../src/plan/build.js";
import type { Plan } from "../../src/plan/types.js";
import { renderGraph } from "../../src/render/graph.js";
import { loadSpec } from "../../src/spec/load.js";

const FIXTURE = readFileSync(new URL("../fixtures/myapp/parity.yaml", import.meta.url), "utf8");
const SECRETS = { get: (key: string) => `secret-${key.toLowerCase()}` };

const HYPHENATED = `
name: order-stack
services:
  orders-db:
    kind: postgres
  session-cache:
    kind: redis
  payment-gateway:
    kind: external
    variables: [PAYMENT_GATEWAY_URL]
jobs:
  migrate-orders:
    command: npm run migrate
    uses: [orders-db]
apps:
  order-api:
    build: .
    port: 8080
    uses: [orders-db, session-cache, payment-gateway]
  order-worker:
    build: .
    command: npm run worker
    uses: [orders-db]
    after: [order-api]
`;

function planOf(yaml: string): Plan {
  return buildPlan(loadSpec(yaml, "parity.yaml", kindRules), SECRETS);
}

/** Every edge of the plan as `prerequisite -> dependent`. */
function planEdges(plan: Plan): string[] {
  return plan.resources.flatMap((r) =>
    (plan.deps.get(r.name) ?? []).map((d) => `${d} -> ${r.name}`),
  );
}

const SHAPES = {
  service: "cylinder",
  job: "subroutine",
  app: "rounded",
  external: "parallelogram",
} as const;
type Shape = (typeof SHAPES)[keyof typeof SHAPES];

interface Mermaid {
  nodes: Array<{ id: string; label: string; shape: Shape }>;
  edges: Array<[string, string]>;
}

/** A strict reader of the flowchart subset parity writes; anything else is an error. */
function parseMermaid(text: string): Mermaid {
  expect(text.endsWith("\n")).toBe(true);
  const [header, ...lines] = text.slice(0, -1).split("\n");
  expect(header).toBe("flowchart LR");
  const id = "([A-Za-z_][A-Za-z0-9_]*)";
  const result: Mermaid = { nodes: [], edges: [] };
  const shapes: Array<[Shape, RegExp]> = [
    ["cylinder", new RegExp(`^  ${id}\\[\\("([^"]+)"\\)\\]$`)],
    ["subroutine", new RegExp(`^  ${id}\\[\\["([^"]+)"\\]\\]$`)],
    ["rounded", new RegExp(`^  ${id}\\("([^"]+)"\\)$`)],
    ["parallelogram", new RegExp(`^  ${id}\\[/"([^"]+)"/\\]$`)],
  ];
  for (const line of lines) {
    const node = shapes
      .map(([shape, pattern]) => [shape, pattern.exec(line)] as const)
      .find(([, match]) => match);
    if (node) {
      const [shape, match] = node;
      result.nodes.push({ id: match![1]!, label: match![2]!, shape });
      continue;
    }
    const edge = new RegExp(`^  ${id} --> ${id}$`).exec(line);
    if (edge) {
      result.edges.push([edge[1]!, edge[2]!]);
      continue;
    }
    throw new Error(`not a mermaid node or edge line: ${JSON.stringify(line)}`);
  }
  return result;
}

interface Dot {
  name: string;
  nodes: Array<{ name: string; shape: string }>;
  edges: Array<[string, string]>;
}

/** A strict reader of the dot subset parity writes: one statement a line. */
function parseDot(text: string): Dot {
  expect(text.endsWith("\n")).toBe(true);
  const lines = text.slice(0, -1).split("\n");
  const open = /^digraph "([^"]+)" \{$/.exec(lines[0]!);
  expect(open, lines[0]).not.toBeNull();
  expect(lines.at(-1)).toBe("}");
  const result: Dot = { name: open![1]!, nodes: [], edges: [] };
  for (const line of lines.slice(1, -1)) {
    if (line === "  rankdir=LR;") continue;
    const node = /^ {2}"([^"]+)" \[shape=([a-z]+)\];$/.exec(line);
    if (node) {
      result.nodes.push({ name: node[1]!, shape: node[2]! });
      continue;
    }
    const edge = /^ {2}"([^"]+)" -> "([^"]+)";$/.exec(line);
    if (edge) {
      result.edges.push([edge[1]!, edge[2]!]);
      continue;
    }
    throw new Error(`not a dot statement: ${JSON.stringify(line)}`);
  }
  return result;
}

describe.each([
  ["the myapp fixture", FIXTURE],
  ["a spec with hyphenated names", HYPHENATED],
])("graph of %s", (_, yaml) => {
  const plan = planOf(yaml);

  it("mermaid: one node per resource, in its shape, and exactly the edges of plan.deps", () => {
    const mermaid = parseMermaid(renderGraph(plan, "mermaid"));
    expect(mermaid.nodes.map((n) => n.label)).toEqual(plan.resources.map((r) => r.name));
    expect(mermaid.nodes.map((n) => n.shape)).toEqual(plan.resources.map((r) => SHAPES[r.sort]));

    const ids = mermaid.nodes.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    const nameOf = new Map(mermaid.nodes.map((n) => [n.id, n.label]));
    // Edges only between declared nodes, prerequisite --> dependent, no duplicates.
    const edges = mermaid.edges.map(([from, to]) => {
      expect(nameOf.has(from) && nameOf.has(to), `${from} --> ${to}`).toBe(true);
      return `${nameOf.get(from)} -> ${nameOf.get(to)}`;
    });
    expect(edges).toHaveLength(new Set(edges).size);
    expect(new Set(edges)).toEqual(new Set(planEdges(plan)));
  });

  it("dot: a digraph with one node statement per resource and one edge line per edge", () => {
    const dot = parseDot(renderGraph(plan, "dot"));
    expect(dot.name).toBe(plan.stack);
    expect(dot.nodes).toEqual(
      plan.resources.map((r) => ({
        name: r.name,
        shape: { service: "cylinder", job: "box", app: "ellipse", external: "parallelogram" }[
          r.sort
        ],
      })),
    );
    const edges = dot.edges.map(([from, to]) => `${from} -> ${to}`);
    expect(edges).toHaveLength(new Set(edges).size);
    expect(new Set(edges)).toEqual(new Set(planEdges(plan)));
  });
});

describe("graph of the myapp fixture", () => {
  const plan = planOf(FIXTURE);

  it("has exactly the fixture's edges, including postgres → migrate → seed → myapp", () => {
    expect(new Set(planEdges(plan))).toEqual(
      new Set([
        "postgres -> migrate",
        "postgres -> seed",
        "migrate -> seed",
        "postgres -> myapp",
        "redis -> myapp",
        "rabbitmq -> myapp",
        "migrate -> myapp",
        "seed -> myapp",
      ]),
    );
    const mermaid = renderGraph(plan, "mermaid");
    for (const edge of ["postgres --> migrate", "migrate --> seed", "seed --> myapp"])
      expect(mermaid.split("\n")).toContain(`  ${edge}`);
  });
});

describe("mermaid ids of hyphenated names", () => {
  it("are plain identifiers that map back to the names", () => {
    const mermaid = parseMermaid(renderGraph(planOf(HYPHENATED), "mermaid"));
    const byLabel = Object.fromEntries(mermaid.nodes.map((n) => [n.label, n.id]));
    expect(byLabel).toEqual({
      "orders-db": "orders_db",
      "session-cache": "session_cache",
      "payment-gateway": "payment_gateway",
      "migrate-orders": "migrate_orders",
      "order-api": "order_api",
      "order-worker": "order_worker",
    });
    for (const node of mermaid.nodes) expect(node.id).not.toContain("-");
    expect(mermaid.edges).toContainEqual(["order_api", "order_worker"]);
  });
});

describe("mermaid keywords", () => {
  it("gives a resource named end an id that does not close a subgraph", () => {
    const mermaid = parseMermaid(
      renderGraph(
        planOf("name: a\nservices:\n  postgres: {}\napps:\n  end:\n    uses: [postgres]\n"),
        "mermaid",
      ),
    );
    expect(mermaid.nodes).toContainEqual({ id: "end_", label: "end", shape: "rounded" });
    expect(mermaid.edges).toEqual([["postgres", "end_"]]);
  });
});
