import type { Accessor } from "solid-js";
import { createApiQuery } from "../../api/create-api-query";
import { logsApi, type ComboSummary } from "../../api/logs-api";
import { managementApi } from "../../api/management-api";
import type { ApiKey, Connection } from "../../api/management-types";

/** Names for the ids a log row holds (connections, client keys) and the choices of the filter menus. */
export interface LogNames {
  connections: Accessor<readonly Connection[]>;
  apiKeys: Accessor<readonly ApiKey[]>;
  combos: Accessor<readonly ComboSummary[]>;
  connectionName: (id: string | null) => string | undefined;
  keyName: (id: string | null) => string | undefined;
}

/** Loaded once per page; a failure leaves the ids as they are (the rows stay readable). */
export function createLogNames(): LogNames {
  const connections = createApiQuery(managementApi.listConnections);
  const apiKeys = createApiQuery(managementApi.listApiKeys);
  const combos = createApiQuery(logsApi.listCombos);
  return {
    connections: () => connections.data() ?? [],
    apiKeys: () => apiKeys.data() ?? [],
    combos: () => combos.data() ?? [],
    connectionName: (id) => (id === null ? undefined : connections.data()?.find((connection) => connection.id === id)?.name),
    keyName: (id) => (id === null ? undefined : apiKeys.data()?.find((key) => key.id === id)?.name),
  };
}
