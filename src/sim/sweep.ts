/** Placeholder: replaced by the sweep implementation. */
export async function runSweep(argv: readonly string[]): Promise<void> {
  throw new Error(`sweep not implemented yet (${argv.join(" ")})`);
}
