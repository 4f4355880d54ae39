import * as render from "./render.js";

/** Every benchmark suite, in the order results.md lists them. */
export const suites = [{ name: "render", run: render.run }];
