import type { DocumentKind, WireFormatId } from "../components/translator/detect-format";
import { apiRequest } from "./client";

/** `POST /api/translate` answer: the document in the target format (SSE text for streams) and the IR it passed through. */
export interface TranslationResult {
  result: unknown;
  ir: unknown;
}

export interface TranslateInput {
  from: WireFormatId;
  to: WireFormatId;
  kind: DocumentKind;
  /** A JSON object (request, response) or the SSE text (stream). */
  body: Record<string, unknown> | string;
}

export interface RoundTripInput {
  format: WireFormatId;
  body: Record<string, unknown>;
  model: string;
  /** Gemini only: streamGenerateContent instead of generateContent. */
  stream?: boolean;
}

/** `POST /api/translate/round-trip` answer: one request through the gateway, every stage (bodies redacted). */
export interface RoundTripResult {
  clientRequest: { format: WireFormatId; method: string; path: string; body: string };
  upstreamFormat: WireFormatId | null;
  upstreamRequest: { method: string; url: string; headers: Record<string, string>; body: string } | null;
  upstreamResponse: { status: number; headers: Record<string, string>; body: string } | null;
  clientResponse: { status: number; headers: Record<string, string>; body: string; answerText: string | null };
  route: { requestId: string | null; provider: string | null; target: string | null; translated: boolean; attempts: number; failover: string | null };
  latencyMs: number;
}

export interface TranslatorModel {
  id: string;
  owned_by?: string;
}

export interface TranslatorProvider {
  id: string;
  name: string;
  format: string;
}

/** One finished request as the live monitor sends it (`event: request` of GET /api/monitor/stream). */
export interface MonitorRequestEvent {
  id: string;
  time: string;
  surface: string;
  model: string | null;
  upstreamModel: string | null;
  provider: string | null;
  stream: boolean;
  status: number;
  latencyMs: number;
  error: string | null;
}

export const MONITOR_STREAM_PATH = "/api/monitor/stream";

export const translatorApi = {
  translate: (input: TranslateInput) => apiRequest<TranslationResult>("POST", "/api/translate", { body: input }),
  roundTrip: (input: RoundTripInput) => apiRequest<RoundTripResult>("POST", "/api/translate/round-trip", { body: input }),
  listModels: async () => (await apiRequest<{ data: TranslatorModel[] }>("GET", "/api/models")).data,
  listProviders: () => apiRequest<TranslatorProvider[]>("GET", "/api/providers"),
};
