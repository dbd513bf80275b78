// The release version, baked in by scripts/build.mjs; running from source gives upstream's default.
declare const BPM_VERSION: string | undefined;

export const VERSION: string = typeof BPM_VERSION === 'string' ? BPM_VERSION : '[DEV BUILD]';
