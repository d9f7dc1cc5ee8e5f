import type { AppDescriptor } from '#platform';
import { INTAKE_APP } from '../../intake/src/intake.app.js';
import { ROUTER_APP } from '../../router/src/router.app.js';
import { TABLES_APP } from '../../tables/src/tables.app.js';
import { AUDIT_APP } from '../../audit/src/audit.app.js';

/**
 * The composition root: every app of the product. This is the one place allowed to import other apps,
 * and only their `*.app.ts` descriptors (checked by the dependency rules).
 */
export const ALL_APPS: AppDescriptor[] = [INTAKE_APP, ROUTER_APP, TABLES_APP, AUDIT_APP];
