import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';

/**
 * Wakes the SSE streams of this process when it appended escalation steps (streams also poll the feed, so
 * steps appended by another process reach them a poll interval later), and ends every open stream when the
 * app shuts down: the HTTP server waits for open connections, so a stream left open would hold it up.
 */
@Injectable()
export class LiaisonFeedNotifier implements BeforeApplicationShutdown {
  private readonly listeners = new Set<() => void>();
  private readonly streams = new Set<() => void>();

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Registers an open stream's `end`; returns the function that unregisters it. */
  track(end: () => void): () => void {
    this.streams.add(end);
    return () => this.streams.delete(end);
  }

  beforeApplicationShutdown(): void {
    for (const end of [...this.streams]) end();
    this.streams.clear();
  }
}
