/** What the spec layer needs to know of the catalog, handed in so that `spec` imports nothing of parity. */
export interface KindRules {
  /** Every known dependency kind by name. */
  readonly kinds: ReadonlyMap<string, KindRule>;
}

export interface KindRule {
  /** Kind-specific options the kind accepts, beyond the common ones. */
  readonly options: readonly string[];
  /** The main port, forwarded to the host by default; none for a kind parity does not run. */
  readonly port: number | undefined;
  /** Options it cannot do without. */
  readonly required?: readonly string[];
  /** The common options it accepts, when not all of them (a kind parity does not run has no image). */
  readonly commonOptions?: readonly string[];
  /** Ports that a boolean option adds and forwards (rabbitmq `management` → 15672). */
  readonly optionPorts?: Readonly<Record<string, number>>;
  /**
   * Ports the server also binds on this machine, as offsets from its main host port, by name
   * (RabbitMQ: `distribution` +20000, `epmd` +20001, as its own defaults derive them).
   */
  readonly companionPorts?: Readonly<Record<string, number>>;
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
  "chart",
] as const;
