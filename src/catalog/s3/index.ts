import { awsClientEnv, REGION } from "../aws.js";
import { majorOf, type DependencyKind } from "../kind.js";
import { HEALTH_PATH, s3Local } from "./local.js";

const PORT = 7070;
const DATA = "/data";

/**
 * S3-compatible storage: Versity Gateway (Apache-2.0) over a POSIX directory, image
 * `versity/versitygw`. MinIO's community edition stopped shipping images and binaries in 2025 and
 * its repository was archived in February 2026; versitygw's image and its Go module are one build.
 */
export const s3: DependencyKind = {
  name: "s3",
  description: "S3-compatible storage: Versity Gateway (official image versity/versitygw)",
  options: ["user", "buckets"],
  port: PORT,
  local: s3Local,
  profile(service, stack) {
    const version = service.version ?? "v1.8.0";
    const accessKey = service.user ?? stack;
    const buckets = service.buckets ?? [];
    return {
      image: `${service.image ?? "versity/versitygw"}:${version}`,
      version,
      major: majorOf(version),
      ports: [{ name: "s3", port: PORT }],
      component: "storage",
      env: [
        { name: "VGW_BACKEND", value: "posix" },
        { name: "VGW_BACKEND_ARG", value: DATA },
        { name: "VGW_PORT", value: `:${PORT}` },
        { name: "VGW_HEALTH", value: HEALTH_PATH },
        { name: "VGW_REGION", value: REGION },
        { name: "ROOT_ACCESS_KEY", value: accessKey },
        { name: "ROOT_SECRET_KEY", password: true },
      ],
      args: [],
      dataPath: DATA,
      // A bucket of the POSIX back end is a directory in its root, which the root account owns.
      ...(buckets.length
        ? { setupScript: `mkdir -p ${buckets.map((b) => `${DATA}/${b}`).join(" ")}` }
        : {}),
      readiness: {
        exec: ["wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${PORT}${HEALTH_PATH}`],
        timeoutSeconds: 3,
        periodSeconds: 5,
      },
      liveness: { tcpPort: PORT, timeoutSeconds: 3, periodSeconds: 20, initialDelaySeconds: 10 },
      resources: { cpu: "50m", memory: "64Mi", memoryLimit: "512Mi" },
      user: accessKey,
      database: undefined,
      urlEnv: "AWS_ENDPOINT_URL_S3",
      url: ({ host, port }) => `http://${host}:${port}`,
      clientEnv: (_endpoint, password) => awsClientEnv(accessKey, password),
      waitScript: (host, port) =>
        `until wget -q -O /dev/null http://${host}:${port}${HEALTH_PATH}; do echo waiting for ${host}; sleep 2; done`,
    };
  },
};
