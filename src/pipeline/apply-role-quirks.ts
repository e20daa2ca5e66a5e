import type { IRRequest, IRTextPart } from "../ir/ir-types";
import type { ProviderQuirks } from "../providers/provider-schema";

/**
 * For upstreams that reject system instructions (`systemRoleAsUser`): the leading instructions become the
 * start of the first user message and later system messages become user messages, so nothing is lost.
 */
export function applyRoleQuirks(request: IRRequest, quirks: ProviderQuirks): void {
  if (!quirks.systemRoleAsUser) return;
  for (const message of request.messages) if (message.role === "system") message.role = "user";
  if (request.system.length === 0) return;
  const instructions: IRTextPart[] = request.system.map((part) => ({ type: "text", text: part.text }));
  request.system = [];
  const firstUser = request.messages.find((m) => m.role === "user");
  if (firstUser) firstUser.content = [...instructions, ...firstUser.content];
  else request.messages.unshift({ role: "user", content: instructions });
}
