/**
 * A message the honest-witness builder cannot express in this version, for a stated reason: not a bug in the
 * builder nor a property of the message's honesty (the CLI and the fuzzer report such a message as unsupported).
 */
export class UnsupportedMessageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnsupportedMessageError';
  }
}
