import { useNavigate } from "@solidjs/router";
import { t } from "../i18n/locale-store";
import { LOGIN_PATH } from "../route-paths";
import { logOut } from "../stores/session-store";

export function LogoutButton() {
  const navigate = useNavigate();
  async function handleClick() {
    try {
      await logOut();
    } finally {
      navigate(LOGIN_PATH, { replace: true });
    }
  }
  return (
    <button type="button" class="button button--quiet" onClick={handleClick}>
      {t("header.logout")}
    </button>
  );
}
