export function formatListenAddress(listen: { host: string; port: number }): string {
  const host = listen.host.includes(":") ? `[${listen.host}]` : listen.host;
  return `${host}:${listen.port}`;
}
