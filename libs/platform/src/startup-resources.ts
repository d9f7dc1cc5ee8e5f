/**
 * What the providers opened while Nest was making the application (database pool, broker client). When making it
 * fails, Nest hands back no application whose shutdown would close them, so `startProcess` closes them here; once
 * the application exists, its own shutdown does and this list is forgotten.
 */
export class StartupResources {
  private readonly closers: (() => Promise<void>)[] = [];
  private closed = false;

  /**
   * Registers how to close something a provider just opened. Nest makes providers concurrently: one that opens
   * after another already failed (and everything was closed) is closed at once, and its provider is stopped.
   */
  opened(close: () => Promise<void>): void {
    if (!this.closed) {
      this.closers.push(close);
      return;
    }
    void close().catch(() => undefined);
    throw new Error('the application is not being made any more: another provider failed');
  }

  /** Closes everything registered, newest first; a failure to close one does not keep the others open. */
  async closeAll(): Promise<void> {
    this.closed = true;
    const closers = this.closers.splice(0).reverse();
    for (const close of closers) await close().catch(() => undefined);
  }

  /** The application was made: its shutdown closes these from now on. */
  forget(): void {
    this.closers.length = 0;
  }
}
