/**
 * A command's failure, said plainly: bad input (a file that cannot be read or is not a valid problem; exit 2,
 * the default) or a service it needs is unavailable (exit 69, EX_UNAVAILABLE). `main` prints it and exits.
 */
export class CliInputError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 2,
  ) {
    super(message);
  }
}
