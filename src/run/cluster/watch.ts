import type { KubeClient } from "./client.js";
import { ApiError } from "./errors.js";
import type { LiveObject } from "./readiness.js";

interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: LiveObject & { code?: number; message?: string };
}

export interface CollectionQuery {
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
}

const MAX_BACKOFF_MS = 1000;

/**
 * The live contents of one collection (a kind in a namespace, narrowed by selectors), kept
 * current by list + watch the way client-go's reflector does: a watch that drops is resumed
 * from the last resourceVersion seen; one the server no longer has (410 Gone) is re-listed.
 * An API server that restarts is waited for, with a bounded backoff.
 */
export class CollectionWatch {
  readonly items = new Map<string, LiveObject>();
  private resourceVersion: string | undefined;
  /** How often the watch was re-established after it dropped: the resume test reads it. */
  resumes = 0;

  constructor(
    private readonly client: KubeClient,
    private readonly path: string,
    private readonly kind: string,
    private readonly query: CollectionQuery = {},
  ) {}

  private async list(): Promise<void> {
    const list = await this.client.request<{
      metadata: { resourceVersion: string };
      items: LiveObject[];
    }>(this.path, { query: { ...this.query } });
    this.items.clear();
    for (const item of list.items) this.items.set(item.metadata.name, { ...item, kind: this.kind });
    this.resourceVersion = list.metadata.resourceVersion;
  }

  private apply(event: WatchEvent): "relist" | undefined {
    if (event.type === "ERROR") {
      if (event.object.code === 410) return "relist";
      throw new ApiError(
        event.object.code ?? 500,
        "WatchError",
        event.object.message ?? "watch error",
      );
    }
    const object = { ...event.object, kind: this.kind };
    this.resourceVersion = object.metadata.resourceVersion ?? this.resourceVersion;
    if (event.type === "BOOKMARK") return undefined;
    if (event.type === "DELETED") this.items.delete(object.metadata.name);
    else this.items.set(object.metadata.name, object);
    return undefined;
  }

  /**
   * Lists, then watches until the signal aborts, calling `onChange` after the list and after each
   * change. Errors that retrying cannot fix (403, a bad path) reject.
   */
  async run(onChange: () => void, signal: AbortSignal): Promise<void> {
    let backoff = 50;
    while (!signal.aborted) {
      try {
        if (this.resourceVersion === undefined) {
          await this.list();
          onChange();
        }
        let relist = false;
        await this.client.stream(
          this.path,
          {
            ...this.query,
            watch: 1,
            resourceVersion: this.resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds: 300,
          },
          (line) => {
            if (relist) return;
            if (this.apply(JSON.parse(line) as WatchEvent) === "relist") relist = true;
            else onChange();
          },
          signal,
        );
        if (relist) this.resourceVersion = undefined;
        backoff = 50;
      } catch (error) {
        if (error instanceof ApiError && error.status === 410) this.resourceVersion = undefined;
        else if (error instanceof ApiError && error.status < 500 && error.status !== 429)
          throw error;
        if (signal.aborted) return;
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
      if (!signal.aborted) this.resumes++;
    }
  }
}
