import { Elysia } from "elysia";
import { z } from "zod";
import { clientAddressOf } from "../../security/client-address";
import type { Lockout } from "../../services/admin-auth-service";
import type { GatewayRuntime } from "../gateway-runtime";
import { sessionCookie, sessionTokenOf } from "../guards/admin-session";
import { ApiError } from "./api-error";

const loginSchema = z.object({ password: z.string().min(1).max(1024) }).strict();
const passwordChangeSchema = z
  .object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(8, "the new password needs at least 8 characters").max(1024) })
  .strict();

const sessionSchema = z.object({
  id: z.string().describe("Public id (a hash of the stored one): names the session, cannot be used as a cookie"),
  createdAt: z.string(),
  lastSeenAt: z.string().describe("Updated at most once a minute"),
  expiresAt: z.string().describe("Sliding: each use pushes it 7 days ahead"),
  ip: z.string().nullable().describe("Address the session logged in from"),
  userAgent: z.string().nullable(),
  current: z.boolean().describe("The session making this call"),
});
const sessionIdParams = z.object({ id: z.string().min(1).max(100) });

function lockedOut(lockout: Lockout): ApiError {
  const wait = lockout.retryAfterSeconds;
  const message =
    lockout.scope === "address"
      ? `Too many failed logins from this address. Try again in ${wait} s.`
      : `Too many failed logins from all addresses together (someone may be guessing the password). Try again in ${wait} s.`;
  return new ApiError(429, message, "locked_out", { "retry-after": String(wait) });
}

export function authRoutes(runtime: GatewayRuntime) {
  const auth = runtime.services.adminAuth;
  /** The session token of a call the guard already let through (every route here but login needs one). */
  const tokenOf = (request: Request): string => {
    const token = sessionTokenOf(request);
    if (!token) throw new ApiError(401, "Log in to the dashboard first (POST /api/auth/login).", "unauthenticated");
    return token;
  };
  return new Elysia({ name: "admin:auth", detail: { tags: ["Dashboard auth"] } })
    .post(
      "/api/auth/login",
      async ({ body, request, set }) => {
        const { ip, https } = clientAddressOf(request);
        const locked = auth.startAttempt(ip);
        if (locked) throw lockedOut(locked);
        if (!(await auth.verifyPassword(body.password))) throw new ApiError(401, "Wrong password.", "invalid_password");
        auth.attemptSucceeded(ip);
        const session = auth.createSession({ ip, userAgent: request.headers.get("user-agent") });
        set.headers["set-cookie"] = sessionCookie(session.token, session.maxAgeSeconds, https);
        return { ok: true };
      },
      {
        body: loginSchema,
        detail: {
          summary:
            "Log in with the admin password; sets an HttpOnly session cookie. Repeated failures lock the address out " +
            "(settings.security.login), and failures from all addresses together are capped too (429 with Retry-After)",
        },
      },
    )
    .post(
      "/api/auth/logout",
      ({ request, set }) => {
        auth.endSession(sessionTokenOf(request));
        set.headers["set-cookie"] = sessionCookie("", 0, clientAddressOf(request).https);
        set.status = 204;
        return "";
      },
      { detail: { summary: "End the current session" } },
    )
    .get(
      "/api/auth/session",
      ({ request }) => ({ authenticated: auth.validateSession(sessionTokenOf(request)) }),
      { detail: { summary: "Whether the caller has a valid session" } },
    )
    .post(
      "/api/auth/password",
      async ({ body, request, set }) => {
        const { ip, https } = clientAddressOf(request);
        // A borrowed session must not become a way to guess the password: same lock-out as the login.
        const locked = auth.startAttempt(ip);
        if (locked) throw lockedOut(locked);
        if (!(await auth.verifyPassword(body.currentPassword))) throw new ApiError(403, "The current password is wrong.", "invalid_password");
        auth.attemptSucceeded(ip);
        const session = await auth.changePassword(body.newPassword, { ip, userAgent: request.headers.get("user-agent") });
        set.headers["set-cookie"] = sessionCookie(session.token, session.maxAgeSeconds, https);
        set.status = 204;
        return "";
      },
      {
        body: passwordChangeSchema,
        detail: { summary: "Change the admin password: every other session ends; the caller stays signed in with a new session cookie" },
      },
    )
    .get("/api/auth/sessions", ({ request }) => ({ sessions: auth.listSessions(sessionTokenOf(request)) }), {
      response: z.object({ sessions: z.array(sessionSchema) }),
      detail: { summary: "The dashboard sessions still valid, oldest first" },
    })
    .delete(
      "/api/auth/sessions/:id",
      ({ params, request, set }) => {
        const current = auth.publicIdOf(sessionTokenOf(request)) === params.id;
        if (!auth.revokeSession(params.id)) {
          throw new ApiError(404, `No live session with id "${params.id}" (see GET /api/auth/sessions; it may have expired).`, "not_found");
        }
        // Ending one's own session is a logout: the browser drops the cookie too.
        if (current) set.headers["set-cookie"] = sessionCookie("", 0, clientAddressOf(request).https);
        set.status = 204;
        return "";
      },
      { params: sessionIdParams, detail: { summary: "End one session (the caller's own included: its next call answers 401)" } },
    )
    .post("/api/auth/sessions/revoke-others", ({ request }) => ({ revoked: auth.revokeOtherSessions(tokenOf(request)) }), {
      response: z.object({ revoked: z.number().int().describe("How many sessions ended") }),
      detail: { summary: "End every session except the caller's" },
    });
}
