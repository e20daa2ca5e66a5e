import type { Settings } from "../config/settings-schema";
import { addressGroupOf, CidrError, CidrSet, type ParsedIp } from "./cidr";
import { IpRateLimiter } from "./ip-rate-limiter";

type SecuritySettings = Settings["security"];
type AccessRules = SecuritySettings["apiAccess"];
type IpRateLimit = SecuritySettings["ipRateLimit"]["api"];

/** A request refused for its address: 403 (not allowed) or 429 (over the per-address limit, with Retry-After). */
export interface NetworkRefusal {
  status: 403 | 429;
  code: "ip_not_allowed" | "ip_rate_limited";
  message: string;
  retryAfterSeconds?: number;
}

/** The address facts a check needs (what `resolveClientAddress` records). */
export interface CheckedAddress {
  ip: string | null;
  parsed: ParsedIp | null;
}

export type NetworkSide = "api" | "dashboard";

/** A settings value the rules cannot use; the message names the field and the entry. */
export class NetworkRulesError extends Error {
  override name = "NetworkRulesError";
}

const SIDE_NAMES: Record<NetworkSide, { label: string; access: string; limit: string }> = {
  api: { label: "API", access: "security.apiAccess", limit: "security.ipRateLimit.api" },
  dashboard: { label: "dashboard and management API", access: "security.dashboardAccess", limit: "security.ipRateLimit.dashboard" },
};

/** One side's compiled rules. */
class SideRules {
  readonly active: boolean;

  constructor(
    readonly side: NetworkSide,
    /** Null when the allowlist is empty (every address allowed). */
    readonly allow: CidrSet | null,
    readonly block: CidrSet | null,
    readonly limiter: IpRateLimiter | null,
  ) {
    this.active = allow !== null || block !== null || limiter !== null;
  }

  /** Allow / block lists only: no counting. */
  refusal(address: CheckedAddress): NetworkRefusal | null {
    const names = SIDE_NAMES[this.side];
    if (address.parsed === null) {
      if (this.allow === null) return null;
      return {
        status: 403,
        code: "ip_not_allowed",
        message: `OmniRoute could not determine your address, and its ${names.label} accepts only listed addresses (${names.access}.allow).`,
      };
    }
    if (this.block !== null && this.block.contains(address.parsed)) {
      return {
        status: 403,
        code: "ip_not_allowed",
        message: `Requests from ${address.ip} are blocked from this gateway's ${names.label} (${names.access}.block). Ask its administrator if this is wrong.`,
      };
    }
    if (this.allow !== null && !this.allow.contains(address.parsed)) {
      return {
        status: 403,
        code: "ip_not_allowed",
        message: `Requests from ${address.ip} are not allowed on this gateway's ${names.label}: only addresses in ${names.access}.allow are. Ask its administrator to add yours.`,
      };
    }
    return null;
  }

  check(address: CheckedAddress): NetworkRefusal | null {
    const refused = this.refusal(address);
    if (refused !== null || this.limiter === null) return refused;
    const retryAfterSeconds = this.limiter.hit(addressGroupOf(address.ip, address.parsed));
    if (retryAfterSeconds === 0) return null;
    return {
      status: 429,
      code: "ip_rate_limited",
      message:
        `Too many requests from ${address.ip ?? "your address"}: this gateway's ${SIDE_NAMES[this.side].label} allows ${this.limiter.requests} per ` +
        `${this.limiter.windowSeconds} s from one address, or one /64 network for IPv6 (${SIDE_NAMES[this.side].limit}). Retry after ${retryAfterSeconds} s.`,
      retryAfterSeconds,
    };
  }
}

export interface NetworkRulesOptions {
  /** Settings with invalid entries (from before validation, or written by another process): skip them, reported here. */
  onInvalidEntry?: (message: string) => void;
  /** Milliseconds clock for the rate limiters (tests). */
  now?: () => number;
  maxTrackedAddresses?: number;
}

/**
 * settings.security's network part, compiled: allow / block lists per side, per-address rate limits, trusted
 * proxies. `apiActive` / `dashboardActive` are plain fields, false when that side has nothing configured, so the API
 * hot path pays one boolean check. `configure` swaps in new rules in place (the object the routes captured stays
 * valid); a rate limiter whose numbers did not change keeps its counts.
 */
export class NetworkRules {
  apiActive = false;
  dashboardActive = false;
  /** Peers whose X-Forwarded-For / -Proto are believed; null when none. */
  trustedProxies: CidrSet | null = null;
  #api: SideRules;
  #dashboard: SideRules;
  readonly #options: NetworkRulesOptions;

  constructor(security: SecuritySettings, options: NetworkRulesOptions = {}) {
    this.#options = options;
    this.#api = new SideRules("api", null, null, null);
    this.#dashboard = new SideRules("dashboard", null, null, null);
    this.configure(security);
  }

  /**
   * Applies new settings. Entries that are not addresses or CIDRs are skipped and reported to `onInvalidEntry`
   * (settings validation refuses them on the way in; this covers older stored values): a skipped allowlist entry
   * allows nobody, so an allowlist of only bad entries refuses every address rather than allowing all.
   */
  configure(security: SecuritySettings): void {
    const lenient = (field: string, entries: readonly string[]): CidrSet | null =>
      entries.length === 0
        ? null
        : CidrSet.compileLenient(entries, (error) => this.#options.onInvalidEntry?.(`${field}: ${error.message}; the entry is ignored`));
    this.#api = new SideRules(
      "api",
      lenient("security.apiAccess.allow", security.apiAccess.allow),
      lenient("security.apiAccess.block", security.apiAccess.block),
      this.#limiterFor(this.#api.limiter, security.ipRateLimit.api),
    );
    this.#dashboard = new SideRules(
      "dashboard",
      lenient("security.dashboardAccess.allow", security.dashboardAccess.allow),
      lenient("security.dashboardAccess.block", security.dashboardAccess.block),
      this.#limiterFor(this.#dashboard.limiter, security.ipRateLimit.dashboard),
    );
    this.trustedProxies = lenient("security.trustedProxies", security.trustedProxies);
    this.apiActive = this.#api.active;
    this.dashboardActive = this.#dashboard.active;
  }

  /** Allow / block lists and the per-address limit of the API side (/v1, /v1beta); null = go on. Counts the request. */
  checkApi(address: CheckedAddress): NetworkRefusal | null {
    return this.#api.check(address);
  }

  /** The same for the dashboard side (pages, /api, /docs, /openapi, /metrics). Counts the request. */
  checkDashboard(address: CheckedAddress): NetworkRefusal | null {
    return this.#dashboard.check(address);
  }

  /** Whether the lists let this address reach the side (no counting; for reports and settings checks). */
  allows(side: NetworkSide, address: CheckedAddress): boolean {
    return (side === "api" ? this.#api : this.#dashboard).refusal(address) === null;
  }

  #limiterFor(current: IpRateLimiter | null, limit: IpRateLimit): IpRateLimiter | null {
    if (limit.requests === 0) return null;
    if (current && current.requests === limit.requests && current.windowSeconds === limit.windowSeconds) return current;
    return new IpRateLimiter({ ...limit, now: this.#options.now, maxAddresses: this.#options.maxTrackedAddresses });
  }
}

/**
 * Every address list in these settings compiles, else a NetworkRulesError naming the field and the entry
 * (`security.apiAccess.allow: "10.0.0.0/33" is not …`). For settings validation.
 */
export function validateNetworkSettings(security: Pick<SecuritySettings, "apiAccess" | "dashboardAccess" | "trustedProxies">): void {
  const lists: Array<[string, readonly string[]]> = [
    ["security.apiAccess.allow", security.apiAccess.allow],
    ["security.apiAccess.block", security.apiAccess.block],
    ["security.dashboardAccess.allow", security.dashboardAccess.allow],
    ["security.dashboardAccess.block", security.dashboardAccess.block],
    ["security.trustedProxies", security.trustedProxies],
  ];
  for (const [field, entries] of lists) {
    try {
      CidrSet.compile(entries);
    } catch (error) {
      if (error instanceof CidrError) throw new NetworkRulesError(`${field}: ${error.message}.`);
      throw error;
    }
  }
}
