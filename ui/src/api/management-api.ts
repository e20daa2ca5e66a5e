import { apiRequest } from "./client";
import type {
  ApiKey,
  Connection,
  ConnectionChanges,
  ConnectionTestResult,
  CreatedApiKey,
  GatewayModel,
  GatewayStatus,
  NewConnection,
  Provider,
} from "./management-types";

const encodeId = encodeURIComponent;

export const managementApi = {
  login: (password: string) =>
    apiRequest<{ ok: true }>("POST", "/api/auth/login", { body: { password }, ignoreUnauthorized: true }),
  logout: () => apiRequest<void>("POST", "/api/auth/logout"),
  getSession: () => apiRequest<{ authenticated: boolean }>("GET", "/api/auth/session", { ignoreUnauthorized: true }),

  getStatus: () => apiRequest<GatewayStatus>("GET", "/api/status"),
  listProviders: () => apiRequest<Provider[]>("GET", "/api/providers"),
  listModels: async () => (await apiRequest<{ data: GatewayModel[] }>("GET", "/api/models")).data,

  listConnections: () => apiRequest<Connection[]>("GET", "/api/connections"),
  createConnection: (connection: NewConnection) =>
    apiRequest<Connection>("POST", "/api/connections", { body: connection }),
  updateConnection: (id: string, changes: ConnectionChanges) =>
    apiRequest<Connection>("PATCH", `/api/connections/${encodeId(id)}`, { body: changes }),
  deleteConnection: (id: string) => apiRequest<void>("DELETE", `/api/connections/${encodeId(id)}`),
  testConnection: (id: string) =>
    apiRequest<ConnectionTestResult>("POST", `/api/connections/${encodeId(id)}/test`),

  listApiKeys: () => apiRequest<ApiKey[]>("GET", "/api/keys"),
  createApiKey: (name: string) => apiRequest<CreatedApiKey>("POST", "/api/keys", { body: { name } }),
  revokeApiKey: (id: string) => apiRequest<void>("DELETE", `/api/keys/${encodeId(id)}`),
};
