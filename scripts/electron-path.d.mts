export declare function findElectronBinary(env?: NodeJS.ProcessEnv): string | null;
