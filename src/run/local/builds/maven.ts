import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MavenDistribution } from "../../../catalog/index.js";
import type { BuildFetcher } from "./index.js";
import { writeLauncher } from "./launcher.js";
import { runTool } from "./run.js";

/** Maven Central, or the repository the user names (a mirror). */
const repository = () =>
  (process.env.PARITY_MAVEN_REPOSITORY ?? "https://repo.maven.apache.org/maven2").replace(
    /\/$/,
    "",
  );

const DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";

/** A throwaway project whose runtime class path is the server's. */
function pom(dist: MavenDistribution, version: string): string {
  const dependencies = dist.dependencies(version).map(({ coordinates, exclude = [] }) => {
    const [groupId, artifactId, v] = coordinates.split(":");
    const exclusions = exclude
      .map((e) => e.split(":"))
      .map(
        ([g, a]) => `<exclusion><groupId>${g}</groupId><artifactId>${a}</artifactId></exclusion>`,
      )
      .join("");
    return `<dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${v}</version>${exclusions ? `<exclusions>${exclusions}</exclusions>` : ""}</dependency>`;
  });
  return `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion><groupId>parity</groupId><artifactId>server-build</artifactId><version>1</version><dependencies>${dependencies.join("")}</dependencies></project>\n`;
}

/** Through the user's Maven (its settings, mirror and local repository) and Java. */
export const mavenFetcher: BuildFetcher<MavenDistribution> = {
  id: (dist) => dist.artifact,
  async versions(dist) {
    const [group, artifact] = dist.artifact.split(":");
    const url = `${repository()}/${group!.replaceAll(".", "/")}/${artifact}/maven-metadata.xml`;
    const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const xml = await response.text();
    return [...xml.matchAll(/<version>([^<]+)<\/version>/g)].map((m) => m[1]!);
  },
  async fetch(dist, _id, version, root, work) {
    writeFileSync(join(work, "pom.xml"), pom(dist, version));
    mkdirSync(join(root, "lib"), { recursive: true });
    await runTool(
      "mvn",
      [
        "-B",
        "-q",
        `${DEPENDENCY_PLUGIN}:copy-dependencies`,
        `-DoutputDirectory=${join(root, "lib")}`,
        "-DincludeScope=runtime",
      ],
      { cwd: work },
    );
    writeLauncher(
      root,
      dist.launcher,
      'exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" $JAVA_OPTS -cp "$here/lib/*" "$@"',
    );
  },
};
