import type { MessageKey } from "../../i18n/en";
import { t } from "../../i18n/locale-store";
import type { DocumentKind, WireFormatId } from "./detect-format";

const FORMAT_LABEL_KEYS: Record<WireFormatId, MessageKey> = {
  "openai-chat": "translator.format.openaiChat",
  "openai-responses": "translator.format.openaiResponses",
  anthropic: "translator.format.anthropic",
  gemini: "translator.format.gemini",
};

const KIND_LABEL_KEYS: Record<DocumentKind, MessageKey> = {
  request: "translator.kind.request",
  response: "translator.kind.response",
  stream: "translator.kind.stream",
};

export const formatLabel = (format: WireFormatId) => t(FORMAT_LABEL_KEYS[format]);
export const kindLabel = (kind: DocumentKind) => t(KIND_LABEL_KEYS[kind]);

/** A format id from the server (a surface name, a provider's format) as a label; unknown ids are shown as they are. */
export function formatIdLabel(id: string): string {
  return id in FORMAT_LABEL_KEYS ? formatLabel(id as WireFormatId) : id;
}
