import type { GoDistribution } from "../kind.js";

/** Versity Gateway, built with the user's Go from its module exactly as its image builds it. */
export const versitygwDistribution: GoDistribution = {
  from: "go",
  module: "github.com/versity/versitygw",
  package: "github.com/versity/versitygw/cmd/versitygw",
  needs: "Go 1.24 or later",
  ldflags: (version) => `-X=main.Version=${version} -X=main.Build=parity`,
  serverVersion: (version) => version.replace(/^v/, ""),
  binDir: "bin",
};
