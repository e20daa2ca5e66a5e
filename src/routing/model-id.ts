/**
 * Model ids a client may send. Gemini-format upstreams take the model in the URL path, so an id is the one piece
 * of client input that reaches an upstream URL: `..` segments, `?`, `#`, `%`, `\` and whitespace could walk to
 * another endpoint of the same host with the provider's credentials attached. Real ids (`gpt-5.4`,
 * `claude-sonnet-4@20250514`, `qwen2.5:7b`, `meta-llama/Llama-3.3-70B`, `accounts/fireworks/models/x`) pass.
 */
const SAFE_MODEL_ID = /^[A-Za-z0-9_][A-Za-z0-9._:@/+=~-]{0,255}$/;

export function isSafeModelId(model: string): boolean {
  if (!SAFE_MODEL_ID.test(model)) return false;
  // Dots are fine inside a name (`gpt-4.1`), never as a whole path segment.
  return !model.includes("//") && !/(?:^|\/)\.{1,2}(?:\/|$)/.test(model) && !model.endsWith("/");
}

export const UNSAFE_MODEL_ID_MESSAGE =
  "The model id has characters a model id cannot have: use letters, digits and . _ : @ / + = ~ - (at most 256), without empty, '.' or '..' path segments. GET /v1/models lists the ids you can use.";
