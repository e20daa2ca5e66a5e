import { Elysia } from "elysia";
import { z } from "zod";
import { modelPricingSchema } from "../../providers/provider-schema";
import type { GatewayRuntime } from "../gateway-runtime";

const priceRowSchema = z.object({
  providerId: z.string(),
  model: z.string(),
  /** Where the price comes from: the user's `provider/model` entry, their bare model entry, or the catalog. */
  source: z.enum(["override", "override-any-provider", "catalog"]),
  price: modelPricingSchema,
});

/**
 * Effective prices per 1M tokens for every model the catalog or the user's connections name, and the user's own
 * entries. Prices are edited through `PATCH /api/settings {"pricing":{"models":{…}}}`.
 */
export function pricingRoutes(runtime: GatewayRuntime) {
  return new Elysia({ name: "admin:pricing", detail: { tags: ["Usage"] } }).get(
    "/api/pricing",
    () => {
      const overrides = runtime.services.settings.get().pricing.models;
      const rows: Array<z.infer<typeof priceRowSchema>> = [];
      const seen = new Set<string>();
      const add = (providerId: string, model: string, catalogPrice: z.infer<typeof modelPricingSchema> | undefined) => {
        const key = `${providerId}/${model}`;
        if (seen.has(key)) return;
        seen.add(key);
        const own = overrides[key];
        const any = overrides[model];
        if (own) rows.push({ providerId, model, source: "override", price: own });
        else if (any) rows.push({ providerId, model, source: "override-any-provider", price: any });
        else if (catalogPrice) rows.push({ providerId, model, source: "catalog", price: catalogPrice });
      };
      for (const provider of runtime.services.registry.list()) for (const model of provider.models) add(provider.id, model.id, model.pricing);
      // Custom model ids on the user's connections carry only the user's prices.
      for (const connection of runtime.services.connections.runtime()) for (const model of connection.models) add(connection.provider.id, model, undefined);
      return { overrides, models: rows };
    },
    {
      response: z.object({ overrides: z.record(z.string(), modelPricingSchema), models: z.array(priceRowSchema) }),
      detail: { summary: "Effective model prices (USD per 1M tokens): the user's entries over the built-in catalog" },
    },
  );
}
