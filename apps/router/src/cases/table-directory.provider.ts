import type { Provider } from '@nestjs/common';
import { tableDirectoryOf, type TableDirectory } from '#domain';
import { APP_CONFIG, loadTablesConfig, type AppConfig } from '#platform';

/** Injection token of the tables a case may be referred to, and the municipalities each serves. */
export const TABLE_DIRECTORY = Symbol('TABLE_DIRECTORY');

/**
 * The router reads the same tables configuration as the tables app (`TABLES_CONFIG_FILE`, else the built-in one),
 * so a referral to a table that does not exist or does not serve the case's municipality is refused when the
 * coordinator makes it (422, nothing recorded) instead of being rejected by the tables app afterwards. The tables
 * app still checks on its side (a process started with another file rejects the referral, recorded on the case).
 */
export const TABLE_DIRECTORY_PROVIDER: Provider = {
  provide: TABLE_DIRECTORY,
  useFactory: (config: AppConfig): TableDirectory => tableDirectoryOf(loadTablesConfig(config.TABLES_CONFIG_FILE?.trim() || null)),
  inject: [APP_CONFIG],
};
