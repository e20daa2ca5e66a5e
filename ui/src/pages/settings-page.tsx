import { A } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { createApiQuery } from "../api/create-api-query";
import { settingsApi, type GatewaySettings } from "../api/settings-api";
import { ErrorNotice } from "../components/error-notice";
import { LoadingNotice } from "../components/loading-notice";
import { PageHeading } from "../components/page-heading";
import { BackupExportSection, BackupImportSection } from "../components/settings/backup-section";
import { ListenSection } from "../components/settings/listen-section";
import { LoggingSection } from "../components/settings/logging-section";
import { RateLimitsSection } from "../components/settings/rate-limits-section";
import { RequestControlsSection } from "../components/settings/request-controls-section";
import { RoutingSection } from "../components/settings/routing-section";
import { TimeoutsSection } from "../components/settings/timeouts-section";
import { t } from "../i18n/locale-store";
import { SECURITY_PATH } from "../route-paths";
import "../styles/settings.css";

export function SettingsPage() {
  const settings = createApiQuery(settingsApi.getSettings);
  // Bumped after an import replaced the settings: the forms start again from what the server now holds.
  const [generation, setGeneration] = createSignal(1);
  const saved = (updated: GatewaySettings) => settings.mutate(() => updated);

  async function afterImport() {
    await settings.refetch();
    setGeneration(generation() + 1);
  }

  return (
    <section class="page settings-page">
      <PageHeading title={t("settings.title")} />
      <p class="muted">{t("settings.intro")}</p>

      <p data-testid="settings-password-moved">
        {t("settings.passwordMoved")} <A href={`${SECURITY_PATH}?tab=sessions`}>{t("settings.passwordMovedLink")}</A>
      </p>
      <ListenSection />

      <Show when={settings.error()}>{(error) => <ErrorNotice error={error()} onRetry={settings.refetch} />}</Show>
      <Show when={settings.data() ? generation() : undefined} keyed fallback={<Show when={!settings.error()}><LoadingNotice /></Show>}>
        {(_generation: number) => {
          const current = settings.data()!;
          return (
            <>
              <RequestControlsSection settings={current} onSaved={saved} />
              <RoutingSection settings={current} onSaved={saved} />
              <TimeoutsSection settings={current} onSaved={saved} />
              <RateLimitsSection settings={current} onSaved={saved} />
              <LoggingSection settings={current} onSaved={saved} />
            </>
          );
        }}
      </Show>

      <BackupExportSection />
      <BackupImportSection onImported={() => void afterImport()} />
    </section>
  );
}
