/**
 * A conservative token cost for an attached document or media file. Text-like payloads are tokenized; PDFs are
 * priced per page (pages counted from the PDF's own structure, else guessed from the size); audio/video from
 * the byte size; files we cannot see (URL, file id) get fixed defaults.
 */
import type { IRFilePart } from "../ir/ir-types";
import { base64ByteLength, base64FromDataUrl } from "./image-dimensions";
import type { TextTokenCounter } from "./o200k-counter";
import type { TokenFamily } from "./token-family";
import { isGemini3OrLater } from "./token-family";

/** Per PDF page: Claude sends extracted text plus a page image (docs: 1,500–3,000 text tokens per page). */
const PDF_PAGE_TOKENS: Record<TokenFamily, number> = { anthropic: 3000, openai: 2000, gemini: 560 };
/** Gemini ≤ 2.x documents cost 258 tokens per page. */
const GEMINI_LEGACY_PDF_PAGE_TOKENS = 258;
/** When the page count cannot be read, assume a page per this many bytes (text PDFs are 5–50 KB a page). */
const PDF_BYTES_PER_PAGE_GUESS = 25_000;
/** Pages assumed for a PDF we cannot see. */
const UNSEEN_PDF_PAGES = 3;
/** Audio/video: ≈300 tokens per second (Gemini 1 fps frames + audio) at ≈150 KB/s, rounded down to be generous. */
const MEDIA_BYTES_PER_TOKEN = 500;
/** Audio/video we cannot see: assume one minute (Gemini: 258 per frame at 1 fps + 32 per second of audio). */
const UNSEEN_VIDEO_TOKENS = 60 * (258 + 32);
const UNSEEN_AUDIO_TOKENS = 60 * 32;
/** Any other file we cannot see, or an unrecognised binary. */
const UNSEEN_FILE_TOKENS = 4000;
const BINARY_BYTES_PER_TOKEN = 4;

export function fileTokenCost(part: IRFilePart, family: TokenFamily, model: string, countText: TextTokenCounter): number {
  const payload = inlinePayload(part);
  const mediaType = (part.mediaType ?? payload?.mediaType ?? guessMediaType(part)).toLowerCase();
  const pageTokens =
    family === "gemini" && !isGemini3OrLater(model) ? GEMINI_LEGACY_PDF_PAGE_TOKENS : PDF_PAGE_TOKENS[family];

  if (!payload) {
    if (mediaType === "application/pdf") return UNSEEN_PDF_PAGES * pageTokens;
    if (mediaType.startsWith("video/")) return UNSEEN_VIDEO_TOKENS;
    if (mediaType.startsWith("audio/")) return UNSEEN_AUDIO_TOKENS;
    return UNSEEN_FILE_TOKENS;
  }

  const bytes = base64ByteLength(payload.data);
  if (isTextLike(mediaType)) return countText(Buffer.from(payload.data, "base64").toString("utf8"));
  if (mediaType === "application/pdf") return pdfPageCount(payload.data, bytes) * pageTokens;
  if (mediaType.startsWith("video/") || mediaType.startsWith("audio/")) return Math.ceil(bytes / MEDIA_BYTES_PER_TOKEN);
  return Math.ceil(bytes / BINARY_BYTES_PER_TOKEN);
}

function inlinePayload(part: IRFilePart): { mediaType?: string; data: string } | undefined {
  const source = part.source;
  if (source.kind === "base64") return { mediaType: source.mediaType, data: source.data };
  if (source.kind === "url") return base64FromDataUrl(source.url);
  return undefined;
}

function guessMediaType(part: IRFilePart): string {
  const name = part.filename ?? (part.source.kind === "url" ? part.source.url : "");
  if (/\.pdf(?:$|[?#])/i.test(name)) return "application/pdf";
  if (/\.(?:txt|md|csv|json|xml|html?|ya?ml|[cm]?[jt]sx?|py|go|rs|java|c|h|cpp|rb|sh)(?:$|[?#])/i.test(name)) {
    return "text/plain";
  }
  return "application/octet-stream";
}

function isTextLike(mediaType: string): boolean {
  return (
    mediaType.startsWith("text/") ||
    /^application\/(?:json|xml|javascript|x-(?:sh|python|yaml)|yaml|[\w.+-]+\+(?:json|xml))$/.test(mediaType)
  );
}

/** Page count from the page-tree root /Count, else the number of page objects, else a guess from the size. */
function pdfPageCount(base64: string, bytes: number): number {
  const text = Buffer.from(base64, "base64").toString("latin1");
  const pageObjects = text.match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
  let treeCount = 0;
  // The page-tree root: a dictionary (no nested dictionaries) holding /Type /Pages and /Count N, in any order.
  for (const dict of text.matchAll(/<<([^<>]*\/Type\s*\/Pages\b[^<>]*)>>/g)) {
    const count = /\/Count\s+(\d+)/.exec(dict[1] ?? "");
    if (count) treeCount = Math.max(treeCount, Number(count[1]));
  }
  const counted = treeCount > 0 ? treeCount : pageObjects;
  return counted > 0 ? counted : Math.max(1, Math.ceil(bytes / PDF_BYTES_PER_PAGE_GUESS));
}
