/**
 * Português do Brasil: the subscription providers' terms notes, by provider id (the English is the server catalog's
 * `termsNote`). Plain data, so a test can hold it against the catalog.
 */
export const oauthTermsPtBR: Readonly<Record<string, string>> = {
  "claude-code":
    "Os planos Claude Pro e Max são destinados aos apps da própria Anthropic (Claude Code, claude.ai). Os termos de " +
    "consumidor da Anthropic não preveem o uso do login de uma assinatura em ferramentas de terceiros como este " +
    "gateway, e a Anthropic pode limitar, restringir ou suspender contas que veja usadas assim. O OmniRoute envia os " +
    "cabeçalhos de requisição publicados do Claude Code, mas não imita o prompt dele nem forja suas impressões " +
    "digitais. Se o seu trabalho não pode ser interrompido, use uma chave de API (o provedor Anthropic).",
  codex:
    "O uso do Codex está incluído nos planos do ChatGPT para os apps Codex da própria OpenAI (a CLI, a extensão de IDE, " +
    "a web). Os termos da OpenAI não preveem o uso de um login do ChatGPT em ferramentas de terceiros como este " +
    "gateway, e a OpenAI pode limitar, restringir ou suspender contas que veja usadas assim. As requisições contam " +
    "nos limites de cinco horas e semanal do Codex do seu plano. O OmniRoute envia os cabeçalhos de requisição " +
    "publicados da CLI do Codex, mas não imita o prompt dela nem forja suas impressões digitais. Se o seu trabalho " +
    "não pode ser interrompido, use uma chave de API da OpenAI (o provedor OpenAI).",
  "github-copilot":
    "Os planos do GitHub Copilot são licenciados para uso nos editores compatíveis e nas ferramentas do próprio " +
    "GitHub. Chamar a API do Copilot a partir de outro software não é um uso que o GitHub suporte, e o GitHub já " +
    "suspendeu o acesso ao Copilot (HTTP 403) de contas com tráfego automatizado incomum. As requisições enviadas " +
    "por aqui gastam as requisições premium do seu plano como o editor faz; o OmniRoute marca continuações de " +
    "ferramentas como turnos do agente, como o editor faz, e nunca disfarça um turno humano como um deles.",
  "qwen-code":
    "O login qwen.ai do Qwen Code é destinado à CLI do Qwen Code. Os termos da Qwen não preveem o uso desse login em " +
    "outro software como este gateway, e a Qwen pode limitar, restringir ou suspender contas que veja usadas assim. " +
    "A cota gratuita é um limite de requisições por minuto e por dia que a Qwen define e pode mudar a qualquer " +
    "momento. O OmniRoute envia os cabeçalhos de requisição publicados do Qwen Code e não forja mais nada. Se o seu " +
    "trabalho não pode ser interrompido, use uma chave de API do Alibaba Cloud Model Studio (DashScope) por uma " +
    "conexão compatível com OpenAI.",
  antigravity:
    "Atenção: o Google já suspendeu contas Google por usarem o Antigravity (e antes dele a Gemini CLI) a partir de " +
    "ferramentas de terceiros como este gateway. É a reclamação mais comum sobre esse tipo de uso, e a suspensão " +
    "pode atingir a conta Google inteira — Gmail, Drive e o resto — e não só o Antigravity. O Antigravity é " +
    "oferecido para os apps Antigravity do próprio Google; os termos do Google não permitem usar esse login em " +
    "outro software. Uso intenso e excedente pago de créditos de IA já foram associados a banimentos. Conecte " +
    "apenas uma conta Google que você possa perder, nunca a principal nem a do trabalho. O OmniRoute envia os " +
    "cabeçalhos de requisição publicados do Antigravity IDE, mas não imita os prompts dele nem forja suas " +
    "impressões digitais. Para um uso confiável, use uma chave de API do Gemini (o provedor Google Gemini).",
  kiro:
    "O login AWS Builder ID do Kiro é destinado ao Kiro IDE e à CLI. Os termos da AWS e do Kiro não preveem o uso " +
    "dele em outro software como este gateway, e a AWS pode limitar, restringir ou suspender o acesso de contas " +
    "que veja usadas assim. Os créditos mensais do seu plano são gastos pelas requisições feitas aqui como pelas " +
    "do IDE. O OmniRoute envia os cabeçalhos de requisição publicados do Kiro IDE, mas não forja o ID da máquina " +
    "nem nenhuma outra impressão digital. Para um uso confiável, use o Claude pelo Amazon Bedrock ou pela API da " +
    "Anthropic.",
};
