import { charts } from "../plan/charts.js";
import type { AppResource, Plan, Resource } from "../plan/types.js";
import { fromRoot, GENERATED, type RenderLayout } from "./files.js";
import type { ManifestFile } from "./manifests.js";
import { call, Raw, str, type StarValue } from "./starlark.js";

const LABELS: Record<Resource["sort"], string> = {
  service: "dependencies",
  job: "jobs",
  app: "app",
  external: "external",
};

/**
 * The Tiltfile: every manifest, the app's image build, and one k8s_resource per workload whose
 * resource_deps are the plan's edges, so `tilt up` starts the stack in the plan's order.
 */
export function renderTiltfile(
  plan: Plan,
  files: readonly ManifestFile[],
  layout: RenderLayout,
): string {
  const setup = `${plan.stack}-setup`;
  const out: string[] = [
    `# ${GENERATED}`,
    `# Stack ${plan.stack} in namespace ${plan.namespace}; start order: ${plan.levels.map((l) => l.join(", ")).join(" → ")}.`,
    "",
    `secrets_file = ${str(layout.secretsFile)}`,
    "",
    "if not os.path.exists(secrets_file):",
    `    fail(secrets_file + " is missing: run \`parity render\` to generate this stack's credentials")`,
    "",
    call("k8s_yaml", [files.map((f) => (f.sensitive ? new Raw("secrets_file") : f.path))]),
  ];

  for (const [chart, apps] of charts(plan)) {
    out.push(
      "",
      `# ${apps.map((a) => a.name).join(", ")}: the app's own chart, rendered with \`helm template\` (see README: Helm charts).`,
      call("k8s_yaml", [
        new Raw(
          call(
            "helm",
            [fromRoot(layout, chart.path)],
            [
              ["name", apps[0]!.name],
              ["namespace", plan.namespace],
              [
                "values",
                chart.values.length ? chart.values.map((v) => fromRoot(layout, v)) : undefined,
              ],
              [
                "set",
                Object.keys(chart.set).length
                  ? Object.entries(chart.set).map(([k, v]) => `${k}=${v}`)
                  : undefined,
              ],
            ],
          ),
        ),
      ]),
    );
  }

  const builds = new Map<string, AppResource>();
  for (const r of plan.resources)
    if (r.sort === "app" && r.image.build && !builds.has(r.image.image))
      builds.set(r.image.image, r);
  for (const [image, app] of builds) {
    const build = app.image.build!;
    out.push(
      "",
      call(
        "docker_build",
        [image, fromRoot(layout, build.context)],
        [
          ["dockerfile", build.dockerfile ? fromRoot(layout, build.dockerfile) : undefined],
          ["target", build.target],
        ],
      ),
    );
  }

  const clusterObjects = files
    .flatMap((f) => f.objects)
    .filter((o) => ["Namespace", "StorageClass"].includes(o.kind));
  out.push(
    "",
    call(
      "k8s_resource",
      [],
      [
        ["new_name", setup],
        ["objects", clusterObjects.map((o) => `${o.metadata.name}:${o.kind.toLowerCase()}`)],
        ["labels", ["setup"]],
      ],
    ),
  );
  for (const resource of plan.resources) out.push("", resourceCall(plan, resource, setup));
  return out.join("\n") + "\n";
}

function resourceCall(plan: Plan, r: Resource, setup: string): string {
  // Nothing runs for an external service: a resource of its Secret alone, for the others to wait on.
  if (r.sort === "external")
    return call(
      "k8s_resource",
      [],
      [
        ["new_name", r.name],
        ["objects", [`${r.secretName}:secret`]],
        ["resource_deps", [setup]],
        ["labels", [LABELS.external]],
      ],
    );
  const deps = plan.deps.get(r.name) ?? [];
  const forwards: StarValue[] = [];
  const objects: string[] = [];
  if (r.sort === "service") {
    if (r.forward !== undefined)
      forwards.push(`${r.forward}:${r.profile.forwardTo ?? r.profile.ports[0]!.port}`);
    for (const extra of r.extraForwards) forwards.push(`${extra.host}:${extra.container}`);
    objects.push(`${r.secretName}:secret`);
  } else if (r.sort === "app" && r.forward !== undefined && r.port !== undefined) {
    forwards.push(`${r.forward}:${r.port}`);
  }
  return call(
    "k8s_resource",
    [r.name],
    [
      // Level-0 resources wait for the namespace; everything else waits through them.
      ["resource_deps", deps.length ? [...deps] : [setup]],
      ["port_forwards", forwards.length ? forwards : undefined],
      ["objects", objects.length ? objects : undefined],
      ["labels", [LABELS[r.sort]]],
    ],
  );
}
