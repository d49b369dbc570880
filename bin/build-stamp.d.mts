// Types of build-stamp.mjs (plain JavaScript so that bin/v2g.mjs loads it without a TypeScript loader).
export declare const repoRoot: string;
export declare const sourceDirs: readonly string[];
export declare const bundledPackages: readonly string[];
export declare const configFiles: readonly string[];
export declare const distDirName: string;
export declare const stampFileName: string;
export declare const compiledMain: string;
export declare const compiledWorker: string;
export declare function sourceFiles(root?: string): string[];
export declare function sourceHash(root?: string): string;
export declare function readStamp(root?: string): { sourceHash?: unknown; builtAt?: string; node?: string } | undefined;
export declare function buildState(root?: string): { fresh: boolean; reason: string };
