import type { PypiDistribution } from "../kind.js";

/**
 * moto's server from PyPI, the local stand-in for LocalStack: `localstack-core` needs Python 3.12
 * or later and fetches its DynamoDB and other back ends from sites outside PyPI at run time.
 */
export const motoDistribution: PypiDistribution = {
  from: "pypi",
  project: "moto",
  pinned: "5.2.6",
  needs: "Python 3.9 or later with pip",
  requirement: (version) => `moto[server]==${version}`,
  scripts: { moto_server: "moto.server" },
  serverVersion: (version) => version,
  binDir: "bin",
};
