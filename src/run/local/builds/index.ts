import type { ServerDistribution } from "../../../catalog/index.js";
import { goFetcher } from "./go.js";
import { mavenFetcher } from "./maven.js";
import { npmFetcher } from "./npm.js";
import { pypiFetcher } from "./pypi.js";

/** How builds of one source are listed and fetched, with the user's own tool for it. */
export interface BuildFetcher<D extends ServerDistribution = ServerDistribution> {
  /** The build's name for this platform (cache folder and label), or undefined where none. */
  id(dist: D, platform: NodeJS.Platform, arch: string): string | undefined;
  /** Published versions. */
  versions(dist: D, id: string): Promise<string[]>;
  /** Fetches a version into `root` (not there yet), using `work` for anything else. */
  fetch(dist: D, id: string, version: string, root: string, work: string): Promise<void>;
}

const fetchers: {
  [F in ServerDistribution["from"]]: BuildFetcher<Extract<ServerDistribution, { from: F }>>;
} = {
  npm: npmFetcher,
  maven: mavenFetcher,
  go: goFetcher,
  pypi: pypiFetcher,
};

export function fetcherFor(dist: ServerDistribution): BuildFetcher {
  return fetchers[dist.from] as BuildFetcher;
}
