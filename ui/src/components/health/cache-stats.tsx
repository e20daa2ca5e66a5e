import type { CacheStats } from "../../api/health-api";
import { t } from "../../i18n/locale-store";
import { StatCard } from "../stat-card";
import { formatBytes, formatCount, formatShare } from "../usage/usage-format";

/** The response cache's counters since the start (GET /api/health/details `cache`, same as GET /api/cache). */
export function CacheStatsGrid(props: { cache: CacheStats }) {
  const hitRate = () => {
    const lookups = props.cache.hits + props.cache.misses;
    return lookups === 0 ? null : props.cache.hits / lookups;
  };
  return (
    <dl class="stat-grid health-cache" data-testid="health-cache">
      <StatCard label={t("health.cacheStatus")} detail={props.cache.persist ? t("health.cachePersisted", { count: formatCount(props.cache.persistedEntries) }) : t("health.cacheMemoryOnly")}>
        {props.cache.enabled ? t("health.cacheEnabled") : t("health.cacheDisabled")}
      </StatCard>
      <StatCard
        label={t("health.cacheEntries")}
        detail={t("health.cacheMemory", { used: formatBytes(props.cache.memoryBytes), max: formatBytes(props.cache.maxMemoryBytes) })}
      >
        <span data-testid="health-cache-entries">{formatCount(props.cache.entries)}</span>
      </StatCard>
      <StatCard label={t("health.cacheHitRate")} detail={t("health.cacheHitsMisses", { hits: formatCount(props.cache.hits), misses: formatCount(props.cache.misses) })}>
        {formatShare(hitRate())}
      </StatCard>
      <StatCard label={t("health.cacheStores")} detail={t("health.cacheSkipped", { count: formatCount(props.cache.skipped) })}>
        {formatCount(props.cache.stores)}
      </StatCard>
      <StatCard label={t("health.cacheEvictions")} detail={t("health.cacheExpired", { count: formatCount(props.cache.expired) })}>
        {formatCount(props.cache.evictions)}
      </StatCard>
      <StatCard label={t("health.cacheBypasses")}>{formatCount(props.cache.bypasses)}</StatCard>
    </dl>
  );
}
