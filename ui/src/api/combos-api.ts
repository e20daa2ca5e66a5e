import { apiRequest } from "./client";
import type { GatewayModel, Provider } from "./management-types";

/** Strategy names as the gateway accepts them (docs/api.md, Combos). */
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
export type ComboStrategy = (typeof COMBO_STRATEGIES)[number];

/** Strategies for which `stickyRequests` means something. */
export const STICKY_STRATEGIES: ReadonlySet<ComboStrategy> = new Set(["round-robin", "reset-aware"]);

/** Another combo used as a target is written `combo:<name>`. */
export const COMBO_REF_PREFIX = "combo:";

/** Limits of the combo schema, mirrored so the form can say what fits before the server refuses it. */
export const COMBO_LIMITS = {
  nameMax: 64,
  descriptionMax: 500,
  targetsMax: 50,
  weightMin: 1,
  weightMax: 1000,
  timeoutMsMin: 1000,
  timeoutMsMax: 3_600_000,
  stickyMax: 1_000_000,
  cacheTtlMax: 30 * 24 * 3600,
} as const;

export interface ComboTarget {
  model: string;
  weight?: number;
  timeoutMs?: number;
}

export interface Combo {
  name: string;
  strategy: ComboStrategy | null;
  stickyRequests: number | null;
  enabled: boolean;
  targets: Array<{ model: string; weight: number; timeoutMs?: number }>;
  description: string | null;
  cacheTtlSeconds: number | null;
  createdAt: string;
  updatedAt: string;
}

/** What POST takes (and PATCH, every field optional). */
export interface ComboInput {
  name: string;
  strategy?: ComboStrategy | null;
  stickyRequests?: number | null;
  enabled?: boolean;
  targets: ComboTarget[];
  description?: string | null;
  cacheTtlSeconds?: number;
}

export interface ComboTestResult {
  ok: boolean;
  status: number;
  latencyMs: number;
  requestId: string;
  provider: string | null;
  /** `<alias>/<model>` of the target that answered (or the last one tried). */
  model: string | null;
  /** `x-omniroute-route`: present when an attempt failed or no target was available. */
  route: string | null;
  reply: string | null;
  error: { message: string; code: string | null } | null;
}

/** Names may contain "/": percent-encoded whole (`team%2Ffast`), which the API accepts like the plain path. */
const comboPath = (name: string) => `/api/combos/${encodeURIComponent(name)}`;

export const combosApi = {
  list: () => apiRequest<Combo[]>("GET", "/api/combos"),
  templates: () => apiRequest<ComboInput[]>("GET", "/api/combos/templates"),
  create: (combo: ComboInput) => apiRequest<Combo>("POST", "/api/combos", { body: combo }),
  update: (name: string, changes: Partial<ComboInput>) => apiRequest<Combo>("PATCH", comboPath(name), { body: changes }),
  remove: (name: string) => apiRequest<void>("DELETE", comboPath(name)),
  test: (name: string) => apiRequest<ComboTestResult>("POST", `${comboPath(name)}/test`),
  listModels: async () => (await apiRequest<{ data: GatewayModel[] }>("GET", "/api/models")).data,
  listProviders: () => apiRequest<Provider[]>("GET", "/api/providers"),
  /** The strategy a combo with `strategy: null` gets (settings `routing.comboStrategy`). */
  defaultStrategy: async () => (await apiRequest<{ routing?: { comboStrategy?: string } }>("GET", "/api/settings")).routing?.comboStrategy ?? null,
};
