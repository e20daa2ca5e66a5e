/**
 * Runs `omniroute secret rotate`'s core in a child process and kills it (process.exit, no clean-up, no close) at
 * the named point: what is left on disk is what a crash there leaves. argv: dataDir, crash point, [new secret].
 */
import { rotateMasterKey, type RotationHooks } from "../../../../src/cli/rotate-secret-command";
import { openAppServices } from "../../../../src/services/app-services";

const [dataDir, crashAt, newSecret] = process.argv.slice(2) as [string, keyof RotationHooks, string | undefined];
const services = openAppServices({ dataDir, secret: process.env.OMNIROUTE_SECRET || undefined });
rotateMasterKey(services, newSecret ? { kind: "env", secret: newSecret } : { kind: "file" }, { [crashAt]: () => process.exit(70) });
process.exit(0);
