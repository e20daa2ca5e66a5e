import { copyOwnClientHeaders, headersBesideOwnClient, isOwnClient, type ClientProfile } from "./client-profiles";
import type { ProviderExecutor, ShapedRequest, ShapeInput } from "./provider-executor";
import { commaList, lowercaseHeaders, mergeLists, withQuery } from "./upstream-headers";

/**
 * Claude Code subscription (OAuth) requests: a subscription token is accepted only on requests that carry Claude
 * Code's headers and the `oauth-2025-04-20` beta.
 *
 * - The inbound client is Claude Code itself (`user-agent: claude-cli/…`): its own `anthropic-beta`, `x-app`,
 *   `user-agent`, `x-stainless-*` and `x-claude-code-session-id` go up as they are — forcing betas it did not ask
 *   for caused 400s — and only the required betas are added to its list.
 * - Any other client: the profile's header set (client-profiles.json) and its betas, merged with the betas the
 *   client asked for itself.
 *
 * Deliberately not done: no system-prompt identity block, no billing header (`cc_version`, `cch`), no
 * `metadata.user_id` synthesis, no tool-name cloaking. The body goes up as the pipeline built it.
 */
export class ClaudeCodeExecutor implements ProviderExecutor {
  readonly providerId = "claude-code";
  readonly #profile: ClientProfile;
  /** The profile's headers minus those that are the client's own to send when the client is Claude Code. */
  readonly #profileOwnClientBase: Record<string, string>;

  constructor(profile: ClientProfile) {
    this.#profile = profile;
    this.#profileOwnClientBase = headersBesideOwnClient(profile);
  }

  shape(input: ShapeInput): ShapedRequest {
    const profile = this.#profile;
    const client = input.clientHeaders;
    const headers = lowercaseHeaders(input.headers);
    if (isOwnClient(profile, client)) {
      // The profile fills only what is not the client's own (anthropic-version and the like)…
      Object.assign(headers, this.#profileOwnClientBase);
      // …and every header of the client's own kinds goes up exactly as it sent it (its betas included).
      copyOwnClientHeaders(profile, client, headers);
      const sent = client.get("anthropic-beta");
      const missing = profile.requiredBetas.filter((beta) => !commaList(sent).includes(beta));
      if (missing.length > 0) headers["anthropic-beta"] = sent ? `${sent},${missing.join(",")}` : missing.join(",");
    } else {
      // The client's own betas (forwarded by the format's header list) switch request fields on: keep them.
      const asked = commaList(headers["anthropic-beta"]);
      Object.assign(headers, profile.headers);
      if (input.stream) Object.assign(headers, profile.streamHeaders);
      const betas = mergeLists(mergeLists(profile.betas, asked), profile.requiredBetas);
      if (betas.length > 0) headers["anthropic-beta"] = betas.join(",");
    }
    return { url: withQuery(input.url, profile.urlQuery), headers, body: input.body };
  }
}
