import type { Rule } from "../types.js";
import { bitnamiChartRule } from "./bitnami-chart.js";
import { bitnamiImageRule } from "./bitnami-image.js";
import { migrationInInitContainerRule } from "./migration-in-init-container.js";
import { plaintextCredentialsRule } from "./plaintext-credentials.js";
import { composeCredentialsRule } from "./compose-credentials.js";
import { archivedImageRule } from "./archived-image.js";
import { kafkaServiceLinksRule } from "./kafka-service-links.js";
import { pgIsreadyWithoutHostRule } from "./pg-isready-without-host.js";
import { postgresDataPathRule } from "./postgres-data-path.js";
import { rabbitmqDeploymentRule } from "./rabbitmq-deployment.js";
import { rwoPvcRollingUpdateRule } from "./rwo-pvc-rolling-update.js";
import { statefulImageTagRule } from "./stateful-image-tag.js";
import { imageLatestTagRule } from "./image-latest-tag.js";
import { statefulReadinessProbeRule } from "./stateful-readiness-probe.js";
import { composeAndManifestsDriftRule } from "./compose-and-manifests-drift.js";
import { localhostDependencyEnvRule } from "./localhost-dependency-env.js";
import { tiltHelmChartDepsIgnoreRule } from "./tilt-helm-chart-deps-ignore.js";
import { tiltHelmHooksRule } from "./tilt-helm-hooks.js";
import { tiltMissingResourceDepsRule } from "./tilt-missing-resource-deps.js";

/**
 * Every rule, in documentation order. A new rule is one file in this directory plus one line
 * here; test/check/registry.test.ts fails when a file is missing from this list.
 */
export const RULES: readonly Rule[] = [
  bitnamiImageRule,
  bitnamiChartRule,
  plaintextCredentialsRule,
  composeCredentialsRule,
  migrationInInitContainerRule,
  statefulReadinessProbeRule,
  pgIsreadyWithoutHostRule,
  postgresDataPathRule,
  rabbitmqDeploymentRule,
  rwoPvcRollingUpdateRule,
  statefulImageTagRule,
  imageLatestTagRule,
  kafkaServiceLinksRule,
  archivedImageRule,
  tiltHelmHooksRule,
  tiltHelmChartDepsIgnoreRule,
  tiltMissingResourceDepsRule,
  localhostDependencyEnvRule,
  composeAndManifestsDriftRule,
];
