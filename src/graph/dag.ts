/** A directed graph given as each node's prerequisites: `deps.get(n)` must be ready before `n`. */
export type Prerequisites = ReadonlyMap<string, readonly string[]>;

/** A cycle as the path that closes it (`["migrate", "seed", "migrate"]`), or undefined. */
export function findCycle(deps: Prerequisites): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === "done") return undefined;
    if (state.get(node) === "visiting") return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, "visiting");
    stack.push(node);
    for (const dep of deps.get(node) ?? []) {
      if (!deps.has(dep)) continue;
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of [...deps.keys()].sort()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * Topological levels: level 0 has no prerequisites, level n only prerequisites in levels < n.
 * Everything in one level can start in parallel. Names are sorted within a level for stable output.
 */
export function topologicalLevels(deps: Prerequisites): string[][] {
  const level = new Map<string, number>();
  const depth = (node: string, seen: Set<string>): number => {
    const known = level.get(node);
    if (known !== undefined) return known;
    if (seen.has(node)) throw new Error(`cycle through ${node}`);
    seen.add(node);
    const prerequisites = (deps.get(node) ?? []).filter((d) => deps.has(d));
    const value = prerequisites.length
      ? 1 + Math.max(...prerequisites.map((d) => depth(d, seen)))
      : 0;
    seen.delete(node);
    level.set(node, value);
    return value;
  };
  const levels: string[][] = [];
  for (const node of deps.keys()) {
    const l = depth(node, new Set());
    (levels[l] ??= []).push(node);
  }
  return levels.map((names) => names.sort());
}

/** Everything `roots` needs, transitively, including the roots themselves. */
export function closure(deps: Prerequisites, roots: Iterable<string>): Set<string> {
  const needed = new Set<string>();
  const pending = [...roots];
  while (pending.length) {
    const node = pending.pop()!;
    if (needed.has(node)) continue;
    needed.add(node);
    pending.push(...(deps.get(node) ?? []));
  }
  return needed;
}
