/** A failure's stack, folded away under its message: for the report a user files, not for reading first. */
export function ErrorDetails({ stack, testId }: { stack: string | null; testId: string }) {
  if (!stack) return null;
  return (
    <details className="error-details" data-testid={testId}>
      <summary>Details</summary>
      <pre>{stack}</pre>
    </details>
  );
}
