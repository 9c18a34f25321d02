import type { BuildOptions } from 'esbuild';

export declare const workerBuildOptions: BuildOptions;

/** The version of the workerd Miniflare runs (its compatibility date, `2026-07-30`). */
export declare function workerdVersion(): string;
