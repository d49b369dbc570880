/** Bad input to a command (a file that cannot be read or is not a valid problem): `main` prints it and exits 2. */
export class CliInputError extends Error {}
