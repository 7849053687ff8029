/** A server error where it happened: a banner across a page, or a line inside a panel. Nothing when there is none. */
export function ErrorMessage({ error, inline = false }: { error: string | null; inline?: boolean }) {
  if (error === null) return null;
  return inline ? (
    <p role="alert" className="error-text">
      {error}
    </p>
  ) : (
    <div className="error-banner" role="alert">
      {error}
    </div>
  );
}
