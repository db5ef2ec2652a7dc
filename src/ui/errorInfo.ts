/** A failure as the UI shows it: its message, and the stack behind it for a details box. */
export interface ErrorInfo {
  message: string;
  /**
   * Where it was thrown; for a worker call, the worker's own stack (comlink carries it across). Null when there is
   * none worth showing (a plain string was thrown, or an expected end such as a diverged run).
   */
  stack: string | null;
}

/** The message and stack of anything a call rejected with. */
export function errorInfo(e: unknown): ErrorInfo {
  if (e instanceof Error || (typeof e === 'object' && e !== null && 'message' in e)) {
    const { message, stack } = e as Error;
    return { message: String(message), stack: typeof stack === 'string' && stack ? stack : null };
  }
  return { message: String(e), stack: null };
}
