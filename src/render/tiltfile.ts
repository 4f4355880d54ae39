import { charts } from "../plan/charts.js";
import type { AppResource, Plan, Resource, ServiceResource } from "../plan/types.js";
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

  const charted = plan.resources.filter(
    (r): r is ServiceResource => r.sort === "service" && r.chart !== undefined,
  );
  if (charted.length) {
    // Loads come first in a Starlark file, after its opening comments (buildifier moves them so).
    out.splice(
      2,
      0,
      "",
      "# Third-party charts run these services in the cluster: Tilt's helm_resource installs them.",
      `load("ext://helm_resource", "helm_repo", "helm_resource")`,
    );
    out.push("");
    for (const r of charted.filter((c) => c.chart!.repo))
      out.push(call("helm_repo", [repoName(r), r.chart!.repo!], [["labels", ["helm_repos"]]]));
  }

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
  for (const resource of plan.resources)
    out.push(
      "",
      resource.sort === "service" && resource.chart
        ? chartCall(plan, resource, setup, layout)
        : resourceCall(plan, resource, setup),
    );
  return out.join("\n") + "\n";
}

/** The name of the repository a chart of a service comes from, as Tilt's helm_repo knows it. */
const repoName = (r: ServiceResource) => `${r.name}-charts`;

/** helm_resource for a service a third-party chart runs: flags as `helm upgrade --install` takes them. */
function chartCall(plan: Plan, r: ServiceResource, setup: string, layout: RenderLayout): string {
  const chart = r.chart!;
  const ref = chart.repo
    ? `${repoName(r)}/${chart.chart}`
    : chart.chart.startsWith("oci://")
      ? chart.chart
      : fromRoot(layout, chart.chart);
  const flags = [
    ...(chart.version ? ["--version", chart.version] : []),
    ...chart.values.flatMap((v) => ["--values", fromRoot(layout, v)]),
    ...Object.entries(chart.set).flatMap(([k, v]) => ["--set", `${k}=${v}`]),
  ];
  const deps = plan.deps.get(r.name) ?? [];
  const forwards = [
    ...(r.forward !== undefined
      ? [`${r.forward}:${r.profile.forwardTo ?? r.profile.ports[0]!.port}`]
      : []),
    ...r.extraForwards.map((e) => `${e.host}:${e.container}`),
  ];
  return call(
    "helm_resource",
    [r.name, ref],
    [
      ["namespace", plan.namespace],
      ["flags", flags.length ? flags : undefined],
      ["resource_deps", [...(deps.length ? deps : [setup]), ...(chart.repo ? [repoName(r)] : [])]],
      ["port_forwards", forwards.length ? forwards : undefined],
      ["labels", [LABELS.service]],
    ],
  );
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
