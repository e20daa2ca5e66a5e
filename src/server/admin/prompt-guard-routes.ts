import { Elysia } from "elysia";
import { z } from "zod";
import { settingsSchema, type SettingsPatch } from "../../config/settings-schema";
import {
  BUILTIN_PROMPT_GUARD_RULES,
  compilePromptGuard,
  scanPromptGuard,
  validatePromptGuardSettings,
  type CompiledPromptGuard,
  type PromptGuardSettings,
} from "../../security/prompt-guard";
import type { GatewayRuntime } from "../gateway-runtime";
import { ApiError } from "./api-error";

const promptGuardSettingsSchema = settingsSchema.shape.security.unwrap().shape.promptGuard.unwrap();

const promptGuardReportSchema = z.object({
  builtins: z.array(z.object({ id: z.string(), description: z.string() })).describe("The built-in rules, on unless listed in disabledBuiltins"),
  settings: promptGuardSettingsSchema.describe("settings.security.promptGuard as stored"),
});

const promptGuardTestBodySchema = z
  .object({
    text: z.string().max(1_000_000).describe("Text to scan, as if a user turn or a tool result held it"),
    settings: promptGuardSettingsSchema.optional().describe("Try these settings instead of the stored ones (nothing is saved)"),
  })
  .strict();

const promptGuardTestResultSchema = z.object({
  matches: z
    .array(z.object({ id: z.string(), source: z.enum(["builtin", "custom"]) }))
    .describe("Every rule that matches, whatever the mode (the mode decides only what happens to a matching request)"),
});

/** 400 naming the custom pattern at fault, in the management API's error shape. */
function assertValidPromptGuard(settings: PromptGuardSettings): void {
  const problem = validatePromptGuardSettings(settings);
  if (problem) throw new ApiError(400, problem.message, "invalid_prompt_guard_pattern");
}

/**
 * Checks a `PATCH /api/settings` body's `security` part before it is stored: a `promptGuard` with a custom pattern
 * that is not a valid regular expression, or could backtrack without bound, or an unknown built-in id in
 * `disabledBuiltins`, is refused with a 400 naming it. Throws ApiError; call it before `settings.update`.
 */
export function assertPromptGuardSettingsPatch(patch: SettingsPatch["security"]): void {
  if (patch?.promptGuard) assertValidPromptGuard(patch.promptGuard);
}

/**
 * The stored settings compiled, kept until they change: the settings service hands out a new object on every
 * change, so the object itself is the cache key.
 */
const compiledBySettings = new WeakMap<PromptGuardSettings, CompiledPromptGuard>();
function compiledFor(settings: PromptGuardSettings): CompiledPromptGuard {
  let compiled = compiledBySettings.get(settings);
  if (!compiled) compiledBySettings.set(settings, (compiled = compilePromptGuard(settings)));
  return compiled;
}

/**
 * `GET /api/security/prompt-guard` (the built-in rules and the settings) and `POST /api/security/prompt-guard/test`
 * (which rules a text trips). The guard itself is configured through `PATCH /api/settings {"security":{"promptGuard":…}}`.
 */
export function promptGuardRoutes(runtime: GatewayRuntime) {
  const stored = () => runtime.services.settings.get().security.promptGuard;
  return new Elysia({ name: "admin:prompt-guard", detail: { tags: ["Security"] } })
    .get(
      "/api/security/prompt-guard",
      () => ({
        builtins: BUILTIN_PROMPT_GUARD_RULES.map((rule) => ({ id: rule.id, description: rule.description })),
        settings: stored(),
      }),
      {
        response: promptGuardReportSchema,
        detail: {
          summary:
            "The prompt-injection guard: its built-in rules (id and what each catches) and settings.security.promptGuard (mode off / flag / block, built-ins on, disabled built-ins, custom patterns)",
        },
      },
    )
    .post(
      "/api/security/prompt-guard/test",
      ({ body }) => {
        let compiled: CompiledPromptGuard;
        if (body.settings) {
          assertValidPromptGuard(body.settings);
          compiled = compilePromptGuard(body.settings);
        } else compiled = compiledFor(stored());
        return { matches: scanPromptGuard(compiled, [body.text]) };
      },
      {
        body: promptGuardTestBodySchema,
        response: promptGuardTestResultSchema,
        detail: {
          summary:
            "Which prompt-guard rules a text matches, with the stored settings or with `settings` given in the body (to try custom patterns before saving; 400 names an invalid one)",
        },
      },
    );
}
