/** What the spec layer needs to know of the catalog, handed in so that `spec` imports nothing of parity. */
export interface KindRules {
  /** Every known dependency kind: the kind-specific options it accepts and its default port. */
  readonly kinds: ReadonlyMap<
    string,
    { readonly options: readonly string[]; readonly port: number }
  >;
}

/** Options every kind accepts. */
export const COMMON_SERVICE_OPTIONS = [
  "kind",
  "version",
  "image",
  "persistent",
  "storage",
  "forward",
  "env",
  "resources",
] as const;
