import { z } from "zod";
import type { ProviderRegistry } from "../providers/provider-registry";
import type { ComboRow, CombosRepo } from "../store/repos/combos-repo";
import { cacheTtlSchema, normalizeCacheTtl } from "./api-key-service";
import type { ConnectionService } from "./connection-service";

export const COMBO_STRATEGIES = [
  "fill-first",
  "round-robin",
  "power-of-two",
  "random",
  "least-used",
  "cost-optimized",
  "lowest-latency",
  "reset-aware",
] as const;
export const comboStrategySchema = z.enum(COMBO_STRATEGIES);
export type ComboStrategy = z.infer<typeof comboStrategySchema>;

/** A target naming another combo is written `combo:<name>`; anything else is `<alias>/<model>`. */
export const COMBO_REF_PREFIX = "combo:";

// Each '/'-separated part starts with a letter or digit: no empty parts, no "." or ".." path segments.
const NAME_PATTERN = /^(?=.{1,64}$)[a-z0-9][a-z0-9._-]*(?:\/[a-z0-9][a-z0-9._-]*)*$/;
/** Taken by `GET /api/combos/templates`. */
const RESERVED_NAMES = new Set(["templates"]);

const comboNameSchema = z
  .string()
  .regex(NAME_PATTERN, "name must be 1-64 lowercase letters, digits, '.', '-', '_' or '/' (each '/'-separated part starting with a letter or digit)");

const comboTargetSchema = z
  .object({
    model: z.string().min(1).max(300).describe("`<alias>/<model>` (e.g. `ds/deepseek-v4-pro`), or another combo as `combo:<name>`"),
    weight: z.number().int().min(1).max(1000).optional().describe("Relative share for weighted strategies; default 1"),
    timeoutMs: z.number().int().min(1000).max(3_600_000).optional().describe("Time limit for this target before the next one is tried"),
  })
  .strict();
const comboTargetsSchema = z.array(comboTargetSchema).min(1).max(50);
const stickyRequestsSchema = z.number().int().min(1).max(1_000_000);
const descriptionSchema = z.string().max(500);

export const comboCreateSchema = z
  .object({
    name: comboNameSchema.describe("The model id clients send, e.g. `coding` or `team/fast`"),
    strategy: comboStrategySchema.nullable().optional().describe("How a target is chosen; null = the global default"),
    stickyRequests: stickyRequestsSchema.nullable().optional().describe("Round-robin: requests sent to one target before moving on"),
    enabled: z.boolean().optional(),
    targets: comboTargetsSchema.describe("Tried in this order (fill-first), or chosen among by the strategy"),
    description: descriptionSchema.nullable().optional(),
    cacheTtlSeconds: cacheTtlSchema.optional(),
  })
  .strict();
export type ComboCreate = z.infer<typeof comboCreateSchema>;

export const comboUpdateSchema = z
  .object({
    name: comboNameSchema.optional().describe("Renames the combo; `combo:<name>` targets of other combos follow"),
    strategy: comboStrategySchema.nullable().optional(),
    stickyRequests: stickyRequestsSchema.nullable().optional(),
    enabled: z.boolean().optional(),
    targets: comboTargetsSchema.optional(),
    description: descriptionSchema.nullable().optional(),
    cacheTtlSeconds: cacheTtlSchema.optional(),
  })
  .strict();
export type ComboUpdate = z.infer<typeof comboUpdateSchema>;

const storedTargetSchema = z.object({ model: z.string(), weight: z.number(), timeoutMs: z.number().optional() });
type StoredTarget = z.infer<typeof storedTargetSchema>;

export const comboViewSchema = z.object({
  name: z.string(),
  strategy: comboStrategySchema.nullable(),
  stickyRequests: z.number().nullable(),
  enabled: z.boolean(),
  targets: z.array(storedTargetSchema),
  description: z.string().nullable(),
  cacheTtlSeconds: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ComboView = z.infer<typeof comboViewSchema>;

/** One target as the router reads it. */
export interface ComboTargetRuntime {
  /** As stored: `<alias>/<model>` or `combo:<name>`. */
  model: string;
  /** The referenced combo's name for a `combo:<name>` target, else null. */
  combo: string | null;
  weight: number;
  timeoutMs: number | null;
}

/** What the hot path needs about a combo, parsed once per change. */
export interface ComboRuntime {
  name: string;
  /** null = the global default strategy. */
  strategy: ComboStrategy | null;
  stickyRequests: number | null;
  enabled: boolean;
  targets: readonly ComboTargetRuntime[];
}

export class ComboValidationError extends Error {
  override name = "ComboValidationError";
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Tier order of the offered template: what the user already pays for first, free last. */
const TEMPLATE_TIERS = ["subscription", "api-key", "cheap", "free"] as const;

function parseTargets(json: string): StoredTarget[] | null {
  try {
    const parsed = z.array(storedTargetSchema).safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The combo a target names (`combo:<name>` → `<name>`), or null for a model target. */
export function referencedCombo(model: string): string | null {
  const trimmed = model.trim();
  return trimmed.startsWith(COMBO_REF_PREFIX) ? trimmed.slice(COMBO_REF_PREFIX.length).trim() : null;
}

/**
 * Combos: named, ordered target lists clients use as a model id. Keeps the reference graph acyclic and every
 * `combo:<name>` reference pointing at an existing combo; a model target may name a connection added later.
 */
export class ComboService {
  #runtime: ComboRuntime[] = [];
  #byName = new Map<string, ComboRuntime>();
  #cacheTtls: ReadonlyMap<string, number> = new Map();
  #listeners: Array<() => void> = [];

  constructor(
    private readonly repo: CombosRepo,
    private readonly registry: ProviderRegistry,
    private readonly connections: ConnectionService,
  ) {
    this.reload();
  }

  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  /** Rebuilds the runtime view from the store (after a change here or by another process). */
  reload(): void {
    const rows = this.repo.list();
    this.#runtime = rows.flatMap((row) => {
      const runtime = this.#toRuntime(row);
      return runtime ? [runtime] : [];
    });
    this.#byName = new Map(this.#runtime.map((combo) => [combo.name, combo]));
    this.#cacheTtls = new Map(rows.flatMap((row) => (row.cacheTtlSeconds ? [[row.name, row.cacheTtlSeconds] as const] : [])));
    for (const listener of this.#listeners) listener();
  }

  /** Combos that opted in to the response cache → their TTL in seconds (empty when none did: the hot path reads `size`). */
  get cacheTtls(): ReadonlyMap<string, number> {
    return this.#cacheTtls;
  }

  runtime(): readonly ComboRuntime[] {
    return this.#runtime;
  }

  getRuntime(name: string): ComboRuntime | undefined {
    return this.#byName.get(name);
  }

  list(): ComboView[] {
    return this.repo.list().map((row) => this.view(row));
  }

  get(name: string): ComboView | undefined {
    const row = this.repo.get(name);
    return row ? this.view(row) : undefined;
  }

  create(input: ComboCreate, options: { now?: number } = {}): ComboView {
    this.#checkName(input.name, null);
    const targets = this.#normalizeTargets(input.targets);
    this.#checkReferences(input.name, targets, null);
    const now = options.now ?? Date.now();
    const row = this.repo.insert({
      name: input.name,
      strategy: input.strategy ?? null,
      stickyRequests: input.stickyRequests ?? null,
      enabled: input.enabled ?? true,
      targetsJson: JSON.stringify(targets),
      description: input.description ?? null,
      cacheTtlSeconds: normalizeCacheTtl(input.cacheTtlSeconds),
      createdAt: now,
      updatedAt: now,
    });
    this.reload();
    return this.view(row);
  }

  update(name: string, patch: ComboUpdate): ComboView {
    const current = this.repo.get(name);
    if (!current) throw new ComboValidationError(`Combo "${name}" does not exist.`, 404);
    const newName = patch.name ?? name;
    if (newName !== name) this.#checkName(newName, name);
    const now = Date.now();
    const next: Partial<ComboRow> = { updatedAt: now };
    if (newName !== name) next.name = newName;
    if (patch.strategy !== undefined) next.strategy = patch.strategy;
    if (patch.stickyRequests !== undefined) next.stickyRequests = patch.stickyRequests;
    if (patch.enabled !== undefined) next.enabled = patch.enabled;
    if (patch.description !== undefined) next.description = patch.description;
    if (patch.cacheTtlSeconds !== undefined) next.cacheTtlSeconds = normalizeCacheTtl(patch.cacheTtlSeconds);
    const targets = patch.targets ? this.#normalizeTargets(patch.targets) : (parseTargets(current.targetsJson) ?? []);
    if (patch.targets) next.targetsJson = JSON.stringify(targets);
    this.#checkReferences(newName, targets, name);
    const row = this.repo.transaction(() => {
      const updated = this.repo.update(name, next)!;
      // A rename carries the combos that point at this one along, so no reference dangles.
      if (newName !== name) {
        for (const other of this.repo.list()) {
          const otherTargets = parseTargets(other.targetsJson);
          if (!otherTargets?.some((t) => referencedCombo(t.model) === name)) continue;
          const rewritten = otherTargets.map((t) => (referencedCombo(t.model) === name ? { ...t, model: COMBO_REF_PREFIX + newName } : t));
          this.repo.update(other.name, { targetsJson: JSON.stringify(rewritten), updatedAt: now });
        }
      }
      return updated;
    });
    this.reload();
    return this.view(row);
  }

  /** Removes a combo; refused (409) while another combo names it as a target. */
  delete(name: string): boolean {
    if (!this.repo.get(name)) return false;
    const users = this.#referencingCombos(name);
    if (users.length > 0) {
      throw new ComboValidationError(
        `Combo "${name}" is a target of ${users.map((u) => `"${u}"`).join(", ")}: remove "${COMBO_REF_PREFIX}${name}" from ${users.length === 1 ? "its" : "their"} targets first.`,
        409,
      );
    }
    this.repo.delete(name);
    this.reload();
    return true;
  }

  /**
   * The starter combo offered to a new user, not stored: one target per tier, subscription → api-key → cheap →
   * free, each the first catalog provider of that tier with models, and its first model. The user edits it
   * (name, targets for the providers they actually connect) before saving it with POST /api/combos.
   */
  templates(): ComboCreate[] {
    const targets = TEMPLATE_TIERS.flatMap((tier) => {
      const provider = this.registry.list().find((p) => p.tier === tier && p.models.length > 0);
      return provider ? [{ model: `${provider.aliases[0] ?? provider.id}/${provider.models[0]!.id}` }] : [];
    });
    return [
      {
        name: "coding",
        strategy: "fill-first",
        description: "Subscription first, then a pay-as-you-go key, then a low-cost provider, then a free tier. Replace the targets with models of the providers you connected.",
        targets,
      },
    ];
  }

  view(row: ComboRow): ComboView {
    const strategy = comboStrategySchema.safeParse(row.strategy);
    return {
      name: row.name,
      strategy: strategy.success ? strategy.data : null,
      stickyRequests: row.stickyRequests,
      enabled: row.enabled,
      targets: parseTargets(row.targetsJson) ?? [],
      description: row.description,
      cacheTtlSeconds: row.cacheTtlSeconds,
      createdAt: new Date(row.createdAt).toISOString(),
      updatedAt: new Date(row.updatedAt).toISOString(),
    };
  }

  #checkName(name: string, selfName: string | null): void {
    if (!NAME_PATTERN.test(name)) {
      throw new ComboValidationError(`Combo name "${name}" is invalid: use 1-64 lowercase letters, digits, '.', '-', '_' or '/'.`);
    }
    if (RESERVED_NAMES.has(name)) throw new ComboValidationError(`"${name}" is reserved (GET /api/combos/${name}); choose another combo name.`);
    // Clients write provider models as "<prefix>/<model>": a combo starting with a prefix would shadow them or be shadowed.
    const prefix = name.split("/", 1)[0]!;
    const where = prefix === name ? `Combo name "${name}" is` : `Combo name "${name}" starts with "${prefix}", which is`;
    const provider = this.registry.byPrefix(prefix);
    if (provider) {
      throw new ComboValidationError(`${where} the model prefix of provider ${provider.name}; choose another name.`, 409);
    }
    const connection = this.connections.runtime().find((c) => c.alias === prefix);
    if (connection) {
      throw new ComboValidationError(`${where} the alias of connection "${connection.name}"; choose another name.`, 409);
    }
    if (name !== selfName && this.repo.get(name)) throw new ComboValidationError(`A combo named "${name}" already exists.`, 409);
  }

  #normalizeTargets(targets: ComboCreate["targets"]): StoredTarget[] {
    if (targets.length === 0 || targets.length > 50) throw new ComboValidationError("A combo needs 1 to 50 targets.");
    return targets.map((target, index) => {
      const raw = target.model.trim();
      const refName = referencedCombo(raw);
      let model: string;
      if (refName !== null) {
        if (!NAME_PATTERN.test(refName)) {
          throw new ComboValidationError(`targets[${index}]: "${raw}" does not name a combo: write "${COMBO_REF_PREFIX}<name>", e.g. "${COMBO_REF_PREFIX}coding".`);
        }
        model = COMBO_REF_PREFIX + refName;
      } else {
        const slash = raw.indexOf("/");
        if (slash <= 0 || slash === raw.length - 1) {
          throw new ComboValidationError(
            `targets[${index}]: "${raw}" must be written "<alias>/<model>" (e.g. "ds/deepseek-v4-pro"), or "${COMBO_REF_PREFIX}<name>" for another combo.`,
          );
        }
        model = raw;
      }
      return { model, weight: target.weight ?? 1, ...(target.timeoutMs !== undefined ? { timeoutMs: target.timeoutMs } : {}) };
    });
  }

  /**
   * Every `combo:<name>` target must exist, and the graph must stay acyclic. `renamedFrom` is the combo's
   * current name when it is being updated (its stored edges are replaced by `targets`, and references to it
   * follow a rename).
   */
  #checkReferences(name: string, targets: StoredTarget[], renamedFrom: string | null): void {
    const graph = new Map<string, string[]>();
    for (const row of this.repo.list()) {
      if (row.name === renamedFrom) continue;
      const refs = (parseTargets(row.targetsJson) ?? []).flatMap((t) => {
        const ref = referencedCombo(t.model);
        return ref === null ? [] : [ref === renamedFrom ? name : ref];
      });
      graph.set(row.name, refs);
    }
    const ownRefs = targets.flatMap((t) => {
      const ref = referencedCombo(t.model);
      return ref === null ? [] : [ref];
    });
    graph.set(name, ownRefs);
    targets.forEach((target, index) => {
      const ref = referencedCombo(target.model);
      if (ref !== null && !graph.has(ref)) {
        throw new ComboValidationError(`targets[${index}]: combo "${ref}" does not exist (GET /api/combos lists the combos).`);
      }
    });
    // The stored graph is acyclic, so a new cycle has to pass through this combo: search from it.
    const path = [name];
    const done = new Set<string>();
    const search = (node: string): boolean => {
      for (const next of graph.get(node) ?? []) {
        if (next === name) return true;
        if (done.has(next)) continue;
        path.push(next);
        if (search(next)) return true;
        path.pop();
        done.add(next);
      }
      return false;
    };
    if (search(name)) {
      throw new ComboValidationError(`Combo "${name}" would form a cycle: ${[...path, name].join(" → ")}. A combo cannot reach itself through its targets.`);
    }
  }

  #referencingCombos(name: string): string[] {
    return this.repo
      .list()
      .filter((row) => row.name !== name && (parseTargets(row.targetsJson) ?? []).some((t) => referencedCombo(t.model) === name))
      .map((row) => row.name);
  }

  #toRuntime(row: ComboRow): ComboRuntime | null {
    const targets = parseTargets(row.targetsJson);
    if (!targets) return null;
    const strategy = comboStrategySchema.safeParse(row.strategy);
    return {
      name: row.name,
      strategy: strategy.success ? strategy.data : null,
      stickyRequests: row.stickyRequests,
      enabled: row.enabled,
      targets: targets.map((t) => ({ model: t.model, combo: referencedCombo(t.model), weight: t.weight, timeoutMs: t.timeoutMs ?? null })),
    };
  }
}
