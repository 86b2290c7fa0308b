/**
 * Where a handed-over delivery goes in the worker (and in `npm start`): GitHub's to Probot, a Flux event
 * (flux-events.ts) to the deploy tracking, run as the installation of its repository.
 */
import type { Probot } from "probot";
import type { DeployStore, FluxEventDelivery } from "../github/deploy-run.ts";
import { FLUX_EVENT } from "./flux-events.ts";
import type { Logger } from "./log.ts";

export function withFluxEvents(
  probot: Probot,
  store: DeployStore,
  log: Logger,
): { receive(event: { id: string; name: string; payload: unknown }): Promise<void> } {
  return {
    async receive(event) {
      if (event.name !== FLUX_EVENT) return probot.receive(event as Parameters<Probot["receive"]>[0]);
      const { receiveFluxEvent } = await import("../github/deploy-run.ts");
      const result = await receiveFluxEvent(
        { auth: (id?: number) => probot.auth(id) as never },
        event.payload as FluxEventDelivery,
        { store, log: { info: (m) => log.info({ msg: m }), warn: (m) => log.warn({ msg: m }) } },
      );
      log.info({ msg: "flux event applied", delivery: event.id, ...result });
    },
  };
}
