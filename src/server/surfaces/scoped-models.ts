import type { ListedModel } from "../../routing/model-router";
import type { KeyScope } from "../../security/key-scope";
import type { GatewayRuntime } from "../gateway-runtime";

const COMBO_OWNER = "omniroute-combo";

/**
 * The models and combos a restricted key may use, out of the router's list. Keys without restrictions get the
 * router's list itself (and `/v1/models` its pre-serialised body), so listing costs them nothing extra.
 */
export function modelsVisibleTo(runtime: GatewayRuntime, scope: KeyScope): ListedModel[] {
  const registry = runtime.services.registry;
  return runtime.router.listModels().filter((model) => {
    if (model.owned_by === COMBO_OWNER) return scope.allowsCombo(model.id);
    const slash = model.id.indexOf("/");
    const prefix = model.id.slice(0, slash);
    const aliases = registry.get(model.owned_by)?.aliases ?? [];
    return scope.allowsModel({ id: model.owned_by, prefixes: [prefix, ...aliases] }, model.id.slice(slash + 1));
  });
}
