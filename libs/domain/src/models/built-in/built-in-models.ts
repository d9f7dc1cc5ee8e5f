import type { ModelDefinition } from '../model-definition.js';
import { AVE_MODEL } from './ave.model.js';
import { ONDERMIJNING_INTAKE_MODEL } from './ondermijning-intake.model.js';
import { WVGGZ_VERKENNEND_ONDERZOEK_MODEL, WVGGZ_VERKENNEND_ONDERZOEK_MODEL_V1 } from './wvggz-verkennend-onderzoek.model.js';
import { ZEVEN_STAPPENMODEL_MODEL } from './zeven-stappenmodel.model.js';

/**
 * The models that ship with the product, one entry per model: its newest shipped version (frozen data; a
 * municipality publishes its own versions). What new cases get by default where no municipality published its own.
 * Lists of models (statistics, tables' sharing profiles) use this; a model registry uses {@link BUILT_IN_MODEL_VERSIONS}.
 */
export const BUILT_IN_MODELS: readonly ModelDefinition[] = Object.freeze([
  ONDERMIJNING_INTAKE_MODEL,
  WVGGZ_VERKENNEND_ONDERZOEK_MODEL,
  AVE_MODEL,
  ZEVEN_STAPPENMODEL_MODEL,
]);

/**
 * Every version the product ships, oldest first per model. A shipped version never changes and is never withdrawn:
 * cases opened on it stay pinned to it (a correction ships as the next version, e.g. `wvggz-verkennend-onderzoek`
 * version 2, whose 14-day term runs from `ontvangen` on).
 */
export const BUILT_IN_MODEL_VERSIONS: readonly ModelDefinition[] = Object.freeze([
  ONDERMIJNING_INTAKE_MODEL,
  WVGGZ_VERKENNEND_ONDERZOEK_MODEL_V1,
  WVGGZ_VERKENNEND_ONDERZOEK_MODEL,
  AVE_MODEL,
  ZEVEN_STAPPENMODEL_MODEL,
]);
