import type { quotaEn } from "./quota.en";

/** Português do Brasil: the shared quota rows. */
export const quotaPtBR: Record<keyof typeof quotaEn, string> = {
  "quota.windowName": "{id} · {description}",
  "quota.reportedName": "Informado pelo provedor: {name}",
  "quota.percentUsed": "{percent} usados",
  "quota.requests": "{used} de {limit} requisições",
  "quota.tokens": "{used} de {limit} tokens",
  "quota.usd": "{used} de {limit}",
  "quota.remaining": "{remaining} de {limit} restantes",
  "quota.resetsIn": "renova em {time}",
  "quota.exhausted": "Esgotada",
  "quota.modelOnly": "Só {model} fica de fora até a renovação; a conta continua atendendo os outros modelos.",
};
