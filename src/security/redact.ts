/**
 * One place that strips credentials from text bound for logs, errors or exports.
 * Known secret values are replaced exactly; common credential shapes are masked as a safety net.
 */
const PATTERNS: RegExp[] = [
  /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /\b(sk-[A-Za-z0-9_-]{2})[A-Za-z0-9_-]{8,}/g,
  /\b(omr_)[A-Za-z0-9_-]{8,}/g,
  /\b(AIza)[A-Za-z0-9_-]{20,}/g,
  /\b((?:api[_-]?key|x-api-key|token|secret|password)\\?["']?\s*[:=]\s*\\?["']?)[^"'\\\s,}]{6,}/gi,
];

export function redact(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join("[REDACTED]");
  }
  for (const pattern of PATTERNS) out = out.replace(pattern, "$1[REDACTED]");
  return out;
}
