import type { ProviderDefinitionInput } from "../provider-schema";
import { cerebrasProvider } from "./cerebras";
import { deepseekProvider } from "./deepseek";
import { fireworksProvider } from "./fireworks";
import { glmProvider } from "./glm";
import { glmCodingProvider } from "./glm-coding";
import { groqProvider } from "./groq";
import { kimiProvider } from "./kimi";
import { llamaCppProvider } from "./llama-cpp";
import { lmStudioProvider } from "./lm-studio";
import { minimaxProvider } from "./minimax";
import { mistralProvider } from "./mistral";
import { nvidiaProvider } from "./nvidia";
import { ollamaProvider } from "./ollama";
import { openaiProvider } from "./openai";
import { openaiCompatibleProvider } from "./openai-compatible";
import { openrouterProvider } from "./openrouter";
import { togetherProvider } from "./together";
import { vllmProvider } from "./vllm";
import { xaiProvider } from "./xai";

/** Built-in providers, grouped by tier: paid APIs, subscriptions, low-cost, free, then local servers. */
export const PROVIDER_CATALOG: readonly ProviderDefinitionInput[] = [
  openaiProvider,
  openrouterProvider,
  xaiProvider,
  mistralProvider,
  glmCodingProvider,
  deepseekProvider,
  glmProvider,
  kimiProvider,
  minimaxProvider,
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
];
