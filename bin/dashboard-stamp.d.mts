// Types of dashboard-stamp.mjs (plain JavaScript so that the build scripts load it without a TypeScript loader).
export declare const dashboardWebDir: string;
export declare const dashboardDist: string;
export declare const dashboardStampFile: string;
export declare function dashboardSourceHash(): string;
export declare function dashboardBuildState(): { fresh: boolean; hash: string };
