// The library API: what the CLI composes, for programs and benchmarks that drive parity directly.
export { loadSpec } from "./spec/load.js";
export { specJsonSchema } from "./spec/json-schema.js";
export type { Spec } from "./spec/schema.js";
export { catalog, kindRules } from "./catalog/index.js";
export { buildPlan } from "./plan/build.js";
export type { Plan, Resource } from "./plan/types.js";
export { renderAll } from "./render/index.js";
export { renderGraph } from "./render/graph.js";
export { ParityError, SpecError, UsageError } from "./errors.js";
