// Types of build-stamp.mjs (plain JavaScript so that bin/v2g.mjs loads it without a TypeScript loader).
export declare const repoRoot: string;
export declare const sourceDirs: readonly string[];
export declare const bundledPackages: readonly string[];
export declare const configFiles: readonly string[];
export declare const distDirName: string;
export declare const stampFileName: string;
export declare const compiledMain: string;
export declare const compiledWorker: string;
export declare const racyMarginMs: number;
/** One file as the stamp records it. */
export interface StampedFile { size: number; mtimeMs: number; ctimeMs: number; ino: number; sha256: string }
/** The sources at one moment (sourceDigest). */
export interface SourceDigest { hash: string; files: Record<string, StampedFile>; takenAtMs: number; hashedFiles: number }
/** What build-cli.mjs writes into dist/cli. */
export interface BuildStamp { sourceHash?: unknown; files?: Record<string, StampedFile>; takenAtMs?: number; builtAt?: string; node?: string }
export declare function sourceFiles(root?: string): string[];
export declare function isVanishedError(error: unknown): boolean;
export declare function sourceDigest(root?: string, known?: BuildStamp, files?: readonly string[]): SourceDigest;
export declare function sourceHash(root?: string): string;
export declare function readStamp(root?: string): BuildStamp | undefined;
export declare function buildState(root?: string, files?: readonly string[]): { fresh: boolean; reason: string; hashedFiles: number };
