import type { ProviderRegistry } from "../providers/provider-registry";
import type { ComboRuntime, ComboService } from "../services/combo-service";
import type { ConnectionRuntime, ConnectionService } from "../services/connection-service";
import { createStrategy, type Candidate, type Strategy, type StrategyName } from "./strategies";

export interface RouteTarget {
  connection: ConnectionRuntime;
  /** Model id as the upstream knows it (the part after `<alias>/`). */
  upstreamModel: string;
  /** The prefix the client used, or the provider's canonical one for bare ids. */
  prefix: string;
  /** A combo target's own first-byte limit: how long to wait on it before the next target is tried. */
  timeoutMs?: number;
  /** The entry of the requested combo this target came from (`ds/deepseek-v4-pro`, `combo:free`): its tier, for budgets. */
  comboTarget?: string;
}

export type RoutePlan =
  | { ok: true; targets: RouteTarget[]; /** The combo the request named (after alias rules), if any. */ combo?: string }
  | { ok: false; reason: "unknown-model" | "no-enabled-connection"; message: string };

export type RouteResolution =
  | { ok: true; target: RouteTarget }
  | { ok: false; reason: "unknown-model" | "no-enabled-connection"; message: string };

interface RouteGroup {
  prefix: string;
  connections: ConnectionRuntime[];
  cursor: number;
}

/** What the router reads about accounts and defaults, supplied by the gateway (health, settings). */
export interface RouterOptions {
  /** Live load and latency of an account, for the strategies that weigh them. */
  accountStats?: (connectionId: string) => { inflight: number; ewmaTtfbMs: number | null; uses: number };
  /** False for an account cooling down, awaiting re-auth or behind an open breaker. */
  accountAvailable?: (connectionId: string, providerId: string) => boolean;
  /** The account's quota (its scarcest window's free share 0..1 and reset time), for reset-aware; null when unknown. */
  accountQuota?: (connectionId: string) => { headroom: number | null; resetAt: number | null } | null;
  /** Strategy among a provider's accounts, and for combos that name none. */
  defaultStrategies?: () => { accounts: StrategyName; combos: StrategyName };
  /** Providers switched off as a whole (settings `routing.disabledProviders`), read at each rebuild. */
  disabledProviders?: () => readonly string[];
  /** Model alias rules (settings `routing.modelAliases`), read at each rebuild. */
  modelAliases?: () => Record<string, string>;
}

interface AliasPattern {
  pattern: RegExp;
  target: string;
}

/** `claude-*` → a regex with one capture per `*`; everything else literal. */
function compileAlias(key: string): RegExp {
  const parts = key.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join("(.*)")}$`);
}

export interface ListedModel {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}

const HOW_TO_LIST = "GET /v1/models lists the models you can use, written as '<alias>/<model>' (for example 'ds/deepseek-v4-pro').";

/**
 * Turns `"<alias>/<model>"` into a connection and an upstream model id. Rebuilt from the connection list on
 * every change, so a request does two map lookups and no allocation beyond the result.
 * Several enabled connections for one provider are accounts: the lowest priority value wins, equals rotate.
 */
export class ModelRouter {
  #groups = new Map<string, RouteGroup>();
  #bareModels = new Map<string, RouteGroup[]>();
  #knownPrefixes = new Set<string>();
  #models: ListedModel[] = [];
  #modelsBody = '{"object":"list","data":[]}';
  #combos = new Map<string, ComboRuntime>();
  #exactAliases = new Map<string, string>();
  #patternAliases: AliasPattern[] = [];
  /** One strategy instance per combo: some (round-robin, lowest-latency) remember state between requests. */
  #comboStrategies = new Map<string, Strategy>();
  /** Prefixes of enabled connections whose provider is switched off → that provider (for a precise error). */
  #disabledPrefixes = new Map<string, string>();
  /** Plans that cannot change until the next rebuild (fill-first over single-account targets). */
  #staticComboPlans = new Map<string, RoutePlan>();

  /** One strategy per provider group (accounts of one provider), created on first use. */
  #accountStrategies = new WeakMap<RouteGroup, Strategy>();

  constructor(
    private readonly connections: ConnectionService,
    private readonly registry: ProviderRegistry,
    private readonly combos?: ComboService,
    private readonly options: RouterOptions = {},
  ) {
    connections.onChange(() => this.rebuild());
    combos?.onChange(() => this.rebuild());
    this.rebuild();
  }

  rebuild(): void {
    const groups = new Map<string, RouteGroup>();
    // Every catalog prefix is "known", so a model of an unconnected provider gets a precise hint.
    const known = new Set<string>(this.registry.list().flatMap((p) => [p.id, ...p.aliases]));
    const all = this.connections.runtime();
    const disabled = new Set(this.options.disabledProviders?.() ?? []);
    this.#disabledPrefixes = new Map();
    for (const connection of all) {
      const prefixes = connection.alias ? [connection.alias] : [connection.provider.id, ...connection.provider.aliases];
      for (const prefix of prefixes) known.add(prefix);
      if (!connection.enabled) continue;
      if (disabled.has(connection.provider.id)) {
        for (const prefix of prefixes) this.#disabledPrefixes.set(prefix, connection.provider.id);
        continue;
      }
      // Every prefix of one provider shares one group, so all its accounts rotate together.
      const groupKey = connection.alias ?? connection.provider.id;
      let group = groups.get(groupKey);
      if (!group) {
        group = { prefix: connection.alias ?? connection.provider.aliases[0] ?? connection.provider.id, connections: [], cursor: 0 };
        groups.set(groupKey, group);
      }
      group.connections.push(connection);
      for (const prefix of prefixes) groups.set(prefix, group);
    }
    const bare = new Map<string, RouteGroup[]>();
    const models: ListedModel[] = [];
    const seenGroups = new Set<RouteGroup>();
    for (const group of groups.values()) {
      if (seenGroups.has(group)) continue;
      seenGroups.add(group);
      group.connections.sort((a, b) => a.priority - b.priority);
      const seenModels = new Set<string>();
      for (const connection of group.connections) {
        for (const model of connection.models) {
          if (seenModels.has(model)) continue;
          seenModels.add(model);
          models.push({ id: `${group.prefix}/${model}`, object: "model", created: 0, owned_by: connection.provider.id });
          const list = bare.get(model) ?? [];
          list.push(group);
          bare.set(model, list);
        }
      }
    }
    const combos = new Map<string, ComboRuntime>();
    for (const combo of this.combos?.runtime() ?? []) {
      combos.set(combo.name, combo);
      if (combo.enabled) models.push({ id: combo.name, object: "model", created: 0, owned_by: "omniroute-combo" });
    }
    this.#comboStrategies.clear();
    this.#staticComboPlans.clear();
    this.#accountStrategies = new WeakMap();
    const exact = new Map<string, string>();
    const patterns: AliasPattern[] = [];
    for (const [key, target] of Object.entries(this.options.modelAliases?.() ?? {})) {
      if (key.includes("*")) patterns.push({ pattern: compileAlias(key), target });
      else exact.set(key, target);
    }
    this.#exactAliases = exact;
    this.#patternAliases = patterns;
    this.#combos = combos;
    this.#groups = groups;
    this.#bareModels = bare;
    this.#knownPrefixes = known;
    this.#models = models;
    this.#modelsBody = JSON.stringify({ object: "list", data: models });
  }

  listModels(): readonly ListedModel[] {
    return this.#models;
  }

  /** Pre-serialised `/v1/models` body. */
  modelsBody(): string {
    return this.#modelsBody;
  }

  /** One target for `model` (alias rules applied): the account the rotation picks. */
  resolve(requested: string): RouteResolution {
    return this.#resolve(this.#applyAlias(requested));
  }

  #resolve(model: string): RouteResolution {
    let unconnectedPrefix: string | null = null;
    const slash = model.indexOf("/");
    if (slash > 0) {
      const prefix = model.slice(0, slash);
      const upstreamModel = model.slice(slash + 1);
      const group = this.#groups.get(prefix);
      if (group && upstreamModel) return { ok: true, target: { connection: this.#pick(group), upstreamModel, prefix } };
      if (!group && this.#knownPrefixes.has(prefix)) unconnectedPrefix = prefix;
    }
    // Bare ids, and aggregator ids such as OpenRouter's 'openai/gpt-…' (whose first segment may even be another
    // provider's alias), resolve when exactly one connected provider lists the full id.
    const candidates = this.#bareModels.get(model);
    if (candidates && candidates.length === 1) {
      const group = candidates[0]!;
      return { ok: true, target: { connection: this.#pick(group), upstreamModel: model, prefix: group.prefix } };
    }
    if (candidates && candidates.length > 1) {
      return {
        ok: false,
        reason: "unknown-model",
        message: `The model '${model}' is served by several providers (${candidates.map((g) => g.prefix).join(", ")}); name one as '<alias>/${model}'. ${HOW_TO_LIST}`,
      };
    }
    const disabledProvider = unconnectedPrefix ? this.#disabledPrefixes.get(unconnectedPrefix) : undefined;
    if (disabledProvider) {
      return {
        ok: false,
        reason: "no-enabled-connection",
        message: `The model '${model}' belongs to the provider '${disabledProvider}', which is switched off. Switch it on in the dashboard (Providers) or through PATCH /api/providers/${disabledProvider}. ${HOW_TO_LIST}`,
      };
    }
    if (unconnectedPrefix) {
      return {
        ok: false,
        reason: "no-enabled-connection",
        message: `The model '${model}' belongs to '${unconnectedPrefix}', which has no enabled connection. Connect or enable one in the dashboard (Providers) or through /api/connections. ${HOW_TO_LIST}`,
      };
    }
    return { ok: false, reason: "unknown-model", message: `The model '${model}' does not exist or is not connected. ${HOW_TO_LIST}` };
  }

  /**
   * Every target a request for `model` may try, in order: the account the rotation picks first, then the
   * provider's other enabled accounts by priority, to fail over to.
   */
  plan(model: string): RoutePlan {
    const aliased = this.#applyAlias(model);
    if (aliased !== model) {
      const planned = this.#planDirect(aliased);
      if (planned.ok || !planned.message) return planned;
      return { ...planned, message: `'${model}' is an alias of '${aliased}': ${planned.message}` };
    }
    return this.#planDirect(model);
  }

  /** The model an alias rule maps `model` to (itself when none applies). */
  #applyAlias(model: string): string {
    if (this.#exactAliases.size === 0 && this.#patternAliases.length === 0) return model;
    const exact = this.#exactAliases.get(model);
    if (exact !== undefined) return exact;
    for (const { pattern, target } of this.#patternAliases) {
      const match = pattern.exec(model);
      if (!match) continue;
      let i = 1;
      return target.replace(/\*/g, () => match[i++] ?? "");
    }
    return model;
  }

  #planDirect(model: string): RoutePlan {
    const combo = this.#combos.get(model);
    if (combo) return this.#planCombo(combo, [combo.name]);
    const resolved = this.#resolve(model);
    if (!resolved.ok) return resolved;
    const first = resolved.target;
    const group = this.#groups.get(first.prefix) ?? this.#bareModels.get(first.upstreamModel)?.[0];
    if (!group || group.connections.length === 1) return { ok: true, targets: [first] };
    // A model the first account lists must be listed by the others too; a custom id is tried everywhere.
    const listed = first.connection.models.includes(first.upstreamModel);
    const eligible = group.connections.filter((c) => !listed || c.models.includes(first.upstreamModel));
    // The strategy rotates over the accounts that can serve now; the others go last (skipped unless they recover),
    // so a sidelined account's share is spread over the rest instead of landing on its neighbour.
    const available = this.options.accountAvailable;
    const accounts = available ? eligible.filter((c) => available(c.id, c.provider.id)) : eligible;
    const sidelined = available ? eligible.filter((c) => !available(c.id, c.provider.id)) : [];
    let strategy = this.#accountStrategies.get(group);
    if (!strategy) {
      strategy = createStrategy(this.options.defaultStrategies?.().accounts ?? "round-robin");
      this.#accountStrategies.set(group, strategy);
    }
    const candidates = accounts.map((connection, index) => this.#candidate(String(index), connection.priority, 1, connection, first.upstreamModel));
    const targets = strategy.order(candidates).map((c) => ({ connection: accounts[Number(c.key)]!, upstreamModel: first.upstreamModel, prefix: first.prefix }));
    for (const connection of sidelined) targets.push({ connection, upstreamModel: first.upstreamModel, prefix: first.prefix });
    return { ok: true, targets };
  }

  /**
   * A combo's targets in the order its strategy prefers, each expanded to its accounts; nested combos are
   * expanded in place (the service refuses cycles; `path` guards anyway). Targets that do not resolve are
   * skipped, so a combo keeps working while one of its providers is unconfigured.
   */
  #planCombo(combo: ComboRuntime, path: string[]): RoutePlan {
    if (!combo.enabled) {
      return { ok: false, reason: "no-enabled-connection", message: `The combo '${combo.name}' is disabled. Enable it in the dashboard or through PATCH /api/combos/${combo.name}.` };
    }
    let strategy = this.#comboStrategies.get(combo.name);
    if (!strategy) {
      strategy = createStrategy(
        combo.strategy ?? this.options.defaultStrategies?.().combos ?? "fill-first",
        combo.stickyRequests ? { stickyRequests: combo.stickyRequests } : {},
      );
      this.#comboStrategies.set(combo.name, strategy);
    }
    const cached = this.#staticComboPlans.get(combo.name);
    if (cached) return cached;
    // Each target's own plan first: the strategy weighs a target by its first account's live figures.
    const subPlans: Array<RoutePlan | null> = combo.targets.map((target) => {
      // A combo's targets are explicit: no alias rules (an alias could lead back into this combo).
      if (target.combo === null) return this.#planDirect(target.model);
      const nested = this.#combos.get(target.combo);
      return nested && !path.includes(nested.name) ? this.#planCombo(nested, [...path, nested.name]) : null;
    });
    const ordered = strategy.name === "fill-first";
    const candidates: Candidate[] = [];
    combo.targets.forEach((target, index) => {
      const sub = subPlans[index];
      if (!sub?.ok) return;
      const lead = sub.targets[0]!;
      // Fill-first means list order; every other strategy treats the targets as peers.
      candidates.push(this.#candidate(String(index), ordered ? index : 0, target.weight, lead.connection, lead.upstreamModel));
    });
    const targets: RouteTarget[] = [];
    const seen = new Set<string>();
    const skipped = combo.targets.filter((_, index) => !subPlans[index]?.ok).map((t) => t.model);
    for (const candidate of strategy.order(candidates)) {
      const index = Number(candidate.key);
      const sub = subPlans[index] as Extract<RoutePlan, { ok: true }>;
      const { timeoutMs, model: entry } = combo.targets[index]!;
      for (const t of sub.targets) {
        const key = `${t.connection.id}\u0000${t.upstreamModel}`;
        if (seen.has(key)) continue;
        seen.add(key);
        // A nested combo's targets belong to this combo's entry for it (the outermost combo's tier wins).
        targets.push({ ...t, comboTarget: entry, ...(timeoutMs !== null ? { timeoutMs } : {}) });
      }
    }
    if (targets.length === 0) {
      return {
        ok: false,
        reason: "no-enabled-connection",
        message: `The combo '${combo.name}' has no usable target: ${skipped.join(", ") || "it lists none"} ${skipped.length === 1 ? "does" : "do"} not resolve to an enabled connection.`,
      };
    }
    const plan: RoutePlan = { ok: true, targets, combo: combo.name };
    // Fill-first over single-account targets orders the same way every time until something is rebuilt:
    // keep the plan instead of recomputing it per request (the dispatcher skips unavailable accounts anyway).
    if (strategy.name === "fill-first" && subPlans.every((sub) => sub !== null && sub.ok && sub.targets.length === 1)) {
      this.#staticComboPlans.set(combo.name, plan);
    }
    return plan;
  }

  /** What a strategy sees of one choice: its account's live load, latency and uses, and the model's price. */
  #candidate(key: string, priority: number, weight: number, connection: ConnectionRuntime, model: string): Candidate {
    const live = this.options.accountStats?.(connection.id);
    const quota = this.options.accountQuota?.(connection.id);
    const pricing = connection.provider.models.find((m) => m.id === model)?.pricing;
    return {
      key,
      priority,
      weight,
      inflight: live?.inflight ?? 0,
      ewmaTtfbMs: live?.ewmaTtfbMs ?? null,
      uses: live?.uses ?? 0,
      costPer1M: pricing ? (pricing.input + pricing.output) / 2 : null,
      quotaResetAt: quota?.resetAt ?? null,
      quotaHeadroom: quota?.headroom ?? null,
    };
  }

  #pick(group: RouteGroup): ConnectionRuntime {
    const list = group.connections;
    if (list.length === 1) return list[0]!;
    const best = list[0]!.priority;
    let tied = 1;
    while (tied < list.length && list[tied]!.priority === best) tied++;
    const chosen = list[group.cursor % tied]!;
    group.cursor = (group.cursor + 1) % tied;
    return chosen;
  }
}
