import type { ProviderDefinitionInput } from "../provider-schema";
import { anthropicProvider } from "./anthropic";
import { anthropicCompatibleProvider } from "./anthropic-compatible";
import { antigravityProvider } from "./antigravity";
import { cerebrasProvider } from "./cerebras";
import { claudeCodeProvider } from "./claude-code";
import { codexProvider } from "./codex";
import { deepseekProvider } from "./deepseek";
import { fireworksProvider } from "./fireworks";
import { geminiProvider } from "./gemini";
import { githubCopilotProvider } from "./github-copilot";
import { glmProvider } from "./glm";
import { glmCodingProvider } from "./glm-coding";
import { groqProvider } from "./groq";
import { kimiProvider } from "./kimi";
import { kimiCodingProvider } from "./kimi-coding";
import { kiroProvider } from "./kiro";
import { llamaCppProvider } from "./llama-cpp";
import { lmStudioProvider } from "./lm-studio";
import { minimaxProvider } from "./minimax";
import { minimaxAnthropicProvider } from "./minimax-anthropic";
import { mistralProvider } from "./mistral";
import { nvidiaProvider } from "./nvidia";
import { ollamaProvider } from "./ollama";
import { openaiProvider } from "./openai";
import { openaiCompatibleProvider } from "./openai-compatible";
import { openaiResponsesProvider } from "./openai-responses";
import { openrouterProvider } from "./openrouter";
import { qwenCodeProvider } from "./qwen-code";
import { togetherProvider } from "./together";
import { vllmProvider } from "./vllm";
import { xaiProvider } from "./xai";
import { zaiAnthropicProvider } from "./zai-anthropic";

/** Built-in providers, grouped by tier: paid APIs, subscriptions, low-cost, free, then local servers. */
export const PROVIDER_CATALOG: readonly ProviderDefinitionInput[] = [
  anthropicProvider,
  openaiProvider,
  openaiResponsesProvider,
  geminiProvider,
  openrouterProvider,
  xaiProvider,
  mistralProvider,
  claudeCodeProvider,
  codexProvider,
  githubCopilotProvider,
  qwenCodeProvider,
  antigravityProvider,
  kiroProvider,
  glmCodingProvider,
  zaiAnthropicProvider,
  kimiCodingProvider,
  deepseekProvider,
  glmProvider,
  kimiProvider,
  minimaxProvider,
  minimaxAnthropicProvider,
  togetherProvider,
  fireworksProvider,
  groqProvider,
  cerebrasProvider,
  nvidiaProvider,
  ollamaProvider,
  lmStudioProvider,
  llamaCppProvider,
  vllmProvider,
  openaiCompatibleProvider,
  anthropicCompatibleProvider,
];
