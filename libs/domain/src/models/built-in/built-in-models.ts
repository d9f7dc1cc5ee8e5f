import type { ModelDefinition } from '../model-definition.js';
import { AVE_MODEL } from './ave.model.js';
import { ONDERMIJNING_INTAKE_MODEL } from './ondermijning-intake.model.js';
import { WVGGZ_VERKENNEND_ONDERZOEK_MODEL } from './wvggz-verkennend-onderzoek.model.js';
import { ZEVEN_STAPPENMODEL_MODEL } from './zeven-stappenmodel.model.js';

/** The models that ship with the product, all version 1 (frozen data; a municipality publishes its own versions). */
export const BUILT_IN_MODELS: readonly ModelDefinition[] = Object.freeze([
  ONDERMIJNING_INTAKE_MODEL,
  WVGGZ_VERKENNEND_ONDERZOEK_MODEL,
  AVE_MODEL,
  ZEVEN_STAPPENMODEL_MODEL,
]);
