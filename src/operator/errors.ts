/**
 * The one error type of the operator tasks (`register`, `status`, `reveal`, `exit`, `claim`): a
 * request refused before anything was sent, with a code naming why (mostly the contract's own
 * custom error the transaction would have reverted with). The tasks print it and exit with
 * code 1; anything else is a bug or a network failure and propagates.
 */
export class OperatorError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
  ) {
    super(message);
    this.name = "OperatorError";
  }
}
