import { createHash } from "node:crypto";

/**
 * An OpenAI Chat body (what the gateway's translators produce for the `kiro` catalog entry) → Kiro's
 * `generateAssistantResponse` body. The endpoint rejects unknown fields, so only these go up (providers.md §5):
 *
 *   {conversationState: {chatTriggerType: "MANUAL", conversationId, currentMessage: {userInputMessage}, history},
 *    inferenceConfig?}
 *
 * - system / developer messages → one text wrapped in `<system-reminder>` at the head of the first user turn (Kiro has
 *   no system field; the wrapper keeps it from reading as the user's own words);
 * - turns alternate user / assistant: adjacent turns of one role are merged; tool results (`role: "tool"`) are
 *   `toolResults` of the user turn that follows the assistant's tool calls;
 * - assistant tool calls → `toolUses` `{toolUseId, name, input}` (input parsed from the arguments JSON);
 * - `currentMessage` is the last turn, a user turn (a conversation ending on the assistant gets a "Continue." turn);
 *   the tool definitions ride on it as `toolSpecification`s;
 * - `conversationId` is derived from the conversation's first turn, so every request of one conversation carries
 *   the same id (no state kept here).
 */

type Json = Record<string, unknown>;

export interface KiroToolResult {
  toolUseId: string;
  content: Array<{ text: string }>;
  status: "success" | "error";
}

export interface KiroUserMessage {
  content: string;
  modelId: string;
  origin: "AI_EDITOR";
  images?: Array<{ format: string; source: { bytes: string } }>;
  userInputMessageContext?: { tools?: Json[]; toolResults?: KiroToolResult[] };
}

export interface KiroAssistantMessage {
  content: string;
  toolUses?: Array<{ toolUseId: string; name: string; input: unknown }>;
}

export type KiroHistoryEntry = { userInputMessage: KiroUserMessage } | { assistantResponseMessage: KiroAssistantMessage };

export interface KiroRequestBody {
  conversationState: {
    chatTriggerType: "MANUAL";
    conversationId: string;
    currentMessage: { userInputMessage: KiroUserMessage };
    history: KiroHistoryEntry[];
  };
  profileArn?: string;
  inferenceConfig?: { maxTokens?: number; temperature?: number; topP?: number };
}

interface UserTurn {
  role: "user";
  text: string[];
  images: Array<{ format: string; source: { bytes: string } }>;
  toolResults: KiroToolResult[];
}
interface AssistantTurn {
  role: "assistant";
  text: string[];
  toolUses: Array<{ toolUseId: string; name: string; input: unknown }>;
}
type Turn = UserTurn | AssistantTurn;

const isRecord = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** The text of an OpenAI content value (a string, or parts of which the `text` ones count). */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => (isRecord(part) && part.type === "text" && typeof part.text === "string" ? part.text : ""))
    .filter((text) => text !== "")
    .join("\n");
}

const DATA_URL = /^data:image\/(png|jpeg|jpg|gif|webp);base64,([A-Za-z0-9+/=]+)$/;

/** Inline images (data URLs) of a content value, in Kiro's shape; remote URLs are not Kiro's to fetch. */
function imagesOf(content: unknown): UserTurn["images"] {
  if (!Array.isArray(content)) return [];
  const images: UserTurn["images"] = [];
  for (const part of content) {
    if (!isRecord(part) || part.type !== "image_url") continue;
    const url = isRecord(part.image_url) ? part.image_url.url : part.image_url;
    const match = typeof url === "string" ? DATA_URL.exec(url) : null;
    if (match) images.push({ format: match[1] === "jpg" ? "jpeg" : match[1]!, source: { bytes: match[2]! } });
  }
  return images;
}

function parseArguments(text: unknown): unknown {
  if (isRecord(text)) return text;
  if (typeof text !== "string" || text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Kiro wants an object; a client's malformed arguments go up as what they said.
    return { input: text };
  }
}

function lastTurn<R extends Turn["role"]>(turns: Turn[], role: R): Extract<Turn, { role: R }> {
  const last = turns.at(-1);
  if (last && last.role === role) return last as Extract<Turn, { role: R }>;
  const turn = (role === "user" ? { role, text: [], images: [], toolResults: [] } : { role, text: [], toolUses: [] }) as unknown as Extract<Turn, { role: R }>;
  turns.push(turn);
  return turn;
}

/** The conversation's turns, alternating, with the system text collected aside. */
function toTurns(messages: unknown[]): { system: string[]; turns: Turn[] } {
  const system: string[] = [];
  const turns: Turn[] = [];
  for (const message of messages) {
    if (!isRecord(message)) continue;
    const role = message.role;
    if (role === "system" || role === "developer") {
      const text = textOf(message.content);
      if (text) system.push(text);
    } else if (role === "user") {
      const turn = lastTurn(turns, "user");
      const text = textOf(message.content);
      if (text) turn.text.push(text);
      turn.images.push(...imagesOf(message.content));
    } else if (role === "tool") {
      const turn = lastTurn(turns, "user");
      const id = typeof message.tool_call_id === "string" ? message.tool_call_id : "";
      turn.toolResults.push({ toolUseId: id, content: [{ text: textOf(message.content) }], status: "success" });
    } else if (role === "assistant") {
      const turn = lastTurn(turns, "assistant");
      const text = textOf(message.content);
      if (text) turn.text.push(text);
      if (Array.isArray(message.tool_calls)) {
        for (const call of message.tool_calls) {
          if (!isRecord(call) || !isRecord(call.function)) continue;
          const name = call.function.name;
          if (typeof name !== "string" || typeof call.id !== "string") continue;
          turn.toolUses.push({ toolUseId: call.id, name, input: parseArguments(call.function.arguments) });
        }
      }
    }
  }
  return { system, turns };
}

/** OpenAI function tools → Kiro tool specifications. */
function toolsOf(tools: unknown): Json[] {
  if (!Array.isArray(tools)) return [];
  const out: Json[] = [];
  for (const tool of tools) {
    if (!isRecord(tool) || !isRecord(tool.function) || typeof tool.function.name !== "string") continue;
    const fn = tool.function;
    out.push({
      toolSpecification: {
        name: fn.name,
        // Kiro refuses an empty description; the name says what the tool is when the client gave nothing more.
        description: typeof fn.description === "string" && fn.description.trim() !== "" ? fn.description : fn.name,
        inputSchema: { json: isRecord(fn.parameters) ? fn.parameters : { type: "object", properties: {} } },
      },
    });
  }
  return out;
}

/** A UUID-shaped id from a hash: the same conversation start → the same id. */
export function conversationIdOf(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function userMessage(turn: UserTurn, modelId: string, tools: Json[] | null): KiroUserMessage {
  const message: KiroUserMessage = { content: turn.text.join("\n\n"), modelId, origin: "AI_EDITOR" };
  if (turn.images.length > 0) message.images = turn.images;
  const context: NonNullable<KiroUserMessage["userInputMessageContext"]> = {};
  if (tools && tools.length > 0) context.tools = tools;
  if (turn.toolResults.length > 0) context.toolResults = turn.toolResults;
  if (context.tools || context.toolResults) message.userInputMessageContext = context;
  return message;
}

/** The Kiro body for an OpenAI Chat body (exported for tests). */
export function toKiroRequest(openai: Json, modelId: string, profileArn?: string): KiroRequestBody {
  const { system, turns } = toTurns(Array.isArray(openai.messages) ? openai.messages : []);
  // Kiro's history starts with a user turn and the current message is one.
  if (turns[0]?.role !== "user") turns.unshift({ role: "user", text: [], images: [], toolResults: [] });
  if (turns.at(-1)!.role !== "user") turns.push({ role: "user", text: ["Continue."], images: [], toolResults: [] });
  const first = turns[0] as UserTurn;
  if (system.length > 0) first.text.unshift(`<system-reminder>\n${system.join("\n\n")}\n</system-reminder>`);
  const seed = JSON.stringify([system, first.text, first.toolResults.map((r) => r.toolUseId)]);

  const history: KiroHistoryEntry[] = [];
  for (const turn of turns.slice(0, -1)) {
    if (turn.role === "user") history.push({ userInputMessage: userMessage(turn, modelId, null) });
    else {
      const message: KiroAssistantMessage = { content: turn.text.join("\n\n") };
      if (turn.toolUses.length > 0) message.toolUses = turn.toolUses;
      history.push({ assistantResponseMessage: message });
    }
  }
  const current = userMessage(turns.at(-1) as UserTurn, modelId, toolsOf(openai.tools));

  const body: KiroRequestBody = {
    conversationState: { chatTriggerType: "MANUAL", conversationId: conversationIdOf(seed), currentMessage: { userInputMessage: current }, history },
  };
  if (profileArn) body.profileArn = profileArn;
  const inference: NonNullable<KiroRequestBody["inferenceConfig"]> = {};
  const maxTokens = openai.max_completion_tokens ?? openai.max_tokens;
  if (typeof maxTokens === "number") inference.maxTokens = maxTokens;
  if (typeof openai.temperature === "number") inference.temperature = openai.temperature;
  if (typeof openai.top_p === "number") inference.topP = openai.top_p;
  if (Object.keys(inference).length > 0) body.inferenceConfig = inference;
  return body;
}
