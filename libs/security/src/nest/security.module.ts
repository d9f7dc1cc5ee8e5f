import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtVerifier } from '../jwt.verifier.js';
import { DEFAULT_AUDIENCE, DEFAULT_DATA_DIR, DEFAULT_ISSUER } from '../security.options.js';
import type { SecurityOptions } from '../security.options.js';
import { AuthGuard } from './auth.guard.js';

/** Injection token for the resolved `SecurityOptions`. */
export const SECURITY_OPTIONS = Symbol('SECURITY_OPTIONS');

export interface SecurityModuleOptions extends Partial<SecurityOptions> {
  /** Register `AuthGuard` as global guard (default true). Turn off only if you register it yourself. */
  globalGuard?: boolean;
}

/**
 * Provides `JwtVerifier` (keys loaded at startup; a misconfiguration fails the boot) and registers
 * `AuthGuard` globally. Use `SecurityModule.forRoot(securityOptionsFromEnv())` in an app module.
 */
@Module({})
export class SecurityModule {
  static forRoot(options: SecurityModuleOptions = {}): DynamicModule {
    const { globalGuard = true, ...rest } = options;
    const resolved: SecurityOptions = {
      ...rest,
      // Configured public keys imply production; never fall back to an embedded key silently.
      mode: rest.mode ?? (rest.publicKeysFile || rest.publicKeyPem ? 'production' : 'embedded'),
      dataDir: rest.dataDir ?? DEFAULT_DATA_DIR,
      issuer: rest.issuer ?? DEFAULT_ISSUER,
      audience: rest.audience ?? DEFAULT_AUDIENCE,
    };
    return {
      module: SecurityModule,
      global: true,
      providers: [
        { provide: SECURITY_OPTIONS, useValue: Object.freeze(resolved) },
        { provide: JwtVerifier, useFactory: (o: SecurityOptions) => JwtVerifier.create(o), inject: [SECURITY_OPTIONS] },
        AuthGuard,
        ...(globalGuard ? [{ provide: APP_GUARD, useExisting: AuthGuard }] : []),
      ],
      exports: [SECURITY_OPTIONS, JwtVerifier, AuthGuard],
    };
  }
}
