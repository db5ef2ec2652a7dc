/** What the network codes under Node's "fetch failed" mean, in words. */
const NETWORK_CAUSES: Record<string, string> = {
  ENOTFOUND: 'the host name does not resolve (DNS)',
  EAI_AGAIN: 'the host name could not be resolved now (DNS)',
  ECONNREFUSED: 'connection refused, nothing listens at that address and port',
  ECONNRESET: 'the server reset the connection',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
};

/** The cause under a failed `fetch` (Node wraps it as `TypeError('fetch failed', { cause })`), in words, with the system's own line. */
export function fetchCause(e: unknown): string {
  let cause = e as { message?: string; code?: string; cause?: unknown; errors?: unknown[] } | undefined;
  while (cause?.cause !== undefined && cause.code === undefined) cause = cause.cause as typeof cause;
  // Several addresses tried (IPv4 and IPv6): each one failed the same way, the first says it.
  if (cause?.code === undefined && cause?.errors?.length) cause = cause.errors[0] as typeof cause;
  const message = cause?.message ?? String(e);
  const words = cause?.code ? NETWORK_CAUSES[cause.code] : undefined;
  return words ? `${words} (${message})` : message;
}
