import { Elysia } from "elysia";
import { z } from "zod";
import { comboCreateSchema, comboUpdateSchema, ComboValidationError, comboViewSchema } from "../../services/combo-service";
import type { GatewayRuntime } from "../gateway-runtime";
import { ApiError } from "./api-error";

// Combo names may contain "/" (`team/fast`), so the name is the rest of the path: `/api/combos/team/fast`.
// A percent-encoded name (`team%2Ffast`) is accepted as well.
const nameParams = z.object({ "*": z.string().min(1).max(200).describe("The combo's name, slashes included (`team/fast`)") });

const CODES: Record<number, string> = { 404: "not_found", 409: "combo_conflict" };

function comboName(params: { "*": string }): string {
  try {
    return decodeURIComponent(params["*"]);
  } catch {
    throw new ApiError(400, `"${params["*"]}" is not a valid percent-encoded combo name.`, "invalid_request");
  }
}

/** Service validation errors answer as management API errors: 400, 404 or 409 with the service's message. */
function answer<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof ComboValidationError) throw new ApiError(error.status, error.message, CODES[error.status] ?? "invalid_combo");
    throw error;
  }
}

export function comboRoutes(runtime: GatewayRuntime) {
  const combos = runtime.services.combos;
  return new Elysia({ name: "admin:combos", detail: { tags: ["Combos"] } })
    .get("/api/combos", () => combos.list(), {
      response: z.array(comboViewSchema),
      detail: { summary: "List combos: named target lists clients use as a model id" },
    })
    .post(
      "/api/combos",
      ({ body, set }) => {
        const view = answer(() => combos.create(body));
        set.status = 201;
        return view;
      },
      { body: comboCreateSchema, detail: { summary: "Create a combo" } },
    )
    // Registered before the wildcard: "templates" is a reserved combo name.
    .get("/api/combos/templates", () => combos.templates(), {
      response: z.array(comboCreateSchema),
      detail: { summary: "Starter combos to edit and POST (one target per tier: subscription, api-key, cheap, free); not stored" },
    })
    .get(
      "/api/combos/*",
      ({ params }) => {
        const name = comboName(params);
        const view = combos.get(name);
        if (!view) throw new ApiError(404, `Combo "${name}" does not exist.`, "not_found");
        return view;
      },
      { params: nameParams, detail: { summary: "One combo (the name is the rest of the path, e.g. /api/combos/team/fast)" } },
    )
    .patch("/api/combos/*", ({ params, body }) => answer(() => combos.update(comboName(params), body)), {
      params: nameParams,
      body: comboUpdateSchema,
      detail: { summary: "Change a combo (a rename carries `combo:<name>` references along)" },
    })
    .delete(
      "/api/combos/*",
      ({ params, set }) => {
        const name = comboName(params);
        if (!answer(() => combos.delete(name))) throw new ApiError(404, `Combo "${name}" does not exist.`, "not_found");
        set.status = 204;
        return "";
      },
      { params: nameParams, detail: { summary: "Delete a combo (refused with 409 while another combo uses it)" } },
    );
}
