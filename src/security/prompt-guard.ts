import type { Settings } from "../config/settings-schema";
import type { IRFormat } from "../ir/ir-types";
import { createLogger } from "../logging/logger";
import type { SettingsService } from "../services/settings-service";
import { REGEX_WINDOW_CHARS, checkRegexCost } from "./safe-regex";

/**
 * The prompt-injection guard (`settings.security.promptGuard`, off by default): case-insensitive patterns run over
 * the text a request brings in from the user or from tool results — never over the client's own system prompt or
 * instructions, which for coding agents are long and full of imperative wording. `flag` marks matching requests,
 * `block` refuses them; the request path does either (server/surfaces/inbound-request.ts).
 *
 * A heuristic, not a boundary: it catches the well-known phrasings and markup of injected instructions, and a
 * determined attacker can paraphrase around it.
 */

export type PromptGuardSettings = Settings["security"]["promptGuard"];
export type PromptGuardMode = PromptGuardSettings["mode"];

export interface PromptGuardRule {
  /** Short name, shown in the log, the response header and the error. */
  id: string;
  description: string;
  /** Regular expression sources, compiled case-insensitively; the rule matches when one of them does. */
  patterns: readonly string[];
}

export interface PromptGuardMatch {
  id: string;
  source: "builtin" | "custom";
}

/** Whitespace between two words of a phrase: a few spaces or line breaks, never an unbounded run. */
const _ = String.raw`\s{1,3}`;

/**
 * One regex per leading word: the engine finds a fixed leading literal at memchr speed, while an alternation of
 * words at the start costs it a comparison per word at every position (measured: 0.15 ms vs 13 ms per MB).
 */
function led(words: readonly string[], rest: string): string[] {
  return words.map((word) => `${word}${rest}`);
}

const OVERRIDE_VERBS = ["ignore", "disregard", "forget", "override", "bypass", "discard", "abandon"];
/** What the built-in rules call the instructions an injection wants gone. */
const INSTRUCTION_NOUNS = String.raw`(?:instructions?|prompts?|rules|directions|directives|guidelines|guidance|context|messages|commands|constraints|programming|orders)`;
/** Which instructions an override means ("previous", "original" — and then maybe "system"). */
const EARLIER = String.raw`(?:previous|prior|above|earlier|preceding|foregoing|original|initial|former|system|developer)`;
const SECRET_PROMPT = String.raw`(?:(?:full|entire|complete|exact|whole|verbatim)${_})?(?:system|hidden|initial|secret|original|internal|developer|pre-?prompt)${_}(?:prompt|instructions|message|directives)\b`;
const PERSONA = String.raw`(?:(?:a|an)${_})?(?:dan|stan|dude|(?:jailbroken|unrestricted|unfiltered|uncensored|unaligned|amoral)${_}(?:ai|assistant|model|chatbot|version|llm))\b`;
const SAFEGUARDS = String.raw`(?:ethical|moral|safety|content)${_}(?:guidelines|restrictions|filters|policies|constraints|limitations|considerations)\b`;
const PRIVILEGED_ROLE = String.raw`(?:system|assistant|developer)`;

/**
 * The built-in set. Each pattern was kept from flagging the requests recorded from real coding agents and SDKs
 * (test/unit/security/prompt-guard.test.ts), so broad phrasings the seed matched ("you are now", "act as if",
 * "show the instructions") are not here: agents' own user turns and tool results are full of them.
 */
export const BUILTIN_PROMPT_GUARD_RULES: readonly PromptGuardRule[] = [
  {
    id: "ignore-previous-instructions",
    description: "Tells the model to ignore, disregard or forget its previous / prior / original instructions or rules.",
    patterns: led(
      OVERRIDE_VERBS,
      String.raw`${_}(?:(?:all|any|every|each)${_})?(?:(?:of${_})?(?:the|your|these|those|its)${_})?${EARLIER}${_}(?:(?:system|developer)${_})?${INSTRUCTION_NOUNS}\b`,
    ),
  },
  {
    id: "ignore-your-instructions",
    description: "Tells the model to drop its own instructions, rules or training (\"forget your rules\", \"ignore everything you were told\").",
    patterns: led(
      OVERRIDE_VERBS,
      String.raw`${_}(?:(?:all|any)${_}(?:of${_})?)?` +
        String.raw`(?:your${_}(?:own${_})?(?:instructions|rules|guidelines|programming|training|directives|system${_}prompt|safety${_}(?:rules|guidelines|measures))` +
        String.raw`|(?:everything|anything|all|what)${_}(?:that${_})?you(?:'ve|${_}have|${_}were|${_}had)${_}(?:been${_})?(?:told|taught|instructed|programmed|given))\b`,
    ),
  },
  {
    id: "ignore-above-and-do",
    description: "\"Ignore the above and say …\": discards the preceding text and issues a new order.",
    patterns: led(
      ["ignore", "disregard", "forget"],
      String.raw`${_}(?:all${_}(?:of${_})?)?the${_}above\s{0,3}(?:,|and|then|;)\s{0,3}(?:(?:instead|now|just|only|simply)${_})?(?:say|print|output|write|respond|reply|answer|tell|repeat|do|follow|translate|execute|run)\b`,
    ),
  },
  {
    id: "system-prompt-leak",
    description: "Asks the model to reveal or print its system prompt or hidden instructions.",
    patterns: [
      ...led(["reveal", "leak", "dump", "expose", "disclose", "divulge", "exfiltrate"], String.raw`${_}(?:(?:to${_})?me${_})?(?:the|your)${_}${SECRET_PROMPT}`),
      ...led(["show", "display", "tell", "give", "recite"], String.raw`${_}(?:(?:me|us)${_})?your${_}${SECRET_PROMPT}`),
      ...led(
        ["print", "output", "repeat", "write", "copy"],
        String.raw`${_}(?:(?:(?:me|us)${_})?(?:out${_})?your${_}${SECRET_PROMPT}` +
          String.raw`|(?:(?:all|the)${_})?(?:words|text|lines|content|everything)${_}above${_}(?:this${_}line${_})?starting${_}(?:with|from)\b)`,
      ),
      String.raw`what${_}(?:is|are|was|were)${_}your${_}${SECRET_PROMPT}`,
    ],
  },
  {
    id: "jailbreak-persona",
    description: "Known jailbreak personas and modes: DAN / \"do anything now\", jailbreak or DAN mode, developer mode enabled.",
    patterns: [
      String.raw`do${_}anything${_}now\b`,
      String.raw`you${_}are${_}now${_}${PERSONA}`,
      String.raw`act${_}as${_}${PERSONA}`,
      String.raw`pretend${_}to${_}be${_}${PERSONA}`,
      String.raw`roleplay${_}as${_}${PERSONA}`,
      String.raw`\bdan${_}mode\b`,
      String.raw`jailbr(?:eak|oken)${_}mode\b`,
      String.raw`with${_}(?:developer|dev)${_}mode${_}(?:enabled|activated|on)\b`,
      String.raw`developer${_}mode${_}(?:is${_})?now${_}(?:enabled|activated|unlocked|on)\b`,
    ],
  },
  {
    id: "restriction-removal",
    description: "Declares the model free of its rules (\"you are no longer bound by\", \"you have no restrictions\", \"without ethical guidelines\").",
    patterns: [
      String.raw`you(?:${_}are|'re)${_}(?:now${_})?no${_}longer${_}(?:bound${_}by|restricted${_}by|limited${_}by|constrained${_}by|(?:(?:a|an)${_})?(?:ai|assistant|claude|chatgpt|gpt|gemini|language${_}model|llm)\b)`,
      String.raw`you(?:${_}are|'re)${_}not${_}(?:bound|restricted|limited|constrained)${_}by${_}(?:any|your)${_}(?:rules|guidelines|restrictions|policies|principles|programming)\b`,
      String.raw`you${_}(?:now${_})?have${_}no${_}(?:restrictions|rules|guidelines|limitations|limits|filters|boundaries|content${_}polic(?:y|ies)|ethical${_}guidelines)\b`,
      String.raw`free${_}(?:from|of)${_}(?:(?:all|any|your)${_})?${SAFEGUARDS}`,
      String.raw`without${_}(?:(?:any|your)${_})?${SAFEGUARDS}`,
      ...led(["ignoring", "bypassing"], String.raw`${_}(?:(?:all|any|your)${_})?${SAFEGUARDS}`),
    ],
  },
  {
    id: "chat-template-tokens",
    description:
      "Chat-template control tokens that open a system or assistant turn inside user text (<|im_start|>system, [INST], <<SYS>>, <|start_header_id|>). Also found in the source of LLM tooling: disable it if your agents work on such code.",
    patterns: [
      String.raw`<\|(?:im_start\|>\s{0,3}${PRIVILEGED_ROLE}|im_end\|>|${PRIVILEGED_ROLE}\|>|start_header_id\|>\s{0,3}${PRIVILEGED_ROLE}|eot_id\|>)`,
      String.raw`\[\/?inst\]`,
      String.raw`<<\/?sys>>`,
      String.raw`<start_of_turn>\s{0,3}(?:model|system)`,
      String.raw`<end_of_turn>`,
    ],
  },
  {
    id: "fake-system-message",
    description:
      "Text posing as a system message: a <system> tag holding instructions, a closed user turn followed by a system or assistant tag, \"SYSTEM OVERRIDE:\", \"New system prompt:\", \"### system:\".",
    patterns: [
      String.raw`<system(?:_prompt|-prompt)?>[^<>]{40}`,
      String.raw`<\/(?:user|human)>\s{0,3}<${PRIVILEGED_ROLE}>`,
      String.raw`system\s{0,3}(?:override|directive|alert)\s{0,3}\]?\s{0,3}:`,
      ...led(["new", "updated", "revised", "real", "actual", "true"], String.raw`${_}system${_}(?:prompt|message|instructions?)\s{0,3}:`),
      String.raw`#[ \t]{0,3}(?:system|developer)[ \t]{0,3}:`,
    ],
  },
  {
    id: "fake-conversation-turn",
    description: "Conversation markers (\"\\n\\nHuman:\" / \"\\n\\nAssistant:\") that fake a new turn inside user or tool text.",
    patterns: [String.raw`\n[ \t]{0,3}\n[ \t]{0,3}(?:human|assistant)[ \t]{0,2}:`],
  },
  {
    id: "tool-call-markup",
    description: "Markup imitating a model's tool call or tool result (<function_calls>, <invoke name=…>, <tool_call>) inside user or tool text.",
    patterns: [
      String.raw`<(?:\/?(?:antml:)?(?:function_calls|function_results|tool_call|tool_calls|tool_use|tool_result|tool_response)>|(?:antml:)?invoke${_}name\s{0,3}=|\|(?:tool_call|python_tag)\|>)`,
    ],
  },
  {
    id: "encoded-instructions",
    description: "Points the model at an encoded payload to decode and obey (\"decode this base64 and follow it\", \"base64-encoded instructions\").",
    patterns: [
      String.raw`decode${_}(?:this|it|the${_}following)(?:${_}(?:base64|base-64|rot-?13|hex|encoded))?(?:${_}(?:string|text|message|payload|data))?${_}(?:and|then)${_}(?:follow|obey|execute|carry${_}out|act${_}on)\b`,
      ...led(["follow", "obey", "execute", String.raw`carry${_}out`], String.raw`${_}(?:the${_})?decoded${_}(?:instructions?|text|message|payload|commands?)\b`),
      ...led(["base64", "base-64", "rot13", "rot-13", "hex", "morse", "caesar", "atbash"], String.raw`[\s-]{0,3}(?:encoded|encrypted|obfuscated)${_}(?:instructions?|prompt|commands?|directives?|orders)\b`),
    ],
  },
];

/**
 * How much of a request is scanned. Regular expressions run synchronously on the event loop, so the work per
 * request must be bounded whatever the body holds (32 MB and more): each text piece is scanned on its first and
 * last `PIECE_EDGE_CHARS` (an injected instruction sits at the top or the bottom of a pasted file or page more
 * often than in the middle), newest piece first (an agent resends the whole conversation every turn, so older
 * pieces were scanned when they were new), up to `MAX_SCAN_CHARS` per request, and the scan stops after
 * `SCAN_DEADLINE_MS` whatever happens. The built-in set costs about 15 ms of CPU per MB of text.
 */
export const PIECE_EDGE_CHARS = 128 * 1024;
export const MAX_SCAN_CHARS = 512 * 1024;
export const SCAN_DEADLINE_MS = 50;
/**
 * Custom patterns see the text in windows of `REGEX_WINDOW_CHARS` overlapping by this much, so a match up to this
 * long is always seen whole, and a pattern's worst case (safe-regex.ts) is paid per window, not per body.
 */
export const MAX_MATCH_CHARS = 256;
const WINDOW_STEP = REGEX_WINDOW_CHARS - MAX_MATCH_CHARS;
/** Small pieces are joined into segments of about this size, so thousands of short strings cost few match calls. */
const SEGMENT_CHARS = 64 * 1024;
/** Between joined pieces: no pattern's whitespace or phrase can run across it. */
const PIECE_SEPARATOR = "\n\u0000\n";

export interface CompiledRule extends PromptGuardMatch {
  regexes: RegExp[];
}

/** The rules in force, plus all built-in patterns in one regex: one pass finds whether any matches at all. */
export interface CompiledPromptGuard {
  rules: CompiledRule[];
  builtinPrefilter: RegExp | null;
}

/** Why a prompt-guard configuration cannot be saved; `patternId` names the custom pattern at fault, if one is. */
export interface PromptGuardProblem {
  patternId: string | null;
  message: string;
}

const BUILTIN_IDS = new Set(BUILTIN_PROMPT_GUARD_RULES.map((rule) => rule.id));

/**
 * Checks what the settings schema cannot: every custom pattern is a valid regular expression that is cheap on
 * hostile text, ids are unique and do not shadow a built-in, and `disabledBuiltins` names built-ins. Call it before
 * storing settings (PATCH /api/settings, config import); null = fine.
 */
export function validatePromptGuardSettings(settings: Pick<PromptGuardSettings, "patterns" | "disabledBuiltins">): PromptGuardProblem | null {
  const seen = new Set<string>();
  for (const [index, pattern] of settings.patterns.entries()) {
    const where = `security.promptGuard.patterns[${index}] ("${pattern.id}")`;
    if (BUILTIN_IDS.has(pattern.id)) {
      return { patternId: pattern.id, message: `${where}: the id is already a built-in rule's; choose another id.` };
    }
    if (seen.has(pattern.id)) return { patternId: pattern.id, message: `${where}: another pattern has the same id; ids must be unique.` };
    seen.add(pattern.id);
    const check = checkRegexCost(pattern.pattern);
    if (!check.ok) return { patternId: pattern.id, message: `${where}: the pattern is refused: ${check.reason}.` };
  }
  for (const id of settings.disabledBuiltins) {
    if (!BUILTIN_IDS.has(id)) {
      return { patternId: null, message: `security.promptGuard.disabledBuiltins: "${id}" is not a built-in rule id (GET /api/security/prompt-guard lists them).` };
    }
  }
  return null;
}

const log = createLogger("prompt-guard");

/**
 * The rules the settings switch on, compiled. A stored custom pattern that fails validation (say, written by an
 * older version) is left out with a warning rather than run.
 */
export function compilePromptGuard(settings: PromptGuardSettings): CompiledPromptGuard {
  const rules: CompiledRule[] = [];
  if (settings.builtins) {
    const disabled = new Set(settings.disabledBuiltins);
    for (const rule of BUILTIN_PROMPT_GUARD_RULES) {
      if (!disabled.has(rule.id)) rules.push({ id: rule.id, source: "builtin", regexes: rule.patterns.map((pattern) => new RegExp(pattern, "i")) });
    }
  }
  const seen = new Set<string>();
  for (const pattern of settings.patterns) {
    const check = checkRegexCost(pattern.pattern);
    if (!check.ok || BUILTIN_IDS.has(pattern.id) || seen.has(pattern.id)) {
      log.warn(`custom prompt-guard pattern "${pattern.id}" is not used`, { reason: check.ok ? "its id is taken" : check.reason });
      continue;
    }
    seen.add(pattern.id);
    rules.push({ id: pattern.id, source: "custom", regexes: [new RegExp(pattern.pattern, "i")] });
  }
  // Measured: one alternation of every built-in pattern costs a third of running them one by one.
  const builtinSources = rules.filter((rule) => rule.source === "builtin").flatMap((rule) => rule.regexes.map((regex) => `(?:${regex.source})`));
  return { rules, builtinPrefilter: builtinSources.length > 0 ? new RegExp(builtinSources.join("|"), "i") : null };
}

/** The request's text as segments to match, newest first, within the budgets above. */
function segmentsOf(pieces: readonly string[]): string[] {
  const segments: string[] = [];
  let batch: string[] = [];
  let batchChars = 0;
  let budget = MAX_SCAN_CHARS;
  const flush = () => {
    if (batch.length > 0) segments.push(batch.length === 1 ? batch[0]! : batch.join(PIECE_SEPARATOR));
    batch = [];
    batchChars = 0;
  };
  for (let p = pieces.length - 1; p >= 0 && budget > 0; p--) {
    const piece = pieces[p]!;
    const edges = piece.length <= 2 * PIECE_EDGE_CHARS ? [piece] : [piece.slice(-PIECE_EDGE_CHARS), piece.slice(0, PIECE_EDGE_CHARS)];
    for (const edge of edges) {
      const part = edge.length > budget ? edge.slice(0, budget) : edge;
      budget -= part.length;
      batch.push(part);
      batchChars += part.length;
      if (batchChars >= SEGMENT_CHARS) flush();
    }
  }
  flush();
  return segments;
}

/**
 * Runs the guard's rules over text pieces (given in request order, scanned newest first). `firstOnly` stops at the
 * first match (enough to block); otherwise each rule is reported once, in the order found.
 */
export function scanPromptGuard(guard: CompiledPromptGuard, pieces: readonly string[], firstOnly = false): PromptGuardMatch[] {
  const matches: PromptGuardMatch[] = [];
  if (guard.rules.length === 0 || pieces.length === 0) return matches;
  const deadline = performance.now() + SCAN_DEADLINE_MS;
  let pending = guard.rules.slice();
  for (const segment of segmentsOf(pieces)) {
    const anyBuiltin = guard.builtinPrefilter?.test(segment) === true;
    for (const rule of pending) {
      const matched =
        rule.source === "builtin" ? anyBuiltin && rule.regexes.some((regex) => regex.test(segment)) : matchesInWindows(rule.regexes[0]!, segment, deadline);
      if (!matched) continue;
      matches.push({ id: rule.id, source: rule.source });
      if (firstOnly) return matches;
    }
    pending = pending.filter((rule) => !matches.some((match) => match.id === rule.id));
    if (pending.length === 0) return matches;
    if (performance.now() > deadline) {
      warnSlowScan();
      return matches;
    }
  }
  return matches;
}

/** A custom pattern over one segment, window by window, until it matches or the deadline passes. */
function matchesInWindows(regex: RegExp, segment: string, deadline: number): boolean {
  if (segment.length <= REGEX_WINDOW_CHARS) return regex.test(segment);
  for (let start = 0; ; start += WINDOW_STEP) {
    if (regex.test(segment.slice(start, start + REGEX_WINDOW_CHARS))) return true;
    if (start + REGEX_WINDOW_CHARS >= segment.length || performance.now() > deadline) return false;
  }
}

let lastSlowWarning = 0;
function warnSlowScan(): void {
  // At most once a minute: a stream of large hostile requests must not flood the log.
  const now = Date.now();
  if (now - lastSlowWarning < 60_000) return;
  lastSlowWarning = now;
  log.warn(`a prompt-guard scan stopped after ${SCAN_DEADLINE_MS} ms; the rest of that request was not scanned`);
}

/**
 * The live guard of a gateway, recompiled on every settings change (PATCH, config import, another process), so
 * the request path reads one field: when `active` is false (mode `off`, or no rule left) nothing else is touched.
 */
export class PromptGuard {
  /** True when the mode is flag or block and some rule is on: the request path's one check. */
  active = false;
  mode: PromptGuardMode = "off";
  #compiled: CompiledPromptGuard = { rules: [], builtinPrefilter: null };
  readonly #stop: () => void;

  constructor(settings: Pick<SettingsService, "get" | "onChange">) {
    this.#configure(settings.get());
    this.#stop = settings.onChange((next) => this.#configure(next));
  }

  /** Ids of the rules matching `text` (one piece or several, in request order); in block mode at most one. */
  scan(text: string | readonly string[]): string[] {
    if (!this.active) return [];
    const pieces = typeof text === "string" ? [text] : text;
    return scanPromptGuard(this.#compiled, pieces, this.mode === "block").map((match) => match.id);
  }

  /** Ids of the rules matching what `body` (a parsed request of `format`) brings in; see `guardedText`. */
  check(format: IRFormat, body: unknown): string[] {
    if (!this.active) return [];
    return this.scan(guardedText(format, body));
  }

  /** The compiled rules in force, whatever the mode (the try-out route runs them). */
  compiled(): CompiledPromptGuard {
    return this.#compiled;
  }

  stop(): void {
    this.#stop();
  }

  #configure(settings: Settings): void {
    const guard = settings.security.promptGuard;
    this.mode = guard.mode;
    this.#compiled = compilePromptGuard(guard);
    this.active = guard.mode !== "off" && this.#compiled.rules.length > 0;
  }
}

// ---- what to scan ----------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The text a request brings in from the user or from tool results, piece by piece in request order: user turns
 * and tool / function results in each format. Left out: system prompts and instructions (the client's own),
 * assistant turns (the model's own words), tool definitions, images and files other than plain text. Walks only
 * those fields; nothing is copied or re-serialised.
 */
export function guardedText(format: IRFormat, body: unknown): string[] {
  const pieces: string[] = [];
  if (!isObject(body)) return pieces;
  switch (format) {
    case "openai-chat":
      chatText(body, pieces);
      break;
    case "anthropic":
      anthropicText(body, pieces);
      break;
    case "openai-responses":
      responsesText(body, pieces);
      break;
    case "gemini":
      geminiText(body, pieces);
      break;
  }
  return pieces;
}

function pushString(value: unknown, pieces: string[]): void {
  if (typeof value === "string" && value.length > 0) pieces.push(value);
}

/** Chat Completions: `messages[]` of role user / tool / function, content a string or text parts. */
function chatText(body: Json, pieces: string[]): void {
  if (!Array.isArray(body.messages)) return;
  for (const message of body.messages) {
    if (!isObject(message) || (message.role !== "user" && message.role !== "tool" && message.role !== "function")) continue;
    const content = message.content;
    if (typeof content === "string") pushString(content, pieces);
    else if (Array.isArray(content)) {
      for (const part of content) if (isObject(part) && part.type === "text") pushString(part.text, pieces);
    }
  }
}

/** Messages: user turns' text blocks, tool_result contents, plain-text documents. */
function anthropicText(body: Json, pieces: string[]): void {
  if (!Array.isArray(body.messages)) return;
  for (const message of body.messages) {
    if (!isObject(message) || message.role !== "user") continue;
    anthropicBlocks(message.content, pieces, 0);
  }
}

function anthropicBlocks(content: unknown, pieces: string[], depth: number): void {
  if (typeof content === "string") return pushString(content, pieces);
  if (!Array.isArray(content)) return;
  for (const block of content) {
    if (!isObject(block)) continue;
    if (block.type === "text") pushString(block.text, pieces);
    // A tool result holds a string or blocks; one level is all the API allows.
    else if ((block.type === "tool_result" || block.type === "search_result") && depth === 0) anthropicBlocks(block.content, pieces, 1);
    else if (block.type === "document" && isObject(block.source) && block.source.type === "text") pushString(block.source.data, pieces);
  }
}

/** Responses: `input` as a string, or user message items and tool-call output items. */
function responsesText(body: Json, pieces: string[]): void {
  const input = body.input;
  if (typeof input === "string") return pushString(input, pieces);
  if (!Array.isArray(input)) return;
  for (const item of input) {
    if (!isObject(item)) continue;
    const type = item.type;
    if ((type === "message" || type === undefined) && item.role === "user") responsesParts(item.content, pieces);
    else if (type === "function_call_output" || type === "custom_tool_call_output" || type === "local_shell_call_output") responsesParts(item.output, pieces);
    else if (type === "mcp_call") pushString(item.output, pieces);
  }
}

function responsesParts(content: unknown, pieces: string[]): void {
  if (typeof content === "string") return pushString(content, pieces);
  if (!Array.isArray(content)) return;
  for (const part of content) if (isObject(part) && (part.type === "input_text" || part.type === "output_text" || part.type === "text")) pushString(part.text, pieces);
}

/** Gemini: `contents[]` not of role model: text parts (thoughts excluded) and function responses' strings. */
function geminiText(body: Json, pieces: string[]): void {
  if (!Array.isArray(body.contents)) return;
  for (const content of body.contents) {
    if (!isObject(content) || content.role === "model" || !Array.isArray(content.parts)) continue;
    for (const part of content.parts) {
      if (!isObject(part)) continue;
      if (typeof part.text === "string" && part.thought !== true) pushString(part.text, pieces);
      else if (isObject(part.functionResponse) && isObject(part.functionResponse.response)) functionResponseText(part.functionResponse.response, pieces, 0);
    }
  }
}

/** A function response is free-form JSON; its strings down to three levels (`{content: [{text}]}`) are what the tool returned. */
function functionResponseText(value: unknown, pieces: string[], depth: number): void {
  if (typeof value === "string") return pushString(value, pieces);
  if (depth >= 3) return;
  if (Array.isArray(value)) for (const item of value) functionResponseText(item, pieces, depth + 1);
  // `type` names a part's shape ("text"), never what the tool said.
  else if (isObject(value)) for (const key in value) if (key !== "type") functionResponseText(value[key], pieces, depth + 1);
}
