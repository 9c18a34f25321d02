/** Where a command writes, so that tests can run commands in-process. */
export interface CliIo {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
}
