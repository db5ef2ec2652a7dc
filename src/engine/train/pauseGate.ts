/** Holds a loop at its next `whilePaused()` from `pause()` until `open()`: how `fit` pauses between batches. */
export class PauseGate {
  private held: { promise: Promise<void>; open: () => void } | undefined;

  get paused(): boolean {
    return this.held !== undefined;
  }

  pause(): void {
    if (this.held) return;
    let open!: () => void;
    const promise = new Promise<void>((resolve) => (open = resolve));
    this.held = { promise, open };
  }

  open(): void {
    const held = this.held;
    this.held = undefined;
    held?.open();
  }

  /** Resolves at once when open; otherwise when opened (a pause while waiting keeps it waiting). */
  async whilePaused(): Promise<void> {
    while (this.held) await this.held.promise;
  }
}
