export interface LibEntry { file: string; src: string; subpath: string; tag: string | null }
export const LIB_ENTRIES: ReadonlyArray<LibEntry>;
export function typesPath(src: string): string;
export function packageExports(): Record<string, string | { types: string; default: string }>;
