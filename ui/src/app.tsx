import { Router, type RouteDefinition } from "@solidjs/router";
import { AuthenticatedLayout } from "./components/authenticated-layout";
import { LoginPage } from "./pages/login-page";
import { NotFoundPage } from "./pages/not-found-page";
import { DASHBOARD_PAGES } from "./pages/page-registry";
import { LOGIN_PATH, STATUS_PATH } from "./route-paths";

const routes: RouteDefinition[] = [
  { path: LOGIN_PATH, component: LoginPage },
  {
    path: STATUS_PATH,
    component: AuthenticatedLayout,
    children: [
      ...DASHBOARD_PAGES.map((page) => ({ path: page.path, component: page.component })),
      { path: "*", component: NotFoundPage },
    ],
  },
];

export function App() {
  return <Router>{routes}</Router>;
}
