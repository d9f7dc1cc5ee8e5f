import type { AppDescriptor } from '#platform';
import { INTAKE_APP } from '../../intake/src/intake.app.js';

/**
 * The composition root: every app of the product. This is the one place allowed to import other apps,
 * and only their `*.app.ts` descriptors (checked by the dependency rules).
 */
export const ALL_APPS: AppDescriptor[] = [INTAKE_APP];
