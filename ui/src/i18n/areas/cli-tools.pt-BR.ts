import type { cliToolsEn } from "./cli-tools.en";

/** Português do Brasil: the cli-tools area. */
export const cliToolsPtBR: Record<keyof typeof cliToolsEn, string> = {
  "cliTools.nav": "Ferramentas CLI",
  "cliTools.title": "Ferramentas CLI",
  "cliTools.intro":
    "Aponte suas ferramentas de programação para o OmniRoute: copie as configurações ou deixe o OmniRoute gravá-las no arquivo de configuração da própria ferramenta. Antes de gravar você vê as alterações, e o arquivo antigo é copiado antes.",
  "cliTools.settingsHeading": "Chave e modelo",
  "cliTools.keyField": "Chave de API de cliente",
  "cliTools.keyHint":
    "Cole uma chave da página Chaves de API (ela só é mostrada na criação). Ela vai apenas para as configurações abaixo e para os arquivos que você gravar; o OmniRoute não a guarda aqui.",
  "cliTools.modelField": "Modelo ou combo",
  "cliTools.modelHint": "O id de modelo que suas ferramentas vão pedir. Com um combo, o OmniRoute alterna entre os destinos dele quando um falha.",
  "cliTools.modelGroupCombos": "Combos",
  "cliTools.modelGroupModels": "Modelos",
  "cliTools.chooseModel": "Escolha um modelo",
  "cliTools.noModels": "Ainda não há modelos: conecte um provedor primeiro. Até lá as configurações abaixo mostram um marcador no lugar.",
  "cliTools.toolsHeading": "Ferramentas",
  "cliTools.writeBlocked":
    "Gravar arquivos de configuração só funciona quando este painel está aberto na máquina onde o OmniRoute roda e o OmniRoute escuta apenas nesta máquina (127.0.0.1). Copie as configurações em vez disso.",
  "cliTools.api.anthropic": "API Anthropic Messages",
  "cliTools.api.openai-chat": "API OpenAI Chat Completions",
  "cliTools.api.openai-responses": "API OpenAI Responses",
  "cliTools.api.gemini": "API Gemini",
  "cliTools.speaks": "Usa a {api}",
  "cliTools.docs": "Documentação do {name}",
  "cliTools.filesLabel": "Arquivos de configuração",
  "cliTools.fileExists": "existe",
  "cliTools.fileMissing": "será criado",
  "cliTools.snippetForFile": "Para {target}",
  "cliTools.snippetForScreen": "Digite isto nas configurações do {name}",
  "cliTools.copySnippet": "Copiar",
  "cliTools.preview": "Ver alterações",
  "cliTools.previewing": "Lendo os arquivos…",
  "cliTools.write": "Gravar configuração",
  "cliTools.writing": "Gravando…",
  "cliTools.needKeyAndModel": "Informe uma chave de API de cliente e escolha um modelo para ver ou gravar os arquivos.",
  "cliTools.diffLabel": "Alterações em {path}",
  "cliTools.noChanges": "{path} já tem estas configurações.",
  "cliTools.newFile": "{path} ainda não existe e será criado.",
  "cliTools.confirmTitle": "Gravar a configuração do {name}?",
  "cliTools.confirmMessage":
    "O OmniRoute vai gravar {paths}. Cada arquivo existente é copiado antes para <arquivo>.omniroute-backup-<horário>.",
  "cliTools.confirmWrite": "Gravar",
  "cliTools.written": "Gravado: {path}",
  "cliTools.backup": "Arquivo antigo guardado como {path}",
  "cliTools.unchanged": "Sem alteração: {path}",
  "cliTools.note.claude-code": "Inicie uma nova sessão do Claude Code para usar; /status mostra a URL base em uso.",
  "cliTools.note.codex": "O Codex lê o arquivo ao iniciar. A chave fica em experimental_bearer_token do provedor omniroute.",
  "cliTools.note.gemini-cli":
    "O Gemini CLI só lê ~/.gemini/.env quando nenhuma pasta acima do seu projeto tem um .env próprio, e pode ignorá-lo numa pasta em que você não confiou; nesse caso exporte as duas variáveis no seu shell.",
  "cliTools.note.openclaw": "Reinicie o gateway do OpenClaw depois de gravar (openclaw gateway restart).",
  "cliTools.note.opencode": "O opencode.json de um projeto pode escolher outro modelo; /models volta para o OmniRoute.",
  "cliTools.note.cline":
    "No painel de configurações do Cline escolha o provedor de API “OpenAI Compatible” e preencha estes campos. O Cline os guarda no armazenamento de extensões do VS Code, então o OmniRoute não pode gravá-los.",
  "cliTools.note.kilo-code":
    "No painel de configurações do Kilo Code escolha o provedor de API “OpenAI Compatible” e preencha estes campos. O Kilo Code os guarda no armazenamento de extensões do VS Code, então o OmniRoute não pode gravá-los.",
  "cliTools.note.cursor":
    "Configurações do Cursor → Models → API Keys: cole a chave, ative “Override OpenAI Base URL” e adicione o modelo como modelo personalizado. O Cursor pode enviar essas requisições a partir dos próprios servidores, que não alcançam 127.0.0.1; nesse caso o OmniRoute precisa estar acessível num endereço que eles consigam usar.",
  "cliTools.note.continue": "O Continue recarrega o config.yaml quando ele muda. A entrada chamada OmniRoute é substituída a cada gravação; seus outros modelos ficam.",
};
