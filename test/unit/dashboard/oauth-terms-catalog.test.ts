import { describe, expect, test } from "bun:test";
import { PROVIDER_CATALOG } from "../../../src/providers/catalog";
import { oauthTermsPtBR } from "../../../ui/src/i18n/areas/oauth-terms.pt-BR";

/**
 * The dashboard shows each subscription provider's terms note before sign-in: English from the server catalog, other
 * languages from the dashboard's own tables. Every sign-in provider needs its note in each complete locale (pt-BR),
 * and no translation may be left for a provider that is gone.
 */
describe("terms notes in Portuguese", () => {
  const signInProviders = PROVIDER_CATALOG.filter((provider) => provider.oauth).map((provider) => provider.id);

  test("every sign-in provider has one, and each names no provider the catalog lacks", () => {
    expect(signInProviders.length).toBeGreaterThanOrEqual(6);
    expect(Object.keys(oauthTermsPtBR).sort()).toEqual([...signInProviders].sort());
  });

  test("each says, like the English, that the account can be suspended", () => {
    for (const id of signInProviders) expect(oauthTermsPtBR[id], id).toMatch(/suspend/);
  });
});
