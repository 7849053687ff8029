/** A store problem as a value: a code callers can branch on and a message that says what to do. */
export class StoreError extends Error {
  constructor(
    readonly code:
      | "not-found"
      | "digest-mismatch"
      | "size-mismatch"
      | "too-large"
      | "invalid-reference"
      | "invalid-archive"
      | "unsafe-entry"
      | "in-use"
      | "conflict"
      | "unsupported"
      | "not-a-file"
      | "no-platform",
    message: string,
  ) {
    super(message);
  }
}
