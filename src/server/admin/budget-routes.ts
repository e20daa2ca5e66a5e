import { Elysia } from "elysia";
import { z } from "zod";
import { budgetCreateSchema, budgetUpdateSchema, budgetViewSchema } from "../../budgets/budget-config";
import { BudgetValidationError } from "../../budgets/budget-service";
import type { GatewayRuntime } from "../gateway-runtime";
import { ApiError } from "./api-error";

const idParams = z.object({ id: z.string().min(1).max(100).describe("The budget's id (`bdg_…`)") });

const CODES: Record<number, string> = { 404: "not_found", 409: "budget_conflict" };

/** Service validation errors answer as management API errors with the service's message. */
function answer<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof BudgetValidationError) throw new ApiError(error.status, error.message, CODES[error.status] ?? "invalid_budget");
    throw error;
  }
}

export function budgetRoutes(runtime: GatewayRuntime) {
  const { service, tracker } = runtime.budgets;
  return new Elysia({ name: "admin:budgets", detail: { tags: ["Budgets"] } })
    .get("/api/budgets", () => service.list().map((budget) => tracker.view(budget)), {
      response: z.array(budgetViewSchema),
      detail: { summary: "List budgets with what each spent in its current window and when it resets" },
    })
    .post(
      "/api/budgets",
      ({ body, set }) => {
        const budget = answer(() => service.create(body));
        set.status = 201;
        return tracker.view(budget);
      },
      {
        body: budgetCreateSchema,
        response: { 201: budgetViewSchema },
        detail: { summary: "Create a budget: a dollar limit per window for a client key, provider, combo or combo entry (tier)" },
      },
    )
    .get(
      "/api/budgets/:id",
      ({ params }) => {
        const budget = service.get(params.id);
        if (!budget) throw new ApiError(404, `Budget "${params.id}" does not exist (GET /api/budgets lists them).`, "not_found");
        return tracker.view(budget);
      },
      { params: idParams, response: budgetViewSchema, detail: { summary: "One budget with its current spend" } },
    )
    .patch("/api/budgets/:id", ({ params, body }) => tracker.view(answer(() => service.update(params.id, body))), {
      params: idParams,
      body: budgetUpdateSchema,
      response: budgetViewSchema,
      detail: { summary: "Change a budget (a new scope or window recounts its spend from the request log)" },
    })
    .delete(
      "/api/budgets/:id",
      ({ params, set }) => {
        if (!service.delete(params.id)) throw new ApiError(404, `Budget "${params.id}" does not exist (GET /api/budgets lists them).`, "not_found");
        set.status = 204;
        return "";
      },
      { params: idParams, detail: { summary: "Delete a budget; whatever it blocked is let through at once" } },
    );
}
