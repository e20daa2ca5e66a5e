/** English messages shared by the quota rows of the Health and Providers pages (keys `quota.…`). */
export const quotaEn = {
  "quota.windowName": "{id} · {description}",
  "quota.reportedName": "Reported by the provider: {name}",
  "quota.percentUsed": "{percent} used",
  "quota.requests": "{used} of {limit} requests",
  "quota.tokens": "{used} of {limit} tokens",
  "quota.usd": "{used} of {limit}",
  "quota.remaining": "{remaining} of {limit} left",
  "quota.resetsIn": "resets in {time}",
  "quota.exhausted": "Used up",
  "quota.modelOnly": "Only {model} is skipped until the reset; the account serves its other models.",
} as const;
