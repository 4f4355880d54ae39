import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { clusterProject, kubectl, parityOnCluster } from "../helpers/testbed.js";

/**
 * A stand-in `docker` (no engine can run here): it records each call, keeps the images it
 * "built" in a file so `image inspect` finds them next time, and has no buildx.
 */
function fakeDocker(): { bin: string; calls: () => string[] } {
  const bin = mkdtempSync(join(tmpdir(), "parity-fake-docker-"));
  const log = join(bin, "calls.log");
  const store = join(bin, "images");
  writeFileSync(
    join(bin, "docker"),
    `#!/bin/sh
echo "$*" >> "${log}"
case "$1" in
  image) grep -qxF "$3" "${store}" 2>/dev/null; exit $? ;;
  buildx) exit 1 ;;
  build) while [ $# -gt 0 ]; do [ "$1" = "-t" ] && echo "$2" >> "${store}"; shift; done; exit 0 ;;
  push) exit 0 ;;
esac
exit 0
`,
  );
  chmodSync(join(bin, "docker"), 0o755);
  return {
    bin,
    calls: () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : []),
  };
}

const SPEC = `name: built
apps:
  api:
    build: ./api
    port: 8080
  worker:
    image: api
    command: [worker]
`;

describe("apps with build: on the cluster target", () => {
  it("builds each image once, tagged by content, pushes it, and runs the pods on that tag; a warm up builds nothing", () => {
    const dir = clusterProject(SPEC);
    mkdirSync(join(dir, "api"));
    writeFileSync(join(dir, "api", "Dockerfile"), "FROM scratch\n");
    writeFileSync(join(dir, "api", "server.js"), "console.log('hi')\n");
    const docker = fakeDocker();
    const env = {
      PATH: `${docker.bin}:${process.env.PATH}`,
      PARITY_REGISTRY: "registry.test/team",
    };

    const up = parityOnCluster(["up", "--target", "cluster", "--no-forward"], dir, env);
    expect(up.code, up.stderr).toBe(0);
    const builds = docker.calls().filter((c) => c.startsWith("build "));
    expect(builds).toHaveLength(1);
    const tag = /-t (registry\.test\/team\/api:parity-[0-9a-f]{12}) /.exec(builds[0]!)?.[1];
    expect(tag, builds[0]).toBeDefined();
    expect(builds[0]).toBe(
      `build -t ${tag} -f ${join(dir, "api", "Dockerfile")} ${join(dir, "api")}`,
    );
    expect(docker.calls()).toContain(`push ${tag}`);
    for (const name of ["api", "worker"]) {
      const image = kubectl([
        "-n",
        "built",
        "get",
        "deployment",
        name,
        "-o",
        "jsonpath={.spec.template.spec.containers[0].image}",
      ]);
      expect(image.stdout, name).toBe(tag);
    }

    const again = parityOnCluster(["up", "--target", "cluster", "--no-forward"], dir, env);
    expect(again.code, again.stderr).toBe(0);
    expect(docker.calls().filter((c) => c.startsWith("build "))).toHaveLength(1);
    expect(again.stderr).toContain(`${tag}: already built`);
    expect(again.stderr).toMatch(/\(\d+ API requests, 0 writes\)/);

    // A changed source is a new tag, built and rolled out.
    writeFileSync(join(dir, "api", "server.js"), "console.log('hello')\n");
    const changed = parityOnCluster(["up", "--target", "cluster", "--no-forward"], dir, env);
    expect(changed.code, changed.stderr).toBe(0);
    const rebuilt = docker.calls().filter((c) => c.startsWith("build "));
    expect(rebuilt).toHaveLength(2);
    expect(rebuilt[1]).not.toContain(tag!);
  });

  it("says so, and applies the spec's image, when no container engine is on PATH", () => {
    const dir = clusterProject(SPEC.replace("name: built", "name: unbuilt"));
    mkdirSync(join(dir, "api"));
    writeFileSync(join(dir, "api", "Dockerfile"), "FROM scratch\n");
    const empty = mkdtempSync(join(tmpdir(), "parity-no-engine-"));
    const up = parityOnCluster(["up", "--target", "cluster", "--no-forward"], dir, {
      PATH: `${empty}:/usr/bin:/bin`,
    });
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain(
      "warning: no container engine answers (docker, nerdctl or podman): api not built; the cluster must already have it",
    );
    const image = kubectl([
      "-n",
      "unbuilt",
      "get",
      "deployment",
      "api",
      "-o",
      "jsonpath={.spec.template.spec.containers[0].image}",
    ]);
    expect(image.stdout).toBe("api");
  });
});
