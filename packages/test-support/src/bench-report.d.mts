/** Types of bench-report.mjs, for benches and tests written in TypeScript. */
export interface Figure {
  readonly name: string;
  readonly value: number | string;
  readonly unit: string;
  readonly note?: string;
}
export interface Goal {
  readonly name: string;
  readonly value: number;
  readonly target: number;
  readonly met: boolean;
}
export interface SuiteReport {
  readonly suite: string;
  readonly command: string;
  readonly date: string;
  readonly machine: ReturnType<typeof machine>;
  readonly figures: readonly Figure[];
  readonly goals: readonly Goal[];
}
export declare const resultsDir: string;
export declare function machine(): {
  node: string;
  platform: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
};
export declare function writeSuite(
  suite: string,
  report: { command: string; figures: readonly Figure[]; goals?: readonly Goal[] },
): SuiteReport;
export declare function printSuite(report: SuiteReport): void;
export declare function formatValue(value: number | string): string;
