import { copyOwnClientHeaders, isOwnClient, type ClientProfile } from "./client-profiles";
import type { ProviderExecutor, ShapedRequest, ShapeInput } from "./provider-executor";
import { lowercaseHeaders } from "./upstream-headers";

/**
 * Qwen Code (qwen.ai OAuth) requests, OpenAI Chat format: the Qwen Code CLI's header set from client-profiles.json —
 * `user-agent` / `x-dashscope-useragent` (`QwenCode/<ver> (<os>; <arch>)`), `x-dashscope-authtype: qwen-oauth`,
 * `x-dashscope-cachecontrol: enable` and the OpenAI SDK's Stainless headers. The portal serves an OAuth token only
 * with the `qwen-oauth` auth type, so that one is always the profile's.
 *
 * When the inbound client is Qwen Code itself (`user-agent: QwenCode/…`), its own user agent and Stainless headers
 * go up as it sent them (its real version and platform instead of ours). URL and body are unchanged: the pipeline
 * already asks for the final usage chunk (`stream_options.include_usage`) on streams, as the portal expects.
 */
export class QwenCodeExecutor implements ProviderExecutor {
  readonly providerId = "qwen-code";
  readonly #profile: ClientProfile;

  constructor(profile: ClientProfile) {
    this.#profile = profile;
  }

  shape(input: ShapeInput): ShapedRequest {
    const profile = this.#profile;
    const headers = lowercaseHeaders(input.headers);
    Object.assign(headers, profile.headers);
    if (input.stream) Object.assign(headers, profile.streamHeaders);
    if (isOwnClient(profile, input.clientHeaders)) copyOwnClientHeaders(profile, input.clientHeaders, headers);
    return { url: input.url, headers, body: input.body };
  }
}
