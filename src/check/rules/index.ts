import type { Rule } from "../types.js";
import { bitnamiChartRule } from "./bitnami-chart.js";
import { bitnamiImageRule } from "./bitnami-image.js";

/**
 * Every rule, in documentation order. A new rule is one file in this directory plus one line
 * here; test/check/registry.test.ts fails when a file is missing from this list.
 */
export const RULES: readonly Rule[] = [bitnamiImageRule, bitnamiChartRule];
