import { z } from "zod";
import profilesJson from "../client-profiles.json" with { type: "json" };

/** Lowercase header names only: upstream header objects are keyed lowercase so a name can never appear twice. */
const headerNameSchema = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "header names are lowercase letters, digits and '-'");
/** Printable ASCII only: a value with CR/LF would split the header block. */
const headerValueSchema = z.string().regex(/^[\x20-\x7e]*$/, "header values are printable ASCII");
const headerMapSchema = z.record(headerNameSchema, headerValueSchema);

export const clientProfileSchema = z.object({
  $comment: z.string().optional(),
  /** Headers the official client sends on every request. */
  headers: headerMapSchema,
  /** Extra headers it sends on streaming requests only. */
  streamHeaders: headerMapSchema.default({}),
  /** `anthropic-beta` values it sends (Anthropic-format clients). */
  betas: z.array(z.string().regex(/^[a-z0-9][a-z0-9.-]*$/)).default([]),
  /** Betas the subscription token needs on every request, whoever the client is. */
  requiredBetas: z.array(z.string().regex(/^[a-z0-9][a-z0-9.-]*$/)).default([]),
  /** Query parameters the official client puts on every endpoint (Claude Code: `beta=true`). */
  urlQuery: z.record(z.string().regex(/^[a-z0-9_]+$/), z.string().regex(/^[A-Za-z0-9._-]*$/)).default({}),
  /** How to recognise the provider's own CLI, and which of its headers then go up as they are. */
  ownClient: z
    .object({
      userAgentPrefix: z.string().min(1),
      headers: z.array(headerNameSchema),
      headerPrefixes: z.array(headerNameSchema).default([]),
    })
    .optional(),
});
export type ClientProfile = z.infer<typeof clientProfileSchema>;

export const clientProfilesSchema = z.object({ $comment: z.string().optional() }).catchall(clientProfileSchema);

let cached: Map<string, ClientProfile> | null = null;

/** Validates a profiles document (the shipped JSON, or a test's); throws with the zod issues when it is wrong. */
export function parseClientProfiles(document: unknown): Map<string, ClientProfile> {
  const parsed = clientProfilesSchema.parse(document) as Record<string, unknown>;
  const profiles = new Map<string, ClientProfile>();
  for (const [key, value] of Object.entries(parsed)) if (key !== "$comment") profiles.set(key, value as ClientProfile);
  return profiles;
}

/**
 * The shipped profile of a provider's official client. Parsed on first use: a gateway with API-key connections only
 * never pays for it.
 */
export function clientProfile(providerId: string): ClientProfile {
  cached ??= parseClientProfiles(profilesJson);
  const profile = cached.get(providerId);
  if (!profile) throw new Error(`src/providers/client-profiles.json has no profile for ${providerId}`);
  return profile;
}

/** Whether the inbound client is the provider's own CLI (its user agent), whose own headers then go up as they are. */
export function isOwnClient(profile: ClientProfile, clientHeaders: Headers | undefined): clientHeaders is Headers {
  const own = profile.ownClient;
  return own !== undefined && clientHeaders !== undefined && (clientHeaders.get("user-agent") ?? "").startsWith(own.userAgentPrefix);
}

/** Whether `name` (lower case) is one of the headers the provider's own CLI sends for itself. */
export function isOwnClientHeader(profile: ClientProfile, name: string): boolean {
  const own = profile.ownClient;
  return own !== undefined && (own.headers.includes(name) || own.headerPrefixes.some((prefix) => name.startsWith(prefix)));
}

/** The profile's headers less the own client's (what the profile still fills when the CLI itself is the client). */
export function headersBesideOwnClient(profile: ClientProfile): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in profile.headers) if (!isOwnClientHeader(profile, name)) out[name] = profile.headers[name]!;
  return out;
}

/** Copies the own client's headers from its request into `headers`, exactly as it sent them. */
export function copyOwnClientHeaders(profile: ClientProfile, client: Headers, headers: Record<string, string>): void {
  client.forEach((value, name) => {
    if (isOwnClientHeader(profile, name)) headers[name] = value;
  });
}
