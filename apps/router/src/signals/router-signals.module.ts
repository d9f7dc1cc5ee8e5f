import { Module } from '@nestjs/common';
import { RouterSignalsProjection } from './router-signals.projection.js';
import { RouterSignalsRepository } from './router-signals.repository.js';

/** Injection token of the router's `RouterSignalsReader` (implemented by `RouterSignalsRepository`). */
export const ROUTER_SIGNALS = Symbol('ROUTER_SIGNALS');
/** The same token under the name the case service uses. */
export const ROUTER_SIGNALS_READER = ROUTER_SIGNALS;

/**
 * The router's view of signals: the `router_signals` read model and the projection that feeds it from the
 * signals and cases topics. Exports the reader for the case service and the triage commands.
 */
@Module({
  providers: [RouterSignalsRepository, { provide: ROUTER_SIGNALS, useExisting: RouterSignalsRepository }, RouterSignalsProjection],
  exports: [ROUTER_SIGNALS, RouterSignalsRepository],
})
export class RouterSignalsModule {}
