import { Elysia } from "elysia";
import { z } from "zod";
import type { GatewayRuntime } from "../gateway-runtime";
import { readCookie, SESSION_COOKIE } from "../guards/admin-session";
import { ApiError } from "./api-error";

const loginSchema = z.object({ password: z.string().min(1).max(1024) }).strict();
const passwordChangeSchema = z
  .object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(8, "the new password needs at least 8 characters").max(1024) })
  .strict();

function sessionCookie(token: string, maxAge: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? "; Secure" : ""}`;
}

export function authRoutes(runtime: GatewayRuntime) {
  const auth = runtime.services.adminAuth;
  return new Elysia({ name: "admin:auth", detail: { tags: ["Dashboard auth"] } })
    .post(
      "/api/auth/login",
      async ({ body, request, server, set }) => {
        const ip = server?.requestIP(request)?.address ?? "unknown";
        const wait = auth.lockedFor(ip);
        if (wait > 0) throw new ApiError(429, `Too many failed logins. Try again in ${wait} s.`, "locked_out", { "retry-after": String(wait) });
        if (!(await auth.verifyPassword(body.password))) {
          auth.recordFailure(ip);
          throw new ApiError(401, "Wrong password.", "invalid_password");
        }
        auth.clearFailures(ip);
        const session = auth.createSession({ ip, userAgent: request.headers.get("user-agent") });
        set.headers["set-cookie"] = sessionCookie(session.token, session.maxAgeSeconds, new URL(request.url).protocol === "https:");
        return { ok: true };
      },
      { body: loginSchema, detail: { summary: "Log in with the admin password; sets an HttpOnly session cookie" } },
    )
    .post(
      "/api/auth/logout",
      ({ request, set }) => {
        auth.endSession(readCookie(request.headers.get("cookie"), SESSION_COOKIE));
        set.headers["set-cookie"] = sessionCookie("", 0, false);
        set.status = 204;
        return "";
      },
      { detail: { summary: "End the current session" } },
    )
    .get(
      "/api/auth/session",
      ({ request }) => ({ authenticated: auth.validateSession(readCookie(request.headers.get("cookie"), SESSION_COOKIE)) }),
      { detail: { summary: "Whether the caller has a valid session" } },
    )
    .post(
      "/api/auth/password",
      async ({ body, set }) => {
        if (!(await auth.verifyPassword(body.currentPassword))) throw new ApiError(403, "The current password is wrong.", "invalid_password");
        await auth.setPassword(body.newPassword);
        set.status = 204;
        return "";
      },
      { body: passwordChangeSchema, detail: { summary: "Change the admin password (ends all sessions)" } },
    );
}
