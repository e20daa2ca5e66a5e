import { DEFAULT_HOST, DEFAULT_PORT } from "../config/runtime-config";

export const HELP_TEXT = `OmniRoute — one local endpoint for every AI coding tool and provider.

Usage:
  omniroute [serve] [--port N] [--host H] [--admin-port N] [--data-dir D] [--no-open]
  omniroute config export [--out FILE] [--include-secrets --passphrase-file F]
  omniroute config import FILE [--replace] [--passphrase-file F]
  omniroute config schema        (JSON Schema of the config file)
  omniroute keys create NAME | keys list | keys revoke ID
  omniroute password reset
  omniroute secret rotate [--new-secret-env NAME]   (re-encrypt stored credentials under a new master key)
  omniroute --help | --version

Options:
  --port N          Port to listen on (env PORT, default ${DEFAULT_PORT})
  --host H          Address to bind (env HOST, default ${DEFAULT_HOST}). A non-loopback address
                    needs at least one client API key (omniroute keys create NAME).
  --admin-port N    Split-port mode (env ADMIN_PORT): serve the dashboard, /api, /docs and /metrics on
                    127.0.0.1:N only; the main port then serves only /v1, /v1beta and GET /api/health
  --data-dir D      Where the database and master key live (env DATA_DIR, default ~/.omniroute)
  --no-open         Do not open the dashboard in a browser at start
  --include-secrets Export provider API keys too, encrypted with a passphrase
  --passphrase-file F  File holding the export passphrase (or env OMNIROUTE_PASSPHRASE)
  --replace         On import, remove connections and keys that the file does not contain
  --new-secret-env NAME  secret rotate with OMNIROUTE_SECRET set: the environment variable holding the new secret

Environment:
  INITIAL_PASSWORD     Dashboard password to set at first start (else one is generated and printed once)
  OMNIROUTE_SECRET     Master key material for encrypting provider credentials (else <data-dir>/secret.key)
  OMNIROUTE_PASSPHRASE Passphrase for config export --include-secrets and for importing such a file
  LOG_LEVEL            Console-log threshold for this run: debug, info, warn or error (else the stored setting)

API:        http://127.0.0.1:${DEFAULT_PORT}/v1  (OpenAI Chat & Responses, Anthropic Messages, Gemini; models are "<alias>/<model>")
Dashboard:  http://127.0.0.1:${DEFAULT_PORT}/
API docs:   http://127.0.0.1:${DEFAULT_PORT}/docs  (OpenAPI JSON at /openapi/json)
`;
