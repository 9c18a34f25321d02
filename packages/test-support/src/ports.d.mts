/** Types of ports.mjs, for tests and benches written in TypeScript. */
/** A loopback port free right now: for processes that must be told their port before they start. */
export declare function freePort(): Promise<number>;
