import { A } from "@solidjs/router";
import { PageHeading } from "../components/page-heading";
import { t } from "../i18n/locale-store";
import { STATUS_PATH } from "../route-paths";

export function NotFoundPage() {
  return (
    <section>
      <PageHeading title={t("notFound.title")} />
      <p>{t("notFound.message")}</p>
      <A href={STATUS_PATH}>{t("notFound.back")}</A>
    </section>
  );
}
