import { apiRequest } from "./client";

/** The calls the first-run wizard needs beyond the shared management API: combo templates and creating a combo. */

export interface ComboDraft {
  name: string;
  strategy?: string | null;
  description?: string | null;
  targets: Array<{ model: string; weight?: number }>;
}

export interface CreatedCombo {
  name: string;
  targets: Array<{ model: string; weight: number }>;
}

export interface ComboSummary {
  name: string;
  enabled: boolean;
}

export const onboardingApi = {
  listComboTemplates: () => apiRequest<ComboDraft[]>("GET", "/api/combos/templates"),
  listCombos: () => apiRequest<ComboSummary[]>("GET", "/api/combos"),
  createCombo: (draft: ComboDraft) => apiRequest<CreatedCombo>("POST", "/api/combos", { body: draft }),
};
