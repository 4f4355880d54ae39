import type { KubeClient } from "./client.js";
import { ClusterError } from "./errors.js";

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

/**
 * Kind → REST path, from the API server's own discovery documents (one request per group
 * version, cached), so a chart's objects of any kind, CRDs included, are found the way kubectl
 * finds them.
 */
export class Discovery {
  private readonly groups = new Map<string, Promise<ApiResource[]>>();

  constructor(private readonly client: KubeClient) {}

  private base(apiVersion: string): string {
    return apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  }

  private resources(apiVersion: string): Promise<ApiResource[]> {
    let found = this.groups.get(apiVersion);
    if (!found) {
      found = this.client
        .request<{ resources: ApiResource[] }>(this.base(apiVersion), { allow: [404] })
        .then((list) => (list?.resources ?? []).filter((r) => !r.name.includes("/")));
      this.groups.set(apiVersion, found);
    }
    return found;
  }

  async resource(apiVersion: string, kind: string): Promise<ApiResource> {
    const found = (await this.resources(apiVersion)).find((r) => r.kind === kind);
    if (!found)
      throw new ClusterError(
        `the cluster does not serve ${kind} (${apiVersion}): is its CRD or API version installed?`,
      );
    return found;
  }

  /** The collection path of a kind, in a namespace when the kind is namespaced. */
  async collection(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
  ): Promise<string> {
    const r = await this.resource(apiVersion, kind);
    const ns = r.namespaced && namespace ? `/namespaces/${namespace}` : "";
    return `${this.base(apiVersion)}${ns}/${r.name}`;
  }

  /** The path of one object. */
  async path(object: ObjectRef, defaultNamespace: string): Promise<string> {
    const r = await this.resource(object.apiVersion, object.kind);
    const ns = r.namespaced ? `/namespaces/${object.metadata.namespace ?? defaultNamespace}` : "";
    return `${this.base(object.apiVersion)}${ns}/${r.name}/${object.metadata.name}`;
  }

  async namespaced(apiVersion: string, kind: string): Promise<boolean> {
    return (await this.resource(apiVersion, kind)).namespaced;
  }
}
