import { Elysia } from "elysia";
import { z } from "zod";
import { configDocumentJsonSchema } from "../../config-file/config-document-schema";
import { exportConfig } from "../../config-file/export-config";
import { checkImportBaseUrls, ConfigImportError, importConfig } from "../../config-file/import-config";
import { PassphraseError } from "../../config-file/passphrase-seal";
import type { GatewayRuntime } from "../gateway-runtime";
import { ApiError } from "./api-error";

const exportSchema = z
  .object({
    includeSecrets: z.boolean().default(false).describe("Include provider API keys, encrypted with `passphrase`"),
    passphrase: z.string().min(8).max(1024).optional(),
  })
  .strict();
const importSchema = z
  .object({
    document: z.unknown().describe("An OmniRoute config document (format omniroute-config)"),
    passphrase: z.string().max(1024).optional(),
    replace: z.boolean().default(false).describe("Remove connections and keys missing from the document"),
  })
  .strict();

export function configRoutes(runtime: GatewayRuntime) {
  return new Elysia({ name: "admin:config", detail: { tags: ["Config import/export"] } })
    .get("/api/config/schema", () => configDocumentJsonSchema(), {
      detail: { summary: "JSON Schema of the config document (format omniroute-config, version 2)" },
    })
    .post(
      "/api/config/export",
      ({ body }) => {
        if (body.includeSecrets && !body.passphrase) throw new ApiError(400, "includeSecrets needs a passphrase (8+ characters) to encrypt them.", "passphrase_required");
        try {
          return exportConfig(runtime.services, body);
        } catch (error) {
          if (error instanceof PassphraseError) throw new ApiError(400, error.message, "invalid_passphrase");
          throw error;
        }
      },
      { body: exportSchema, detail: { summary: "Export the configuration document (docs/config-format.md)" } },
    )
    .post(
      "/api/config/import",
      async ({ body }) => {
        try {
          await checkImportBaseUrls(body.document);
          const summary = importConfig(runtime.services, body.document, { passphrase: body.passphrase, replace: body.replace });
          // Imported settings take effect at once, like a PATCH: strategies, aliases and rate limits.
          runtime.router.rebuild();
          runtime.rateLimiter.configure(runtime.services.settings.get().routing.rateLimits);
          return summary;
        } catch (error) {
          if (error instanceof ConfigImportError) throw new ApiError(400, error.message, "invalid_config");
          throw error;
        }
      },
      { body: importSchema, detail: { summary: "Import a configuration document in one transaction" } },
    );
}
