import { render } from "solid-js/web";
import "./styles/tokens.css";
import "./styles/base.css";
import "./styles/layout.css";
import "./styles/components.css";
// Imported for their side effects: <html data-theme>, lang and dir are set before the first render.
import "./stores/theme-store";
import "./i18n/locale-store";
import { App } from "./app";
import { checkSession } from "./stores/session-store";

void checkSession();

render(() => <App />, document.getElementById("app")!);
