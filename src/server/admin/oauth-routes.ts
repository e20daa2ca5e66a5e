import { Elysia } from "elysia";
import { z } from "zod";
import { OAuthFlowError, type FlowStart } from "../../oauth/oauth-flows";
import type { GatewayRuntime } from "../gateway-runtime";
import { ApiError } from "./api-error";

const flowKind = z.enum(["authorization-code", "device-code"]);
const flowStartSchema = z.union([
  z.object({
    flowId: z.string(),
    flow: z.literal("authorization-code"),
    authorizeUrl: z.string().describe("Open this in a browser"),
    mode: z.enum(["manual", "loopback"]).describe("manual: paste the code (or the redirected URL) back; loopback: the gateway catches the redirect"),
    expiresAt: z.string(),
  }),
  z.object({
    flowId: z.string(),
    flow: z.literal("device-code"),
    userCode: z.string().describe("The code the user enters at verificationUri"),
    verificationUri: z.string(),
    verificationUriComplete: z.string().optional(),
    expiresAt: z.string(),
    intervalSeconds: z.number(),
  }),
]);
const flowStatusSchema = z.object({
  status: z.enum(["pending", "done", "failed", "expired"]),
  connectionId: z.string().optional(),
  error: z.string().optional(),
});

/** Flow errors in the management API's error shape (their messages carry no secret). */
async function flowCall<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof OAuthFlowError) throw new ApiError(error.status, error.message, error.code);
    throw error;
  }
}

/**
 * Subscription sign-in (src/oauth/oauth-flows.ts): start a flow, complete it with the pasted code, poll its status,
 * and reconnect an account that needs re-authentication. Tokens never appear in an answer.
 */
export function oauthRoutes(runtime: GatewayRuntime) {
  const flows = runtime.oauthFlows;
  return new Elysia({ name: "admin:oauth", detail: { tags: ["Connections"] } })
    .post(
      "/api/oauth/:providerId/start",
      ({ params, body }): Promise<FlowStart> =>
        flowCall(() => flows.start(params.providerId, { ...(body?.flow ? { flow: body.flow } : {}), ...(body?.name ? { name: body.name } : {}) })),
      {
        params: z.object({ providerId: z.string().min(1).max(100) }),
        body: z.object({ flow: flowKind.optional(), name: z.string().min(1).max(100).optional() }).strict().optional(),
        response: flowStartSchema,
        detail: { summary: "Start signing in a subscription account (authorization code with PKCE, or device code)" },
      },
    )
    .post(
      "/api/oauth/flows/:flowId/complete",
      async ({ params, body, set }) => {
        const view = await flowCall(() => flows.complete(params.flowId, body.input));
        set.status = 201;
        return view;
      },
      {
        params: z.object({ flowId: z.string().min(1).max(100) }),
        body: z.object({ input: z.string().min(1).max(8192).describe("The pasted `code#state`, the bare code, or the whole redirected URL") }).strict(),
        detail: { summary: "Finish an authorization-code sign-in with the code the provider showed (creates or reconnects the account)" },
      },
    )
    .get("/api/oauth/flows/:flowId", ({ params }) => flowCall(() => flows.status(params.flowId)), {
      params: z.object({ flowId: z.string().min(1).max(100) }),
      response: flowStatusSchema,
      detail: { summary: "Where a sign-in stands (device sign-ins finish in the background)" },
    })
    .post(
      "/api/connections/:id/reconnect",
      ({ params, body }) => {
        const view = runtime.services.connections.get(params.id);
        if (!view) throw new ApiError(404, `Connection ${params.id} does not exist.`, "not_found");
        if (view.auth.kind !== "oauth") throw new ApiError(400, `Connection ${view.name} uses an API key; change it with PATCH /api/connections/${params.id}.`, "not_oauth");
        return flowCall(() => flows.start(view.providerId, { ...(body?.flow ? { flow: body.flow } : {}), reconnect: params.id }));
      },
      {
        params: z.object({ id: z.string().min(1).max(100) }),
        body: z.object({ flow: flowKind.optional() }).strict().optional(),
        response: flowStartSchema,
        detail: { summary: "Sign an OAuth account in again: completing the flow replaces its tokens and clears its re-auth state" },
      },
    );
}
